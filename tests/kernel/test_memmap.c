// Boot memory planning with hostile boot information: the same code path
// the kernel booted through, fed with fake Multiboot structures.
#include <stddef.h>
#include <clanker/error.h>
#include <lib/string.h>
#include <arch/x86/layout.h>
#include <kernel/mm/memory.h>
#include "ktest.h"

static MultibootInfo info;
static MultibootMmapEntry entries[8];
static MemPlan plan;

static void SetEntries(const MultibootMmapEntry *list, uint32_t count)
{
    memset(&info, 0, sizeof(info));
    for (uint32_t i = 0; i < count; i++) {
        entries[i] = list[i];
        entries[i].size = 20;
    }
    info.flags = MULTIBOOT_INFO_MMAP;
    info.mmapAddr = VirtToPhys(entries);
    info.mmapLength = count * sizeof(MultibootMmapEntry);
}

static int Usable(uint64_t start, uint64_t end)
{
    for (uint32_t i = 0; i < plan.usable.count; i++) {
        if (plan.usable.ranges[i].start <= start && end <= plan.usable.ranges[i].end)
            return 1;
    }
    return 0;
}

// The real boot plan protects the kernel, the boot information and every
// module it was given.
KTEST(MemPlanOfThisBoot)
{
    const MemPlan *boot = MemBootPlan();
    int kernel = 0, module = 0;

    for (uint32_t i = 0; i < boot->regionCount; i++) {
        kernel |= strcmp(boot->regions[i].what, "kernel image") == 0;
        module |= strcmp(boot->regions[i].what, "module") == 0;
    }
    KTEST_ASSERT(kernel);
    KTEST_ASSERT(module);       // the bench always boots with one module
    KTEST_ASSERT(!Usable(0, PAGE_SIZE));
}

// No map and no basic sizes: a clear "nothing" instead of a guess.
KTEST(MemPlanWithoutMemoryInformation)
{
    memset(&info, 0, sizeof(info));
    KTEST_ASSERT_EQ(MemPlanBuild(VirtToPhys(&info), &plan), E_NOENT);
    KTEST_ASSERT_EQ(plan.report.source, MEMMAP_SOURCE_NONE);
    info.flags = MULTIBOOT_INFO_MMAP;       // claims a map, gives none
    KTEST_ASSERT_EQ(MemPlanBuild(VirtToPhys(&info), &plan), E_NOENT);
    KTEST_ASSERT_EQ(MemPlanBuild(0xfffff000u, &plan), E_NOENT);   // unreachable
}

// Only memLower/memUpper: used, minus low memory and the kernel.
KTEST(MemPlanFromBasicSizes)
{
    memset(&info, 0, sizeof(info));
    info.flags = MULTIBOOT_INFO_MEMORY;
    info.memLower = 639;
    info.memUpper = 31 * 1024;
    KTEST_ASSERT_EQ(MemPlanBuild(VirtToPhys(&info), &plan), 0);
    KTEST_ASSERT_EQ(plan.report.source, MEMMAP_SOURCE_BASIC);
    KTEST_ASSERT(Usable(16u << 20, 32u << 20));
    KTEST_ASSERT(!Usable(0x100000, 0x101000));
}

// Unsorted and overlapping entries: reserved wins; above 4 GiB ignored
// and reported.
KTEST(MemPlanHostileMap)
{
    static const MultibootMmapEntry map[] = {
        { 0, 0x100000000ull, 0x40000000ull, 1 },    // 1 GiB above 4 GiB
        { 0, 0x100000, 0x3f00000, 1 },               // 1 MiB - 64 MiB
        { 0, 0x0, 0x9fc00, 1 },
        { 0, 0x2000000, 0x100000, 2 },               // reserved inside RAM
        { 0, 0xf0000000ull, 0x20000000ull, 1 },      // straddles 4 GiB
    };

    SetEntries(map, 5);
    KTEST_ASSERT_EQ(MemPlanBuild(VirtToPhys(&info), &plan), 0);
    KTEST_ASSERT(plan.report.unsorted);
    KTEST_ASSERT(plan.report.overlapping);
    KTEST_ASSERT_EQ(plan.report.ignoredAbove4G, 0x40000000ull + 0x10000000ull);
    KTEST_ASSERT(!Usable(0x2000000, 0x2001000));
    KTEST_ASSERT(Usable(0x3000000, 0x4000000));
    KTEST_ASSERT(Usable(0xf0000000ull, 0x100000000ull));
    KTEST_ASSERT(!Usable(0x100000000ull, 0x100001000ull));
}

// A map whose entry sizes lie: the walk stops, nothing past it is used.
KTEST(MemPlanMalformedMap)
{
    static const MultibootMmapEntry map[] = {
        { 0, 0x100000, 0x1000000, 1 },
        { 0, 0x2000000, 0x1000000, 1 },
    };

    SetEntries(map, 2);
    entries[1].size = 3;                    // below the minimum of 20
    KTEST_ASSERT_EQ(MemPlanBuild(VirtToPhys(&info), &plan), 0);
    KTEST_ASSERT_EQ(plan.report.malformed, 1);
    KTEST_ASSERT(!Usable(0x2000000, 0x2001000));
    entries[1].size = 0xfffffff0;           // runs past the end
    KTEST_ASSERT_EQ(MemPlanBuild(VirtToPhys(&info), &plan), 0);
    KTEST_ASSERT_EQ(plan.report.malformed, 1);
}
