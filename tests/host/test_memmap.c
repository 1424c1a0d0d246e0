// Host unit tests for kernel/mm/memmap.c (MemMapBuild).
//
// Memory maps are built as raw byte buffers laid out exactly as a Multiboot
// loader leaves them, so the parser sees the same bytes as on real hardware.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <clanker/error.h>
#include <kernel/mm/memmap.h>
#include <kernel/multiboot.h>

#include "testkit.h"

#define KIB 1024ull
#define MIB (1024ull * 1024)
#define GIB (1024ull * 1024 * 1024)
#define FOUR_GIB (4 * GIB)
#define PAGE 4096ull

#define TYPE_RAM      MULTIBOOT_MEMORY_AVAILABLE
#define TYPE_RESERVED 2
#define TYPE_ACPI     3
#define TYPE_NVS      4

#define MAX_ENTRIES 256

// A memory map under construction, plus the entries it holds for checking.
typedef struct MapBuilder {
    uint8_t bytes[MAX_ENTRIES * 32];
    uint32_t length;
    uint32_t count;
    uint64_t base[MAX_ENTRIES];
    uint64_t len[MAX_ENTRIES];
    uint32_t type[MAX_ENTRIES];
} MapBuilder;

static void MapInit(MapBuilder *map)
{
    memset(map, 0, sizeof(*map));
}

// Append an entry with an explicit size field; extra bytes beyond the
// standard 20 are filled with junk.
static void MapAddSized(MapBuilder *map, uint32_t sizeField, uint64_t base,
                        uint64_t length, uint32_t type)
{
    uint8_t *p = map->bytes + map->length;
    uint32_t body = sizeField < 20 ? 20 : sizeField;

    assert_true(map->length + 4 + body <= sizeof(map->bytes));
    assert_true(map->count < MAX_ENTRIES);
    memset(p, 0xEE, 4 + body);
    memcpy(p, &sizeField, 4);
    memcpy(p + 4, &base, 8);
    memcpy(p + 12, &length, 8);
    memcpy(p + 20, &type, 4);
    map->length += 4 + sizeField;
    map->base[map->count] = base;
    map->len[map->count] = length;
    map->type[map->count] = type;
    map->count++;
}

static void MapAdd(MapBuilder *map, uint64_t base, uint64_t length, uint32_t type)
{
    MapAddSized(map, 20, base, length, type);
}

// The memory map QEMU's SeaBIOS reports for -m 16.
static void MapQemu16M(MapBuilder *map)
{
    MapInit(map);
    MapAdd(map, 0x0, 0x9FC00, TYPE_RAM);
    MapAdd(map, 0x9FC00, 0x400, TYPE_RESERVED);
    MapAdd(map, 0xF0000, 0x10000, TYPE_RESERVED);
    MapAdd(map, 0x100000, 0xEE0000, TYPE_RAM);
    MapAdd(map, 0xFE0000, 0x20000, TYPE_RESERVED);
    MapAdd(map, 0xFFFC0000, 0x40000, TYPE_RESERVED);
}

// MemMapBuild over a private copy of the map sized exactly mmapLength, so
// AddressSanitizer catches any read past the end of the map.
static int Build(const MemMapInput *in, RangeSet *usable, MemMapReport *report)
{
    MemMapInput copy = *in;
    uint8_t *bytes = NULL;
    int rc;

    if (in->mmap != NULL && in->mmapLength > 0) {
        bytes = malloc(in->mmapLength);
        assert_non_null(bytes);
        memcpy(bytes, in->mmap, in->mmapLength);
        copy.mmap = bytes;
    }
    rc = MemMapBuild(&copy, usable, report);
    free(bytes);
    return rc;
}

static MemMapInput MmapInput(const MapBuilder *map)
{
    return (MemMapInput){ .hasMmap = 1, .mmap = map->bytes,
                          .mmapLength = map->length };
}


// Is [start, end) wholly covered by the union of the first n RAM entries?
static int CoveredByRam(const MapBuilder *map, uint32_t n, uint64_t start,
                        uint64_t end)
{
    uint64_t at = start;

    while (at < end) {
        uint64_t best = at;
        for (uint32_t i = 0; i < n; i++) {
            uint64_t e = map->base[i] + map->len[i];
            if (map->type[i] == TYPE_RAM && map->base[i] <= at && e > best)
                best = e;
        }
        if (best == at)
            return 0;
        at = best;
    }
    return 1;
}

// The safety contract, checked independently of the implementation: every
// usable range is page-aligned, below 4 GiB, made of RAM from the first n
// entries, and touches no byte that any of those entries marks otherwise.
static void ExpectSafe(const MapBuilder *map, uint32_t n, const RangeSet *usable)
{
    for (uint32_t i = 0; i < usable->count; i++) {
        const Range *r = &usable->ranges[i];
        assert_true(r->start < r->end);
        assert_int_equal(r->start % PAGE, 0);
        assert_int_equal(r->end % PAGE, 0);
        assert_true(r->end <= FOUR_GIB);
        if (i > 0)
            assert_true(usable->ranges[i - 1].end < r->start);
        assert_true(CoveredByRam(map, n, r->start, r->end));
        for (uint32_t k = 0; k < n; k++) {
            uint64_t s = map->base[k], e = map->base[k] + map->len[k];
            if (map->type[k] == TYPE_RAM || map->len[k] == 0)
                continue;
            if (e < s)
                e = UINT64_MAX;
            assert_false(r->start < e && s < r->end);
        }
    }
}

// Shuffle the entries of map into a new map with a fixed seed.
static void MapShuffled(const MapBuilder *from, MapBuilder *to, unsigned seed)
{
    uint32_t order[MAX_ENTRIES];

    for (uint32_t i = 0; i < from->count; i++)
        order[i] = i;
    srand(seed);
    for (uint32_t i = from->count; i > 1; i--) {
        uint32_t j = (uint32_t)rand() % i;
        uint32_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    MapInit(to);
    for (uint32_t i = 0; i < from->count; i++)
        MapAdd(to, from->base[order[i]], from->len[order[i]], from->type[order[i]]);
}

// The QEMU 16 MiB map yields low memory up to the EBDA (rounded down to a
// page) and extended memory up to the reserved top, with a clean report.
static void TestQemu16M(void **state)
{
    MapBuilder map;
    MemMapInput in;
    RangeSet usable;
    MemMapReport report;

    (void)state;
    MapQemu16M(&map);
    in = MmapInput(&map);
    assert_int_equal(Build(&in, &usable, &report), 0);
    ExpectRanges(&usable, 2, 0x0ull, 0x9F000ull, 0x100000ull, 0xFE0000ull);
    assert_int_equal(report.source, MEMMAP_SOURCE_MMAP);
    assert_int_equal(report.entries, 6);
    assert_int_equal(report.malformed, 0);
    assert_int_equal(report.dropped, 0);
    assert_int_equal(report.ignoredAbove4G, 0);
    assert_false(report.unsorted);
    assert_false(report.overlapping);
    assert_int_equal(RangeSetTotal(&usable), 0x9F000 + 0xEE0000);
    ExpectSafe(&map, map.count, &usable);
}

// A map that also lists basic memory still uses the full map.
static void TestMmapPreferredOverBasic(void **state)
{
    MapBuilder map;
    MemMapInput in;
    RangeSet usable;
    MemMapReport report;

    (void)state;
    MapQemu16M(&map);
    in = MmapInput(&map);
    in.hasBasic = 1;
    in.memLower = 640;
    in.memUpper = 63 * 1024;        // disagrees: 64 MiB
    assert_int_equal(Build(&in, &usable, &report), 0);
    assert_int_equal(report.source, MEMMAP_SOURCE_MMAP);
    ExpectRanges(&usable, 2, 0x0ull, 0x9F000ull, 0x100000ull, 0xFE0000ull);
}

// The same entries in any order give the same result; unsorted is reported.
static void TestUnsorted(void **state)
{
    MapBuilder sorted, map;
    MemMapInput in;
    RangeSet usable;
    MemMapReport report;

    (void)state;
    MapQemu16M(&sorted);
    for (unsigned seed = 1; seed <= 20; seed++) {
        MapShuffled(&sorted, &map, seed);
        in = MmapInput(&map);
        assert_int_equal(Build(&in, &usable, &report), 0);
        ExpectRanges(&usable, 2, 0x0ull, 0x9F000ull, 0x100000ull, 0xFE0000ull);
        assert_int_equal(report.entries, 6);
        assert_false(report.overlapping);
        int descending = 0;
        for (uint32_t i = 1; i < map.count; i++)
            descending |= map.base[i] < map.base[i - 1];
        assert_int_equal(report.unsorted, descending);
    }
    // Fully reversed is certainly unsorted.
    MapInit(&map);
    for (uint32_t i = sorted.count; i-- > 0;)
        MapAdd(&map, sorted.base[i], sorted.len[i], sorted.type[i]);
    in = MmapInput(&map);
    assert_int_equal(Build(&in, &usable, &report), 0);
    assert_true(report.unsorted);
    ExpectRanges(&usable, 2, 0x0ull, 0x9F000ull, 0x100000ull, 0xFE0000ull);
}

// Where available and reserved overlap, reserved wins whatever the order,
// and the overlap is reported.
static void TestOverlapReservedWins(void **state)
{
    MapBuilder map;
    MemMapInput in;
    RangeSet usable;
    MemMapReport report;

    (void)state;
    // Reserved listed first, RAM afterwards.
    MapInit(&map);
    MapAdd(&map, 0x500000, 0x100000, TYPE_RESERVED);
    MapAdd(&map, 0xE0000, 0x30000, TYPE_ACPI);        // straddles 1 MiB
    MapAdd(&map, 0x0, 16 * MIB, TYPE_RAM);
    MapAdd(&map, 0xC00000, 0x1, TYPE_NVS);            // one byte
    in = MmapInput(&map);
    assert_int_equal(Build(&in, &usable, &report), 0);
    ExpectRanges(&usable, 4, 0x0ull, 0xE0000ull, 0x110000ull, 0x500000ull,
                 0x600000ull, 0xC00000ull, 0xC01000ull, 0x1000000ull);
    assert_true(report.overlapping);
    assert_true(report.unsorted);
    ExpectSafe(&map, map.count, &usable);
}

// Overlapping RAM entries merge without double counting.
static void TestOverlappingRam(void **state)
{
    MapBuilder map;
    MemMapInput in;
    RangeSet usable;
    MemMapReport report;

    (void)state;
    MapInit(&map);
    MapAdd(&map, 0x100000, 0x400000, TYPE_RAM);
    MapAdd(&map, 0x300000, 0x400000, TYPE_RAM);
    MapAdd(&map, 0x700000, 0x100000, TYPE_RAM);       // touches, no overlap
    in = MmapInput(&map);
    assert_int_equal(Build(&in, &usable, &report), 0);
    ExpectRanges(&usable, 1, 0x100000ull, 0x800000ull);
    assert_true(report.overlapping);
    assert_false(report.unsorted);
}

// Touching but disjoint entries are not reported as overlapping.
static void TestTouchingIsNotOverlap(void **state)
{
    MapBuilder map;
    MemMapInput in;
    RangeSet usable;
    MemMapReport report;

    (void)state;
    MapInit(&map);
    MapAdd(&map, 0x100000, 0x100000, TYPE_RAM);
    MapAdd(&map, 0x200000, 0x100000, TYPE_RAM);
    MapAdd(&map, 0x300000, 0x1000, TYPE_RESERVED);
    in = MmapInput(&map);
    assert_int_equal(Build(&in, &usable, &report), 0);
    ExpectRanges(&usable, 1, 0x100000ull, 0x300000ull);
    assert_false(report.overlapping);
}

// RAM above 4 GiB is dropped and counted exactly, including the part of an
// entry that straddles 4 GiB; reserved memory up there is not counted.
static void TestAbove4G(void **state)
{
    MapBuilder map;
    MemMapInput in;
    RangeSet usable;
    MemMapReport report;

    (void)state;
    MapInit(&map);
    MapAdd(&map, 0x0, 0x9FC00, TYPE_RAM);
    MapAdd(&map, 0x100000, 0xBFF00000, TYPE_RAM);             // up to 3 GiB
    MapAdd(&map, 0xC0000000, 0x40000000, TYPE_RESERVED);      // PCI hole
    MapAdd(&map, FOUR_GIB, 0x140000000ull, TYPE_RAM);         // 5 GiB above
    MapAdd(&map, 0x800000000ull, 0x1000, TYPE_RESERVED);      // not RAM
    in = MmapInput(&map);
    assert_int_equal(Build(&in, &usable, &report), 0);
    ExpectRanges(&usable, 2, 0x0ull, 0x9F000ull, 0x100000ull, 0xC0000000ull);
    assert_int_equal(report.ignoredAbove4G, 0x140000000ull);
    assert_int_equal(report.entries, 5);

    // One entry from 3 GiB to 6 GiB: 1 GiB kept, 2 GiB ignored.
    MapInit(&map);
    MapAdd(&map, 3 * GIB, 3 * GIB, TYPE_RAM);
    MapAdd(&map, 7 * GIB, 0x12345000ull, TYPE_RAM);
    in = MmapInput(&map);
    assert_int_equal(Build(&in, &usable, &report), 0);
    ExpectRanges(&usable, 1, 3 * GIB, FOUR_GIB);
    assert_int_equal(report.ignoredAbove4G, 2 * GIB + 0x12345000ull);

    // Ending exactly at 4 GiB ignores nothing.
    MapInit(&map);
    MapAdd(&map, 3 * GIB, 1 * GIB, TYPE_RAM);
    in = MmapInput(&map);
    assert_int_equal(Build(&in, &usable, &report), 0);
    ExpectRanges(&usable, 1, 3 * GIB, FOUR_GIB);
    assert_int_equal(report.ignoredAbove4G, 0);
}

// Only RAM above 4 GiB is no usable RAM at all.
static void TestOnlyAbove4G(void **state)
{
    MapBuilder map;
    MemMapInput in;
    RangeSet usable;
    MemMapReport report;

    (void)state;
    MapInit(&map);
    MapAdd(&map, FOUR_GIB, GIB, TYPE_RAM);
    in = MmapInput(&map);
    assert_int_equal(Build(&in, &usable, &report), E_NOENT);
    assert_int_equal(usable.count, 0);
    assert_int_equal(report.source, MEMMAP_SOURCE_NONE);
    assert_int_equal(report.ignoredAbove4G, GIB);
}

// An entry whose length runs past 2^64 is clipped, not wrapped to a small
// end; a reserved one likewise removes everything above its base.
static void TestLengthWraps(void **state)
{
    MapBuilder map;
    MemMapInput in;
    RangeSet usable;
    MemMapReport report;

    (void)state;
    MapInit(&map);
    MapAdd(&map, 0x100000, UINT64_MAX, TYPE_RAM);
    MapAdd(&map, 0x800000, UINT64_MAX - 0x1000, TYPE_RESERVED);
    in = MmapInput(&map);
    assert_int_equal(Build(&in, &usable, &report), 0);
    ExpectRanges(&usable, 1, 0x100000ull, 0x800000ull);
    assert_true(report.ignoredAbove4G > 0);
}

// An entry with a size field below 20 is malformed and ends the walk:
// nothing after it is used.
static void TestSizeFieldTooSmall(void **state)
{
    MapBuilder map;
    MemMapInput in;
    RangeSet usable;
    MemMapReport report;

    (void)state;
    MapInit(&map);
    MapAdd(&map, 0x0, 0x9FC00, TYPE_RAM);
    MapAddSized(&map, 16, 0x100000, 0xF00000, TYPE_RAM);
    MapAdd(&map, 0x2000000, 0x100000, TYPE_RAM);
    in = MmapInput(&map);
    assert_int_equal(Build(&in, &usable, &report), 0);
    ExpectRanges(&usable, 1, 0x0ull, 0x9F000ull);
    assert_int_equal(report.entries, 1);
    assert_int_equal(report.malformed, 1);

    // A zero size field (a loop hazard) is malformed too.
    MapInit(&map);
    MapAdd(&map, 0x100000, 0x100000, TYPE_RAM);
    MapAddSized(&map, 0, 0x200000, 0x100000, TYPE_RAM);
    in = MmapInput(&map);
    in.mmapLength = map.length + 20;     // the junk behind it is in bounds
    assert_int_equal(Build(&in, &usable, &report), 0);
    ExpectRanges(&usable, 1, 0x100000ull, 0x200000ull);
    assert_int_equal(report.entries, 1);
    assert_int_equal(report.malformed, 1);
}

// A size field above 20 (extended entries) is honoured when stepping.
static void TestLargerSizeField(void **state)
{
    MapBuilder map;
    MemMapInput in;
    RangeSet usable;
    MemMapReport report;

    (void)state;
    MapInit(&map);
    MapAddSized(&map, 24, 0x0, 0x9FC00, TYPE_RAM);
    MapAddSized(&map, 28, 0x100000, 0x700000, TYPE_RAM);
    MapAddSized(&map, 20, 0x400000, 0x1000, TYPE_RESERVED);
    in = MmapInput(&map);
    assert_int_equal(Build(&in, &usable, &report), 0);
    ExpectRanges(&usable, 3, 0x0ull, 0x9F000ull, 0x100000ull, 0x400000ull,
                 0x401000ull, 0x800000ull);
    assert_int_equal(report.entries, 3);
    assert_int_equal(report.malformed, 0);
}

// A last entry cut short by mmapLength is malformed and ignored, at every
// possible cut point; a size field pointing past the end likewise.
static void TestTruncatedLastEntry(void **state)
{
    MapBuilder map;
    MemMapInput in;
    RangeSet usable;
    MemMapReport report;

    (void)state;
    MapInit(&map);
    MapAdd(&map, 0x100000, 0x100000, TYPE_RAM);
    MapAdd(&map, 0x200000, 0x100000, TYPE_RAM);
    MapAdd(&map, 0x180000, 0x1000, TYPE_RESERVED);     // the one cut short
    for (uint32_t cut = 1; cut < 24; cut++) {
        in = MmapInput(&map);
        in.mmapLength = map.length - cut;
        assert_int_equal(Build(&in, &usable, &report), 0);
        ExpectRanges(&usable, 1, 0x100000ull, 0x300000ull);
        assert_int_equal(report.entries, 2);
        assert_int_equal(report.malformed, 1);
    }

    MapInit(&map);
    MapAdd(&map, 0x100000, 0x100000, TYPE_RAM);
    MapAddSized(&map, 4000, 0x200000, 0x100000, TYPE_RAM);
    in = MmapInput(&map);
    in.mmapLength = 24 + 24;
    assert_int_equal(Build(&in, &usable, &report), 0);
    ExpectRanges(&usable, 1, 0x100000ull, 0x200000ull);
    assert_int_equal(report.entries, 1);
    assert_int_equal(report.malformed, 1);
}

// A zero-length map falls back to basic memory, or finds nothing.
static void TestZeroLengthMap(void **state)
{
    MapBuilder map;
    MemMapInput in;
    RangeSet usable;
    MemMapReport report;

    (void)state;
    MapQemu16M(&map);
    in = MmapInput(&map);
    in.mmapLength = 0;
    assert_int_equal(Build(&in, &usable, &report), E_NOENT);
    assert_int_equal(report.source, MEMMAP_SOURCE_NONE);
    assert_int_equal(usable.count, 0);
    assert_int_equal(report.entries, 0);

    in.hasBasic = 1;
    in.memLower = 639;
    in.memUpper = 15 * 1024;
    assert_int_equal(Build(&in, &usable, &report), 0);
    assert_int_equal(report.source, MEMMAP_SOURCE_BASIC);
    ExpectRanges(&usable, 2, 0x0ull, 0x9F000ull, 0x100000ull, 0x1000000ull);
}

// Without a map, memLower/memUpper describe low and extended memory.
static void TestBasicOnly(void **state)
{
    MemMapInput in = { .hasBasic = 1, .memLower = 639, .memUpper = 130048 };
    RangeSet usable;
    MemMapReport report;

    (void)state;
    assert_int_equal(Build(&in, &usable, &report), 0);
    assert_int_equal(report.source, MEMMAP_SOURCE_BASIC);
    ExpectRanges(&usable, 2, 0x0ull, 0x9F000ull, 0x100000ull, 128 * MIB);
    assert_int_equal(report.entries, 0);

    // memLower of 0 leaves only extended memory; odd KiB counts round down.
    in = (MemMapInput){ .hasBasic = 1, .memLower = 0, .memUpper = 1023 };
    assert_int_equal(Build(&in, &usable, &report), 0);
    ExpectRanges(&usable, 1, 0x100000ull, 0x1FF000ull);
}

// hasMmap with a NULL pointer is treated as no map.
static void TestMmapFlagWithoutPointer(void **state)
{
    MemMapInput in = { .hasMmap = 1, .mmap = NULL, .mmapLength = 48,
                       .hasBasic = 1, .memLower = 640, .memUpper = 1024 };
    RangeSet usable;
    MemMapReport report;

    (void)state;
    assert_int_equal(Build(&in, &usable, &report), 0);
    assert_int_equal(report.source, MEMMAP_SOURCE_BASIC);
    ExpectRanges(&usable, 2, 0x0ull, 0xA0000ull, 0x100000ull, 0x200000ull);
}

// With no description at all the result is E_NOENT and an empty set, even
// if the caller's set held stale ranges.
static void TestNothing(void **state)
{
    MemMapInput in = { 0 };
    RangeSet usable;
    MemMapReport report;

    (void)state;
    RangeSetInit(&usable);
    assert_int_equal(RangeSetAdd(&usable, 0, 0x100000), 0);
    memset(&report, 0xFF, sizeof(report));
    assert_int_equal(Build(&in, &usable, &report), E_NOENT);
    assert_int_equal(usable.count, 0);
    assert_int_equal(report.source, MEMMAP_SOURCE_NONE);
    assert_int_equal(report.entries, 0);
    assert_int_equal(report.malformed, 0);
    assert_int_equal(report.dropped, 0);
    assert_int_equal(report.ignoredAbove4G, 0);

    // Flags set but zero basic memory is still nothing.
    in = (MemMapInput){ .hasBasic = 1 };
    assert_int_equal(Build(&in, &usable, &report), E_NOENT);
    assert_int_equal(report.source, MEMMAP_SOURCE_NONE);
}

// Unaligned RAM is trimmed to whole pages, and a page holding even one
// reserved byte is never usable.
static void TestUnalignedTrimmed(void **state)
{
    MapBuilder map;
    MemMapInput in;
    RangeSet usable;
    MemMapReport report;

    (void)state;
    MapInit(&map);
    MapAdd(&map, 0x1234, 0x5678 - 0x1234, TYPE_RAM);        // [0x2000,0x5000)
    MapAdd(&map, 0x7010, 0xFE0, TYPE_RAM);                   // no whole page
    MapAdd(&map, 0x100000, 0x100000, TYPE_RAM);
    MapAdd(&map, 0x180010, 0x10, TYPE_RESERVED);             // kills 1 page
    MapAdd(&map, 0x1FFFFF, 0x1, TYPE_RESERVED);              // last byte
    in = MmapInput(&map);
    assert_int_equal(Build(&in, &usable, &report), 0);
    ExpectRanges(&usable, 3, 0x2000ull, 0x5000ull, 0x100000ull, 0x180000ull,
                 0x181000ull, 0x1FF000ull);
    ExpectSafe(&map, map.count, &usable);
}

// Reserved entries still win when the map has no usable RAM of its own and
// basic memory is used instead.
static void TestBasicFallbackKeepsReserved(void **state)
{
    MapBuilder map;
    MemMapInput in;
    RangeSet usable;
    MemMapReport report;

    (void)state;
    MapInit(&map);
    MapAdd(&map, 0x100000, 0x100000, TYPE_RAM);
    MapAdd(&map, 0x100000, 0x100000, TYPE_RESERVED);         // cancels it
    MapAdd(&map, 0x9F000, 0x1000, TYPE_RESERVED);
    MapAdd(&map, 0x400000, 0x10, TYPE_ACPI);
    in = MmapInput(&map);
    in.hasBasic = 1;
    in.memLower = 640;
    in.memUpper = 15 * 1024;
    assert_int_equal(Build(&in, &usable, &report), 0);
    assert_int_equal(report.source, MEMMAP_SOURCE_BASIC);
    ExpectRanges(&usable, 3, 0x0ull, 0x9F000ull, 0x200000ull, 0x400000ull,
                 0x401000ull, 0x1000000ull);
    for (uint32_t k = 1; k < map.count; k++)
        assert_false(RangeSetIntersects(&usable, map.base[k],
                                        map.base[k] + map.len[k]));
}

// More disjoint RAM entries than a RangeSet holds: the excess is dropped
// and counted, and what is kept is still correct.
static void TestTooManyRamEntries(void **state)
{
    MapBuilder map;
    MemMapInput in;
    RangeSet usable;
    MemMapReport report;

    (void)state;
    MapInit(&map);
    for (uint32_t i = 0; i < 100; i++)
        MapAdd(&map, 0x100000 + i * 0x20000ull, 0x10000, TYPE_RAM);
    // Reserved pieces inside some of the kept and some of the dropped ones.
    for (uint32_t i = 0; i < 100; i += 7)
        MapAdd(&map, 0x100000 + i * 0x20000ull + 0x8000, 0x800, TYPE_RESERVED);
    in = MmapInput(&map);
    assert_int_equal(Build(&in, &usable, &report), 0);
    assert_int_equal(report.entries, map.count);
    // At least the 36 RAM entries that did not fit; a hole that cannot be
    // split in a full set costs its whole range as well.
    assert_true(report.dropped >= 100 - RANGESET_CAPACITY);
    assert_true(usable.count > RANGESET_CAPACITY / 2 &&
                usable.count <= RANGESET_CAPACITY);
    assert_true(RangeSetTotal(&usable) <= RANGESET_CAPACITY * 0x10000ull);
    assert_true(RangeSetTotal(&usable) >= RANGESET_CAPACITY / 2 * 0x10000ull);
    ExpectSafe(&map, map.count, &usable);
}

// Many reserved holes punched into one big RAM range, in several orders:
// once the set cannot split any more, RAM is lost rather than a reserved
// byte ever becoming usable.
static void TestTooManyReservedHoles(void **state)
{
    MapBuilder base, map;
    MemMapInput in;
    RangeSet usable;
    MemMapReport report;

    (void)state;
    MapInit(&base);
    MapAdd(&base, 0x100000, GIB - 0x100000, TYPE_RAM);
    for (uint32_t i = 0; i < 150; i++)
        MapAdd(&base, 0x200000 + i * 0x600000ull + (i % 5) * 0x123,
               0x1000 + (i % 3) * 0x10000, TYPE_RESERVED);

    // Ascending holes.
    in = MmapInput(&base);
    assert_int_equal(Build(&in, &usable, &report), 0);
    assert_int_equal(report.entries, 151);
    assert_true(report.dropped > 0);
    assert_true(RangeSetTotal(&usable) >= 0x100000);
    ExpectSafe(&base, base.count, &usable);

    // Descending holes, RAM listed last.
    MapInit(&map);
    for (uint32_t i = base.count; i-- > 0;)
        MapAdd(&map, base.base[i], base.len[i], base.type[i]);
    in = MmapInput(&map);
    Build(&in, &usable, &report);
    assert_true(report.dropped > 0);
    ExpectSafe(&map, map.count, &usable);

    // Random orders.
    for (unsigned seed = 100; seed < 110; seed++) {
        MapShuffled(&base, &map, seed);
        in = MmapInput(&map);
        Build(&in, &usable, &report);
        assert_true(report.dropped > 0);
        ExpectSafe(&map, map.count, &usable);
    }
}

// Many small RAM entries interleaved with reserved ones that overlap them,
// far beyond capacity and in random order, never expose a reserved byte.
static void TestManyEntriesRandomSafety(void **state)
{
    MapBuilder map;
    MemMapInput in;
    RangeSet usable;
    MemMapReport report;

    (void)state;
    for (unsigned seed = 1; seed <= 30; seed++) {
        srand(seed * 7919);
        MapInit(&map);
        uint32_t n = 65 + (uint32_t)rand() % 180;
        for (uint32_t i = 0; i < n; i++) {
            uint64_t base = (uint64_t)(rand() % 4096) * 0x10000 + (uint64_t)(rand() % 0x3000);
            uint64_t len = 1 + (uint64_t)(rand() % 0x40000);
            uint32_t type = rand() % 3 == 0 ? TYPE_RESERVED : TYPE_RAM;
            MapAdd(&map, base, len, type);
        }
        in = MmapInput(&map);
        int rc = Build(&in, &usable, &report);
        assert_true(rc == 0 || rc == E_NOENT);
        assert_int_equal(report.entries, n);
        ExpectSafe(&map, map.count, &usable);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestQemu16M),
        cmocka_unit_test(TestMmapPreferredOverBasic),
        cmocka_unit_test(TestUnsorted),
        cmocka_unit_test(TestOverlapReservedWins),
        cmocka_unit_test(TestOverlappingRam),
        cmocka_unit_test(TestTouchingIsNotOverlap),
        cmocka_unit_test(TestAbove4G),
        cmocka_unit_test(TestOnlyAbove4G),
        cmocka_unit_test(TestLengthWraps),
        cmocka_unit_test(TestSizeFieldTooSmall),
        cmocka_unit_test(TestLargerSizeField),
        cmocka_unit_test(TestTruncatedLastEntry),
        cmocka_unit_test(TestZeroLengthMap),
        cmocka_unit_test(TestBasicOnly),
        cmocka_unit_test(TestMmapFlagWithoutPointer),
        cmocka_unit_test(TestNothing),
        cmocka_unit_test(TestUnalignedTrimmed),
        cmocka_unit_test(TestBasicFallbackKeepsReserved),
        cmocka_unit_test(TestTooManyRamEntries),
        cmocka_unit_test(TestTooManyReservedHoles),
        cmocka_unit_test(TestManyEntriesRandomSafety),
    };

    return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
