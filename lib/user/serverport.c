// The server skeleton's port for ring-3 programs: the IPC system calls.
#include <lib/server.h>
#include <lib/user.h>

// SYS_IPC_RECEIVE has no time limit: a ring-3 server's Idle hook runs
// after requests only, unless it asks not to wait (SERVER_POLL, a server
// with jobs in hand): then the others ready run first, and only a request
// already queued is taken.
static int Receive(void *context, Message *buffer, uint32_t capacity, IpcEnvelope *envelope,
                   uint32_t timeoutMs)
{
    (void)context;
    if (timeoutMs == SERVER_POLL) {
        SysYield();
        return SysIpcReceivePoll(buffer, capacity, envelope);
    }
    return SysIpcReceive(buffer, capacity, envelope);
}

static int Reply(void *context, uint32_t requestId, const Message *reply)
{
    (void)context;
    return SysIpcReply(requestId, reply);
}

// The reply and the next receive in one system call; SERVER_POLL: the
// reply, then Receive's poll.
static int ReplyWait(void *context, uint32_t requestId, const Message *reply, Message *buffer,
                     uint32_t capacity, IpcEnvelope *envelope, uint32_t timeoutMs)
{
    IpcReceiveArgs receive = { buffer, capacity, envelope, 0 };

    if (timeoutMs == SERVER_POLL) {
        SysIpcReply(requestId, reply);
        return Receive(context, buffer, capacity, envelope, timeoutMs);
    }
    return SysIpcReplyWait(requestId, reply, &receive);  // no time limit, as Receive
}

// The job calls are the system calls of the same names.
static int JobQuery(void *context, uint32_t jobId, IpcJobFacts *out)
{
    (void)context;
    return SysIpcJobQuery(jobId, out);
}

static int JobRead(void *context, uint32_t jobId, uint32_t offset, void *to, uint32_t length)
{
    (void)context;
    return SysIpcJobRead(jobId, offset, to, length);
}

static int JobWrite(void *context, uint32_t jobId, uint32_t offset, const void *from,
                    uint32_t length)
{
    (void)context;
    return SysIpcJobWrite(jobId, offset, from, length);
}

static int JobFinish(void *context, uint32_t jobId, int32_t value)
{
    (void)context;
    return SysIpcJobFinish(jobId, value);
}

const ServerPort serverPortUser = { NULL, Receive, Reply, ReplyWait,
                                    JobQuery, JobRead, JobWrite, JobFinish };
