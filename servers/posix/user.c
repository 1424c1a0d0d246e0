// The caller's memory.
//
// The server never dereferences a caller's pointer: every byte comes and
// goes through the KernelApi's ProcessRead, ProcessWrite and
// ProcessReadString, which check the caller's pages and answer E_FAULT
// for a bad address. These wrappers add what every call needs: nothing
// is touched for a length of 0, and a range that wraps past 4 GiB is
// E_FAULT before the kernel sees it.
#include <lib/string.h>
#include "core.h"
#include "user.h"

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

// The first of the count iovecs at iov with room in it (*base, *length
// 0 if none): the one buffer a stream's vector read or write fills.
// Returns 0 or E_FAULT.
int UserFirstIovec(PosixProcess *p, uint32_t iov, uint32_t count, uint32_t *base,
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
