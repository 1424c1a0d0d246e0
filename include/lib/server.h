// The server skeleton (lib/server.c): one receive loop for every server.
//
// A server is a table: which handler serves which requests, and a few
// hooks. ServerRun receives a request, finds its route, runs the handler
// and sends the reply the handler built (or the error it returned), then
// runs the idle hook; forever. Writing a server means writing the table
// and its handlers (docs/servers.md has a whole one):
//
//   static int Hello(Server *s, ServerRequest *r)
//   {
//       return ServerReplyText(r, "hello\n");
//   }
//   static const ServerRoute routes[] = { { MSG_READ, NULL, Hello } };
//   static Server server = { .name = "hello", .routes = routes,
//                            .routeCount = 1, ... };
//   ServerRun(&server);
//
// The skeleton is freestanding: it receives and replies through a
// ServerPort, which each environment provides (lib/user/serverport.c for
// ring-3 programs, lib/kapi/serverport.c for kernel-mode programs over the
// KernelApi, kernel/services/port.c for the kernel's own threads).
#ifndef LIB_SERVER_H
#define LIB_SERVER_H

#include <stdint.h>
#include <clanker/job.h>
#include <clanker/message.h>

typedef struct Server Server;

// An Idle hook's answer, and a receive's timeout, meaning "do not wait":
// let the others that are ready run first, then take a request that is
// already queued, or come back at once (E_AGAIN). A server with work in
// hand (asynchronous jobs) returns it from Idle until the work is done.
#define SERVER_POLL 0xffffffffu

// How one environment receives requests and sends replies.
typedef struct ServerPort {
    void *context;
    // Receive into buffer (capacity bytes), waiting at most timeoutMs (0:
    // no limit; SERVER_POLL: not at all). Returns the length, E_TIMEDOUT,
    // E_AGAIN (SERVER_POLL, nothing queued), or another error.
    int (*Receive)(void *context, Message *buffer, uint32_t capacity,
                   IpcEnvelope *envelope, uint32_t timeoutMs);
    // Answer requestId with reply (the caller keeps the message).
    int (*Reply)(void *context, uint32_t requestId, const Message *reply);
    // Reply, then Receive, in one step (one trap for a ring-3 server).
    // Returns what Receive returns; a reply the client can no longer take
    // is dropped, as Reply would report it.
    int (*ReplyWait)(void *context, uint32_t requestId, const Message *reply, Message *buffer,
                     uint32_t capacity, IpcEnvelope *envelope, uint32_t timeoutMs);
    // Asynchronous jobs (include/clanker/job.h): the kernel's calls for
    // the server of a job a client lent it, as the system calls of the
    // same names define them; NULL where there are none (the kernel's own
    // threads run no jobs).
    int (*JobQuery)(void *context, uint32_t jobId, IpcJobFacts *out);
    int (*JobRead)(void *context, uint32_t jobId, uint32_t offset, void *to, uint32_t length);
    int (*JobWrite)(void *context, uint32_t jobId, uint32_t offset, const void *from,
                    uint32_t length);
    int (*JobFinish)(void *context, uint32_t jobId, int32_t value);
} ServerPort;

// One request being served, and the reply being built for it.
typedef struct ServerRequest {
    const Message *message;         // the request as received
    const IpcEnvelope *envelope;    // the name it was sent to
    uint32_t sender;                // its sender's pid (message->senderId)
    Message *reply;                 // MSG_RESPONSE, empty; a handler appends data
    uint32_t replyCapacity;         // bytes reply may hold, header included
    int answered;                   // set by ServerReplyNow: nothing more is sent
} ServerRequest;

// What a handler returns: 0 (send *reply), an E_* code (send MSG_ERROR
// with it instead), or SERVER_DEFERRED (send nothing: the handler has
// answered message->requestId itself, or keeps it and answers later with
// ServerAnswer*). After ServerReplyNow what it returns is not looked at.
//
// Validate, then commit: a handler decodes and checks everything first
// and changes state only once nothing can fail it (mark the two steps
// /* decode */ and /* invoke */), so an error never leaves a request
// half done.
#define SERVER_DEFERRED 1
typedef int (*ServerHandler)(Server *s, ServerRequest *r);

// A route: requests of type (SERVER_ANY_TYPE: any) sent to a name that
// starts with prefix (NULL: any name). The first route that matches wins.
#define SERVER_ANY_TYPE 0xffffffffu
typedef struct ServerRoute {
    uint32_t type;
    const char *prefix;
    ServerHandler handler;
} ServerRoute;

struct Server {
    const char *name;               // for messages ("pipe")
    const ServerPort *port;
    const ServerRoute *routes;
    uint32_t routeCount;
    // A request no route takes: NULL answers E_INVAL.
    ServerHandler unrouted;
    // MSG_PROCESS_EXIT notices from the kernel (after IpcWatchExits): a
    // client ended. NULL ignores them.
    void (*ProcessEnded)(Server *s, uint32_t pid);
    // MSG_NOTICE messages from the kernel (after IpcWatchNotices): a
    // notice {senderId, jobId, value} someone posted for this server. NULL
    // ignores them.
    void (*Noticed)(Server *s, const IpcNotification *notice);
    // Run after every request and every timeout: timers, retries, a piece
    // of a job. Returns how long the next receive may wait in ms (0: no
    // limit; SERVER_POLL: not at all). NULL: none.
    uint32_t (*Idle)(Server *s);
    // Buffers for one request and one reply, each capacity bytes at least
    // MESSAGE_HEADER_SIZE (the largest message is MESSAGE_MAX_SIZE);
    // replyCapacity, if not 0, is the reply buffer's own size (a server
    // whose replies are small).
    Message *requestBuffer;
    Message *replyBuffer;
    uint32_t capacity;
    uint32_t replyCapacity;
    void *state;                    // the server's own
};

// Serve forever. A failed receive (out of memory, a fault) is retried.
void ServerRun(Server *s) __attribute__((noreturn));

// Serve one request already received into s->requestBuffer (the loop's
// body; tests drive servers with it).
void ServerDispatch(Server *s, const IpcEnvelope *envelope);

// Append length bytes of data to r's reply. Returns 0 or E_MSGSIZE (the
// reply is left as it was).
int ServerReplyData(ServerRequest *r, const void *data, uint32_t length);

// Append the NUL-terminated text (without its NUL). Returns 0 or E_MSGSIZE.
int ServerReplyText(ServerRequest *r, const char *text);

// Send r's reply now, from inside its handler: for a handler with work
// to do after its client has its answer (waking others who wait), or
// that must know whether the answer arrived (E_NOENT: the client gave up
// waiting). Nothing more is sent for r. Returns the port's result.
int ServerReplyNow(Server *s, ServerRequest *r);

// Answer requestId later (after SERVER_DEFERRED): a MSG_RESPONSE with up
// to SERVER_ANSWER_MAX bytes of data (more: E_MSGSIZE, nothing sent), or
// MSG_ERROR with err, or a message of the server's own making. They may
// be called from a handler serving another request. Return the port's
// result. Each builds its message on the stack, so the kernel's threads
// may share this code.
#define SERVER_ANSWER_MAX 64
int ServerAnswer(Server *s, uint32_t requestId, const void *data, uint32_t length);
int ServerAnswerError(Server *s, uint32_t requestId, int err);
int ServerAnswerMessage(Server *s, uint32_t requestId, const Message *m);

#endif
