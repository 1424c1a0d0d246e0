// pipe: streams: fds on pipes of the pipe: server (include/clanker/pipe.h).
//
// A process started with a pipe as a standard stream of its context
// ("pipe:7", docs/processes.md) gets that fd as a pipe end served
// elsewhere: a PosixFile of kind POSIX_FILE_PIPE_READ or PIPE_WRITE, like
// the ends of pipe(2), but with no PosixPipe (f->pipe NULL), a handle of
// the pipe: server instead, and ops of its own (streamReadOps,
// streamWriteOps), so every call that takes a pipe end (read, write,
// readv, writev, poll, select, fstat: S_IFIFO, lseek: ESPIPE, close)
// works on them unchanged.
//
// The handle is opened with MSG_OPEN adopting the process's own
// reference to that end (PipeOpen.adoptPid), so the pipe sees one
// reference either way, and closed when the last fd of it is closed (the
// process's end closes every fd). A forked child shares the description.
//
// The server never waits on the pipe: server: reads and writes use
// PIPE_MSG_TRY_READ and PIPE_MSG_TRY_WRITE, which answer at once. One
// that gets E_AGAIN is kept on a list and the call answered later
// (POSIX_DEFERRED), asked again every STREAM_RETRY_MS by StreamRetry,
// which the main loop calls before each receive, as console reads are
// (console.c); the deferred polls look again then too. A write returns
// what the pipe took (at least one byte), as a write to a pipe may; a
// write with no reader left fails with E_PIPE and raises SIGPIPE.
// Readiness for poll and select comes from the pipe's MSG_STAT (bytes
// held, read and write references).
#include <clanker/pipe.h>
#include <lib/string.h>
#include "core.h"
#include "user.h"
#include "nsclient.h"
#include "fd.h"
#include "poll.h"
#include "signal.h"
#include "file.h"
#include "stream.h"

#define STREAM_RETRY_MS 20
#define STREAM_CHUNK    16384u      // bytes one write moves at most

// A read or write of a pipe: stream that waits.
typedef struct StreamWait {
    struct StreamWait *next;
    PosixProcess *p;
    uint32_t requestId;
    int writing;
    int32_t handle;
    uint32_t buf, length;           // the caller's buffer (one iovec)
    char name[NS_NAME_MAX + 1];
} StreamWait;

static StreamWait *waits;           // oldest first
static uint32_t nextTry;            // api->UptimeMs() of the next retry

// The mount of a stream: none in the table; its name is the pipe's.
static const PosixMount streamMount = { "", PIPE_PREFIX, POSIX_MOUNT_FS, '/' };

static const PosixFileOps streamReadOps, streamWriteOps;

// Open name's read end (or its write end, writing) as a new file in *out,
// taking over adoptPid's reference to it. Returns 0 or an error.
int StreamOpen(const char *name, int writing, uint32_t adoptPid, PosixFile **out)
{
    PipeOpen o = { writing ? FS_WRITE : FS_READ, adoptPid };
    FsHandle h;
    FsStat st;
    int got = NsRequest(name, MSG_OPEN, &o, sizeof(o), &h, sizeof(h));
    PosixFile *f;

    if (got < 0)
        return got;
    if (got != sizeof(h) || h.handle <= 0 || strlen(name) > NS_NAME_MAX)
        return E_INVAL;
    if (!(f = FdNewFile(writing ? POSIX_FILE_PIPE_WRITE : POSIX_FILE_PIPE_READ,
                        writing ? &streamWriteOps : &streamReadOps, NULL,
                        writing ? LINUX_O_WRONLY : LINUX_O_RDONLY))) {
        NsClose(name, h.handle);
        return E_NOMEM;
    }
    f->handle = h.handle;
    f->mount = &streamMount;
    memcpy(f->name, name, strlen(name) + 1);
    if (NsStat(&streamMount, name, &st) == 0)
        f->id = st.id;
    *out = f;
    return 0;
}

// SIGPIPE for p, acted on as its write is answered (pipe.c does the same).
static void Broken(PosixProcess *p)
{
    PosixSignalInfo why = { 0, p->pid, 0, 0 };

    SignalPost(p, LINUX_SIGPIPE, &why);
    if (p != posixCaller)
        api->ProcessPoke(p->pid);
}

// One try of w's transfer: the bytes moved, E_AGAIN, or another error.
static int32_t Try(const StreamWait *w)
{
    uint32_t n = w->length < STREAM_CHUNK ? w->length : STREAM_CHUNK;
    FsIo io = { w->handle, n, 0 };
    static union { Message m; uint8_t bytes[MESSAGE_HEADER_SIZE + sizeof(FsIo) + STREAM_CHUNK]; } rq;
    FsCount count;
    int err;

    if (!w->writing)
        return NsReadInto(w->p, w->name, PIPE_MSG_TRY_READ, &io, w->buf);
    if ((err = UserRead(w->p, rq.m.data + sizeof(io), w->buf, n)) != 0)
        return err;
    memcpy(rq.m.data, &io, sizeof(io));
    err = NsRequest(w->name, PIPE_MSG_TRY_WRITE, rq.m.data, sizeof(io) + n, &count,
                    sizeof(count));
    if (err == E_PIPE)
        Broken(w->p);
    if (err < 0)
        return err;
    return err == sizeof(count) && count.count > 0 && count.count <= n ? (int32_t)count.count
                                                                       : E_INVAL;
}

// Read or write f for p's call: the first iovec with room (or total
// bytes at buf), at most STREAM_CHUNK. Returns the bytes moved, an
// error, or POSIX_DEFERRED (kept for StreamRetry).
static int32_t StreamMove(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
                          uint32_t total, uint64_t *offset)
{
    StreamWait w = { NULL, p, p->requestId, f->kind == POSIX_FILE_PIPE_WRITE, f->handle,
                     buf, total, { 0 } }, *kept, **link = &waits;
    int32_t got;
    int err;

    (void)offset;
    if (iovCount && (err = UserFirstIovec(p, buf, iovCount, &w.buf, &w.length)) != 0)
        return err;
    if (w.length == 0)
        return 0;
    if (!w.writing && (err = UserCheckWritable(p, w.buf, w.length < STREAM_CHUNK ? w.length
                                                                               : STREAM_CHUNK)))
        return err;
    memcpy(w.name, f->name, sizeof(w.name));
    if ((got = Try(&w)) != E_AGAIN)
        return got;
    if (f->flags & LINUX_O_NONBLOCK)
        return E_AGAIN;
    if (!(kept = api->kmalloc(sizeof(*kept))))
        return E_NOMEM;
    *kept = w;
    if (!waits)
        nextTry = api->UptimeMs() + STREAM_RETRY_MS;
    while (*link)
        link = &(*link)->next;
    *link = kept;
    return POSIX_DEFERRED;
}

// Try the waiting transfers again when the retry is due, answering the
// ones that moved, and let the polls look again. Returns the
// milliseconds until the next retry, or 0 if nothing waits.
uint32_t StreamRetry(void)
{
    uint32_t now;
    int32_t left;

    if (!waits)
        return 0;                       // the usual case: no clock read
    now = api->UptimeMs();
    left = (int32_t)(nextTry - now);
    if (left > 0)
        return (uint32_t)left;
    nextTry = now + STREAM_RETRY_MS;
    for (StreamWait **link = &waits; *link;) {
        StreamWait *w = *link;
        int32_t got = Try(w);
        if (got == E_AGAIN) {
            link = &w->next;
            continue;
        }
        *link = w->next;
        PosixComplete(w->requestId, got);
        api->kfree(w);
    }
    PollRecheck();
    return waits ? STREAM_RETRY_MS : 0;
}

// The pipe's MSG_STAT: bytes held (size), read references (entries) and
// write references (handles). Returns 0 or E_*.
static int Stat(const PosixFile *f, FsStat *st)
{
    return NsStat(&streamMount, f->name, st);
}

// fstat: a FIFO holding what the pipe holds.
static int StreamStat(const PosixFile *f, LinuxStat64 *out)
{
    FsStat st;

    return StatOfFifo(f, Stat(f, &st) == 0 ? (uint32_t)st.size : 0, out);
}

// What the end f is ready for, from the pipe's MSG_STAT; asked again on
// the timer (*timed), as nothing here learns when the pipe changes.
static uint32_t StreamPoll(const PosixFile *f, uint32_t wanted, int *timed)
{
    FsStat st;
    int err = Stat(f, &st);

    (void)wanted;
    *timed = 1;
    if (f->kind == POSIX_FILE_PIPE_READ) {
        if (err || st.size > 0 || st.handles == 0)
            return LINUX_POLLIN | LINUX_POLLRDNORM | (err || st.handles == 0 ? LINUX_POLLHUP : 0);
        return 0;
    }
    if (err || st.entries == 0)
        return LINUX_POLLERR | LINUX_POLLOUT | LINUX_POLLWRNORM;
    return st.size < PIPE_CAPACITY ? LINUX_POLLOUT | LINUX_POLLWRNORM : 0;
}

// The last reference is gone: close the handle.
static void StreamClose(PosixFile *f)
{
    NsClose(f->name, f->handle);
}

static const PosixFileOps streamReadOps = {
    StreamMove, FileNoTransfer, NULL, NULL, StreamPoll, StreamStat, NULL, StreamClose,
};
static const PosixFileOps streamWriteOps = {
    FileNoTransfer, StreamMove, NULL, NULL, StreamPoll, StreamStat, NULL, StreamClose,
};

// Take pid's waiting transfer off the list unanswered. Returns 1 if it had one.
static int DropWait(uint32_t pid)
{
    for (StreamWait **link = &waits; *link; link = &(*link)->next) {
        StreamWait *w = *link;
        if (w->p->pid == pid) {
            *link = w->next;
            api->kfree(w);
            return 1;
        }
    }
    return 0;
}

// The cancel hook of stream transfers: a signal cuts p's short.
int StreamCancel(PosixProcess *p, int32_t *value)
{
    (void)value;                    // E_INTR
    return DropWait(p->pid);
}

// Process pid has ended: drop its waiting transfers.
void StreamProcessEnded(uint32_t pid)
{
    while (DropWait(pid))
        ;
}
