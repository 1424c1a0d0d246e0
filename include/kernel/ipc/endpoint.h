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

struct Process;

typedef struct IpcEndpoint {
    uint32_t state;                 // ENDPOINT_FREE, _LIVE or _DEAD (endpoint.c)
    struct Process *server;         // NULL: the kernel's own names (ns:, system:)
    uint32_t serverPid;
    uint32_t handler;
    uint32_t epoch;                 // the registry epoch it was last checked at
    uint32_t nameLength;
    char name[NS_NAME_MAX + 1];     // the resolved name every call is sent to
} IpcEndpoint;

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

// A prefix was unregistered or its server went: every endpoint is
// checked again at its next call.
void IpcEndpointsInvalidate(void);

// Free p's table (p has ended).
void IpcEndpointsFree(struct Process *p);

#endif
