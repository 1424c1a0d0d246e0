// The pipe: protocol (servers/pipe/, docs/servers.md).
//
// A pipe is a byte stream with a bounded buffer (PIPE_CAPACITY), named
// "pipe:N". It has read references and write references; a reader sees
// the end of file once the buffer is empty and no write reference is
// left, and a writer gets E_PIPE once no read reference is left. The
// pipe is freed when no reference of either kind is left.
//
// References are of two kinds:
//   - a handle (MSG_OPEN), owned by the process that opened it, dropped by
//     MSG_CLOSE or when that process ends;
//   - a process reference (PIPE_MSG_GRANT), held by a process without a
//     handle: it reads and writes with handle 0, and the reference is
//     dropped when that process ends or sends PIPE_MSG_RELEASE.
// The creator holds a process reference to both ends.
//
// How a shell builds `A | B`: MSG_CREATE to "pipe:" gives "pipe:7";
// spawn A with stdout "pipe:7" and B with stdin "pipe:7", both
// SPAWN_SUSPENDED; PIPE_MSG_GRANT A the write end and B the read end;
// PIPE_MSG_RELEASE its own references; SYS_RESUME both.
//
//   MSG_CREATE  "pipe:"  (empty)        -> "pipe:N" (text, NUL included)
//   MSG_OPEN    "pipe:N" PipeOpen       -> FsHandle; adoptPid's process
//                                          reference to that end (if any)
//                                          moves into the new handle
//   MSG_CLOSE   "pipe:N" FsHandle       -> (empty)
//   PIPE_MSG_GRANT   "pipe:N" PipeGrant -> (empty); E_SRCH if pid has ended
//   PIPE_MSG_RELEASE "pipe:N" PipeEnds  -> (empty); the sender's process
//                                          references to those ends
//   MSG_READ    "pipe:N" FsIo           -> 1..length bytes, waiting while
//                                          the buffer is empty and a writer
//                                          is left; empty: end of file
//   MSG_WRITE   "pipe:N" FsIo + bytes   -> FsCount (all of them), waiting
//                                          while full; E_PIPE: no reader
//   PIPE_MSG_TRY_READ, PIPE_MSG_TRY_WRITE: the same, but E_AGAIN at once
//                                          where they would wait (a write
//                                          then takes what fits, at least 1)
//   MSG_STAT    "pipe:N" (empty)        -> FsStat: FS_TYPE_PIPE, size =
//                                          bytes buffered, id = N, entries =
//                                          read references, handles = write
//                                          references (what poll needs)
//
// A request with handle 0 uses the sender's process reference to the end
// it needs, and is E_BADF without one; a handle must belong to the sender
// and have been opened for that end (E_BADF).
#ifndef CLANKER_PIPE_H
#define CLANKER_PIPE_H

#include <stdint.h>
#include <clanker/message.h>

#define PIPE_PREFIX   "pipe:"
#define PIPE_CAPACITY 16384u

#define PIPE_MSG_GRANT     (MSG_TYPE_LIMIT + 40)
#define PIPE_MSG_RELEASE   (MSG_TYPE_LIMIT + 41)
#define PIPE_MSG_TRY_READ  (MSG_TYPE_LIMIT + 42)
#define PIPE_MSG_TRY_WRITE (MSG_TYPE_LIMIT + 43)

#define PIPE_END_READ  1u
#define PIPE_END_WRITE 2u

typedef struct PipeEnds {
    uint32_t ends;          // PIPE_END_* bits
} PipeEnds;

typedef struct PipeGrant {
    uint32_t pid;           // the process to hold the reference
    uint32_t ends;          // PIPE_END_* bits
} PipeGrant;

typedef struct PipeOpen {
    uint32_t flags;         // FS_READ or FS_WRITE (one of them)
    uint32_t adoptPid;      // 0, or a process whose reference the handle takes over
} PipeOpen;

#endif
