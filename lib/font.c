// Bitmap fonts: finding a glyph (include/lib/font.h). The pixels are drawn
// by lib/surface.c; the glyphs themselves are generated (tools/psf2c).
#include <lib/font.h>

const uint8_t *FontGlyph(const Font *f, uint32_t code)
{
    if (code >= FONT_GLYPHS)
        code = '?';
    return f->glyphs + code * f->height;
}
