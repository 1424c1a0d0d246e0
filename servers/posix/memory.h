// memory.c: the memory calls.
#ifndef SERVERS_POSIX_MEMORY_H
#define SERVERS_POSIX_MEMORY_H

#include "core.h"

void MemoryInit(PosixProcess *p, const ProcessFacts *facts);
void MemoryFree(PosixProcess *p);

int32_t LinuxSysBrk(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysMmap2(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysMunmap(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysMprotect(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysMremap(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysMadvise(PosixProcess *p, const uint32_t *arg);

#endif
