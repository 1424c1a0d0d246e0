// open and openat.
//
// What an open makes depends on the mount that holds the path:
//
//   fs servers  a regular file: MSG_OPEN with the FS_* flags that match
//               the O_* ones, and the fd keeps the handle; a directory
//               (asked for with O_DIRECTORY, or opened read-only, which
//               the fs servers refuse with E_ISDIR) becomes a directory
//               fd that keeps only the name and lists it by name
//   proc:       read-only: a text read by name at the fd's offset, or a
//               directory
//   console:    the console stream
//
// O_NOCTTY, O_NONBLOCK, O_LARGEFILE, O_NOFOLLOW and the creation mode
// are accepted and have no effect (there are no permissions, links or
// blocking choices yet); O_CLOEXEC sets the fd's FD_CLOEXEC.
#include <lib/string.h>
#include "core.h"
#include "nsclient.h"
#include "path.h"
#include "fd.h"
#include "file.h"
#include "console.h"
#include "open.h"

// The status flags a description keeps.
#define KEPT_FLAGS (LINUX_O_ACCMODE | LINUX_O_APPEND | LINUX_O_NONBLOCK | LINUX_O_LARGEFILE)

// The FS_* flags for the O_* flags of an open on an fs server.
static uint32_t FsFlagsOf(uint32_t flags)
{
    uint32_t mode = flags & LINUX_O_ACCMODE, fs = 0;

    if (mode == LINUX_O_RDONLY || mode == LINUX_O_RDWR)
        fs |= FS_READ;
    if (mode == LINUX_O_WRONLY || mode == LINUX_O_RDWR)
        fs |= FS_WRITE;
    if (flags & LINUX_O_CREAT)
        fs |= FS_CREATE | ((flags & LINUX_O_EXCL) ? FS_EXCLUSIVE : 0);
    if ((fs & FS_WRITE) && (flags & LINUX_O_TRUNC))
        fs |= FS_TRUNCATE;
    if ((fs & FS_WRITE) && (flags & LINUX_O_APPEND))
        fs |= FS_APPEND;
    return fs;
}

// A directory fd's file for path, if it is a directory. Returns the file
// in *out, or an error (E_NOTDIR for anything else).
static int OpenDirectory(const PosixPath *path, uint32_t flags, PosixFile **out)
{
    FsStat stat;
    int err = NsStat(path->mount, path->name, &stat);

    if (err)
        return err;
    if (stat.type != FS_TYPE_DIR)
        return E_NOTDIR;
    if ((flags & LINUX_O_ACCMODE) != LINUX_O_RDONLY)
        return E_ISDIR;
    if (!(*out = FdNewFile(POSIX_FILE_DIR, &fileDirOps, path, flags & KEPT_FLAGS)))
        return E_NOMEM;
    (*out)->id = stat.id;
    return 0;
}

// Open path on an fs server.
static int OpenOnFs(const PosixPath *path, uint32_t flags, PosixFile **out)
{
    FsOpen open = { FsFlagsOf(flags) };
    FsHandle handle;
    FsStat stat;
    int got;

    if (flags & LINUX_O_DIRECTORY)
        return OpenDirectory(path, flags, out);
    got = NsRequest(path->name, MSG_OPEN, &open, sizeof(open), &handle, sizeof(handle));
    if (got == E_ISDIR && !(flags & (LINUX_O_CREAT | LINUX_O_TRUNC)))
        return OpenDirectory(path, flags, out);
    if (got < 0)
        return got;
    if ((uint32_t)got != sizeof(handle) || handle.handle <= 0)
        return E_INVAL;
    if (!(*out = FdNewFile(POSIX_FILE_REGULAR, &fileRegularOps, path, flags & KEPT_FLAGS))) {
        NsClose(path->name, handle.handle);
        return E_NOMEM;
    }
    (*out)->handle = handle.handle;
    (*out)->fsFlags = open.flags;
    if (NsStatFile(*out, &stat) == 0)
        (*out)->id = stat.id;
    return 0;
}

// Open path on posix:proc: (read-only texts and directories; a link
// not followed, O_NOFOLLOW, is E_LOOP as on Linux).
static int OpenOnProc(const PosixPath *path, uint32_t flags, PosixFile **out)
{
    FsStat stat;
    int err = NsStat(path->mount, path->name, &stat);

    if (err)
        return (flags & LINUX_O_CREAT) && err == E_NOENT ? E_ACCES : err;
    if (stat.type == FS_TYPE_DIR)
        return OpenDirectory(path, flags, out);
    if (stat.type == FS_TYPE_LINK)
        return E_LOOP;
    if (flags & LINUX_O_DIRECTORY)
        return E_NOTDIR;
    if ((flags & LINUX_O_ACCMODE) != LINUX_O_RDONLY || (flags & LINUX_O_TRUNC))
        return E_ACCES;
    if (!(*out = FdNewFile(POSIX_FILE_NAMED, &fileNamedOps, path, flags & KEPT_FLAGS)))
        return E_NOMEM;
    return 0;
}

// Open a device: the console, or /dev/null.
static int OpenDevice(const PosixPath *path, uint32_t flags, PosixFile **out)
{
    int null = path->mount->kind == POSIX_MOUNT_NULL;
    PosixFileKind kind = null ? POSIX_FILE_NULL : POSIX_FILE_CONSOLE;

    if (flags & LINUX_O_DIRECTORY)
        return E_NOTDIR;
    if ((flags & LINUX_O_CREAT) && (flags & LINUX_O_EXCL))
        return E_EXIST;
    if (!(*out = FdNewFile(kind, null ? &fileNullOps : &consoleOps, path, flags & KEPT_FLAGS)))
        return E_NOMEM;
    return 0;
}

typedef int (*OpenHandler)(const PosixPath *path, uint32_t flags, PosixFile **out);

static const OpenHandler openers[] = {
    [POSIX_MOUNT_FS]     = OpenOnFs,
    [POSIX_MOUNT_PROC]   = OpenOnProc,
    [POSIX_MOUNT_DEVICE] = OpenDevice,
    [POSIX_MOUNT_NULL]   = OpenDevice,
};

int OpenPath(const PosixPath *path, uint32_t flags, PosixFile **out)
{
    return openers[path->mount->kind](path, flags, out);
}

// Open the path at userPath (relative to dirfd) with flags. Returns the
// new fd or an error. The path and a free fd are found before the
// server is asked, so an open that would create or truncate a file only
// fails afterwards as the server says.
static int32_t OpenAt(PosixProcess *p, int32_t dirfd, uint32_t userPath, uint32_t flags)
{
    PosixPath path;
    PosixFile *f = NULL;
    int err, fd;

    /* decode */
    if ((flags & LINUX_O_ACCMODE) == LINUX_O_ACCMODE)
        return E_INVAL;
    if ((err = PathResolve(p, dirfd, userPath, 0, &path)) != 0)
        return err;
    if (!(flags & LINUX_O_NOFOLLOW) && (err = PathFollow(&path, p->pid)) != 0)
        return err;
    if ((fd = FdFree(p, 0)) < 0)
        return fd;
    /* invoke */
    if ((err = openers[path.mount->kind](&path, flags, &f)) != 0)
        return err;
    return FdInstall(p, f, fd, (flags & LINUX_O_CLOEXEC) != 0);
}

// open(path, flags, mode): OpenAt checks everything before it opens.
int32_t LinuxSysOpen(PosixProcess *p, const uint32_t *arg)
{
    return OpenAt(p, LINUX_AT_FDCWD, arg[0], arg[1]);
}

// openat(dirfd, path, flags, mode): as open, relative to dirfd.
int32_t LinuxSysOpenat(PosixProcess *p, const uint32_t *arg)
{
    return OpenAt(p, (int32_t)arg[0], arg[1], arg[2]);
}
