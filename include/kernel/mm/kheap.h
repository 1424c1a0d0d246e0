// The kernel heap (kernel/mm/kheap.c): kmalloc and kfree over lib/heap.c,
// backed by pages mapped on demand in [HEAP_BASE, HEAP_LIMIT).
#ifndef KERNEL_KHEAP_H
#define KERNEL_KHEAP_H

#include <stddef.h>
#include <stdint.h>
#include <lib/heap.h>

void KernelHeapInit(void);

// size bytes, 16-byte aligned, or NULL when memory runs out.
void *kmalloc(size_t size);

// Free a kmalloc block; NULL is ignored. A double free, a foreign pointer
// or an overwritten block header panics with the address.
void kfree(void *ptr);

// Bytes of the heap region currently backed by pages.
uint32_t KernelHeapMappedBytes(void);

// The heap itself, for tests and statistics.
Heap *KernelHeap(void);

#endif
