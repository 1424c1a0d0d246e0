// The server skeleton's port for kernel-mode programs: the KernelApi's
// IPC calls. The port's context is the program's KernelApi table.
#include <stddef.h>
#include <clanker/kernelapi.h>
#include <lib/kapi.h>
#include <lib/server.h>

// SERVER_POLL (a server with jobs in hand): the others ready run first,
// and only a request already queued is taken.
static int Receive(void *context, Message *buffer, uint32_t capacity, IpcEnvelope *envelope,
                   uint32_t timeoutMs)
{
    const KernelApi *api = context;

    if (timeoutMs == SERVER_POLL) {
        api->SchedYield();
        return api->IpcReceivePoll(buffer, capacity, envelope);
    }
    return api->IpcReceiveTimeout(buffer, capacity, envelope, timeoutMs);
}

static int Reply(void *context, uint32_t requestId, const Message *reply)
{
    const KernelApi *api = context;

    return api->IpcReply(requestId, reply);
}

// The reply and the next receive in one call; SERVER_POLL: the reply,
// then Receive's poll.
static int ReplyWait(void *context, uint32_t requestId, const Message *reply, Message *buffer,
                     uint32_t capacity, IpcEnvelope *envelope, uint32_t timeoutMs)
{
    const KernelApi *api = context;

    if (timeoutMs == SERVER_POLL) {
        api->IpcReply(requestId, reply);
        return Receive(context, buffer, capacity, envelope, timeoutMs);
    }
    return api->IpcReplyWait(requestId, reply, buffer, capacity, envelope, timeoutMs);
}

// The job calls are the KernelApi's of the same names.
static int JobQuery(void *context, uint32_t jobId, IpcJobFacts *out)
{
    const KernelApi *api = context;

    return api->IpcJobQuery(jobId, out);
}

static int JobRead(void *context, uint32_t jobId, uint32_t offset, void *to, uint32_t length)
{
    const KernelApi *api = context;

    return api->IpcJobRead(jobId, offset, to, length);
}

static int JobWrite(void *context, uint32_t jobId, uint32_t offset, const void *from,
                    uint32_t length)
{
    const KernelApi *api = context;

    return api->IpcJobWrite(jobId, offset, from, length);
}

static int JobFinish(void *context, uint32_t jobId, int32_t value)
{
    const KernelApi *api = context;

    return api->IpcJobFinish(jobId, value);
}

ServerPort ServerPortKernelApi(const KernelApi *api)
{
    return (ServerPort){ (void *)api, Receive, Reply, ReplyWait,
                         JobQuery, JobRead, JobWrite, JobFinish };
}
