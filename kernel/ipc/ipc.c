// Synchronous IPC over the namespace registry.
//
// Each process embeds one IpcRequest (a client waits for one answer at a
// time), and messages up to IPC_INLINE_MAX bytes travel in buffers inside
// it, so the common round trip allocates nothing. A request moves:
//   IDLE -> QUEUED    on the server's queue (FIFO, at most IPC_QUEUE_MAX)
//        -> SERVING   on the server's serving list, after IpcReceive
//        -> DONE      answered or failed; the client takes the result
//        -> IDLE
// A client that stops waiting (timeout, or killed) withdraws its request
// from wherever it is, so a late reply finds nothing (E_NOENT) and is
// dropped. A server that goes away fails everything it holds with E_PIPE,
// waking the clients at once.
//
// Hand-off: a send to a server already waiting in IpcReceive puts it at
// the front of the ready queue, so the client's block switches straight
// to it; an answer does the same for the client.
#include <stddef.h>
#include <clanker/error.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <kernel/ipc/endpoint.h>
#include <kernel/ipc/ipc.h>
#include <kernel/mm/kheap.h>
#include <kernel/proc/process.h>
#include <kernel/proc/sched.h>
#include <kernel/mm/usercopy.h>

static NsRegistry registry;
static uint32_t nextRequestId = 1;

// Exit notices (IpcWatchExits): the pids of the last IPC_EXIT_LOG
// processes to end, and the servers that want to hear of them.
#define IPC_WATCHERS_MAX 16
static uint32_t exitLog[IPC_EXIT_LOG];
static uint32_t exitCount;              // ends so far; exitLog[i % IPC_EXIT_LOG]
static Process *watchers[IPC_WATCHERS_MAX];

int KernelNamespaceServe(const char *name, const Message *request, Message **reply);

static void *Allocate(size_t size) { return kmalloc(size); }
static void Release(void *ptr) { kfree(ptr); }

void IpcInit(void)
{
    NsInit(&registry, Allocate, Release);
    NsRegister(&registry, "ns:", NULL, 0);
    NsRegister(&registry, "system:", NULL, 0);
    NsAliasSet(&registry, "root:/", "fs:root:");
    NsAliasSet(&registry, "home:/", "fs:root:home/");
}

NsRegistry *IpcRegistry(void)
{
    return &registry;
}

int IpcRegister(const char *prefix, uint32_t handler)
{
    uint32_t flags = CpuSave();
    Process *self = ProcessCurrent();
    int err = self->prefixes >= IPC_PREFIXES_MAX ? E_NOSPC
                                                 : NsRegister(&registry, prefix, self, handler);

    self->prefixes += err == 0;
    CpuRestore(flags);
    return err;
}

int IpcUnregister(const char *prefix)
{
    uint32_t flags = CpuSave();
    int err = NsUnregister(&registry, prefix, ProcessCurrent());

    ProcessCurrent()->prefixes -= err == 0;
    if (err == 0)
        IpcEndpointsInvalidate();       // handles on it are checked again
    CpuRestore(flags);
    return err;
}

// --- copying ---------------------------------------------------------------

static int CopyIn(IpcMemory memory, void *to, uintptr_t from, uint32_t length)
{
    if (memory == IPC_MEMORY_USER)
        return CopyFromUser(to, from, length);
    if (to != (const void *)from)       // else staged there already (a system call's decode)
        memcpy(to, (const void *)from, length);
    return 0;
}

static int CopyOut(IpcMemory memory, uintptr_t to, const void *from, uint32_t length)
{
    if (memory == IPC_MEMORY_USER)
        return CopyToUser(to, from, length);
    memcpy((void *)to, from, length);
    return 0;
}

static int CheckOut(IpcMemory memory, uintptr_t to, uint32_t length)
{
    if (memory == IPC_MEMORY_USER)
        return UserProbeWrite(to, length);
    return to ? 0 : E_FAULT;
}

// A buffer for length bytes: the inline one if it fits, else the heap.
static Message *Buffer(uint8_t *inlineBuffer, uint32_t length)
{
    return length <= IPC_INLINE_MAX ? (Message *)inlineBuffer : kmalloc(length);
}

static void Drop(IpcRequest *r, Message **m)
{
    if (*m && (uint8_t *)*m != r->messageInline && (uint8_t *)*m != r->replyInline)
        kfree(*m);
    *m = NULL;
}

// --- queues ----------------------------------------------------------------

static void Append(Process *server, IpcRequest *r)
{
    r->next = NULL;
    if (server->ipcQueueTail)
        server->ipcQueueTail->next = r;
    else
        server->ipcQueueHead = r;
    server->ipcQueueTail = r;
    server->ipcQueueLength++;
}

// Unlink r from a singly linked list; returns the element before it.
static IpcRequest *Unlink(IpcRequest **head, IpcRequest *r)
{
    IpcRequest *prev = NULL;

    for (IpcRequest **link = head; *link; prev = *link, link = &(*link)->next) {
        if (*link == r) {
            *link = r->next;
            break;
        }
    }
    return prev;
}

static void Dequeue(IpcRequest *r)
{
    Process *s = r->server;
    IpcRequest *prev = Unlink(&s->ipcQueueHead, r);

    if (s->ipcQueueTail == r)
        s->ipcQueueTail = prev;
    s->ipcQueueLength--;
}

// Finish r with an error, or with its reply already in place; wake the client.
static void Finish(IpcRequest *r, int error)
{
    r->state = IPC_DONE;
    r->error = error;
    Drop(r, &r->message);
    if (r->client->state == PROCESS_BLOCKED && r->client->waitingOn == &r->waiter)
        SchedWakeFirst(r->client);
}

// The client stops waiting: take the request back from wherever it is.
static void Withdraw(IpcRequest *r)
{
    if (r->state == IPC_QUEUED)
        Dequeue(r);
    else if (r->state == IPC_SERVING)
        Unlink(&r->server->ipcServing, r);
    Drop(r, &r->message);
    Drop(r, &r->reply);
    r->state = IPC_IDLE;
}

// --- sending ---------------------------------------------------------------

const NsEntry *IpcRoute(const char *name, char *resolved, int *err)
{
    int length = NsCheckName(name);
    const NsEntry *entry;

    // An alias's target is a checked prefix and the rest of the name was
    // checked above, so the rewritten name needs only its length checked,
    // which NsResolveName does (so does the separator it may add).
    if (length >= 0)
        length = NsResolveName(&registry, name, resolved, NS_NAME_MAX + 1);
    if (length < 0) {
        *err = length;
        return NULL;
    }
    entry = NsLookup(&registry, resolved, (uint32_t)length);
    *err = entry ? 0 : E_NOENT;
    return entry;
}

// Fill the current process's request to server (with its handler) for
// name (nameLength bytes). Returns 0 or an error.
static int Prepare(IpcRequest *r, Process *server, uint32_t handler, const char *name,
                   uint32_t nameLength, IpcMemory memory, uintptr_t request, uint32_t length)
{
    Process *self = ProcessCurrent();

    r->message = Buffer(r->messageInline, length);
    if (!r->message)
        return E_NOMEM;
    if (CopyIn(memory, r->message, request, length)) {
        Drop(r, &r->message);
        return E_FAULT;
    }
    r->message->length = length;
    r->message->senderId = self->pid;
    r->message->requestId = r->id = nextRequestId++;
    if (nextRequestId == 0)
        nextRequestId = 1;
    r->client = self;
    r->server = server;
    r->handler = handler;
    r->reply = NULL;
    r->error = 0;
    memcpy(r->name, name, nameLength + 1);
    r->nameLength = nameLength;
    return 0;
}

// Hand the reply over. Returns its length or an error.
static int Deliver(IpcRequest *r, IpcDelivery *d)
{
    uint32_t length = r->reply->length;

    if (d->allocate) {
        d->allocated = d->allocate(length);
        if (!d->allocated)
            return E_NOMEM;
        memcpy(d->allocated, r->reply, length);
        return (int)length;
    }
    if (length > d->capacity)
        return E_MSGSIZE;
    return CopyOut(d->memory, d->buffer, r->reply, length) ? E_FAULT : (int)length;
}

// The outcome of r once its client runs again: the reply delivered, or
// the error. woken is what the wait returned (0: woken, not timed out).
static int Collect(IpcRequest *r, int woken, IpcDelivery *d)
{
    int result;

    if (r->state != IPC_DONE) {
        Withdraw(r);
        return woken ? woken : E_TIMEDOUT;
    }
    result = r->error ? r->error : Deliver(r, d);
    Drop(r, &r->reply);
    r->state = IPC_IDLE;
    return result;
}

// Queue r on its server, wait, and deliver the outcome.
static int Wait(IpcRequest *r, uint32_t timeoutMs, IpcDelivery *d)
{
    Process *server = r->server;
    int result;

    r->state = IPC_QUEUED;
    Append(server, r);
    if (server->state == PROCESS_BLOCKED && server->waitingOn == &server->ipcReceivers &&
        !server->wakeTick && !timeoutMs) {
        SchedHandoff(&r->waiter, server);   // straight to the waiting server
        result = 0;
    } else {
        if (server->state == PROCESS_BLOCKED && server->waitingOn == &server->ipcReceivers)
            SchedWakeFirst(server);
        result = SchedBlockTimeout(&r->waiter, timeoutMs);
    }
    return Collect(r, result, d);
}

// The kernel's own "ns:" requests are answered inline.
static int ServeInKernel(const char *name, IpcMemory memory, uintptr_t request,
                         uint32_t length, IpcDelivery *d)
{
    Message *copy = kmalloc(length), *reply = NULL;
    IpcRequest holder = { 0 };
    int result;

    if (!copy)
        return E_NOMEM;
    result = CopyIn(memory, copy, request, length) ? E_FAULT : 0;
    if (!result)
        result = KernelNamespaceServe(name, copy, &reply);
    kfree(copy);
    if (result)
        return result;
    holder.reply = reply;
    result = Deliver(&holder, d);
    kfree(reply);
    return result;
}

// Send to endpoint e (checked live), as IpcTransact does to a name.
static int SendToEndpoint(IpcEndpoint *e, IpcMemory memory, uintptr_t request,
                          uint32_t length, uint32_t timeoutMs, IpcDelivery *delivery)
{
    IpcRequest *r = &ProcessCurrent()->ipcRequest;
    int result;

    if (!e->server)
        result = ServeInKernel(e->name, memory, request, length, delivery);
    else if (e->server->ipcQueueLength >= IPC_QUEUE_MAX)
        result = E_AGAIN;
    else if (!(result = Prepare(r, e->server, e->handler, e->name, e->nameLength, memory,
                                request, length)))
        result = Wait(r, timeoutMs, delivery);
    return result;
}

int IpcTransact(const char *name, IpcMemory memory, uintptr_t request, uint32_t length,
                uint32_t timeoutMs, IpcDelivery *delivery)
{
    IpcEndpoint scratch;                    // a route the cache does not keep
    uint32_t flags = CpuSave();
    int result;
    IpcEndpoint *e = IpcRouteCached(name, &scratch, &result);

    if (length < MESSAGE_HEADER_SIZE || length > MESSAGE_MAX_SIZE)
        result = E_MSGSIZE;                 // whoever asks, before anything is sent
    else if (!e)
        ;                                   // result says why
    else if (e->server == ProcessCurrent())
        result = E_BUSY;                    // it would wait for itself
    else
        result = SendToEndpoint(e, memory, request, length, timeoutMs, delivery);
    CpuRestore(flags);
    return result;
}

int IpcTransactHandle(uint32_t handle, IpcMemory memory, uintptr_t request, uint32_t length,
                      uint32_t timeoutMs, IpcDelivery *delivery)
{
    uint32_t flags = CpuSave();
    int result;
    IpcEndpoint *e = IpcEndpointGet(handle, &result);

    if (length < MESSAGE_HEADER_SIZE || length > MESSAGE_MAX_SIZE)
        result = E_MSGSIZE;
    else if (e)                             // else E_BADF or E_DEAD
        result = SendToEndpoint(e, memory, request, length, timeoutMs, delivery);
    CpuRestore(flags);
    return result;
}

int IpcTransactEndpoint(IpcEndpoint *e, IpcMemory memory, uintptr_t request, uint32_t length,
                        uint32_t timeoutMs, IpcDelivery *delivery)
{
    uint32_t flags = CpuSave();
    int result = IpcEndpointCheck(e);

    if (length < MESSAGE_HEADER_SIZE || length > MESSAGE_MAX_SIZE)
        result = E_MSGSIZE;
    else if (result == 0)
        result = SendToEndpoint(e, memory, request, length, timeoutMs, delivery);
    CpuRestore(flags);
    return result;
}

static Message *KernelAllocate(uint32_t length)
{
    return kmalloc(length);
}

int IpcCall(const char *name, Message *request, uint32_t timeoutMs, Message **reply)
{
    IpcDelivery d = { .memory = IPC_MEMORY_KERNEL, .allocate = KernelAllocate };
    int result = IpcTransact(name, IPC_MEMORY_KERNEL, (uintptr_t)request, request->length,
                             timeoutMs, &d);

    kfree(request);
    *reply = result >= 0 ? d.allocated : NULL;
    return result >= 0 ? 0 : result;
}

// --- the fast path -----------------------------------------------------------

static int ExitPending(const Process *p);
static uint32_t fastCalls;              // calls the fast path took (IpcFastCalls)

int IpcStageRequest(uintptr_t request)
{
    Message *m = (Message *)ProcessCurrent()->ipcRequest.messageInline;
    uint32_t length;

    if (CopyFromUser(m, request, MESSAGE_HEADER_SIZE))
        return E_FAULT;
    length = m->length;
    if (length < MESSAGE_HEADER_SIZE || length > MESSAGE_MAX_SIZE)
        return E_MSGSIZE;
    if (length <= IPC_INLINE_MAX &&
        CopyFromUser(m->data, request + MESSAGE_HEADER_SIZE, length - MESSAGE_HEADER_SIZE))
        return E_FAULT;
    return (int)length;
}

uint32_t IpcFastCalls(void)
{
    return fastCalls;
}

int IpcFastCall(IpcEndpoint *e, uintptr_t request, uintptr_t reply, uint32_t capacity,
                int *result)
{
    Process *self = ProcessCurrent(), *server = e->server;
    IpcRequest *r = &self->ipcRequest;
    Message *m = (Message *)r->messageInline;
    IpcDelivery d = { IPC_MEMORY_USER, reply, capacity, NULL, NULL };
    uint32_t length;

    // The guards. Each one that fails leaves everything as it was, and the
    // general path takes the call (and gives its errors).
    if (!server || server == self || server->state != PROCESS_BLOCKED ||
        server->waitingOn != &server->ipcReceivers || server->wakeTick ||
        server->ipcQueueHead || ExitPending(server) || IpcNoticePending(server))
        return 0;                       // not waiting in a plain receive, or a notice comes first
    if (capacity < MESSAGE_HEADER_SIZE)
        return 0;
    length = (uint32_t)IpcStageRequest(request);     // a negative error is huge here
    if (length > IPC_INLINE_MAX || UserProbeWrite(reply, capacity))
        return 0;                       // big, or a bad buffer: the general path says
    /* POINT OF NO RETURN */
    m->senderId = self->pid;
    m->requestId = r->id = nextRequestId++;
    if (nextRequestId == 0)
        nextRequestId = 1;
    r->message = m;
    r->client = self;
    r->server = server;
    r->handler = e->handler;
    r->reply = NULL;
    r->error = 0;
    memcpy(r->name, e->name, e->nameLength + 1);
    r->nameLength = e->nameLength;
    r->state = IPC_QUEUED;
    Append(server, r);
    fastCalls++;
    SchedHandoff(&r->waiter, server);   // the server runs now, on our time slice
    *result = Collect(r, 0, &d);
    return 1;
}

// --- serving ---------------------------------------------------------------

static int ExitPending(const Process *p)
{
    return p->ipcWatchExits && p->ipcExitsSeen != exitCount;
}

// Copy the oldest exit notice p has not had into its buffer and envelope.
// Returns the notice's length or an error (E_MSGSIZE, E_FAULT: it stays
// pending).
static int DeliverExit(Process *p, IpcMemory memory, uintptr_t buffer, uint32_t capacity,
                       uintptr_t envelope)
{
    struct { Message header; uint32_t pid; } notice;
    uint32_t none = 0;

    if (exitCount - p->ipcExitsSeen > IPC_EXIT_LOG)
        p->ipcExitsSeen = exitCount - IPC_EXIT_LOG;     // too far behind: lose the oldest
    notice.header = (Message){ .type = MSG_PROCESS_EXIT, .length = sizeof(notice) };
    notice.pid = exitLog[p->ipcExitsSeen % IPC_EXIT_LOG];
    if (capacity < sizeof(notice))
        return E_MSGSIZE;               // left pending for a bigger buffer
    p->ipcExitsSeen++;
    if (CopyOut(memory, buffer, &notice, sizeof(notice)) ||
        (envelope && (CopyOut(memory, envelope, &none, sizeof(none)) ||
                      CopyOut(memory, envelope + offsetof(IpcEnvelope, name), &none, 1)))) {
        p->ipcExitsSeen--;
        return E_FAULT;
    }
    return (int)sizeof(notice);
}

// Copy the oldest notice queued for p into its buffer and envelope as a
// MSG_NOTICE message and take it off the queue. Returns the message's
// length or an error (E_MSGSIZE, E_FAULT: it stays queued).
static int DeliverNotice(Process *p, IpcMemory memory, uintptr_t buffer, uint32_t capacity,
                         uintptr_t envelope)
{
    struct { Message header; IpcNotification note; } notice;
    uint32_t none = 0;

    if (capacity < sizeof(notice))
        return E_MSGSIZE;               // left queued for a bigger buffer
    notice.header = (Message){ .type = MSG_NOTICE, .length = sizeof(notice) };
    notice.note = p->ipcNotes[p->ipcNoteHead];
    if (CopyOut(memory, buffer, &notice, sizeof(notice)) ||
        (envelope && (CopyOut(memory, envelope, &none, sizeof(none)) ||
                      CopyOut(memory, envelope + offsetof(IpcEnvelope, name), &none, 1))))
        return E_FAULT;
    /* POINT OF NO RETURN */
    p->ipcNoteHead = (p->ipcNoteHead + 1) % IPC_NOTIFY_MAX;
    p->ipcNoteCount--;
    return (int)sizeof(notice);
}

// Copy the first queued request to the server's buffer and envelope and
// move it to the serving list. Returns its length or an error (a request
// too big for the buffer fails back to its client with E_MSGSIZE).
static int DeliverRequest(Process *self, IpcMemory memory, uintptr_t buffer, uint32_t capacity,
                          uintptr_t envelope)
{
    IpcRequest *r = self->ipcQueueHead;
    int length = (int)r->message->length;

    if ((uint32_t)length > capacity) {
        Dequeue(r);                     // too big for this server: the
        Finish(r, E_MSGSIZE);           // client learns it, the queue moves on
        return E_MSGSIZE;
    }
    if (CopyOut(memory, buffer, r->message, (uint32_t)length) ||
        (envelope && (CopyOut(memory, envelope, &r->handler, sizeof(uint32_t)) ||
                      CopyOut(memory, envelope + offsetof(IpcEnvelope, name), r->name,
                              r->nameLength + 1))))
        return E_FAULT;
    /* POINT OF NO RETURN */
    Dequeue(r);
    Drop(r, &r->message);
    r->state = IPC_SERVING;
    r->next = self->ipcServing;
    self->ipcServing = r;
    return length;
}

int IpcWatchNotices(void)
{
    ProcessCurrent()->ipcWatchNotices = 1;
    return 0;
}

int IpcWatchExits(void)
{
    uint32_t flags = CpuSave();
    Process *self = ProcessCurrent();
    int err = self->ipcWatchExits ? 0 : E_NOSPC;

    for (int i = 0; err && i < IPC_WATCHERS_MAX; i++) {
        if (!watchers[i]) {
            watchers[i] = self;
            self->ipcWatchExits = 1;
            self->ipcExitsSeen = exitCount;
            err = 0;
        }
    }
    CpuRestore(flags);
    return err;
}

// Log p's end and wake the watchers waiting for requests.
static void AnnounceExit(Process *p)
{
    exitLog[exitCount++ % IPC_EXIT_LOG] = p->pid;
    for (int i = 0; i < IPC_WATCHERS_MAX; i++) {
        Process *w = watchers[i];
        if (w == p)
            watchers[i] = NULL;
        else if (w && w->state == PROCESS_BLOCKED && w->waitingOn == &w->ipcReceivers)
            SchedWake(w);
    }
}

// Block the current process until a request or an exit notice is there
// for it, or until tick deadline (0: none). Returns 0, or E_TIMEDOUT when
// the deadline passed with nothing there. Interrupts off.
static int AwaitRequest(Process *self, uint64_t deadline)
{
    while (!self->ipcQueueHead && !ExitPending(self) && !IpcNoticePending(self)) {
        uint64_t now;
        if (!deadline) {
            SchedBlock(&self->ipcReceivers);
            continue;
        }
        if ((now = SchedTicks()) >= deadline)
            return E_TIMEDOUT;
        SchedBlockTimeout(&self->ipcReceivers, (uint32_t)((deadline - now) * 1000 / SCHED_HZ));
    }
    return 0;
}

int IpcReceiveTimed(IpcMemory memory, uintptr_t buffer, uint32_t capacity, uintptr_t envelope,
                    uint32_t timeoutMs)
{
    Process *self = ProcessCurrent();
    uint64_t deadline = 0;
    uint32_t flags;
    int length;

    if (capacity < MESSAGE_HEADER_SIZE)
        return E_MSGSIZE;
    if (CheckOut(memory, buffer, MESSAGE_HEADER_SIZE) ||
        (envelope && CheckOut(memory, envelope, sizeof(IpcEnvelope))))
        return E_FAULT;
    flags = CpuSave();
    if (timeoutMs)
        deadline = SchedTicks() + ((uint64_t)timeoutMs * SCHED_HZ + 999) / 1000;
    if ((length = AwaitRequest(self, deadline)) == 0) {
        if (ExitPending(self))
            length = DeliverExit(self, memory, buffer, capacity, envelope);
        else if (IpcNoticePending(self))
            length = DeliverNotice(self, memory, buffer, capacity, envelope);
        else
            length = DeliverRequest(self, memory, buffer, capacity, envelope);
    }
    CpuRestore(flags);
    return length;
}

int IpcReceive(IpcMemory memory, uintptr_t buffer, uint32_t capacity, uintptr_t envelope)
{
    return IpcReceiveTimed(memory, buffer, capacity, envelope, 0);
}

int IpcReceiveTimeout(Message *buffer, uint32_t capacity, IpcEnvelope *envelope,
                      uint32_t timeoutMs)
{
    return IpcReceiveTimed(IPC_MEMORY_KERNEL, (uintptr_t)buffer, capacity,
                           (uintptr_t)envelope, timeoutMs);
}

int IpcIsServing(uint32_t requestId)
{
    uint32_t flags = CpuSave();
    IpcRequest *r = ProcessCurrent()->ipcServing;

    while (r && r->id != requestId)
        r = r->next;
    CpuRestore(flags);
    return r != NULL;
}

int IpcServes(const char *prefix)
{
    uint32_t flags = CpuSave(), length = (uint32_t)strlen(prefix);
    const NsEntry *e = NsLookup(&registry, prefix, length);
    int served = e && e->length == length && e->owner;

    CpuRestore(flags);
    return served;
}

int IpcAnswer(uint32_t requestId, IpcMemory memory, uintptr_t reply, uint32_t length)
{
    uint32_t flags = CpuSave();
    Process *self = ProcessCurrent();
    IpcRequest *r = self->ipcServing;
    int err = 0;

    while (r && r->id != requestId)
        r = r->next;
    if (!r)
        err = E_NOENT;
    else if (!(r->reply = Buffer(r->replyInline, length)))
        err = E_NOMEM;
    else if (CopyIn(memory, r->reply, reply, length)) {
        Drop(r, &r->reply);
        err = E_FAULT;
    }
    if (!err) {
        /* POINT OF NO RETURN */
        Unlink(&self->ipcServing, r);
        r->reply->length = length;
        r->reply->senderId = self->pid;
        r->reply->requestId = requestId;
        Finish(r, 0);
    }
    CpuRestore(flags);
    return err;
}

int IpcReplyWait(uint32_t requestId, IpcMemory memory, uintptr_t reply, uint32_t length,
                 uintptr_t buffer, uint32_t capacity, uintptr_t envelope, uint32_t timeoutMs)
{
    int err = IpcAnswer(requestId, memory, reply, length);

    if (err && err != E_NOENT)
        return err;
    return IpcReceiveTimed(memory, buffer, capacity, envelope, timeoutMs);
}

int IpcReply(uint32_t requestId, const Message *reply)
{
    return IpcAnswer(requestId, IPC_MEMORY_KERNEL, (uintptr_t)reply, reply->length);
}

// --- notifications ----------------------------------------------------------

int IpcPostNotice(uint32_t pid, uint32_t sender, uint32_t jobId, int32_t value)
{
    uint32_t flags = CpuSave();
    Process *p = ProcessFind(pid);
    int err = 0;

    if (!p || p->state == PROCESS_ZOMBIE)
        err = E_SRCH;
    else if (p->ipcNoteCount == IPC_NOTIFY_MAX)
        err = E_AGAIN;
    if (!err) {
        uint32_t slot = (p->ipcNoteHead + p->ipcNoteCount++) % IPC_NOTIFY_MAX;
        p->ipcNotes[slot] = (IpcNotification){ sender, jobId, value };
        if (p->state == PROCESS_BLOCKED && (p->waitingOn == &p->ipcNoteWaiters ||
                                            (p->ipcWatchNotices &&
                                             p->waitingOn == &p->ipcReceivers)))
            SchedWake(p);
    }
    CpuRestore(flags);
    return err;
}

int IpcNotify(uint32_t pid, uint32_t jobId, int32_t value)
{
    return IpcPostNotice(pid, ProcessCurrent()->pid, jobId, value);
}

int IpcWaitNotification(IpcNotification *out, uint32_t timeoutMs)
{
    uint32_t flags = CpuSave();
    Process *self = ProcessCurrent();
    int err = 0;

    while (!self->ipcNoteCount && !err)
        err = SchedBlockTimeout(&self->ipcNoteWaiters, timeoutMs);
    if (self->ipcNoteCount) {
        *out = self->ipcNotes[self->ipcNoteHead];
        self->ipcNoteHead = (self->ipcNoteHead + 1) % IPC_NOTIFY_MAX;
        self->ipcNoteCount--;
        err = 0;
    }
    CpuRestore(flags);
    return err;
}

// --- teardown ----------------------------------------------------------------

void IpcProcessGone(Process *p)
{
    AnnounceExit(p);
    if (NsRemoveOwner(&registry, p) > 0)
        IpcEndpointsInvalidate();           // handles on p are dead from now on
    IpcEndpointsFree(p);
    p->prefixes = 0;
    while (p->ipcQueueHead) {
        IpcRequest *r = p->ipcQueueHead;
        Dequeue(r);
        Finish(r, E_PIPE);
    }
    while (p->ipcServing) {
        IpcRequest *r = p->ipcServing;
        p->ipcServing = r->next;
        Finish(r, E_PIPE);
    }
    if (p->ipcRequest.state != IPC_IDLE)
        Withdraw(&p->ipcRequest);
}
