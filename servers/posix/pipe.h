// pipe.c: pipes of this server.
#ifndef SERVERS_POSIX_PIPE_H
#define SERVERS_POSIX_PIPE_H

#include "core.h"

void PipeProcessEnded(uint32_t pid);
int PipeCancel(PosixProcess *p, int32_t *value);

int32_t LinuxSysPipe(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysPipe2(PosixProcess *p, const uint32_t *arg);

#endif
