// The kinds of open file that live on a namespace server: regular files
// (by fs handle), /proc texts (by name at an offset), directories (listed
// with getdents64, never read) and /dev/null; and the stat64 of any file
// made from its server's FsStat.
//
// A transfer moves at most FS_IO_MAX bytes (one message); a longer
// request is a short read or write, which POSIX allows and C libraries
// loop over. A vector moves one transfer per iovec until one comes up
// short.
//
// A read first checks that the caller's buffer is writable, so a bad
// pointer is E_FAULT before any data is consumed; a write copies the
// caller's bytes first, so a bad pointer is E_FAULT before anything is
// written.
//
// O_APPEND: a file opened with it has an FS_APPEND handle, whose server
// puts every write at the end; a description that gets O_APPEND later
// (F_SETFL) seeks to the end before each write. Either way the offset is
// the file's size afterwards.
//
// stat64: a file is S_IFREG|0644, a directory S_IFDIR|0755, the console
// S_IFCHR|0620 (rdev 5:1, as /dev/console on Linux), /dev/null 1:3.
// st_ino is the server's id (a proc: object, which has none, gets a hash
// of its name), st_dev the mount's index, st_nlink 1, st_blksize 4096,
// st_blocks the 512-byte blocks of the size; uid and gid 0. Nothing
// records times yet: all three are the boot epoch of clock.c.
#include <lib/string.h>
#include "core.h"
#include "user.h"
#include "nsclient.h"
#include "path.h"
#include "clock.h"
#include "file.h"

#define BLOCK_SIZE 4096
#define CONSOLE_MAJOR 5
#define CONSOLE_MINOR 1

// Read at most count bytes of f at offset (ignored by the console) into
// the caller's buf. Returns the bytes read (0 at the end) or an error.
static int32_t IoRead(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t count,
                      uint64_t offset)
{
    FsIo io = { 0, count < FS_IO_MAX ? count : FS_IO_MAX, offset };
    int err;

    if ((f->flags & LINUX_O_ACCMODE) == LINUX_O_WRONLY)
        return E_BADF;
    if (count == 0)
        return 0;
    if ((err = UserCheckWritable(p, buf, io.length)) != 0)
        return err;
    io.handle = f->handle;              // 0: by name (a /proc text)
    return NsReadInto(p, f->name, MSG_READ, &io, buf);
}

// Before an O_APPEND write through a handle that does not append by
// itself: the file's end. Returns 0 or an error.
static int AppendOffset(PosixFile *f, uint64_t *offset)
{
    FsStat stat;
    int err = NsStatFile(f, &stat);

    if (!err)
        *offset = stat.size;
    return err;
}

// Write at most count bytes of the caller's buf to f at *offset, which
// then moves past them (NULL: pwrite, at no offset of the description).
// Returns the bytes written or an error.
static int32_t IoWrite(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t count,
                       uint64_t *offset)
{
    // The request is built here, not allocated: the caller's bytes are
    // copied once into it (the server is single-threaded; nothing below
    // writes another file).
    static union {
        Message message;
        uint8_t bytes[MESSAGE_MAX_SIZE];
    } request;
    FsIo io = { 0, count < FS_IO_MAX ? count : FS_IO_MAX, offset ? *offset : 0 };
    int append = offset && (f->flags & LINUX_O_APPEND) && f->handle > 0;
    Message *reply;
    FsCount written;
    int err = 0;

    if ((f->flags & LINUX_O_ACCMODE) == LINUX_O_RDONLY)
        return E_BADF;
    if (count == 0)
        return (int32_t)count;
    err = UserRead(p, request.message.data + sizeof(io), buf, io.length);
    if (!err && append && !(f->fsFlags & FS_APPEND))
        err = AppendOffset(f, &io.offset);
    if (err)
        return err;
    io.handle = f->handle;              // 0: by name (the console)
    request.message = (Message){ .type = MSG_WRITE,
                                 .length = MESSAGE_HEADER_SIZE + sizeof(io) + io.length };
    memcpy(request.message.data, &io, sizeof(io));
    reply = NsTransact(f->name, &request.message, &err);
    if (!reply)
        return err;
    written.count = 0;
    memcpy(&written, reply->data, MessageDataLength(reply) < sizeof(written) ?
                                  MessageDataLength(reply) : sizeof(written));
    api->FreeMessage(reply);
    if (written.count > io.length)
        written.count = io.length;
    if (offset && append)
        AppendOffset(f, offset);
    else if (offset)
        *offset = io.offset + written.count;
    return (int32_t)written.count;
}

// A stable inode number for an object its server gives no id (FNV-1a).
static uint32_t NameHash(const char *name)
{
    uint32_t hash = 2166136261u;

    while (*name)
        hash = (hash ^ (uint8_t)*name++) * 16777619u;
    return hash | 0x80000000u;
}

// Fill out (a struct stat64) from fs, the FsStat of name under mount.
void StatFromFs(const FsStat *fs, const PosixMount *mount, const char *name,
                       LinuxStat64 *out)
{
    memset(out, 0, sizeof(*out));
    out->dev = PathMountIndex(mount) + 1;
    out->ino = fs->id ? fs->id : NameHash(name);
    out->shortIno = (uint32_t)out->ino;
    out->nlink = 1;
    out->blksize = BLOCK_SIZE;
    if (fs->type == FS_TYPE_DIR)
        out->mode = LINUX_S_IFDIR | 0755;
    else if (fs->type == FS_TYPE_LINK) {
        out->mode = LINUX_S_IFLNK | 0777;
        out->size = (int64_t)fs->size;
    }
    else if (fs->type == FS_TYPE_DEVICE && mount->kind == POSIX_MOUNT_NULL) {
        out->mode = LINUX_S_IFCHR | 0666;
        out->rdev = (1 << 8) | 3;       // Linux's /dev/null: major 1, minor 3
    } else if (fs->type == FS_TYPE_DEVICE) {
        out->mode = LINUX_S_IFCHR | 0620;
        out->rdev = (CONSOLE_MAJOR << 8) | CONSOLE_MINOR;
    } else {
        out->mode = LINUX_S_IFREG | 0644;
        out->size = (int64_t)fs->size;
        out->blocks = (fs->size + 511) / 512;
    }
    out->atime = out->mtime = out->ctime = clockBootEpoch;
}

// The stat64 of a pipe end holding size bytes: a FIFO, 0600, on no
// device of the mount table (st_dev 0).
int StatOfFifo(const PosixFile *f, uint32_t size, LinuxStat64 *out)
{
    memset(out, 0, sizeof(*out));
    out->ino = f->id;
    out->shortIno = f->id;
    out->mode = LINUX_S_IFIFO | 0600;
    out->nlink = 1;
    out->blksize = BLOCK_SIZE;
    out->size = size;
    out->atime = out->mtime = out->ctime = clockBootEpoch;
    return 0;
}

// The stat64 of any other open file: from its server's FsStat.
int StatOfFile(const PosixFile *f, LinuxStat64 *out)
{
    FsStat fs;
    int err = NsStatFile(f, &fs);

    if (!err)
        StatFromFs(&fs, f->mount, f->name, out);
    return err;
}

// --- the kinds' ops ---------------------------------------------------------
//
// Every op moves bytes for read/readv (writing 0) or write/writev
// (writing 1): total bytes at buf, or, with iovCount, the iovCount
// iovecs at buf (checked by the caller, total bytes in all). offset is
// where in the file, moved past what was moved.

// Files by fs handle or by name (a /proc text): one transfer per iovec
// until one comes up short. Returns the total, or the first error.
static int32_t FileTransfer(PosixProcess *p, PosixFile *f, int writing, uint32_t buf,
                            uint32_t iovCount, uint32_t total, uint64_t *offset)
{
    int32_t moved = 0;

    if (iovCount == 0) {
        int32_t done = writing ? IoWrite(p, f, buf, total, offset) : IoRead(p, f, buf, total, *offset);
        if (!writing && done > 0)
            *offset += (uint32_t)done;
        return done;
    }
    for (uint32_t i = 0; i < iovCount; i++) {
        LinuxIovec vec;
        int32_t done;
        int err = UserRead(p, &vec, buf + i * sizeof(vec), sizeof(vec));
        if (err)
            return moved ? moved : err;
        if (vec.length == 0)
            continue;
        done = writing ? IoWrite(p, f, vec.base, vec.length, offset)
                       : IoRead(p, f, vec.base, vec.length, *offset);
        if (done < 0)
            return moved ? moved : done;
        if (!writing)
            *offset += (uint32_t)done;
        moved += done;
        if ((uint32_t)done < vec.length)
            break;
    }
    return moved;
}

static int32_t FileRead(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
                        uint32_t total, uint64_t *offset)
{
    return FileTransfer(p, f, 0, buf, iovCount, total, offset);
}

int32_t FileWrite(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
                         uint32_t total, uint64_t *offset)
{
    if ((f->flags & LINUX_O_ACCMODE) == LINUX_O_RDONLY)
        return E_BADF;
    return FileTransfer(p, f, 1, buf, iovCount, total, offset);
}

// A directory is listed with getdents64, never read or written.
static int32_t DirRead(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
                       uint32_t total, uint64_t *offset)
{
    (void)p; (void)f; (void)buf; (void)iovCount; (void)total; (void)offset;
    return E_ISDIR;
}

// An op that moves nothing: E_BADF (a write to a read end, say).
int32_t FileNoTransfer(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
                           uint32_t total, uint64_t *offset)
{
    (void)p; (void)f; (void)buf; (void)iovCount; (void)total; (void)offset;
    return E_BADF;
}

// /dev/null: reads end at once, writes vanish whole.
static int32_t NullRead(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
                        uint32_t total, uint64_t *offset)
{
    (void)p; (void)buf; (void)iovCount; (void)total; (void)offset;
    return (f->flags & LINUX_O_ACCMODE) == LINUX_O_WRONLY ? E_BADF : 0;
}

static int32_t NullWrite(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
                         uint32_t total, uint64_t *offset)
{
    (void)p; (void)buf; (void)iovCount; (void)offset;
    return (f->flags & LINUX_O_ACCMODE) == LINUX_O_RDONLY ? E_BADF : (int32_t)total;
}

// The new offset of a file for a seek to offset from whence (SEEK_END
// from its size). Returns 0 or E_INVAL (a bad whence, a negative result).
static int SeekFrom(PosixFile *f, int64_t offset, uint32_t whence, int ends, uint64_t *out)
{
    int64_t base;
    FsStat stat;
    int err;

    if (whence == LINUX_SEEK_SET)
        base = 0;
    else if (whence == LINUX_SEEK_CUR)
        base = (int64_t)f->offset;
    else if (whence == LINUX_SEEK_END && ends) {
        if ((err = NsStatFile(f, &stat)) != 0)
            return err;
        base = (int64_t)stat.size;
    } else
        return E_INVAL;
    if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
        return E_INVAL;
    *out = (uint64_t)(base + offset);
    return 0;
}

static int FileSeek(PosixFile *f, int64_t offset, uint32_t whence, uint64_t *out)
{
    return SeekFrom(f, offset, whence, 1, out);
}

// A directory's offset counts entries: it has no end to seek from.
static int DirSeek(PosixFile *f, int64_t offset, uint32_t whence, uint64_t *out)
{
    return SeekFrom(f, offset, whence, 0, out);
}

// Any seek of /dev/null lands at 0.
static int NullSeek(PosixFile *f, int64_t offset, uint32_t whence, uint64_t *out)
{
    (void)f; (void)offset;
    *out = 0;
    return whence <= LINUX_SEEK_END ? 0 : E_INVAL;
}

static int FileTruncate(PosixFile *f, uint64_t size)
{
    FsTruncate truncate = { f->handle, 0, size };
    int err = NsRequest(f->name, MSG_TRUNCATE, &truncate, sizeof(truncate), NULL, 0);

    return err < 0 ? err : 0;
}

static void FileClose(PosixFile *f)
{
    NsClose(f->name, f->handle);
}

// Files, directories, /proc and /dev/null are always ready.
uint32_t FilePoll(const PosixFile *f, uint32_t wanted, int *timed)
{
    (void)f; (void)wanted; (void)timed;
    return LINUX_POLLIN | LINUX_POLLRDNORM | LINUX_POLLOUT | LINUX_POLLWRNORM;
}


const PosixFileOps fileRegularOps = {
    FileRead, FileWrite, FileSeek, FileTruncate, FilePoll, StatOfFile, NULL, FileClose,
};
const PosixFileOps fileNamedOps = {
    FileRead, FileWrite, FileSeek, NULL, FilePoll, StatOfFile, NULL, NULL,
};
const PosixFileOps fileDirOps = {
    DirRead, FileNoTransfer, DirSeek, NULL, FilePoll, StatOfFile, NULL, NULL,
};
const PosixFileOps fileNullOps = {
    NullRead, NullWrite, NullSeek, NULL, FilePoll, StatOfFile, NULL, NULL,
};
