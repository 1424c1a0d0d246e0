// The Multiboot 1 boot information structure, as the boot loader leaves it.
// Field layout from the Multiboot Specification, version 0.6.96.
#ifndef KERNEL_MULTIBOOT_H
#define KERNEL_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u

// Bits of MultibootInfo.flags saying which fields are valid.
#define MULTIBOOT_INFO_MEMORY   (1u << 0)   // memLower, memUpper
#define MULTIBOOT_INFO_CMDLINE  (1u << 2)
#define MULTIBOOT_INFO_MODS     (1u << 3)
#define MULTIBOOT_INFO_MMAP     (1u << 6)   // mmapLength, mmapAddr

#define MULTIBOOT_MEMORY_AVAILABLE 1

typedef struct __attribute__((packed)) MultibootInfo {
    uint32_t flags;
    uint32_t memLower;      // KiB of memory from 0
    uint32_t memUpper;      // KiB of memory from 1 MiB
    uint32_t bootDevice;
    uint32_t cmdline;       // physical address of a NUL-terminated string
    uint32_t modsCount;
    uint32_t modsAddr;      // physical address of MultibootModule[modsCount]
    uint32_t syms[4];
    uint32_t mmapLength;    // bytes
    uint32_t mmapAddr;      // physical address of the first MultibootMmapEntry
    // Later fields (drives, config table, loader name, APM, VBE) unused.
} MultibootInfo;

typedef struct __attribute__((packed)) MultibootModule {
    uint32_t start;         // physical, inclusive
    uint32_t end;           // physical, exclusive
    uint32_t string;        // physical address of the module's command line
    uint32_t reserved;
} MultibootModule;

// One memory map entry. 'size' counts the bytes after itself, so the next
// entry starts at (uint8_t *)entry + entry->size + 4.
typedef struct __attribute__((packed)) MultibootMmapEntry {
    uint32_t size;
    uint64_t base;
    uint64_t length;
    uint32_t type;
} MultibootMmapEntry;

#endif
