// Host unit tests for lib/blockdev.c (the block protocol for a driver).
//
// A fake driver serves two devices under "block:fake:": "0", a disk of
// 100 sectors of 512 bytes, and "1", read-only. Each test sends requests
// as a client's would arrive and checks the error or the reply, and what
// reached the driver: how often Refresh ran and which operations were
// called. A malformed request must be refused before Refresh (a
// floppy's motor and head never move for it) and before any operation;
// a well-formed one is checked against the device as Refresh left it.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <clanker/block.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <lib/blockdev.h>
#include <lib/server.h>

#define PREFIX  "block:fake:"
#define SECTORS 100u

typedef union Buffer {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} Buffer;

// What the driver saw, and what its next Refresh reports.
typedef struct Seen {
    int refreshes, reads, writes, syncs;
    uint64_t sector;
    uint32_t count;
    uint64_t sectorsAfterRefresh;       // the medium Refresh finds
    int refreshError;
} Seen;

static Seen seen;
static Buffer request, reply;
static BlockDevice disk, rom;
static BlockDevice *devices[2] = { &disk, &rom };
static BlockDevSet set = { PREFIX, devices, 2 };
static Server server = { .name = "fake", .state = &set };

static int FakeRefresh(BlockDevice *dev)
{
    seen.refreshes++;
    dev->info.sectors = seen.sectorsAfterRefresh;
    return seen.refreshError;
}

static int FakeRead(BlockDevice *dev, uint64_t sector, uint32_t count, void *to)
{
    (void)dev;
    seen.reads++;
    seen.sector = sector;
    seen.count = count;
    memset(to, 0xab, count * 512);
    return 0;
}

static int FakeWrite(BlockDevice *dev, uint64_t sector, uint32_t count, const void *from)
{
    (void)dev; (void)from;
    seen.writes++;
    seen.sector = sector;
    seen.count = count;
    return 0;
}

static int FakeSync(BlockDevice *dev)
{
    (void)dev;
    seen.syncs++;
    return 0;
}

static int Setup(void **state)
{
    (void)state;
    memset(&seen, 0, sizeof(seen));
    seen.sectorsAfterRefresh = SECTORS;
    disk = (BlockDevice){ "0", { SECTORS, 512, 0, "disk" }, NULL,
                          FakeRefresh, FakeRead, FakeWrite, FakeSync };
    rom = (BlockDevice){ "1", { SECTORS, 512, BLOCK_READ_ONLY, "rom" }, NULL,
                         FakeRefresh, FakeRead, FakeWrite, NULL };
    return 0;
}

// Send type with size bytes of payload to name; returns the handler's
// result (0: the reply in reply.message).
static int Send(const char *name, uint32_t type, const void *payload, uint32_t size)
{
    IpcEnvelope envelope = { 0, { 0 } };
    ServerRequest r = { &request.message, &envelope, 1, &reply.message, sizeof(reply), 0 };

    strcpy(envelope.name, name);
    request.message = (Message){ .type = type, .length = MESSAGE_HEADER_SIZE + size,
                                 .senderId = 1, .requestId = 7 };
    if (size)
        memcpy(request.message.data, payload, size);
    reply.message = (Message){ .type = MSG_RESPONSE, .length = MESSAGE_HEADER_SIZE };
    return BlockDevRequest(&server, &r);
}

// A MSG_READ or MSG_WRITE of count sectors at sector, with extra bytes
// after the BlockIo (for a write: its data, or the wrong amount of it).
static int SendIo(const char *name, uint32_t type, uint64_t sector, uint32_t count,
                  uint32_t reserved, uint32_t extra)
{
    static uint8_t payload[MESSAGE_MAX_DATA];
    BlockIo io = { sector, count, reserved };

    memcpy(payload, &io, sizeof(io));
    memset(payload + sizeof(io), 0x5a, extra);
    return Send(name, type, payload, sizeof(io) + extra);
}

static void ExpectUntouched(void)
{
    assert_int_equal(seen.refreshes, 0);
    assert_int_equal(seen.reads + seen.writes + seen.syncs, 0);
}

// Every malformed request to a device: E_INVAL (E_NOTDIR for a listing),
// with neither Refresh nor an operation run.
static void test_malformed_requests_never_reach_the_device(void **state)
{
    uint8_t junk[8] = { 0 };

    (void)state;
    assert_int_equal(Send(PREFIX "0", MSG_QUERY, junk, 1), E_INVAL);
    assert_int_equal(Send(PREFIX "0", MSG_SYNC, junk, 4), E_INVAL);
    assert_int_equal(Send(PREFIX "0", MSG_READ, junk, 8), E_INVAL);          // short BlockIo
    assert_int_equal(SendIo(PREFIX "0", MSG_READ, 0, 1, 0, 1), E_INVAL);      // trailing byte
    assert_int_equal(SendIo(PREFIX "0", MSG_READ, 0, 0, 0, 0), E_INVAL);      // no sectors
    assert_int_equal(SendIo(PREFIX "0", MSG_READ, 0, 1, 5, 0), E_INVAL);      // reserved
    assert_int_equal(SendIo(PREFIX "0", MSG_READ, 0, BLOCK_IO_MAX / 512 + 1, 0, 0), E_INVAL);
    assert_int_equal(SendIo(PREFIX "0", MSG_WRITE, 0, 2, 0, 512), E_INVAL);   // half the data
    assert_int_equal(SendIo(PREFIX "0", MSG_WRITE, 0, 1, 0, 513), E_INVAL);
    assert_int_equal(Send(PREFIX "0", MSG_LIST, NULL, 0), E_NOTDIR);
    assert_int_equal(Send(PREFIX "0", MSG_PING, NULL, 0), E_INVAL);
    assert_int_equal(Send(PREFIX "0", 0xffffffffu, NULL, 0), E_INVAL);
    ExpectUntouched();
}

// Names: a device that is not there, the prefix asked for a device's
// request, another prefix altogether.
static void test_names(void **state)
{
    (void)state;
    assert_int_equal(Send(PREFIX "9", MSG_QUERY, NULL, 0), E_NOENT);
    assert_int_equal(Send(PREFIX, MSG_QUERY, NULL, 0), E_NOENT);
    assert_int_equal(SendIo(PREFIX, MSG_READ, 0, 1, 0, 0), E_NOENT);
    assert_int_equal(Send("block:other:0", MSG_QUERY, NULL, 0), E_NOENT);
    ExpectUntouched();
    assert_int_equal(Send(PREFIX, MSG_LIST, NULL, 0), 0);
    assert_int_equal(MessageDataLength(&reply.message), 2 * sizeof(FsDirEntry));
}

// A well-formed request is checked against the device after Refresh:
// the range, the medium, read-only; only then does an operation run.
static void test_checks_after_refresh(void **state)
{
    (void)state;
    assert_int_equal(SendIo(PREFIX "0", MSG_READ, SECTORS, 1, 0, 0), E_RANGE);
    assert_int_equal(SendIo(PREFIX "0", MSG_READ, SECTORS - 1, 2, 0, 0), E_RANGE);
    assert_int_equal(SendIo(PREFIX "0", MSG_READ, UINT64_MAX, 1, 0, 0), E_RANGE);
    assert_int_equal(SendIo(PREFIX "1", MSG_WRITE, 0, 1, 0, 512), E_ROFS);
    assert_int_equal(seen.refreshes, 4);
    assert_int_equal(seen.reads + seen.writes + seen.syncs, 0);
    seen.sectorsAfterRefresh = 0;                       // the medium was taken out
    assert_int_equal(SendIo(PREFIX "0", MSG_READ, 0, 1, 0, 0), E_NXIO);
    assert_int_equal(Send(PREFIX "0", MSG_SYNC, NULL, 0), E_NXIO);
    assert_int_equal(seen.reads + seen.syncs, 0);
    seen.sectorsAfterRefresh = SECTORS;
    seen.refreshError = E_TIMEDOUT;                     // the drive does not answer
    assert_int_equal(SendIo(PREFIX "0", MSG_READ, 0, 1, 0, 0), E_TIMEDOUT);
    assert_int_equal(seen.reads, 0);
}

// Requests that pass: each operation runs once, with what was asked.
static void test_valid_requests_are_served(void **state)
{
    BlockInfo info;

    (void)state;
    assert_int_equal(SendIo(PREFIX "0", MSG_READ, 10, 3, 0, 0), 0);
    assert_int_equal(seen.reads, 1);
    assert_int_equal(seen.sector, 10);
    assert_int_equal(seen.count, 3);
    assert_int_equal(MessageDataLength(&reply.message), 3 * 512);
    assert_int_equal(SendIo(PREFIX "0", MSG_WRITE, SECTORS - 1, 1, 0, 512), 0);
    assert_int_equal(seen.writes, 1);
    assert_int_equal(seen.sector, SECTORS - 1);
    assert_int_equal(Send(PREFIX "0", MSG_SYNC, NULL, 0), 0);
    assert_int_equal(seen.syncs, 1);
    assert_int_equal(Send(PREFIX "1", MSG_QUERY, NULL, 0), 0);
    assert_int_equal(MessageDataLength(&reply.message), sizeof(info));
    memcpy(&info, reply.message.data, sizeof(info));
    assert_int_equal(info.flags, BLOCK_READ_ONLY);
    assert_int_equal(seen.refreshes, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_malformed_requests_never_reach_the_device, Setup),
        cmocka_unit_test_setup(test_names, Setup),
        cmocka_unit_test_setup(test_checks_after_refresh, Setup),
        cmocka_unit_test_setup(test_valid_requests_are_served, Setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
