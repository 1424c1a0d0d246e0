// Output: where a builtin's bytes go, and the error lines.
//
// Every builtin prints through Out(), into the Output `out` points at:
// the console, or for `> NS` / `>> NS` an Output on a handle the shell
// opened on NS (FS_TRUNCATE or FS_APPEND) and closes after the command.
// An Output gathers bytes in the payload of one MSG_WRITE and sends it
// when FS_IO_MAX bytes are waiting or the command ends. "The console"
// is the shell's standard output, as its context names it: console: for
// the first shell, a pipe for a builtin in a pipeline. Error lines go to
// the standard error stream, after what was printed so far when both
// are one stream, and are one line each: "CMD: NAME: reason" or "CMD:
// reason", the reason an ErrorText (lib/errortext.c).
#include <stdarg.h>
#include "shell.h"

static char stdoutName[CONTEXT_NAME_MAX] = CONSOLE;
static char stderrName[CONTEXT_NAME_MAX] = CONSOLE;
Output console = { .name = stdoutName };
static Output redirect;
Output *out = &console;

static char *OutputData(Output *o)
{
    return (char *)o->message->data + sizeof(FsIo);
}

// A type request to name carrying length bytes of payload. Returns the


// Send o's waiting bytes in one MSG_WRITE. Returns 0 or E_* (E_NOSPC if
// the server took fewer bytes than sent).
static int OutputSend(Output *o)
{
    FsIo io = { o->handle, o->used, o->offset };
    FsCount count = { o->used };
    Message *reply;
    int err;

    memcpy(o->message->data, &io, sizeof(io));
    o->message->length = MESSAGE_HEADER_SIZE + sizeof(io) + o->used;
    reply = IpcSend(o->name, o->message);
    err = MessageError(reply);
    if (!err && MessageDataLength(reply) >= sizeof(count))
        memcpy(&count, reply->data, sizeof(count));
    FreeMessage(reply);
    return !err && count.count < o->used ? E_NOSPC : err;
}

// Write out what o holds. The console falls back to the debug console; a
// target keeps its first error and drops everything after it.
void OutputFlush(Output *o)
{
    int err = o->error;

    if (o->used == 0)
        return;
    if (!err)
        err = OutputSend(o);
    if (err && o == &console)
        SysDebugWrite(OutputData(o), o->used);
    else
        o->error = err;
    o->offset += o->used;
    o->used = 0;
}

// Add n bytes to o, flushing each time FS_IO_MAX are waiting.
void OutputBytes(Output *o, const char *bytes, uint32_t n)
{
    while (n > 0) {
        uint32_t room = FS_IO_MAX - o->used;
        uint32_t take = n < room ? n : room;

        memcpy(OutputData(o) + o->used, bytes, take);
        o->used += take;
        bytes += take;
        n -= take;
        if (o->used == FS_IO_MAX)
            OutputFlush(o);
    }
}
static void OutputPut(char c, void *context)
{
    OutputBytes(context, &c, 1);
}


// printf-style output of a builtin.
void Out(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    FormatToSink(OutputPut, out, fmt, args);
    va_end(args);
}

// n spaces of output.
void OutSpaces(uint32_t n)
{
    while (n-- > 0)
        OutputBytes(out, " ", 1);
}

// The error line "cmd: name: text", or "cmd: text" when name is NULL.
void FailText(const char *cmd, const char *name, const char *text)
{
    char line[SHELL_LINE_MAX + 128];
    int n = name ? Format(line, sizeof(line), "%s: %s: %s\n", cmd, name, text)
                 : Format(line, sizeof(line), "%s: %s\n", cmd, text);

    uint32_t length = n < (int)sizeof(line) ? (uint32_t)n : sizeof(line) - 1;

    builtinFailed = 1;
    if (strcmp(stdoutName, stderrName) == 0) {
        OutputBytes(&console, line, length);
        return;
    }
    OutputFlush(&console);
    if (StdioWrite(CONTEXT_STDERR, line, length) < 0)
        SysDebugWrite(line, length);
}

void Fail(const char *cmd, const char *name, int err)
{
    FailText(cmd, name, ErrorText(err));
}

// --- redirection ------------------------------------------------------------

// Send what command cmd prints to target (appending for >>). Returns 0,
// or reports the error and returns it.
int RedirectBegin(const char *cmd, const char *target, int append)
{
    FsOpen open = { FS_WRITE | FS_CREATE | (append ? FS_APPEND : FS_TRUNCATE) };
    FsHandle handle = { 0 };
    Message *reply = Request(target, MSG_OPEN, &open, sizeof(open));
    int err = MessageError(reply);

    if (!err && MessageDataLength(reply) < sizeof(handle))
        err = E_INVAL;
    if (!err)
        memcpy(&handle, reply->data, sizeof(handle));
    FreeMessage(reply);
    if (err) {
        Fail(cmd, target, err);
        return err;
    }
    redirect = (Output){ .name = target, .handle = handle.handle, .message = redirect.message };
    out = &redirect;
    return 0;
}

// Flush and close the target; report its first failure.
void RedirectEnd(const char *cmd)
{
    FsHandle handle = { redirect.handle };
    int err;

    OutputFlush(&redirect);
    err = Call(redirect.name, MSG_CLOSE, &handle, sizeof(handle));
    if (redirect.error)
        err = redirect.error;
    if (err)
        Fail(cmd, redirect.name, err);
    out = &console;
}


// Make the two Outputs' messages. Returns 0 or E_NOMEM.
int OutputInit(void)
{
    const ProcessContext *c = ContextSelf();

    if (c && c->stdio[CONTEXT_STDOUT][0])
        Format(stdoutName, sizeof(stdoutName), "%s", c->stdio[CONTEXT_STDOUT]);
    if (c && c->stdio[CONTEXT_STDERR][0])
        Format(stderrName, sizeof(stderrName), "%s", c->stdio[CONTEXT_STDERR]);
    console.message = CreateMessage(MSG_WRITE, sizeof(FsIo) + FS_IO_MAX);
    redirect.message = CreateMessage(MSG_WRITE, sizeof(FsIo) + FS_IO_MAX);
    return console.message && redirect.message ? 0 : E_NOMEM;
}
