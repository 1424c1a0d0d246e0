// Memory calls: brk, mmap2, munmap, mprotect, mremap, madvise.
//
// A client's address space, as this server lays it out:
//
//   imageEnd ... brk       the break: grows up from the end of the loaded
//                          image (ProcessFacts.imageEnd)
//   ...        mmapTop     anonymous mappings, taken top-down from
//                          MMAP_GAP below the stack, never under the break
//   stackBottom ... 0xc0000000   the stack the loader made
//
// The server keeps the mmap ranges in use as a sorted list of regions, so
// munmap gives space back and a later mmap can reuse it (first fit from
// the top). The pages themselves are the kernel's: ProcessMap maps zeroed
// pages at once (no demand paging yet), ProcessUnmap frees them,
// ProcessProtect changes their protection.
//
// In this phase only anonymous mappings exist: a file-backed mmap2 is
// E_NODEV. MAP_SHARED anonymous memory acts like MAP_PRIVATE (without
// fork there is nobody to share it with). MAP_FIXED replaces whatever was
// in the range, as on Linux; MAP_FIXED_NOREPLACE is E_EXIST over a
// recorded region. mremap is always E_NOMEM, so callers copy instead;
// madvise accepts any advice and does nothing.
#include <lib/string.h>
#include "posix.h"

#define MMAP_GAP        (1u << 20)     // between the stack and the first mapping
#define REGIONS_MAX     8192           // regions per process; more: E_NOMEM
#define REGIONS_INITIAL 16

// Set up p's break and mmap area from what the kernel loaded.
void MemoryInit(PosixProcess *p, const ProcessFacts *facts)
{
    p->brkStart = p->brkEnd = PosixPageUp(facts->imageEnd);
    p->mapLimit = facts->stackBottom - POSIX_PAGE_SIZE;    // the guard page
    p->mmapTop = facts->stackBottom > MMAP_GAP ? facts->stackBottom - MMAP_GAP : 0;
    if (p->mmapTop < p->brkStart)
        p->mmapTop = p->brkStart;
}

// Free p's region list (its pages go with the process).
void MemoryFree(PosixProcess *p)
{
    if (p->regions)
        api->kfree(p->regions);
    p->regions = NULL;
    p->regionCount = p->regionCapacity = 0;
}

// Make room for extra more regions. Returns 0 or E_NOMEM (nothing changed).
static int RegionsReserve(PosixProcess *p, uint32_t extra)
{
    uint32_t want = p->regionCount + extra, capacity = p->regionCapacity;
    PosixRegion *grown;

    if (want <= capacity)
        return 0;
    if (want > REGIONS_MAX)
        return E_NOMEM;
    while (capacity < want)
        capacity = capacity ? capacity * 2 : REGIONS_INITIAL;
    if (!(grown = api->kmalloc(capacity * sizeof(PosixRegion))))
        return E_NOMEM;
    if (p->regions) {
        memcpy(grown, p->regions, p->regionCount * sizeof(PosixRegion));
        api->kfree(p->regions);
    }
    p->regions = grown;
    p->regionCapacity = capacity;
    return 0;
}

// Whether any region overlaps [start, end).
static int RegionsOverlap(const PosixProcess *p, uint32_t start, uint32_t end)
{
    for (uint32_t i = 0; i < p->regionCount; i++)
        if (p->regions[i].start < end && start < p->regions[i].end)
            return 1;
    return 0;
}

// Take [start, end) out of the regions, splitting one that straddles it.
// Needs room for one more region (RegionsReserve(p, 1)).
static void RegionsRemove(PosixProcess *p, uint32_t start, uint32_t end)
{
    uint32_t out = 0, count = p->regionCount;
    PosixRegion *r = p->regions;

    for (uint32_t i = 0; i < count; i++) {
        PosixRegion cur = r[i];
        if (cur.end <= start || end <= cur.start) {
            r[out++] = cur;
            continue;
        }
        if (cur.start < start)
            r[out++] = (PosixRegion){ cur.start, start };
        if (end < cur.end) {
            // Splitting in the middle adds one; shift the rest up first.
            memmove(&r[out + 1], &r[i + 1], (count - i - 1) * sizeof(*r));
            r[out++] = (PosixRegion){ end, cur.end };
            out += count - i - 1;
            p->regionCount = out;
            return;
        }
    }
    p->regionCount = out;
}

// Add [start, end), which overlaps no region, keeping the list sorted
// and merging neighbours. Needs room for one more region.
static void RegionsInsert(PosixProcess *p, uint32_t start, uint32_t end)
{
    PosixRegion *r = p->regions;
    uint32_t i = 0;

    while (i < p->regionCount && r[i].start < start)
        i++;
    if (i > 0 && r[i - 1].end == start) {
        r[i - 1].end = end;
        if (i < p->regionCount && r[i].start == end) {
            r[i - 1].end = r[i].end;
            memmove(&r[i], &r[i + 1], (p->regionCount - i - 1) * sizeof(*r));
            p->regionCount--;
        }
        return;
    }
    if (i < p->regionCount && r[i].start == end) {
        r[i].start = start;
        return;
    }
    memmove(&r[i + 1], &r[i], (p->regionCount - i) * sizeof(*r));
    r[i] = (PosixRegion){ start, end };
    p->regionCount++;
}

// The highest free range of size bytes under mmapTop and above the break.
// Returns its start, or 0 if there is none.
static uint32_t RegionsFindGap(const PosixProcess *p, uint32_t size)
{
    uint32_t top = p->mmapTop, floor = PosixPageUp(p->brkEnd);

    for (uint32_t i = p->regionCount; i-- > 0 && top > floor;) {
        const PosixRegion *r = &p->regions[i];
        uint32_t low = r->end > floor ? r->end : floor;
        if (r->start >= top)
            continue;
        if (r->end <= top && top - low >= size)
            return top - size;
        top = r->start;
    }
    return top > floor && top - floor >= size ? top - size : 0;
}

// brk(addr): move the break to addr (0 or out of range: just ask).
// Returns the break, which stays where it was when the move fails.
int32_t SysBrk(PosixProcess *p, const uint32_t *arg)
{
    uint32_t want = arg[0], oldTop = PosixPageUp(p->brkEnd), newTop = PosixPageUp(want);

    if (want < p->brkStart || want > p->mmapTop || newTop == 0)
        return (int32_t)p->brkEnd;
    if (newTop > oldTop) {
        if (RegionsOverlap(p, oldTop, newTop) ||
            api->ProcessMap(p->pid, oldTop, newTop - oldTop,
                            POSIX_PROT_READ | POSIX_PROT_WRITE) != 0)
            return (int32_t)p->brkEnd;
    } else if (newTop < oldTop)
        api->ProcessUnmap(p->pid, newTop, oldTop - newTop);
    p->brkEnd = want;
    return (int32_t)want;
}

// The MAP_FIXED part of mmap2: replace [addr, addr + size).
static int32_t MapFixed(PosixProcess *p, uint32_t addr, uint32_t size, uint32_t prot,
                        uint32_t flags)
{
    int err;

    if ((addr & (POSIX_PAGE_SIZE - 1)) || addr < POSIX_PAGE_SIZE || addr + size < addr ||
        addr + size > p->mapLimit)
        return E_INVAL;
    if ((flags & LINUX_MAP_FIXED_NOREPLACE) && RegionsOverlap(p, addr, addr + size))
        return E_EXIST;
    if ((err = RegionsReserve(p, 2)) != 0)
        return err;
    api->ProcessUnmap(p->pid, addr, size);
    RegionsRemove(p, addr, addr + size);
    if ((err = api->ProcessMap(p->pid, addr, size, prot)) != 0)
        return err;
    RegionsInsert(p, addr, addr + size);
    return (int32_t)addr;
}

// mmap2(addr, length, prot, flags, fd, pgoffset): anonymous mappings.
int32_t SysMmap2(PosixProcess *p, const uint32_t *arg)
{
    uint32_t size = PosixPageUp(arg[1]), prot = arg[2], flags = arg[3], type, addr;
    int err;

    type = flags & LINUX_MAP_TYPE;
    if (arg[1] == 0 || (type != LINUX_MAP_SHARED && type != LINUX_MAP_PRIVATE) ||
        (prot & ~(uint32_t)LINUX_PROT_MASK))
        return E_INVAL;
    if (!(flags & LINUX_MAP_ANONYMOUS))
        return E_NODEV;
    if (size == 0)
        return E_NOMEM;
    if (flags & (LINUX_MAP_FIXED | LINUX_MAP_FIXED_NOREPLACE))
        return MapFixed(p, arg[0], size, prot, flags);
    if ((err = RegionsReserve(p, 1)) != 0)
        return err;
    if ((addr = RegionsFindGap(p, size)) == 0)
        return E_NOMEM;
    if ((err = api->ProcessMap(p->pid, addr, size, prot)) != 0)
        return err;
    RegionsInsert(p, addr, addr + size);
    return (int32_t)addr;
}

// Check a page-aligned range argument. Returns 0 or E_INVAL.
static int CheckRange(uint32_t addr, uint32_t length, uint32_t *size)
{
    *size = PosixPageUp(length);
    if ((addr & (POSIX_PAGE_SIZE - 1)) || length == 0 || *size == 0 || addr + *size < addr)
        return E_INVAL;
    return 0;
}

// munmap(addr, length)
int32_t SysMunmap(PosixProcess *p, const uint32_t *arg)
{
    uint32_t size;
    int err = CheckRange(arg[0], arg[1], &size);

    if (err)
        return err;
    if ((err = api->ProcessUnmap(p->pid, arg[0], size)) != 0)
        return err;
    if (RegionsReserve(p, 1) == 0)
        RegionsRemove(p, arg[0], arg[0] + size);
    return 0;
}

// mprotect(addr, length, prot)
int32_t SysMprotect(PosixProcess *p, const uint32_t *arg)
{
    uint32_t size, prot = arg[2] & ~(uint32_t)(LINUX_PROT_GROWSDOWN | LINUX_PROT_GROWSUP);
    int err;

    if (prot & ~(uint32_t)LINUX_PROT_MASK)
        return E_INVAL;
    if (arg[1] == 0)
        return (arg[0] & (POSIX_PAGE_SIZE - 1)) ? E_INVAL : 0;
    if ((err = CheckRange(arg[0], arg[1], &size)) != 0)
        return err;
    return api->ProcessProtect(p->pid, arg[0], size, prot);
}

// mremap(old, oldSize, newSize, flags, new): not in this phase.
int32_t SysMremap(PosixProcess *p, const uint32_t *arg)
{
    (void)p; (void)arg;
    return E_NOMEM;
}

// madvise(addr, length, advice): advice is only advice.
int32_t SysMadvise(PosixProcess *p, const uint32_t *arg)
{
    (void)p;
    return (arg[0] & (POSIX_PAGE_SIZE - 1)) ? E_INVAL : 0;
}
