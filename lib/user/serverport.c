// The server skeleton's port for ring-3 programs: the IPC system calls.
#include <lib/server.h>
#include <lib/user.h>

// SYS_IPC_RECEIVE has no time limit: timeoutMs is not looked at, so a
// ring-3 server's Idle hook runs only after requests.
static int Receive(void *context, Message *buffer, uint32_t capacity, IpcEnvelope *envelope,
                   uint32_t timeoutMs)
{
    (void)context; (void)timeoutMs;
    return SysIpcReceive(buffer, capacity, envelope);
}

static int Reply(void *context, uint32_t requestId, const Message *reply)
{
    (void)context;
    return SysIpcReply(requestId, reply);
}

// The reply and the next receive in one system call.
static int ReplyWait(void *context, uint32_t requestId, const Message *reply, Message *buffer,
                     uint32_t capacity, IpcEnvelope *envelope, uint32_t timeoutMs)
{
    IpcReceiveArgs receive = { buffer, capacity, envelope, 0 };

    (void)context; (void)timeoutMs;     // no time limit, as Receive
    return SysIpcReplyWait(requestId, reply, &receive);
}

const ServerPort serverPortUser = { NULL, Receive, Reply, ReplyWait };
