// The console's line discipline: echo, erase, and whole lines out.
//
// The editor holds the line being typed. Each byte either edits it (and
// echoes what the screen needs to show the edit) or finishes it; a
// finished line stays in the buffer until the next byte, so the caller
// can copy it out. Besides the line it keeps two flags (the line is
// finished; the last byte was the '\r' that finished it), and nothing
// depends on when the bytes arrive, which is why typed and piped input
// give the same lines and the same echo.
#include <stddef.h>
#include <stdint.h>
#include <lib/lineedit.h>

static void Echo(LineEditor *e, const char *text, uint32_t length)
{
    if (e->echo)
        e->echo(text, length, e->context);
}

void LineEditInit(LineEditor *e, LineEditEcho echo, void *context)
{
    e->length = 0;
    e->complete = 0;
    e->afterCr = 0;
    e->echo = echo;
    e->context = context;
}

// Erase the last character, if any.
static void EraseOne(LineEditor *e)
{
    if (e->length == 0)
        return;
    e->length--;
    Echo(e, "\b \b", 3);
}

// Ctrl-U: erase every character, each as Backspace would.
static void EraseLine(LineEditor *e)
{
    while (e->length > 0)
        EraseOne(e);
}

// Finish the line with its '\n'; a '\r' arms the "\r\n" check.
static LineEditResult EndLine(LineEditor *e, uint8_t byte)
{
    e->line[e->length++] = '\n';
    e->complete = 1;
    e->afterCr = byte == '\r';
    Echo(e, "\n", 1);
    return LINE_EDIT_LINE;
}

// Add a printable byte, unless the line is full.
static void Append(LineEditor *e, uint8_t byte)
{
    if (e->length >= LINE_EDIT_MAX)
        return;                             // refused: the line is full
    e->line[e->length++] = (char)byte;
    Echo(e, (const char *)&byte, 1);
}

LineEditResult LineEditFeed(LineEditor *e, uint8_t byte)
{
    int afterCr = e->afterCr;

    if (e->complete) {
        e->length = 0;
        e->complete = 0;
    }
    e->afterCr = 0;
    if (byte == '\r' || byte == '\n') {
        if (byte == '\n' && afterCr)
            return LINE_EDIT_MORE;          // the second half of "\r\n"
        return EndLine(e, byte);
    }
    if (byte == LINE_EDIT_BACKSPACE || byte == LINE_EDIT_DELETE)
        EraseOne(e);
    else if (byte == LINE_EDIT_KILL)
        EraseLine(e);
    else if (byte == LINE_EDIT_EOF)
        return e->length == 0 ? LINE_EDIT_END : LINE_EDIT_MORE;
    else if (byte >= 0x20 && byte < 0x7f)
        Append(e, byte);
    return LINE_EDIT_MORE;
}
