// user.c: copies to and from the caller's memory (servers/posix/core.h).
#ifndef SERVERS_POSIX_USER_H
#define SERVERS_POSIX_USER_H

#include "core.h"

int UserRead(PosixProcess *p, void *to, uint32_t from, uint32_t length);
int UserWrite(PosixProcess *p, uint32_t to, const void *from, uint32_t length);
int UserReadString(PosixProcess *p, char *to, uint32_t from, uint32_t capacity);
int UserCheckWritable(PosixProcess *p, uint32_t addr, uint32_t length);
int UserFirstIovec(PosixProcess *p, uint32_t iov, uint32_t count, uint32_t *base,
                   uint32_t *length);

#endif
