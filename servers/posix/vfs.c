// posix:vfs:/path — the POSIX tree as a namespace.
//
// A request of the filesystem protocol sent to posix:vfs:/some/path is
// forwarded to the name the mount table gives the path (path.c), and the
// reply goes back as it came. That is how the kernel's loader starts
// posix:vfs:/bin/hello: MSG_STAT, then MSG_READ by name, each answered by
// fs:root:bin/hello. The path is absolute and normalised like any POSIX
// path (a relative one is taken from "/"); MSG_RENAME's new name may be
// posix:vfs:/other/path too and is mapped the same way.
//
// Handles: a MSG_OPEN forwarded for a client is opened by this server,
// so the handle is the server's on the fs server. The server remembers
// which client each such handle was opened for; only that client may use
// it (FsIo, FsTruncate, MSG_STAT or MSG_CLOSE with the handle), anyone
// else gets E_BADF, and the server closes the ones a client leaves open
// when it ends, as the fs servers do for their own clients. It keeps at
// most HANDLES_MAX: a MSG_OPEN beyond that is E_NOSPC before it is
// forwarded, so it creates no file.
//
// The loads seen here also tell readlink("/proc/self/exe") where a
// program came from: the last few MSG_STATs by name that found a file are
// remembered, and a new POSIX process whose name is the base name of one
// of them, within a minute, takes that path (VfsTakeExe).
#include <clanker/error.h>
#include <clanker/posix.h>
#include <lib/string.h>
#include "core.h"
#include "nsclient.h"
#include "path.h"
#include "procfs.h"
#include "vfs.h"

#define HANDLES_MAX 256
#define RECENT_MAX  8
#define RECENT_MS   60000

typedef struct VfsHandle {
    uint32_t client;            // 0: a free slot
    uint32_t mount;             // PathMountIndex of its server
    int32_t handle;
    char name[NS_NAME_MAX + 1]; // a name on its server, for the close
} VfsHandle;

typedef struct VfsLoad {
    int used;                   // 0: a free slot
    uint32_t when;              // uptime in ms
    char path[POSIX_PATH_MAX];
} VfsLoad;

static VfsHandle handles[HANDLES_MAX];
static VfsLoad recent[RECENT_MAX];
static uint32_t recentNext;

// The record of client's handle on mount, or NULL.
static VfsHandle *FindHandle(uint32_t client, uint32_t mount, int32_t handle)
{
    for (uint32_t i = 0; i < HANDLES_MAX; i++)
        if (handles[i].client == client && handles[i].mount == mount &&
            handles[i].handle == handle)
            return &handles[i];
    return NULL;
}

// A free handle record, or NULL if all HANDLES_MAX are in use.
static VfsHandle *FreeHandle(void)
{
    for (uint32_t i = 0; i < HANDLES_MAX; i++)
        if (!handles[i].client)
            return &handles[i];
    return NULL;
}

// The handle a request carries: 0 for none (by name), and for a payload
// of the wrong size, which the fs server itself will refuse.
static int32_t HandleOf(const Message *m)
{
    uint32_t length = MessageDataLength(m), size;
    int32_t handle = 0;

    switch (m->type) {
    case MSG_READ:      size = sizeof(FsIo); break;
    case MSG_WRITE:     size = length >= sizeof(FsIo) ? length : sizeof(FsIo); break;
    case MSG_TRUNCATE:  size = sizeof(FsTruncate); break;
    case MSG_STAT:
    case MSG_CLOSE:     size = sizeof(FsHandle); break;
    default:            return 0;
    }
    if (length == size)
        memcpy(&handle, m->data, sizeof(handle));
    return handle;
}

// Resolve a posix:vfs: name into path. Returns 0 or an error.
static int ResolveVfs(const char *name, uint32_t client, PosixPath *path)
{
    int err = PathNormalize("/", name + strlen(POSIX_VFS), path->path);

    return err ? err : PathMap(path, client);
}

// The MSG_RENAME request for path with its new name mapped too. Returns
// a new message (the caller frees it) or NULL with *err.
static Message *MapRename(const Message *m, const PosixPath *path, uint32_t client, int *err)
{
    uint32_t length = MessageDataLength(m);
    PosixPath to;
    Message *mapped;

    if (length == 0 || length > NS_NAME_MAX + 1 || m->data[length - 1] != 0) {
        *err = E_INVAL;
        return NULL;
    }
    if (strncmp((const char *)m->data, POSIX_VFS, strlen(POSIX_VFS)) != 0) {
        *err = E_XDEV;
        return NULL;
    }
    if ((*err = ResolveVfs((const char *)m->data, client, &to)) != 0)
        return NULL;
    if (to.mount != path->mount) {
        *err = E_XDEV;
        return NULL;
    }
    if (!(mapped = api->CreateMessage(MSG_RENAME, (uint32_t)strlen(to.name) + 1))) {
        *err = E_NOMEM;
        return NULL;
    }
    memcpy(mapped->data, to.name, strlen(to.name) + 1);
    return mapped;
}

// Remember a handle a MSG_OPEN reply gave client, in the record VfsServe
// found free before it forwarded the open (should there be none, close
// the handle and say so). Returns 0 or E_NOSPC.
static int Record(uint32_t client, const PosixPath *path, const Message *reply)
{
    VfsHandle *record = FreeHandle();
    FsHandle h;

    if (MessageDataLength(reply) != sizeof(h))
        return 0;
    memcpy(&h, reply->data, sizeof(h));
    if (!record) {
        NsClose(path->name, h.handle);
        return E_NOSPC;
    }
    *record = (VfsHandle){ client, PathMountIndex(path->mount), h.handle, "" };
    memcpy(record->name, path->name, sizeof(record->name));
    return 0;
}

// Remember that path, a file, was just looked up by name (a likely load).
static void RememberLoad(const PosixPath *path)
{
    recent[recentNext].used = 1;
    recent[recentNext].when = api->UptimeMs();
    memcpy(recent[recentNext].path, path->path, sizeof(recent[0].path));
    recentNext = (recentNext + 1) % RECENT_MAX;
}

// After a forwarded request succeeded: keep the books on handles and
// loads. Returns 0 or an error to send instead of the reply.
static int AfterForward(const Message *m, const PosixPath *path, uint32_t client,
                        const Message *reply)
{
    VfsHandle *h;
    FsStat stat;

    if (reply->type != MSG_RESPONSE)
        return 0;
    if (m->type == MSG_OPEN)
        return Record(client, path, reply);
    if (m->type == MSG_CLOSE &&
        (h = FindHandle(client, PathMountIndex(path->mount), HandleOf(m))) != NULL)
        h->client = 0;
    if (m->type == MSG_STAT && MessageDataLength(m) == 0 &&
        MessageDataLength(reply) == sizeof(stat)) {
        memcpy(&stat, reply->data, sizeof(stat));
        if (stat.type == FS_TYPE_FILE)
            RememberLoad(path);
    }
    return 0;
}

// Serve one request to a posix:vfs: name: forward it and return the
// reply to pass on (the caller sends and frees it), or NULL with *err.
// Everything is checked before the request goes out (the name, a handle
// that must be the client's, MSG_RENAME's new name, room to record a
// MSG_OPEN's handle), so a refused request changes nothing on the fs
// server. Nothing else runs while the request is forwarded (one thread),
// so the free record found stays free for the reply.
Message *VfsServe(const Message *m, const IpcEnvelope *envelope, int *err)
{
    uint32_t client = m->senderId;
    int32_t handle = HandleOf(m);
    Message *mapped = NULL, *reply;
    PosixPath path;

    /* decode */
    *err = ResolveVfs(envelope->name, client, &path);
    if (!*err && m->type == MSG_POSIX_CALL)
        *err = E_INVAL;
    if (!*err && handle && !FindHandle(client, PathMountIndex(path.mount), handle))
        *err = E_BADF;
    if (!*err && m->type == MSG_OPEN && !FreeHandle())
        *err = E_NOSPC;             // before the open can make a file
    if (!*err && m->type == MSG_RENAME)
        mapped = MapRename(m, &path, client, err);
    if (*err)
        return NULL;
    /* invoke */
    if (strncmp(path.name, POSIX_PROC, strlen(POSIX_PROC)) == 0)   // /proc: served here
        reply = ProcfsTransact(path.name, mapped ? mapped : m, client, err);
    else if (!(reply = api->IpcSend(path.name, mapped ? mapped : m, 0)))
        *err = E_NOMEM;
    if (mapped)
        api->FreeMessage(mapped);
    if (reply && (*err = AfterForward(m, &path, client, reply)) != 0) {
        api->FreeMessage(reply);
        reply = NULL;
    }
    return reply;
}

// client has ended: close the handles it left open.
void VfsClientEnded(uint32_t pid)
{
    for (uint32_t i = 0; i < HANDLES_MAX; i++) {
        if (handles[i].client != pid)
            continue;
        NsClose(handles[i].name, handles[i].handle);
        handles[i].client = 0;
    }
}

// The base name of path.
static const char *BaseName(const char *path)
{
    const char *base = path;

    for (const char *c = path; *c; c++)
        if (*c == '/')
            base = c + 1;
    return base;
}

// Into out (POSIX_PATH_MAX bytes): the path a new process called
// processName was most likely loaded from (see the top), or "".
void VfsTakeExe(const char *processName, char *out)
{
    uint32_t now = api->UptimeMs();

    out[0] = 0;
    for (uint32_t k = 1; k <= RECENT_MAX; k++) {
        VfsLoad *load = &recent[(recentNext + RECENT_MAX - k) % RECENT_MAX];
        if (!load->used || now - load->when > RECENT_MS)
            continue;
        if (strncmp(BaseName(load->path), processName, POSIX_NAME_MAX - 1) != 0)
            continue;
        memcpy(out, load->path, POSIX_PATH_MAX);
        load->used = 0;
        return;
    }
}
