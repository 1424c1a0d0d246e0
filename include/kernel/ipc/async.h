// Asynchronous jobs (kernel/ipc/async.c): buffers clients lend to
// servers, and the calls that never wait that servers and clients run
// jobs with. include/clanker/job.h has the model; docs/ipc.md the rules.
//
// The current process is the caller of each: the client for
// IpcJobCreate, IpcJobDrop and IpcNoticePoll, the server the job was
// lent to for the others. A job of another process, or one that has
// ended, is E_NOENT to everyone else.
#ifndef KERNEL_IPC_ASYNC_H
#define KERNEL_IPC_ASYNC_H

#include <stdint.h>
#include <clanker/job.h>
#include <clanker/message.h>
#include <kernel/ipc/ipc.h>
#include <kernel/proc/process.h>

// Lend [buffer, buffer + length) of the caller's user memory to the
// process serving name, for access (one IPC_JOB_SERVER_* bit). Returns the
// new job's id (> 0) and the server's pid in *server, or E_INVAL (access,
// length 0 or over IPC_JOB_LENGTH_MAX, a name the kernel serves itself),
// E_FAULT (the range leaves user space or wraps), E_NOENT (no server;
// E_INVAL, E_NAMETOOLONG for a malformed name), E_BUSY (the caller serves
// name itself), E_NOSPC (IPC_JOB_CLIENT_MAX jobs held, or IPC_JOB_MAX in
// all). The buffer's pages are looked at only when the server copies.
int IpcJobCreate(const char *name, uint32_t buffer, uint32_t length, uint32_t access,
                 uint32_t *server);

// The client forgets its job: no notice will come for it from now on
// (one already queued stays). Returns 0 or E_NOENT.
int IpcJobDrop(uint32_t jobId);

// Take the oldest notice queued for the caller without waiting.
// Returns 0, or E_AGAIN when there is none.
int IpcNoticePoll(IpcNotification *out);

// What the server needs to check a job lent to it. Returns 0 or E_NOENT.
int IpcJobQuery(uint32_t jobId, IpcJobFacts *out);

// Copy length bytes from offset in the job's buffer into the server's
// memory at to (a read from the client: IPC_JOB_SERVER_READS), or from
// the server's memory at from into it (IPC_JOB_SERVER_WRITES), a page
// at a time. Returns 0, or E_NOENT (no such job lent to the caller; its
// client ended or dropped it, even midway), E_PERM (lent the other way),
// E_RANGE (past the buffer's end), E_FAULT (a page of the client's
// buffer that is not there or not writable, or the server's own memory
// is bad: the pages before it are copied).
int IpcJobRead(uint32_t jobId, uint32_t offset, IpcMemory memory, uintptr_t to,
               uint32_t length);
int IpcJobWrite(uint32_t jobId, uint32_t offset, IpcMemory memory, uintptr_t from,
                uint32_t length);

// End the job: its client gets the notice {server, jobId, value}.
// Returns 0, E_NOENT, or E_AGAIN (the client's notice queue is full:
// nothing changed, the server tries again later).
int IpcJobFinish(uint32_t jobId, int32_t value);

// IpcReceiveTimed that never waits: E_AGAIN when no request (and, after
// IpcWatchNotices, no notice) is queued for the caller. (An exit notice
// waits for the next request or notice, or the next receive that waits.)
int IpcReceivePoll(IpcMemory memory, uintptr_t buffer, uint32_t capacity, uintptr_t envelope);

// The KernelApi's forms, in kernel memory.
int IpcJobReadKernel(uint32_t jobId, uint32_t offset, void *to, uint32_t length);
int IpcJobWriteKernel(uint32_t jobId, uint32_t offset, const void *from, uint32_t length);
int IpcReceivePollKernel(Message *buffer, uint32_t capacity, IpcEnvelope *envelope);

// p is ending (after IpcProcessGone): the jobs it lent are gone; those
// lent to it end with E_DEAD, a notice from p to each client.
void IpcJobsProcessGone(Process *p);

#endif
