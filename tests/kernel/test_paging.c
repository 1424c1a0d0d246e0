// Paging tests: the layout, the map/unmap API and its errors, address
// spaces, and page faults caught with the right report.
#include <stddef.h>
#include <clanker/error.h>
#include <arch/x86/layout.h>
#include <kernel/mm/memory.h>
#include <arch/x86/vmm.h>
#include "ktest.h"

#define ELF_BASE 0x08048000u

// The boot identity map is gone and page 0 is never mapped.
KTEST(PagingLayoutAfterBoot)
{
    AddressSpace *k = VmmKernelSpace();
    uint32_t pa;

    KTEST_ASSERT_EQ(VmmQuery(k, 0, NULL, NULL), E_NOENT);
    KTEST_ASSERT_EQ(VmmQuery(k, 0x00100000, NULL, NULL), E_NOENT);
    KTEST_ASSERT_EQ(VmmQuery(k, 0xc0100000, &pa, NULL), 0);
    KTEST_ASSERT_EQ(pa, 0x00100000);
    KTEST_ASSERT_EQ(VmmQuery(k, HEAP_BASE, NULL, NULL), 0);   // heap's first pages
    KTEST_ASSERT_EQ(VmmQuery(k, 0xfffff000, NULL, NULL), E_NOENT);
}

// A new address space maps a page at the Linux ELF base and another just
// below 0xC0000000; both read back through the MMU; destroying the space
// returns every page, table and directory.
KTEST(PagingAddressSpaceRoundTrip)
{
    uint32_t baseline = MemFreePages();
    AddressSpace space, *previous = VmmCurrent();
    uint32_t code = MemPageAllocate(MEM_ZONE_ANY), stack = MemPageAllocate(MEM_ZONE_ANY);

    KTEST_ASSERT(code && stack);
    KTEST_ASSERT_EQ(VmmCreate(&space), 0);
    KTEST_ASSERT_EQ(VmmMap(&space, ELF_BASE, code, VMM_WRITE | VMM_USER | VMM_OWNED), 0);
    KTEST_ASSERT_EQ(VmmMap(&space, USER_LIMIT - PAGE_SIZE, stack, VMM_WRITE | VMM_USER | VMM_OWNED), 0);
    KTEST_ASSERT_EQ(space.tablePages, 2);
    KTEST_ASSERT_EQ(VmmQuery(&space, 0, NULL, NULL), E_NOENT);
    VmmActivate(&space);
    *(volatile uint32_t *)ELF_BASE = 0xc0ffee01;
    *(volatile uint32_t *)(USER_LIMIT - 4) = 0xc0ffee02;
    KTEST_ASSERT_EQ(*(volatile uint32_t *)ELF_BASE, 0xc0ffee01);
    KTEST_ASSERT_EQ(*(volatile uint32_t *)(USER_LIMIT - 4), 0xc0ffee02);
    VmmActivate(previous);
    KTEST_ASSERT_EQ(VmmQuery(previous, ELF_BASE, NULL, NULL), E_NOENT);
    VmmDestroy(&space);
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
}

// Bad requests get an error and change nothing.
KTEST(PagingRejectsBadRequests)
{
    AddressSpace space;
    uint32_t baseline = MemFreePages(), pa = MemPageAllocate(MEM_ZONE_ANY);

    KTEST_ASSERT_EQ(VmmCreate(&space), 0);
    KTEST_ASSERT_EQ(VmmMap(&space, 0, pa, VMM_WRITE), E_INVAL);            // page 0
    KTEST_ASSERT_EQ(VmmMap(&space, ELF_BASE + 1, pa, VMM_WRITE), E_INVAL); // unaligned va
    KTEST_ASSERT_EQ(VmmMap(&space, ELF_BASE, pa + 8, VMM_WRITE), E_INVAL); // unaligned pa
    KTEST_ASSERT_EQ(VmmMap(&space, 0xc0200000, pa, VMM_WRITE), E_INVAL);   // direct map
    KTEST_ASSERT_EQ(VmmMap(&space, HEAP_BASE, pa, VMM_USER), E_INVAL);     // user bit in kernel
    KTEST_ASSERT_EQ(VmmMap(&space, 0xffc00000, pa, VMM_WRITE), E_INVAL);   // top guard
    KTEST_ASSERT_EQ(VmmMap(&space, ELF_BASE, pa, 0x100), E_INVAL);         // unknown flag
    KTEST_ASSERT_EQ(VmmUnmap(&space, ELF_BASE, NULL), E_NOENT);
    KTEST_ASSERT_EQ(VmmMap(&space, ELF_BASE, pa, VMM_WRITE | VMM_OWNED), 0);
    KTEST_ASSERT_EQ(VmmMap(&space, ELF_BASE, pa, VMM_WRITE), E_EXIST);     // already mapped
    KTEST_ASSERT_EQ(VmmUnmap(&space, ELF_BASE, NULL), 0);                  // frees pa
    KTEST_ASSERT(MemPageIsFree(pa));
    VmmDestroy(&space);
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
}

// Any physical page, even beyond the direct map, can be reached through
// a temporary window.
KTEST(PagingTemporaryWindow)
{
    uint32_t pa = MemPageAllocate(MEM_ZONE_ANY);
    volatile uint32_t *w = VmmMapTemporary(pa);

    KTEST_ASSERT(w != NULL);
    KTEST_ASSERT((uintptr_t)w >= TEMP_MAP_BASE && (uintptr_t)w < TEMP_MAP_LIMIT);
    w[0] = 0x600dcafe;
    w[1023] = 0x600dbeef;
    KTEST_ASSERT_EQ(w[0] + w[1023], 0x600dcafeu + 0x600dbeefu);
    VmmUnmapTemporary((void *)w);
    KTEST_ASSERT_EQ(VmmQuery(VmmKernelSpace(), (uintptr_t)w, NULL, NULL), E_NOENT);
    MemPageFree(pa);
}

static void __attribute__((noinline)) TouchAddress(uintptr_t va, int write)
{
    if (write)
        *(volatile uint32_t *)va = 1;
    else
        (void)*(volatile uint32_t *)va;
}

// A NULL read and a write to an unmapped kernel address fault, and the
// report names the vector, the address and the access.
KTEST(PagingFaultsAreCaughtAndReported)
{
    const PanicRecord *r = PanicLastExpected();

    KTEST_EXPECT_PANIC(TouchAddress(0, 0));
    KTEST_ASSERT(r->fromTrap);
    KTEST_ASSERT_EQ(r->vector, 14);
    KTEST_ASSERT_EQ(r->faultAddress, 0);
    KTEST_ASSERT_EQ(r->errorCode & 0x7, 0);           // not present, read, kernel
    KTEST_EXPECT_PANIC(TouchAddress(0xfffff004, 1));
    KTEST_ASSERT_EQ(r->vector, 14);
    KTEST_ASSERT_EQ(r->faultAddress, 0xfffff004);
    KTEST_ASSERT_EQ(r->errorCode & 0x7, 0x2);         // not present, write, kernel
}
