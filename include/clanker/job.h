// Asynchronous jobs: a client lends a server one buffer of its memory
// for one job, and the kernel tells it when the job is done
// (docs/ipc.md, "Asynchronous jobs").
//
// The client makes the job with SYS_IPC_JOB_CREATE: a buffer of its own
// memory, what the server may do with it, and the name of the server it
// lends it to (routed as a send would be). The kernel gives the job an
// id, unique in the whole system (not given again until 2^31 - 1 more
// jobs have been made). The client names the
// job in its request (FsAsyncIo for the file servers, include/clanker/fs.h);
// the server checks the job (SYS_IPC_JOB_QUERY: lent to it, by the
// request's sender, long enough, the right way), answers at once, and
// later copies between its memory and the client's buffer
// (SYS_IPC_JOB_READ, SYS_IPC_JOB_WRITE): it reaches only what was lent,
// and only the way it was lent. SYS_IPC_JOB_FINISH ends the job with a
// value (a count, an E_* code) that reaches the client as a notice
// (IpcNotification: senderId the server, jobId, value).
//
// Every job ends in exactly one way: finished by its server (one notice),
// dropped by its client (SYS_IPC_JOB_DROP: no notice), or by a death: its
// server's (a notice with E_DEAD, from the kernel) or its client's (the
// job is gone; the server's next copy or finish gets E_NOENT).
#ifndef CLANKER_JOB_H
#define CLANKER_JOB_H

#include <stdint.h>

// What the server may do with the buffer: exactly one of the two.
#define IPC_JOB_SERVER_WRITES 1u    // fill it (a read: MSG_READ_ASYNC)
#define IPC_JOB_SERVER_READS  2u    // take from it (a write: MSG_WRITE_ASYNC)

#define IPC_JOB_LENGTH_MAX (16u << 20)  // bytes one job may lend at most
#define IPC_JOB_CLIENT_MAX 16           // jobs one client may hold at once; more: E_NOSPC
#define IPC_JOB_MAX        64           // jobs in the whole system; more: E_NOSPC

// What SYS_IPC_JOB_QUERY tells the server about a job lent to it.
typedef struct IpcJobFacts {
    uint32_t client;        // pid of the client that lent the buffer
    uint32_t length;        // its length in bytes
    uint32_t access;        // IPC_JOB_SERVER_WRITES or IPC_JOB_SERVER_READS
} IpcJobFacts;

#endif
