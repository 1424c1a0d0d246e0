// A set of damaged rectangles (lib/damage.c): what must be composited
// again. Rectangles are added clipped to the set's bounds; one that
// overlaps or touches another, or whose union with it wastes little, is
// merged into it, so the set holds few rects and each pixel is drawn
// about once. When the set is full, the new rect is merged into the one
// whose union with it grows least. The rects of a set never overlap
// after DamageAdd (merging repeats until none does), and together they
// cover every pixel added.
#ifndef LIB_DAMAGE_H
#define LIB_DAMAGE_H

#include <lib/surface.h>

#define DAMAGE_MAX 16

typedef struct DamageSet {
    Rect bounds;                // everything is clipped to these (the screen)
    Rect rects[DAMAGE_MAX];
    uint32_t count;
} DamageSet;

void DamageInit(DamageSet *d, Rect bounds);

// Add r (clipped to the bounds; an empty one adds nothing).
void DamageAdd(DamageSet *d, Rect r);

// Forget everything (after it was drawn).
void DamageClear(DamageSet *d);

#endif
