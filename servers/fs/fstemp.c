// fs:temp: — an empty scratch filesystem served by a user-mode program.
//
// The same protocol and the same code (lib/fsserver.c over lib/ramfs.c)
// as the kernel-mode fs:root:, run in ring 3 on the user runtime: memory
// comes from the program's malloc heap (64 MiB at most, mapped as it
// grows), so files stop growing with E_NOMEM when it or the machine's
// memory is full. Handles of a client that ends are closed
// (exit notices, SysIpcWatchExits).
//
// Run from etc/boot.conf:  user bin/fstemp [PREFIX]   (default fs:temp:)
#include <lib/fsserver.h>
#include <lib/server.h>
#include <lib/user.h>

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request, reply;

// Every request is the filesystem protocol's (lib/fsserver.c).
static const ServerRoute routes[] = {
    { SERVER_ANY_TYPE, NULL, FsServerRequest },
};

int main(int argc, char **argv)
{
    const char *prefix = argc > 1 ? argv[1] : "fs:temp:";
    RamFs *fs = RamFsCreate(malloc, free, UINT64_MAX);
    static FsServer fsServer;
    static Server server = {
        .name = "fstemp", .port = &serverPortUser, .routes = routes,
        .routeCount = sizeof(routes) / sizeof(routes[0]), .ProcessEnded = FsServerEnded,
        .Idle = FsServerIdle, .requestBuffer = &request.message, .replyBuffer = &reply.message,
        .capacity = sizeof(request), .state = &fsServer,
    };
    int err;

    if (!fs)
        return 1;
    FsServerInit(&fsServer, fs, prefix);
    err = SysIpcWatchExits();
    if (!err)
        err = SysNsRegister(prefix, 0);
    if (err) {
        Print("fstemp: cannot serve %s (error %d)\n", prefix, err);
        return 1;
    }
    ServerRun(&server);
}
