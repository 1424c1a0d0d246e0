// Synchronous IPC over the namespace registry.
//
// A request lives in one place at a time:
//   QUEUED   on the server's queue (FIFO, at most IPC_QUEUE_MAX)
//   SERVING  on the server's serving list, after IpcReceive copied it out
//   DONE     answered or failed; the client frees it when it wakes
// The client waits on the request's own wait queue. If the client goes
// away (killed, or its timeout ran out) while the request is SERVING, the
// request stays on the serving list with no client, and the late reply is
// dropped. If the server goes away, every request it holds fails with
// E_PIPE and its clients wake at once.
//
// Hand-off: a send to a server already waiting in IpcReceive puts the
// server at the front of the ready queue, so the client's block switches
// straight to it; a reply does the same for the client.
#include <stddef.h>
#include <clanker/error.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <kernel/ipc.h>
#include <kernel/kheap.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/usercopy.h>

typedef enum IpcState {
    IPC_QUEUED,
    IPC_SERVING,
    IPC_DONE,
} IpcState;

typedef struct IpcRequest {
    struct IpcRequest *next;
    uint32_t id;
    IpcState state;
    Process *client;            // NULL once the client is gone
    Process *server;
    uint32_t handler;
    Message *message;           // the request, until received
    Message *reply;             // the reply, once DONE (NULL on error)
    int error;                  // once DONE
    WaitQueue waiter;           // the client
    char name[NS_NAME_MAX + 1];
} IpcRequest;

static NsRegistry registry;
static uint32_t nextRequestId = 1;

int KernelNamespaceServe(const char *name, const Message *request, Message **reply);

static void *Allocate(size_t size) { return kmalloc(size); }
static void Release(void *ptr) { kfree(ptr); }

void IpcInit(void)
{
    NsInit(&registry, Allocate, Release);
    NsRegister(&registry, "ns:", NULL, 0);
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
    int err = NsRegister(&registry, prefix, ProcessCurrent(), handler);

    CpuRestore(flags);
    return err;
}

int IpcUnregister(const char *prefix)
{
    uint32_t flags = CpuSave();
    int err = NsUnregister(&registry, prefix, ProcessCurrent());

    CpuRestore(flags);
    return err;
}

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

// Take r off its server's queue.
static void Dequeue(IpcRequest *r)
{
    Process *s = r->server;
    IpcRequest *prev = NULL;

    for (IpcRequest *it = s->ipcQueueHead; it; prev = it, it = it->next) {
        if (it != r)
            continue;
        if (prev)
            prev->next = r->next;
        else
            s->ipcQueueHead = r->next;
        if (s->ipcQueueTail == r)
            s->ipcQueueTail = prev;
        s->ipcQueueLength--;
        return;
    }
}

static void FreeRequest(IpcRequest *r)
{
    kfree(r->message);
    kfree(r->reply);
    kfree(r);
}

// Finish r with a reply or an error and wake its client (or, with no
// client left, free it).
static void Finish(IpcRequest *r, Message *reply, int error)
{
    r->state = IPC_DONE;
    r->reply = reply;
    r->error = error;
    kfree(r->message);
    r->message = NULL;
    if (!r->client) {
        FreeRequest(r);
        return;
    }
    if (r->client->state == PROCESS_BLOCKED && r->client->waitingOn == &r->waiter)
        SchedWakeFirst(r->client);
}

// Resolve aliases, check, find the server. Returns the entry or NULL with
// *err set; resolved receives the rewritten name.
static const NsEntry *Route(const char *name, char *resolved, int *err)
{
    int length = NsCheckName(name);
    const NsEntry *entry;

    if (length >= 0)
        length = NsResolveAlias(&registry, name, resolved, NS_NAME_MAX + 1);
    if (length >= 0)
        length = NsCheckName(resolved);
    if (length < 0) {
        *err = length;
        return NULL;
    }
    entry = NsLookup(&registry, resolved, (uint32_t)length);
    *err = entry ? 0 : E_NOENT;
    return entry;
}

// A request for entry's server that adopts message.
static IpcRequest *NewRequest(const NsEntry *entry, const char *name, Message *copy)
{
    IpcRequest *r = kmalloc(sizeof(*r));

    if (!r)
        return NULL;
    *r = (IpcRequest){ .id = nextRequestId++, .state = IPC_QUEUED,
                       .client = ProcessCurrent(), .server = entry->owner,
                       .handler = entry->handler, .message = copy };
    if (nextRequestId == 0)
        nextRequestId = 1;
    copy->senderId = ProcessCurrent()->pid;
    copy->requestId = r->id;
    memcpy(r->name, name, strlen(name) + 1);
    return r;
}

// The client stopped waiting (timeout): take the request back.
static void Abandon(IpcRequest *r)
{
    if (r->state == IPC_QUEUED) {
        Dequeue(r);
        FreeRequest(r);
    } else {
        r->client = NULL;       // SERVING: the late reply is dropped
    }
}

// Queue r on its server and wait for the outcome.
static int Wait(IpcRequest *r, uint32_t timeoutMs, Message **reply)
{
    Process *server = r->server;
    int err;

    Append(server, r);
    ProcessCurrent()->ipcPending = r;
    if (server->state == PROCESS_BLOCKED && server->waitingOn == &server->ipcReceivers)
        SchedWakeFirst(server);
    err = SchedBlockTimeout(&r->waiter, timeoutMs);
    ProcessCurrent()->ipcPending = NULL;
    if (r->state != IPC_DONE) {
        Abandon(r);
        return err ? err : E_TIMEDOUT;
    }
    err = r->error;
    *reply = r->reply;
    r->reply = NULL;
    FreeRequest(r);
    return err;
}

int IpcCall(const char *name, Message *request, uint32_t timeoutMs, Message **reply)
{
    char resolved[NS_NAME_MAX + 1];
    uint32_t flags = CpuSave();
    const NsEntry *entry;
    IpcRequest *r;
    int err;

    *reply = NULL;
    entry = Route(name, resolved, &err);
    if (entry && !entry->owner)
        err = KernelNamespaceServe(resolved, request, reply);
    else if (entry && entry->owner == ProcessCurrent())
        err = E_BUSY;                   // it would wait for itself
    else if (entry && ((Process *)entry->owner)->ipcQueueLength >= IPC_QUEUE_MAX)
        err = E_AGAIN;
    else if (entry && !(r = NewRequest(entry, resolved, request)))
        err = E_NOMEM;
    else if (entry) {
        request = NULL;                 // the request owns it now
        err = Wait(r, timeoutMs, reply);
    }
    kfree(request);
    CpuRestore(flags);
    return err;
}

// Copy out to the receiver's memory.
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
        return UserCheck(to, length, 1);
    return to ? 0 : E_FAULT;
}

int IpcReceive(IpcMemory memory, uintptr_t buffer, uint32_t capacity, uintptr_t envelope)
{
    Process *self = ProcessCurrent();
    uint32_t flags;
    IpcRequest *r;
    int length;

    if (capacity < MESSAGE_HEADER_SIZE || CheckOut(memory, buffer, capacity) ||
        (envelope && CheckOut(memory, envelope, sizeof(IpcEnvelope))))
        return capacity < MESSAGE_HEADER_SIZE ? E_MSGSIZE : E_FAULT;
    flags = CpuSave();
    while (!self->ipcQueueHead)
        SchedBlock(&self->ipcReceivers);
    r = self->ipcQueueHead;
    length = (int)r->message->length;
    if ((uint32_t)length > capacity) {
        CpuRestore(flags);
        return E_MSGSIZE;
    }
    CopyOut(memory, buffer, r->message, (uint32_t)length);
    if (envelope) {
        CopyOut(memory, envelope, &r->handler, sizeof(uint32_t));
        CopyOut(memory, envelope + offsetof(IpcEnvelope, name), r->name, strlen(r->name) + 1);
    }
    /* POINT OF NO RETURN */
    Dequeue(r);
    kfree(r->message);
    r->message = NULL;
    r->state = IPC_SERVING;
    r->next = self->ipcServing;
    self->ipcServing = r;
    CpuRestore(flags);
    return length;
}

int IpcReply(uint32_t requestId, Message *reply)
{
    uint32_t flags = CpuSave();
    Process *self = ProcessCurrent();
    IpcRequest **link = &self->ipcServing, *r = NULL;
    int err = 0;

    while (*link && (*link)->id != requestId)
        link = &(*link)->next;
    if (!*link) {
        kfree(reply);
        CpuRestore(flags);
        return E_NOENT;
    }
    /* POINT OF NO RETURN */
    r = *link;
    *link = r->next;
    reply->senderId = self->pid;
    reply->requestId = requestId;
    if (!r->client) {
        err = E_SRCH;               // the client is gone: drop the reply
        kfree(reply);
        reply = NULL;
    }
    Finish(r, reply, 0);
    CpuRestore(flags);
    return err;
}

int IpcNotify(uint32_t pid, uint32_t jobId, int32_t value)
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
        p->ipcNotes[slot] = (IpcNotification){ ProcessCurrent()->pid, jobId, value };
        if (p->state == PROCESS_BLOCKED && p->waitingOn == &p->ipcNoteWaiters)
            SchedWake(p);
    }
    CpuRestore(flags);
    return err;
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

void IpcProcessGone(Process *p)
{
    NsRemoveOwner(&registry, p);
    while (p->ipcQueueHead) {
        IpcRequest *r = p->ipcQueueHead;
        Dequeue(r);
        Finish(r, NULL, E_PIPE);
    }
    while (p->ipcServing) {
        IpcRequest *r = p->ipcServing;
        p->ipcServing = r->next;
        Finish(r, NULL, E_PIPE);
    }
    if (p->ipcPending) {
        Abandon(p->ipcPending);
        p->ipcPending = NULL;
    }
}
