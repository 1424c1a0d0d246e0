// The filesystem protocol over a RamFs.
//
// One handler per request type, picked from a table. Each handler checks
// the payload's size first (a wrong size is E_INVAL), then the values,
// then calls RamFs, which validates the path and changes nothing when it
// fails. The reply buffer always has room for a whole message, so a
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

void FsServerInit(FsServer *server, RamFs *fs, const char *prefix)
{
    server->fs = fs;
    server->prefix = prefix;
    server->prefixLength = (uint32_t)strlen(prefix);
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
    return RamFsOpen(call->server->fs, call->path, flags, call->client);
}

static void Release(FsCall *call, int handle, int opened)
{
    if (opened)
        RamFsClose(call->server->fs, handle, call->client);
}

static int Open(FsCall *call)
{
    FsOpen open;
    FsHandle out;
    int handle = Take(call, &open, sizeof(open));

    if (!handle && (open.flags & ~FS_OPEN_FLAGS))
        handle = E_INVAL;
    if (!handle)
        handle = RamFsOpen(call->server->fs, call->path, open.flags, call->client);
    if (handle < 0)
        return handle;
    out.handle = handle;
    Put(call, &out, sizeof(out));
    return 0;
}

static int Close(FsCall *call)
{
    FsHandle in;
    int err = Take(call, &in, sizeof(in));

    return err ? err : RamFsClose(call->server->fs, in.handle, call->client);
}

static int Read(FsCall *call)
{
    FsIo io;
    int opened, handle, n = Take(call, &io, sizeof(io));

    if (n)
        return n;
    if (io.length > FS_IO_MAX)
        io.length = FS_IO_MAX;              // a short read, as POSIX allows
    handle = Acquire(call, io.handle, FS_READ, &opened);
    if (handle < 0)
        return handle;
    n = RamFsRead(call->server->fs, handle, call->client, io.offset, call->reply->data,
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

    if (call->payload < sizeof(io))
        return E_INVAL;
    memcpy(&io, call->request->data, sizeof(io));
    if (io.length != call->payload - sizeof(io))
        return E_INVAL;
    handle = Acquire(call, io.handle, FS_WRITE, &opened);
    if (handle < 0)
        return handle;
    n = RamFsWrite(call->server->fs, handle, call->client, io.offset,
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
    int err = Take(call, &in, sizeof(in));

    if (err)
        return err;
    if (in.reserved)
        return E_INVAL;
    if (in.handle == 0)
        return RamFsTruncate(call->server->fs, call->path, in.size);
    return RamFsTruncateHandle(call->server->fs, in.handle, call->client, in.size);
}

static int Stat(FsCall *call)
{
    FsHandle in = { 0 };
    RamFsInfo info;
    FsStat out;
    int err = call->payload ? Take(call, &in, sizeof(in)) : 0;

    if (!err)
        err = in.handle ? RamFsStatHandle(call->server->fs, in.handle, call->client, &info)
                        : RamFsStat(call->server->fs, call->path, &info);
    if (err)
        return err;
    out = (FsStat){ .type = info.type, .id = info.id, .size = info.size,
                    .version = info.version, .entries = info.entries,
                    .handles = info.handles };
    Put(call, &out, sizeof(out));
    return 0;
}

static int List(FsCall *call)
{
    FsListRequest in = { 0, 0 };
    RamFsDirEntry entry;
    RamFsInfo info;
    int err = call->payload ? Take(call, &in, sizeof(in)) : 0;

    if (!err)
        err = RamFsStat(call->server->fs, call->path, &info);
    if (!err && info.type != RAMFS_DIR)
        err = E_NOTDIR;
    if (err)
        return err;
    if (in.count == 0 || in.count > FS_LIST_MAX)
        in.count = FS_LIST_MAX;
    for (uint32_t i = 0; i < in.count && in.index + i >= in.index; i++) {
        FsDirEntry out = { 0 };
        if (RamFsList(call->server->fs, call->path, in.index + i, &entry) != 0)
            break;                          // past the last entry
        out.size = entry.size;
        out.type = entry.type;
        out.id = entry.id;
        memcpy(out.name, entry.name, strlen(entry.name) + 1);
        Put(call, &out, sizeof(out));
    }
    return 0;
}

// The requests that take only the name: no payload allowed.
static int NameOnly(FsCall *call, int (*operation)(RamFs *, const char *))
{
    return call->payload ? E_INVAL : operation(call->server->fs, call->path);
}

static int Create(FsCall *call) { return NameOnly(call, RamFsCreateFile); }
static int Mkdir(FsCall *call) { return NameOnly(call, RamFsMkdir); }
static int Delete(FsCall *call) { return NameOnly(call, RamFsDelete); }
static int Rmdir(FsCall *call) { return NameOnly(call, RamFsRmdir); }

// The payload is the new full name, NUL-terminated, on this server.
static int Rename(FsCall *call)
{
    const char *to = (const char *)call->request->data;
    FsServer *s = call->server;

    if (call->payload == 0 || call->payload > NS_NAME_MAX + 1 || to[call->payload - 1] != 0 ||
        strlen(to) != call->payload - 1)
        return E_INVAL;
    if (strncmp(to, s->prefix, s->prefixLength) != 0)
        return E_XDEV;
    return RamFsRename(s->fs, call->path, to + s->prefixLength);
}

static const FsHandler handlers[MSG_TYPE_LIMIT] = {
    [MSG_OPEN] = Open,         [MSG_CLOSE] = Close,   [MSG_READ] = Read,
    [MSG_WRITE] = Write,       [MSG_TRUNCATE] = Truncate, [MSG_STAT] = Stat,
    [MSG_LIST] = List,         [MSG_CREATE] = Create, [MSG_MKDIR] = Mkdir,
    [MSG_DELETE] = Delete,     [MSG_RMDIR] = Rmdir,   [MSG_RENAME] = Rename,
};

int FsServerHandle(FsServer *server, const Message *request, const char *name, Message *reply)
{
    int ours = strncmp(name, server->prefix, server->prefixLength) == 0;
    FsCall call = { server, request, MessageDataLength(request), request->senderId,
                    ours ? name + server->prefixLength : "", reply };
    int err = E_INVAL;

    if (request->type == MSG_PROCESS_EXIT && request->senderId == 0) {
        uint32_t pid;
        if (call.payload == sizeof(pid)) {
            memcpy(&pid, request->data, sizeof(pid));
            RamFsCloseOwner(server->fs, pid);
        }
        return 0;
    }
    *reply = (Message){ .type = MSG_RESPONSE, .length = MESSAGE_HEADER_SIZE };
    if (!ours)
        err = E_NOENT;                      // not ours: the registry sent it astray
    else if (request->type < MSG_TYPE_LIMIT && handlers[request->type])
        err = handlers[request->type](&call);
    if (err) {
        *reply = (Message){ .type = MSG_ERROR, .length = MESSAGE_HEADER_SIZE };
        Put(&call, &err, sizeof(err));
    }
    reply->requestId = request->requestId;
    return 1;
}
