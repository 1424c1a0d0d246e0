// The compositor (lib/compositor.c): what the window server draws, and
// where a point on the screen falls.
//
// The screen is a Surface in memory (the shadow); the server composites
// damaged rectangles into it and copies them to the framebuffer
// (CompPresent), so the framebuffer is only ever written, and a
// screenshot reads the shadow. A rectangle is composited from the bottom
// up: the background, each window in z-order (frame, title bar with its
// title and close button, the client's pixels), the mouse cursor on top.
// The geometry is include/clanker/windows.h's: a window's place is its
// frame's top-left, its size its client area's.
#ifndef LIB_COMPOSITOR_H
#define LIB_COMPOSITOR_H

#include <stdint.h>
#include <clanker/windows.h>
#include <lib/font.h>
#include <lib/surface.h>

// Colours, 0x00RRGGBB.
#define COMP_TITLE_FOCUSED   0x2f5f9fu
#define COMP_TITLE_UNFOCUSED 0x6f7f8fu
#define COMP_TITLE_TEXT      0xffffffu
#define COMP_BORDER_COLOR    0x1f2f3fu
#define COMP_CLOSE_COLOR     0xc03a2bu
#define COMP_CLOSE_MARK      0xffffffu
#define COMP_BACKGROUND_TOP  0x10304fu   // the desktop: a vertical gradient
#define COMP_BACKGROUND_BOTTOM 0x3f7f8fu

#define COMP_CURSOR_WIDTH  12
#define COMP_CURSOR_HEIGHT 19

typedef struct CompWindow {
    uint32_t id;
    int32_t x, y;                   // the frame's top-left
    Surface buffer;                 // the client area's pixels (its width, height)
    char title[WINDOW_TITLE_MAX];
    int focused;
} CompWindow;

typedef struct Compositor {
    Surface screen;                 // the shadow
    const Font *font;
    CompWindow *stack[WINDOWS_MAX]; // z-order, the bottom first
    uint32_t count;
    int32_t cursorX, cursorY;       // the cursor's hot spot (its tip)
    int cursorShown;
} Compositor;

// What a point of the screen is part of (CompHitTest).
enum {
    COMP_HIT_NONE,                  // the desktop
    COMP_HIT_CLIENT,
    COMP_HIT_TITLE,
    COMP_HIT_CLOSE,
    COMP_HIT_BORDER,
};

void CompInit(Compositor *c, Surface screen, const Font *font);

// The parts of w on the screen.
Rect CompFrame(const CompWindow *w);
Rect CompClient(const CompWindow *w);
Rect CompTitleBar(const CompWindow *w);
Rect CompCloseButton(const CompWindow *w);

// Where the cursor covers the screen (empty when hidden).
Rect CompCursorRect(const Compositor *c);

// Put w on top. Returns 0, or -1 when WINDOWS_MAX are there.
int CompAdd(Compositor *c, CompWindow *w);

// Take w out (nothing if it is not there).
void CompRemove(Compositor *c, CompWindow *w);

// Move w to the top of the z-order.
void CompRaise(Compositor *c, CompWindow *w);

// The top window, or NULL.
CompWindow *CompTop(const Compositor *c);

// The topmost window under (x, y) into *window (NULL: none) and the part
// hit (COMP_HIT_*).
int CompHitTest(const Compositor *c, int32_t x, int32_t y, CompWindow **window);

// Composite r (clipped to the screen) into the shadow.
void CompCompose(Compositor *c, Rect r);

// Copy r of the shadow to fb (the same size as the screen).
void CompPresent(const Compositor *c, Surface *fb, Rect r);

#endif
