// Connected endpoints: a process's handles on servers (kernel/ipc/endpoint.c).
//
// IpcConnect routes a name once (aliases, the registry's longest prefix)
// and gives back a small handle, an index into the caller's table; an
// IpcCall on the handle then skips the name: no copy, no parse, no hash.
// A handle names the server that served the name at connect time and no
// other: once that server has gone or has given up the prefix, a call is
// E_DEAD for good, never a wait and never another server.
#ifndef KERNEL_IPC_ENDPOINT_H
#define KERNEL_IPC_ENDPOINT_H

#include <stdint.h>
#include <clanker/message.h>

#define IPC_HANDLES_MAX 16          // handles per process (1..IPC_HANDLES_MAX)
#define IPC_ROUTES_CACHED 8         // names each process's route cache keeps

struct Process;

typedef struct IpcEndpoint {
    uint32_t state;                 // ENDPOINT_FREE, _LIVE or _DEAD (endpoint.c)
    struct Process *server;         // NULL: the kernel's own names (ns:, system:)
    uint32_t serverPid;
    uint32_t epoch;                 // the registry epoch it was last checked at
    uint32_t nameLength;
    uint32_t hash;                  // route cache: the name's hash
    uint32_t handler;               // with name: IpcEnvelope's layout, so a
    char name[NS_NAME_MAX + 1];     //  request's envelope is copied from here
} IpcEndpoint;

// A process's route cache: the servers of the last names it sent to.
typedef struct IpcRouteCache {
    uint32_t next;                  // the slot the next new name takes
    uint32_t last;                  // the slot the last send used (IpcRouteFastUser)
    IpcEndpoint slots[IPC_ROUTES_CACHED];
} IpcRouteCache;

// Connect the current process to name. Returns a handle (>= 1) or an
// error: the name's (E_INVAL, E_NOENT, ...), E_BUSY for a prefix of its
// own, E_NOSPC when its table is full, E_NOMEM.
int IpcConnect(const char *name);

// Point e (the kernel's own, not in a table) at the server of name.
// Returns 0 or the name's error (E_NOENT, ...).
int IpcEndpointOpen(IpcEndpoint *e, const char *name);

// 0 if e's server still serves it, else E_DEAD (and e stays dead).
int IpcEndpointCheck(IpcEndpoint *e);

// Close handle of the current process. Returns 0 or E_BADF.
int IpcDisconnect(uint32_t handle);

// The live endpoint of handle in the current process, or NULL with *err:
// E_BADF (not an open handle) or E_DEAD (its server has gone).
IpcEndpoint *IpcEndpointGet(uint32_t handle, int *err);

// The endpoint a send by name goes to: from the current process's route
// cache when the name is there and nothing has changed in the registry
// since; else routed (IpcRoute) and, when no alias rewrote it, kept in
// the cache. scratch holds a route that is not kept. Returns the
// endpoint, or NULL with *err (the name's error, E_NOENT, ...).
IpcEndpoint *IpcRouteCached(const char *name, IpcEndpoint *scratch, int *err);

// For the fast path (kernel/ipc/ipc.c, IpcFastCall): the endpoint of
// handle, or of name from the route cache, when it is there and known
// live with no check to make (the registry unchanged since); else NULL,
// and the general path looks at it.
IpcEndpoint *IpcEndpointFast(uint32_t handle);
// The fast path's route of the name at user address name: the current
// process's last route, if nothing has changed since and the name there
// is that route's name (compared in place, not copied); else NULL.
IpcEndpoint *IpcRouteFastUser(uintptr_t name);

// A prefix was unregistered or its server went: every endpoint is
// checked again at its next call.
void IpcEndpointsInvalidate(void);

// Free p's table and route cache (p has ended).
void IpcEndpointsFree(struct Process *p);

#endif
