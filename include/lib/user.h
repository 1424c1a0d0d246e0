// The user-mode runtime (lib/user/crt0.S, lib/user/syscall.c,
// lib/user/malloc.c, lib/user/ipc.c).
//
// One wrapper per native system call (include/clanker/syscall.h): each
// raises int 0x40 and returns eax as is, so a negative result is an E_*
// code from <clanker/error.h>. Above those: malloc/free and the IPC
// client/server API (docs/ipc.md). Programs define
//     int main(int argc, char **argv, char **envp);
// and crt0's _start calls it and passes its return value to SysExit.
#ifndef LIB_USER_H
#define LIB_USER_H

#include <stddef.h>
#include <stdint.h>
#include <clanker/error.h>
#include <clanker/context.h>
#include <clanker/grant.h>
#include <clanker/job.h>
#include <clanker/message.h>
#include <clanker/syscall.h>

// End the calling process with exit code (code & 0xff).
__attribute__((noreturn)) void SysExit(int code);

// Write length bytes of text to the debug console. Returns length or E_*.
int SysDebugWrite(const char *text, uint32_t length);

// The caller's process id.
int SysGetPid(void);

// Give the CPU to another ready thread. Returns 0.
int SysYield(void);

// Block for at least milliseconds ms (rounded up to the tick). Returns 0 or E_*.
int SysSleep(uint32_t milliseconds);

// Start the program at path (relative to the initrd root) as a child,
// with the NULL-terminated argv, or argv NULL to pass none (the kernel
// then chooses argv[0]). Returns the child's pid or E_*.
int SysSpawn(const char *path, const char *const *argv);
int SysSpawnEnv(const char *path, const char *const *argv, const char *const *envp);

// Wait for child pid (-1: any child) to end and store its wait status
// (WAIT_* macros) in *status unless status is NULL. Returns pid or E_*.
int SysWait(int pid, int *status);

// SysWait with options: WAIT_NOHANG returns 0 at once (status untouched)
// when the child, or every child for -1, is still running.
int SysWaitOptions(int pid, int *status, uint32_t options);

// Kill process pid (its status becomes WAIT_STATUS_SIGNALED(SIGNAL_KILL)).
// Returns 0 or E_*.
int SysKill(int pid);

// Milliseconds since boot.
uint32_t SysUptime(void);

// The parent's pid, 0 when there is none.
int SysGetPpid(void);

// Serve every name that starts with prefix (ending in ':' or '/');
// handler comes back in each request's envelope. Returns 0 or E_*.
int SysNsRegister(const char *prefix, uint32_t handler);

// Give up prefix. Returns 0, E_NOENT or E_PERM (someone else holds it).
int SysNsUnregister(const char *prefix);

// Send request to the server of name and wait for its reply (at most
// timeoutMs, 0: no limit), copied into reply (replyCapacity bytes).
// Returns the reply's length or E_*.
int SysIpcSend(const char *name, const Message *request, Message *reply,
               uint32_t replyCapacity, uint32_t timeoutMs);

// Connect to the server of name once (docs/ipc.md, Handles). Returns a
// handle (>= 1) or E_*.
int SysIpcConnect(const char *name);

// SysIpcSend on a connected handle: no name to route. The whole reply
// buffer must be writable (E_FAULT before anything is sent). Returns the
// reply's length, E_BADF (no such handle), E_DEAD (its server has gone)
// or another E_*.
int SysIpcCall(int handle, const Message *request, Message *reply, uint32_t replyCapacity,
               uint32_t timeoutMs);

// Close a handle. Returns 0 or E_BADF.
int SysIpcDisconnect(int handle);

// Answer requestId with reply, then wait for the next request as
// *receive says (SysIpcReceive's arguments and a time limit, 0: none).
// Returns the request's length or E_*.
int SysIpcReplyWait(uint32_t requestId, const Message *reply, const IpcReceiveArgs *receive);

// Wait for a request to one of the caller's prefixes and copy it into
// buffer; fill *envelope unless it is NULL. Returns its length or E_*.
int SysIpcReceive(Message *buffer, uint32_t capacity, IpcEnvelope *envelope);

// Answer the received request requestId with reply. Returns 0 or E_*.
int SysIpcReply(uint32_t requestId, const Message *reply);

// Tell process pid that job jobId finished with value. Returns 0 or E_*.
int SysIpcNotify(uint32_t pid, uint32_t jobId, int32_t value);

// Wait (at most timeoutMs, 0: no limit) for a notice into *out.
// Returns 0 or E_* (E_TIMEDOUT).
int SysIpcWaitNotify(IpcNotification *out, uint32_t timeoutMs);

// Map zeroed pages over [addr, addr + length) (page-aligned, user space,
// below the stack) with prot (1 read, 2 write, 4 exec); pages already
// there stay. Returns 0, E_INVAL or E_NOMEM.
int SysMemMap(uint32_t addr, uint32_t length, uint32_t prot);

// Unmap and free the pages of the range. Returns 0 or E_INVAL.
int SysMemUnmap(uint32_t addr, uint32_t length);

// From now on SysIpcReceive also returns MSG_PROCESS_EXIT notices
// (docs/ipc.md): process data[0..3] ended. Returns 0 or E_NOSPC.
int SysIpcWatchExits(void);

// Asynchronous jobs (include/clanker/job.h). Lend [buffer, buffer +
// length) to the server of name for access (IPC_JOB_SERVER_WRITES: it
// fills it; IPC_JOB_SERVER_READS: it takes from it); its pid goes to
// *server unless server is NULL. Returns the job id or E_*.
int SysIpcJobCreate(const char *name, const void *buffer, uint32_t length, uint32_t access,
                    uint32_t *server);

// Forget a job of one's own: no notice comes for it. Returns 0 or E_NOENT.
int SysIpcJobDrop(uint32_t jobId);

// The oldest notice queued, without waiting. Returns 0 or E_AGAIN.
int SysIpcNoticePoll(IpcNotification *out);

// A server's side of a job lent to it: its facts, a copy from the
// client's buffer (SysIpcJobRead) or into it (SysIpcJobWrite), its end
// (the client gets value). Return 0 or E_* (docs/syscalls.md).
int SysIpcJobQuery(uint32_t jobId, IpcJobFacts *out);
int SysIpcJobRead(uint32_t jobId, uint32_t offset, void *to, uint32_t length);
int SysIpcJobWrite(uint32_t jobId, uint32_t offset, const void *from, uint32_t length);
int SysIpcJobFinish(uint32_t jobId, int32_t value);

// SysIpcReceive that never waits: E_AGAIN when no request is queued.
int SysIpcReceivePoll(Message *buffer, uint32_t capacity, IpcEnvelope *envelope);

// Start path like SysSpawnEnv, with request's context (NULL: the
// caller's) and flags (SPAWN_SUSPENDED). Returns the child's pid or E_*.
int SysSpawnContext(const char *path, const SpawnRequest *request);

// Start child pid, made with SPAWN_SUSPENDED. Returns 0 or E_* (E_SRCH:
// no such child; E_INVAL: it is not suspended).
int SysResume(int pid);

// Copy the caller's context into *out. Returns 0 or E_*.
int SysContextGet(ProcessContext *out);

// Replace the caller's context (every name NUL-terminated within
// CONTEXT_NAME_MAX, else E_INVAL). Returns 0 or E_*.
int SysContextSet(const ProcessContext *context);

// printf-style output (lib/format.c conversions) to standard output
// (lib/user/stdio.c), or to the debug console when that stream cannot be
// reached; output beyond 511 characters is cut. Returns characters
// written or E_*.
int Print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// Parse a decimal int with an optional leading '-' into *out.
// Returns 0, or -1 (leaving *out alone) on an empty, malformed or
// out-of-range string.
int ParseInt(const char *s, int *out);

// --- the context and standard streams (lib/user/stdio.c) -------------------
// Native programs print and read through their context's stream names
// (include/clanker/context.h), by name with handle 0.

// The caller's context as the kernel holds it now (read again on every
// call into one static copy); NULL only if the kernel refused it.
const ProcessContext *ContextSelf(void);

// Write n bytes to stream CONTEXT_STDOUT or CONTEXT_STDERR. Returns n (or
// the part written before an error) or E_* (E_PIPE: nobody reads it any
// more; E_BADF: the stream's name is empty; E_INVAL: another stream).
int StdioWrite(int stream, const void *bytes, uint32_t n);

// Read at most n bytes of standard input: a line from a cooked console,
// what a pipe holds. Returns the count, 0 at the end of input, or E_*.
int StdioRead(void *buffer, uint32_t n);

// Resolve name against the working directory (lib/name.c NameJoin) into
// out (capacity bytes). Returns 0 or E_NAMETOOLONG / E_INVAL.
int NameResolve(const char *name, char *out, uint32_t capacity);

// --- memory (lib/user/malloc.c) -------------------------------------------
// A heap of at most 64 MiB (lib/heap.c over a reserved address range
// whose pages are mapped as it grows, SYS_MEM_MAP, and given back as it
// shrinks); blocks are 16-byte aligned. malloc returns NULL when the
// range is used up or the machine is out of memory. free
// of a pointer malloc did not return (or a double free) prints the
// problem and ends the program with exit code 134.
void *malloc(size_t size);
void free(void *ptr);

// --- IPC (lib/user/ipc.c) -------------------------------------------------
// Messages these calls return are malloc'd: release them with FreeMessage.

// A zeroed message of type with dataLength bytes of payload and its
// header filled in; NULL if dataLength > MESSAGE_MAX_DATA or out of memory.
Message *CreateMessage(uint32_t type, uint32_t dataLength);
void FreeMessage(Message *m);

// Send request to name and return the reply. On failure the reply is a
// MSG_ERROR message holding the E_* code (see MessageError); NULL only
// when out of memory. IpcSend waits without a time limit.
Message *IpcSendTimeout(const char *name, Message *request, uint32_t timeoutMs);
Message *IpcSend(const char *name, Message *request);

// Send a type request carrying payload (size bytes) to name and wait; the
// reply lands in reply (capacity bytes, room for the request too; payload
// may already sit at reply->data). Returns the reply's payload length, or
// an E_* code: the IPC's, or the one a MSG_ERROR reply carries.
// Allocates nothing.
int IpcCallInto(const char *name, uint32_t type, const void *payload, uint32_t size,
                Message *reply, uint32_t capacity);

// Connected handles: IpcConnect once, then IpcCall as often as needed
// (the request in request, the reply into reply, capacity bytes, no time
// limit; returns the reply's length or E_*), IpcDisconnect at the end.
int IpcConnect(const char *name);
int IpcCall(int handle, const Message *request, Message *reply, uint32_t capacity);
int IpcDisconnect(int handle);

// The E_* code of a MSG_ERROR reply (E_INVAL if it carries none), 0 for
// any other message, E_NOMEM for NULL.
int MessageError(const Message *reply);

// What a server runs for each request sent to one of its prefixes.
typedef void (*IpcHandler)(Message *request, const IpcEnvelope *envelope);

// Serve prefix with handler (for IpcServe). Returns 0 or E_*.
int NamespaceRegister(const char *prefix, IpcHandler handler);
int NamespaceUnregister(const char *prefix);

// Wait for the next request; fill *envelope (may be NULL). Returns the
// request (exactly its length), or NULL on error.
Message *IpcReceive(IpcEnvelope *envelope);

// Answer request requestId with reply, or with a MSG_ERROR carrying error.
// Return 0 or E_*.
int IpcReply(uint32_t requestId, const Message *reply);
int IpcReplyError(uint32_t requestId, int error);

// Forever: receive a request, run the handler it was registered with
// (a request for a prefix registered without one gets E_NOSYS), free it.
__attribute__((noreturn)) void IpcServe(void);

// Notify process pid that job jobId finished with value. Returns 0 or E_*.
int IpcNotify(uint32_t pid, uint32_t jobId, int32_t value);

// Wait at most timeoutMs (0: no limit; IPC_JOB_POLL: not at all) for a
// notice of no job this library started (those go to IpcJobWait).
// Returns 0 or E_* (E_TIMEDOUT).
int IpcWaitNotification(IpcNotification *out, uint32_t timeoutMs);

// --- asynchronous jobs (lib/user/job.c) -------------------------------------
// A job moves bytes between a file and the caller's buffer while the
// caller runs on (docs/ipc.md). The buffer is lent to the server until
// the job ends: the caller must leave it alone (and keep it) until then.

// A timeout meaning "do not wait": look once, E_TIMEDOUT if not done.
#define IPC_JOB_POLL 0xffffffffu

// Start reading length bytes at offset of the file name (handle: from
// MSG_OPEN for reading, or 0: by name) into buffer, or writing them from
// buffer (handle open for writing, or 0: by name, the file must exist).
// Returns the job id at once, or E_* (the server's refusal, or
// SysIpcJobCreate's: E_FAULT for a buffer outside user space).
int FsReadAsync(const char *name, int32_t handle, void *buffer, uint32_t length,
                uint64_t offset);
int FsWriteAsync(const char *name, int32_t handle, const void *buffer, uint32_t length,
                 uint64_t offset);

// Wait at most timeoutMs (0: no limit; IPC_JOB_POLL: not at all) for job
// jobId to end; *value gets the bytes it moved or its E_* code (E_DEAD:
// its server ended). Returns 0, E_TIMEDOUT, or E_NOENT (no job of this
// process's: never started, already waited for, or cancelled). Notices of
// other jobs that come meanwhile are kept for their own waits.
int IpcJobWait(uint32_t jobId, uint32_t timeoutMs, int32_t *value);

// The same for whichever job ends first: its id in *jobId. E_NOENT when
// no job is running.
int IpcJobWaitAny(uint32_t *jobId, int32_t *value, uint32_t timeoutMs);

// Ask the server of name to drop job jobId (MSG_CANCEL), and forget it
// whatever the answer: a wait for it is E_NOENT from now on and its
// notice, whenever it comes, is dropped. Returns 0 (the server stopped
// it), E_NOENT (it had ended already, or the server never had it), or
// the error of the request.
int IpcJobCancel(const char *name, uint32_t jobId);

// --- shared memory: grants (lib/user/grant.c) ------------------------------
// include/clanker/grant.h has the model, docs/ipc.md the rules.

// Grant [addr, addr + length) of the caller's memory (page-aligned,
// mapped, writable for GRANT_WRITE) to process granteePid with rights
// (GRANT_READ, GRANT_WRITE). Returns the grant id (>= 1) or E_*.
int GrantCreate(void *addr, uint32_t length, uint32_t rights, uint32_t granteePid);

// Map a grant made to the caller, with rights (a subset of the granted),
// where the kernel finds room: returns the address, or NULL on any
// error (SysGrantMap returns the address or the E_* code).
void *GrantMap(uint32_t grantId, uint32_t rights);
int SysGrantMap(uint32_t grantId, uint32_t rights);

// The grantee drops its mapping (the grant stays). Returns 0 or E_*.
int GrantUnmap(uint32_t grantId);

// The grantor ends the grant: gone from the grantee at once. Returns 0 or E_*.
int GrantRevoke(uint32_t grantId);

// The facts of a grant the caller made or was given. Returns 0 or E_*.
int GrantQuery(uint32_t grantId, GrantFacts *out);

// From now on SysIpcReceive (and SysIpcReplyWait, SysIpcReceivePoll, the
// skeleton's port) also returns the caller's queued notices as MSG_NOTICE
// messages (senderId 0, data an IpcNotification), before its requests,
// instead of leaving them for IpcWaitNotification. Returns 0.
int IpcWatchNotices(void);

// The server skeleton's port for ring-3 programs (lib/user/serverport.c;
// include/lib/server.h): SYS_IPC_RECEIVE and SYS_IPC_REPLY.
struct ServerPort;
extern const struct ServerPort serverPortUser;

#endif
