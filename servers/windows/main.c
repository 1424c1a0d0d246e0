// windows: the window server (docs/windows.md).
//
// It takes the display (DISPLAY_MSG_ACQUIRE: the mode is set and the
// framebuffer granted to the server, which maps it), listens to the mouse
// and the keyboard (INPUT_MSG_SUBSCRIBE; their notices come in its receive
// loop, IpcWatchNotices), hears of every process's end (IpcWatchExits: a
// client's windows go with it) and serves windows:. After each request,
// notice or exit, what was damaged is composited into the shadow and
// copied to the framebuffer, once.
//
// A ring-3 program, so a fault in it ends it, not the system: its
// grants are revoked, and the display goes back to text mode.
//
// Run by bin/desktop:  bin/windows
#include <stddef.h>
#include <clanker/display.h>
#include <clanker/error.h>
#include <clanker/grant.h>
#include <clanker/input.h>
#include <lib/errortext.h>
#include <lib/server.h>
#include <lib/string.h>
#include <lib/user.h>
#include "wm.h"

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request, reply;

static void Ended(Server *s, uint32_t pid)
{
    (void)s;
    RequestsProcessEnded(pid);
    DesktopProcessEnded(pid);
}

static uint32_t Idle(Server *s)
{
    (void)s;
    DesktopFlush();
    return 0;
}

// Take the display and map its framebuffer. Returns 0 or E_*.
static int TakeDisplay(Surface *fb)
{
    static union {
        Message message;
        uint8_t bytes[MESSAGE_HEADER_SIZE + sizeof(DisplayAcquired)];
    } answer;
    DisplayMode mode = { 0, 0, 0 };     // the default: 1024x768x32
    DisplayAcquired got;
    void *pixels;
    int n = IpcCallInto(DISPLAY_PREFIX, DISPLAY_MSG_ACQUIRE, &mode, sizeof(mode), &answer.message,
                        sizeof(answer));

    if (n < 0)
        return n;
    if (n != (int)sizeof(got))
        return E_INVAL;
    memcpy(&got, answer.message.data, sizeof(got));
    if (got.info.bpp != 32 || got.info.pitch % 4 || got.info.width == 0 || got.info.height == 0)
        return E_NODEV;
    if (!(pixels = GrantMap(got.grantId, GRANT_READ | GRANT_WRITE)))
        return E_FAULT;
    *fb = (Surface){ pixels, got.info.width, got.info.height, got.info.pitch / 4 };
    return 0;
}

static int Fail(const char *what, int err)
{
    Print("windows: %s: %s\n", what, ErrorText(err));
    return 1;
}

int main(void)
{
    static Server server = {
        .name = "windows", .port = &serverPortUser, .ProcessEnded = Ended,
        .Noticed = RequestsNoticed, .Idle = Idle,
        .requestBuffer = &request.message, .replyBuffer = &reply.message,
        .capacity = sizeof(request),
    };
    Surface fb;
    uint32_t *shadow;
    int err;

    server.routes = wmRoutes;
    server.routeCount = wmRouteCount;
    if ((err = SysNsRegister(WINDOWS_PREFIX, 0)) != 0)
        return Fail("cannot serve " WINDOWS_PREFIX, err);
    if ((err = TakeDisplay(&fb)) != 0)
        return Fail(DISPLAY_PREFIX, err);
    if (!(shadow = malloc(fb.width * fb.height * 4)))
        return Fail("the screen's shadow", E_NOMEM);
    if ((err = IpcWatchNotices()) != 0 || (err = SysIpcWatchExits()) != 0)
        return Fail("notices", err);
    if ((err = IpcCallInto(INPUT_MOUSE_NAME, INPUT_MSG_SUBSCRIBE, NULL, 0, &reply.message,
                           sizeof(reply))) < 0)
        return Fail(INPUT_MOUSE_NAME, err);
    if ((err = IpcCallInto(INPUT_KEYBOARD_NAME, INPUT_MSG_SUBSCRIBE, NULL, 0, &reply.message,
                           sizeof(reply))) < 0)
        return Fail(INPUT_KEYBOARD_NAME, err);
    DesktopInit(fb, shadow);
    InputMouse();                       // what came before the subscriptions
    InputKeyboard();
    DesktopFlush();
    Print("windows: serving %s on %ux%u\n", WINDOWS_DESKTOP, fb.width, fb.height);
    ServerRun(&server);
}
