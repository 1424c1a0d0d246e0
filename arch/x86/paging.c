// Two-level x86 paging: page directories, page tables, and the windows
// the kernel maps pages into.
//
// The kernel half of every page directory is identical and never changes
// after VmmInit: the direct map uses 4 MiB pages, and the page tables for
// the page-mapped kernel windows (heap, MMIO, temporary) are all created
// at boot. So a new address space copies the kernel entries once and never
// needs updating. Page tables live in low memory, so the kernel reaches
// them through the direct map.
#include <stddef.h>
#include <clanker/error.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/layout.h>
#include <arch/x86/vmm.h>

#define PTE_PRESENT  0x001u
#define PTE_LARGE    0x080u
#define PTE_ADDRESS  0xfffff000u
#define PDE_USER_TABLE (PTE_PRESENT | VMM_WRITE | VMM_USER)
#define PDE_KERNEL_TABLE (PTE_PRESENT | VMM_WRITE)
#define PD_INDEX(va) ((uint32_t)(va) >> 22)
#define PT_INDEX(va) (((uint32_t)(va) >> 12) & 0x3ff)
#define KERNEL_PDE_FIRST PD_INDEX(KERNEL_BASE)
#define TEMP_SLOTS ((TEMP_MAP_LIMIT - TEMP_MAP_BASE) / PAGE_SIZE)
#define MMIO_PAGES ((MMIO_LIMIT - MMIO_BASE) / PAGE_SIZE)

extern uint32_t KernelPageDirectory[1024];

// Usable for lookups (backtraces) even before VmmInit.
static AddressSpace kernelSpace = { .directory = KernelPageDirectory };
static AddressSpace *current = &kernelSpace;
static uint8_t tempUsed[TEMP_SLOTS];
static uint8_t mmioUsed[MMIO_PAGES];

static uint32_t *TableOf(uint32_t pde)
{
    return PhysToVirt(pde & PTE_ADDRESS);
}

// Allocate a zeroed page for a page table or directory (low memory).
static uint32_t NewTablePage(void)
{
    uint32_t pa = ArchPageAllocate();

    if (pa)
        memset(PhysToVirt(pa), 0, PAGE_SIZE);
    return pa;
}

int VmmInit(uint32_t directMapTop)
{
    uint32_t *pd = KernelPageDirectory;
    uint32_t keep = (directMapTop + LARGE_PAGE_SIZE - 1) / LARGE_PAGE_SIZE;

    kernelSpace.directory = pd;
    kernelSpace.directoryPhys = VirtToPhys(pd);
    current = &kernelSpace;
    for (uint32_t i = 0; i < KERNEL_PDE_FIRST; i++)
        pd[i] = 0;                              // the boot identity map
    for (uint32_t i = keep; i < DIRECT_MAP_SIZE / LARGE_PAGE_SIZE; i++)
        pd[KERNEL_PDE_FIRST + i] = 0;           // no RAM behind these
    for (uint32_t va = KERNEL_TABLES_BASE; va < KERNEL_TABLES_LIMIT; va += LARGE_PAGE_SIZE) {
        uint32_t table = NewTablePage();
        if (!table)
            return E_NOMEM;
        pd[PD_INDEX(va)] = table | PDE_KERNEL_TABLE;
    }
    CpuWriteCr3(kernelSpace.directoryPhys);
    return 0;
}

AddressSpace *VmmKernelSpace(void)
{
    return &kernelSpace;
}

AddressSpace *VmmCurrent(void)
{
    return current;
}

static int IsUserPage(uintptr_t va)
{
    return va >= USER_BASE && va < USER_LIMIT;
}

static int IsKernelWindowPage(uintptr_t va)
{
    return va >= KERNEL_TABLES_BASE && va < KERNEL_TABLES_LIMIT;
}

// Find the page-table entry for va, creating the table if asked. NULL if
// there is no table (or it could not be made) or va is in a large page.
static uint32_t *FindEntry(AddressSpace *space, uintptr_t va, int create)
{
    uint32_t *pde = &space->directory[PD_INDEX(va)];

    if (*pde & PTE_LARGE)
        return NULL;
    if (!(*pde & PTE_PRESENT)) {
        uint32_t table;
        if (!create || !IsUserPage(va) || !(table = NewTablePage()))
            return NULL;
        *pde = table | PDE_USER_TABLE;
        space->tablePages++;
    }
    return &TableOf(*pde)[PT_INDEX(va)];
}

static void Invalidate(AddressSpace *space, uintptr_t va)
{
    if (space == current || va >= KERNEL_BASE)
        CpuInvalidatePage(va);
}

int VmmMap(AddressSpace *space, uintptr_t va, uint32_t pa, uint32_t flags)
{
    uint32_t *pte;

    if ((va | pa) & (PAGE_SIZE - 1) || (flags & ~VMM_FLAGS))
        return E_INVAL;
    if (!IsUserPage(va) && !(IsKernelWindowPage(va) && !(flags & VMM_USER)))
        return E_INVAL;
    pte = FindEntry(space, va, 1);
    if (!pte)
        return E_NOMEM;
    if (*pte & PTE_PRESENT)
        return E_EXIST;
    /* POINT OF NO RETURN */
    *pte = pa | flags | PTE_PRESENT;
    space->ownedPages += (flags & VMM_OWNED) != 0;
    Invalidate(space, va);
    return 0;
}

int VmmUnmap(AddressSpace *space, uintptr_t va, uint32_t *pa)
{
    uint32_t *pte, old;

    if ((va & (PAGE_SIZE - 1)) || (!IsUserPage(va) && !IsKernelWindowPage(va)))
        return E_INVAL;
    pte = FindEntry(space, va, 0);
    if (!pte || !(*pte & PTE_PRESENT))
        return E_NOENT;
    /* POINT OF NO RETURN */
    old = *pte;
    *pte = 0;
    space->writableEnd = 0;             // the probed range may have lost a page
    Invalidate(space, va);
    if (pa)
        *pa = old & PTE_ADDRESS;
    if (old & VMM_OWNED) {
        space->ownedPages--;
        ArchPageFree(old & PTE_ADDRESS);
    }
    return 0;
}

int VmmProtect(AddressSpace *space, uintptr_t va, uint32_t flags)
{
    uint32_t *pte;

    if ((va & (PAGE_SIZE - 1)) || (flags & ~VMM_FLAGS) || !IsUserPage(va))
        return E_INVAL;
    pte = FindEntry(space, va, 0);
    if (!pte || !(*pte & PTE_PRESENT))
        return E_NOENT;
    if ((*pte ^ flags) & (VMM_OWNED | VMM_GRANTED))
        return E_INVAL;                 // ownership never changes
    *pte = (*pte & PTE_ADDRESS) | flags | PTE_PRESENT;
    space->writableEnd = 0;             // it may have lost its write right
    Invalidate(space, va);
    return 0;
}

int VmmQuery(AddressSpace *space, uintptr_t va, uint32_t *pa, uint32_t *flags)
{
    uint32_t pde = space->directory[PD_INDEX(va)], entry;

    if (!(pde & PTE_PRESENT))
        return E_NOENT;
    if (pde & PTE_LARGE) {
        entry = (pde & 0xffc00000u) | (va & 0x003ff000u) | (pde & 0xfff & ~PTE_LARGE);
    } else {
        entry = TableOf(pde)[PT_INDEX(va)];
        if (!(entry & PTE_PRESENT))
            return E_NOENT;
    }
    if (pa)
        *pa = (entry & PTE_ADDRESS) | (va & (PAGE_SIZE - 1));
    if (flags)
        *flags = entry & VMM_FLAGS;
    return 0;
}

int VmmIsKernelMapped(uintptr_t va)
{
    return va >= KERNEL_BASE && VmmQuery(&kernelSpace, va, NULL, NULL) == 0;
}

int VmmCreate(AddressSpace *space)
{
    uint32_t pa = NewTablePage();

    if (!pa)
        return E_NOMEM;
    *space = (AddressSpace){ .directory = PhysToVirt(pa), .directoryPhys = pa };
    for (uint32_t i = KERNEL_PDE_FIRST; i < 1024; i++)
        space->directory[i] = kernelSpace.directory[i];
    return 0;
}

void VmmDestroy(AddressSpace *space)
{
    for (uint32_t i = 0; i < KERNEL_PDE_FIRST; i++) {
        uint32_t pde = space->directory[i];
        if (!(pde & PTE_PRESENT))
            continue;
        for (uint32_t j = 0; j < 1024; j++) {
            uint32_t pte = TableOf(pde)[j];
            if ((pte & PTE_PRESENT) && (pte & VMM_OWNED))
                ArchPageFree(pte & PTE_ADDRESS);
        }
        ArchPageFree(pde & PTE_ADDRESS);
    }
    ArchPageFree(space->directoryPhys);
    *space = (AddressSpace){ 0 };
}

void VmmActivate(AddressSpace *space)
{
    current = space;
    CpuWriteCr3(space->directoryPhys);
}

void *VmmMapTemporary(uint32_t pa)
{
    uint32_t flags = CpuSave();
    void *va = NULL;

    for (uint32_t slot = 0; slot < TEMP_SLOTS; slot++) {
        uintptr_t at = TEMP_MAP_BASE + slot * PAGE_SIZE;
        if (tempUsed[slot] || VmmMap(&kernelSpace, at, pa & PTE_ADDRESS, VMM_WRITE))
            continue;
        tempUsed[slot] = 1;
        va = (void *)(at | (pa & (PAGE_SIZE - 1)));
        break;
    }
    CpuRestore(flags);
    return va;
}

void VmmUnmapTemporary(void *va)
{
    uintptr_t at = (uintptr_t)va & PTE_ADDRESS;
    uint32_t flags;

    if (at < TEMP_MAP_BASE || at >= TEMP_MAP_LIMIT)
        return;
    flags = CpuSave();
    if (VmmUnmap(&kernelSpace, at, NULL) == 0)
        tempUsed[(at - TEMP_MAP_BASE) / PAGE_SIZE] = 0;
    CpuRestore(flags);
}

// First run of count free MMIO window pages, or -1.
static int FindMmioRun(uint32_t count)
{
    uint32_t run = 0;

    for (uint32_t i = 0; i < MMIO_PAGES; i++) {
        run = mmioUsed[i] ? 0 : run + 1;
        if (run == count)
            return (int)(i + 1 - count);
    }
    return -1;
}

void *VmmMapDevice(uint32_t pa, uint32_t size)
{
    uint32_t first = pa & PTE_ADDRESS, flags;
    uint64_t end = (uint64_t)pa + size;
    uint32_t count;
    int at;

    if (size == 0 || end > 0x100000000ull)
        return NULL;
    count = (uint32_t)((end - first + PAGE_SIZE - 1) / PAGE_SIZE);
    flags = CpuSave();
    at = count <= MMIO_PAGES ? FindMmioRun(count) : -1;
    if (at >= 0) {
        for (uint32_t i = 0; i < count; i++) {
            mmioUsed[at + i] = 1;
            VmmMap(&kernelSpace, MMIO_BASE + (at + i) * PAGE_SIZE,
                   first + i * PAGE_SIZE, VMM_WRITE | VMM_NOCACHE);
        }
    }
    CpuRestore(flags);
    if (at < 0)
        return NULL;
    return (void *)(uintptr_t)(MMIO_BASE + at * PAGE_SIZE + (pa & (PAGE_SIZE - 1)));
}

void VmmUnmapDevice(void *va, uint32_t size)
{
    uintptr_t first = (uintptr_t)va & PTE_ADDRESS;
    uint64_t end = (uint64_t)(uintptr_t)va + size;
    uint32_t flags;

    if (first < MMIO_BASE || end > MMIO_LIMIT || size == 0)
        return;
    flags = CpuSave();
    for (uintptr_t at = first; at < end; at += PAGE_SIZE) {
        if (VmmUnmap(&kernelSpace, at, NULL) == 0)
            mmioUsed[(at - MMIO_BASE) / PAGE_SIZE] = 0;
    }
    CpuRestore(flags);
}
