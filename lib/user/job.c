// Asynchronous jobs for ring-3 clients (include/lib/user.h): reads and
// writes started at a file server, waited for one at a time or any,
// cancelled.
//
// A job is started in three steps: the buffer is lent to the server of
// the name (SYS_IPC_JOB_CREATE, which gives the job's id), the request
// names the job (FsAsyncIo), and the server answers with the id at once.
// Its end comes later as a notice, in the one queue of notices the
// process has. So this file keeps two small tables: the jobs it started,
// each running, done (its value not yet collected) or forgotten (cancelled:
// its notice is dropped when it comes); and the notices that belong to
// none of them (a server's own jobs, as uecho's), kept for
// IpcWaitNotification. Waiting for one job takes every notice that comes
// first and files it, so nothing is lost.
#include <clanker/fs.h>
#include <lib/string.h>
#include <lib/user.h>

#define JOBS_MAX   (2 * IPC_JOB_CLIENT_MAX)    // running ones, and forgotten ones whose notice is due
#define OTHERS_MAX IPC_NOTIFY_MAX

typedef enum JobState { JOB_FREE, JOB_RUNNING, JOB_DONE, JOB_FORGOTTEN } JobState;

typedef struct Job {
    uint32_t id;
    uint32_t server;            // the pid its notice comes from
    JobState state;
    int32_t value;              // JOB_DONE: what it ended with
} Job;

static Job jobs[JOBS_MAX];
static IpcNotification others[OTHERS_MAX];     // oldest first
static uint32_t otherCount;

// Sets of states for FindJob: a bit per JobState.
#define LIVE (1u << JOB_RUNNING | 1u << JOB_DONE)
#define ANY  (LIVE | 1u << JOB_FORGOTTEN)

// The entry of job id in one of states, or NULL.
static Job *FindJob(uint32_t id, uint32_t states)
{
    for (uint32_t i = 0; i < JOBS_MAX; i++)
        if (jobs[i].state != JOB_FREE && jobs[i].id == id && (states >> jobs[i].state & 1))
            return &jobs[i];
    return NULL;
}

// File a notice: it ends one of our jobs, or it joins the others (the
// oldest of those goes if there are OTHERS_MAX already).
static void File(const IpcNotification *n)
{
    Job *j = FindJob(n->jobId, ANY);

    if (j && j->server == n->senderId) {
        if (j->state == JOB_RUNNING)
            *j = (Job){ j->id, j->server, JOB_DONE, n->value };
        else if (j->state == JOB_FORGOTTEN)
            j->state = JOB_FREE;
        return;
    }
    if (otherCount == OTHERS_MAX)
        memmove(others, others + 1, --otherCount * sizeof(others[0]));
    others[otherCount++] = *n;
}

// Take the next notice from the kernel and file it, waiting until
// timeoutMs (0: no limit; IPC_JOB_POLL: not at all) after start.
// Returns 0 or E_* (E_TIMEDOUT).
static int Next(uint32_t timeoutMs, uint32_t start)
{
    IpcNotification n;
    uint32_t spent = SysUptime() - start;
    int err;

    if (timeoutMs == IPC_JOB_POLL)
        err = SysIpcNoticePoll(&n) == E_AGAIN ? E_TIMEDOUT : 0;
    else if (timeoutMs && spent >= timeoutMs)
        err = E_TIMEDOUT;
    else
        err = SysIpcWaitNotify(&n, timeoutMs ? timeoutMs - spent : 0);
    if (!err)
        File(&n);
    return err;
}

// Forget job j: no wait will find it. If the kernel still had it, no
// notice will come; otherwise one is due (or came already).
static void Forget(Job *j)
{
    if (j->state == JOB_DONE || SysIpcJobDrop(j->id) == 0)
        j->state = JOB_FREE;
    else
        j->state = JOB_FORGOTTEN;
}

// A free entry, or NULL.
static Job *FreeJob(void)
{
    for (uint32_t i = 0; i < JOBS_MAX; i++)
        if (jobs[i].state == JOB_FREE)
            return &jobs[i];
    return NULL;
}

// Lend buffer to the server of name, send a type request naming the job,
// and keep the job if the server takes it. Returns its id or E_*.
static int Start(const char *name, uint32_t type, int32_t handle, const void *buffer,
                 uint32_t length, uint64_t offset, uint32_t access)
{
    union { Message message; uint8_t bytes[MESSAGE_HEADER_SIZE + sizeof(FsAsyncIo)]; } reply;
    FsAsyncIo io = { handle, length, offset, 0, 0 };
    FsJobId taken = { 0 };
    Job *j = FreeJob();
    uint32_t server;
    int id, got;

    if (!j)
        return E_NOSPC;
    if ((id = SysIpcJobCreate(name, buffer, length, access, &server)) < 0)
        return id;
    io.job = (uint32_t)id;
    *j = (Job){ (uint32_t)id, server, JOB_RUNNING, 0 };
    got = IpcCallInto(name, type, &io, sizeof(io), &reply.message, sizeof(reply));
    if (got == (int)sizeof(taken))
        memcpy(&taken, reply.message.data, sizeof(taken));
    if (taken.job == (uint32_t)id)
        return id;
    Forget(j);
    return got < 0 ? got : E_INVAL;
}

int FsReadAsync(const char *name, int32_t handle, void *buffer, uint32_t length,
                uint64_t offset)
{
    return Start(name, MSG_READ_ASYNC, handle, buffer, length, offset, IPC_JOB_SERVER_WRITES);
}

int FsWriteAsync(const char *name, int32_t handle, const void *buffer, uint32_t length,
                 uint64_t offset)
{
    return Start(name, MSG_WRITE_ASYNC, handle, buffer, length, offset, IPC_JOB_SERVER_READS);
}

// Collect done job j's value; its entry is free again.
static void Collect(Job *j, int32_t *value)
{
    *value = j->value;
    j->state = JOB_FREE;
}

int IpcJobWait(uint32_t jobId, uint32_t timeoutMs, int32_t *value)
{
    uint32_t start = SysUptime();
    Job *j;
    int err = 0;

    while ((j = FindJob(jobId, LIVE)) != NULL && j->state == JOB_RUNNING && !err)
        err = Next(timeoutMs, start);
    if (!j)
        return E_NOENT;
    if (j->state != JOB_DONE)
        return err;
    Collect(j, value);
    return 0;
}

// The first done job, or NULL; *running says whether any job still runs.
static Job *FirstDone(int *running)
{
    *running = 0;
    for (uint32_t i = 0; i < JOBS_MAX; i++) {
        if (jobs[i].state == JOB_DONE)
            return &jobs[i];
        *running |= jobs[i].state == JOB_RUNNING;
    }
    return NULL;
}

int IpcJobWaitAny(uint32_t *jobId, int32_t *value, uint32_t timeoutMs)
{
    uint32_t start = SysUptime();
    int running, err = 0;
    Job *j;

    while (!(j = FirstDone(&running)) && running && !err)
        err = Next(timeoutMs, start);
    if (!j)
        return running ? err : E_NOENT;
    *jobId = j->id;
    Collect(j, value);
    return 0;
}

int IpcJobCancel(const char *name, uint32_t jobId)
{
    union { Message message; uint8_t bytes[MESSAGE_HEADER_SIZE + sizeof(FsJobId)]; } reply;
    FsJobId request = { jobId };
    int got = IpcCallInto(name, MSG_CANCEL, &request, sizeof(request), &reply.message,
                          sizeof(reply));
    Job *j = FindJob(jobId, LIVE);

    if (j)
        Forget(j);
    return got < 0 ? got : 0;
}

int IpcWaitNotification(IpcNotification *out, uint32_t timeoutMs)
{
    uint32_t start = SysUptime();
    int err = 0;

    while (!otherCount && !err)
        err = Next(timeoutMs, start);
    if (!otherCount)
        return err;
    *out = others[0];
    memmove(others, others + 1, --otherCount * sizeof(others[0]));
    return 0;
}
