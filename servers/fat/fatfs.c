// fatfs: a FAT12/16/32 volume on a block device, served as a filesystem.
//
//   fatfs BLOCKNS FSPREFIX        e.g.  fatfs block:ide:0.0.0 fs:disk:
//
// Asks BLOCKNS for its size (MSG_QUERY -> BlockInfo), mounts the volume
// through lib/fat with sector callbacks that send MSG_READ/MSG_WRITE to
// BLOCKNS (at most BLOCK_IO_MAX bytes a request), registers FSPREFIX and
// serves the protocol of include/clanker/fs.h through lib/fsserver.c and
// lib/fatbackend.c. A read-only device mounts read-only (changes give
// E_ROFS). Two requests of its own, to FSPREFIX with no payload:
//   MSG_SYNC     write out what is cached, then MSG_SYNC to BLOCKNS
//   MSG_UNMOUNT  the same, then reply, give up FSPREFIX and exit (status 0)
// lib/fat writes its metadata through at the end of every request, so a
// completed request is on the device even without MSG_SYNC.
//
// A volume that does not mount prints one line and exits with status 1.
#include <clanker/block.h>
#include <clanker/fs.h>
#include <lib/errortext.h>
#include <lib/fat.h>
#include <lib/fatbackend.h>
#include <lib/fsserver.h>
#include <lib/server.h>
#include <lib/string.h>
#include <lib/user.h>

typedef union Buffer {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} Buffer;

static Buffer request, reply, io;
static const char *blockName, *prefix;
static uint32_t sectorSize;
static Fat *fat;

// Transfer count sectors at sector through the block device, in requests
// of at most BLOCK_IO_MAX bytes.
static int BlockTransfer(void *context, uint64_t sector, uint32_t count, void *buffer, int write)
{
    uint32_t most = BLOCK_IO_MAX / sectorSize;
    uint8_t *bytes = buffer;

    (void)context;
    while (count) {
        uint32_t n = count < most ? count : most, size = n * sectorSize;
        BlockIo blockIo = { sector, n, 0 };
        int got;
        memcpy(io.message.data, &blockIo, sizeof(blockIo));
        if (write)
            memcpy(io.message.data + sizeof(blockIo), bytes, size);
        got = IpcCallInto(blockName, write ? MSG_WRITE : MSG_READ, io.message.data,
                          sizeof(blockIo) + (write ? size : 0), &io.message, sizeof(io));
        if (got < 0)
            return got;
        if (!write) {
            if ((uint32_t)got != size)
                return E_IO;
            memcpy(bytes, io.message.data, size);
        }
        sector += n;
        count -= n;
        bytes += size;
    }
    return 0;
}

static int BlockRead(void *context, uint64_t sector, uint32_t count, void *buffer)
{
    return BlockTransfer(context, sector, count, buffer, 0);
}

static int BlockWrite(void *context, uint64_t sector, uint32_t count, void *buffer)
{
    return BlockTransfer(context, sector, count, buffer, 1);
}

// Query the device and mount it. Returns 0 or E_*.
static int MountDevice(Fat **fat)
{
    BlockInfo info;
    FatDevice device;
    int n = IpcCallInto(blockName, MSG_QUERY, NULL, 0, &io.message, sizeof(io));

    if (n < 0)
        return n;
    if ((uint32_t)n != sizeof(info))
        return E_INVAL;
    memcpy(&info, io.message.data, sizeof(info));
    sectorSize = info.sectorSize;
    if (sectorSize == 0 || sectorSize > BLOCK_IO_MAX)
        return E_INVAL;
    device = (FatDevice){ NULL, BlockRead, BlockWrite, info.sectorSize, info.sectors,
                          (info.flags & BLOCK_READ_ONLY) != 0 };
    return FatMount(&device, malloc, free, fat);
}

// Write out the volume, then the device's cache.
static int Flush(void)
{
    int err = FatFlush(fat);

    if (!err)
        err = IpcCallInto(blockName, MSG_SYNC, NULL, 0, &io.message, sizeof(io));
    return err < 0 ? err : 0;
}

// MSG_SYNC: everything cached goes to the device.
static int Sync(Server *s, ServerRequest *r)
{
    (void)s;
    /* decode */
    if (MessageDataLength(r->message))
        return E_INVAL;
    /* invoke */
    return Flush();
}

// MSG_UNMOUNT: as MSG_SYNC, then answer, give up the prefix and exit.
static int Unmount(Server *s, ServerRequest *r)
{
    int err;

    /* decode */
    if (MessageDataLength(r->message))
        return E_INVAL;
    /* invoke */
    if ((err = Flush()) != 0)
        return err;
    ServerReplyNow(s, r);
    SysNsUnregister(prefix);
    FatUnmount(fat);
    SysExit(0);
}

// The two requests of its own; the rest is the filesystem protocol's.
static const ServerRoute routes[] = {
    { MSG_SYNC, NULL, Sync },
    { MSG_UNMOUNT, NULL, Unmount },
    { SERVER_ANY_TYPE, NULL, FsServerRequest },
};

int main(int argc, char **argv)
{
    static FsServer fsServer;
    static Server server = {
        .name = "fatfs", .port = &serverPortUser, .routes = routes,
        .routeCount = sizeof(routes) / sizeof(routes[0]), .ProcessEnded = FsServerEnded,
        .Idle = FsServerIdle, .requestBuffer = &request.message, .replyBuffer = &reply.message,
        .capacity = sizeof(request), .state = &fsServer,
    };
    FatBackend *backend;
    int err;

    if (argc != 3) {
        Print("usage: fatfs BLOCKNS FSPREFIX\n");
        return 2;
    }
    blockName = argv[1];
    prefix = argv[2];
    if ((err = MountDevice(&fat)) != 0) {
        Print("fatfs: %s: cannot mount: %s\n", blockName, ErrorText(err));
        return 1;
    }
    if (!(backend = FatBackendCreate(fat, malloc, free)))
        err = E_NOMEM;
    if (!err)
        err = SysIpcWatchExits();
    if (!err)
        err = SysNsRegister(prefix, 0);
    if (err) {
        Print("fatfs: cannot serve %s: %s\n", prefix, ErrorText(err));
        FatUnmount(fat);
        return 1;
    }
    FsServerInitBackend(&fsServer, &fatBackend, backend, prefix);
    ServerRun(&server);
}
