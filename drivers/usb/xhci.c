// The xHCI host controller (eXtensible Host Controller Interface 1.x):
// bring-up, the command and event rings, port reset, device slots and
// their contexts, control and bulk transfers, endpoint recovery.
//
// Everything is polled: interrupts stay off (USBCMD.INTE = 0) and the
// one event ring (one segment, ERST of one entry) is read whenever a
// command or transfer is waited for. A wait takes the events in order,
// drops those it is not waiting for (port changes, the late event of a
// transfer given up on), and ends at the event whose TRB pointer is one of
// the TRBs it sent, or at its time limit: E_TIMEDOUT, never a hang.
// Registers that read all ones mean the controller is gone: E_DEAD.
//
// A ring is one page of 256 TRBs whose last is a Link TRB back to the
// first with Toggle Cycle set. A bulk TD is one Normal TRB per 4 KiB
// page, chained, Interrupt-on-Short-Packet on each and Interrupt On
// Completion on the last, so a 60 KiB SCSI command is one TD and one
// event.
#include <stddef.h>
#include <clanker/error.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include "usb.h"

// Capability registers (xHCI 5.3).
#define CAP_LENGTH     0x00     // byte
#define CAP_HCSPARAMS1 0x04
#define CAP_HCSPARAMS2 0x08
#define CAP_HCCPARAMS1 0x10
#define CAP_DBOFF      0x14
#define CAP_RTSOFF     0x18

// Operational registers (5.4), in dwords from the operational base.
#define OP_USBCMD   (0x00 / 4)
#define OP_USBSTS   (0x04 / 4)
#define OP_PAGESIZE (0x08 / 4)
#define OP_CRCR     (0x18 / 4)
#define OP_DCBAAP   (0x30 / 4)
#define OP_CONFIG   (0x38 / 4)
#define OP_PORTSC(p) ((0x400 + 0x10 * ((p) - 1)) / 4)

#define CMD_RUN   0x1u
#define CMD_RESET 0x2u
#define STS_HALTED    0x1u
#define STS_NOT_READY (1u << 11)

// PORTSC (5.4.8).
#define PORT_CONNECTED (1u << 0)
#define PORT_ENABLED   (1u << 1)
#define PORT_RESET     (1u << 4)
#define PORT_POWER     (1u << 9)
#define PORT_SPEED(v)  (((v) >> 10) & 0xf)
#define PORT_CHANGES   0x00fe0000u      // CSC PEC WRC OCC PRC PLC CEC: write 1 to clear
#define PORT_RESET_CHANGE (1u << 21)
#define PORT_KEEP      ((1u << 9) | (3u << 14) | (7u << 25))   // PP, PIC, WCE/WDE/WOE

// Interrupter 0 (5.5.2), in dwords from the runtime base.
#define RT_IMAN   (0x20 / 4)
#define RT_ERSTSZ (0x28 / 4)
#define RT_ERSTBA (0x30 / 4)
#define RT_ERDP   (0x38 / 4)
#define ERDP_BUSY 0x8u

// TRB types (6.4.6) and control bits.
#define TRB_NORMAL        1
#define TRB_SETUP         2
#define TRB_DATA          3
#define TRB_STATUS        4
#define TRB_LINK          6
#define TRB_ENABLE_SLOT   9
#define TRB_ADDRESS       11
#define TRB_CONFIGURE     12
#define TRB_EVALUATE      13
#define TRB_RESET_EP      14
#define TRB_STOP_EP       15
#define TRB_SET_DEQUEUE   16
#define EVENT_TRANSFER    32
#define EVENT_COMMAND     33
#define TRB_TYPE(t)   ((uint32_t)(t) << 10)
#define TRB_CYCLE     0x1u
#define TRB_TOGGLE    0x2u      // Link TRB: toggle the cycle state
#define TRB_ISP       0x4u
#define TRB_CHAIN     0x10u
#define TRB_IOC       0x20u
#define TRB_IDT       0x40u
#define TRB_DIR_IN    (1u << 16)
#define TRB_SLOT(s)   ((uint32_t)(s) << 24)
#define TRB_EP(d)     ((uint32_t)(d) << 16)

// Completion codes (6.4.5).
#define CC_SUCCESS 1
#define CC_STALL   6
#define CC_SHORT   13

// Endpoint types and states (6.2.3).
#define EP_BULK_OUT 2
#define EP_CONTROL  4
#define EP_BULK_IN  6
#define EP_RUNNING  1
#define EP_HALTED   2
#define EP_STOPPED  3
#define EP_ERROR    4

#define COMMAND_TIMEOUT_MS 2000u
#define CONTROL_TIMEOUT_MS 2000u
#define RESET_TIMEOUT_MS   1000u

uint64_t usbWaitCycles;
uint32_t usbTransfers;

typedef struct Event {
    uint32_t pointer;           // the TRB it is about (low 32 bits)
    uint32_t status, control;
} Event;

static uint32_t Cap(const UsbHost *h, uint32_t offset)
{
    return *(volatile const uint32_t *)(h->capabilities + offset);
}

// Wait until (reg & mask) == want, for at most timeoutMs. 0, E_TIMEDOUT or E_DEAD.
static int WaitRegister(UsbHost *h, volatile uint32_t *reg, uint32_t mask, uint32_t want,
                        uint32_t timeoutMs)
{
    uint32_t start = api->UptimeMs();

    for (;;) {
        uint32_t v = *reg;
        if (v == 0xffffffffu) {
            h->dead = 1;
            return E_DEAD;
        }
        if ((v & mask) == want)
            return 0;
        if (api->UptimeMs() - start > timeoutMs)
            return E_TIMEDOUT;
        api->Sleep(1);
    }
}

static void *NewPage(uint32_t *physical)
{
    void *page = api->MemAllocatePage();

    *physical = page ? api->MemPhysical(page) : 0;
    return *physical ? page : NULL;
}

// --- rings -------------------------------------------------------------------

// A fresh ring: one zeroed page, its last TRB a Link back to its first.
static int RingInit(UsbRing *r)
{
    r->trbs = NewPage(&r->physical);
    if (!r->trbs)
        return E_NOMEM;
    r->enqueue = 0;
    r->cycle = 1;
    r->trbs[(USB_RING_TRBS - 1) * 4 + 0] = r->physical;
    r->trbs[(USB_RING_TRBS - 1) * 4 + 1] = 0;
    r->trbs[(USB_RING_TRBS - 1) * 4 + 2] = 0;
    r->trbs[(USB_RING_TRBS - 1) * 4 + 3] = TRB_TYPE(TRB_LINK) | TRB_TOGGLE;   // cycle 0: not yet
    return 0;
}

// Put one TRB on r (its cycle bit is the ring's); returns its physical
// address. At the end of the page the Link TRB is handed over, carrying
// the chain bit of the TRB before it so a TD may span it.
static uint32_t RingPush(UsbRing *r, uint32_t p0, uint32_t p1, uint32_t status, uint32_t control)
{
    volatile uint32_t *t = &r->trbs[r->enqueue * 4];
    uint32_t at = r->physical + r->enqueue * 16;

    t[0] = p0;
    t[1] = p1;
    t[2] = status;
    __asm__ volatile("" ::: "memory");
    t[3] = (control & ~TRB_CYCLE) | r->cycle;
    if (++r->enqueue == USB_RING_TRBS - 1) {
        volatile uint32_t *link = &r->trbs[r->enqueue * 4];
        link[3] = TRB_TYPE(TRB_LINK) | TRB_TOGGLE | (control & TRB_CHAIN) | r->cycle;
        r->enqueue = 0;
        r->cycle ^= 1;
    }
    return at;
}

static uint32_t RingDequeue(const UsbRing *r)
{
    return (r->physical + r->enqueue * 16) | r->cycle;
}

// --- events ------------------------------------------------------------------

// Take the next event if the controller has posted one: 1, or 0.
static int TakeEvent(UsbHost *h, Event *out)
{
    volatile uint32_t *e = &h->events[h->eventDequeue * 4];
    uint32_t next;

    if ((e[3] & TRB_CYCLE) != h->eventCycle)
        return 0;
    out->pointer = e[0];
    out->status = e[2];
    out->control = e[3];
    if (++h->eventDequeue == USB_RING_TRBS) {
        h->eventDequeue = 0;
        h->eventCycle ^= 1;
    }
    next = h->eventsPhysical + h->eventDequeue * 16;
    h->runtime[RT_ERDP] = next | ERDP_BUSY;
    h->runtime[RT_ERDP + 1] = 0;
    return 1;
}

// Wait for an event of type about one of the count TRBs at trbs[], for at
// most timeoutMs, yielding between polls. 0, E_TIMEDOUT or E_DEAD.
static int WaitEvent(UsbHost *h, uint32_t type, const uint32_t *trbs, uint32_t count,
                     uint32_t timeoutMs, Event *out)
{
    uint32_t start = api->UptimeMs();
    uint64_t begin = CpuReadTsc();
    int err = E_TIMEDOUT;

    for (;;) {
        if (TakeEvent(h, out)) {
            uint32_t i = 0;
            while (i < count && trbs[i] != out->pointer)
                i++;
            if (((out->control >> 10) & 0x3f) == type && i < count) {
                err = 0;
                break;
            }
            continue;                   // a port change, or a late event of an old TD
        }
        if (h->operational[OP_USBSTS] == 0xffffffffu) {
            h->dead = 1;
            err = E_DEAD;
            break;
        }
        if (api->UptimeMs() - start > timeoutMs)
            break;
        api->SchedYield();
    }
    usbWaitCycles += CpuReadTsc() - begin;
    return err;
}

// Run one command. Returns 0, E_IO (its completion code was not
// Success), E_TIMEDOUT or E_DEAD; *slot (if not NULL) gets the slot ID.
static int Command(UsbHost *h, uint32_t p0, uint32_t control, uint32_t *slot)
{
    uint32_t at;
    Event e;
    int err;

    if (h->dead)
        return E_DEAD;
    at = RingPush(&h->command, p0, 0, 0, control);
    h->doorbells[0] = 0;
    if ((err = WaitEvent(h, EVENT_COMMAND, &at, 1, COMMAND_TIMEOUT_MS, &e)) != 0)
        return err;
    if (slot)
        *slot = e.control >> 24;
    return (e.status >> 24) == CC_SUCCESS ? 0 : E_IO;
}

// --- bring-up ----------------------------------------------------------------

// Give the controller the scratchpad pages it asks for (HCSPARAMS2).
static int Scratchpads(UsbHost *h)
{
    uint32_t p2 = Cap(h, CAP_HCSPARAMS2), count = ((p2 >> 27) & 0x1f) | (((p2 >> 21) & 0x1f) << 5);
    uint32_t arrayPhysical, physical;
    uint64_t *array;

    if (count == 0)
        return 0;
    if (!(array = NewPage(&arrayPhysical)))
        return E_NOMEM;
    for (uint32_t i = 0; i < count && i < USB_PAGE_SIZE / 8; i++) {
        if (!NewPage(&physical))
            return E_NOMEM;
        array[i] = physical;
    }
    h->dcbaa[0] = arrayPhysical;
    return 0;
}

// The event ring and its one-entry segment table, on interrupter 0.
static int EventRing(UsbHost *h)
{
    uint32_t tablePhysical;
    uint32_t *table = NewPage(&tablePhysical);

    h->events = NewPage(&h->eventsPhysical);
    if (!table || !h->events)
        return E_NOMEM;
    table[0] = h->eventsPhysical;
    table[1] = 0;
    table[2] = USB_RING_TRBS;
    h->eventDequeue = 0;
    h->eventCycle = 1;
    h->runtime[RT_IMAN] = 0x1;          // clear a pending flag; interrupts stay off
    h->runtime[RT_ERSTSZ] = 1;
    h->runtime[RT_ERDP] = h->eventsPhysical;
    h->runtime[RT_ERDP + 1] = 0;
    h->runtime[RT_ERSTBA] = tablePhysical;
    h->runtime[RT_ERSTBA + 1] = 0;
    return 0;
}

// Take the controller from the firmware (xHCI 7.1, USB Legacy Support):
// set OS Owned in the capability, wait (1 s at most) for BIOS Owned to
// clear, and switch off the SMIs it may raise. The extended
// capabilities are a chain of dwords from HCCPARAMS1.xECP; a chain that
// leaves the register window ends the walk.
static void LegacyHandoff(UsbHost *h, uint32_t windowSize)
{
    uint32_t offset = (Cap(h, CAP_HCCPARAMS1) >> 16) * 4;

    for (uint32_t steps = 0; offset && offset + 8 <= windowSize && steps < 64; steps++) {
        volatile uint32_t *cap = (volatile uint32_t *)(h->capabilities + offset);
        uint32_t head = cap[0], next = (head >> 8) & 0xff;
        if ((head & 0xff) == 1) {
            cap[0] = head | (1u << 24);                             // OS Owned
            WaitRegister(h, cap, 1u << 16, 0, RESET_TIMEOUT_MS);    // BIOS Owned clear
            cap[1] &= ~0xe011u;          // the SMI enables (bits 0, 4, 13-15) off
            return;
        }
        offset = next ? offset + next * 4 : 0;
    }
}

int XhciStart(UsbHost *h, volatile uint8_t *regs, uint32_t windowSize)
{
    uint32_t p1, cc1;
    int err;

    h->capabilities = regs;
    if (Cap(h, CAP_LENGTH) == 0xffffffffu)
        return E_DEAD;
    h->operational = (volatile uint32_t *)(regs + (Cap(h, CAP_LENGTH) & 0xff));
    h->runtime = (volatile uint32_t *)(regs + (Cap(h, CAP_RTSOFF) & ~0x1fu));
    h->doorbells = (volatile uint32_t *)(regs + (Cap(h, CAP_DBOFF) & ~0x3u));
    p1 = Cap(h, CAP_HCSPARAMS1);
    cc1 = Cap(h, CAP_HCCPARAMS1);
    h->maxSlots = p1 & 0xff;
    h->maxPorts = p1 >> 24;
    h->contextSize = (cc1 & 0x4) ? 64 : 32;            // CSZ
    if (h->maxSlots > USB_DEVICES_MAX)
        h->maxSlots = USB_DEVICES_MAX;
    if (h->maxSlots == 0 || !(h->operational[OP_PAGESIZE] & 1))
        return E_NODEV;                 // no slots, or no 4 KiB pages
    LegacyHandoff(h, windowSize);
    h->operational[OP_USBCMD] &= ~CMD_RUN;
    if ((err = WaitRegister(h, &h->operational[OP_USBSTS], STS_HALTED, STS_HALTED,
                            RESET_TIMEOUT_MS)) != 0)
        return err;
    h->operational[OP_USBCMD] = CMD_RESET;
    if ((err = WaitRegister(h, &h->operational[OP_USBCMD], CMD_RESET, 0, RESET_TIMEOUT_MS)) ||
        (err = WaitRegister(h, &h->operational[OP_USBSTS], STS_NOT_READY, 0, RESET_TIMEOUT_MS)))
        return err;
    if (!(h->dcbaa = NewPage(&h->dcbaaPhysical)))
        return E_NOMEM;
    if ((err = Scratchpads(h)) != 0 || (err = RingInit(&h->command)) != 0 ||
        (err = EventRing(h)) != 0)
        return err;
    h->operational[OP_CONFIG] = h->maxSlots;
    h->operational[OP_DCBAAP] = h->dcbaaPhysical;
    h->operational[OP_DCBAAP + 1] = 0;
    h->operational[OP_CRCR] = h->command.physical | 1;  // RCS = 1
    h->operational[OP_CRCR + 1] = 0;
    h->operational[OP_USBCMD] = CMD_RUN;
    err = WaitRegister(h, &h->operational[OP_USBSTS], STS_HALTED, 0, RESET_TIMEOUT_MS);
    if (!err)
        api->Sleep(20);                 // let the ports see their devices
    return err;
}

// --- ports -------------------------------------------------------------------

int XhciPortConnected(UsbHost *h, uint32_t port)
{
    uint32_t v = h->operational[OP_PORTSC(port)];

    return v != 0xffffffffu && (v & PORT_CONNECTED);
}

// Reset port (a USB 2 port needs it to be enabled; a USB 3 port enables
// itself) and clear its change bits. 0 when it ends up enabled, else E_*.
static int PortReset(UsbHost *h, uint32_t port)
{
    volatile uint32_t *sc = &h->operational[OP_PORTSC(port)];
    int err;

    if (!(*sc & PORT_ENABLED)) {
        *sc = (*sc & PORT_KEEP) | PORT_RESET;
        err = WaitRegister(h, sc, PORT_RESET | PORT_RESET_CHANGE, PORT_RESET_CHANGE,
                           RESET_TIMEOUT_MS);
        if (err)
            return err;
        api->Sleep(10);                 // reset recovery (USB 2.0 7.1.7.3: 10 ms)
    }
    *sc = (*sc & PORT_KEEP) | PORT_CHANGES;
    return (*sc & (PORT_CONNECTED | PORT_ENABLED)) == (PORT_CONNECTED | PORT_ENABLED) ? 0 : E_IO;
}

uint32_t XhciNextPort(UsbHost *h, uint32_t after, uint8_t *speed)
{
    for (uint32_t port = after + 1; port <= h->maxPorts; port++) {
        if (!XhciPortConnected(h, port) || PortReset(h, port) != 0)
            continue;
        *speed = (uint8_t)PORT_SPEED(h->operational[OP_PORTSC(port)]);
        return port;
    }
    return 0;
}

// --- contexts ----------------------------------------------------------------

// Context i of the input context (0: input control, 1: slot, 2..: DCI 1..).
static volatile uint32_t *InputContext(UsbDevice *d, uint32_t i)
{
    return (volatile uint32_t *)(d->input + i * d->host->contextSize);
}

// The device context's endpoint context of dci (the controller's).
static volatile uint32_t *OutputEndpoint(UsbDevice *d, uint32_t dci)
{
    return (volatile uint32_t *)(d->output + dci * d->host->contextSize);
}

// A fresh input context: nothing added, the slot context set for
// entries endpoint contexts.
static void InputBegin(UsbDevice *d, uint32_t entries)
{
    volatile uint32_t *slot;

    memset(d->input, 0, USB_PAGE_SIZE);
    slot = InputContext(d, 1);
    slot[0] = ((uint32_t)d->speed << 20) | (entries << 27);    // route string 0: a root port
    slot[1] = (uint32_t)d->port << 16;
}

// Endpoint context of pipe p (type, max packet, its ring) in the input context.
static void InputEndpoint(UsbDevice *d, const UsbPipe *p, uint32_t type, uint32_t averageTrb)
{
    volatile uint32_t *ep = InputContext(d, p->dci + 1U);

    InputContext(d, 0)[1] |= 1u << p->dci;             // add it
    ep[1] = (3u << 1) | (type << 3) | ((uint32_t)p->maxBurst << 8) | ((uint32_t)p->maxPacket << 16);
    ep[2] = RingDequeue(&p->ring);
    ep[3] = 0;
    ep[4] = averageTrb;
}

// The control endpoint's max packet size before its device descriptor is read.
static uint16_t DefaultPacket(uint8_t speed)
{
    switch (speed) {
    case 3:  return 64;                 // high speed
    case 4:  return 512;                // SuperSpeed
    default: return 8;                  // full and low speed
    }
}

int XhciAddressDevice(UsbDevice *d)
{
    UsbHost *h = d->host;
    uint32_t slot;
    int err;

    if ((err = Command(h, 0, TRB_TYPE(TRB_ENABLE_SLOT), &slot)) != 0)
        return err;
    if (slot == 0 || slot > h->maxSlots)
        return E_IO;
    d->slot = (uint8_t)slot;
    d->output = NewPage(&d->outputPhysical);
    d->input = NewPage(&d->inputPhysical);
    d->buffer = NewPage(&d->bufferPhysical);
    if (!d->output || !d->input || !d->buffer || RingInit(&d->control.ring) != 0)
        return E_NOMEM;
    d->control.dci = 1;
    d->control.maxPacket = DefaultPacket(d->speed);
    h->dcbaa[slot] = d->outputPhysical;
    InputBegin(d, 1);
    InputContext(d, 0)[1] = 1u << 0;                   // the slot context
    InputEndpoint(d, &d->control, EP_CONTROL, 8);
    if ((err = Command(h, d->inputPhysical, TRB_TYPE(TRB_ADDRESS) | TRB_SLOT(slot), NULL)) != 0)
        return err;
    d->address = (uint8_t)(((volatile uint32_t *)d->output)[3] & 0xff);
    return d->address ? 0 : E_IO;
}

int XhciSetControlPacket(UsbDevice *d, uint16_t maxPacket)
{
    if (maxPacket == d->control.maxPacket)
        return 0;
    d->control.maxPacket = maxPacket;
    InputBegin(d, 1);
    InputEndpoint(d, &d->control, EP_CONTROL, 8);
    InputContext(d, 0)[1] = 1u << 1;                   // only EP0's max packet size changes
    return Command(d->host, d->inputPhysical, TRB_TYPE(TRB_EVALUATE) | TRB_SLOT(d->slot), NULL);
}

int XhciConfigurePipes(UsbDevice *d, UsbPipe *const *pipes, uint32_t count)
{
    uint32_t last = 1;
    int err;

    for (uint32_t i = 0; i < count; i++) {
        if ((err = RingInit(&pipes[i]->ring)) != 0)
            return err;
        last = pipes[i]->dci > last ? pipes[i]->dci : last;
    }
    InputBegin(d, last);
    InputContext(d, 0)[1] = 1u << 0;
    for (uint32_t i = 0; i < count; i++)
        InputEndpoint(d, pipes[i], pipes[i]->address & USB_ENDPOINT_IN ? EP_BULK_IN : EP_BULK_OUT,
                      3072);
    return Command(d->host, d->inputPhysical, TRB_TYPE(TRB_CONFIGURE) | TRB_SLOT(d->slot), NULL);
}

int XhciPipeRecover(UsbDevice *d, UsbPipe *p)
{
    uint32_t state = OutputEndpoint(d, p->dci)[0] & 7, ep = TRB_SLOT(d->slot) | TRB_EP(p->dci);
    int err = 0;

    if (state == EP_HALTED)
        err = Command(d->host, 0, TRB_TYPE(TRB_RESET_EP) | ep, NULL);
    else if (state == EP_RUNNING)
        err = Command(d->host, 0, TRB_TYPE(TRB_STOP_EP) | ep, NULL);
    if (err)
        return err;
    return Command(d->host, RingDequeue(&p->ring), TRB_TYPE(TRB_SET_DEQUEUE) | ep, NULL);
}

// --- transfers ---------------------------------------------------------------

// Wait for the event of a TD whose TRBs are trbs[0..count) with lengths
// lengths[], on pipe p: the bytes moved in *moved. 0, E_PIPE (stalled),
// E_IO, E_TIMEDOUT, E_DEAD; the pipe is recovered after all but 0 and E_DEAD.
static int FinishTd(UsbDevice *d, UsbPipe *p, const uint32_t *trbs, const uint32_t *lengths,
                    uint32_t count, uint32_t timeoutMs, uint32_t *moved)
{
    uint32_t code, at = 0, residue;
    Event e;
    int err = WaitEvent(d->host, EVENT_TRANSFER, trbs, count, timeoutMs, &e), fix;

    *moved = 0;
    if (err == E_DEAD)
        return err;
    if (err == 0) {
        while (trbs[at] != e.pointer)
            *moved += lengths[at++];
        residue = e.status & 0xffffff;
        *moved += residue < lengths[at] ? lengths[at] - residue : 0;
        code = e.status >> 24;
        if (code == CC_SUCCESS || code == CC_SHORT)
            return 0;
        err = code == CC_STALL ? E_PIPE : E_IO;
    }
    fix = XhciPipeRecover(d, p);
    return fix == E_DEAD ? fix : err;
}

int XhciControl(UsbDevice *d, const UsbSetup *s)
{
    int in = (s->requestType & 0x80) != 0;
    uint32_t trbs[3], lengths[3] = { 0, s->length, 0 }, n = 0, moved;
    uint32_t trt = s->length == 0 ? 0 : in ? 3 : 2;
    int err;

    if (d->gone || d->host->dead)
        return E_DEAD;
    if (s->length > USB_PAGE_SIZE)
        return E_INVAL;
    trbs[n++] = RingPush(&d->control.ring,
                         s->requestType | ((uint32_t)s->request << 8) | ((uint32_t)s->value << 16),
                         s->index | ((uint32_t)s->length << 16), 8,
                         TRB_TYPE(TRB_SETUP) | TRB_IDT | (trt << 16));
    if (s->length)
        trbs[n++] = RingPush(&d->control.ring, d->bufferPhysical, 0, s->length,
                             TRB_TYPE(TRB_DATA) | TRB_ISP | (in ? TRB_DIR_IN : 0));
    else
        lengths[1] = 0;
    trbs[n++] = RingPush(&d->control.ring, 0, 0, 0,
                         TRB_TYPE(TRB_STATUS) | TRB_IOC | (in && s->length ? 0 : TRB_DIR_IN));
    usbTransfers++;
    d->host->doorbells[d->slot] = 1;
    err = FinishTd(d, &d->control, trbs, lengths, n, CONTROL_TIMEOUT_MS, &moved);
    if (err == E_PIPE)
        err = E_IO;                     // a request the device refused
    return err ? err : (int)(moved > s->length ? s->length : moved);
}

int XhciBulk(UsbDevice *d, UsbPipe *p, const uint32_t *pages, uint32_t length,
             uint32_t timeoutMs, uint32_t *moved, int doorbell)
{
    uint32_t trbs[USB_TD_MAX], lengths[USB_TD_MAX], n = 0, left = length;

    *moved = 0;
    if (d->gone || d->host->dead)
        return E_DEAD;
    if (length == 0 || length > USB_TD_MAX * USB_PAGE_SIZE)
        return E_INVAL;
    while (left > 0) {
        uint32_t chunk = left < USB_PAGE_SIZE ? left : USB_PAGE_SIZE;
        uint32_t packets = (left - chunk + p->maxPacket - 1) / p->maxPacket;   // TD Size (4.11.2.4)
        left -= chunk;
        lengths[n] = chunk;
        trbs[n] = RingPush(&p->ring, pages[n], 0, chunk | ((packets > 31 ? 31 : packets) << 17),
                           TRB_TYPE(TRB_NORMAL) | TRB_ISP | (left ? TRB_CHAIN : TRB_IOC));
        n++;
    }
    usbTransfers++;
    if (doorbell)
        d->host->doorbells[d->slot] = p->dci;
    return FinishTd(d, p, trbs, lengths, n, timeoutMs, moved);
}
