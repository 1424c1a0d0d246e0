// The block protocol: what block:ide:C.CH.D, block:floppy:a|b and
// block:nvme:N serve (docs/servers.md has the table).
//
// A block device is one name, such as block:ide:0.0.0 (controller 0,
// channel 0, device 0: the primary master). Requests go to that name;
// payloads are these little-endian structures, packed as declared. A
// success is MSG_RESPONSE, a failure MSG_ERROR carrying an int32 E_* code.
//
//   MSG_QUERY   (empty)                        -> BlockInfo
//   MSG_READ    BlockIo                        -> count * sectorSize bytes
//   MSG_WRITE   BlockIo + count*sectorSize bytes -> (empty)
//   MSG_SYNC    (empty)                        -> (empty)  the device's write cache flushed
//
// One request goes to a driver's own prefix (block:ide:, block:nvme:):
//
//   MSG_STAT    (empty)                        -> BlockStats  the driver's counters
//
// Under make bench's -icount the TSC counts guest instructions, but how
// long an emulated device takes depends on the host; the time a driver
// spends waiting for its device (BlockStats.waitCycles) is what a
// benchmark leaves out to get the same figure on every machine.
//
// Errors every driver gives the same way:
//   E_INVAL    a payload of the wrong size; count 0; a write whose data is
//              not exactly count * sectorSize bytes (misaligned); more than
//              BLOCK_IO_MAX bytes in one request
//   E_RANGE    sector + count past the end of the device (or overflowing)
//   E_ROFS     a write to a read-only device (BLOCK_READ_ONLY)
//   E_NODEV    a request the device cannot serve (reads of an ATAPI drive)
//   E_IO       the device reported an error for the transfer
//   E_TIMEDOUT the device did not answer in time (it never hangs the driver)
//   E_NOENT    no such device under the driver's prefix
// A failed request changes nothing it did not report: a failed write may
// have written some of its sectors, never any outside its range.
#ifndef CLANKER_BLOCK_H
#define CLANKER_BLOCK_H

#include <stdint.h>
#include <clanker/message.h>

#define BLOCK_PREFIX "block:"

// BlockInfo.flags
#define BLOCK_READ_ONLY 0x1u    // writes give E_ROFS
#define BLOCK_REMOVABLE 0x2u    // the medium can change (floppy, CD)
#define BLOCK_ATAPI     0x4u    // an ATAPI (packet) device: reported, not served

#define BLOCK_MODEL_MAX 48      // BlockInfo.model with its NUL

// The most one request moves: 60 KiB, a whole number of 512-, 2048- and
// 4096-byte sectors, so a write and its BlockIo fit in one message.
#define BLOCK_IO_MAX (60u * 1024)

typedef struct BlockInfo {
    uint64_t sectors;           // the device's size in sectors
    uint32_t sectorSize;        // bytes per sector (512, 2048, 4096)
    uint32_t flags;             // BLOCK_*
    char model[BLOCK_MODEL_MAX];    // NUL-terminated, trailing blanks removed
} BlockInfo;

typedef struct BlockIo {
    uint64_t sector;            // the first sector
    uint32_t count;             // sectors, at least 1
    uint32_t reserved;          // 0
} BlockIo;

typedef struct BlockStats {
    uint64_t waitCycles;        // TSC ticks spent waiting for the devices
    uint32_t requests;          // commands sent to the devices
    uint32_t reserved;          // 0
} BlockStats;

#endif
