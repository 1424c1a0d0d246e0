// kmalloc/kfree: the heap allocator over the kernel's heap window.
//
// Growing the heap maps fresh pages at its top; a failed page allocation
// halfway through a growth unmaps what it had mapped, so an out-of-memory
// kmalloc leaves the free-page count exactly as it was. Heap pages may
// come from anywhere in RAM (they are reached through the heap window,
// not the direct map), which leaves low memory for page tables.
#include <arch/x86/cpu.h>
#include <arch/x86/layout.h>
#include <kernel/mm/kheap.h>
#include <kernel/mm/memory.h>
#include <kernel/panic.h>
#include <arch/x86/vmm.h>

static Heap kernelHeap;

static void UnmapRange(uintptr_t start, uintptr_t end)
{
    for (uintptr_t va = start; va < end; va += PAGE_SIZE)
        VmmUnmap(VmmKernelSpace(), va, NULL);  // VMM_OWNED: frees the page
}

static int GrowPages(Heap *heap, uintptr_t oldEnd, uintptr_t newEnd)
{
    (void)heap;
    for (uintptr_t va = oldEnd; va < newEnd; va += PAGE_SIZE) {
        uint32_t pa = MemPageAllocate(MEM_ZONE_ANY);
        if (!pa || VmmMap(VmmKernelSpace(), va, pa, VMM_WRITE | VMM_OWNED) != 0) {
            if (pa)
                MemPageFree(pa);
            UnmapRange(oldEnd, va);
            return 0;
        }
    }
    return 1;
}

static void ShrinkPages(Heap *heap, uintptr_t newEnd, uintptr_t oldEnd)
{
    (void)heap;
    UnmapRange(newEnd, oldEnd);
}

static void Corrupted(Heap *heap, uintptr_t where)
{
    (void)heap;
    Panic("kmalloc: heap block header at 0x%08x overwritten", (uint32_t)where);
}

void KernelHeapInit(void)
{
    if (HeapInit(&kernelHeap, HEAP_BASE, HEAP_LIMIT, PAGE_SIZE, GrowPages,
                 ShrinkPages, Corrupted) != 0)
        Panic("kmalloc: cannot map the first heap pages");
}

void *kmalloc(size_t size)
{
    uint32_t flags = CpuSave();
    void *p = HeapAllocate(&kernelHeap, size);

    CpuRestore(flags);
    return p;
}

void kfree(void *ptr)
{
    uint32_t flags = CpuSave();
    HeapStatus status = HeapFree(&kernelHeap, ptr);

    CpuRestore(flags);
    if (status != HEAP_OK)
        Panic("kfree(%p): %s", ptr, HeapStatusName(status));
}

uint32_t KernelHeapMappedBytes(void)
{
    return (uint32_t)(kernelHeap.end - kernelHeap.start);
}

Heap *KernelHeap(void)
{
    return &kernelHeap;
}
