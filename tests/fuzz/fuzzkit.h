// Helpers shared by the fuzz targets (tests/fuzz/fuzzkit.c).
#ifndef TESTS_FUZZ_FUZZKIT_H
#define TESTS_FUZZ_FUZZKIT_H

#include <stddef.h>
#include <stdint.h>

// Reads the fuzz input a byte at a time; past the end, zeros.
typedef struct Reader {
    const uint8_t *data;
    size_t size;
    size_t pos;
} Reader;

uint8_t ReadByte(Reader *r);

// A counting allocator: while failing > 0, allocations return NULL (and
// count failing down, setting allocationFailed).
extern long liveAllocations;
extern int failing;
extern int allocationFailed;

void *FuzzAllocate(size_t size);
void FuzzRelease(void *ptr);        // aborts on NULL

#endif
