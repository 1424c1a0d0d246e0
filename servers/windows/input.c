// The pointer and the keyboard (input:mouse, input:keyboard; include/clanker/input.h).
//
// The server listens to both devices: each sends a notice when events
// are queued, and the server reads them all with MSG_READ. Mouse motion
// moves the cursor (kept on the screen). A left press on a window raises
// it and gives it the focus; on its title bar it starts a drag that moves
// the window with the cursor until the button is let go; on its close
// button it closes the window; in its client area the press, the motion
// while a button is held and the release go to the window's owner as
// mouse events (in client coordinates), even when the cursor leaves it.
// Keys go to the owner of the focused window; with none, they are dropped.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/input.h>
#include <lib/string.h>
#include <lib/user.h>
#include "wm.h"

#define INPUT_BATCH 64

static union {
    Message message;
    uint8_t bytes[MESSAGE_HEADER_SIZE + INPUT_BATCH * sizeof(InputEvent)];
} reply;

// Read what device has queued into events. Returns how many (0 on error).
static uint32_t ReadDevice(const char *device, InputEvent *events)
{
    int n = IpcCallInto(device, MSG_READ, NULL, 0, &reply.message, sizeof(reply));

    if (n <= 0)
        return 0;
    n /= (int)sizeof(InputEvent);
    n = n < INPUT_BATCH ? n : INPUT_BATCH;
    memcpy(events, reply.message.data, (size_t)n * sizeof(InputEvent));
    return (uint32_t)n;
}

static Window *WindowOf(CompWindow *c)
{
    return c ? (Window *)((char *)c - offsetof(Window, comp)) : NULL;
}

void InputForget(const Window *w)
{
    if (desktop.drag == w)
        desktop.drag = NULL;
    if (desktop.grab == w)
        desktop.grab = NULL;
}

static void MouseEvent(Window *w, uint32_t buttons, uint32_t time)
{
    Rect client = CompClient(&w->comp);
    WindowEvent e = { .type = WINDOW_EVENT_MOUSE, .window = w->comp.id,
                      .x = desktop.comp.cursorX - client.x, .y = desktop.comp.cursorY - client.y,
                      .buttons = buttons, .time = time };

    EventPost(w->owner, &e);
}

static void MoveCursor(int32_t dx, int32_t dy)
{
    Compositor *c = &desktop.comp;
    int32_t x = c->cursorX + dx, y = c->cursorY + dy;

    x = x < 0 ? 0 : x >= (int32_t)c->screen.width ? (int32_t)c->screen.width - 1 : x;
    y = y < 0 ? 0 : y >= (int32_t)c->screen.height ? (int32_t)c->screen.height - 1 : y;
    if (x == c->cursorX && y == c->cursorY)
        return;
    Damage(CompCursorRect(c));
    c->cursorX = x;
    c->cursorY = y;
    Damage(CompCursorRect(c));
}

// The left button went down at the cursor.
static void Press(uint32_t buttons, uint32_t time)
{
    CompWindow *hit;
    int part = CompHitTest(&desktop.comp, desktop.comp.cursorX, desktop.comp.cursorY, &hit);
    Window *w = WindowOf(hit);

    if (!w)
        return;
    WindowRaise(w);
    if (part == COMP_HIT_CLOSE) {
        WindowClose(w);
    } else if (part == COMP_HIT_TITLE) {
        desktop.drag = w;
        desktop.dragDx = desktop.comp.cursorX - w->comp.x;
        desktop.dragDy = desktop.comp.cursorY - w->comp.y;
    } else if (part == COMP_HIT_CLIENT) {
        desktop.grab = w;
        MouseEvent(w, buttons, time);
    }
}

// The drag follows the cursor, as far as the window may go.
static void Drag(void)
{
    Window *w = desktop.drag;
    int32_t x = desktop.comp.cursorX - desktop.dragDx, y = desktop.comp.cursorY - desktop.dragDy;

    if ((x != w->comp.x || y != w->comp.y) && WindowCheckPlace(w, x, y, w->comp.buffer.width) == 0)
        WindowMove(w, x, y);
}

static void Mouse(const InputEvent *e)
{
    uint32_t was = desktop.buttons, now = e->buttons;

    MoveCursor(e->dx, e->dy);
    desktop.buttons = now;
    if (desktop.drag)
        Drag();
    if ((now & INPUT_BUTTON_LEFT) && !(was & INPUT_BUTTON_LEFT)) {
        Press(now, e->time);
        return;
    }
    if (desktop.grab && ((e->dx || e->dy) ? now != 0 : now != was))
        MouseEvent(desktop.grab, now, e->time);
    if (!(now & INPUT_BUTTON_LEFT)) {
        desktop.drag = NULL;
        if (!now)
            desktop.grab = NULL;
    }
}

void InputMouse(void)
{
    static InputEvent events[INPUT_BATCH];
    uint32_t n = ReadDevice(INPUT_MOUSE_NAME, events);

    for (uint32_t i = 0; i < n; i++)
        if (events[i].type == INPUT_EVENT_MOUSE)
            Mouse(&events[i]);
}

void InputKeyboard(void)
{
    static InputEvent events[INPUT_BATCH];
    uint32_t n = ReadDevice(INPUT_KEYBOARD_NAME, events);
    Window *focused = NULL;

    for (uint32_t i = 0; i < desktop.comp.count; i++)
        if (desktop.comp.stack[i]->focused)
            focused = WindowOf(desktop.comp.stack[i]);

    for (uint32_t i = 0; i < n && focused; i++) {
        if (events[i].type != INPUT_EVENT_KEY)
            continue;
        WindowEvent e = { .type = WINDOW_EVENT_KEY, .window = focused->comp.id,
                          .key = events[i].key, .flags = events[i].flags, .time = events[i].time };
        EventPost(focused->owner, &e);
    }
}
