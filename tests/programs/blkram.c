// blkram IMAGE[,ro]...: block devices in memory, for tests.
//
// Reads each file IMAGE (any fs name, e.g. fs:root:disk.img, a whole
// number of 512-byte sectors) into memory and serves the N-th as
// block:ram:N (the prefix block:ram:) with the block protocol of
// include/clanker/block.h and its errors: MSG_QUERY, MSG_READ, MSG_WRITE
// (E_ROFS for an IMAGE,ro, which reports BLOCK_READ_ONLY), MSG_SYNC; a
// name without a device is E_NOENT. Nothing goes back to IMAGE.
//
// So that a test can see what was written without a disk, every MSG_SYNC
// first prints each sector of that device written since its last sync on
// the debug console, in 64-byte pieces, one line each:
//     blkram: N SECTOR OFFSET HEX
// (decimal device, sector and byte offset, 128 hex digits). Applied in
// order to a copy of IMAGE, these lines give the device's content.
#include <clanker/block.h>
#include <clanker/fs.h>
#include <lib/string.h>
#include <lib/user.h>

#define SECTOR 512u
#define PIECE  64u

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request, reply;

#define PREFIX "block:ram:"
#define DEVICES_MAX 4

typedef struct Device {
    uint8_t *disk, *dirty;
    uint64_t sectors;
    uint32_t flags;
} Device;

static Device devices[DEVICES_MAX];
static uint32_t deviceCount;
static uint32_t number;             // the device of the request being served

#define disk    (devices[number].disk)
#define dirty   (devices[number].dirty)
#define sectors (devices[number].sectors)
#define flags   (devices[number].flags)

// Read the whole file name into disk. Returns 0 or E_*.
static int Load(const char *name)
{
    FsStat st;
    uint64_t at = 0;
    int n = IpcCallInto(name, MSG_STAT, NULL, 0, &reply.message, sizeof(reply));

    if (n < 0)
        return n;
    memcpy(&st, reply.message.data, sizeof(st));
    if (st.type != FS_TYPE_FILE || st.size == 0 || st.size % SECTOR || st.size > (48u << 20))
        return E_INVAL;
    sectors = st.size / SECTOR;
    disk = malloc((size_t)st.size);
    dirty = malloc((size_t)sectors);
    if (!disk || !dirty)
        return E_NOMEM;
    memset(dirty, 0, (size_t)sectors);
    while (at < st.size) {
        FsIo io = { 0, FS_IO_MAX, at };
        n = IpcCallInto(name, MSG_READ, &io, sizeof(io), &reply.message, sizeof(reply));
        if (n <= 0)
            return n < 0 ? n : E_IO;
        memcpy(disk + at, reply.message.data, (size_t)n);
        at += (uint32_t)n;
    }
    return 0;
}

// Check a transfer's BlockIo. Returns 0 or the protocol's error.
static int CheckIo(const Message *m, BlockIo *io, uint32_t dataLength)
{
    uint32_t payload = MessageDataLength(m);

    if (payload < sizeof(*io))
        return E_INVAL;
    memcpy(io, m->data, sizeof(*io));
    if (io->count == 0 || io->reserved || (uint64_t)io->count * SECTOR > BLOCK_IO_MAX)
        return E_INVAL;
    if (payload != sizeof(*io) + dataLength)
        return E_INVAL;
    if (io->sector > sectors || io->count > sectors - io->sector)
        return E_RANGE;
    return 0;
}

static int Query(const Message *m)
{
    BlockInfo info = { sectors, SECTOR, flags, "ClankerOS RAM disk" };

    if (MessageDataLength(m))
        return E_INVAL;
    memcpy(reply.message.data, &info, sizeof(info));
    reply.message.length += sizeof(info);
    return 0;
}

static int Read(const Message *m)
{
    BlockIo io;
    int err = CheckIo(m, &io, 0);

    if (err)
        return err;
    memcpy(reply.message.data, disk + io.sector * SECTOR, io.count * SECTOR);
    reply.message.length += io.count * SECTOR;
    return 0;
}

static int Write(const Message *m)
{
    BlockIo io;
    int err;

    if (MessageDataLength(m) < sizeof(io))
        return E_INVAL;
    memcpy(&io, m->data, sizeof(io));
    if ((err = CheckIo(m, &io, io.count * SECTOR)) != 0)
        return err;
    if (flags & BLOCK_READ_ONLY)
        return E_ROFS;
    memcpy(disk + io.sector * SECTOR, m->data + sizeof(io), io.count * SECTOR);
    memset(dirty + io.sector, 1, io.count);
    return 0;
}

// Print the sectors written since the last sync.
static int Sync(const Message *m)
{
    static const char hex[] = "0123456789abcdef";
    char line[2 * PIECE + 1];

    if (MessageDataLength(m))
        return E_INVAL;
    for (uint64_t s = 0; s < sectors; s++) {
        if (!dirty[s])
            continue;
        dirty[s] = 0;
        for (uint32_t at = 0; at < SECTOR; at += PIECE) {
            for (uint32_t i = 0; i < PIECE; i++) {
                line[2 * i] = hex[disk[s * SECTOR + at + i] >> 4];
                line[2 * i + 1] = hex[disk[s * SECTOR + at + i] & 15];
            }
            line[2 * PIECE] = 0;
            Print("blkram: %u %u %u %s\n", number, (uint32_t)s, at, line);
        }
    }
    return 0;
}

static int (*const handlers[MSG_TYPE_LIMIT])(const Message *) = {
    [MSG_QUERY] = Query, [MSG_READ] = Read, [MSG_WRITE] = Write, [MSG_SYNC] = Sync,
};

// The device a name under PREFIX means. Returns 0 or E_NOENT.
static int Pick(const char *name)
{
    const char *digits = name + strlen(PREFIX);
    int n;

    if (strncmp(name, PREFIX, strlen(PREFIX)) != 0 || ParseInt(digits, &n) != 0 || n < 0 ||
        (uint32_t)n >= deviceCount || digits[0] == '-' || (digits[0] == '0' && digits[1]))
        return E_NOENT;
    number = (uint32_t)n;
    return 0;
}

int main(int argc, char **argv)
{
    char image[NS_NAME_MAX + 1];
    IpcEnvelope envelope;
    int err = 0;

    if (argc < 2 || argc > 1 + DEVICES_MAX) {
        Print("usage: blkram IMAGE[,ro]...\n");
        return 2;
    }
    for (int i = 1; i < argc && !err; i++) {
        uint32_t n = strlen(argv[i]);
        int ro = n > 3 && strcmp(argv[i] + n - 3, ",ro") == 0;
        if (n - (ro ? 3 : 0) > NS_NAME_MAX)
            err = E_NAMETOOLONG;
        memcpy(image, argv[i], n - (ro ? 3 : 0));
        image[n - (ro ? 3 : 0)] = 0;
        number = deviceCount++;
        flags = ro ? BLOCK_READ_ONLY : 0;
        if (!err && (err = Load(image)) != 0)
            Print("blkram: %s: error %d\n", image, err);
    }
    if (!err && (err = SysNsRegister(PREFIX, 0)) != 0)
        Print("blkram: cannot serve %s: error %d\n", PREFIX, err);
    if (err)
        return 1;
    for (;;) {
        Message *m = &request.message;
        if (SysIpcReceive(m, sizeof(request), &envelope) < 0 || m->senderId == 0)
            continue;
        reply.message = (Message){ .type = MSG_RESPONSE, .length = MESSAGE_HEADER_SIZE };
        err = Pick(envelope.name);
        if (!err)
            err = m->type < MSG_TYPE_LIMIT && handlers[m->type] ? handlers[m->type](m) : E_NOSYS;
        if (err)
            IpcReplyError(m->requestId, err);
        else
            SysIpcReply(m->requestId, &reply.message);
    }
}
