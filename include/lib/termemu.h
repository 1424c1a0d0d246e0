// A terminal's screen (lib/termemu.c): the grid of character cells that
// bytes written to a terminal produce, and its drawing with a bitmap font.
//
// Bytes: printable ASCII and Latin-1 (0xa0-0xff) are put at the cursor,
// which moves on and wraps at the right edge; '\n' goes to the start of
// the next line (programs here end lines with '\n' alone), '\r' to the
// start of this one, '\b' one cell left (it erases nothing: "\b \b" does),
// '\t' to the next multiple of 8; other control bytes are ignored. Past
// the last line the screen scrolls up one line. Escape sequences
// (ESC '[' parameters letter): cursor up, down, right, left (A B C D),
// position (H, f), erase in display and in line (J, K: 0 to the end, 1 to
// the cursor, 2 all), colours and reverse (m: 0, 1, 7, 27, 30-37, 39,
// 40-47, 49, 90-97); any other ESC [ sequence is taken whole and ignored,
// as are ESC ( X, ESC ) X (character sets) and ESC ] ... BEL (titles).
//
// Rows changed since the last TermRender are drawn again by it, the
// cursor as a reversed cell.
#ifndef LIB_TERMEMU_H
#define LIB_TERMEMU_H

#include <stdint.h>
#include <lib/font.h>
#include <lib/surface.h>

#define TERM_COLS_MAX 160
#define TERM_ROWS_MAX 64
#define TERM_PARAMS_MAX 4
#define TERM_DEFAULT_ATTR 0x07      // light grey on black

typedef struct TermCell {
    uint8_t ch;
    uint8_t attr;                   // foreground colour in the low 4 bits, background in the high
} TermCell;

typedef struct Term {
    uint32_t cols, rows;
    TermCell cells[TERM_ROWS_MAX][TERM_COLS_MAX];
    uint32_t cx, cy;                // the cursor
    int wrapPending;                // the last column was written: the next byte wraps
    uint8_t attr;                   // for the next cells
    int reverse;
    int escape;                     // 0; 1 after ESC; 2 inside ESC [; 3, 4 (lib/termemu.c)
    uint32_t params[TERM_PARAMS_MAX];
    uint32_t paramCount;
    uint32_t dirtyTop, dirtyBottom; // rows [top, bottom) to draw again
    uint32_t drawnCx, drawnCy;      // where the cursor was drawn last
    uint32_t scrolled;              // lines scrolled, ever
} Term;

// A blank screen of cols x rows cells (each cut to 1..TERM_*_MAX).
void TermInit(Term *t, uint32_t cols, uint32_t rows);

// Change the size, keeping what fits (the bottom lines, when it shrinks).
void TermResize(Term *t, uint32_t cols, uint32_t rows);

// Take n bytes of output.
void TermWrite(Term *t, const char *bytes, uint32_t n);

// Draw the rows that changed into s, cell (0, 0) at its top-left. Returns
// the rect drawn (empty when nothing changed).
Rect TermRender(Term *t, Surface *s, const Font *f);

// The 16 colours, 0x00RRGGBB.
extern const uint32_t termPalette[16];

#endif
