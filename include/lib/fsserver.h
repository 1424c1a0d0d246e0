// The filesystem protocol over a RamFs (lib/fsserver.c).
//
// Turns one request of include/clanker/fs.h into RamFs calls and builds
// the reply. It neither receives nor sends: the kernel-mode fs:root:
// server and the user-mode fs:temp: server each run their own loop around
// it, and the host tests and fuzzer call it directly. Every byte of a
// request is checked before it is used; whatever the request holds, the
// reply is a well-formed MSG_RESPONSE or MSG_ERROR.
#ifndef LIB_FSSERVER_H
#define LIB_FSSERVER_H

#include <stdint.h>
#include <clanker/fs.h>
#include <clanker/message.h>
#include <lib/ramfs.h>

typedef struct FsServer {
    RamFs *fs;
    const char *prefix;     // the registered prefix, e.g. "fs:root:"
    uint32_t prefixLength;
} FsServer;

// A server for fs under prefix (kept by reference, not copied).
void FsServerInit(FsServer *server, RamFs *fs, const char *prefix);

// Answer request, which the client sent to name, into reply (room for
// MESSAGE_MAX_SIZE bytes). The client is request->senderId. Returns 1 if
// reply must be sent, 0 if the request needs no answer (a kernel notice
// that a process ended: its handles are closed).
int FsServerHandle(FsServer *server, const Message *request, const char *name, Message *reply);

#endif
