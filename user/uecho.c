// uecho: a user-mode echo server for the IPC tests, built on the server
// skeleton (include/lib/server.h); docs/servers.md walks through it as the
// model of a new server.
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
#include <lib/server.h>
#include <lib/string.h>
#include <lib/user.h>

#define DEFAULT_PREFIX "test:uecho:"
#define ASYNC_DELAY_MS 20
#define ASYNC_VALUE    1234

static uint32_t nextJobId = 1;
static int holdWrites;

// The skeleton receives each request into one buffer and builds its reply
// in the other.
static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request, reply;

// MSG_PING: the same payload back.
static int Ping(Server *s, ServerRequest *r)
{
    (void)s;
    return ServerReplyData(r, r->message->data, MessageDataLength(r->message));
}

// MSG_QUERY: the full name the client sent to, with its NUL.
static int Query(Server *s, ServerRequest *r)
{
    (void)s;
    return ServerReplyData(r, r->envelope->name, strnlen(r->envelope->name, NS_NAME_MAX) + 1);
}

// MSG_READ_ASYNC: a job id at once; the client is notified of its end later.
static int StartAsync(Server *s, ServerRequest *r)
{
    uint32_t jobId = nextJobId++;

    ServerReplyData(r, &jobId, sizeof jobId);
    ServerReplyNow(s, r);                   // the client goes on meanwhile
    SysSleep(ASYNC_DELAY_MS);
    IpcNotify(r->sender, jobId, ASYNC_VALUE);
    return 0;
}

// MSG_WRITE and MSG_STAT: held for ever with "hold", else refused.
static int Hold(Server *s, ServerRequest *r)
{
    (void)s; (void)r;
    return holdWrites ? SERVER_DEFERRED : E_INVAL;
}

// MSG_CLOSE: answer, then end.
static int Close(Server *s, ServerRequest *r)
{
    ServerReplyNow(s, r);
    SysExit(0);
}

// Which handler serves which request; any other type is E_INVAL.
static const ServerRoute routes[] = {
    { MSG_PING,       NULL, Ping },
    { MSG_QUERY,      NULL, Query },
    { MSG_READ_ASYNC, NULL, StartAsync },
    { MSG_WRITE,      NULL, Hold },
    { MSG_STAT,       NULL, Hold },
    { MSG_CLOSE,      NULL, Close },
};

static Server server = {
    .name = "uecho", .port = &serverPortUser,
    .routes = routes, .routeCount = sizeof(routes) / sizeof(routes[0]),
    .requestBuffer = &request.message, .replyBuffer = &reply.message,
    .capacity = sizeof(request),
};

int main(int argc, char **argv, char **envp)
{
    const char *prefix = argc > 1 ? argv[1] : DEFAULT_PREFIX;
    int result;

    (void)envp;
    holdWrites = argc > 2 && strcmp(argv[2], "hold") == 0;
    result = SysNsRegister(prefix, 0);
    if (result != 0) {
        Print("uecho: cannot register %s: %d\n", prefix, result);
        return 1;
    }
    Print("uecho: serving %s\n", prefix);
    ServerRun(&server);
}
