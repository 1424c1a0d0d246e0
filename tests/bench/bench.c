// Kernel benchmarks, run by "make bench" under QEMU with
// -icount shift=0,align=off,sleep=off: the TSC then advances by one per
// guest instruction, so every figure is an instruction count, identical on
// any host. Interrupts are off while measuring so ticks add nothing.
//
// Output, one line per figure:  bench: NAME VALUE UNIT
#include <stddef.h>
#include <arch/x86/cpu.h>
#include <arch/x86/layout.h>
#include <arch/x86/pc.h>
#include <kernel/console.h>
#include <kernel/kheap.h>
#include <kernel/memory.h>
#include <kernel/panic.h>
#include <kernel/vmm.h>

#define ROUNDS 4096
#define BATCH  64

typedef struct Bench {
    const char *name;
    void (*body)(void);         // ROUNDS operations
} Bench;

static void *blocks[BATCH];
static uint32_t pages[BATCH];

// Allocate BATCH pages, then free them, ROUNDS / BATCH times.
static void PagePairs(void)
{
    for (int r = 0; r < ROUNDS / BATCH; r++) {
        for (int i = 0; i < BATCH; i++)
            pages[i] = MemPageAllocate(MEM_ZONE_ANY);
        for (int i = 0; i < BATCH; i++)
            MemPageFree(pages[i]);
    }
}

static void KmallocPairs(size_t size)
{
    for (int r = 0; r < ROUNDS / BATCH; r++) {
        for (int i = 0; i < BATCH; i++)
            blocks[i] = kmalloc(size);
        for (int i = 0; i < BATCH; i++)
            kfree(blocks[i]);
    }
}

static void Kmalloc64(void)   { KmallocPairs(64); }
static void Kmalloc4096(void) { KmallocPairs(4096); }

// Map and unmap one page at a user address of the kernel space.
static void MapPairs(void)
{
    uint32_t pa = MemPageAllocate(MEM_ZONE_ANY);

    for (int r = 0; r < ROUNDS; r++) {
        VmmMap(VmmKernelSpace(), 0x08048000, pa, VMM_WRITE);
        VmmUnmap(VmmKernelSpace(), 0x08048000, NULL);
    }
    MemPageFree(pa);
}

static const Bench benches[] = {
    { "page_alloc_free", PagePairs },
    { "kmalloc_free_64", Kmalloc64 },
    { "kmalloc_free_4096", Kmalloc4096 },
    { "vmm_map_unmap", MapPairs },
};

// Instructions per operation pair, the lowest of three runs (the first
// run also warms up the heap and page tables).
static uint32_t Measure(const Bench *b)
{
    uint64_t best = ~0ull;

    for (int run = 0; run < 3; run++) {
        uint32_t flags = CpuSave();
        uint64_t start = CpuReadTsc();
        b->body();
        uint64_t spent = CpuReadTsc() - start;
        CpuRestore(flags);
        if (spent < best)
            best = spent;
    }
    return (uint32_t)(best / ROUNDS);
}

void KbenchMain(void *arg)
{
    (void)arg;
    uint32_t freeBefore = MemFreePages();

    for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
        ConsolePrint("bench: %s %u instructions\n", benches[i].name, Measure(&benches[i]));
    if (MemFreePages() + HEAP_TRIM_MIN / PAGE_SIZE < freeBefore)
        Panic("bench: leaked %u pages", freeBefore - MemFreePages());
    QemuExit(1);
    PanicHalt();
}
