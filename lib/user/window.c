// The client side of the window protocol (include/lib/windowclient.h).
//
// The buffer is the server's pages, granted to this program: it is mapped
// with GrantMap and unmapped with GrantUnmap before the server is told it
// may have it back (WINDOWS_MSG_RELEASE, WINDOWS_MSG_DESTROY), so the
// program never touches a revoked page.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/grant.h>
#include <lib/format.h>
#include <lib/string.h>
#include <lib/user.h>
#include <lib/windowclient.h>

static union {
    Message message;
    uint8_t bytes[MESSAGE_HEADER_SIZE + sizeof(WindowDamage) + sizeof(WindowRect) +
                  WINDOW_EVENTS_MAX * sizeof(WindowEvent)];
} reply;

// Map grantId as w's surface of width x height. Returns 0 or E_FAULT.
static int MapBuffer(ClientWindow *w, uint32_t grantId, uint32_t width, uint32_t height)
{
    void *pixels = GrantMap(grantId, GRANT_READ | GRANT_WRITE);

    if (!pixels)
        return E_FAULT;
    w->grantId = grantId;
    w->surface = (Surface){ pixels, width, height, width };
    return 0;
}

int WindowOpen(ClientWindow *w, const char *title, int32_t x, int32_t y, uint32_t width,
               uint32_t height)
{
    WindowCreate want = { x, y, width, height, { 0 } };
    WindowCreated made;
    int n;

    memset(w, 0, sizeof(*w));
    Format(want.title, sizeof(want.title), "%s", title);
    n = IpcCallInto(WINDOWS_DESKTOP, WINDOWS_MSG_CREATE, &want, sizeof(want), &reply.message,
                    sizeof(reply));
    if (n < 0)
        return n;
    if (n != (int)sizeof(made))
        return E_INVAL;
    memcpy(&made, reply.message.data, sizeof(made));
    w->id = made.window;
    Format(w->name, sizeof(w->name), "%s:%u", WINDOWS_DESKTOP, made.window);
    if (MapBuffer(w, made.grantId, made.width, made.height) != 0) {
        IpcCallInto(w->name, WINDOWS_MSG_DESTROY, NULL, 0, &reply.message, sizeof(reply));
        return E_FAULT;
    }
    return 0;
}

int WindowDamageRect(ClientWindow *w, Rect r)
{
    struct {
        WindowDamage head;
        WindowRect rect;
    } d = { { 1 }, { r.x, r.y, (uint32_t)r.w, (uint32_t)r.h } };
    int n;

    r = RectIntersect(r, SurfaceBounds(&w->surface));
    if (RectEmpty(r) || w->closed)
        return 0;
    d.rect = (WindowRect){ r.x, r.y, (uint32_t)r.w, (uint32_t)r.h };
    n = IpcCallInto(w->name, WINDOWS_MSG_DAMAGE, &d, sizeof(d), &reply.message, sizeof(reply));
    return n < 0 ? n : 0;
}

int WindowEvents(WindowEvent *out, uint32_t capacity)
{
    int n = IpcCallInto(WINDOWS_DESKTOP, WINDOWS_MSG_EVENTS, NULL, 0, &reply.message,
                        sizeof(reply));
    uint32_t count;

    if (n < 0)
        return n;
    count = (uint32_t)n / sizeof(WindowEvent);
    count = count < capacity ? count : capacity;
    memcpy(out, reply.message.data, count * sizeof(WindowEvent));
    return (int)count;
}

// Give the buffer grantId back: unmapped first, then released.
static void Release(uint32_t grantId)
{
    WindowRelease r = { grantId };

    GrantUnmap(grantId);
    IpcCallInto(WINDOWS_DESKTOP, WINDOWS_MSG_RELEASE, &r, sizeof(r), &reply.message, sizeof(reply));
}

int WindowHandleEvent(ClientWindow *w, const WindowEvent *e)
{
    if (e->window != w->id)
        return 0;
    if (e->type == WINDOW_EVENT_RESIZE && e->grantId != w->grantId) {
        uint32_t old = w->grantId;
        if (MapBuffer(w, e->grantId, e->width, e->height) == 0)
            Release(old);
    } else if (e->type == WINDOW_EVENT_CLOSE && !w->closed) {
        w->closed = 1;
        Release(w->grantId);
        w->surface = (Surface){ NULL, 0, 0, 0 };
    }
    return 1;
}

int WindowSetTitle(ClientWindow *w, const char *title)
{
    int n = IpcCallInto(w->name, WINDOWS_MSG_TITLE, title, (uint32_t)strlen(title), &reply.message,
                        sizeof(reply));
    return n < 0 ? n : 0;
}

void WindowDestroy(ClientWindow *w)
{
    if (!w->closed)
        GrantUnmap(w->grantId);
    IpcCallInto(w->name, WINDOWS_MSG_DESTROY, NULL, 0, &reply.message, sizeof(reply));
    w->closed = 1;
}
