// Physical page allocator core (kernel/mm/pmm.c).
//
// Pure bookkeeping with no knowledge of where its storage lives, so the
// same code runs in the kernel and in host unit tests. Pages are named by
// page frame number (pfn = physical address / 4096).
//
// Each zone keeps a stack of free pfns, so allocate and free are O(1).
// Two bitmaps, "is RAM" and "is free", catch frees of pages that are not
// RAM or that are already free, before anything changes. A page in use
// may have more than one holder (PmmShare): it is free again after the
// last holder's PmmFree.
#ifndef KERNEL_PMM_H
#define KERNEL_PMM_H

#include <stddef.h>
#include <stdint.h>
#include <kernel/mm/rangeset.h>

#define PMM_PAGE_SIZE 4096u
#define PMM_SHARES_MAX 255u     // holders a page may have beyond its first

typedef enum PmmZone {
    PMM_ZONE_LOW,   // below the low limit: always reachable by the kernel
    PMM_ZONE_HIGH,  // the rest
    PMM_ZONE_COUNT,
} PmmZone;

typedef struct PmmStack {
    uint32_t *pfns;
    uint32_t count;
    uint32_t capacity;
} PmmStack;

typedef struct Pmm {
    uint32_t *ramBits;      // bit set: the page is RAM managed here
    uint32_t *freeBits;     // bit set: the page is free
    uint32_t pageLimit;     // every managed pfn is below this
    uint32_t lowLimit;      // pfns below this are in PMM_ZONE_LOW
    PmmStack zones[PMM_ZONE_COUNT];
    uint8_t *shares;        // per pfn: holders beyond the first (PmmShare)
    uint32_t totalPages;
    uint32_t freePages;
} Pmm;

// Bytes of storage PmmInit needs for the pages in ram.
size_t PmmStorageBytes(const RangeSet *ram);

// Manage every whole page in ram (which must be page-aligned and below
// 4 GiB), all of them free. storage must hold PmmStorageBytes(ram) bytes
// and be 4-byte aligned. Returns 0 or E_INVAL.
int PmmInit(Pmm *pmm, const RangeSet *ram, uint32_t lowLimitPfn,
            void *storage, size_t storageBytes);

// Take one free page. PMM_ZONE_LOW takes only low pages; PMM_ZONE_HIGH
// prefers high pages and falls back to low ones. Returns 0 and the pfn,
// or E_NOMEM.
int PmmAllocate(Pmm *pmm, PmmZone zone, uint32_t *pfn);

// Take one free low page whose pfn is below limitPfn (for devices that
// reach only low memory, such as ISA DMA below 16 MiB). It searches the
// low zone's stack, so it costs O(free low pages). Returns 0 and the pfn,
// or E_NOMEM.
int PmmAllocateBelow(Pmm *pmm, uint32_t limitPfn, uint32_t *pfn);

// Return a page: one holder lets it go, and the last one frees it.
// Returns 0, E_INVAL if pfn is not RAM managed here, or E_EXIST if it is
// already free (a double free); on error nothing changes.
int PmmFree(Pmm *pmm, uint32_t pfn);

// Add a holder to a page in use, so that it stays in use until one more
// PmmFree than before. Returns 0, E_INVAL (not RAM managed here, or free)
// or E_NOSPC (PMM_SHARES_MAX holders beyond the first already).
int PmmShare(Pmm *pmm, uint32_t pfn);

// The holders pfn has beyond its first (0 for a page that is not RAM).
uint32_t PmmShares(const Pmm *pmm, uint32_t pfn);

int PmmIsFree(const Pmm *pmm, uint32_t pfn);
int PmmIsRam(const Pmm *pmm, uint32_t pfn);

#endif
