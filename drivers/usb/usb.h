// The USB driver's parts (drivers/usb): the xHCI host controller
// (xhci.c), enumeration and the usb: namespace (usb.c), mass storage over
// Bulk-Only Transport (msc.c). docs/usb.md has the whole picture.
#ifndef DRIVERS_USB_USB_H
#define DRIVERS_USB_USB_H

#include <stdint.h>
#include <clanker/kernelapi.h>
#include <lib/blockdev.h>
#include <lib/server.h>
#include <lib/usbdesc.h>

#define USB_PAGE_SIZE   4096u
#define USB_RING_TRBS   256u    // one page of 16-byte TRBs, the last a Link TRB
#define USB_TD_MAX      16u     // TRBs in one bulk TD (a page each: 64 KiB)
#define USB_DEVICES_MAX 8
#define USB_NAME_MAX    64

// A transfer ring (xHCI 4.9.2): one page, ended by a Link TRB back to its start.
typedef struct UsbRing {
    volatile uint32_t *trbs;    // 4 dwords per TRB
    uint32_t physical;
    uint32_t enqueue;           // the next TRB to fill
    uint32_t cycle;             // the producer cycle state
} UsbRing;

typedef struct UsbHost UsbHost;

// One endpoint the driver moves data on.
typedef struct UsbPipe {
    UsbRing ring;
    uint8_t address;            // bEndpointAddress
    uint8_t dci;                // device context index: 2 * number + (IN ? 1 : 0)
    uint16_t maxPacket;
    uint8_t maxBurst;
} UsbPipe;

typedef struct UsbDevice {
    UsbHost *host;
    uint8_t slot, port, speed, address;
    uint8_t gone;               // unplugged or the controller failed: E_DEAD
    uint8_t *output;            // the device context (the controller's)
    uint8_t *input;             // the input context (ours, for commands)
    uint32_t outputPhysical, inputPhysical;
    uint8_t *buffer;            // one page for control transfers
    uint32_t bufferPhysical;
    UsbPipe control;
    UsbDeviceDescriptor descriptor;
    UsbConfigInfo config;
    char product[USB_NAME_MAX];
    char manufacturer[USB_NAME_MAX];
    char name[16];              // "BUS.ADDRESS"
    char className[16];         // what the listing shows: "storage", "hub", "08/06/50"
} UsbDevice;

// The host controller's state (xhci.c); the rest of the driver uses only
// the calls below.
struct UsbHost {
    volatile uint8_t *capabilities;
    volatile uint32_t *operational, *runtime, *doorbells;
    uint32_t maxSlots, maxPorts, contextSize;
    uint64_t *dcbaa;
    uint32_t dcbaaPhysical;
    UsbRing command;
    volatile uint32_t *events;
    uint32_t eventsPhysical, eventDequeue, eventCycle;
    uint8_t bus;                // 1, 2, ... in PCI order
    uint8_t dead;               // its registers read all ones: every request E_DEAD
};

// A SETUP packet (USB 2.0, 9.3).
typedef struct UsbSetup {
    uint8_t requestType, request;
    uint16_t value, index, length;
} UsbSetup;

#define USB_REQ_GET_STATUS        0
#define USB_REQ_CLEAR_FEATURE     1
#define USB_REQ_SET_CONFIGURATION 9
#define USB_REQ_GET_DESCRIPTOR    6
#define USB_FEATURE_ENDPOINT_HALT 0

extern const KernelApi *api;

// Time spent waiting for the controller (TSC ticks) and TDs sent, for MSG_STAT.
extern uint64_t usbWaitCycles;
extern uint32_t usbTransfers;

// --- xhci.c --------------------------------------------------------------

// Bring up the controller whose registers are at regs (windowSize bytes
// mapped): taken from the firmware, reset, DCBAA, scratchpads, command
// and event rings, run. 0 or E_*.
int XhciStart(UsbHost *host, volatile uint8_t *regs, uint32_t windowSize);

// Ports with a device connected, reset and enabled, one at a time:
// returns the next such port after *port (from 0), its speed in *speed;
// 0 when there are no more.
uint32_t XhciNextPort(UsbHost *host, uint32_t after, uint8_t *speed);

// Whether port still has a device connected.
int XhciPortConnected(UsbHost *host, uint32_t port);

// Enable a slot for the device on port and address it (Address Device):
// fills slot, address and the control pipe. 0 or E_*.
int XhciAddressDevice(UsbDevice *dev);

// Tell the controller the control endpoint's max packet size. 0 or E_*.
int XhciSetControlPacket(UsbDevice *dev, uint16_t maxPacket);

// Add the bulk pipes (Configure Endpoint). 0 or E_*.
int XhciConfigurePipes(UsbDevice *dev, UsbPipe *const *pipes, uint32_t count);

// A control transfer: setup, then setup->length bytes of dev->buffer in
// the direction of setup->requestType. Returns the bytes the data stage
// moved (>= 0), or E_IO (a stall: the endpoint is reset and ready again;
// an error), E_TIMEDOUT, E_DEAD.
int XhciControl(UsbDevice *dev, const UsbSetup *setup);

// A bulk transfer of length bytes (at most USB_TD_MAX pages) on pipe,
// from or into the pages at physical addresses pages[], as one TD.
// *moved: the bytes moved (a short packet ends it early). Returns 0,
// E_PIPE (the endpoint stalled: its ring is reset, the device's halt is
// the caller's to clear), E_IO, E_TIMEDOUT (the TD is taken off the
// ring), E_DEAD. doorbell 0 leaves the TD unrung (the timeout fault).
int XhciBulk(UsbDevice *dev, UsbPipe *pipe, const uint32_t *pages, uint32_t length,
             uint32_t timeoutMs, uint32_t *moved, int doorbell);

// Make pipe usable again after a stall, an error or a TD given up on:
// Reset Endpoint (halted) or Stop Endpoint (running), then Set TR
// Dequeue Pointer past every TD on its ring. 0 or E_*.
int XhciPipeRecover(UsbDevice *dev, UsbPipe *pipe);

// --- usb.c ---------------------------------------------------------------

// Chapter 9 requests on the control pipe: 0 or E_*.
int UsbClearHalt(UsbDevice *dev, uint8_t endpoint);
int UsbSetConfiguration(UsbDevice *dev, uint8_t value);

// --- msc.c ---------------------------------------------------------------

// If interface is a Bulk-Only mass storage one (class 08, subclass 06,
// protocol 50), take the device: its bulk pipes, SET_CONFIGURATION, GET
// MAX LUN, each LUN probed by the SCSI layer. 0, E_NODEV (not one), E_*.
int MscAttach(UsbDevice *dev, const UsbInterfaceInfo *interface);

// The fault-injection name usb:BUS.DEV:fault (docs/usb.md): arm one
// fault for the next command. 0 or E_INVAL.
int MscArmFault(UsbDevice *dev, const char *word, uint32_t length);
const char *MscArmedFault(UsbDevice *dev);

// The disks found (block:usb:'s BlockDevSet) and how many.
BlockDevSet *MscSet(void);
uint32_t MscDiskCount(void);

// Handlers for block:usb:: MSG_STAT of the prefix (the waiting, for make
// bench), and the block protocol (BlockDevRequest).
int MscStats(Server *s, ServerRequest *r);

#endif
