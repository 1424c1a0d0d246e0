// block:floppy:a and block:floppy:b — the ISA floppy disk controller
// (kernel-mode driver).
//
// The controller is an Intel 82077AA (or compatible) at ports
// 0x3f0-0x3f7, interrupting on IRQ 6, moving data through channel 2 of
// the 8237 DMA controller. The drives come from CMOS register 0x10 (high
// nibble A, low nibble B); a 3.5" drive (type 4, 1.44 MB, or 5, 2.88 MB)
// holding a disk at start is served as a 1.44 MB disk: 80 cylinders x 2
// heads x 18 sectors of 512 bytes (LBA to CHS: cylinder = lba / 36,
// head = lba / 18 % 2, sector = lba % 18 + 1). A machine with no such
// drive, or with empty drives only, registers nothing and prints nothing.
//
// Every transfer goes through one DMA page below 16 MiB (from
// MemAllocateDmaPage), so it never crosses a 64 KiB boundary; a command
// moves at most 8 sectors (4 KiB) and stays on one track. The IRQ handler
// only counts and wakes the driver; every wait (a FIFO byte, an interrupt,
// the motor) has a time limit, after which the request fails with
// E_TIMEDOUT and the controller is reset. Failed transfers are retried
// (with a recalibration in between) before E_IO. A write-protected disk
// (SENSE DRIVE STATUS, or the controller's "not writable") is
// BLOCK_READ_ONLY and writes get E_ROFS. A drive whose disk is taken out
// later answers MSG_QUERY with 0 sectors, and reads and writes with E_NXIO.
// The motor is switched on (with a spin-up delay) when a request needs
// it and off after two idle seconds.
//
// Run from etc/boot.conf:  kernel drivers/floppy
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/kernelapi.h>
#include <lib/blockdev.h>
#include <lib/kapi.h>
#include <lib/server.h>
#include <lib/string.h>

#define PREFIX "block:floppy:"

// Controller ports.
#define FDC_DOR  0x3f2          // digital output: drive select, reset, DMA, motors
#define FDC_MSR  0x3f4          // main status (read)
#define FDC_FIFO 0x3f5          // command and result bytes
#define FDC_DIR  0x3f7          // digital input (read): bit 7 disk change
#define FDC_CCR  0x3f7          // configuration control (write): data rate
#define FDC_IRQ  6

#define DOR_RESET_OFF 0x04      // 0 holds the controller in reset
#define DOR_DMA       0x08      // IRQ and DMA enabled
#define DOR_MOTOR(d)  (0x10u << (d))
#define MSR_RQM 0x80            // the FIFO is ready for a byte
#define MSR_DIO 0x40            // ... and it goes from controller to host
#define DIR_CHANGED 0x80

// Commands.
#define CMD_SPECIFY     0x03
#define CMD_SENSE_DRIVE 0x04
#define CMD_WRITE       0xc5    // WRITE DATA, multi-track, MFM
#define CMD_READ        0xe6    // READ DATA, multi-track, MFM, skip deleted
#define CMD_RECALIBRATE 0x07
#define CMD_SENSE_IRQ   0x08
#define CMD_SEEK        0x0f

#define ST0_CODE(st0)   ((st0) >> 6)    // 0 normal, 1 abnormal, 2 invalid
#define ST0_SEEK_END    0x20
#define ST1_END         0x80            // end of cylinder (the track ended)
#define ST1_NOT_WRITABLE 0x02
#define ST3_PROTECTED   0x40

// 8237 DMA controller, channel 2.
#define DMA_ADDRESS 0x04
#define DMA_COUNT   0x05
#define DMA_MASK    0x0a
#define DMA_MODE    0x0b
#define DMA_FLIPFLOP 0x0c
#define DMA_PAGE    0x81
#define DMA_MODE_TO_MEMORY   0x46   // single, increment, write to memory, channel 2
#define DMA_MODE_FROM_MEMORY 0x4a   // single, increment, read from memory, channel 2

// The 1.44 MB format.
#define CYLINDERS  80
#define HEADS      2
#define SPT        18               // sectors per track
#define SECTORS    (CYLINDERS * HEADS * SPT)
#define SECTOR_SIZE 512
#define MAX_PER_COMMAND 8           // one DMA page
#define GAP3       0x1b

// Limits.
#define BYTE_TIMEOUT_MS  500
#define IRQ_TIMEOUT_MS   3000
#define SPIN_UP_MS       300
#define MOTOR_IDLE_MS    2000
#define ATTEMPTS         3

typedef struct Drive {
    uint32_t unit;              // 0 (A) or 1 (B)
    int cylinder;               // where the head is, -1 unknown
    BlockDevice dev;
    char name[2];
} Drive;

static const KernelApi *api;
static uint32_t self;
static volatile uint32_t interrupts;
static uint8_t dor = DOR_RESET_OFF | DOR_DMA;
static uint32_t motorOn[2];     // uptime it was switched on, 0: off
static uint32_t lastRequest;    // uptime the last request was served
static Drive drives[2];
static BlockDevice *devices[2];
static BlockDevSet set = { PREFIX, devices, 0 };
static uint8_t *dmaPage;
static uint32_t dmaPhysical;

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request, reply;

// IRQ 6: count it and wake the driver (nothing else is allowed here).
static void FloppyInterrupt(void)
{
    interrupts++;
    api->Wake(self);
}

// Poll until ready(arg) holds, yielding in between, for at most
// timeoutMs. 0 or E_TIMEDOUT.
static int WaitFor(int (*ready)(uint32_t arg), uint32_t arg, uint32_t timeoutMs)
{
    uint32_t start = api->UptimeMs();

    while (!ready(arg)) {
        if (api->UptimeMs() - start > timeoutMs)
            return ready(arg) ? 0 : E_TIMEDOUT;
        api->SchedYield();
    }
    return 0;
}

static int FifoReady(uint32_t direction)
{
    return (api->InByte(FDC_MSR) & (MSR_RQM | MSR_DIO)) == (MSR_RQM | direction);
}

static int InterruptSince(uint32_t seen)
{
    return interrupts != seen;
}

static int SendByte(uint8_t value)
{
    if (WaitFor(FifoReady, 0, BYTE_TIMEOUT_MS) != 0)
        return E_TIMEDOUT;
    api->OutByte(FDC_FIFO, value);
    return 0;
}

static int ReceiveByte(uint8_t *value)
{
    if (WaitFor(FifoReady, MSR_DIO, BYTE_TIMEOUT_MS) != 0)
        return E_TIMEDOUT;
    *value = api->InByte(FDC_FIFO);
    return 0;
}

// Send a command's bytes. 0 or E_TIMEDOUT.
static int Send(const uint8_t *bytes, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (SendByte(bytes[i]) != 0)
            return E_TIMEDOUT;
    return 0;
}

static int Receive(uint8_t *bytes, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (ReceiveByte(&bytes[i]) != 0)
            return E_TIMEDOUT;
    return 0;
}

// SENSE INTERRUPT STATUS: ST0 and the present cylinder.
static int SenseInterrupt(uint8_t *st0, uint8_t *cylinder)
{
    uint8_t cmd = CMD_SENSE_IRQ, result[2];
    int err = Send(&cmd, 1);

    if (!err)
        err = Receive(result, 2);
    if (!err) {
        *st0 = result[0];
        *cylinder = result[1];
    }
    return err;
}

// Reset the controller and set it up for 1.44 MB disks (500 kbit/s).
// Every drive's head position is forgotten.
static int Reset(void)
{
    uint32_t seen = interrupts;
    uint8_t specify[3] = { CMD_SPECIFY, 0xdf, 0x02 };   // step 3 ms, unload 240 ms, load 4 ms, DMA
    uint8_t st0, cylinder;

    api->OutByte(FDC_DOR, 0);
    api->OutByte(FDC_DOR, dor);
    if (WaitFor(InterruptSince, seen, IRQ_TIMEOUT_MS) != 0)
        return E_TIMEDOUT;
    for (int i = 0; i < 4; i++)
        if (SenseInterrupt(&st0, &cylinder) != 0)
            return E_TIMEDOUT;
    api->OutByte(FDC_CCR, 0);
    drives[0].cylinder = drives[1].cylinder = -1;
    return Send(specify, sizeof(specify));
}

// Select drive d with its motor on; wait for the spin-up if it was off.
static void MotorOn(const Drive *d)
{
    uint8_t want = (uint8_t)((dor & ~3u) | d->unit | DOR_MOTOR(d->unit));

    if (want != dor) {
        dor = want;
        api->OutByte(FDC_DOR, dor);
    }
    if (!motorOn[d->unit]) {
        api->Sleep(SPIN_UP_MS);
        motorOn[d->unit] = api->UptimeMs() | 1;
    }
}

static void MotorsOff(void)
{
    dor &= (uint8_t)~(DOR_MOTOR(0) | DOR_MOTOR(1));
    api->OutByte(FDC_DOR, dor);
    motorOn[0] = motorOn[1] = 0;
}

// A command that ends with an interrupt but no result phase (SEEK,
// RECALIBRATE): send it, wait, and SENSE INTERRUPT. 0, E_IO or E_TIMEDOUT.
static int SeekCommand(const uint8_t *cmd, uint32_t n, uint8_t *cylinder)
{
    uint32_t seen = interrupts;
    uint8_t st0;
    int err = Send(cmd, n);

    if (!err)
        err = WaitFor(InterruptSince, seen, IRQ_TIMEOUT_MS);
    if (!err)
        err = SenseInterrupt(&st0, cylinder);
    if (!err && (ST0_CODE(st0) != 0 || !(st0 & ST0_SEEK_END)))
        err = E_IO;
    return err;
}

// Move d's head to cylinder 0 (twice at most: one step train may stop short).
static int Recalibrate(Drive *d)
{
    uint8_t cmd[2] = { CMD_RECALIBRATE, (uint8_t)d->unit }, cylinder = 0xff;
    int err = 0;

    for (int i = 0; i < 2; i++) {
        err = SeekCommand(cmd, 2, &cylinder);
        if (err == E_TIMEDOUT)
            return err;
        if (!err && cylinder == 0) {
            d->cylinder = 0;
            return 0;
        }
    }
    d->cylinder = -1;
    return err ? err : E_IO;
}

static int Seek(Drive *d, uint32_t cylinder)
{
    uint8_t cmd[3] = { CMD_SEEK, (uint8_t)d->unit, (uint8_t)cylinder }, at = 0xff;
    int err;

    if (d->cylinder < 0 && (err = Recalibrate(d)) != 0)
        return err;
    if (d->cylinder == (int)cylinder)
        return 0;
    err = SeekCommand(cmd, 3, &at);
    d->cylinder = !err && at == cylinder ? (int)cylinder : -1;
    return err ? err : d->cylinder < 0 ? E_IO : 0;
}

// Program DMA channel 2 for bytes bytes at the DMA page.
static void DmaSetup(uint8_t mode, uint32_t bytes)
{
    api->OutByte(DMA_MASK, 0x06);
    api->OutByte(DMA_FLIPFLOP, 0xff);
    api->OutByte(DMA_MODE, mode);
    api->OutByte(DMA_ADDRESS, (uint8_t)dmaPhysical);
    api->OutByte(DMA_ADDRESS, (uint8_t)(dmaPhysical >> 8));
    api->OutByte(DMA_PAGE, (uint8_t)(dmaPhysical >> 16));
    api->OutByte(DMA_FLIPFLOP, 0xff);
    api->OutByte(DMA_COUNT, (uint8_t)(bytes - 1));
    api->OutByte(DMA_COUNT, (uint8_t)((bytes - 1) >> 8));
    api->OutByte(DMA_MASK, 0x02);
}

// One READ DATA or WRITE DATA of n sectors from lba (on one track),
// through the DMA page. 0, E_ROFS, E_IO or E_TIMEDOUT.
static int TransferOnce(Drive *d, uint8_t command, uint32_t lba, uint32_t n)
{
    uint32_t cylinder = lba / (HEADS * SPT), head = lba / SPT % HEADS, sector = lba % SPT + 1;
    uint8_t cmd[9] = { command, (uint8_t)(head << 2 | d->unit), (uint8_t)cylinder,
                       (uint8_t)head, (uint8_t)sector, 2, SPT, GAP3, 0xff };
    uint8_t result[7];
    uint32_t seen;
    int err = Seek(d, cylinder);

    if (err)
        return err;
    DmaSetup(command == CMD_READ ? DMA_MODE_TO_MEMORY : DMA_MODE_FROM_MEMORY, n * SECTOR_SIZE);
    seen = interrupts;
    if ((err = Send(cmd, sizeof(cmd))) != 0 ||
        (err = WaitFor(InterruptSince, seen, IRQ_TIMEOUT_MS)) != 0 ||
        (err = Receive(result, sizeof(result))) != 0)
        return err;
    if (result[1] & ST1_NOT_WRITABLE)
        return E_ROFS;
    // The track's end with the last sector done is normal, not an error.
    if (ST0_CODE(result[0]) == 0 ||
        (ST0_CODE(result[0]) == 1 && result[1] == ST1_END && result[2] == 0 &&
         sector + n - 1 == SPT))
        return 0;
    return E_IO;
}

// TransferOnce with retries: a recalibration after a failure, a reset
// after a timeout. E_ROFS is final at once.
static int Transfer(Drive *d, uint8_t command, uint32_t lba, uint32_t n)
{
    int err = E_IO;

    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        err = TransferOnce(d, command, lba, n);
        if (err == 0 || err == E_ROFS)
            return err;
        if (err == E_TIMEDOUT && Reset() != 0)
            return E_TIMEDOUT;
        d->cylinder = -1;
    }
    return err;
}

// Sectors one command may move from lba: the rest of its track, at most
// a DMA page.
static uint32_t ChunkAt(uint32_t lba, uint32_t left)
{
    uint32_t n = SPT - lba % SPT;

    n = n < MAX_PER_COMMAND ? n : MAX_PER_COMMAND;
    return n < left ? n : left;
}

static int DeviceRead(BlockDevice *dev, uint64_t sector, uint32_t count, void *to)
{
    Drive *d = dev->driver;

    MotorOn(d);
    for (uint32_t done = 0; done < count;) {
        uint32_t lba = (uint32_t)sector + done, n = ChunkAt(lba, count - done);
        int err = Transfer(d, CMD_READ, lba, n);
        if (err)
            return err;
        memcpy((uint8_t *)to + done * SECTOR_SIZE, dmaPage, n * SECTOR_SIZE);
        done += n;
    }
    return 0;
}

static int DeviceWrite(BlockDevice *dev, uint64_t sector, uint32_t count, const void *from)
{
    Drive *d = dev->driver;

    MotorOn(d);
    for (uint32_t done = 0; done < count;) {
        uint32_t lba = (uint32_t)sector + done, n = ChunkAt(lba, count - done);
        int err;
        memcpy(dmaPage, (const uint8_t *)from + done * SECTOR_SIZE, n * SECTOR_SIZE);
        if ((err = Transfer(d, CMD_WRITE, lba, n)) != 0)
            return err;
        done += n;
    }
    return 0;
}

// Whether d holds a disk: the disk-change line is set while the drive is
// empty and after a disk was put in, until the head steps. So when it is
// set, step to cylinder 1 and back and look again.
static int HasMedium(Drive *d)
{
    if (!(api->InByte(FDC_DIR) & DIR_CHANGED))
        return 1;
    d->cylinder = -1;
    if (Seek(d, 1) == 0)
        Seek(d, 0);
    return !(api->InByte(FDC_DIR) & DIR_CHANGED);
}

// Before each request: the medium and its write protection. A drive
// without a disk has 0 sectors (reads and writes: E_NXIO).
static int Refresh(BlockDevice *dev)
{
    Drive *d = dev->driver;
    uint8_t cmd[2] = { CMD_SENSE_DRIVE, (uint8_t)d->unit }, st3;

    MotorOn(d);
    dev->info.flags = BLOCK_REMOVABLE;
    if (!HasMedium(d)) {
        dev->info.sectors = 0;
        return 0;
    }
    dev->info.sectors = SECTORS;
    if (Send(cmd, 2) != 0 || Receive(&st3, 1) != 0) {
        Reset();
        return E_TIMEDOUT;
    }
    if (st3 & ST3_PROTECTED)
        dev->info.flags |= BLOCK_READ_ONLY;
    return 0;
}

// The drives CMOS lists that take 1.44 MB disks: type 4 (1.44 MB) and
// type 5 (2.88 MB, which QEMU reports for a drive with no disk). Returns
// how many.
static uint32_t FindDrives(void)
{
    uint8_t types;

    api->OutByte(0x70, 0x10);
    types = api->InByte(0x71);
    for (uint32_t unit = 0; unit < 2; unit++) {
        uint32_t type = unit == 0 ? types >> 4 : types & 0xf;
        Drive *d = &drives[set.count];
        if (type != 4 && type != 5)
            continue;
        d->unit = unit;
        d->cylinder = -1;
        d->name[0] = (char)('a' + unit);
        d->dev = (BlockDevice){ d->name, { SECTORS, SECTOR_SIZE, BLOCK_REMOVABLE, "" }, d,
                                Refresh, DeviceRead, DeviceWrite, NULL };
        memcpy(d->dev.info.model, "3.5\" floppy drive, 1.44 MB", 27);
        devices[set.count++] = &d->dev;
    }
    return set.count;
}

// Keep the drives that hold a disk now: an empty drive is not attached
// (QEMU always has drive A). Returns how many are left.
static uint32_t KeepLoaded(void)
{
    uint32_t kept = 0;

    for (uint32_t i = 0; i < set.count; i++) {
        BlockDevice *dev = devices[i];
        motorOn[((Drive *)dev->driver)->unit] = 1;     // no spin-up: no data moves yet
        if (Refresh(dev) == 0 && dev->info.sectors != 0)
            devices[kept++] = dev;
    }
    set.count = kept;
    MotorsOff();
    return kept;
}

// Every request: the block protocol (lib/blockdev.c, which decodes it
// whole, its shape before Refresh looks at the drive, then invokes), then
// the motor's idle time starts again.
static int Request(Server *s, ServerRequest *r)
{
    int err = BlockDevRequest(s, r);

    lastRequest = api->UptimeMs();
    return err;
}

// The skeleton's Idle hook: switch the motors off after MOTOR_IDLE_MS
// without a request. Returns how long the next receive may wait.
static uint32_t MotorIdle(Server *s)
{
    uint32_t idle;

    (void)s;
    if (!motorOn[0] && !motorOn[1])
        return 0;
    idle = api->UptimeMs() - lastRequest;
    if (idle < MOTOR_IDLE_MS)
        return MOTOR_IDLE_MS - idle;
    MotorsOff();
    return 0;
}

static const ServerRoute routes[] = {
    { SERVER_ANY_TYPE, NULL, Request },
};

// Serve requests forever.
static void Serve(void)
{
    static ServerPort port;
    static Server server = {
        .name = "floppy", .routes = routes, .routeCount = sizeof(routes) / sizeof(routes[0]),
        .Idle = MotorIdle, .requestBuffer = &request.message, .replyBuffer = &reply.message,
        .capacity = sizeof(request), .state = &set,
    };

    port = ServerPortKernelApi(api);
    server.port = &port;
    ServerRun(&server);
}

int main(const KernelApi *kernel, int argc, char **argv)
{
    int err;

    (void)argc; (void)argv;
    api = kernel;
    self = api->GetPid();
    if (FindDrives() == 0)
        return 0;                       // no drive: nothing to serve, quietly
    dmaPage = api->MemAllocateDmaPage(0x1000000);
    dmaPhysical = dmaPage ? api->MemPhysical(dmaPage) : 0;
    if (!dmaPhysical) {
        api->Print("floppy: no DMA memory below 16 MiB\n");
        return 1;
    }
    if ((err = api->IrqRegister(FDC_IRQ, FloppyInterrupt)) != 0) {
        api->Print("floppy: IRQ %d: error %d\n", FDC_IRQ, err);
        return 1;
    }
    if ((err = Reset()) != 0) {
        api->Print("floppy: the controller does not answer (error %d)\n", err);
        return 1;
    }
    if (KeepLoaded() == 0) {
        api->IrqUnregister(FDC_IRQ);
        return 0;                       // empty drives only: quietly
    }
    for (uint32_t i = 0; i < set.count; i++)
        api->Print("floppy: %s%s: %u sectors of %u bytes%s\n", PREFIX, devices[i]->name,
                   (unsigned)devices[i]->info.sectors, (unsigned)devices[i]->info.sectorSize,
                   devices[i]->info.flags & BLOCK_READ_ONLY ? ", write-protected" : "");
    if (api->NamespaceRegister(PREFIX, NULL) != 0) {
        api->Print("floppy: cannot serve %s\n", PREFIX);
        return 1;
    }
    Serve();
    return 0;
}
