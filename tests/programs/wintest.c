// wintest: a test client of the window server (tests/e2e/desktop_suite.py).
//
//   wintest open      open two windows, "alpha" and "beta", at fixed
//                     places, fill them with patterns, then print every
//                     event they get ("wintest: mouse ID X Y BUTTONS",
//                     "wintest: key ID CODE", ...) until both are closed
//   wintest bad ID    every malformed or forbidden request against the
//                     server, each with its error; ID is a window of
//                     another program (E_PERM); then a window of its own
//                     resized, closed and released, its buffers checked
//                     gone. Prints a line a check and "wintest: N passed,
//                     M failed"
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <clanker/grant.h>
#include <clanker/windows.h>
#include <lib/errortext.h>
#include <lib/format.h>
#include <lib/string.h>
#include <lib/user.h>
#include <lib/windowclient.h>

static union {
    Message message;
    uint8_t bytes[MESSAGE_HEADER_SIZE + 8192];
} reply;

static int passed, failed;

static void Check(int ok, const char *what, int got)
{
    if (ok)
        passed++;
    else
        failed++;
    Print("wintest: %s %s (%d)\n", ok ? "PASS" : "FAIL", what, got);
}

static void Expect(int got, int want, const char *what)
{
    Check(got == want, what, got);
}

static int Call(const char *name, uint32_t type, const void *payload, uint32_t size)
{
    int n = IpcCallInto(name, type, payload, size, &reply.message, sizeof(reply));
    return n < 0 ? n : 0;
}

// --- open ----------------------------------------------------------------------

static void Pattern(ClientWindow *w, uint32_t a, uint32_t b)
{
    Surface *s = &w->surface;

    for (uint32_t y = 0; y < s->height; y++)
        for (uint32_t x = 0; x < s->width; x++)
            s->pixels[y * s->pitch + x] = ((x / 16 + y / 16) & 1) ? a : b;
    WindowDamageRect(w, SurfaceBounds(s));
}

static int Open(void)
{
    static ClientWindow alpha, beta;
    WindowEvent events[32];
    int err, open = 2;

    if ((err = WindowOpen(&alpha, "alpha", 100, 470, 240, 120)) != 0 ||
        (err = WindowOpen(&beta, "beta", 420, 500, 260, 150)) != 0) {
        Print("wintest: cannot open windows: %s\n", ErrorText(err));
        return 1;
    }
    Pattern(&alpha, 0xc04040, 0xe08080);
    Pattern(&beta, 0x40a040, 0x80e080);
    Print("wintest: open %u %u\n", alpha.id, beta.id);
    while (open > 0) {
        IpcNotification notice;
        if (IpcWaitNotification(&notice, 0) != 0 || notice.jobId != WINDOWS_NOTICE_EVENTS)
            continue;
        int n = WindowEvents(events, 32);
        for (int i = 0; i < n; i++) {
            WindowEvent *e = &events[i];
            ClientWindow *w = e->window == alpha.id ? &alpha : &beta;
            WindowHandleEvent(w, e);
            switch (e->type) {
            case WINDOW_EVENT_MOUSE:
                Print("wintest: mouse %u %d %d %u\n", e->window, e->x, e->y, e->buttons);
                break;
            case WINDOW_EVENT_KEY:
                Print("wintest: key %u %u %u\n", e->window, e->key, e->flags);
                break;
            case WINDOW_EVENT_RESIZE:
                Print("wintest: resize %u %u %u\n", e->window, e->width, e->height);
                Pattern(w, 0x4040c0, 0x8080e0);
                break;
            case WINDOW_EVENT_CLOSE:
                Print("wintest: close %u\n", e->window);
                WindowDestroy(w);
                open--;
                break;
            case WINDOW_EVENT_FOCUS:
                Print("wintest: focus %u %u\n", e->window, e->flags);
                break;
            }
        }
    }
    return 0;
}

// --- bad -------------------------------------------------------------------------

static int Create(int32_t x, int32_t y, uint32_t w, uint32_t h, const char *title)
{
    WindowCreate c = { x, y, w, h, { 0 } };

    memcpy(c.title, title, strnlen(title, sizeof(c.title)));
    return Call(WINDOWS_DESKTOP, WINDOWS_MSG_CREATE, &c, sizeof(c));
}

static void BadCreates(void)
{
    WindowCreate c = { 10, 10, 100, 100, "short" };
    char long_[WINDOW_TITLE_MAX + 1];

    memset(long_, 'A', sizeof(long_));
    Expect(Create(10, 10, 0, 100, "zero"), E_INVAL, "create 0 wide");
    Expect(Create(10, 10, 100, 15, "low"), E_INVAL, "create under the least height");
    Expect(Create(10, 10, 5000, 100, "wide"), E_INVAL, "create wider than the most");
    Expect(Create(10, 10, 100, 0x80000000u, "huge"), E_INVAL, "create 2^31 high");
    Expect(Create(10, 10, 100, 100, ""), E_INVAL, "create with an empty title");
    Expect(Create(10, 10, 100, 100, long_), E_INVAL, "create with a title that has no NUL");
    Expect(Create(10, 10, 100, 100, "tab\there"), E_INVAL, "create with a control byte in the title");
    Expect(Create(5000, 10, 100, 100, "away"), E_RANGE, "create off the screen");
    Expect(Create(10, -5, 100, 100, "above"), E_RANGE, "create above the screen");
    Expect(Call(WINDOWS_DESKTOP, WINDOWS_MSG_CREATE, &c, sizeof(c) - 1), E_INVAL,
           "create with a short payload");
    Expect(Call(WINDOWS_PREFIX, WINDOWS_MSG_CREATE, &c, sizeof(c)), E_INVAL, "create on windows:");
    Expect(Call("windows:desktop:other", MSG_LIST, NULL, 0), E_NOENT, "a desktop that is not there");
}

static int Damage(const char *name, uint32_t count, const WindowRect *rects, int32_t delta)
{
    static uint8_t payload[sizeof(WindowDamage) + (WINDOW_DAMAGE_MAX + 2) * sizeof(WindowRect)];
    uint32_t size = sizeof(WindowDamage) + count * sizeof(WindowRect);

    memcpy(payload, &count, sizeof(count));
    memcpy(payload + sizeof(WindowDamage), rects, count * sizeof(WindowRect));
    return Call(name, WINDOWS_MSG_DAMAGE, payload, (uint32_t)((int32_t)size + delta));
}

static void BadDamage(ClientWindow *w, const char *other)
{
    static WindowRect many[WINDOW_DAMAGE_MAX + 1];
    WindowRect good = { 0, 0, 100, 80 };
    char name[64];

    for (int i = 0; i <= WINDOW_DAMAGE_MAX; i++)
        many[i] = (WindowRect){ i, 0, 1, 1 };
    Expect(Damage(w->name, 1, &good, 0), 0, "damage the whole window");
    Expect(Damage(w->name, WINDOW_DAMAGE_MAX, many, 0), 0, "damage 64 rects");
    Expect(Damage(w->name, 0, &good, 0), E_INVAL, "damage with no rects");
    Expect(Damage(w->name, WINDOW_DAMAGE_MAX + 1, many, 0), E_INVAL, "damage with 65 rects");
    Expect(Damage(w->name, 1, &good, -4), E_INVAL, "damage with a cut rect");
    Expect(Damage(w->name, 1, &good, 4), E_INVAL, "damage with bytes after the rects");
    Expect(Call(w->name, WINDOWS_MSG_DAMAGE, NULL, 0), E_INVAL, "damage with no payload");
    WindowRect bad[] = {
        { 0, 0, 0, 10 }, { 0, 0, 10, 0 }, { -1, 0, 10, 10 }, { 0, -1, 10, 10 },
        { 91, 0, 10, 10 }, { 0, 71, 10, 10 }, { 0, 0, 101, 1 }, { 0x7fffffff, 0, 0x7fffffff, 1 },
        { 50, 0, 0xffffffffu, 1 }, { 0, 10, 1, 0xfffffff8u },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char what[80];
        Format(what, sizeof(what), "damage rect %d %d %u %u outside 100x80", bad[i].x, bad[i].y,
               bad[i].w, bad[i].h);
        Expect(Damage(w->name, 1, &bad[i], 0), E_INVAL, what);
    }
    WindowRect mixed[2] = { good, { 0, 0, 200, 1 } };
    Expect(Damage(w->name, 2, mixed, 0), E_INVAL, "one bad rect fails the request");
    Expect(Damage(other, 1, &good, 0), E_PERM, "damage another program's window");
    Expect(Call(other, WINDOWS_MSG_DESTROY, NULL, 0), E_PERM, "destroy another program's window");
    Expect(Call(other, WINDOWS_MSG_TITLE, "mine", 4), E_PERM, "retitle another program's window");
    Format(name, sizeof(name), "%s:99999", WINDOWS_DESKTOP);
    Expect(Damage(name, 1, &good, 0), E_NOENT, "damage a window that is not there");
    Format(name, sizeof(name), "%s:x", WINDOWS_DESKTOP);
    Expect(Damage(name, 1, &good, 0), E_NOENT, "damage a malformed window name");
    Expect(Damage(WINDOWS_DESKTOP, 1, &good, 0), E_INVAL, "damage the desktop");
    Expect(Call(w->name, WINDOWS_MSG_TITLE, "a\x01", 2), E_INVAL, "a title with a control byte");
    Expect(Call(w->name, WINDOWS_MSG_TITLE, "", 0), E_INVAL, "an empty title");
    Expect(Call(w->name, WINDOWS_MSG_TITLE, "retitled", 8), 0, "a new title");
}

static int Ctl(const char *window, const char *text)
{
    static uint8_t payload[sizeof(FsIo) + 256];
    char name[64];
    FsIo io = { 0, (uint32_t)strlen(text), 0 };

    Format(name, sizeof(name), "%s:ctl", window);
    memcpy(payload, &io, sizeof(io));
    memcpy(payload + sizeof(io), text, io.length);
    return Call(name, MSG_WRITE, payload, sizeof(io) + io.length);
}

static void BadControl(ClientWindow *w)
{
    FsOpen readOnly = { FS_READ };
    FsIo io = { 0, 100, 0 };
    char name[64];

    Expect(Ctl(w->name, "jump 1 2\n"), E_INVAL, "an unknown command");
    Expect(Ctl(w->name, "move 1\n"), E_INVAL, "move with one number");
    Expect(Ctl(w->name, "move 99999 5\n"), E_RANGE, "move off the screen");
    Expect(Ctl(w->name, "move 10 -1\n"), E_RANGE, "move above the screen");
    Expect(Ctl(w->name, "resize 5 5\n"), E_INVAL, "resize under the least");
    Expect(Ctl(w->name, "resize 20000 100\n"), E_INVAL, "resize over the most");
    Expect(Ctl(w->name, "resize -100 100\n"), E_INVAL, "resize negative");
    Expect(Ctl(w->name, "move 10 10\nmove 99999 1\n"), E_RANGE, "a bad second command: none done");
    Expect(Ctl(w->name, "close\nraise\n"), E_INVAL, "a command after close");
    Format(name, sizeof(name), "%s:ctl", w->name);
    Expect(Call(name, MSG_OPEN, &readOnly, sizeof(readOnly)), E_ACCES, "open the control name to read");
    Expect(Call(name, MSG_READ, &io, sizeof(io)), E_ACCES, "read the control name");
    Expect(Call(w->name, MSG_WRITE, &io, sizeof(io)), E_INVAL, "a write whose bytes are missing");
    Format(name, sizeof(name), "%s:nope", w->name);
    Expect(Call(name, MSG_READ, &io, sizeof(io)), E_NOENT, "a name under a window that is not there");
}

// The line windows:desktop:main lists for id, into line (empty: none).
static void Listed(uint32_t id, char *line, uint32_t capacity)
{
    FsIo io = { 0, 8000, 0 };
    char head[16];
    int n = IpcCallInto(WINDOWS_DESKTOP, MSG_READ, &io, sizeof(io), &reply.message, sizeof(reply));
    const char *p = (const char *)reply.message.data, *end = p + (n > 0 ? n : 0);

    line[0] = 0;
    Format(head, sizeof(head), "%u ", id);
    while (p < end) {
        const char *eol = p;
        while (eol < end && *eol != '\n')
            eol++;
        if (strncmp(p, head, strlen(head)) == 0 && (uint32_t)(eol - p) < capacity) {
            memcpy(line, p, (size_t)(eol - p));
            line[eol - p] = 0;
        }
        p = eol + 1;
    }
}

// Wait for an event of type for w (1 s at most) into *e. Returns 0 or E_TIMEDOUT.
static int AwaitEvent(ClientWindow *w, uint32_t type, WindowEvent *e)
{
    static WindowEvent events[32];

    for (int tries = 0; tries < 20; tries++) {
        int n = WindowEvents(events, 32);
        for (int i = 0; i < n; i++)
            if (events[i].window == w->id && events[i].type == type) {
                *e = events[i];
                return 0;
            }
        SysSleep(50);
    }
    return E_TIMEDOUT;
}

static void Lifecycle(ClientWindow *w)
{
    WindowEvent e;
    char line[128], want[128];
    uint32_t first = w->grantId;
    int err;

    Expect(Ctl(w->name, "resize 300 200\n"), 0, "resize 300 200 through the control name");
    err = AwaitEvent(w, WINDOW_EVENT_RESIZE, &e);
    Check(err == 0 && e.width == 300 && e.height == 200 && e.grantId != first && e.pitch == 1200,
          "the owner gets the resize event with a new buffer", err);
    Listed(w->id, line, sizeof(line));
    Format(want, sizeof(want), "%u \"retitled\" 30 30 300 200 %d ", w->id, SysGetPid());
    Check(strncmp(line, want, strlen(want)) == 0, "the listing shows the new size", 0);
    // The old buffer is still mapped here until released: no fault.
    w->surface.pixels[0] = 1;
    WindowHandleEvent(w, &e);
    Check(w->grantId == e.grantId && w->surface.width == 300, "the new buffer is mapped", 0);
    w->surface.pixels[300 * 200 - 1] = 2;
    GrantFacts facts;
    Expect(GrantQuery(first, &facts), E_NOENT, "the released buffer's grant is revoked");
    Expect(Damage(w->name, 1, &(WindowRect){ 0, 0, 300, 200 }, 0), 0, "damage the new size");
    // Four resizes the owner does not release fill the retired slots.
    for (int i = 0; i < WINDOW_RETIRED_MAX; i++)
        Expect(Ctl(w->name, i % 2 ? "resize 300 200\n" : "resize 200 100\n"), 0, "resize, kept unreleased");
    Expect(Ctl(w->name, "resize 120 90\n"), E_BUSY, "a fifth unreleased buffer: E_BUSY");
    WindowRelease r = { 424242 };
    Expect(Call(WINDOWS_DESKTOP, WINDOWS_MSG_RELEASE, &r, sizeof(r)), E_NOENT, "release a grant that is not one");
    Expect(Call(WINDOWS_DESKTOP, WINDOWS_MSG_RELEASE, &r, 2), E_INVAL, "release with a short payload");
    Expect(Call(WINDOWS_DESKTOP, WINDOWS_MSG_EVENTS, &r, sizeof(r)), E_INVAL, "events with a payload");
    // Close: off the listing at once; the event names the buffer to release.
    Expect(Ctl(w->name, "close\n"), 0, "close through the control name");
    Listed(w->id, line, sizeof(line));
    Check(line[0] == 0, "a closed window is not listed", 0);
    Expect(Ctl(w->name, "raise\n"), E_NOENT, "control of a closed window");
    Expect(Call(w->name, WINDOWS_MSG_DESTROY, NULL, 0), 0, "destroy the closed window");
    Expect(Call(w->name, WINDOWS_MSG_DESTROY, NULL, 0), E_NOENT, "destroy it twice");
    Check(GrantMap(e.grantId, GRANT_READ) == NULL, "its buffer cannot be mapped again", 0);
}

static int Bad(const char *otherId)
{
    static ClientWindow w;
    char other[64];
    int err;

    Format(other, sizeof(other), "%s:%s", WINDOWS_DESKTOP, otherId);
    BadCreates();
    if ((err = WindowOpen(&w, "wintest", 30, 30, 100, 80)) != 0) {
        Check(0, "open a window of its own", err);
        return 1;
    }
    Check(w.surface.width == 100 && w.surface.pitch == 100, "its buffer is mapped", 0);
    w.surface.pixels[0] = 0x123456;
    w.surface.pixels[100 * 80 - 1] = 0x654321;
    BadDamage(&w, other);
    BadControl(&w);
    Lifecycle(&w);
    Print("wintest: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "open") == 0)
        return Open();
    if (argc == 3 && strcmp(argv[1], "bad") == 0)
        return Bad(argv[2]);
    Print("usage: wintest open | bad ID\n");
    return 2;
}
