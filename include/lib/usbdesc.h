// USB descriptors (USB 2.0 chapter 9, USB 3.x 9.6.7): parsing what a
// device sends in answer to GET_DESCRIPTOR (lib/usbdesc.c).
//
// Every parser is a pure function of the bytes and their length, so the
// host tests (tests/host/test_usbdesc.c) and the fuzz target
// (tests/fuzz/fuzz_usbdesc.c) can run it on any input. A descriptor whose
// own length is too short for its type, that claims more bytes than
// arrived, or whose fields make no sense (a bulk endpoint with a max
// packet size of 0) is E_INVAL with *why saying what is wrong; nothing is
// read past length.
#ifndef LIB_USBDESC_H
#define LIB_USBDESC_H

#include <stdint.h>

#define USB_DESC_DEVICE        1
#define USB_DESC_CONFIGURATION 2
#define USB_DESC_STRING        3
#define USB_DESC_INTERFACE     4
#define USB_DESC_ENDPOINT      5
#define USB_DESC_SS_COMPANION  0x30

#define USB_INTERFACES_MAX 8    // interfaces kept from one configuration
#define USB_ENDPOINTS_MAX  4    // endpoints kept per interface

#define USB_ENDPOINT_IN      0x80u   // bEndpointAddress: the direction bit
#define USB_TRANSFER_CONTROL 0
#define USB_TRANSFER_ISOCH   1
#define USB_TRANSFER_BULK    2
#define USB_TRANSFER_INTR    3

typedef struct UsbDeviceDescriptor {
    uint16_t usbVersion;        // bcdUSB
    uint8_t deviceClass, subclass, protocol;
    uint8_t maxPacket0;         // bMaxPacketSize0 (for USB 3: the exponent, 9)
    uint16_t vendor, product, release;
    uint8_t manufacturerIndex, productIndex, serialIndex;
    uint8_t configurations;
} UsbDeviceDescriptor;

typedef struct UsbEndpointInfo {
    uint8_t address;            // bEndpointAddress: number | USB_ENDPOINT_IN
    uint8_t type;               // USB_TRANSFER_*
    uint16_t maxPacket;         // bytes (bits 10-0 of wMaxPacketSize)
    uint8_t interval;
    uint8_t maxBurst;           // from a SuperSpeed companion, else 0
} UsbEndpointInfo;

typedef struct UsbInterfaceInfo {
    uint8_t number, alternate;
    uint8_t interfaceClass, subclass, protocol;
    uint8_t endpointCount;      // kept in endpoints (at most USB_ENDPOINTS_MAX)
    UsbEndpointInfo endpoints[USB_ENDPOINTS_MAX];
} UsbInterfaceInfo;

typedef struct UsbConfigInfo {
    uint16_t totalLength;       // wTotalLength
    uint8_t value;              // bConfigurationValue, for SET_CONFIGURATION
    uint8_t attributes;
    uint8_t interfaceCount;     // kept in interfaces (at most USB_INTERFACES_MAX)
    UsbInterfaceInfo interfaces[USB_INTERFACES_MAX];
} UsbConfigInfo;

// The 18-byte device descriptor. 0 or E_INVAL.
int UsbParseDevice(const uint8_t *data, uint32_t length, UsbDeviceDescriptor *out,
                   const char **why);

// The first 9 bytes of a configuration descriptor: its wTotalLength, so
// the caller knows how much to ask for. 0 or E_INVAL.
int UsbParseConfigHeader(const uint8_t *data, uint32_t length, uint16_t *totalLength,
                         const char **why);

// A whole configuration (length bytes, at least its wTotalLength): its
// interfaces (alternate setting 0 only) with their endpoints. Descriptors
// of other types (class-specific, HID, ...) are stepped over by their
// length. 0 or E_INVAL.
int UsbParseConfig(const uint8_t *data, uint32_t length, UsbConfigInfo *out, const char **why);

// String descriptor 0: the first language ID. 0 or E_INVAL (none).
int UsbParseLanguages(const uint8_t *data, uint32_t length, uint16_t *language,
                      const char **why);

// A string descriptor (UTF-16LE) as ASCII in out (capacity >= 1 bytes,
// NUL-terminated, cut to fit; characters outside printable ASCII become
// '?', trailing blanks removed). 0 or E_INVAL.
int UsbParseString(const uint8_t *data, uint32_t length, char *out, uint32_t capacity,
                   const char **why);

#endif
