// Physical page allocator tests: every page out and back, zones, and the
// pages that must never be handed out.
#include <stddef.h>
#include <arch/x86/layout.h>
#include <kernel/mm/memory.h>
#include <arch/x86/vmm.h>
#include "ktest.h"

// Is [pa, pa+4K) clear of every region the boot plan protects?
static int OutsideProtected(uint32_t pa)
{
    const MemPlan *plan = MemBootPlan();

    for (uint32_t i = 0; i < plan->regionCount; i++) {
        if (pa < plan->regions[i].end && pa + PAGE_SIZE > plan->regions[i].start)
            return 0;
    }
    return pa >= 0x100000;
}

// Write link into the first word of page pa and check it reads back.
static void StoreLink(uint32_t pa, uint32_t link)
{
    volatile uint32_t *word;

    if (pa < DIRECT_MAP_SIZE) {
        word = PhysToVirt(pa);
        *word = link;
        KTEST_ASSERT_EQ(*word, link);
        return;
    }
    word = VmmMapTemporary(pa);
    KTEST_ASSERT(word != NULL);
    *word = link;
    KTEST_ASSERT_EQ(*word, link);
    VmmUnmapTemporary((void *)word);
}

static uint32_t LoadLink(uint32_t pa)
{
    uint32_t link;
    volatile uint32_t *word;

    if (pa < DIRECT_MAP_SIZE)
        return *(volatile uint32_t *)PhysToVirt(pa);
    word = VmmMapTemporary(pa);
    KTEST_ASSERT(word != NULL);
    link = *word;
    VmmUnmapTemporary((void *)word);
    return link;
}

// Allocate every page of zone, chaining them through their first word;
// returns the head of the chain and the count.
static uint32_t TakeAll(MemZone zone, uint32_t *count)
{
    uint32_t head = 0, pa;

    *count = 0;
    while ((pa = MemPageAllocate(zone)) != 0) {
        KTEST_ASSERT_EQ(pa & (PAGE_SIZE - 1), 0);
        KTEST_ASSERT(OutsideProtected(pa));
        KTEST_ASSERT(!MemPageIsFree(pa));
        if (zone == MEM_ZONE_LOW)
            KTEST_ASSERT(pa < DIRECT_MAP_SIZE);
        StoreLink(pa, head);
        head = pa;
        (*count)++;
    }
    return head;
}

static uint32_t GiveAll(uint32_t head)
{
    uint32_t count = 0;

    while (head) {
        uint32_t next = LoadLink(head);
        MemPageFree(head);
        head = next;
        count++;
    }
    return count;
}

// Every free page can be allocated exactly once (a repeat would be a
// double free when the chain is released), none is protected, and the
// free count returns to its baseline.
KTEST(PagesAllocateEveryPageAndFreeThemAll)
{
    uint32_t baseline = MemFreePages(), count, head;

    KTEST_ASSERT(baseline > 0);
    head = TakeAll(MEM_ZONE_ANY, &count);
    KTEST_ASSERT_EQ(count, baseline);
    KTEST_ASSERT_EQ(MemFreePages(), 0);
    KTEST_ASSERT_EQ(MemPageAllocate(MEM_ZONE_ANY), 0);
    KTEST_ASSERT_EQ(GiveAll(head), count);
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
}

// The low zone runs out on its own while high pages (if any) remain.
KTEST(PagesLowZoneIsDirectMapped)
{
    uint32_t baseline = MemFreePages(), count, head;

    head = TakeAll(MEM_ZONE_LOW, &count);
    KTEST_ASSERT(count > 0);
    KTEST_ASSERT_EQ(MemFreePages(), baseline - count);
    KTEST_ASSERT_EQ(GiveAll(head), count);
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
}

// The kernel image, boot information and modules are never free.
KTEST(PagesProtectedRegionsAreNeverFree)
{
    const MemPlan *plan = MemBootPlan();
    int sawKernel = 0;

    for (uint32_t i = 0; i < plan->regionCount; i++) {
        const MemRegion *r = &plan->regions[i];
        for (uint64_t pa = r->start; pa < r->end && pa < 0x100000000ull; pa += PAGE_SIZE)
            KTEST_ASSERT(!MemPageIsFree((uint32_t)pa));
        sawKernel |= KtestContains(r->what, "kernel image");
    }
    KTEST_ASSERT(sawKernel);
}

// Freeing a page twice is caught with a clear panic, and changes nothing.
KTEST(PagesDoubleFreePanics)
{
    uint32_t pa = MemPageAllocate(MEM_ZONE_ANY), baseline;

    KTEST_ASSERT(pa != 0);
    MemPageFree(pa);
    baseline = MemFreePages();
    KTEST_EXPECT_PANIC(MemPageFree(pa));
    KTEST_ASSERT(KtestContains(PanicLastExpected()->message, "double free"));
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
}

// Freeing something that is not managed RAM is caught too.
KTEST(PagesFreeOfNonRamPanics)
{
    uint32_t baseline = MemFreePages();

    KTEST_EXPECT_PANIC(MemPageFree(0xb8000));          // VGA memory
    KTEST_ASSERT(KtestContains(PanicLastExpected()->message, "not a page of RAM"));
    KTEST_EXPECT_PANIC(MemPageFree(0x00100000));       // kernel image
    KTEST_EXPECT_PANIC(MemPageFree(0xfffff000));       // beyond RAM
    KTEST_EXPECT_PANIC(MemPageFree(0x00200010));       // not page-aligned
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
}
