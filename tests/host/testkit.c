// Helpers shared by the host unit tests: a counting, failable allocator
// and a range-set assertion.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "testkit.h"

long liveAllocations;
long failAfter = -1;
long allocationCalls;

void *TestAllocate(size_t size)
{
    void *p;

    allocationCalls++;
    if (failAfter == 0)
        return NULL;
    if (failAfter > 0)
        failAfter--;
    p = malloc(size);
    assert_non_null(p);
    liveAllocations++;
    return p;
}

void TestRelease(void *ptr)
{
    assert_non_null(ptr);
    liveAllocations--;
    free(ptr);
}

void ExpectRanges(const RangeSet *set, uint32_t n, ...)
{
    va_list args;

    assert_int_equal(set->count, n);
    va_start(args, n);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t start = va_arg(args, unsigned long long);
        uint64_t end = va_arg(args, unsigned long long);
        assert_int_equal(set->ranges[i].start, start);
        assert_int_equal(set->ranges[i].end, end);
    }
    va_end(args);
}
