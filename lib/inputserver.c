// The input devices' requests, shared by input:mouse and input:keyboard
// (include/lib/inputserver.h). Each handler decodes and checks the whole
// request, then acts.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <lib/inputserver.h>
#include <lib/string.h>

// MSG_READ: every event queued (none: an empty reply), as InputEvents,
// or, with an FsIo (`cat input:mouse`), as text lines. While a listener
// lives only it may read; its read makes it due the next notice.
static int Read(InputServer *d, ServerRequest *r)
{
    uint32_t size = MessageDataLength(r->message);
    uint32_t room = r->replyCapacity - r->reply->length;
    FsIo io;

    /* decode */
    if (size != 0 && size != sizeof(io))
        return E_INVAL;
    if (size) {
        memcpy(&io, r->message->data, sizeof(io));
        if (io.handle != 0)
            return E_BADF;
        room = io.length < room ? io.length : room;
    }
    if (d->listener.pid && r->sender != d->listener.pid)
        return E_BUSY;
    /* invoke */
    if (d->listener.pid)
        d->listener.told = 0;
    if (size)
        r->reply->length += d->TakeText(d->context, (char *)r->reply->data, room);
    else
        r->reply->length += d->Take(d->context, (InputEvent *)r->reply->data,
                                    room / sizeof(InputEvent)) * (uint32_t)sizeof(InputEvent);
    return 0;
}

// MSG_QUERY: the queue's counters and the listener.
static int Query(InputServer *d, ServerRequest *r)
{
    InputStatus status;

    /* decode */
    if (MessageDataLength(r->message) != 0)
        return E_INVAL;
    /* invoke */
    d->Status(d->context, &status);
    status.listener = d->listener.pid;
    return ServerReplyData(r, &status, sizeof(status));
}

// INPUT_MSG_SUBSCRIBE: the sender becomes the listener (again: nothing
// changes), with an empty queue.
static int Subscribe(InputServer *d, ServerRequest *r)
{
    /* decode */
    if (MessageDataLength(r->message) != 0)
        return E_INVAL;
    if (d->listener.pid && d->listener.pid != r->sender)
        return E_BUSY;
    /* invoke */
    if (d->listener.pid == r->sender)
        return 0;
    d->listener = (InputListener){ r->sender, 0 };
    d->Listen(d->context, r->sender);
    return 0;
}

static void Drop(InputServer *d)
{
    d->listener = (InputListener){ 0, 0 };
    d->Listen(d->context, 0);
}

// INPUT_MSG_UNSUBSCRIBE: from the listener only.
static int Unsubscribe(InputServer *d, ServerRequest *r)
{
    /* decode */
    if (MessageDataLength(r->message) != 0)
        return E_INVAL;
    if (!d->listener.pid || d->listener.pid != r->sender)
        return E_PERM;
    /* invoke */
    Drop(d);
    return 0;
}

int InputServerRequest(InputServer *d, ServerRequest *r)
{
    if (strcmp(r->envelope->name, d->prefix) != 0)
        return E_NOENT;
    switch (r->message->type) {
    case MSG_READ:              return Read(d, r);
    case MSG_QUERY:             return Query(d, r);
    case INPUT_MSG_SUBSCRIBE:   return Subscribe(d, r);
    case INPUT_MSG_UNSUBSCRIBE: return Unsubscribe(d, r);
    default:                    return E_INVAL;
    }
}

void InputServerIdle(InputServer *d)
{
    InputStatus status;
    int err;

    if (!InputServerListening(d))
        return;
    d->Status(d->context, &status);
    if (status.queued == 0)
        return;
    err = d->Notify(d->context, d->listener.pid, d->noticeJob, (int32_t)status.queued);
    if (err == 0)
        d->listener.told = 1;
    else if (err == E_SRCH)
        Drop(d);
}

void InputServerEnded(InputServer *d, uint32_t pid)
{
    if (pid && pid == d->listener.pid)
        Drop(d);
}

int InputServerListening(const InputServer *d)
{
    return d->listener.pid != 0 && !d->listener.told;
}
