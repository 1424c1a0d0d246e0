// block:ide: — ATA disks and ATAPI drives on the IDE channels (kernel-mode).
//
// Controller 0 is the first PCI IDE controller (class 01/01): its
// channels at the legacy ports 0x1f0/0x3f6 (IRQ 14) and 0x170/0x376
// (IRQ 15) in compatibility mode, or at its BARs and PCI interrupt line
// in native mode; with no PCI IDE controller the legacy ports are tried.
// At start each channel's master and slave are probed (a floating bus
// or an empty status means nothing is there; every wait at probe is
// short), identified (IDENTIFY, IDENTIFY PACKET DEVICE for ATAPI) and
// then served as block:ide:C.CH.D with the block protocol of
// include/clanker/block.h (docs/servers.md):
//
//   MSG_QUERY  -> BlockInfo          MSG_READ   BlockIo -> the sectors
//   MSG_SYNC   -> FLUSH CACHE (EXT)  MSG_WRITE  BlockIo + data
//   MSG_LIST to block:ide: -> one FsDirEntry per device ("0.0.0", ...)
//   MSG_STAT to block:ide: -> BlockStats (the time spent waiting for interrupts)
//
// Transfers are PIO, one sector per DRQ block, driven by interrupts: the
// IRQ handler only counts, reads the status (which acknowledges the
// device) and wakes the driver, which waits with Sleep(timeout) (a Wake
// ends it early). LBA28 is used unless the transfer reaches past 2^28
// sectors, then LBA48. Every wait is bounded: a device that stops
// answering gives E_TIMEDOUT; after any failed transfer the channel is
// reset for the next request. ATAPI drives are reported (BLOCK_ATAPI, 2048-byte sectors,
// their capacity from READ CAPACITY when a disc is in) but not read:
// E_NODEV.
//
// Run from etc/boot.conf:  kernel drivers/ide
#include <stddef.h>
#include <clanker/block.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <clanker/kernelapi.h>
#include <lib/format.h>
#include <lib/kapi.h>
#include <lib/pci.h>
#include <lib/server.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>

#define PREFIX "block:ide:"

// Task file registers, from the channel's base port.
#define REG_DATA     0
#define REG_ERROR    1          // read
#define REG_FEATURES 1          // write
#define REG_COUNT    2
#define REG_LBA0     3
#define REG_LBA1     4
#define REG_LBA2     5
#define REG_DEVICE   6
#define REG_STATUS   7          // read: acknowledges the interrupt
#define REG_COMMAND  7          // write

// The control block: alternate status (read) / device control (write).
#define CONTROL_SRST 0x04
#define CONTROL_NIEN 0x02

#define STATUS_BSY  0x80
#define STATUS_DRDY 0x40
#define STATUS_DF   0x20
#define STATUS_DRQ  0x08
#define STATUS_ERR  0x01

#define CMD_READ          0x20
#define CMD_READ_EXT      0x24
#define CMD_WRITE         0x30
#define CMD_WRITE_EXT     0x34
#define CMD_PACKET        0xa0
#define CMD_IDENTIFY_PACKET 0xa1
#define CMD_FLUSH         0xe7
#define CMD_FLUSH_EXT     0xea
#define CMD_IDENTIFY      0xec

#define DEVICE_LBA  0x40
#define DEVICE_OBS  0xa0        // bits 7 and 5, set by old convention

#define LBA28_LIMIT (1ull << 28)

// Time limits in milliseconds.
#define PROBE_MS   100          // a present device answers IDENTIFY at once
#define COMMAND_MS 5000         // one sector, or the DRQ of a write
#define FLUSH_MS   30000

#define ATAPI_SECTOR 2048

typedef struct Channel {
    uint16_t base, control;
    uint8_t irq;
    uint8_t selected;           // the device last selected (0xff: none yet)
    volatile uint32_t irqs;     // interrupts seen, counted by the handler
} Channel;

typedef struct Device {
    Channel *channel;
    uint8_t drive;              // 0 master, 1 slave
    uint8_t atapi, lba48, flushExt;
    uint64_t sectors;
    uint32_t sectorSize;
    char model[BLOCK_MODEL_MAX];
    char name[8];               // "C.CH.D"
} Device;

static const KernelApi *api;
static uint32_t self;
static Channel channels[2];
static Device devices[4];
static uint32_t deviceCount;
static BlockStats stats;            // MSG_STAT of block:ide: (for make bench)

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request, reply;

// --- the channel ------------------------------------------------------------

static void Acknowledge(Channel *c)
{
    api->InByte((uint16_t)(c->base + REG_STATUS));
    c->irqs++;
}

// IRQ handlers: acknowledge the device, count, wake the driver.
static void Interrupt0(void)
{
    Acknowledge(&channels[0]);
    api->Wake(self);
}

static void Interrupt1(void)
{
    Acknowledge(&channels[1]);
    api->Wake(self);
}

static void InterruptBoth(void)
{
    Acknowledge(&channels[0]);
    Acknowledge(&channels[1]);
    api->Wake(self);
}

static uint8_t AltStatus(const Channel *c)
{
    return api->InByte(c->control);
}

static void Out(const Channel *c, uint32_t reg, uint8_t value)
{
    api->OutByte((uint16_t)(c->base + reg), value);
}

static uint8_t In(const Channel *c, uint32_t reg)
{
    return api->InByte((uint16_t)(c->base + reg));
}

static int PollFor(const Channel *c, uint8_t mask, uint8_t want, uint32_t ms, uint8_t *status,
                   uint8_t errors);

// The 400 ns a device may take to show a new status.
static void Settle(const Channel *c)
{
    for (int i = 0; i < 4; i++)
        AltStatus(c);
}

// Poll the alternate status until BSY is clear and (status & mask) ==
// want, or until ERR or DF shows. Returns 0 (the status in *status),
// E_IO, or E_TIMEDOUT after ms.
static int Poll(const Channel *c, uint8_t mask, uint8_t want, uint32_t ms, uint8_t *status)
{
    return PollFor(c, mask, want, ms, status, STATUS_ERR | STATUS_DF);
}

// Poll as above; only the status bits in errors end the wait with E_IO.
static int PollFor(const Channel *c, uint8_t mask, uint8_t want, uint32_t ms, uint8_t *status,
                   uint8_t errors)
{
    uint32_t start = api->UptimeMs();

    for (uint32_t spins = 0;; spins++) {
        uint8_t s = AltStatus(c);
        if (!(s & STATUS_BSY)) {
            if (status)
                *status = s;
            if (s & errors)
                return E_IO;
            if ((s & mask) == want)
                return 0;
        }
        if (spins >= 32) {
            if (api->UptimeMs() - start > ms)
                return E_TIMEDOUT;
            api->SchedYield();
        }
    }
}

// Wait until the channel's interrupt count passes seen, at most ms.
// Returns 0 or E_TIMEDOUT.
static int WaitIrq(Channel *c, uint32_t seen, uint32_t ms)
{
    uint32_t start = api->UptimeMs();
    uint64_t begin = CpuReadTsc();
    int err = 0;

    stats.requests++;
    while (c->irqs == seen) {
        uint32_t waited = api->UptimeMs() - start;
        if (waited > ms) {
            err = E_TIMEDOUT;
            break;
        }
        api->Sleep(ms - waited + 10);   // a Wake from the handler ends it
    }
    stats.waitCycles += CpuReadTsc() - begin;
    return err;
}

// Wait for the interrupt of the next DRQ block or the command's end and
// check the status: 0 with the status in *status, E_IO or E_TIMEDOUT.
static int WaitBlock(Channel *c, uint32_t seen, uint32_t ms, uint8_t *status)
{
    int err = WaitIrq(c, seen, ms);

    return err ? err : Poll(c, 0, 0, ms, status);
}

// Soft-reset the channel after a device stopped answering, so that the
// next request starts clean.
static void ResetChannel(Channel *c)
{
    api->OutByte(c->control, CONTROL_SRST);
    Settle(c);
    api->OutByte(c->control, 0);
    PollFor(c, 0, 0, 50, NULL, 0);
    c->selected = 0xff;
}

// Select drive (and the top LBA28 bits) and wait until it is ready for a
// command. Returns 0, E_IO or E_TIMEDOUT.
static int Select(Channel *c, uint8_t drive, uint8_t head, uint32_t ms)
{
    Out(c, REG_DEVICE, (uint8_t)(DEVICE_OBS | DEVICE_LBA | drive << 4 | head));
    if (c->selected != drive) {
        Settle(c);
        c->selected = drive;
    }
    return PollFor(c, STATUS_DRQ, 0, ms, NULL, 0);     // an old command's ERR does not count
}

// Load the task file for sector and count (LBA48 when lba48) on the
// selected drive. count 0 means 256 (LBA28) or 65536 (LBA48).
static void TaskFile(const Channel *c, int lba48, uint64_t sector, uint32_t count)
{
    if (lba48) {
        Out(c, REG_COUNT, (uint8_t)(count >> 8));
        Out(c, REG_LBA0, (uint8_t)(sector >> 24));
        Out(c, REG_LBA1, (uint8_t)(sector >> 32));
        Out(c, REG_LBA2, (uint8_t)(sector >> 40));
    }
    Out(c, REG_COUNT, (uint8_t)count);
    Out(c, REG_LBA0, (uint8_t)sector);
    Out(c, REG_LBA1, (uint8_t)(sector >> 8));
    Out(c, REG_LBA2, (uint8_t)(sector >> 16));
}

static void ReadWords(const Channel *c, uint8_t *to, uint32_t bytes)
{
    for (uint32_t i = 0; i < bytes; i += 2) {
        uint16_t w = api->InWord((uint16_t)(c->base + REG_DATA));
        to[i] = (uint8_t)w;
        to[i + 1] = (uint8_t)(w >> 8);
    }
}

static void WriteWords(const Channel *c, const uint8_t *from, uint32_t bytes)
{
    for (uint32_t i = 0; i < bytes; i += 2)
        api->OutWord((uint16_t)(c->base + REG_DATA), (uint16_t)(from[i] | from[i + 1] << 8));
}

// --- ATA transfers ------------------------------------------------------------

// Start command cmd for count sectors from sector on d. Returns 0 or an error.
static int Start(Device *d, uint8_t cmd28, uint8_t cmd48, uint64_t sector, uint32_t count)
{
    Channel *c = d->channel;
    int lba48 = sector + count > LBA28_LIMIT;
    int err = Select(c, d->drive, lba48 ? 0 : (uint8_t)(sector >> 24 & 0x0f), COMMAND_MS);

    if (err)
        return err;
    TaskFile(c, lba48, sector, count);
    Out(c, REG_COMMAND, lba48 ? cmd48 : cmd28);
    return 0;
}

// Read count sectors from sector into to. Returns 0 or E_IO/E_TIMEDOUT.
static int AtaRead(Device *d, uint64_t sector, uint32_t count, uint8_t *to)
{
    Channel *c = d->channel;
    uint32_t seen = c->irqs;
    int err = Start(d, CMD_READ, CMD_READ_EXT, sector, count);

    for (uint32_t i = 0; !err && i < count; i++) {
        uint8_t status;
        err = WaitBlock(c, seen, COMMAND_MS, &status);
        if (!err && !(status & STATUS_DRQ))
            err = E_IO;
        seen = c->irqs;             // before the data: the next block's IRQ comes after it
        if (!err)
            ReadWords(c, to + i * d->sectorSize, d->sectorSize);
    }
    return err;
}

// Write count sectors from from to sector. Returns 0 or E_IO/E_TIMEDOUT.
static int AtaWrite(Device *d, uint64_t sector, uint32_t count, const uint8_t *from)
{
    Channel *c = d->channel;
    int err = Start(d, CMD_WRITE, CMD_WRITE_EXT, sector, count);
    uint8_t status;

    if (!err)
        err = Poll(c, STATUS_DRQ, STATUS_DRQ, COMMAND_MS, NULL);   // no IRQ for the first block
    for (uint32_t i = 0; !err && i < count; i++) {
        uint32_t seen = c->irqs;
        WriteWords(c, from + i * d->sectorSize, d->sectorSize);
        err = WaitBlock(c, seen, COMMAND_MS, &status);
        if (!err && i + 1 < count && !(status & STATUS_DRQ))
            err = E_IO;
    }
    return err;
}

static int AtaFlush(Device *d)
{
    Channel *c = d->channel;
    uint32_t seen = c->irqs;
    int err = Select(c, d->drive, 0, COMMAND_MS);

    if (err)
        return err;
    Out(c, REG_COMMAND, d->flushExt ? CMD_FLUSH_EXT : CMD_FLUSH);
    return WaitBlock(c, seen, FLUSH_MS, NULL);
}

// --- ATAPI --------------------------------------------------------------------

// Send the 12-byte SCSI packet cmd to d and read up to capacity bytes of
// its answer into to. Returns the bytes read or an error.
static int Packet(Device *d, const uint8_t cmd[12], uint8_t *to, uint32_t capacity, uint32_t ms)
{
    Channel *c = d->channel;
    uint32_t got = 0, seen;
    uint8_t status;
    int err = Select(c, d->drive, 0, ms);

    if (err)
        return err;
    Out(c, REG_FEATURES, 0);                    // PIO
    Out(c, REG_LBA1, (uint8_t)ATAPI_SECTOR);   // the most per DRQ block
    Out(c, REG_LBA2, (uint8_t)(ATAPI_SECTOR >> 8));
    seen = c->irqs;
    Out(c, REG_COMMAND, CMD_PACKET);
    if ((err = Poll(c, STATUS_DRQ, STATUS_DRQ, ms, NULL)) != 0)
        return err;
    WriteWords(c, cmd, 12);
    for (;;) {
        if ((err = WaitBlock(c, seen, ms, &status)) != 0)
            return err;
        seen = c->irqs;
        if (!(status & STATUS_DRQ))
            return (int)got;
        uint32_t n = (uint32_t)In(c, REG_LBA1) | (uint32_t)In(c, REG_LBA2) << 8;
        if (n == 0 || n % 2 || n > capacity - got)
            return E_IO;
        ReadWords(c, to + got, n);
        got += n;
    }
}

// The disc's size from READ CAPACITY(10); 0 with no disc in. A unit
// attention after a disc change fails the first try, so try twice.
static uint64_t AtapiCapacity(Device *d)
{
    static const uint8_t readCapacity[12] = { 0x25 };
    uint8_t answer[8];

    for (int attempt = 0; attempt < 2; attempt++) {
        if (Packet(d, readCapacity, answer, sizeof(answer), PROBE_MS * 5) == 8) {
            uint32_t last = (uint32_t)answer[0] << 24 | answer[1] << 16 | answer[2] << 8 | answer[3];
            return (uint64_t)last + 1;
        }
    }
    return 0;
}

// --- probing ------------------------------------------------------------------

// Copy IDENTIFY's model (words 27-46, two characters a word, high byte
// first) into d->model without trailing blanks.
static void ModelName(Device *d, const uint16_t *id)
{
    uint32_t n = 0;

    for (uint32_t w = 27; w <= 46; w++) {
        d->model[n++] = (char)(id[w] >> 8);
        d->model[n++] = (char)id[w];
    }
    while (n > 0 && (d->model[n - 1] == ' ' || d->model[n - 1] == 0))
        n--;
    d->model[n] = 0;
}

// Take an ATA device's IDENTIFY data. Returns 0, or E_NODEV if it cannot
// address by LBA.
static int AtaIdentity(Device *d, const uint16_t *id)
{
    if (!(id[49] & 0x200))
        return E_NODEV;
    d->sectors = (uint32_t)id[60] | (uint32_t)id[61] << 16;
    if (id[83] & 0x400) {
        d->lba48 = 1;
        d->flushExt = (id[83] & 0x2000) != 0;
        d->sectors = (uint64_t)id[100] | (uint64_t)id[101] << 16 | (uint64_t)id[102] << 32 |
                     (uint64_t)id[103] << 48;
    }
    d->sectorSize = 512;
    if ((id[106] & 0xd000) == 0x5000) {         // valid, logical sector larger than 512
        uint32_t words = (uint32_t)id[117] | (uint32_t)id[118] << 16;
        if (words * 2 >= 512 && words * 2 <= 4096 && words * 2 % 512 == 0)
            d->sectorSize = words * 2;
    }
    return 0;
}

// Issue an IDENTIFY (cmd) to the selected drive and read its 256 words.
// Returns 0, or an error if nothing answers with data.
static int Identify(Channel *c, uint8_t cmd, uint16_t *id)
{
    uint8_t status;
    int err;

    Out(c, REG_COMMAND, cmd);
    Settle(c);
    status = AltStatus(c);
    if (status == 0 || status == 0xff)
        return E_NXIO;
    if ((err = Poll(c, STATUS_DRQ, STATUS_DRQ, PROBE_MS, &status)) != 0)
        return err;
    ReadWords(c, (uint8_t *)id, 512);
    return 0;
}

// Probe drive on channel ch; on success fill devices[deviceCount++].
static void ProbeDrive(uint32_t ch, uint8_t drive)
{
    Channel *c = &channels[ch];
    Device *d = &devices[deviceCount];
    static uint16_t id[256];

    Out(c, REG_DEVICE, (uint8_t)(DEVICE_OBS | drive << 4));
    Settle(c);
    c->selected = drive;
    Out(c, REG_COUNT, 0x55);
    Out(c, REG_LBA0, 0xaa);
    if (In(c, REG_COUNT) != 0x55 || In(c, REG_LBA0) != 0xaa)
        return;                                 // no register answers: nothing there
    memset(d, 0, sizeof(*d));
    d->channel = c;
    d->drive = drive;
    if (Identify(c, CMD_IDENTIFY, id) != 0) {
        if (In(c, REG_LBA1) != 0x14 || In(c, REG_LBA2) != 0xeb)
            return;                             // neither ATA nor ATAPI
        if (Identify(c, CMD_IDENTIFY_PACKET, id) != 0)
            return;
        d->atapi = 1;
        d->sectorSize = ATAPI_SECTOR;
    } else if (AtaIdentity(d, id) != 0) {
        return;
    }
    ModelName(d, id);
    Format(d->name, sizeof(d->name), "0.%u.%u", ch, drive);
    deviceCount++;
}

// Find the controller and set up its two channels.
static void FindChannels(void)
{
    static const uint16_t legacyBase[2] = { 0x1f0, 0x170 }, legacyControl[2] = { 0x3f6, 0x376 };
    static const uint8_t legacyIrq[2] = { 14, 15 };
    PciFunction f;
    int pci = PciFind(api, 0x01, 0x01, 0, &f) == 0;

    if (pci)
        PciEnable(api, &f, PCI_COMMAND_IO);
    for (uint32_t ch = 0; ch < 2; ch++) {
        Channel *c = &channels[ch];
        int native = pci && (f.progIf >> (2 * ch) & 1) && f.bars[2 * ch].size &&
                     f.bars[2 * ch + 1].size && f.irqLine && f.irqLine < 16;
        c->base = native ? (uint16_t)f.bars[2 * ch].base : legacyBase[ch];
        c->control = native ? (uint16_t)(f.bars[2 * ch + 1].base + 2) : legacyControl[ch];
        c->irq = native ? f.irqLine : legacyIrq[ch];
        c->selected = 0xff;
    }
}

// Register each channel's interrupt (one handler when both share a line).
// Returns 0 or an error.
static int TakeInterrupts(void)
{
    if (channels[0].irq == channels[1].irq)
        return api->IrqRegister(channels[0].irq, InterruptBoth);
    int err = api->IrqRegister(channels[0].irq, Interrupt0);
    return err ? err : api->IrqRegister(channels[1].irq, Interrupt1);
}

static void Probe(void)
{
    for (uint32_t ch = 0; ch < 2; ch++) {
        uint8_t status = AltStatus(&channels[ch]);
        if (status == 0xff)
            continue;                           // a floating bus: no device
        api->OutByte(channels[ch].control, 0);  // interrupts on
        ProbeDrive(ch, 0);
        ProbeDrive(ch, 1);
    }
    for (uint32_t i = 0; i < deviceCount; i++) {
        if (devices[i].atapi)
            devices[i].sectors = AtapiCapacity(&devices[i]);
    }
}

// --- requests -----------------------------------------------------------------
// The skeleton's handlers (include/lib/server.h), one per request type.
// Each decodes the name and the payload and checks them against the
// device before it touches the device: a request the device cannot do
// changes nothing.

static Device *FindDevice(const char *name)
{
    for (uint32_t i = 0; i < deviceCount; i++) {
        if (strcmp(devices[i].name, name) == 0)
            return &devices[i];
    }
    return NULL;
}

// The device r names (NULL: block:ide: itself). Returns 0 or E_NOENT.
static int Target(const ServerRequest *r, Device **d)
{
    const char *rest = r->envelope->name + sizeof(PREFIX) - 1;

    *d = NULL;
    if (rest[0] == 0)
        return 0;
    *d = FindDevice(rest);
    return *d ? 0 : E_NOENT;
}

static uint32_t Flags(const Device *d)
{
    return d->atapi ? BLOCK_ATAPI | BLOCK_READ_ONLY | BLOCK_REMOVABLE : 0;
}

// The reply holds length bytes, already written to its data.
static int ReplyLength(ServerRequest *r, uint32_t length)
{
    r->reply->length = MESSAGE_HEADER_SIZE + length;
    return 0;
}

// MSG_QUERY of a device: its BlockInfo.
static int Query(Server *s, ServerRequest *r)
{
    BlockInfo info;
    Device *d;
    int err;

    (void)s;
    /* decode */
    if ((err = Target(r, &d)) != 0)
        return err;
    if (!d || MessageDataLength(r->message) != 0)
        return E_INVAL;
    /* invoke */
    if (d->atapi)
        d->sectors = AtapiCapacity(d);          // the disc may have changed
    memset(&info, 0, sizeof(info));
    info.sectors = d->sectors;
    info.sectorSize = d->sectorSize;
    info.flags = Flags(d);
    memcpy(info.model, d->model, sizeof(info.model));
    return ServerReplyData(r, &info, sizeof(info));
}

// Check a MSG_READ or MSG_WRITE of size payload bytes against d, changing
// nothing. Returns 0 with *io filled, or the error of block.h.
static int CheckTransfer(const Device *d, const Message *m, BlockIo *io)
{
    uint32_t size = MessageDataLength(m);

    if (size < sizeof(BlockIo) || (m->type == MSG_READ && size != sizeof(BlockIo)))
        return E_INVAL;
    memcpy(io, m->data, sizeof(*io));
    if (io->count == 0 || io->reserved != 0 || io->count > BLOCK_IO_MAX / d->sectorSize)
        return E_INVAL;
    if (m->type == MSG_WRITE && size - sizeof(BlockIo) != io->count * d->sectorSize)
        return E_INVAL;
    if (io->sector >= d->sectors || io->count > d->sectors - io->sector)
        return E_RANGE;
    if (m->type == MSG_WRITE && (Flags(d) & BLOCK_READ_ONLY))
        return E_ROFS;
    if (d->atapi)
        return E_NODEV;
    return 0;
}

// A failed transfer: the channel is reset, so that a device that stopped
// answering or was left in the middle of a transfer starts the next
// request clean.
static int Failed(Device *d, int err)
{
    ResetChannel(d->channel);
    return err;
}

// MSG_READ and MSG_WRITE of a device.
static int Transfer(Server *s, ServerRequest *r)
{
    const Message *m = r->message;
    BlockIo io;
    Device *d;
    int err;

    (void)s;
    /* decode */
    if ((err = Target(r, &d)) != 0)
        return err;
    if (!d)
        return E_INVAL;
    if ((err = CheckTransfer(d, m, &io)) != 0)
        return err;
    /* invoke: the request is valid; only the device can fail it */
    if (m->type == MSG_READ) {
        if ((err = AtaRead(d, io.sector, io.count, r->reply->data)) != 0)
            return Failed(d, err);
        return ReplyLength(r, io.count * d->sectorSize);
    }
    if ((err = AtaWrite(d, io.sector, io.count, m->data + sizeof(BlockIo))) != 0)
        return Failed(d, err);
    return 0;
}

// MSG_SYNC of a device: FLUSH CACHE.
static int Sync(Server *s, ServerRequest *r)
{
    Device *d;
    int err;

    (void)s;
    /* decode */
    if ((err = Target(r, &d)) != 0)
        return err;
    if (!d || MessageDataLength(r->message) != 0)
        return E_INVAL;
    /* invoke */
    if (!d->atapi && (err = AtaFlush(d)) != 0)
        return Failed(d, err);
    return 0;
}

// MSG_LIST of block:ide:: the devices, in name order (probe order).
static int List(Server *s, ServerRequest *r)
{
    uint32_t size = MessageDataLength(r->message), n = 0;
    FsListRequest want = { 0, FS_LIST_MAX };
    FsDirEntry *out = (FsDirEntry *)r->reply->data;
    Device *d;
    int err;

    (void)s;
    /* decode */
    if ((err = Target(r, &d)) != 0)
        return err;
    if (d || (size != 0 && size != sizeof(want)))
        return E_INVAL;
    if (size)
        memcpy(&want, r->message->data, sizeof(want));
    if (want.count == 0 || want.count > FS_LIST_MAX)
        want.count = FS_LIST_MAX;
    /* invoke */
    for (uint32_t i = want.index; i < deviceCount && n < want.count; i++, n++) {
        memset(&out[n], 0, sizeof(out[n]));
        out[n].size = devices[i].sectors * devices[i].sectorSize;
        out[n].type = FS_TYPE_DEVICE;
        out[n].id = i + 1;
        memcpy(out[n].name, devices[i].name, sizeof(devices[i].name));
    }
    return ReplyLength(r, n * (uint32_t)sizeof(FsDirEntry));
}

// MSG_STAT of block:ide:: the driver's counters (BlockStats).
static int Stats(Server *s, ServerRequest *r)
{
    Device *d;
    int err;

    (void)s;
    /* decode */
    if ((err = Target(r, &d)) != 0)
        return err;
    if (d || MessageDataLength(r->message) != 0)
        return E_INVAL;
    /* invoke */
    return ServerReplyData(r, &stats, sizeof(stats));
}

// Any other request: E_NOENT for a device that is not there, else E_INVAL.
static int Unrouted(Server *s, ServerRequest *r)
{
    Device *d;

    (void)s;
    return Target(r, &d) ? E_NOENT : E_INVAL;
}

static const ServerRoute routes[] = {
    { MSG_QUERY, NULL, Query },
    { MSG_READ,  NULL, Transfer },
    { MSG_WRITE, NULL, Transfer },
    { MSG_SYNC,  NULL, Sync },
    { MSG_LIST,  NULL, List },
    { MSG_STAT,  NULL, Stats },
};

int main(const KernelApi *kernel, int argc, char **argv)
{
    static ServerPort port;
    static Server server = {
        .name = "ide", .routes = routes, .routeCount = sizeof(routes) / sizeof(routes[0]),
        .unrouted = Unrouted, .requestBuffer = &request.message,
        .replyBuffer = &reply.message, .capacity = sizeof(request),
    };
    int err;

    (void)argc; (void)argv;
    api = kernel;
    self = api->GetPid();
    FindChannels();
    if ((err = TakeInterrupts()) != 0) {
        api->Print("ide: cannot take IRQ %u/%u (error %d)\n", channels[0].irq, channels[1].irq, err);
        return 1;
    }
    Probe();
    if (api->NamespaceRegister(PREFIX, NULL) != 0) {
        api->Print("ide: cannot serve %s\n", PREFIX);
        return 1;
    }
    port = ServerPortKernelApi(api);
    server.port = &port;
    ServerRun(&server);
}
