// The filesystem protocol: what fs:root:, fs:temp: and the console serve
// (docs/servers.md has the full table).
//
// Every request goes to the full name of the object it is about, such as
// fs:root:etc/boot.conf; the server takes the part after its prefix as a
// path. Payloads are these little-endian structures, packed as declared
// (every field is naturally aligned). A success is MSG_RESPONSE, a failure
// MSG_ERROR carrying an int32 E_* code. A payload of the wrong size for
// its request is E_INVAL.
//
//   MSG_OPEN      FsOpen                    -> FsHandle
//   MSG_CLOSE     FsHandle                  -> (empty)
//   MSG_READ      FsIo                      -> the bytes read (empty at the end)
//   MSG_WRITE     FsIo + length bytes       -> FsCount
//   MSG_TRUNCATE  FsTruncate                -> (empty)
//   MSG_STAT      (empty) or FsHandle       -> FsStat
//   MSG_LIST      (empty) or FsListRequest  -> up to 'count' FsDirEntry
//   MSG_CREATE    (empty)                   -> (empty)   an empty file
//   MSG_MKDIR     (empty)                   -> (empty)
//   MSG_DELETE    (empty)                   -> (empty)   a file
//   MSG_RMDIR     (empty)                   -> (empty)   an empty directory
//   MSG_RENAME    the new full name, NUL-terminated, same server -> (empty)
//   MSG_READ_ASYNC  FsAsyncIo               -> FsJobId, at once; the job's notice later
//   MSG_WRITE_ASYNC FsAsyncIo               -> FsJobId, at once; the job's notice later
//   MSG_CANCEL    FsJobId                   -> (empty); the job's notice: E_CANCELED
//   MSG_QUERY     (empty)                   -> FsServerStatus
//
// Asynchronous reads and writes (include/clanker/job.h): the client lends
// its buffer to the server as a job first (SYS_IPC_JOB_CREATE, lib/user's
// FsReadAsync and FsWriteAsync do it all) and names the job in the
// request. The server checks everything before it takes the job, answers
// with its id at once, then moves the bytes between the file and the
// client's buffer in pieces while it serves other requests and the
// client runs on. The job's notice carries the bytes moved (a read stops
// short at the end of the file) or an E_* code: E_FAULT when a page of
// the buffer is not there, E_BADF when the handle was closed meanwhile,
// the backend's errors; E_DEAD from the kernel when the server ends.
//
// Handles: FsIo.handle 0 means "by name": the request opens the name,
// does its work and closes it again, so a client can read or write a file
// in one message. A handle from MSG_OPEN belongs to the process that
// opened it; it reaches only the file it was opened on (the name of the
// request does not matter then) and is closed when that process ends.
#ifndef CLANKER_FS_H
#define CLANKER_FS_H

#include <stdint.h>
#include <clanker/job.h>
#include <clanker/message.h>

// FsOpen.flags
#define FS_READ      0x01u  // reads allowed
#define FS_WRITE     0x02u  // writes and truncation allowed
#define FS_CREATE    0x04u  // create the file if it is missing
#define FS_EXCLUSIVE 0x08u  // with FS_CREATE: E_EXIST if it exists
#define FS_TRUNCATE  0x10u  // with FS_WRITE: empty it on open
#define FS_APPEND    0x20u  // with FS_WRITE: every write goes at the end
#define FS_OPEN_FLAGS 0x3fu // every valid bit; others give E_INVAL

// FsStat.type, FsDirEntry.type
#define FS_TYPE_FILE 1u
#define FS_TYPE_DIR  2u
#define FS_TYPE_DEVICE 3u   // a console or other stream
#define FS_TYPE_PIPE   4u   // a pipe: stream (include/clanker/pipe.h)
#define FS_TYPE_LINK   5u   // a symbolic link: MSG_READ by name gives its target (posix:proc:)

#define FS_NAME_MAX 255u    // bytes in one name component

typedef struct FsOpen {
    uint32_t flags;
} FsOpen;

typedef struct FsHandle {
    int32_t handle;         // > 0
} FsHandle;

typedef struct FsIo {
    int32_t handle;         // from MSG_OPEN, or 0: by name
    uint32_t length;        // bytes to read or bytes that follow (at most FS_IO_MAX)
    uint64_t offset;        // where in the file (ignored by streams)
} FsIo;

// The most one MSG_READ returns or one MSG_WRITE carries.
#define FS_IO_MAX (MESSAGE_MAX_DATA - (uint32_t)sizeof(FsIo))

typedef struct FsCount {
    uint32_t count;         // bytes written
} FsCount;

typedef struct FsTruncate {
    int32_t handle;         // from MSG_OPEN (opened with FS_WRITE), or 0: by name
    uint32_t reserved;      // 0
    uint64_t size;          // the new size in bytes
} FsTruncate;

typedef struct FsStat {
    uint32_t type;          // FS_TYPE_*
    uint32_t id;            // unique within the server
    uint64_t size;          // bytes (files)
    uint64_t version;       // changes whenever the object changes
    uint32_t entries;       // names in a directory
    uint32_t handles;       // open handles on a file
} FsStat;

typedef struct FsListRequest {
    uint32_t index;         // first entry wanted (entries are in byte-wise name order)
    uint32_t count;         // at most this many (0 or too many: as many as fit)
} FsListRequest;

typedef struct FsDirEntry {
    uint64_t size;
    uint32_t type;
    uint32_t id;
    char name[FS_NAME_MAX + 1];     // NUL-terminated
} FsDirEntry;

// Entries in one MSG_LIST reply at most.
#define FS_LIST_MAX (MESSAGE_MAX_DATA / (uint32_t)sizeof(FsDirEntry))

typedef struct FsAsyncIo {
    int32_t handle;         // from MSG_OPEN (for reading, or for writing), or 0: by name
    uint32_t length;        // bytes to move: 1 to FS_ASYNC_MAX, at most the job's
    uint64_t offset;        // where in the file; offset + length must not wrap
    uint32_t job;           // the job lending the buffer to this server, from the sender
    uint32_t reserved;      // 0
} FsAsyncIo;

#define FS_ASYNC_MAX IPC_JOB_LENGTH_MAX // bytes one asynchronous request moves at most
#define FS_JOBS_MAX  16                 // jobs one server runs at once; more: E_NOSPC

typedef struct FsJobId {
    uint32_t job;           // MSG_*_ASYNC's reply: the job taken; MSG_CANCEL: the job to drop
} FsJobId;

typedef struct FsServerStatus {
    uint32_t jobs;          // asynchronous jobs running (or waiting to report their end) now
    uint32_t jobsMax;       // FS_JOBS_MAX
} FsServerStatus;

#endif
