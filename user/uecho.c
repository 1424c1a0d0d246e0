// uecho: a user-mode echo server for the IPC tests.
//
//   uecho [PREFIX [hold]]     (default "test:uecho:")
//
// MSG_PING: the payload comes back in a MSG_RESPONSE. MSG_QUERY: the reply
// holds the full name the client sent to (NUL-terminated). MSG_READ_ASYNC:
// the reply holds a new job id (1, 2, ...); 20 ms later the client gets
// a notice for that job with value 1234. MSG_WRITE and MSG_STAT, with
// "hold" given: held, never answered (a client, or the kernel loading a
// program for one, stays blocked until it gives up or the server ends);
// without it, E_INVAL.
// MSG_CLOSE: reply, then exit 0.
// Anything else: E_INVAL.
#include <lib/string.h>
#include <lib/user.h>

#define DEFAULT_PREFIX "test:uecho:"
#define ASYNC_DELAY_MS 20
#define ASYNC_VALUE    1234

static uint32_t nextJobId = 1;
static int holdWrites;

// Reply to request with a MSG_RESPONSE holding data[0..length) and then
// zeros bytes (CreateMessage zeroes the payload).
static void ReplyPadded(const Message *request, const void *data, uint32_t length,
                        uint32_t zeros)
{
    Message *reply = CreateMessage(MSG_RESPONSE, length + zeros);

    if (!reply) {
        IpcReplyError(request->requestId, E_NOMEM);
        return;
    }
    if (length > 0)
        memcpy(reply->data, data, length);
    IpcReply(request->requestId, reply);
    FreeMessage(reply);
}

// Reply to request with a MSG_RESPONSE holding data[0..length).
static void ReplyWith(const Message *request, const void *data, uint32_t length)
{
    ReplyPadded(request, data, length, 0);
}

// Answer with a job id at once; notify the client of its end later.
static void StartAsync(const Message *request)
{
    uint32_t jobId = nextJobId++;

    ReplyWith(request, &jobId, sizeof jobId);
    SysSleep(ASYNC_DELAY_MS);
    IpcNotify(request->senderId, jobId, ASYNC_VALUE);
}

// Serve one request (see the top of the file).
static void Handle(Message *request, const IpcEnvelope *envelope)
{
    switch (request->type) {
    case MSG_PING:
        ReplyWith(request, request->data, MessageDataLength(request));
        break;
    case MSG_QUERY:
        ReplyPadded(request, envelope->name, strnlen(envelope->name, NS_NAME_MAX), 1);
        break;
    case MSG_READ_ASYNC:
        StartAsync(request);
        break;
    case MSG_WRITE:
    case MSG_STAT:
        if (!holdWrites)
            IpcReplyError(request->requestId, E_INVAL);
        break;                          // held: never answered (see the top)
    case MSG_CLOSE:
        ReplyWith(request, NULL, 0);
        SysExit(0);
    default:
        IpcReplyError(request->requestId, E_INVAL);
        break;
    }
}

int main(int argc, char **argv, char **envp)
{
    const char *prefix = argc > 1 ? argv[1] : DEFAULT_PREFIX;
    int result;

    (void)envp;
    holdWrites = argc > 2 && strcmp(argv[2], "hold") == 0;
    result = NamespaceRegister(prefix, Handle);
    if (result != 0) {
        Print("uecho: cannot register %s: %d\n", prefix, result);
        return 1;
    }
    Print("uecho: serving %s\n", prefix);
    IpcServe();
}
