// The window protocol (include/clanker/windows.h, docs/windows.md): names
// and the handlers of every request.
//
// A request's name is decoded first (Target): the desktop, the screen, a
// window, or a window's control name; a name that is none of them is
// E_NOENT, a window that is not there E_NOENT. Each handler then checks
// the payload whole and the sender's right (only a window's owner draws
// into it, reads its events or releases its buffers: E_PERM), and only
// then acts. The text names (listings, a window's line, the control
// commands, the screen) are for everyone: the shell arranges the desktop.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <clanker/input.h>
#include <lib/format.h>
#include <lib/ppm.h>
#include <lib/string.h>
#include <lib/user.h>
#include <lib/windowctl.h>
#include "wm.h"

#define LINE_MAX 96
#define LIST_TEXT_MAX (LINE_MAX * (WINDOWS_MAX + 1))

enum { TARGET_ROOT, TARGET_DESKTOPS, TARGET_DESKTOP, TARGET_SCREEN, TARGET_POINTER, TARGET_WINDOW,
       TARGET_CTL };

typedef struct Target {
    int kind;
    Window *window;                 // TARGET_WINDOW, TARGET_CTL
} Target;

typedef struct CtlHandle {
    int32_t handle;                 // 0: free
    uint32_t pid;
    uint32_t window;
} CtlHandle;

static CtlHandle handles[CTL_HANDLES_MAX];
static int32_t nextHandle = 1;

// --- names ------------------------------------------------------------------

// Parse a window id at *s (decimal, 1-9 digits). Returns it or 0.
static uint32_t WindowId(const char **s)
{
    uint32_t id = 0;
    int n = 0;

    for (; **s >= '0' && **s <= '9' && n < 9; (*s)++, n++)
        id = id * 10 + (uint32_t)(**s - '0');
    return n ? id : 0;
}

// What name is. Returns 0 or E_NOENT.
static int Decode(const char *name, Target *t, int closedToo)
{
    size_t desktopLength = strlen(WINDOWS_DESKTOP);
    const char *rest;

    *t = (Target){ 0, NULL };
    if (strcmp(name, WINDOWS_PREFIX) == 0)
        return 0;
    if (strcmp(name, "windows:desktop:") == 0 || strcmp(name, "windows:desktop") == 0) {
        t->kind = TARGET_DESKTOPS;
        return 0;
    }
    if (strncmp(name, WINDOWS_DESKTOP, desktopLength) != 0)
        return E_NOENT;
    rest = name + desktopLength;
    if (*rest == 0 || strcmp(rest, ":") == 0) {
        t->kind = TARGET_DESKTOP;
        return 0;
    }
    if (strcmp(rest, ":screen") == 0) {
        t->kind = TARGET_SCREEN;
        return 0;
    }
    if (strcmp(rest, ":pointer") == 0) {
        t->kind = TARGET_POINTER;
        return 0;
    }
    if (*rest++ != ':')
        return E_NOENT;
    uint32_t id = WindowId(&rest);
    t->window = closedToo ? WindowFindAny(id) : WindowFind(id);
    if (!t->window)
        return E_NOENT;
    if (*rest == 0) {
        t->kind = TARGET_WINDOW;
        return 0;
    }
    if (strcmp(rest, ":ctl") == 0) {
        t->kind = TARGET_CTL;
        return 0;
    }
    return E_NOENT;
}

// --- text -------------------------------------------------------------------

// The desktop's text: a heading, then a line a window, by id.
static uint32_t ListText(char *out, uint32_t capacity, int heading)
{
    uint32_t n = heading ? (uint32_t)Format(out, capacity, "ID TITLE X Y W H PID FOCUS\n") : 0;

    for (uint32_t id = 1; id < desktop.nextId && n + LINE_MAX < capacity; id++) {
        Window *w = WindowFind(id);
        if (!w)
            continue;
        n += WindowLine(w, out + n, capacity - n);
        out[n++] = '\n';
    }
    return n;
}

// Reply with bytes [offset, offset + length) of text (n bytes).
static int ReplySlice(ServerRequest *r, const char *text, uint32_t n, const FsIo *io)
{
    if (io->offset >= n)
        return 0;
    uint32_t count = n - (uint32_t)io->offset;
    return ServerReplyData(r, text + io->offset, count < io->length ? count : io->length);
}

// Check a MSG_READ/MSG_WRITE's FsIo (and, for a write, that its bytes follow).
static int DecodeIo(const Message *m, FsIo *io, int write)
{
    uint32_t n = MessageDataLength(m);

    if (n < sizeof(FsIo))
        return E_INVAL;
    memcpy(io, m->data, sizeof(*io));
    if (io->length > FS_IO_MAX || n != sizeof(FsIo) + (write ? io->length : 0))
        return E_INVAL;
    return 0;
}

// --- the handlers -------------------------------------------------------------

// MSG_LIST: the desktop's windows, one FsDirEntry a line; windows: lists
// the desktops ("desktop:main").
static int List(Server *s, ServerRequest *r)
{
    FsListRequest want = { 0, 0 };
    uint32_t n = MessageDataLength(r->message), index = 0, sent = 0;
    Target t;
    int err;

    (void)s;
    /* decode */
    if ((err = Decode(r->envelope->name, &t, 0)) != 0)
        return err;
    if (n != 0 && n != sizeof(want))
        return E_INVAL;
    if (n)
        memcpy(&want, r->message->data, sizeof(want));
    if (t.kind != TARGET_DESKTOP && t.kind != TARGET_ROOT && t.kind != TARGET_DESKTOPS)
        return E_NOTDIR;
    if (want.count == 0 || want.count > FS_LIST_MAX)
        want.count = FS_LIST_MAX;
    /* invoke */
    for (uint32_t id = 1; t.kind == TARGET_DESKTOP && id < desktop.nextId && sent < want.count; id++) {
        Window *w = WindowFind(id);
        if (!w || index++ < want.index)
            continue;
        FsDirEntry e = { .size = 0, .type = FS_TYPE_FILE, .id = id };
        WindowLine(w, e.name, sizeof(e.name));
        if ((err = ServerReplyData(r, &e, sizeof(e))) != 0)
            return err;
        sent++;
    }
    if (t.kind != TARGET_DESKTOP && want.index == 0) {
        FsDirEntry e = { .size = 0, .type = FS_TYPE_DIR, .id = 1 };
        Format(e.name, sizeof(e.name), t.kind == TARGET_ROOT ? "desktop:main" : "main");
        return ServerReplyData(r, &e, sizeof(e));
    }
    return 0;
}

// MSG_READ: the desktop's table, a window's line, or the screen's PPM.
static int Read(Server *s, ServerRequest *r)
{
    static char text[LIST_TEXT_MAX];
    FsIo io;
    Target t;
    uint32_t n;
    int err;

    (void)s;
    /* decode */
    if ((err = Decode(r->envelope->name, &t, 0)) != 0)
        return err;
    if ((err = DecodeIo(r->message, &io, 0)) != 0)
        return err;
    if (io.handle != 0)
        return E_BADF;
    if (t.kind == TARGET_CTL)
        return E_ACCES;
    if (t.kind == TARGET_ROOT || t.kind == TARGET_DESKTOPS)
        return E_ISDIR;
    if (io.length > r->replyCapacity - MESSAGE_HEADER_SIZE)
        io.length = r->replyCapacity - MESSAGE_HEADER_SIZE;
    /* invoke */
    if (t.kind == TARGET_SCREEN) {
        n = PpmRead(&desktop.comp.screen, io.offset, r->reply->data, io.length);
        r->reply->length = MESSAGE_HEADER_SIZE + n;
        return 0;
    }
    if (t.kind == TARGET_DESKTOP) {
        n = ListText(text, sizeof(text), 1);
    } else if (t.kind == TARGET_POINTER) {
        n = (uint32_t)Format(text, sizeof(text), "%d %d %u\n", desktop.comp.cursorX,
                             desktop.comp.cursorY, desktop.buttons);
    } else {
        n = WindowLine(t.window, text, sizeof(text));
        text[n++] = '\n';
    }
    return ReplySlice(r, text, n, &io);
}

// MSG_STAT: the screen and the windows are files (the screen's size is
// its PPM's); the desktop a directory.
static int Stat(Server *s, ServerRequest *r)
{
    FsStat st = { 0 };
    Target t;
    int err;

    (void)s;
    if ((err = Decode(r->envelope->name, &t, 0)) != 0)
        return err;
    if (MessageDataLength(r->message) != 0)
        return E_INVAL;
    st.type = t.kind == TARGET_WINDOW || t.kind == TARGET_CTL || t.kind == TARGET_SCREEN ||
                      t.kind == TARGET_POINTER
                  ? FS_TYPE_FILE : FS_TYPE_DIR;
    st.size = t.kind == TARGET_SCREEN ? PpmSize(&desktop.comp.screen) : 0;
    st.id = t.window ? t.window->comp.id : 0;
    return ServerReplyData(r, &st, sizeof(st));
}

// Do parsed commands to w, all checked first. Returns 0 or E_*.
static int Control(Window *w, const WindowCtl *cmds, int count)
{
    uint32_t width = w->comp.buffer.width;
    int err;

    /* decode: each command against the window as the ones before leave it */
    for (int i = 0; i < count; i++) {
        if (cmds[i].kind == WINDOW_CTL_RESIZE) {
            if (cmds[i].a < 0 || cmds[i].b < 0 ||
                WindowCheckSize((uint32_t)cmds[i].a, (uint32_t)cmds[i].b) != 0)
                return E_INVAL;
            width = (uint32_t)cmds[i].a;
        } else if (cmds[i].kind == WINDOW_CTL_MOVE &&
                   (err = WindowCheckPlace(w, cmds[i].a, cmds[i].b, width)) != 0) {
            return err;
        } else if (cmds[i].kind == WINDOW_CTL_CLOSE && i != count - 1) {
            return E_INVAL;         // nothing can follow a close
        }
    }
    /* invoke (a resize can still fail for memory: the ones before it stay done) */
    for (int i = 0; i < count; i++) {
        switch (cmds[i].kind) {
        case WINDOW_CTL_MOVE: WindowMove(w, cmds[i].a, cmds[i].b); break;
        case WINDOW_CTL_RAISE: WindowRaise(w); break;
        case WINDOW_CTL_CLOSE: WindowClose(w); break;
        case WINDOW_CTL_RESIZE:
            if ((err = WindowResize(w, (uint32_t)cmds[i].a, (uint32_t)cmds[i].b)) != 0)
                return err;
            break;
        }
    }
    return 0;
}

static CtlHandle *FindHandle(int32_t handle, uint32_t pid)
{
    for (int i = 0; i < CTL_HANDLES_MAX; i++)
        if (handle > 0 && handles[i].handle == handle && handles[i].pid == pid)
            return &handles[i];
    return NULL;
}

// MSG_OPEN of a control name, for writing (what the shell's '>' does).
static int Open(Server *s, ServerRequest *r)
{
    FsOpen open;
    Target t;
    CtlHandle *slot = NULL;
    int err;

    (void)s;
    /* decode */
    if ((err = Decode(r->envelope->name, &t, 0)) != 0)
        return err;
    if (MessageDataLength(r->message) != sizeof(open))
        return E_INVAL;
    memcpy(&open, r->message->data, sizeof(open));
    if (open.flags & ~FS_OPEN_FLAGS)
        return E_INVAL;
    if (t.kind != TARGET_CTL)
        return t.kind == TARGET_WINDOW || t.kind == TARGET_SCREEN || t.kind == TARGET_POINTER
                   ? E_ACCES : E_ISDIR;
    if ((open.flags & (FS_READ | FS_WRITE)) != FS_WRITE)
        return E_ACCES;
    for (int i = 0; i < CTL_HANDLES_MAX && !slot; i++)
        if (!handles[i].handle)
            slot = &handles[i];
    if (!slot)
        return E_NOSPC;
    /* invoke */
    *slot = (CtlHandle){ nextHandle++, r->sender, t.window->comp.id };
    FsHandle h = { slot->handle };
    return ServerReplyData(r, &h, sizeof(h));
}

static int Close(Server *s, ServerRequest *r)
{
    FsHandle h;
    CtlHandle *slot;

    (void)s;
    if (MessageDataLength(r->message) != sizeof(h))
        return E_INVAL;
    memcpy(&h, r->message->data, sizeof(h));
    if (!(slot = FindHandle(h.handle, r->sender)))
        return E_BADF;
    slot->handle = 0;
    return 0;
}

// MSG_WRITE: control commands, by name or on a handle.
static int Write(Server *s, ServerRequest *r)
{
    WindowCtl cmds[WINDOW_CTL_MAX];
    FsIo io;
    Target t;
    Window *w;
    int err, count;

    (void)s;
    /* decode */
    if ((err = DecodeIo(r->message, &io, 1)) != 0)
        return err;
    if (io.handle != 0) {
        CtlHandle *slot = FindHandle(io.handle, r->sender);
        if (!slot)
            return E_BADF;
        if (!(w = WindowFind(slot->window)))
            return E_NOENT;     // closed since it was opened
    } else {
        if ((err = Decode(r->envelope->name, &t, 0)) != 0)
            return err;
        if (t.kind != TARGET_CTL)
            return t.kind == TARGET_WINDOW || t.kind == TARGET_SCREEN ||
                           t.kind == TARGET_POINTER
                       ? E_ACCES : E_ISDIR;
        w = t.window;
    }
    count = WindowCtlParse((const char *)r->message->data + sizeof(FsIo), io.length, cmds,
                           WINDOW_CTL_MAX);
    if (count < 0)
        return count;
    /* invoke */
    if ((err = Control(w, cmds, count)) != 0)
        return err;
    FsCount done = { io.length };
    return ServerReplyData(r, &done, sizeof(done));
}

// WINDOWS_MSG_CREATE to the desktop.
static int Create(Server *s, ServerRequest *r)
{
    WindowCreate want;
    Target t;
    Window *w;
    int err;

    (void)s;
    /* decode */
    if ((err = Decode(r->envelope->name, &t, 0)) != 0)
        return err;
    if (t.kind != TARGET_DESKTOP)
        return E_INVAL;
    if (MessageDataLength(r->message) != sizeof(want))
        return E_INVAL;
    memcpy(&want, r->message->data, sizeof(want));
    if ((err = WindowCheckSize(want.width, want.height)) != 0 ||
        (err = WindowCheckTitle(want.title, sizeof(want.title))) != 0)
        return err;
    /* invoke (WindowMake checks the place and the limits before it makes anything) */
    if ((err = WindowMake(r->sender, want.x, want.y, want.width, want.height, want.title, &w)) != 0)
        return err;
    WindowCreated made = { w->comp.id, w->buffer.grantId, want.width * 4, want.width, want.height,
                           w->buffer.bytes };
    return ServerReplyData(r, &made, sizeof(made));
}

// A request only the owner of the named window may make: the window. Returns 0 or E_*.
static int OwnWindow(ServerRequest *r, Window **w, int closedToo)
{
    Target t;
    int err;

    if ((err = Decode(r->envelope->name, &t, closedToo)) != 0)
        return err;
    if (t.kind != TARGET_WINDOW)
        return E_INVAL;
    if (t.window->owner != r->sender)
        return E_PERM;
    *w = t.window;
    return 0;
}

// WINDOWS_MSG_DAMAGE: rects of the client area to composite again.
static int DamageRequest(Server *s, ServerRequest *r)
{
    WindowDamage head;
    WindowRect rects[WINDOW_DAMAGE_MAX];
    uint32_t n = MessageDataLength(r->message);
    Window *w;
    int err;

    (void)s;
    /* decode */
    if ((err = OwnWindow(r, &w, 0)) != 0)
        return err;
    if (n < sizeof(head))
        return E_INVAL;
    memcpy(&head, r->message->data, sizeof(head));
    if (head.count == 0 || head.count > WINDOW_DAMAGE_MAX ||
        n != sizeof(head) + head.count * sizeof(WindowRect))
        return E_INVAL;
    memcpy(rects, r->message->data + sizeof(head), head.count * sizeof(WindowRect));
    for (uint32_t i = 0; i < head.count; i++) {
        WindowRect q = rects[i];
        if (q.x < 0 || q.y < 0 || q.w == 0 || q.h == 0 || q.w > w->comp.buffer.width ||
            q.h > w->comp.buffer.height || (uint32_t)q.x > w->comp.buffer.width - q.w ||
            (uint32_t)q.y > w->comp.buffer.height - q.h)
            return E_INVAL;
    }
    /* invoke: what shows of those rects on the screen */
    Rect client = CompClient(&w->comp);
    for (uint32_t i = 0; i < head.count; i++)
        Damage(RectIntersect(RectMake(client.x + rects[i].x, client.y + rects[i].y,
                                      (int32_t)rects[i].w, (int32_t)rects[i].h), client));
    return 0;
}

// WINDOWS_MSG_EVENTS to the desktop: the sender's queued events.
static int Events(Server *s, ServerRequest *r)
{
    Target t;
    uint32_t room = (r->replyCapacity - MESSAGE_HEADER_SIZE) / sizeof(WindowEvent), n;
    int err;

    (void)s;
    if ((err = Decode(r->envelope->name, &t, 0)) != 0)
        return err;
    if (t.kind != TARGET_DESKTOP || MessageDataLength(r->message) != 0)
        return E_INVAL;
    room = room < WINDOW_EVENTS_MAX ? room : WINDOW_EVENTS_MAX;
    n = EventsTake(r->sender, (WindowEvent *)(void *)r->reply->data, room);
    r->reply->length = MESSAGE_HEADER_SIZE + n * (uint32_t)sizeof(WindowEvent);
    return 0;
}

// WINDOWS_MSG_DESTROY: the owner is done with the window (open or closed).
static int Destroy(Server *s, ServerRequest *r)
{
    Window *w;
    int err;

    (void)s;
    if ((err = OwnWindow(r, &w, 1)) != 0)
        return err;
    if (MessageDataLength(r->message) != 0)
        return E_INVAL;
    WindowDestroy(w);
    return 0;
}

// WINDOWS_MSG_RELEASE to the desktop: an old buffer the owner has unmapped.
static int Release(Server *s, ServerRequest *r)
{
    WindowRelease want;
    Target t;
    Window *w;
    Buffer *b;
    int err;

    (void)s;
    if ((err = Decode(r->envelope->name, &t, 0)) != 0)
        return err;
    if (t.kind != TARGET_DESKTOP || MessageDataLength(r->message) != sizeof(want))
        return E_INVAL;
    memcpy(&want, r->message->data, sizeof(want));
    if (!(b = WindowFindBuffer(r->sender, want.grantId, &w)))
        return E_NOENT;
    WindowReleaseBuffer(w, b);
    return 0;
}

// WINDOWS_MSG_TITLE: a new title (printable ASCII, no '"').
static int Title(Server *s, ServerRequest *r)
{
    char title[WINDOW_TITLE_MAX];
    uint32_t n = MessageDataLength(r->message);
    Window *w;
    int err;

    (void)s;
    if ((err = OwnWindow(r, &w, 0)) != 0)
        return err;
    if (n == 0 || n >= sizeof(title))
        return E_INVAL;
    memcpy(title, r->message->data, n);
    title[n] = 0;
    if ((err = WindowCheckTitle(title, sizeof(title))) != 0)
        return err;
    memcpy(w->comp.title, title, n + 1);
    Damage(CompTitleBar(&w->comp));
    return 0;
}

// A notice (MSG_NOTICE, the skeleton's Noticed hook): an input device
// has events queued.
void RequestsNoticed(Server *s, const IpcNotification *n)
{
    (void)s;
    if (n->jobId == INPUT_NOTICE_MOUSE)
        InputMouse();
    else if (n->jobId == INPUT_NOTICE_KEYBOARD)
        InputKeyboard();
}

void RequestsProcessEnded(uint32_t pid)
{
    for (int i = 0; i < CTL_HANDLES_MAX; i++)
        if (handles[i].pid == pid)
            handles[i].handle = 0;
}

const ServerRoute wmRoutes[] = {
    { MSG_LIST,            NULL, List },
    { MSG_READ,            NULL, Read },
    { MSG_STAT,            NULL, Stat },
    { MSG_OPEN,            NULL, Open },
    { MSG_CLOSE,           NULL, Close },
    { MSG_WRITE,           NULL, Write },
    { WINDOWS_MSG_CREATE,  NULL, Create },
    { WINDOWS_MSG_DAMAGE,  NULL, DamageRequest },
    { WINDOWS_MSG_EVENTS,  NULL, Events },
    { WINDOWS_MSG_DESTROY, NULL, Destroy },
    { WINDOWS_MSG_RELEASE, NULL, Release },
    { WINDOWS_MSG_TITLE,   NULL, Title },
};
const uint32_t wmRouteCount = sizeof(wmRoutes) / sizeof(wmRoutes[0]);
