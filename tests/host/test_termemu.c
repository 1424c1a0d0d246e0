// Host unit tests for the terminal's screen (lib/termemu.c): what bytes
// written to it leave in its cells, scrolling, the escape sequences, and
// that drawing redraws only the rows that changed.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <lib/termemu.h>

static Term t;

static void W(const char *s)
{
    TermWrite(&t, s, (uint32_t)strlen(s));
}

// Row y as text, trailing blanks cut.
static const char *Row(uint32_t y)
{
    static char text[TERM_COLS_MAX + 1];
    uint32_t n = 0;

    for (uint32_t x = 0; x < t.cols; x++)
        text[n++] = (char)t.cells[y][x].ch;
    while (n > 0 && text[n - 1] == ' ')
        n--;
    text[n] = 0;
    return text;
}

static void TestTextAndNewlines(void **state)
{
    (void)state;
    TermInit(&t, 10, 4);
    W("hello\nworld");
    assert_string_equal(Row(0), "hello");
    assert_string_equal(Row(1), "world");
    assert_int_equal(t.cx, 5);
    assert_int_equal(t.cy, 1);
    W("\rW");
    assert_string_equal(Row(1), "World");
    W("orld\b \b");                         // "\b \b" erases one
    assert_string_equal(Row(1), "Worl");
    assert_int_equal(t.cx, 4);
    W("\b\b\b\b\b");                         // '\b' stops at the left edge
    assert_int_equal(t.cx, 0);
    W("\x1b[4C\tx");
    assert_int_equal(t.cells[1][8].ch, 'x');
    W("\x07\x01");                          // other control bytes: nothing
    assert_int_equal(t.cx, 9);
}

static void TestWrapAndScroll(void **state)
{
    (void)state;
    TermInit(&t, 4, 3);
    W("abcd");                              // the last column: wrap pending, not yet
    assert_int_equal(t.cy, 0);
    assert_int_equal(t.cx, 3);
    W("e");
    assert_string_equal(Row(0), "abcd");
    assert_string_equal(Row(1), "e");
    W("\n2\n3");                            // past the last line: scroll
    assert_int_equal(t.scrolled, 1);
    assert_string_equal(Row(0), "e");
    assert_string_equal(Row(1), "2");
    assert_string_equal(Row(2), "3");
    for (int i = 0; i < 10; i++)
        W("\nline");
    assert_int_equal(t.scrolled, 11);
    assert_string_equal(Row(2), "line");
    assert_int_equal(t.cy, 2);
}

static void TestEscapes(void **state)
{
    (void)state;
    TermInit(&t, 20, 5);
    W("0123456789\n0123456789\n0123456789");
    W("\x1b[2;3H");                         // row 2, column 3
    assert_int_equal(t.cy, 1);
    assert_int_equal(t.cx, 2);
    W("\x1b[K");                            // erase to the end of the line
    assert_string_equal(Row(1), "01");
    W("\x1b[1J");                           // erase up to the cursor
    assert_string_equal(Row(0), "");
    assert_string_equal(Row(2), "0123456789");
    W("\x1b[2J\x1b[H");
    for (uint32_t y = 0; y < 5; y++)
        assert_string_equal(Row(y), "");
    assert_int_equal(t.cx, 0);
    W("\x1b[3Cx\x1b[2Dy\x1b[Bz\x1b[Aw");
    assert_string_equal(Row(0), "  yxw");
    assert_string_equal(Row(1), "   z");
    W("\x1b[99;99H");                       // clamped to the screen
    assert_int_equal(t.cx, 19);
    assert_int_equal(t.cy, 4);
    W("\x1b[31;44mR\x1b[0mN");             // a colour change keeps the pending wrap
    assert_int_equal(t.cells[3][19].ch, 'R');
    assert_int_equal(t.cells[3][19].attr, 0x41);
    assert_int_equal(t.cells[4][0].ch, 'N');
    assert_int_equal(t.cells[4][0].attr, TERM_DEFAULT_ATTR);
    W("\x1b[7mV\x1b[27m");
    assert_int_equal(t.cells[4][1].attr, 0x70);     // reversed
    W("\x1b[?25l\x1b(B\x1b]0;title\x07");                   // sequences it does not know: dropped, not printed
    assert_int_equal(t.cells[4][2].ch, ' ');
    assert_int_equal(t.cx, 2);
}

static void TestLatin1AndHighBytes(void **state)
{
    (void)state;
    TermInit(&t, 10, 2);
    W("\xe9\x80\x9f!");                     // Latin-1 e-acute kept, C1 bytes dropped
    assert_int_equal(t.cells[0][0].ch, 0xe9);
    assert_int_equal(t.cells[0][1].ch, '!');
}

static void TestResizeKeepsTheBottom(void **state)
{
    (void)state;
    TermInit(&t, 10, 4);
    W("a\nb\nc\nd");
    TermResize(&t, 6, 2);
    assert_string_equal(Row(0), "c");
    assert_string_equal(Row(1), "d");
    assert_int_equal(t.cy, 1);
    TermResize(&t, 20, 6);
    assert_string_equal(Row(0), "c");
    assert_string_equal(Row(5), "");
    TermInit(&t, 0, 100000);                // cut to the limits
    assert_int_equal(t.cols, 1);
    assert_int_equal(t.rows, TERM_ROWS_MAX);
}

static uint32_t pixels[160 * 64 * 8 * 16];

static void TestRenderDrawsChangedRowsOnly(void **state)
{
    Surface s = { pixels, 20 * 8, 5 * 16, 20 * 8 };
    Rect r;

    (void)state;
    TermInit(&t, 20, 5);
    r = TermRender(&t, &s, &fontConsole);
    assert_int_equal(r.h, 5 * 16);          // everything, the first time
    r = TermRender(&t, &s, &fontConsole);
    assert_true(RectEmpty(r));              // nothing changed
    W("x");
    r = TermRender(&t, &s, &fontConsole);
    assert_int_equal(r.y, 0);
    assert_int_equal(r.h, 16);              // one row
    // The cursor (a reversed cell) is at column 1: light grey background.
    assert_int_equal(pixels[1 * 8 + 0], termPalette[7]);
    W("\n");
    r = TermRender(&t, &s, &fontConsole);
    assert_int_equal(r.y, 0);
    assert_int_equal(r.h, 32);              // the cursor left row 0 for row 1
    W("\n\n\n\n");
    r = TermRender(&t, &s, &fontConsole);
    assert_int_equal(r.h, 5 * 16);          // a scroll redraws everything
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestTextAndNewlines),
        cmocka_unit_test(TestWrapAndScroll),
        cmocka_unit_test(TestEscapes),
        cmocka_unit_test(TestLatin1AndHighBytes),
        cmocka_unit_test(TestResizeKeepsTheBottom),
        cmocka_unit_test(TestRenderDrawsChangedRowsOnly),
    };

    return cmocka_run_group_tests_name("termemu", tests, NULL, NULL);
}
