// usb: and block:usb:BUS.DEV — USB devices on xHCI host controllers
// (kernel-mode driver).
//
// At start it finds every xHCI controller on PCI (class 0c, subclass 03,
// interface 30), brings it up (xhci.c), and enumerates each root port with
// a device on it: port reset, Enable Slot, Address Device, then the
// chapter 9 requests: GET_DESCRIPTOR of the device (8 bytes first, for
// the control endpoint's packet size), of configuration 0 (its 9-byte
// head, then all wTotalLength bytes) and of the strings (languages, the
// product and manufacturer). Every descriptor is parsed with its length
// checked (lib/usbdesc.c): a device with a bad one is reported on one
// line and left alone. A device with a Bulk-Only mass storage interface
// is configured (Configure Endpoint, SET_CONFIGURATION) and handed to
// msc.c, which serves it as block:usb:BUS.DEV.
//
// BUS is the controller's number from 1 in PCI order; DEV is the USB
// address the controller gave the device, which on QEMU's qemu-xhci is
// its slot: the first device is 1.1. It serves (docs/usb.md):
//
//   usb:              MSG_LIST  -> one FsDirEntry per device, named by its
//                                  whole line: "1.1 46f4:0001 storage high
//                                  QEMU USB HARDDRIVE"
//                     MSG_READ  -> a header and those lines
//   usb:BUS.DEV       MSG_READ  -> its line
//   usb:BUS.DEV:fault MSG_OPEN, MSG_WRITE (a fault's name), MSG_CLOSE,
//                     MSG_READ (the fault armed): the mass storage
//                     driver's fault injection (msc.c)
//
// A machine without an xHCI controller prints nothing and registers
// nothing. Run from etc/boot.conf:  kernel drivers/usb
#include <stdarg.h>
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <lib/blockdev.h>
#include <lib/format.h>
#include <lib/kapi.h>
#include <lib/pci.h>
#include <lib/server.h>
#include <lib/string.h>
#include "usb.h"

#define USB_PREFIX   "usb:"
#define HOSTS_MAX    2
#define FAULT_SUFFIX ":fault"
#define LINE_MAX     160

const KernelApi *api;
static UsbHost hosts[HOSTS_MAX];
static uint32_t hostCount;
static UsbDevice devices[USB_DEVICES_MAX];
static uint32_t deviceCount;

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request, reply;

// --- chapter 9 requests --------------------------------------------------------

// GET_DESCRIPTOR of type and index (language for strings), length bytes
// into dev->buffer (zeroed first). The bytes that came, or E_*.
static int GetDescriptor(UsbDevice *dev, uint8_t type, uint8_t index, uint16_t language,
                         uint16_t length)
{
    UsbSetup s = { 0x80, USB_REQ_GET_DESCRIPTOR, (uint16_t)((type << 8) | index), language,
                   length };

    memset(dev->buffer, 0, USB_PAGE_SIZE);
    return XhciControl(dev, &s);
}

int UsbClearHalt(UsbDevice *dev, uint8_t endpoint)
{
    UsbSetup s = { 0x02, USB_REQ_CLEAR_FEATURE, USB_FEATURE_ENDPOINT_HALT, endpoint, 0 };
    int err = XhciControl(dev, &s);

    return err < 0 ? err : 0;
}

int UsbSetConfiguration(UsbDevice *dev, uint8_t value)
{
    UsbSetup s = { 0x00, USB_REQ_SET_CONFIGURATION, value, 0, 0 };
    int err = XhciControl(dev, &s);

    return err < 0 ? err : 0;
}

// String index (0: none) in the device's first language, into out ("" if
// the device has none or sends a bad one: a name is not worth failing for).
static void GetString(UsbDevice *dev, uint8_t index, char *out, uint32_t capacity)
{
    uint16_t language;
    int n;

    out[0] = 0;
    if (index == 0)
        return;
    n = GetDescriptor(dev, USB_DESC_STRING, 0, 0, 255);
    if (n < 0 || UsbParseLanguages(dev->buffer, (uint32_t)n, &language, NULL) != 0)
        return;
    n = GetDescriptor(dev, USB_DESC_STRING, index, language, 255);
    if (n < 0 || UsbParseString(dev->buffer, (uint32_t)n, out, capacity, NULL) != 0)
        out[0] = 0;
}

// --- enumeration ---------------------------------------------------------------

// Say on one line why dev is not used; returns err (E_INVAL if it is 0).
static int Complain(const UsbDevice *dev, const char *what, int err, const char *why)
{
    if (why)
        api->Print("usb: %s: %s: %s; device not used\n", dev->name, what, why);
    else
        api->Print("usb: %s: %s failed (error %d); device not used\n", dev->name, what, err);
    return err ? err : E_INVAL;
}

// The device and configuration descriptors of dev. 0, or E_* (said why).
static int ReadDescriptors(UsbDevice *dev)
{
    const char *why = NULL;
    uint16_t total;
    int n, err;

    if ((n = GetDescriptor(dev, USB_DESC_DEVICE, 0, 0, 8)) < 0)
        return Complain(dev, "GET_DESCRIPTOR (device, 8 bytes)", n, NULL);
    if (n < 8 || dev->buffer[1] != USB_DESC_DEVICE)
        return Complain(dev, "device descriptor", 0, "short or of the wrong type");
    if (dev->speed != 4 && (err = XhciSetControlPacket(dev, dev->buffer[7] ? dev->buffer[7] : 8)))
        return Complain(dev, "Evaluate Context", err, NULL);
    if ((n = GetDescriptor(dev, USB_DESC_DEVICE, 0, 0, 18)) < 0)
        return Complain(dev, "GET_DESCRIPTOR (device)", n, NULL);
    if ((err = UsbParseDevice(dev->buffer, (uint32_t)n, &dev->descriptor, &why)) != 0)
        return Complain(dev, "device descriptor", err, why);
    if ((n = GetDescriptor(dev, USB_DESC_CONFIGURATION, 0, 0, 9)) < 0)
        return Complain(dev, "GET_DESCRIPTOR (configuration, 9 bytes)", n, NULL);
    if ((err = UsbParseConfigHeader(dev->buffer, (uint32_t)n, &total, &why)) != 0)
        return Complain(dev, "configuration descriptor", err, why);
    if (total > USB_PAGE_SIZE)
        return Complain(dev, "configuration descriptor", 0, "wTotalLength over 4096");
    if ((n = GetDescriptor(dev, USB_DESC_CONFIGURATION, 0, 0, total)) < 0)
        return Complain(dev, "GET_DESCRIPTOR (configuration)", n, NULL);
    if ((err = UsbParseConfig(dev->buffer, (uint32_t)n, &dev->config, &why)) != 0)
        return Complain(dev, "configuration descriptor", err, why);
    return 0;
}

// What the listing calls the device's class: its own, or its first interface's.
static void NameClass(UsbDevice *dev)
{
    static const struct { uint8_t code; const char *name; } names[] = {
        { 0x01, "audio" }, { 0x02, "comm" }, { 0x03, "hid" }, { 0x07, "printer" },
        { 0x08, "storage" }, { 0x09, "hub" }, { 0x0a, "cdc-data" }, { 0x0b, "smartcard" },
        { 0x0e, "video" }, { 0xe0, "wireless" }, { 0xef, "misc" }, { 0xff, "vendor" },
    };
    uint8_t code = dev->descriptor.deviceClass;

    if (code == 0 && dev->config.interfaceCount > 0)
        code = dev->config.interfaces[0].interfaceClass;
    Format(dev->className, sizeof(dev->className), "class-%02x", code);
    for (uint32_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].code == code)
            Format(dev->className, sizeof(dev->className), "%s", names[i].name);
}

// Configure dev for its mass storage interface, if it has one.
static void TakeDriver(UsbDevice *dev)
{
    for (uint32_t i = 0; i < dev->config.interfaceCount; i++) {
        int err = MscAttach(dev, &dev->config.interfaces[i]);
        if (err == E_NODEV)
            continue;
        if (err)
            api->Print("usb: %s: mass storage not served (error %d)\n", dev->name, err);
        return;
    }
}

// Address the device on port of host and read what it is.
static void Enumerate(UsbHost *host, uint32_t port, uint8_t speed)
{
    UsbDevice *dev = &devices[deviceCount];
    int err;

    memset(dev, 0, sizeof(*dev));
    dev->host = host;
    dev->port = (uint8_t)port;
    dev->speed = speed;
    Format(dev->name, sizeof(dev->name), "%u.p%u", host->bus, port);
    if ((err = XhciAddressDevice(dev)) != 0) {
        Complain(dev, "Address Device", err, NULL);
        return;
    }
    Format(dev->name, sizeof(dev->name), "%u.%u", host->bus, dev->address);
    if (ReadDescriptors(dev) != 0)
        return;
    GetString(dev, dev->descriptor.productIndex, dev->product, sizeof(dev->product));
    GetString(dev, dev->descriptor.manufacturerIndex, dev->manufacturer,
              sizeof(dev->manufacturer));
    NameClass(dev);
    deviceCount++;
    TakeDriver(dev);
}

// Map f's BAR0 (a 32-bit-reachable memory BAR), *size bytes of it. NULL
// if it is not one.
static volatile uint8_t *MapRegisters(const PciFunction *f, uint32_t *size)
{
    uint32_t high = 0;

    *size = f->bars[0].size > 0x10000 ? 0x10000 : f->bars[0].size;
    if (f->bars[0].flags & PCI_BAR_64)
        api->PciConfigRead(PCI_CONFIG_ADDRESS(f->bus, f->device, f->function, 0x14), &high);
    if ((f->bars[0].flags & PCI_BAR_IO) || high || !f->bars[0].base || *size < 0x1000)
        return NULL;
    return api->MapDevice(f->bars[0].base, *size);
}

// PciEnumerate visitor: bring up every xHCI controller and its devices.
static int Probe(const PciFunction *f, void *arg)
{
    UsbHost *host;
    volatile uint8_t *regs;
    uint32_t port = 0, size;
    uint8_t speed;
    int err;

    (void)arg;
    if (f->classCode != 0x0c || f->subclass != 0x03 || f->progIf != 0x30)
        return 0;
    if (hostCount == HOSTS_MAX)
        return 1;
    host = &hosts[hostCount];
    host->bus = (uint8_t)(hostCount + 1);
    PciEnable(api, f, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    regs = MapRegisters(f, &size);
    err = regs ? XhciStart(host, regs, size) : E_NODEV;
    hostCount++;
    if (err) {
        api->Print("usb: xHCI controller %02x:%02x.%x not used (error %d)\n", f->bus, f->device,
                   f->function, err);
        return 0;
    }
    while (deviceCount < USB_DEVICES_MAX && (port = XhciNextPort(host, port, &speed)) != 0)
        Enumerate(host, port, speed);
    return 0;
}

// --- usb: ----------------------------------------------------------------------

static const char *SpeedName(uint8_t speed)
{
    switch (speed) {
    case 1:  return "full";
    case 2:  return "low";
    case 3:  return "high";
    case 4:  return "super";
    default: return "?";
    }
}

// The device's line (no newline): address, ids, class, speed, name, and
// "(gone)" once its port has lost it (looked at now).
static void DeviceLine(UsbDevice *dev, char *out, uint32_t capacity)
{
    if (!dev->gone && !XhciPortConnected(dev->host, dev->port))
        dev->gone = 1;
    Format(out, capacity, "%s %04x:%04x %s %s %s%s", dev->name, dev->descriptor.vendor,
           dev->descriptor.product, dev->className, SpeedName(dev->speed),
           dev->product[0] ? dev->product : "-", dev->gone ? " (gone)" : "");
}

// The device name (after "usb:") names, with *fault set when it ends in
// ":fault"; NULL if there is none such.
static UsbDevice *FindDevice(const char *name, int *fault)
{
    uint32_t length = strlen(name), suffix = sizeof(FAULT_SUFFIX) - 1;

    *fault = length > suffix && strcmp(name + length - suffix, FAULT_SUFFIX) == 0;
    if (*fault)
        length -= suffix;
    for (uint32_t i = 0; i < deviceCount; i++)
        if (strlen(devices[i].name) == length && strncmp(devices[i].name, name, length) == 0)
            return &devices[i];
    return NULL;
}

// The target of r: *dev NULL for usb: itself. 0 or E_NOENT.
static int Target(const ServerRequest *r, UsbDevice **dev, int *fault)
{
    const char *rest = r->envelope->name + sizeof(USB_PREFIX) - 1;

    *fault = 0;
    *dev = NULL;
    if (rest[0] == 0)
        return 0;
    *dev = FindDevice(rest, fault);
    return *dev ? 0 : E_NOENT;
}

static int List(Server *s, ServerRequest *r)
{
    uint32_t size = MessageDataLength(r->message), n = 0;
    FsListRequest want = { 0, FS_LIST_MAX };
    FsDirEntry *out = (FsDirEntry *)r->reply->data;
    UsbDevice *dev;
    int fault, err;

    (void)s;
    /* decode */
    if ((err = Target(r, &dev, &fault)) != 0)
        return err;
    if (dev)
        return E_NOTDIR;
    if (size != 0 && size != sizeof(want))
        return E_INVAL;
    if (size)
        memcpy(&want, r->message->data, sizeof(want));
    if (want.count == 0 || want.count > FS_LIST_MAX)
        want.count = FS_LIST_MAX;
    /* invoke */
    for (uint32_t i = want.index; i < deviceCount && n < want.count; i++, n++) {
        memset(&out[n], 0, sizeof(out[n]));
        out[n].type = FS_TYPE_FILE;
        out[n].id = i + 1;
        DeviceLine(&devices[i], out[n].name, sizeof(out[n].name));
        out[n].size = strlen(out[n].name) + 1;
    }
    r->reply->length = MESSAGE_HEADER_SIZE + n * (uint32_t)sizeof(FsDirEntry);
    return 0;
}

// The text MSG_READ gives for dev (NULL: the table) into out.
static uint32_t Text(UsbDevice *dev, int fault, char *out, uint32_t capacity)
{
    uint32_t length = 0;

    if (fault)
        return (uint32_t)Format(out, capacity, "%s\n", MscArmedFault(dev));
    if (dev) {
        DeviceLine(dev, out, capacity - 1);
        length = strlen(out);
        out[length++] = '\n';
        return length;
    }
    length = (uint32_t)Format(out, capacity, "B.D VEND:PROD CLASS SPEED NAME\n");
    for (uint32_t i = 0; i < deviceCount && length + LINE_MAX < capacity; i++) {
        DeviceLine(&devices[i], out + length, LINE_MAX - 1);
        length += strlen(out + length);
        out[length++] = '\n';
    }
    return length;
}

// MSG_READ: the whole text, or the slice an FsIo asks for.
static int Read(Server *s, ServerRequest *r)
{
    static char text[USB_DEVICES_MAX * LINE_MAX + 64];
    uint32_t size = MessageDataLength(r->message), length = FS_IO_MAX, all;
    uint64_t offset = 0;
    UsbDevice *dev;
    FsIo io;
    int fault, err;

    (void)s;
    /* decode */
    if ((err = Target(r, &dev, &fault)) != 0)
        return err;
    if (size != 0 && size != sizeof(FsIo))
        return E_INVAL;
    if (size) {
        memcpy(&io, r->message->data, sizeof(io));
        if (io.handle != 0 && !(fault && io.handle == 1))
            return E_BADF;
        offset = io.offset;
        length = io.length < FS_IO_MAX ? io.length : FS_IO_MAX;
    }
    /* invoke */
    all = Text(dev, fault, text, sizeof(text));
    if (offset > all)
        offset = all;
    if (length > all - offset)
        length = all - (uint32_t)offset;
    return ServerReplyData(r, text + offset, length);
}

// MSG_OPEN of usb:BUS.DEV:fault (any flags): handle 1. The shell's
// `echo short > usb:1.1:fault` opens, writes and closes it.
static int Open(Server *s, ServerRequest *r)
{
    FsHandle handle = { 1 };
    UsbDevice *dev;
    int fault, err;

    (void)s;
    /* decode */
    if ((err = Target(r, &dev, &fault)) != 0)
        return err;
    if (!fault || MessageDataLength(r->message) != sizeof(FsOpen))
        return dev && !fault ? E_ACCES : E_INVAL;
    /* invoke */
    return ServerReplyData(r, &handle, sizeof(handle));
}

// MSG_WRITE of usb:BUS.DEV:fault: FsIo and the fault's name (docs/usb.md).
static int Write(Server *s, ServerRequest *r)
{
    uint32_t size = MessageDataLength(r->message);
    UsbDevice *dev;
    FsIo io;
    int fault, err;

    (void)s;
    /* decode */
    if ((err = Target(r, &dev, &fault)) != 0)
        return err;
    if (!fault)
        return dev ? E_ACCES : E_INVAL;
    if (size < sizeof(io))
        return E_INVAL;
    memcpy(&io, r->message->data, sizeof(io));
    if (io.handle != 0 && io.handle != 1)
        return E_BADF;
    if (io.length != size - sizeof(io))
        return E_INVAL;
    /* invoke (MscArmFault checks the word before it arms anything) */
    if ((err = MscArmFault(dev, (const char *)r->message->data + sizeof(io), io.length)) != 0)
        return err;
    return ServerReplyData(r, &io.length, sizeof(io.length));
}

static int Close(Server *s, ServerRequest *r)
{
    UsbDevice *dev;
    int fault, err;

    (void)s;
    if ((err = Target(r, &dev, &fault)) != 0)
        return err;
    return fault ? 0 : E_INVAL;
}

static int Unrouted(Server *s, ServerRequest *r)
{
    UsbDevice *dev;
    int fault;

    (void)s;
    return Target(r, &dev, &fault) ? E_NOENT : E_INVAL;
}

static const ServerRoute routes[] = {
    { MSG_STAT,        "block:usb:", MscStats },
    { SERVER_ANY_TYPE, "block:usb:", BlockDevRequest },
    { MSG_LIST,  USB_PREFIX, List },
    { MSG_READ,  USB_PREFIX, Read },
    { MSG_OPEN,  USB_PREFIX, Open },
    { MSG_WRITE, USB_PREFIX, Write },
    { MSG_CLOSE, USB_PREFIX, Close },
};

int main(const KernelApi *kernel, int argc, char **argv)
{
    static ServerPort port;
    static Server server = {
        .name = "usb", .routes = routes, .routeCount = sizeof(routes) / sizeof(routes[0]),
        .unrouted = Unrouted, .requestBuffer = &request.message,
        .replyBuffer = &reply.message, .capacity = sizeof(request),
    };
    char line[LINE_MAX];

    (void)argc; (void)argv;
    api = kernel;
    PciEnumerate(api, Probe, NULL);
    if (hostCount == 0)
        return 0;                       // no xHCI controller: quietly nothing
    for (uint32_t i = 0; i < deviceCount; i++) {
        DeviceLine(&devices[i], line, sizeof(line));
        api->Print("usb: %s\n", line);
    }
    if (api->NamespaceRegister(USB_PREFIX, NULL) != 0 ||
        (MscDiskCount() && api->NamespaceRegister("block:usb:", NULL) != 0)) {
        api->Print("usb: cannot serve %s\n", USB_PREFIX);
        return 1;
    }
    port = ServerPortKernelApi(api);
    server.port = &port;
    server.state = MscSet();           // BlockDevRequest's devices
    ServerRun(&server);
}
