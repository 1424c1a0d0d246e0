// fs:root: — the initial RAM disk as a writable filesystem (kernel-mode).
//
// At start it copies every directory and file of the initrd (a USTAR
// archive the kernel hands over through the KernelApi) into a RamFs, byte
// for byte, then serves it with the protocol of include/clanker/fs.h
// (lib/fsserver.c does the work). Files grow until the kernel heap runs
// out; a request that would need more fails with E_NOMEM and changes
// nothing. It asks the kernel for exit notices, so a client's handles
// are closed when the client ends.
//
// Run from etc/boot.conf:  kernel servers/fsroot
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/kernelapi.h>
#include <lib/fsserver.h>
#include <lib/kapi.h>
#include <lib/server.h>
#include <lib/string.h>
#include <lib/tar.h>

#define PREFIX "fs:root:"

static const KernelApi *api;

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request, reply;

// Make every directory on the way to path (which is modified and restored).
static int MakeParents(RamFs *fs, char *path)
{
    for (char *p = path; *p; p++) {
        int err;
        if (*p != '/')
            continue;
        *p = 0;
        err = RamFsMkdir(fs, path);
        *p = '/';
        if (err && err != E_EXIST)
            return err;
    }
    return 0;
}

// Copy one archive entry into fs. Returns 0 or an error.
static int LoadEntry(RamFs *fs, TarEntry *entry)
{
    int err = MakeParents(fs, entry->name), handle;

    if (err || entry->name[0] == 0)
        return err;
    if (entry->type == TAR_DIRECTORY) {
        err = RamFsMkdir(fs, entry->name);
        return err == E_EXIST ? 0 : err;
    }
    if (entry->type != TAR_FILE)
        return 0;                       // links and devices: not kept
    handle = RamFsOpen(fs, entry->name, RAMFS_WRITE | RAMFS_CREATE | RAMFS_TRUNCATE, 0);
    if (handle < 0)
        return handle;
    err = RamFsWrite(fs, handle, 0, 0, entry->data, entry->size);
    RamFsClose(fs, handle, 0);
    return err < 0 ? err : 0;
}

// Copy the initrd into fs. Returns how many entries failed.
static int LoadInitrd(RamFs *fs)
{
    uint32_t size;
    const uint8_t *archive = api->InitrdImage(&size);
    TarReader reader;
    TarEntry entry;
    int failed = 0, more;

    TarOpen(&reader, archive, archive ? size : 0);
    while ((more = TarNext(&reader, &entry)) > 0) {
        int err = LoadEntry(fs, &entry);
        if (err) {
            api->Print("fsroot: %s: not loaded (error %d)\n", entry.name, err);
            failed++;
        }
    }
    if (more < 0)
        api->Print("fsroot: the initrd is damaged (error %d); loaded what came before\n", more);
    return failed + (more < 0);
}

// Every request is the filesystem protocol's (lib/fsserver.c).
static const ServerRoute routes[] = {
    { SERVER_ANY_TYPE, NULL, FsServerRequest },
};

int main(const KernelApi *kernel, int argc, char **argv)
{
    static FsServer fsServer;
    static ServerPort port;
    static Server server = {
        .name = "fsroot", .routes = routes, .routeCount = sizeof(routes) / sizeof(routes[0]),
        .ProcessEnded = FsServerEnded, .Idle = FsServerIdle, .requestBuffer = &request.message,
        .replyBuffer = &reply.message, .capacity = sizeof(request), .state = &fsServer,
    };
    RamFs *fs;

    (void)argc; (void)argv;
    api = kernel;
    fs = RamFsCreate(api->kmalloc, api->kfree, UINT64_MAX);
    if (!fs) {
        api->Print("fsroot: out of memory\n");
        return 1;
    }
    LoadInitrd(fs);
    FsServerInit(&fsServer, fs, PREFIX);
    if (api->IpcWatchExits() != 0 || api->NamespaceRegister(PREFIX, NULL) != 0) {
        api->Print("fsroot: cannot serve %s\n", PREFIX);
        return 1;
    }
    port = ServerPortKernelApi(api);
    server.port = &port;
    ServerRun(&server);
}
