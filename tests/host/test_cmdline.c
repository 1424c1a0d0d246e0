// Host unit tests for lib/cmdline.c (the shell's command-line parser).
//
// EXPECT_PARSE checks a whole result: the words, the redirection, the
// background flag, and that every string lies inside the result's own
// buffer, NUL-terminated there, with argv[argc] NULL. EXPECT_ERROR checks
// the code, the reason, and that nothing half-parsed is left behind.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <lib/cmdline.h>

#define NONE   CMDLINE_REDIRECT_NONE
#define WRITE  CMDLINE_REDIRECT_WRITE
#define APPEND CMDLINE_REDIRECT_APPEND

// A NULL-terminated list of the expected words.
#define WORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NO_WORDS   ((const char *const[]){ NULL })

static char mismatch[512];

// Is s a NUL-terminated string inside r's text buffer?
static int InBuffer(const CmdlineResult *r, const char *s)
{
    size_t offset;

    if (s < r->text || s >= r->text + sizeof(r->text))
        return 0;
    offset = (size_t)(s - r->text);
    return memchr(s, '\0', sizeof(r->text) - offset) != NULL;
}

// NULL if r holds exactly what is expected, else what differs.
static const char *Compare(const CmdlineResult *r, const char *const *words,
                           CmdlineRedirect redirect, const char *target, int background)
{
    int want = 0;

    while (words[want])
        want++;
    if (r->error)
        return snprintf(mismatch, sizeof(mismatch), "error set: %s", r->error), mismatch;
    if (r->argc != want)
        return snprintf(mismatch, sizeof(mismatch), "argc %d, want %d", r->argc, want), mismatch;
    for (int i = 0; i < want; i++) {
        if (!r->argv[i] || !InBuffer(r, r->argv[i]))
            return snprintf(mismatch, sizeof(mismatch), "argv[%d] not in the buffer", i), mismatch;
        if (strcmp(r->argv[i], words[i]) != 0)
            return snprintf(mismatch, sizeof(mismatch), "argv[%d] is \"%s\", want \"%s\"", i,
                            r->argv[i], words[i]), mismatch;
    }
    if (r->argv[want])
        return "argv[argc] is not NULL";
    if (r->redirect != redirect)
        return snprintf(mismatch, sizeof(mismatch), "redirect %d, want %d", (int)r->redirect,
                        (int)redirect), mismatch;
    if (!target != !r->target)
        return r->target ? "unexpected target" : "missing target";
    if (target && !InBuffer(r, r->target))
        return "target not in the buffer";
    if (target && strcmp(r->target, target) != 0)
        return snprintf(mismatch, sizeof(mismatch), "target \"%s\", want \"%s\"", r->target,
                        target), mismatch;
    if (r->background != background)
        return snprintf(mismatch, sizeof(mismatch), "background %d, want %d", r->background,
                        background), mismatch;
    return NULL;
}

static const char *ParseAndCompare(const char *line, const char *const *words,
                                   CmdlineRedirect redirect, const char *target, int background)
{
    CmdlineResult r;
    int rc;

    memset(&r, 0xa5, sizeof(r));    // no reliance on a clean result
    rc = CmdlineParse(line, &r);
    if (rc != 0)
        return snprintf(mismatch, sizeof(mismatch), "returned %d (%s)", rc,
                        r.error ? r.error : "no reason"), mismatch;
    return Compare(&r, words, redirect, target, background);
}

static const char *ParseError(const char *line, int code, const char *reason)
{
    CmdlineResult r;
    int rc;

    memset(&r, 0xa5, sizeof(r));
    rc = CmdlineParse(line, &r);
    if (rc != code)
        return snprintf(mismatch, sizeof(mismatch), "returned %d, want %d", rc, code), mismatch;
    if (!r.error || strcmp(r.error, reason) != 0)
        return snprintf(mismatch, sizeof(mismatch), "reason \"%s\", want \"%s\"",
                        r.error ? r.error : "(null)", reason), mismatch;
    if (r.argc != 0 || r.argv[0] || r.target || r.redirect != NONE || r.background)
        return "a failed parse left a partial result";
    return NULL;
}

#define CHECK(what, line)                                                   \
    do {                                                                    \
        const char *m_ = (what);                                            \
        if (m_)                                                             \
            fail_msg("line \"%s\": %s", (line), m_);                        \
    } while (0)

// The line parses to exactly these words, with no redirection or '&'.
#define EXPECT_WORDS(line, ...) \
    CHECK(ParseAndCompare((line), WORDS(__VA_ARGS__), NONE, NULL, 0), (line))
#define EXPECT_PARSE(line, words, redirect, target, background) \
    CHECK(ParseAndCompare((line), (words), (redirect), (target), (background)), (line))
#define EXPECT_ERROR(line, code, reason) \
    CHECK(ParseError((line), (code), (reason)), (line))

// A line of n copies of word separated by single spaces, then tail.
static char *Repeat(char *buf, size_t size, const char *word, int n, const char *tail)
{
    size_t used = 0;

    buf[0] = '\0';
    for (int i = 0; i < n; i++)
        used += (size_t)snprintf(buf + used, size - used, i ? " %s" : "%s", word);
    snprintf(buf + used, size - used, "%s", tail);
    return buf;
}

// A string of n copies of c.
static char *Fill(char *buf, char c, size_t n)
{
    memset(buf, c, n);
    buf[n] = '\0';
    return buf;
}

static void TestEmptyLines(void **state)
{
    (void)state;
    EXPECT_PARSE("", NO_WORDS, NONE, NULL, 0);
    EXPECT_PARSE(" ", NO_WORDS, NONE, NULL, 0);
    EXPECT_PARSE(" \t  \t", NO_WORDS, NONE, NULL, 0);
    EXPECT_PARSE("#", NO_WORDS, NONE, NULL, 0);
    EXPECT_PARSE("# a comment", NO_WORDS, NONE, NULL, 0);
    EXPECT_PARSE("   #comment", NO_WORDS, NONE, NULL, 0);
    // Nothing in a comment counts, not even errors.
    EXPECT_PARSE("# \"unterminated > < & \\", NO_WORDS, NONE, NULL, 0);
}

static void TestBlankSeparation(void **state)
{
    (void)state;
    EXPECT_WORDS("ls", "ls");
    EXPECT_WORDS("ls -l /bin", "ls", "-l", "/bin");
    EXPECT_WORDS("  a\t b  \t\tc  ", "a", "b", "c");
    EXPECT_WORDS("\ta\t", "a");
    // Only spaces and tabs separate; other bytes are word text.
    EXPECT_WORDS("a\nb\rc\vd", "a\nb\rc\vd");
    EXPECT_WORDS("caf\xc3\xa9 \x01\x7f\xff", "caf\xc3\xa9", "\x01\x7f\xff");
    // Single quotes are plain bytes.
    EXPECT_WORDS("'a b'", "'a", "b'");
}

static void TestDoubleQuotes(void **state)
{
    (void)state;
    EXPECT_WORDS("\"a b\"", "a b");
    EXPECT_WORDS("echo \"a  b\"  c", "echo", "a  b", "c");
    EXPECT_WORDS("\"\"", "");
    EXPECT_WORDS("a \"\" b", "a", "", "b");
    EXPECT_WORDS("\"\" \"\"", "", "");
    EXPECT_WORDS("\"\"\"\"", "");
    EXPECT_WORDS("ab\"c d\"e", "abc de");
    EXPECT_WORDS("\"a\"\"b\"", "ab");
    EXPECT_WORDS("x\"\"y", "xy");
    EXPECT_WORDS("\"\t \"", "\t ");
    EXPECT_WORDS("\"a b\"c \"d\"", "a bc", "d");
}

static void TestBackslashInQuotes(void **state)
{
    (void)state;
    EXPECT_WORDS("\"a\\\"b\"", "a\"b");         // "a\"b"  -> a"b
    EXPECT_WORDS("\"a\\\\b\"", "a\\b");         // "a\\b"  -> a\b
    EXPECT_WORDS("\"\\\\\"", "\\");             // "\\"    -> \  .
    EXPECT_WORDS("\"\\\"\"", "\"");             // "\""    -> "
    // Any other backslash is itself, and does not escape what follows.
    EXPECT_WORDS("\"a\\nb\"", "a\\nb");         // "a\nb"  -> a\nb
    EXPECT_WORDS("\"\\ \\>\\#\"", "\\ \\>\\#");
    EXPECT_WORDS("\"\\\\\\\\\"", "\\\\");       // "\\\\"  -> \\  .
    // "\\" then a closing quote, then more word.
    EXPECT_WORDS("\"\\\\\"x", "\\x");
}

static void TestBackslashOutsideQuotes(void **state)
{
    (void)state;
    EXPECT_WORDS("a\\ b", "a b");
    EXPECT_WORDS("a\\\tb", "a\tb");
    EXPECT_WORDS("\\\"", "\"");
    EXPECT_WORDS("\\\\", "\\");
    EXPECT_WORDS("\\a\\b", "ab");
    EXPECT_WORDS("\\\"a b\\\"", "\"a", "b\"");
    // Escaped operators and '#' are word text.
    EXPECT_WORDS("echo \\> x", "echo", ">", "x");
    EXPECT_WORDS("echo \\>\\>x", "echo", ">>x");
    EXPECT_WORDS("echo a\\>b", "echo", "a>b");
    EXPECT_WORDS("echo \\<", "echo", "<");
    EXPECT_WORDS("echo \\&", "echo", "&");
    EXPECT_WORDS("echo \\#x y", "echo", "#x", "y");
    // An escaped blank alone is a word.
    EXPECT_WORDS("a \\  b", "a", " ", "b");
}

static void TestQuotedOperators(void **state)
{
    (void)state;
    EXPECT_WORDS("echo \">\" x", "echo", ">", "x");
    EXPECT_WORDS("echo \">>\"", "echo", ">>");
    EXPECT_WORDS("echo \"<\"", "echo", "<");
    EXPECT_WORDS("echo \"&\"", "echo", "&");
    EXPECT_WORDS("echo \"#\" x", "echo", "#", "x");
    EXPECT_WORDS("echo a\">\"b", "echo", "a>b");
}

static void TestComments(void **state)
{
    (void)state;
    EXPECT_WORDS("echo hi # there", "echo", "hi");
    EXPECT_WORDS("echo hi #there \"x", "echo", "hi");
    EXPECT_WORDS("echo hi\t#x", "echo", "hi");
    // '#' inside or at the end of a word is plain.
    EXPECT_WORDS("echo a#b c#", "echo", "a#b", "c#");
    EXPECT_WORDS("echo x\"#\"y", "echo", "x#y");
    EXPECT_WORDS("echo '#' x", "echo", "'#'", "x");
    // After an operator, a '#' begins a word, so it starts a comment.
    EXPECT_PARSE("sleep 1&#x", WORDS("sleep", "1"), NONE, NULL, 1);
    EXPECT_PARSE("sleep 1 & # in the background", WORDS("sleep", "1"), NONE, NULL, 1);
    EXPECT_PARSE("echo > out # comment", WORDS("echo"), WRITE, "out", 0);
    EXPECT_ERROR("echo >#x", CMDLINE_E_TARGET, "missing redirection target");
}

static void TestBackground(void **state)
{
    (void)state;
    EXPECT_PARSE("sleep 5 &", WORDS("sleep", "5"), NONE, NULL, 1);
    EXPECT_PARSE("sleep 5&", WORDS("sleep", "5"), NONE, NULL, 1);
    EXPECT_PARSE("sleep 5 &  \t", WORDS("sleep", "5"), NONE, NULL, 1);
    EXPECT_PARSE("&", NO_WORDS, NONE, NULL, 1);
    EXPECT_PARSE("\"a b\" &", WORDS("a b"), NONE, NULL, 1);
    EXPECT_PARSE("sleep 5", WORDS("sleep", "5"), NONE, NULL, 0);
}

static void TestBackgroundErrors(void **state)
{
    (void)state;
    EXPECT_ERROR("a & b", CMDLINE_E_AMPERSAND, "'&' must come last");
    EXPECT_ERROR("a &b", CMDLINE_E_AMPERSAND, "'&' must come last");
    EXPECT_ERROR("a&b", CMDLINE_E_AMPERSAND, "'&' must come last");
    EXPECT_ERROR("& a", CMDLINE_E_AMPERSAND, "'&' must come last");
    EXPECT_ERROR("a & &", CMDLINE_E_AMPERSAND, "'&' must come last");
    EXPECT_ERROR("a && b", CMDLINE_E_AMPERSAND, "'&' must come last");
    EXPECT_ERROR("a & > out", CMDLINE_E_AMPERSAND, "'&' must come last");
    EXPECT_ERROR("a & \"\"", CMDLINE_E_AMPERSAND, "'&' must come last");
}

static void TestRedirection(void **state)
{
    (void)state;
    EXPECT_PARSE("echo hi > out", WORDS("echo", "hi"), WRITE, "out", 0);
    EXPECT_PARSE("echo hi >out", WORDS("echo", "hi"), WRITE, "out", 0);
    EXPECT_PARSE("echo hi>out", WORDS("echo", "hi"), WRITE, "out", 0);
    EXPECT_PARSE("echo hi >> log", WORDS("echo", "hi"), APPEND, "log", 0);
    EXPECT_PARSE("echo hi >>log", WORDS("echo", "hi"), APPEND, "log", 0);
    EXPECT_PARSE("echo hi>>log", WORDS("echo", "hi"), APPEND, "log", 0);
    // Anywhere among the words; the words after it are still arguments.
    EXPECT_PARSE(">out echo hi", WORDS("echo", "hi"), WRITE, "out", 0);
    EXPECT_PARSE("echo >> log hi there", WORDS("echo", "hi", "there"), APPEND, "log", 0);
    // The target is a word like any other.
    EXPECT_PARSE("echo > \"my file\"", WORDS("echo"), WRITE, "my file", 0);
    EXPECT_PARSE("echo >\"a b\"c", WORDS("echo"), WRITE, "a bc", 0);
    EXPECT_PARSE("echo >a\\ b", WORDS("echo"), WRITE, "a b", 0);
    EXPECT_PARSE("echo >a#b", WORDS("echo"), WRITE, "a#b", 0);
    EXPECT_PARSE("echo > \"\"", WORDS("echo"), WRITE, "", 0);
    EXPECT_PARSE("echo > \">\"", WORDS("echo"), WRITE, ">", 0);
    // With '&' after it.
    EXPECT_PARSE("cmd > out &", WORDS("cmd"), WRITE, "out", 1);
    EXPECT_PARSE("cmd>>out&", WORDS("cmd"), APPEND, "out", 1);
    // Without a command: the shell decides.
    EXPECT_PARSE("> out", NO_WORDS, WRITE, "out", 0);
}

static void TestRedirectionErrors(void **state)
{
    (void)state;
    EXPECT_ERROR("echo >", CMDLINE_E_TARGET, "missing redirection target");
    EXPECT_ERROR("echo >>", CMDLINE_E_TARGET, "missing redirection target");
    EXPECT_ERROR("echo >  \t", CMDLINE_E_TARGET, "missing redirection target");
    EXPECT_ERROR("echo > # comment", CMDLINE_E_TARGET, "missing redirection target");
    EXPECT_ERROR("echo > &", CMDLINE_E_TARGET, "missing redirection target");
    EXPECT_ERROR("echo >&", CMDLINE_E_TARGET, "missing redirection target");
    EXPECT_ERROR("echo > > x", CMDLINE_E_TARGET, "missing redirection target");
    EXPECT_ERROR("echo >>> x", CMDLINE_E_TARGET, "missing redirection target");
    EXPECT_ERROR(">", CMDLINE_E_TARGET, "missing redirection target");
    EXPECT_ERROR("echo > a > b", CMDLINE_E_REDIRECT, "more than one redirection");
    EXPECT_ERROR("echo > a >> b", CMDLINE_E_REDIRECT, "more than one redirection");
    EXPECT_ERROR("echo >>a>b", CMDLINE_E_REDIRECT, "more than one redirection");
    EXPECT_ERROR("echo >a x >", CMDLINE_E_REDIRECT, "more than one redirection");
}

static void TestInputRedirection(void **state)
{
    (void)state;
    EXPECT_ERROR("cat < file", CMDLINE_E_INPUT, "input redirection is not supported");
    EXPECT_ERROR("cat <file", CMDLINE_E_INPUT, "input redirection is not supported");
    EXPECT_ERROR("a<b", CMDLINE_E_INPUT, "input redirection is not supported");
    EXPECT_ERROR("<", CMDLINE_E_INPUT, "input redirection is not supported");
    EXPECT_ERROR("cat > out < in", CMDLINE_E_INPUT, "input redirection is not supported");
}

static void TestQuoteAndBackslashErrors(void **state)
{
    (void)state;
    EXPECT_ERROR("\"", CMDLINE_E_QUOTE, "unterminated quote");
    EXPECT_ERROR("echo \"abc", CMDLINE_E_QUOTE, "unterminated quote");
    EXPECT_ERROR("echo a\"b c", CMDLINE_E_QUOTE, "unterminated quote");
    EXPECT_ERROR("echo \"a\\\"", CMDLINE_E_QUOTE, "unterminated quote");    // "a\"
    EXPECT_ERROR("echo \"\"\"", CMDLINE_E_QUOTE, "unterminated quote");
    EXPECT_ERROR("echo > \"out", CMDLINE_E_QUOTE, "unterminated quote");
    EXPECT_ERROR("echo \"#\" \"", CMDLINE_E_QUOTE, "unterminated quote");
    EXPECT_ERROR("echo a\\", CMDLINE_E_BACKSLASH, "backslash at end of line");
    EXPECT_ERROR("\\", CMDLINE_E_BACKSLASH, "backslash at end of line");
    EXPECT_ERROR("echo \\\\\\", CMDLINE_E_BACKSLASH, "backslash at end of line");
}

// The first problem from the left is the one reported.
static void TestLeftmostErrorWins(void **state)
{
    (void)state;
    EXPECT_ERROR("a & \"b", CMDLINE_E_AMPERSAND, "'&' must come last");
    EXPECT_ERROR("\"b & <", CMDLINE_E_QUOTE, "unterminated quote");
    EXPECT_ERROR("a > \"b", CMDLINE_E_QUOTE, "unterminated quote");
    EXPECT_ERROR("a > & \"b", CMDLINE_E_TARGET, "missing redirection target");
    EXPECT_ERROR("a > b > \"c", CMDLINE_E_REDIRECT, "more than one redirection");
    EXPECT_ERROR("a > b > c < d", CMDLINE_E_REDIRECT, "more than one redirection");
    EXPECT_ERROR("a < b > c > d", CMDLINE_E_INPUT, "input redirection is not supported");
}

static void TestNullLine(void **state)
{
    CmdlineResult r;

    (void)state;
    memset(&r, 0xa5, sizeof(r));
    assert_int_equal(CmdlineParse(NULL, &r), CMDLINE_E_INVAL);
    assert_string_equal(r.error, "no line to parse");
    assert_int_equal(r.argc, 0);
    assert_null(r.argv[0]);
}

static void TestLineLength(void **state)
{
    char line[CMDLINE_LINE_MAX + 64], word[CMDLINE_LINE_MAX];

    (void)state;
    // Exactly CMDLINE_LINE_MAX bytes is fine, whatever they hold.
    Fill(line, ' ', CMDLINE_LINE_MAX);
    line[0] = 'a';
    EXPECT_WORDS(line, "a");
    Fill(line, 'x', CMDLINE_LINE_MAX);
    line[0] = '#';
    EXPECT_PARSE(line, NO_WORDS, NONE, NULL, 0);
    snprintf(line, sizeof(line), "%s &", Fill(word, 'w', CMDLINE_LINE_MAX - 2));
    assert_int_equal(strlen(line), CMDLINE_LINE_MAX);
    EXPECT_PARSE(line, WORDS(word), NONE, NULL, 1);
    // One byte more is too long, even blank or a comment.
    Fill(line, ' ', CMDLINE_LINE_MAX + 1);
    EXPECT_ERROR(line, CMDLINE_E_LONG, "line too long");
    Fill(line, 'x', CMDLINE_LINE_MAX + 1);
    line[0] = '#';
    EXPECT_ERROR(line, CMDLINE_E_LONG, "line too long");
    Fill(line, 'a', CMDLINE_LINE_MAX + 40);
    EXPECT_ERROR(line, CMDLINE_E_LONG, "line too long");
    // The length is checked before anything else.
    Fill(line, ' ', CMDLINE_LINE_MAX + 1);
    line[0] = '"';
    EXPECT_ERROR(line, CMDLINE_E_LONG, "line too long");
}

static void TestTextBuffer(void **state)
{
    char line[3 * CMDLINE_LINE_MAX], a[CMDLINE_TEXT_MAX + 1], b[CMDLINE_TEXT_MAX + 1];
    int half = CMDLINE_TEXT_MAX / 2 - 1;

    (void)state;
    // One word and its NUL fill the buffer exactly.
    Fill(a, 'a', CMDLINE_TEXT_MAX - 1);
    EXPECT_WORDS(a, a);
    // One byte more does not fit (the line itself is not too long).
    Fill(a, 'a', CMDLINE_TEXT_MAX);
    EXPECT_ERROR(a, CMDLINE_E_TEXT, "arguments too long");
    // Two words and their NULs, exactly.
    Fill(a, 'a', (size_t)half);
    Fill(b, 'b', (size_t)half);
    snprintf(line, sizeof(line), "%s %s", a, b);
    EXPECT_WORDS(line, a, b);
    snprintf(line, sizeof(line), "%s %sb", a, b);
    assert_int_equal(strlen(line), CMDLINE_LINE_MAX);
    EXPECT_ERROR(line, CMDLINE_E_TEXT, "arguments too long");
    // The target's text counts too.
    Fill(a, 'a', CMDLINE_TEXT_MAX - 3);
    snprintf(line, sizeof(line), "%s>t", a);
    EXPECT_PARSE(line, WORDS(a), WRITE, "t", 0);
    snprintf(line, sizeof(line), "%s>tt", a);
    assert_int_equal(strlen(line), CMDLINE_LINE_MAX);
    EXPECT_ERROR(line, CMDLINE_E_TEXT, "arguments too long");
    // An empty word takes a byte for its NUL (1022 + 1 here). Since every
    // word but the last ends at a blank or an operator, the text needs at
    // most one byte more than the line: only a full line can overflow.
    Fill(a, 'a', CMDLINE_TEXT_MAX - 3);
    snprintf(line, sizeof(line), "%s \"\"", a);
    EXPECT_WORDS(line, a, "");
    snprintf(line, sizeof(line), "%s>\"\"", a);
    EXPECT_PARSE(line, WORDS(a), WRITE, "", 0);
}

static void TestWordLimit(void **state)
{
    char line[CMDLINE_LINE_MAX + 1];
    const char *words[CMDLINE_MAX_WORDS + 1];

    (void)state;
    for (int i = 0; i < CMDLINE_MAX_WORDS; i++)
        words[i] = "w";
    words[CMDLINE_MAX_WORDS] = NULL;
    EXPECT_PARSE(Repeat(line, sizeof(line), "w", CMDLINE_MAX_WORDS, ""), words, NONE, NULL, 0);
    EXPECT_ERROR(Repeat(line, sizeof(line), "w", CMDLINE_MAX_WORDS + 1, ""), CMDLINE_E_WORDS,
                 "too many arguments");
    EXPECT_ERROR(Repeat(line, sizeof(line), "w", CMDLINE_MAX_WORDS + 20, ""), CMDLINE_E_WORDS,
                 "too many arguments");
    // The target, '&' and a comment are not words.
    EXPECT_PARSE(Repeat(line, sizeof(line), "w", CMDLINE_MAX_WORDS, " >> out & # x y"), words,
                 APPEND, "out", 1);
    EXPECT_ERROR(Repeat(line, sizeof(line), "w", CMDLINE_MAX_WORDS, " \"\""), CMDLINE_E_WORDS,
                 "too many arguments");
    // The 33rd word is refused where it starts, before it is read.
    EXPECT_ERROR(Repeat(line, sizeof(line), "w", CMDLINE_MAX_WORDS, " \"open"), CMDLINE_E_WORDS,
                 "too many arguments");
    EXPECT_ERROR(Repeat(line, sizeof(line), "w", CMDLINE_MAX_WORDS - 1, " \"open"),
                 CMDLINE_E_QUOTE, "unterminated quote");
    // Empty words count.
    for (int i = 0; i < CMDLINE_MAX_WORDS; i++)
        words[i] = "";
    EXPECT_PARSE(Repeat(line, sizeof(line), "\"\"", CMDLINE_MAX_WORDS, ""), words, NONE, NULL, 0);
}

// The same line gives the same result, byte for byte, whatever was in out.
static void TestStable(void **state)
{
    static const char *const lines[] = {
        "", "ls -l", "echo \"a b\" c\\ d >> \"log file\" &", "a\"\"b # c",
        "echo > a > b", "\"open", "x <y",
    };
    CmdlineResult first, second, other;

    (void)state;
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        int rc1, rc2, rc3;

        memset(&first, 0x11, sizeof(first));
        rc1 = CmdlineParse(lines[i], &first);
        memset(&second, 0xee, sizeof(second));
        rc2 = CmdlineParse(lines[i], &second);
        assert_int_equal(rc1, rc2);
        // The result holds no pointers into the line, so two results
        // differ only by where their buffers are.
        assert_int_equal(first.argc, second.argc);
        for (int w = 0; w < first.argc; w++) {
            assert_int_equal(first.argv[w] - first.text, second.argv[w] - second.text);
            assert_string_equal(first.argv[w], second.argv[w]);
        }
        assert_memory_equal(first.text, second.text, sizeof(first.text));
        // Parsed again into the same result, after something else.
        CmdlineParse(Repeat((char[CMDLINE_LINE_MAX + 1]){ 0 }, CMDLINE_LINE_MAX + 1, "zz",
                            CMDLINE_MAX_WORDS, " >> t &"), &first);
        memcpy(&other, &second, sizeof(other));
        rc3 = CmdlineParse(lines[i], &second);
        assert_int_equal(rc3, rc1);
        assert_memory_equal(&other, &second, sizeof(other));
        CmdlineParse(lines[i], &first);
        assert_int_equal(first.argc, second.argc);
        assert_memory_equal(first.text, second.text, sizeof(first.text));
        assert_int_equal(first.redirect, second.redirect);
        assert_int_equal(first.background, second.background);
        assert_ptr_equal(first.error, second.error);
    }
}

// The line is only read, and may sit in read-only memory.
static void TestLineUntouched(void **state)
{
    char line[] = "echo \"a\\\"b\" c\\ d >out &";
    char copy[sizeof(line)];
    CmdlineResult r;

    (void)state;
    memcpy(copy, line, sizeof(line));
    assert_int_equal(CmdlineParse(line, &r), 0);
    assert_memory_equal(line, copy, sizeof(line));
    assert_true(r.argv[0] < r.argv[1] && r.argv[1] < r.argv[2]);
    assert_string_equal(r.argv[1], "a\"b");
    assert_string_equal(r.argv[2], "c d");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestEmptyLines),
        cmocka_unit_test(TestBlankSeparation),
        cmocka_unit_test(TestDoubleQuotes),
        cmocka_unit_test(TestBackslashInQuotes),
        cmocka_unit_test(TestBackslashOutsideQuotes),
        cmocka_unit_test(TestQuotedOperators),
        cmocka_unit_test(TestComments),
        cmocka_unit_test(TestBackground),
        cmocka_unit_test(TestBackgroundErrors),
        cmocka_unit_test(TestRedirection),
        cmocka_unit_test(TestRedirectionErrors),
        cmocka_unit_test(TestInputRedirection),
        cmocka_unit_test(TestQuoteAndBackslashErrors),
        cmocka_unit_test(TestLeftmostErrorWins),
        cmocka_unit_test(TestNullLine),
        cmocka_unit_test(TestLineLength),
        cmocka_unit_test(TestTextBuffer),
        cmocka_unit_test(TestWordLimit),
        cmocka_unit_test(TestStable),
        cmocka_unit_test(TestLineUntouched),
    };

    return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
