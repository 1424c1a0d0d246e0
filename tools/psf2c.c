// psf2c: turn a PSF console font (PSF1 or PSF2, as Debian's
// console-setup-linux ships them in /usr/share/consolefonts) into C source
// for lib/font.c: the glyphs of the code points 0-255 (Latin-1), in code
// point order, one byte a row (the leftmost pixel in bit 7).
//
//   gzip -dc FONT.psf.gz | psf2c NAME > fontdata.c
//
// A font with a Unicode table is indexed through it (the glyph order of
// a console font is not ASCII order); a code point the font has no glyph
// for gets the glyph of '?', else glyph 0. Fonts wider than 8 pixels or
// taller than 32 are refused, as is a file that is not a whole PSF font:
// the build stops with one line saying why.
//
// A host program, built and run by the Makefile at build time.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODES 256
#define INPUT_MAX (4u << 20)
#define HEIGHT_MAX 32u

static uint8_t input[INPUT_MAX];
static long glyphOf[CODES];     // code point -> glyph index, -1: none

static void Fail(const char *why)
{
    fprintf(stderr, "psf2c: %s\n", why);
    exit(1);
}

static uint32_t Le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

// Note that glyph has code point code (only the first glyph for a code counts).
static void Map(uint32_t code, long glyph)
{
    if (code < CODES && glyphOf[code] < 0)
        glyphOf[code] = glyph;
}

// PSF1's table: per glyph, 16-bit code points up to 0xffff; 0xfffe starts
// a sequence (combining forms), whose members are not single code points.
static void Psf1Table(const uint8_t *p, const uint8_t *end, long glyphs)
{
    for (long g = 0; g < glyphs; g++) {
        int inSequence = 0;
        for (;;) {
            if (p + 2 > end)
                Fail("the Unicode table ends early");
            uint32_t u = p[0] | (uint32_t)p[1] << 8;
            p += 2;
            if (u == 0xffff)
                break;
            if (u == 0xfffe)
                inSequence = 1;
            else if (!inSequence)
                Map(u, g);
        }
    }
}

// One UTF-8 code point at *p (before end). Returns it, or -1 if malformed.
static long Utf8(const uint8_t **p, const uint8_t *end)
{
    const uint8_t *s = *p;
    int more = s[0] < 0x80 ? 0 : (s[0] & 0xe0) == 0xc0 ? 1 : (s[0] & 0xf0) == 0xe0 ? 2 :
               (s[0] & 0xf8) == 0xf0 ? 3 : -1;
    long u;

    if (more < 0 || s + 1 + more > end)
        return -1;
    u = more == 0 ? s[0] : s[0] & (0x3f >> more);
    for (int i = 1; i <= more; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return -1;
        u = u << 6 | (s[i] & 0x3f);
    }
    *p = s + 1 + more;
    return u;
}

// PSF2's table: per glyph, UTF-8 code points; 0xfe starts a sequence, 0xff ends the glyph's.
static void Psf2Table(const uint8_t *p, const uint8_t *end, long glyphs)
{
    for (long g = 0; g < glyphs; g++) {
        int inSequence = 0;
        for (;;) {
            if (p >= end)
                Fail("the Unicode table ends early");
            if (*p == 0xff) {
                p++;
                break;
            }
            if (*p == 0xfe) {
                inSequence = 1;
                p++;
                continue;
            }
            long u = Utf8(&p, end);
            if (u < 0)
                Fail("the Unicode table holds malformed UTF-8");
            if (!inSequence)
                Map((uint32_t)u, g);
        }
    }
}

int main(int argc, char **argv)
{
    size_t n = fread(input, 1, sizeof(input), stdin);
    uint32_t width, height, rowBytes, glyphBytes, headerSize;
    long glyphs;
    int table;

    if (argc != 2)
        Fail("usage: psf2c NAME < font.psf");
    if (n == sizeof(input))
        Fail("the font is too large");
    for (int i = 0; i < CODES; i++)
        glyphOf[i] = -1;
    if (n >= 4 && input[0] == 0x36 && input[1] == 0x04) {
        width = 8;
        height = input[3];
        glyphs = (input[2] & 1) ? 512 : 256;
        table = (input[2] & 6) != 0;
        headerSize = 4;
    } else if (n >= 32 && Le32(input) == 0x864ab572u) {
        headerSize = Le32(input + 8);
        table = Le32(input + 12) & 1;
        glyphs = Le32(input + 16);
        height = Le32(input + 24);
        width = Le32(input + 28);
        if (headerSize < 32 || headerSize > n || Le32(input + 20) != height * ((width + 7) / 8))
            Fail("a PSF2 header that does not add up");
    } else {
        Fail("not a PSF1 or PSF2 font");
    }
    if (width == 0 || width > 8 || height == 0 || height > HEIGHT_MAX || glyphs < 1 ||
        glyphs > 65536)
        Fail("glyphs must be 1-8 pixels wide and 1-32 high");
    rowBytes = 1;
    glyphBytes = rowBytes * height;
    if ((uint64_t)headerSize + (uint64_t)glyphs * glyphBytes > n)
        Fail("the file ends inside the glyphs");
    if (table && input[0] == 0x36)
        Psf1Table(input + headerSize + glyphs * glyphBytes, input + n, glyphs);
    else if (table)
        Psf2Table(input + headerSize + glyphs * glyphBytes, input + n, glyphs);
    else
        for (long g = 0; g < glyphs && g < CODES; g++)
            Map((uint32_t)g, g);
    long fallback = glyphOf['?'] >= 0 ? glyphOf['?'] : 0;

    printf("// Generated by tools/psf2c from a PSF console font: do not edit.\n");
    printf("#include <lib/font.h>\n\n");
    printf("static const uint8_t glyphs[%d * %u] = {\n", CODES, height);
    for (int code = 0; code < CODES; code++) {
        long g = glyphOf[code] >= 0 ? glyphOf[code] : fallback;
        const uint8_t *rows = input + headerSize + g * glyphBytes;
        printf("   ");
        for (uint32_t r = 0; r < height; r++)
            printf(" 0x%02x,", rows[r]);
        printf("  // %d\n", code);
    }
    printf("};\n\n");
    printf("const Font %s = { %u, %u, glyphs };\n", argv[1], width, height);
    return 0;
}
