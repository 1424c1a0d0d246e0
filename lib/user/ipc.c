// The IPC client/server API for user programs (include/lib/user.h).
//
// Thin layers over SYS_NS_* and SYS_IPC_*: messages are malloc'd, a reply
// or request is received into the process's one MESSAGE_MAX_SIZE scratch
// buffer (allocated on first use and kept: a ring-3 program has one
// thread) and then copied into one of exactly its size, and every failed
// send comes back as a MSG_ERROR message, so a client always has a
// message to look at.
#include <lib/server.h>
#include <lib/string.h>
#include <lib/user.h>

// A MSG_ERROR message carrying error, or NULL if out of memory.
static Message *ErrorMessage(int error)
{
    Message *m = CreateMessage(MSG_ERROR, sizeof(int32_t));
    int32_t code = error;

    if (m)
        memcpy(m->data, &code, sizeof code);
    return m;
}

// The scratch buffer every receive goes through first, or NULL.
static Message *Scratch(void)
{
    static Message *scratch;

    if (!scratch)
        scratch = malloc(MESSAGE_MAX_SIZE);
    return scratch;
}

// A malloc'd copy of the first length bytes of m, or NULL.
static Message *CopyMessage(const Message *m, uint32_t length)
{
    Message *copy = malloc(length);

    if (copy)
        memcpy(copy, m, length);
    return copy;
}

// A zeroed message with its header filled in, or NULL.
Message *CreateMessage(uint32_t type, uint32_t dataLength)
{
    Message *m;

    if (dataLength > MESSAGE_MAX_DATA)
        return NULL;
    m = malloc(MESSAGE_HEADER_SIZE + dataLength);
    if (!m)
        return NULL;
    memset(m, 0, MESSAGE_HEADER_SIZE + dataLength);
    m->type = type;
    m->length = MESSAGE_HEADER_SIZE + dataLength;
    return m;
}

// Release a message from this file (NULL is ignored).
void FreeMessage(Message *m)
{
    free(m);
}

// Send through the scratch buffer, then keep an exact copy.
Message *IpcSendTimeout(const char *name, Message *request, uint32_t timeoutMs)
{
    Message *scratch = Scratch();
    Message *reply;
    int length;

    if (!scratch)
        return ErrorMessage(E_NOMEM);
    length = SysIpcSend(name, request, scratch, MESSAGE_MAX_SIZE, timeoutMs);
    if (length >= 0 && ((uint32_t)length < MESSAGE_HEADER_SIZE ||
                        (uint32_t)length > MESSAGE_MAX_SIZE))
        length = E_MSGSIZE;         // never from a sound kernel
    if (length < 0)
        return ErrorMessage(length);
    reply = CopyMessage(scratch, (uint32_t)length);
    return reply ? reply : ErrorMessage(E_NOMEM);
}

int IpcCallInto(const char *name, uint32_t type, const void *payload, uint32_t size,
                Message *reply, uint32_t capacity)
{
    int length;

    // The request is built in the reply's buffer: the kernel has copied
    // it in before any reply is written there.
    if (size > MESSAGE_MAX_DATA || capacity < MESSAGE_HEADER_SIZE + size)
        return E_MSGSIZE;
    if (size)
        memmove(reply->data, payload, size);
    *reply = (Message){ .type = type, .length = MESSAGE_HEADER_SIZE + size };
    length = SysIpcSend(name, reply, reply, capacity, 0);
    if (length < 0)
        return length;
    if (reply->type == MSG_ERROR)
        return MessageError(reply);
    return (int)MessageDataLength(reply);
}

// IpcSendTimeout without a time limit.
Message *IpcSend(const char *name, Message *request)
{
    return IpcSendTimeout(name, request, 0);
}

int IpcConnect(const char *name)
{
    return SysIpcConnect(name);
}

int IpcCall(int handle, const Message *request, Message *reply, uint32_t capacity)
{
    return SysIpcCall(handle, request, reply, capacity, 0);
}

int IpcDisconnect(int handle)
{
    return SysIpcDisconnect(handle);
}

// The E_* code a MSG_ERROR carries; 0 for other messages.
int MessageError(const Message *reply)
{
    int32_t code;

    if (!reply)
        return E_NOMEM;
    if (reply->type != MSG_ERROR)
        return 0;
    if (reply->length < MESSAGE_HEADER_SIZE + sizeof code)
        return E_INVAL;
    memcpy(&code, reply->data, sizeof code);
    return code < 0 ? code : E_INVAL;
}

// The handler pointer travels as the registration's handler value.
int NamespaceRegister(const char *prefix, IpcHandler handler)
{
    return SysNsRegister(prefix, (uint32_t)(uintptr_t)handler);
}

// Give up prefix.
int NamespaceUnregister(const char *prefix)
{
    return SysNsUnregister(prefix);
}

// Receive through the scratch buffer, then keep an exact copy.
Message *IpcReceive(IpcEnvelope *envelope)
{
    Message *scratch = Scratch();
    Message *request = NULL;
    int length;

    if (!scratch)
        return NULL;
    length = SysIpcReceive(scratch, MESSAGE_MAX_SIZE, envelope);
    if (length >= (int)MESSAGE_HEADER_SIZE && (uint32_t)length <= MESSAGE_MAX_SIZE)
        request = CopyMessage(scratch, (uint32_t)length);
    return request;
}

// Answer request requestId with reply.
int IpcReply(uint32_t requestId, const Message *reply)
{
    return SysIpcReply(requestId, reply);
}

// Reply with a MSG_ERROR message holding error.
int IpcReplyError(uint32_t requestId, int error)
{
    Message *reply = ErrorMessage(error);
    int result;

    if (!reply)
        return E_NOMEM;
    result = SysIpcReply(requestId, reply);
    FreeMessage(reply);
    return result;
}

// IpcServe's one handler: the prefix's own, given the request (it
// answers it itself, and the request is not its to keep); E_NOSYS for a
// prefix registered without one.
static int CallPrefixHandler(Server *s, ServerRequest *r)
{
    IpcHandler handler = (IpcHandler)(uintptr_t)r->envelope->handler;

    /* decode: a prefix with a handler */
    if (!handler)
        return E_NOSYS;
    /* invoke */
    handler(s->requestBuffer, r->envelope);
    return SERVER_DEFERRED;
}

// Serve the program's prefixes on the server skeleton, forever: every
// request goes to its prefix's handler. The request buffer comes from the
// heap once (out of memory: wait a little and try again).
void IpcServe(void)
{
    static union {
        Message message;
        uint8_t bytes[MESSAGE_HEADER_SIZE + sizeof(int32_t)];
    } reply;
    static Server server = {
        .name = "IpcServe", .port = &serverPortUser, .unrouted = CallPrefixHandler,
        .replyBuffer = &reply.message, .capacity = MESSAGE_MAX_SIZE,
        .replyCapacity = sizeof(reply),
    };

    while (!(server.requestBuffer = malloc(MESSAGE_MAX_SIZE)))
        SysSleep(10);
    ServerRun(&server);
}

// Tell process pid that job jobId ended with value.
int IpcNotify(uint32_t pid, uint32_t jobId, int32_t value)
{
    return SysIpcNotify(pid, jobId, value);
}

// IpcWaitNotification is lib/user/job.c's: it shares the notices with the jobs.
