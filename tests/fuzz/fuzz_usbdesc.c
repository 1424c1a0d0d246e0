// libFuzzer target for the USB descriptor parsers (lib/usbdesc.c).
//
// The input, copied into a heap buffer of exactly its size (so
// AddressSanitizer catches a read past the end), goes whole to every
// parser: device, configuration head, configuration, languages, string.
//
// Invariants checked (abort() on violation):
//   - every parser returns 0 or E_INVAL, and a reason on E_INVAL
//   - a configuration that parses keeps at most USB_INTERFACES_MAX
//     interfaces of at most USB_ENDPOINTS_MAX endpoints, none of them
//     endpoint 0, a bulk or interrupt one with a packet size above 0, and
//     its wTotalLength is no more than the input
//   - a string that parses is NUL-terminated printable ASCII within its
//     buffer, without trailing blanks
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <clanker/error.h>
#include <lib/usbdesc.h>

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void CheckConfig(const UsbConfigInfo *c, size_t size)
{
    CHECK(c->totalLength <= size);
    CHECK(c->interfaceCount >= 1 && c->interfaceCount <= USB_INTERFACES_MAX);
    for (uint32_t i = 0; i < c->interfaceCount; i++) {
        const UsbInterfaceInfo *in = &c->interfaces[i];
        CHECK(in->endpointCount <= USB_ENDPOINTS_MAX && in->alternate == 0);
        for (uint32_t e = 0; e < in->endpointCount; e++) {
            const UsbEndpointInfo *ep = &in->endpoints[e];
            CHECK((ep->address & 0x0f) != 0 && (ep->address & 0x70) == 0);
            CHECK(ep->maxPacket > 0 || ep->type == USB_TRANSFER_CONTROL ||
                  ep->type == USB_TRANSFER_ISOCH);
            CHECK(ep->maxBurst <= 15);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    UsbDeviceDescriptor device;
    UsbConfigInfo config;
    const char *why;
    char text[16];
    uint16_t value;
    int err;

    memcpy(copy, data, size);
    why = NULL;
    err = UsbParseDevice(copy, (uint32_t)size, &device, &why);
    CHECK(err == 0 || (err == E_INVAL && why));
    why = NULL;
    err = UsbParseConfigHeader(copy, (uint32_t)size, &value, &why);
    CHECK(err == 0 || (err == E_INVAL && why));
    why = NULL;
    err = UsbParseConfig(copy, (uint32_t)size, &config, &why);
    CHECK(err == 0 || (err == E_INVAL && why));
    if (err == 0)
        CheckConfig(&config, size);
    why = NULL;
    err = UsbParseLanguages(copy, (uint32_t)size, &value, &why);
    CHECK(err == 0 || (err == E_INVAL && why));
    why = NULL;
    err = UsbParseString(copy, (uint32_t)size, text, sizeof(text), &why);
    CHECK(err == 0 || (err == E_INVAL && why));
    if (err == 0) {
        size_t n = strnlen(text, sizeof(text));
        CHECK(n < sizeof(text));
        for (size_t i = 0; i < n; i++)
            CHECK(text[i] >= 0x20 && text[i] < 0x7f);
        CHECK(n == 0 || text[n - 1] != ' ');
    }
    free(copy);
    return 0;
}
