// Boundary-tag heap with segregated free bins.
//
// The region [start, end) is tiled by blocks; the last 16 bytes hold an end
// sentinel (size 0) so every real block has a next header to look at.
//
//   | hdr | payload ... | hdr | payload ... | ... | sentinel |
//   start                                          end-16     end
//
// A header's check word ties magic, size and prevSize together; any write
// over a header breaks it, and free() or the allocator reports the damage
// instead of following a wild size. Merged-away headers are left marked
// DEAD so that freeing them again reads as a double free.
//
// Invariant: no two free blocks are adjacent (free merges both ways), and
// a block is in a bin exactly when its magic is FREE.
#include <clanker/error.h>
#include <lib/heap.h>

#define MAGIC_USED  0xC1A0B10Cu
#define MAGIC_FREE  0xC1A0F4EEu
#define MAGIC_DEAD  0xC1A0DEADu
#define MAGIC_END   0xC1A0E4D0u
#define CHECK_SALT  0x5A17C0DEu
#define HEADER      ((uintptr_t)16)     // bytes before every payload
#define MIN_BLOCK   (2 * HEADER)        // room for the free-list links
#define MAX_REQUEST 0x40000000u     // 1 GiB: larger is never satisfiable

struct HeapBlock {
    uint32_t magic;
    uint32_t size;          // whole block including header; 0 for the sentinel
    uint32_t prevSize;      // 0 for the first block
    uint32_t check;
    // Free blocks only, in the payload:
    HeapBlock *next;
    HeapBlock *prev;
};

_Static_assert(__builtin_offsetof(HeapBlock, next) == HEADER, "header layout");
_Static_assert(sizeof(HeapBlock) <= MIN_BLOCK, "links fit a minimum block");

static uint32_t CheckOf(const HeapBlock *b)
{
    return b->magic ^ b->size ^ b->prevSize ^ CHECK_SALT;
}

static void Stamp(HeapBlock *b, uint32_t magic, uint32_t size, uint32_t prevSize)
{
    b->magic = magic;
    b->size = size;
    b->prevSize = prevSize;
    b->check = CheckOf(b);
}

static void SetPrevSize(HeapBlock *b, uint32_t prevSize)
{
    b->prevSize = prevSize;
    b->check = CheckOf(b);
}

static int IsSound(const HeapBlock *b)
{
    return b->check == CheckOf(b) &&
           (b->magic == MAGIC_USED || b->magic == MAGIC_FREE ||
            b->magic == MAGIC_END || b->magic == MAGIC_DEAD);
}

static HeapBlock *NextOf(const HeapBlock *b)
{
    return (HeapBlock *)((uintptr_t)b + b->size);
}

static HeapBlock *PrevOf(const HeapBlock *b)
{
    return (HeapBlock *)((uintptr_t)b - b->prevSize);
}

static HeapBlock *Sentinel(const Heap *heap)
{
    return (HeapBlock *)(heap->end - HEADER);
}

static int BinOf(uint32_t size)
{
    return 31 - __builtin_clz(size);
}

static void BinInsert(Heap *heap, HeapBlock *b)
{
    int bin = BinOf(b->size);

    b->prev = NULL;
    b->next = heap->bins[bin];
    if (b->next)
        b->next->prev = b;
    heap->bins[bin] = b;
    heap->binMap |= 1u << bin;
}

static void BinRemove(Heap *heap, HeapBlock *b)
{
    int bin = BinOf(b->size);

    if (b->prev)
        b->prev->next = b->next;
    else
        heap->bins[bin] = b->next;
    if (b->next)
        b->next->prev = b->prev;
    if (!heap->bins[bin])
        heap->binMap &= ~(1u << bin);
}

// Is b a plausible header address inside the tiled part of the heap?
static int InTiles(const Heap *heap, const HeapBlock *b)
{
    uintptr_t a = (uintptr_t)b;

    return a >= heap->start && a < heap->end - HEADER && (a & (HEAP_ALIGN - 1)) == 0;
}

static uintptr_t RoundUp(uintptr_t v, uintptr_t align)
{
    return (v + align - 1) & ~(align - 1);
}

// Mark b free, merging it with free neighbours, and put the result in a
// bin. Returns the merged block.
static HeapBlock *Release(Heap *heap, HeapBlock *b)
{
    HeapBlock *next = NextOf(b);

    if (next->magic == MAGIC_FREE) {
        BinRemove(heap, next);
        b->size += next->size;
        Stamp(next, MAGIC_DEAD, next->size, next->prevSize);
    }
    if (b->prevSize && PrevOf(b)->magic == MAGIC_FREE) {
        HeapBlock *prev = PrevOf(b);
        BinRemove(heap, prev);
        prev->size += b->size;
        Stamp(b, MAGIC_DEAD, b->size, b->prevSize);
        b = prev;
    }
    Stamp(b, MAGIC_FREE, b->size, b->prevSize);
    SetPrevSize(NextOf(b), b->size);
    BinInsert(heap, b);
    return b;
}

// Extend the region by at least minBytes (by a whole chunk when there is
// room) and release the new space as a free block, merged with a free last
// block. Returns nonzero on success; on failure nothing changed.
static int Grow(Heap *heap, uintptr_t minBytes)
{
    HeapBlock *oldSentinel = Sentinel(heap);
    uintptr_t room = heap->limit - heap->end;
    uintptr_t want = RoundUp(minBytes < HEAP_GROW_CHUNK ? HEAP_GROW_CHUNK : minBytes,
                             heap->pageSize);
    uintptr_t newEnd;

    // A free last block merges with the new space: only the rest is needed.
    if (oldSentinel->prevSize) {
        const HeapBlock *last = PrevOf(oldSentinel);
        if (InTiles(heap, last) && IsSound(last) && last->magic == MAGIC_FREE &&
            last->size < minBytes)
            minBytes -= last->size;
    }
    if (RoundUp(minBytes, heap->pageSize) > room)
        return 0;
    if (want > room)
        want = room & ~(heap->pageSize - 1);
    newEnd = heap->end + want;
    if (!heap->grow(heap, heap->end, newEnd))
        return 0;
    heap->end = newEnd;
    Stamp(Sentinel(heap), MAGIC_END, 0, (uint32_t)want);
    Stamp(oldSentinel, MAGIC_USED, (uint32_t)want, oldSentinel->prevSize);
    Release(heap, oldSentinel);
    return 1;
}

int HeapInit(Heap *heap, uintptr_t start, uintptr_t limit, uintptr_t pageSize,
             HeapGrowFn grow, HeapShrinkFn shrink, HeapCorruptFn onCorrupt)
{
    *heap = (Heap){ .start = start, .end = start, .limit = limit,
                    .pageSize = pageSize, .grow = grow, .shrink = shrink,
                    .onCorrupt = onCorrupt };
    if ((start & (HEAP_ALIGN - 1)) || (start & (pageSize - 1)) ||
        limit <= start || limit - start < HEAP_GROW_CHUNK)
        return E_INVAL;
    if (!grow(heap, start, start + HEAP_GROW_CHUNK))
        return E_NOMEM;
    heap->end = start + HEAP_GROW_CHUNK;
    Stamp(Sentinel(heap), MAGIC_END, 0, (uint32_t)(HEAP_GROW_CHUNK - HEADER));
    Stamp((HeapBlock *)start, MAGIC_FREE, (uint32_t)(HEAP_GROW_CHUNK - HEADER), 0);
    BinInsert(heap, (HeapBlock *)start);
    return 0;
}

// Report a damaged header met while allocating.
static void *Corrupt(Heap *heap, const HeapBlock *b)
{
    if (heap->onCorrupt)
        heap->onCorrupt(heap, (uintptr_t)b);
    return NULL;
}

// Find a free block of at least need bytes, or NULL. *bad is set when a
// damaged header is met.
static HeapBlock *FindFit(Heap *heap, uint32_t need, HeapBlock **bad)
{
    for (int bin = BinOf(need); bin < HEAP_BINS; bin++) {
        if (!(heap->binMap & (1u << bin)))
            continue;
        for (HeapBlock *b = heap->bins[bin]; b; b = b->next) {
            if (!InTiles(heap, b) || !IsSound(b) || b->magic != MAGIC_FREE) {
                *bad = b;
                return NULL;
            }
            if (b->size >= need)
                return b;
        }
    }
    return NULL;
}

// Take need bytes from the front of free block b, returning the rest.
static void Carve(Heap *heap, HeapBlock *b, uint32_t need)
{
    uint32_t rest = b->size - need;

    BinRemove(heap, b);
    if (rest >= MIN_BLOCK) {
        HeapBlock *tail = (HeapBlock *)((uintptr_t)b + need);
        Stamp(tail, MAGIC_FREE, rest, need);
        SetPrevSize(NextOf(tail), rest);
        BinInsert(heap, tail);
        b->size = need;
    }
    Stamp(b, MAGIC_USED, b->size, b->prevSize);
}

void *HeapAllocate(Heap *heap, size_t size)
{
    uint32_t need;
    HeapBlock *b, *bad = NULL;

    if (size > MAX_REQUEST)
        return NULL;
    need = (uint32_t)RoundUp(size + HEADER, HEAP_ALIGN);
    if (need < MIN_BLOCK)
        need = MIN_BLOCK;
    b = FindFit(heap, need, &bad);
    if (!b && !bad && Grow(heap, need + HEADER))
        b = FindFit(heap, need, &bad);
    if (bad)
        return Corrupt(heap, bad);
    if (!b)
        return NULL;
    /* POINT OF NO RETURN */
    Carve(heap, b, need);
    heap->usedBytes += b->size;
    heap->allocations++;
    return (uint8_t *)b + HEADER;
}

// Check that b is an allocated block whose neighbours are intact.
static HeapStatus ValidateForFree(const Heap *heap, const HeapBlock *b)
{
    const HeapBlock *next;

    if (!InTiles(heap, b))
        return HEAP_BAD_POINTER;
    if (!IsSound(b))
        return HEAP_CORRUPT;
    if (b->magic == MAGIC_FREE || b->magic == MAGIC_DEAD)
        return HEAP_DOUBLE_FREE;
    if (b->magic != MAGIC_USED || b->size < MIN_BLOCK ||
        b->size > heap->end - HEADER - (uintptr_t)b)
        return HEAP_CORRUPT;
    next = NextOf(b);
    if (!IsSound(next) || next->prevSize != b->size)
        return HEAP_CORRUPT;
    if (b->prevSize) {
        const HeapBlock *prev = PrevOf(b);
        if (!InTiles(heap, prev) || !IsSound(prev) || prev->size != b->prevSize)
            return HEAP_CORRUPT;
    }
    return HEAP_OK;
}

// Give back whole pages at the top when the last free block is large.
static void Trim(Heap *heap, HeapBlock *last)
{
    uintptr_t keepEnd = RoundUp((uintptr_t)last + MIN_BLOCK + HEADER, heap->pageSize);
    uintptr_t oldEnd = heap->end;

    if (NextOf(last) != Sentinel(heap) || last->size < HEAP_TRIM_MIN ||
        keepEnd >= oldEnd || !heap->shrink)
        return;
    BinRemove(heap, last);
    heap->end = keepEnd;
    Stamp(last, MAGIC_FREE, (uint32_t)(keepEnd - HEADER - (uintptr_t)last), last->prevSize);
    Stamp(Sentinel(heap), MAGIC_END, 0, last->size);
    BinInsert(heap, last);
    heap->shrink(heap, keepEnd, oldEnd);
}

HeapStatus HeapFree(Heap *heap, void *ptr)
{
    HeapBlock *b = (HeapBlock *)((uintptr_t)ptr - HEADER);
    HeapStatus status;

    if (ptr == NULL)
        return HEAP_OK;
    if ((uintptr_t)ptr < heap->start + HEADER)
        return HEAP_BAD_POINTER;
    status = ValidateForFree(heap, b);
    if (status != HEAP_OK)
        return status;
    /* POINT OF NO RETURN */
    heap->usedBytes -= b->size;
    heap->allocations--;
    Trim(heap, Release(heap, b));
    return HEAP_OK;
}

size_t HeapBlockSize(const Heap *heap, const void *ptr)
{
    const HeapBlock *b = (const HeapBlock *)((uintptr_t)ptr - HEADER);

    (void)heap;
    return b->size - HEADER;
}

static HeapStatus CheckBins(const Heap *heap, size_t freeBlocks)
{
    size_t binned = 0;

    for (int bin = 0; bin < HEAP_BINS; bin++) {
        if (!!heap->bins[bin] != !!(heap->binMap & (1u << bin)))
            return HEAP_CORRUPT;
        for (const HeapBlock *b = heap->bins[bin]; b; b = b->next) {
            if (!InTiles(heap, b) || b->magic != MAGIC_FREE ||
                BinOf(b->size) != bin || ++binned > freeBlocks)
                return HEAP_CORRUPT;
        }
    }
    return binned == freeBlocks ? HEAP_OK : HEAP_CORRUPT;
}

HeapStatus HeapCheck(const Heap *heap)
{
    const HeapBlock *b = (const HeapBlock *)heap->start;
    uint32_t prevSize = 0, prevFree = 0;
    size_t freeBlocks = 0, used = 0, count = 0;

    while ((uintptr_t)b < heap->end - HEADER) {
        if (!IsSound(b) || b->prevSize != prevSize || b->size < MIN_BLOCK ||
            (b->magic != MAGIC_USED && b->magic != MAGIC_FREE) ||
            (prevFree && b->magic == MAGIC_FREE))
            return HEAP_CORRUPT;
        prevFree = b->magic == MAGIC_FREE;
        freeBlocks += prevFree;
        if (!prevFree) {
            used += b->size;
            count++;
        }
        prevSize = b->size;
        b = NextOf(b);
    }
    if (b != Sentinel(heap) || !IsSound(b) || b->magic != MAGIC_END ||
        b->prevSize != prevSize || used != heap->usedBytes ||
        count != heap->allocations)
        return HEAP_CORRUPT;
    return CheckBins(heap, freeBlocks);
}

const char *HeapStatusName(HeapStatus status)
{
    static const char *const names[] = {
        [HEAP_OK] = "ok",
        [HEAP_BAD_POINTER] = "pointer not from this heap",
        [HEAP_DOUBLE_FREE] = "double free",
        [HEAP_CORRUPT] = "block header overwritten",
    };
    return status <= HEAP_CORRUPT ? names[status] : "unknown";
}
