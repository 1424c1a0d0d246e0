// PCI configuration space for kernel-mode programs (lib/pci.c): reading a
// function's header, finding a device by class, enabling it. Everything
// goes through the KernelApi's PciConfigRead/PciConfigWrite.
#ifndef LIB_PCI_H
#define LIB_PCI_H

#include <stdint.h>
#include <clanker/kernelapi.h>
#include <clanker/pci.h>

// PCI command register bits (PciEnable).
#define PCI_COMMAND_IO     0x1u
#define PCI_COMMAND_MEMORY 0x2u
#define PCI_COMMAND_MASTER 0x4u

// Read bus:device.function's header into *out, sizing its BARs (decoding
// is switched off while they are probed). Returns 0, or E_NOENT if no
// function answers there.
int PciReadFunction(const KernelApi *api, uint32_t bus, uint32_t device, uint32_t function,
                    PciFunction *out);

// Call visit for every function present, in bus, device, function order;
// stop early when it returns nonzero. Returns how many were visited.
uint32_t PciEnumerate(const KernelApi *api, int (*visit)(const PciFunction *f, void *arg),
                      void *arg);

// The index-th (from 0) function of class and subclass into *out: 0 or E_NOENT.
int PciFind(const KernelApi *api, uint8_t classCode, uint8_t subclass, uint32_t index,
            PciFunction *out);

// Set bits (PCI_COMMAND_*) in f's command register.
void PciEnable(const KernelApi *api, const PciFunction *f, uint32_t bits);

#endif
