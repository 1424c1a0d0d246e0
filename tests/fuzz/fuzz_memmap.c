// libFuzzer target for MemMapBuild (kernel/mm/memmap.c over kernel/mm/rangeset.c).
//
// Input layout:
//   byte 0      flags: bit 0 hasMmap, bit 1 hasBasic, bit 2 pass a NULL map
//   bytes 1-4   memLower (KiB, little endian)
//   bytes 5-8   memUpper (KiB, little endian)
//   bytes 9-    the raw Multiboot memory map, passed with its exact length
//               in a malloc'd buffer of exactly that size (ASan sees any
//               over-read)
//
// Invariants checked after every call (abort() on violation):
//   - the return value is 0 with usable->count > 0, or E_NOENT with
//     usable->count == 0
//   - every usable range is page-aligned, start < end, end <= 4 GiB, and the
//     ranges are sorted, disjoint and not adjacent
//   - reserved wins: no usable byte lies inside any entry of type != 1 in
//     the well-formed prefix of the map (walked here with the same rules:
//     an entry with size < 20 or running past the buffer ends the walk)
//   - usable implies RAM: every usable byte lies in a type-1 entry of that
//     prefix (map source) or in memLower/memUpper (basic source)
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clanker/error.h>
#include <kernel/mm/memmap.h>
#include <kernel/multiboot.h>

#define HEADER_BYTES 9
#define FOUR_GIB     0x100000000ull
#define PAGE_BYTES   4096ull

typedef struct Span {
    uint64_t start;
    uint64_t end;       // exclusive; UINT64_MAX when base + length wraps
} Span;

static void Fail(const char *what)
{
    fprintf(stderr, "fuzz_memmap: invariant violated: %s\n", what);
    abort();
}

static uint32_t ReadLe32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t ReadLe64(const uint8_t *p)
{
    return (uint64_t)ReadLe32(p) | (uint64_t)ReadLe32(p + 4) << 32;
}

// Walk the well-formed prefix of the map: entries of type 1 go to ram,
// all others to reserved. Both arrays hold at least length / 24 entries.
static void WalkMap(const uint8_t *map, uint32_t length, Span *ram,
                    size_t *ramCount, Span *reserved, size_t *reservedCount)
{
    uint32_t offset = 0;

    *ramCount = 0;
    *reservedCount = 0;
    while (offset < length) {
        uint32_t left = length - offset;
        const uint8_t *e = map + offset;
        uint32_t size;
        uint64_t base, len, end;

        if (left < 24)
            return;
        size = ReadLe32(e);
        if (size < 20 || (uint64_t)size + 4 > left)
            return;
        base = ReadLe64(e + 4);
        len = ReadLe64(e + 12);
        end = base + len < base ? UINT64_MAX : base + len;
        if (ReadLe32(e + 20) == MULTIBOOT_MEMORY_AVAILABLE)
            ram[(*ramCount)++] = (Span){ base, end };
        else
            reserved[(*reservedCount)++] = (Span){ base, end };
        offset += size + 4;
    }
}

static int CompareSpans(const void *a, const void *b)
{
    const Span *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

// Is [start, end) wholly covered by the union of spans? Sorts spans.
static int Covered(Span *spans, size_t count, uint64_t start, uint64_t end)
{
    uint64_t reach = start;     // [start, reach) is covered so far

    qsort(spans, count, sizeof(*spans), CompareSpans);
    for (size_t i = 0; i < count && reach < end; i++) {
        if (spans[i].start > reach)
            break;
        if (spans[i].end > reach)
            reach = spans[i].end;
    }
    return reach >= end;
}

static void CheckShape(const RangeSet *usable)
{
    if (usable->count > RANGESET_CAPACITY)
        Fail("count above capacity");
    for (uint32_t i = 0; i < usable->count; i++) {
        const Range *r = &usable->ranges[i];

        if (r->start >= r->end)
            Fail("empty or inverted range");
        if (r->start % PAGE_BYTES || r->end % PAGE_BYTES)
            Fail("range not page-aligned");
        if (r->end > FOUR_GIB)
            Fail("range above 4 GiB");
        if (i > 0 && usable->ranges[i - 1].end >= r->start)
            Fail("ranges unsorted, overlapping or adjacent");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    MemMapInput in;
    MemMapReport report;
    RangeSet usable;
    uint8_t *map = NULL;
    uint32_t mapLength;
    Span *ram, *reserved;
    size_t ramCount, reservedCount, maxEntries;
    int result;

    if (size < HEADER_BYTES || size - HEADER_BYTES > UINT32_MAX)
        return 0;
    mapLength = (uint32_t)(size - HEADER_BYTES);
    if (mapLength > 0) {
        map = malloc(mapLength);
        if (map == NULL)
            return 0;
        memcpy(map, data + HEADER_BYTES, mapLength);
    }
    in = (MemMapInput){
        .hasMmap = data[0] & 1,
        .mmap = (data[0] & 4) ? NULL : map,
        .mmapLength = mapLength,
        .hasBasic = (data[0] >> 1) & 1,
        .memLower = ReadLe32(data + 1),
        .memUpper = ReadLe32(data + 5),
    };

    result = MemMapBuild(&in, &usable, &report);

    if (result == 0 && usable.count == 0)
        Fail("returned 0 with no usable ranges");
    if (result == E_NOENT && usable.count != 0)
        Fail("returned E_NOENT with usable ranges");
    if (result != 0 && result != E_NOENT)
        Fail("unexpected return value");
    CheckShape(&usable);

    // The entries the kernel must honour: only those MemMapBuild looked at.
    maxEntries = mapLength / 24 + 2;
    ram = calloc(maxEntries, sizeof(*ram));
    reserved = calloc(maxEntries, sizeof(*reserved));
    if (ram == NULL || reserved == NULL)
        abort();
    ramCount = reservedCount = 0;
    if (in.hasMmap && in.mmap != NULL)
        WalkMap(map, mapLength, ram, &ramCount, reserved, &reservedCount);

    // Reserved wins, whatever the source.
    for (size_t k = 0; k < reservedCount; k++) {
        if (reserved[k].start >= reserved[k].end)
            continue;       // a zero-length entry reserves nothing
        for (uint32_t i = 0; i < usable.count; i++) {
            if (usable.ranges[i].start < reserved[k].end &&
                reserved[k].start < usable.ranges[i].end)
                Fail("usable range overlaps a reserved entry");
        }
    }

    // Usable implies RAM, from whichever description was used.
    if (usable.count > 0 && report.source == MEMMAP_SOURCE_BASIC) {
        ramCount = 0;
        ram[ramCount++] = (Span){ 0, (uint64_t)in.memLower * 1024 };
        ram[ramCount++] = (Span){ 0x100000,
                                  0x100000 + (uint64_t)in.memUpper * 1024 };
    } else if (usable.count > 0 && report.source != MEMMAP_SOURCE_MMAP) {
        Fail("usable ranges without a map or basic source");
    }
    for (uint32_t i = 0; i < usable.count; i++) {
        if (!Covered(ram, ramCount, usable.ranges[i].start,
                     usable.ranges[i].end))
            Fail("usable range not backed by RAM");
    }

    free(ram);
    free(reserved);
    free(map);
    return 0;
}
