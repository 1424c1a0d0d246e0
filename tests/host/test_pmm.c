// Host unit tests for kernel/mm/pmm.c (physical page allocator core).
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <clanker/error.h>
#include <kernel/mm/pmm.h>
#include <kernel/mm/rangeset.h>

#define PAGE PMM_PAGE_SIZE

// A PMM together with the RAM set and storage it was built from.
typedef struct Fixture {
    RangeSet ram;
    Pmm pmm;
    void *storage;
    size_t storageBytes;
} Fixture;

// A PC-like 16 MiB machine: low memory without page 0 and the EBDA, a hole
// for the VGA/BIOS area, and extended memory from 1 MiB with a small gap.
static void PcRam(RangeSet *ram)
{
    RangeSetInit(ram);
    assert_int_equal(RangeSetAdd(ram, 0x1000, 0x9F000), 0);
    assert_int_equal(RangeSetAdd(ram, 0x100000, 0x600000), 0);
    assert_int_equal(RangeSetAdd(ram, 0x610000, 0x1000000), 0);
}

// Build a PMM over ram with storage of exactly PmmStorageBytes from malloc.
static Fixture *MakeFixture(const RangeSet *ram, uint32_t lowLimitPfn)
{
    Fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    f->ram = *ram;
    f->storageBytes = PmmStorageBytes(ram);
    f->storage = malloc(f->storageBytes ? f->storageBytes : 4);
    assert_non_null(f->storage);
    assert_int_equal(PmmInit(&f->pmm, &f->ram, lowLimitPfn, f->storage,
                             f->storageBytes), 0);
    return f;
}

static void FreeFixture(Fixture *f)
{
    free(f->storage);
    free(f);
}

static uint32_t RamPages(const RangeSet *ram)
{
    return (uint32_t)(RangeSetTotal(ram) / PAGE);
}

static int PfnIsInRam(const RangeSet *ram, uint32_t pfn)
{
    return RangeSetIntersects(ram, (uint64_t)pfn * PAGE, (uint64_t)pfn * PAGE + PAGE);
}

// Snapshot of everything a failed call must leave alone.
typedef struct Snapshot {
    Pmm pmm;
    uint8_t *storage;
} Snapshot;

static Snapshot Take(const Fixture *f)
{
    Snapshot s = { f->pmm, malloc(f->storageBytes + 1) };

    assert_non_null(s.storage);
    memcpy(s.storage, f->storage, f->storageBytes);
    return s;
}

static void ExpectUnchanged(const Fixture *f, Snapshot *s)
{
    assert_memory_equal(&f->pmm, &s->pmm, sizeof(Pmm));
    assert_memory_equal(f->storage, s->storage, f->storageBytes);
    free(s->storage);
    s->storage = NULL;
}

// Storage size is two bitmaps up to the highest page plus one stack slot per
// page, and init manages exactly the pages of the RAM set, all free.
static void TestInitCounts(void **state)
{
    RangeSet ram;
    Fixture *f;
    uint32_t pages;

    (void)state;
    PcRam(&ram);
    pages = RamPages(&ram);
    assert_int_equal(pages, 0x9E + 0x500 + 0x9F0);
    assert_int_equal(PmmStorageBytes(&ram), 2 * (0x1000 / 32) * 4 + pages * 4 + 0x1000);
    f = MakeFixture(&ram, 0x400);
    assert_int_equal(f->pmm.totalPages, pages);
    assert_int_equal(f->pmm.freePages, pages);
    assert_int_equal(f->pmm.pageLimit, 0x1000);
    assert_int_equal(f->pmm.lowLimit, 0x400);
    assert_int_equal(f->pmm.zones[PMM_ZONE_LOW].count, 0x9E + 0x300);
    assert_int_equal(f->pmm.zones[PMM_ZONE_HIGH].count, 0x200 + 0x9F0);
    for (uint32_t pfn = 0; pfn < 0x1100; pfn++) {
        assert_int_equal(PmmIsRam(&f->pmm, pfn), PfnIsInRam(&ram, pfn));
        assert_int_equal(PmmIsFree(&f->pmm, pfn), PfnIsInRam(&ram, pfn));
    }
    assert_false(PmmIsRam(&f->pmm, UINT32_MAX));
    assert_false(PmmIsFree(&f->pmm, UINT32_MAX));
    FreeFixture(f);
}

// PmmAllocateBelow hands out only free low pages under the limit, each
// once, until none is left; then E_NOMEM, with the rest untouched.
static void TestAllocateBelow(void **state)
{
    RangeSet ram;
    Fixture *f;
    uint32_t pfn, below = 0, taken = 0;

    (void)state;
    PcRam(&ram);
    f = MakeFixture(&ram, 0x400);
    for (uint32_t p = 0; p < 0x200; p++)
        below += PfnIsInRam(&ram, p);
    while (PmmAllocateBelow(&f->pmm, 0x200, &pfn) == 0) {
        assert_true(pfn < 0x200);
        assert_true(PfnIsInRam(&ram, pfn));
        assert_false(PmmIsFree(&f->pmm, pfn));
        taken++;
    }
    assert_int_equal(taken, below);
    assert_int_equal(f->pmm.freePages, f->pmm.totalPages - below);
    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_LOW, &pfn), 0);
    assert_true(pfn >= 0x200 && pfn < 0x400);
    assert_int_equal(PmmFree(&f->pmm, 0x100), 0);
    assert_int_equal(PmmAllocateBelow(&f->pmm, 0x200, &pfn), 0);
    assert_int_equal(pfn, 0x100);
    FreeFixture(f);
}

// Allocating every page hands out each RAM page exactly once, keeps the
// counts right, and then reports E_NOMEM.
static void TestAllocateEverything(void **state)
{
    RangeSet ram;
    Fixture *f;
    uint8_t *seen;
    uint32_t pages, pfn;

    (void)state;
    PcRam(&ram);
    pages = RamPages(&ram);
    f = MakeFixture(&ram, 0x400);
    seen = calloc(f->pmm.pageLimit, 1);
    assert_non_null(seen);
    for (uint32_t i = 0; i < pages; i++) {
        PmmZone zone = i % 2 ? PMM_ZONE_HIGH : PMM_ZONE_LOW;
        if (f->pmm.zones[PMM_ZONE_LOW].count == 0)
            zone = PMM_ZONE_HIGH;
        assert_int_equal(PmmAllocate(&f->pmm, zone, &pfn), 0);
        assert_true(pfn < f->pmm.pageLimit);
        assert_true(PfnIsInRam(&ram, pfn));
        assert_int_equal(seen[pfn], 0);
        seen[pfn] = 1;
        assert_false(PmmIsFree(&f->pmm, pfn));
        assert_true(PmmIsRam(&f->pmm, pfn));
        assert_int_equal(f->pmm.freePages, pages - i - 1);
        assert_int_equal(f->pmm.totalPages, pages);
    }
    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_HIGH, &pfn), E_NOMEM);
    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_LOW, &pfn), E_NOMEM);
    assert_int_equal(f->pmm.freePages, 0);
    for (uint32_t p = 0; p < f->pmm.pageLimit; p++)
        assert_int_equal(seen[p], PfnIsInRam(&ram, p));
    free(seen);
    FreeFixture(f);
}

// Freeing every page restores the baseline exactly, and the pages can be
// allocated all over again.
static void TestFreeEverything(void **state)
{
    RangeSet ram;
    Fixture *f;
    uint32_t pages, *taken, pfn;

    (void)state;
    PcRam(&ram);
    pages = RamPages(&ram);
    f = MakeFixture(&ram, 0x400);
    taken = malloc(pages * sizeof(*taken));
    assert_non_null(taken);
    for (int round = 0; round < 3; round++) {
        for (uint32_t i = 0; i < pages; i++)
            assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_HIGH, &taken[i]), 0);
        assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_HIGH, &pfn), E_NOMEM);
        // Free in a scrambled order (stride coprime with the count).
        for (uint32_t i = 0; i < pages; i++) {
            uint32_t k = (uint32_t)(((uint64_t)i * 7919) % pages);
            assert_int_equal(PmmFree(&f->pmm, taken[k]), 0);
            assert_true(PmmIsFree(&f->pmm, taken[k]));
            assert_int_equal(f->pmm.freePages, i + 1);
        }
        assert_int_equal(f->pmm.freePages, pages);
        assert_int_equal(f->pmm.zones[PMM_ZONE_LOW].count, 0x9E + 0x300);
        assert_int_equal(f->pmm.zones[PMM_ZONE_HIGH].count, 0x200 + 0x9F0);
        for (uint32_t p = 0; p < f->pmm.pageLimit; p++)
            assert_int_equal(PmmIsFree(&f->pmm, p), PfnIsInRam(&ram, p));
    }
    free(taken);
    FreeFixture(f);
}

// A double free returns E_EXIST and changes nothing, whether the page was
// never allocated or was allocated and already freed.
static void TestDoubleFree(void **state)
{
    RangeSet ram;
    Fixture *f;
    Snapshot snap;
    uint32_t pfn, other;

    (void)state;
    PcRam(&ram);
    f = MakeFixture(&ram, 0x400);
    snap = Take(f);
    assert_int_equal(PmmFree(&f->pmm, 0x100), E_EXIST);      // never taken
    ExpectUnchanged(f, &snap);

    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_LOW, &pfn), 0);
    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_HIGH, &other), 0);
    assert_int_equal(PmmFree(&f->pmm, pfn), 0);
    snap = Take(f);
    assert_int_equal(PmmFree(&f->pmm, pfn), E_EXIST);
    ExpectUnchanged(f, &snap);
    assert_int_equal(f->pmm.freePages, f->pmm.totalPages - 1);
    assert_false(PmmIsFree(&f->pmm, other));

    // The page is on its free stack once: the next allocations never
    // return it twice.
    uint32_t a, b;
    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_LOW, &a), 0);
    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_LOW, &b), 0);
    assert_int_not_equal(a, b);
    FreeFixture(f);
}

// Freeing a pfn that is not RAM here (page 0, a hole, at or past the limit)
// returns E_INVAL and changes nothing.
static void TestFreeInvalid(void **state)
{
    RangeSet ram;
    Fixture *f;
    Snapshot snap;
    const uint32_t bad[] = { 0x0, 0x9F, 0xA0, 0xFF, 0x600, 0x60F, 0x1000,
                             0x1001, 0x100000, UINT32_MAX };
    uint32_t pfn;

    (void)state;
    PcRam(&ram);
    f = MakeFixture(&ram, 0x400);
    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_HIGH, &pfn), 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snap = Take(f);
        assert_int_equal(PmmFree(&f->pmm, bad[i]), E_INVAL);
        ExpectUnchanged(f, &snap);
        assert_false(PmmIsRam(&f->pmm, bad[i]));
        assert_false(PmmIsFree(&f->pmm, bad[i]));
    }
    assert_int_equal(PmmFree(&f->pmm, pfn), 0);
    assert_int_equal(f->pmm.freePages, f->pmm.totalPages);
    FreeFixture(f);
}

// PMM_ZONE_LOW only ever returns pfns below lowLimit and runs out while
// high pages remain.
static void TestZoneLow(void **state)
{
    RangeSet ram;
    Fixture *f;
    uint32_t pfn, lowPages = 0x9E + 0x300;

    (void)state;
    PcRam(&ram);
    f = MakeFixture(&ram, 0x400);
    for (uint32_t i = 0; i < lowPages; i++) {
        assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_LOW, &pfn), 0);
        assert_true(pfn < 0x400);
        assert_true(PfnIsInRam(&ram, pfn));
    }
    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_LOW, &pfn), E_NOMEM);
    assert_int_equal(f->pmm.freePages, f->pmm.totalPages - lowPages);
    // A freed low page is available to LOW again.
    assert_int_equal(PmmFree(&f->pmm, 0x3FF), 0);
    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_LOW, &pfn), 0);
    assert_int_equal(pfn, 0x3FF);
    FreeFixture(f);
}

// PMM_ZONE_HIGH takes high pages while any remain, then falls back to low
// ones; a freed high page is preferred over the remaining low ones.
static void TestZoneHighFallback(void **state)
{
    RangeSet ram;
    Fixture *f;
    uint32_t pfn, highPages = 0x200 + 0x9F0, lowPages = 0x9E + 0x300;

    (void)state;
    PcRam(&ram);
    f = MakeFixture(&ram, 0x400);
    for (uint32_t i = 0; i < highPages; i++) {
        assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_HIGH, &pfn), 0);
        assert_true(pfn >= 0x400);
        assert_true(PfnIsInRam(&ram, pfn));
    }
    assert_int_equal(f->pmm.zones[PMM_ZONE_LOW].count, lowPages);
    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_HIGH, &pfn), 0);
    assert_true(pfn < 0x400);
    assert_int_equal(PmmFree(&f->pmm, 0x800), 0);
    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_HIGH, &pfn), 0);
    assert_int_equal(pfn, 0x800);
    for (uint32_t i = 1; i < lowPages; i++) {
        assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_HIGH, &pfn), 0);
        assert_true(pfn < 0x400);
    }
    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_HIGH, &pfn), E_NOMEM);
    assert_int_equal(f->pmm.freePages, 0);
    FreeFixture(f);
}

// lowLimit of 0 puts everything in the high zone; a lowLimit past the end
// puts everything in the low zone and HIGH still gets pages by falling back.
static void TestZoneLimitsAtExtremes(void **state)
{
    RangeSet ram;
    Fixture *f;
    uint32_t pfn;

    (void)state;
    PcRam(&ram);
    f = MakeFixture(&ram, 0);
    assert_int_equal(f->pmm.zones[PMM_ZONE_LOW].count, 0);
    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_LOW, &pfn), E_NOMEM);
    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_HIGH, &pfn), 0);
    assert_int_equal(PmmFree(&f->pmm, pfn), 0);
    FreeFixture(f);

    f = MakeFixture(&ram, UINT32_MAX);
    assert_int_equal(f->pmm.zones[PMM_ZONE_HIGH].count, 0);
    assert_int_equal(f->pmm.zones[PMM_ZONE_LOW].count, RamPages(&ram));
    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_HIGH, &pfn), 0);
    assert_true(PfnIsInRam(&ram, pfn));
    assert_int_equal(PmmFree(&f->pmm, pfn), 0);
    assert_int_equal(f->pmm.zones[PMM_ZONE_LOW].count, RamPages(&ram));
    FreeFixture(f);
}

// A shared page stays allocated until every holder has freed it; shares
// are refused on free pages and non-RAM, and are bounded.
static void TestShare(void **state)
{
    RangeSet ram;
    Fixture *f;
    uint32_t pfn, free0;

    (void)state;
    PcRam(&ram);
    f = MakeFixture(&ram, 0x400);
    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_HIGH, &pfn), 0);
    free0 = f->pmm.freePages;
    assert_int_equal(PmmShares(&f->pmm, pfn), 0);
    assert_int_equal(PmmShare(&f->pmm, pfn), 0);
    assert_int_equal(PmmShare(&f->pmm, pfn), 0);
    assert_int_equal(PmmShares(&f->pmm, pfn), 2);
    assert_int_equal(PmmFree(&f->pmm, pfn), 0);         // the first holder lets go
    assert_false(PmmIsFree(&f->pmm, pfn));
    assert_int_equal(f->pmm.freePages, free0);
    assert_int_equal(PmmFree(&f->pmm, pfn), 0);
    assert_false(PmmIsFree(&f->pmm, pfn));
    assert_int_equal(PmmFree(&f->pmm, pfn), 0);         // the last one frees it
    assert_true(PmmIsFree(&f->pmm, pfn));
    assert_int_equal(f->pmm.freePages, free0 + 1);
    assert_int_equal(PmmShares(&f->pmm, pfn), 0);
    assert_int_equal(PmmFree(&f->pmm, pfn), E_EXIST);
    assert_int_equal(PmmShare(&f->pmm, pfn), E_INVAL);   // free: nothing to share
    assert_int_equal(PmmShare(&f->pmm, 0), E_INVAL);     // not RAM
    assert_int_equal(PmmShare(&f->pmm, 0x100000), E_INVAL);
    assert_int_equal(PmmShares(&f->pmm, 0x100000), 0);
    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_HIGH, &pfn), 0);
    for (uint32_t i = 0; i < PMM_SHARES_MAX; i++)
        assert_int_equal(PmmShare(&f->pmm, pfn), 0);
    assert_int_equal(PmmShare(&f->pmm, pfn), E_NOSPC);
    for (uint32_t i = 0; i < PMM_SHARES_MAX; i++)
        assert_int_equal(PmmFree(&f->pmm, pfn), 0);
    assert_false(PmmIsFree(&f->pmm, pfn));
    assert_int_equal(PmmFree(&f->pmm, pfn), 0);
    assert_true(PmmIsFree(&f->pmm, pfn));
    FreeFixture(f);
}

// An empty RAM set is valid and has nothing to give.
static void TestEmptyRam(void **state)
{
    RangeSet ram;
    Pmm pmm;
    uint32_t storage[1], pfn;

    (void)state;
    RangeSetInit(&ram);
    assert_int_equal(PmmStorageBytes(&ram), 0);
    assert_int_equal(PmmInit(&pmm, &ram, 0x100, storage, 0), 0);
    assert_int_equal(pmm.totalPages, 0);
    assert_int_equal(pmm.freePages, 0);
    assert_int_equal(PmmAllocate(&pmm, PMM_ZONE_HIGH, &pfn), E_NOMEM);
    assert_int_equal(PmmAllocate(&pmm, PMM_ZONE_LOW, &pfn), E_NOMEM);
    assert_int_equal(PmmFree(&pmm, 0), E_INVAL);
    assert_false(PmmIsRam(&pmm, 0));
}

// RAM ending exactly at 4 GiB is managed up to its very last page.
static void TestRamUpTo4G(void **state)
{
    RangeSet ram;
    Fixture *f;
    uint32_t pfn;

    (void)state;
    RangeSetInit(&ram);
    assert_int_equal(RangeSetAdd(&ram, 0xFFF00000ull, 0x100000000ull), 0);
    f = MakeFixture(&ram, 0x100);
    assert_int_equal(f->pmm.pageLimit, 0x100000);
    assert_int_equal(f->pmm.totalPages, 0x100);
    assert_true(PmmIsFree(&f->pmm, 0xFFFFF));
    assert_false(PmmIsRam(&f->pmm, 0xFFEFF));
    for (uint32_t i = 0; i < 0x100; i++) {
        assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_HIGH, &pfn), 0);
        assert_true(pfn >= 0xFFF00 && pfn <= 0xFFFFF);
    }
    assert_int_equal(PmmAllocate(&f->pmm, PMM_ZONE_HIGH, &pfn), E_NOMEM);
    assert_int_equal(PmmFree(&f->pmm, 0xFFFFF), 0);
    assert_int_equal(PmmFree(&f->pmm, 0xFFFFF), E_EXIST);
    assert_int_equal(PmmFree(&f->pmm, 0x100000), E_INVAL);
    FreeFixture(f);
}

// Init rejects unaligned or out-of-range RAM, too little storage and
// misaligned storage with E_INVAL.
static void TestInitInvalid(void **state)
{
    RangeSet ram;
    Pmm pmm;
    size_t bytes;
    uint32_t *storage;

    (void)state;
    storage = malloc(1 << 20);
    assert_non_null(storage);

    RangeSetInit(&ram);
    assert_int_equal(RangeSetAdd(&ram, 0x1800, 0x10000), 0);       // start
    assert_int_equal(PmmInit(&pmm, &ram, 0, storage, 1 << 20), E_INVAL);

    RangeSetInit(&ram);
    assert_int_equal(RangeSetAdd(&ram, 0x1000, 0x10010), 0);       // end
    assert_int_equal(PmmInit(&pmm, &ram, 0, storage, 1 << 20), E_INVAL);

    RangeSetInit(&ram);
    assert_int_equal(RangeSetAdd(&ram, 0x1000, 0x10000), 0);
    assert_int_equal(RangeSetAdd(&ram, 0x20000, 0x20800), 0);      // second
    assert_int_equal(PmmInit(&pmm, &ram, 0, storage, 1 << 20), E_INVAL);

    RangeSetInit(&ram);
    assert_int_equal(RangeSetAdd(&ram, 0xFFFFF000ull, 0x100001000ull), 0);
    assert_int_equal(PmmInit(&pmm, &ram, 0, storage, 1 << 20), E_INVAL);

    PcRam(&ram);
    bytes = PmmStorageBytes(&ram);
    assert_true(bytes <= (1 << 20));
    assert_int_equal(PmmInit(&pmm, &ram, 0x400, storage, bytes - 1), E_INVAL);
    assert_int_equal(PmmInit(&pmm, &ram, 0x400, storage, 0), E_INVAL);
    assert_int_equal(PmmInit(&pmm, &ram, 0x400, (uint8_t *)storage + 2, bytes),
                     E_INVAL);
    assert_int_equal(PmmInit(&pmm, &ram, 0x400, storage, bytes), 0);
    assert_int_equal(pmm.totalPages, RamPages(&ram));
    free(storage);
}

// Init clears stale storage: garbage in the buffer does not leak into the
// bitmaps.
static void TestInitIgnoresStaleStorage(void **state)
{
    RangeSet ram;
    Pmm pmm;
    size_t bytes;
    uint8_t *storage;

    (void)state;
    PcRam(&ram);
    bytes = PmmStorageBytes(&ram);
    storage = malloc(bytes);
    assert_non_null(storage);
    memset(storage, 0xFF, bytes);
    assert_int_equal(PmmInit(&pmm, &ram, 0x400, storage, bytes), 0);
    for (uint32_t pfn = 0; pfn < pmm.pageLimit; pfn++)
        assert_int_equal(PmmIsRam(&pmm, pfn), PfnIsInRam(&ram, pfn));
    assert_int_equal(PmmFree(&pmm, 0), E_INVAL);
    free(storage);
}

// Random allocations and frees agree with a model of which pages are out,
// and free counts always match the bitmaps.
static void TestRandomAgainstModel(void **state)
{
    RangeSet ram;
    Fixture *f;
    uint8_t *out;
    uint32_t *held, heldCount = 0, pages, pfn;

    (void)state;
    PcRam(&ram);
    pages = RamPages(&ram);
    f = MakeFixture(&ram, 0x400);
    out = calloc(f->pmm.pageLimit, 1);
    held = malloc(pages * sizeof(*held));
    assert_non_null(out);
    assert_non_null(held);
    srand(4242);
    for (int op = 0; op < 50000; op++) {
        int r = rand() % 10;
        if (r < 5) {
            PmmZone zone = r < 2 ? PMM_ZONE_LOW : PMM_ZONE_HIGH;
            int rc = PmmAllocate(&f->pmm, zone, &pfn);
            if (rc == 0) {
                assert_true(PfnIsInRam(&ram, pfn));
                assert_int_equal(out[pfn], 0);
                if (zone == PMM_ZONE_LOW)
                    assert_true(pfn < 0x400);
                out[pfn] = 1;
                held[heldCount++] = pfn;
            } else {
                assert_int_equal(rc, E_NOMEM);
                assert_int_equal(f->pmm.zones[PMM_ZONE_LOW].count, 0);
                if (zone == PMM_ZONE_HIGH)
                    assert_int_equal(f->pmm.freePages, 0);
            }
        } else if (r < 9 && heldCount > 0) {
            uint32_t k = (uint32_t)rand() % heldCount;
            assert_int_equal(PmmFree(&f->pmm, held[k]), 0);
            out[held[k]] = 0;
            held[k] = held[--heldCount];
        } else {
            // A bogus free: a page that is not RAM, or one already free.
            pfn = (uint32_t)rand() % (f->pmm.pageLimit + 16);
            if (pfn < f->pmm.pageLimit && out[pfn])
                continue;
            int rc = PmmFree(&f->pmm, pfn);
            assert_int_equal(rc, PfnIsInRam(&ram, pfn) ? E_EXIST : E_INVAL);
        }
        assert_int_equal(f->pmm.freePages, pages - heldCount);
        assert_int_equal(f->pmm.zones[PMM_ZONE_LOW].count +
                         f->pmm.zones[PMM_ZONE_HIGH].count, f->pmm.freePages);
    }
    for (uint32_t p = 0; p < f->pmm.pageLimit; p++)
        assert_int_equal(PmmIsFree(&f->pmm, p), PfnIsInRam(&ram, p) && !out[p]);
    free(out);
    free(held);
    FreeFixture(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestInitCounts),
        cmocka_unit_test(TestAllocateEverything),
        cmocka_unit_test(TestFreeEverything),
        cmocka_unit_test(TestDoubleFree),
        cmocka_unit_test(TestShare),
        cmocka_unit_test(TestFreeInvalid),
        cmocka_unit_test(TestZoneLow),
        cmocka_unit_test(TestZoneHighFallback),
        cmocka_unit_test(TestZoneLimitsAtExtremes),
        cmocka_unit_test(TestEmptyRam),
        cmocka_unit_test(TestRamUpTo4G),
        cmocka_unit_test(TestInitInvalid),
        cmocka_unit_test(TestInitIgnoresStaleStorage),
        cmocka_unit_test(TestRandomAgainstModel),
        cmocka_unit_test(TestAllocateBelow),
    };

    return cmocka_run_group_tests_name("pmm", tests, NULL, NULL);
}
