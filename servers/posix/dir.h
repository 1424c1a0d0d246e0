// dir.c: the calls on names.
#ifndef SERVERS_POSIX_DIR_H
#define SERVERS_POSIX_DIR_H

#include "core.h"

int32_t LinuxSysMkdir(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysMkdirat(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysRmdir(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysUnlink(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysUnlinkat(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysRename(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysRenameat(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysAccess(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysFaccessat(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysChdir(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysFchdir(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGetcwd(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGetdents64(PosixProcess *p, const uint32_t *arg);

#endif
