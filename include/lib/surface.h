// Rectangles and 32-bit pixel surfaces (lib/surface.c): the drawing the
// window server, its clients and their tests share.
//
// A Surface is rows of 0x00RRGGBB pixels, `pitch` pixels apart (at least
// `width`). A Rect is half-open: it covers x..x+w-1, y..y+h-1; one with
// w or h 0 is empty. Every drawing call clips to the surface and to the
// clip rectangle it is given, so no call writes outside either.
#ifndef LIB_SURFACE_H
#define LIB_SURFACE_H

#include <stdint.h>
#include <lib/font.h>

typedef struct Rect {
    int32_t x, y;
    int32_t w, h;               // never negative in a valid rect
} Rect;

typedef struct Surface {
    uint32_t *pixels;
    uint32_t width, height;
    uint32_t pitch;             // pixels from one row to the next
} Surface;

static inline Rect RectMake(int32_t x, int32_t y, int32_t w, int32_t h)
{
    Rect r = { x, y, w, h };
    return r;
}

static inline int RectEmpty(Rect r)
{
    return r.w <= 0 || r.h <= 0;
}

static inline int RectContains(Rect r, int32_t x, int32_t y)
{
    return x >= r.x && y >= r.y && x - r.x < r.w && y - r.y < r.h;
}

// The part of a inside b (empty: w = h = 0).
Rect RectIntersect(Rect a, Rect b);

// The smallest rect holding a and b (an empty one adds nothing).
Rect RectUnion(Rect a, Rect b);

// Pixels of r (0 when empty), as 64 bits: no overflow.
uint64_t RectArea(Rect r);

// The whole surface as a rect.
Rect SurfaceBounds(const Surface *s);

// Paint r (clipped to s) with color.
void SurfaceFill(Surface *s, Rect r, uint32_t color);

// Copy the pixels of src's srcRect to dst with the rect's top-left at
// (dx, dy), clipped to both surfaces and to clip (in dst's coordinates).
void SurfaceBlit(Surface *dst, int32_t dx, int32_t dy, const Surface *src, Rect srcRect,
                 Rect clip);

// Draw code's glyph with its top-left at (x, y): fg where the glyph has a
// pixel, bg elsewhere (bg SURFACE_CLEAR: those pixels are left alone),
// inside clip.
#define SURFACE_CLEAR 0xff000000u
void SurfaceDrawGlyph(Surface *s, const Font *f, int32_t x, int32_t y, uint32_t code,
                      uint32_t fg, uint32_t bg, Rect clip);

// Draw NUL-terminated text on one line from (x, y), at most maxWidth
// pixels wide (glyphs past it are left out). Returns the width drawn.
int32_t SurfaceDrawText(Surface *s, const Font *f, int32_t x, int32_t y, const char *text,
                        int32_t maxWidth, uint32_t fg, uint32_t bg, Rect clip);

#endif
