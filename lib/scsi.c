// The SCSI command layer (include/lib/scsi.h): CDBs built, status and
// sense decoded, UNIT ATTENTION retried, a disk served as a BlockDevice.
//
// The decoders at the top are pure and take every length as given: a
// device's bytes are never trusted to say how much there is to read. The
// commands below them run through the transport one at a time; a data
// phase always goes straight to or from the caller's buffer at the offset
// of the blocks it carries, so a failed or short command can leave no
// data anywhere else.
#include <stddef.h>
#include <clanker/error.h>
#include <lib/scsi.h>
#include <lib/string.h>

#define ATTEMPTS        4       // a command and its retries after UNIT ATTENTION or BUSY
#define READY_ATTEMPTS  16      // TEST UNIT READY at probe: a unit may report several attentions
#define INQUIRY_LENGTH  36      // the standard INQUIRY data
#define RC16_LENGTH     32      // READ CAPACITY (16) parameter data
#define RC16_ACTION     0x10    // the SERVICE ACTION IN (16) service action

// Additional sense codes the error mapping tells apart (SPC-4, D.2).
#define ASC_NOT_READY_CAUSE   0x04  // logical unit not ready (ascq: why)
#define ASC_LBA_OUT_OF_RANGE  0x21
#define ASC_MEDIUM_NOT_PRESENT 0x3a
#define ASCQ_BECOMING_READY   0x01

// --- decoding ------------------------------------------------------------

static uint32_t Be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t Be64(const uint8_t *p)
{
    return (uint64_t)Be32(p) << 32 | Be32(p + 4);
}

static void PutBe32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void PutBe64(uint8_t *p, uint64_t v)
{
    PutBe32(p, (uint32_t)(v >> 32));
    PutBe32(p + 4, (uint32_t)v);
}

// Fixed format (0x70 current, 0x71 deferred): the key in byte 2; the ASC
// and ASCQ in bytes 12 and 13 when the data (and its additional length,
// byte 7) reaches them, else 0. Descriptor format (0x72, 0x73): key, ASC
// and ASCQ in bytes 1 to 3.
int ScsiSenseDecode(const uint8_t *sense, uint32_t length, ScsiSense *out)
{
    uint8_t code;

    if (!sense || length < 1)
        return E_INVAL;
    code = sense[0] & 0x7f;
    memset(out, 0, sizeof(*out));
    if (code == 0x70 || code == 0x71) {
        if (length < 3)
            return E_INVAL;
        out->key = sense[2] & 0xf;
        if (length >= 14 && sense[7] >= 6) {
            out->asc = sense[12];
            out->ascq = sense[13];
        }
        return 0;
    }
    if (code == 0x72 || code == 0x73) {
        if (length < 4)
            return E_INVAL;
        out->key = sense[1] & 0xf;
        out->asc = sense[2];
        out->ascq = sense[3];
        return 0;
    }
    return E_INVAL;
}

// The error of a CHECK CONDITION whose sense decoded to s.
static int SenseError(const ScsiSense *s)
{
    switch (s->key) {
    case SCSI_SENSE_RECOVERED_ERROR:
        return 0;
    case SCSI_SENSE_UNIT_ATTENTION:
        return E_AGAIN;
    case SCSI_SENSE_NOT_READY:
        if (s->asc == ASC_MEDIUM_NOT_PRESENT)
            return E_NXIO;
        if (s->asc == ASC_NOT_READY_CAUSE && s->ascq == ASCQ_BECOMING_READY)
            return E_AGAIN;
        return E_IO;
    case SCSI_SENSE_ILLEGAL_REQUEST:
        return s->asc == ASC_LBA_OUT_OF_RANGE ? E_RANGE : E_INVAL;
    case SCSI_SENSE_DATA_PROTECT:
        return E_ROFS;
    default:                            // MEDIUM, HARDWARE, ABORTED, NO SENSE, ...
        return E_IO;
    }
}

int ScsiCommandError(uint8_t status, const ScsiSense *sense)
{
    switch (status) {
    case SCSI_STATUS_GOOD:
        return 0;
    case SCSI_STATUS_BUSY:
    case 0x28:                          // TASK SET FULL
        return E_AGAIN;
    case SCSI_STATUS_CHECK_CONDITION:
        return sense ? SenseError(sense) : E_IO;
    default:                            // RESERVATION CONFLICT, anything unknown
        return E_IO;
    }
}

// Copy a blank-padded INQUIRY field of size bytes (those of it within
// length) into out (size + 1 bytes): printable ASCII kept, anything else
// '?', trailing blanks removed.
static void CopyField(char *out, const uint8_t *data, uint32_t length, uint32_t at, uint32_t size)
{
    uint32_t n = 0;

    for (; n < size && at + n < length; n++) {
        uint8_t c = data[at + n];
        out[n] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    out[n] = 0;
    while (n > 0 && out[n - 1] == ' ')
        out[--n] = 0;
}

// Standard INQUIRY data: at least the 8-byte header; the vendor (8..15),
// product (16..31) and revision (32..35) as far as length reaches.
int ScsiParseInquiry(const uint8_t *data, uint32_t length, ScsiInquiry *out)
{
    if (!data || length < 8)
        return E_INVAL;
    memset(out, 0, sizeof(*out));
    out->peripheralType = data[0] & 0x1f;
    out->qualifier = data[0] >> 5;
    out->removable = (data[1] >> 7) & 1;
    CopyField(out->vendor, data, length, 8, 8);
    CopyField(out->product, data, length, 16, 16);
    CopyField(out->revision, data, length, 32, 4);
    return 0;
}

// A block size this layer can describe: a power of two, 512 to 65536.
static int GoodBlockSize(uint32_t size)
{
    return size >= 512 && size <= 65536 && (size & (size - 1)) == 0;
}

// READ CAPACITY (10): the last LBA (0xffffffff: ask (16)) and the block size.
int ScsiParseCapacity10(const uint8_t *data, uint32_t length, ScsiCapacity *out)
{
    uint32_t size;

    if (!data || length < 8)
        return E_INVAL;
    size = Be32(data + 4);
    if (!GoodBlockSize(size))
        return E_INVAL;
    out->blocks = (uint64_t)Be32(data) + 1;
    out->blockSize = size;
    return 0;
}

// READ CAPACITY (16): a 64-bit last LBA; an LBA of 2^64 - 1 would make
// 0 blocks, which is refused.
int ScsiParseCapacity16(const uint8_t *data, uint32_t length, ScsiCapacity *out)
{
    uint32_t size;
    uint64_t last;

    if (!data || length < 12)
        return E_INVAL;
    last = Be64(data);
    size = Be32(data + 8);
    if (!GoodBlockSize(size) || last == UINT64_MAX)
        return E_INVAL;
    out->blocks = last + 1;
    out->blockSize = size;
    return 0;
}

// --- commands ----------------------------------------------------------------

// A fresh command: cdb bytes of cdb, a data phase of length bytes at data.
static void Prepare(ScsiCommand *cmd, const uint8_t *cdb, uint8_t cdbLength, ScsiDirection dir,
                    void *data, uint32_t length)
{
    memset(cmd, 0, sizeof(*cmd));
    memcpy(cmd->cdb, cdb, cdbLength);
    cmd->cdbLength = cdbLength;
    cmd->direction = length ? dir : SCSI_DIR_NONE;
    cmd->data = length ? data : NULL;
    cmd->length = length;
}

// Fetch the sense of cmd's CHECK CONDITION with REQUEST SENSE when the
// transport brought none. 0 (cmd->sense filled), or E_*.
static int FetchSense(ScsiDisk *disk, ScsiCommand *cmd)
{
    uint8_t cdb[6] = { SCSI_REQUEST_SENSE, 0, 0, 0, SCSI_SENSE_MAX, 0 };
    uint8_t sense[SCSI_SENSE_MAX];
    ScsiCommand request;
    int err;

    memset(sense, 0, sizeof(sense));
    Prepare(&request, cdb, sizeof(cdb), SCSI_DIR_IN, sense, sizeof(sense));
    err = disk->transport.Execute(disk->transport.context, &request);
    if (err)
        return err;
    if (request.status != SCSI_STATUS_GOOD || request.transferred > sizeof(sense))
        return E_IO;
    memcpy(cmd->sense, sense, request.transferred);
    cmd->senseLength = (uint8_t)request.transferred;
    return 0;
}

// The outcome of one run of cmd: the transport's error, or the status
// and sense decoded (REQUEST SENSE sent when the transport fetched none).
static int RunOnce(ScsiDisk *disk, ScsiCommand *cmd)
{
    ScsiSense sense;
    int err = disk->transport.Execute(disk->transport.context, cmd);

    if (err)
        return err;
    if (cmd->transferred > cmd->length || cmd->senseLength > SCSI_SENSE_MAX)
        return E_IO;                    // a transport that overran: never trusted
    if (cmd->status != SCSI_STATUS_CHECK_CONDITION)
        return ScsiCommandError(cmd->status, NULL);
    if (cmd->senseLength == 0 && (err = FetchSense(disk, cmd)) != 0)
        return err;
    if (ScsiSenseDecode(cmd->sense, cmd->senseLength, &sense) != 0)
        return E_IO;                    // sense that is no sense
    return ScsiCommandError(cmd->status, &sense);
}

// Run cmd, again after UNIT ATTENTION or BUSY, at most attempts times in
// all (a retry that still meets one is E_IO). A data-in or data-out
// command must move all its bytes unless short is allowed (INQUIRY).
static int Run(ScsiDisk *disk, ScsiCommand *cmd, uint32_t attempts, int shortAllowed)
{
    ScsiCommand first = *cmd;
    int err = E_IO;

    for (uint32_t i = 0; i < attempts; i++) {
        if (i) {
            *cmd = first;
            disk->retries++;
        }
        err = RunOnce(disk, cmd);
        if (err != E_AGAIN)
            break;
    }
    if (err == E_AGAIN)
        return E_IO;
    if (!err && !shortAllowed && cmd->transferred != cmd->length)
        return E_IO;                    // a short transfer
    return err;
}

static int TestUnitReady(ScsiDisk *disk)
{
    uint8_t cdb[6] = { SCSI_TEST_UNIT_READY };
    ScsiCommand cmd;

    Prepare(&cmd, cdb, sizeof(cdb), SCSI_DIR_NONE, NULL, 0);
    return Run(disk, &cmd, READY_ATTEMPTS, 0);
}

static int Inquiry(ScsiDisk *disk)
{
    uint8_t cdb[6] = { SCSI_INQUIRY, 0, 0, 0, INQUIRY_LENGTH, 0 };
    uint8_t data[INQUIRY_LENGTH];
    ScsiCommand cmd;
    int err;

    memset(data, 0, sizeof(data));
    Prepare(&cmd, cdb, sizeof(cdb), SCSI_DIR_IN, data, sizeof(data));
    if ((err = Run(disk, &cmd, ATTEMPTS, 1)) != 0)
        return err;
    return ScsiParseInquiry(data, cmd.transferred, &disk->inquiry) ? E_IO : 0;
}

// READ CAPACITY (10), and (16) when (10) says the disk is too big for it.
static int ReadCapacity(ScsiDisk *disk)
{
    uint8_t cdb10[10] = { SCSI_READ_CAPACITY_10 };
    uint8_t cdb16[16] = { SCSI_SERVICE_ACTION_IN, RC16_ACTION };
    uint8_t data[RC16_LENGTH];
    ScsiCommand cmd;
    int err;

    memset(data, 0, sizeof(data));
    Prepare(&cmd, cdb10, sizeof(cdb10), SCSI_DIR_IN, data, 8);
    if ((err = Run(disk, &cmd, ATTEMPTS, 0)) != 0)
        return err;
    if (ScsiParseCapacity10(data, 8, &disk->capacity) != 0)
        return E_IO;
    if (disk->capacity.blocks <= 0xffffffffu)
        return 0;
    PutBe32(cdb16 + 10, RC16_LENGTH);
    memset(data, 0, sizeof(data));
    Prepare(&cmd, cdb16, sizeof(cdb16), SCSI_DIR_IN, data, RC16_LENGTH);
    if ((err = Run(disk, &cmd, ATTEMPTS, 1)) != 0)
        return err;
    return ScsiParseCapacity16(data, cmd.transferred, &disk->capacity) ? E_IO : 0;
}

// The most blocks one command moves: the transport's limit, and READ (10)'s
// 16-bit count.
static uint32_t BlocksPerCommand(const ScsiDisk *disk)
{
    uint32_t n = disk->transport.maxTransfer / disk->capacity.blockSize;

    return disk->use16 || n <= 0xffff ? n : 0xffff;
}

// One READ or WRITE (10 or 16) of count blocks at lba, data at data.
static int Transfer(ScsiDisk *disk, int write, uint64_t lba, uint32_t count, void *data)
{
    uint8_t cdb[16];
    ScsiCommand cmd;

    memset(cdb, 0, sizeof(cdb));
    if (disk->use16) {
        cdb[0] = write ? SCSI_WRITE_16 : SCSI_READ_16;
        PutBe64(cdb + 2, lba);
        PutBe32(cdb + 10, count);
    } else {
        cdb[0] = write ? SCSI_WRITE_10 : SCSI_READ_10;
        PutBe32(cdb + 2, (uint32_t)lba);
        cdb[7] = (uint8_t)(count >> 8);
        cdb[8] = (uint8_t)count;
    }
    Prepare(&cmd, cdb, disk->use16 ? 16 : 10, write ? SCSI_DIR_OUT : SCSI_DIR_IN, data,
            count * disk->capacity.blockSize);
    return Run(disk, &cmd, ATTEMPTS, 0);
}

// Check the range, then move it in commands of BlocksPerCommand blocks.
static int TransferAll(ScsiDisk *disk, int write, uint64_t lba, uint32_t count, uint8_t *data)
{
    uint32_t per = BlocksPerCommand(disk), size = disk->capacity.blockSize;

    /* decode: nothing is sent for a request that is not wholly on the disk */
    if (count == 0 || !data || per == 0)
        return E_INVAL;
    if (lba >= disk->capacity.blocks || count > disk->capacity.blocks - lba)
        return E_RANGE;
    /* invoke */
    for (uint32_t done = 0; done < count;) {
        uint32_t n = count - done < per ? count - done : per;
        int err = Transfer(disk, write, lba + done, n, data + (size_t)done * size);
        if (err)
            return err;
        done += n;
    }
    return 0;
}

int ScsiDiskRead(ScsiDisk *disk, uint64_t lba, uint32_t count, void *to)
{
    return TransferAll(disk, 0, lba, count, to);
}

int ScsiDiskWrite(ScsiDisk *disk, uint64_t lba, uint32_t count, const void *from)
{
    // The data phase only reads from the buffer (SCSI_DIR_OUT).
    return TransferAll(disk, 1, lba, count, (uint8_t *)(uintptr_t)from);
}

// SYNCHRONIZE CACHE (10) of the whole disk. A unit that does not know the
// command (ILLEGAL REQUEST) has no write cache to flush: 0.
int ScsiDiskSync(ScsiDisk *disk)
{
    uint8_t cdb[10] = { SCSI_SYNCHRONIZE_CACHE };
    ScsiCommand cmd;
    int err;

    Prepare(&cmd, cdb, sizeof(cdb), SCSI_DIR_NONE, NULL, 0);
    err = Run(disk, &cmd, ATTEMPTS, 0);
    return err == E_INVAL ? 0 : err;
}

// --- the BlockDevice ---------------------------------------------------------

static int DeviceRead(BlockDevice *dev, uint64_t sector, uint32_t count, void *to)
{
    return ScsiDiskRead(dev->driver, sector, count, to);
}

static int DeviceWrite(BlockDevice *dev, uint64_t sector, uint32_t count, const void *from)
{
    return ScsiDiskWrite(dev->driver, sector, count, from);
}

static int DeviceSync(BlockDevice *dev)
{
    return ScsiDiskSync(dev->driver);
}

// "vendor product" into model (BLOCK_MODEL_MAX with its NUL).
static void SetModel(char *model, const ScsiInquiry *inq)
{
    size_t v = strlen(inq->vendor), p = strlen(inq->product);

    memcpy(model, inq->vendor, v);
    if (v && p)
        model[v++] = ' ';
    memcpy(model + v, inq->product, p);
    model[v + p] = 0;
}

int ScsiDiskProbe(ScsiDisk *disk, const char *name)
{
    BlockInfo *info = &disk->device.info;
    int err;

    disk->retries = 0;
    disk->use16 = 0;
    if (!disk->transport.Execute)
        return E_INVAL;
    if ((err = TestUnitReady(disk)) != 0)
        return err;
    if ((err = Inquiry(disk)) != 0)
        return err;
    if (disk->inquiry.qualifier != 0 || disk->inquiry.peripheralType != 0)
        return E_NODEV;                 // no unit here, or not a disk
    if ((err = ReadCapacity(disk)) != 0)
        return err;
    if (disk->capacity.blockSize > BLOCK_IO_MAX ||
        disk->capacity.blockSize > disk->transport.maxTransfer)
        return E_NODEV;                 // a block no request could carry
    disk->use16 = disk->capacity.blocks > 0xffffffffu;
    memset(&disk->device, 0, sizeof(disk->device));
    info->sectors = disk->capacity.blocks;
    info->sectorSize = disk->capacity.blockSize;
    info->flags = disk->inquiry.removable ? BLOCK_REMOVABLE : 0;
    SetModel(info->model, &disk->inquiry);
    disk->device.name = name;
    disk->device.driver = disk;
    disk->device.Read = DeviceRead;
    disk->device.Write = DeviceWrite;
    disk->device.Sync = DeviceSync;
    return 0;
}
