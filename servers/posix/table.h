// table.c: the handler of each Linux i386 call number.
#ifndef SERVERS_POSIX_TABLE_H
#define SERVERS_POSIX_TABLE_H

#include "core.h"

typedef int32_t (*PosixHandler)(PosixProcess *p, const uint32_t *arg);
int32_t PosixDispatch(PosixProcess *p, const PosixCall *call);

#endif
