// Calls on names and directories: mkdir, mkdirat, rmdir, unlink,
// unlinkat, rename, renameat, access, faccessat, chdir, fchdir, getcwd,
// getdents64.
//
// Each becomes one request of the filesystem protocol on the mapped name
// (MSG_MKDIR, MSG_RMDIR, MSG_DELETE, MSG_RENAME, MSG_STAT, MSG_LIST), and
// the server's E_* answer is the errno. A rename between two mounts is
// E_XDEV, as between two Linux filesystems.
//
// getdents64 lists a directory fd by name with MSG_LIST. The fd's offset
// counts entries: 0 is ".", 1 is "..", and entry k >= 2 is the server's
// entry k - 2, so a seek back to an entry's d_off (seekdir, rewinddir)
// carries on from there.
#include <lib/string.h>
#include "core.h"
#include "user.h"
#include "nsclient.h"
#include "path.h"
#include "dir.h"

// Send a request without payload to the name of the path at userPath
// (relative to dirfd), once the path is resolved. Returns 0 or an error.
static int32_t OnName(PosixProcess *p, int32_t dirfd, uint32_t userPath, uint32_t type)
{
    PosixPath path;
    int err;

    /* decode */
    if ((err = PathResolve(p, dirfd, userPath, 0, &path)) != 0)
        return err;
    /* invoke */
    err = NsRequest(path.name, type, NULL, 0, NULL, 0);
    return err < 0 ? err : 0;
}

// mkdir(path, mode): OnName resolves the path before it asks.
int32_t LinuxSysMkdir(PosixProcess *p, const uint32_t *arg)
{
    return OnName(p, LINUX_AT_FDCWD, arg[0], MSG_MKDIR);
}

// mkdirat(dirfd, path, mode)
int32_t LinuxSysMkdirat(PosixProcess *p, const uint32_t *arg)
{
    return OnName(p, (int32_t)arg[0], arg[1], MSG_MKDIR);
}

// rmdir(path)
int32_t LinuxSysRmdir(PosixProcess *p, const uint32_t *arg)
{
    return OnName(p, LINUX_AT_FDCWD, arg[0], MSG_RMDIR);
}

// unlink(path)
int32_t LinuxSysUnlink(PosixProcess *p, const uint32_t *arg)
{
    return OnName(p, LINUX_AT_FDCWD, arg[0], MSG_DELETE);
}

// unlinkat(dirfd, path, flags): AT_REMOVEDIR makes it rmdir.
int32_t LinuxSysUnlinkat(PosixProcess *p, const uint32_t *arg)
{
    /* decode: the flags here, the path in OnName */
    if (arg[2] & ~(uint32_t)LINUX_AT_REMOVEDIR)
        return E_INVAL;
    return OnName(p, (int32_t)arg[0], arg[1],
                  (arg[2] & LINUX_AT_REMOVEDIR) ? MSG_RMDIR : MSG_DELETE);
}

// Rename the path at oldPath (relative to oldDir) to newPath (relative
// to newDir), once both are resolved and on one mount. Returns 0 or an
// error.
static int32_t RenameAt(PosixProcess *p, int32_t oldDir, uint32_t oldPath, int32_t newDir,
                        uint32_t newPath)
{
    PosixPath from, to;
    int err;

    /* decode */
    if ((err = PathResolve(p, oldDir, oldPath, 0, &from)) != 0 ||
        (err = PathResolve(p, newDir, newPath, 0, &to)) != 0)
        return err;
    if (from.mount != to.mount)
        return E_XDEV;
    /* invoke */
    err = NsRequest(from.name, MSG_RENAME, to.name, (uint32_t)strlen(to.name) + 1, NULL, 0);
    return err < 0 ? err : 0;
}

// rename(old, new): RenameAt resolves both paths before it asks.
int32_t LinuxSysRename(PosixProcess *p, const uint32_t *arg)
{
    return RenameAt(p, LINUX_AT_FDCWD, arg[0], LINUX_AT_FDCWD, arg[1]);
}

// renameat(olddirfd, old, newdirfd, new)
int32_t LinuxSysRenameat(PosixProcess *p, const uint32_t *arg)
{
    return RenameAt(p, (int32_t)arg[0], arg[1], (int32_t)arg[2], arg[3]);
}

// Whether the path at userPath exists (no permissions yet: every mode an
// existing object is asked for is granted). Returns 0 or an error.
static int32_t AccessAt(PosixProcess *p, int32_t dirfd, uint32_t userPath, uint32_t mode)
{
    PosixPath path;
    FsStat stat;
    int err;

    if (mode & ~7u)
        return E_INVAL;
    if ((err = PathResolve(p, dirfd, userPath, 0, &path)) != 0)
        return err;
    return NsStat(path.mount, path.name, &stat);
}

// access(path, mode)
int32_t LinuxSysAccess(PosixProcess *p, const uint32_t *arg)
{
    return AccessAt(p, LINUX_AT_FDCWD, arg[0], arg[1]);
}

// faccessat(dirfd, path, mode)
int32_t LinuxSysFaccessat(PosixProcess *p, const uint32_t *arg)
{
    return AccessAt(p, (int32_t)arg[0], arg[1], arg[2]);
}

// chdir(path)
int32_t LinuxSysChdir(PosixProcess *p, const uint32_t *arg)
{
    PosixPath path;
    FsStat stat;
    int err;

    /* decode */
    if ((err = PathResolve(p, LINUX_AT_FDCWD, arg[0], 0, &path)) != 0 ||
        (err = NsStat(path.mount, path.name, &stat)) != 0)
        return err;
    if (stat.type != FS_TYPE_DIR)
        return E_NOTDIR;
    /* invoke */
    memcpy(p->cwd, path.path, sizeof(p->cwd));
    PathContextCwd(p);
    return 0;
}

// fchdir(fd)
int32_t LinuxSysFchdir(PosixProcess *p, const uint32_t *arg)
{
    PosixFile *f = FdGet(p, (int32_t)arg[0]);

    /* decode */
    if (!f)
        return E_BADF;
    if (f->kind != POSIX_FILE_DIR)
        return E_NOTDIR;
    /* invoke */
    memcpy(p->cwd, f->path, sizeof(p->cwd));
    PathContextCwd(p);
    return 0;
}

// getcwd(buf, size): returns the length with the NUL, E_RANGE if size is
// too small.
int32_t LinuxSysGetcwd(PosixProcess *p, const uint32_t *arg)
{
    uint32_t length = (uint32_t)strlen(p->cwd) + 1;
    int err;

    /* decode */
    if (arg[1] < length)
        return E_RANGE;
    /* invoke */
    if ((err = UserWrite(p, arg[0], p->cwd, length)) != 0)
        return err;
    return (int32_t)length;
}

// --- getdents64 --------------------------------------------------------------

#define DOT_ENTRIES 2               // "." and ".."
#define DIRENT_MIN 24               // the smallest record (a 1-byte name)

// The record length of a dirent64 for a name of length bytes.
static uint32_t RecordLength(uint32_t length)
{
    return ((uint32_t)sizeof(LinuxDirent64) + length + 1 + 7) & ~7u;
}

// Append one record to out (used bytes of capacity). Returns 0, or 1 if
// it does not fit.
static int PutRecord(uint8_t *out, uint32_t *used, uint32_t capacity, uint64_t ino,
                     int64_t next, uint8_t type, const char *name)
{
    uint32_t length = (uint32_t)strnlen(name, FS_NAME_MAX);
    uint32_t size = RecordLength(length);
    LinuxDirent64 d = { ino, next, (uint16_t)size, type };

    if (*used + size > capacity)
        return 1;
    memset(out + *used, 0, size);
    memcpy(out + *used, &d, sizeof(d));
    memcpy(out + *used + sizeof(d), name, length);
    *used += size;
    return 0;
}

// The d_type of an FsDirEntry type.
static uint8_t DirentType(uint32_t fsType)
{
    return fsType == FS_TYPE_DIR ? LINUX_DT_DIR :
           fsType == FS_TYPE_DEVICE ? LINUX_DT_CHR :
           fsType == FS_TYPE_LINK ? LINUX_DT_LNK : LINUX_DT_REG;
}

// Fill out with records of f's entries from entry *at on, moving *at past
// them (f's own offset is left alone). Returns the bytes used (0: the
// end) or an error; *full says whether an entry was left out for want of
// room.
static int FillEntries(const PosixFile *f, uint64_t *at, uint8_t *out, uint32_t capacity,
                       int *full)
{
    static const char *const dots[DOT_ENTRIES] = { ".", ".." };
    FsListRequest list;
    Message *request, *reply;
    uint32_t used = 0, count;
    int err = 0;

    *full = 1;
    for (; *at < DOT_ENTRIES; (*at)++)
        if (PutRecord(out, &used, capacity, *at ? 1 : f->id + 1u, (int64_t)*at + 1,
                      LINUX_DT_DIR, dots[*at]))
            return (int)used;
    list.index = (uint32_t)(*at - DOT_ENTRIES);
    list.count = capacity / DIRENT_MIN < FS_LIST_MAX ? capacity / DIRENT_MIN : FS_LIST_MAX;
    if (list.count == 0)
        return (int)used;
    if (!(request = api->CreateMessage(MSG_LIST, sizeof(list))))
        return used ? (int)used : E_NOMEM;
    memcpy(request->data, &list, sizeof(list));
    reply = NsTransact(f->name, request, &err);
    api->FreeMessage(request);
    if (!reply)
        return used ? (int)used : err;
    count = MessageDataLength(reply) / sizeof(FsDirEntry);
    *full = 0;
    for (uint32_t i = 0; i < count && !*full; i++) {
        const FsDirEntry *e = (const FsDirEntry *)reply->data + i;
        *full = PutRecord(out, &used, capacity, e->id + 1u, (int64_t)*at + 1,
                          DirentType(e->type), e->name);
        *at += !*full;
    }
    api->FreeMessage(reply);
    return (int)used;
}

// getdents64(fd, dirp, count): the records that fit, 0 at the end,
// E_INVAL if the buffer cannot hold even the next one. The records are
// made from a copy of the offset, which moves only once they are in the
// caller's buffer.
int32_t LinuxSysGetdents64(PosixProcess *p, const uint32_t *arg)
{
    PosixFile *f = FdGet(p, (int32_t)arg[0]);
    uint32_t capacity = arg[2] < FS_IO_MAX ? arg[2] : FS_IO_MAX;
    uint64_t next;
    uint8_t *out;
    int used, err, full;

    /* decode */
    if (!f)
        return E_BADF;
    if (f->kind != POSIX_FILE_DIR)
        return E_NOTDIR;
    if ((err = UserCheckWritable(p, arg[1], capacity)) != 0)
        return err;
    if (!(out = api->kmalloc(capacity ? capacity : 1)))
        return E_NOMEM;
    next = f->offset;
    used = FillEntries(f, &next, out, capacity, &full);
    if (used == 0 && full)
        used = E_INVAL;
    /* invoke */
    if (used > 0 && (err = UserWrite(p, arg[1], out, (uint32_t)used)) != 0)
        used = err;
    if (used >= 0)
        f->offset = next;
    api->kfree(out);
    return used;
}
