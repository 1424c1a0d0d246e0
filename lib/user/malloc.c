// malloc and free for user programs (include/lib/user.h).
//
// kernel/heap.c's boundary-tag allocator over a static, page-aligned 512 KiB
// arena in .bss. The heap "grows" by moving its end inside the arena, so
// the callbacks only check the limit; the memory is already mapped. Any
// damage the heap detects ends the program with exit code 134 (SIGABRT's
// 128 + 6, as a C runtime's abort would).
#include <kernel/heap.h>
#include <lib/user.h>

#define ARENA_SIZE  (512u * 1024)     // mapped whole at load: no brk yet
#define ARENA_PAGE  4096u
#define ABORT_CODE  134

static uint8_t arena[ARENA_SIZE] __attribute__((aligned(ARENA_PAGE)));
static Heap heap;
static int heapReady;

// Growth is allowed anywhere inside the arena.
static int ArenaGrow(Heap *h, uintptr_t oldEnd, uintptr_t newEnd)
{
    (void)h;
    (void)oldEnd;
    return newEnd <= (uintptr_t)arena + ARENA_SIZE;
}

// Nothing to give back: the arena stays mapped.
static void ArenaShrink(Heap *h, uintptr_t newEnd, uintptr_t oldEnd)
{
    (void)h;
    (void)newEnd;
    (void)oldEnd;
}

// A damaged header met while allocating: stop the program.
static void ArenaCorrupt(Heap *h, uintptr_t where)
{
    (void)h;
    Print("malloc: heap corrupted at %p\n", (void *)where);
    SysExit(ABORT_CODE);
}

// Set the heap up on first use. Returns nonzero when it is ready.
static int HeapReady(void)
{
    if (!heapReady &&
        HeapInit(&heap, (uintptr_t)arena, (uintptr_t)arena + ARENA_SIZE, ARENA_PAGE,
                 ArenaGrow, ArenaShrink, ArenaCorrupt) == 0)
        heapReady = 1;
    return heapReady;
}

// size bytes, 16-byte aligned, or NULL.
void *malloc(size_t size)
{
    if (!HeapReady())
        return NULL;
    return HeapAllocate(&heap, size);
}

// Release ptr (NULL is ignored); a bad pointer ends the program.
void free(void *ptr)
{
    HeapStatus status;

    if (ptr == NULL)
        return;
    status = heapReady ? HeapFree(&heap, ptr) : HEAP_BAD_POINTER;
    if (status != HEAP_OK) {
        Print("free(%p): %s\n", ptr, HeapStatusName(status));
        SysExit(ABORT_CODE);
    }
}
