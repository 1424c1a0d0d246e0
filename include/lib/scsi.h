// The SCSI command layer (lib/scsi.c): block devices that speak SCSI
// (SPC and SBC), whatever carries the commands.
//
// A transport (USB Bulk-Only Transport in drivers/usb, virtio-scsi in
// drivers/virtioscsi) runs one command at a time through its Execute
// operation; this layer builds the CDBs, decodes what comes back (status,
// sense data, INQUIRY, READ CAPACITY) into ClankerOS errors, retries a
// command that meets UNIT ATTENTION, and turns a disk into a BlockDevice
// (include/lib/blockdev.h), so every SCSI disk serves the same block
// protocol as ide, nvme and floppy. docs/scsi.md has the whole picture.
//
// Everything that parses bytes from a device is a pure function with its
// length given, so the host tests (tests/host) and the fuzz target
// (tests/fuzz) can run it on any input.
#ifndef LIB_SCSI_H
#define LIB_SCSI_H

#include <stdint.h>
#include <lib/blockdev.h>

// Operation codes (SPC-4, SBC-3).
#define SCSI_TEST_UNIT_READY    0x00
#define SCSI_REQUEST_SENSE      0x03
#define SCSI_INQUIRY            0x12
#define SCSI_READ_CAPACITY_10   0x25
#define SCSI_READ_10            0x28
#define SCSI_WRITE_10           0x2a
#define SCSI_SYNCHRONIZE_CACHE  0x35
#define SCSI_READ_16            0x88
#define SCSI_WRITE_16           0x8a
#define SCSI_SERVICE_ACTION_IN  0x9e    // service action 0x10: READ CAPACITY (16)

// Status bytes (SAM).
#define SCSI_STATUS_GOOD            0x00
#define SCSI_STATUS_CHECK_CONDITION 0x02
#define SCSI_STATUS_BUSY            0x08

// Sense keys (SPC-4, 4.5.6).
#define SCSI_SENSE_NO_SENSE        0x0
#define SCSI_SENSE_RECOVERED_ERROR 0x1
#define SCSI_SENSE_NOT_READY       0x2
#define SCSI_SENSE_MEDIUM_ERROR    0x3
#define SCSI_SENSE_HARDWARE_ERROR  0x4
#define SCSI_SENSE_ILLEGAL_REQUEST 0x5
#define SCSI_SENSE_UNIT_ATTENTION  0x6
#define SCSI_SENSE_DATA_PROTECT    0x7
#define SCSI_SENSE_ABORTED_COMMAND 0xb

#define SCSI_CDB_MAX    16
#define SCSI_SENSE_MAX  32

typedef enum ScsiDirection {
    SCSI_DIR_NONE,              // no data phase
    SCSI_DIR_IN,                // device to host (a read)
    SCSI_DIR_OUT,               // host to device (a write)
} ScsiDirection;

// One command and what came of it.
typedef struct ScsiCommand {
    uint8_t cdb[SCSI_CDB_MAX];
    uint8_t cdbLength;          // 6, 10, 12 or 16
    ScsiDirection direction;
    void *data;                 // length bytes, NULL when length is 0
    uint32_t length;            // the data phase the host expects
    // Set by the transport:
    uint32_t transferred;       // bytes moved (<= length)
    uint8_t status;             // SCSI_STATUS_*
    uint8_t senseLength;        // bytes of sense the transport fetched (0: none)
    uint8_t sense[SCSI_SENSE_MAX];
} ScsiCommand;

// What carries commands to one logical unit.
typedef struct ScsiTransport {
    void *context;
    // Run cmd. Returns 0 when the device completed it (cmd->status says
    // how: a CHECK CONDITION with or without sense), or an E_* code when
    // the transport could not: E_IO (a stall it could not clear, a bad
    // CSW, a short or long transfer it cannot account for), E_TIMEDOUT
    // (no answer in time), E_DEAD (the device is gone). A transport that
    // cannot fetch sense itself leaves senseLength 0; the layer then
    // sends REQUEST SENSE.
    int (*Execute)(void *context, ScsiCommand *cmd);
    uint32_t maxTransfer;       // the most bytes one command may move
} ScsiTransport;

// Decoded fixed- or descriptor-format sense data.
typedef struct ScsiSense {
    uint8_t key;                // SCSI_SENSE_*
    uint8_t asc, ascq;          // additional sense code and qualifier
} ScsiSense;

// What INQUIRY says (standard data, SPC-4 6.6.2).
typedef struct ScsiInquiry {
    uint8_t peripheralType;     // 0: direct access block device
    uint8_t qualifier;          // 0: connected; 3: no unit at this LUN
    uint8_t removable;
    char vendor[9], product[17], revision[5];   // trailing blanks removed
} ScsiInquiry;

typedef struct ScsiCapacity {
    uint64_t blocks;            // the last LBA + 1
    uint32_t blockSize;         // bytes per block
} ScsiCapacity;

// A disk on one transport, as ScsiDiskProbe found it.
typedef struct ScsiDisk {
    ScsiTransport transport;
    ScsiInquiry inquiry;
    ScsiCapacity capacity;
    int use16;                  // READ/WRITE (16): past 2^32 blocks
    uint32_t retries;           // commands sent again after UNIT ATTENTION
    BlockDevice device;         // served by BlockDevRequest; device.driver is this disk
} ScsiDisk;

// --- decoding (pure: any bytes in, a result or an error out) ---------------

// Decode sense data (length bytes at sense: response code 0x70/0x71 fixed,
// 0x72/0x73 descriptor). Returns 0, or E_INVAL if it is neither or too short.
int ScsiSenseDecode(const uint8_t *sense, uint32_t length, ScsiSense *out);

// The ClankerOS error for a completed command's status and sense (sense
// NULL: none came): 0 for GOOD (and RECOVERED ERROR), E_AGAIN for UNIT
// ATTENTION, BUSY, TASK SET FULL and NOT READY "becoming ready" (retry),
// E_NXIO for NOT READY with no medium, E_IO for MEDIUM and HARDWARE
// ERROR, E_RANGE for ILLEGAL REQUEST "LBA out of range", E_INVAL for any
// other ILLEGAL REQUEST, E_ROFS for DATA PROTECT, E_IO for anything else
// (a CHECK CONDITION without sense among them).
int ScsiCommandError(uint8_t status, const ScsiSense *sense);

// Parse INQUIRY data / READ CAPACITY (10) / READ CAPACITY (16) data.
// Returns 0 or E_INVAL (too short; a block size other than 512..65536 and
// a power of two; a capacity of 0).
int ScsiParseInquiry(const uint8_t *data, uint32_t length, ScsiInquiry *out);
int ScsiParseCapacity10(const uint8_t *data, uint32_t length, ScsiCapacity *out);
int ScsiParseCapacity16(const uint8_t *data, uint32_t length, ScsiCapacity *out);

// --- commands ----------------------------------------------------------------

// Ask the unit who it is and how big it is: TEST UNIT READY (retried on
// UNIT ATTENTION), INQUIRY, READ CAPACITY (10), and (16) when (10) says
// 0xffffffff. Fills disk->inquiry, capacity and device (name is the
// caller's). Returns 0 or E_*: E_NODEV for a unit that is not a
// direct-access block device.
int ScsiDiskProbe(ScsiDisk *disk, const char *name);

// Move count blocks at lba, split into commands of at most maxTransfer
// bytes. The range is checked before anything is sent (E_RANGE; E_INVAL
// for count 0). A command is sent again after UNIT ATTENTION or BUSY, at
// most 4 times in all; one that moves fewer bytes than asked is E_IO, and
// no command follows a failed one. 0 or E_*. ScsiDiskSync is
// SYNCHRONIZE CACHE (10); a unit that does not know it has nothing to
// flush (0).
int ScsiDiskRead(ScsiDisk *disk, uint64_t lba, uint32_t count, void *to);
int ScsiDiskWrite(ScsiDisk *disk, uint64_t lba, uint32_t count, const void *from);
int ScsiDiskSync(ScsiDisk *disk);

#endif
