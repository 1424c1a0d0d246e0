// Physical memory for the kernel (kernel/mm/memory.c): boot-time discovery of
// RAM and the page allocator everyone else uses.
#ifndef KERNEL_MEMORY_H
#define KERNEL_MEMORY_H

#include <stdint.h>
#include <kernel/mm/memmap.h>
#include <kernel/multiboot.h>
#include <kernel/mm/rangeset.h>

typedef enum MemZone {
    MEM_ZONE_LOW,       // inside the direct map: reachable via PhysToVirt
    MEM_ZONE_ANY,       // anywhere; prefers pages above the direct map
} MemZone;

#define MEM_MAX_REGIONS 32

// A physical range the page allocator must never hand out.
typedef struct MemRegion {
    uint64_t start;
    uint64_t end;
    const char *what;
} MemRegion;

// What MemPlan decided, before anything is committed.
typedef struct MemPlan {
    RangeSet usable;            // RAM the page allocator may manage
    uint64_t ramBytes;          // all RAM the map reports below 4 GiB
    uint64_t topOfMemory;       // highest RAM or boot-data address
    MemMapReport report;
    uint32_t regionCount;
    MemRegion regions[MEM_MAX_REGIONS];
    uint32_t unlistedRegions;   // protected but beyond the regions array
    uint32_t badModules;        // modules with end < start (ignored)
} MemPlan;

// Work out usable RAM from the boot information at physical address
// infoPhys: the memory map minus low memory, the kernel image, the boot
// information and every module. Reads only; changes nothing. Returns 0, or
// E_NOENT if there is no usable memory description.
int MemPlanBuild(uint32_t infoPhys, MemPlan *plan);

// Print what MemPlanBuild found and ignored.
void MemPlanPrint(const MemPlan *plan);

// Set up the page allocator, paging and the kernel heap. Stops with a
// clear message if the boot information gives no usable memory.
void MemInit(uint32_t infoPhys);

// One physical page, or 0 when none is left.
uint32_t MemPageAllocate(MemZone zone);

// One physical page below limit (a device's reach, such as ISA DMA's
// 16 MiB), or 0 when none is left there.
uint32_t MemPageAllocateBelow(uint32_t limit);

// Give a page back: the page is free again once every holder has given
// it back (MemPageShare adds holders). A page that is not RAM, or is
// already free, is a kernel bug: panics with the address.
void MemPageFree(uint32_t pa);

// One more holder for page pa, in use: it stays allocated until one more
// MemPageFree than it would have. Returns 0, E_INVAL (not a page of RAM
// in use) or E_NOSPC (too many holders).
int MemPageShare(uint32_t pa);

// How many holders page pa has beyond its first.
uint32_t MemPageShares(uint32_t pa);

uint32_t MemFreePages(void);
uint32_t MemTotalPages(void);
int MemPageIsFree(uint32_t pa);

// Bytes of RAM the kernel itself holds: image, allocator tables, page
// tables and heap.
uint32_t MemKernelBytes(void);

// The plan the running kernel was booted with.
const MemPlan *MemBootPlan(void);

// Whether [start, end) overlaps memory the kernel holds: RAM the page
// allocator manages, or a region it keeps above low memory (its image,
// its allocator tables, the boot information and modules). A device
// window must not (the KernelApi's MapDevice). Low memory below 1 MiB,
// where the VGA buffer and the BIOS areas live, does not count.
int MemHoldsRange(uint64_t start, uint64_t end);

#endif
