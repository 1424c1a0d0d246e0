// Helpers shared by the host unit tests (tests/host/testkit.c).
#ifndef TESTS_HOST_TESTKIT_H
#define TESTS_HOST_TESTKIT_H

#include <stddef.h>
#include <stdint.h>
#include <kernel/mm/rangeset.h>

// A counting allocator that can be told to fail: the next failAfter
// allocations succeed, then every one returns NULL (-1: never fail).
extern long liveAllocations;    // allocations not yet released
extern long failAfter;
extern long allocationCalls;

void *TestAllocate(size_t size);
void TestRelease(void *ptr);

// Assert the set holds exactly the n ranges given as start, end pairs
// (unsigned long long each).
void ExpectRanges(const RangeSet *set, uint32_t n, ...);

#endif
