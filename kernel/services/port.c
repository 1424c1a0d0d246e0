// The server skeleton's port for the kernel's own service threads
// (proc:, console:): the kernel's IPC calls in kernel memory. They run
// no asynchronous jobs, so the port has no job calls.
#include <stdint.h>
#include <kernel/ipc/async.h>
#include <kernel/ipc/ipc.h>
#include <kernel/proc/sched.h>
#include <kernel/services/port.h>

static int Receive(void *context, Message *buffer, uint32_t capacity, IpcEnvelope *envelope,
                   uint32_t timeoutMs)
{
    (void)context;
    if (timeoutMs == SERVER_POLL) {
        SchedYield();
        return IpcReceivePollKernel(buffer, capacity, envelope);
    }
    return IpcReceiveTimed(IPC_MEMORY_KERNEL, (uintptr_t)buffer, capacity, (uintptr_t)envelope,
                           timeoutMs);
}

static int Reply(void *context, uint32_t requestId, const Message *reply)
{
    (void)context;
    return IpcAnswer(requestId, IPC_MEMORY_KERNEL, (uintptr_t)reply, reply->length);
}

static int ReplyWait(void *context, uint32_t requestId, const Message *reply, Message *buffer,
                     uint32_t capacity, IpcEnvelope *envelope, uint32_t timeoutMs)
{
    if (timeoutMs == SERVER_POLL) {
        Reply(context, requestId, reply);
        return Receive(context, buffer, capacity, envelope, timeoutMs);
    }
    return IpcReplyWait(requestId, IPC_MEMORY_KERNEL, (uintptr_t)reply, reply->length,
                        (uintptr_t)buffer, capacity, (uintptr_t)envelope, timeoutMs);
}

const ServerPort serverPortKernel = { NULL, Receive, Reply, ReplyWait, NULL, NULL, NULL, NULL };
