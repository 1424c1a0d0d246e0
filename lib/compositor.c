// The compositor: z-order, frames, hit tests and drawing (include/lib/compositor.h).
//
// Compositing a rectangle paints it from the bottom up, each layer cut to
// the rectangle first: the desktop's gradient, then every window whose
// frame meets it (title bar, borders, the client's buffer), then the
// cursor; but it starts at the topmost window whose client area covers
// the whole rectangle, since nothing under that one shows. Only the rectangle's pixels are touched, so a small damage
// costs in proportion to its area, and a window that does not meet it
// costs one rectangle test.
#include <stddef.h>
#include <lib/compositor.h>
#include <lib/string.h>

// The arrow: 'X' outline (black), '.' fill (white), ' ' see-through.
static const char cursorShape[COMP_CURSOR_HEIGHT][COMP_CURSOR_WIDTH + 1] = {
    "X           ",
    "XX          ",
    "X.X         ",
    "X..X        ",
    "X...X       ",
    "X....X      ",
    "X.....X     ",
    "X......X    ",
    "X.......X   ",
    "X........X  ",
    "X.........X ",
    "X......XXXXX",
    "X...X..X    ",
    "X..XX..X    ",
    "X.X  X..X   ",
    "XX   X..X   ",
    "X     X..X  ",
    "      X..X  ",
    "       XX   ",
};

void CompInit(Compositor *c, Surface screen, const Font *font)
{
    memset(c, 0, sizeof(*c));
    c->screen = screen;
    c->font = font;
    c->cursorX = (int32_t)screen.width / 2;
    c->cursorY = (int32_t)screen.height / 2;
    c->cursorShown = 1;
}

// --- geometry ---------------------------------------------------------------

Rect CompFrame(const CompWindow *w)
{
    return RectMake(w->x, w->y, (int32_t)w->buffer.width + 2 * WINDOW_BORDER,
                    (int32_t)w->buffer.height + WINDOW_TITLE_HEIGHT + WINDOW_BORDER);
}

Rect CompClient(const CompWindow *w)
{
    return RectMake(w->x + WINDOW_BORDER, w->y + WINDOW_TITLE_HEIGHT, (int32_t)w->buffer.width,
                    (int32_t)w->buffer.height);
}

Rect CompTitleBar(const CompWindow *w)
{
    return RectMake(w->x, w->y, (int32_t)w->buffer.width + 2 * WINDOW_BORDER, WINDOW_TITLE_HEIGHT);
}

Rect CompCloseButton(const CompWindow *w)
{
    Rect bar = CompTitleBar(w);

    return RectMake(bar.x + bar.w - 4 - WINDOW_CLOSE_SIZE,
                    bar.y + (WINDOW_TITLE_HEIGHT - WINDOW_CLOSE_SIZE) / 2, WINDOW_CLOSE_SIZE,
                    WINDOW_CLOSE_SIZE);
}

Rect CompCursorRect(const Compositor *c)
{
    if (!c->cursorShown)
        return RectMake(0, 0, 0, 0);
    return RectMake(c->cursorX, c->cursorY, COMP_CURSOR_WIDTH, COMP_CURSOR_HEIGHT);
}

// --- the z-order ---------------------------------------------------------------

static int IndexOf(const Compositor *c, const CompWindow *w)
{
    for (uint32_t i = 0; i < c->count; i++)
        if (c->stack[i] == w)
            return (int)i;
    return -1;
}

int CompAdd(Compositor *c, CompWindow *w)
{
    if (c->count == WINDOWS_MAX || IndexOf(c, w) >= 0)
        return -1;
    c->stack[c->count++] = w;
    return 0;
}

void CompRemove(Compositor *c, CompWindow *w)
{
    int i = IndexOf(c, w);

    if (i < 0)
        return;
    memmove(&c->stack[i], &c->stack[i + 1], (c->count - (uint32_t)i - 1) * sizeof(c->stack[0]));
    c->count--;
}

void CompRaise(Compositor *c, CompWindow *w)
{
    if (IndexOf(c, w) < 0)
        return;
    CompRemove(c, w);
    c->stack[c->count++] = w;
}

CompWindow *CompTop(const Compositor *c)
{
    return c->count ? c->stack[c->count - 1] : NULL;
}

int CompHitTest(const Compositor *c, int32_t x, int32_t y, CompWindow **window)
{
    for (uint32_t i = c->count; i-- > 0;) {
        CompWindow *w = c->stack[i];
        if (!RectContains(CompFrame(w), x, y))
            continue;
        *window = w;
        if (RectContains(CompCloseButton(w), x, y))
            return COMP_HIT_CLOSE;
        if (RectContains(CompTitleBar(w), x, y))
            return COMP_HIT_TITLE;
        if (RectContains(CompClient(w), x, y))
            return COMP_HIT_CLIENT;
        return COMP_HIT_BORDER;
    }
    *window = NULL;
    return COMP_HIT_NONE;
}

// --- drawing ------------------------------------------------------------------

// The desktop's colour on row y: top to bottom, channel by channel.
static uint32_t BackgroundRow(const Compositor *c, int32_t y)
{
    uint32_t span = c->screen.height > 1 ? c->screen.height - 1 : 1, color = 0;

    for (int shift = 0; shift <= 16; shift += 8) {
        int32_t top = (int32_t)(COMP_BACKGROUND_TOP >> shift & 0xff);
        int32_t bottom = (int32_t)(COMP_BACKGROUND_BOTTOM >> shift & 0xff);
        color |= (uint32_t)(top + (bottom - top) * y / (int32_t)span) << shift;
    }
    return color;
}

static void DrawBackground(Compositor *c, Rect r)
{
    for (int32_t y = r.y; y < r.y + r.h; y++)
        SurfaceFill(&c->screen, RectMake(r.x, y, r.w, 1), BackgroundRow(c, y));
}

// The close button: a red square with a white X, cut to clip.
static void DrawClose(Compositor *c, const CompWindow *w, Rect clip)
{
    Rect box = CompCloseButton(w), inside = RectIntersect(box, clip);

    if (RectEmpty(inside))
        return;
    SurfaceFill(&c->screen, inside, COMP_CLOSE_COLOR);
    for (int32_t i = 3; i < WINDOW_CLOSE_SIZE - 3; i++) {
        int32_t y = box.y + i, xs[2] = { box.x + i, box.x + WINDOW_CLOSE_SIZE - 1 - i };
        for (int k = 0; k < 2; k++)
            SurfaceFill(&c->screen, RectIntersect(RectMake(xs[k], y, 1, 1), inside),
                        COMP_CLOSE_MARK);
    }
}

static void DrawTitleBar(Compositor *c, const CompWindow *w, Rect clip)
{
    Rect bar = CompTitleBar(w), inside = RectIntersect(bar, clip);
    int32_t textY = bar.y + (WINDOW_TITLE_HEIGHT - (int32_t)c->font->height) / 2;
    int32_t textWidth = CompCloseButton(w).x - 4 - (bar.x + 6);

    if (RectEmpty(inside))
        return;
    SurfaceFill(&c->screen, inside, w->focused ? COMP_TITLE_FOCUSED : COMP_TITLE_UNFOCUSED);
    if (textWidth > 0)
        SurfaceDrawText(&c->screen, c->font, bar.x + 6, textY, w->title, textWidth,
                        COMP_TITLE_TEXT, SURFACE_CLEAR, inside);
    DrawClose(c, w, inside);
}

static void DrawWindow(Compositor *c, const CompWindow *w, Rect clip)
{
    Rect frame = CompFrame(w), client = CompClient(w);

    if (RectEmpty(RectIntersect(frame, clip)))
        return;
    DrawTitleBar(c, w, clip);
    // The borders: left, right, bottom.
    SurfaceFill(&c->screen, RectIntersect(RectMake(frame.x, client.y, WINDOW_BORDER,
                                                   client.h + WINDOW_BORDER), clip),
                COMP_BORDER_COLOR);
    SurfaceFill(&c->screen, RectIntersect(RectMake(client.x + client.w, client.y, WINDOW_BORDER,
                                                   client.h + WINDOW_BORDER), clip),
                COMP_BORDER_COLOR);
    SurfaceFill(&c->screen, RectIntersect(RectMake(client.x, client.y + client.h, client.w,
                                                   WINDOW_BORDER), clip),
                COMP_BORDER_COLOR);
    SurfaceBlit(&c->screen, client.x, client.y, &w->buffer,
                RectMake(0, 0, client.w, client.h), clip);
}

static void DrawCursor(Compositor *c, Rect clip)
{
    Rect r = RectIntersect(RectIntersect(CompCursorRect(c), clip), SurfaceBounds(&c->screen));

    for (int32_t y = r.y; y < r.y + r.h; y++) {
        const char *shape = cursorShape[y - c->cursorY];
        uint32_t *row = c->screen.pixels + (size_t)y * c->screen.pitch;
        for (int32_t x = r.x; x < r.x + r.w; x++) {
            char p = shape[x - c->cursorX];
            if (p != ' ')
                row[x] = p == 'X' ? 0x000000u : 0xffffffu;
        }
    }
}

// The first layer to draw for r: the topmost window whose client area
// covers all of r hides everything below it (the desktop included), so
// compositing starts there. Returns its index, or -1 for the desktop.
static int FirstLayer(const Compositor *c, Rect r)
{
    for (uint32_t i = c->count; i-- > 0;) {
        Rect client = CompClient(c->stack[i]);
        if (RectArea(RectIntersect(client, r)) == RectArea(r))
            return (int)i;
        if (!RectEmpty(RectIntersect(CompFrame(c->stack[i]), r)))
            return -1;              // partly covered: the layers below show through
    }
    return -1;
}

void CompCompose(Compositor *c, Rect r)
{
    int first;

    r = RectIntersect(r, SurfaceBounds(&c->screen));
    if (RectEmpty(r))
        return;
    first = FirstLayer(c, r);
    if (first < 0) {
        DrawBackground(c, r);
        first = 0;
    }
    for (uint32_t i = (uint32_t)first; i < c->count; i++)
        DrawWindow(c, c->stack[i], r);
    DrawCursor(c, r);
}

void CompPresent(const Compositor *c, Surface *fb, Rect r)
{
    SurfaceBlit(fb, r.x, r.y, &c->screen, r, SurfaceBounds(fb));
}
