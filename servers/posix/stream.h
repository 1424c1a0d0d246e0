// stream.c: pipe ends served by pipe: (f->pipe NULL, f->handle the
// pipe: server's). StreamOpen opens name's read or write end, taking
// over adoptPid's reference to it; StreamRetry is ConsoleRetry for
// waiting stream transfers.
#ifndef SERVERS_POSIX_STREAM_H
#define SERVERS_POSIX_STREAM_H

#include "core.h"

int StreamOpen(const char *name, int writing, uint32_t adoptPid, PosixFile **out);
uint32_t StreamRetry(void);
int StreamCancel(PosixProcess *p, int32_t *value);
void StreamProcessEnded(uint32_t pid);

#endif
