// libFuzzer target for the boundary-tag heap (lib/heap.c).
//
// The input is a sequence of operations on one heap over a 16 MiB region
// (page size 4096). Everything between the heap's end and its limit is
// poisoned for AddressSanitizer, so the allocator touching memory it has not
// been given (or has given back) is caught. Each operation is one opcode
// byte followed by its arguments:
//   0, 1  allocate a size chosen by the next two bytes into a free slot
//   2     free slot K (its contents are verified against the shadow first)
//   3     free a bogus pointer inside the heap that is not a live block
//   4     free again a pointer that was already freed
//   5     write the full payload of slot K with a new pattern
//   6     write part of the payload of slot K
//   7     toggle whether the grow callback fails
//
// Invariants checked (abort() on violation):
//   - HeapCheck is HEAP_OK after every operation
//   - allocations are 16-aligned, inside [start, end), at least as large as
//     asked, and never overlap another live block; absurd sizes get NULL
//   - freeing a live block returns HEAP_OK; freeing a bogus pointer or a
//     freed one returns an error status and changes nothing
//   - every live block still holds what was last written to it (shadow)
//   - the grow/shrink callbacks see page-aligned, contiguous requests within
//     the limit, and the corrupt callback is never called
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/asan_interface.h>

#include <clanker/error.h>
#include <lib/heap.h>

#define REGION_BYTES ((uintptr_t)16 * 1024 * 1024)
#define PAGE_BYTES   ((uintptr_t)4096)
#define HEADER_BYTES ((uintptr_t)16)
#define MAX_SLOTS    64
#define MAX_FREED    16

typedef struct Slot {
    uint8_t *ptr;       // NULL when the slot is empty
    size_t asked;       // bytes requested
    size_t usable;      // HeapBlockSize at allocation
} Slot;

// The heap plus what the callbacks track. heap must come first: the
// callbacks get a Heap * and cast it back.
typedef struct Fixture {
    Heap heap;
    uintptr_t mapped;       // end of what grow has made usable
    uintptr_t highWater;    // highest end ever mapped
    int failGrow;
} Fixture;

typedef struct Reader {
    const uint8_t *data;
    size_t size;
    size_t pos;
} Reader;

static uint8_t *region;             // REGION_BYTES, page-aligned
static uint8_t *shadow;             // REGION_BYTES: what live payloads hold
static uintptr_t dirtyEnd;          // region bytes the last run touched
static Fixture fixture;
static Slot slots[MAX_SLOTS];
static uint8_t *freed[MAX_FREED];   // recently freed payload pointers
static size_t freedNext;

static void Fail(const char *what)
{
    fprintf(stderr, "fuzz_heap: invariant violated: %s\n", what);
    abort();
}

static int GrowCallback(Heap *heap, uintptr_t oldEnd, uintptr_t newEnd)
{
    Fixture *f = (Fixture *)heap;

    if (oldEnd != f->mapped || newEnd <= oldEnd || newEnd > heap->limit ||
        oldEnd % PAGE_BYTES || newEnd % PAGE_BYTES)
        Fail("bad grow request");
    if (f->failGrow)
        return 0;
    ASAN_UNPOISON_MEMORY_REGION((void *)oldEnd, newEnd - oldEnd);
    f->mapped = newEnd;
    if (newEnd > f->highWater)
        f->highWater = newEnd;
    return 1;
}

static void ShrinkCallback(Heap *heap, uintptr_t newEnd, uintptr_t oldEnd)
{
    Fixture *f = (Fixture *)heap;

    if (oldEnd != f->mapped || newEnd >= oldEnd || newEnd <= heap->start ||
        newEnd % PAGE_BYTES || heap->end != newEnd)
        Fail("bad shrink request");
    // Scribble over the released range, as a page allocator reusing those
    // frames would, then make it untouchable.
    memset((void *)newEnd, 0xA5, oldEnd - newEnd);
    ASAN_POISON_MEMORY_REGION((void *)newEnd, oldEnd - newEnd);
    f->mapped = newEnd;
}

static void CorruptCallback(Heap *heap, uintptr_t where)
{
    (void)heap;
    fprintf(stderr, "fuzz_heap: corrupt header reported at %#lx\n",
            (unsigned long)where);
    Fail("corrupt callback called on an uncorrupted heap");
}

static uint8_t ReadByte(Reader *r)
{
    return r->pos < r->size ? r->data[r->pos++] : 0;
}

static uint32_t ReadWord(Reader *r)
{
    uint32_t v = 0;

    for (int i = 0; i < 4; i++)
        v |= (uint32_t)ReadByte(r) << (8 * i);
    return v;
}

// Fill with an arithmetic progression of bytes: no header magic is one,
// so a payload can never be mistaken for a block header.
static void FillPattern(uint8_t *dst, size_t length, uint8_t seed, uint8_t step)
{
    size_t done = length < 256 ? length : 256;

    for (size_t i = 0; i < done; i++)
        dst[i] = (uint8_t)(seed + step * i);
    // The pattern repeats every 256 bytes: copy in doubling steps.
    while (done < length) {
        size_t chunk = done < length - done ? done : length - done;
        memcpy(dst + done, dst, chunk);
        done += chunk;
    }
}

static void ResetRegion(void)
{
    if (region == NULL) {
        region = aligned_alloc(PAGE_BYTES, REGION_BYTES);
        if (region == NULL)
            abort();
        ASAN_POISON_MEMORY_REGION(region, REGION_BYTES);
        dirtyEnd = 0;
        shadow = malloc(REGION_BYTES);
        if (shadow == NULL)
            abort();
    }
    // Make every run start from the same bytes, so crashes reproduce.
    if (dirtyEnd > 0) {
        ASAN_UNPOISON_MEMORY_REGION(region, dirtyEnd);
        memset(region, 0, dirtyEnd);
        ASAN_POISON_MEMORY_REGION(region, dirtyEnd);
    }
}

static void CheckHeap(void)
{
    Heap *heap = &fixture.heap;
    size_t live = 0;
    HeapStatus status = HeapCheck(heap);

    if (status != HEAP_OK) {
        fprintf(stderr, "fuzz_heap: HeapCheck: %s\n", HeapStatusName(status));
        Fail("HeapCheck failed");
    }
    if (heap->end != fixture.mapped || heap->end > heap->limit)
        Fail("heap end disagrees with the callbacks");
    for (int i = 0; i < MAX_SLOTS; i++)
        live += slots[i].ptr != NULL;
    if (heap->allocations != live)
        Fail("allocation count disagrees with live slots");
}

static int IsLive(const uint8_t *ptr)
{
    for (int i = 0; i < MAX_SLOTS; i++) {
        if (slots[i].ptr == ptr)
            return 1;
    }
    return 0;
}

// The shadow copy of a payload sits at the same offset in shadow as the
// payload does in region; live blocks never overlap, so neither do these.
static uint8_t *ShadowOf(const uint8_t *ptr)
{
    return shadow + (ptr - region);
}

static void VerifySlot(const Slot *s)
{
    if (HeapBlockSize(&fixture.heap, s->ptr) != s->usable)
        Fail("block size changed");
    if (memcmp(s->ptr, ShadowOf(s->ptr), s->usable) != 0)
        Fail("block contents changed");
}

static size_t ChooseSize(Reader *r)
{
    uint16_t v = (uint16_t)(ReadByte(r) | ReadByte(r) << 8);
    size_t n = v & 0x3FFF;

    switch (v >> 14) {
    case 0:
        return n & 0xFF;                    // small: 0..255
    case 1:
        return n;                           // up to 16 KiB
    case 2:
        return n << 6;                      // up to 1 MiB
    default:
        if (n == 0x3FFF)
            return (size_t)1 << 31;         // absurd: must be refused
        if (n == 0x3FFE)
            return SIZE_MAX;
        if (n >= 0x3FF0)
            return REGION_BYTES - (n & 0xF) * PAGE_BYTES;  // near the limit
        return n << 8;                      // up to 4 MiB
    }
}

static void OpAllocate(Reader *r)
{
    size_t asked = ChooseSize(r);
    uint8_t seed = ReadByte(r);
    Heap *heap = &fixture.heap;
    Slot *s = NULL;
    uint8_t *ptr;
    uintptr_t lo, hi;

    for (int i = 0; i < MAX_SLOTS && s == NULL; i++) {
        if (slots[i].ptr == NULL)
            s = &slots[i];
    }
    if (s == NULL)
        return;
    ptr = HeapAllocate(heap, asked);
    if (ptr == NULL) {
        if (asked < REGION_BYTES / 2 && heap->allocations == 0 &&
            !fixture.failGrow)
            Fail("empty heap refused a modest request");
        return;
    }
    if (asked > REGION_BYTES)
        Fail("absurd request satisfied");
    s->ptr = ptr;
    s->asked = asked;
    s->usable = HeapBlockSize(heap, ptr);
    if ((uintptr_t)ptr % HEAP_ALIGN || (uintptr_t)ptr < heap->start + HEADER_BYTES ||
        (uintptr_t)ptr + s->usable > heap->end - HEADER_BYTES || s->usable < asked)
        Fail("allocation misplaced or too small");
    lo = (uintptr_t)ptr - HEADER_BYTES;
    hi = (uintptr_t)ptr + s->usable;
    for (int i = 0; i < MAX_SLOTS; i++) {
        const Slot *o = &slots[i];
        if (o == s || o->ptr == NULL)
            continue;
        if ((uintptr_t)o->ptr - HEADER_BYTES < hi && lo < (uintptr_t)o->ptr + o->usable)
            Fail("allocation overlaps a live block");
    }
    FillPattern(ShadowOf(ptr), s->usable, seed, (uint8_t)(2 * (s - slots) + 1));
    memcpy(ptr, ShadowOf(ptr), s->usable);
}

static void OpFree(Reader *r)
{
    Slot *s = &slots[ReadByte(r) % MAX_SLOTS];
    HeapStatus status;

    if (s->ptr == NULL) {
        if (HeapFree(&fixture.heap, NULL) != HEAP_OK)
            Fail("free(NULL) failed");
        return;
    }
    VerifySlot(s);
    status = HeapFree(&fixture.heap, s->ptr);
    if (status != HEAP_OK) {
        fprintf(stderr, "fuzz_heap: HeapFree: %s\n", HeapStatusName(status));
        Fail("freeing a live block failed");
    }
    freed[freedNext++ % MAX_FREED] = s->ptr;
    *s = (Slot){ 0 };
}

// Free p, which is not a live block: an error, and nothing may change.
static void ExpectRefused(uint8_t *p)
{
    Heap before = fixture.heap;
    HeapStatus status;

    if (IsLive(p))
        return;
    status = HeapFree(&fixture.heap, p);
    if (status == HEAP_OK)
        Fail("free of a non-block pointer succeeded");
    if (status != HEAP_DOUBLE_FREE && status != HEAP_BAD_POINTER &&
        status != HEAP_CORRUPT)
        Fail("refused free gave an unknown status");
    if (memcmp(&before, &fixture.heap, sizeof(before)) != 0)
        Fail("refused free changed the heap");
}

static void OpFreeBogus(Reader *r)
{
    uint8_t mode = ReadByte(r);
    uint32_t offset = ReadWord(r);
    Heap *heap = &fixture.heap;
    uint8_t *p;

    if (mode & 1) {
        // Just inside a live block, so the "header" is payload or a header.
        const Slot *s = &slots[(mode >> 1) % MAX_SLOTS];
        if (s->ptr == NULL)
            return;
        p = s->ptr + 1 + offset % (s->usable + HEADER_BYTES);
    } else {
        p = (uint8_t *)(heap->start + offset % (heap->end - heap->start));
    }
    ExpectRefused(p);
}

static void OpDoubleFree(Reader *r)
{
    uint8_t *p = freed[ReadByte(r) % MAX_FREED];

    if (p != NULL)
        ExpectRefused(p);
}

static void OpWrite(Reader *r, int whole)
{
    Slot *s = &slots[ReadByte(r) % MAX_SLOTS];
    uint8_t seed = ReadByte(r);
    size_t from = 0, length;

    if (s->ptr == NULL)
        return;
    VerifySlot(s);
    length = s->usable;
    if (!whole) {
        uint32_t a = ReadWord(r);
        from = a % (s->usable + 1);
        length = (a >> 16) % (s->usable - from + 1);
    }
    FillPattern(ShadowOf(s->ptr) + from, length, seed, (uint8_t)(seed | 1));
    memcpy(s->ptr + from, ShadowOf(s->ptr) + from, length);
}

static void Teardown(void)
{
    memset(slots, 0, sizeof(slots));
    memset(freed, 0, sizeof(freed));
    freedNext = 0;
    // Poison what the heap still holds; ResetRegion clears it next time.
    dirtyEnd = fixture.highWater - (uintptr_t)region;
    ASAN_POISON_MEMORY_REGION(region, dirtyEnd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Reader r = { data, size, 0 };
    uintptr_t start;

    ResetRegion();
    start = (uintptr_t)region;
    fixture = (Fixture){ .mapped = start, .highWater = start };
    if (HeapInit(&fixture.heap, start, start + REGION_BYTES, PAGE_BYTES,
                 GrowCallback, ShrinkCallback, CorruptCallback) != 0)
        Fail("HeapInit failed");
    CheckHeap();
    while (r.pos < r.size) {
        switch (ReadByte(&r) % 8) {
        case 0:
        case 1:
            OpAllocate(&r);
            break;
        case 2:
            OpFree(&r);
            break;
        case 3:
            OpFreeBogus(&r);
            break;
        case 4:
            OpDoubleFree(&r);
            break;
        case 5:
            OpWrite(&r, 1);
            break;
        case 6:
            OpWrite(&r, 0);
            break;
        default:
            fixture.failGrow = !fixture.failGrow;
            break;
        }
        CheckHeap();
    }
    // Free everything still live, verifying contents, newest first.
    for (int i = MAX_SLOTS - 1; i >= 0; i--) {
        if (slots[i].ptr == NULL)
            continue;
        VerifySlot(&slots[i]);
        if (HeapFree(&fixture.heap, slots[i].ptr) != HEAP_OK)
            Fail("final free failed");
        slots[i] = (Slot){ 0 };
        CheckHeap();
    }
    if (fixture.heap.usedBytes != 0)
        Fail("bytes still in use with nothing allocated");
    Teardown();
    return 0;
}
