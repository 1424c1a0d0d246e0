// wmbench: what the window server's compositor costs (make bench).
//
// The desktop `desktop` makes, rebuilt here from the same code the
// server runs (lib/compositor.c, lib/damage.c): a 1024x768 screen, the
// terminal's 640x400 window, the clock's, the two windows of the e2e
// suite's test client, the cursor. Measured in instructions (the TSC
// under make bench's -icount), best of five:
//
//   desktop_composite_full   one whole frame: composited into the shadow
//                            and copied to a framebuffer (DesktopFlush of
//                            the whole screen)
//   desktop_damage_64x64     one 64x64 damage in a window's client area:
//                            added to the damage set, composited, copied
//
// The framebuffer here is memory of the program's own: under -icount a
// write to the adapter's memory costs the instruction that makes it, the
// same as one to RAM.
#include <stddef.h>
#include <lib/compositor.h>
#include <lib/damage.h>
#include <lib/string.h>
#include <lib/user.h>

#define SCREEN_W 1024
#define SCREEN_H 768
#define RUNS     5

typedef struct Made {
    CompWindow window;
    uint32_t *pixels;
} Made;

static uint64_t ReadTsc(void)
{
    uint64_t value;
    __asm__ volatile("rdtsc" : "=A"(value));
    return value;
}

static int Add(Compositor *c, Made *m, uint32_t id, int32_t x, int32_t y, uint32_t w, uint32_t h,
               const char *title)
{
    if (!(m->pixels = malloc(w * h * 4)))
        return -1;
    for (uint32_t i = 0; i < w * h; i++)
        m->pixels[i] = (i / 7) * 0x010203u;
    m->window = (CompWindow){ .id = id, .x = x, .y = y, .buffer = { m->pixels, w, h, w } };
    memcpy(m->window.title, title, strlen(title) + 1);
    return CompAdd(c, &m->window);
}

int main(void)
{
    static Compositor c;
    static Made windows[4];
    static DamageSet damage;
    uint32_t *shadow = malloc(SCREEN_W * SCREEN_H * 4), *frame = malloc(SCREEN_W * SCREEN_H * 4);
    Surface fb = { frame, SCREEN_W, SCREEN_H, SCREEN_W };
    uint64_t full = ~0ull, small = ~0ull;

    if (!shadow || !frame) {
        Print("wmbench: out of memory\n");
        return 1;
    }
    CompInit(&c, (Surface){ shadow, SCREEN_W, SCREEN_H, SCREEN_W }, &fontConsole);
    if (Add(&c, &windows[0], 1, 24, 24, 640, 400, "terminal") ||
        Add(&c, &windows[1], 2, 760, 24, 216, 80, "clock") ||
        Add(&c, &windows[2], 3, 100, 470, 240, 120, "alpha") ||
        Add(&c, &windows[3], 4, 420, 500, 260, 150, "beta")) {
        Print("wmbench: cannot make the windows\n");
        return 1;
    }
    windows[3].window.focused = 1;
    c.cursorX = 500;
    c.cursorY = 300;
    DamageInit(&damage, SurfaceBounds(&c.screen));
    for (int run = 0; run < RUNS; run++) {
        uint64_t start = ReadTsc();
        CompCompose(&c, SurfaceBounds(&c.screen));
        CompPresent(&c, &fb, SurfaceBounds(&c.screen));
        uint64_t spent = ReadTsc() - start;
        full = spent < full ? spent : full;
    }
    Rect client = CompClient(&windows[0].window);
    for (int run = 0; run < RUNS; run++) {
        uint64_t start = ReadTsc();
        DamageAdd(&damage, RectMake(client.x + 100 + run, client.y + 100, 64, 64));
        for (uint32_t i = 0; i < damage.count; i++) {
            CompCompose(&c, damage.rects[i]);
            CompPresent(&c, &fb, damage.rects[i]);
        }
        DamageClear(&damage);
        uint64_t spent = ReadTsc() - start;
        small = spent < small ? spent : small;
    }
    Print("bench: desktop_composite_full %u instructions\n", (uint32_t)full);
    Print("bench: desktop_damage_64x64 %u instructions\n", (uint32_t)small);
    return 0;
}
