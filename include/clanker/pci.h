// The PCI namespace: what pci: serves (docs/servers.md).
//
// The PCI server enumerates configuration space at start and serves one
// name per function, pci:BB:DD.F in hexadecimal (for example pci:00:03.0),
// plus the listing of them all.
//
//   MSG_LIST  to pci:             -> FsDirEntry per function (name "BB:DD.F")
//   MSG_QUERY to pci:BB:DD.F      -> PciFunction
//   MSG_READ  to pci:             -> a text table, one line per function
//                                    (FsIo: handle 0, length, offset)
//
// Drivers find their own device with lib/pci.c (PciFind by class and
// subclass, e.g. 01/08 for NVMe) through the KernelApi's PciConfigRead.
#ifndef CLANKER_PCI_H
#define CLANKER_PCI_H

#include <stdint.h>

#define PCI_PREFIX "pci:"

// PciFunction.bars[i] flags
#define PCI_BAR_IO     0x1u     // an I/O port range (else memory)
#define PCI_BAR_64     0x2u     // a 64-bit memory BAR (the next slot is its upper half)
#define PCI_BAR_PREFETCH 0x4u

typedef struct PciBar {
    uint32_t base;              // port or physical address (low 32 bits); 0: unused
    uint32_t size;              // bytes
    uint32_t flags;             // PCI_BAR_*
} PciBar;

typedef struct PciFunction {
    uint8_t bus, device, function, irqLine;     // irqLine 0xff: none
    uint16_t vendor, deviceId;
    uint8_t classCode, subclass, progIf, revision;
    uint8_t irqPin, headerType, reserved[2];
    PciBar bars[6];
} PciFunction;

// KernelApi PciConfigRead/PciConfigWrite address: bus, device, function
// and a 4-byte-aligned register offset.
#define PCI_CONFIG_ADDRESS(bus, dev, fn, offset) \
    (((uint32_t)(bus) << 16) | ((uint32_t)(dev) << 11) | ((uint32_t)(fn) << 8) | \
     ((uint32_t)(offset) & 0xfcu))

#endif
