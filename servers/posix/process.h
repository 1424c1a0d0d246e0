// process.c: making and dropping process state; the calls about processes.
#ifndef SERVERS_POSIX_PROCESS_H
#define SERVERS_POSIX_PROCESS_H

#include "core.h"

PosixProcess *PosixProcessGet(uint32_t pid, int *err);
void PosixProcessEnded(uint32_t pid);
int PosixWaitCancel(PosixProcess *p, int32_t *value);

int32_t LinuxSysExit(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGetpid(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGetppid(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGetpgrp(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGetpgid(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSetpgid(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSetsid(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSetThreadArea(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSetTidAddress(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSetRobustList(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysPrctl(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysFork(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysClone(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysWaitpid(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysWait4(PosixProcess *p, const uint32_t *arg);

#endif
