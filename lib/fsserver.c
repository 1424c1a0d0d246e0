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
//
// Asynchronous reads and writes are jobs (include/clanker/job.h): the
// request is checked whole, with the job it names, before the server
// takes it; the reply is the job id; FsServerIdle then moves the bytes a
// piece at a time between the file and the client's buffer, through the
// kernel's job calls (the skeleton's port), through the FsServer's own
// piece buffer (the skeleton's reply buffer may hold a reply not yet
// sent), and ends the job with the count or the error. A job by name
// keeps its handle open until it ends.
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
    Server *skeleton;           // the server being run (NULL: FsServerHandle), for its port
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

static int RamUsable(void *fs, int handle, uint32_t owner, uint32_t need)
{
    return RamFsHandleUsable(fs, handle, owner, need);
}

static const FsBackend ramFsBackend = {
    RamOpen, RamClose, RamCloseOwner, RamRead, RamWrite, RamTruncate, RamTruncateHandle,
    RamStat, RamStatHandle, RamList, RamCreate, RamMkdir, RamDelete, RamRmdir, RamRename,
    RamUsable,
};

// --- the protocol -------------------------------------------------------------

void FsServerInitBackend(FsServer *server, const FsBackend *backend, void *fs,
                         const char *prefix)
{
    memset(server, 0, sizeof(*server));
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

// --- asynchronous jobs ----------------------------------------------------------

// The job the server has taken with the kernel's id, or NULL.
static FsJob *FindJob(FsServer *server, uint32_t id)
{
    for (uint32_t i = 0; id && i < FS_JOBS_MAX; i++)
        if (server->jobs[i].id == id)
            return &server->jobs[i];
    return NULL;
}

// A free slot, or NULL.
static FsJob *FreeJob(FsServer *server)
{
    for (uint32_t i = 0; i < FS_JOBS_MAX; i++)
        if (!server->jobs[i].id)
            return &server->jobs[i];
    return NULL;
}

// Forget job, closing the handle it opened by name.
static void DropJob(FsServer *server, FsJob *job)
{
    if (job->opened)
        server->backend->close(server->fs, job->handle, job->client);
    *job = (FsJob){ 0 };
    server->jobCount--;
}

// Tell the client how job ended; keep it for another try while the
// client's notice queue is full. Dropped once told, or once its client
// is gone.
static void Report(Server *s, FsJob *job)
{
    const ServerPort *port = s->port;

    if (port->JobFinish(port->context, job->id, job->result) != E_AGAIN)
        DropJob(s->state, job);
}

// Job is over with result: its handle goes at once, then the report.
static void EndJob(Server *s, FsJob *job, int32_t result)
{
    FsServer *server = s->state;

    if (job->opened)
        server->backend->close(server->fs, job->handle, job->client);
    job->opened = 0;
    job->ending = 1;
    job->result = result;
    Report(s, job);
}

// Check everything about an asynchronous request and the job it names,
// changing nothing: the payload, the handle (the sender's, open the right
// way), the job (lent to this server by the sender, long enough, the
// right way), a free slot. Returns 0 with *slot set, or the error.
static int DecodeJob(FsCall *call, int write, FsAsyncIo *io, FsJob **slot)
{
    const ServerPort *port = call->skeleton ? call->skeleton->port : NULL;
    uint32_t need = write ? FS_WRITE : FS_READ;
    IpcJobFacts facts;

    if (Take(call, io, sizeof(*io)) != 0 || io->reserved || io->length == 0 ||
        io->length > FS_ASYNC_MAX || io->offset + io->length < io->offset)
        return E_INVAL;
    if (!port || !port->JobQuery)
        return E_NOSYS;                     // this environment runs no jobs
    if (io->handle < 0)
        return E_BADF;
    if (io->handle > 0 && B(call)->usable(call->server->fs, io->handle, call->client, need) != 0)
        return E_BADF;
    if (port->JobQuery(port->context, io->job, &facts) != 0 || facts.client != call->client ||
        facts.length < io->length ||
        facts.access != (write ? IPC_JOB_SERVER_READS : IPC_JOB_SERVER_WRITES))
        return E_FAULT;                     // not a buffer the sender lent us for this
    if (FindJob(call->server, io->job))
        return E_BUSY;                      // taken already
    return (*slot = FreeJob(call->server)) ? 0 : E_NOSPC;
}

// MSG_READ_ASYNC and MSG_WRITE_ASYNC: take the job and answer its id;
// FsServerIdle does the work.
static int StartJob(FsCall *call, int write)
{
    FsAsyncIo io;
    FsJobId out;
    FsJob *slot;
    int err, handle, opened;

    /* decode */
    if ((err = DecodeJob(call, write, &io, &slot)) != 0)
        return err;
    /* invoke */
    handle = Acquire(call, io.handle, write ? FS_WRITE : FS_READ, &opened);
    if (handle < 0)
        return handle;                      // by name: the open changed nothing
    *slot = (FsJob){ .id = io.job, .client = call->client, .handle = handle,
                     .opened = (uint8_t)opened, .write = (uint8_t)write, .length = io.length,
                     .offset = io.offset };
    call->server->jobCount++;
    out.job = io.job;
    Put(call, &out, sizeof(out));
    return 0;
}

static int ReadAsync(FsCall *call) { return StartJob(call, 0); }
static int WriteAsync(FsCall *call) { return StartJob(call, 1); }

// MSG_CANCEL: the sender's job ends at once with E_CANCELED (the notice
// it gets); E_NOENT for a job it has not here, or one already ended.
static int Cancel(FsCall *call)
{
    FsJobId in;
    FsJob *job;

    /* decode */
    if (Take(call, &in, sizeof(in)) != 0)
        return E_INVAL;
    job = call->skeleton ? FindJob(call->server, in.job) : NULL;
    if (!job || job->client != call->client || job->ending)
        return E_NOENT;
    /* invoke */
    EndJob(call->skeleton, job, E_CANCELED);
    return 0;
}

// MSG_QUERY: how many jobs run.
static int Status(FsCall *call)
{
    FsServerStatus out = { call->server->jobCount, FS_JOBS_MAX };

    /* decode */
    if (call->payload)
        return E_INVAL;
    /* invoke */
    Put(call, &out, sizeof(out));
    return 0;
}

// Read job's next n bytes from the file into buffer and hand them to the
// client. Returns the bytes moved (fewer at the end of the file) or E_*;
// *gone says the kernel has no such job any more.
static int ReadPiece(Server *s, FsJob *job, uint8_t *buffer, uint32_t n, int *gone)
{
    FsServer *server = s->state;
    const ServerPort *port = s->port;
    int got = server->backend->read(server->fs, job->handle, job->client,
                                    job->offset + job->done, buffer, n);
    int err = got > 0 ? port->JobWrite(port->context, job->id, job->done, buffer, (uint32_t)got)
                      : 0;

    *gone = err == E_NOENT;
    return err ? err : got;
}

// Take job's next n bytes from the client into buffer and write them to
// the file. Returns n or E_*; *gone as ReadPiece's.
static int WritePiece(Server *s, FsJob *job, uint8_t *buffer, uint32_t n, int *gone)
{
    FsServer *server = s->state;
    const ServerPort *port = s->port;
    int err = port->JobRead(port->context, job->id, job->done, buffer, n);

    *gone = err == E_NOENT;
    if (err)
        return err;
    return server->backend->write(server->fs, job->handle, job->client, job->offset + job->done,
                                  buffer, n);
}

// Move one piece of job; end it when the last is moved or one fails.
static void StepJob(Server *s, FsJob *job)
{
    uint32_t left = job->length - job->done, n = left < FS_JOB_PIECE ? left : FS_JOB_PIECE;
    uint8_t *piece = ((FsServer *)s->state)->piece;
    int gone, got = job->write ? WritePiece(s, job, piece, n, &gone)
                               : ReadPiece(s, job, piece, n, &gone);

    if (gone)
        DropJob(s->state, job);             // its client ended or dropped it
    else if (got < 0)
        EndJob(s, job, got);
    else if ((job->done += (uint32_t)got) == job->length || (uint32_t)got < n)
        EndJob(s, job, (int32_t)job->done);
}

uint32_t FsServerIdle(Server *s)
{
    FsServer *server = s->state;

    for (uint32_t i = 0; server->jobCount && i < FS_JOBS_MAX; i++) {
        FsJob *job = &server->jobs[(server->nextJob + i) % FS_JOBS_MAX];
        if (!job->id)
            continue;
        server->nextJob = (server->nextJob + i + 1) % FS_JOBS_MAX;
        if (job->ending)
            Report(s, job);
        else
            StepJob(s, job);
        break;
    }
    return server->jobCount ? SERVER_POLL : 0;
}

static const FsHandler handlers[MSG_TYPE_LIMIT] = {
    [MSG_OPEN] = Open,         [MSG_CLOSE] = Close,   [MSG_READ] = Read,
    [MSG_WRITE] = Write,       [MSG_TRUNCATE] = Truncate, [MSG_STAT] = Stat,
    [MSG_LIST] = List,         [MSG_CREATE] = Create, [MSG_MKDIR] = Mkdir,
    [MSG_DELETE] = Delete,     [MSG_RMDIR] = Rmdir,   [MSG_RENAME] = Rename,
    [MSG_READ_ASYNC] = ReadAsync, [MSG_WRITE_ASYNC] = WriteAsync, [MSG_CANCEL] = Cancel,
    [MSG_QUERY] = Status,
};

// Serve request, sent to name, into reply (an empty MSG_RESPONSE with
// room for MESSAGE_MAX_SIZE bytes), for skeleton (NULL outside a
// server). Returns 0, or the error to answer with instead.
static int Serve(FsServer *server, Server *skeleton, const Message *request, const char *name,
                 Message *reply)
{
    int ours = strncmp(name, server->prefix, server->prefixLength) == 0;
    FsCall call = { server, skeleton, request, MessageDataLength(request), request->senderId,
                    ours ? name + server->prefixLength : "", reply };

    if (!ours)
        return E_NOENT;                     // not ours: the registry sent it astray
    if (request->type >= MSG_TYPE_LIMIT || !handlers[request->type])
        return E_INVAL;
    return handlers[request->type](&call);
}

int FsServerRequest(Server *s, ServerRequest *r)
{
    int err = Serve(s->state, s, r->message, r->envelope->name, r->reply);

    // A job taken: its id goes out now, before the skeleton's Idle hook
    // moves its first piece.
    if (!err && (r->message->type == MSG_READ_ASYNC || r->message->type == MSG_WRITE_ASYNC))
        ServerReplyNow(s, r);
    return err;
}

// Drop pid's jobs (the kernel has: they were its loans), then its handles.
static void ClientEnded(FsServer *server, uint32_t pid)
{
    for (uint32_t i = 0; server->jobCount && i < FS_JOBS_MAX; i++)
        if (server->jobs[i].id && server->jobs[i].client == pid)
            DropJob(server, &server->jobs[i]);
    server->backend->closeOwner(server->fs, pid);
}

void FsServerEnded(Server *s, uint32_t pid)
{
    ClientEnded(s->state, pid);
}

int FsServerHandle(FsServer *server, const Message *request, const char *name, Message *reply)
{
    int err;

    if (request->type == MSG_PROCESS_EXIT && request->senderId == 0) {
        uint32_t pid;
        if (MessageDataLength(request) == sizeof(pid)) {
            memcpy(&pid, request->data, sizeof(pid));
            ClientEnded(server, pid);
        }
        return 0;
    }
    *reply = (Message){ .type = MSG_RESPONSE, .length = MESSAGE_HEADER_SIZE };
    err = Serve(server, NULL, request, name, reply);
    if (err) {
        int32_t code = err;
        *reply = (Message){ .type = MSG_ERROR, .length = MESSAGE_HEADER_SIZE + sizeof(code) };
        memcpy(reply->data, &code, sizeof(code));
    }
    reply->requestId = request->requestId;
    return 1;
}
