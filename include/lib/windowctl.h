// A window's control commands (lib/windowctl.c): the text written to
// windows:desktop:main:ID:ctl, parsed and checked before any is done.
//
//   move X Y      put the frame's top-left at X Y
//   resize W H    give the client area W x H pixels
//   raise         put the window on top (and give it the focus)
//   close         close it
//
// One command a line; words are separated by spaces or tabs; a line may
// end in "\n" or "\r\n", and the last needs no line end; blank lines are
// skipped. Numbers are decimal, with an optional '-', at most
// WINDOW_CTL_DIGITS digits. Anything else (an unknown word, a missing,
// extra or malformed number, a NUL or other control byte, more than the
// caller's room for commands) makes the whole text E_INVAL, so a write is
// done whole or not at all. Whether the numbers fit the screen is the
// server's to check.
#ifndef LIB_WINDOWCTL_H
#define LIB_WINDOWCTL_H

#include <stdint.h>

#define WINDOW_CTL_DIGITS 6
#define WINDOW_CTL_MAX    16        // commands one write may carry

enum {
    WINDOW_CTL_MOVE = 1,
    WINDOW_CTL_RESIZE,
    WINDOW_CTL_RAISE,
    WINDOW_CTL_CLOSE,
};

typedef struct WindowCtl {
    int kind;                       // WINDOW_CTL_*
    int32_t a, b;                   // move: X Y; resize: W H; else 0
} WindowCtl;

// Parse length bytes of text into out (room for capacity commands).
// Returns the number of commands (0 for blank text) or E_INVAL.
int WindowCtlParse(const char *text, uint32_t length, WindowCtl *out, uint32_t capacity);

#endif
