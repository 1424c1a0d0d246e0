// Requests to the namespace servers behind the mounts.
//
// Every file operation ends as one or more requests of the filesystem
// protocol (include/clanker/fs.h) sent with the KernelApi's IpcSend and
// waited for without a time limit. A MSG_ERROR reply's E_* code is
// passed up unchanged: it already is the errno the caller should see.
//
// Names under posix:proc: (the /proc mount) are not sent: this server
// answers them itself (procfs.c, which main.c hands here with
// NsServeLocally), as it would a request over IPC.
#include <lib/string.h>
#include "core.h"
#include "user.h"
#include "nsclient.h"

static const char *localPrefix;     // names served here, not sent
static NsLocalServer localServer;

// Serve names under prefix with serve instead of sending them.
void NsServeLocally(const char *prefix, NsLocalServer serve)
{
    localPrefix = prefix;
    localServer = serve;
}

// Send request to name and wait. Returns the MSG_RESPONSE reply (the
// caller frees it), or NULL with *err set (the server's E_* code, or
// E_NOMEM).
Message *NsTransact(const char *name, const Message *request, int *err)
{
    Message *reply;

    if (localServer && strncmp(name, localPrefix, strlen(localPrefix)) == 0)
        return localServer(name, request, posixCaller ? posixCaller->pid : 0, err);
    reply = api->IpcSend(name, request, 0);

    if (!reply) {
        *err = E_NOMEM;
        return NULL;
    }
    if (reply->type == MSG_RESPONSE)
        return reply;
    *err = E_INVAL;
    if (reply->type == MSG_ERROR && MessageDataLength(reply) == 4) {
        int32_t code;
        memcpy(&code, reply->data, 4);
        if (code < 0)
            *err = code;
    }
    api->FreeMessage(reply);
    return NULL;
}

// Send a request of type with the payload to name; copy at most capacity
// bytes of the reply's payload into out. Returns the reply's payload
// length, or an error.
int NsRequest(const char *name, uint32_t type, const void *payload, uint32_t length,
              void *out, uint32_t capacity)
{
    Message *request = api->CreateMessage(type, length), *reply;
    int err = 0;
    uint32_t got;

    if (!request)
        return E_NOMEM;
    memcpy(request->data, payload, length);
    reply = NsTransact(name, request, &err);
    api->FreeMessage(request);
    if (!reply)
        return err;
    got = MessageDataLength(reply);
    memcpy(out, reply->data, got < capacity ? got : capacity);
    api->FreeMessage(reply);
    return (int)got;
}

// The FsStat of the object name under mount. Returns 0 or an error.
int NsStat(const PosixMount *mount, const char *name, FsStat *out)
{
    int got;

    if (mount->kind == POSIX_MOUNT_NULL) {
        *out = (FsStat){ .type = FS_TYPE_DEVICE, .id = 3 };
        return 0;
    }
    got = NsRequest(name, MSG_STAT, NULL, 0, out, sizeof(*out));
    if (got >= 0 && (uint32_t)got != sizeof(*out))
        return E_INVAL;
    return got < 0 ? got : 0;
}

// The FsStat of an open file: by its handle for a regular file (so an
// unlinked file still answers), by name otherwise.
int NsStatFile(const PosixFile *f, FsStat *out)
{
    FsHandle handle = { f->handle };
    int got;

    if (f->kind != POSIX_FILE_REGULAR)
        return NsStat(f->mount, f->name, out);
    got = NsRequest(f->name, MSG_STAT, &handle, sizeof(handle), out, sizeof(*out));
    if (got >= 0 && (uint32_t)got != sizeof(*out))
        return E_INVAL;
    return got < 0 ? got : 0;
}

// Close an fs handle the server holds on name's server.
void NsClose(const char *name, int32_t handle)
{
    FsHandle h = { handle };

    NsRequest(name, MSG_CLOSE, &h, sizeof(h), NULL, 0);
}

// Send a read (type: MSG_READ, or a server's own kind) of io to name and
// copy what comes back, at most io->length bytes, to p's buf. Returns the
// bytes copied or an error.
int32_t NsReadInto(PosixProcess *p, const char *name, uint32_t type, const FsIo *io,
                   uint32_t buf)
{
    Message *request = api->CreateMessage(type, sizeof(*io)), *reply;
    uint32_t got;
    int err = 0;

    if (!request)
        return E_NOMEM;
    memcpy(request->data, io, sizeof(*io));
    reply = NsTransact(name, request, &err);
    api->FreeMessage(request);
    if (!reply)
        return err;
    got = MessageDataLength(reply);
    if (got > io->length)
        got = io->length;
    err = UserWrite(p, buf, reply->data, got);
    api->FreeMessage(reply);
    return err ? err : (int32_t)got;
}
