// Physical page allocator: a free stack per zone plus two bitmaps.
//
// Layout of the storage block handed to PmmInit:
//   ramBits  | freeBits | low-zone stack | high-zone stack | shares
// The bitmaps and the share counts cover pfns [0, pageLimit); each stack
// can hold every page of its zone, so a free never needs memory.
//
// Sharing: a page in use has one holder, plus shares[pfn] more that
// PmmShare added (a grant keeps the pages it shares alive this way). Each
// holder frees the page once; only the last free puts it back.
//
// Invariant: a pfn is on a zone stack exactly when its free bit is set,
// only pfns with their RAM bit set ever get a free bit, and a free page
// has no shares.
#include <clanker/error.h>
#include <kernel/mm/pmm.h>

#define BITS_WORDS(n) (((n) + 31) / 32)

static int TestBit(const uint32_t *bits, uint32_t i)
{
    return (bits[i / 32] >> (i % 32)) & 1;
}

static void SetBit(uint32_t *bits, uint32_t i)
{
    bits[i / 32] |= 1u << (i % 32);
}

static void ClearBit(uint32_t *bits, uint32_t i)
{
    bits[i / 32] &= ~(1u << (i % 32));
}

static uint32_t PageLimitOf(const RangeSet *ram)
{
    if (ram->count == 0)
        return 0;
    return (uint32_t)(ram->ranges[ram->count - 1].end / PMM_PAGE_SIZE);
}

size_t PmmStorageBytes(const RangeSet *ram)
{
    uint32_t limit = PageLimitOf(ram);
    uint64_t pages = RangeSetTotal(ram) / PMM_PAGE_SIZE;

    return 2 * BITS_WORDS(limit) * sizeof(uint32_t) + pages * sizeof(uint32_t) +
           ((limit + 3u) & ~3u);
}

static int ValidRam(const RangeSet *ram)
{
    for (uint32_t i = 0; i < ram->count; i++) {
        const Range *r = &ram->ranges[i];
        if ((r->start | r->end) & (PMM_PAGE_SIZE - 1))
            return 0;
        if (r->end > 0x100000000ull || r->start >= r->end)
            return 0;
    }
    return 1;
}

// Count the pages of ram below and above lowLimit.
static void CountZones(const RangeSet *ram, uint32_t lowLimit, uint32_t *low,
                       uint32_t *high)
{
    *low = *high = 0;
    for (uint32_t i = 0; i < ram->count; i++) {
        uint32_t s = (uint32_t)(ram->ranges[i].start / PMM_PAGE_SIZE);
        uint32_t e = (uint32_t)(ram->ranges[i].end / PMM_PAGE_SIZE);
        uint32_t split = e < lowLimit ? e : (s > lowLimit ? s : lowLimit);
        *low += split - s;
        *high += e - split;
    }
}

static PmmStack *ZoneOf(Pmm *pmm, uint32_t pfn)
{
    return &pmm->zones[pfn < pmm->lowLimit ? PMM_ZONE_LOW : PMM_ZONE_HIGH];
}

int PmmInit(Pmm *pmm, const RangeSet *ram, uint32_t lowLimitPfn,
            void *storage, size_t storageBytes)
{
    uint32_t limit = PageLimitOf(ram), words = BITS_WORDS(limit);
    uint32_t low, high, *p = storage;

    if (!ValidRam(ram) || storageBytes < PmmStorageBytes(ram) ||
        ((uintptr_t)storage & 3))
        return E_INVAL;
    CountZones(ram, lowLimitPfn, &low, &high);
    *pmm = (Pmm){ .pageLimit = limit, .lowLimit = lowLimitPfn };
    pmm->ramBits = p;
    pmm->freeBits = p + words;
    pmm->zones[PMM_ZONE_LOW] = (PmmStack){ p + 2 * words, 0, low };
    pmm->zones[PMM_ZONE_HIGH] = (PmmStack){ p + 2 * words + low, 0, high };
    pmm->shares = (uint8_t *)(p + 2 * words + low + high);
    for (uint32_t i = 0; i < 2 * words; i++)
        p[i] = 0;
    for (uint32_t i = 0; i < limit; i++)
        pmm->shares[i] = 0;
    // Push in descending order so early allocations come out ascending.
    for (uint32_t i = ram->count; i-- > 0;) {
        uint32_t s = (uint32_t)(ram->ranges[i].start / PMM_PAGE_SIZE);
        for (uint32_t pfn = (uint32_t)(ram->ranges[i].end / PMM_PAGE_SIZE); pfn-- > s;) {
            PmmStack *z = ZoneOf(pmm, pfn);
            SetBit(pmm->ramBits, pfn);
            SetBit(pmm->freeBits, pfn);
            z->pfns[z->count++] = pfn;
        }
    }
    pmm->totalPages = pmm->freePages = low + high;
    return 0;
}

static int Pop(Pmm *pmm, PmmStack *z, uint32_t *pfn)
{
    if (z->count == 0)
        return E_NOMEM;
    *pfn = z->pfns[--z->count];
    ClearBit(pmm->freeBits, *pfn);
    pmm->freePages--;
    return 0;
}

int PmmAllocate(Pmm *pmm, PmmZone zone, uint32_t *pfn)
{
    if (zone == PMM_ZONE_HIGH && Pop(pmm, &pmm->zones[PMM_ZONE_HIGH], pfn) == 0)
        return 0;
    return Pop(pmm, &pmm->zones[PMM_ZONE_LOW], pfn);
}

int PmmAllocateBelow(Pmm *pmm, uint32_t limitPfn, uint32_t *pfn)
{
    PmmStack *z = &pmm->zones[PMM_ZONE_LOW];

    for (uint32_t i = z->count; i-- > 0;) {
        if (z->pfns[i] < limitPfn) {
            uint32_t found = z->pfns[i];
            z->pfns[i] = z->pfns[z->count - 1];
            z->pfns[z->count - 1] = found;
            return Pop(pmm, z, pfn);
        }
    }
    return E_NOMEM;
}

int PmmFree(Pmm *pmm, uint32_t pfn)
{
    PmmStack *z;

    if (!PmmIsRam(pmm, pfn))
        return E_INVAL;
    if (TestBit(pmm->freeBits, pfn))
        return E_EXIST;
    /* POINT OF NO RETURN */
    if (pmm->shares[pfn]) {
        pmm->shares[pfn]--;             // another holder keeps it
        return 0;
    }
    z = ZoneOf(pmm, pfn);
    SetBit(pmm->freeBits, pfn);
    z->pfns[z->count++] = pfn;
    pmm->freePages++;
    return 0;
}

int PmmShare(Pmm *pmm, uint32_t pfn)
{
    if (!PmmIsRam(pmm, pfn) || TestBit(pmm->freeBits, pfn))
        return E_INVAL;
    if (pmm->shares[pfn] == PMM_SHARES_MAX)
        return E_NOSPC;
    pmm->shares[pfn]++;
    return 0;
}

uint32_t PmmShares(const Pmm *pmm, uint32_t pfn)
{
    return PmmIsRam(pmm, pfn) ? pmm->shares[pfn] : 0;
}

int PmmIsFree(const Pmm *pmm, uint32_t pfn)
{
    return PmmIsRam(pmm, pfn) && TestBit(pmm->freeBits, pfn);
}

int PmmIsRam(const Pmm *pmm, uint32_t pfn)
{
    return pfn < pmm->pageLimit && TestBit(pmm->ramBits, pfn);
}
