// Host unit tests for kernel/mm/rangeset.c.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <clanker/error.h>
#include <kernel/mm/rangeset.h>

#include "testkit.h"


// Assert the structural invariant: sorted, non-empty, disjoint and
// non-adjacent ranges, count within capacity.
static void ExpectWellFormed(const RangeSet *set)
{
    assert_true(set->count <= RANGESET_CAPACITY);
    for (uint32_t i = 0; i < set->count; i++) {
        assert_true(set->ranges[i].start < set->ranges[i].end);
        if (i > 0)
            assert_true(set->ranges[i - 1].end < set->ranges[i].start);
    }
}

// Fill set with n disjoint ranges [i*100, i*100+10).
static void FillSpaced(RangeSet *set, uint32_t n)
{
    RangeSetInit(set);
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(RangeSetAdd(set, i * 100ull, i * 100ull + 10), 0);
    assert_int_equal(set->count, n);
}

#define MODEL_UNITS_CUT 520

// Per-unit membership of a set over [0, MODEL_UNITS_CUT).
static void CutModel(const RangeSet *set, uint8_t *model)
{
    memset(model, 0, MODEL_UNITS_CUT);
    for (uint32_t i = 0; i < set->count; i++) {
        for (uint64_t u = set->ranges[i].start; u < set->ranges[i].end; u++) {
            assert_true(u < MODEL_UNITS_CUT);
            model[u] = 1;
        }
    }
}

// A fresh set is empty; empty and inverted ranges are ignored.
static void TestInitAndEmptyRanges(void **state)
{
    RangeSet set;

    (void)state;
    memset(&set, 0xAB, sizeof(set));
    RangeSetInit(&set);
    ExpectRanges(&set, 0);
    assert_int_equal(RangeSetTotal(&set), 0);
    assert_int_equal(RangeSetAdd(&set, 10, 10), 0);
    assert_int_equal(RangeSetAdd(&set, 20, 10), 0);
    ExpectRanges(&set, 0);
    assert_false(RangeSetIntersects(&set, 0, UINT64_MAX));
}

// Disjoint ranges added out of order come out sorted.
static void TestAddDisjointOutOfOrder(void **state)
{
    RangeSet set;

    (void)state;
    RangeSetInit(&set);
    assert_int_equal(RangeSetAdd(&set, 500, 600), 0);
    assert_int_equal(RangeSetAdd(&set, 100, 200), 0);
    assert_int_equal(RangeSetAdd(&set, 300, 400), 0);
    assert_int_equal(RangeSetAdd(&set, 700, 800), 0);
    assert_int_equal(RangeSetAdd(&set, 0, 50), 0);
    ExpectRanges(&set, 5, 0ull, 50ull, 100ull, 200ull, 300ull, 400ull,
                 500ull, 600ull, 700ull, 800ull);
    assert_int_equal(RangeSetTotal(&set), 450);
}

// Overlapping ranges merge, including one that swallows several.
static void TestAddOverlapping(void **state)
{
    RangeSet set;

    (void)state;
    RangeSetInit(&set);
    assert_int_equal(RangeSetAdd(&set, 100, 200), 0);
    assert_int_equal(RangeSetAdd(&set, 150, 250), 0);
    ExpectRanges(&set, 1, 100ull, 250ull);
    assert_int_equal(RangeSetAdd(&set, 50, 120), 0);
    ExpectRanges(&set, 1, 50ull, 250ull);
    assert_int_equal(RangeSetAdd(&set, 60, 70), 0);          // inside
    ExpectRanges(&set, 1, 50ull, 250ull);
    assert_int_equal(RangeSetAdd(&set, 400, 500), 0);
    assert_int_equal(RangeSetAdd(&set, 600, 700), 0);
    assert_int_equal(RangeSetAdd(&set, 900, 1000), 0);
    ExpectRanges(&set, 4, 50ull, 250ull, 400ull, 500ull, 600ull, 700ull,
                 900ull, 1000ull);
    assert_int_equal(RangeSetAdd(&set, 450, 650), 0);        // bridges two
    ExpectRanges(&set, 3, 50ull, 250ull, 400ull, 700ull, 900ull, 1000ull);
    assert_int_equal(RangeSetAdd(&set, 0, 2000), 0);         // swallows all
    ExpectRanges(&set, 1, 0ull, 2000ull);
}

// Touching ranges (end == start) merge from either side.
static void TestAddTouching(void **state)
{
    RangeSet set;

    (void)state;
    RangeSetInit(&set);
    assert_int_equal(RangeSetAdd(&set, 100, 200), 0);
    assert_int_equal(RangeSetAdd(&set, 200, 300), 0);
    ExpectRanges(&set, 1, 100ull, 300ull);
    assert_int_equal(RangeSetAdd(&set, 50, 100), 0);
    ExpectRanges(&set, 1, 50ull, 300ull);
    assert_int_equal(RangeSetAdd(&set, 400, 500), 0);
    assert_int_equal(RangeSetAdd(&set, 300, 400), 0);        // fills the gap
    ExpectRanges(&set, 1, 50ull, 500ull);
    assert_int_equal(RangeSetAdd(&set, 502, 600), 0);        // gap of 2 stays
    ExpectRanges(&set, 2, 50ull, 500ull, 502ull, 600ull);
}

// 64-bit addresses above 4 GiB and up to the top of the space work.
static void TestAddLargeAddresses(void **state)
{
    RangeSet set;

    (void)state;
    RangeSetInit(&set);
    assert_int_equal(RangeSetAdd(&set, 0x100000000ull, 0x200000000ull), 0);
    assert_int_equal(RangeSetAdd(&set, 0xFFFFFFFF00000000ull, UINT64_MAX), 0);
    assert_int_equal(RangeSetAdd(&set, 0, 0x100000000ull), 0);
    ExpectRanges(&set, 2, 0ull, 0x200000000ull, 0xFFFFFFFF00000000ull, UINT64_MAX);
    assert_int_equal(RangeSetTotal(&set),
                     0x200000000ull + (UINT64_MAX - 0xFFFFFFFF00000000ull));
}

// Removing from the middle splits a range in two.
static void TestRemoveSplit(void **state)
{
    RangeSet set;

    (void)state;
    RangeSetInit(&set);
    assert_int_equal(RangeSetAdd(&set, 0, 1000), 0);
    assert_int_equal(RangeSetRemove(&set, 400, 600), 0);
    ExpectRanges(&set, 2, 0ull, 400ull, 600ull, 1000ull);
    assert_int_equal(RangeSetTotal(&set), 800);
}

// Removing exactly a range, or a superset of several, deletes them whole.
static void TestRemoveWhole(void **state)
{
    RangeSet set;

    (void)state;
    FillSpaced(&set, 5);                    // [0,10) [100,110) ... [400,410)
    assert_int_equal(RangeSetRemove(&set, 100, 110), 0);
    ExpectRanges(&set, 4, 0ull, 10ull, 200ull, 210ull, 300ull, 310ull,
                 400ull, 410ull);
    assert_int_equal(RangeSetRemove(&set, 150, 350), 0);
    ExpectRanges(&set, 2, 0ull, 10ull, 400ull, 410ull);
    assert_int_equal(RangeSetRemove(&set, 0, UINT64_MAX), 0);
    ExpectRanges(&set, 0);
}

// Removing at either edge trims; removing only a touching range does not.
static void TestRemoveEdges(void **state)
{
    RangeSet set;

    (void)state;
    RangeSetInit(&set);
    assert_int_equal(RangeSetAdd(&set, 100, 200), 0);
    assert_int_equal(RangeSetRemove(&set, 50, 120), 0);      // front
    ExpectRanges(&set, 1, 120ull, 200ull);
    assert_int_equal(RangeSetRemove(&set, 180, 300), 0);     // back
    ExpectRanges(&set, 1, 120ull, 180ull);
    assert_int_equal(RangeSetRemove(&set, 100, 120), 0);     // touches front
    assert_int_equal(RangeSetRemove(&set, 180, 190), 0);     // touches back
    ExpectRanges(&set, 1, 120ull, 180ull);
    assert_int_equal(RangeSetRemove(&set, 120, 121), 0);     // first unit
    assert_int_equal(RangeSetRemove(&set, 179, 180), 0);     // last unit
    ExpectRanges(&set, 1, 121ull, 179ull);
    assert_int_equal(RangeSetRemove(&set, 150, 150), 0);     // empty: no-op
    assert_int_equal(RangeSetRemove(&set, 170, 130), 0);     // inverted: no-op
    ExpectRanges(&set, 1, 121ull, 179ull);
}

// Removing across several ranges trims the outer ones and drops the inner.
static void TestRemoveAcrossSeveral(void **state)
{
    RangeSet set;

    (void)state;
    FillSpaced(&set, 4);                    // [0,10) [100,110) [200,210) [300,310)
    assert_int_equal(RangeSetRemove(&set, 5, 305), 0);
    ExpectRanges(&set, 2, 0ull, 5ull, 305ull, 310ull);
}

// A full set accepts adds that merge but not a new disjoint range, and the
// refused add leaves the set exactly as it was.
static void TestAddCapacityOverflow(void **state)
{
    RangeSet set, before;

    (void)state;
    FillSpaced(&set, RANGESET_CAPACITY);
    before = set;
    assert_int_equal(RangeSetAdd(&set, 50, 60), E_NOMEM);    // between two
    assert_memory_equal(&set, &before, sizeof(set));
    assert_int_equal(RangeSetAdd(&set, 100000, 100010), E_NOMEM);  // after all
    assert_memory_equal(&set, &before, sizeof(set));
    // Merging with an existing range needs no new slot.
    assert_int_equal(RangeSetAdd(&set, 10, 20), 0);
    assert_int_equal(set.count, RANGESET_CAPACITY);
    assert_int_equal(set.ranges[0].end, 20);
    // Bridging two ranges frees a slot, after which a new range fits.
    assert_int_equal(RangeSetAdd(&set, 20, 100), 0);
    assert_int_equal(set.count, RANGESET_CAPACITY - 1);
    assert_int_equal(RangeSetAdd(&set, 100000, 100010), 0);
    assert_int_equal(set.count, RANGESET_CAPACITY);
    ExpectWellFormed(&set);
}

// A remove that would split a range in a full set fails and changes nothing;
// removes that do not split still work.
static void TestRemoveCapacityOverflow(void **state)
{
    RangeSet set, before;

    (void)state;
    FillSpaced(&set, RANGESET_CAPACITY);
    before = set;
    assert_int_equal(RangeSetRemove(&set, 203, 205), E_NOMEM);
    assert_memory_equal(&set, &before, sizeof(set));
    // Trimming one range and deleting another frees a slot...
    assert_int_equal(RangeSetRemove(&set, 303, 410), 0);
    assert_int_equal(set.count, RANGESET_CAPACITY - 1);
    assert_int_equal(set.ranges[3].start, 300);
    assert_int_equal(set.ranges[3].end, 303);
    assert_int_equal(set.ranges[4].start, 500);
    // ...so the split that was refused now fits.
    assert_int_equal(RangeSetRemove(&set, 203, 205), 0);
    assert_int_equal(set.count, RANGESET_CAPACITY);
    assert_int_equal(set.ranges[2].end, 203);
    assert_int_equal(set.ranges[3].start, 205);
    assert_int_equal(RangeSetTotal(&set), RANGESET_CAPACITY * 10ull - 7 - 10 - 2);
    ExpectWellFormed(&set);
    // Edge trims never need a slot.
    assert_int_equal(RangeSetRemove(&set, 0, 5), 0);
    assert_int_equal(set.ranges[0].start, 5);
}

// Cut with room to spare is exactly Remove and reports nothing extra lost.
static void TestCutWithRoom(void **state)
{
    RangeSet set;

    (void)state;
    RangeSetInit(&set);
    assert_int_equal(RangeSetAdd(&set, 0, 1000), 0);
    assert_int_equal(RangeSetAdd(&set, 2000, 3000), 0);
    assert_int_equal(RangeSetCut(&set, 400, 600), 0);
    ExpectRanges(&set, 3, 0ull, 400ull, 600ull, 1000ull, 2000ull, 3000ull);
    assert_int_equal(RangeSetCut(&set, 900, 2100), 0);
    ExpectRanges(&set, 3, 0ull, 400ull, 600ull, 900ull, 2100ull, 3000ull);
    assert_int_equal(RangeSetCut(&set, 5000, 6000), 0);        // nothing there
    assert_int_equal(RangeSetCut(&set, 700, 700), 0);          // empty
    ExpectRanges(&set, 3, 0ull, 400ull, 600ull, 900ull, 2100ull, 3000ull);
}

// Cut in a full set that would need a split drops the whole range the hole
// is in, reports it, and leaves every other range alone.
static void TestCutWhenFull(void **state)
{
    RangeSet set, before;

    (void)state;
    FillSpaced(&set, RANGESET_CAPACITY);
    before = set;
    assert_int_equal(RangeSetCut(&set, 503, 505), 1);
    assert_int_equal(set.count, RANGESET_CAPACITY - 1);
    assert_false(RangeSetIntersects(&set, 500, 510));
    for (uint32_t i = 0, k = 0; i < before.count; i++) {
        if (before.ranges[i].start == 500)
            continue;
        assert_int_equal(set.ranges[k].start, before.ranges[i].start);
        assert_int_equal(set.ranges[k].end, before.ranges[i].end);
        k++;
    }
    // Now there is room, so the next split is exact.
    assert_int_equal(RangeSetCut(&set, 603, 605), 0);
    assert_int_equal(set.count, RANGESET_CAPACITY);
    assert_true(RangeSetIntersects(&set, 600, 603));
    assert_true(RangeSetIntersects(&set, 605, 610));
    assert_false(RangeSetIntersects(&set, 603, 605));
    // Trims and whole removals never need the fallback, even when full.
    assert_int_equal(RangeSetCut(&set, 0, 5), 0);
    assert_int_equal(RangeSetCut(&set, 195, 305), 0);
    ExpectWellFormed(&set);
}

// Random cuts on crowded sets: the hole is always gone, nothing is ever
// added, and without an overflow the result equals Remove's.
static void TestCutRandom(void **state)
{
    int fallbacks = 0;

    (void)state;
    srand(777);
    for (int round = 0; round < 2000; round++) {
        RangeSet set, viaRemove;
        uint8_t beforeModel[MODEL_UNITS_CUT], afterModel[MODEL_UNITS_CUT];

        // A full set of short ranges with gaps, sometimes with a slot or
        // two freed again.
        RangeSetInit(&set);
        for (uint64_t i = 0; i < RANGESET_CAPACITY; i++) {
            uint64_t s = i * 8 + (uint64_t)(rand() % 2);
            assert_int_equal(RangeSetAdd(&set, s, s + 3 + (uint64_t)(rand() % 4)), 0);
        }
        for (int k = rand() % 3; k > 0; k--) {
            uint64_t s = (uint64_t)(rand() % RANGESET_CAPACITY) * 8;
            assert_int_equal(RangeSetRemove(&set, s, s + 8), 0);
        }
        uint64_t start = (uint64_t)(rand() % MODEL_UNITS_CUT);
        uint64_t end = start + (uint64_t)(rand() % 4);
        if (end > MODEL_UNITS_CUT)
            end = MODEL_UNITS_CUT;
        viaRemove = set;
        int removeRc = RangeSetRemove(&viaRemove, start, end);
        CutModel(&set, beforeModel);
        int lost = RangeSetCut(&set, start, end);
        CutModel(&set, afterModel);
        ExpectWellFormed(&set);
        assert_false(RangeSetIntersects(&set, start, end));
        for (int u = 0; u < MODEL_UNITS_CUT; u++)
            assert_true(afterModel[u] <= beforeModel[u]);
        if (removeRc == 0) {
            assert_int_equal(lost, 0);
            assert_int_equal(set.count, viaRemove.count);
            assert_memory_equal(set.ranges, viaRemove.ranges,
                                set.count * sizeof(Range));
        } else {
            assert_int_equal(lost, 1);
            fallbacks++;
        }
    }
    assert_true(fallbacks > 0);     // the overflow path was exercised
}

// Align rounds starts up and ends down and drops ranges with no whole unit.
static void TestAlign(void **state)
{
    RangeSet set;

    (void)state;
    RangeSetInit(&set);
    assert_int_equal(RangeSetAdd(&set, 0, 0x9FC00), 0);           // end down
    assert_int_equal(RangeSetAdd(&set, 0xA0001, 0xA0FFF), 0);     // no page
    assert_int_equal(RangeSetAdd(&set, 0x100001, 0x200000), 0);   // start up
    assert_int_equal(RangeSetAdd(&set, 0x300800, 0x302800), 0);   // 1 page
    assert_int_equal(RangeSetAdd(&set, 0x400000, 0x401000), 0);   // exact
    RangeSetAlign(&set, 0x1000);
    ExpectRanges(&set, 4, 0ull, 0x9F000ull, 0x101000ull, 0x200000ull,
                 0x301000ull, 0x302000ull, 0x400000ull, 0x401000ull);
    ExpectWellFormed(&set);
}

// Align near the top of the 64-bit space neither wraps nor keeps a
// partial unit.
static void TestAlignTopOfSpace(void **state)
{
    RangeSet set;

    (void)state;
    RangeSetInit(&set);
    assert_int_equal(RangeSetAdd(&set, 0x1000, 0x3000), 0);
    assert_int_equal(RangeSetAdd(&set, UINT64_MAX - 10, UINT64_MAX), 0);
    RangeSetAlign(&set, 0x1000);
    ExpectRanges(&set, 1, 0x1000ull, 0x3000ull);
    RangeSetInit(&set);
    assert_int_equal(RangeSetAdd(&set, 0xFFFFFFFFFFFFE000ull, UINT64_MAX), 0);
    RangeSetAlign(&set, 0x1000);
    ExpectRanges(&set, 1, 0xFFFFFFFFFFFFE000ull, 0xFFFFFFFFFFFFF000ull);
}

// Intersects uses half-open ranges: touching is not intersecting.
static void TestIntersects(void **state)
{
    RangeSet set;

    (void)state;
    RangeSetInit(&set);
    assert_int_equal(RangeSetAdd(&set, 100, 200), 0);
    assert_int_equal(RangeSetAdd(&set, 300, 400), 0);
    assert_true(RangeSetIntersects(&set, 150, 160));
    assert_true(RangeSetIntersects(&set, 50, 101));
    assert_true(RangeSetIntersects(&set, 199, 300));
    assert_true(RangeSetIntersects(&set, 0, 1000));
    assert_true(RangeSetIntersects(&set, 399, 400));
    assert_false(RangeSetIntersects(&set, 0, 100));
    assert_false(RangeSetIntersects(&set, 200, 300));
    assert_false(RangeSetIntersects(&set, 400, 500));
    assert_false(RangeSetIntersects(&set, 150, 150));       // empty query
    assert_false(RangeSetIntersects(&set, 350, 120));       // inverted query
}

// Total sums the bytes of every range.
static void TestTotal(void **state)
{
    RangeSet set;

    (void)state;
    FillSpaced(&set, 10);
    assert_int_equal(RangeSetTotal(&set), 100);
    assert_int_equal(RangeSetAdd(&set, 0, 1000), 0);
    assert_int_equal(RangeSetTotal(&set), 1000);
    assert_int_equal(RangeSetRemove(&set, 100, 200), 0);
    assert_int_equal(RangeSetTotal(&set), 900);
}

#define MODEL_UNITS 512

// Rebuild a per-unit membership map from the set.
static void SetToModel(const RangeSet *set, uint8_t *model)
{
    memset(model, 0, MODEL_UNITS);
    for (uint32_t i = 0; i < set->count; i++) {
        assert_true(set->ranges[i].end <= MODEL_UNITS);
        for (uint64_t u = set->ranges[i].start; u < set->ranges[i].end; u++)
            model[u] = 1;
    }
}

// Random adds and removes agree with a per-unit model, and the set stays
// sorted, disjoint and merged; a refused operation changes nothing.
static void TestRandomAgainstModel(void **state)
{
    RangeSet set, before;
    uint8_t model[MODEL_UNITS], actual[MODEL_UNITS];
    int refused = 0;

    (void)state;
    srand(12345);
    RangeSetInit(&set);
    memset(model, 0, sizeof(model));
    for (int op = 0; op < 20000; op++) {
        uint64_t start = (uint64_t)(rand() % MODEL_UNITS);
        uint64_t end = start + 1 + (uint64_t)(rand() % 3);
        int adding = rand() % 2;
        int rc;

        if (end > MODEL_UNITS)
            end = MODEL_UNITS;
        before = set;
        rc = adding ? RangeSetAdd(&set, start, end) : RangeSetRemove(&set, start, end);
        if (rc != 0) {
            assert_int_equal(rc, E_NOMEM);
            assert_memory_equal(&set, &before, sizeof(set));
            refused++;
        } else {
            for (uint64_t u = start; u < end; u++)
                model[u] = (uint8_t)adding;
        }
        ExpectWellFormed(&set);
        SetToModel(&set, actual);
        assert_memory_equal(actual, model, sizeof(model));
        uint64_t total = 0;
        for (int u = 0; u < MODEL_UNITS; u++)
            total += model[u];
        assert_int_equal(RangeSetTotal(&set), total);
        int hit = 0;
        for (uint64_t u = start; u < end; u++)
            hit |= model[u];
        assert_int_equal(!!RangeSetIntersects(&set, start, end), hit);
    }
    // The workload is dense enough to hit the capacity limit sometimes.
    assert_true(refused > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestInitAndEmptyRanges),
        cmocka_unit_test(TestAddDisjointOutOfOrder),
        cmocka_unit_test(TestAddOverlapping),
        cmocka_unit_test(TestAddTouching),
        cmocka_unit_test(TestAddLargeAddresses),
        cmocka_unit_test(TestRemoveSplit),
        cmocka_unit_test(TestRemoveWhole),
        cmocka_unit_test(TestRemoveEdges),
        cmocka_unit_test(TestRemoveAcrossSeveral),
        cmocka_unit_test(TestAddCapacityOverflow),
        cmocka_unit_test(TestRemoveCapacityOverflow),
        cmocka_unit_test(TestCutWithRoom),
        cmocka_unit_test(TestCutWhenFull),
        cmocka_unit_test(TestCutRandom),
        cmocka_unit_test(TestAlign),
        cmocka_unit_test(TestAlignTopOfSpace),
        cmocka_unit_test(TestIntersects),
        cmocka_unit_test(TestTotal),
        cmocka_unit_test(TestRandomAgainstModel),
    };

    return cmocka_run_group_tests_name("rangeset", tests, NULL, NULL);
}
