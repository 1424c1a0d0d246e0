// The console's line discipline (lib/lineedit.c).
//
// Pure and freestanding: bytes go in one at a time, echo comes out through
// a callback, and the editor says when a line (or the end of input) is
// complete. The console server (kernel/services/console/) feeds it; the rules are
// the same whether the bytes are typed or piped in all at once:
//
//   printable (0x20-0x7e)  appended and echoed, unless the line already
//                          holds LINE_EDIT_MAX characters (then refused,
//                          not echoed)
//   '\r' or '\n'           ends the line: '\n' is appended and echoed; a
//                          '\n' right after a '\r' that ended a line is
//                          dropped, so "\r\n" counts once
//   0x08 or 0x7f           erases the last character (echo "\b \b");
//                          nothing at the start of a line
//   ^U (0x15)              erases the whole line, character by character
//   ^D (0x04)              on an empty line: end of input; elsewhere ignored
//   anything else          ignored (other control bytes, bytes >= 0x80)
#ifndef LIB_LINEEDIT_H
#define LIB_LINEEDIT_H

#include <stdint.h>

#define LINE_EDIT_MAX 1023      // characters in a line, its '\n' not counted

#define LINE_EDIT_BACKSPACE 0x08
#define LINE_EDIT_DELETE    0x7f
#define LINE_EDIT_KILL      0x15    // ^U
#define LINE_EDIT_EOF       0x04    // ^D

typedef enum LineEditResult {
    LINE_EDIT_MORE,             // nothing complete yet
    LINE_EDIT_LINE,             // a line is complete: line[0..length), ending '\n'
    LINE_EDIT_END,              // ^D on an empty line: the end of input
} LineEditResult;

// Called with the echo of each byte (length 1 to 3).
typedef void (*LineEditEcho)(const char *text, uint32_t length, void *context);

typedef struct LineEditor {
    char line[LINE_EDIT_MAX + 1];
    uint32_t length;            // bytes in line
    int complete;               // line is finished; the next byte starts a new one
    int afterCr;                // the last byte was a '\r' that ended a line
    LineEditEcho echo;          // may be NULL: no echo
    void *context;
} LineEditor;

// Start with an empty line; echo (may be NULL) receives every echo.
void LineEditInit(LineEditor *e, LineEditEcho echo, void *context);

// Take one input byte. After LINE_EDIT_LINE, e->line and e->length hold
// the line until the next call.
LineEditResult LineEditFeed(LineEditor *e, uint8_t byte);

#endif
