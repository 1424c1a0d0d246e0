// Host unit tests for lib/heap.c (boundary-tag heap core).
//
// The heap runs over a page-aligned buffer from aligned_alloc. The grow and
// shrink callbacks only track the "mapped" end; everything between that end
// and the limit is poisoned for AddressSanitizer, so the allocator touching
// memory it has not been given (or has given back) aborts the test.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sanitizer/asan_interface.h>

#include <clanker/error.h>
#include <lib/heap.h>

#define KIB ((size_t)1024)
#define MIB ((size_t)1024 * 1024)
#define PAGE ((uintptr_t)4096)
#define HEADER 16           // bytes before every payload (heap.h)
#define REGION (64 * MIB)

// The heap under test plus what the callbacks observed. heap must come
// first: the callbacks get a Heap * and cast it back.
typedef struct HeapFixture {
    Heap heap;
    uint8_t *buffer;
    uintptr_t mapped;       // end of what grow has made usable
    int growCalls;          // every grow request, failed or not
    int shrinkCalls;
    int corruptCalls;
    uintptr_t corruptWhere;
    int failGrow;           // make grow requests fail
} HeapFixture;

static int GrowCallback(Heap *heap, uintptr_t oldEnd, uintptr_t newEnd)
{
    HeapFixture *f = (HeapFixture *)heap;

    f->growCalls++;
    assert_int_equal(oldEnd, f->mapped);
    assert_true(newEnd > oldEnd);
    assert_true(newEnd <= heap->limit);
    assert_int_equal(oldEnd % PAGE, 0);
    assert_int_equal(newEnd % PAGE, 0);
    if (f->failGrow)
        return 0;
    ASAN_UNPOISON_MEMORY_REGION((void *)oldEnd, newEnd - oldEnd);
    f->mapped = newEnd;
    return 1;
}

static void ShrinkCallback(Heap *heap, uintptr_t newEnd, uintptr_t oldEnd)
{
    HeapFixture *f = (HeapFixture *)heap;

    f->shrinkCalls++;
    assert_int_equal(oldEnd, f->mapped);
    assert_true(newEnd < oldEnd);
    assert_true(newEnd > heap->start);
    assert_int_equal(newEnd % PAGE, 0);
    assert_int_equal(heap->end, newEnd);
    // Scribble over the released range before poisoning it, as a page
    // allocator reusing those frames would.
    memset((void *)newEnd, 0xA5, oldEnd - newEnd);
    ASAN_POISON_MEMORY_REGION((void *)newEnd, oldEnd - newEnd);
    f->mapped = newEnd;
}

static void CorruptCallback(Heap *heap, uintptr_t where)
{
    HeapFixture *f = (HeapFixture *)heap;

    f->corruptCalls++;
    f->corruptWhere = where;
}

// A fresh heap over a new 64 MiB region (or limitBytes, if smaller).
static HeapFixture *MakeHeap(size_t limitBytes)
{
    HeapFixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    f->buffer = aligned_alloc(PAGE, REGION);
    assert_non_null(f->buffer);
    ASAN_POISON_MEMORY_REGION(f->buffer, REGION);
    f->mapped = (uintptr_t)f->buffer;
    assert_int_equal(HeapInit(&f->heap, (uintptr_t)f->buffer,
                              (uintptr_t)f->buffer + limitBytes, PAGE,
                              GrowCallback, ShrinkCallback, CorruptCallback), 0);
    assert_int_equal(f->growCalls, 1);
    assert_int_equal(f->heap.end, f->mapped);
    return f;
}

static void FreeHeap(HeapFixture *f)
{
    ASAN_UNPOISON_MEMORY_REGION(f->buffer, REGION);
    free(f->buffer);
    free(f);
}

static void ExpectHeapOk(const HeapFixture *f)
{
    HeapStatus status = HeapCheck(&f->heap);

    if (status != HEAP_OK)
        fail_msg("HeapCheck: %s", HeapStatusName(status));
    assert_int_equal(f->heap.end, f->mapped);
}

// Allocate and check the basics every allocation must satisfy.
static uint8_t *Allocate(HeapFixture *f, size_t size)
{
    uint8_t *p = HeapAllocate(&f->heap, size);

    assert_non_null(p);
    assert_int_equal((uintptr_t)p % HEAP_ALIGN, 0);
    assert_true((uintptr_t)p >= f->heap.start + HEADER);
    assert_true((uintptr_t)p + size <= f->heap.end - HEADER);
    assert_true(HeapBlockSize(&f->heap, p) >= size);
    return p;
}

static void Fill(uint8_t *p, size_t size, uint32_t seed)
{
    for (size_t i = 0; i < size; i++)
        p[i] = (uint8_t)(seed * 31u + i * 7u + (i >> 8));
}

static void Verify(const uint8_t *p, size_t size, uint32_t seed)
{
    for (size_t i = 0; i < size; i++) {
        if (p[i] != (uint8_t)(seed * 31u + i * 7u + (i >> 8)))
            fail_msg("block %p seed %u: byte %zu overwritten", (void *)p, seed, i);
    }
}

// A copy of the heap's state and every mapped byte, to prove that a
// rejected call changed nothing.
typedef struct HeapSnapshot {
    Heap heap;
    uint8_t *bytes;
    size_t length;
} HeapSnapshot;

static HeapSnapshot TakeSnapshot(const HeapFixture *f)
{
    HeapSnapshot s = { f->heap, NULL, f->heap.end - f->heap.start };

    s.bytes = malloc(s.length);
    assert_non_null(s.bytes);
    memcpy(s.bytes, (void *)f->heap.start, s.length);
    return s;
}

static void ExpectSnapshot(const HeapFixture *f, HeapSnapshot *s)
{
    assert_memory_equal(&f->heap, &s->heap, sizeof(Heap));
    assert_memory_equal((void *)f->heap.start, s->bytes, s->length);
    free(s->bytes);
    s->bytes = NULL;
}

// HeapFree(ptr) must be refused with one of the allowed statuses and leave
// every byte and field as it was; a heap that passed HeapCheck before still
// passes it.
static HeapStatus ExpectRejected(HeapFixture *f, void *ptr, HeapStatus a, HeapStatus b)
{
    HeapSnapshot snap = TakeSnapshot(f);
    int calls = f->growCalls + f->shrinkCalls;
    HeapStatus checkBefore = HeapCheck(&f->heap);
    HeapStatus status = HeapFree(&f->heap, ptr);

    if (status != a && status != b)
        fail_msg("HeapFree(%p) = %s, expected %s or %s", ptr,
                 HeapStatusName(status), HeapStatusName(a), HeapStatusName(b));
    ExpectSnapshot(f, &snap);
    assert_int_equal(f->growCalls + f->shrinkCalls, calls);
    if (checkBefore == HEAP_OK)
        ExpectHeapOk(f);
    return status;
}

// Allocate every byte the heap has without growing it, so no free block of
// any size remains. Returns how many blocks were taken (stored in out).
static size_t FillWithoutGrowing(HeapFixture *f, void **out, size_t max)
{
    size_t n = 0;
    void *p;

    f->failGrow = 1;
    for (size_t size = 4 * MIB; size > 0; size /= 2) {
        while (n < max && (p = HeapAllocate(&f->heap, size)) != NULL)
            out[n++] = p;
    }
    while (n < max && (p = HeapAllocate(&f->heap, 0)) != NULL)
        out[n++] = p;
    assert_true(n < max);
    f->failGrow = 0;
    return n;
}

// Init maps exactly one first chunk and leaves an empty, consistent heap;
// bad parameters and a failing grow callback are refused.
static void TestInit(void **state)
{
    HeapFixture *f;
    Heap heap;

    (void)state;
    f = MakeHeap(REGION);
    assert_int_equal(f->heap.end - f->heap.start, HEAP_GROW_CHUNK);
    assert_int_equal(f->heap.usedBytes, 0);
    assert_int_equal(f->heap.allocations, 0);
    ExpectHeapOk(f);

    uintptr_t base = (uintptr_t)f->buffer;
    assert_int_equal(HeapInit(&heap, base + 8, base + MIB, PAGE, GrowCallback,
                              NULL, NULL), E_INVAL);
    assert_int_equal(HeapInit(&heap, base + 16, base + MIB, PAGE, GrowCallback,
                              NULL, NULL), E_INVAL);        // not page-aligned
    assert_int_equal(HeapInit(&heap, base, base + HEAP_GROW_CHUNK - PAGE, PAGE,
                              GrowCallback, NULL, NULL), E_INVAL);
    assert_int_equal(HeapInit(&heap, base, base, PAGE, GrowCallback, NULL,
                              NULL), E_INVAL);
    assert_int_equal(f->growCalls, 1);                      // none called grow
    FreeHeap(f);

    // A grow callback that fails at once makes init fail with E_NOMEM.
    f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->buffer = aligned_alloc(PAGE, REGION);
    assert_non_null(f->buffer);
    f->mapped = (uintptr_t)f->buffer;
    f->failGrow = 1;
    assert_int_equal(HeapInit(&f->heap, (uintptr_t)f->buffer,
                              (uintptr_t)f->buffer + MIB, PAGE, GrowCallback,
                              ShrinkCallback, CorruptCallback), E_NOMEM);
    assert_int_equal(f->growCalls, 1);
    FreeHeap(f);
}

// Sizes from 0 bytes to several MiB are all 16-aligned, disjoint, hold
// their data, and are accounted for in usedBytes and allocations.
static void TestSizes(void **state)
{
    static const size_t sizes[] = {
        0, 1, 2, 7, 8, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 100, 127,
        128, 129, 255, 256, 257, 1000, 1023, 1024, 1025, 4095, 4096, 4097,
        8192, 65535 - 16, 65536, 100000, 262144, MIB, MIB + 1, 3 * MIB + 5,
        7 * MIB, 0, 1,
    };
    enum { COUNT = sizeof(sizes) / sizeof(sizes[0]) };
    uint8_t *p[COUNT];
    HeapFixture *f;
    size_t used = 0;

    (void)state;
    f = MakeHeap(REGION);
    for (size_t i = 0; i < COUNT; i++) {
        p[i] = Allocate(f, sizes[i]);
        Fill(p[i], sizes[i], (uint32_t)i);
        used += HeapBlockSize(&f->heap, p[i]) + HEADER;
        assert_int_equal(f->heap.usedBytes, used);
        assert_int_equal(f->heap.allocations, i + 1);
        ExpectHeapOk(f);
    }
    // No two blocks overlap, headers included.
    for (size_t i = 0; i < COUNT; i++) {
        uintptr_t si = (uintptr_t)p[i] - HEADER;
        uintptr_t ei = (uintptr_t)p[i] + HeapBlockSize(&f->heap, p[i]);
        for (size_t k = i + 1; k < COUNT; k++) {
            uintptr_t sk = (uintptr_t)p[k] - HEADER;
            uintptr_t ek = (uintptr_t)p[k] + HeapBlockSize(&f->heap, p[k]);
            assert_true(ei <= sk || ek <= si);
        }
    }
    for (size_t i = 0; i < COUNT; i++)
        Verify(p[i], sizes[i], (uint32_t)i);
    // Free odd ones first, then even ones, checking the rest each time.
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = 1 - pass; i < COUNT; i += 2) {
            Verify(p[i], sizes[i], (uint32_t)i);
            assert_int_equal(HeapFree(&f->heap, p[i]), HEAP_OK);
            ExpectHeapOk(f);
        }
    }
    assert_int_equal(f->heap.usedBytes, 0);
    assert_int_equal(f->heap.allocations, 0);
    FreeHeap(f);
}

// Small requests round up to 16 bytes of payload granularity and never
// waste more than a minimum block.
static void TestBlockSizeRounding(void **state)
{
    HeapFixture *f;

    (void)state;
    f = MakeHeap(REGION);
    for (size_t size = 0; size <= 300; size++) {
        uint8_t *p = Allocate(f, size);
        size_t got = HeapBlockSize(&f->heap, p);
        assert_int_equal(got % HEAP_ALIGN, 0);
        assert_true(got < size + 2 * HEAP_ALIGN);
        assert_int_equal(HeapFree(&f->heap, p), HEAP_OK);
    }
    ExpectHeapOk(f);
    FreeHeap(f);
}

#define STRESS_OPS   20000
#define STRESS_LIVE  512
#define STRESS_CHECK 50

typedef struct LiveBlock {
    uint8_t *p;
    size_t size;
    uint32_t seed;
} LiveBlock;

static size_t StressSize(void)
{
    int r = rand() % 100;

    if (r < 70)
        return (size_t)(rand() % 257);
    if (r < 97)
        return (size_t)(rand() % (16 * 1024));
    return (size_t)(rand() % (int)(MIB + 1));
}

// Random allocations and frees from a fixed seed: every block is aligned,
// keeps its contents until freed, the counters match, and HeapCheck passes
// throughout; freeing everything returns the heap to empty and trims it.
static void TestStress(void **state)
{
    static LiveBlock live[STRESS_LIVE];
    HeapFixture *f;
    size_t liveCount = 0, used = 0;

    (void)state;
    f = MakeHeap(REGION);
    srand(0xC1A0);
    for (uint32_t op = 0; op < STRESS_OPS; op++) {
        int allocate = liveCount == 0 ||
                       (liveCount < STRESS_LIVE && rand() % 100 < 55);
        if (allocate) {
            LiveBlock *b = &live[liveCount++];
            b->size = StressSize();
            b->seed = op;
            b->p = Allocate(f, b->size);
            Fill(b->p, b->size, b->seed);
            used += HeapBlockSize(&f->heap, b->p) + HEADER;
        } else {
            size_t k = (size_t)rand() % liveCount;
            LiveBlock *b = &live[k];
            Verify(b->p, b->size, b->seed);
            used -= HeapBlockSize(&f->heap, b->p) + HEADER;
            assert_int_equal(HeapFree(&f->heap, b->p), HEAP_OK);
            *b = live[--liveCount];
        }
        assert_int_equal(f->heap.allocations, liveCount);
        assert_int_equal(f->heap.usedBytes, used);
        if (op % STRESS_CHECK == 0)
            ExpectHeapOk(f);
    }
    assert_true(f->growCalls > 1);
    assert_true(f->shrinkCalls > 0);
    for (size_t i = 0; i < liveCount; i++) {
        Verify(live[i].p, live[i].size, live[i].seed);
        assert_int_equal(HeapFree(&f->heap, live[i].p), HEAP_OK);
    }
    ExpectHeapOk(f);
    assert_int_equal(f->heap.usedBytes, 0);
    assert_int_equal(f->heap.allocations, 0);
    // Only the first page or so remains mapped once everything is free.
    assert_true(f->heap.end - f->heap.start <= HEAP_TRIM_MIN);
    FreeHeap(f);
}

// Freeing three neighbours in any order merges them into one block: with
// no other free space and growth disabled, one allocation of their combined
// size still fits, at the first block's address.
static void TestMergeNeighbours(void **state)
{
    static const int orders[6][3] = {
        { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
    };
    void *fill[4096];

    (void)state;
    for (int o = 0; o < 6; o++) {
        HeapFixture *f = MakeHeap(REGION);
        uint8_t *abc[3], *guard, *whole;
        size_t combined = 0, n;

        abc[0] = Allocate(f, 1000);
        abc[1] = Allocate(f, 3000);
        abc[2] = Allocate(f, 200);
        guard = Allocate(f, 64);
        for (int i = 0; i < 3; i++)
            combined += HeapBlockSize(&f->heap, abc[i]) + HEADER;
        combined -= HEADER;
        n = FillWithoutGrowing(f, fill, 4096);
        f->failGrow = 1;
        assert_null(HeapAllocate(&f->heap, 0));     // really nothing left
        for (int i = 0; i < 3; i++) {
            assert_int_equal(HeapFree(&f->heap, abc[orders[o][i]]), HEAP_OK);
            ExpectHeapOk(f);
        }
        int grows = f->growCalls;
        whole = HeapAllocate(&f->heap, combined);
        assert_ptr_equal(whole, abc[0]);
        assert_int_equal(HeapBlockSize(&f->heap, whole), combined);
        assert_int_equal(f->growCalls, grows);
        Fill(whole, combined, 99);
        ExpectHeapOk(f);

        // Splitting it again and merging only two of the three works too.
        assert_int_equal(HeapFree(&f->heap, whole), HEAP_OK);
        abc[0] = Allocate(f, 1000);
        abc[1] = Allocate(f, 3000);
        abc[2] = Allocate(f, 200);
        assert_int_equal(HeapFree(&f->heap, abc[orders[o][0]]), HEAP_OK);
        assert_int_equal(HeapFree(&f->heap, abc[orders[o][1]]), HEAP_OK);
        ExpectHeapOk(f);
        f->failGrow = 0;
        for (size_t i = 0; i < n; i++)
            assert_int_equal(HeapFree(&f->heap, fill[i]), HEAP_OK);
        assert_int_equal(HeapFree(&f->heap, guard), HEAP_OK);
        ExpectHeapOk(f);
        FreeHeap(f);
    }
}

// Without the merge, freed neighbours cannot serve a request larger than
// each of them: the negative control for TestMergeNeighbours.
static void TestSeparatedBlocksDoNotMerge(void **state)
{
    HeapFixture *f = MakeHeap(REGION);
    void *fill[4096];
    uint8_t *a, *sep, *b;
    size_t sizeA, sizeB;

    (void)state;
    a = Allocate(f, 1000);
    sep = Allocate(f, 0);
    b = Allocate(f, 1000);
    sizeA = HeapBlockSize(&f->heap, a);
    sizeB = HeapBlockSize(&f->heap, b);
    size_t n = FillWithoutGrowing(f, fill, 4096);
    f->failGrow = 1;
    assert_int_equal(HeapFree(&f->heap, a), HEAP_OK);
    assert_int_equal(HeapFree(&f->heap, b), HEAP_OK);
    assert_null(HeapAllocate(&f->heap, sizeA + sizeB));
    uint8_t *p = HeapAllocate(&f->heap, sizeA);
    assert_true(p == a || p == b);
    ExpectHeapOk(f);
    f->failGrow = 0;
    assert_int_equal(HeapFree(&f->heap, sep), HEAP_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(HeapFree(&f->heap, fill[i]), HEAP_OK);
    ExpectHeapOk(f);
    FreeHeap(f);
}

// The heap grows when a request does not fit, and gives whole pages back
// when a large tail block is freed; a small free tail is kept.
static void TestGrowAndTrim(void **state)
{
    HeapFixture *f = MakeHeap(REGION);
    uint8_t *small, *big, *again;
    uintptr_t endBefore, endGrown;

    (void)state;
    small = Allocate(f, 100);
    assert_int_equal(f->growCalls, 1);
    assert_int_equal(HeapFree(&f->heap, small), HEAP_OK);
    assert_int_equal(f->shrinkCalls, 0);            // 64 KiB tail is kept
    small = Allocate(f, 100);
    Fill(small, 100, 4);

    endBefore = f->heap.end;
    big = Allocate(f, 2 * MIB);
    assert_int_equal(f->growCalls, 2);
    endGrown = f->heap.end;
    assert_true(endGrown >= endBefore + 2 * MIB);
    assert_true((uintptr_t)big + 2 * MIB <= endGrown);
    Fill(big, 2 * MIB, 5);
    ExpectHeapOk(f);

    assert_int_equal(HeapFree(&f->heap, big), HEAP_OK);
    assert_int_equal(f->shrinkCalls, 1);
    assert_true(f->heap.end < endBefore + PAGE * 2);
    assert_true(f->heap.end > (uintptr_t)small);
    ExpectHeapOk(f);
    Verify(small, 100, 4);

    // Growing again after a trim works and reuses the same addresses.
    again = Allocate(f, 2 * MIB);
    assert_ptr_equal(again, big);
    assert_int_equal(f->growCalls, 3);
    Fill(again, 2 * MIB, 6);
    ExpectHeapOk(f);
    assert_int_equal(HeapFree(&f->heap, again), HEAP_OK);
    assert_int_equal(HeapFree(&f->heap, small), HEAP_OK);
    ExpectHeapOk(f);
    FreeHeap(f);
}

// Freeing a large block that is not at the tail trims nothing; freeing the
// tail block afterwards trims both (they merge).
static void TestTrimOnlyAtTail(void **state)
{
    HeapFixture *f = MakeHeap(REGION);
    uint8_t *a, *b;

    (void)state;
    a = Allocate(f, MIB);
    b = Allocate(f, 16);
    uintptr_t end = f->heap.end;
    assert_int_equal(HeapFree(&f->heap, a), HEAP_OK);
    assert_int_equal(f->shrinkCalls, 0);
    assert_int_equal(f->heap.end, end);
    assert_int_equal(HeapFree(&f->heap, b), HEAP_OK);
    assert_int_equal(f->shrinkCalls, 1);
    assert_true(f->heap.end - f->heap.start <= 2 * PAGE);
    ExpectHeapOk(f);
    FreeHeap(f);
}

// At the limit allocations return NULL, the heap stays consistent and never
// passes the limit, and it serves requests again once memory is freed.
static void TestLimitReached(void **state)
{
    HeapFixture *f = MakeHeap(8 * MIB);
    void *blocks[64];
    size_t n = 0;
    void *p;

    (void)state;
    while ((p = HeapAllocate(&f->heap, MIB)) != NULL) {
        assert_true(n < 64);
        Fill(p, MIB, (uint32_t)n);
        blocks[n++] = p;
    }
    assert_true(n >= 6 && n < 8);
    assert_true(f->heap.end <= f->heap.limit);
    ExpectHeapOk(f);
    assert_null(HeapAllocate(&f->heap, 8 * MIB));
    assert_null(HeapAllocate(&f->heap, 100 * MIB));
    ExpectHeapOk(f);

    // Small requests still fit in what is left.
    p = Allocate(f, 1000);
    assert_int_equal(HeapFree(&f->heap, p), HEAP_OK);

    // Free one block in the middle: a request of that size fits again.
    assert_int_equal(HeapFree(&f->heap, blocks[2]), HEAP_OK);
    p = Allocate(f, MIB);
    assert_ptr_equal(p, blocks[2]);
    blocks[2] = p;
    Fill(p, MIB, 2);
    for (size_t i = 0; i < n; i++) {
        Verify(blocks[i], MIB, (uint32_t)i);
        assert_int_equal(HeapFree(&f->heap, blocks[i]), HEAP_OK);
    }
    ExpectHeapOk(f);
    assert_int_equal(f->heap.usedBytes, 0);
    FreeHeap(f);
}

// Near the limit, a request that the free tail block plus the remaining
// room can hold is served: the region is not exhausted until both are used.
static void TestLimitUsesFreeTail(void **state)
{
    HeapFixture *f = MakeHeap(MIB);
    uint8_t *big, *p;
    uintptr_t room, tail;

    (void)state;
    big = Allocate(f, 900 * KIB);
    room = f->heap.limit - f->heap.end;
    tail = f->heap.end - HEADER - ((uintptr_t)big + HeapBlockSize(&f->heap, big));
    // The tail alone and the room alone are each too small for 100 KiB,
    // together they are not.
    assert_true(tail < 100 * KIB && room < 100 * KIB);
    assert_true(tail + room >= 100 * KIB + 2 * HEADER);
    p = Allocate(f, 100 * KIB);
    assert_true(p > big);
    assert_true(f->heap.end <= f->heap.limit);
    Fill(p, 100 * KIB, 8);
    ExpectHeapOk(f);
    assert_int_equal(HeapFree(&f->heap, p), HEAP_OK);
    assert_int_equal(HeapFree(&f->heap, big), HEAP_OK);
    ExpectHeapOk(f);
    FreeHeap(f);
}

// Absurd sizes return NULL without touching anything.
static void TestAbsurdSizes(void **state)
{
    HeapFixture *f = MakeHeap(REGION);
    HeapSnapshot snap;

    (void)state;
    snap = TakeSnapshot(f);
    assert_null(HeapAllocate(&f->heap, SIZE_MAX));
    assert_null(HeapAllocate(&f->heap, SIZE_MAX - 15));
    assert_null(HeapAllocate(&f->heap, (size_t)1 << 31));
    assert_null(HeapAllocate(&f->heap, (size_t)1 << 40));
    ExpectSnapshot(f, &snap);
    assert_int_equal(f->growCalls, 1);
    ExpectHeapOk(f);
    FreeHeap(f);
}

// When the grow callback fails (no physical memory), allocation returns
// NULL, the heap is unchanged, and it works once memory is back.
static void TestGrowFailure(void **state)
{
    HeapFixture *f = MakeHeap(REGION);
    HeapSnapshot snap;
    uint8_t *p;

    (void)state;
    f->failGrow = 1;
    snap = TakeSnapshot(f);
    assert_null(HeapAllocate(&f->heap, MIB));
    ExpectSnapshot(f, &snap);
    assert_int_equal(f->growCalls, 2);
    p = Allocate(f, 100);                   // fits the first chunk
    f->failGrow = 0;
    uint8_t *q = Allocate(f, MIB);
    assert_int_equal(HeapFree(&f->heap, q), HEAP_OK);
    assert_int_equal(HeapFree(&f->heap, p), HEAP_OK);
    ExpectHeapOk(f);
    FreeHeap(f);
}

// HeapFree(NULL) succeeds and changes nothing.
static void TestFreeNull(void **state)
{
    HeapFixture *f = MakeHeap(REGION);
    HeapSnapshot snap;
    uint8_t *p = Allocate(f, 10);

    (void)state;
    snap = TakeSnapshot(f);
    assert_int_equal(HeapFree(&f->heap, NULL), HEAP_OK);
    ExpectSnapshot(f, &snap);
    assert_int_equal(HeapFree(&f->heap, p), HEAP_OK);
    FreeHeap(f);
}

// Freeing a block twice is HEAP_DOUBLE_FREE and changes nothing, whether it
// is still a free block of its own or was merged into a neighbour.
static void TestDoubleFree(void **state)
{
    HeapFixture *f = MakeHeap(REGION);
    uint8_t *a, *b, *c, *d, *guard;

    (void)state;
    a = Allocate(f, 100);
    b = Allocate(f, 200);
    c = Allocate(f, 300);
    d = Allocate(f, 400);
    guard = Allocate(f, 16);

    // A free block between two used ones.
    assert_int_equal(HeapFree(&f->heap, b), HEAP_OK);
    ExpectRejected(f, b, HEAP_DOUBLE_FREE, HEAP_DOUBLE_FREE);
    ExpectHeapOk(f);

    // c merges into the free b before it; both are double frees now.
    assert_int_equal(HeapFree(&f->heap, c), HEAP_OK);
    ExpectRejected(f, c, HEAP_DOUBLE_FREE, HEAP_DOUBLE_FREE);
    ExpectRejected(f, b, HEAP_DOUBLE_FREE, HEAP_DOUBLE_FREE);
    ExpectHeapOk(f);

    // a absorbs the free block after it (b+c).
    assert_int_equal(HeapFree(&f->heap, a), HEAP_OK);
    ExpectRejected(f, a, HEAP_DOUBLE_FREE, HEAP_DOUBLE_FREE);
    ExpectRejected(f, b, HEAP_DOUBLE_FREE, HEAP_DOUBLE_FREE);
    ExpectRejected(f, c, HEAP_DOUBLE_FREE, HEAP_DOUBLE_FREE);
    ExpectHeapOk(f);

    // d merges both ways.
    assert_int_equal(HeapFree(&f->heap, d), HEAP_OK);
    ExpectRejected(f, d, HEAP_DOUBLE_FREE, HEAP_DOUBLE_FREE);
    ExpectHeapOk(f);
    assert_int_equal(f->heap.allocations, 1);

    // The merged space is whole: one block covering a..d comes back at a.
    f->failGrow = 1;
    uint8_t *whole = HeapAllocate(&f->heap, (size_t)(guard - a) - HEADER);
    assert_ptr_equal(whole, a);
    f->failGrow = 0;
    assert_int_equal(HeapFree(&f->heap, whole), HEAP_OK);
    assert_int_equal(HeapFree(&f->heap, guard), HEAP_OK);
    ExpectRejected(f, guard, HEAP_DOUBLE_FREE, HEAP_DOUBLE_FREE);
    ExpectHeapOk(f);
    FreeHeap(f);
}

// Pointers this heap never handed out are refused without a crash and
// without changing anything: outside the heap, misaligned, inside a block,
// at the start of the heap, on the sentinel, and in released memory.
static void TestBadPointers(void **state)
{
    HeapFixture *f = MakeHeap(REGION);
    uint8_t *a, *big, *b;
    int local = 0;
    uintptr_t start = f->heap.start;

    (void)state;
    a = Allocate(f, 256);
    big = Allocate(f, 8192);
    b = Allocate(f, 64);
    Fill(a, 256, 1);
    memset(big, 0, 4096);
    Fill(big + 4096, 4096, 2);

    ExpectRejected(f, &local, HEAP_BAD_POINTER, HEAP_BAD_POINTER);
    ExpectRejected(f, (void *)1, HEAP_BAD_POINTER, HEAP_BAD_POINTER);
    ExpectRejected(f, (void *)start, HEAP_BAD_POINTER, HEAP_BAD_POINTER);
    ExpectRejected(f, (void *)(start - 16), HEAP_BAD_POINTER, HEAP_BAD_POINTER);
    ExpectRejected(f, (void *)(start + 8), HEAP_BAD_POINTER, HEAP_BAD_POINTER);
    ExpectRejected(f, (void *)f->heap.end, HEAP_BAD_POINTER, HEAP_BAD_POINTER);
    ExpectRejected(f, (void *)(f->heap.end - 16), HEAP_BAD_POINTER, HEAP_CORRUPT);
    ExpectRejected(f, (void *)(f->heap.end + 4096), HEAP_BAD_POINTER, HEAP_BAD_POINTER);
    ExpectRejected(f, (void *)(f->heap.limit), HEAP_BAD_POINTER, HEAP_BAD_POINTER);
    ExpectRejected(f, (void *)(f->heap.limit + 4096), HEAP_BAD_POINTER, HEAP_BAD_POINTER);
    ExpectRejected(f, (void *)UINTPTR_MAX, HEAP_BAD_POINTER, HEAP_BAD_POINTER);
    ExpectRejected(f, (void *)(UINTPTR_MAX - 15), HEAP_BAD_POINTER, HEAP_BAD_POINTER);
    for (int off = 1; off < 16; off++)
        ExpectRejected(f, a + off, HEAP_BAD_POINTER, HEAP_BAD_POINTER);
    // Every 16-aligned address inside the blocks' payloads.
    for (size_t off = 16; off < 256; off += 16)
        ExpectRejected(f, a + off, HEAP_BAD_POINTER, HEAP_CORRUPT);
    for (size_t off = 16; off < 8192; off += 16)
        ExpectRejected(f, big + off, HEAP_BAD_POINTER, HEAP_CORRUPT);
    ExpectHeapOk(f);

    // After a trim, the released range is outside the heap.
    uint8_t *huge = Allocate(f, 2 * MIB);
    uintptr_t oldEnd = f->heap.end;
    assert_int_equal(HeapFree(&f->heap, huge), HEAP_OK);
    assert_true(f->heap.end < oldEnd);
    ExpectRejected(f, huge + MIB, HEAP_BAD_POINTER, HEAP_BAD_POINTER);
    ExpectRejected(f, (void *)(oldEnd - 16), HEAP_BAD_POINTER, HEAP_BAD_POINTER);

    Verify(a, 256, 1);
    assert_int_equal(HeapFree(&f->heap, a), HEAP_OK);
    assert_int_equal(HeapFree(&f->heap, big), HEAP_OK);
    assert_int_equal(HeapFree(&f->heap, b), HEAP_OK);
    ExpectHeapOk(f);
    FreeHeap(f);
}

// Damaging any byte of a block's header (a write before the payload) makes
// freeing it HEAP_CORRUPT with nothing changed; repaired, it frees fine.
static void TestOverwrittenHeader(void **state)
{
    HeapFixture *f = MakeHeap(REGION);
    uint8_t *a, *b, *c;

    (void)state;
    a = Allocate(f, 96);
    b = Allocate(f, 96);
    c = Allocate(f, 96);
    for (int i = 1; i <= HEADER; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            uint8_t saved = b[-i];
            b[-i] ^= (uint8_t)(1u << bit);
            ExpectRejected(f, b, HEAP_CORRUPT, HEAP_CORRUPT);
            assert_int_equal(HeapCheck(&f->heap), HEAP_CORRUPT);
            b[-i] = saved;
            ExpectHeapOk(f);
        }
    }
    // An underrun that zeroes the whole header.
    uint8_t saved[HEADER];
    memcpy(saved, b - HEADER, HEADER);
    memset(b - HEADER, 0, HEADER);
    ExpectRejected(f, b, HEAP_CORRUPT, HEAP_CORRUPT);
    memcpy(b - HEADER, saved, HEADER);
    ExpectHeapOk(f);
    assert_int_equal(HeapFree(&f->heap, b), HEAP_OK);
    assert_int_equal(HeapFree(&f->heap, a), HEAP_OK);
    assert_int_equal(HeapFree(&f->heap, c), HEAP_OK);
    ExpectHeapOk(f);
    FreeHeap(f);
}

// An overrun past the end of a block smashes the next header: freeing
// either block is HEAP_CORRUPT (neighbours are checked before merging).
static void TestOverrunIntoNeighbour(void **state)
{
    HeapFixture *f = MakeHeap(REGION);
    uint8_t *a, *b, *c, saved[HEADER];
    size_t sizeA;

    (void)state;
    a = Allocate(f, 100);
    b = Allocate(f, 100);
    c = Allocate(f, 100);
    sizeA = HeapBlockSize(&f->heap, a);
    assert_ptr_equal(a + sizeA + HEADER, b);        // b follows a
    memcpy(saved, a + sizeA, HEADER);
    memset(a + sizeA, 'X', 4);                      // 4 bytes too many
    ExpectRejected(f, a, HEAP_CORRUPT, HEAP_CORRUPT);
    ExpectRejected(f, b, HEAP_CORRUPT, HEAP_CORRUPT);
    ExpectRejected(f, c, HEAP_CORRUPT, HEAP_CORRUPT);   // its prev is b
    memcpy(a + sizeA, saved, HEADER);
    ExpectHeapOk(f);
    assert_int_equal(HeapFree(&f->heap, b), HEAP_OK);
    assert_int_equal(HeapFree(&f->heap, a), HEAP_OK);
    assert_int_equal(HeapFree(&f->heap, c), HEAP_OK);
    ExpectHeapOk(f);
    FreeHeap(f);
}

// A free block's header overwritten while it sits in a bin (a use after
// free) is caught by the allocator: onCorrupt fires with its address and
// the allocation returns NULL without growing; repaired, all is well.
static void TestCorruptFreeBlockInBin(void **state)
{
    HeapFixture *f = MakeHeap(REGION);
    uint8_t *a, *b, *c, saved[HEADER];
    size_t sizeB;

    (void)state;
    a = Allocate(f, 500);
    b = Allocate(f, 500);
    c = Allocate(f, 500);
    sizeB = HeapBlockSize(&f->heap, b);
    assert_int_equal(HeapFree(&f->heap, b), HEAP_OK);
    memcpy(saved, b - HEADER, HEADER);

    b[-HEADER + 4] ^= 0x40;                         // the size field
    assert_int_equal(HeapCheck(&f->heap), HEAP_CORRUPT);
    int grows = f->growCalls;
    assert_null(HeapAllocate(&f->heap, sizeB));
    assert_int_equal(f->corruptCalls, 1);
    assert_int_equal(f->corruptWhere, (uintptr_t)(b - HEADER));
    assert_int_equal(f->growCalls, grows);
    // Its neighbours cannot be freed into it either.
    ExpectRejected(f, a, HEAP_CORRUPT, HEAP_CORRUPT);
    ExpectRejected(f, c, HEAP_CORRUPT, HEAP_CORRUPT);

    // A wholesale overwrite (magic included) is caught too.
    memset(b - HEADER, 0x5A, HEADER);
    assert_null(HeapAllocate(&f->heap, sizeB));
    assert_int_equal(f->corruptCalls, 2);
    assert_int_equal(f->corruptWhere, (uintptr_t)(b - HEADER));

    // Without an onCorrupt callback the allocation still just fails.
    f->heap.onCorrupt = NULL;
    assert_null(HeapAllocate(&f->heap, sizeB));
    assert_int_equal(f->corruptCalls, 2);
    f->heap.onCorrupt = CorruptCallback;

    memcpy(b - HEADER, saved, HEADER);
    ExpectHeapOk(f);
    assert_ptr_equal(HeapAllocate(&f->heap, sizeB), b);
    assert_int_equal(f->corruptCalls, 2);
    assert_int_equal(HeapFree(&f->heap, a), HEAP_OK);
    assert_int_equal(HeapFree(&f->heap, b), HEAP_OK);
    assert_int_equal(HeapFree(&f->heap, c), HEAP_OK);
    ExpectHeapOk(f);
    FreeHeap(f);
}

// Status names are distinct and an out-of-range status is "unknown".
static void TestStatusNames(void **state)
{
    (void)state;
    assert_string_equal(HeapStatusName(HEAP_OK), "ok");
    assert_string_not_equal(HeapStatusName(HEAP_BAD_POINTER),
                            HeapStatusName(HEAP_DOUBLE_FREE));
    assert_string_not_equal(HeapStatusName(HEAP_DOUBLE_FREE),
                            HeapStatusName(HEAP_CORRUPT));
    assert_string_equal(HeapStatusName((HeapStatus)42), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestInit),
        cmocka_unit_test(TestSizes),
        cmocka_unit_test(TestBlockSizeRounding),
        cmocka_unit_test(TestStress),
        cmocka_unit_test(TestMergeNeighbours),
        cmocka_unit_test(TestSeparatedBlocksDoNotMerge),
        cmocka_unit_test(TestGrowAndTrim),
        cmocka_unit_test(TestTrimOnlyAtTail),
        cmocka_unit_test(TestLimitReached),
        cmocka_unit_test(TestLimitUsesFreeTail),
        cmocka_unit_test(TestAbsurdSizes),
        cmocka_unit_test(TestGrowFailure),
        cmocka_unit_test(TestFreeNull),
        cmocka_unit_test(TestDoubleFree),
        cmocka_unit_test(TestBadPointers),
        cmocka_unit_test(TestOverwrittenHeader),
        cmocka_unit_test(TestOverrunIntoNeighbour),
        cmocka_unit_test(TestCorruptFreeBlockInBin),
        cmocka_unit_test(TestStatusNames),
    };

    return cmocka_run_group_tests_name("heap", tests, NULL, NULL);
}
