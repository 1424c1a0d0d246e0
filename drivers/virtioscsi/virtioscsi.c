// block:scsi:C.T.L — virtio-scsi controllers on PCI (kernel-mode driver).
//
// At start it finds every virtio-scsi function (vendor 0x1af4, device
// 0x1048, or 0x1004 transitional) and drives it through the modern
// virtio-pci interface only (virtio 1.x, 4.1): the vendor capabilities in
// configuration space locate the common configuration, the notification
// area and the device configuration in the memory BARs. The device is
// reset, told ACKNOWLEDGE and DRIVER, offered VERSION_1 alone (nothing
// else is needed), FEATURES_OK is checked, and the request queue (queue
// 2; the control and event queues stay off) is given one page of split
// virtqueue before DRIVER_OK.
//
// Then each target 0..MAX_TARGETS-1 (or the device's max_target) is
// asked for LUN 0, and a target that answers for LUNs 1..MAX_LUNS-1;
// every direct-access unit the SCSI layer (lib/scsi.c) can probe is
// served as block:scsi:C.T.L (controller C in PCI order, target T, LUN
// L). A machine without the device registers nothing and prints nothing.
//
// One command is outstanding at a time. Its request header and response
// share a page the driver owns; its data is staged in fifteen pages
// (BLOCK_IO_MAX), one descriptor each, so a whole block request is one
// SCSI command. Completion is found by polling the used ring, yielding
// between polls, for at most IO_TIMEOUT_MS: then the command is
// E_TIMEDOUT and the device is reset and set up again, so a command it
// still held can never complete into a later one. Everything the device
// writes back (the used element, the response, the residual, the sense
// length) is checked before it is believed.
//
// Run from etc/boot.conf:  kernel drivers/virtioscsi
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/kernelapi.h>
#include <clanker/virtioscsi.h>
#include <lib/blockdev.h>
#include <lib/kapi.h>
#include <lib/pci.h>
#include <lib/scsi.h>
#include <lib/server.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>

#define PAGE_SIZE       4096u
#define MAX_CONTROLLERS 4
#define MAX_TARGETS     16u
#define MAX_LUNS        8u
#define MAX_UNITS       16u
#define DATA_PAGES      (BLOCK_IO_MAX / PAGE_SIZE)
#define QUEUE_MAX       32u     // descriptors: a request, a response, DATA_PAGES
#define IO_TIMEOUT_MS   3000u
#define RESET_TIMEOUT_MS 1000u
#define REQUEST_QUEUE   2u

#define VENDOR_VIRTIO   0x1af4u
#define DEVICE_SCSI     0x1048u // modern
#define DEVICE_SCSI_OLD 0x1004u // transitional

// Vendor capabilities (virtio 1.x, 4.1.4).
#define PCI_CAP_VENDOR  0x09
#define CAP_COMMON      1
#define CAP_NOTIFY      2
#define CAP_ISR         3
#define CAP_DEVICE      4

// The common configuration (4.1.4.3).
#define COMMON_DEVICE_FEATURE_SELECT 0x00
#define COMMON_DEVICE_FEATURE        0x04
#define COMMON_DRIVER_FEATURE_SELECT 0x08
#define COMMON_DRIVER_FEATURE        0x0c
#define COMMON_NUM_QUEUES            0x12
#define COMMON_STATUS                0x14
#define COMMON_QUEUE_SELECT          0x16
#define COMMON_QUEUE_SIZE            0x18
#define COMMON_QUEUE_ENABLE          0x1c
#define COMMON_QUEUE_NOTIFY_OFF      0x1e
#define COMMON_QUEUE_DESC            0x20
#define COMMON_QUEUE_DRIVER          0x28
#define COMMON_QUEUE_DEVICE          0x30
#define COMMON_LENGTH                0x38

#define STATUS_ACKNOWLEDGE  0x01
#define STATUS_DRIVER       0x02
#define STATUS_DRIVER_OK    0x04
#define STATUS_FEATURES_OK  0x08
#define STATUS_NEEDS_RESET  0x40
#define STATUS_FAILED       0x80
#define FEATURE_VERSION_1   0x1u    // bit 32: feature word 1, bit 0

// The virtio-scsi device configuration (5.6.4).
#define CONFIG_SEG_MAX      0x04
#define CONFIG_MAX_SECTORS  0x08
#define CONFIG_SENSE_SIZE   0x14
#define CONFIG_CDB_SIZE     0x18
#define CONFIG_MAX_TARGET   0x1e
#define CONFIG_MAX_LUN      0x20
#define CONFIG_LENGTH       0x24

// Split virtqueue descriptors (2.7.5).
#define DESC_NEXT   0x1u
#define DESC_WRITE  0x2u
#define AVAIL_NO_INTERRUPT 0x1u // the driver ring's flags: completions are polled
#define PCI_COMMAND_INTX_OFF 0x400u

// virtio_scsi_req_cmd and virtio_scsi_resp_cmd (5.6.6.1).
#define REQ_HEADER  19u         // lun[8], id (8), task_attr, prio, crn; then the CDB
#define RESP_HEADER 12u         // sense_len, resid, status_qualifier, status, response
#define RESPONSE_AT 1024u       // the response's offset in the command page
#define RESP_OK          0
#define RESP_BAD_TARGET  3
#define RESP_BUSY        5

typedef struct Descriptor {
    uint64_t address;
    uint32_t length;
    uint16_t flags, next;
} Descriptor;

typedef struct Controller {
    volatile uint8_t *common, *device;
    volatile uint16_t *notify;  // the request queue's notification address
    Descriptor *desc;           // the ring page: descriptors at 0,
    volatile uint16_t *avail;   // the driver ring at 512,
    volatile uint16_t *used;    // the device ring at 1024
    uint8_t *page;              // the request header (0) and response (RESPONSE_AT)
    uint32_t ringPhysical, pagePhysical;
    uint16_t queueSize, availIdx, usedIdx;
    uint32_t cdbSize, senseSize;
    uint32_t maxTransfer;       // bytes one command moves
    uint32_t maxTarget, maxLun;
    uint64_t nextId;
} Controller;

typedef struct Unit {
    Controller *controller;
    uint8_t target;
    uint16_t lun;
    ScsiDisk disk;
    char name[16];              // "C.T.L"
} Unit;

static const KernelApi *api;
static Controller controllers[MAX_CONTROLLERS];
static Unit units[MAX_UNITS];
static BlockDevice *devices[MAX_UNITS];
static BlockDevSet set = { SCSI_PREFIX, devices, 0 };

static uint8_t *dataPages[DATA_PAGES];
static uint32_t dataPhysical[DATA_PAGES];

// Instructions spent waiting for the device (BlockStats, make bench), the
// commands sent, and the fault the next one meets (MSG_SCSI_FAULT).
static uint64_t waitCycles;
static uint32_t commands;
static uint32_t fault;

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request, reply;

static void Barrier(void)
{
    __sync_synchronize();
}

static uint8_t Common8(const Controller *c, uint32_t at) { return c->common[at]; }
static uint16_t Common16(const Controller *c, uint32_t at)
{
    return *(volatile uint16_t *)(c->common + at);
}
static uint32_t Common32(const Controller *c, uint32_t at)
{
    return *(volatile uint32_t *)(c->common + at);
}
static void SetCommon8(Controller *c, uint32_t at, uint8_t v) { c->common[at] = v; }
static void SetCommon16(Controller *c, uint32_t at, uint16_t v)
{
    *(volatile uint16_t *)(c->common + at) = v;
}
static void SetCommon32(Controller *c, uint32_t at, uint32_t v)
{
    *(volatile uint32_t *)(c->common + at) = v;
}
static void SetCommon64(Controller *c, uint32_t at, uint32_t low)
{
    SetCommon32(c, at, low);
    SetCommon32(c, at + 4, 0);
}
static uint32_t Config32(const Controller *c, uint32_t at)
{
    return *(volatile uint32_t *)(c->device + at);
}
static uint16_t Config16(const Controller *c, uint32_t at)
{
    return *(volatile uint16_t *)(c->device + at);
}

// A fresh page and its physical address; NULL if memory ran out.
static void *NewPage(uint32_t *physical)
{
    void *page = api->MemAllocatePage();

    *physical = page ? api->MemPhysical(page) : 0;
    return *physical ? page : NULL;
}

// --- finding the device's structures -----------------------------------------

// One vendor capability, as read from configuration space.
typedef struct Cap {
    uint8_t type, bar;
    uint32_t offset, length, multiplier;
} Cap;

static uint32_t ConfigRead(const PciFunction *f, uint32_t offset)
{
    uint32_t value = 0;

    api->PciConfigRead(PCI_CONFIG_ADDRESS(f->bus, f->device, f->function, offset), &value);
    return value;
}

// Map length bytes at offset in f's BAR bar: NULL unless it is a memory
// BAR below 4 GiB that holds the whole range.
static volatile uint8_t *MapCap(const PciFunction *f, const Cap *cap, uint32_t need)
{
    const PciBar *bar;

    if (cap->bar > 5 || cap->length < need)
        return NULL;
    bar = &f->bars[cap->bar];
    if ((bar->flags & PCI_BAR_IO) || !bar->base || cap->offset > bar->size ||
        cap->length > bar->size - cap->offset)
        return NULL;
    if ((bar->flags & PCI_BAR_64) && (cap->bar == 5 || ConfigRead(f, 0x14 + 4 * cap->bar)))
        return NULL;                    // above 4 GiB, or a BAR without its upper half
    return api->MapDevice(bar->base + cap->offset, cap->length);
}

// Walk f's capability list (at most 48 entries: a looping list ends) and
// map the first common, notify and device capability. 0 or E_NODEV.
static int FindCaps(const PciFunction *f, Controller *c, uint32_t *multiplier, Cap *notify)
{
    Cap common = { 0 }, device = { 0 };
    uint32_t at;

    notify->type = 0;
    if (!((ConfigRead(f, 0x04) >> 16) & 0x10))
        return E_NODEV;                 // no capability list
    at = ConfigRead(f, 0x34) & 0xfc;
    for (uint32_t n = 0; at >= 0x40 && n < 48; n++) {
        uint32_t head = ConfigRead(f, at);
        if ((head & 0xff) == PCI_CAP_VENDOR && ((head >> 16) & 0xff) >= 16) {
            Cap cap = { (uint8_t)(head >> 24), (uint8_t)ConfigRead(f, at + 4),
                        ConfigRead(f, at + 8), ConfigRead(f, at + 12), 0 };
            if (cap.type == CAP_NOTIFY && ((head >> 16) & 0xff) >= 20)
                cap.multiplier = ConfigRead(f, at + 16);
            if (cap.type == CAP_COMMON && !common.type)
                common = cap;
            else if (cap.type == CAP_NOTIFY && !notify->type && ((head >> 16) & 0xff) >= 20)
                *notify = cap;
            else if (cap.type == CAP_DEVICE && !device.type)
                device = cap;
        }
        at = (head >> 8) & 0xfc;
    }
    if (!common.type || !notify->type || !device.type)
        return E_NODEV;                 // no modern interface
    c->common = MapCap(f, &common, COMMON_LENGTH);
    c->device = MapCap(f, &device, CONFIG_LENGTH);
    *multiplier = notify->multiplier;
    return c->common && c->device ? 0 : E_NODEV;
}

// --- bringing the device up ----------------------------------------------------

// Write 0 to the status and wait until the device reads it back as 0.
static int DeviceReset(Controller *c)
{
    uint32_t start = api->UptimeMs();

    SetCommon8(c, COMMON_STATUS, 0);
    while (Common8(c, COMMON_STATUS) != 0) {
        if (api->UptimeMs() - start > RESET_TIMEOUT_MS)
            return E_TIMEDOUT;
        api->Sleep(1);
    }
    return 0;
}

// Offer VERSION_1 alone; E_NODEV if the device lacks it or refuses.
static int Negotiate(Controller *c)
{
    SetCommon8(c, COMMON_STATUS, STATUS_ACKNOWLEDGE);
    SetCommon8(c, COMMON_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    SetCommon32(c, COMMON_DEVICE_FEATURE_SELECT, 1);
    if (!(Common32(c, COMMON_DEVICE_FEATURE) & FEATURE_VERSION_1))
        return E_NODEV;
    SetCommon32(c, COMMON_DRIVER_FEATURE_SELECT, 0);
    SetCommon32(c, COMMON_DRIVER_FEATURE, 0);
    SetCommon32(c, COMMON_DRIVER_FEATURE_SELECT, 1);
    SetCommon32(c, COMMON_DRIVER_FEATURE, FEATURE_VERSION_1);
    SetCommon8(c, COMMON_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    return Common8(c, COMMON_STATUS) & STATUS_FEATURES_OK ? 0 : E_NODEV;
}

// Read and check the device configuration: the CDB and sense sizes (the
// request and response must fit their halves of the command page), the
// segments and sectors one command may take, the targets and LUNs.
static int ReadConfig(Controller *c)
{
    uint32_t segMax = Config32(c, CONFIG_SEG_MAX), maxSectors = Config32(c, CONFIG_MAX_SECTORS);
    uint32_t pages = DATA_PAGES;

    c->cdbSize = Config32(c, CONFIG_CDB_SIZE);
    c->senseSize = Config32(c, CONFIG_SENSE_SIZE);
    if (c->cdbSize < SCSI_CDB_MAX || REQ_HEADER + c->cdbSize > RESPONSE_AT ||
        RESP_HEADER + c->senseSize > PAGE_SIZE - RESPONSE_AT)
        return E_NODEV;
    if (segMax && segMax < pages)
        pages = segMax;
    c->maxTransfer = pages * PAGE_SIZE;
    if (maxSectors && maxSectors < c->maxTransfer / 512)
        c->maxTransfer = maxSectors * 512;
    c->maxTarget = Config16(c, CONFIG_MAX_TARGET);
    c->maxLun = Config32(c, CONFIG_MAX_LUN);
    return c->maxTransfer >= 512 ? 0 : E_NODEV;
}

// Give the request queue the ring page: the largest power of two the
// device allows up to QUEUE_MAX, its notification address, enabled.
static int QueueSetup(Controller *c, const Cap *notify, uint32_t multiplier,
                      const PciFunction *f)
{
    uint32_t size, offset;
    Cap window = *notify;
    volatile uint8_t *base;

    if (Common16(c, COMMON_NUM_QUEUES) <= REQUEST_QUEUE)
        return E_NODEV;
    SetCommon16(c, COMMON_QUEUE_SELECT, REQUEST_QUEUE);
    size = Common16(c, COMMON_QUEUE_SIZE);
    if (size < 4)
        return E_NODEV;
    for (c->queueSize = QUEUE_MAX; c->queueSize > size;)
        c->queueSize /= 2;
    if (c->maxTransfer / PAGE_SIZE + 2u > c->queueSize)
        c->maxTransfer = (c->queueSize - 2u) * PAGE_SIZE;
    offset = Common16(c, COMMON_QUEUE_NOTIFY_OFF) * multiplier;
    if (offset > notify->length || notify->length - offset < 2)
        return E_NODEV;
    if (!c->notify) {                   // mapped once: a reset keeps the window
        window.offset += offset;
        window.length = 2;
        base = MapCap(f, &window, 2);
        if (!base)
            return E_NODEV;
        c->notify = (volatile uint16_t *)base;
    }
    memset(c->desc, 0, PAGE_SIZE);
    c->avail[0] = AVAIL_NO_INTERRUPT;
    c->availIdx = c->usedIdx = 0;
    SetCommon16(c, COMMON_QUEUE_SIZE, c->queueSize);
    SetCommon64(c, COMMON_QUEUE_DESC, c->ringPhysical);
    SetCommon64(c, COMMON_QUEUE_DRIVER, c->ringPhysical + 512);
    SetCommon64(c, COMMON_QUEUE_DEVICE, c->ringPhysical + 1024);
    SetCommon16(c, COMMON_QUEUE_ENABLE, 1);
    return 0;
}

// Reset, negotiate, set up the request queue, DRIVER_OK. 0 or E_*.
static int ControllerStart(Controller *c, const Cap *notify, uint32_t multiplier,
                           const PciFunction *f)
{
    int err;

    if ((err = DeviceReset(c)) != 0 || (err = Negotiate(c)) != 0 ||
        (err = ReadConfig(c)) != 0 || (err = QueueSetup(c, notify, multiplier, f)) != 0) {
        SetCommon8(c, COMMON_STATUS, STATUS_FAILED);
        return err;
    }
    SetCommon8(c, COMMON_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK |
                                 STATUS_DRIVER_OK);
    return 0;
}

// After a timeout: bring the device back to a fresh queue (its notify
// window and the pages stay). The PCI function is not needed again.
static void ControllerRestart(Controller *c)
{
    Cap none = { CAP_NOTIFY, 0, 0, 0xffffu, 0 };

    if (DeviceReset(c) != 0 || Negotiate(c) != 0 || ReadConfig(c) != 0 ||
        QueueSetup(c, &none, 0, NULL) != 0) {
        SetCommon8(c, COMMON_STATUS, STATUS_FAILED);
        return;
    }
    SetCommon8(c, COMMON_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK |
                                 STATUS_DRIVER_OK);
}

// --- one command -----------------------------------------------------------------

static void SetDescriptor(Controller *c, uint32_t i, uint32_t physical, uint32_t length,
                          uint16_t flags)
{
    c->desc[i].address = physical;
    c->desc[i].length = length;
    c->desc[i].flags = flags;
    c->desc[i].next = (uint16_t)(i + 1);
}

// The staging pages holding bytes bytes as descriptors from first on,
// with flags; returns the next free descriptor.
static uint32_t DataDescriptors(Controller *c, uint32_t first, uint32_t bytes, uint16_t flags)
{
    for (uint32_t at = 0, i = 0; at < bytes; at += PAGE_SIZE, i++)
        SetDescriptor(c, first++, dataPhysical[i],
                      bytes - at < PAGE_SIZE ? bytes - at : PAGE_SIZE, flags | DESC_NEXT);
    return first;
}

// The request header for cmd to unit u at the start of the command page.
static void BuildRequest(Controller *c, const Unit *u, const ScsiCommand *cmd)
{
    uint8_t *req = c->page;
    uint64_t id = ++c->nextId;

    memset(c->page, 0, PAGE_SIZE);
    req[0] = 1;                         // single-level LUN structure
    req[1] = u->target;
    req[2] = (uint8_t)(0x40 | (u->lun >> 8));   // flat space addressing
    req[3] = (uint8_t)u->lun;
    memcpy(req + 8, &id, sizeof(id));
    memcpy(req + REQ_HEADER, cmd->cdb, cmd->cdbLength);
}

// Post the chain at descriptor 0 and tell the device (unless a fault
// says it is never told); wait for the used ring to move. 0, E_IO (a
// used ring that moved by other than this one chain, an element that is
// not this chain or is too short, a device that needs a reset), or
// E_TIMEDOUT. After E_IO and E_TIMEDOUT the device is reset.
static int Submit(Controller *c, uint32_t last, int silent)
{
    uint32_t start = api->UptimeMs(), index, length;
    uint64_t begin = CpuReadTsc();
    volatile uint32_t *element;
    int err = E_TIMEDOUT;

    c->desc[last].flags &= (uint16_t)~DESC_NEXT;
    c->avail[2 + c->availIdx % c->queueSize] = 0;
    Barrier();
    c->avail[1] = ++c->availIdx;
    Barrier();
    if (!silent)
        *c->notify = REQUEST_QUEUE;
    commands++;
    for (;;) {
        uint16_t usedNow = c->used[1];
        if (usedNow != c->usedIdx) {
            Barrier();
            element = (volatile uint32_t *)(c->used + 2) + 2 * (c->usedIdx % c->queueSize);
            index = element[0];
            length = element[1];
            c->usedIdx++;
            err = usedNow != c->availIdx || index != 0 || length < RESP_HEADER ? E_IO : 0;
            break;
        }
        if (Common8(c, COMMON_STATUS) & STATUS_NEEDS_RESET) {
            err = E_IO;
            break;
        }
        if (api->UptimeMs() - start > IO_TIMEOUT_MS)
            break;
        api->SchedYield();
    }
    waitCycles += CpuReadTsc() - begin;
    if (err)
        ControllerRestart(c);           // nothing it held may complete later
    return err;
}

// What an injected fault makes of the response the device wrote.
static void InjectFault(uint8_t *resp, uint32_t length, uint32_t kind)
{
    static const uint8_t medium[18] = { 0x70, 0, SCSI_SENSE_MEDIUM_ERROR, 0, 0, 0, 0, 10,
                                        0, 0, 0, 0, 0x11, 0 };  // unrecovered read error
    uint8_t attention[18] = { 0x70, 0, SCSI_SENSE_UNIT_ATTENTION, 0, 0, 0, 0, 10,
                              0, 0, 0, 0, 0x29, 0 };            // reset occurred
    uint32_t senseLength = 18;

    if (kind == SCSI_FAULT_RESPONSE) {
        resp[11] = 0x42;
        return;
    }
    memcpy(resp, &senseLength, 4);
    memcpy(resp + 4, &length, 4);       // nothing moved
    resp[10] = SCSI_STATUS_CHECK_CONDITION;
    resp[11] = RESP_OK;
    memcpy(resp + RESP_HEADER, kind == SCSI_FAULT_MEDIUM ? medium : attention, 18);
}

// Decode the response into cmd: 0 (status, sense, transferred set), or
// E_NXIO (no such target), E_IO (a response that is not OK, a residual
// past the data phase).
static int DecodeResponse(Controller *c, ScsiCommand *cmd)
{
    const uint8_t *resp = c->page + RESPONSE_AT;
    uint32_t senseLength, resid;

    memcpy(&senseLength, resp, 4);
    memcpy(&resid, resp + 4, 4);
    if (resp[11] == RESP_BAD_TARGET)
        return E_NXIO;
    if (resp[11] == RESP_BUSY) {
        cmd->status = SCSI_STATUS_BUSY;  // the layer sends it again
        return 0;
    }
    if (resp[11] != RESP_OK || resid > cmd->length)
        return E_IO;
    cmd->status = resp[10];
    cmd->transferred = cmd->length - resid;
    if (senseLength > c->senseSize)
        senseLength = c->senseSize;
    if (senseLength > SCSI_SENSE_MAX)
        senseLength = SCSI_SENSE_MAX;
    cmd->senseLength = (uint8_t)senseLength;
    memcpy(cmd->sense, resp + RESP_HEADER, senseLength);
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

// ScsiTransport.Execute for a unit: one command, its data staged. The
// caller's buffer gets only the bytes the device says it moved.
static int Execute(void *context, ScsiCommand *cmd)
{
    Unit *u = context;
    Controller *c = u->controller;
    uint32_t next = 1, kind = fault;
    int err;

    if (cmd->length > c->maxTransfer || cmd->cdbLength == 0 || cmd->cdbLength > SCSI_CDB_MAX ||
        (cmd->length && !cmd->data))
        return E_INVAL;
    fault = SCSI_FAULT_NONE;
    BuildRequest(c, u, cmd);
    SetDescriptor(c, 0, c->pagePhysical, REQ_HEADER + c->cdbSize, DESC_NEXT);
    if (cmd->direction == SCSI_DIR_OUT) {
        StageIn(cmd->data, cmd->length);
        next = DataDescriptors(c, next, cmd->length, 0);
    }
    SetDescriptor(c, next++, c->pagePhysical + RESPONSE_AT, RESP_HEADER + c->senseSize,
                  DESC_WRITE | DESC_NEXT);
    if (cmd->direction == SCSI_DIR_IN)
        next = DataDescriptors(c, next, cmd->length, DESC_WRITE);
    if ((err = Submit(c, next - 1, kind == SCSI_FAULT_TIMEOUT)) != 0)
        return err;
    if (kind != SCSI_FAULT_NONE)
        InjectFault(c->page + RESPONSE_AT, cmd->length, kind);
    if ((err = DecodeResponse(c, cmd)) != 0)
        return err;
    if (cmd->direction == SCSI_DIR_IN)
        StageOut(cmd->data, cmd->transferred);
    return 0;
}

// --- scanning -------------------------------------------------------------------

// "C.T.L" into out.
static void UnitName(char *out, uint32_t controller, uint32_t target, uint32_t lun)
{
    uint32_t parts[3] = { controller, target, lun }, n = 0;

    for (uint32_t p = 0; p < 3; p++) {
        char digits[10];
        uint32_t d = 0, v = parts[p];
        do {
            digits[d++] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        while (d)
            out[n++] = digits[--d];
        out[n++] = p < 2 ? '.' : 0;
    }
}

// Probe target.lun of controller index; a unit that is a disk joins the
// set. Returns the probe's error (E_NXIO: no such target).
static int ProbeUnit(Controller *c, uint32_t index, uint32_t target, uint32_t lun)
{
    Unit *u;
    int err;

    if (set.count >= MAX_UNITS)
        return E_NOSPC;
    u = &units[set.count];
    u->controller = c;
    u->target = (uint8_t)target;
    u->lun = (uint16_t)lun;
    u->disk.transport = (ScsiTransport){ u, Execute, c->maxTransfer };
    UnitName(u->name, index, target, lun);
    err = ScsiDiskProbe(&u->disk, u->name);
    if (!err)
        devices[set.count++] = &u->disk.device;
    else if (err != E_NXIO && err != E_NODEV && err != E_INVAL)
        api->Print("virtioscsi: %s%s not used (error %d)\n", SCSI_PREFIX, u->name, err);
    return err;
}

// Every target's LUN 0, and further LUNs of a target that answered.
static void Scan(Controller *c, uint32_t index)
{
    uint32_t targets = c->maxTarget + 1 < MAX_TARGETS ? c->maxTarget + 1 : MAX_TARGETS;
    uint32_t luns = c->maxLun + 1 < MAX_LUNS ? c->maxLun + 1 : MAX_LUNS;

    for (uint32_t t = 0; t < targets; t++) {
        if (ProbeUnit(c, index, t, 0) == E_NXIO)
            continue;
        for (uint32_t l = 1; l < luns; l++)
            if (ProbeUnit(c, index, t, l) == E_NXIO)
                break;
    }
}

// The staging pages: taken only once a controller is found.
static int StagingInit(void)
{
    for (uint32_t i = 0; i < DATA_PAGES; i++)
        if (!(dataPages[i] = NewPage(&dataPhysical[i])))
            return E_NOMEM;
    return 0;
}

// PciEnumerate visitor: bring up every virtio-scsi function.
static int Probe(const PciFunction *f, void *arg)
{
    uint32_t *index = arg, multiplier = 0;
    Controller *c;
    Cap notify;
    int err;

    if (f->vendor != VENDOR_VIRTIO || (f->deviceId != DEVICE_SCSI && f->deviceId != DEVICE_SCSI_OLD))
        return 0;
    if (*index >= MAX_CONTROLLERS)
        return 1;
    if (!dataPages[0] && StagingInit() != 0) {
        api->Print("virtioscsi: out of memory\n");
        return 1;
    }
    c = &controllers[(*index)++];
    PciEnable(api, f, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_OFF);
    c->desc = NewPage(&c->ringPhysical);
    c->page = NewPage(&c->pagePhysical);
    err = c->desc && c->page ? FindCaps(f, c, &multiplier, &notify) : E_NOMEM;
    if (!err) {
        c->avail = (volatile uint16_t *)((uint8_t *)c->desc + 512);
        c->used = (volatile uint16_t *)((uint8_t *)c->desc + 1024);
        err = ControllerStart(c, &notify, multiplier, f);
    }
    if (err) {
        api->Print("virtioscsi: controller %02x:%02x.%x not used (error %d)\n",
                   f->bus, f->device, f->function, err);
        return 0;
    }
    Scan(c, *index - 1);
    return 0;
}

// --- serving ---------------------------------------------------------------------

// MSG_STAT of block:scsi: with no payload: the driver's counters
// (BlockStats); any other MSG_STAT is the block protocol's.
static int Stats(Server *s, ServerRequest *r)
{
    BlockStats stats = { waitCycles, commands, 0 };

    /* decode */
    if (strcmp(r->envelope->name, SCSI_PREFIX) != 0 || MessageDataLength(r->message) != 0)
        return BlockDevRequest(s, r);
    /* invoke */
    return ServerReplyData(r, &stats, sizeof(stats));
}

// MSG_SCSI_FAULT to block:scsi:: a uint32 SCSI_FAULT_* for the next command.
static int Fault(Server *s, ServerRequest *r)
{
    uint32_t kind;

    (void)s;
    /* decode */
    if (strcmp(r->envelope->name, SCSI_PREFIX) != 0)
        return E_INVAL;
    if (MessageDataLength(r->message) != sizeof(kind))
        return E_INVAL;
    memcpy(&kind, r->message->data, sizeof(kind));
    if (kind >= SCSI_FAULT_LIMIT)
        return E_INVAL;
    /* invoke */
    fault = kind;
    return ServerReplyData(r, NULL, 0);
}

static const ServerRoute routes[] = {
    { MSG_STAT, NULL, Stats },
    { MSG_SCSI_FAULT, NULL, Fault },
    { SERVER_ANY_TYPE, NULL, BlockDevRequest },
};

static void Serve(void)
{
    static ServerPort port;
    static Server server = {
        .name = "virtioscsi", .routes = routes, .routeCount = sizeof(routes) / sizeof(routes[0]),
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
    PciEnumerate(api, Probe, &found);
    if (found == 0)
        return 0;                       // no controller: nothing to serve, quietly
    for (uint32_t i = 0; i < set.count; i++) {
        const BlockInfo *info = &devices[i]->info;
        api->Print("virtioscsi: %s%s: %s, %llu sectors of %u bytes\n", SCSI_PREFIX,
                   devices[i]->name, info->model, (unsigned long long)info->sectors,
                   (unsigned)info->sectorSize);
    }
    if (api->NamespaceRegister(SCSI_PREFIX, NULL) != 0) {
        api->Print("virtioscsi: cannot serve %s\n", SCSI_PREFIX);
        return 1;
    }
    Serve();
    return 0;
}
