// exec.c: execve.
#ifndef SERVERS_POSIX_EXEC_H
#define SERVERS_POSIX_EXEC_H

#include "core.h"

#define POSIX_EXEC_FILE_MAX (16u << 20) // the largest program execve reads
#define POSIX_EXEC_STRINGS  32          // execve: argv entries, and envp entries, at most
#define POSIX_EXEC_STRING   4096        // execve: one string with its NUL, at most
#define POSIX_EXEC_TOTAL    (60u << 10) // execve: every string of argv and envp together

int32_t LinuxSysExecve(PosixProcess *p, const uint32_t *arg);

#endif
