// Serving the block protocol (include/clanker/block.h) for a driver
// (lib/blockdev.c).
//
// A driver describes each device it found with a BlockDevice (its name
// under the driver's prefix, its BlockInfo and three operations) and
// routes every request its server (include/lib/server.h) receives to
// BlockDevRequest. That decodes and
// checks the request completely (the name, the payload's size, count,
// range, read-only) before it calls an operation, so an operation only
// ever sees a request it can carry out, and every driver gives the same
// errors in the same order. A device whose Refresh reports 0 sectors has
// no medium: its reads, writes and syncs are E_NXIO. The prefix itself (block:nvme:) answers
// MSG_LIST with one FsDirEntry per device.
#ifndef LIB_BLOCKDEV_H
#define LIB_BLOCKDEV_H

#include <stdint.h>
#include <clanker/block.h>
#include <clanker/message.h>
#include <lib/server.h>

typedef struct BlockDevice BlockDevice;

struct BlockDevice {
    const char *name;           // under the prefix: "0", "a"
    BlockInfo info;             // kept current by the driver (Refresh)
    void *driver;               // the driver's own state for this device
    // Bring info up to date before a request is checked against it (a
    // floppy looks at its medium here); called only for a request whose
    // shape is right. 0, or an E_* code that fails the request. May be
    // NULL.
    int (*Refresh)(BlockDevice *dev);
    // Move count sectors from sector on; the request has been checked:
    // count >= 1, in range, at most BLOCK_IO_MAX bytes. 0 or E_*.
    int (*Read)(BlockDevice *dev, uint64_t sector, uint32_t count, void *to);
    int (*Write)(BlockDevice *dev, uint64_t sector, uint32_t count, const void *from);
    // Flush the device's write cache. 0 or E_*. May be NULL (nothing cached).
    int (*Sync)(BlockDevice *dev);
};

typedef struct BlockDevSet {
    const char *prefix;         // "block:nvme:", with its last ':'
    BlockDevice **devices;
    uint32_t count;
} BlockDevSet;

// The skeleton's handler for the block protocol: s->state is the
// BlockDevSet, and s's reply buffer holds MESSAGE_MAX_SIZE bytes. Builds
// the reply (MSG_RESPONSE with the result) or returns the E_* code.
// Route every request to it:  { SERVER_ANY_TYPE, NULL, BlockDevRequest }
int BlockDevRequest(Server *s, ServerRequest *r);

#endif
