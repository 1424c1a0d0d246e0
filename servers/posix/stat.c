// The stat family (stat64, lstat64, fstat64, fstatat64, statx) and
// readlink.
//
// Every answer is made from the FsStat of the object (MSG_STAT, or the
// listing probe that stands in for it on proc:), as file.c's StatFromFs
// describes; fstat asks the open file's kind (its Stat op), so a pipe
// end is S_IFIFO|0600 with st_size the bytes buffered and st_ino the
// pipe's number.
//
// The links of /proc (path.c) are S_IFLNK|0777 with st_size their
// target's length: lstat sees them, stat and fstatat without
// AT_SYMLINK_NOFOLLOW what they name, readlink their target.
#include <lib/format.h>
#include <lib/string.h>
#include "core.h"
#include "user.h"
#include "nsclient.h"
#include "path.h"
#include "file.h"
#include "stat.h"

// The stat64 of an open file.
static int StatFd(PosixProcess *p, int32_t fd, LinuxStat64 *out)
{
    PosixFile *f = FdGet(p, fd);

    return f ? f->ops->Stat(f, out) : E_BADF;
}

// The stat64 of the path at userPath, relative to dirfd; an empty path
// with AT_EMPTY_PATH is dirfd itself (or the cwd for AT_FDCWD).
static int StatAt(PosixProcess *p, int32_t dirfd, uint32_t userPath, uint32_t flags,
                  LinuxStat64 *out)
{
    int allowEmpty = (flags & LINUX_AT_EMPTY_PATH) != 0;
    PosixPath path;
    FsStat fs;
    int err = PathResolve(p, dirfd, userPath, allowEmpty, &path);

    if (err)
        return err;
    if (path.path[0] == 0 && dirfd != LINUX_AT_FDCWD)
        return StatFd(p, dirfd, out);
    if (path.path[0] == 0) {
        memcpy(path.path, p->cwd, sizeof(path.path));
        if ((err = PathMap(&path, p->pid)) != 0)
            return err;
    }
    if (!(flags & LINUX_AT_SYMLINK_NOFOLLOW) && (err = PathFollow(&path, p->pid)) != 0)
        return err;
    if ((err = NsStat(path.mount, path.name, &fs)) != 0)
        return err;
    StatFromFs(&fs, path.mount, path.name, out);
    return 0;
}

// stat64(path, buf)
int32_t LinuxSysStat64(PosixProcess *p, const uint32_t *arg)
{
    LinuxStat64 st;
    int err;

    /* decode */
    if ((err = StatAt(p, LINUX_AT_FDCWD, arg[0], 0, &st)) != 0)
        return err;
    /* invoke */
    return UserWrite(p, arg[1], &st, sizeof(st));
}

// lstat64(path, buf): a link itself, not what it names
int32_t LinuxSysLstat64(PosixProcess *p, const uint32_t *arg)
{
    LinuxStat64 st;
    int err;

    /* decode */
    if ((err = StatAt(p, LINUX_AT_FDCWD, arg[0], LINUX_AT_SYMLINK_NOFOLLOW, &st)) != 0)
        return err;
    /* invoke */
    return UserWrite(p, arg[1], &st, sizeof(st));
}

// fstat64(fd, buf)
int32_t LinuxSysFstat64(PosixProcess *p, const uint32_t *arg)
{
    LinuxStat64 st;
    int err;

    /* decode */
    if ((err = StatFd(p, (int32_t)arg[0], &st)) != 0)
        return err;
    /* invoke */
    return UserWrite(p, arg[1], &st, sizeof(st));
}

#define STATAT_FLAGS (LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH | LINUX_AT_NO_AUTOMOUNT)

// fstatat64(dirfd, path, buf, flags)
int32_t LinuxSysFstatat64(PosixProcess *p, const uint32_t *arg)
{
    LinuxStat64 st;
    int err;

    /* decode */
    if (arg[3] & ~(uint32_t)STATAT_FLAGS)
        return E_INVAL;
    if ((err = StatAt(p, (int32_t)arg[0], arg[1], arg[3], &st)) != 0)
        return err;
    /* invoke */
    return UserWrite(p, arg[2], &st, sizeof(st));
}

#define UTIME_NOW  0x3fffffff
#define UTIME_OMIT 0x3ffffffe

// Whether ts is a time utimensat takes: nanoseconds in range, or
// UTIME_NOW or UTIME_OMIT.
static int UtimeValid(const LinuxTimespec32 *ts)
{
    return (ts->nsec >= 0 && ts->nsec < 1000000000) || ts->nsec == UTIME_NOW ||
           ts->nsec == UTIME_OMIT;
}

// utimensat(dirfd, path, times, flags): the filesystems keep no times,
// so this checks its arguments (flags, times as Linux checks them) and
// that the file exists, and sets nothing (touch on an existing file then
// succeeds, as it should). It has no invoke step.
int32_t LinuxSysUtimensat(PosixProcess *p, const uint32_t *arg)
{
    LinuxTimespec32 times[2];
    LinuxStat64 st;
    int err;

    /* decode */
    if (arg[3] & ~(uint32_t)(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH))
        return E_INVAL;
    if (arg[2] && (err = UserRead(p, times, arg[2], sizeof(times))) != 0)
        return err;
    if (arg[2] && (!UtimeValid(&times[0]) || !UtimeValid(&times[1])))
        return E_INVAL;
    if (arg[1] == 0)
        return StatFd(p, (int32_t)arg[0], &st);     // futimens(fd, times)
    return StatAt(p, (int32_t)arg[0], arg[1], arg[3], &st);
}

// statx(dirfd, path, flags, mask, buf): every basic field, whatever the
// mask asks.
int32_t LinuxSysStatx(PosixProcess *p, const uint32_t *arg)
{
    LinuxStat64 st;
    LinuxStatx x;
    int err;

    /* decode */
    if ((arg[2] & ~(uint32_t)(STATAT_FLAGS | LINUX_AT_STATX_SYNC_TYPE)) ||
        (arg[2] & LINUX_AT_STATX_SYNC_TYPE) == LINUX_AT_STATX_SYNC_TYPE ||
        (arg[3] & LINUX_STATX_RESERVED))
        return E_INVAL;
    if ((err = StatAt(p, (int32_t)arg[0], arg[1], arg[2], &st)) != 0)
        return err;
    /* invoke */
    memset(&x, 0, sizeof(x));
    x.mask = LINUX_STATX_BASIC_STATS;
    x.blksize = st.blksize;
    x.nlink = st.nlink;
    x.mode = (uint16_t)st.mode;
    x.ino = st.ino;
    x.size = (uint64_t)st.size;
    x.blocks = st.blocks;
    x.atime.sec = x.btime.sec = x.ctime.sec = x.mtime.sec = st.mtime;
    x.rdevMajor = (uint32_t)(st.rdev >> 8);
    x.rdevMinor = (uint32_t)(st.rdev & 0xff);
    x.devMinor = (uint32_t)st.dev;
    return UserWrite(p, arg[4], &x, sizeof(x));
}

// readlinkat(dirfd, path, buf, size): the target of a link of /proc
// (path.c), at most size bytes of it, not NUL-terminated; E_INVAL for
// anything that is not a link. buf is written only once all is checked.
static int32_t ReadlinkAt(PosixProcess *p, int32_t dirfd, uint32_t userPath, uint32_t buf,
                          uint32_t size)
{
    char target[POSIX_PATH_MAX];
    PosixPath path;
    uint32_t length;
    int err;

    /* decode */
    if ((int32_t)size <= 0)
        return E_INVAL;
    if ((err = PathResolve(p, dirfd, userPath, 0, &path)) != 0)
        return err;
    if ((err = PathReadLink(&path, target)) != 0)
        return err;
    /* invoke */
    length = (uint32_t)strlen(target);
    if (length > size)
        length = size;
    err = UserWrite(p, buf, target, length);
    return err ? err : (int32_t)length;
}

// readlink(path, buf, size): ReadlinkAt checks everything before it writes.
int32_t LinuxSysReadlink(PosixProcess *p, const uint32_t *arg)
{
    return ReadlinkAt(p, LINUX_AT_FDCWD, arg[0], arg[1], arg[2]);
}

// readlinkat(dirfd, path, buf, size): as readlink.
int32_t LinuxSysReadlinkat(PosixProcess *p, const uint32_t *arg)
{
    return ReadlinkAt(p, (int32_t)arg[0], arg[1], arg[2], arg[3]);
}
