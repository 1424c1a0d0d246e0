// Asynchronous jobs: buffers lent by clients to servers
// (include/clanker/job.h has the model, docs/ipc.md the rules).
//
// IPC stays synchronous. A job is what lets a server work for a client
// after it has answered: the client lends one range of its memory to the
// server of a name, for filling or for taking from, and the kernel keeps
// the loan in a table of IPC_JOB_MAX slots. The server copies through
// the loan (never more than was lent, never the other way), and ends it
// with a value the client gets as a notice. A ring-3 server has no other
// way into a client's memory; a kernel-mode one could use ProcessWrite,
// but takes the same path so the client decides what it may touch.
//
// Deaths: a client that ends takes its loans with it (a server's next
// copy or finish is E_NOENT); a server that ends gives each of its
// clients the notice E_DEAD for every job lent to it, from its pid, as
// if it had finished them so. Copies go a page at a time with interrupts
// off, the loan looked at again each time, so a client that ends or
// drops the job midway stops the copy at that page.
//
// The calls that never wait (IpcReceivePoll, IpcNoticePoll) are here
// because a server running jobs and a client running on while they run
// need them: the server serves what is queued between the pieces of its
// jobs, the client looks for its notice between pieces of its own work.
#include <stddef.h>
#include <clanker/error.h>
#include <arch/x86/cpu.h>
#include <arch/x86/layout.h>
#include <kernel/ipc/async.h>
#include <kernel/ipc/namespace.h>
#include <kernel/mm/kheap.h>
#include <kernel/mm/procmem.h>
#include <kernel/mm/usercopy.h>
#include <kernel/proc/process.h>
#include <kernel/proc/sched.h>

#define JOB_ID_LAST 0x7fffffffu         // ids stay positive system-call results

typedef struct IpcJob {
    uint32_t id;                        // 0: a free slot
    uint32_t client;                    // the pid that lent the buffer
    uint32_t server;                    // the pid it was lent to
    uint32_t buffer;                    // the client's user address
    uint32_t length;
    uint32_t access;                    // IPC_JOB_SERVER_*
} IpcJob;

static IpcJob jobs[IPC_JOB_MAX];
static uint32_t nextJobId = 1;

// --- the table (interrupts off) -------------------------------------------------

// The live job id, or NULL.
static IpcJob *FindId(uint32_t id)
{
    for (uint32_t i = 0; id && i < IPC_JOB_MAX; i++)
        if (jobs[i].id == id)
            return &jobs[i];
    return NULL;
}

// Job id if the current process lent it (asServer 0) or holds it (1).
static IpcJob *Find(uint32_t id, int asServer)
{
    IpcJob *j = FindId(id);
    uint32_t self = ProcessCurrent()->pid;

    return j && (asServer ? j->server : j->client) == self ? j : NULL;
}

// An id no live job has, after the last one given.
static uint32_t NewId(void)
{
    uint32_t id;

    do {
        id = nextJobId;
        nextJobId = nextJobId == JOB_ID_LAST ? 1 : nextJobId + 1;
    } while (FindId(id));
    return id;
}

// A free slot if client may lend one more buffer, or NULL with *err set.
static IpcJob *FreeSlot(uint32_t client, int *err)
{
    IpcJob *slot = NULL;
    uint32_t held = 0;

    for (uint32_t i = 0; i < IPC_JOB_MAX; i++) {
        if (!jobs[i].id && !slot)
            slot = &jobs[i];
        held += jobs[i].id && jobs[i].client == client;
    }
    *err = !slot || held >= IPC_JOB_CLIENT_MAX ? E_NOSPC : 0;
    return *err ? NULL : slot;
}

// Queue the notice {sender, jobId, value} for pid: the sender is named,
// since a server that dies is not always the process running.
static int Post(uint32_t pid, uint32_t sender, uint32_t jobId, int32_t value)
{
    return IpcPostNotice(pid, sender, jobId, value);
}

// --- the client's calls -----------------------------------------------------------

// The process serving name (aliases applied, longest prefix), or NULL
// with *err set; E_INVAL for a name the kernel answers itself.
static Process *ServerOf(const char *name, int *err)
{
    char resolved[NS_NAME_MAX + 1];
    int length = NsCheckName(name);
    const NsEntry *entry = NULL;

    if (length >= 0)
        length = NsResolveName(IpcRegistry(), name, resolved, sizeof(resolved));
    if (length >= 0)
        entry = NsLookup(IpcRegistry(), resolved, (uint32_t)length);
    *err = length < 0 ? length : !entry ? E_NOENT : !entry->owner ? E_INVAL : 0;
    return *err ? NULL : entry->owner;
}

// The loan's own terms: one way, a length, a range of user space.
static int CheckTerms(uint32_t buffer, uint32_t length, uint32_t access)
{
    if ((access != IPC_JOB_SERVER_WRITES && access != IPC_JOB_SERVER_READS) || length == 0 ||
        length > IPC_JOB_LENGTH_MAX)
        return E_INVAL;
    return buffer >= USER_BASE && buffer < USER_LIMIT && length <= USER_LIMIT - buffer ? 0
                                                                                       : E_FAULT;
}

int IpcJobCreate(const char *name, uint32_t buffer, uint32_t length, uint32_t access,
                 uint32_t *server)
{
    uint32_t flags = CpuSave();
    Process *self = ProcessCurrent(), *owner = NULL;
    IpcJob *slot = NULL;
    int err = CheckTerms(buffer, length, access);

    /* decode */
    if (!err)
        owner = ServerOf(name, &err);
    if (!err && owner == self)
        err = E_BUSY;                   // it would lend to itself
    if (!err)
        slot = FreeSlot(self->pid, &err);
    /* invoke */
    if (!err) {
        *slot = (IpcJob){ NewId(), self->pid, owner->pid, buffer, length, access };
        *server = owner->pid;
        err = (int)slot->id;
    }
    CpuRestore(flags);
    return err;
}

int IpcJobDrop(uint32_t jobId)
{
    uint32_t flags = CpuSave();
    IpcJob *j = Find(jobId, 0);

    if (j)
        j->id = 0;
    CpuRestore(flags);
    return j ? 0 : E_NOENT;
}

int IpcNoticePoll(IpcNotification *out)
{
    uint32_t flags = CpuSave();
    Process *self = ProcessCurrent();
    int err = self->ipcNoteCount ? 0 : E_AGAIN;

    if (!err) {
        *out = self->ipcNotes[self->ipcNoteHead];
        self->ipcNoteHead = (self->ipcNoteHead + 1) % IPC_NOTIFY_MAX;
        self->ipcNoteCount--;
    }
    CpuRestore(flags);
    return err;
}

// --- the server's calls -------------------------------------------------------------

int IpcJobQuery(uint32_t jobId, IpcJobFacts *out)
{
    uint32_t flags = CpuSave();
    IpcJob *j = Find(jobId, 1);

    if (j)
        *out = (IpcJobFacts){ j->client, j->length, j->access };
    CpuRestore(flags);
    return j ? 0 : E_NOENT;
}

// One copy's course: the loan's slot and id, where in the client's
// memory it is, and the server's side.
typedef struct JobCopy {
    IpcJob *slot;
    uint32_t id;
    uint32_t va;                // the client's address of the next byte
    IpcMemory memory;           // the server's memory
    uintptr_t local;            // the server's address of the next byte
    uint8_t *bounce;            // a page of kernel memory for a ring-3 server's bytes
    int toClient;
} JobCopy;

// Check the caller's copy of length bytes at offset of job c->id, the
// way c->toClient says, and find where it starts. Returns 0 or E_*.
static int StartCopy(JobCopy *c, uint32_t offset, uint32_t length)
{
    uint32_t flags = CpuSave(), access = c->toClient ? IPC_JOB_SERVER_WRITES : IPC_JOB_SERVER_READS;
    IpcJob *j = Find(c->id, 1);
    int err = !j ? E_NOENT : j->access != access ? E_PERM
            : offset > j->length || length > j->length - offset ? E_RANGE : 0;

    if (!err) {
        c->slot = j;
        c->va = j->buffer + offset;
    }
    CpuRestore(flags);
    return err;
}

// Copy n bytes (within one page of the client's buffer) between the
// client and bytes, if the loan is still there. Returns 0 or E_*.
static int CopyClient(const JobCopy *c, uint8_t *bytes, uint32_t n)
{
    uint32_t flags = CpuSave();
    int err = c->slot->id == c->id ? 0 : E_NOENT;   // dropped, or its client ended

    if (!err)
        err = c->toClient ? ProcMemWrite(c->slot->client, c->va, bytes, n)
                          : ProcMemRead(c->slot->client, bytes, c->va, n);
    CpuRestore(flags);
    return err == E_SRCH ? E_NOENT : err;
}

// One piece of n bytes: through the bounce page for a ring-3 server (its
// own memory read or written with checked copies), straight for a
// kernel-mode one.
static int CopyPiece(const JobCopy *c, uint32_t n)
{
    int err;

    if (c->memory == IPC_MEMORY_KERNEL)
        return CopyClient(c, (uint8_t *)c->local, n);
    if (c->toClient && CopyFromUser(c->bounce, c->local, n))
        return E_FAULT;
    err = CopyClient(c, c->bounce, n);
    if (!err && !c->toClient && CopyToUser(c->local, c->bounce, n))
        err = E_FAULT;
    return err;
}

static int Copy(JobCopy *c, uint32_t offset, uint32_t length)
{
    int err = StartCopy(c, offset, length);

    if (!err && c->memory == IPC_MEMORY_USER && length && !(c->bounce = kmalloc(PAGE_SIZE)))
        err = E_NOMEM;
    while (!err && length) {
        uint32_t room = PAGE_SIZE - (c->va & (PAGE_SIZE - 1)), n = length < room ? length : room;
        err = CopyPiece(c, n);
        c->va += n;
        c->local += n;
        length -= n;
    }
    if (c->bounce)
        kfree(c->bounce);
    return err;
}

int IpcJobRead(uint32_t jobId, uint32_t offset, IpcMemory memory, uintptr_t to,
               uint32_t length)
{
    JobCopy c = { .id = jobId, .memory = memory, .local = to, .toClient = 0 };

    return Copy(&c, offset, length);
}

int IpcJobWrite(uint32_t jobId, uint32_t offset, IpcMemory memory, uintptr_t from,
                uint32_t length)
{
    JobCopy c = { .id = jobId, .memory = memory, .local = from, .toClient = 1 };

    return Copy(&c, offset, length);
}

int IpcJobFinish(uint32_t jobId, int32_t value)
{
    uint32_t flags = CpuSave();
    IpcJob *j = Find(jobId, 1);
    int err = j ? Post(j->client, j->server, jobId, value) : E_NOENT;

    if (j && err != E_AGAIN)
        j->id = 0;                      // finished (or its client just ended)
    CpuRestore(flags);
    return err == E_SRCH ? E_NOENT : err;
}

int IpcReceivePoll(IpcMemory memory, uintptr_t buffer, uint32_t capacity, uintptr_t envelope)
{
    uint32_t flags = CpuSave();
    int result = E_AGAIN;

    // With interrupts off nobody can take the request (or the notice)
    // back before the receive, so it finds it there and does not wait.
    if (ProcessCurrent()->ipcQueueHead || IpcNoticePending(ProcessCurrent()))
        result = IpcReceiveTimed(memory, buffer, capacity, envelope, 0);
    CpuRestore(flags);
    return result;
}

int IpcJobReadKernel(uint32_t jobId, uint32_t offset, void *to, uint32_t length)
{
    return IpcJobRead(jobId, offset, IPC_MEMORY_KERNEL, (uintptr_t)to, length);
}

int IpcJobWriteKernel(uint32_t jobId, uint32_t offset, const void *from, uint32_t length)
{
    return IpcJobWrite(jobId, offset, IPC_MEMORY_KERNEL, (uintptr_t)from, length);
}

int IpcReceivePollKernel(Message *buffer, uint32_t capacity, IpcEnvelope *envelope)
{
    return IpcReceivePoll(IPC_MEMORY_KERNEL, (uintptr_t)buffer, capacity, (uintptr_t)envelope);
}

// --- teardown ------------------------------------------------------------------------

void IpcJobsProcessGone(Process *p)
{
    uint32_t flags = CpuSave();

    for (uint32_t i = 0; i < IPC_JOB_MAX; i++) {
        IpcJob *j = &jobs[i];
        if (!j->id || (j->server != p->pid && j->client != p->pid))
            continue;
        if (j->server == p->pid)
            Post(j->client, p->pid, j->id, E_DEAD);     // a full queue loses it
        j->id = 0;
    }
    CpuRestore(flags);
}
