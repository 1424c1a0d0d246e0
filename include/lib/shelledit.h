// The shell's line editor (lib/shelledit.c): raw bytes in, a line and
// its echo out, with a cursor, history and a hook for completion.
//
// The shell reads the console in raw mode and feeds every byte here; the
// editor keeps the line and says through echo() what the terminal must
// show. Plain typing echoes exactly what the console's cooked editor
// (lib/lineedit.c) echoes: each printable byte, "\b \b" for a Backspace,
// "\n" for the line end; so piped sessions look the same either way.
//
// Keys:
//   printable        insert at the cursor
//   Enter (\r, \n)   the line is done (a "\r\n" pair is one Enter)
//   Backspace, DEL   erase before the cursor
//   ^U               erase the whole line
//   ^A / ^E, Home/End  to the start / end
//   Left / Right     move the cursor (ESC [ D / ESC [ C)
//   Up / Down        walk the history (ESC [ A / ESC [ B)
//   Tab              SHELL_EDIT_TAB: the caller completes (ShellEditInsert)
//   ^C               SHELL_EDIT_INTERRUPT: the line is dropped ("^C\n")
//   ^D               SHELL_EDIT_END on an empty line, else ignored
#ifndef LIB_SHELLEDIT_H
#define LIB_SHELLEDIT_H

#include <stdint.h>

#define SHELL_EDIT_MAX     1024     // bytes of a line
#define SHELL_HISTORY_MAX  32       // lines kept

typedef enum ShellEditResult {
    SHELL_EDIT_MORE,        // keep feeding
    SHELL_EDIT_LINE,        // line[0..length) is done (no '\n' in it)
    SHELL_EDIT_END,         // ^D on an empty line: the end of input
    SHELL_EDIT_INTERRUPT,   // ^C
    SHELL_EDIT_TAB,         // Tab: complete at the cursor
} ShellEditResult;

typedef void (*ShellEditEcho)(const char *text, uint32_t length, void *context);

typedef struct ShellEditor {
    char line[SHELL_EDIT_MAX + 1];      // NUL-terminated
    uint32_t length, cursor;
    char history[SHELL_HISTORY_MAX][SHELL_EDIT_MAX + 1];
    uint32_t historyCount;              // lines in history (oldest first)
    uint32_t browse;                    // == historyCount: not browsing
    char draft[SHELL_EDIT_MAX + 1];     // the line being typed before Up
    int escape;                         // 0, 1 after ESC, 2 after ESC [ or ESC O, 3 after ESC [ digit
    int afterCr;
    ShellEditEcho echo;
    void *context;
} ShellEditor;

void ShellEditInit(ShellEditor *e, ShellEditEcho echo, void *context);

// Start a new, empty line (after LINE, END or INTERRUPT; history kept).
void ShellEditReset(ShellEditor *e);

// Take one input byte.
ShellEditResult ShellEditFeed(ShellEditor *e, uint8_t byte);

// Insert text at the cursor, as typed (completion). Bytes that do not
// fit are dropped. Returns how many were inserted.
uint32_t ShellEditInsert(ShellEditor *e, const char *text, uint32_t length);

// Show the line again after other output (a completion list): prompt,
// the line, and the cursor put back.
void ShellEditRedraw(ShellEditor *e, const char *prompt);

// Add line to the history (not if empty or the same as the newest).
void ShellEditRemember(ShellEditor *e, const char *line);

#endif
