// Host unit tests for lib/shellparse.c: the shell's grammar.
//
// Each case parses a line and prints the result in one compact form:
// pipelines separated by their join (";" "&" "&&" "||"), commands by
// " | ", each command's words expanded and in brackets, with "<in",
// ">out" or ">>out" after them. Errors are checked by code and reason.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <lib/shellparse.h>

static const char *Lookup(const char *name, size_t length, void *context)
{
    (void)context;
    if (length == 1 && name[0] == '?')
        return "1";
    if (length == 4 && memcmp(name, "HOME", 4) == 0)
        return "home:/";
    if (length == 3 && memcmp(name, "TWO", 3) == 0)
        return "a b";
    if (length == 5 && memcmp(name, "EMPTY", 5) == 0)
        return "";
    return NULL;
}

static void Word(const ShellScript *s, ShellWord w, char *text, size_t capacity, const char *before)
{
    char value[256];
    int keep;

    assert_true(ShellExpand(s, w, Lookup, NULL, value, sizeof(value), &keep) >= 0);
    if (keep)
        snprintf(text + strlen(text), capacity - strlen(text), "%s[%s]", before, value);
}

// The compact form of line's parse.
static void Show(const char *line, char *text, size_t capacity)
{
    static const char *joins[] = { "", " ; ", " & ", " && ", " || " };
    static ShellScript s;

    text[0] = '\0';
    assert_int_equal(ShellParse(line, &s), 0);
    assert_null(s.error);
    for (int p = 0; p < s.pipelineCount; p++) {
        const ShellPipeline *pl = &s.pipelines[p];
        for (int i = 0; i < pl->count; i++) {
            const ShellCommand *c = &s.commands[pl->first + i];
            if (i > 0)
                snprintf(text + strlen(text), capacity - strlen(text), " | ");
            for (int w = 0; w < c->argc; w++)
                Word(&s, c->argv[w], text, capacity, "");
            if (c->hasInput)
                Word(&s, c->input, text, capacity, "<");
            if (c->output != SHELL_OUTPUT_NONE)
                Word(&s, c->target, text, capacity,
                     c->output == SHELL_OUTPUT_WRITE ? ">" : ">>");
        }
        snprintf(text + strlen(text), capacity - strlen(text), "%s", joins[pl->join]);
    }
}

#define EXPECT(line, want) do {                 \
        char got_[1024];                        \
        Show(line, got_, sizeof(got_));         \
        assert_string_equal(got_, want);        \
    } while (0)

static void ExpectError(const char *line, int code, const char *reason)
{
    static ShellScript s;

    assert_int_equal(ShellParse(line, &s), code);
    assert_non_null(s.error);
    assert_string_equal(s.error, reason);
    assert_int_equal(s.pipelineCount, 0);
    assert_int_equal(s.commandCount, 0);
}

static void TestWords(void **state)
{
    (void)state;
    EXPECT("", "");
    EXPECT("   # a comment", "");
    EXPECT("echo hi", "[echo][hi]");
    EXPECT("echo 'a b' \"c d\" e\\ f", "[echo][a b][c d][e f]");
    EXPECT("echo a#b # rest", "[echo][a#b]");
}

static void TestOperators(void **state)
{
    (void)state;
    EXPECT("a | b | c", "[a] | [b] | [c]");
    EXPECT("a|b", "[a] | [b]");
    EXPECT("a ; b", "[a] ; [b]");
    EXPECT("a && b || c", "[a] && [b] || [c]");
    EXPECT("a &", "[a] & ");
    EXPECT("a & b", "[a] & [b]");
    EXPECT("a;", "[a] ; ");
    EXPECT("cat < in | wc > out", "[cat]<[in] | [wc]>[out]");
    EXPECT("echo x >> log", "[echo][x]>>[log]");
    EXPECT("> empty", ">[empty]");
    EXPECT("echo '|' \"&&\"", "[echo][|][&&]");
}

static void TestExpansion(void **state)
{
    (void)state;
    EXPECT("echo $? $HOME ${HOME}x", "[echo][1][home:/][home:/x]");
    EXPECT("echo '$HOME' \"$HOME\" \\$HOME", "[echo][$HOME][home:/][$HOME]");
    EXPECT("echo $TWO", "[echo][a b]");             // one word, not split
    EXPECT("echo $UNSET end", "[echo][end]");       // dropped
    EXPECT("echo \"$UNSET\" end", "[echo][][end]"); // kept: quoted
    EXPECT("echo $ a$", "[echo][$][a$]");
}

static void TestErrors(void **state)
{
    char line[SHELL_LINE_MAX + 2];
    char many[512] = "x";

    (void)state;
    ExpectError("echo 'open", SHELL_E_QUOTE, "unterminated quote");
    ExpectError("echo \"open", SHELL_E_QUOTE, "unterminated quote");
    ExpectError("echo x\\", SHELL_E_BACKSLASH, "backslash at end of line");
    ExpectError("| a", SHELL_E_MISSING, "missing command before '|'");
    ExpectError("a | | b", SHELL_E_MISSING, "missing command after '|'");
    ExpectError("a && ;", SHELL_E_MISSING, "missing command after '&&'");
    ExpectError("a ||", SHELL_E_MISSING, "missing command after '||'");
    ExpectError("a ; ; b", SHELL_E_MISSING, "missing command before ';'");
    ExpectError("echo >", SHELL_E_TARGET, "missing redirection target");
    ExpectError("echo > | b", SHELL_E_TARGET, "missing redirection target");
    ExpectError("echo > a > b", SHELL_E_REDIRECT, "more than one redirection");
    ExpectError("echo ${", SHELL_E_SUBST, "bad substitution");
    ExpectError("echo ${1}", SHELL_E_SUBST, "bad substitution");
    memset(line, 'a', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    ExpectError(line, SHELL_E_LONG, "line too long");
    for (int i = 0; i < SHELL_WORDS_MAX; i++)
        strcat(many, " x");
    ExpectError(many, SHELL_E_WORDS, "too many arguments");
    strcpy(many, "a");
    for (int i = 0; i < SHELL_COMMANDS_MAX; i++)
        strcat(many, "|a");
    ExpectError(many, SHELL_E_COMMANDS, "too many commands");
    ExpectError(NULL, SHELL_E_INVAL, "no line to parse");
}

static void TestExpandOverflow(void **state)
{
    static ShellScript s;
    char small[4];
    int keep;

    (void)state;
    assert_int_equal(ShellParse("echo $HOME", &s), 0);
    assert_int_equal(ShellExpand(&s, s.commands[0].argv[1], Lookup, NULL, small, sizeof(small), &keep),
                     SHELL_E_TEXT);
    assert_string_equal(small, "");
}

static void TestWordAt(void **state)
{
    ShellCursor c;

    (void)state;
    ShellWordAt("ca", 2, &c);
    assert_int_equal(c.start, 0);
    assert_true(c.command);
    ShellWordAt("cat fs:ro", 9, &c);
    assert_int_equal(c.start, 4);
    assert_false(c.command);
    ShellWordAt("ls | bu", 7, &c);
    assert_int_equal(c.start, 5);
    assert_true(c.command);
    ShellWordAt("echo x > fs:t", 13, &c);
    assert_int_equal(c.start, 9);
    assert_false(c.command);
    ShellWordAt("echo ", 5, &c);
    assert_int_equal(c.start, 5);
    assert_false(c.command);
    ShellWordAt("cat 'a b", 8, &c);         // an open quote is tolerated
    assert_int_equal(c.start, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestWords),
        cmocka_unit_test(TestOperators),
        cmocka_unit_test(TestExpansion),
        cmocka_unit_test(TestErrors),
        cmocka_unit_test(TestExpandOverflow),
        cmocka_unit_test(TestWordAt),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
