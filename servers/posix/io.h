// io.c: reading, writing, seeking, truncating, ioctl.
#ifndef SERVERS_POSIX_IO_H
#define SERVERS_POSIX_IO_H

#include "core.h"

int32_t LinuxSysRead(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysWrite(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysReadv(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysWritev(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysPread64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysPwrite64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysLseek(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysLlseek(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysFtruncate64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysIoctl(PosixProcess *p, const uint32_t *arg);

#endif
