// libFuzzer target for the console's line discipline (lib/lineedit.c).
//
// The input is fed byte by byte, as the console does. Invariants checked
// (abort() on violation):
//   - the line never holds more than LINE_EDIT_MAX characters plus '\n'
//   - a finished line ends in its only '\n' and holds nothing but
//     printable ASCII before it
//   - the echo, applied to a model screen line ("\b \b" erases one cell,
//     '\n' starts a new line), always shows exactly the line being edited
//   - lines and ends of input agree with a reference editor written
//     separately from the rules in the header
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lib/lineedit.h>

static void Fail(const char *what)
{
    fprintf(stderr, "fuzz_lineedit: invariant violated: %s\n", what);
    abort();
}

// The screen line the echo has drawn.
typedef struct Screen {
    char cells[LINE_EDIT_MAX + 1];
    uint32_t used;
} Screen;

static void Draw(const char *text, uint32_t length, void *context)
{
    Screen *screen = context;

    if (length == 3 && memcmp(text, "\b \b", 3) == 0) {
        if (screen->used == 0)
            Fail("an erase echoed at the start of the line");
        screen->used--;
    } else if (length == 1 && text[0] == '\n') {
        screen->used = 0;
    } else if (length == 1 && text[0] >= 0x20 && text[0] < 0x7f) {
        if (screen->used == LINE_EDIT_MAX)
            Fail("echo past the longest line");
        screen->cells[screen->used++] = text[0];
    } else {
        Fail("an unexpected echo");
    }
}

// The reference: the same rules, read straight from the header.
typedef struct Reference {
    char line[LINE_EDIT_MAX + 1];
    uint32_t length;
    int swallowNewline;
} Reference;

static LineEditResult RefFeed(Reference *r, uint8_t b)
{
    int swallow = r->swallowNewline;

    r->swallowNewline = 0;
    if (b == '\n' && swallow)
        return LINE_EDIT_MORE;
    if (b == '\r' || b == '\n') {
        r->swallowNewline = b == '\r';
        return LINE_EDIT_LINE;
    }
    if ((b == 0x08 || b == 0x7f) && r->length > 0)
        r->length--;
    else if (b == 0x15)
        r->length = 0;
    else if (b == 0x04 && r->length == 0)
        return LINE_EDIT_END;
    else if (b >= 0x20 && b < 0x7f && r->length < LINE_EDIT_MAX)
        r->line[r->length++] = (char)b;
    return LINE_EDIT_MORE;
}

static void CheckLine(const LineEditor *e, const Reference *r)
{
    if (e->length < 1 || e->length > LINE_EDIT_MAX + 1)
        Fail("a finished line of a bad length");
    if (e->line[e->length - 1] != '\n')
        Fail("a finished line without its '\\n'");
    for (uint32_t i = 0; i + 1 < e->length; i++) {
        if (e->line[i] < 0x20 || e->line[i] >= 0x7f)
            Fail("a finished line holds a control or high byte");
    }
    if (e->length != r->length + 1 || memcmp(e->line, r->line, r->length) != 0)
        Fail("a finished line disagrees with the reference");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static LineEditor e;
    static Screen screen;
    static Reference ref;

    screen.used = 0;
    memset(&ref, 0, sizeof(ref));
    LineEditInit(&e, Draw, &screen);
    for (size_t i = 0; i < size; i++) {
        LineEditResult got = LineEditFeed(&e, data[i]);
        LineEditResult want = RefFeed(&ref, data[i]);

        if (got != want)
            Fail("the result disagrees with the reference");
        if (got == LINE_EDIT_LINE) {
            CheckLine(&e, &ref);
            ref.length = 0;
            continue;
        }
        if (e.length > LINE_EDIT_MAX)
            Fail("the line grew past LINE_EDIT_MAX");
        if (e.length != ref.length || memcmp(e.line, ref.line, ref.length) != 0)
            Fail("the line being edited disagrees with the reference");
        if (screen.used != e.length || memcmp(screen.cells, e.line, e.length) != 0)
            Fail("the echo does not show the line being edited");
    }
    return 0;
}
