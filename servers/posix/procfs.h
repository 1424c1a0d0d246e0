// procfs.c: posix:proc:.
#ifndef SERVERS_POSIX_PROCFS_H
#define SERVERS_POSIX_PROCFS_H

#include "core.h"

// Answer request (the filesystem protocol, read-only) for name, a name
// under posix:proc:, on behalf of pid requester ("self"). Returns the
// reply (the caller frees it) or NULL with *err.
Message *ProcfsTransact(const char *name, const Message *request, uint32_t requester,
                        int *err);

// Fill *out (sysinfo(2)) from proc:'s uptime, load, memory and process list.
void ProcfsSysinfo(LinuxSysinfo *out);

#endif
