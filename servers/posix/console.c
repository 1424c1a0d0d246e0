// The console as an open file: its reads and polls, answered without
// holding up the server, and its terminal ioctls.
//
// console: answers MSG_READ only when a whole line is ready, so a plain
// MSG_READ would stop this one-threaded server until someone types.
// Instead the server asks with the console's CONSOLE_MSG_TRY_READ, which
// gives the line at hand or E_AGAIN at once (include/clanker/console.h).
// A read that gets E_AGAIN is kept on a list, oldest first, and answered
// later (POSIX_DEFERRED): ConsoleRetry, which the main loop calls before
// each receive, asks again for the oldest every CONSOLE_RETRY_MS while
// any read waits, and lets the deferred polls look again then too (a
// poll learns whether the console is readable from CONSOLE_MSG_POLL).
// The main loop's receive timeout is at most that period meanwhile.
//
// The console cooks and echoes input only while someone reads (here:
// while a read or poll of ours waits), so typed text is echoed at the
// next retry, within CONSOLE_RETRY_MS. A reader of console: that waits
// in MSG_READ (the shell) is served first; a POSIX reader gets a line
// that nobody else waits for.
//
// ioctl knows the terminal requests (TCGETS, TCSETS*, TIOCGWINSZ: 80x25,
// TIOCGPGRP, TIOCSPGRP: the console's foreground process group, which a
// ^C is for, kept by signal.c). The termios is kept per process; TCSETS,
// TCSETSW and TCSETSF set the console's mode from it
// (ConsoleSetTermios): with ICANON off, a read gets the bytes at hand.
// A process that ends leaving the console raw has it made cooked again.
//
// A signal cuts a waiting read short (ConsoleCancel, through
// PosixCancelWait: E_INTR, or the read again after the handler with
// SA_RESTART); a process that ends is taken off the list.
#include <clanker/syscall.h>
#include <lib/string.h>
#include <clanker/console.h>
#include "core.h"
#include "user.h"
#include "nsclient.h"
#include "poll.h"
#include "signal.h"
#include "file.h"
#include "console.h"

#define CONSOLE_ROWS 25
#define CONSOLE_COLS 80
#define CONSOLE_RETRY_MS 20

// A read of the console that waits for a line.
typedef struct ConsoleWait {
    struct ConsoleWait *next;
    PosixProcess *p;
    uint32_t requestId;
    uint32_t buf, count;        // the caller's buffer (checked writable)
    char name[NS_NAME_MAX + 1]; // the console's name
} ConsoleWait;

static ConsoleWait *waits;      // oldest first
static uint32_t nextTry;        // api->UptimeMs() of the next retry

// Ask console name for at most count bytes of a line now, into p's buf.
// Returns the bytes (0: end of input), E_AGAIN if no line is at hand, or
// another error.
static int32_t TryRead(PosixProcess *p, const char *name, uint32_t buf, uint32_t count)
{
    FsIo io = { 0, count < FS_IO_MAX ? count : FS_IO_MAX, 0 };

    return NsReadInto(p, name, CONSOLE_MSG_TRY_READ, &io, buf);
}

// Read at most count bytes of a line from the console f into p's buf:
// the bytes (0 at the end of input), an error, E_AGAIN with O_NONBLOCK
// when no line is ready, or POSIX_DEFERRED (answered when one is).
static int32_t ConsoleRead(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t count)
{
    ConsoleWait *w, **link = &waits;
    int32_t got;
    int err;

    if ((f->flags & LINUX_O_ACCMODE) == LINUX_O_WRONLY)
        return E_BADF;
    if (count == 0)
        return 0;
    if ((err = UserCheckWritable(p, buf, count < FS_IO_MAX ? count : FS_IO_MAX)) != 0)
        return err;
    if (!waits && (got = TryRead(p, f->name, buf, count)) != E_AGAIN)
        return got;
    if (f->flags & LINUX_O_NONBLOCK)
        return E_AGAIN;
    if (!(w = api->kmalloc(sizeof(*w))))
        return E_NOMEM;
    *w = (ConsoleWait){ NULL, p, p->requestId, buf, count, { 0 } };
    memcpy(w->name, f->name, sizeof(w->name));
    if (!waits)
        nextTry = api->UptimeMs() + CONSOLE_RETRY_MS;
    while (*link)
        link = &(*link)->next;
    *link = w;
    return POSIX_DEFERRED;
}

static uint32_t modeOwner;      // the process that left the console raw, or 0

#define LINUX_ISIG   0000001
#define LINUX_ICANON 0000002
#define LINUX_ECHO   0000010

// The console mode a termios asks for: ICANON on is cooked (the console's
// line editor, which always echoes); off is CONSOLE_MODE_RAW, with ECHO
// and ISIG as CONSOLE_MODE_ECHO and CONSOLE_MODE_SIGNALS. A raw read
// returns the bytes at hand, at least one: VMIN 1 whatever VMIN says
// (VTIME is not looked at).
static uint32_t ConsoleModeOf(const LinuxTermios *t)
{
    uint32_t mode = CONSOLE_MODE_RAW;

    if (t->lflag & LINUX_ICANON)
        return 0;
    if (t->lflag & LINUX_ECHO)
        mode |= CONSOLE_MODE_ECHO;
    if (t->lflag & LINUX_ISIG)
        mode |= CONSOLE_MODE_SIGNALS;
    return mode;
}

// TCSETS and friends: give the console the mode t asks for. Returns 0 or
// the console's error.
static int ConsoleSetTermios(PosixProcess *p, const LinuxTermios *t)
{
    ConsoleMode mode = { ConsoleModeOf(t) };
    int got = NsRequest(CONSOLE_NAME, CONSOLE_MSG_SET_MODE, &mode, sizeof(mode), NULL, 0);

    if (got < 0)
        return got;
    if (mode.flags)
        modeOwner = p->pid;
    else if (modeOwner == p->pid)
        modeOwner = 0;
    return 0;
}

// Whether the console f has a line (or the end of input) for a read now.
static int ConsoleReadable(const PosixFile *f)
{
    return NsRequest(f->name, CONSOLE_MSG_POLL, NULL, 0, NULL, 0) >= 0;
}

// Answer the waiting reads the console has lines for, oldest first, and
// let the polls look again, when the retry is due. Returns the
// milliseconds until the next retry, or 0 if nothing waits for the console.
uint32_t ConsoleRetry(void)
{
    uint32_t now;
    int32_t left;

    if (!waits && !PollWatchesConsole())
        return 0;                       // the usual case: no clock read
    now = api->UptimeMs();
    left = (int32_t)(nextTry - now);
    if (left > 0)
        return (uint32_t)left;
    nextTry = now + CONSOLE_RETRY_MS;
    while (waits) {
        ConsoleWait *w = waits;
        int32_t got = TryRead(w->p, w->name, w->buf, w->count);
        if (got == E_AGAIN)
            break;
        waits = w->next;
        PosixComplete(w->requestId, got);
        api->kfree(w);
    }
    PollRecheck();
    return CONSOLE_RETRY_MS;
}

// Take pid's waiting read off the list unanswered. Returns 1 if it had one.
static int DropWait(uint32_t pid)
{
    for (ConsoleWait **link = &waits; *link; link = &(*link)->next) {
        ConsoleWait *w = *link;
        if (w->p->pid == pid) {
            *link = w->next;
            api->kfree(w);
            return 1;
        }
    }
    return 0;
}

// The cancel hook of console reads: a signal cuts p's short.
int ConsoleCancel(PosixProcess *p, int32_t *value)
{
    (void)value;                    // E_INTR
    return DropWait(p->pid);
}

// Process pid has ended: drop its waiting read; if it left the console
// raw, make it cooked again, for the shell it returns to.
void ConsoleProcessEnded(uint32_t pid)
{
    ConsoleMode cooked = { 0 };

    DropWait(pid);
    if (pid == modeOwner) {
        modeOwner = 0;
        NsRequest(CONSOLE_NAME, CONSOLE_MSG_SET_MODE, &cooked, sizeof(cooked), NULL, 0);
    }
}

// --- the console as an open file ---------------------------------------------

#define CONSOLE_READABLE (LINUX_POLLIN | LINUX_POLLRDNORM)
#define CONSOLE_WRITABLE (LINUX_POLLOUT | LINUX_POLLWRNORM)

// The console: a read is one line (console.c; a vector fills its first
// buffer with room, so it never waits for a second); writes go by name.
static int32_t ConsoleReadOp(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
                             uint32_t total, uint64_t *offset)
{
    uint32_t base = buf, length = total;
    int err;

    (void)offset;
    if (iovCount && (err = UserFirstIovec(p, buf, iovCount, &base, &length)) != 0)
        return err;
    return ConsoleRead(p, f, base, length);
}

// The console is always writable; readable when it says a read would be
// answered now (a request: asked only when reading matters, and again on
// the same timer as the console's reads).
static uint32_t ConsolePoll(const PosixFile *f, uint32_t wanted, int *timed)
{
    if (!(wanted & CONSOLE_READABLE))
        return CONSOLE_WRITABLE;
    *timed = 1;
    return CONSOLE_WRITABLE | (ConsoleReadable(f) ? CONSOLE_READABLE : 0);
}

// --- ioctl: the terminal requests ------------------------------------------

typedef int32_t (*IoctlHandler)(PosixProcess *p, uint32_t arg);

// TCGETS: the process's termios.
static int32_t TermiosGet(PosixProcess *p, uint32_t arg)
{
    return UserWrite(p, arg, &p->termios, sizeof(p->termios));
}

// TCSETS, TCSETSW, TCSETSF: keep the new termios (nothing to drain or flush).
static int32_t TermiosSet(PosixProcess *p, uint32_t arg)
{
    LinuxTermios t;
    int err;

    /* decode */
    if ((err = UserRead(p, &t, arg, sizeof(t))) != 0)
        return err;
    /* invoke */
    if ((err = ConsoleSetTermios(p, &t)) != 0)
        return err;
    p->termios = t;
    return 0;
}

// TIOCGWINSZ: the screen's size.
static int32_t WindowSize(PosixProcess *p, uint32_t arg)
{
    LinuxWinsize size = { CONSOLE_ROWS, CONSOLE_COLS, 0, 0 };

    return UserWrite(p, arg, &size, sizeof(size));
}

// TIOCGPGRP: the foreground process group (the process's own while none is set).
static int32_t GroupGet(PosixProcess *p, uint32_t arg)
{
    uint32_t group = SignalForegroundGroup();

    if (!group)
        group = p->pgrp;
    return UserWrite(p, arg, &group, sizeof(group));
}

// TIOCSPGRP: make a group (a positive number) the console's foreground.
static int32_t GroupSet(PosixProcess *p, uint32_t arg)
{
    int32_t group;
    int err;

    /* decode */
    if ((err = UserRead(p, &group, arg, sizeof(group))) != 0)
        return err;
    if (group <= 0)
        return E_INVAL;
    /* invoke */
    SignalSetForegroundGroup((uint32_t)group);
    return 0;
}

static const struct {
    uint32_t request;
    IoctlHandler handler;
} consoleIoctls[] = {
    { LINUX_TCGETS,     TermiosGet },
    { LINUX_TCSETS,     TermiosSet },
    { LINUX_TCSETSW,    TermiosSet },
    { LINUX_TCSETSF,    TermiosSet },
    { LINUX_TIOCGWINSZ, WindowSize },
    { LINUX_TIOCGPGRP,  GroupGet },
    { LINUX_TIOCSPGRP,  GroupSet },
};

// The console's ioctl: its terminal requests.
static int32_t ConsoleIoctl(PosixProcess *p, PosixFile *f, uint32_t request, uint32_t arg)
{
    (void)f;
    for (uint32_t i = 0; i < sizeof(consoleIoctls) / sizeof(consoleIoctls[0]); i++)
        if (consoleIoctls[i].request == request)
            return consoleIoctls[i].handler(p, arg);
    return E_NOTTY;
}

const PosixFileOps consoleOps = {
    ConsoleReadOp, FileWrite, NULL, NULL, ConsolePoll, StatOfFile, ConsoleIoctl, NULL,
};
