// Turning the boot loader's memory description into usable RAM
// (kernel/mm/memmap.c).
//
// The input may be missing, unsorted, overlapping, malformed or describe
// memory above 4 GiB. MemMapBuild never trusts it: it keeps only what is
// certainly RAM below 4 GiB, in whole pages, and reports what it dropped.
#ifndef KERNEL_MEMMAP_H
#define KERNEL_MEMMAP_H

#include <stdint.h>
#include <kernel/mm/rangeset.h>

typedef enum MemMapSource {
    MEMMAP_SOURCE_NONE,     // no usable description at all
    MEMMAP_SOURCE_MMAP,     // the full memory map (flags bit 6)
    MEMMAP_SOURCE_BASIC,    // only memLower/memUpper (flags bit 0)
} MemMapSource;

typedef struct MemMapInput {
    int hasMmap;
    const uint8_t *mmap;    // kernel-readable copy of the entries
    uint32_t mmapLength;    // bytes
    int hasBasic;
    uint32_t memLower;      // KiB
    uint32_t memUpper;      // KiB
} MemMapInput;

typedef struct MemMapReport {
    MemMapSource source;
    uint32_t entries;           // well-formed entries seen
    uint32_t malformed;         // entries cut short or with a bad size field
    uint32_t dropped;           // entries that did not fit the range sets
    uint64_t ignoredAbove4G;    // bytes of RAM the kernel cannot address
    int unsorted;               // entries were not in ascending order
    int overlapping;            // some entries overlapped others
} MemMapReport;

// Fill usable with page-aligned RAM ranges below 4 GiB that no entry marks
// reserved. Returns 0, or E_NOENT when there is no memory description.
int MemMapBuild(const MemMapInput *in, RangeSet *usable, MemMapReport *report);

#endif
