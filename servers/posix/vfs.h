// vfs.c: posix:vfs:/path.
#ifndef SERVERS_POSIX_VFS_H
#define SERVERS_POSIX_VFS_H

#include "core.h"

Message *VfsServe(const Message *request, const IpcEnvelope *envelope, int *err);
void VfsClientEnded(uint32_t pid);
void VfsTakeExe(const char *processName, char *out);

#endif
