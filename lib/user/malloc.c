// malloc and free for user programs (include/lib/user.h).
//
// lib/heap.c's boundary-tag allocator over a reserved range of the
// address space, ARENA_BASE to ARENA_BASE + ARENA_SIZE. Nothing is mapped
// there at first: when the heap grows, the new pages are mapped with
// SYS_MEM_MAP, and when it shrinks they are given back, so a program uses
// the memory its heap holds, not its limit. Any damage the heap detects
// ends the program with exit code 134 (SIGABRT's 128 + 6, as a C
// runtime's abort would).
#include <lib/heap.h>
#include <lib/user.h>

#define ARENA_BASE  0x20000000u     // below 0x40000000 (ET_DYN images), above normal images
#define ARENA_SIZE  (64u << 20)
#define ARENA_PAGE  4096u
#define ARENA_PROT  3u              // read and write
#define ABORT_CODE  134

static Heap heap;
static int heapReady;

// Map the pages of [oldEnd, newEnd) (the heap passes page-aligned ends).
static int ArenaGrow(Heap *h, uintptr_t oldEnd, uintptr_t newEnd)
{
    (void)h;
    if (newEnd > ARENA_BASE + ARENA_SIZE)
        return 0;
    return SysMemMap((uint32_t)oldEnd, (uint32_t)(newEnd - oldEnd), ARENA_PROT) == 0;
}

// Give the pages of [newEnd, oldEnd) back.
static void ArenaShrink(Heap *h, uintptr_t newEnd, uintptr_t oldEnd)
{
    (void)h;
    SysMemUnmap((uint32_t)newEnd, (uint32_t)(oldEnd - newEnd));
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
        HeapInit(&heap, ARENA_BASE, ARENA_BASE + ARENA_SIZE, ARENA_PAGE,
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
