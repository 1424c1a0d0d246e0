// Helpers shared by the fuzz targets: an input reader and a counting,
// failable allocator.
#include <stdio.h>
#include <stdlib.h>

#include "fuzzkit.h"

long liveAllocations;
int failing;
int allocationFailed;

uint8_t ReadByte(Reader *r)
{
    return r->pos < r->size ? r->data[r->pos++] : 0;
}

void *FuzzAllocate(size_t size)
{
    void *p;

    if (failing > 0) {
        failing--;
        allocationFailed = 1;
        return NULL;
    }
    p = malloc(size);
    if (!p)
        abort();
    liveAllocations++;
    return p;
}

void FuzzRelease(void *ptr)
{
    if (!ptr) {
        fprintf(stderr, "fuzz: release of NULL\n");
        abort();
    }
    liveAllocations--;
    free(ptr);
}
