// block:nvme:N — NVMe controllers on PCI (kernel-mode driver).
//
// At start it finds every NVM Express controller (PCI class 01, subclass
// 08, interface 02), switches on its memory decoding and bus mastering,
// maps BAR0 and brings it up the way the NVMe base specification orders:
// disable (CC.EN = 0, wait for CSTS.RDY = 0 within CAP.TO), give it an
// admin submission and completion queue (one page each), enable, wait for
// CSTS.RDY = 1, IDENTIFY the controller (model, MDTS) and namespace 1
// (size, LBA format), then create one I/O completion queue and one I/O
// submission queue. Controller N (in PCI order) with a usable namespace 1
// becomes block:nvme:N; a machine without one registers nothing and
// prints nothing.
//
// One command is outstanding at a time. A request's data is staged in
// fifteen pages (BLOCK_IO_MAX) the driver owns, since DMA needs physical
// addresses and IPC buffers have none a device may use; the pages are
// described by PRP1, PRP2 and, past two pages, by a PRP list page that is
// filled once at start. A request larger than the controller's MDTS is
// split into several commands. Completions are found by polling the
// phase bit of the completion queue, yielding the CPU between polls, for
// at most the controller's timeout: E_TIMEDOUT, never a hang. Interrupts
// stay masked (INTMS).
//
// Run from etc/boot.conf:  kernel drivers/nvme
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/kernelapi.h>
#include <lib/blockdev.h>
#include <lib/kapi.h>
#include <lib/server.h>
#include <lib/pci.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>

#define PREFIX          "block:nvme:"
#define PAGE_SIZE       4096u
#define MAX_CONTROLLERS 4
#define QUEUE_ENTRIES   64u     // per queue, fewer if CAP.MQES says so
#define DATA_PAGES      (BLOCK_IO_MAX / PAGE_SIZE)
#define IO_TIMEOUT_MS   5000u   // one I/O command

// Controller registers (NVMe base specification, section 3.1).
#define REG_CAP   0x00          // 64-bit capabilities
#define REG_INTMS 0x0c          // interrupt mask set
#define REG_CC    0x14          // controller configuration
#define REG_CSTS  0x1c          // controller status
#define REG_AQA   0x24          // admin queue attributes
#define REG_ASQ   0x28          // admin submission queue base (64-bit)
#define REG_ACQ   0x30          // admin completion queue base (64-bit)
#define REG_DOORBELLS 0x1000

#define CC_ENABLE     0x1u
#define CC_IOSQES_64  (6u << 16)    // 2^6-byte submission entries
#define CC_IOCQES_16  (4u << 20)    // 2^4-byte completion entries
#define CSTS_READY    0x1u
#define CSTS_FATAL    0x2u

// Admin and NVM command set opcodes.
#define ADMIN_CREATE_SQ 0x01
#define ADMIN_CREATE_CQ 0x05
#define ADMIN_IDENTIFY  0x06
#define NVM_FLUSH       0x00
#define NVM_WRITE       0x01
#define NVM_READ        0x02

#define IDENTIFY_NAMESPACE  0
#define IDENTIFY_CONTROLLER 1

// Status: "Namespace is Write Protected" (generic status, 0x20).
#define STATUS_WRITE_PROTECTED 0x20

typedef struct Command {        // a 64-byte submission queue entry
    uint32_t cdw0;              // opcode, command id << 16
    uint32_t nsid;
    uint32_t reserved[2];
    uint64_t metadata;
    uint64_t prp1, prp2;
    uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
} Command;

typedef struct Completion {     // a 16-byte completion queue entry
    uint32_t result;
    uint32_t reserved;
    uint16_t sqHead, sqId;
    uint16_t commandId;
    uint16_t status;            // bit 0: phase; bits 1-15: status field
} Completion;

typedef struct Queue {          // a submission queue and its completion queue
    volatile Command *sq;
    volatile Completion *cq;
    uint32_t sqPhysical, cqPhysical;
    uint16_t entries, sqTail, sqHead, cqHead;
    uint8_t phase;              // the phase bit a fresh completion carries
    volatile uint32_t *sqDoorbell, *cqDoorbell;
} Queue;

typedef struct Controller {
    volatile uint32_t *regs;
    uint32_t timeoutMs;         // CAP.TO: enabling and disabling
    uint32_t maxSectors;        // one command at most (MDTS, BLOCK_IO_MAX)
    uint16_t nextId;
    Queue admin, io;
    BlockDevice dev;
    char name[4];
} Controller;

static const KernelApi *api;
static Controller controllers[MAX_CONTROLLERS];
static BlockDevice *devices[MAX_CONTROLLERS];
static BlockDevSet set = { PREFIX, devices, 0 };

// The staging pages and the PRP list describing pages 1.. of them.
static uint8_t *dataPages[DATA_PAGES];
static uint32_t dataPhysical[DATA_PAGES];
static uint64_t *prpList;
static uint32_t prpListPhysical;

// Instructions spent waiting for the device (the TSC under make bench):
// reported by MSG_STAT so a benchmark can tell the driver's own work from
// the emulated device's latency, which is not deterministic.
static uint64_t waitCycles;
static uint32_t commands;

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request, reply;

static uint32_t Reg(const Controller *c, uint32_t offset)
{
    return c->regs[offset / 4];
}

static void SetReg(Controller *c, uint32_t offset, uint32_t value)
{
    c->regs[offset / 4] = value;
}

// Wait until CSTS.RDY equals ready, for at most the controller's timeout.
static int WaitReady(Controller *c, uint32_t ready)
{
    uint32_t start = api->UptimeMs();

    for (;;) {
        uint32_t csts = Reg(c, REG_CSTS);
        if (csts == 0xffffffffu)
            return E_IO;                // the device is gone
        if ((csts & CSTS_READY) == ready)
            return 0;
        if (ready && (csts & CSTS_FATAL))
            return E_IO;
        if (api->UptimeMs() - start > c->timeoutMs)
            return E_TIMEDOUT;
        api->Sleep(10);
    }
}

// A fresh page and its physical address; NULL if memory ran out.
static void *NewPage(uint32_t *physical)
{
    void *page = api->MemAllocatePage();

    *physical = page ? api->MemPhysical(page) : 0;
    return *physical ? page : NULL;
}

// Set up queue pair id of c with entries entries (pages from the kernel).
static int QueueInit(Controller *c, Queue *q, uint32_t id, uint32_t entries, uint32_t stride)
{
    q->sq = NewPage(&q->sqPhysical);
    q->cq = NewPage(&q->cqPhysical);
    if (!q->sq || !q->cq)
        return E_NOMEM;
    q->entries = (uint16_t)entries;
    q->sqTail = q->sqHead = q->cqHead = 0;
    q->phase = 1;
    q->sqDoorbell = c->regs + (REG_DOORBELLS + (2 * id) * stride) / 4;
    q->cqDoorbell = c->regs + (REG_DOORBELLS + (2 * id + 1) * stride) / 4;
    return 0;
}

// Take the next completion of q if the device has posted one: 1, or 0.
static int TakeCompletion(Queue *q, Completion *out)
{
    volatile Completion *entry = &q->cq[q->cqHead];

    if ((entry->status & 1) != q->phase)
        return 0;
    out->result = entry->result;
    out->sqHead = entry->sqHead;
    out->commandId = entry->commandId;
    out->status = entry->status;
    q->sqHead = out->sqHead % q->entries;
    if (++q->cqHead == q->entries) {
        q->cqHead = 0;
        q->phase ^= 1;
    }
    *q->cqDoorbell = q->cqHead;
    return 1;
}

// Wait for the completion of command id on q, yielding between polls.
// Completions of earlier commands that timed out are passed over.
// Returns the status field (0: success) or E_TIMEDOUT.
static int WaitCompletion(Queue *q, uint16_t id, uint32_t timeoutMs, uint32_t *result)
{
    uint32_t start = api->UptimeMs();
    uint64_t begin = CpuReadTsc();
    Completion done;
    int status = E_TIMEDOUT;

    for (;;) {
        if (TakeCompletion(q, &done)) {
            if (done.commandId != id)
                continue;
            *result = done.result;
            status = done.status >> 1;
            break;
        }
        if (api->UptimeMs() - start > timeoutMs)
            break;
        api->SchedYield();
    }
    waitCycles += CpuReadTsc() - begin;
    return status;
}

// Submit cmd on q and wait for it. Returns 0, E_ROFS (write protected),
// E_IO (any other error status) or E_TIMEDOUT.
static int Execute(Controller *c, Queue *q, Command *cmd, uint32_t timeoutMs, uint32_t *result)
{
    uint16_t id = c->nextId++;
    uint32_t ignored;
    int status;

    if ((q->sqTail + 1) % q->entries == q->sqHead)
        return E_TIMEDOUT;              // full of commands that never completed
    cmd->cdw0 = (cmd->cdw0 & 0xffu) | ((uint32_t)id << 16);
    memcpy((void *)&q->sq[q->sqTail], cmd, sizeof(*cmd));
    q->sqTail = (uint16_t)((q->sqTail + 1) % q->entries);
    *q->sqDoorbell = q->sqTail;
    commands++;
    status = WaitCompletion(q, id, timeoutMs, result ? result : &ignored);
    if (status <= 0)
        return status;
    return (status & 0x7ff) == STATUS_WRITE_PROTECTED ? E_ROFS : E_IO;
}

// Point cmd's PRPs at bytes bytes of the staging pages from page first on.
static void SetPrps(Command *cmd, uint32_t first, uint32_t bytes)
{
    uint32_t pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;

    cmd->prp1 = dataPhysical[first];
    if (pages == 2)
        cmd->prp2 = dataPhysical[first + 1];
    else if (pages > 2)
        cmd->prp2 = prpListPhysical + (first + 1) * sizeof(uint64_t);
}

static int Identify(Controller *c, uint32_t cns, uint32_t nsid)
{
    Command cmd = { .cdw0 = ADMIN_IDENTIFY, .nsid = nsid, .cdw10 = cns };

    memset(dataPages[0], 0, PAGE_SIZE);
    SetPrps(&cmd, 0, PAGE_SIZE);
    return Execute(c, &c->admin, &cmd, c->timeoutMs, NULL);
}

// Copy an identify string (blank-padded, not terminated) into model.
static void CopyModel(char *model, const uint8_t *text, uint32_t length)
{
    if (length > BLOCK_MODEL_MAX - 1)
        length = BLOCK_MODEL_MAX - 1;
    memcpy(model, text, length);
    model[length] = 0;
    while (length > 0 && (model[length - 1] == ' ' || model[length - 1] == 0))
        model[--length] = 0;
}

// IDENTIFY the controller (model, MDTS) and namespace 1 (size, sector
// size, write protection) into c->dev.info. E_NODEV if namespace 1 is
// missing or has a format this driver does not serve.
static int IdentifyAll(Controller *c, uint32_t minPageShift)
{
    const uint8_t *id = dataPages[0];
    uint32_t mdts, lbaFormat, lbads, metadata, maxBytes = BLOCK_IO_MAX;
    BlockInfo *info = &c->dev.info;
    int err = Identify(c, IDENTIFY_CONTROLLER, 0);

    if (err)
        return err;
    CopyModel(info->model, id + 24, 40);
    mdts = id[77];
    if (mdts && mdts + minPageShift < 16 + 1 && (1u << (mdts + minPageShift)) < maxBytes)
        maxBytes = 1u << (mdts + minPageShift);
    if ((err = Identify(c, IDENTIFY_NAMESPACE, 1)) != 0)
        return err;
    memcpy(&info->sectors, id, sizeof(info->sectors));          // NSZE
    lbaFormat = id[26] & 0xf;                                     // FLBAS
    memcpy(&metadata, id + 128 + 4 * lbaFormat, sizeof(metadata));
    lbads = (metadata >> 16) & 0xff;
    if (info->sectors == 0 || (metadata & 0xffff) != 0 || lbads < 9 || lbads > 12)
        return E_NODEV;
    info->sectorSize = 1u << lbads;
    info->flags = (id[99] & 1) ? BLOCK_READ_ONLY : 0;            // NSATTR
    c->maxSectors = maxBytes / info->sectorSize;
    return c->maxSectors ? 0 : E_NODEV;
}

// Create I/O completion queue 1 and I/O submission queue 1.
static int CreateIoQueues(Controller *c, uint32_t entries)
{
    uint32_t size = (entries - 1) << 16;
    Command cq = { .cdw0 = ADMIN_CREATE_CQ, .prp1 = c->io.cqPhysical,
                   .cdw10 = size | 1, .cdw11 = 1 };             // contiguous, no interrupts
    Command sq = { .cdw0 = ADMIN_CREATE_SQ, .prp1 = c->io.sqPhysical,
                   .cdw10 = size | 1, .cdw11 = (1u << 16) | 1 }; // completion queue 1
    int err = Execute(c, &c->admin, &cq, c->timeoutMs, NULL);

    return err ? err : Execute(c, &c->admin, &sq, c->timeoutMs, NULL);
}

// Reset the controller at regs, set up its queues, identify it. 0 or E_*.
static int ControllerStart(Controller *c)
{
    uint32_t capLow = Reg(c, REG_CAP), capHigh = Reg(c, REG_CAP + 4);
    uint32_t entries = (capLow & 0xffff) + 1, stride = 4u << (capHigh & 0xf);
    uint32_t minPageShift = 12 + ((capHigh >> 16) & 0xf);
    int err;

    c->timeoutMs = ((capLow >> 24) & 0xff) * 500 + 500;
    if (!(capHigh & (1u << 5)) || minPageShift != 12)
        return E_NODEV;                 // no NVM command set, or no 4 KiB pages
    if (entries > QUEUE_ENTRIES || entries < 2)
        entries = QUEUE_ENTRIES;
    SetReg(c, REG_CC, 0);
    if ((err = WaitReady(c, 0)) != 0)
        return err;
    if ((err = QueueInit(c, &c->admin, 0, entries, stride)) != 0 ||
        (err = QueueInit(c, &c->io, 1, entries, stride)) != 0)
        return err;
    SetReg(c, REG_AQA, ((entries - 1) << 16) | (entries - 1));
    SetReg(c, REG_ASQ, c->admin.sqPhysical);
    SetReg(c, REG_ASQ + 4, 0);
    SetReg(c, REG_ACQ, c->admin.cqPhysical);
    SetReg(c, REG_ACQ + 4, 0);
    SetReg(c, REG_INTMS, 0xffffffffu);  // completions are polled
    SetReg(c, REG_CC, CC_ENABLE | CC_IOSQES_64 | CC_IOCQES_16);
    if ((err = WaitReady(c, CSTS_READY)) != 0)
        return err;
    if ((err = IdentifyAll(c, minPageShift)) != 0)
        return err;
    return CreateIoQueues(c, entries);
}

// One READ or WRITE of count sectors (at most maxSectors) from lba, its
// data in the staging pages from page first on.
static int Transfer(Controller *c, uint32_t opcode, uint64_t lba, uint32_t count, uint32_t first)
{
    Command cmd = { .cdw0 = opcode, .nsid = 1,
                    .cdw10 = (uint32_t)lba, .cdw11 = (uint32_t)(lba >> 32),
                    .cdw12 = count - 1 };

    SetPrps(&cmd, first, count * c->dev.info.sectorSize);
    return Execute(c, &c->io, &cmd, IO_TIMEOUT_MS, NULL);
}

// Move count sectors from lba between the device and the staging pages,
// in commands of at most maxSectors.
static int TransferAll(Controller *c, uint32_t opcode, uint64_t lba, uint32_t count)
{
    uint32_t sectorSize = c->dev.info.sectorSize, done = 0;

    while (done < count) {
        uint32_t n = count - done < c->maxSectors ? count - done : c->maxSectors;
        int err = Transfer(c, opcode, lba + done, n, done * sectorSize / PAGE_SIZE);
        if (err)
            return err;
        done += n;
    }
    return 0;
}

// Copy bytes bytes into the staging pages.
static void StageIn(const uint8_t *from, uint32_t bytes)
{
    for (uint32_t at = 0, i = 0; at < bytes; at += PAGE_SIZE, i++)
        memcpy(dataPages[i], from + at, bytes - at < PAGE_SIZE ? bytes - at : PAGE_SIZE);
}

// Copy bytes bytes out of the staging pages.
static void StageOut(uint8_t *to, uint32_t bytes)
{
    for (uint32_t at = 0, i = 0; at < bytes; at += PAGE_SIZE, i++)
        memcpy(to + at, dataPages[i], bytes - at < PAGE_SIZE ? bytes - at : PAGE_SIZE);
}

static int DeviceRead(BlockDevice *dev, uint64_t sector, uint32_t count, void *to)
{
    int err = TransferAll(dev->driver, NVM_READ, sector, count);

    if (!err)
        StageOut(to, count * dev->info.sectorSize);
    return err;
}

static int DeviceWrite(BlockDevice *dev, uint64_t sector, uint32_t count, const void *from)
{
    StageIn(from, count * dev->info.sectorSize);
    return TransferAll(dev->driver, NVM_WRITE, sector, count);
}

static int DeviceSync(BlockDevice *dev)
{
    Command cmd = { .cdw0 = NVM_FLUSH, .nsid = 1 };
    Controller *c = dev->driver;

    return Execute(c, &c->io, &cmd, IO_TIMEOUT_MS, NULL);
}

// Map f's BAR0 for c. 0, or E_NODEV when it is not a 32-bit-reachable memory BAR.
static int MapRegisters(const PciFunction *f, Controller *c)
{
    uint32_t high = 0, size = f->bars[0].size;

    if (f->bars[0].flags & PCI_BAR_64)
        api->PciConfigRead(PCI_CONFIG_ADDRESS(f->bus, f->device, f->function, 0x14), &high);
    if ((f->bars[0].flags & PCI_BAR_IO) || high || !f->bars[0].base || size < 0x2000)
        return E_NODEV;
    c->regs = api->MapDevice(f->bars[0].base, size > 0x10000 ? 0x10000 : size);
    return c->regs ? 0 : E_NOMEM;
}

// PciEnumerate visitor: bring up every NVMe controller (class 01/08/02).
static int Probe(const PciFunction *f, void *arg)
{
    uint32_t *index = arg;
    Controller *c;
    int err;

    if (f->classCode != 0x01 || f->subclass != 0x08 || f->progIf != 0x02)
        return 0;
    if (*index >= MAX_CONTROLLERS)
        return 1;
    c = &controllers[*index];
    PciEnable(api, f, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    err = MapRegisters(f, c);
    if (!err)
        err = ControllerStart(c);
    c->name[0] = (char)('0' + *index);
    if (err) {
        api->Print("nvme: controller %02x:%02x.%x not used (error %d)\n",
                   f->bus, f->device, f->function, err);
        (*index)++;                     // N stays the controller's position
        return 0;
    }
    c->dev = (BlockDevice){ c->name, c->dev.info, c, NULL, DeviceRead, DeviceWrite, DeviceSync };
    devices[set.count++] = &c->dev;
    (*index)++;
    return 0;
}

// The staging pages and the PRP list that chains pages 1.. of them.
static int StagingInit(void)
{
    prpList = NewPage(&prpListPhysical);
    if (!prpList)
        return E_NOMEM;
    for (uint32_t i = 0; i < DATA_PAGES; i++) {
        dataPages[i] = NewPage(&dataPhysical[i]);
        if (!dataPages[i])
            return E_NOMEM;
        prpList[i] = dataPhysical[i];
    }
    return 0;
}


// MSG_STAT of block:nvme: with no payload: the driver's counters
// (BlockStats, for make bench). Any other MSG_STAT is the block
// protocol's.
static int Stats(Server *s, ServerRequest *r)
{
    BlockStats stats = { waitCycles, commands, 0 };

    /* decode */
    if (strcmp(r->envelope->name, PREFIX) != 0 || MessageDataLength(r->message) != 0)
        return BlockDevRequest(s, r);
    /* invoke */
    return ServerReplyData(r, &stats, sizeof(stats));
}

static const ServerRoute routes[] = {
    { MSG_STAT, NULL, Stats },
    { SERVER_ANY_TYPE, NULL, BlockDevRequest },
};

// Serve requests forever.
static void Serve(void)
{
    static ServerPort port;
    static Server server = {
        .name = "nvme", .routes = routes, .routeCount = sizeof(routes) / sizeof(routes[0]),
        .requestBuffer = &request.message, .replyBuffer = &reply.message,
        .capacity = sizeof(request), .state = &set,
    };

    port = ServerPortKernelApi(api);
    server.port = &port;
    ServerRun(&server);
}

int main(const KernelApi *kernel, int argc, char **argv)
{
    uint32_t found = 0;

    (void)argc; (void)argv;
    api = kernel;
    if (StagingInit() != 0) {
        api->Print("nvme: out of memory\n");
        return 1;
    }
    PciEnumerate(api, Probe, &found);
    if (set.count == 0)
        return 0;                       // no controller: nothing to serve, quietly
    for (uint32_t i = 0; i < set.count; i++)
        api->Print("nvme: %s%s: %s, %llu sectors of %u bytes%s\n", PREFIX, devices[i]->name,
                   devices[i]->info.model, (unsigned long long)devices[i]->info.sectors,
                   (unsigned)devices[i]->info.sectorSize,
                   devices[i]->info.flags & BLOCK_READ_ONLY ? ", read-only" : "");
    if (api->NamespaceRegister(PREFIX, NULL) != 0) {
        api->Print("nvme: cannot serve %s\n", PREFIX);
        return 1;
    }
    Serve();
    return 0;
}
