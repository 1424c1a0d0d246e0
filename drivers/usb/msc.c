// USB mass storage, Bulk-Only Transport (USB MSC BOT 1.0), as block:usb:
// devices on the SCSI layer (lib/scsi.c).
//
// Each command is the three BOT stages on the device's bulk pipes: the
// 31-byte CBW out (lib/usbmsc.c builds it), the data stage (up to
// BLOCK_IO_MAX bytes staged in the driver's pages, one TD), the 13-byte
// CSW in, checked for its length, signature, tag and status. A stall of
// the data stage is cleared (CLEAR_FEATURE(ENDPOINT_HALT)) and the CSW
// read after it; a stalled CSW is read once more after its halt is
// cleared. Anything else (a stalled or failed CBW, a bad CSW, a phase
// error, no answer in time) ends in reset recovery (BOT 5.3.4): a
// Bulk-Only Mass Storage Reset, then the halt of bulk-in cleared, then
// the halt of bulk-out, and the command fails with E_IO (E_TIMEDOUT for
// no answer). A data stage whose length and the CSW's residue disagree is
// a short transfer nobody accounts for: E_IO. Read data reaches the
// client only after a good CSW; a device whose port has lost it is
// E_DEAD from then on.
//
// LUN 0 of device BUS.DEV is block:usb:BUS.DEV, LUN n > 0 (GET MAX LUN)
// block:usb:BUS.DEV.n.
//
// Faults for the tests (docs/usb.md): a word written to usb:BUS.DEV:fault
// arms one fault for the next command of that device: short (the data
// stage reports 512 bytes fewer than came), csw-signature and csw-tag (the
// CSW is corrupted as it arrives), stall (the CBW goes out with a bad
// signature, which the device answers with a stall), medium (the command
// ends in CHECK CONDITION with MEDIUM ERROR sense), timeout (the CBW is
// queued but its doorbell never rung: the device never answers).
#include <stddef.h>
#include <clanker/error.h>
#include <lib/format.h>
#include <lib/scsi.h>
#include <lib/string.h>
#include <lib/usbmsc.h>
#include "usb.h"

#define LUNS_MAX       4        // per device
#define DISKS_MAX      8
#define DATA_PAGES     (BLOCK_IO_MAX / USB_PAGE_SIZE)
#define BULK_TIMEOUT_MS 5000u
#define CSW_OFFSET     64       // in the wrapper page: the CBW at 0, the CSW here
#define SHORT_BY       512u

#define REQ_MASS_STORAGE_RESET 0xff
#define REQ_GET_MAX_LUN        0xfe

typedef enum Fault {
    FAULT_NONE, FAULT_SHORT, FAULT_CSW_SIGNATURE, FAULT_CSW_TAG, FAULT_STALL, FAULT_MEDIUM,
    FAULT_TIMEOUT, FAULT_COUNT,
} Fault;

static const char *const faultNames[FAULT_COUNT] = {
    "none", "short", "csw-signature", "csw-tag", "stall", "medium", "timeout",
};

typedef struct Msc {
    UsbDevice *dev;
    UsbPipe in, out;
    uint8_t interface;
    uint32_t tag;
    Fault fault;
} Msc;

typedef struct Lun {
    Msc *msc;
    uint8_t lun;
    char name[20];
    ScsiDisk disk;
} Lun;

static Msc mscs[USB_DEVICES_MAX];
static uint32_t mscCount;
static Lun luns[DISKS_MAX];
static BlockDevice *disks[DISKS_MAX];
static BlockDevSet set = { "block:usb:", disks, 0 };

// The staging pages (one command at a time, for every device) and the
// page holding the CBW and the CSW.
static uint8_t *dataPages[DATA_PAGES];
static uint32_t dataPhysical[DATA_PAGES];
static uint8_t *wrapper;
static uint32_t wrapperPhysical;

BlockDevSet *MscSet(void)
{
    return &set;
}

uint32_t MscDiskCount(void)
{
    return set.count;
}

static Msc *Find(const UsbDevice *dev)
{
    for (uint32_t i = 0; i < mscCount; i++)
        if (mscs[i].dev == dev)
            return &mscs[i];
    return NULL;
}

// --- faults ----------------------------------------------------------------

int MscArmFault(UsbDevice *dev, const char *word, uint32_t length)
{
    Msc *m = Find(dev);

    /* decode */
    while (length > 0 && (word[length - 1] == '\n' || word[length - 1] == '\r' ||
                          word[length - 1] == ' '))
        length--;
    if (!m)
        return E_NODEV;
    for (uint32_t f = 0; f < FAULT_COUNT; f++) {
        if (strlen(faultNames[f]) == length && memcmp(faultNames[f], word, length) == 0) {
            /* invoke */
            m->fault = (Fault)f;
            return 0;
        }
    }
    return E_INVAL;
}

const char *MscArmedFault(UsbDevice *dev)
{
    Msc *m = Find(dev);

    return m ? faultNames[m->fault] : "none (not a mass storage device)";
}

// --- Bulk-Only Transport -----------------------------------------------------------

// Reset recovery (BOT 5.3.4): Bulk-Only Mass Storage Reset, then the halt
// of bulk-in cleared, then of bulk-out, each pipe's ring reset on the
// controller's side first. 0 or the first E_*.
static int ResetRecovery(Msc *m)
{
    UsbSetup reset = { 0x21, REQ_MASS_STORAGE_RESET, 0, m->interface, 0 };
    int err = XhciControl(m->dev, &reset), step;

    err = err < 0 ? err : 0;
    step = XhciPipeRecover(m->dev, &m->in);
    err = err ? err : step ? step : UsbClearHalt(m->dev, m->in.address);
    step = XhciPipeRecover(m->dev, &m->out);
    err = err ? err : step ? step : UsbClearHalt(m->dev, m->out.address);
    return err;
}

// A failed stage, said on the console: E_DEAD when the device has left
// its port (from then on for good), else err after reset recovery
// (E_TIMEDOUT stays, the rest is E_IO).
static int Fail(Msc *m, const char *name, int err, const char *stage)
{
    if (err == E_DEAD || !XhciPortConnected(m->dev->host, m->dev->port)) {
        if (!m->dev->gone)
            api->Print("usb: block:usb:%s: the device is gone\n", name);
        m->dev->gone = 1;
        return E_DEAD;
    }
    api->Print("usb: block:usb:%s: %s (%s); reset recovery\n", name, stage,
               err == E_PIPE ? "stall" : err == E_TIMEDOUT ? "no answer" : "error");
    if (ResetRecovery(m) == E_DEAD)
        m->dev->gone = 1;
    return err == E_TIMEDOUT ? E_TIMEDOUT : m->dev->gone ? E_DEAD : E_IO;
}

// The CBW of cmd to lun (with tag), on bulk-out.
static int SendCbw(Msc *m, const ScsiCommand *cmd, uint8_t lun, Fault fault)
{
    uint32_t moved;
    int err;

    UsbMscBuildCbw(wrapper, m->tag, cmd, lun);
    if (fault == FAULT_STALL)
        wrapper[0] ^= 0xff;             // not "USBC": the device stalls it
    err = XhciBulk(m->dev, &m->out, &wrapperPhysical, USBMSC_CBW_LENGTH, BULK_TIMEOUT_MS, &moved,
                   fault != FAULT_TIMEOUT);
    if (!err && moved != USBMSC_CBW_LENGTH)
        err = E_IO;
    return err;
}

// The data stage of cmd: *moved bytes. 0 (a stall cleared counts: the
// CSW tells the rest), or E_* for a stage that cannot go on to the CSW.
static int DataStage(Msc *m, ScsiCommand *cmd, uint32_t *moved)
{
    UsbPipe *pipe = cmd->direction == SCSI_DIR_IN ? &m->in : &m->out;
    int err;

    *moved = 0;
    if (cmd->length == 0)
        return 0;
    if (cmd->direction == SCSI_DIR_OUT)
        for (uint32_t at = 0, i = 0; at < cmd->length; at += USB_PAGE_SIZE, i++)
            memcpy(dataPages[i], (const uint8_t *)cmd->data + at,
                   cmd->length - at < USB_PAGE_SIZE ? cmd->length - at : USB_PAGE_SIZE);
    err = XhciBulk(m->dev, pipe, dataPhysical, cmd->length, BULK_TIMEOUT_MS, moved, 1);
    if (err == E_PIPE)
        err = UsbClearHalt(m->dev, pipe->address);   // the host's side is reset already
    return err;
}

// Read and check the CSW: *residue and *status. A stalled CSW is read once
// more after its halt is cleared. 0 or E_*.
static int ReadCsw(Msc *m, Fault fault, uint32_t *residue, uint8_t *status)
{
    uint32_t physical = wrapperPhysical + CSW_OFFSET, moved;
    uint8_t *csw = wrapper + CSW_OFFSET;
    int err;

    memset(csw, 0, USBMSC_CSW_LENGTH);
    err = XhciBulk(m->dev, &m->in, &physical, USBMSC_CSW_LENGTH, BULK_TIMEOUT_MS, &moved, 1);
    if (err == E_PIPE && (err = UsbClearHalt(m->dev, m->in.address)) == 0)
        err = XhciBulk(m->dev, &m->in, &physical, USBMSC_CSW_LENGTH, BULK_TIMEOUT_MS, &moved, 1);
    if (err)
        return err;
    if (fault == FAULT_CSW_SIGNATURE)
        csw[3] ^= 0x5a;
    if (fault == FAULT_CSW_TAG)
        csw[4] ^= 0x01;
    return UsbMscCheckCsw(csw, moved, m->tag, residue, status);
}

// MEDIUM ERROR, UNRECOVERED READ ERROR (fixed-format sense, SPC-4 4.5.3).
static void MediumError(ScsiCommand *cmd)
{
    memset(cmd->sense, 0, 18);
    cmd->sense[0] = 0x70;
    cmd->sense[2] = SCSI_SENSE_MEDIUM_ERROR;
    cmd->sense[7] = 10;
    cmd->sense[12] = 0x11;
    cmd->senseLength = 18;
    cmd->status = SCSI_STATUS_CHECK_CONDITION;
}

// ScsiTransport.Execute: one command through the three stages.
static int Execute(void *context, ScsiCommand *cmd)
{
    Lun *lun = context;
    Msc *m = lun->msc;
    Fault fault = m->fault;
    uint32_t moved, residue;
    uint8_t status;
    int err;

    /* decode */
    if (m->dev->gone || m->dev->host->dead)
        return E_DEAD;
    if (cmd->length > BLOCK_IO_MAX || (cmd->length && (!cmd->data ||
                                                       cmd->direction == SCSI_DIR_NONE)))
        return E_INVAL;
    /* invoke */
    m->fault = FAULT_NONE;
    m->tag++;
    cmd->transferred = 0;
    cmd->senseLength = 0;
    if ((err = SendCbw(m, cmd, lun->lun, fault)) != 0)
        return Fail(m, lun->name, err, "the CBW failed");
    if ((err = DataStage(m, cmd, &moved)) != 0)
        return Fail(m, lun->name, err, "the data stage failed");
    if (fault == FAULT_SHORT && moved >= SHORT_BY)
        moved -= SHORT_BY;
    if ((err = ReadCsw(m, fault, &residue, &status)) != 0)
        return Fail(m, lun->name, err, err == E_IO ? "no valid CSW (length, signature, tag)"
                                                   : "the CSW stage failed");
    if (status == USBMSC_STATUS_PASSED && moved + residue != cmd->length) {
        api->Print("usb: block:usb:%s: short transfer: %u of %u bytes, the CSW's residue %u\n",
                   lun->name, moved, cmd->length, residue);
        return E_IO;                    // a stage the CSW does not account for
    }
    if ((err = UsbMscFinish(cmd, moved, residue, status)) != 0)
        return Fail(m, lun->name, err, "phase error or impossible residue");
    if (fault == FAULT_MEDIUM)
        MediumError(cmd);
    if (cmd->direction == SCSI_DIR_IN && cmd->status == SCSI_STATUS_GOOD)
        for (uint32_t at = 0, i = 0; at < moved; at += USB_PAGE_SIZE, i++)
            memcpy((uint8_t *)cmd->data + at, dataPages[i],
                   moved - at < USB_PAGE_SIZE ? moved - at : USB_PAGE_SIZE);
    return 0;
}

// --- attaching -------------------------------------------------------------------

static int StagingInit(void)
{
    if (wrapper)
        return 0;
    for (uint32_t i = 0; i < DATA_PAGES; i++) {
        dataPages[i] = api->MemAllocatePage();
        dataPhysical[i] = dataPages[i] ? api->MemPhysical(dataPages[i]) : 0;
        if (!dataPhysical[i])
            return E_NOMEM;
    }
    wrapper = api->MemAllocatePage();
    wrapperPhysical = wrapper ? api->MemPhysical(wrapper) : 0;
    return wrapperPhysical ? 0 : E_NOMEM;
}

// The interface's bulk endpoints as pipes. 0 or E_NODEV (it lacks one).
static int FindPipes(Msc *m, const UsbInterfaceInfo *in)
{
    for (uint32_t i = 0; i < in->endpointCount; i++) {
        const UsbEndpointInfo *e = &in->endpoints[i];
        UsbPipe *p = e->address & USB_ENDPOINT_IN ? &m->in : &m->out;
        if (e->type != USB_TRANSFER_BULK || p->address)
            continue;
        p->address = e->address;
        p->dci = (uint8_t)(2 * (e->address & 0xf) + (e->address & USB_ENDPOINT_IN ? 1 : 0));
        p->maxPacket = e->maxPacket;
        p->maxBurst = e->maxBurst;
    }
    return m->in.address && m->out.address ? 0 : E_NODEV;
}

// GET MAX LUN (BOT 3.2): the highest LUN, 0 for a device that stalls it.
static uint8_t MaxLun(Msc *m)
{
    UsbSetup s = { 0xa1, REQ_GET_MAX_LUN, 0, m->interface, 1 };
    int n = XhciControl(m->dev, &s);

    if (n != 1)
        return 0;
    if (m->dev->buffer[0] > 15) {
        api->Print("usb: %s: GET MAX LUN says %u (at most 15): LUN 0 only\n", m->dev->name,
                   m->dev->buffer[0]);
        return 0;
    }
    return m->dev->buffer[0] < LUNS_MAX ? m->dev->buffer[0] : LUNS_MAX - 1;
}

// Probe lun of m with the SCSI layer and add it to block:usb:.
static void AddLun(Msc *m, uint8_t number)
{
    Lun *lun = &luns[set.count];
    int err;

    memset(lun, 0, sizeof(*lun));
    lun->msc = m;
    lun->lun = number;
    if (number == 0)
        memcpy(lun->name, m->dev->name, strlen(m->dev->name) + 1);
    else
        Format(lun->name, sizeof(lun->name), "%s.%u", m->dev->name, number);
    lun->disk.transport = (ScsiTransport){ lun, Execute, BLOCK_IO_MAX };
    if ((err = ScsiDiskProbe(&lun->disk, lun->name)) != 0) {
        api->Print("usb: block:usb:%s: not served (error %d)\n", lun->name, err);
        return;
    }
    disks[set.count++] = &lun->disk.device;
    api->Print("usb: block:usb:%s: %s, %llu sectors of %u bytes\n", lun->name,
               lun->disk.device.info.model, (unsigned long long)lun->disk.device.info.sectors,
               (unsigned)lun->disk.device.info.sectorSize);
}

int MscAttach(UsbDevice *dev, const UsbInterfaceInfo *in)
{
    Msc *m = &mscs[mscCount];
    UsbPipe *pipes[2] = { &m->in, &m->out };
    uint8_t last;
    int err;

    if (in->interfaceClass != 0x08 || in->subclass != 0x06 || in->protocol != 0x50)
        return E_NODEV;
    if (mscCount == USB_DEVICES_MAX)
        return E_NOSPC;
    memset(m, 0, sizeof(*m));
    m->dev = dev;
    m->interface = in->number;
    if ((err = FindPipes(m, in)) != 0 || (err = StagingInit()) != 0 ||
        (err = XhciConfigurePipes(dev, pipes, 2)) != 0 ||
        (err = UsbSetConfiguration(dev, dev->config.value)) != 0)
        return err;
    mscCount++;
    last = MaxLun(m);
    for (uint32_t i = 0; i <= last && set.count < DISKS_MAX; i++)
        AddLun(m, (uint8_t)i);
    return 0;
}

// MSG_STAT of block:usb: with no payload: the waiting and the TDs sent
// (BlockStats, for make bench); any other MSG_STAT is the block protocol's.
int MscStats(Server *s, ServerRequest *r)
{
    BlockStats stats = { usbWaitCycles, usbTransfers, 0 };

    /* decode */
    if (strcmp(r->envelope->name, set.prefix) != 0 || MessageDataLength(r->message) != 0)
        return BlockDevRequest(s, r);
    /* invoke */
    return ServerReplyData(r, &stats, sizeof(stats));
}
