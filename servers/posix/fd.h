// fd.c: the fd table.
#ifndef SERVERS_POSIX_FD_H
#define SERVERS_POSIX_FD_H

#include "core.h"

PosixFile *FdNewFile(PosixFileKind kind, const PosixFileOps *ops, const PosixPath *path,
                     uint32_t flags);
int FdInstall(PosixProcess *p, PosixFile *f, int32_t minFd, int cloexec);
int FdFree(PosixProcess *p, int32_t minFd);
void FdRelease(PosixFile *f);
void FdCloseAll(PosixProcess *p);

int32_t LinuxSysClose(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysDup(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysDup2(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysDup3(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysFcntl(PosixProcess *p, const uint32_t *arg);

#endif
