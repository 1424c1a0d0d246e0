// Kernel heap tests: alignment, sizes from 1 byte to megabytes, a random
// stress with verified contents, out-of-memory, and the corruption checks.
#include <stddef.h>
#include <lib/string.h>
#include <arch/x86/layout.h>
#include <kernel/mm/kheap.h>
#include <kernel/mm/memory.h>
#include "ktest.h"

#define STRESS_SLOTS 256
#define STRESS_STEPS 20000

typedef struct Slot {
    uint8_t *ptr;
    uint32_t size;
    uint8_t seed;
} Slot;

static Slot slots[STRESS_SLOTS];

static void Fill(uint8_t *p, uint32_t size, uint8_t seed)
{
    for (uint32_t i = 0; i < size; i++)
        p[i] = (uint8_t)(seed + i * 7);
}

static int Intact(const uint8_t *p, uint32_t size, uint8_t seed)
{
    for (uint32_t i = 0; i < size; i++) {
        if (p[i] != (uint8_t)(seed + i * 7))
            return 0;
    }
    return 1;
}

// Every size from 1 to 300 bytes comes back 16-byte aligned and usable.
KTEST(HeapSmallSizesAreAligned)
{
    void *blocks[300];

    for (uint32_t n = 1; n <= 300; n++) {
        blocks[n - 1] = kmalloc(n);
        KTEST_ASSERT(blocks[n - 1] != NULL);
        KTEST_ASSERT_EQ((uintptr_t)blocks[n - 1] & 15, 0);
        KTEST_ASSERT(HeapBlockSize(KernelHeap(), blocks[n - 1]) >= n);
        Fill(blocks[n - 1], n, (uint8_t)n);
    }
    for (uint32_t n = 1; n <= 300; n++) {
        KTEST_ASSERT(Intact(blocks[n - 1], n, (uint8_t)n));
        kfree(blocks[n - 1]);
    }
    KTEST_ASSERT_EQ(HeapCheck(KernelHeap()), HEAP_OK);
}

// Random sizes and frees from a fixed seed; contents verified on free.
KTEST(HeapRandomStress)
{
    uint32_t rng = 0x12345678, live = 0;
    uint32_t pagesBefore = MemFreePages();

    memset(slots, 0, sizeof(slots));
    for (uint32_t step = 0; step < STRESS_STEPS; step++) {
        Slot *s = &slots[KtestRandom(&rng) % STRESS_SLOTS];
        if (s->ptr) {
            KTEST_ASSERT(Intact(s->ptr, s->size, s->seed));
            kfree(s->ptr);
            s->ptr = NULL;
            live--;
            continue;
        }
        uint32_t r = KtestRandom(&rng);
        s->size = (r & 0xff) == 0 ? r % (256 * 1024) : 1 + r % 2048;
        s->seed = (uint8_t)step;
        s->ptr = kmalloc(s->size);
        KTEST_ASSERT(s->ptr != NULL);
        KTEST_ASSERT_EQ((uintptr_t)s->ptr & 15, 0);
        Fill(s->ptr, s->size, s->seed);
        live++;
        if (step % 1000 == 0)
            KTEST_ASSERT_EQ(HeapCheck(KernelHeap()), HEAP_OK);
    }
    for (uint32_t i = 0; i < STRESS_SLOTS; i++) {
        if (slots[i].ptr) {
            KTEST_ASSERT(Intact(slots[i].ptr, slots[i].size, slots[i].seed));
            kfree(slots[i].ptr);
            live--;
        }
    }
    KTEST_ASSERT_EQ(live, 0);
    KTEST_ASSERT_EQ(HeapCheck(KernelHeap()), HEAP_OK);
    // Big frees give their pages back; at most the growth slack remains.
    KTEST_ASSERT(MemFreePages() + HEAP_TRIM_MIN / PAGE_SIZE >= pagesBefore);
}

// Several megabytes in one block, written end to end, then given back.
KTEST(HeapMegabyteBlocks)
{
    uint32_t freeBytes = MemFreePages() * PAGE_SIZE;
    uint32_t size = freeBytes / 2 > 8u << 20 ? 8u << 20 : freeBytes / 2;
    uint32_t pagesBefore = MemFreePages();
    uint8_t *big = kmalloc(size);

    KTEST_ASSERT(size >= (3u << 20));
    KTEST_ASSERT(big != NULL);
    Fill(big, size, 0x5a);
    KTEST_ASSERT(Intact(big, size, 0x5a));
    kfree(big);
    KTEST_ASSERT(MemFreePages() + HEAP_TRIM_MIN / PAGE_SIZE >= pagesBefore);
    KTEST_ASSERT_EQ(HeapCheck(KernelHeap()), HEAP_OK);
}

// Asking for more than there is returns NULL, leaks nothing, and the heap
// works afterwards.
KTEST(HeapOutOfMemoryReturnsNull)
{
    uint32_t pagesBefore = MemFreePages();
    void *p;

    KTEST_ASSERT(kmalloc(MemFreePages() * PAGE_SIZE + (4u << 20)) == NULL);
    KTEST_ASSERT_EQ(MemFreePages(), pagesBefore);
    KTEST_ASSERT(kmalloc(HEAP_LIMIT - HEAP_BASE) == NULL);
    KTEST_ASSERT(kmalloc(0xfffffff0u) == NULL);
    KTEST_ASSERT_EQ(MemFreePages(), pagesBefore);
    p = kmalloc(64);
    KTEST_ASSERT(p != NULL);
    kfree(p);
    kfree(NULL);
    KTEST_ASSERT_EQ(HeapCheck(KernelHeap()), HEAP_OK);
}

// Freed neighbours merge: three adjacent blocks freed make room for one
// block of their combined size at the same address.
KTEST(HeapNeighboursMerge)
{
    uint8_t *a = kmalloc(1000), *b = kmalloc(1000), *c = kmalloc(1000);
    uint8_t *all;

    KTEST_ASSERT(a && b && c);
    KTEST_ASSERT(b > a && c > b);
    kfree(a);
    kfree(c);
    kfree(b);
    all = kmalloc((uint32_t)(c - a) + 1000);
    KTEST_ASSERT(all == a);
    kfree(all);
}

KTEST(HeapDoubleFreePanics)
{
    void *p = kmalloc(100);

    kfree(p);
    KTEST_EXPECT_PANIC(kfree(p));
    KTEST_ASSERT(KtestContains(PanicLastExpected()->message, "double free"));
    KTEST_ASSERT_EQ(HeapCheck(KernelHeap()), HEAP_OK);
}

KTEST(HeapOverwrittenHeaderPanics)
{
    uint8_t *p = kmalloc(100);
    uint8_t saved[16];

    memcpy(saved, p - 16, 16);
    memset(p - 16, 0x41, 16);           // a buffer underrun
    KTEST_EXPECT_PANIC(kfree(p));
    KTEST_ASSERT(KtestContains(PanicLastExpected()->message, "overwritten"));
    memcpy(p - 16, saved, 16);
    kfree(p);
    KTEST_ASSERT_EQ(HeapCheck(KernelHeap()), HEAP_OK);
}

KTEST(HeapForeignPointerPanics)
{
    static uint8_t notHeap[64];

    KTEST_EXPECT_PANIC(kfree(notHeap));
    KTEST_ASSERT(KtestContains(PanicLastExpected()->message, "not from this heap"));
    KTEST_EXPECT_PANIC(kfree((void *)(HEAP_BASE + 8)));
    KTEST_ASSERT_EQ(HeapCheck(KernelHeap()), HEAP_OK);
}
