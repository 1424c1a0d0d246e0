// Reading and writing: read, write, readv, writev, pread64, pwrite64,
// lseek, _llseek, ftruncate64, ioctl.
//
// A transfer moves at most FS_IO_MAX bytes (one message); a longer
// request is a short read or write, which POSIX allows and C libraries
// loop over. Regular files go by their fs handle at the description's
// offset; proc: texts by name at the offset; the console by MSG_WRITE
// on console:, and its reads go to console.c, which answers later when no
// line is ready yet. Pipe ends go to pipe.c, which may answer later too.
// Neither can seek (E_SPIPE).
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
// ioctl knows the terminal requests of the console (TCGETS, TCSETS*,
// TIOCGWINSZ: 80x25, TIOCGPGRP, TIOCSPGRP: the console's foreground
// process group, which a ^C is for); the termios is kept per
// process and changes nothing in the console's line editing yet.
#include <lib/string.h>
#include "posix.h"

#define CONSOLE_ROWS 25
#define CONSOLE_COLS 80

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
    FsIo io = { 0, count < FS_IO_MAX ? count : FS_IO_MAX, offset ? *offset : 0 };
    int append = offset && (f->flags & LINUX_O_APPEND) && f->handle > 0;
    Message *request, *reply;
    FsCount written;
    int err = 0;

    if ((f->flags & LINUX_O_ACCMODE) == LINUX_O_RDONLY)
        return E_BADF;
    if (count == 0)
        return (int32_t)count;
    if (!(request = api->CreateMessage(MSG_WRITE, sizeof(io) + io.length)))
        return E_NOMEM;
    err = UserRead(p, request->data + sizeof(io), buf, io.length);
    if (!err && append && !(f->fsFlags & FS_APPEND))
        err = AppendOffset(f, &io.offset);
    if (err) {
        api->FreeMessage(request);
        return err;
    }
    io.handle = f->handle;              // 0: by name (the console)
    memcpy(request->data, &io, sizeof(io));
    reply = NsTransact(f->name, request, &err);
    api->FreeMessage(request);
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

// A 64-bit file offset from two argument words; E_INVAL if negative.
static int Offset64(uint32_t low, uint32_t high, uint64_t *out)
{
    if (high & 0x80000000u)
        return E_INVAL;
    *out = ((uint64_t)high << 32) | low;
    return 0;
}

#define IOV_CHUNK 16

// Check the caller's iovec array (count entries at iov): readable, and
// lengths adding up to at most 2 GiB - 1 (*sum). Returns 0 or an error.
static int IovCheck(PosixProcess *p, uint32_t iov, uint32_t count, uint32_t *sum)
{
    LinuxIovec vec[IOV_CHUNK];
    uint64_t total = 0;

    if (count > LINUX_IOV_MAX)
        return E_INVAL;
    for (uint32_t i = 0; i < count; i += IOV_CHUNK) {
        uint32_t n = count - i < IOV_CHUNK ? count - i : IOV_CHUNK;
        int err = UserRead(p, vec, iov + i * sizeof(LinuxIovec), n * sizeof(LinuxIovec));
        if (err)
            return err;
        for (uint32_t j = 0; j < n; j++)
            total += vec[j].length;
    }
    *sum = (uint32_t)total;
    return total > 0x7fffffffu ? E_INVAL : 0;
}

// The first iovec of the count at iov with room in it, as a console
// read's buffer (*base, *length 0 if none). Returns 0 or an error.
static int FirstBuffer(PosixProcess *p, uint32_t iov, uint32_t count, uint32_t *base,
                       uint32_t *length)
{
    LinuxIovec vec = { 0, 0 };

    for (uint32_t i = 0; i < count && vec.length == 0; i++) {
        int err = UserRead(p, &vec, iov + i * sizeof(vec), sizeof(vec));
        if (err)
            return err;
    }
    *base = vec.base;
    *length = vec.length;
    return 0;
}

// --- the kinds of file (PosixFileOps) ------------------------------------------
//
// Every op moves bytes for read/readv (writing 0) or write/writev
// (writing 1): total bytes at buf, or, with iovCount, the iovCount
// iovecs at buf (checked by the caller, total bytes in all). offset is
// where in the file, moved past what was moved; streams ignore it.

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

static int32_t FileWrite(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
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

static int32_t NotWritable(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
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

// The console: a read is one line (console.c; a vector fills its first
// buffer with room, so it never waits for a second); writes go by name.
static int32_t ConsoleReadOp(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
                             uint32_t total, uint64_t *offset)
{
    uint32_t base = buf, length = total;
    int err;

    (void)offset;
    if (iovCount && (err = FirstBuffer(p, buf, iovCount, &base, &length)) != 0)
        return err;
    return ConsoleRead(p, f, base, length);
}

// Pipe ends (pipe.c, and pipe: streams in stream.c): the whole vector
// moves as one transfer, answered later when it would wait.
static int32_t PipeMove(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
                        uint32_t total, uint64_t *offset)
{
    (void)offset;
    return PipeTransfer(p, f, buf, iovCount, total);
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

int32_t ConsoleIoctl(PosixProcess *p, PosixFile *f, uint32_t request, uint32_t arg);

static const PosixFileOps regularOps = {
    FileRead, FileWrite, FileSeek, FileTruncate, FilePoll, StatOfFile, NULL, FileClose,
};
static const PosixFileOps namedOps = {
    FileRead, FileWrite, FileSeek, NULL, FilePoll, StatOfFile, NULL, NULL,
};
static const PosixFileOps dirOps = {
    DirRead, NotWritable, DirSeek, NULL, FilePoll, StatOfFile, NULL, NULL,
};
static const PosixFileOps nullOps = {
    NullRead, NullWrite, NullSeek, NULL, FilePoll, StatOfFile, NULL, NULL,
};
static const PosixFileOps consoleOps = {
    ConsoleReadOp, FileWrite, NULL, NULL, ConsolePoll, StatOfFile, ConsoleIoctl, NULL,
};
static const PosixFileOps pipeReadOps = {
    PipeMove, NotWritable, NULL, NULL, PipePoll, StatOfPipe, NULL, PipeClose,
};
static const PosixFileOps pipeWriteOps = {
    NotWritable, PipeMove, NULL, NULL, PipePoll, StatOfPipe, NULL, PipeClose,
};

const PosixFileOps *const posixFileOps[] = {
    [POSIX_FILE_REGULAR]    = &regularOps,
    [POSIX_FILE_NAMED]      = &namedOps,
    [POSIX_FILE_DIR]        = &dirOps,
    [POSIX_FILE_CONSOLE]    = &consoleOps,
    [POSIX_FILE_NULL]       = &nullOps,
    [POSIX_FILE_PIPE_READ]  = &pipeReadOps,
    [POSIX_FILE_PIPE_WRITE] = &pipeWriteOps,
};

// --- the calls ------------------------------------------------------------------

// read(fd, buf, count)
int32_t LinuxSysRead(PosixProcess *p, const uint32_t *arg)
{
    PosixFile *f = FdGet(p, (int32_t)arg[0]);

    return f ? f->ops->Read(p, f, arg[1], 0, arg[2], &f->offset) : E_BADF;
}

// write(fd, buf, count)
int32_t LinuxSysWrite(PosixProcess *p, const uint32_t *arg)
{
    PosixFile *f = FdGet(p, (int32_t)arg[0]);

    return f ? f->ops->Write(p, f, arg[1], 0, arg[2], &f->offset) : E_BADF;
}

// The file and offset of a pread64/pwrite64 (fd, buf, count, lo, hi):
// *f set, or E_BADF, E_SPIPE (a stream: no Seek) or E_INVAL (a negative offset).
static int Positioned(PosixProcess *p, const uint32_t *arg, PosixFile **f, uint64_t *offset)
{
    if (!(*f = FdGet(p, (int32_t)arg[0])))
        return E_BADF;
    if (!(*f)->ops->Seek)
        return E_SPIPE;
    return Offset64(arg[3], arg[4], offset);
}

// pread64(fd, buf, count, offset_lo, offset_hi): at offset, the
// description's own offset unmoved.
int32_t LinuxSysPread64(PosixProcess *p, const uint32_t *arg)
{
    PosixFile *f;
    uint64_t offset;
    int err = Positioned(p, arg, &f, &offset);

    return err ? err : f->ops->Read(p, f, arg[1], 0, arg[2], &offset);
}

// pwrite64(fd, buf, count, offset_lo, offset_hi)
int32_t LinuxSysPwrite64(PosixProcess *p, const uint32_t *arg)
{
    PosixFile *f;
    uint64_t offset;
    int err = Positioned(p, arg, &f, &offset);

    return err ? err : f->ops->Write(p, f, arg[1], 0, arg[2], &offset);
}

// readv/writev: the iovecs checked first, then the file's op.
static int32_t Vector(PosixProcess *p, const uint32_t *arg, int writing)
{
    PosixFile *f = FdGet(p, (int32_t)arg[0]);
    uint32_t sum;
    int err;

    if (!f)
        return E_BADF;
    if ((err = IovCheck(p, arg[1], arg[2], &sum)) != 0)
        return err;
    return writing ? f->ops->Write(p, f, arg[1], arg[2], sum, &f->offset)
                   : f->ops->Read(p, f, arg[1], arg[2], sum, &f->offset);
}

// readv(fd, iov, iovcnt)
int32_t LinuxSysReadv(PosixProcess *p, const uint32_t *arg)
{
    return Vector(p, arg, 0);
}

// writev(fd, iov, iovcnt)
int32_t LinuxSysWritev(PosixProcess *p, const uint32_t *arg)
{
    return Vector(p, arg, 1);
}

// The new offset of f for a seek. Returns 0 or an error (E_SPIPE for a
// stream, E_INVAL for a bad whence or a negative result).
static int Seek(PosixFile *f, int64_t offset, uint32_t whence, uint64_t *out)
{
    return f->ops->Seek ? f->ops->Seek(f, offset, whence, out) : E_SPIPE;
}

// lseek(fd, offset, whence): 32-bit offsets; a result past 2 GiB - 1 is
// E_OVERFLOW.
int32_t LinuxSysLseek(PosixProcess *p, const uint32_t *arg)
{
    PosixFile *f = FdGet(p, (int32_t)arg[0]);
    uint64_t to;
    int err;

    if (!f)
        return E_BADF;
    if ((err = Seek(f, (int32_t)arg[1], arg[2], &to)) != 0)
        return err;
    if (to > 0x7fffffffu)
        return E_OVERFLOW;
    f->offset = to;
    return (int32_t)to;
}

// _llseek(fd, offset_hi, offset_lo, loff_t *result, whence)
int32_t LinuxSysLlseek(PosixProcess *p, const uint32_t *arg)
{
    PosixFile *f = FdGet(p, (int32_t)arg[0]);
    int64_t offset = (int64_t)(((uint64_t)arg[1] << 32) | arg[2]);
    uint64_t to;
    int err;

    if (!f)
        return E_BADF;
    if ((err = Seek(f, offset, arg[4], &to)) != 0)
        return err;
    if ((err = UserWrite(p, arg[3], &to, sizeof(to))) != 0)
        return err;
    f->offset = to;
    return 0;
}

// ftruncate64(fd, length_lo, length_hi)
int32_t LinuxSysFtruncate64(PosixProcess *p, const uint32_t *arg)
{
    PosixFile *f = FdGet(p, (int32_t)arg[0]);
    uint64_t size;

    /* decode */
    if (!f)
        return E_BADF;
    if (Offset64(arg[1], arg[2], &size) != 0 || !f->ops->Truncate ||
        (f->flags & LINUX_O_ACCMODE) == LINUX_O_RDONLY)
        return E_INVAL;
    /* invoke */
    return f->ops->Truncate(f, size);
}

// --- ioctl -------------------------------------------------------------------

typedef int32_t (*IoctlHandler)(PosixProcess *p, uint32_t arg);

// TCGETS: the process's termios.
static int32_t TermiosGet(PosixProcess *p, uint32_t arg)
{
    return UserWrite(p, arg, &p->termios, sizeof(p->termios));
}

// TCSETS, TCSETSW, TCSETSF: keep the new termios (nothing to drain or flush).
static int32_t TermiosSet(PosixProcess *p, uint32_t arg)
{
    LinuxTermios t;
    int err = UserRead(p, &t, arg, sizeof(t));

    if (!err)
        err = ConsoleSetTermios(p, &t);
    if (!err)
        p->termios = t;
    return err;
}

// TIOCGWINSZ: the screen's size.
static int32_t WindowSize(PosixProcess *p, uint32_t arg)
{
    LinuxWinsize size = { CONSOLE_ROWS, CONSOLE_COLS, 0, 0 };

    return UserWrite(p, arg, &size, sizeof(size));
}

// The console's foreground process group, as the last TIOCSPGRP set it
// (a job-control shell gives the console to each job, and takes it back).
static uint32_t terminalGroup;

typedef struct GroupSearch {
    uint32_t group;
    int found;
} GroupSearch;

static void FindMember(PosixProcess *p, void *arg)
{
    GroupSearch *search = arg;

    if (!p->ended && p->pgrp == search->group)
        search->found = 1;
}

// The console's foreground group while a live process is in it; 0 when
// none was set or its processes have all ended (then nobody holds the
// console as a job, and a ^C is for whomever the console names).
uint32_t ConsoleForegroundGroup(void)
{
    GroupSearch search = { terminalGroup, 0 };

    if (terminalGroup)
        PosixProcessForEach(FindMember, &search);
    return search.found ? terminalGroup : 0;
}

// TIOCGPGRP: the foreground process group (the process's own while none is set).
static int32_t GroupGet(PosixProcess *p, uint32_t arg)
{
    uint32_t group = ConsoleForegroundGroup();

    if (!group)
        group = p->pgrp;
    return UserWrite(p, arg, &group, sizeof(group));
}

// TIOCSPGRP: make a group (a positive number) the console's foreground.
static int32_t GroupSet(PosixProcess *p, uint32_t arg)
{
    int32_t group;
    int err = UserRead(p, &group, arg, sizeof(group));

    if (err)
        return err;
    if (group <= 0)
        return E_INVAL;
    terminalGroup = (uint32_t)group;
    return 0;
}

static const struct {
    uint32_t request;
    IoctlHandler handler;
} consoleIoctls[] = {
    { LINUX_TCGETS,     TermiosGet },
    { LINUX_TCSETS,     TermiosSet },
    { LINUX_TCSETSW,    TermiosSet },
    { LINUX_TCSETSF,    TermiosSet },
    { LINUX_TIOCGWINSZ, WindowSize },
    { LINUX_TIOCGPGRP,  GroupGet },
    { LINUX_TIOCSPGRP,  GroupSet },
};

// The console's ioctl: its terminal requests.
int32_t ConsoleIoctl(PosixProcess *p, PosixFile *f, uint32_t request, uint32_t arg)
{
    (void)f;
    for (uint32_t i = 0; i < sizeof(consoleIoctls) / sizeof(consoleIoctls[0]); i++)
        if (consoleIoctls[i].request == request)
            return consoleIoctls[i].handler(p, arg);
    return E_NOTTY;
}

// ioctl(fd, request, arg): the file's own requests (the console's
// terminal ones); anything else is E_NOTTY.
int32_t LinuxSysIoctl(PosixProcess *p, const uint32_t *arg)
{
    PosixFile *f = FdGet(p, (int32_t)arg[0]);

    if (!f)
        return E_BADF;
    return f->ops->Ioctl ? f->ops->Ioctl(p, f, arg[1], arg[2]) : E_NOTTY;
}
