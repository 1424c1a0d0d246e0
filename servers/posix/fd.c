// The fd table: close, dup, dup2, dup3, fcntl.
//
// Each process has POSIX_FD_MAX slots. A slot points at a PosixFile, an
// open file description that dup shares (offset and status flags
// included, as POSIX wants), counted by refs; the close-on-exec flag
// belongs to the slot. When the last fd of a regular file goes, the fs
// handle behind it is closed on its server; when the last of a pipe end
// goes, the pipe learns it (PipeClose: its readers see the end of file,
// its writers E_PIPE): FdRelease is the one place where that happens,
// through the file's Close op. Handles belong to the POSIX server's pid,
// not the client's: that is why the server closes them all itself when
// the client ends (FdCloseAll). FdGet is core.h's.
#include <lib/string.h>
#include "core.h"
#include "fd.h"

// A new open file description of kind, doing what ops does, for path
// (may be NULL), with status flags, one reference. NULL if out of memory.
PosixFile *FdNewFile(PosixFileKind kind, const PosixFileOps *ops, const PosixPath *path,
                     uint32_t flags)
{
    PosixFile *f = api->kmalloc(sizeof(*f));

    if (!f)
        return NULL;
    memset(f, 0, sizeof(*f));
    f->kind = kind;
    f->ops = ops;
    f->refs = 1;
    f->flags = flags;
    if (path) {
        memcpy(f->path, path->path, sizeof(f->path));
        memcpy(f->name, path->name, sizeof(f->name));
        f->mount = path->mount;
    }
    return f;
}

// The lowest free fd at or above minFd, or E_MFILE.
int FdFree(PosixProcess *p, int32_t minFd)
{
    for (int32_t fd = minFd < 0 ? 0 : minFd; fd < POSIX_FD_MAX; fd++)
        if (!p->fds[fd])
            return fd;
    return E_MFILE;
}

// Put f (whose reference the table takes) at the lowest free fd at or
// above minFd. Returns the fd, or E_MFILE (f untouched then).
int FdInstall(PosixProcess *p, PosixFile *f, int32_t minFd, int cloexec)
{
    int fd = FdFree(p, minFd);

    if (fd < 0)
        return fd;
    p->fds[fd] = f;
    p->fdFlags[fd] = cloexec ? LINUX_FD_CLOEXEC : 0;
    return fd;
}

// Drop one reference to f; the last closes its fs handle or pipe end
// and frees it.
void FdRelease(PosixFile *f)
{
    if (--f->refs > 0)
        return;
    if (f->ops->Close)
        f->ops->Close(f);
    api->kfree(f);
}

// Close every fd of p (its end).
void FdCloseAll(PosixProcess *p)
{
    for (int fd = 0; fd < POSIX_FD_MAX; fd++) {
        if (p->fds[fd])
            FdRelease(p->fds[fd]);
        p->fds[fd] = NULL;
    }
}

// close(fd)
int32_t LinuxSysClose(PosixProcess *p, const uint32_t *arg)
{
    PosixFile *f = FdGet(p, (int32_t)arg[0]);

    /* decode */
    if (!f)
        return E_BADF;
    /* invoke */
    p->fds[arg[0]] = NULL;
    FdRelease(f);
    return 0;
}

// Make newFd (already checked to be in range) another fd of oldFd's
// file, closing what newFd held.
static int32_t DupTo(PosixProcess *p, PosixFile *f, int32_t newFd, int cloexec)
{
    PosixFile *old = p->fds[newFd];

    f->refs++;
    p->fds[newFd] = f;
    p->fdFlags[newFd] = cloexec ? LINUX_FD_CLOEXEC : 0;
    if (old)
        FdRelease(old);
    return newFd;
}

// dup(fd)
int32_t LinuxSysDup(PosixProcess *p, const uint32_t *arg)
{
    PosixFile *f = FdGet(p, (int32_t)arg[0]);
    int fd;

    /* decode */
    if (!f)
        return E_BADF;
    /* invoke: E_MFILE installs nothing */
    if ((fd = FdInstall(p, f, 0, 0)) >= 0)
        f->refs++;
    return fd;
}

// dup2(oldfd, newfd)
int32_t LinuxSysDup2(PosixProcess *p, const uint32_t *arg)
{
    PosixFile *f = FdGet(p, (int32_t)arg[0]);
    int32_t newFd = (int32_t)arg[1];

    /* decode */
    if (!f || newFd < 0 || newFd >= POSIX_FD_MAX)
        return E_BADF;
    if (newFd == (int32_t)arg[0])
        return newFd;
    /* invoke */
    return DupTo(p, f, newFd, 0);
}

// dup3(oldfd, newfd, flags): dup2 with O_CLOEXEC; equal fds are E_INVAL.
int32_t LinuxSysDup3(PosixProcess *p, const uint32_t *arg)
{
    PosixFile *f = FdGet(p, (int32_t)arg[0]);
    int32_t newFd = (int32_t)arg[1];

    /* decode */
    if (arg[2] & ~(uint32_t)LINUX_O_CLOEXEC)
        return E_INVAL;
    if (!f || newFd < 0 || newFd >= POSIX_FD_MAX)
        return E_BADF;
    if (newFd == (int32_t)arg[0])
        return E_INVAL;
    /* invoke */
    return DupTo(p, f, newFd, (arg[2] & LINUX_O_CLOEXEC) != 0);
}

// F_DUPFD / F_DUPFD_CLOEXEC: the lowest free fd at or above minFd
// (checked to be below POSIX_FD_MAX). E_MFILE installs nothing.
static int32_t FcntlDup(PosixProcess *p, PosixFile *f, uint32_t minFd, int cloexec)
{
    int fd = FdInstall(p, f, (int32_t)minFd, cloexec);

    if (fd >= 0)
        f->refs++;
    return fd;
}

// The status flags F_SETFL may change.
#define SETFL_MASK (LINUX_O_APPEND | LINUX_O_NONBLOCK)

// Whether fcntl serves cmd.
static int FcntlServed(uint32_t cmd)
{
    return cmd <= LINUX_F_SETFL || cmd == LINUX_F_DUPFD_CLOEXEC;
}

// fcntl64(fd, cmd, arg) and fcntl: F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD,
// F_SETFD, F_GETFL, F_SETFL; other commands are E_INVAL. F_SETFD and
// F_SETFL keep the bits they know and ignore the rest, as Linux does.
int32_t LinuxSysFcntl(PosixProcess *p, const uint32_t *arg)
{
    int32_t fd = (int32_t)arg[0];
    PosixFile *f = FdGet(p, fd);
    uint32_t cmd = arg[1];

    /* decode */
    if (!f)
        return E_BADF;
    if (!FcntlServed(cmd) ||
        ((cmd == LINUX_F_DUPFD || cmd == LINUX_F_DUPFD_CLOEXEC) && arg[2] >= POSIX_FD_MAX))
        return E_INVAL;
    /* invoke */
    switch (cmd) {
    case LINUX_F_DUPFD:         return FcntlDup(p, f, arg[2], 0);
    case LINUX_F_DUPFD_CLOEXEC: return FcntlDup(p, f, arg[2], 1);
    case LINUX_F_GETFD:         return p->fdFlags[fd];
    case LINUX_F_SETFD:
        p->fdFlags[fd] = arg[2] & LINUX_FD_CLOEXEC;
        return 0;
    case LINUX_F_GETFL:         return (int32_t)f->flags;
    default:                    // LINUX_F_SETFL
        f->flags = (f->flags & ~(uint32_t)SETFL_MASK) | (arg[2] & SETFL_MASK);
        return 0;
    }
}
