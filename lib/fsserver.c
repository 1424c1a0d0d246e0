// The filesystem protocol over a backend (RamFs, or FAT through
// lib/fatbackend.c).
//
// One handler per request type, picked from a table. Each handler checks
// the payload's size first (a wrong size is E_INVAL), then the values,
// then calls the backend, which validates the path and changes nothing
// when it fails. The reply buffer always has room for a whole message, so a
// handler writes its result straight into it.
//
// Requests "by name" (handle 0) open the path for the sender, do the work
// and close it again before replying, so they leave nothing behind.
#include <stddef.h>
#include <clanker/error.h>
#include <lib/fsserver.h>
#include <lib/string.h>

_Static_assert(FS_READ == RAMFS_READ && FS_WRITE == RAMFS_WRITE && FS_CREATE == RAMFS_CREATE &&
               FS_EXCLUSIVE == RAMFS_EXCLUSIVE && FS_TRUNCATE == RAMFS_TRUNCATE &&
               FS_APPEND == RAMFS_APPEND, "FsOpen flags are RamFsOpen flags");
_Static_assert(FS_TYPE_FILE == RAMFS_FILE && FS_TYPE_DIR == RAMFS_DIR, "node types");

// What a handler gets: the request, its path, the reply being built.
typedef struct FsCall {
    FsServer *server;
    const Message *request;
    uint32_t payload;           // bytes of request data
    uint32_t client;
    const char *path;           // the name after the prefix
    Message *reply;
} FsCall;

typedef int (*FsHandler)(FsCall *call);

static const FsBackend *B(const FsCall *call) { return call->server->backend; }

// --- RamFs as a backend ------------------------------------------------------

static int RamOpen(void *fs, const char *path, uint32_t flags, uint32_t owner)
{
    return RamFsOpen(fs, path, flags, owner);
}

static int RamClose(void *fs, int handle, uint32_t owner) { return RamFsClose(fs, handle, owner); }
static uint32_t RamCloseOwner(void *fs, uint32_t owner) { return RamFsCloseOwner(fs, owner); }

static int RamRead(void *fs, int handle, uint32_t owner, uint64_t offset, void *buf,
                   uint32_t length)
{
    return RamFsRead(fs, handle, owner, offset, buf, length);
}

static int RamWrite(void *fs, int handle, uint32_t owner, uint64_t offset, const void *buf,
                    uint32_t length)
{
    return RamFsWrite(fs, handle, owner, offset, buf, length);
}

static int RamTruncate(void *fs, const char *path, uint64_t size)
{
    return RamFsTruncate(fs, path, size);
}

static int RamTruncateHandle(void *fs, int handle, uint32_t owner, uint64_t size)
{
    return RamFsTruncateHandle(fs, handle, owner, size);
}

static void RamStatOut(const RamFsInfo *info, FsStat *out)
{
    *out = (FsStat){ .type = info->type, .id = info->id, .size = info->size,
                     .version = info->version, .entries = info->entries,
                     .handles = info->handles };
}

static int RamStat(void *fs, const char *path, FsStat *out)
{
    RamFsInfo info;
    int err = RamFsStat(fs, path, &info);

    if (!err)
        RamStatOut(&info, out);
    return err;
}

static int RamStatHandle(void *fs, int handle, uint32_t owner, FsStat *out)
{
    RamFsInfo info;
    int err = RamFsStatHandle(fs, handle, owner, &info);

    if (!err)
        RamStatOut(&info, out);
    return err;
}

static int RamList(void *fs, const char *path, uint32_t index, uint32_t count, FsDirEntry *out)
{
    RamFsDirEntry entry;
    RamFsInfo info;
    uint32_t n = 0;
    int err = RamFsStat(fs, path, &info);

    if (!err && info.type != RAMFS_DIR)
        err = E_NOTDIR;
    if (err)
        return err;
    for (; n < count && index + n >= index; n++) {
        if (RamFsList(fs, path, index + n, &entry) != 0)
            break;                          // past the last entry
        out[n] = (FsDirEntry){ .size = entry.size, .type = entry.type, .id = entry.id };
        memcpy(out[n].name, entry.name, strlen(entry.name) + 1);
    }
    return (int)n;
}

static int RamCreate(void *fs, const char *path) { return RamFsCreateFile(fs, path); }
static int RamMkdir(void *fs, const char *path) { return RamFsMkdir(fs, path); }
static int RamDelete(void *fs, const char *path) { return RamFsDelete(fs, path); }
static int RamRmdir(void *fs, const char *path) { return RamFsRmdir(fs, path); }
static int RamRename(void *fs, const char *from, const char *to) { return RamFsRename(fs, from, to); }

static const FsBackend ramFsBackend = {
    RamOpen, RamClose, RamCloseOwner, RamRead, RamWrite, RamTruncate, RamTruncateHandle,
    RamStat, RamStatHandle, RamList, RamCreate, RamMkdir, RamDelete, RamRmdir, RamRename,
};

// --- the protocol -------------------------------------------------------------

void FsServerInitBackend(FsServer *server, const FsBackend *backend, void *fs,
                         const char *prefix)
{
    server->backend = backend;
    server->fs = fs;
    server->prefix = prefix;
    server->prefixLength = (uint32_t)strlen(prefix);
}

void FsServerInit(FsServer *server, RamFs *fs, const char *prefix)
{
    FsServerInitBackend(server, &ramFsBackend, fs, prefix);
}

// Append length bytes to the reply's payload.
static void Put(FsCall *call, const void *data, uint32_t length)
{
    memcpy((uint8_t *)call->reply + call->reply->length, data, length);
    call->reply->length += length;
}

// Copy the request's payload into a structure of exactly size bytes.
// Returns 0 or E_INVAL.
static int Take(const FsCall *call, void *out, uint32_t size)
{
    if (call->payload != size)
        return E_INVAL;
    memcpy(out, call->request->data, size);
    return 0;
}

// The handle to use: the client's own, or (handle 0) path opened with
// flags. *opened says whether the caller must close it.
static int Acquire(FsCall *call, int32_t handle, uint32_t flags, int *opened)
{
    *opened = handle == 0;
    if (handle)
        return handle > 0 ? handle : E_BADF;
    return B(call)->open(call->server->fs, call->path, flags, call->client);
}

static void Release(FsCall *call, int handle, int opened)
{
    if (opened)
        B(call)->close(call->server->fs, handle, call->client);
}

// Each handler decodes and checks the whole payload first (/* decode */),
// then calls the backend (/* invoke */), which changes nothing when it
// fails: a request with a bad payload never reaches the filesystem.

static int Open(FsCall *call)
{
    FsOpen open;
    FsHandle out;
    int handle;

    /* decode */
    if (Take(call, &open, sizeof(open)) != 0 || (open.flags & ~FS_OPEN_FLAGS))
        return E_INVAL;
    /* invoke */
    handle = B(call)->open(call->server->fs, call->path, open.flags, call->client);
    if (handle < 0)
        return handle;
    out.handle = handle;
    Put(call, &out, sizeof(out));
    return 0;
}

static int Close(FsCall *call)
{
    FsHandle in;

    /* decode */
    if (Take(call, &in, sizeof(in)) != 0)
        return E_INVAL;
    /* invoke */
    return B(call)->close(call->server->fs, in.handle, call->client);
}

static int Read(FsCall *call)
{
    FsIo io;
    int opened, handle, n;

    /* decode */
    if (Take(call, &io, sizeof(io)) != 0)
        return E_INVAL;
    if (io.length > FS_IO_MAX)
        io.length = FS_IO_MAX;              // a short read, as POSIX allows
    /* invoke */
    handle = Acquire(call, io.handle, FS_READ, &opened);
    if (handle < 0)
        return handle;
    n = B(call)->read(call->server->fs, handle, call->client, io.offset, call->reply->data,
                      io.length);
    Release(call, handle, opened);
    if (n < 0)
        return n;
    call->reply->length += (uint32_t)n;
    return 0;
}

static int Write(FsCall *call)
{
    FsIo io;
    FsCount out;
    int opened, handle, n;

    /* decode */
    if (call->payload < sizeof(io))
        return E_INVAL;
    memcpy(&io, call->request->data, sizeof(io));
    if (io.length != call->payload - sizeof(io))
        return E_INVAL;
    /* invoke */
    handle = Acquire(call, io.handle, FS_WRITE, &opened);
    if (handle < 0)
        return handle;
    n = B(call)->write(call->server->fs, handle, call->client, io.offset,
                       call->request->data + sizeof(io), io.length);
    Release(call, handle, opened);
    if (n < 0)
        return n;
    out.count = (uint32_t)n;
    Put(call, &out, sizeof(out));
    return 0;
}

static int Truncate(FsCall *call)
{
    FsTruncate in;

    /* decode */
    if (Take(call, &in, sizeof(in)) != 0 || in.reserved)
        return E_INVAL;
    /* invoke */
    if (in.handle == 0)
        return B(call)->truncate(call->server->fs, call->path, in.size);
    return B(call)->truncateHandle(call->server->fs, in.handle, call->client, in.size);
}

static int Stat(FsCall *call)
{
    FsHandle in = { 0 };
    FsStat out;
    int err;

    /* decode */
    if (call->payload && Take(call, &in, sizeof(in)) != 0)
        return E_INVAL;
    /* invoke */
    err = in.handle ? B(call)->statHandle(call->server->fs, in.handle, call->client, &out)
                    : B(call)->stat(call->server->fs, call->path, &out);
    if (err)
        return err;
    Put(call, &out, sizeof(out));
    return 0;
}

// The entries go straight into the reply (FsDirEntry is 8-byte aligned
// there: the header is 16 bytes).
static int List(FsCall *call)
{
    FsListRequest in = { 0, 0 };
    int n;

    /* decode */
    if (call->payload && Take(call, &in, sizeof(in)) != 0)
        return E_INVAL;
    if (in.count == 0 || in.count > FS_LIST_MAX)
        in.count = FS_LIST_MAX;
    /* invoke */
    n = B(call)->list(call->server->fs, call->path, in.index, in.count,
                      (FsDirEntry *)call->reply->data);
    if (n < 0)
        return n;
    call->reply->length += (uint32_t)n * (uint32_t)sizeof(FsDirEntry);
    return 0;
}

// The requests that take only the name: no payload allowed.
static int NameOnly(FsCall *call, int (*operation)(void *, const char *))
{
    /* decode */
    if (call->payload)
        return E_INVAL;
    /* invoke */
    return operation(call->server->fs, call->path);
}

static int Create(FsCall *call) { return NameOnly(call, B(call)->create); }
static int Mkdir(FsCall *call) { return NameOnly(call, B(call)->mkdir); }
static int Delete(FsCall *call) { return NameOnly(call, B(call)->remove); }
static int Rmdir(FsCall *call) { return NameOnly(call, B(call)->rmdir); }

// The payload is the new full name, NUL-terminated, on this server.
static int Rename(FsCall *call)
{
    const char *to = (const char *)call->request->data;
    FsServer *s = call->server;

    /* decode */
    if (call->payload == 0 || call->payload > NS_NAME_MAX + 1 || to[call->payload - 1] != 0 ||
        strlen(to) != call->payload - 1)
        return E_INVAL;
    if (strncmp(to, s->prefix, s->prefixLength) != 0)
        return E_XDEV;
    /* invoke */
    return s->backend->rename(s->fs, call->path, to + s->prefixLength);
}

static const FsHandler handlers[MSG_TYPE_LIMIT] = {
    [MSG_OPEN] = Open,         [MSG_CLOSE] = Close,   [MSG_READ] = Read,
    [MSG_WRITE] = Write,       [MSG_TRUNCATE] = Truncate, [MSG_STAT] = Stat,
    [MSG_LIST] = List,         [MSG_CREATE] = Create, [MSG_MKDIR] = Mkdir,
    [MSG_DELETE] = Delete,     [MSG_RMDIR] = Rmdir,   [MSG_RENAME] = Rename,
};

// Serve request, sent to name, into reply (an empty MSG_RESPONSE with
// room for MESSAGE_MAX_SIZE bytes). Returns 0, or the error to answer
// with instead.
static int Serve(FsServer *server, const Message *request, const char *name, Message *reply)
{
    int ours = strncmp(name, server->prefix, server->prefixLength) == 0;
    FsCall call = { server, request, MessageDataLength(request), request->senderId,
                    ours ? name + server->prefixLength : "", reply };

    if (!ours)
        return E_NOENT;                     // not ours: the registry sent it astray
    if (request->type >= MSG_TYPE_LIMIT || !handlers[request->type])
        return E_INVAL;
    return handlers[request->type](&call);
}

int FsServerRequest(Server *s, ServerRequest *r)
{
    return Serve(s->state, r->message, r->envelope->name, r->reply);
}

void FsServerEnded(Server *s, uint32_t pid)
{
    FsServer *server = s->state;

    server->backend->closeOwner(server->fs, pid);
}

int FsServerHandle(FsServer *server, const Message *request, const char *name, Message *reply)
{
    int err;

    if (request->type == MSG_PROCESS_EXIT && request->senderId == 0) {
        uint32_t pid;
        if (MessageDataLength(request) == sizeof(pid)) {
            memcpy(&pid, request->data, sizeof(pid));
            server->backend->closeOwner(server->fs, pid);
        }
        return 0;
    }
    *reply = (Message){ .type = MSG_RESPONSE, .length = MESSAGE_HEADER_SIZE };
    err = Serve(server, request, name, reply);
    if (err) {
        int32_t code = err;
        *reply = (Message){ .type = MSG_ERROR, .length = MESSAGE_HEADER_SIZE + sizeof(code) };
        memcpy(reply->data, &code, sizeof(code));
    }
    reply->requestId = request->requestId;
    return 1;
}
