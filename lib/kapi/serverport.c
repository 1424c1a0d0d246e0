// The server skeleton's port for kernel-mode programs: the KernelApi's
// IPC calls. The port's context is the program's KernelApi table.
#include <stddef.h>
#include <clanker/kernelapi.h>
#include <lib/kapi.h>
#include <lib/server.h>

static int Receive(void *context, Message *buffer, uint32_t capacity, IpcEnvelope *envelope,
                   uint32_t timeoutMs)
{
    const KernelApi *api = context;

    return api->IpcReceiveTimeout(buffer, capacity, envelope, timeoutMs);
}

static int Reply(void *context, uint32_t requestId, const Message *reply)
{
    const KernelApi *api = context;

    return api->IpcReply(requestId, reply);
}

ServerPort ServerPortKernelApi(const KernelApi *api)
{
    return (ServerPort){ (void *)api, Receive, Reply, NULL };     // no ReplyWait in the KernelApi
}
