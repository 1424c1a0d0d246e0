// A process's context: its working directory and its three standard
// streams, as namespace names (docs/processes.md).
//
// The kernel keeps one ProcessContext in every process. A child gets a
// copy of its parent's (or the one its spawner passes with
// SYS_SPAWN_CONTEXT); boot.conf programs start with cwd "fs:root:" and
// every stream on "console:". The kernel only stores and copies it: the
// names mean something to the programs and servers that use them.
//
//   cwd        where relative names resolve: a name ending in ':' or '/'
//              ("fs:root:", "fs:root:bin/", "fs:temp:work/")
//   stdio[0]   standard input:  MSG_READ FsIo{handle 0} reads it
//   stdio[1]   standard output: MSG_WRITE FsIo{handle 0} writes it
//   stdio[2]   standard error
//
// A stream name is any object that serves reads or writes by name:
// "console:", a pipe "pipe:7" (include/clanker/pipe.h), a file.
#ifndef CLANKER_CONTEXT_H
#define CLANKER_CONTEXT_H

#include <stdint.h>

#define CONTEXT_NAME_MAX 128            // bytes of one name, its NUL included

#define CONTEXT_STDIN  0
#define CONTEXT_STDOUT 1
#define CONTEXT_STDERR 2

typedef struct ProcessContext {
    char cwd[CONTEXT_NAME_MAX];         // NUL-terminated
    char stdio[3][CONTEXT_NAME_MAX];    // NUL-terminated
} ProcessContext;

// SYS_SPAWN_CONTEXT flags.
#define SPAWN_SUSPENDED 1u      // made but not started: SYS_RESUME starts it
#define SPAWN_FLAGS     1u      // every valid bit; others give E_INVAL

// What SYS_SPAWN_CONTEXT takes, beside the path.
typedef struct SpawnRequest {
    const char *const *argv;            // NULL-terminated, or NULL
    const char *const *envp;            // NULL-terminated, or NULL
    const ProcessContext *context;      // NULL: a copy of the caller's
    uint32_t flags;                     // SPAWN_*
} SpawnRequest;

#endif
