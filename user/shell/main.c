// shell: the command line.
//
// The loop is: collect ended background jobs, print "clanker> ", read a
// line, run it (run.c). The line is read with the shell's own editor
// (lib/shelledit.c: history, cursor keys, Tab completion in complete.c)
// from the console in raw mode, a byte at a time, so the console keeps
// whatever is typed ahead for the program that reads next; while a
// command runs the console is cooked again, and ^C there ends the
// foreground job (jobs.c), not the shell. ^C at the prompt drops the
// line. A console that refuses raw mode is read a cooked line at a time.
// An empty read, or ^D on an empty line, is the end of input and is
// taken as `poweroff` on console: (on another terminal the shell just
// ends); if the console cannot be read at all, the shell says so on the
// debug console and exits.
//
// "The console" is console: unless standard input is another terminal:
// a stream that answers CONSOLE_MSG_GET_MODE, such as a terminal window's
// term:PID: (bin/term). Then that is where the shell reads its lines,
// sets raw mode and names the foreground for ^C.
//
// Started as `shell --builtin NAME ARGS` it runs that one builtin with
// the streams of its context and exits with its status: how a builtin
// takes part in a pipeline. `shell -c LINE` runs one line.
//
// Everything is a name: each builtin is one or a few requests sent to
// the names it was given (files.c, names.c, mount.c), relative names are
// resolved against the working directory (cwd.c), and programs are
// started by name (programs.c). shell.h lists the parts.
#include "shell.h"

#define LINE_READ_MAX 4096      // bytes asked of the console for one line
#define BUSY_RETRY_MS 50        // wait before asking a busy console again

static ShellEditor editor;
static char consoleText[CONTEXT_NAME_MAX] = CONSOLE;
const char *consoleName = consoleText;

// Take standard input as the console if it is a terminal (see the top).
static void ConsoleFind(void)
{
    const ProcessContext *c = ContextSelf();

    if (c && c->stdio[CONTEXT_STDIN][0] && strcmp(c->stdio[CONTEXT_STDIN], CONSOLE) != 0 &&
        strncmp(c->stdio[CONTEXT_STDIN], "pipe:", 5) != 0 &&
        Call(c->stdio[CONTEXT_STDIN], CONSOLE_MSG_GET_MODE, NULL, 0) == 0)
        Format(consoleText, sizeof(consoleText), "%s", c->stdio[CONTEXT_STDIN]);
}

// Read up to capacity bytes of input into buffer. Returns how many (0 at
// the end of input) or E_*; a busy console (E_AGAIN) is asked again.
static int ConsoleRead(char *buffer, uint32_t capacity)
{
    FsIo io = { 0, capacity, 0 };
    Message *reply;
    int err;
    uint32_t n;

    for (;;) {
        reply = Request(consoleName, MSG_READ, &io, sizeof(io));
        if ((err = MessageError(reply)) != E_AGAIN)
            break;
        FreeMessage(reply);
        SysSleep(BUSY_RETRY_MS);
    }
    n = err ? 0 : MessageDataLength(reply);
    n = n < capacity ? n : capacity;
    if (n > 0)
        memcpy(buffer, reply->data, n);
    FreeMessage(reply);
    return err ? err : (int)n;
}

// A cooked line into line (LINE_READ_MAX + 1 bytes), without its line
// end. Returns 1, 0 at the end of input, or E_*.
static int ReadCookedLine(char *line)
{
    int n = ConsoleRead(line, LINE_READ_MAX);

    if (n <= 0)
        return n;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        n--;
    line[n] = 0;
    return 1;
}

static void EchoToConsole(const char *text, uint32_t length, void *context)
{
    (void)context;
    OutputBytes(&console, text, length);
}

// Edit a line in raw mode into line. Returns 1, 0 at the end of input, or E_*.
static int ReadEditedLine(char *line)
{
    int lastTab = 0;
    char byte;
    int n;

    ShellEditReset(&editor);
    for (;;) {
        OutputFlush(&console);
        if ((n = ConsoleRead(&byte, 1)) <= 0)
            return n;
        switch (ShellEditFeed(&editor, (uint8_t)byte)) {
        case SHELL_EDIT_LINE:
            memcpy(line, editor.line, editor.length + 1);
            ShellEditRemember(&editor, line);
            return 1;
        case SHELL_EDIT_END:
            return 0;
        case SHELL_EDIT_INTERRUPT:
            lastStatus = 130;
            OutputBytes(&console, PROMPT, sizeof(PROMPT) - 1);
            break;
        case SHELL_EDIT_TAB:
            Complete(&editor, lastTab);
            lastTab = 2;
            break;
        default:
            break;
        }
        lastTab = lastTab == 2;
    }
}

// Print the prompt and read the next command line: edited in raw mode
// when the console allows it, else a cooked line. The console is raw
// before the prompt shows, so a key typed at once (^C) reaches the
// editor; it is left cooked for the command.
static int ReadLine(char *line)
{
    ConsoleMode raw = { CONSOLE_MODE_RAW };
    int got, cooked = Call(consoleName, CONSOLE_MSG_SET_MODE, &raw, sizeof(raw)) != 0;

    OutputBytes(&console, PROMPT, sizeof(PROMPT) - 1);
    OutputFlush(&console);
    if (cooked)
        return ReadCookedLine(line);
    got = ReadEditedLine(line);
    OutputFlush(&console);              // the line's echo, before anything the command prints
    ConsoleSetMode(0);
    return got;
}

// Say on the debug console why the console cannot be used.
static void ConsoleFailed(int err)
{
    char text[64];
    int n = Format(text, sizeof(text), "shell: %s: %s\n", consoleName, ErrorText(err));

    SysDebugWrite(text, (uint32_t)n);
}

// The interactive loop. Returns the exit code.
static int Interactive(void)
{
    static char line[LINE_READ_MAX + 1];
    int got;

    ShellEditInit(&editor, EchoToConsole, NULL);
    for (;;) {
        JobsReap();
        if ((got = ReadLine(line)) <= 0)
            break;
        RunLine(line);
        OutputFlush(&console);
    }
    if (got < 0) {
        ConsoleFailed(got);
        return 1;
    }
    OutputBytes(&console, "\n", 1);     // the end of input: end the prompt's line
    if (strcmp(consoleName, CONSOLE) == 0)
        CmdPoweroff(NULL);              // the machine's console: the session is over
    OutputFlush(&console);
    return 0;
}

int main(int argc, char **argv, char **envp)
{
    EnvInit(envp);
    CwdInit();
    ConsoleFind();
    if (OutputInit() != 0) {
        ConsoleFailed(E_NOMEM);
        return 1;
    }
    if (argc >= 2 && strcmp(argv[1], BUILTIN_FLAG) == 0)
        return RunBuiltinMode(argc - 2, argv + 2);
    if (argc >= 3 && strcmp(argv[1], "-c") == 0) {
        RunLine(argv[2]);
        OutputFlush(&console);
        return lastStatus;
    }
    return Interactive();
}
