// Requests: one message to a name and its reply, and reading a whole
// object by name into a sink.
#include "shell.h"

// reply (MessageError tells failure), NULL only when out of memory.
Message *Request(const char *name, uint32_t type, const void *payload, uint32_t length)
{
    Message *request = CreateMessage(type, length);
    Message *reply;

    if (!request)
        return NULL;
    if (length > 0)
        memcpy(request->data, payload, length);
    reply = IpcSend(name, request);
    FreeMessage(request);
    return reply;
}

// Request() for its error alone: 0 or E_*.
int Call(const char *name, uint32_t type, const void *payload, uint32_t length)
{
    Message *reply = Request(name, type, payload, length);
    int err = MessageError(reply);

    FreeMessage(reply);
    return err;
}
// Read name from its start, FS_IO_MAX bytes a request, into sink. Stops
// at a reply shorter than asked (some servers ignore the offset and
// always send everything). Returns 0 or E_*.
int ReadAll(const char *name, ReadSink sink, void *context)
{
    FsIo io = { 0, FS_IO_MAX, 0 };

    for (;;) {
        Message *reply = Request(name, MSG_READ, &io, sizeof(io));
        int err = MessageError(reply);
        uint32_t n = err ? 0 : MessageDataLength(reply);

        if (n > 0)
            sink((const char *)reply->data, n, context);
        FreeMessage(reply);
        if (err || n != io.length)
            return err;
        io.offset += n;
    }
}


void OutSink(const char *bytes, uint32_t n, void *context)
{
    OutputBytes(context, bytes, n);
}


void TextSink(const char *bytes, uint32_t n, void *context)
{
    Text *t = context;
    uint32_t room = t->capacity - 1 - t->length;

    n = n < room ? n : room;
    memcpy(t->bytes + t->length, bytes, n);
    t->length += n;
    t->bytes[t->length] = 0;
}

