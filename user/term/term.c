// term: a terminal window on the desktop, with the shell inside it.
//
// The terminal serves a console of its own, "term:PID:", with the
// console's protocol (include/clanker/console.h; docs/servers.md):
// MSG_READ (a cooked line, or in raw mode the bytes at hand), MSG_WRITE,
// MSG_STAT, CONSOLE_MSG_TRY_READ and _POLL, _SET_MODE and _GET_MODE,
// _SET_FOREGROUND. It starts bin/shell with all three streams on that
// name, so the shell and every program it runs read the keys typed in the
// window and write into it. Output goes through lib/termemu.c into a grid
// of cells drawn with the built-in console font into the window's
// buffer; each request's changes are drawn and damaged once, after it.
//
// Keys come as window events (the server sends a notice; IpcWatchNotices
// puts it in this server's receive loop). Cooked mode edits lines with the
// console's line editor (lib/lineedit.c); ^C there (and in raw mode with
// CONSOLE_MODE_SIGNALS) drops the unfinished line, echoes "^C" and ends
// the foreground processes the shell named (SysKill: a POSIX program is
// ended too, not given SIGINT, and their children are left alone).
//
// The terminal ends when its shell ends, or when its window is closed
// (the shell is killed then).
//
// Run by bin/desktop:  bin/term [X Y]
#include <stddef.h>
#include <clanker/console.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <clanker/input.h>
#include <clanker/windows.h>
#include <lib/errortext.h>
#include <lib/format.h>
#include <lib/lineedit.h>
#include <lib/server.h>
#include <lib/string.h>
#include <lib/termemu.h>
#include <lib/user.h>
#include <lib/windowclient.h>

#define COLS        80
#define ROWS        25
#define RAW_MAX     1024            // typed bytes not read yet
#define READERS_MAX 8
#define EVENTS_MAX  WINDOW_EVENTS_MAX

typedef struct Reader {
    uint32_t requestId;
    uint32_t length;
} Reader;

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request, reply;

static union {
    Message message;
    uint8_t bytes[MESSAGE_HEADER_SIZE + LINE_EDIT_MAX + 1];
} answer;

static Server server;
static ClientWindow window;
static Term term;
static LineEditor editor;
static char prefix[32];
static int shellPid;

static uint8_t raw[RAW_MAX];        // typed, a ring
static uint32_t rawHead, rawCount;
static char line[LINE_EDIT_MAX + 1];    // being handed out
static uint32_t lineLength, lineTaken;
static int endOfInput;
static uint32_t mode;
static ConsoleForeground foreground;
static Reader readers[READERS_MAX];
static uint32_t readerCount;

// --- the screen ---------------------------------------------------------------

static void Show(const char *text, uint32_t n)
{
    TermWrite(&term, text, n);
}

static void Echo(const char *text, uint32_t n, void *context)
{
    (void)context;
    Show(text, n);
}

// Draw what changed and tell the server.
static void Redraw(void)
{
    Rect r;

    if (window.closed)
        return;
    r = TermRender(&term, &window.surface, &fontConsole);
    if (!RectEmpty(r))
        WindowDamageRect(&window, r);
}

// --- input ---------------------------------------------------------------------

static void Push(uint8_t b)
{
    if (rawCount == RAW_MAX)
        return;                     // typed far ahead: dropped
    raw[(rawHead + rawCount++) % RAW_MAX] = b;
}

static int Take(uint8_t *b)
{
    if (rawCount == 0)
        return 0;
    *b = raw[rawHead];
    rawHead = (rawHead + 1) % RAW_MAX;
    rawCount--;
    return 1;
}

// The bytes a key stands for (a terminal's: arrows as ESC [ A..D).
static void Key(const WindowEvent *e)
{
    static const struct { uint32_t key; const char *bytes; } special[] = {
        { KEY_UP, "\x1b[A" }, { KEY_DOWN, "\x1b[B" }, { KEY_RIGHT, "\x1b[C" },
        { KEY_LEFT, "\x1b[D" }, { KEY_HOME, "\x1b[H" }, { KEY_END, "\x1b[F" },
        { KEY_DELETE, "\x1b[3~" },
    };
    uint32_t key = e->key;

    if (e->flags & INPUT_KEY_RELEASED)
        return;
    for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
        if (key == special[i].key) {
            for (const char *p = special[i].bytes; *p; p++)
                Push((uint8_t)*p);
            return;
        }
    if (key <= 0xff)                // the character, Shift and Ctrl applied already
        Push((uint8_t)key);
}

// ^C in the ring, where it interrupts: taken out (in cooked mode with the
// unfinished line), echoed, and the foreground ended.
static void CheckInterrupt(void)
{
    int cooked = !(mode & CONSOLE_MODE_RAW);
    uint32_t kept = 0, found = 0;

    if (!cooked && !(mode & CONSOLE_MODE_SIGNALS))
        return;
    for (uint32_t i = 0; i < rawCount; i++) {
        uint8_t b = raw[(rawHead + i) % RAW_MAX];
        if (b == CONSOLE_INTERRUPT) {
            found++;
            // Cooked: the unfinished line before it goes with it (back to
            // the last line end typed before it).
            while (cooked && kept > 0 && raw[(rawHead + kept - 1) % RAW_MAX] != '\n' &&
                   raw[(rawHead + kept - 1) % RAW_MAX] != '\r')
                kept--;
            continue;
        }
        raw[(rawHead + kept++) % RAW_MAX] = b;
    }
    if (!found)
        return;
    rawCount = kept;
    if (cooked)
        LineEditInit(&editor, Echo, NULL);
    Show("^C\n", 3);
    for (uint32_t i = 0; i < foreground.count; i++)
        SysKill((int)foreground.pids[i]);
}

// A line (cooked) or bytes (raw) at hand for a reader? Cooks what it can.
static int Cook(void)
{
    uint8_t b;

    CheckInterrupt();
    if (lineTaken < lineLength || endOfInput)
        return 1;
    lineTaken = lineLength = 0;
    if (mode & CONSOLE_MODE_RAW) {
        while (lineLength < LINE_EDIT_MAX && Take(&b))
            line[lineLength++] = (char)b;
        if ((mode & CONSOLE_MODE_ECHO) && lineLength)
            Show(line, lineLength);
        return lineLength > 0;
    }
    while (Take(&b)) {
        LineEditResult r = LineEditFeed(&editor, b);
        if (r == LINE_EDIT_LINE) {
            memcpy(line, editor.line, editor.length);
            lineLength = editor.length;
            return 1;
        }
        if (r == LINE_EDIT_END) {
            endOfInput = 1;
            return 1;
        }
    }
    return 0;
}

// Answer requestId with at most length bytes of the line (or the end of input).
static void Give(uint32_t requestId, uint32_t length)
{
    uint32_t rest = lineLength - lineTaken, n = endOfInput ? 0 : length < rest ? length : rest;

    answer.message = (Message){ .type = MSG_RESPONSE, .length = MESSAGE_HEADER_SIZE + n };
    memcpy(answer.message.data, line + lineTaken, n);
    if (ServerAnswerMessage(&server, requestId, &answer.message) != 0)
        return;                     // the reader gave up: the input stays
    if (endOfInput)
        endOfInput = 0;
    else
        lineTaken += n;
}

static void Pump(void)
{
    while (readerCount > 0 && Cook()) {
        Reader r = readers[0];
        memmove(&readers[0], &readers[1], --readerCount * sizeof(readers[0]));
        Give(r.requestId, r.length);
    }
}

// --- window events -------------------------------------------------------------

static void Events(void)
{
    static WindowEvent events[EVENTS_MAX];
    int n = WindowEvents(events, EVENTS_MAX);

    for (int i = 0; i < n; i++) {
        const WindowEvent *e = &events[i];
        if (!WindowHandleEvent(&window, e))
            continue;
        if (e->type == WINDOW_EVENT_KEY) {
            Key(e);
        } else if (e->type == WINDOW_EVENT_RESIZE) {
            TermResize(&term, e->width / fontConsole.width, e->height / fontConsole.height);
            SurfaceFill(&window.surface, SurfaceBounds(&window.surface), termPalette[0]);
            WindowDamageRect(&window, SurfaceBounds(&window.surface));
        } else if (e->type == WINDOW_EVENT_CLOSE) {
            if (shellPid > 0)
                SysKill(shellPid);
            WindowDestroy(&window);
            SysExit(0);
        }
    }
}

// --- requests ----------------------------------------------------------------------

static int DecodeIo(const Message *m, FsIo *io, int withData)
{
    uint32_t n = MessageDataLength(m);

    if (n < sizeof(FsIo))
        return E_INVAL;
    memcpy(io, m->data, sizeof(FsIo));
    if (io->length > FS_IO_MAX || n != sizeof(FsIo) + (withData ? io->length : 0))
        return E_INVAL;
    return io->handle != 0 ? E_BADF : 0;
}

static int Read(Server *s, ServerRequest *r)
{
    FsIo io;
    int err;

    (void)s;
    if ((err = DecodeIo(r->message, &io, 0)) != 0)
        return err;
    if (io.length == 0)
        return E_INVAL;
    if (readerCount == READERS_MAX)
        return E_AGAIN;
    readers[readerCount++] = (Reader){ r->message->requestId, io.length };
    return SERVER_DEFERRED;
}

static int TryRead(Server *s, ServerRequest *r)
{
    FsIo io;
    int err;

    (void)s;
    if ((err = DecodeIo(r->message, &io, 0)) != 0)
        return err;
    if (io.length == 0)
        return E_INVAL;
    if (readerCount > 0 || !Cook())
        return E_AGAIN;
    Give(r->message->requestId, io.length);
    return SERVER_DEFERRED;
}

static int Poll(Server *s, ServerRequest *r)
{
    (void)s;
    if (MessageDataLength(r->message) != 0)
        return E_INVAL;
    return readerCount == 0 && Cook() ? 0 : E_AGAIN;
}

static int Write(Server *s, ServerRequest *r)
{
    FsIo io;
    FsCount count;
    int err;

    (void)s;
    if ((err = DecodeIo(r->message, &io, 1)) != 0)
        return err;
    Show((const char *)r->message->data + sizeof(FsIo), io.length);
    count.count = io.length;
    return ServerReplyData(r, &count, sizeof(count));
}

static int Stat(Server *s, ServerRequest *r)
{
    FsStat st = { .type = FS_TYPE_DEVICE, .id = 1 };

    (void)s;
    if (MessageDataLength(r->message) != 0)
        return E_INVAL;
    return ServerReplyData(r, &st, sizeof(st));
}

static int SetMode(Server *s, ServerRequest *r)
{
    ConsoleMode want;

    (void)s;
    if (MessageDataLength(r->message) != sizeof(want))
        return E_INVAL;
    memcpy(&want, r->message->data, sizeof(want));
    if ((want.flags & ~CONSOLE_MODES) || (want.flags && !(want.flags & CONSOLE_MODE_RAW)))
        return E_INVAL;
    if (want.flags != mode)
        LineEditInit(&editor, Echo, NULL);
    mode = want.flags;
    return 0;
}

static int GetMode(Server *s, ServerRequest *r)
{
    ConsoleMode now = { mode };

    (void)s;
    if (MessageDataLength(r->message) != 0)
        return E_INVAL;
    return ServerReplyData(r, &now, sizeof(now));
}

static int SetForeground(Server *s, ServerRequest *r)
{
    uint32_t n = MessageDataLength(r->message);
    ConsoleForeground want = { 0, { 0 } };

    (void)s;
    if (n < sizeof(want.count) || n > sizeof(want))
        return E_INVAL;
    memcpy(&want, r->message->data, n);
    if (want.count > CONSOLE_FOREGROUND_MAX ||
        n < sizeof(want.count) + want.count * sizeof(want.pids[0]))
        return E_INVAL;
    foreground = want;
    return 0;
}

// A notice (the skeleton's Noticed hook): window events are queued.
static void Noticed(Server *s, const IpcNotification *n)
{
    (void)s;
    if (n->jobId == WINDOWS_NOTICE_EVENTS)
        Events();
}

static void Ended(Server *s, uint32_t pid)
{
    (void)s;
    if ((int)pid != shellPid)
        return;
    WindowDestroy(&window);
    SysExit(0);
}

// After every request: answer readers, draw.
static uint32_t Idle(Server *s)
{
    (void)s;
    Pump();
    Redraw();
    return 0;
}

static const ServerRoute routes[] = {
    { MSG_READ,                   NULL, Read },
    { MSG_WRITE,                  NULL, Write },
    { MSG_STAT,                   NULL, Stat },
    { CONSOLE_MSG_TRY_READ,       NULL, TryRead },
    { CONSOLE_MSG_POLL,           NULL, Poll },
    { CONSOLE_MSG_SET_MODE,       NULL, SetMode },
    { CONSOLE_MSG_GET_MODE,       NULL, GetMode },
    { CONSOLE_MSG_SET_FOREGROUND, NULL, SetForeground },
};

// Start the shell on this terminal. Returns its pid or E_*.
static int StartShell(void)
{
    static const char *const argv[] = { "fs:root:bin/shell", NULL };
    ProcessContext context;
    const ProcessContext *self = ContextSelf();
    SpawnRequest spawn = { argv, NULL, &context, 0 };

    memset(&context, 0, sizeof(context));
    Format(context.cwd, sizeof(context.cwd), "%s", self ? self->cwd : "fs:root:");
    for (int i = 0; i < 3; i++)
        Format(context.stdio[i], sizeof(context.stdio[i]), "%s", prefix);
    return SysSpawnContext(argv[0], &spawn);
}

static int Fail(const char *what, int err)
{
    Print("term: %s: %s\n", what, ErrorText(err));
    return 1;
}

int main(int argc, char **argv)
{
    int x = WINDOW_PLACE_AUTO, y = 0, err;

    if (argc == 3 && (ParseInt(argv[1], &x) != 0 || ParseInt(argv[2], &y) != 0))
        return Fail("usage: term [X Y]", E_INVAL);
    Format(prefix, sizeof(prefix), "term:%d:", SysGetPid());
    TermInit(&term, COLS, ROWS);
    LineEditInit(&editor, Echo, NULL);
    server = (Server){
        .name = "term", .port = &serverPortUser, .routes = routes,
        .routeCount = sizeof(routes) / sizeof(routes[0]), .ProcessEnded = Ended,
        .Noticed = Noticed, .Idle = Idle,
        .requestBuffer = &request.message, .replyBuffer = &reply.message,
        .capacity = sizeof(request),
    };
    if ((err = SysNsRegister(prefix, 0)) != 0)
        return Fail(prefix, err);
    if ((err = IpcWatchNotices()) != 0 || (err = SysIpcWatchExits()) != 0)
        return Fail("notices", err);
    if ((err = WindowOpen(&window, "terminal", x, y, COLS * fontConsole.width,
                          ROWS * fontConsole.height)) != 0)
        return Fail(WINDOWS_DESKTOP, err);
    if ((shellPid = StartShell()) < 0) {
        WindowDestroy(&window);
        return Fail("fs:root:bin/shell", shellPid);
    }
    Redraw();
    ServerRun(&server);
}
