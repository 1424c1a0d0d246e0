// system.c: uname, rlimits, user ids, umask, getrandom, sysinfo.
#ifndef SERVERS_POSIX_SYSTEM_H
#define SERVERS_POSIX_SYSTEM_H

#include "core.h"

int32_t LinuxSysUname(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSysinfo(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysUgetrlimit(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGetuid(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysUmask(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGetrandom(PosixProcess *p, const uint32_t *arg);

#endif
