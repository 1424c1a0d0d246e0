// Sets of address ranges, kept sorted, disjoint and merged.
//
// Boot-time only and tiny (a few dozen entries), so every operation is a
// plain linear pass over a fixed array; no allocation is needed, which
// matters because it runs before any allocator exists. Each operation
// builds its result in a copy and commits it only if it fits, so a full
// set is never left half-changed.
#include <clanker/error.h>
#include <kernel/mm/rangeset.h>

void RangeSetInit(RangeSet *set)
{
    set->count = 0;
}

int RangeSetAdd(RangeSet *set, uint64_t start, uint64_t end)
{
    RangeSet out;
    uint32_t i = 0;

    if (start >= end)
        return 0;
    out.count = 0;
    // Ranges wholly before the new one (not touching) stay as they are.
    while (i < set->count && set->ranges[i].end < start)
        out.ranges[out.count++] = set->ranges[i++];
    // Ranges overlapping or touching the new one are absorbed.
    while (i < set->count && set->ranges[i].start <= end) {
        if (set->ranges[i].start < start)
            start = set->ranges[i].start;
        if (set->ranges[i].end > end)
            end = set->ranges[i].end;
        i++;
    }
    if (out.count + 1 + (set->count - i) > RANGESET_CAPACITY)
        return E_NOMEM;
    out.ranges[out.count++] = (Range){ start, end };
    while (i < set->count)
        out.ranges[out.count++] = set->ranges[i++];
    *set = out;
    return 0;
}

int RangeSetRemove(RangeSet *set, uint64_t start, uint64_t end)
{
    RangeSet out;

    if (start >= end)
        return 0;
    out.count = 0;
    for (uint32_t i = 0; i < set->count; i++) {
        Range r = set->ranges[i];
        Range pieces[2];
        int n = 0;

        if (r.end <= start || r.start >= end) {
            pieces[n++] = r;
        } else {
            if (r.start < start)
                pieces[n++] = (Range){ r.start, start };
            if (r.end > end)
                pieces[n++] = (Range){ end, r.end };
        }
        if (out.count + n > RANGESET_CAPACITY)
            return E_NOMEM;
        for (int k = 0; k < n; k++)
            out.ranges[out.count++] = pieces[k];
    }
    *set = out;
    return 0;
}

int RangeSetCut(RangeSet *set, uint64_t start, uint64_t end)
{
    uint64_t lo = start, hi = end;

    if (RangeSetRemove(set, start, end) == 0)
        return 0;
    for (uint32_t i = 0; i < set->count; i++) {
        const Range *r = &set->ranges[i];
        if (r->start < end && start < r->end) {
            lo = r->start < lo ? r->start : lo;
            hi = r->end > hi ? r->end : hi;
        }
    }
    RangeSetRemove(set, lo, hi);    // whole ranges only: never splits
    return 1;
}

void RangeSetAlign(RangeSet *set, uint64_t align)
{
    uint32_t kept = 0;

    for (uint32_t i = 0; i < set->count; i++) {
        uint64_t s = set->ranges[i].start;
        uint64_t e = set->ranges[i].end & ~(align - 1);

        if (s & (align - 1)) {
            if (s > UINT64_MAX - align)
                continue;
            s = (s + align - 1) & ~(align - 1);
        }
        if (s < e)
            set->ranges[kept++] = (Range){ s, e };
    }
    set->count = kept;
}

int RangeSetIntersects(const RangeSet *set, uint64_t start, uint64_t end)
{
    if (start >= end)       // an empty range intersects nothing
        return 0;
    for (uint32_t i = 0; i < set->count; i++) {
        if (set->ranges[i].start < end && start < set->ranges[i].end)
            return 1;
    }
    return 0;
}

uint64_t RangeSetTotal(const RangeSet *set)
{
    uint64_t total = 0;

    for (uint32_t i = 0; i < set->count; i++)
        total += set->ranges[i].end - set->ranges[i].start;
    return total;
}
