// Reading and writing: read, write, readv, writev, pread64, pwrite64,
// lseek, _llseek, ftruncate64, ioctl.
//
// Each call checks its arguments (the fd, a 64-bit offset, the iovec
// array) and hands the transfer to the open file's kind through its
// PosixFileOps: file.c (regular files, /proc texts, directories,
// /dev/null), console.c, pipe.c and stream.c, which may answer later.
// Each kind checks the caller's buffer before it moves anything (a read
// checks it writable before it consumes data), so a bad pointer is
// E_FAULT with the offset and the data where they were. A vector is
// checked whole first, every iovec inside user memory, as Linux does; a
// buffer that faults part way through a transfer ends it short, with
// what moved returned, as on Linux.
// A kind with no Seek is a stream: lseek, pread64 and pwrite64 are
// E_SPIPE. ioctl is the kind's own (the console's terminal requests);
// a kind without one is E_NOTTY.
#include <lib/string.h>
#include "core.h"
#include "user.h"
#include "io.h"

// A 64-bit file offset from two argument words; E_INVAL if negative.
static int Offset64(uint32_t low, uint32_t high, uint64_t *out)
{
    if (high & 0x80000000u)
        return E_INVAL;
    *out = ((uint64_t)high << 32) | low;
    return 0;
}

#define IOV_CHUNK 16

// Check the caller's iovec array (count entries at iov): readable, each
// buffer inside user memory (E_FAULT for one that wraps or reaches the
// kernel's addresses), lengths adding up to at most 2 GiB - 1 (*sum).
// Returns 0 or an error.
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
        for (uint32_t j = 0; j < n; j++) {
            uint32_t end = vec[j].base + vec[j].length;
            if (vec[j].length && (end < vec[j].base || end > p->userLimit))
                return E_FAULT;
            total += vec[j].length;
        }
    }
    *sum = (uint32_t)total;
    return total > 0x7fffffffu ? E_INVAL : 0;
}

// --- the calls ------------------------------------------------------------------

// read(fd, buf, count): the file's Read op checks buf first (core.h).
int32_t LinuxSysRead(PosixProcess *p, const uint32_t *arg)
{
    PosixFile *f = FdGet(p, (int32_t)arg[0]);

    return f ? f->ops->Read(p, f, arg[1], 0, arg[2], &f->offset) : E_BADF;
}

// write(fd, buf, count): the file's Write op copies buf in first.
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
    int err;

    /* decode */
    if ((err = Positioned(p, arg, &f, &offset)) != 0)
        return err;
    /* invoke */
    return f->ops->Read(p, f, arg[1], 0, arg[2], &offset);
}

// pwrite64(fd, buf, count, offset_lo, offset_hi)
int32_t LinuxSysPwrite64(PosixProcess *p, const uint32_t *arg)
{
    PosixFile *f;
    uint64_t offset;
    int err;

    /* decode */
    if ((err = Positioned(p, arg, &f, &offset)) != 0)
        return err;
    /* invoke */
    return f->ops->Write(p, f, arg[1], 0, arg[2], &offset);
}

// readv/writev: the iovecs checked first, then the file's op.
static int32_t Vector(PosixProcess *p, const uint32_t *arg, int writing)
{
    PosixFile *f = FdGet(p, (int32_t)arg[0]);
    uint32_t sum;
    int err;

    /* decode */
    if (!f)
        return E_BADF;
    if ((err = IovCheck(p, arg[1], arg[2], &sum)) != 0)
        return err;
    /* invoke */
    return writing ? f->ops->Write(p, f, arg[1], arg[2], sum, &f->offset)
                   : f->ops->Read(p, f, arg[1], arg[2], sum, &f->offset);
}

// readv(fd, iov, iovcnt): Vector checks the fd and every iovec first.
int32_t LinuxSysReadv(PosixProcess *p, const uint32_t *arg)
{
    return Vector(p, arg, 0);
}

// writev(fd, iov, iovcnt): as readv.
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

    /* decode */
    if (!f)
        return E_BADF;
    if ((err = Seek(f, (int32_t)arg[1], arg[2], &to)) != 0)
        return err;
    if (to > 0x7fffffffu)
        return E_OVERFLOW;
    /* invoke */
    f->offset = to;
    return (int32_t)to;
}

// _llseek(fd, offset_hi, offset_lo, loff_t *result, whence): the result
// is written before the offset moves, so a bad result pointer is E_FAULT
// with the offset where it was (Linux moves it first).
int32_t LinuxSysLlseek(PosixProcess *p, const uint32_t *arg)
{
    PosixFile *f = FdGet(p, (int32_t)arg[0]);
    int64_t offset = (int64_t)(((uint64_t)arg[1] << 32) | arg[2]);
    uint64_t to;
    int err;

    /* decode */
    if (!f)
        return E_BADF;
    if ((err = Seek(f, offset, arg[4], &to)) != 0)
        return err;
    if ((err = UserWrite(p, arg[3], &to, sizeof(to))) != 0)
        return err;
    /* invoke */
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

// ioctl(fd, request, arg): the file's own requests (the console's
// terminal ones); anything else is E_NOTTY.
int32_t LinuxSysIoctl(PosixProcess *p, const uint32_t *arg)
{
    PosixFile *f = FdGet(p, (int32_t)arg[0]);

    /* decode: the fd here, the request and its argument in the kind's op */
    if (!f)
        return E_BADF;
    return f->ops->Ioctl ? f->ops->Ioctl(p, f, arg[1], arg[2]) : E_NOTTY;
}
