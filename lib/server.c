// The server skeleton: one receive loop, dispatch by a route table
// (include/lib/server.h).
//
// Every request gets exactly one answer unless its handler defers it:
// the reply the handler built, or MSG_ERROR with the code it returned.
// MSG_PROCESS_EXIT and MSG_NOTICE messages from the kernel (senderId 0)
// are not requests: they go to the ProcessEnded and Noticed hooks and are
// never answered.
#include <stddef.h>
#include <clanker/error.h>
#include <lib/server.h>
#include <lib/string.h>

// Whether route takes a request of type sent to name (one pass over the
// prefix: this runs for every request).
static int RouteMatches(const ServerRoute *route, uint32_t type, const char *name)
{
    const char *p = route->prefix;

    if (route->type != SERVER_ANY_TYPE && route->type != type)
        return 0;
    if (!p)
        return 1;
    for (; *p; p++, name++)
        if (*name != *p)
            return 0;
    return 1;
}

// The handler for a request of type sent to name: the first matching
// route's, else the unrouted hook (NULL if none).
static ServerHandler FindHandler(const Server *s, uint32_t type, const char *name)
{
    for (uint32_t i = 0; i < s->routeCount; i++)
        if (RouteMatches(&s->routes[i], type, name))
            return s->routes[i].handler;
    return s->unrouted;
}

// A kernel exit notice: tell the hook which pid ended.
static void ExitNotice(Server *s, const Message *m)
{
    uint32_t pid;

    if (!s->ProcessEnded || MessageDataLength(m) < sizeof(pid))
        return;
    memcpy(&pid, m->data, sizeof(pid));
    s->ProcessEnded(s, pid);
}

// A queued notice the kernel delivered (after IpcWatchNotices).
static void Notice(Server *s, const Message *m)
{
    IpcNotification n;

    if (!s->Noticed || MessageDataLength(m) < sizeof(n))
        return;
    memcpy(&n, m->data, sizeof(n));
    s->Noticed(s, &n);
}

// Serve the request in s->requestBuffer. Its answer is sent, except a
// reply built in s->replyBuffer, which is left for the caller to send
// (*pending, the request's id; 0: nothing left to send).
static void Serve(Server *s, const IpcEnvelope *envelope, uint32_t *pending)
{
    const Message *m = s->requestBuffer;
    ServerRequest r = { m, envelope, m->senderId, s->replyBuffer,
                        s->replyCapacity ? s->replyCapacity : s->capacity, 0 };
    ServerHandler handler;
    int err;

    if (m->type == MSG_PROCESS_EXIT && m->senderId == 0) {
        ExitNotice(s, m);
        return;
    }
    if (m->type == MSG_NOTICE && m->senderId == 0) {
        Notice(s, m);
        return;
    }
    *r.reply = (Message){ .type = MSG_RESPONSE, .length = MESSAGE_HEADER_SIZE };
    handler = FindHandler(s, m->type, envelope->name);
    err = handler ? handler(s, &r) : E_INVAL;
    if (err == SERVER_DEFERRED || r.answered)
        return;
    if (err)
        ServerAnswerError(s, m->requestId, err);
    else
        *pending = m->requestId;
}

void ServerDispatch(Server *s, const IpcEnvelope *envelope)
{
    uint32_t pending = 0;

    Serve(s, envelope, &pending);
    if (pending)
        s->port->Reply(s->port->context, pending, s->replyBuffer);
}

void ServerRun(Server *s)
{
    IpcEnvelope envelope;
    uint32_t wait = s->Idle ? s->Idle(s) : 0;

    uint32_t pending = 0;           // a reply to send with the next receive

    for (;;) {
        int got;
        if (pending && s->port->ReplyWait) {
            got = s->port->ReplyWait(s->port->context, pending, s->replyBuffer,
                                     s->requestBuffer, s->capacity, &envelope, wait);
        } else {
            if (pending)
                s->port->Reply(s->port->context, pending, s->replyBuffer);
            got = s->port->Receive(s->port->context, s->requestBuffer, s->capacity,
                                   &envelope, wait);
        }
        pending = 0;
        if (got >= 0)
            Serve(s, &envelope, &pending);
        wait = s->Idle ? s->Idle(s) : 0;
    }
}

int ServerReplyData(ServerRequest *r, const void *data, uint32_t length)
{
    if (length > r->replyCapacity - r->reply->length)
        return E_MSGSIZE;
    memcpy((uint8_t *)r->reply + r->reply->length, data, length);
    r->reply->length += length;
    return 0;
}

int ServerReplyText(ServerRequest *r, const char *text)
{
    return ServerReplyData(r, text, (uint32_t)strlen(text));
}

int ServerReplyNow(Server *s, ServerRequest *r)
{
    r->answered = 1;
    return s->port->Reply(s->port->context, r->message->requestId, r->reply);
}

// The message of ServerAnswer and ServerAnswerError: on the caller's
// stack, apart from the reply being built, so a handler may answer an
// earlier request and two kernel threads never share it.
typedef union Answer {
    Message message;
    uint8_t bytes[MESSAGE_HEADER_SIZE + SERVER_ANSWER_MAX];
} Answer;

int ServerAnswer(Server *s, uint32_t requestId, const void *data, uint32_t length)
{
    Answer answer;

    if (length > SERVER_ANSWER_MAX)
        return E_MSGSIZE;
    answer.message = (Message){ .type = MSG_RESPONSE, .length = MESSAGE_HEADER_SIZE + length };
    if (length)
        memcpy(answer.message.data, data, length);
    return s->port->Reply(s->port->context, requestId, &answer.message);
}

int ServerAnswerError(Server *s, uint32_t requestId, int err)
{
    Answer answer;
    int32_t code = err;

    answer.message = (Message){ .type = MSG_ERROR, .length = MESSAGE_HEADER_SIZE + 4 };
    memcpy(answer.message.data, &code, 4);
    return s->port->Reply(s->port->context, requestId, &answer.message);
}

int ServerAnswerMessage(Server *s, uint32_t requestId, const Message *m)
{
    return s->port->Reply(s->port->context, requestId, m);
}
