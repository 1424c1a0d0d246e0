// stat.c: the stat family and readlink.
#ifndef SERVERS_POSIX_STAT_H
#define SERVERS_POSIX_STAT_H

#include "core.h"

int32_t LinuxSysStat64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysFstat64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysFstatat64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysStatx(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysReadlink(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysReadlinkat(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysLstat64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysUtimensat(PosixProcess *p, const uint32_t *arg);

#endif
