// Bitmap fonts (lib/font.c) and the console font built in at build time.
//
// fontConsole is a PSF console font from Debian's console-setup-linux
// (/usr/share/consolefonts, FONT_PSF in the Makefile), turned into C by
// tools/psf2c when the program is built: FONT_GLYPHS glyphs, those of the
// code points 0-255 (Latin-1) in order, each `height` bytes, one a row,
// the leftmost pixel in bit 7.
#ifndef LIB_FONT_H
#define LIB_FONT_H

#include <stdint.h>

#define FONT_GLYPHS 256

typedef struct Font {
    uint32_t width, height;     // pixels of one glyph (width at most 8)
    const uint8_t *glyphs;      // FONT_GLYPHS * height bytes
} Font;

extern const Font fontConsole;

// The rows of code's glyph (codes above 255 get '?').
const uint8_t *FontGlyph(const Font *f, uint32_t code);

#endif
