// libFuzzer target for the SCSI layer's decoders (lib/scsi.c) and the
// Bulk-Only CSW check (lib/usbmsc.c), and for the commands against a
// device whose every answer comes from the input.
//
// The input, copied into a heap buffer of exactly its size (so
// AddressSanitizer catches a read past the end), goes whole to
// ScsiSenseDecode, ScsiParseInquiry, ScsiParseCapacity10/16 and
// UsbMscCheckCsw. Then a fake transport answers ScsiDiskProbe and a read
// from the same bytes: each command takes a status, a data length, a
// sense length and that many bytes from the input, in turn.
//
// Invariants checked (abort() on violation):
//   - every decoder returns 0 or its one error code; on 0 the sense key
//     is 0..15, the INQUIRY strings are NUL-terminated printable ASCII
//     without trailing blanks, the capacity has at least one block of a
//     power-of-two size from 512 to 65536, the CSW's status is 0..2
//   - a probe that succeeds describes a disk of that capacity; a read
//     of it never goes past its buffer (a heap block of its exact size),
//     is refused (E_RANGE) without any command when out of range, and
//     returns 0 or an E_* code
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <clanker/error.h>
#include <lib/scsi.h>
#include <lib/usbmsc.h>

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void CheckText(const char *s, size_t size)
{
    size_t n = strnlen(s, size);

    CHECK(n < size);
    for (size_t i = 0; i < n; i++)
        CHECK(s[i] >= 0x20 && s[i] < 0x7f);
    CHECK(n == 0 || s[n - 1] != ' ');
}

static void CheckCapacity(int err, const ScsiCapacity *c)
{
    CHECK(err == 0 || err == E_INVAL);
    if (err)
        return;
    CHECK(c->blocks >= 1);
    CHECK(c->blockSize >= 512 && c->blockSize <= 65536 && !(c->blockSize & (c->blockSize - 1)));
}

static void Decoders(const uint8_t *data, size_t size)
{
    uint32_t length = (uint32_t)size, residue;
    ScsiSense sense;
    ScsiInquiry inquiry;
    ScsiCapacity capacity;
    uint8_t status;
    int err;

    err = ScsiSenseDecode(data, length, &sense);
    CHECK(err == 0 || err == E_INVAL);
    if (!err)
        CHECK(sense.key <= 15);
    err = ScsiParseInquiry(data, length, &inquiry);
    CHECK(err == 0 || err == E_INVAL);
    if (!err) {
        CheckText(inquiry.vendor, sizeof(inquiry.vendor));
        CheckText(inquiry.product, sizeof(inquiry.product));
        CheckText(inquiry.revision, sizeof(inquiry.revision));
        CHECK(inquiry.peripheralType <= 0x1f && inquiry.qualifier <= 7);
    }
    CheckCapacity(ScsiParseCapacity10(data, length, &capacity), &capacity);
    CheckCapacity(ScsiParseCapacity16(data, length, &capacity), &capacity);
    err = UsbMscCheckCsw(data, length, size >= 8 ? data[4] | (uint32_t)data[5] << 8 |
                         (uint32_t)data[6] << 16 | (uint32_t)data[7] << 24 : 0,
                         &residue, &status);
    CHECK(err == 0 || err == E_IO);
    if (!err)
        CHECK(status <= 2 && size == 13);
}

// The device: answers taken from the input in turn.
typedef struct Device {
    const uint8_t *at, *end;
    uint32_t commands;
} Device;

static uint8_t Take(Device *d)
{
    return d->at < d->end ? *d->at++ : 0;
}

static int Execute(void *context, ScsiCommand *cmd)
{
    Device *d = context;
    uint8_t control = Take(d);
    uint32_t length, senseLength;

    d->commands++;
    if (control == 0xff)
        return E_IO;                    // the transport fails
    cmd->status = control & 0x0f ? SCSI_STATUS_CHECK_CONDITION : SCSI_STATUS_GOOD;
    length = Take(d) | (uint32_t)Take(d) << 8;
    if (length > cmd->length)
        length = cmd->length;
    for (uint32_t i = 0; i < length; i++)
        ((uint8_t *)cmd->data)[i] = Take(d);
    cmd->transferred = control & 0x40 ? cmd->length : length;
    senseLength = Take(d) % (SCSI_SENSE_MAX + 1);
    for (uint32_t i = 0; i < senseLength; i++)
        cmd->sense[i] = Take(d);
    cmd->senseLength = cmd->status ? (uint8_t)senseLength : 0;
    return 0;
}

static void Commands(const uint8_t *data, size_t size)
{
    Device d = { data, data + size, 0 };
    static ScsiDisk disk;
    uint32_t count, before;
    uint8_t *to;
    int err;

    memset(&disk, 0, sizeof(disk));
    disk.transport = (ScsiTransport){ &d, Execute, 8192 };
    if (ScsiDiskProbe(&disk, "0") != 0)
        return;
    CHECK(disk.device.info.sectors == disk.capacity.blocks);
    CHECK(disk.capacity.blockSize <= 8192);
    count = 1 + Take(&d) % 32;
    to = malloc((size_t)count * disk.capacity.blockSize);
    CHECK(to);
    before = d.commands;
    err = ScsiDiskRead(&disk, disk.capacity.blocks, count, to);
    CHECK(err == E_RANGE && d.commands == before);
    if (count <= disk.capacity.blocks) {
        err = ScsiDiskRead(&disk, disk.capacity.blocks - count, count, to);
        CHECK(err <= 0);
        CHECK(d.commands - before <= 4 * 2 * ((count * disk.capacity.blockSize + 8191) / 8192));
    }
    free(to);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);

    CHECK(copy);
    memcpy(copy, data, size);
    Decoders(copy, size);
    Commands(copy, size);
    free(copy);
    return 0;
}
