// Connected endpoints (include/kernel/ipc/endpoint.h).
//
// Each process that connects gets a table of IPC_HANDLES_MAX endpoints
// (allocated on its first IpcConnect, freed when it ends); handle h is
// slot h - 1. An endpoint keeps the resolved name, the server and its
// pid, and the registry epoch it was checked at. The epoch moves on
// every unregistration and every server's end, so the common call finds
// its epoch current and trusts the endpoint at once; after a change the
// endpoint is looked up again by its name, and stays live only if the
// same process (same pid) still serves it with the same handler. A
// server that restarts under the same prefix is a new server: handles on
// the old one are E_DEAD, and the client connects again.
//
// Sends by name use the same records as a cache: each process keeps the
// routes of the last IPC_ROUTES_CACHED names it sent to (those no alias
// rewrote), found by hash and compared whole, and trusted only at the
// epoch they were made in; any change to the registry or its aliases
// moves the epoch, and the next send of each name is routed afresh.
#include <stddef.h>
#include <clanker/error.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <kernel/ipc/endpoint.h>
#include <kernel/ipc/ipc.h>
#include <kernel/mm/kheap.h>
#include <kernel/mm/usercopy.h>
#include <kernel/proc/process.h>

enum { ENDPOINT_FREE, ENDPOINT_LIVE, ENDPOINT_DEAD };

static uint32_t epoch = 1;

// The current process's table, made if it has none. NULL if out of memory.
static IpcEndpoint *Table(void)
{
    Process *self = ProcessCurrent();

    if (!self->ipcHandles) {
        self->ipcHandles = kmalloc(IPC_HANDLES_MAX * sizeof(IpcEndpoint));
        if (self->ipcHandles)
            memset(self->ipcHandles, 0, IPC_HANDLES_MAX * sizeof(IpcEndpoint));
    }
    return self->ipcHandles;
}

// Point e at the server of entry for the resolved name.
static void Fill(IpcEndpoint *e, const NsEntry *entry, const char *resolved)
{
    e->state = ENDPOINT_LIVE;
    e->server = entry->owner;
    e->serverPid = entry->owner ? ((Process *)entry->owner)->pid : 0;
    e->handler = entry->handler;
    e->epoch = epoch;
    e->nameLength = strlen(resolved);
    memcpy(e->name, resolved, e->nameLength + 1);
}

int IpcEndpointOpen(IpcEndpoint *e, const char *name)
{
    uint32_t flags = CpuSave();
    char resolved[NS_NAME_MAX + 1];
    int err = 0;
    const NsEntry *entry = IpcRoute(name, resolved, &err);

    if (entry)
        Fill(e, entry, resolved);
    CpuRestore(flags);
    return err;
}

int IpcConnect(const char *name)
{
    uint32_t flags = CpuSave();
    IpcEndpoint *table = Table(), *e = NULL;
    char resolved[NS_NAME_MAX + 1];
    int err = 0, handle = 0;
    const NsEntry *entry;

    /* decode: the name routes to a server that is not the caller */
    entry = IpcRoute(name, resolved, &err);
    if (entry && entry->owner == ProcessCurrent())
        err = E_BUSY;
    else if (entry && !table)
        err = E_NOMEM;
    for (int i = 0; entry && !err && i < IPC_HANDLES_MAX && !e; i++)
        if (table[i].state == ENDPOINT_FREE)
            e = &table[i], handle = i + 1;
    if (entry && !err && !e)
        err = E_NOSPC;
    if (!err)
        Fill(e, entry, resolved);           /* invoke */
    CpuRestore(flags);
    return err ? err : handle;
}

int IpcDisconnect(uint32_t handle)
{
    uint32_t flags = CpuSave();
    IpcEndpoint *table = ProcessCurrent()->ipcHandles;
    int err = 0;

    if (!table || handle == 0 || handle > IPC_HANDLES_MAX ||
        table[handle - 1].state == ENDPOINT_FREE)
        err = E_BADF;
    else
        table[handle - 1].state = ENDPOINT_FREE;
    CpuRestore(flags);
    return err;
}

// Whether e's server still serves e's name as it did (epoch moved on).
static int StillServed(const IpcEndpoint *e)
{
    const NsEntry *entry = NsLookup(IpcRegistry(), e->name, e->nameLength);

    if (!entry || entry->owner != e->server || entry->handler != e->handler)
        return 0;
    return !e->server || e->server->pid == e->serverPid;
}

int IpcEndpointCheck(IpcEndpoint *e)
{
    if (e->state == ENDPOINT_LIVE && e->epoch != epoch) {
        if (StillServed(e))
            e->epoch = epoch;
        else
            e->state = ENDPOINT_DEAD;       // for good
    }
    return e->state == ENDPOINT_LIVE ? 0 : E_DEAD;
}

IpcEndpoint *IpcEndpointGet(uint32_t handle, int *err)
{
    IpcEndpoint *table = ProcessCurrent()->ipcHandles, *e;

    if (!table || handle == 0 || handle > IPC_HANDLES_MAX ||
        (e = &table[handle - 1])->state == ENDPOINT_FREE) {
        *err = E_BADF;
        return NULL;
    }
    return (*err = IpcEndpointCheck(e)) == 0 ? e : NULL;
}

// FNV-1a of name, and its length in *length.
static uint32_t Hash(const char *name, uint32_t *length)
{
    uint32_t hash = 2166136261u, n = 0;

    for (; name[n]; n++)
        hash = (hash ^ (uint8_t)name[n]) * 16777619u;
    *length = n;
    return hash;
}

// The current process's route cache, made if it has none (NULL: no memory).
static IpcRouteCache *Routes(void)
{
    Process *self = ProcessCurrent();

    if (!self->ipcRoutes && (self->ipcRoutes = kmalloc(sizeof(IpcRouteCache))) != NULL)
        memset(self->ipcRoutes, 0, sizeof(IpcRouteCache));
    return self->ipcRoutes;
}

// The current process's cached route of name (hashed to hash, length
// bytes) that nothing has changed since, or NULL.
static IpcEndpoint *CacheFind(const char *name, uint32_t hash, uint32_t length)
{
    IpcRouteCache *cache = ProcessCurrent()->ipcRoutes;

    for (uint32_t i = 0; cache && i < IPC_ROUTES_CACHED; i++) {
        IpcEndpoint *e = &cache->slots[i];
        if (e->state == ENDPOINT_LIVE && e->epoch == epoch && e->hash == hash &&
            e->nameLength == length && memcmp(e->name, name, length) == 0) {
            cache->last = i;
            return e;
        }
    }
    return NULL;
}

IpcEndpoint *IpcRouteFastUser(uintptr_t name)
{
    IpcRouteCache *cache = ProcessCurrent()->ipcRoutes;
    IpcEndpoint *e;

    if (!cache)
        return NULL;
    e = &cache->slots[cache->last];
    if (e->state != ENDPOINT_LIVE || e->epoch != epoch)
        return NULL;
    return UserMatch(name, e->name, e->nameLength + 1) == 0 ? e : NULL;
}

IpcEndpoint *IpcEndpointFast(uint32_t handle)
{
    IpcEndpoint *table = ProcessCurrent()->ipcHandles, *e;

    if (!table || handle - 1 >= IPC_HANDLES_MAX)
        return NULL;
    e = &table[handle - 1];
    return e->state == ENDPOINT_LIVE && e->epoch == epoch ? e : NULL;
}

IpcEndpoint *IpcRouteCached(const char *name, IpcEndpoint *scratch, int *err)
{
    IpcRouteCache *cache;
    char resolved[NS_NAME_MAX + 1];
    uint32_t length, hash;
    const NsEntry *entry;
    IpcEndpoint *e;

    if (!name) {
        *err = E_INVAL;                 // as IpcRoute says of it
        return NULL;
    }
    hash = Hash(name, &length);
    if ((e = CacheFind(name, hash, length)) != NULL)
        return e;                       // the common case: routed before
    if (!(entry = IpcRoute(name, resolved, err)))
        return NULL;
    e = scratch;
    if (strcmp(resolved, name) == 0 && (cache = Routes()) != NULL) {
        cache->last = cache->next;
        e = &cache->slots[cache->next];     // kept: no alias rewrote it
        cache->next = (cache->next + 1) % IPC_ROUTES_CACHED;
    }
    Fill(e, entry, resolved);
    e->hash = hash;
    return e;
}

void IpcEndpointsInvalidate(void)
{
    if (++epoch == 0)
        epoch = 1;
}

void IpcEndpointsFree(Process *p)
{
    kfree(p->ipcHandles);
    kfree(p->ipcRoutes);
    p->ipcHandles = NULL;
    p->ipcRoutes = NULL;
}
