// pipe: — byte streams between processes (include/clanker/pipe.h).
//
// Each pipe is a ring of PIPE_CAPACITY bytes with read and write
// references: handles (MSG_OPEN, owned by the process that opened them)
// and process references (held by a process without a handle, given by
// MSG_CREATE and PIPE_MSG_GRANT, used with FsIo handle 0). A shell makes
// a pipe, grants its children their ends, releases its own and resumes
// them; the children read and write "pipe:N" like any stream.
//
// The server never blocks. A MSG_READ of an empty pipe or a MSG_WRITE
// into a full one is kept as a waiter, in arrival order, and answered
// later (a deferred reply) when another request or a process's end
// changes the pipe: Settle runs after each of them, feeding waiting
// readers from the buffer and waiting writers into it until neither can
// go on. A reader gets 1..length bytes, or the end of file (an empty
// reply) once the buffer is empty and no write reference is left; a
// writer is answered once all its bytes are in, or E_PIPE once no read
// reference is left. The TRY requests never wait: E_AGAIN instead.
//
// The server watches process ends (IpcWatchExits): a process's handles,
// references and waiters go with it, which may end the other side's
// wait; a pipe with no reference left is freed. A client that gives up
// waiting (a timeout) is noticed when its turn comes: the reply finds
// nothing, and for a reader nothing is taken from the buffer.
//
// Every request is checked completely (the name, the payload, the
// handle, the end) before anything changes.
//
// Why kernel-mode: it has to know whether a pid names a live process
// (PIPE_MSG_GRANT's E_SRCH) for any process, kernel-mode ones (the POSIX
// server) included, which the KernelApi's ProcessContextGet tells, and it
// sits on the data path of every pipeline, where a ring-0 server saves
// the copies in and out of a user address space.
//
// Run from etc/boot.conf:  kernel servers/pipe
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <clanker/kernelapi.h>
#include <clanker/pipe.h>
#include <lib/format.h>
#include <lib/kapi.h>
#include <lib/server.h>
#include <lib/string.h>

#define PIPE_MAX    64          // pipes at once
#define HANDLE_MAX  256         // open handles, all pipes
#define REF_MAX     256         // process references: one per (pid, pipe)
#define WAITER_MAX  64          // requests waiting, all pipes

typedef struct Pipe {
    uint32_t id;                // N of "pipe:N"; 0: a free slot
    uint8_t *ring;              // PIPE_CAPACITY bytes
    uint32_t head, count;       // the oldest byte, bytes held
    uint32_t readers, writers;  // references of each kind, handles included
} Pipe;

typedef struct PipeHandleSlot {
    int32_t handle;             // > 0; 0: free
    uint32_t pid;               // its owner
    uint32_t pipe;              // pipe id
    uint32_t end;               // PIPE_END_READ or PIPE_END_WRITE
} PipeHandleSlot;

typedef struct PipeRef {
    uint32_t pid;               // 0: free
    uint32_t pipe;
    uint32_t ends;              // PIPE_END_* bits held
} PipeRef;

typedef struct Waiter {
    uint32_t requestId;
    uint32_t pid;
    uint32_t pipe;
    uint32_t end;               // PIPE_END_READ: a read; PIPE_END_WRITE: a write
    uint32_t length;            // a read: the most it takes; a write: bytes in all
    uint32_t done;              // a write: bytes already in the pipe
    uint8_t *bytes;             // a write: all its bytes (kmalloc'd)
} Waiter;

static const KernelApi *api;
static Pipe pipes[PIPE_MAX];
static PipeHandleSlot handles[HANDLE_MAX];
static PipeRef refs[REF_MAX];
static Waiter waiters[WAITER_MAX];     // in arrival order
static uint32_t waiterCount;
static uint32_t nextPipeId = 1;
static int32_t nextHandle = 1;

// The skeleton's buffers: a whole request, and a reply to the request
// being served (small: a read's bytes go out through answer).
static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request;

static union {
    Message message;
    uint8_t bytes[MESSAGE_HEADER_SIZE + 64];
} reply;

// A read's answer, now or to a waiter: up to FS_IO_MAX bytes.
static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} answer;

static Server server;

// --- replies ----------------------------------------------------------------

static void AnswerError(uint32_t requestId, int err)
{
    ServerAnswerError(&server, requestId, err);
}

static void AnswerCount(uint32_t requestId, uint32_t count)
{
    FsCount c = { count };

    ServerAnswer(&server, requestId, &c, sizeof(c));
}

// --- lookups ----------------------------------------------------------------

static Pipe *FindPipe(uint32_t id)
{
    for (int i = 0; i < PIPE_MAX; i++) {
        if (id && pipes[i].id == id)
            return &pipes[i];
    }
    return NULL;
}

// The pipe a full name "pipe:N" names, or NULL (the prefix alone, a
// malformed or unknown number).
static Pipe *NamedPipe(const char *name)
{
    const char *digits = name + strlen(PIPE_PREFIX);
    uint32_t id = 0;
    int n = 0;

    for (; *digits >= '0' && *digits <= '9' && n < 9; digits++, n++)
        id = id * 10 + (uint32_t)(*digits - '0');
    return n > 0 && *digits == 0 ? FindPipe(id) : NULL;
}

static PipeRef *FindRef(uint32_t pid, uint32_t pipe)
{
    for (int i = 0; i < REF_MAX; i++) {
        if (refs[i].pid == pid && refs[i].pipe == pipe && pid)
            return &refs[i];
    }
    return NULL;
}

static PipeHandleSlot *FindHandle(int32_t handle)
{
    for (int i = 0; i < HANDLE_MAX; i++) {
        if (handle > 0 && handles[i].handle == handle)
            return &handles[i];
    }
    return NULL;
}

// Whether pid names a live process (any mode).
static int Alive(uint32_t pid)
{
    ProcessContext context;

    return pid != 0 && api->ProcessContextGet(pid, &context) == 0;
}

// Count a reference to end of p, or drop one.
static void CountEnd(Pipe *p, uint32_t end, int delta)
{
    if (end & PIPE_END_READ)
        p->readers += (uint32_t)delta;
    if (end & PIPE_END_WRITE)
        p->writers += (uint32_t)delta;
}

// --- moving bytes -------------------------------------------------------------

// Copy up to n bytes of the ring into to (without taking them). Returns the count.
static uint32_t Peek(const Pipe *p, uint8_t *to, uint32_t n)
{
    if (n > p->count)
        n = p->count;
    for (uint32_t i = 0; i < n; i++)
        to[i] = p->ring[(p->head + i) % PIPE_CAPACITY];
    return n;
}

static void Take(Pipe *p, uint32_t n)
{
    p->head = (p->head + n) % PIPE_CAPACITY;
    p->count -= n;
}

// Put up to n bytes into the ring. Returns how many fitted.
static uint32_t Put(Pipe *p, const uint8_t *from, uint32_t n)
{
    uint32_t space = PIPE_CAPACITY - p->count;

    if (n > space)
        n = space;
    for (uint32_t i = 0; i < n; i++)
        p->ring[(p->head + p->count + i) % PIPE_CAPACITY] = from[i];
    p->count += n;
    return n;
}

// Answer a read of at most length bytes from p now: data, or the end of
// file. The bytes are taken only if the answer reached its client.
static void GiveRead(Pipe *p, uint32_t requestId, uint32_t length)
{
    uint32_t n = Peek(p, answer.message.data, length);

    answer.message = (Message){ .type = MSG_RESPONSE, .length = MESSAGE_HEADER_SIZE + n };
    if (ServerAnswerMessage(&server, requestId, &answer.message) == 0)
        Take(p, n);
}

static void DropWaiter(uint32_t i)
{
    if (waiters[i].bytes)
        api->kfree(waiters[i].bytes);
    memmove(&waiters[i], &waiters[i + 1], (waiterCount - i - 1) * sizeof(Waiter));
    waiterCount--;
}

// Serve p's waiters, oldest first, as far as the buffer and the
// references allow. Returns 1 if any was answered or moved on.
static int SettleOnce(Pipe *p)
{
    int progress = 0;

    for (uint32_t i = 0; i < waiterCount;) {
        Waiter *w = &waiters[i];
        if (w->pipe != p->id) {
            i++;
        } else if (w->end == PIPE_END_READ && (p->count > 0 || p->writers == 0)) {
            GiveRead(p, w->requestId, w->length);
            DropWaiter(i);
            progress = 1;
        } else if (w->end == PIPE_END_WRITE && p->readers == 0) {
            AnswerError(w->requestId, E_PIPE);
            DropWaiter(i);
            progress = 1;
        } else if (w->end == PIPE_END_WRITE && p->count < PIPE_CAPACITY) {
            w->done += Put(p, w->bytes + w->done, w->length - w->done);
            progress = 1;
            if (w->done == w->length) {
                AnswerCount(w->requestId, w->length);
                DropWaiter(i);
            } else {
                i++;
            }
        } else {
            i++;
        }
    }
    return progress;
}

static void FreePipe(Pipe *p)
{
    api->kfree(p->ring);
    *p = (Pipe){ 0 };
}

// After any change to p: answer whoever can be answered; free p once no
// reference of either kind is left.
static void Settle(Pipe *p)
{
    while (SettleOnce(p))
        ;
    if (p->readers == 0 && p->writers == 0)
        FreePipe(p);
}

// --- requests -------------------------------------------------------------------
// The skeleton's handlers (include/lib/server.h). Each checks everything
// first (decode), then changes the pipes (invoke). It returns 0 with the
// reply built, the error to answer with, or SERVER_DEFERRED once the
// request is answered (a read: GiveRead) or queued as a waiter. Those
// that wake waiters answer their client first (ServerReplyNow), then
// Settle.

// MSG_CREATE "pipe:": a new pipe; the sender holds both ends.
static int Create(Server *s, ServerRequest *r)
{
    Pipe *p = NULL;
    PipeRef *ref = NULL;
    char name[24];
    uint8_t *ring;

    (void)s;
    /* decode */
    if (strcmp(r->envelope->name, PIPE_PREFIX) != 0)
        return E_INVAL;             // pipes are made by the server, at "pipe:" only
    if (MessageDataLength(r->message) != 0)
        return E_INVAL;
    for (int i = 0; i < PIPE_MAX && !p; i++)
        p = pipes[i].id == 0 ? &pipes[i] : NULL;
    for (int i = 0; i < REF_MAX && !ref; i++)
        ref = refs[i].pid == 0 ? &refs[i] : NULL;
    if (!p || !ref)
        return E_NOSPC;
    if (!(ring = api->kmalloc(PIPE_CAPACITY)))
        return E_NOMEM;
    /* invoke */
    *p = (Pipe){ .id = nextPipeId++, .ring = ring, .readers = 1, .writers = 1 };
    *ref = (PipeRef){ .pid = r->sender, .pipe = p->id, .ends = PIPE_END_READ | PIPE_END_WRITE };
    Format(name, sizeof(name), "%s%u", PIPE_PREFIX, p->id);
    return ServerReplyData(r, name, (uint32_t)strlen(name) + 1);
}

// The pipe a request names, with the payload of exactly size bytes
// copied to payload. Returns 0 or E_NOENT / E_INVAL.
static int Decode(const ServerRequest *r, Pipe **p, void *payload, uint32_t size)
{
    if (!(*p = NamedPipe(r->envelope->name)))
        return E_NOENT;
    if (MessageDataLength(r->message) != size)
        return E_INVAL;
    memcpy(payload, r->message->data, size);
    return 0;
}

// MSG_OPEN: a handle to one end, taking over adoptPid's reference to it.
static int Open(Server *s, ServerRequest *r)
{
    PipeOpen o;
    Pipe *p;
    PipeRef *adopted;
    PipeHandleSlot *h = FindHandle(0);
    uint32_t end;
    int err;

    (void)s;
    /* decode */
    if ((err = Decode(r, &p, &o, sizeof(o))) != 0)
        return err;
    if (o.flags != FS_READ && o.flags != FS_WRITE)
        return E_INVAL;
    end = o.flags == FS_READ ? PIPE_END_READ : PIPE_END_WRITE;
    for (int i = 0; i < HANDLE_MAX && !h; i++)
        h = handles[i].handle == 0 ? &handles[i] : NULL;
    if (!h)
        return E_NOSPC;
    adopted = o.adoptPid ? FindRef(o.adoptPid, p->id) : NULL;
    /* invoke */
    if (adopted && (adopted->ends & end)) {
        adopted->ends &= ~end;              // the reference moves: the count stays
        if (!adopted->ends)
            *adopted = (PipeRef){ 0 };
    } else {
        CountEnd(p, end, 1);
    }
    *h = (PipeHandleSlot){ .handle = nextHandle++, .pid = r->sender, .pipe = p->id, .end = end };
    if (nextHandle <= 0)
        nextHandle = 1;
    return ServerReplyData(r, &(FsHandle){ h->handle }, sizeof(FsHandle));
}

// MSG_CLOSE: give back a handle of the sender's.
static int Close(Server *s, ServerRequest *r)
{
    FsHandle fh;
    Pipe *p;
    PipeHandleSlot *h;
    int err;

    /* decode */
    if ((err = Decode(r, &p, &fh, sizeof(fh))) != 0)
        return err;
    h = FindHandle(fh.handle);
    if (!h || h->pid != r->sender || h->pipe != p->id)
        return E_BADF;
    /* invoke */
    CountEnd(p, h->end, -1);
    *h = (PipeHandleSlot){ 0 };
    ServerReplyNow(s, r);
    Settle(p);
    return 0;
}

static int ValidEnds(uint32_t ends)
{
    return ends != 0 && (ends & ~(PIPE_END_READ | PIPE_END_WRITE)) == 0;
}

// PIPE_MSG_GRANT: pid gets references to the ends (one per end it lacks).
static int Grant(Server *s, ServerRequest *r)
{
    PipeGrant g;
    Pipe *p;
    PipeRef *ref;
    int err;

    /* decode */
    if ((err = Decode(r, &p, &g, sizeof(g))) != 0)
        return err;
    if (!ValidEnds(g.ends))
        return E_INVAL;
    if (!Alive(g.pid))
        return E_SRCH;
    ref = FindRef(g.pid, p->id);
    for (int i = 0; i < REF_MAX && !ref; i++)
        ref = refs[i].pid == 0 ? &refs[i] : NULL;
    if (!ref)
        return E_NOSPC;
    /* invoke */
    if (ref->pid == 0)
        *ref = (PipeRef){ .pid = g.pid, .pipe = p->id };
    CountEnd(p, g.ends & ~ref->ends, 1);
    ref->ends |= g.ends;
    ServerReplyNow(s, r);
    Settle(p);
    return 0;
}

// PIPE_MSG_RELEASE: drop the sender's references to the ends (it must
// hold every one of them).
static int Release(Server *s, ServerRequest *r)
{
    PipeEnds e;
    Pipe *p;
    PipeRef *ref;
    int err;

    /* decode */
    if ((err = Decode(r, &p, &e, sizeof(e))) != 0)
        return err;
    if (!ValidEnds(e.ends))
        return E_INVAL;
    ref = FindRef(r->sender, p->id);
    if (!ref || (ref->ends & e.ends) != e.ends)
        return E_BADF;
    /* invoke */
    CountEnd(p, e.ends, -1);
    ref->ends &= ~e.ends;
    if (!ref->ends)
        *ref = (PipeRef){ 0 };
    ServerReplyNow(s, r);
    Settle(p);
    return 0;
}

// Check an FsIo request for end: the pipe, the header (a write's bytes
// follow it), the handle (0: the sender's reference to that end).
static int DecodeIo(const ServerRequest *r, uint32_t end, Pipe **p, FsIo *io)
{
    uint32_t n = MessageDataLength(r->message);
    PipeHandleSlot *h;
    PipeRef *ref;

    if (!(*p = NamedPipe(r->envelope->name)))
        return E_NOENT;
    if (n < sizeof(FsIo))
        return E_INVAL;
    memcpy(io, r->message->data, sizeof(FsIo));
    if (io->length > FS_IO_MAX)
        return E_MSGSIZE;
    if (n != sizeof(FsIo) + (end == PIPE_END_WRITE ? io->length : 0))
        return E_INVAL;
    if (end == PIPE_END_READ && io->length == 0)
        return E_INVAL;             // an empty reply would read as the end of file
    if (io->handle == 0) {
        ref = FindRef(r->sender, (*p)->id);
        return ref && (ref->ends & end) ? 0 : E_BADF;
    }
    h = FindHandle(io->handle);
    return h && h->pid == r->sender && h->pipe == (*p)->id && h->end == end ? 0 : E_BADF;
}

// Keep r as a waiter of p (a write with its bytes). Returns 0, or
// E_AGAIN / E_NOMEM with nothing changed.
static int QueueWaiter(const ServerRequest *r, Pipe *p, uint32_t end, const FsIo *io,
                       uint32_t done)
{
    Waiter *w;
    uint8_t *bytes = NULL;

    if (waiterCount == WAITER_MAX)
        return E_AGAIN;
    if (end == PIPE_END_WRITE && !(bytes = api->kmalloc(io->length)))
        return E_NOMEM;
    if (bytes)
        memcpy(bytes, r->message->data + sizeof(FsIo), io->length);
    w = &waiters[waiterCount++];
    *w = (Waiter){ .requestId = r->message->requestId, .pid = r->sender, .pipe = p->id,
                   .end = end, .length = io->length, .done = done, .bytes = bytes };
    return 0;
}

// Whether a waiter of this kind waits on p already (order is kept).
static int Waiting(const Pipe *p, uint32_t end)
{
    for (uint32_t i = 0; i < waiterCount; i++) {
        if (waiters[i].pipe == p->id && waiters[i].end == end)
            return 1;
    }
    return 0;
}

// MSG_READ and PIPE_MSG_TRY_READ.
static int Read(ServerRequest *r, int wait)
{
    FsIo io;
    Pipe *p;
    int err;

    /* decode */
    if ((err = DecodeIo(r, PIPE_END_READ, &p, &io)) != 0)
        return err;
    /* invoke */
    if (!Waiting(p, PIPE_END_READ) && (p->count > 0 || p->writers == 0)) {
        GiveRead(p, r->message->requestId, io.length);
        Settle(p);                  // room for a waiting writer
        return SERVER_DEFERRED;     // answered
    }
    if (!wait)
        return E_AGAIN;
    err = QueueWaiter(r, p, PIPE_END_READ, &io, 0);
    return err ? err : SERVER_DEFERRED;
}

// MSG_WRITE and PIPE_MSG_TRY_WRITE.
static int Write(Server *s, ServerRequest *r, int wait)
{
    FsIo io;
    Pipe *p;
    FsCount done = { 0 };
    int err;

    /* decode */
    if ((err = DecodeIo(r, PIPE_END_WRITE, &p, &io)) != 0)
        return err;
    if (p->readers == 0)
        return E_PIPE;
    /* invoke */
    if (io.length == 0)
        return ServerReplyData(r, &done, sizeof(done));
    if (Waiting(p, PIPE_END_WRITE) || p->count == PIPE_CAPACITY) {
        if (!wait)
            return E_AGAIN;
        if ((err = QueueWaiter(r, p, PIPE_END_WRITE, &io, 0)) != 0)
            return err;
        Settle(p);
        return SERVER_DEFERRED;     // a waiter (Settle may have answered it)
    }
    if (!wait || io.length <= PIPE_CAPACITY - p->count) {
        done.count = Put(p, r->message->data + sizeof(FsIo), io.length);
        ServerReplyData(r, &done, sizeof(done));
        ServerReplyNow(s, r);
    } else if ((err = QueueWaiter(r, p, PIPE_END_WRITE, &io, 0)) != 0) {
        return err;
    }
    Settle(p);
    return SERVER_DEFERRED;
}

static int ReadWait(Server *s, ServerRequest *r) { (void)s; return Read(r, 1); }
static int ReadTry(Server *s, ServerRequest *r) { (void)s; return Read(r, 0); }
static int WriteWait(Server *s, ServerRequest *r) { return Write(s, r, 1); }
static int WriteTry(Server *s, ServerRequest *r) { return Write(s, r, 0); }

// MSG_STAT: a pipe, with the bytes it holds.
static int Stat(Server *s, ServerRequest *r)
{
    const char *name = r->envelope->name;
    Pipe *p = NamedPipe(name);
    FsStat stat;

    (void)s;
    /* decode */
    if (!p)
        return strcmp(name, PIPE_PREFIX) == 0 ? E_INVAL : E_NOENT;
    if (MessageDataLength(r->message) != 0)
        return E_INVAL;
    /* invoke */
    stat = (FsStat){ .type = FS_TYPE_PIPE, .id = p->id, .size = p->count,
                     .entries = p->readers, .handles = p->writers };
    return ServerReplyData(r, &stat, sizeof(stat));
}

static const ServerRoute routes[] = {
    { MSG_CREATE,         NULL, Create },
    { MSG_OPEN,           NULL, Open },
    { MSG_CLOSE,          NULL, Close },
    { MSG_READ,           NULL, ReadWait },
    { MSG_WRITE,          NULL, WriteWait },
    { MSG_STAT,           NULL, Stat },
    { PIPE_MSG_GRANT,     NULL, Grant },
    { PIPE_MSG_RELEASE,   NULL, Release },
    { PIPE_MSG_TRY_READ,  NULL, ReadTry },
    { PIPE_MSG_TRY_WRITE, NULL, WriteTry },
};

// --- process ends -----------------------------------------------------------------

// Drop everything process pid held, then settle every pipe it touched.
static void ProcessEnded(uint32_t pid)
{
    for (uint32_t i = 0; i < waiterCount;) {
        if (waiters[i].pid == pid)
            DropWaiter(i);          // its request is gone with it
        else
            i++;
    }
    for (int i = 0; i < HANDLE_MAX; i++) {
        Pipe *p = handles[i].handle && handles[i].pid == pid ? FindPipe(handles[i].pipe) : NULL;
        if (p) {
            CountEnd(p, handles[i].end, -1);
            handles[i] = (PipeHandleSlot){ 0 };
            Settle(p);
        }
    }
    for (int i = 0; i < REF_MAX; i++) {
        Pipe *p = refs[i].pid == pid ? FindPipe(refs[i].pipe) : NULL;
        if (p) {
            CountEnd(p, refs[i].ends, -1);
            refs[i] = (PipeRef){ 0 };
            Settle(p);
        }
    }
}

// The skeleton's ProcessEnded hook.
static void Ended(Server *s, uint32_t pid)
{
    (void)s;
    ProcessEnded(pid);
}

int main(const KernelApi *kernel, int argc, char **argv)
{
    static ServerPort port;

    (void)argc; (void)argv;
    api = kernel;
    if (api->size < sizeof(KernelApi) || api->IpcWatchExits() != 0 ||
        api->NamespaceRegister(PIPE_PREFIX, NULL) != 0) {
        api->Print("pipe: cannot serve %s\n", PIPE_PREFIX);
        return 1;
    }
    port = ServerPortKernelApi(api);
    server = (Server){
        .name = "pipe", .port = &port, .routes = routes,
        .routeCount = sizeof(routes) / sizeof(routes[0]), .ProcessEnded = Ended,
        .requestBuffer = &request.message, .replyBuffer = &reply.message,
        .capacity = sizeof(request), .replyCapacity = sizeof(reply),
    };
    ServerRun(&server);
}
