// Parsing a window's control commands (include/lib/windowctl.h).
//
// The text is cut into lines and each line into words; a line is looked
// up by its first word in a table giving the number of arguments. Nothing
// is returned unless every line parses.
#include <stddef.h>
#include <clanker/error.h>
#include <lib/string.h>
#include <lib/windowctl.h>

#define WORDS_MAX 4
#define WORD_MAX  16

typedef struct Verb {
    const char *word;
    int kind;
    int arguments;
} Verb;

static const Verb verbs[] = {
    { "move",   WINDOW_CTL_MOVE,   2 },
    { "resize", WINDOW_CTL_RESIZE, 2 },
    { "raise",  WINDOW_CTL_RAISE,  0 },
    { "close",  WINDOW_CTL_CLOSE,  0 },
};

typedef struct Line {
    char words[WORDS_MAX][WORD_MAX + 1];
    int count;
} Line;

// Split [text, end) into words. Returns 0, or E_INVAL for a control byte,
// a word too long or too many words.
static int Split(const char *text, const char *end, Line *line)
{
    line->count = 0;
    while (text < end) {
        uint32_t n = 0;
        if (*text == ' ' || *text == '\t') {
            text++;
            continue;
        }
        if (line->count == WORDS_MAX)
            return E_INVAL;
        while (text < end && *text != ' ' && *text != '\t') {
            if ((uint8_t)*text < 0x21 || (uint8_t)*text > 0x7e || n == WORD_MAX)
                return E_INVAL;
            line->words[line->count][n++] = *text++;
        }
        line->words[line->count++][n] = 0;
    }
    return 0;
}

// A decimal number with an optional '-' into *out. Returns 0 or E_INVAL.
static int Number(const char *word, int32_t *out)
{
    int negative = *word == '-', digits = 0;
    int32_t value = 0;

    word += negative;
    for (; *word; word++, digits++) {
        if (*word < '0' || *word > '9' || digits == WINDOW_CTL_DIGITS)
            return E_INVAL;
        value = value * 10 + (*word - '0');
    }
    if (digits == 0)
        return E_INVAL;
    *out = negative ? -value : value;
    return 0;
}

// One non-blank line into *out. Returns 0 or E_INVAL.
static int ParseLine(const Line *line, WindowCtl *out)
{
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
        if (strcmp(line->words[0], verbs[i].word) != 0)
            continue;
        if (line->count != 1 + verbs[i].arguments)
            return E_INVAL;
        *out = (WindowCtl){ verbs[i].kind, 0, 0 };
        if (verbs[i].arguments == 2 &&
            (Number(line->words[1], &out->a) != 0 || Number(line->words[2], &out->b) != 0))
            return E_INVAL;
        return 0;
    }
    return E_INVAL;
}

int WindowCtlParse(const char *text, uint32_t length, WindowCtl *out, uint32_t capacity)
{
    const char *end = text + length;
    uint32_t count = 0;
    Line line;

    while (text < end) {
        const char *eol = text;
        while (eol < end && *eol != '\n')
            eol++;
        const char *last = eol;
        if (last > text && last[-1] == '\r')
            last--;                 // "\r\n"
        if (Split(text, last, &line) != 0)
            return E_INVAL;
        if (line.count > 0) {
            if (count == capacity || ParseLine(&line, &out[count]) != 0)
                return E_INVAL;
            count++;
        }
        text = eol < end ? eol + 1 : end;
    }
    return (int)count;
}
