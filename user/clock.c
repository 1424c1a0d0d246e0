// clock: a window showing how long the system has been up, a second client
// of the window server (docs/windows.md). ClankerOS keeps no time of day,
// so the clock shows the uptime, HH:MM:SS, in the console font at three
// times its size; every second it draws the digits that changed and
// damages just them. It ends when its window is closed.
//
// Run by bin/desktop:  bin/clock [X Y]
#include <stddef.h>
#include <clanker/windows.h>
#include <lib/errortext.h>
#include <lib/format.h>
#include <lib/string.h>
#include <lib/user.h>
#include <lib/windowclient.h>

#define SCALE      3
#define CHARS      8                // "HH:MM:SS"
#define MARGIN     12
#define LABEL_H    20
#define BACKGROUND 0x202830u
#define DIGITS     0x9fe09fu
#define LABEL      0x8f9faf

static ClientWindow window;
static char shown[CHARS + 1];

// One character at SCALE times the font's size, its top-left at (x, y).
static void BigChar(Surface *s, int32_t x, int32_t y, uint8_t c)
{
    const uint8_t *rows = FontGlyph(&fontConsole, c);
    int32_t cw = (int32_t)fontConsole.width * SCALE;

    SurfaceFill(s, RectMake(x, y, cw, (int32_t)fontConsole.height * SCALE), BACKGROUND);
    for (uint32_t r = 0; r < fontConsole.height; r++)
        for (uint32_t b = 0; b < fontConsole.width; b++)
            if (rows[r] & (0x80u >> b))
                SurfaceFill(s, RectMake(x + (int32_t)b * SCALE, y + (int32_t)r * SCALE, SCALE, SCALE),
                            DIGITS);
}

// Everything: the background, the label, the time.
static void DrawAll(void)
{
    Surface *s = &window.surface;

    SurfaceFill(s, SurfaceBounds(s), BACKGROUND);
    SurfaceDrawText(s, &fontConsole, MARGIN, 4, "uptime", 64, LABEL, SURFACE_CLEAR,
                    SurfaceBounds(s));
    memset(shown, 0, sizeof(shown));
    WindowDamageRect(&window, SurfaceBounds(s));
}

// Draw the characters of now that differ from what is shown; damage them.
static void Tick(void)
{
    uint32_t seconds = SysUptime() / 1000;
    char now[CHARS + 1];
    int32_t cw = (int32_t)fontConsole.width * SCALE, first = -1, last = -1;

    Format(now, sizeof(now), "%02u:%02u:%02u", seconds / 3600 % 100, seconds / 60 % 60, seconds % 60);
    for (int i = 0; i < CHARS; i++) {
        if (now[i] == shown[i])
            continue;
        BigChar(&window.surface, MARGIN + i * cw, LABEL_H, (uint8_t)now[i]);
        first = first < 0 ? i : first;
        last = i;
    }
    memcpy(shown, now, sizeof(shown));
    if (first >= 0)
        WindowDamageRect(&window, RectMake(MARGIN + first * cw, LABEL_H, (last - first + 1) * cw,
                                           (int32_t)fontConsole.height * SCALE));
}

// Act on the window's events. Returns 0 once it is closed.
static int Events(void)
{
    WindowEvent events[16];
    int n = WindowEvents(events, 16);

    for (int i = 0; i < n; i++) {
        if (!WindowHandleEvent(&window, &events[i]))
            continue;
        if (events[i].type == WINDOW_EVENT_CLOSE)
            return 0;
        if (events[i].type == WINDOW_EVENT_RESIZE)
            DrawAll();
    }
    return 1;
}

int main(int argc, char **argv)
{
    int x = WINDOW_PLACE_AUTO, y = 0, err;
    uint32_t width = 2 * MARGIN + CHARS * fontConsole.width * SCALE;
    uint32_t height = LABEL_H + fontConsole.height * SCALE + MARGIN;

    if (argc == 3 && (ParseInt(argv[1], &x) != 0 || ParseInt(argv[2], &y) != 0)) {
        Print("clock: usage: clock [X Y]\n");
        return 1;
    }
    if ((err = WindowOpen(&window, "clock", x, y, width, height)) != 0) {
        Print("clock: %s: %s\n", WINDOWS_DESKTOP, ErrorText(err));
        return 1;
    }
    DrawAll();
    for (;;) {
        IpcNotification notice;
        Tick();
        err = IpcWaitNotification(&notice, 1000 - SysUptime() % 1000);
        if (err == 0 && notice.jobId == WINDOWS_NOTICE_EVENTS && !Events())
            break;
    }
    WindowDestroy(&window);
    return 0;
}
