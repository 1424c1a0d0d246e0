// Host unit tests for the window server's drawing: rectangles and
// surfaces (lib/surface.c), damage sets (lib/damage.c), the compositor's
// z-order, hit tests and compositing (lib/compositor.c), PPM images
// (lib/ppm.c) and the built-in console font (lib/font.c and the data
// tools/psf2c made from the Debian font).
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <lib/compositor.h>
#include <lib/damage.h>
#include <lib/font.h>
#include <lib/ppm.h>
#include <lib/surface.h>

#define CANARY 0xdeadbeefu

static void AssertRect(Rect r, int32_t x, int32_t y, int32_t w, int32_t h)
{
    assert_int_equal(r.x, x);
    assert_int_equal(r.y, y);
    assert_int_equal(r.w, w);
    assert_int_equal(r.h, h);
}

// A surface of w x h inside a frame of canaries (pitch w + 2, a row above
// and below), so a write outside it shows.
typedef struct Framed {
    uint32_t *memory;
    Surface s;
} Framed;

static Framed MakeFramed(uint32_t w, uint32_t h, uint32_t fill)
{
    Framed f;
    size_t n = (size_t)(w + 2) * (h + 2);

    f.memory = malloc(n * 4);
    for (size_t i = 0; i < n; i++)
        f.memory[i] = CANARY;
    f.s = (Surface){ f.memory + (w + 2) + 1, w, h, w + 2 };
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            f.s.pixels[y * f.s.pitch + x] = fill;
    return f;
}

static void AssertFrameIntact(const Framed *f)
{
    uint32_t w = f->s.width, h = f->s.height;

    for (uint32_t x = 0; x < w + 2; x++) {
        assert_int_equal(f->memory[x], CANARY);
        assert_int_equal(f->memory[(size_t)(h + 1) * (w + 2) + x], CANARY);
    }
    for (uint32_t y = 0; y < h + 2; y++) {
        assert_int_equal(f->memory[(size_t)y * (w + 2)], CANARY);
        assert_int_equal(f->memory[(size_t)y * (w + 2) + w + 1], CANARY);
    }
}

static uint32_t Pixel(const Surface *s, int32_t x, int32_t y)
{
    return s->pixels[(size_t)y * s->pitch + x];
}

// --- rects -------------------------------------------------------------------

static void TestRectIntersect(void **state)
{
    (void)state;
    AssertRect(RectIntersect(RectMake(0, 0, 10, 10), RectMake(5, 5, 10, 10)), 5, 5, 5, 5);
    AssertRect(RectIntersect(RectMake(0, 0, 10, 10), RectMake(10, 0, 5, 5)), 0, 0, 0, 0);
    AssertRect(RectIntersect(RectMake(-5, -5, 10, 10), RectMake(0, 0, 100, 100)), 0, 0, 5, 5);
    AssertRect(RectIntersect(RectMake(0, 0, 0, 10), RectMake(0, 0, 10, 10)), 0, 0, 0, 0);
    AssertRect(RectIntersect(RectMake(0, 0, -3, 10), RectMake(-5, 0, 10, 10)), 0, 0, 0, 0);
    // No overflow at the edges of int32.
    AssertRect(RectIntersect(RectMake(INT32_MAX - 5, 0, INT32_MAX, 1), RectMake(0, 0, INT32_MAX, 1)),
               INT32_MAX - 5, 0, 5, 1);
}

static void TestRectUnionAndArea(void **state)
{
    (void)state;
    AssertRect(RectUnion(RectMake(0, 0, 2, 2), RectMake(8, 8, 2, 2)), 0, 0, 10, 10);
    AssertRect(RectUnion(RectMake(0, 0, 0, 0), RectMake(3, 4, 5, 6)), 3, 4, 5, 6);
    AssertRect(RectUnion(RectMake(3, 4, 5, 6), RectMake(100, 100, 0, 7)), 3, 4, 5, 6);
    assert_int_equal(RectArea(RectMake(0, 0, 1024, 768)), 1024 * 768);
    assert_int_equal(RectArea(RectMake(0, 0, -1, 768)), 0);
    assert_true(RectContains(RectMake(1, 1, 2, 2), 2, 2));
    assert_false(RectContains(RectMake(1, 1, 2, 2), 3, 2));
}

// --- surfaces ----------------------------------------------------------------

static void TestFillClips(void **state)
{
    Framed f = MakeFramed(16, 8, 0);

    (void)state;
    SurfaceFill(&f.s, RectMake(-4, -4, 100, 100), 0x123456);
    AssertFrameIntact(&f);
    assert_int_equal(Pixel(&f.s, 0, 0), 0x123456);
    assert_int_equal(Pixel(&f.s, 15, 7), 0x123456);
    SurfaceFill(&f.s, RectMake(2, 3, 1, 1), 0xff);
    assert_int_equal(Pixel(&f.s, 2, 3), 0xff);
    assert_int_equal(Pixel(&f.s, 3, 3), 0x123456);
    SurfaceFill(&f.s, RectMake(16, 0, 5, 5), 0xee);    // wholly outside
    SurfaceFill(&f.s, RectMake(0, 0, -5, 5), 0xee);    // negative width
    AssertFrameIntact(&f);
    free(f.memory);
}

static void TestBlitClipsEverySide(void **state)
{
    Framed dst = MakeFramed(10, 10, 0);
    Framed src = MakeFramed(4, 4, 0);

    (void)state;
    for (uint32_t y = 0; y < 4; y++)
        for (uint32_t x = 0; x < 4; x++)
            src.s.pixels[y * src.s.pitch + x] = y * 4 + x + 1;
    // Hanging off the top-left, the bottom-right, a source rect past its surface.
    SurfaceBlit(&dst.s, -2, -2, &src.s, RectMake(0, 0, 4, 4), SurfaceBounds(&dst.s));
    assert_int_equal(Pixel(&dst.s, 0, 0), 11);          // src (2, 2)
    assert_int_equal(Pixel(&dst.s, 1, 1), 16);
    SurfaceBlit(&dst.s, 8, 8, &src.s, RectMake(0, 0, 4, 4), SurfaceBounds(&dst.s));
    assert_int_equal(Pixel(&dst.s, 8, 8), 1);
    assert_int_equal(Pixel(&dst.s, 9, 9), 6);
    SurfaceBlit(&dst.s, 4, 4, &src.s, RectMake(2, 2, 10, 10), SurfaceBounds(&dst.s));
    assert_int_equal(Pixel(&dst.s, 4, 4), 11);
    assert_int_equal(Pixel(&dst.s, 5, 5), 16);
    assert_int_equal(Pixel(&dst.s, 6, 6), 0);           // past the source: untouched
    // The clip holds it in.
    SurfaceBlit(&dst.s, 0, 5, &src.s, RectMake(0, 0, 4, 4), RectMake(1, 6, 1, 1));
    assert_int_equal(Pixel(&dst.s, 0, 5), 0);
    assert_int_equal(Pixel(&dst.s, 1, 6), 6);
    assert_int_equal(Pixel(&dst.s, 2, 6), 0);
    AssertFrameIntact(&dst);
    AssertFrameIntact(&src);
    free(dst.memory);
    free(src.memory);
}

static int CountPixels(const Surface *s, uint32_t color)
{
    int n = 0;

    for (uint32_t y = 0; y < s->height; y++)
        for (uint32_t x = 0; x < s->width; x++)
            n += Pixel(s, (int32_t)x, (int32_t)y) == color;
    return n;
}

static void TestFontIsTheConsoleFont(void **state)
{
    (void)state;
    assert_int_equal(fontConsole.width, 8);
    assert_int_equal(fontConsole.height, 16);
    // A space is blank; 'A' and '?' are not, and differ; 'l' has a stroke
    // in the middle column region; high codes fall back to '?'.
    const uint8_t *space = FontGlyph(&fontConsole, ' '), *a = FontGlyph(&fontConsole, 'A');
    int spaceBits = 0, aBits = 0;
    for (int r = 0; r < 16; r++) {
        spaceBits += __builtin_popcount(space[r]);
        aBits += __builtin_popcount(a[r]);
    }
    assert_int_equal(spaceBits, 0);
    assert_true(aBits > 10);
    assert_memory_not_equal(a, FontGlyph(&fontConsole, 'B'), 16);
    assert_memory_equal(FontGlyph(&fontConsole, 0x1234), FontGlyph(&fontConsole, '?'), 16);
}

static void TestGlyphAndTextClip(void **state)
{
    Framed f = MakeFramed(40, 20, 0);

    (void)state;
    int32_t w = SurfaceDrawText(&f.s, &fontConsole, -4, -3, "AB", 100, 0xffffff, SURFACE_CLEAR,
                                SurfaceBounds(&f.s));
    assert_int_equal(w, 16);
    assert_true(CountPixels(&f.s, 0xffffff) > 0);
    AssertFrameIntact(&f);
    // The width limit leaves glyphs out; the clip cuts the rest.
    SurfaceFill(&f.s, SurfaceBounds(&f.s), 0);
    assert_int_equal(SurfaceDrawText(&f.s, &fontConsole, 0, 0, "WWWWWW", 20, 0xffffff, 0x000080,
                                     SurfaceBounds(&f.s)), 16);
    for (int y = 0; y < 16; y++)
        for (int x = 16; x < 40; x++)
            assert_int_equal(Pixel(&f.s, x, y), 0);
    assert_int_equal(Pixel(&f.s, 0, 0) == 0x000080 || Pixel(&f.s, 0, 0) == 0xffffff, 1);
    SurfaceFill(&f.s, SurfaceBounds(&f.s), 0);
    SurfaceDrawText(&f.s, &fontConsole, 0, 0, "MMMM", 32, 0xffffff, 0x000080, RectMake(8, 4, 8, 4));
    for (int y = 0; y < 20; y++)
        for (int x = 0; x < 40; x++)
            if (!RectContains(RectMake(8, 4, 8, 4), x, y))
                assert_int_equal(Pixel(&f.s, x, y), 0);
    free(f.memory);
}

// --- damage ------------------------------------------------------------------

static void AssertNoOverlap(const DamageSet *d)
{
    for (uint32_t i = 0; i < d->count; i++) {
        assert_false(RectEmpty(d->rects[i]));
        assert_true(RectArea(RectIntersect(d->rects[i], d->bounds)) == RectArea(d->rects[i]));
        for (uint32_t k = i + 1; k < d->count; k++)
            assert_true(RectEmpty(RectIntersect(d->rects[i], d->rects[k])));
    }
}

static int Covered(const DamageSet *d, int32_t x, int32_t y)
{
    for (uint32_t i = 0; i < d->count; i++)
        if (RectContains(d->rects[i], x, y))
            return 1;
    return 0;
}

static void TestDamageMergesNeighbours(void **state)
{
    DamageSet d;

    (void)state;
    DamageInit(&d, RectMake(0, 0, 1024, 768));
    DamageAdd(&d, RectMake(10, 10, 20, 20));
    DamageAdd(&d, RectMake(30, 10, 20, 20));        // touching: one rect
    assert_int_equal(d.count, 1);
    AssertRect(d.rects[0], 10, 10, 40, 20);
    DamageAdd(&d, RectMake(500, 500, 10, 10));       // far away: two
    assert_int_equal(d.count, 2);
    DamageAdd(&d, RectMake(15, 15, 5, 5));           // inside: nothing new
    assert_int_equal(d.count, 2);
    DamageAdd(&d, RectMake(-50, -50, 70, 70));       // clipped to the bounds, overlaps the first
    AssertNoOverlap(&d);
    assert_true(Covered(&d, 0, 0));
    DamageAdd(&d, RectMake(2000, 0, 10, 10));        // outside: nothing
    DamageAdd(&d, RectMake(0, 0, 0, 10));
    assert_int_equal(d.count, 2);
    DamageClear(&d);
    assert_int_equal(d.count, 0);
}

static void TestDamageFullSetStillCoversEverything(void **state)
{
    DamageSet d;
    Rect added[200];
    uint32_t seed = 12345;

    (void)state;
    DamageInit(&d, RectMake(0, 0, 1024, 768));
    for (int i = 0; i < 200; i++) {
        seed = seed * 1103515245u + 12345u;
        int32_t x = (int32_t)(seed >> 8) % 1100 - 40, y = (int32_t)(seed >> 4) % 800 - 20;
        added[i] = RectMake(x, y, 1 + (int32_t)(seed % 37), 1 + (int32_t)(seed >> 20) % 29);
        DamageAdd(&d, added[i]);
        assert_true(d.count <= DAMAGE_MAX);
        AssertNoOverlap(&d);
    }
    for (int i = 0; i < 200; i++) {
        Rect r = RectIntersect(added[i], d.bounds);
        for (int32_t y = r.y; y < r.y + r.h; y++)
            for (int32_t x = r.x; x < r.x + r.w; x++)
                assert_true(Covered(&d, x, y));
    }
}

// --- the compositor ---------------------------------------------------------------

#define SCREEN_W 320
#define SCREEN_H 200

typedef struct Scene {
    Framed shadow;
    Compositor c;
    CompWindow a, b;
    uint32_t aPixels[100 * 60], bPixels[80 * 50];
} Scene;

static Scene scene;

static void MakeWindow(CompWindow *w, uint32_t id, int32_t x, int32_t y, uint32_t *pixels,
                       uint32_t width, uint32_t height, uint32_t color, const char *title)
{
    memset(w, 0, sizeof(*w));
    w->id = id;
    w->x = x;
    w->y = y;
    w->buffer = (Surface){ pixels, width, height, width };
    for (uint32_t i = 0; i < width * height; i++)
        pixels[i] = color;
    snprintf(w->title, sizeof(w->title), "%s", title);
}

static int SetUpScene(void **state)
{
    (void)state;
    scene.shadow = MakeFramed(SCREEN_W, SCREEN_H, 0);
    CompInit(&scene.c, scene.shadow.s, &fontConsole);
    scene.c.cursorShown = 0;
    MakeWindow(&scene.a, 1, 20, 30, scene.aPixels, 100, 60, 0x00ff00, "alpha");
    MakeWindow(&scene.b, 2, 80, 50, scene.bPixels, 80, 50, 0x0000ff, "beta");
    assert_int_equal(CompAdd(&scene.c, &scene.a), 0);
    assert_int_equal(CompAdd(&scene.c, &scene.b), 0);
    scene.b.focused = 1;
    return 0;
}

static int TearDownScene(void **state)
{
    (void)state;
    AssertFrameIntact(&scene.shadow);
    free(scene.shadow.memory);
    return 0;
}

static void TestGeometry(void **state)
{
    (void)state;
    AssertRect(CompFrame(&scene.a), 20, 30, 100 + 2 * WINDOW_BORDER,
               60 + WINDOW_TITLE_HEIGHT + WINDOW_BORDER);
    AssertRect(CompClient(&scene.a), 20 + WINDOW_BORDER, 30 + WINDOW_TITLE_HEIGHT, 100, 60);
    AssertRect(CompTitleBar(&scene.a), 20, 30, 104, WINDOW_TITLE_HEIGHT);
    Rect close = CompCloseButton(&scene.a);
    assert_int_equal(close.w, WINDOW_CLOSE_SIZE);
    assert_true(RectArea(RectIntersect(close, CompTitleBar(&scene.a))) == RectArea(close));
    assert_int_equal(close.x + close.w, 20 + 104 - 4);
}

static void TestZOrder(void **state)
{
    Compositor *c = &scene.c;
    CompWindow extra[WINDOWS_MAX];

    (void)state;
    assert_ptr_equal(CompTop(c), &scene.b);
    CompRaise(c, &scene.a);
    assert_ptr_equal(CompTop(c), &scene.a);
    assert_ptr_equal(c->stack[0], &scene.b);
    assert_int_equal(CompAdd(c, &scene.a), -1);          // already there
    CompRemove(c, &scene.a);
    assert_int_equal(c->count, 1);
    CompRemove(c, &scene.a);                             // not there: nothing
    assert_int_equal(c->count, 1);
    for (int i = 0; i < WINDOWS_MAX - 1; i++)
        assert_int_equal(CompAdd(c, &extra[i]), 0);
    assert_int_equal(CompAdd(c, &extra[WINDOWS_MAX - 1]), -1);   // full
    for (int i = 0; i < WINDOWS_MAX - 1; i++)
        CompRemove(c, &extra[i]);
    CompRemove(c, &scene.b);
    assert_null(CompTop(c));
}

static void TestHitTest(void **state)
{
    CompWindow *w;
    Rect close = CompCloseButton(&scene.b);

    (void)state;
    assert_int_equal(CompHitTest(&scene.c, 5, 5, &w), COMP_HIT_NONE);
    assert_null(w);
    assert_int_equal(CompHitTest(&scene.c, 25, 35, &w), COMP_HIT_TITLE);
    assert_ptr_equal(w, &scene.a);
    assert_int_equal(CompHitTest(&scene.c, 30, 60, &w), COMP_HIT_CLIENT);
    assert_ptr_equal(w, &scene.a);
    assert_int_equal(CompHitTest(&scene.c, 20, 60, &w), COMP_HIT_BORDER);
    // Where they overlap, the top one (b) is hit.
    assert_int_equal(CompHitTest(&scene.c, 100, 90, &w), COMP_HIT_CLIENT);
    assert_ptr_equal(w, &scene.b);
    assert_int_equal(CompHitTest(&scene.c, 85, 55, &w), COMP_HIT_TITLE);
    assert_ptr_equal(w, &scene.b);
    assert_int_equal(CompHitTest(&scene.c, close.x + 3, close.y + 3, &w), COMP_HIT_CLOSE);
    assert_ptr_equal(w, &scene.b);
    CompRaise(&scene.c, &scene.a);
    assert_int_equal(CompHitTest(&scene.c, 100, 60, &w), COMP_HIT_CLIENT);
    assert_ptr_equal(w, &scene.a);
}

static void TestComposeFull(void **state)
{
    Compositor *c = &scene.c;
    Surface *s = &c->screen;

    (void)state;
    CompCompose(c, SurfaceBounds(s));
    // The desktop: the gradient's top and bottom colours.
    assert_int_equal(Pixel(s, 0, 0), COMP_BACKGROUND_TOP);
    assert_int_equal(Pixel(s, 0, SCREEN_H - 1), COMP_BACKGROUND_BOTTOM);
    // Title bars where the windows are: a unfocused, b focused (on top).
    assert_int_equal(Pixel(s, 21, 31), COMP_TITLE_UNFOCUSED);
    assert_int_equal(Pixel(s, 81, 51), COMP_TITLE_FOCUSED);
    assert_true(Pixel(s, 20, 29) != COMP_TITLE_UNFOCUSED);
    // Client areas: a's green, b's blue over it where they overlap.
    assert_int_equal(Pixel(s, 30, 60), 0x00ff00);
    assert_int_equal(Pixel(s, 100, 90), 0x0000ff);
    // The border, and the close button's colour inside it.
    assert_int_equal(Pixel(s, 20, 60), COMP_BORDER_COLOR);
    Rect close = CompCloseButton(&scene.b);
    assert_int_equal(Pixel(s, close.x, close.y), COMP_CLOSE_COLOR);
    assert_int_equal(Pixel(s, close.x + 3, close.y + 3), COMP_CLOSE_MARK);
    // The title text: some white pixels in a's title bar.
    int white = 0;
    for (int y = 30; y < 30 + WINDOW_TITLE_HEIGHT; y++)
        for (int x = 20; x < 70; x++)
            white += Pixel(s, x, y) == COMP_TITLE_TEXT;
    assert_true(white > 20);
}

static void TestComposeTouchesOnlyTheRect(void **state)
{
    Compositor *c = &scene.c;
    Surface *s = &c->screen;
    Rect r = RectMake(90, 55, 64, 64);

    (void)state;
    SurfaceFill(s, SurfaceBounds(s), 0x777777);
    CompCompose(c, r);
    for (int32_t y = 0; y < SCREEN_H; y++)
        for (int32_t x = 0; x < SCREEN_W; x++)
            if (!RectContains(r, x, y))
                assert_int_equal(Pixel(s, x, y), 0x777777);
            else
                assert_true(Pixel(s, x, y) != 0x777777);
    // Composing a rect off the screen changes nothing.
    CompCompose(c, RectMake(-100, -100, 50, 50));
    assert_int_equal(Pixel(s, 0, 0), 0x777777);
}

static void TestCoveredRectStartsAtTheWindow(void **state)
{
    Compositor *c = &scene.c;
    Surface *s = &c->screen;

    (void)state;
    // Inside b's client area (b on top): only b's pixels, no trace of a or the desktop.
    SurfaceFill(s, SurfaceBounds(s), 0x777777);
    CompCompose(c, RectMake(100, 80, 20, 10));
    for (int32_t y = 80; y < 90; y++)
        for (int32_t x = 100; x < 120; x++)
            assert_int_equal(Pixel(s, x, y), 0x0000ff);
    // Inside a's client area, clear of b: a's pixels only.
    SurfaceFill(s, SurfaceBounds(s), 0x777777);
    CompCompose(c, RectMake(30, 55, 20, 10));
    for (int32_t y = 55; y < 65; y++)
        for (int32_t x = 30; x < 50; x++)
            assert_int_equal(Pixel(s, x, y), 0x00ff00);
    // Crossing into b's frame: b (on top) is drawn over a there.
    CompCompose(c, RectMake(70, 55, 20, 10));
    assert_int_equal(Pixel(s, 75, 58), 0x00ff00);
    assert_int_equal(Pixel(s, 81, 58), COMP_TITLE_FOCUSED);
}

static void TestCursorOnTop(void **state)
{
    Compositor *c = &scene.c;
    Surface *s = &c->screen;

    (void)state;
    c->cursorShown = 1;
    c->cursorX = 100;
    c->cursorY = 90;                 // over b's client area
    CompCompose(c, SurfaceBounds(s));
    assert_int_equal(Pixel(s, 100, 90), 0x000000);      // the tip's outline
    assert_int_equal(Pixel(s, 101, 92), 0xffffff);      // its fill
    assert_int_equal(Pixel(s, 111, 90), 0x0000ff);      // see-through
    AssertRect(CompCursorRect(c), 100, 90, COMP_CURSOR_WIDTH, COMP_CURSOR_HEIGHT);
    // Half off the screen's corner: drawn clipped.
    c->cursorX = SCREEN_W - 3;
    c->cursorY = SCREEN_H - 3;
    CompCompose(c, SurfaceBounds(s));
    assert_int_equal(Pixel(s, SCREEN_W - 3, SCREEN_H - 3), 0x000000);
    c->cursorShown = 0;
    assert_true(RectEmpty(CompCursorRect(c)));
}

static void TestPresentCopiesTheRect(void **state)
{
    Compositor *c = &scene.c;
    Framed fb = MakeFramed(SCREEN_W, SCREEN_H, 0x555555);

    (void)state;
    CompCompose(c, SurfaceBounds(&c->screen));
    CompPresent(c, &fb.s, RectMake(10, 20, 30, 40));
    assert_int_equal(Pixel(&fb.s, 10, 20), Pixel(&c->screen, 10, 20));
    assert_int_equal(Pixel(&fb.s, 39, 59), Pixel(&c->screen, 39, 59));
    assert_int_equal(Pixel(&fb.s, 40, 59), 0x555555);
    CompPresent(c, &fb.s, RectMake(300, 190, 100, 100));
    assert_int_equal(Pixel(&fb.s, 319, 199), Pixel(&c->screen, 319, 199));
    AssertFrameIntact(&fb);
    free(fb.memory);
}

// --- PPM -----------------------------------------------------------------------

static void TestPpm(void **state)
{
    uint32_t pixels[3 * 2] = { 0x010203, 0x040506, 0x070809, 0x0a0b0c, 0x0d0e0f, 0xff8000 };
    Surface s = { pixels, 3, 2, 3 };
    const char want[] = "P6\n3 2\n255\n"
                        "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\xff\x80\x00";
    uint8_t got[64];
    char header[PPM_HEADER_MAX];

    (void)state;
    assert_int_equal(PpmHeader(header, 1024, 768), strlen("P6\n1024 768\n255\n"));
    assert_int_equal(PpmSize(&s), sizeof(want) - 1);
    assert_int_equal(PpmRead(&s, 0, got, sizeof(got)), sizeof(want) - 1);
    assert_memory_equal(got, want, sizeof(want) - 1);
    // Every piece at every offset gives the same bytes.
    for (uint32_t offset = 0; offset < sizeof(want); offset++)
        for (uint32_t length = 1; length < 8; length++) {
            uint32_t n = PpmRead(&s, offset, got, length);
            uint32_t left = (uint32_t)(sizeof(want) - 1) - offset;
            assert_int_equal(n, length < left ? length : left);
            assert_memory_equal(got, want + offset, n);
        }
    assert_int_equal(PpmRead(&s, 1000, got, 8), 0);
    // A pitch wider than the width is honoured.
    uint32_t wide[2 * 4] = { 1, 2, 0xeeeeee, 0xeeeeee, 3, 4, 0xeeeeee, 0xeeeeee };
    Surface w = { wide, 2, 2, 4 };
    uint32_t header2 = PpmHeader(header, 2, 2);
    assert_int_equal(PpmRead(&w, header2, got, 12), 12);
    assert_int_equal(got[2], 1);
    assert_int_equal(got[8], 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestRectIntersect),
        cmocka_unit_test(TestRectUnionAndArea),
        cmocka_unit_test(TestFillClips),
        cmocka_unit_test(TestBlitClipsEverySide),
        cmocka_unit_test(TestFontIsTheConsoleFont),
        cmocka_unit_test(TestGlyphAndTextClip),
        cmocka_unit_test(TestDamageMergesNeighbours),
        cmocka_unit_test(TestDamageFullSetStillCoversEverything),
        cmocka_unit_test_setup_teardown(TestGeometry, SetUpScene, TearDownScene),
        cmocka_unit_test_setup_teardown(TestZOrder, SetUpScene, TearDownScene),
        cmocka_unit_test_setup_teardown(TestHitTest, SetUpScene, TearDownScene),
        cmocka_unit_test_setup_teardown(TestComposeFull, SetUpScene, TearDownScene),
        cmocka_unit_test_setup_teardown(TestComposeTouchesOnlyTheRect, SetUpScene, TearDownScene),
        cmocka_unit_test_setup_teardown(TestCoveredRectStartsAtTheWindow, SetUpScene, TearDownScene),
        cmocka_unit_test_setup_teardown(TestCursorOnTop, SetUpScene, TearDownScene),
        cmocka_unit_test_setup_teardown(TestPresentCopiesTheRect, SetUpScene, TearDownScene),
        cmocka_unit_test(TestPpm),
    };

    return cmocka_run_group_tests_name("compositor", tests, NULL, NULL);
}
