// nsclient.c: requests to the namespace servers behind the mounts.
#ifndef SERVERS_POSIX_NSCLIENT_H
#define SERVERS_POSIX_NSCLIENT_H

#include "core.h"

Message *NsTransact(const char *name, const Message *request, int *err);
int NsRequest(const char *name, uint32_t type, const void *payload, uint32_t length,
              void *out, uint32_t capacity);
int NsStat(const PosixMount *mount, const char *name, FsStat *out);
int NsStatFile(const PosixFile *f, FsStat *out);
void NsClose(const char *name, int32_t handle);
int32_t NsReadInto(PosixProcess *p, const char *name, uint32_t type, const FsIo *io,
                   uint32_t buf);

// A server of names this server answers itself (posix:proc:): request
// for name on behalf of pid requester; the reply (the caller frees it),
// or NULL with *err.
typedef Message *(*NsLocalServer)(const char *name, const Message *request,
                                  uint32_t requester, int *err);
void NsServeLocally(const char *prefix, NsLocalServer serve);

#endif
