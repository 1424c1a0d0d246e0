// Rectangles and pixel surfaces (include/lib/surface.h).
//
// Every drawing routine first cuts its rectangle down to what it may
// touch (the surface, the clip, the source) and then writes whole rows,
// so the inner loops carry no bounds checks and nothing outside the
// clipped rectangle is ever written.
#include <stddef.h>
#include <lib/string.h>
#include <lib/surface.h>

Rect RectIntersect(Rect a, Rect b)
{
    int64_t x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
    int64_t x1 = (int64_t)a.x + a.w < (int64_t)b.x + b.w ? (int64_t)a.x + a.w : (int64_t)b.x + b.w;
    int64_t y1 = (int64_t)a.y + a.h < (int64_t)b.y + b.h ? (int64_t)a.y + a.h : (int64_t)b.y + b.h;

    if (RectEmpty(a) || RectEmpty(b) || x1 <= x0 || y1 <= y0)
        return RectMake(0, 0, 0, 0);
    return RectMake((int32_t)x0, (int32_t)y0, (int32_t)(x1 - x0), (int32_t)(y1 - y0));
}

Rect RectUnion(Rect a, Rect b)
{
    if (RectEmpty(a))
        return RectEmpty(b) ? RectMake(0, 0, 0, 0) : b;
    if (RectEmpty(b))
        return a;
    int64_t x0 = a.x < b.x ? a.x : b.x, y0 = a.y < b.y ? a.y : b.y;
    int64_t x1 = (int64_t)a.x + a.w > (int64_t)b.x + b.w ? (int64_t)a.x + a.w : (int64_t)b.x + b.w;
    int64_t y1 = (int64_t)a.y + a.h > (int64_t)b.y + b.h ? (int64_t)a.y + a.h : (int64_t)b.y + b.h;
    return RectMake((int32_t)x0, (int32_t)y0, (int32_t)(x1 - x0), (int32_t)(y1 - y0));
}

uint64_t RectArea(Rect r)
{
    return RectEmpty(r) ? 0 : (uint64_t)r.w * (uint64_t)r.h;
}

Rect SurfaceBounds(const Surface *s)
{
    return RectMake(0, 0, (int32_t)s->width, (int32_t)s->height);
}

// n pixels of color from row on (one string instruction on i386).
static void FillRow(uint32_t *row, uint32_t color, uint32_t n)
{
#if defined(__i386__)
    __asm__ volatile("rep stosl" : "+D"(row), "+c"(n) : "a"(color) : "memory");
#else
    for (uint32_t x = 0; x < n; x++)
        row[x] = color;
#endif
}

// n pixels from src to dst (one string instruction on i386).
static void CopyRow(uint32_t *dst, const uint32_t *src, uint32_t n)
{
#if defined(__i386__)
    __asm__ volatile("rep movsl" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
#else
    memcpy(dst, src, (size_t)n * 4);
#endif
}

void SurfaceFill(Surface *s, Rect r, uint32_t color)
{
    r = RectIntersect(r, SurfaceBounds(s));
    for (int32_t y = 0; y < r.h; y++)
        FillRow(s->pixels + (size_t)(r.y + y) * s->pitch + r.x, color, (uint32_t)r.w);
}

void SurfaceBlit(Surface *dst, int32_t dx, int32_t dy, const Surface *src, Rect srcRect,
                 Rect clip)
{
    Rect from = RectIntersect(srcRect, SurfaceBounds(src));
    // Where the source rect lands, cut to the destination and the clip.
    Rect to = RectMake(dx + (from.x - srcRect.x), dy + (from.y - srcRect.y), from.w, from.h);

    to = RectIntersect(RectIntersect(to, SurfaceBounds(dst)), clip);
    for (int32_t y = 0; y < to.h; y++) {
        int32_t sy = srcRect.y + (to.y + y - dy), sx = srcRect.x + (to.x - dx);
        CopyRow(dst->pixels + (size_t)(to.y + y) * dst->pitch + to.x,
                src->pixels + (size_t)sy * src->pitch + sx, (uint32_t)to.w);
    }
}

void SurfaceDrawGlyph(Surface *s, const Font *f, int32_t x, int32_t y, uint32_t code,
                      uint32_t fg, uint32_t bg, Rect clip)
{
    Rect cell = RectIntersect(RectIntersect(RectMake(x, y, (int32_t)f->width, (int32_t)f->height),
                                            SurfaceBounds(s)), clip);
    const uint8_t *rows = FontGlyph(f, code);

    for (int32_t py = cell.y; py < cell.y + cell.h; py++) {
        uint8_t bits = rows[py - y];
        uint32_t *row = s->pixels + (size_t)py * s->pitch;
        for (int32_t px = cell.x; px < cell.x + cell.w; px++) {
            if (bits & (0x80u >> (px - x)))
                row[px] = fg;
            else if (bg != SURFACE_CLEAR)
                row[px] = bg;
        }
    }
}

int32_t SurfaceDrawText(Surface *s, const Font *f, int32_t x, int32_t y, const char *text,
                        int32_t maxWidth, uint32_t fg, uint32_t bg, Rect clip)
{
    Rect line = RectIntersect(RectMake(x, y, maxWidth, (int32_t)f->height), clip);
    int32_t drawn = 0;

    for (; *text && drawn + (int32_t)f->width <= maxWidth; text++, drawn += (int32_t)f->width) {
        int32_t gx = x + drawn;
        if (gx + (int32_t)f->width <= line.x || gx >= line.x + line.w || RectEmpty(line))
            continue;               // outside the clip: nothing to draw
        SurfaceDrawGlyph(s, f, gx, y, (uint8_t)*text, fg, bg, line);
    }
    return drawn;
}
