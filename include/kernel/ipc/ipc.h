// Synchronous message passing between processes (kernel/ipc/ipc.c).
//
// A client's request goes to the process that registered the longest
// prefix of the name it sends to; the client blocks until that server
// replies, the server goes away, or a timeout runs out. The kernel copies
// every message: into a kernel buffer on send, into the server's buffer
// on receive, and back the same way for the reply. docs/ipc.md has the
// protocol; these are the kernel-side entry points used by the system
// calls and the KernelApi.
#ifndef KERNEL_IPC_H
#define KERNEL_IPC_H

#include <stdint.h>
#include <clanker/message.h>
#include <kernel/ipc/namespace.h>
#include <kernel/proc/process.h>

// How the copy routines reach the caller's memory.
typedef enum IpcMemory {
    IPC_MEMORY_KERNEL,      // plain kernel pointers (kernel-mode programs, threads)
    IPC_MEMORY_USER,        // checked user pointers
} IpcMemory;

// Set up the registry, the default aliases and the kernel's own "ns:".
void IpcInit(void);

NsRegistry *IpcRegistry(void);

// Whether someone (a process, not the kernel) serves exactly prefix now.
int IpcServes(const char *prefix);

// Whether the current process has received request requestId and not
// answered it yet (its client may have given up meanwhile).
int IpcIsServing(uint32_t requestId);

// Register or drop a prefix for the current process.
int IpcRegister(const char *prefix, uint32_t handler);
int IpcUnregister(const char *prefix);

// Where a reply goes: into buffer (capacity bytes, in memory), or, with
// allocate set, into a new message allocate(length) returns.
typedef struct IpcDelivery {
    IpcMemory memory;
    uintptr_t buffer;
    uint32_t capacity;
    Message *(*allocate)(uint32_t length);
    Message *allocated;         // out: the message allocate made
} IpcDelivery;

// Send the request at request (length bytes, in memory) to name and wait
// up to timeoutMs (0: forever); deliver the reply. Returns the reply's
// length or an E_* code: E_MSGSIZE, before anything is sent, for a length
// under MESSAGE_HEADER_SIZE or over MESSAGE_MAX_SIZE.
int IpcTransact(const char *name, IpcMemory memory, uintptr_t request, uint32_t length,
                uint32_t timeoutMs, IpcDelivery *delivery);

// IpcTransact to the server of a connected handle (endpoint.h): no name
// to route. E_BADF for a handle the caller has not open, E_DEAD once its
// server has gone.
int IpcTransactHandle(uint32_t handle, IpcMemory memory, uintptr_t request, uint32_t length,
                      uint32_t timeoutMs, IpcDelivery *delivery);

// IpcTransactHandle on an endpoint of the kernel's own (IpcEndpointOpen).
struct IpcEndpoint;
int IpcTransactEndpoint(struct IpcEndpoint *e, IpcMemory memory, uintptr_t request,
                        uint32_t length, uint32_t timeoutMs, IpcDelivery *delivery);

// The fast path of a call from ring 3 (SYS_IPC_CALL, SYS_IPC_SEND) on
// endpoint e, known live: the server already waits in a plain receive
// with nothing queued, the request (at request, in user memory) fits the
// inline buffer, the reply buffer (capacity bytes) is writable, and the
// call has no time limit. Then the request is copied once into the
// caller's request, the CPU goes straight to the server with the rest
// of the caller's time slice, and on the answer *result gets the reply's
// length or an E_* code: returns 1. Anything else returns 0 with nothing
// changed, for the general path. Interrupts off.
int IpcFastCall(struct IpcEndpoint *e, uintptr_t request, uintptr_t reply, uint32_t capacity,
                int *result);

// Copy the ring-3 request at request into the current process's own
// request buffer (idle while it makes no call): the header and, when the
// whole message fits the inline buffer (IPC_INLINE_MAX), the rest.
// Returns its checked length, E_FAULT or E_MSGSIZE. The fast path and
// the system calls' decode both read a request this way.
int IpcStageRequest(uintptr_t request);

// How many calls the fast path has taken since boot (for the tests).
uint32_t IpcFastCalls(void);

// Resolve aliases in name, check it, find its server. Returns the entry
// or NULL with *err set; resolved receives the rewritten name.
const NsEntry *IpcRoute(const char *name, char *resolved, int *err);

// Kernel convenience: request is kmalloc'd and always consumed; on success
// *reply is a kmalloc'd copy of the reply. Returns 0 or an E_* code.
int IpcCall(const char *name, Message *request, uint32_t timeoutMs, Message **reply);

// Wait for a request to the current process and copy it to buffer
// (capacity bytes) and envelope (may be NULL) in the given memory.
// Returns the request's length or an E_* code.
int IpcReceive(IpcMemory memory, uintptr_t buffer, uint32_t capacity, uintptr_t envelope);

// The same, waiting at most timeoutMs milliseconds (0: no limit, as
// IpcReceive): E_TIMEDOUT when no request or notice came in time.
int IpcReceiveTimed(IpcMemory memory, uintptr_t buffer, uint32_t capacity, uintptr_t envelope,
                    uint32_t timeoutMs);

// The KernelApi's IpcReceiveTimeout: IpcReceiveTimed in kernel memory.
int IpcReceiveTimeout(Message *buffer, uint32_t capacity, IpcEnvelope *envelope,
                      uint32_t timeoutMs);

// Answer request requestId with the reply at reply (length bytes, in
// memory, checked against the limits). Returns 0, E_NOENT (no such
// request being served by this process: never received, already
// answered, or withdrawn by its client), E_FAULT or E_NOMEM.
int IpcAnswer(uint32_t requestId, IpcMemory memory, uintptr_t reply, uint32_t length);

// Answer requestId with reply, then receive as IpcReceiveTimed does: a
// server's loop in one step. A reply its client can no longer take
// (E_NOENT) is dropped; a reply the server got wrong (E_FAULT, E_MSGSIZE,
// E_NOMEM) is returned without receiving.
int IpcReplyWait(uint32_t requestId, IpcMemory memory, uintptr_t reply, uint32_t length,
                 uintptr_t buffer, uint32_t capacity, uintptr_t envelope, uint32_t timeoutMs);

// IpcAnswer for a reply in kernel memory. The caller keeps the message
// (as with the KernelApi's IpcReply and the ring-3 runtime's).
int IpcReply(uint32_t requestId, const Message *reply);

// Post a notification to pid / wait for one (timeoutMs 0: forever).
int IpcNotify(uint32_t pid, uint32_t jobId, int32_t value);
int IpcWaitNotification(IpcNotification *out, uint32_t timeoutMs);

// Queue the notice {sender, jobId, value} for pid and wake it if it waits
// for one (in IpcWaitNotification, or in a receive after
// IpcWatchNotices): IpcNotify's work with the sender named, for the
// kernel's notices on another's behalf. Returns 0, E_SRCH (no such live
// process) or E_AGAIN (its IPC_NOTIFY_MAX notices are queued).
int IpcPostNotice(uint32_t pid, uint32_t sender, uint32_t jobId, int32_t value);

// From now on the current process's receive calls (IpcReceive,
// IpcReceiveTimed, IpcReplyWait, IpcReceivePoll) also return its queued
// notices, each as a message of type MSG_NOTICE, length 16 + 12,
// senderId and requestId 0, data the IpcNotification (envelope: handler
// 0, name ""), taken off the queue as IpcWaitNotification would. A
// pending exit notice comes first, then the notices, then the requests.
// Returns 0.
int IpcWatchNotices(void);

// Whether p watches notices and has one queued: its receive returns it
// before any request.
static inline int IpcNoticePending(const Process *p)
{
    return p->ipcWatchNotices && p->ipcNoteCount;
}

// From now on, IpcReceive in the current process also returns a
// MSG_PROCESS_EXIT notice (senderId and requestId 0, data: the uint32 pid)
// for every process that ends, so a server can drop what a client held.
// The last IPC_EXIT_LOG ends are kept for a server that is busy; a server
// that falls further behind misses the oldest (it is told nothing).
// Returns 0.
#define IPC_EXIT_LOG 256
int IpcWatchExits(void);

// The process is ending: drop its prefixes, fail the requests waiting on
// it, and detach the request it was waiting for.
void IpcProcessGone(Process *p);

#endif
