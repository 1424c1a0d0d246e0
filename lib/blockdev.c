// The block protocol's requests, decoded and checked for a driver
// (include/lib/blockdev.h).
//
// Every request goes through two steps, in the seL4 manner: a decode
// step that checks everything and changes nothing (the device name, the
// payload's size, count, reserved, size limit, range, read-only), then
// the device's operation, which is handed only requests it can do. The
// decode step reads the device's state (its medium, its size) only once
// the request's shape has passed: Refresh, which may move the hardware
// (a floppy's motor and head), is never run for a malformed request. The
// order of the checks is the order of block.h's error list, so a request
// with two faults gets the same error from every driver:
//   E_NOENT (no such device), E_INVAL (shape), E_NXIO (no medium:
//   a removable device reporting 0 sectors), E_RANGE, E_ROFS.
#include <clanker/error.h>
#include <clanker/fs.h>
#include <lib/blockdev.h>
#include <lib/server.h>
#include <lib/string.h>

typedef struct Request {
    BlockDevSet *set;
    BlockDevice *dev;           // NULL for the prefix itself
    const Message *message;
    Message *reply;
} Request;

static void Answer(Message *reply, uint32_t dataLength)
{
    reply->type = MSG_RESPONSE;
    reply->length = MESSAGE_HEADER_SIZE + dataLength;
}

// The device name names under set's prefix, NULL for the prefix itself;
// *error is E_NOENT when name is neither.
static BlockDevice *FindDevice(BlockDevSet *set, const char *name, int *error)
{
    size_t length = strlen(set->prefix);

    *error = 0;
    if (strncmp(name, set->prefix, length) != 0) {
        *error = E_NOENT;
        return NULL;
    }
    name += length;
    if (*name == 0)
        return NULL;
    for (uint32_t i = 0; i < set->count; i++)
        if (strcmp(set->devices[i]->name, name) == 0)
            return set->devices[i];
    *error = E_NOENT;
    return NULL;
}

// The shape of a BlockIo at the start of m's payload, against dev's
// sector size: E_INVAL, or 0 with *io and *bytes (count * sectorSize).
static int DecodeIoShape(const BlockDevice *dev, const Message *m, BlockIo *io,
                         uint32_t *bytes)
{
    uint32_t sectorSize = dev->info.sectorSize;

    if (MessageDataLength(m) < sizeof(*io))
        return E_INVAL;
    memcpy(io, m->data, sizeof(*io));
    if (io->count == 0 || io->reserved != 0 || sectorSize == 0 ||
        io->count > BLOCK_IO_MAX / sectorSize)
        return E_INVAL;
    *bytes = io->count * sectorSize;
    if (m->type == MSG_READ && MessageDataLength(m) != sizeof(*io))
        return E_INVAL;
    if (m->type == MSG_WRITE && MessageDataLength(m) - sizeof(*io) != *bytes)
        return E_INVAL;
    return 0;
}

// Decode a BlockIo: the shape (E_INVAL), then the medium (E_NXIO) and
// the range (E_RANGE) against dev as Refresh left it.
static int DecodeIo(const BlockDevice *dev, const Message *m, BlockIo *io, uint32_t *bytes)
{
    int err = DecodeIoShape(dev, m, io, bytes);

    if (err)
        return err;
    if (dev->info.sectors == 0)
        return E_NXIO;                  // a removable device without its medium
    if (io->sector >= dev->info.sectors || io->count > dev->info.sectors - io->sector)
        return E_RANGE;
    return 0;
}

// The first half of decode, before Refresh: the payload's shape alone.
static int ShapeEmpty(const Request *r)
{
    return MessageDataLength(r->message) ? E_INVAL : 0;
}

static int ShapeIo(const Request *r)
{
    BlockIo io;
    uint32_t bytes;

    return DecodeIoShape(r->dev, r->message, &io, &bytes);
}

static int ShapeNotDirectory(const Request *r)
{
    (void)r;
    return E_NOTDIR;                    // a device is no directory
}

static int Query(Request *r)
{
    /* decode */
    if (MessageDataLength(r->message) != 0)
        return E_INVAL;
    /* invoke */
    memcpy(r->reply->data, &r->dev->info, sizeof(BlockInfo));
    Answer(r->reply, sizeof(BlockInfo));
    return 0;
}

static int Read(Request *r)
{
    BlockIo io;
    uint32_t bytes;
    int err;

    /* decode */
    if ((err = DecodeIo(r->dev, r->message, &io, &bytes)) != 0)
        return err;
    /* invoke: the request is well-formed and in range */
    err = r->dev->Read(r->dev, io.sector, io.count, r->reply->data);
    if (err)
        return err;
    Answer(r->reply, bytes);
    return 0;
}

static int Write(Request *r)
{
    BlockIo io;
    uint32_t bytes;
    int err;

    /* decode */
    if ((err = DecodeIo(r->dev, r->message, &io, &bytes)) != 0)
        return err;
    if (r->dev->info.flags & BLOCK_READ_ONLY)
        return E_ROFS;
    /* invoke: the request is well-formed, in range, allowed */
    err = r->dev->Write(r->dev, io.sector, io.count, r->message->data + sizeof(io));
    if (err)
        return err;
    Answer(r->reply, 0);
    return 0;
}

static int Sync(Request *r)
{
    int err;

    /* decode */
    if (MessageDataLength(r->message) != 0)
        return E_INVAL;
    if (r->dev->info.sectors == 0)
        return E_NXIO;
    /* invoke */
    err = r->dev->Sync ? r->dev->Sync(r->dev) : 0;
    if (err)
        return err;
    Answer(r->reply, 0);
    return 0;
}

static int List(Request *r);

// One handler per request type, with the shape check a request to a
// device passes before Refresh; the prefix itself only lists.
typedef struct Handler {
    int (*shape)(const Request *r);
    int (*serve)(Request *r);
} Handler;

static const Handler handlers[MSG_TYPE_LIMIT] = {
    [MSG_QUERY] = { ShapeEmpty,        Query },
    [MSG_READ]  = { ShapeIo,           Read },
    [MSG_WRITE] = { ShapeIo,           Write },
    [MSG_SYNC]  = { ShapeEmpty,        Sync },
    [MSG_LIST]  = { ShapeNotDirectory, List },
};

// MSG_LIST of the prefix: one FsDirEntry per device, in the driver's order
// (FsListRequest or no payload); a device is not a directory.
static int List(Request *r)
{
    FsListRequest want = { 0, FS_LIST_MAX };
    BlockDevSet *set = r->set;
    uint32_t n = 0, length = MessageDataLength(r->message);

    /* decode */
    if (r->dev)
        return E_NOTDIR;
    if (length != 0 && length != sizeof(want))
        return E_INVAL;
    if (length)
        memcpy(&want, r->message->data, sizeof(want));
    if (want.count == 0 || want.count > FS_LIST_MAX)
        want.count = FS_LIST_MAX;
    /* invoke */
    for (uint32_t i = want.index; i < set->count && n < want.count; i++, n++) {
        FsDirEntry entry;
        const BlockDevice *dev = set->devices[i];
        memset(&entry, 0, sizeof(entry));
        entry.size = dev->info.sectors * dev->info.sectorSize;
        entry.type = FS_TYPE_DEVICE;
        entry.id = i + 1;
        memcpy(entry.name, dev->name, strlen(dev->name) + 1);
        memcpy(r->reply->data + n * sizeof(entry), &entry, sizeof(entry));
    }
    Answer(r->reply, n * sizeof(FsDirEntry));
    return 0;
}

int BlockDevRequest(Server *s, ServerRequest *sr)
{
    BlockDevSet *set = s->state;
    Request r = { set, NULL, sr->message, sr->reply };
    uint32_t type = sr->message->type;
    const Handler *h = type < MSG_TYPE_LIMIT && handlers[type].serve ? &handlers[type] : NULL;
    int err;

    /* decode: the name, the type and the payload's shape... */
    r.dev = FindDevice(set, sr->envelope->name, &err);
    if (err)
        return err;
    if (h && !r.dev && type != MSG_LIST)
        return E_NOENT;                 // the prefix is no device
    if (!h)
        return E_INVAL;
    if (r.dev && (err = h->shape(&r)) != 0)
        return err;
    /* ...then the device's state, brought up to date, which the handler's
       own decode checks against before it invokes */
    if (r.dev && r.dev->Refresh && (err = r.dev->Refresh(r.dev)) != 0)
        return err;
    return h->serve(&r);
}
