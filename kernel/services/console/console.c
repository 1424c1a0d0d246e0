// The console: server: the screen and the keyboard or serial line as one
// stream, served with the filesystem protocol (include/clanker/fs.h).
//
//   MSG_WRITE  FsIo + bytes  -> FsCount   the bytes go to COM1 and the screen
//   MSG_READ   FsIo          -> one line  at most FsIo.length bytes of the next
//                                         line, its '\n' included (the rest
//                                         of a longer line comes next); empty
//                                         at the end of input (^D)
//   MSG_STAT   (empty)       -> FsStat    type FS_TYPE_DEVICE
//   CONSOLE_MSG_TRY_READ  FsIo -> one line, as MSG_READ, if one is at hand
//                                 now and no reader waits before it; else
//                                 E_AGAIN at once
//   CONSOLE_MSG_POLL      (empty) -> (empty) if such a read would be
//                                 answered now; else E_AGAIN
//
//   CONSOLE_MSG_SET_MODE  ConsoleMode -> (empty); E_INVAL for unknown bits,
//                                 or ECHO or SIGNALS without RAW
//   CONSOLE_MSG_GET_MODE  (empty) -> ConsoleMode
//   CONSOLE_MSG_SET_FOREGROUND  ConsoleForeground (count, then count
//                                 pids: at least 4 + 4 * count bytes, at
//                                 most the whole structure) -> (empty);
//                                 E_INVAL for a count over
//                                 CONSOLE_FOREGROUND_MAX or a short payload
//   CONSOLE_MSG_SCREEN    uint32 RELEASE or RECLAIM -> (empty): the display
//                                 driver takes the VGA adapter or gives it
//                                 back (arch/x86/vga.c); kernel-mode
//                                 programs only (E_PERM)
//
// The same thread serves input:keyboard: (keys.c), the keyboard's events
// for a listener; it watches process ends for that.
//
// FsIo.handle must be 0 (the console hands out no handles: E_BADF) and its
// offset is ignored; anything else is E_INVAL.
//
// Modes (include/clanker/console.h). Cooked (0) is all of the above. In
// CONSOLE_MODE_RAW a read takes the bytes at hand as they are (at least
// one: a read waits for the first), echoed only with CONSOLE_MODE_ECHO;
// ^D is an ordinary byte. A part of a cooked line already handed out is
// still given first, and a mode change starts the line editor afresh.
//
// ^C (CONSOLE_INTERRUPT), in cooked mode and in raw mode with
// CONSOLE_MODE_SIGNALS, is acted on as soon as it arrives, whoever reads:
// every request (the input thread's knock among them) is followed by a
// look through the raw input for it. It is taken out with, in cooked
// mode, the unfinished line before it (back to the last line end typed
// before it, and the line being edited when there is none); bytes after
// it stay. Then "^C\n" is echoed and the foreground is interrupted
// (interrupt.c); with no foreground it is only echoed, in cooked mode,
// and dropped silently in raw mode.
//
// A read waits until a line is ready: the server keeps it as a pending
// reader and answers it later, readers in the order they came. Input is
// cooked on demand: raw bytes go through the line editor (lib/lineedit.c,
// which echoes them) only while a reader waits and no finished line is at
// hand. So a line is echoed when a program reads it, the same way for
// typed and for piped input, and input nobody reads stays in the ring,
// where flow control holds the rest back (input.c).
//
// The two console-only requests serve a client that must never wait for
// a line, the POSIX server: it asks again on a short timer while one of
// its programs waits in read or poll. Each of them cooks (and echoes) the
// input at hand, as a reader waiting would, but takes nothing from a
// reader that waits: a queued MSG_READ is always served first.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <lib/inputqueue.h>
#include <lib/lineedit.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/pc.h>
#include <kernel/console.h>
#include <kernel/ipc/ipc.h>
#include <kernel/proc/process.h>
#include <kernel/services/console.h>
#include <kernel/services/port.h>

#define READERS_MAX 32              // pending reads; more are E_AGAIN
#define SHOW_CHUNK  64              // bytes written with interrupts held off (under a tick at 115200 baud)

typedef struct Reader {
    uint32_t requestId;
    uint32_t length;                // the most it takes
} Reader;

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request;

// The reply to the request being served (a line, or input:keyboard's
// events), and a reader's answer (a line, now or later): apart, so a
// waiting reader can be answered from inside a handler.
#define REPLY_DATA_MAX (INPUT_QUEUE_MAX * sizeof(InputEvent) > LINE_EDIT_MAX + 1 ? \
                        INPUT_QUEUE_MAX * sizeof(InputEvent) : LINE_EDIT_MAX + 1)
static union {
    Message message;
    uint8_t bytes[MESSAGE_HEADER_SIZE + REPLY_DATA_MAX];
} reply;
static union {
    Message message;
    uint8_t bytes[MESSAGE_HEADER_SIZE + LINE_EDIT_MAX + 1];
} answer;
static Server server;

static Reader readers[READERS_MAX]; // a FIFO
static uint32_t readerHead, readerCount;
static LineEditor editor;
static char line[LINE_EDIT_MAX + 1];        // the line being handed out
static uint32_t lineLength, lineTaken;
static int endOfInput;                      // a ^D waits for a reader
static uint32_t inputPid;
static uint32_t mode;                       // CONSOLE_MODE_* bits; 0: cooked
static ConsoleForeground foreground;

// Write text to the console, a chunk at a time, so a long write neither
// interleaves with a kernel line nor holds interrupts off for long.
static void Show(const char *text, uint32_t length)
{
    while (length > 0) {
        uint32_t n = length < SHOW_CHUNK ? length : SHOW_CHUNK;
        uint32_t flags = CpuSave();

        ConsoleWrite(text, n);
        CpuRestore(flags);
        text += n;
        length -= n;
    }
}

// The line editor's echo goes straight to the screen.
static void Echo(const char *text, uint32_t length, void *context)
{
    (void)context;
    Show(text, length);
}

// Answer reader requestId with length bytes of its line. Returns the
// port's result (E_NOENT: the client gave up waiting).
static int AnswerLine(uint32_t requestId, const char *data, uint32_t length)
{
    answer.message = (Message){ .type = MSG_RESPONSE, .length = MESSAGE_HEADER_SIZE + length };
    memcpy(answer.message.data, data, length);
    return ServerAnswerMessage(&server, requestId, &answer.message);
}

// Check m's FsIo (followed by exactly its length in bytes withData, else
// by nothing) and copy it to io. Returns 0 or an error.
static int DecodeIo(const Message *m, FsIo *io, int withData)
{
    uint32_t n = MessageDataLength(m);

    if (n < sizeof(FsIo))
        return E_INVAL;
    memcpy(io, m->data, sizeof(FsIo));
    if (io->length > FS_IO_MAX)
        return E_INVAL;
    if (n != sizeof(FsIo) + (withData ? io->length : 0))
        return E_INVAL;
    return io->handle != 0 ? E_BADF : 0;
}

// Forget the readers whose clients gave up waiting (timed out or ended),
// keeping the others in order.
static void DropAbandoned(void)
{
    uint32_t kept = 0;

    for (uint32_t i = 0; i < readerCount; i++) {
        Reader r = readers[(readerHead + i) % READERS_MAX];
        if (IpcIsServing(r.requestId))
            readers[(readerHead + kept++) % READERS_MAX] = r;
    }
    readerCount = kept;
}

// --- requests -----------------------------------------------------------------
// The skeleton's handlers (include/lib/server.h). Each decodes and checks
// the whole request, then acts: 0 with the reply built, an error, or
// SERVER_DEFERRED for a read kept as a pending reader or already answered.

// MSG_READ: queue the reader; Pump answers it when a line is ready.
static int Read(Server *s, ServerRequest *r)
{
    FsIo io;
    int err;

    (void)s;
    /* decode */
    if ((err = DecodeIo(r->message, &io, 0)) != 0)
        return err;
    if (io.length == 0)
        return E_INVAL;             // an empty reply would read as the end of input
    /* invoke */
    if (readerCount == READERS_MAX)
        DropAbandoned();
    if (readerCount == READERS_MAX)
        return E_AGAIN;
    readers[(readerHead + readerCount++) % READERS_MAX] =
        (Reader){ r->message->requestId, io.length };
    return SERVER_DEFERRED;
}

// MSG_WRITE: show the bytes, answer how many.
static int Write(Server *s, ServerRequest *r)
{
    FsIo io;
    FsCount count;
    int err;

    (void)s;
    /* decode */
    if ((err = DecodeIo(r->message, &io, 1)) != 0)
        return err;
    /* invoke */
    Show((const char *)r->message->data + sizeof(FsIo), io.length);
    count.count = io.length;
    return ServerReplyData(r, &count, sizeof(count));
}

// MSG_STAT: a device, always.
static int Stat(Server *s, ServerRequest *r)
{
    FsStat stat = { .type = FS_TYPE_DEVICE, .id = 1 };
    uint32_t n = MessageDataLength(r->message);

    (void)s;
    /* decode */
    if (n == sizeof(FsHandle))
        return E_BADF;
    if (n != 0)
        return E_INVAL;
    /* invoke */
    return ServerReplyData(r, &stat, sizeof(stat));
}

// CONSOLE_MSG_SET_MODE: cooked, or raw with echo and signals as asked.
static int SetMode(Server *s, ServerRequest *r)
{
    ConsoleMode want;

    (void)s;
    /* decode */
    if (MessageDataLength(r->message) != sizeof(want))
        return E_INVAL;
    memcpy(&want, r->message->data, sizeof(want));
    if ((want.flags & ~CONSOLE_MODES) ||
        (want.flags && !(want.flags & CONSOLE_MODE_RAW)))
        return E_INVAL;
    /* invoke */
    if (want.flags != mode)
        LineEditInit(&editor, Echo, NULL);
    mode = want.flags;
    return 0;
}

// CONSOLE_MSG_GET_MODE
static int GetMode(Server *s, ServerRequest *r)
{
    ConsoleMode now = { mode };

    (void)s;
    /* decode */
    if (MessageDataLength(r->message) != 0)
        return E_INVAL;
    /* invoke */
    return ServerReplyData(r, &now, sizeof(now));
}

// CONSOLE_MSG_SET_FOREGROUND: the processes a ^C interrupts.
static int SetForeground(Server *s, ServerRequest *r)
{
    uint32_t n = MessageDataLength(r->message);
    ConsoleForeground want = { 0 };

    (void)s;
    /* decode */
    if (n < sizeof(want.count) || n > sizeof(want))
        return E_INVAL;
    memcpy(&want, r->message->data, n);
    if (want.count > CONSOLE_FOREGROUND_MAX ||
        n < sizeof(want.count) + want.count * sizeof(want.pids[0]))
        return E_INVAL;
    /* invoke */
    memset(&foreground, 0, sizeof(foreground));
    foreground.count = want.count;
    memcpy(foreground.pids, want.pids, want.count * sizeof(want.pids[0]));
    return 0;
}

// CONSOLE_MSG_SCREEN: the display driver takes the screen or gives it back.
static int Screen(Server *s, ServerRequest *r)
{
    Process *sender = ProcessFind(r->sender);
    uint32_t what;

    (void)s;
    /* decode */
    if (!sender || sender->mode != PROCESS_KERNEL)
        return E_PERM;
    if (MessageDataLength(r->message) != sizeof(what))
        return E_INVAL;
    memcpy(&what, r->message->data, sizeof(what));
    if (what != CONSOLE_SCREEN_RELEASE && what != CONSOLE_SCREEN_RECLAIM)
        return E_INVAL;
    /* invoke */
    if (what == CONSOLE_SCREEN_RELEASE)
        VgaRelease();
    else
        VgaReclaim();
    return 0;
}

// CONSOLE_MSG_INPUT: the input thread's knock (from it only); the Idle
// hook, Pump, does the rest.
static int Knock(Server *s, ServerRequest *r)
{
    (void)s;
    /* decode: from the input thread only; invoke: nothing (Pump does it) */
    return r->sender == inputPid ? 0 : E_INVAL;
}

// Raw mode: take the bytes at hand into the line, echoing them with
// CONSOLE_MODE_ECHO. Returns 1 if there is any, 0 if the ring is empty.
static int TakeRaw(void)
{
    uint8_t byte;

    while (lineLength < LINE_EDIT_MAX && ConsoleInputTake(&byte))
        line[lineLength++] = (char)byte;
    if ((mode & CONSOLE_MODE_ECHO) && lineLength > 0)
        Show(line, lineLength);
    return lineLength > 0;
}

// Feed the editor from the ring until a line or the end of input is at
// hand (raw mode: any bytes). Returns 1 if one is, 0 if the ring ran dry
// first.
static void CheckInterrupt(void);

static int Cook(void)
{
    uint8_t byte;

    CheckInterrupt();               // a ^C is never handed out as input
    if (lineTaken == lineLength && !endOfInput && (mode & CONSOLE_MODE_RAW)) {
        lineTaken = lineLength = 0;
        return TakeRaw();
    }
    while (lineTaken == lineLength && !endOfInput) {
        if (!ConsoleInputTake(&byte))
            return 0;
        switch (LineEditFeed(&editor, byte)) {
        case LINE_EDIT_LINE:
            memcpy(line, editor.line, editor.length);
            lineLength = editor.length;
            lineTaken = 0;
            break;
        case LINE_EDIT_END:
            endOfInput = 1;
            break;
        case LINE_EDIT_MORE:
            break;
        }
    }
    return 1;
}

// Give reader r as much of the line as it asked for, or the end of
// input. A reader whose client gave up (E_NOENT) is dropped and the input
// stays for the next one.
static void Give(Reader r)
{
    uint32_t rest = lineLength - lineTaken;
    uint32_t n = endOfInput ? 0 : r.length < rest ? r.length : rest;
    int err;

    err = AnswerLine(r.requestId, line + lineTaken, n);
    if (err == E_NOENT)
        return;
    if (err) {
        ServerAnswerError(&server, r.requestId, err);
        return;
    }
    if (endOfInput)
        endOfInput = 0;
    else
        lineTaken += n;
}

// Answer the oldest waiting reader from the line at hand.
static void AnswerReader(void)
{
    Reader r = readers[readerHead];

    readerHead = (readerHead + 1) % READERS_MAX;
    readerCount--;
    Give(r);
}

// Whether a read asked now would be answered at once: no reader waits
// before it, and a line or the end of input is at hand (cooked for it).
static int ReadyNow(void)
{
    return readerCount == 0 && Cook();
}

// CONSOLE_MSG_TRY_READ: MSG_READ, but E_AGAIN instead of waiting.
static int TryRead(Server *s, ServerRequest *r)
{
    FsIo io;
    int err;

    (void)s;
    /* decode */
    if ((err = DecodeIo(r->message, &io, 0)) != 0)
        return err;
    if (io.length == 0)
        return E_INVAL;
    /* invoke: cook what is at hand, as a waiting reader would */
    if (!ReadyNow())
        return E_AGAIN;
    Give((Reader){ r->message->requestId, io.length });
    return SERVER_DEFERRED;         // answered
}

// CONSOLE_MSG_POLL: whether a read would be answered now.
static int Poll(Server *s, ServerRequest *r)
{
    (void)s;
    /* decode */
    if (MessageDataLength(r->message) != 0)
        return E_INVAL;
    /* invoke */
    return ReadyNow() ? 0 : E_AGAIN;
}

// Act on every ^C in the input at hand (see the top of the file).
static void CheckInterrupt(void)
{
    int cooked = !(mode & CONSOLE_MODE_RAW), fromOldest = 0;

    if (!cooked && !(mode & CONSOLE_MODE_SIGNALS))
        return;
    while (ConsoleInputCut(CONSOLE_INTERRUPT, cooked, &fromOldest)) {
        if (cooked && fromOldest)
            LineEditInit(&editor, Echo, NULL);
        if (cooked || foreground.count > 0)
            Show("^C\n", 3);
        if (foreground.count > 0)
            ConsoleInterrupt(foreground.pids, foreground.count);
    }
}

// The Idle hook, after every request: act on a ^C, and answer waiting
// readers for as long as there is input for them.
static uint32_t Pump(Server *s)
{
    (void)s;
    ConsoleInputPoll();
    CheckInterrupt();
    while (readerCount > 0 && Cook())
        AnswerReader();
    ConsoleKeysIdle();
    return 0;
}

// An exit notice: an ended listener of input:keyboard is dropped.
static void Ended(Server *s, uint32_t pid)
{
    (void)s;
    ConsoleKeysEnded(pid);
}

static const ServerRoute routes[] = {
    { SERVER_ANY_TYPE,            INPUT_KEYBOARD_PREFIX, ConsoleKeysRequest },
    { MSG_READ,                   NULL, Read },
    { MSG_WRITE,                  NULL, Write },
    { MSG_STAT,                   NULL, Stat },
    { CONSOLE_MSG_TRY_READ,       NULL, TryRead },
    { CONSOLE_MSG_POLL,           NULL, Poll },
    { CONSOLE_MSG_SET_MODE,       NULL, SetMode },
    { CONSOLE_MSG_GET_MODE,       NULL, GetMode },
    { CONSOLE_MSG_SET_FOREGROUND, NULL, SetForeground },
    { CONSOLE_MSG_SCREEN,         NULL, Screen },
    { CONSOLE_MSG_INPUT,          NULL, Knock },
};

// The server thread: register, start the input side, then serve forever.
static void ConsoleServerMain(void *arg)
{
    int pid;

    (void)arg;
    if (IpcRegister(CONSOLE_PREFIX, 0) != 0 || IpcRegister(INPUT_KEYBOARD_PREFIX, 0) != 0 ||
        IpcWatchExits() != 0)
        return;
    LineEditInit(&editor, Echo, NULL);
    ConsoleInterruptStart();
    pid = ConsoleInputStart();
    inputPid = pid > 0 ? (uint32_t)pid : 0;
    server = (Server){
        .name = "console", .port = &serverPortKernel, .routes = routes,
        .routeCount = sizeof(routes) / sizeof(routes[0]), .Idle = Pump, .ProcessEnded = Ended,
        .requestBuffer = &request.message, .replyBuffer = &reply.message,
        .capacity = sizeof(request), .replyCapacity = sizeof(reply),
    };
    ServerRun(&server);
}

int ConsoleServerStart(void)
{
    return ProcessCreateDaemon("console", ConsoleServerMain, NULL) ? 0 : E_NOMEM;
}
