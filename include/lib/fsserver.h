// The filesystem protocol over a filesystem backend (lib/fsserver.c).
//
// Turns one request of include/clanker/fs.h into backend calls and builds
// the reply. A backend is a table of functions with RamFs's semantics
// (lib/ramfs.h): RamFs itself (FsServerInit) or the FAT engine
// (lib/fatbackend.c, FsServerInitBackend). It neither receives nor sends:
// fs:root:, fs:temp: and fatfs are servers on the skeleton
// (include/lib/server.h) that route the protocol's requests to
// FsServerRequest, and the host tests and fuzzer call FsServerHandle
// directly. Every byte of a request is checked before it is used;
// whatever the request holds, the reply is a well-formed MSG_RESPONSE or
// MSG_ERROR.
#ifndef LIB_FSSERVER_H
#define LIB_FSSERVER_H

#include <stdint.h>
#include <clanker/fs.h>
#include <clanker/message.h>
#include <lib/ramfs.h>
#include <lib/server.h>

// What a filesystem offers the protocol. Each call returns 0 (or a
// count, a handle) or an E_* code and changes nothing when it fails, as
// the RamFs call of the same name does; owner is the client's pid.
typedef struct FsBackend {
    int (*open)(void *fs, const char *path, uint32_t flags, uint32_t owner);
    int (*close)(void *fs, int handle, uint32_t owner);
    uint32_t (*closeOwner)(void *fs, uint32_t owner);
    int (*read)(void *fs, int handle, uint32_t owner, uint64_t offset, void *buf,
                uint32_t length);
    int (*write)(void *fs, int handle, uint32_t owner, uint64_t offset, const void *buf,
                 uint32_t length);
    int (*truncate)(void *fs, const char *path, uint64_t size);
    int (*truncateHandle)(void *fs, int handle, uint32_t owner, uint64_t size);
    int (*stat)(void *fs, const char *path, FsStat *out);
    int (*statHandle)(void *fs, int handle, uint32_t owner, FsStat *out);
    // Up to count entries of directory path from number index on, in
    // byte-wise name order: returns how many (0 past the end) or E_*.
    int (*list)(void *fs, const char *path, uint32_t index, uint32_t count, FsDirEntry *out);
    int (*create)(void *fs, const char *path);
    int (*mkdir)(void *fs, const char *path);
    int (*remove)(void *fs, const char *path);      // a file (MSG_DELETE)
    int (*rmdir)(void *fs, const char *path);
    int (*rename)(void *fs, const char *from, const char *to);
    // 0 if handle is owner's and open for every flag of need (FS_READ,
    // FS_WRITE), else E_BADF (or why it is not usable); changes nothing.
    int (*usable)(void *fs, int handle, uint32_t owner, uint32_t need);
} FsBackend;

// The most one piece of a job moves (FsServerIdle).
#define FS_JOB_PIECE MESSAGE_MAX_DATA

// An asynchronous read or write the server has taken (MSG_READ_ASYNC,
// MSG_WRITE_ASYNC): the kernel's job, the handle its bytes go through,
// how far it has come.
typedef struct FsJob {
    uint32_t id;            // the kernel's job id; 0: a free slot
    uint32_t client;
    int32_t handle;
    uint8_t opened;         // the handle was opened by name for the job: closed at its end
    uint8_t write;          // a MSG_WRITE_ASYNC
    uint8_t ending;         // done; its end not yet accepted (the client's notices were full)
    int32_t result;         // what it ended with, once ending
    uint32_t length;        // bytes asked
    uint32_t done;          // bytes moved so far
    uint64_t offset;
} FsJob;

typedef struct FsServer {
    const FsBackend *backend;
    void *fs;
    const char *prefix;     // the registered prefix, e.g. "fs:root:"
    uint32_t prefixLength;
    FsJob jobs[FS_JOBS_MAX];
    uint32_t jobCount;      // slots in use
    uint32_t nextJob;       // where FsServerIdle looks first: the jobs take turns
    uint8_t piece[FS_JOB_PIECE];    // what a job's piece passes through
} FsServer;

// A server for fs under prefix (kept by reference, not copied).
void FsServerInit(FsServer *server, RamFs *fs, const char *prefix);

// A server for any backend: fs is passed to each of its functions.
void FsServerInitBackend(FsServer *server, const FsBackend *backend, void *fs,
                         const char *prefix);

// The skeleton's handler for the whole protocol: s->state is the
// FsServer, and s's reply buffer holds MESSAGE_MAX_SIZE bytes. Route
// every request to it (a type it does not know is E_INVAL, a name not
// under the prefix E_NOENT):
//   { SERVER_ANY_TYPE, NULL, FsServerRequest }
int FsServerRequest(Server *s, ServerRequest *r);

// The skeleton's ProcessEnded hook: the handles pid held are closed and
// its jobs dropped.
void FsServerEnded(Server *s, uint32_t pid);

// The skeleton's Idle hook: one piece (at most FS_JOB_PIECE bytes) of
// the next job, in turn, and a retry of a job's end the client could not
// take yet. Returns SERVER_POLL while jobs remain (the receive does not
// wait), else 0. A server that routes to FsServerRequest sets it, with a
// port that has the job calls; without them asynchronous requests are
// E_NOSYS.
uint32_t FsServerIdle(Server *s);

// Answer request, which the client sent to name, into reply (room for
// MESSAGE_MAX_SIZE bytes), as FsServerRequest does, outside a server (the
// host tests, the fuzzer). The client is request->senderId. Returns 1 if
// reply must be sent, 0 if the request needs no answer (a kernel notice
// that a process ended: its handles are closed).
int FsServerHandle(FsServer *server, const Message *request, const char *name, Message *reply);

#endif
