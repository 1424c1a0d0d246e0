// Host unit tests for lib/scsi.c (the SCSI command layer) and lib/usbmsc.c
// (the Bulk-Only Transport's CBW and CSW).
//
// The decoders get good, short and garbage bytes. The commands run
// against a fake transport: a disk in memory that records every CDB it
// is sent and can be told to answer the next commands with a CHECK
// CONDITION (with or without sense), a short transfer or a transport
// error, so the splitting by maxTransfer, the retries after UNIT
// ATTENTION, the error mapping and the range check (nothing sent) are
// each seen to happen.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <clanker/error.h>
#include <lib/scsi.h>
#include <lib/usbmsc.h>

// --- sense --------------------------------------------------------------------

static void FixedSense(uint8_t *s, uint8_t key, uint8_t asc, uint8_t ascq)
{
    memset(s, 0, 18);
    s[0] = 0x70;
    s[2] = key;
    s[7] = 10;
    s[12] = asc;
    s[13] = ascq;
}

static void TestSenseFixed(void **state)
{
    uint8_t s[18];
    ScsiSense out;

    (void)state;
    FixedSense(s, SCSI_SENSE_MEDIUM_ERROR, 0x11, 0x01);
    s[0] = 0xf0;                        // the VALID bit set
    s[2] |= 0xe0;                       // FILEMARK, EOM, ILI: not the key
    assert_int_equal(ScsiSenseDecode(s, sizeof(s), &out), 0);
    assert_int_equal(out.key, SCSI_SENSE_MEDIUM_ERROR);
    assert_int_equal(out.asc, 0x11);
    assert_int_equal(out.ascq, 0x01);
    s[0] = 0x71;                        // deferred errors decode alike
    assert_int_equal(ScsiSenseDecode(s, 14, &out), 0);
    assert_int_equal(out.asc, 0x11);
}

static void TestSenseFixedShort(void **state)
{
    uint8_t s[18];
    ScsiSense out;

    (void)state;
    FixedSense(s, SCSI_SENSE_UNIT_ATTENTION, 0x29, 0);
    assert_int_equal(ScsiSenseDecode(s, 13, &out), 0);   // the key, not the ASC
    assert_int_equal(out.key, SCSI_SENSE_UNIT_ATTENTION);
    assert_int_equal(out.asc, 0);
    assert_int_equal(ScsiSenseDecode(s, 3, &out), 0);
    assert_int_equal(out.key, SCSI_SENSE_UNIT_ATTENTION);
    assert_int_equal(ScsiSenseDecode(s, 2, &out), E_INVAL);
    s[7] = 5;                           // the additional length stops before the ASC
    assert_int_equal(ScsiSenseDecode(s, 18, &out), 0);
    assert_int_equal(out.asc, 0);
}

static void TestSenseDescriptor(void **state)
{
    uint8_t s[8] = { 0x72, SCSI_SENSE_NOT_READY, 0x3a, 0x02, 0, 0, 0, 0 };
    ScsiSense out;

    (void)state;
    assert_int_equal(ScsiSenseDecode(s, sizeof(s), &out), 0);
    assert_int_equal(out.key, SCSI_SENSE_NOT_READY);
    assert_int_equal(out.asc, 0x3a);
    assert_int_equal(out.ascq, 0x02);
    s[0] = 0x73;
    assert_int_equal(ScsiSenseDecode(s, 4, &out), 0);
    assert_int_equal(ScsiSenseDecode(s, 3, &out), E_INVAL);
}

static void TestSenseGarbage(void **state)
{
    uint8_t s[32];
    ScsiSense out;

    (void)state;
    memset(s, 0xa5, sizeof(s));
    assert_int_equal(ScsiSenseDecode(s, sizeof(s), &out), E_INVAL);
    s[0] = 0x00;
    assert_int_equal(ScsiSenseDecode(s, sizeof(s), &out), E_INVAL);
    s[0] = 0x7f;                        // vendor-specific: not decoded
    assert_int_equal(ScsiSenseDecode(s, sizeof(s), &out), E_INVAL);
    s[0] = 0x74;
    assert_int_equal(ScsiSenseDecode(s, sizeof(s), &out), E_INVAL);
    assert_int_equal(ScsiSenseDecode(s, 0, &out), E_INVAL);
    assert_int_equal(ScsiSenseDecode(NULL, 18, &out), E_INVAL);
}

static void TestCommandError(void **state)
{
    static const struct { uint8_t key, asc, ascq; int error; } table[] = {
        { SCSI_SENSE_NO_SENSE, 0, 0, E_IO },
        { SCSI_SENSE_RECOVERED_ERROR, 0x17, 0, 0 },
        { SCSI_SENSE_NOT_READY, 0x3a, 0, E_NXIO },
        { SCSI_SENSE_NOT_READY, 0x04, 0x01, E_AGAIN },
        { SCSI_SENSE_NOT_READY, 0x04, 0x02, E_IO },
        { SCSI_SENSE_MEDIUM_ERROR, 0x11, 0, E_IO },
        { SCSI_SENSE_HARDWARE_ERROR, 0x44, 0, E_IO },
        { SCSI_SENSE_ILLEGAL_REQUEST, 0x20, 0, E_INVAL },
        { SCSI_SENSE_ILLEGAL_REQUEST, 0x21, 0, E_RANGE },
        { SCSI_SENSE_UNIT_ATTENTION, 0x29, 0, E_AGAIN },
        { SCSI_SENSE_DATA_PROTECT, 0x27, 0, E_ROFS },
        { SCSI_SENSE_ABORTED_COMMAND, 0, 0, E_IO },
        { 0xf, 0, 0, E_IO },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        ScsiSense s = { table[i].key, table[i].asc, table[i].ascq };
        assert_int_equal(ScsiCommandError(SCSI_STATUS_CHECK_CONDITION, &s), table[i].error);
    }
    assert_int_equal(ScsiCommandError(SCSI_STATUS_GOOD, NULL), 0);
    assert_int_equal(ScsiCommandError(SCSI_STATUS_BUSY, NULL), E_AGAIN);
    assert_int_equal(ScsiCommandError(0x28, NULL), E_AGAIN);        // TASK SET FULL
    assert_int_equal(ScsiCommandError(0x18, NULL), E_IO);           // RESERVATION CONFLICT
    assert_int_equal(ScsiCommandError(0xff, NULL), E_IO);
    assert_int_equal(ScsiCommandError(SCSI_STATUS_CHECK_CONDITION, NULL), E_IO);
}

// --- INQUIRY and READ CAPACITY ---------------------------------------------------

static void InquiryData(uint8_t *d)
{
    memset(d, 0, 36);
    d[1] = 0x80;                        // removable
    d[4] = 31;
    memcpy(d + 8, "QEMU    ", 8);
    memcpy(d + 16, "QEMU HARDDISK   ", 16);
    memcpy(d + 32, "2.5+", 4);
}

static void TestInquiry(void **state)
{
    uint8_t d[36];
    ScsiInquiry out;

    (void)state;
    InquiryData(d);
    assert_int_equal(ScsiParseInquiry(d, sizeof(d), &out), 0);
    assert_int_equal(out.peripheralType, 0);
    assert_int_equal(out.qualifier, 0);
    assert_int_equal(out.removable, 1);
    assert_string_equal(out.vendor, "QEMU");
    assert_string_equal(out.product, "QEMU HARDDISK");
    assert_string_equal(out.revision, "2.5+");
    d[0] = 0x7f;                        // qualifier 3, type 0x1f: no unit
    d[17] = 0x07;                       // a control character
    assert_int_equal(ScsiParseInquiry(d, 20, &out), 0);         // cut in the product
    assert_int_equal(out.qualifier, 3);
    assert_int_equal(out.peripheralType, 0x1f);
    assert_string_equal(out.product, "Q?MU");
    assert_string_equal(out.revision, "");
    assert_int_equal(ScsiParseInquiry(d, 7, &out), E_INVAL);
    assert_int_equal(ScsiParseInquiry(NULL, 36, &out), E_INVAL);
}

static void Capacity10(uint8_t *d, uint32_t last, uint32_t size)
{
    d[0] = (uint8_t)(last >> 24); d[1] = (uint8_t)(last >> 16);
    d[2] = (uint8_t)(last >> 8);  d[3] = (uint8_t)last;
    d[4] = (uint8_t)(size >> 24); d[5] = (uint8_t)(size >> 16);
    d[6] = (uint8_t)(size >> 8);  d[7] = (uint8_t)size;
}

static void TestCapacity10(void **state)
{
    uint8_t d[8];
    ScsiCapacity out;
    static const uint32_t bad[] = { 0, 1, 256, 513, 3000, 131072, 0xffffffffu };

    (void)state;
    Capacity10(d, 8191, 512);
    assert_int_equal(ScsiParseCapacity10(d, 8, &out), 0);
    assert_int_equal(out.blocks, 8192);
    assert_int_equal(out.blockSize, 512);
    Capacity10(d, 0, 4096);             // one block
    assert_int_equal(ScsiParseCapacity10(d, 8, &out), 0);
    assert_int_equal(out.blocks, 1);
    assert_int_equal(out.blockSize, 4096);
    Capacity10(d, 0xffffffffu, 512);    // too big for (10): 2^32, ask (16)
    assert_int_equal(ScsiParseCapacity10(d, 8, &out), 0);
    assert_int_equal(out.blocks, 0x100000000ull);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        Capacity10(d, 100, bad[i]);
        assert_int_equal(ScsiParseCapacity10(d, 8, &out), E_INVAL);
    }
    Capacity10(d, 100, 512);
    assert_int_equal(ScsiParseCapacity10(d, 7, &out), E_INVAL);
    assert_int_equal(ScsiParseCapacity10(NULL, 8, &out), E_INVAL);
}

static void TestCapacity16(void **state)
{
    uint8_t d[32];
    ScsiCapacity out;

    (void)state;
    memset(d, 0, sizeof(d));
    d[3] = 0x01;                        // last LBA 0x1_0000_0000
    Capacity10(d + 8, 0x1000, 0);       // block size: bytes 8..11 only
    d[8] = 0; d[9] = 0; d[10] = 0x10; d[11] = 0;
    assert_int_equal(ScsiParseCapacity16(d, 32, &out), 0);
    assert_int_equal(out.blocks, 0x100000001ull);
    assert_int_equal(out.blockSize, 4096);
    assert_int_equal(ScsiParseCapacity16(d, 12, &out), 0);
    assert_int_equal(ScsiParseCapacity16(d, 11, &out), E_INVAL);
    d[10] = 0; d[11] = 0;               // block size 0
    assert_int_equal(ScsiParseCapacity16(d, 32, &out), E_INVAL);
    memset(d, 0xff, 8);                 // last LBA 2^64 - 1: 0 blocks
    d[10] = 0x02;
    assert_int_equal(ScsiParseCapacity16(d, 32, &out), E_INVAL);
}

// --- CBW and CSW -------------------------------------------------------------------

static void TestCbw(void **state)
{
    ScsiCommand cmd;
    uint8_t cbw[USBMSC_CBW_LENGTH], data[512];
    static const uint8_t head[15] = { 'U', 'S', 'B', 'C', 0x78, 0x56, 0x34, 0x12,
                                      0x00, 0x02, 0, 0, 0x80, 0x03, 10 };

    (void)state;
    memset(&cmd, 0, sizeof(cmd));
    cmd.cdb[0] = SCSI_READ_10;
    cmd.cdb[9] = 0x99;
    cmd.cdbLength = 10;
    cmd.direction = SCSI_DIR_IN;
    cmd.data = data;
    cmd.length = sizeof(data);
    memset(cbw, 0xee, sizeof(cbw));
    UsbMscBuildCbw(cbw, 0x12345678u, &cmd, 0xf3);   // only the LUN's 4 bits
    assert_memory_equal(cbw, head, sizeof(head));
    assert_int_equal(cbw[15], SCSI_READ_10);
    assert_int_equal(cbw[24], 0x99);
    for (int i = 25; i < 31; i++)
        assert_int_equal(cbw[i], 0);    // the CDB zero-padded
    cmd.direction = SCSI_DIR_OUT;
    UsbMscBuildCbw(cbw, 1, &cmd, 0);
    assert_int_equal(cbw[12], 0);
    cmd.direction = SCSI_DIR_NONE;
    cmd.length = 0;
    cmd.cdbLength = 6;
    UsbMscBuildCbw(cbw, 2, &cmd, 0);
    assert_int_equal(cbw[8] | cbw[9] | cbw[10] | cbw[11] | cbw[12], 0);
    assert_int_equal(cbw[14], 6);
}

static void Csw(uint8_t *c, uint32_t signature, uint32_t tag, uint32_t residue, uint8_t status)
{
    memcpy(c, &signature, 4);
    memcpy(c + 4, &tag, 4);
    memcpy(c + 8, &residue, 4);
    c[12] = status;
}

static void TestCsw(void **state)
{
    uint8_t c[14];
    uint32_t residue = 7;
    uint8_t status = 9;

    (void)state;
    Csw(c, USBMSC_CSW_SIGNATURE, 42, 100, USBMSC_STATUS_FAILED);
    assert_int_equal(UsbMscCheckCsw(c, 13, 42, &residue, &status), 0);
    assert_int_equal(residue, 100);
    assert_int_equal(status, USBMSC_STATUS_FAILED);
    assert_int_equal(UsbMscCheckCsw(c, 13, 43, &residue, &status), E_IO);  // tag
    assert_int_equal(UsbMscCheckCsw(c, 12, 42, &residue, &status), E_IO);  // short
    assert_int_equal(UsbMscCheckCsw(c, 14, 42, &residue, &status), E_IO);  // long
    assert_int_equal(UsbMscCheckCsw(NULL, 13, 42, &residue, &status), E_IO);
    Csw(c, 0x43425355u, 42, 0, 0);      // a CBW's signature
    assert_int_equal(UsbMscCheckCsw(c, 13, 42, &residue, &status), E_IO);
    Csw(c, USBMSC_CSW_SIGNATURE, 42, 0, 3);
    assert_int_equal(UsbMscCheckCsw(c, 13, 42, &residue, &status), E_IO);
    Csw(c, USBMSC_CSW_SIGNATURE, 42, 0, USBMSC_STATUS_PHASE_ERROR);
    assert_int_equal(UsbMscCheckCsw(c, 13, 42, &residue, &status), 0);
    assert_int_equal(status, USBMSC_STATUS_PHASE_ERROR);
}

static void TestUsbMscFinish(void **state)
{
    ScsiCommand cmd;
    uint8_t data[512];

    (void)state;
    memset(&cmd, 0, sizeof(cmd));
    cmd.data = data;
    cmd.length = sizeof(data);
    assert_int_equal(UsbMscFinish(&cmd, 512, 0, USBMSC_STATUS_PASSED), 0);
    assert_int_equal(cmd.status, SCSI_STATUS_GOOD);
    assert_int_equal(cmd.transferred, 512);
    assert_int_equal(UsbMscFinish(&cmd, 0, 512, USBMSC_STATUS_FAILED), 0);
    assert_int_equal(cmd.status, SCSI_STATUS_CHECK_CONDITION);
    assert_int_equal(cmd.senseLength, 0);
    assert_int_equal(cmd.transferred, 0);
    assert_int_equal(UsbMscFinish(&cmd, 512, 513, USBMSC_STATUS_PASSED), E_IO);  // residue > length
    assert_int_equal(UsbMscFinish(&cmd, 513, 0, USBMSC_STATUS_PASSED), E_IO);
    assert_int_equal(UsbMscFinish(&cmd, 512, 0, USBMSC_STATUS_PHASE_ERROR), E_IO);
}

// --- the commands, against a fake transport ---------------------------------------

#define FAKE_MAX_COMMANDS 64
#define FAKE_BYTES        (256u * 1024)

typedef enum Answer {
    ANSWER_NORMAL,
    ANSWER_CHECK,               // CHECK CONDITION with the sense in reply.sense
    ANSWER_CHECK_NO_SENSE,      // CHECK CONDITION, no sense: REQUEST SENSE must follow
    ANSWER_SHORT,               // moves half the data
    ANSWER_OVERRUN,             // claims more bytes than asked
    ANSWER_TRANSPORT,           // the transport fails (E_TIMEDOUT)
} Answer;

typedef struct Fake {
    uint8_t disk[FAKE_BYTES];
    uint64_t blocks;            // what READ CAPACITY reports (its last LBA + 1)
    uint32_t blockSize;
    uint8_t peripheral;         // INQUIRY byte 0
    uint32_t commands;
    uint8_t opcodes[FAKE_MAX_COMMANDS];
    uint64_t lbas[FAKE_MAX_COMMANDS];
    uint32_t counts[FAKE_MAX_COMMANDS], lengths[FAKE_MAX_COMMANDS];
    Answer answers[8];          // for the next commands, in order
    uint32_t answerCount;
    uint8_t sense[18];          // the sense a CHECK answer carries (or REQUEST SENSE gives)
} Fake;

static Fake fake;

static uint32_t Be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void PutBe32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

// What READ/WRITE (10/16) address: 0, or E_RANGE past the fake's bytes.
static int FakeTransfer(ScsiCommand *cmd, uint64_t lba, uint32_t count)
{
    uint64_t at = lba * fake.blockSize, bytes = (uint64_t)count * fake.blockSize;
    int write = cmd->cdb[0] == SCSI_WRITE_10 || cmd->cdb[0] == SCSI_WRITE_16;

    fake.lbas[fake.commands - 1] = lba;
    fake.counts[fake.commands - 1] = count;
    assert_int_equal(bytes, cmd->length);       // the data phase fits the CDB
    assert_int_equal(cmd->direction, write ? SCSI_DIR_OUT : SCSI_DIR_IN);
    if (at + bytes > FAKE_BYTES)
        return E_RANGE;
    if (write)
        memcpy(fake.disk + at, cmd->data, bytes);
    else
        memcpy(cmd->data, fake.disk + at, bytes);
    cmd->transferred = (uint32_t)bytes;
    return 0;
}

// Serve cmd as a good disk would.
static void FakeNormal(ScsiCommand *cmd)
{
    uint8_t *d = cmd->data;
    uint8_t c = cmd->cdb[0];

    cmd->status = SCSI_STATUS_GOOD;
    if (c == SCSI_INQUIRY) {
        InquiryData(d);
        d[0] = fake.peripheral;
        cmd->transferred = 36;
    } else if (c == SCSI_READ_CAPACITY_10) {
        Capacity10(d, fake.blocks > 0xffffffffu ? 0xffffffffu : (uint32_t)(fake.blocks - 1),
                   fake.blockSize);
        cmd->transferred = 8;
    } else if (c == SCSI_SERVICE_ACTION_IN) {
        assert_int_equal(cmd->cdb[1], 0x10);
        memset(d, 0, cmd->length);
        PutBe32(d, (uint32_t)((fake.blocks - 1) >> 32));
        PutBe32(d + 4, (uint32_t)(fake.blocks - 1));
        PutBe32(d + 8, fake.blockSize);
        cmd->transferred = cmd->length;
    } else if (c == SCSI_REQUEST_SENSE) {
        memcpy(d, fake.sense, sizeof(fake.sense));
        cmd->transferred = sizeof(fake.sense);
    } else if (c == SCSI_READ_10 || c == SCSI_WRITE_10) {
        if (FakeTransfer(cmd, Be32(cmd->cdb + 2), (uint32_t)cmd->cdb[7] << 8 | cmd->cdb[8]))
            cmd->status = SCSI_STATUS_CHECK_CONDITION;
    } else if (c == SCSI_READ_16 || c == SCSI_WRITE_16) {
        if (FakeTransfer(cmd, (uint64_t)Be32(cmd->cdb + 2) << 32 | Be32(cmd->cdb + 6),
                         Be32(cmd->cdb + 10)))
            cmd->status = SCSI_STATUS_CHECK_CONDITION;
    }
}

static int FakeExecute(void *context, ScsiCommand *cmd)
{
    Answer answer = ANSWER_NORMAL;

    assert_ptr_equal(context, &fake);
    assert_true(fake.commands < FAKE_MAX_COMMANDS);
    assert_true(cmd->cdbLength >= 6 && cmd->cdbLength <= 16);
    assert_int_equal(cmd->transferred, 0);      // a fresh command each time
    assert_int_equal(cmd->senseLength, 0);
    fake.opcodes[fake.commands] = cmd->cdb[0];
    fake.lengths[fake.commands] = cmd->length;
    fake.commands++;
    if (cmd->cdb[0] != SCSI_REQUEST_SENSE && fake.answerCount) {
        answer = fake.answers[0];
        memmove(fake.answers, fake.answers + 1, sizeof(fake.answers) - sizeof(fake.answers[0]));
        fake.answerCount--;
    }
    switch (answer) {
    case ANSWER_CHECK:
        cmd->status = SCSI_STATUS_CHECK_CONDITION;
        memcpy(cmd->sense, fake.sense, sizeof(fake.sense));
        cmd->senseLength = sizeof(fake.sense);
        return 0;
    case ANSWER_CHECK_NO_SENSE:
        cmd->status = SCSI_STATUS_CHECK_CONDITION;
        return 0;
    case ANSWER_TRANSPORT:
        return E_TIMEDOUT;
    default:
        FakeNormal(cmd);
        if (answer == ANSWER_SHORT)
            cmd->transferred /= 2;
        if (answer == ANSWER_OVERRUN)
            cmd->transferred = cmd->length + 1;
        return 0;
    }
}

static void Queue(Answer a)
{
    fake.answers[fake.answerCount++] = a;
}

static ScsiDisk disk;

// A fake disk of blocks blocks of size bytes, probed; the commands reset.
static void SetUpDisk(uint64_t blocks, uint32_t size, uint32_t maxTransfer)
{
    memset(&fake, 0, sizeof(fake));
    for (uint32_t i = 0; i < FAKE_BYTES; i++)
        fake.disk[i] = (uint8_t)(i * 7 + (i >> 9));
    fake.blocks = blocks;
    fake.blockSize = size;
    memset(&disk, 0, sizeof(disk));
    disk.transport = (ScsiTransport){ &fake, FakeExecute, maxTransfer };
    assert_int_equal(ScsiDiskProbe(&disk, "0"), 0);
    fake.commands = 0;
}

static void TestProbe(void **state)
{
    (void)state;
    memset(&fake, 0, sizeof(fake));
    fake.blocks = 400;
    fake.blockSize = 512;
    memset(&disk, 0, sizeof(disk));
    disk.transport = (ScsiTransport){ &fake, FakeExecute, 65536 };
    fake.sense[0] = 0x70;
    fake.sense[2] = SCSI_SENSE_UNIT_ATTENTION;  // power on: one attention
    Queue(ANSWER_CHECK);
    assert_int_equal(ScsiDiskProbe(&disk, "0.1.2"), 0);
    assert_int_equal(fake.commands, 4);
    assert_int_equal(fake.opcodes[0], SCSI_TEST_UNIT_READY);
    assert_int_equal(fake.opcodes[1], SCSI_TEST_UNIT_READY);
    assert_int_equal(fake.opcodes[2], SCSI_INQUIRY);
    assert_int_equal(fake.opcodes[3], SCSI_READ_CAPACITY_10);
    assert_int_equal(disk.retries, 1);
    assert_int_equal(disk.use16, 0);
    assert_string_equal(disk.device.name, "0.1.2");
    assert_ptr_equal(disk.device.driver, &disk);
    assert_int_equal(disk.device.info.sectors, 400);
    assert_int_equal(disk.device.info.sectorSize, 512);
    assert_int_equal(disk.device.info.flags, BLOCK_REMOVABLE);
    assert_string_equal(disk.device.info.model, "QEMU QEMU HARDDISK");
}

static void TestProbeLarge(void **state)
{
    (void)state;
    SetUpDisk(0x180000000ull, 4096, 65536);     // 2^32 + 2^31 blocks: (16)
    assert_int_equal(disk.use16, 1);
    assert_int_equal(disk.capacity.blocks, 0x180000000ull);
    assert_int_equal(disk.capacity.blockSize, 4096);
    assert_int_equal(ScsiDiskRead(&disk, 0x180000000ull, 1, fake.disk), E_RANGE);
    assert_int_equal(fake.commands, 0);
}

static void TestProbeRefuses(void **state)
{
    (void)state;
    memset(&fake, 0, sizeof(fake));
    fake.blocks = 400;
    fake.blockSize = 512;
    fake.peripheral = 0x05;             // a CD-ROM
    disk.transport = (ScsiTransport){ &fake, FakeExecute, 65536 };
    assert_int_equal(ScsiDiskProbe(&disk, "0"), E_NODEV);
    fake.peripheral = 0x7f;             // no unit at this LUN
    assert_int_equal(ScsiDiskProbe(&disk, "0"), E_NODEV);
    fake.peripheral = 0;
    fake.blockSize = 520;               // a block size no one serves
    assert_int_equal(ScsiDiskProbe(&disk, "0"), E_IO);
    fake.blockSize = 4096;
    disk.transport.maxTransfer = 2048;  // a transport that cannot move one block
    assert_int_equal(ScsiDiskProbe(&disk, "0"), E_NODEV);
    disk.transport.maxTransfer = 65536;
    fake.sense[0] = 0x70;
    fake.sense[2] = SCSI_SENSE_NOT_READY;
    fake.sense[7] = 10;
    fake.sense[12] = 0x3a;              // no medium
    Queue(ANSWER_CHECK);
    assert_int_equal(ScsiDiskProbe(&disk, "0"), E_NXIO);
    Queue(ANSWER_TRANSPORT);
    assert_int_equal(ScsiDiskProbe(&disk, "0"), E_TIMEDOUT);
}

static void TestReadSplits(void **state)
{
    static uint8_t to[120 * 512];

    (void)state;
    SetUpDisk(400, 512, 32768);         // 64 blocks a command
    assert_int_equal(ScsiDiskRead(&disk, 10, 120, to), 0);
    assert_int_equal(fake.commands, 2);
    assert_int_equal(fake.opcodes[0], SCSI_READ_10);
    assert_int_equal(fake.lbas[0], 10);
    assert_int_equal(fake.counts[0], 64);
    assert_int_equal(fake.lbas[1], 74);
    assert_int_equal(fake.counts[1], 56);
    assert_memory_equal(to, fake.disk + 10 * 512, sizeof(to));
}

static void TestRead4096(void **state)
{
    static uint8_t to[15 * 4096];

    (void)state;
    SetUpDisk(60, 4096, 60 * 1024);     // one command for the whole request
    memset(to, 0, sizeof(to));
    assert_int_equal(ScsiDiskRead(&disk, 45, 15, to), 0);
    assert_int_equal(fake.commands, 1);
    assert_int_equal(fake.lengths[0], 15 * 4096);
    assert_memory_equal(to, fake.disk + 45 * 4096, sizeof(to));
    assert_int_equal(disk.device.Read(&disk.device, 59, 1, to), 0);
    assert_memory_equal(to, fake.disk + 59 * 4096, 4096);
}

static void TestRead16(void **state)
{
    uint8_t to[4096];

    (void)state;
    SetUpDisk(0x100000010ull, 512, 65536);
    assert_int_equal(disk.use16, 1);
    assert_int_equal(ScsiDiskRead(&disk, 3, 8, to), 0);
    assert_int_equal(fake.opcodes[0], SCSI_READ_16);
    assert_int_equal(fake.lbas[0], 3);
    assert_int_equal(fake.counts[0], 8);
}

static void TestWriteSplits(void **state)
{
    static uint8_t from[100 * 512];

    (void)state;
    SetUpDisk(400, 512, 20 * 512);
    for (uint32_t i = 0; i < sizeof(from); i++)
        from[i] = (uint8_t)(i ^ 0x5a);
    assert_int_equal(ScsiDiskWrite(&disk, 300, 100, from), 0);
    assert_int_equal(fake.commands, 5);
    for (uint32_t i = 0; i < 5; i++) {
        assert_int_equal(fake.opcodes[i], SCSI_WRITE_10);
        assert_int_equal(fake.lbas[i], 300 + 20 * i);
        assert_int_equal(fake.counts[i], 20);
    }
    assert_memory_equal(fake.disk + 300 * 512, from, sizeof(from));
    assert_int_equal(disk.device.Sync(&disk.device), 0);
    assert_int_equal(fake.opcodes[5], SCSI_SYNCHRONIZE_CACHE);
}

static void TestRangeRefused(void **state)
{
    uint8_t to[1024];

    (void)state;
    SetUpDisk(400, 512, 65536);
    assert_int_equal(ScsiDiskRead(&disk, 400, 1, to), E_RANGE);
    assert_int_equal(ScsiDiskRead(&disk, 399, 2, to), E_RANGE);
    assert_int_equal(ScsiDiskWrite(&disk, UINT64_MAX, 2, to), E_RANGE);
    assert_int_equal(ScsiDiskWrite(&disk, 0, 0, to), E_INVAL);
    assert_int_equal(fake.commands, 0);         // nothing was sent
    assert_int_equal(ScsiDiskRead(&disk, 399, 1, to), 0);
    assert_int_equal(fake.commands, 1);
}

static void TestUnitAttentionRetried(void **state)
{
    uint8_t to[2048];

    (void)state;
    SetUpDisk(400, 512, 65536);
    FixedSense(fake.sense, SCSI_SENSE_UNIT_ATTENTION, 0x29, 0);
    Queue(ANSWER_CHECK);
    Queue(ANSWER_CHECK_NO_SENSE);               // the second: sense by REQUEST SENSE
    assert_int_equal(ScsiDiskRead(&disk, 7, 4, to), 0);
    assert_int_equal(disk.retries, 2);
    assert_int_equal(fake.commands, 4);
    assert_int_equal(fake.opcodes[0], SCSI_READ_10);
    assert_int_equal(fake.opcodes[1], SCSI_READ_10);
    assert_int_equal(fake.opcodes[2], SCSI_REQUEST_SENSE);
    assert_int_equal(fake.opcodes[3], SCSI_READ_10);
    assert_int_equal(fake.lbas[3], 7);
    assert_memory_equal(to, fake.disk + 7 * 512, sizeof(to));
}

static void TestUnitAttentionForever(void **state)
{
    uint8_t to[512];

    (void)state;
    SetUpDisk(400, 512, 65536);
    FixedSense(fake.sense, SCSI_SENSE_UNIT_ATTENTION, 0x28, 0);
    for (int i = 0; i < 8; i++)
        Queue(ANSWER_CHECK);
    assert_int_equal(ScsiDiskRead(&disk, 0, 1, to), E_IO);
    assert_int_equal(fake.commands, 4);         // a bounded number of attempts
}

static void TestErrors(void **state)
{
    uint8_t to[4096];

    (void)state;
    SetUpDisk(400, 512, 65536);
    FixedSense(fake.sense, SCSI_SENSE_MEDIUM_ERROR, 0x11, 0);
    Queue(ANSWER_CHECK);
    assert_int_equal(ScsiDiskRead(&disk, 0, 8, to), E_IO);
    assert_int_equal(fake.commands, 1);         // not retried
    FixedSense(fake.sense, SCSI_SENSE_DATA_PROTECT, 0x27, 0);
    Queue(ANSWER_CHECK_NO_SENSE);
    assert_int_equal(ScsiDiskWrite(&disk, 0, 8, to), E_ROFS);
    memset(fake.sense, 0x33, sizeof(fake.sense));   // sense that is no sense
    Queue(ANSWER_CHECK_NO_SENSE);
    assert_int_equal(ScsiDiskRead(&disk, 0, 8, to), E_IO);
    Queue(ANSWER_SHORT);
    assert_int_equal(ScsiDiskRead(&disk, 0, 8, to), E_IO);
    Queue(ANSWER_OVERRUN);
    assert_int_equal(ScsiDiskRead(&disk, 0, 8, to), E_IO);
    Queue(ANSWER_TRANSPORT);
    assert_int_equal(ScsiDiskRead(&disk, 0, 8, to), E_TIMEDOUT);
    fake.commands = 0;                          // and the disk still serves
    assert_int_equal(ScsiDiskRead(&disk, 0, 8, to), 0);
    assert_int_equal(fake.commands, 1);
}

static void TestErrorStopsSplit(void **state)
{
    static uint8_t to[100 * 512];

    (void)state;
    SetUpDisk(400, 512, 20 * 512);
    FixedSense(fake.sense, SCSI_SENSE_HARDWARE_ERROR, 0x44, 0);
    Queue(ANSWER_NORMAL);
    Queue(ANSWER_CHECK);
    assert_int_equal(ScsiDiskRead(&disk, 0, 100, to), E_IO);
    assert_int_equal(fake.commands, 2);         // no command after the failed one
}

static void TestSyncUnsupported(void **state)
{
    (void)state;
    SetUpDisk(400, 512, 65536);
    FixedSense(fake.sense, SCSI_SENSE_ILLEGAL_REQUEST, 0x20, 0);
    Queue(ANSWER_CHECK);
    assert_int_equal(ScsiDiskSync(&disk), 0);   // no cache to flush
    FixedSense(fake.sense, SCSI_SENSE_HARDWARE_ERROR, 0, 0);
    Queue(ANSWER_CHECK);
    assert_int_equal(ScsiDiskSync(&disk), E_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestSenseFixed),
        cmocka_unit_test(TestSenseFixedShort),
        cmocka_unit_test(TestSenseDescriptor),
        cmocka_unit_test(TestSenseGarbage),
        cmocka_unit_test(TestCommandError),
        cmocka_unit_test(TestInquiry),
        cmocka_unit_test(TestCapacity10),
        cmocka_unit_test(TestCapacity16),
        cmocka_unit_test(TestCbw),
        cmocka_unit_test(TestCsw),
        cmocka_unit_test(TestUsbMscFinish),
        cmocka_unit_test(TestProbe),
        cmocka_unit_test(TestProbeLarge),
        cmocka_unit_test(TestProbeRefuses),
        cmocka_unit_test(TestReadSplits),
        cmocka_unit_test(TestRead4096),
        cmocka_unit_test(TestRead16),
        cmocka_unit_test(TestWriteSplits),
        cmocka_unit_test(TestRangeRefused),
        cmocka_unit_test(TestUnitAttentionRetried),
        cmocka_unit_test(TestUnitAttentionForever),
        cmocka_unit_test(TestErrors),
        cmocka_unit_test(TestErrorStopsSplit),
        cmocka_unit_test(TestSyncUnsupported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
