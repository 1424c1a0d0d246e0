// Physical memory: from the boot loader's description to a page allocator.
//
// MemPlanBuild reads the Multiboot information and decides, without
// changing anything, which pages are usable: the RAM the memory map offers
// (kernel/mm/memmap.c), minus everything that must survive: low memory below
// 1 MiB (BIOS data, VGA), the kernel image, the boot information, the
// memory map, the command line, and every module. MemInit then carves the
// allocator's own tables out of usable low memory, starts the allocator,
// finishes paging and starts the heap.
#include <stddef.h>
#include <clanker/error.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/layout.h>
#include <kernel/console.h>
#include <kernel/mm/kheap.h>
#include <kernel/mm/memory.h>
#include <kernel/panic.h>
#include <kernel/mm/pmm.h>
#include <arch/x86/vmm.h>

#define LOW_MEMORY_END 0x100000u

extern const char __kernel_start[], __kernel_end[];

static Pmm pmm;
static MemPlan bootPlan;
static uint32_t allocatorBytes;

// A kernel pointer to [pa, pa+length), or NULL if that is not all inside
// the direct map.
static const void *BootData(uint64_t pa, uint64_t length)
{
    if (pa + length < pa || pa + length > DIRECT_MAP_SIZE)
        return NULL;
    return PhysToVirt((uint32_t)pa);
}

static void Protect(MemPlan *plan, uint64_t start, uint64_t end, const char *what)
{
    start &= ~(uint64_t)(PAGE_SIZE - 1);
    end = (end + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    if (start >= end)
        return;
    RangeSetCut(&plan->usable, start, end);
    if (end > plan->topOfMemory && end <= DIRECT_MAP_SIZE)
        plan->topOfMemory = end;
    if (plan->regionCount < MEM_MAX_REGIONS)
        plan->regions[plan->regionCount++] = (MemRegion){ start, end, what };
    else
        plan->unlistedRegions++;
}

static void ProtectString(MemPlan *plan, uint32_t pa, const char *what)
{
    const char *s = BootData(pa, 1);
    size_t max = s ? DIRECT_MAP_SIZE - pa : 0;

    if (s)
        Protect(plan, pa, (uint64_t)pa + strnlen(s, max < 4096 ? max : 4096) + 1, what);
}

static void ProtectModules(MemPlan *plan, const MultibootInfo *info)
{
    const MultibootModule *mods;
    uint64_t listBytes = (uint64_t)info->modsCount * sizeof(MultibootModule);

    if (!(info->flags & MULTIBOOT_INFO_MODS) || info->modsCount == 0)
        return;
    Protect(plan, info->modsAddr, info->modsAddr + listBytes, "module list");
    mods = BootData(info->modsAddr, listBytes);
    for (uint32_t i = 0; mods && i < info->modsCount; i++) {
        if (mods[i].end < mods[i].start) {
            plan->badModules++;
            continue;
        }
        Protect(plan, mods[i].start, mods[i].end, "module");
        ProtectString(plan, mods[i].string, "module name");
    }
}

static void ReadMemoryDescription(const MultibootInfo *info, MemMapInput *in)
{
    *in = (MemMapInput){ 0 };
    if (info->flags & MULTIBOOT_INFO_MMAP) {
        in->mmap = BootData(info->mmapAddr, info->mmapLength);
        in->hasMmap = in->mmap != NULL;
        in->mmapLength = info->mmapLength;
    }
    if (info->flags & MULTIBOOT_INFO_MEMORY) {
        in->hasBasic = 1;
        in->memLower = info->memLower;
        in->memUpper = info->memUpper;
    }
}

int MemPlanBuild(uint32_t infoPhys, MemPlan *plan)
{
    const MultibootInfo *info = BootData(infoPhys, sizeof(MultibootInfo));
    MemMapInput in;
    int err;

    memset(plan, 0, sizeof(*plan));
    if (!info)
        return E_NOENT;
    ReadMemoryDescription(info, &in);
    err = MemMapBuild(&in, &plan->usable, &plan->report);
    if (err)
        return err;
    plan->ramBytes = RangeSetTotal(&plan->usable);
    plan->topOfMemory = plan->usable.ranges[plan->usable.count - 1].end;
    if (plan->topOfMemory > DIRECT_MAP_SIZE)
        plan->topOfMemory = DIRECT_MAP_SIZE;
    Protect(plan, 0, LOW_MEMORY_END, "low memory");
    Protect(plan, VirtToPhys(__kernel_start), VirtToPhys(__kernel_end), "kernel image");
    Protect(plan, infoPhys, (uint64_t)infoPhys + sizeof(MultibootInfo), "boot information");
    if (in.hasMmap)
        Protect(plan, info->mmapAddr, (uint64_t)info->mmapAddr + info->mmapLength, "memory map");
    if (info->flags & MULTIBOOT_INFO_CMDLINE)
        ProtectString(plan, info->cmdline, "command line");
    ProtectModules(plan, info);
    return 0;
}

void MemPlanPrint(const MemPlan *plan)
{
    static const char *const sources[] = { "none", "BIOS memory map", "basic memory sizes" };
    const MemMapReport *r = &plan->report;

    ConsolePrint("memory: %u KiB of RAM from the %s (%u entries)\n",
                 (uint32_t)(plan->ramBytes / 1024), sources[r->source], r->entries);
    if (r->ignoredAbove4G)
        ConsolePrint("memory: ignored %u MiB of RAM above 4 GiB (no PAE)\n",
                     (uint32_t)(r->ignoredAbove4G >> 20));
    if (r->malformed)
        ConsolePrint("memory: the memory map is malformed; ignored its tail\n");
    if (r->dropped)
        ConsolePrint("memory: %u map entries did not fit; their RAM is unused\n", r->dropped);
    if (r->unsorted || r->overlapping)
        ConsolePrint("memory: the memory map is%s%s; reserved entries win\n",
                     r->unsorted ? " unsorted" : "",
                     r->overlapping ? (r->unsorted ? " and overlapping" : " overlapping") : "");
    if (plan->badModules)
        ConsolePrint("memory: ignored %u modules with end before start\n", plan->badModules);
}

// Take the allocator's tables from the start of the first usable low range
// big enough. Returns the physical address, or 0.
static uint32_t CarveAllocatorTables(MemPlan *plan, uint32_t bytes)
{
    bytes = (bytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    for (uint32_t i = 0; i < plan->usable.count; i++) {
        const Range *r = &plan->usable.ranges[i];
        uint64_t lowEnd = r->end < DIRECT_MAP_SIZE ? r->end : DIRECT_MAP_SIZE;
        if (r->start < lowEnd && lowEnd - r->start >= bytes) {
            uint32_t at = (uint32_t)r->start;
            Protect(plan, at, (uint64_t)at + bytes, "page allocator tables");
            return at;
        }
    }
    return 0;
}

static void StartAllocator(MemPlan *plan)
{
    uint32_t bytes = (uint32_t)PmmStorageBytes(&plan->usable);
    uint32_t at = CarveAllocatorTables(plan, bytes);

    if (!at || PmmInit(&pmm, &plan->usable, DIRECT_MAP_SIZE / PAGE_SIZE,
                       PhysToVirt(at), bytes) != 0)
        Panic("memory: no room for the page allocator's %u KiB of tables", bytes / 1024);
    allocatorBytes = (bytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

void MemInit(uint32_t infoPhys)
{
    if (MemPlanBuild(infoPhys, &bootPlan) != 0) {
        ConsolePrint("memory: the boot loader gave no usable memory description; cannot continue\n");
        PanicHalt();
    }
    MemPlanPrint(&bootPlan);
    StartAllocator(&bootPlan);
    if (VmmInit((uint32_t)bootPlan.topOfMemory) != 0)
        Panic("memory: out of memory for the kernel page tables");
    KernelHeapInit();
}

uint32_t MemPageAllocate(MemZone zone)
{
    uint32_t pfn, flags = CpuSave();
    int err = PmmAllocate(&pmm, zone == MEM_ZONE_LOW ? PMM_ZONE_LOW : PMM_ZONE_HIGH, &pfn);

    CpuRestore(flags);
    return err ? 0 : pfn * PAGE_SIZE;
}

uint32_t MemPageAllocateBelow(uint32_t limit)
{
    uint32_t pfn, flags = CpuSave();
    int err = PmmAllocateBelow(&pmm, limit / PAGE_SIZE, &pfn);

    CpuRestore(flags);
    return err ? 0 : pfn * PAGE_SIZE;
}

void MemPageFree(uint32_t pa)
{
    uint32_t flags = CpuSave();
    int err = (pa & (PAGE_SIZE - 1)) ? E_INVAL : PmmFree(&pmm, pa / PAGE_SIZE);

    CpuRestore(flags);
    if (err == E_EXIST)
        Panic("MemPageFree: double free of physical page 0x%08x", pa);
    if (err)
        Panic("MemPageFree: 0x%08x is not a page of RAM the allocator manages", pa);
}

int MemPageShare(uint32_t pa)
{
    uint32_t flags = CpuSave();
    int err = (pa & (PAGE_SIZE - 1)) ? E_INVAL : PmmShare(&pmm, pa / PAGE_SIZE);

    CpuRestore(flags);
    return err;
}

uint32_t MemPageShares(uint32_t pa)
{
    return PmmShares(&pmm, pa / PAGE_SIZE);
}

// The VMM's frames (include/arch/x86/vmm.h): low memory, which the direct
// map always reaches.
uint32_t ArchPageAllocate(void)
{
    return MemPageAllocate(MEM_ZONE_LOW);
}

void ArchPageFree(uint32_t pa)
{
    MemPageFree(pa);
}

uint32_t MemFreePages(void)
{
    return pmm.freePages;
}

uint32_t MemTotalPages(void)
{
    return pmm.totalPages;
}

int MemPageIsFree(uint32_t pa)
{
    return PmmIsFree(&pmm, pa / PAGE_SIZE);
}

uint32_t MemKernelBytes(void)
{
    uint32_t image = (uint32_t)(__kernel_end - __kernel_start);
    uint32_t tables = (KERNEL_TABLES_LIMIT - KERNEL_TABLES_BASE) / LARGE_PAGE_SIZE * PAGE_SIZE;

    return image + allocatorBytes + tables + KernelHeapMappedBytes();
}

const MemPlan *MemBootPlan(void)
{
    return &bootPlan;
}

int MemHoldsRange(uint64_t start, uint64_t end)
{
    if (RangeSetIntersects(&bootPlan.usable, start, end))
        return 1;
    for (uint32_t i = 0; i < bootPlan.regionCount; i++) {
        const MemRegion *r = &bootPlan.regions[i];
        if (r->end > LOW_MEMORY_END && r->start < end && start < r->end)
            return 1;
    }
    return 0;
}
