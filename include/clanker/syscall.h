// The native system-call interface (docs/syscalls.md).
//
// A user program raises int 0x40 (SYSCALL_VECTOR) with the call number in
// eax and up to five arguments in ebx, ecx, edx, esi, edi. The result
// comes back in eax: a non-negative value on success, or a negative
// E_* code from <clanker/error.h>. Every other register is preserved.
// int 0x80 is left free for the POSIX layer.
#ifndef CLANKER_SYSCALL_H
#define CLANKER_SYSCALL_H

#define SYSCALL_VECTOR 0x40

#define SYS_EXIT         1   // (int code)                        never returns
#define SYS_DEBUG_WRITE  2   // (const char *text, uint32 length) -> length
#define SYS_GETPID       3   // ()                                -> pid
#define SYS_YIELD        4   // ()                                -> 0
#define SYS_SLEEP        5   // (uint32 milliseconds)             -> 0
#define SYS_SPAWN        6   // (const char *path, const char *const *argv, const char *const *envp) -> pid
#define SYS_WAIT         7   // (int pid, int *status, uint32 options) -> pid
#define SYS_KILL         8   // (int pid)                         -> 0
#define SYS_UPTIME       9   // ()                                -> milliseconds since boot
#define SYS_GETPPID     10   // ()                                -> parent pid (0: none)
// IPC and namespaces (docs/ipc.md).
#define SYS_NS_REGISTER    11  // (const char *prefix, uint32 handler)  -> 0
#define SYS_NS_UNREGISTER  12  // (const char *prefix)                  -> 0
#define SYS_IPC_SEND       13  // (const char *name, const Message *request,
                               //  Message *reply, uint32 replyCapacity,
                               //  uint32 timeoutMs (0: none))          -> reply length
#define SYS_IPC_RECEIVE    14  // (Message *buffer, uint32 capacity,
                               //  IpcEnvelope *envelope (may be NULL)) -> request length
#define SYS_IPC_REPLY      15  // (uint32 requestId, const Message *reply) -> 0
#define SYS_IPC_NOTIFY     16  // (uint32 pid, uint32 jobId, int32 value)  -> 0
#define SYS_IPC_WAIT_NOTIFY 17 // (IpcNotification *out, uint32 timeoutMs)  -> 0
#define SYS_IPC_WATCH_EXITS 18 // ()  -> 0; from now on IpcReceive also returns
                               //  MSG_PROCESS_EXIT notices (docs/ipc.md)
// Memory (docs/syscalls.md).
#define SYS_MEM_MAP     19  // (uint32 addr, uint32 length, uint32 prot) -> 0: zeroed pages
                            //  (page-aligned; prot: the mmap PROT_* bits)
#define SYS_MEM_UNMAP   20  // (uint32 addr, uint32 length) -> 0
// The process context (include/clanker/context.h, docs/syscalls.md).
#define SYS_SPAWN_CONTEXT 21 // (const char *path, const SpawnRequest *request) -> pid
#define SYS_RESUME        22 // (int pid) -> 0: start a child made SPAWN_SUSPENDED
#define SYS_CONTEXT_GET   23 // (ProcessContext *out) -> 0: the caller's context
#define SYS_CONTEXT_SET   24 // (const ProcessContext *context) -> 0: replace it
#define SYS_IPC_CONNECT   25 // (const char *name) -> handle >= 1 on the name's server
#define SYS_IPC_CALL      26 // (handle, request, reply, capacity, timeoutMs) -> reply length
#define SYS_IPC_DISCONNECT 27 // (handle) -> 0
#define SYS_IPC_REPLY_WAIT 28 // (requestId, const Message *reply, IpcReceiveArgs *receive) -> request length
// Asynchronous jobs (include/clanker/job.h, docs/ipc.md). The client's:
#define SYS_IPC_JOB_CREATE  29 // (const char *name, uint32 buffer, uint32 length,
                               //  uint32 access, uint32 *serverPid (may be NULL)) -> job id
#define SYS_IPC_JOB_DROP    30 // (uint32 jobId) -> 0: forget it, no notice comes
#define SYS_IPC_NOTICE_POLL 31 // (IpcNotification *out) -> 0, or E_AGAIN: none there
// The server's:
#define SYS_IPC_JOB_QUERY   32 // (uint32 jobId, IpcJobFacts *out) -> 0
#define SYS_IPC_JOB_READ    33 // (uint32 jobId, uint32 offset, void *to, uint32 length) -> 0
#define SYS_IPC_JOB_WRITE   34 // (uint32 jobId, uint32 offset, const void *from, uint32 length) -> 0
#define SYS_IPC_JOB_FINISH  35 // (uint32 jobId, int32 value) -> 0: the client is notified
#define SYS_IPC_RECEIVE_POLL 36 // (Message *buffer, uint32 capacity, IpcEnvelope *envelope)
                                //  -> SYS_IPC_RECEIVE's result, or E_AGAIN: nothing there
// Shared memory: grants (include/clanker/grant.h, docs/ipc.md).
#define SYS_GRANT_CREATE    37 // (uint32 addr, uint32 length, uint32 rights, uint32 granteePid)
                               //  -> grant id >= 1
#define SYS_GRANT_MAP       38 // (uint32 grantId, uint32 rights) -> the address it is mapped at
#define SYS_GRANT_UNMAP     39 // (uint32 grantId) -> 0: the grantee drops its mapping
#define SYS_GRANT_REVOKE    40 // (uint32 grantId) -> 0: the grantor ends the grant
#define SYS_GRANT_QUERY     41 // (uint32 grantId, GrantFacts *out) -> 0
#define SYS_IPC_WATCH_NOTICES 42 // () -> 0; from now on the receive calls also return
                                 //  the caller's notices as MSG_NOTICE messages
#define SYS_COUNT         43

// Limits on what SYS_SPAWN accepts.
#define SPAWN_MAX_ARGS     32
#define SPAWN_MAX_ARG_LEN  256
#define SPAWN_MAX_PATH     256

// SYS_WAIT options.
#define WAIT_NOHANG 1u      // return 0 at once when no matching child has ended
#define WAIT_OPTIONS 1u     // every valid bit; others give E_INVAL

// Exit status as SYS_WAIT reports it (the Linux wait-status encoding):
// a normal exit keeps its code in bits 8-15; a process killed by a fault
// or by SYS_KILL has the signal number in bits 0-6.
#define WAIT_STATUS_EXITED(code)  (((code) & 0xff) << 8)
#define WAIT_STATUS_SIGNALED(sig) ((sig) & 0x7f)
#define WAIT_IF_EXITED(s)         (((s) & 0x7f) == 0)
#define WAIT_EXIT_CODE(s)         (((s) >> 8) & 0xff)
#define WAIT_TERM_SIGNAL(s)       ((s) & 0x7f)

// Signal numbers used in wait statuses (the Linux i386 values).
#define SIGNAL_ILL   4      // invalid opcode
#define SIGNAL_TRAP  5      // breakpoint / debug
#define SIGNAL_FPE   8      // divide error, x87/SIMD errors
#define SIGNAL_KILL  9      // SYS_KILL
#define SIGNAL_BUS   7      // alignment check
#define SIGNAL_SEGV 11      // page fault, general protection, stack fault

#endif
