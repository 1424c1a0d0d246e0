// The desktop: windows, their buffers, z-order and focus, damage, events.
//
// A window's buffer is pages of the server's own, in a range of its
// address space kept for buffers (BUFFER_BASE, a bitmap of its pages),
// mapped with SYS_MEM_MAP and granted to the window's owner read-write.
// The server composites from its own mapping, so a client that unmaps,
// scribbles or dies never makes the server fault. A buffer replaced by a
// resize, or the buffer of a closed window, is retired: it stays mapped
// and granted until its owner releases it (it has unmapped it) or ends,
// and only then is the grant revoked and the pages freed, so a client is
// never cut off from memory it may still be drawing into.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/grant.h>
#include <lib/format.h>
#include <lib/string.h>
#include <lib/user.h>
#include "wm.h"

#define BUFFER_BASE  0x30000000u
#define BUFFER_PAGES 32768u             // 128 MiB of address space
#define PAGE         4096u
#define PROT_RW      3u

Desktop desktop;
static uint8_t bufferPages[BUFFER_PAGES / 8];  // 1: in use

// --- buffers ---------------------------------------------------------------

static int PageUsed(uint32_t i)
{
    return bufferPages[i / 8] >> (i % 8) & 1;
}

static void PagesMark(uint32_t first, uint32_t count, int used)
{
    for (uint32_t i = first; i < first + count; i++) {
        if (used)
            bufferPages[i / 8] |= (uint8_t)(1u << (i % 8));
        else
            bufferPages[i / 8] &= (uint8_t)~(1u << (i % 8));
    }
}

uint32_t BufferAllocate(uint32_t bytes)
{
    uint32_t pages = bytes / PAGE, run = 0;

    for (uint32_t i = 0; i < BUFFER_PAGES && pages; i++) {
        run = PageUsed(i) ? 0 : run + 1;
        if (run < pages)
            continue;
        uint32_t first = i + 1 - pages, address = BUFFER_BASE + first * PAGE;
        if (SysMemMap(address, bytes, PROT_RW) != 0)
            return 0;
        PagesMark(first, pages, 1);
        return address;
    }
    return 0;
}

void BufferFree(uint32_t address, uint32_t bytes)
{
    SysMemUnmap(address, bytes);
    PagesMark((address - BUFFER_BASE) / PAGE, bytes / PAGE, 0);
}

// A buffer of width x height pixels granted to owner. Returns 0 or E_*.
static int BufferMake(Buffer *b, uint32_t owner, uint32_t width, uint32_t height)
{
    uint32_t bytes = (width * height * 4 + PAGE - 1) / PAGE * PAGE;
    uint32_t address = BufferAllocate(bytes);
    int grant;

    if (!address)
        return E_NOMEM;
    grant = GrantCreate((void *)address, bytes, GRANT_READ | GRANT_WRITE, owner);
    if (grant < 0) {
        BufferFree(address, bytes);
        return grant;
    }
    *b = (Buffer){ (uint32_t)grant, address, bytes };
    return 0;
}

static void BufferDrop(Buffer *b)
{
    if (!b->grantId)
        return;
    GrantRevoke(b->grantId);        // unmapped from the owner, if it still had it
    BufferFree(b->address, b->bytes);
    *b = (Buffer){ 0, 0, 0 };
}

// --- windows ---------------------------------------------------------------

void DesktopInit(Surface framebuffer, uint32_t *shadow)
{
    Surface screen = { shadow, framebuffer.width, framebuffer.height, framebuffer.width };

    memset(&desktop, 0, sizeof(desktop));
    desktop.framebuffer = framebuffer;
    desktop.nextId = 1;
    CompInit(&desktop.comp, screen, &fontConsole);
    DamageInit(&desktop.damage, SurfaceBounds(&screen));
    Damage(SurfaceBounds(&screen));
}

Window *WindowFindAny(uint32_t id)
{
    for (int i = 0; i < WINDOWS_MAX; i++)
        if (desktop.windows[i].state != WINDOW_FREE && desktop.windows[i].comp.id == id && id)
            return &desktop.windows[i];
    return NULL;
}

Window *WindowFind(uint32_t id)
{
    Window *w = WindowFindAny(id);

    return w && w->state == WINDOW_OPEN ? w : NULL;
}

int WindowCheckSize(uint32_t width, uint32_t height)
{
    return width < WINDOW_SIZE_MIN || height < WINDOW_SIZE_MIN || width > WINDOW_WIDTH_MAX ||
                   height > WINDOW_HEIGHT_MAX
               ? E_INVAL
               : 0;
}

int WindowCheckTitle(const char *title, uint32_t capacity)
{
    uint32_t n = (uint32_t)strnlen(title, capacity);

    if (n == capacity || n == 0)
        return E_INVAL;
    for (uint32_t i = 0; i < n; i++)
        if ((uint8_t)title[i] < 0x20 || (uint8_t)title[i] > 0x7e || title[i] == '"')
            return E_INVAL;
    return 0;
}

int WindowCheckPlace(const Window *w, int32_t x, int32_t y, uint32_t width)
{
    int32_t frameWidth = (int32_t)width + 2 * WINDOW_BORDER;
    int32_t screenW = (int32_t)desktop.comp.screen.width, screenH = (int32_t)desktop.comp.screen.height;

    (void)w;
    // At least 32 pixels of the title bar stay on the screen, all of its height.
    if (x > screenW - 32 || x < 32 - frameWidth || y < 0 || y > screenH - WINDOW_TITLE_HEIGHT)
        return E_RANGE;
    return 0;
}

static uint32_t WindowsOf(uint32_t owner)
{
    uint32_t n = 0;

    for (int i = 0; i < WINDOWS_MAX; i++)
        n += desktop.windows[i].state != WINDOW_FREE && desktop.windows[i].owner == owner;
    return n;
}

// A place for a new window: cascading from the top-left, on the screen.
static void AutoPlace(uint32_t width, uint32_t height, int32_t *x, int32_t *y)
{
    int32_t step = (int32_t)(desktop.nextId % 8) * 32;

    *x = 40 + step;
    *y = 40 + step;
    if (*x + (int32_t)width > (int32_t)desktop.comp.screen.width)
        *x = 0;
    if (*y + (int32_t)height > (int32_t)desktop.comp.screen.height)
        *y = 0;
}

int WindowMake(uint32_t owner, int32_t x, int32_t y, uint32_t width, uint32_t height,
                 const char *title, Window **out)
{
    Window *w = NULL;
    int err;

    /* decode */
    for (int i = 0; i < WINDOWS_MAX && !w; i++)
        if (desktop.windows[i].state == WINDOW_FREE)
            w = &desktop.windows[i];
    if (!w || WindowsOf(owner) >= WINDOWS_CLIENT_MAX || !ClientFind(owner))
        return E_NOSPC;
    if (x == WINDOW_PLACE_AUTO)
        AutoPlace(width, height, &x, &y);
    else if ((err = WindowCheckPlace(w, x, y, width)) != 0)
        return err;
    memset(w, 0, sizeof(*w));
    if ((err = BufferMake(&w->buffer, owner, width, height)) != 0)
        return err;
    /* invoke */
    w->state = WINDOW_OPEN;
    w->owner = owner;
    w->comp.id = desktop.nextId++;
    w->comp.x = x;
    w->comp.y = y;
    w->comp.buffer = (Surface){ (uint32_t *)w->buffer.address, width, height, width };
    Format(w->comp.title, sizeof(w->comp.title), "%s", title);
    CompAdd(&desktop.comp, &w->comp);
    WindowFocus(w);
    DamageWindow(w);
    *out = w;
    return 0;
}

void WindowMove(Window *w, int32_t x, int32_t y)
{
    DamageWindow(w);
    w->comp.x = x;
    w->comp.y = y;
    DamageWindow(w);
}

static Window *WindowOfComp(CompWindow *c)
{
    return c ? (Window *)((char *)c - offsetof(Window, comp)) : NULL;
}

static void FocusEvent(Window *w, uint32_t focused)
{
    WindowEvent e = { .type = WINDOW_EVENT_FOCUS, .window = w->comp.id, .flags = focused,
                      .time = SysUptime() };

    EventPost(w->owner, &e);
}

void WindowFocus(Window *w)
{
    for (uint32_t i = 0; i < desktop.comp.count; i++) {
        Window *other = WindowOfComp(desktop.comp.stack[i]);
        if (other->comp.focused && other != w) {
            other->comp.focused = 0;
            Damage(CompTitleBar(&other->comp));
            FocusEvent(other, 0);
        }
    }
    if (w && !w->comp.focused) {
        w->comp.focused = 1;
        Damage(CompTitleBar(&w->comp));
        FocusEvent(w, 1);
    }
}

void WindowRaise(Window *w)
{
    if (CompTop(&desktop.comp) != &w->comp) {
        CompRaise(&desktop.comp, &w->comp);
        DamageWindow(w);
    }
    WindowFocus(w);
}

int WindowResize(Window *w, uint32_t width, uint32_t height)
{
    Buffer fresh, *slot = NULL;
    Surface old = w->comp.buffer, now;
    int err;

    /* decode */
    for (int i = 0; i < WINDOW_RETIRED_MAX && !slot; i++)
        if (!w->retired[i].grantId)
            slot = &w->retired[i];
    if (!slot)
        return E_BUSY;
    if ((err = BufferMake(&fresh, w->owner, width, height)) != 0)
        return err;
    /* invoke: the old pixels that fit, white elsewhere, until the owner draws */
    now = (Surface){ (uint32_t *)fresh.address, width, height, width };
    SurfaceFill(&now, SurfaceBounds(&now), 0xffffff);
    SurfaceBlit(&now, 0, 0, &old, SurfaceBounds(&old), SurfaceBounds(&now));
    DamageWindow(w);
    *slot = w->buffer;
    w->buffer = fresh;
    w->comp.buffer = now;
    DamageWindow(w);
    WindowEvent e = { .type = WINDOW_EVENT_RESIZE, .window = w->comp.id, .width = width,
                      .height = height, .grantId = fresh.grantId, .pitch = width * 4,
                      .time = SysUptime() };
    EventPost(w->owner, &e);
    return 0;
}

void WindowClose(Window *w)
{
    WindowEvent e = { .type = WINDOW_EVENT_CLOSE, .window = w->comp.id,
                      .grantId = w->buffer.grantId, .time = SysUptime() };

    if (w->state != WINDOW_OPEN)
        return;
    DamageWindow(w);
    InputForget(w);
    CompRemove(&desktop.comp, &w->comp);
    w->state = WINDOW_CLOSED;
    if (w->comp.focused) {
        w->comp.focused = 0;
        if (CompTop(&desktop.comp))
            WindowFocus(WindowOfComp(CompTop(&desktop.comp)));
    }
    EventPost(w->owner, &e);
}

void WindowDestroy(Window *w)
{
    int wasFocused = w->comp.focused;

    if (w->state == WINDOW_OPEN) {
        DamageWindow(w);
        InputForget(w);
        CompRemove(&desktop.comp, &w->comp);
    }
    BufferDrop(&w->buffer);
    for (int i = 0; i < WINDOW_RETIRED_MAX; i++)
        BufferDrop(&w->retired[i]);
    memset(w, 0, sizeof(*w));
    if (wasFocused && CompTop(&desktop.comp))
        WindowFocus(WindowOfComp(CompTop(&desktop.comp)));
}

Buffer *WindowFindBuffer(uint32_t owner, uint32_t grantId, Window **window)
{
    for (int i = 0; i < WINDOWS_MAX && grantId; i++) {
        Window *w = &desktop.windows[i];
        if (w->state == WINDOW_FREE || w->owner != owner)
            continue;
        *window = w;
        for (int k = 0; k < WINDOW_RETIRED_MAX; k++)
            if (w->retired[k].grantId == grantId)
                return &w->retired[k];
        if (w->state == WINDOW_CLOSED && w->buffer.grantId == grantId)
            return &w->buffer;
    }
    return NULL;
}

void WindowReleaseBuffer(Window *w, Buffer *b)
{
    BufferDrop(b);
    if (w->state == WINDOW_CLOSED && !w->buffer.grantId)
        WindowDestroy(w);           // its last buffer: the slot is free again
}

uint32_t WindowLine(const Window *w, char *out, uint32_t capacity)
{
    const CompWindow *c = &w->comp;

    return (uint32_t)Format(out, capacity, "%u \"%s\" %d %d %u %u %u %s", c->id, c->title, c->x,
                            c->y, c->buffer.width, c->buffer.height, w->owner,
                            c->focused ? "focused" : "-");
}

// --- damage ------------------------------------------------------------------

void Damage(Rect r)
{
    DamageAdd(&desktop.damage, r);
}

void DamageWindow(const Window *w)
{
    Damage(CompFrame(&w->comp));
}

void DesktopFlush(void)
{
    for (uint32_t i = 0; i < desktop.damage.count; i++) {
        CompCompose(&desktop.comp, desktop.damage.rects[i]);
        CompPresent(&desktop.comp, &desktop.framebuffer, desktop.damage.rects[i]);
    }
    DamageClear(&desktop.damage);
}

// --- clients and their events ----------------------------------------------------

Client *ClientFind(uint32_t pid)
{
    Client *free = NULL;

    for (int i = 0; i < CLIENTS_MAX; i++) {
        if (desktop.clients[i].pid == pid)
            return &desktop.clients[i];
        if (!desktop.clients[i].pid && !free)
            free = &desktop.clients[i];
    }
    if (free) {
        memset(free, 0, sizeof(*free));
        free->pid = pid;
    }
    return free;
}

void EventPost(uint32_t pid, const WindowEvent *e)
{
    Client *c = ClientFind(pid);
    WindowEvent *last;

    if (!c)
        return;
    last = c->count ? &c->events[(c->head + c->count - 1) % WINDOW_EVENTS_MAX] : NULL;
    if (last && e->type == WINDOW_EVENT_MOUSE && last->type == WINDOW_EVENT_MOUSE &&
        last->window == e->window && last->buttons == e->buttons) {
        *last = *e;                 // motion: the latest place is what counts
    } else {
        if (c->count == WINDOW_EVENTS_MAX) {
            c->head = (c->head + 1) % WINDOW_EVENTS_MAX;
            c->count--;
            c->dropped++;
        }
        c->events[(c->head + c->count++) % WINDOW_EVENTS_MAX] = *e;
    }
    if (!c->notified && SysIpcNotify(pid, WINDOWS_NOTICE_EVENTS, (int32_t)c->count) == 0)
        c->notified = 1;
}

uint32_t EventsTake(uint32_t pid, WindowEvent *out, uint32_t capacity)
{
    Client *c = ClientFind(pid);
    uint32_t n = 0;

    if (!c)
        return 0;
    for (; n < capacity && c->count; n++, c->count--) {
        out[n] = c->events[c->head];
        c->head = (c->head + 1) % WINDOW_EVENTS_MAX;
    }
    c->notified = c->count > 0 && SysIpcNotify(pid, WINDOWS_NOTICE_EVENTS, (int32_t)c->count) == 0;
    return n;
}

void DesktopProcessEnded(uint32_t pid)
{
    for (int i = 0; i < WINDOWS_MAX; i++)
        if (desktop.windows[i].state != WINDOW_FREE && desktop.windows[i].owner == pid)
            WindowDestroy(&desktop.windows[i]);
    for (int i = 0; i < CLIENTS_MAX; i++)
        if (desktop.clients[i].pid == pid)
            desktop.clients[i].pid = 0;
}
