// USB descriptors parsed with every length checked (include/lib/usbdesc.h).
//
// Descriptors share a two-byte head: bLength (the descriptor's own size,
// head included) and bDescriptorType. A configuration is a chain of them,
// wTotalLength bytes long: its own 9-byte descriptor, then each interface
// (9 bytes) followed by its endpoints (7 bytes each, a SuperSpeed
// endpoint followed by its 6-byte companion) and whatever class-specific
// descriptors the device adds. The walk below trusts no length: each step
// must have room for a head, a bLength of at least 2 and no more than what
// is left of wTotalLength, and at least the size its type needs.
#include <stddef.h>
#include <clanker/error.h>
#include <lib/usbdesc.h>

static uint16_t Le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static int Bad(const char **why, const char *text)
{
    if (why)
        *why = text;
    return E_INVAL;
}

int UsbParseDevice(const uint8_t *data, uint32_t length, UsbDeviceDescriptor *out,
                   const char **why)
{
    uint8_t mp;

    if (length < 18)
        return Bad(why, "device descriptor shorter than 18 bytes");
    if (data[0] < 18 || data[1] != USB_DESC_DEVICE)
        return Bad(why, "not a device descriptor (bLength or bDescriptorType)");
    mp = data[7];
    if (mp != 8 && mp != 16 && mp != 32 && mp != 64 && !(mp == 9 && Le16(data + 2) >= 0x300))
        return Bad(why, "device descriptor: bad bMaxPacketSize0");
    if (data[17] == 0)
        return Bad(why, "device descriptor: no configurations");
    out->usbVersion = Le16(data + 2);
    out->deviceClass = data[4];
    out->subclass = data[5];
    out->protocol = data[6];
    out->maxPacket0 = mp;
    out->vendor = Le16(data + 8);
    out->product = Le16(data + 10);
    out->release = Le16(data + 12);
    out->manufacturerIndex = data[14];
    out->productIndex = data[15];
    out->serialIndex = data[16];
    out->configurations = data[17];
    return 0;
}

int UsbParseConfigHeader(const uint8_t *data, uint32_t length, uint16_t *totalLength,
                         const char **why)
{
    if (length < 9)
        return Bad(why, "configuration descriptor shorter than 9 bytes");
    if (data[0] < 9 || data[1] != USB_DESC_CONFIGURATION)
        return Bad(why, "not a configuration descriptor (bLength or bDescriptorType)");
    *totalLength = Le16(data + 2);
    if (*totalLength < data[0])
        return Bad(why, "configuration descriptor: wTotalLength smaller than bLength");
    return 0;
}

// One endpoint descriptor (at least 7 bytes at p) into the interface.
static int AddEndpoint(UsbInterfaceInfo *in, const uint8_t *p, const char **why)
{
    UsbEndpointInfo *e;
    uint8_t type = p[3] & 3;
    uint16_t maxPacket = Le16(p + 4) & 0x7ff;

    if ((p[2] & 0x0f) == 0)
        return Bad(why, "endpoint descriptor names endpoint 0");
    if (maxPacket == 0 && (type == USB_TRANSFER_BULK || type == USB_TRANSFER_INTR))
        return Bad(why, "endpoint descriptor: wMaxPacketSize 0");
    if (in->endpointCount == USB_ENDPOINTS_MAX)
        return 0;                       // more than this driver keeps: left out
    e = &in->endpoints[in->endpointCount++];
    e->address = p[2] & 0x8f;
    e->type = type;
    e->maxPacket = maxPacket;
    e->interval = p[6];
    e->maxBurst = 0;
    return 0;
}

// Minimum bLength per descriptor type met in a configuration (0: any >= 2).
static uint32_t MinimumLength(uint8_t type)
{
    switch (type) {
    case USB_DESC_CONFIGURATION: return 9;
    case USB_DESC_INTERFACE:     return 9;
    case USB_DESC_ENDPOINT:      return 7;
    case USB_DESC_SS_COMPANION:  return 6;
    default:                     return 2;
    }
}

// One descriptor of the chain (its length checked) into out. *current is
// the interface its endpoints belong to (NULL: none, or an alternate
// setting other than 0, whose endpoints are skipped).
static int Step(UsbConfigInfo *out, const uint8_t *p, UsbInterfaceInfo **current,
                int *inInterface, const char **why)
{
    UsbInterfaceInfo *in = *current;

    switch (p[1]) {
    case USB_DESC_INTERFACE:
        *inInterface = 1;
        *current = NULL;
        if (p[3] != 0 || out->interfaceCount == USB_INTERFACES_MAX)
            return 0;                   // an alternate setting, or one too many
        in = &out->interfaces[out->interfaceCount++];
        in->number = p[2];
        in->alternate = p[3];
        in->interfaceClass = p[5];
        in->subclass = p[6];
        in->protocol = p[7];
        in->endpointCount = 0;
        *current = in;
        return 0;
    case USB_DESC_ENDPOINT:
        if (!*inInterface)
            return Bad(why, "endpoint descriptor before any interface");
        return in ? AddEndpoint(in, p, why) : 0;
    case USB_DESC_SS_COMPANION:
        if (in && in->endpointCount > 0)
            in->endpoints[in->endpointCount - 1].maxBurst = p[2] > 15 ? 15 : p[2];
        return 0;
    case USB_DESC_CONFIGURATION:
        return Bad(why, "a second configuration descriptor inside the first");
    default:
        return 0;
    }
}

int UsbParseConfig(const uint8_t *data, uint32_t length, UsbConfigInfo *out, const char **why)
{
    uint16_t total;
    uint32_t at;
    UsbInterfaceInfo *current = NULL;
    int inInterface = 0, err = UsbParseConfigHeader(data, length, &total, why);

    if (err)
        return err;
    if (total > length)
        return Bad(why, "configuration: fewer bytes arrived than wTotalLength");
    out->totalLength = total;
    out->value = data[5];
    out->attributes = data[7];
    out->interfaceCount = 0;
    for (at = data[0]; at < total; at += data[at]) {
        if (total - at < 2)
            return Bad(why, "configuration: a descriptor cut off after its first byte");
        if (data[at] < 2 || data[at] > total - at)
            return Bad(why, "configuration: a descriptor's bLength runs past wTotalLength");
        if (data[at] < MinimumLength(data[at + 1]))
            return Bad(why, "configuration: a descriptor shorter than its type needs");
        if ((err = Step(out, data + at, &current, &inInterface, why)) != 0)
            return err;
    }
    if (out->interfaceCount == 0)
        return Bad(why, "configuration: no interface");
    return 0;
}

int UsbParseLanguages(const uint8_t *data, uint32_t length, uint16_t *language,
                      const char **why)
{
    if (length < 4 || data[0] < 4 || data[0] > length || data[1] != USB_DESC_STRING)
        return Bad(why, "string descriptor 0: no language ID");
    *language = Le16(data + 2);
    return 0;
}

int UsbParseString(const uint8_t *data, uint32_t length, char *out, uint32_t capacity,
                   const char **why)
{
    uint32_t n = 0;

    if (capacity == 0)
        return E_INVAL;
    out[0] = 0;
    if (length < 2 || data[0] < 2 || data[0] > length || data[1] != USB_DESC_STRING)
        return Bad(why, "not a string descriptor (bLength or bDescriptorType)");
    if (data[0] & 1)
        return Bad(why, "string descriptor: odd bLength");
    for (uint32_t at = 2; at + 1 < data[0] && n + 1 < capacity; at += 2) {
        uint16_t c = Le16(data + at);
        out[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = 0;
    return 0;
}
