// Pipes: pipe, pipe2, and reads and writes of their ends.
//
// A pipe is a ring of PIPE_SIZE bytes held by the server. Its two ends
// are open file descriptions like any other (POSIX_FILE_PIPE_READ and
// POSIX_FILE_PIPE_WRITE): dup, dup2, fcntl and a forked child share them
// by their reference count, and when the last reference to an end goes,
// FdRelease calls PipeClose. The pipe is freed when both ends are closed.
//
// Nobody waits inside the server. A read of an empty pipe that still has
// a writer, and a write that does not fit, become a PipeXfer on the
// pipe's list of waiting readers or writers, and the call is answered
// later (POSIX_DEFERRED). Whenever a pipe changes, PipePump moves bytes
// between the ring and the waiting callers' memory (api->ProcessRead and
// ProcessWrite at that moment: a deferred caller stays stopped in its
// int 0x80, so its buffers stay put) and answers every transfer that is
// done, first come first served on each list; then the deferred polls
// look again (poll.c).
//
//   read        returns what the pipe holds (up to count) as soon as it
//               holds anything; 0 when it is empty and no writer is left
//   write       returns when all count bytes are in: up to PIPE_BUF
//               (4096) bytes go in whole or wait for room (atomic), more
//               go in piece by piece as readers make room
//   O_NONBLOCK  E_AGAIN instead of waiting (a long write returns what fit)
//   no reader   a write fails with E_PIPE (or returns the bytes it had
//               written), and the writer gets SIGPIPE (signal.c): its
//               default action ends it, WAIT_STATUS_SIGNALED(SIGPIPE)
//
// A process that ends is taken off every list (PipeProcessEnded) before
// its fds are closed.
//
// fstat of either end is a FIFO (stat.c): st_ino the pipe's number,
// st_size the bytes it holds.
//
// Pipes of the pipe: server (a standard stream from the process's
// context) are ends of another kind: stream.c.
#include <clanker/syscall.h>
#include <lib/string.h>
#include "core.h"
#include "user.h"
#include "fd.h"
#include "poll.h"
#include "signal.h"
#include "file.h"
#include "pipe.h"

#define PIPE_SIZE 16384u

// A read or write of a pipe end, in progress or waiting.
typedef struct PipeXfer {
    struct PipeXfer *next;
    PosixProcess *p;
    uint32_t requestId;         // the call to answer when it is done
    uint32_t buf;               // the caller's buffer, or its iovec array
    uint32_t iovCount;          // 0: buf is one buffer of total bytes
    uint32_t total, done;       // bytes asked for, bytes moved so far
} PipeXfer;

struct PosixPipe {
    PosixPipe *next;            // every pipe (PipeProcessEnded)
    uint8_t *ring;
    uint32_t head, count;       // the first byte held, the bytes held
    uint32_t readers, writers;  // open descriptions of each end
    PipeXfer *readWaiters, *writeWaiters;   // oldest first
};

static PosixPipe *pipes;
static uint32_t pipeSerial;     // the last pipe's number (both ends' st_ino)

// The mount of a pipe end: none in the table; its name is only a label.
static const PosixMount pipeMount = { "", "pipe:", POSIX_MOUNT_FS, '/' };

// Where x's next byte is in the caller's memory: *addr, and how many
// bytes follow it there. Returns 0 or E_FAULT.
static int XferChunk(const PipeXfer *x, uint32_t *addr, uint32_t *length)
{
    uint32_t skip = x->done;
    LinuxIovec vec;

    if (!x->iovCount) {
        *addr = x->buf + skip;
        *length = x->total - skip;
        return 0;
    }
    for (uint32_t i = 0; i < x->iovCount; i++) {
        int err = UserRead(x->p, &vec, x->buf + i * sizeof(vec), sizeof(vec));
        if (err)
            return err;
        if (skip < vec.length) {
            *addr = vec.base + skip;
            *length = vec.length - skip;
            return 0;
        }
        skip -= vec.length;
    }
    return E_FAULT;
}

// Copy length bytes between the ring, from position at on (wrapping), and
// pid's memory at addr: into the ring with toRing. Returns 0 or an error.
static int RingCopy(PosixPipe *pipe, uint32_t pid, uint32_t at, uint32_t addr,
                    uint32_t length, int toRing)
{
    while (length > 0) {
        uint32_t pos = at % PIPE_SIZE;
        uint32_t n = PIPE_SIZE - pos < length ? PIPE_SIZE - pos : length;
        int err = toRing ? api->ProcessRead(pid, pipe->ring + pos, addr, n)
                         : api->ProcessWrite(pid, addr, pipe->ring + pos, n);
        if (err)
            return err;
        at += n;
        addr += n;
        length -= n;
    }
    return 0;
}

// Move what the pipe holds into reader x's buffers, as far as they go.
// Returns 0 or an error (a piece that failed stays in the pipe).
static int XferIn(PosixPipe *pipe, PipeXfer *x)
{
    while (pipe->count > 0 && x->done < x->total) {
        uint32_t addr, length;
        int err = XferChunk(x, &addr, &length);
        if (!err) {
            length = length < pipe->count ? length : pipe->count;
            err = RingCopy(pipe, x->p->pid, pipe->head, addr, length, 0);
        }
        if (err)
            return err;
        pipe->head = (pipe->head + length) % PIPE_SIZE;
        pipe->count -= length;
        x->done += length;
    }
    return 0;
}

// Move writer x's bytes into the room the pipe has; a write of at most
// PIPE_BUF bytes moves whole or not at all. Returns 0 or an error.
static int XferOut(PosixPipe *pipe, PipeXfer *x)
{
    if (x->total <= LINUX_PIPE_BUF && PIPE_SIZE - pipe->count < x->total)
        return 0;
    while (pipe->count < PIPE_SIZE && x->done < x->total) {
        uint32_t addr, length;
        int err = XferChunk(x, &addr, &length);
        if (!err) {
            length = length < PIPE_SIZE - pipe->count ? length : PIPE_SIZE - pipe->count;
            err = RingCopy(pipe, x->p->pid, pipe->head + pipe->count, addr, length, 1);
        }
        if (err)
            return err;
        pipe->count += length;
        x->done += length;
    }
    return 0;
}

// A write found no reader: SIGPIPE for p, acted on as its write is
// answered (the default action ends p; a handler runs; ignored, the
// write just fails).
static void Broken(PosixProcess *p)
{
    PosixSignalInfo why = { 0, p->pid, 0, 0 };

    SignalPost(p, LINUX_SIGPIPE, &why);
    if (p != posixCaller)
        api->ProcessPoke(p->pid);
}

// Answer waiting transfer x (the bytes it moved, else err) and free it.
static void Finish(PipeXfer *x, int err)
{
    if (!x->p->ended)
        PosixComplete(x->requestId, x->done ? (int32_t)x->done : err);
    api->kfree(x);
}

// Answer the waiting readers that can be: there are bytes, or no writer
// is left (end of file). Returns whether bytes moved.
static int ServeReaders(PosixPipe *pipe)
{
    int moved = 0;
    PipeXfer *x;

    while ((x = pipe->readWaiters) && (pipe->count > 0 || pipe->writers == 0)) {
        uint32_t held = pipe->count;
        int err = XferIn(pipe, x);
        moved |= pipe->count != held;
        pipe->readWaiters = x->next;
        Finish(x, err);
    }
    return moved;
}

// Move the waiting writers' bytes in, oldest first, and answer those that
// are done (or find no reader). Returns whether bytes moved.
static int ServeWriters(PosixPipe *pipe)
{
    int moved = 0;
    PipeXfer *x;

    while ((x = pipe->writeWaiters)) {
        uint32_t done = x->done;
        int err;
        if (pipe->readers == 0) {
            Broken(x->p);
            err = E_PIPE;
        } else
            err = XferOut(pipe, x);
        moved |= x->done != done;
        if (!err && x->done < x->total)
            break;
        pipe->writeWaiters = x->next;
        Finish(x, err);
    }
    return moved;
}

// After any change to pipe: serve its waiters until nothing moves, then
// let the deferred polls look again.
static void PipePump(PosixPipe *pipe)
{
    while (ServeReaders(pipe) | ServeWriters(pipe))
        ;
    PollRecheck();
}

// Put x at the end of list.
static void Enqueue(PipeXfer **list, PipeXfer *x)
{
    while (*list)
        list = &(*list)->next;
    x->next = NULL;
    *list = x;
}

// Read (on a read end) or write (on a write end) total bytes at buf, or
// through the iovec array buf of iovCount entries (already checked), for
// p's call. Returns the bytes moved, an error, or POSIX_DEFERRED (the
// answer comes when the transfer is done).
static int32_t PipeTransfer(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
                            uint32_t total)
{
    PosixPipe *pipe = f->pipe;
    int reading = f->kind == POSIX_FILE_PIPE_READ;
    PipeXfer x = { NULL, p, p->requestId, buf, iovCount, total, 0 }, *wait;
    PipeXfer **list = reading ? &pipe->readWaiters : &pipe->writeWaiters;
    uint8_t byte;
    int err = 0, finished;

    if (total == 0)
        return 0;
    if (!iovCount && (reading ? UserCheckWritable(p, buf, 1) : UserRead(p, &byte, buf, 1)))
        return E_FAULT;
    if (!reading && pipe->readers == 0) {
        Broken(p);
        return E_PIPE;
    }
    if (!*list)
        err = reading ? XferIn(pipe, &x) : XferOut(pipe, &x);
    finished = err || (reading ? x.done > 0 || pipe->writers == 0 : x.done == total);
    if (!finished && (f->flags & LINUX_O_NONBLOCK))
        err = E_AGAIN;
    else if (!finished && !(wait = api->kmalloc(sizeof(*wait))))
        err = E_NOMEM;
    else if (!finished) {
        *wait = x;
        Enqueue(list, wait);
        PipePump(pipe);         // may answer it at once
        return POSIX_DEFERRED;
    }
    PipePump(pipe);
    return x.done ? (int32_t)x.done : err;
}

// What the pipe end f is ready for, as poll events (every kind of
// event: poll.c keeps the wanted ones).
static uint32_t PipePoll(const PosixFile *f, uint32_t wanted, int *timed)
{
    const PosixPipe *pipe = f->pipe;
    uint32_t events = 0;

    (void)wanted; (void)timed;
    if (f->kind == POSIX_FILE_PIPE_READ) {
        if (pipe->count > 0 || pipe->writers == 0)
            events |= LINUX_POLLIN | LINUX_POLLRDNORM;
        if (pipe->writers == 0)
            events |= LINUX_POLLHUP;
    } else {
        if (pipe->readers == 0)
            events |= LINUX_POLLERR | LINUX_POLLOUT | LINUX_POLLWRNORM;
        else if (PIPE_SIZE - pipe->count >= LINUX_PIPE_BUF && !pipe->writeWaiters)
            events |= LINUX_POLLOUT | LINUX_POLLWRNORM;
    }
    return events;
}

// Answer every transfer on list with E_PIPE (or what it moved).
static void FinishAll(PipeXfer **list)
{
    while (*list) {
        PipeXfer *x = *list;
        *list = x->next;
        Finish(x, E_PIPE);
    }
}

// Free pipe (both ends closed), answering anything still waiting.
static void PipeFree(PosixPipe *pipe)
{
    PosixPipe **link = &pipes;

    while (*link != pipe)
        link = &(*link)->next;
    *link = pipe->next;
    FinishAll(&pipe->readWaiters);
    FinishAll(&pipe->writeWaiters);
    api->kfree(pipe->ring);
    api->kfree(pipe);
}

// The last reference to the pipe end f is gone (FdRelease): the other
// side's waiters may finish now (end of file, or E_PIPE).
static void PipeClose(PosixFile *f)
{
    PosixPipe *pipe = f->pipe;

    if (f->kind == POSIX_FILE_PIPE_READ)
        pipe->readers--;
    else
        pipe->writers--;
    PipePump(pipe);
    if (pipe->readers == 0 && pipe->writers == 0)
        PipeFree(pipe);
}

// Take every transfer of pid off list (it has ended: no answer). Returns
// whether any was taken.
static int Forget(PipeXfer **list, uint32_t pid)
{
    int taken = 0;

    while (*list) {
        PipeXfer *x = *list;
        if (x->p->pid == pid) {
            *list = x->next;
            api->kfree(x);
            taken = 1;
        } else
            list = &x->next;
    }
    return taken;
}

// Process pid has ended: drop its waiting transfers.
void PipeProcessEnded(uint32_t pid)
{
    for (PosixPipe *pipe = pipes; pipe; pipe = pipe->next)
        if (Forget(&pipe->readWaiters, pid) | Forget(&pipe->writeWaiters, pid))
            PipePump(pipe);
}

// The cancel hook of pipe transfers: a signal cuts p's waiting one short
// (signal.c), taken off its list unanswered. Returns 1 with what the call
// returns now in *value (the bytes it had moved, else E_INTR), or 0 if p
// waits on no pipe.
int PipeCancel(PosixProcess *p, int32_t *value)
{
    uint32_t pid = p->pid;

    for (PosixPipe *pipe = pipes; pipe; pipe = pipe->next) {
        PipeXfer **lists[2] = { &pipe->readWaiters, &pipe->writeWaiters };
        for (int i = 0; i < 2; i++) {
            for (PipeXfer **link = lists[i]; *link; link = &(*link)->next) {
                PipeXfer *x = *link;
                if (x->p->pid != pid)
                    continue;
                *value = x->done ? (int32_t)x->done : E_INTR;
                *link = x->next;
                api->kfree(x);
                PipePump(pipe);         // the next in line may go now
                return 1;
            }
        }
    }
    return 0;
}

// --- the ends as open files -----------------------------------------------------

// The whole vector moves as one transfer, answered later when it would wait.
static int32_t PipeMove(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
                        uint32_t total, uint64_t *offset)
{
    (void)offset;
    return PipeTransfer(p, f, buf, iovCount, total);
}

// fstat: a FIFO holding what the pipe holds.
static int PipeStat(const PosixFile *f, LinuxStat64 *out)
{
    return StatOfFifo(f, f->pipe->count, out);
}

static const PosixFileOps pipeReadOps = {
    PipeMove, FileNoTransfer, NULL, NULL, PipePoll, PipeStat, NULL, PipeClose,
};
static const PosixFileOps pipeWriteOps = {
    FileNoTransfer, PipeMove, NULL, NULL, PipePoll, PipeStat, NULL, PipeClose,
};

// A new pipe end of kind on pipe, with status flags. NULL if out of memory.
static PosixFile *NewEnd(PosixFileKind kind, PosixPipe *pipe, uint32_t flags)
{
    PosixFile *f = FdNewFile(kind, kind == POSIX_FILE_PIPE_READ ? &pipeReadOps : &pipeWriteOps,
                             NULL, flags);

    if (!f)
        return NULL;
    f->pipe = pipe;
    f->mount = &pipeMount;
    memcpy(f->name, pipeMount.prefix, strlen(pipeMount.prefix) + 1);
    return f;
}

// Install a new pipe's two ends in the two lowest free fds and write them
// to the caller's fds[2]. Returns 0 or an error (nothing made then).
static int32_t MakePipe(PosixProcess *p, uint32_t userFds, uint32_t flags)
{
    uint32_t status = flags & LINUX_O_NONBLOCK;
    int cloexec = (flags & LINUX_O_CLOEXEC) != 0;
    PosixFile *ends[2] = { NULL, NULL };
    PosixPipe *pipe;
    int32_t fds[2];
    int err;

    /* decode */
    if (flags & ~(uint32_t)(LINUX_O_NONBLOCK | LINUX_O_CLOEXEC))
        return E_INVAL;
    if (UserCheckWritable(p, userFds, sizeof(fds)) != 0)
        return E_FAULT;
    if ((fds[0] = FdFree(p, 0)) < 0 || (fds[1] = FdFree(p, fds[0] + 1)) < 0)
        return E_MFILE;
    if (!(pipe = api->kmalloc(sizeof(*pipe))))
        return E_NOMEM;
    memset(pipe, 0, sizeof(*pipe));
    if (!(pipe->ring = api->kmalloc(PIPE_SIZE)) ||
        !(ends[0] = NewEnd(POSIX_FILE_PIPE_READ, pipe, LINUX_O_RDONLY | status)) ||
        !(ends[1] = NewEnd(POSIX_FILE_PIPE_WRITE, pipe, LINUX_O_WRONLY | status))) {
        api->kfree(ends[0]);
        api->kfree(pipe->ring);
        api->kfree(pipe);
        return E_NOMEM;
    }
    /* invoke: nothing can fail from here on */
    pipe->readers = pipe->writers = 1;
    ends[0]->id = ends[1]->id = ++pipeSerial;
    pipe->next = pipes;
    pipes = pipe;
    FdInstall(p, ends[0], fds[0], cloexec);
    FdInstall(p, ends[1], fds[1], cloexec);
    if ((err = UserWrite(p, userFds, fds, sizeof(fds))) != 0) {     // checked, yet undone
        for (int i = 0; i < 2; i++) {
            p->fds[fds[i]] = NULL;
            FdRelease(ends[i]);
        }
    }
    return err;
}

// pipe(fds): MakePipe checks fds writable and finds two free fds first.
int32_t LinuxSysPipe(PosixProcess *p, const uint32_t *arg)
{
    return MakePipe(p, arg[0], 0);
}

// pipe2(fds, flags): O_NONBLOCK, O_CLOEXEC; other flags E_INVAL (MakePipe).
int32_t LinuxSysPipe2(PosixProcess *p, const uint32_t *arg)
{
    return MakePipe(p, arg[0], arg[1]);
}
