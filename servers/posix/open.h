// open.c: open and openat.
#ifndef SERVERS_POSIX_OPEN_H
#define SERVERS_POSIX_OPEN_H

#include "core.h"

// Open an already resolved path with O_* flags (no O_CLOEXEC).
int OpenPath(const PosixPath *path, uint32_t flags, PosixFile **out);

int32_t LinuxSysOpen(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysOpenat(PosixProcess *p, const uint32_t *arg);

#endif
