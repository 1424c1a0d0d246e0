// The caller's memory.
//
// The server never dereferences a caller's pointer: every byte comes and
// goes through the KernelApi's ProcessRead, ProcessWrite and
// ProcessReadString, which check the caller's pages and answer E_FAULT
// for a bad address. These wrappers add what every call needs: nothing
// is touched for a length of 0, and a range that wraps past 4 GiB is
// E_FAULT before the kernel sees it.
//
// UserResolve turns a path argument into a PosixPath: the string is read
// into a scratch buffer (the server is single-threaded, so one buffer
// serves every call), joined to the cwd or to a directory fd, normalised
// and mapped through the mount table.
#include <lib/string.h>
#include "posix.h"

static char rawPath[POSIX_RAW_PATH_MAX];

// Copy length bytes at the caller's address from into to. 0 or E_FAULT.
int UserRead(PosixProcess *p, void *to, uint32_t from, uint32_t length)
{
    if (length == 0)
        return 0;
    if (from + length < from)
        return E_FAULT;
    return api->ProcessRead(p->pid, to, from, length);
}

// Copy length bytes from the server's from to the caller's address to.
// 0 or E_FAULT.
int UserWrite(PosixProcess *p, uint32_t to, const void *from, uint32_t length)
{
    if (length == 0)
        return 0;
    if (to + length < to)
        return E_FAULT;
    return api->ProcessWrite(p->pid, to, from, length);
}

// Copy the caller's NUL-terminated string at from (capacity bytes at
// most, its NUL included). Its length, E_FAULT or E_NAMETOOLONG.
int UserReadString(PosixProcess *p, char *to, uint32_t from, uint32_t capacity)
{
    return api->ProcessReadString(p->pid, to, from, capacity);
}

// Check that the caller could write [addr, addr + length): one byte of
// each page is read and written back unchanged (the caller is stopped
// while the server works for it, so nothing changes meanwhile). 0 or
// E_FAULT. Used before a read that consumes data (the console's input)
// so that a bad buffer loses nothing.
int UserCheckWritable(PosixProcess *p, uint32_t addr, uint32_t length)
{
    uint32_t end = addr + length, at = addr;

    if (length == 0)
        return 0;
    if (end < addr)
        return E_FAULT;
    for (;;) {
        uint8_t byte;
        int err = api->ProcessRead(p->pid, &byte, at, 1);
        if (!err)
            err = api->ProcessWrite(p->pid, at, &byte, 1);
        if (err)
            return err;
        at = (at & ~(POSIX_PAGE_SIZE - 1)) + POSIX_PAGE_SIZE;
        if (at >= end || at == 0)
            return 0;
    }
}

// The directory a relative path starts from: the cwd, or dirfd's path.
// Returns 0 or E_BADF / E_NOTDIR.
static int BaseOf(PosixProcess *p, int32_t dirfd, const char **base)
{
    PosixFile *f;

    if (dirfd == LINUX_AT_FDCWD) {
        *base = p->cwd;
        return 0;
    }
    if (!(f = FdGet(p, dirfd)))
        return E_BADF;
    if (f->kind != POSIX_FILE_DIR)
        return E_NOTDIR;
    *base = f->path;
    return 0;
}

// Read the path at userPath and resolve it against dirfd (AT_FDCWD: the
// cwd; ignored for an absolute path) into out. An empty path is E_NOENT,
// or with allowEmpty, names dirfd itself: out->path is then "" and the
// caller uses the fd. Returns 0 or an error (E_FAULT, E_NAMETOOLONG,
// E_NOENT, E_BADF, E_NOTDIR).
int UserResolve(PosixProcess *p, int32_t dirfd, uint32_t userPath, int allowEmpty,
                PosixPath *out)
{
    const char *base = "/";
    int err, length = UserReadString(p, rawPath, userPath, sizeof(rawPath));

    if (length < 0)
        return length;
    if (length == 0) {
        out->path[0] = 0;
        return allowEmpty ? 0 : E_NOENT;
    }
    if (rawPath[0] != '/' && (err = BaseOf(p, dirfd, &base)) != 0)
        return err;
    if ((err = PathNormalize(base, rawPath, out->path)) != 0)
        return err;
    return PathMap(out, p->pid);
}
