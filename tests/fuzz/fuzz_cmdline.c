// libFuzzer target for the shell's command-line parser (lib/cmdline.c).
//
// The first input byte picks how the rest becomes a line (kept in a heap
// block of exactly its length plus the NUL, so ASan sees any overread):
//   mode & 3 == 0   the bytes as they are (an embedded NUL ends the line)
//            == 1   each byte mapped onto a small alphabet rich in blanks,
//                   quotes, backslashes, '>', '<', '&' and '#'
//            == 2   mapped, then repeated to a length around
//                   CMDLINE_LINE_MAX (the line and text limits)
//            == 3   mapped, every other byte a space, then repeated to
//                   around CMDLINE_MAX_WORDS one-byte words
//   mode & 4        re-quote a redirection target attached (>"t") rather
//                   than spaced (> "t")
//
// Invariants checked (abort() on violation):
//   - the result is well formed: a known code; on failure a non-empty
//     lower-case reason and an empty result; on success no reason,
//     argc <= CMDLINE_MAX_WORDS, argv[argc] (and every slot after it)
//     NULL, every argv string and the target inside out->text and
//     NUL-terminated there, no two of them overlapping, the target set
//     exactly when a redirection is
//   - the line is not written to
//   - "line too long" exactly when the line is longer than CMDLINE_LINE_MAX
//   - each error has its cause in the line ('"' for a quote error, a final
//     '\' for a backslash error, '<', '&' or two '>' for the others)
//   - the result (code, words, redirection, target, '&') agrees with a
//     reference parser written separately from the grammar in the header:
//     it first splits the whole line into tokens (stopping at a quote or
//     backslash error, kept as a last, partial word), then walks them
//   - parsing the line again gives the same result
//   - the words re-quoted two ways ("w" with \" and \\, and \c for every
//     byte c) parse back to the same words, redirection and '&' (or, if
//     the re-quoted line got too long, to "line too long")
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lib/cmdline.h>

#define REQUOTE_MAX (4 * CMDLINE_TEXT_MAX + 64)

static void Fail(const char *what)
{
    fprintf(stderr, "fuzz_cmdline: invariant violated: %s\n", what);
    abort();
}

// Is s a NUL-terminated string inside r's buffer? Its length, or -1.
static long StringIn(const CmdlineResult *r, const char *s)
{
    uintptr_t start = (uintptr_t)r->text, at = (uintptr_t)s;
    const char *end;

    if (!s || at < start || at >= start + sizeof(r->text))
        return -1;
    end = memchr(s, '\0', sizeof(r->text) - (at - start));
    return end ? (long)(end - s) : -1;
}

static void CheckFailed(const CmdlineResult *r)
{
    if (!r->error || !r->error[0])
        Fail("a failure without a reason");
    for (const char *c = r->error; *c; c++) {
        if (*c >= 'A' && *c <= 'Z')
            Fail("a reason not in lower case");
    }
    if (r->argc != 0 || r->redirect != CMDLINE_REDIRECT_NONE || r->target || r->background)
        Fail("a failure left a partial result");
    for (int i = 0; i <= CMDLINE_MAX_WORDS; i++) {
        if (r->argv[i])
            Fail("a failure left argv behind");
    }
}

static void CheckParsed(const CmdlineResult *r)
{
    const char *strings[CMDLINE_MAX_WORDS + 1];
    long lengths[CMDLINE_MAX_WORDS + 1];
    int n = 0;

    if (r->error)
        Fail("a success with a reason");
    if (r->argc < 0 || r->argc > CMDLINE_MAX_WORDS)
        Fail("argc out of range");
    for (int i = r->argc; i <= CMDLINE_MAX_WORDS; i++) {
        if (r->argv[i])
            Fail("argv[argc] or a later slot is not NULL");
    }
    if (r->background != 0 && r->background != 1)
        Fail("background is not 0 or 1");
    if (r->redirect != CMDLINE_REDIRECT_NONE && r->redirect != CMDLINE_REDIRECT_WRITE &&
        r->redirect != CMDLINE_REDIRECT_APPEND)
        Fail("redirect out of range");
    if ((r->redirect == CMDLINE_REDIRECT_NONE) != (r->target == NULL))
        Fail("target set without a redirection, or the other way round");
    for (int i = 0; i < r->argc; i++)
        strings[n++] = r->argv[i];
    if (r->target)
        strings[n++] = r->target;
    for (int i = 0; i < n; i++) {
        lengths[i] = StringIn(r, strings[i]);
        if (lengths[i] < 0)
            Fail("a string not NUL-terminated inside the result's buffer");
    }
    for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
            if (strings[i] <= strings[j] + lengths[j] && strings[j] <= strings[i] + lengths[i])
                Fail("two strings overlap");
        }
    }
}

static int Check(const CmdlineResult *r, int rc)
{
    switch (rc) {
    case 0:
        CheckParsed(r);
        break;
    case CMDLINE_E_LONG:
    case CMDLINE_E_QUOTE:
    case CMDLINE_E_BACKSLASH:
    case CMDLINE_E_WORDS:
    case CMDLINE_E_TEXT:
    case CMDLINE_E_TARGET:
    case CMDLINE_E_REDIRECT:
    case CMDLINE_E_INPUT:
    case CMDLINE_E_AMPERSAND:
        CheckFailed(r);
        break;
    default:
        Fail("an unknown return code");
    }
    return rc;
}

// The error's cause is in the line.
static void CheckCause(const char *line, int rc)
{
    size_t length = strlen(line);
    size_t arrows = 0;

    for (const char *c = line; *c; c++)
        arrows += *c == '>';

    if ((rc == CMDLINE_E_LONG) != (length > CMDLINE_LINE_MAX))
        Fail("\"line too long\" disagrees with the line's length");
    if (rc == CMDLINE_E_QUOTE && !strchr(line, '"'))
        Fail("a quote error without a quote");
    if (rc == CMDLINE_E_BACKSLASH && (length == 0 || line[length - 1] != '\\'))
        Fail("a backslash error without a final backslash");
    if (rc == CMDLINE_E_INPUT && !strchr(line, '<'))
        Fail("an input redirection error without '<'");
    if (rc == CMDLINE_E_AMPERSAND && !strchr(line, '&'))
        Fail("an '&' error without '&'");
    if (rc == CMDLINE_E_TARGET && arrows == 0)
        Fail("a missing target without '>'");
    if (rc == CMDLINE_E_REDIRECT && arrows < 2)
        Fail("more than one redirection without two of them");
    // Word text is at most one byte longer than the line (each word but
    // the last is followed by a byte it does not keep: a blank or an
    // operator), so only a line of CMDLINE_TEXT_MAX bytes can overflow.
    if (rc == CMDLINE_E_TEXT && length + 1 <= CMDLINE_TEXT_MAX)
        Fail("text overflow from a short line");
}

static void CheckSame(const CmdlineResult *a, int rcA, const CmdlineResult *b, int rcB)
{
    if (rcA != rcB || a->argc != b->argc || a->redirect != b->redirect ||
        a->background != b->background || a->error != b->error)
        Fail("a second parse disagrees");
    for (int i = 0; i < a->argc; i++) {
        if (strcmp(a->argv[i], b->argv[i]) != 0)
            Fail("a second parse gave other words");
    }
    if (a->target && strcmp(a->target, b->target) != 0)
        Fail("a second parse gave another target");
}

typedef struct Builder {
    char text[REQUOTE_MAX];
    size_t used;
} Builder;

static void Add(Builder *b, char c)
{
    if (b->used + 1 >= sizeof(b->text))
        Fail("re-quoted line overflows its buffer");
    b->text[b->used++] = c;
    b->text[b->used] = '\0';
}

static void AddWord(Builder *b, const char *word, int backslashes)
{
    if (backslashes && word[0]) {
        for (; *word; word++) {
            Add(b, '\\');
            Add(b, *word);
        }
        return;
    }
    Add(b, '"');
    for (; *word; word++) {
        if (*word == '"' || *word == '\\')
            Add(b, '\\');
        Add(b, *word);
    }
    Add(b, '"');
}

// Re-quote r's words, parse them back, and compare.
static void CheckRequoted(const CmdlineResult *r, int backslashes, int attached)
{
    static Builder b;
    static CmdlineResult again;
    int rc;

    b.used = 0;
    b.text[0] = '\0';
    for (int i = 0; i < r->argc; i++) {
        if (i)
            Add(&b, ' ');
        AddWord(&b, r->argv[i], backslashes);
    }
    if (r->redirect != CMDLINE_REDIRECT_NONE) {
        if (r->argc)
            Add(&b, ' ');
        Add(&b, '>');
        if (r->redirect == CMDLINE_REDIRECT_APPEND)
            Add(&b, '>');
        if (!attached)
            Add(&b, ' ');
        AddWord(&b, r->target, backslashes);
    }
    if (r->background)
        Add(&b, '&');
    rc = Check(&again, CmdlineParse(b.text, &again));
    if (b.used > CMDLINE_LINE_MAX) {
        if (rc != CMDLINE_E_LONG)
            Fail("a long re-quoted line was not refused");
        return;
    }
    if (rc != 0)
        Fail("re-quoted words do not parse");
    CheckSame(r, 0, &again, rc);
}

// --- the reference parser --------------------------------------------------

enum { REF_WORD, REF_BROKEN, REF_WRITE, REF_APPEND, REF_INPUT, REF_AMP };

typedef struct RefToken {
    int kind;
    char *text;             // REF_WORD / REF_BROKEN: what was read of it
    size_t length;
    int error;              // REF_BROKEN: the quote or backslash error
} RefToken;

typedef struct RefResult {
    int rc;
    int argc;
    const char *argv[CMDLINE_MAX_WORDS];
    int redirect;
    const char *target;
    int background;
} RefResult;

static RefToken refTokens[CMDLINE_LINE_MAX + 1];
static char refText[2 * CMDLINE_LINE_MAX + 2];

// Split line into refTokens; returns how many.
static size_t RefTokenize(const char *line)
{
    size_t n = 0, i = 0, out = 0;

    for (;;) {
        RefToken *t = &refTokens[n];
        int inQuotes = 0;

        while (line[i] == ' ' || line[i] == '\t')
            i++;
        if (line[i] == '\0' || line[i] == '#')
            return n;
        n++;
        if (line[i] == '>' && line[i + 1] == '>') {
            t->kind = REF_APPEND;
            i += 2;
            continue;
        }
        if (line[i] == '>' || line[i] == '<' || line[i] == '&') {
            t->kind = line[i] == '>' ? REF_WRITE : line[i] == '<' ? REF_INPUT : REF_AMP;
            i++;
            continue;
        }
        t->kind = REF_WORD;
        t->text = &refText[out];
        t->length = 0;
        while (inQuotes || (line[i] && !strchr(" \t><&", line[i]))) {
            char c = line[i];
            if (c == '\0') {
                t->kind = REF_BROKEN;
                t->error = CMDLINE_E_QUOTE;
                return n;
            }
            if (c == '"') {
                inQuotes = !inQuotes;
                i++;
                continue;
            }
            if (c == '\\' && !inQuotes) {
                if (line[i + 1] == '\0') {
                    t->kind = REF_BROKEN;
                    t->error = CMDLINE_E_BACKSLASH;
                    return n;
                }
                c = line[++i];
            } else if (c == '\\' && (line[i + 1] == '"' || line[i + 1] == '\\')) {
                c = line[++i];
            }
            refText[out++] = c;
            t->length++;
            i++;
        }
        refText[out++] = '\0';
    }
}

static void RefParse(const char *line, RefResult *r)
{
    size_t n, used = 0;
    int pending = 0;

    memset(r, 0, sizeof(*r));
    if (strlen(line) > CMDLINE_LINE_MAX) {
        r->rc = CMDLINE_E_LONG;
        return;
    }
    n = RefTokenize(line);
    for (size_t k = 0; k < n; k++) {
        const RefToken *t = &refTokens[k];
        int word = t->kind == REF_WORD || t->kind == REF_BROKEN;

        if (r->background)
            r->rc = CMDLINE_E_AMPERSAND;
        else if (t->kind == REF_INPUT)
            r->rc = CMDLINE_E_INPUT;
        else if (pending && !word)
            r->rc = CMDLINE_E_TARGET;
        else if ((t->kind == REF_WRITE || t->kind == REF_APPEND) && r->redirect)
            r->rc = CMDLINE_E_REDIRECT;
        else if (word && !pending && r->argc == CMDLINE_MAX_WORDS)
            r->rc = CMDLINE_E_WORDS;
        else if (t->kind == REF_BROKEN)
            r->rc = used + t->length > CMDLINE_TEXT_MAX ? CMDLINE_E_TEXT : t->error;
        else if (word && used + t->length + 1 > CMDLINE_TEXT_MAX)
            r->rc = CMDLINE_E_TEXT;
        if (r->rc)
            return;
        if (t->kind == REF_WRITE || t->kind == REF_APPEND) {
            pending = t->kind == REF_WRITE ? CMDLINE_REDIRECT_WRITE : CMDLINE_REDIRECT_APPEND;
        } else if (t->kind == REF_AMP) {
            r->background = 1;
        } else if (pending) {
            r->redirect = pending;
            r->target = t->text;
            pending = 0;
            used += t->length + 1;
        } else {
            r->argv[r->argc++] = t->text;
            used += t->length + 1;
        }
    }
    if (pending)
        r->rc = CMDLINE_E_TARGET;
}

static void CheckReference(const char *line, const CmdlineResult *got, int rc)
{
    static RefResult want;

    RefParse(line, &want);
    if (rc != want.rc) {
        fprintf(stderr, "fuzz_cmdline: returned %d, the reference %d\n", rc, want.rc);
        Fail("the result disagrees with the reference parser");
    }
    if (rc != 0)
        return;
    if (got->argc != want.argc || (int)got->redirect != want.redirect ||
        got->background != want.background)
        Fail("the words, redirection or '&' disagree with the reference parser");
    for (int i = 0; i < want.argc; i++) {
        if (strcmp(got->argv[i], want.argv[i]) != 0)
            Fail("a word disagrees with the reference parser");
    }
    if (want.target && strcmp(got->target, want.target) != 0)
        Fail("the target disagrees with the reference parser");
}

// --- the fuzzer ------------------------------------------------------------

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char alphabet[16] = {
        ' ', ' ', '\t', '"', '"', '\\', '>', '>', '<', '&', '#', 'a', 'b', '\'', 'x', 'y',
    };
    static CmdlineResult first, second;
    uint8_t mode;
    size_t length, body;
    char *line, *copy;
    int rc1, rc2;

    if (size == 0)
        return 0;
    mode = data[0];
    data++;
    body = size - 1;
    switch (mode & 3) {
    case 2:
        length = body ? CMDLINE_LINE_MAX - 8 + mode % 17 : 0;
        break;
    case 3:
        length = body ? 2 * CMDLINE_MAX_WORDS - 4 + mode % 9 : 0;
        break;
    default:
        length = body;
        break;
    }
    line = malloc(length + 1);
    copy = malloc(length + 1);
    if (!line || !copy)
        abort();
    for (size_t i = 0; i < length; i++) {
        uint8_t byte = data[i % body];
        if ((mode & 3) == 0)
            line[i] = (char)byte;
        else if ((mode & 3) == 3 && (i & 1))
            line[i] = ' ';
        else
            line[i] = alphabet[byte & 15];
    }
    line[length] = '\0';
    memcpy(copy, line, length + 1);

    memset(&first, 0x5a, sizeof(first));
    rc1 = Check(&first, CmdlineParse(line, &first));
    if (memcmp(line, copy, length + 1) != 0)
        Fail("the parser wrote to the line");
    CheckCause(line, rc1);
    CheckReference(line, &first, rc1);

    memset(&second, 0xa5, sizeof(second));
    rc2 = Check(&second, CmdlineParse(line, &second));
    CheckSame(&first, rc1, &second, rc2);
    if (memcmp(first.text, second.text, sizeof(first.text)) != 0)
        Fail("a second parse filled the buffer differently");

    if (rc1 == 0) {
        CheckRequoted(&first, 0, mode & 4);
        CheckRequoted(&first, 1, mode & 4);
    }
    free(line);
    free(copy);
    return 0;
}
