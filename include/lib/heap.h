// Boundary-tag heap allocator core (lib/heap.c).
//
// Pure logic over one contiguous virtual region [start, limit) that grows
// upward through a callback, so the same code backs kmalloc in the kernel
// and runs in host unit tests over an ordinary buffer.
//
// Every block starts with a 16-byte header (magic, size, size of the
// previous block, check word), so payloads are 16-byte aligned, and both
// neighbours of a block can be found in O(1) for merging. Free blocks sit
// in power-of-two size bins with a bitmap of non-empty bins.
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define HEAP_ALIGN        16u
#define HEAP_BINS         32
#define HEAP_GROW_CHUNK   (64u * 1024)     // minimum growth step
#define HEAP_TRIM_MIN     (256u * 1024)    // free tail that triggers a trim

typedef enum HeapStatus {
    HEAP_OK,
    HEAP_BAD_POINTER,   // not a pointer this heap handed out
    HEAP_DOUBLE_FREE,   // the block is already free
    HEAP_CORRUPT,       // a block header was overwritten
} HeapStatus;

typedef struct HeapBlock HeapBlock;

struct Heap;
// Make [oldEnd, newEnd) usable. Returns nonzero on success.
typedef int (*HeapGrowFn)(struct Heap *heap, uintptr_t oldEnd, uintptr_t newEnd);
// [newEnd, oldEnd) is no longer used and may be released.
typedef void (*HeapShrinkFn)(struct Heap *heap, uintptr_t newEnd, uintptr_t oldEnd);
// A corrupted header was found during allocation, at address 'where'.
typedef void (*HeapCorruptFn)(struct Heap *heap, uintptr_t where);

typedef struct Heap {
    uintptr_t start;
    uintptr_t end;          // current top; [start, end) is mapped
    uintptr_t limit;        // end never passes this
    uintptr_t pageSize;     // growth and trims are whole multiples of this
    HeapGrowFn grow;
    HeapShrinkFn shrink;
    HeapCorruptFn onCorrupt;
    HeapBlock *bins[HEAP_BINS];
    uint32_t binMap;        // bit b set: bins[b] is not empty
    size_t usedBytes;       // payload + headers of allocated blocks
    size_t allocations;     // live allocations
} Heap;

// Set up a heap over [start, limit); start must be 16-aligned. The grow
// callback is called at once for the first chunk. Returns 0 or E_NOMEM.
int HeapInit(Heap *heap, uintptr_t start, uintptr_t limit, uintptr_t pageSize,
             HeapGrowFn grow, HeapShrinkFn shrink, HeapCorruptFn onCorrupt);

// Allocate size bytes (0 allowed), 16-byte aligned. NULL when the region or
// its backing memory is exhausted, or the request is absurdly large.
void *HeapAllocate(Heap *heap, size_t size);

// Free a block. Checks everything before changing anything: on error the
// heap is as it was.
HeapStatus HeapFree(Heap *heap, void *ptr);

// Usable bytes of an allocated block (at least what was asked for).
size_t HeapBlockSize(const Heap *heap, const void *ptr);

// Walk every block and every bin; HEAP_OK if all headers and links agree.
HeapStatus HeapCheck(const Heap *heap);

const char *HeapStatusName(HeapStatus status);

#endif
