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
// the top). Each call makes room in the list before it changes a page,
// so running out of memory for the list is an error with nothing
// changed, never a list out of step with the pages. The pages
// themselves are the kernel's: ProcessMap maps zeroed pages at once (no
// demand paging yet), ProcessUnmap frees them, ProcessProtect changes
// their protection.
//
// A file-backed mmap2 of a regular file is a private copy: anonymous
// pages filled from the file at the offset by the fs protocol's MSG_READ
// (zero past its end), then given the asked protection; writes to them
// never reach the file. MAP_SHARED of a file read-only is served the same
// way (a copy: later writes to the file are not seen); MAP_SHARED with
// PROT_WRITE is E_NODEV, and so is any fd that is not a regular file
// (a directory, a pipe, the console, a proc: text). MAP_SHARED anonymous
// memory acts like MAP_PRIVATE (a forked child gets a copy). MAP_FIXED replaces whatever was
// in the range, as on Linux; MAP_FIXED_NOREPLACE is E_EXIST over a
// recorded region. mremap is always E_NOMEM, so callers copy instead;
// madvise accepts any advice Linux knows and does nothing.
#include <lib/string.h>
#include "core.h"
#include "nsclient.h"
#include "memory.h"

#define MMAP_GAP        (1u << 20)     // between the stack and the first mapping
#define REGIONS_MAX     8192           // regions per process; more: E_NOMEM
#define REGIONS_INITIAL 16

// Set up p's break and mmap area from what the kernel loaded.
void MemoryInit(PosixProcess *p, const ProcessFacts *facts)
{
    p->brkStart = p->brkEnd = PosixPageUp(facts->imageEnd);
    p->mapLimit = facts->stackBottom - POSIX_PAGE_SIZE;    // the guard page
    p->userLimit = facts->userLimit;
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
int32_t LinuxSysBrk(PosixProcess *p, const uint32_t *arg)
{
    uint32_t want = arg[0], oldTop = PosixPageUp(p->brkEnd), newTop = PosixPageUp(want);

    /* decode */
    if (want < p->brkStart || want > p->mmapTop || newTop == 0)
        return (int32_t)p->brkEnd;
    if (newTop > oldTop && RegionsOverlap(p, oldTop, newTop))
        return (int32_t)p->brkEnd;
    /* invoke */
    if (newTop > oldTop &&
        api->ProcessMap(p->pid, oldTop, newTop - oldTop, POSIX_PROT_READ | POSIX_PROT_WRITE) != 0)
        return (int32_t)p->brkEnd;
    if (newTop < oldTop)
        api->ProcessUnmap(p->pid, newTop, oldTop - newTop);
    p->brkEnd = want;
    return (int32_t)want;
}

// The MAP_FIXED part of mmap2 (checked, room for two more regions):
// replace [addr, addr + size). As on Linux, a mapping that fails leaves
// the range unmapped. Returns 0 or an error.
static int MapFixed(PosixProcess *p, uint32_t addr, uint32_t size, uint32_t prot)
{
    int err;

    api->ProcessUnmap(p->pid, addr, size);
    RegionsRemove(p, addr, addr + size);
    if ((err = api->ProcessMap(p->pid, addr, size, prot)) != 0)
        return err;
    RegionsInsert(p, addr, addr + size);
    return 0;
}

// The file fd of a file-backed mmap2 of type (MAP_SHARED or MAP_PRIVATE)
// with prot: *out, or E_BADF (not open), E_NODEV (not a regular file, or
// a writable shared mapping, which this layer cannot keep in step with
// the file), E_ACCES (not open for reading).
static int MapFile(PosixProcess *p, uint32_t fd, uint32_t type, uint32_t prot,
                   PosixFile **out)
{
    PosixFile *f = FdGet(p, (int32_t)fd);

    if (!f)
        return E_BADF;
    if (f->kind != POSIX_FILE_REGULAR)
        return E_NODEV;
    if ((f->flags & LINUX_O_ACCMODE) == LINUX_O_WRONLY)
        return E_ACCES;
    if (type == LINUX_MAP_SHARED && (prot & POSIX_PROT_WRITE))
        return E_NODEV;
    *out = f;
    return 0;
}

// Copy size bytes of f from offset on into p's pages at addr (mapped
// writable), by MSG_READ on its handle; past the end of the file the
// pages stay zero. Returns 0 or an error.
static int MapFill(PosixProcess *p, PosixFile *f, uint32_t addr, uint32_t size,
                   uint64_t offset)
{
    for (uint32_t done = 0; done < size;) {
        FsIo io = { f->handle, size - done < FS_IO_MAX ? size - done : FS_IO_MAX,
                    offset + done };
        Message *request = api->CreateMessage(MSG_READ, sizeof(io)), *reply;
        uint32_t got;
        int err = 0;

        if (!request)
            return E_NOMEM;
        memcpy(request->data, &io, sizeof(io));
        reply = NsTransact(f->name, request, &err);
        api->FreeMessage(request);
        if (!reply)
            return err;
        got = MessageDataLength(reply) < io.length ? MessageDataLength(reply) : io.length;
        err = api->ProcessWrite(p->pid, addr + done, reply->data, got);
        api->FreeMessage(reply);
        if (err || got == 0)
            return err;
        done += got;
    }
    return 0;
}

// Map size bytes with prot (checked, room for two more regions): at
// *addr with MAP_FIXED, else where there is room, *addr set to where.
// Returns 0 or an error (nothing mapped then).
static int MapPlace(PosixProcess *p, uint32_t *addr, uint32_t size, uint32_t prot,
                    uint32_t flags)
{
    int err;

    if (flags & (LINUX_MAP_FIXED | LINUX_MAP_FIXED_NOREPLACE))
        return MapFixed(p, *addr, size, prot);
    if ((*addr = RegionsFindGap(p, size)) == 0)
        return E_NOMEM;
    if ((err = api->ProcessMap(p->pid, *addr, size, prot)) != 0)
        return err;
    RegionsInsert(p, *addr, *addr + size);
    return 0;
}

// The decode step of mmap2: check every argument (the type, prot, the
// file, the size, a fixed address) and make room in the region list for
// the mapping and for taking it out again should filling it fail. Sets
// *size (whole pages) and *f (NULL: anonymous). Returns 0 or an error,
// with nothing mapped.
static int MapDecode(PosixProcess *p, const uint32_t *arg, uint32_t *size, PosixFile **f)
{
    uint32_t addr = arg[0], prot = arg[2], flags = arg[3], type = flags & LINUX_MAP_TYPE;
    int err;

    *size = PosixPageUp(arg[1]);
    *f = NULL;
    if (arg[1] == 0 || (type != LINUX_MAP_SHARED && type != LINUX_MAP_PRIVATE) ||
        (prot & ~(uint32_t)LINUX_PROT_MASK))
        return E_INVAL;
    if (!(flags & LINUX_MAP_ANONYMOUS) && (err = MapFile(p, arg[4], type, prot, f)) != 0)
        return err;
    if (*size == 0)
        return E_NOMEM;
    if ((flags & (LINUX_MAP_FIXED | LINUX_MAP_FIXED_NOREPLACE)) &&
        ((addr & (POSIX_PAGE_SIZE - 1)) || addr < POSIX_PAGE_SIZE || addr + *size < addr ||
         addr + *size > p->mapLimit))
        return E_INVAL;
    if ((flags & LINUX_MAP_FIXED_NOREPLACE) && RegionsOverlap(p, addr, addr + *size))
        return E_EXIST;
    return RegionsReserve(p, 2);
}

// mmap2(addr, length, prot, flags, fd, pgoffset): anonymous mappings, and
// private copies of regular files (the offset is in pages, so always
// aligned): the pages are filled from the file, then given prot.
int32_t LinuxSysMmap2(PosixProcess *p, const uint32_t *arg)
{
    uint32_t size, prot = arg[2], addr = arg[0];
    PosixFile *f;
    int err;

    /* decode */
    if ((err = MapDecode(p, arg, &size, &f)) != 0)
        return err;
    /* invoke */
    if ((err = MapPlace(p, &addr, size, f ? POSIX_PROT_READ | POSIX_PROT_WRITE : prot,
                        arg[3])) != 0)
        return err;
    if (f && (err = MapFill(p, f, addr, size, (uint64_t)arg[5] * POSIX_PAGE_SIZE)) == 0)
        err = api->ProcessProtect(p->pid, addr, size, prot);
    if (err) {
        api->ProcessUnmap(p->pid, addr, size);
        RegionsRemove(p, addr, addr + size);        // in the room MapDecode made
        return err;
    }
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
int32_t LinuxSysMunmap(PosixProcess *p, const uint32_t *arg)
{
    uint32_t size;
    int err;

    /* decode: the range, and room to split a region it cuts in two */
    if ((err = CheckRange(arg[0], arg[1], &size)) != 0 || (err = RegionsReserve(p, 1)) != 0)
        return err;
    /* invoke */
    if ((err = api->ProcessUnmap(p->pid, arg[0], size)) != 0)
        return err;
    RegionsRemove(p, arg[0], arg[0] + size);
    return 0;
}

// mprotect(addr, length, prot)
int32_t LinuxSysMprotect(PosixProcess *p, const uint32_t *arg)
{
    uint32_t size, prot = arg[2] & ~(uint32_t)(LINUX_PROT_GROWSDOWN | LINUX_PROT_GROWSUP);
    int err;

    /* decode */
    if (prot & ~(uint32_t)LINUX_PROT_MASK)
        return E_INVAL;
    if (arg[1] == 0)
        return (arg[0] & (POSIX_PAGE_SIZE - 1)) ? E_INVAL : 0;
    if ((err = CheckRange(arg[0], arg[1], &size)) != 0)
        return err;
    /* invoke */
    return api->ProcessProtect(p->pid, arg[0], size, prot);
}

#define MREMAP_FLAGS (LINUX_MREMAP_MAYMOVE | LINUX_MREMAP_FIXED | LINUX_MREMAP_DONTUNMAP)

// mremap(old, oldSize, newSize, flags, new): not in this phase, so
// E_NOMEM once the arguments are checked as Linux checks them (known
// flags, FIXED and DONTUNMAP only with MAYMOVE, an aligned old address,
// a new size).
int32_t LinuxSysMremap(PosixProcess *p, const uint32_t *arg)
{
    uint32_t flags = arg[3];

    (void)p;
    if ((flags & ~(uint32_t)MREMAP_FLAGS) ||
        ((flags & (LINUX_MREMAP_FIXED | LINUX_MREMAP_DONTUNMAP)) &&
         !(flags & LINUX_MREMAP_MAYMOVE)) ||
        (arg[0] & (POSIX_PAGE_SIZE - 1)) || PosixPageUp(arg[2]) == 0)
        return E_INVAL;
    return E_NOMEM;
}

// Whether Linux knows advice (MADV_NORMAL ... MADV_DONTNEED,
// MADV_FREE ... MADV_COLLAPSE, MADV_HWPOISON ... MADV_GUARD_REMOVE).
static int AdviceKnown(uint32_t advice)
{
    return advice <= 4 || (advice >= 8 && advice <= 25) || (advice >= 100 && advice <= 103);
}

// madvise(addr, length, advice): advice is only advice, taken once the
// arguments are checked as Linux checks them (an aligned address, a
// known advice, a range that does not wrap).
int32_t LinuxSysMadvise(PosixProcess *p, const uint32_t *arg)
{
    uint32_t size = PosixPageUp(arg[1]);

    (void)p;
    if ((arg[0] & (POSIX_PAGE_SIZE - 1)) || !AdviceKnown(arg[2]) ||
        (arg[1] && size == 0) || arg[0] + size < arg[0])
        return E_INVAL;
    return 0;
}
