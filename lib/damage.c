// Damage: a few rectangles covering what changed (include/lib/damage.h).
//
// Two rects are merged when they overlap or touch, or when their union
// covers at most DAMAGE_SLACK percent more than the two do apart: a
// cursor's old and new place, a line of text typed, a window dragged a
// few pixels all become one rect, while two windows far apart stay two.
// After a merge the union may now meet another rect, so merging goes on
// until no two rects of the set meet. Overlapping rects are always
// merged, so no pixel is composited twice.
#include <lib/damage.h>

#define DAMAGE_SLACK 25

void DamageInit(DamageSet *d, Rect bounds)
{
    d->bounds = bounds;
    d->count = 0;
}

void DamageClear(DamageSet *d)
{
    d->count = 0;
}

// Whether a and b overlap or share an edge.
static int Meet(Rect a, Rect b)
{
    return !RectEmpty(RectIntersect(RectMake(a.x, a.y, a.w + 1, a.h + 1),
                                    RectMake(b.x, b.y, b.w + 1, b.h + 1)));
}

static int WorthMerging(Rect a, Rect b)
{
    uint64_t apart = RectArea(a) + RectArea(b), joined = RectArea(RectUnion(a, b));

    return Meet(a, b) || joined * 100 <= apart * (100 + DAMAGE_SLACK);
}

static void Remove(DamageSet *d, uint32_t i)
{
    d->rects[i] = d->rects[--d->count];
}

void DamageAdd(DamageSet *d, Rect r)
{
    r = RectIntersect(r, d->bounds);
    if (RectEmpty(r))
        return;
    // Swallow every rect worth merging with r, until none is left.
    for (uint32_t i = 0; i < d->count;) {
        if (WorthMerging(d->rects[i], r)) {
            r = RectUnion(d->rects[i], r);
            Remove(d, i);
            i = 0;
        } else {
            i++;
        }
    }
    if (d->count < DAMAGE_MAX) {
        d->rects[d->count++] = r;
        return;
    }
    // Full: merge with the rect whose union grows least, then settle again.
    uint32_t best = 0;
    uint64_t bestGrowth = UINT64_MAX;
    for (uint32_t i = 0; i < d->count; i++) {
        uint64_t growth = RectArea(RectUnion(d->rects[i], r)) - RectArea(d->rects[i]);
        if (growth < bestGrowth) {
            best = i;
            bestGrowth = growth;
        }
    }
    r = RectUnion(d->rects[best], r);
    Remove(d, best);
    DamageAdd(d, r);
}
