// Building the set of usable RAM from the Multiboot memory description.
//
// Rules, in order:
//   1. Prefer the full memory map; fall back to memLower/memUpper; with
//      neither, there is nothing to use and the caller must stop.
//   2. Walk entries defensively: an entry whose size field is too small or
//      that runs past the end of the map ends the walk (counted malformed).
//   3. Clip at 4 GiB: without PAE a 32-bit kernel cannot address more. The
//      clipped bytes of available RAM are reported.
//   4. Reserved wins: usable = (union of available) - (union of the rest),
//      so overlapping or unsorted entries cannot make a reserved byte usable.
//   5. Keep whole 4 KiB pages only.
#include <stddef.h>
#include <clanker/error.h>
#include <kernel/mm/memmap.h>
#include <kernel/multiboot.h>

#define FOUR_GIB   0x100000000ull
#define PAGE_BYTES 4096ull

// Clip [base, base+length) to below 4 GiB; report what was cut if the
// entry is available RAM. Returns the clipped end (<= base when empty).
static uint64_t ClipEntry(uint64_t base, uint64_t length, int available,
                          MemMapReport *report)
{
    uint64_t end = base + length;

    if (end < base)                     // wraps past 2^64
        end = UINT64_MAX;
    if (end <= FOUR_GIB)
        return end;
    if (available)
        report->ignoredAbove4G += end - (base > FOUR_GIB ? base : FOUR_GIB);
    return FOUR_GIB;
}

// Apply one entry. Pass 0 adds available RAM; pass 1 removes everything
// else, so reserved entries win wherever they overlap RAM.
static void ApplyEntry(RangeSet *usable, const MultibootMmapEntry *e, int pass,
                       MemMapReport *report)
{
    int isRam = e->type == MULTIBOOT_MEMORY_AVAILABLE;
    uint64_t end;

    if (isRam != (pass == 0))
        return;
    end = ClipEntry(e->base, e->length, isRam && pass == 0, report);
    if (e->base >= end)
        return;
    if (RangeSetIntersects(usable, e->base, end))
        report->overlapping = 1;
    if (pass == 1)
        report->dropped += RangeSetCut(usable, e->base, end);
    else if (RangeSetAdd(usable, e->base, end) != 0)
        report->dropped++;
}

// Visit each well-formed entry. An entry whose size field is below the
// minimum, or that runs past the end of the map, ends the walk.
static void WalkMmap(const MemMapInput *in, RangeSet *usable, int pass,
                     MemMapReport *report)
{
    uint32_t offset = 0;
    uint64_t lastBase = 0;

    while (offset < in->mmapLength) {
        const MultibootMmapEntry *e;
        uint32_t left = in->mmapLength - offset;

        e = (const MultibootMmapEntry *)(in->mmap + offset);
        if (left < sizeof(*e) || e->size < sizeof(*e) - 4 ||
            (uint64_t)e->size + 4 > left) {
            if (pass == 0)
                report->malformed++;
            return;
        }
        if (pass == 0) {
            report->entries++;
            report->unsorted |= e->base < lastBase;
            lastBase = e->base;
        }
        ApplyEntry(usable, e, pass, report);
        offset += e->size + 4;
    }
}

// memLower/memUpper are 32-bit KiB counts, so they too can reach past
// 4 GiB: clip them like map entries.
static void UseBasic(const MemMapInput *in, RangeSet *available,
                     MemMapReport *report)
{
    RangeSetAdd(available, 0,
                ClipEntry(0, (uint64_t)in->memLower * 1024, 1, report));
    RangeSetAdd(available, 0x100000,
                ClipEntry(0x100000, (uint64_t)in->memUpper * 1024, 1, report));
}

int MemMapBuild(const MemMapInput *in, RangeSet *usable, MemMapReport *report)
{
    int hasMmap = in->hasMmap && in->mmap != NULL && in->mmapLength > 0;

    *report = (MemMapReport){ .source = MEMMAP_SOURCE_NONE };
    RangeSetInit(usable);
    if (hasMmap) {
        report->source = MEMMAP_SOURCE_MMAP;
        WalkMmap(in, usable, 0, report);
        WalkMmap(in, usable, 1, report);
    }
    if (usable->count == 0 && in->hasBasic) {
        report->source = MEMMAP_SOURCE_BASIC;
        UseBasic(in, usable, report);
        if (hasMmap)        // what the map marks reserved still wins
            WalkMmap(in, usable, 1, report);
    }
    if (usable->count == 0) {
        report->source = MEMMAP_SOURCE_NONE;
        return E_NOENT;
    }
    RangeSetAlign(usable, PAGE_BYTES);
    return usable->count ? 0 : E_NOENT;
}
