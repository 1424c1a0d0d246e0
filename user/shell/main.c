// shell: the command line.
//
// The loop is: reap finished background programs, print "clanker> ",
// read one line from console:, parse it with CmdlineParse
// (include/lib/cmdline.h), run it. An empty read is the end of input and
// is taken as `poweroff`; if console: cannot be read at all, the shell
// says so on the debug console and exits.
//
// Everything is a name: each builtin is one or a few requests sent to
// the names it was given (files.c, names.c, mount.c); programs are
// started by name (programs.c). shell.h lists the parts.
#include "shell.h"

#define LINE_READ_MAX 4096      // bytes asked of the console for one line
#define BUSY_RETRY_MS 50        // wait before asking a busy console again

// Check a command's word count and redirection. Returns 1 if it may run.
static int Allowed(const Command *cmd, const CmdlineResult *c)
{
    int words = c->argc - 1;

    if (words < cmd->minArgs)
        FailText(cmd->name, NULL, cmd->missing);
    else if (cmd->maxArgs >= 0 && words > cmd->maxArgs)
        FailText(cmd->name, NULL, "too many arguments");
    else if (cmd->program && c->redirect != CMDLINE_REDIRECT_NONE)
        FailText(cmd->name, NULL, "cannot redirect a program's output");
    else
        return 1;
    return 0;
}

// Run a builtin, with its output sent where the line redirects it.
static void RunBuiltin(const Command *cmd, const CmdlineResult *c)
{
    int append = c->redirect == CMDLINE_REDIRECT_APPEND;
    Args a = { c->argc, (char **)c->argv, c->background };

    if (!Allowed(cmd, c))
        return;
    if (c->redirect != CMDLINE_REDIRECT_NONE && RedirectBegin(cmd->name, c->target, append) != 0)
        return;
    cmd->run(&a);
    if (c->redirect != CMDLINE_REDIRECT_NONE)
        RedirectEnd(cmd->name);
}

// Parse and run one line (without its '\n').
static void RunLine(const char *line)
{
    static CmdlineResult c;
    const Command *cmd;

    if (CmdlineParse(line, &c) != 0) {
        FailText("shell", NULL, c.error);
    } else if (c.argc == 0) {
        if (c.redirect != CMDLINE_REDIRECT_NONE &&      // "> NS" alone empties NS
            RedirectBegin("shell", c.target, c.redirect == CMDLINE_REDIRECT_APPEND) == 0)
            RedirectEnd("shell");
    } else if ((cmd = FindCommand(c.argv[0])) != NULL) {
        RunBuiltin(cmd, &c);
    } else if (c.redirect != CMDLINE_REDIRECT_NONE) {
        FailText(c.argv[0], NULL, "cannot redirect a program's output");
    } else {
        Args a = { c.argc, c.argv, c.background };
        RunWord(&a);
    }
}

// Read up to capacity bytes of input into buffer. Returns how many (0 at
// the end of input) or E_*.
static int ConsoleRead(char *buffer, uint32_t capacity)
{
    FsIo io = { 0, capacity, 0 };
    Message *reply = Request(CONSOLE, MSG_READ, &io, sizeof(io));
    int err = MessageError(reply);
    uint32_t n = err ? 0 : MessageDataLength(reply);

    n = n < capacity ? n : capacity;
    if (n > 0)
        memcpy(buffer, reply->data, n);
    FreeMessage(reply);
    return err ? err : (int)n;
}

// Read one line into line (LINE_READ_MAX + 1 bytes; the console's lines
// are shorter), NUL-terminated and without its line end. A busy console
// (E_AGAIN: too many readers waiting) is asked again. Returns 1, 0 at the
// end of input, or E_*.
static int ReadLine(char *line)
{
    int n;

    while ((n = ConsoleRead(line, LINE_READ_MAX)) == E_AGAIN)
        SysSleep(BUSY_RETRY_MS);
    if (n <= 0)
        return n;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        n--;
    line[n] = 0;
    return 1;
}

// Say on the debug console why the console cannot be used.
static void ConsoleFailed(int err)
{
    char text[64];
    int n = Format(text, sizeof(text), "shell: %s: %s\n", CONSOLE, ErrorText(err));

    SysDebugWrite(text, (uint32_t)n);
}

int main(int argc, char **argv, char **envp)
{
    static char line[LINE_READ_MAX + 1];
    int got;

    (void)argc; (void)argv; (void)envp;
    EnvInit();
    if (OutputInit() != 0) {
        ConsoleFailed(E_NOMEM);
        return 1;
    }
    for (;;) {
        Reap();
        OutputBytes(&console, PROMPT, sizeof(PROMPT) - 1);
        OutputFlush(&console);
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
    CmdPoweroff(NULL);
    OutputFlush(&console);
    return 0;
}
