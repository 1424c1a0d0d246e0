// The shell's line editor (include/lib/shelledit.h).
//
// State: the line with a cursor, the history (oldest first), where Up
// and Down have got to, and a small escape-sequence state machine. Each
// edit changes the line first and then echoes what the terminal needs,
// assuming only that '\b' moves one column left and that printing
// overwrites: inserting in the middle reprints the tail and steps back;
// erasing reprints the tail, blanks the last column and steps back.
#include <stddef.h>
#include <stdint.h>
#include <lib/shelledit.h>
#include <lib/string.h>

#define KEY_CTRL_A  0x01
#define KEY_CTRL_C  0x03
#define KEY_CTRL_D  0x04
#define KEY_CTRL_E  0x05
#define KEY_BS      0x08
#define KEY_TAB     0x09
#define KEY_CTRL_U  0x15
#define KEY_ESC     0x1b
#define KEY_DEL     0x7f

static void Echo(ShellEditor *e, const char *text, uint32_t length)
{
    if (e->echo && length > 0)
        e->echo(text, length, e->context);
}

static void EchoRepeat(ShellEditor *e, char c, uint32_t n)
{
    while (n-- > 0)
        Echo(e, &c, 1);
}

void ShellEditReset(ShellEditor *e)
{
    e->length = e->cursor = 0;
    e->line[0] = '\0';
    e->browse = e->historyCount;
    e->escape = 0;
}

void ShellEditInit(ShellEditor *e, ShellEditEcho echo, void *context)
{
    memset(e, 0, sizeof(*e));
    e->echo = echo;
    e->context = context;
    ShellEditReset(e);
}

void ShellEditRemember(ShellEditor *e, const char *line)
{
    size_t n = strnlen(line, SHELL_EDIT_MAX);

    if (n == 0 || (e->historyCount > 0 && strcmp(e->history[e->historyCount - 1], line) == 0))
        return;
    if (e->historyCount == SHELL_HISTORY_MAX) {
        memmove(e->history[0], e->history[1], sizeof(e->history[0]) * (SHELL_HISTORY_MAX - 1));
        e->historyCount--;
    }
    memcpy(e->history[e->historyCount], line, n);
    e->history[e->historyCount][n] = '\0';
    e->historyCount++;
    e->browse = e->historyCount;
}

// Move the cursor to column to (0..length).
static void MoveTo(ShellEditor *e, uint32_t to)
{
    if (to < e->cursor)
        EchoRepeat(e, '\b', e->cursor - to);
    else
        Echo(e, e->line + e->cursor, to - e->cursor);
    e->cursor = to;
}

uint32_t ShellEditInsert(ShellEditor *e, const char *text, uint32_t length)
{
    uint32_t room = SHELL_EDIT_MAX - e->length, tail = e->length - e->cursor;
    uint32_t n = length < room ? length : room;

    if (n == 0)
        return 0;
    memmove(e->line + e->cursor + n, e->line + e->cursor, tail);
    memcpy(e->line + e->cursor, text, n);
    e->length += n;
    e->line[e->length] = '\0';
    Echo(e, e->line + e->cursor, n + tail);
    e->cursor += n + tail;
    MoveTo(e, e->cursor - tail);
    return n;
}

// Erase the n bytes before the cursor.
static void EraseBack(ShellEditor *e, uint32_t n)
{
    uint32_t tail = e->length - e->cursor;

    if (n > e->cursor)
        n = e->cursor;
    if (n == 0)
        return;
    memmove(e->line + e->cursor - n, e->line + e->cursor, tail);
    e->length -= n;
    e->line[e->length] = '\0';
    if (tail == 0) {                    // the plain case, as the console echoes it
        for (uint32_t i = 0; i < n; i++)
            Echo(e, "\b \b", 3);
        e->cursor -= n;
        return;
    }
    EchoRepeat(e, '\b', n);
    e->cursor -= n;
    Echo(e, e->line + e->cursor, tail);
    EchoRepeat(e, ' ', n);
    EchoRepeat(e, '\b', n + tail);
}

// Replace the whole line with text (history).
static void Replace(ShellEditor *e, const char *text)
{
    MoveTo(e, e->length);
    EraseBack(e, e->length);
    ShellEditInsert(e, text, (uint32_t)strnlen(text, SHELL_EDIT_MAX));
}

// Up (older) or Down (newer) through the history.
static void Browse(ShellEditor *e, int older)
{
    if (older) {
        if (e->browse == 0)
            return;
        if (e->browse == e->historyCount)
            memcpy(e->draft, e->line, e->length + 1);
        e->browse--;
        Replace(e, e->history[e->browse]);
    } else {
        if (e->browse >= e->historyCount)
            return;
        e->browse++;
        Replace(e, e->browse == e->historyCount ? e->draft : e->history[e->browse]);
    }
}

// The final byte of an escape sequence.
static void EscapeKey(ShellEditor *e, uint8_t byte)
{
    switch (byte) {
    case 'A': Browse(e, 1); break;
    case 'B': Browse(e, 0); break;
    case 'C': if (e->cursor < e->length) MoveTo(e, e->cursor + 1); break;
    case 'D': if (e->cursor > 0) MoveTo(e, e->cursor - 1); break;
    case 'H': MoveTo(e, 0); break;
    case 'F': MoveTo(e, e->length); break;
    default: break;                     // unknown keys do nothing
    }
}

// A byte inside an escape sequence. Returns 1 if it was one.
static int Escape(ShellEditor *e, uint8_t byte)
{
    if (e->escape == 1) {
        e->escape = byte == '[' || byte == 'O' ? 2 : 0;
        return 1;
    }
    if (e->escape == 2 && byte >= '0' && byte <= '9') {
        e->escape = 3;                  // ESC [ 3 ~ and the like: skipped to '~'
        return 1;
    }
    if (e->escape == 3) {
        if (byte == '~' || !(byte >= '0' && byte <= '9'))
            e->escape = 0;
        return 1;
    }
    e->escape = 0;
    EscapeKey(e, byte);
    return 1;
}

// Enter: the line is done.
static ShellEditResult Enter(ShellEditor *e, uint8_t byte)
{
    e->afterCr = byte == '\r';
    e->cursor = e->length;
    Echo(e, "\n", 1);
    return SHELL_EDIT_LINE;
}

ShellEditResult ShellEditFeed(ShellEditor *e, uint8_t byte)
{
    int afterCr = e->afterCr;

    e->afterCr = 0;
    if (e->escape)
        return Escape(e, byte), SHELL_EDIT_MORE;
    if (byte == '\n' && afterCr)
        return SHELL_EDIT_MORE;             // the second half of "\r\n"
    switch (byte) {
    case '\r': case '\n':
        return Enter(e, byte);
    case KEY_CTRL_C:
        Echo(e, "^C\n", 3);
        ShellEditReset(e);
        return SHELL_EDIT_INTERRUPT;
    case KEY_CTRL_D:
        return e->length == 0 ? SHELL_EDIT_END : SHELL_EDIT_MORE;
    case KEY_TAB:
        return SHELL_EDIT_TAB;
    case KEY_BS: case KEY_DEL:
        EraseBack(e, 1);
        break;
    case KEY_CTRL_U:
        MoveTo(e, e->length);
        EraseBack(e, e->length);
        break;
    case KEY_CTRL_A: MoveTo(e, 0); break;
    case KEY_CTRL_E: MoveTo(e, e->length); break;
    case KEY_ESC: e->escape = 1; break;
    default:
        if (byte >= 0x20 && byte < 0x7f) {
            char c = (char)byte;
            ShellEditInsert(e, &c, 1);
        }
        break;
    }
    return SHELL_EDIT_MORE;
}

void ShellEditRedraw(ShellEditor *e, const char *prompt)
{
    uint32_t cursor = e->cursor;

    Echo(e, prompt, (uint32_t)strlen(prompt));
    Echo(e, e->line, e->length);
    e->cursor = e->length;
    MoveTo(e, cursor);
}
