// Sets of physical address ranges (kernel/mm/rangeset.c).
//
// A RangeSet holds at most RANGESET_CAPACITY sorted, disjoint, non-adjacent
// half-open ranges [start, end) of 64-bit addresses. It is the scratch
// structure the boot code uses to turn the boot loader's memory map into
// the list of pages the physical allocator may hand out.
#ifndef KERNEL_RANGESET_H
#define KERNEL_RANGESET_H

#include <stdint.h>

#define RANGESET_CAPACITY 64

typedef struct Range {
    uint64_t start;
    uint64_t end;       // exclusive
} Range;

typedef struct RangeSet {
    uint32_t count;
    Range ranges[RANGESET_CAPACITY];
} RangeSet;

void RangeSetInit(RangeSet *set);

// Add [start, end), merging with overlapping or touching ranges.
// Returns 0, or E_NOMEM if the set is full (the set is then unchanged).
int RangeSetAdd(RangeSet *set, uint64_t start, uint64_t end);

// Remove [start, end) from every range. Returns 0, or E_NOMEM if a split
// would overflow the set (the set is then unchanged).
int RangeSetRemove(RangeSet *set, uint64_t start, uint64_t end);

// Remove [start, end) for certain. If a split would overflow the set,
// every range the hole touches is dropped whole instead: losing memory is
// safe, keeping a byte that must go is not. Returns 1 if more than
// [start, end) was dropped, else 0.
int RangeSetCut(RangeSet *set, uint64_t start, uint64_t end);

// Shrink every range to whole units of align (a power of two), dropping
// ranges that hold no whole unit.
void RangeSetAlign(RangeSet *set, uint64_t align);

// Does any range intersect [start, end)?
int RangeSetIntersects(const RangeSet *set, uint64_t start, uint64_t end);

// Total bytes covered.
uint64_t RangeSetTotal(const RangeSet *set);

#endif
