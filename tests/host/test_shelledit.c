// Host unit tests for lib/shelledit.c: the shell's line editor. Each
// case feeds bytes and checks the line, the result and the echo.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <lib/shelledit.h>

static char echoed[4096];
static size_t echoedLength;

static void Collect(const char *text, uint32_t length, void *context)
{
    (void)context;
    assert_true(echoedLength + length < sizeof(echoed));
    memcpy(echoed + echoedLength, text, length);
    echoedLength += length;
    echoed[echoedLength] = '\0';
}

static ShellEditor editor;

static void Start(void)
{
    ShellEditInit(&editor, Collect, NULL);
    echoedLength = 0;
    echoed[0] = '\0';
}

// Feed bytes; return the last result.
static ShellEditResult Feed(const char *bytes)
{
    ShellEditResult r = SHELL_EDIT_MORE;

    for (; *bytes; bytes++)
        r = ShellEditFeed(&editor, (uint8_t)*bytes);
    return r;
}

static void TestPlainEchoesAsTheConsole(void **state)
{
    (void)state;
    Start();
    assert_int_equal(Feed("ls fs:root:"), SHELL_EDIT_MORE);
    assert_int_equal(Feed("\r"), SHELL_EDIT_LINE);
    assert_string_equal(editor.line, "ls fs:root:");
    assert_string_equal(echoed, "ls fs:root:\n");
    ShellEditReset(&editor);
    assert_int_equal(Feed("\n"), SHELL_EDIT_MORE);      // the rest of "\r\n"
    echoedLength = 0;
    assert_int_equal(Feed("ab\bc\x7f" "d\n"), SHELL_EDIT_LINE);
    assert_string_equal(editor.line, "ad");
    assert_string_equal(echoed, "ab\b \bc\b \bd\n");
}

static void TestKillAndControl(void **state)
{
    (void)state;
    Start();
    Feed("abc\x15");
    assert_string_equal(editor.line, "");
    assert_string_equal(echoed, "abc\b \b\b \b\b \b");
    assert_int_equal(Feed("\x04"), SHELL_EDIT_END);
    Feed("x");
    assert_int_equal(Feed("\x04"), SHELL_EDIT_MORE);    // not at an empty line
    assert_int_equal(Feed("\x03"), SHELL_EDIT_INTERRUPT);
    assert_string_equal(editor.line, "");
    assert_int_equal(Feed("\t"), SHELL_EDIT_TAB);
    Feed("\x01\x02\x7f");                               // harmless on an empty line
    assert_int_equal(editor.length, 0);
}

static void TestCursor(void **state)
{
    (void)state;
    Start();
    Feed("ac\x1b[Db");
    assert_string_equal(editor.line, "abc");
    assert_int_equal(editor.cursor, 2);
    assert_string_equal(echoed, "ac\bbc\b");
    Feed("\x1b[H");
    assert_int_equal(editor.cursor, 0);
    Feed("\x1b[F\x1b[D\x7f");
    assert_string_equal(editor.line, "ac");
    Feed("\x1b[3~z");                                   // Delete: skipped
    assert_string_equal(editor.line, "azc");
    Feed("\x1b[C\x1b[C\x1b[C");                         // not past the end
    assert_int_equal(editor.cursor, 3);
}

static void TestHistory(void **state)
{
    (void)state;
    Start();
    ShellEditRemember(&editor, "first");
    ShellEditRemember(&editor, "second");
    ShellEditRemember(&editor, "second");               // no repeat
    ShellEditRemember(&editor, "");
    assert_int_equal(editor.historyCount, 2);
    ShellEditReset(&editor);
    Feed("dra");
    Feed("\x1b[A");
    assert_string_equal(editor.line, "second");
    Feed("\x1b[A\x1b[A");
    assert_string_equal(editor.line, "first");
    Feed("\x1bOB");
    assert_string_equal(editor.line, "second");
    Feed("\x1b[B");
    assert_string_equal(editor.line, "dra");
    Feed("\x1b[B");
    assert_string_equal(editor.line, "dra");
    for (int i = 0; i < SHELL_HISTORY_MAX + 5; i++) {
        char text[8] = { 'l', (char)('a' + i % 26), (char)('a' + i / 26), 0 };
        ShellEditRemember(&editor, text);
    }
    assert_int_equal(editor.historyCount, SHELL_HISTORY_MAX);
}

static void TestInsertAndFull(void **state)
{
    char big[SHELL_EDIT_MAX + 10];

    (void)state;
    Start();
    Feed("cat fs:ro");
    assert_int_equal(ShellEditInsert(&editor, "ot:", 3), 3);
    assert_string_equal(editor.line, "cat fs:root:");
    memset(big, 'x', sizeof(big));
    assert_int_equal(ShellEditInsert(&editor, big, sizeof(big)), SHELL_EDIT_MAX - 12);
    assert_int_equal(editor.length, SHELL_EDIT_MAX);
    Feed("y");
    assert_int_equal(editor.length, SHELL_EDIT_MAX);
    echoedLength = 0;
    ShellEditReset(&editor);
    Feed("ab\x1b[D");
    ShellEditRedraw(&editor, "> ");
    assert_string_equal(echoed, "ab\b> ab\b");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestPlainEchoesAsTheConsole),
        cmocka_unit_test(TestKillAndControl),
        cmocka_unit_test(TestCursor),
        cmocka_unit_test(TestHistory),
        cmocka_unit_test(TestInsertAndFull),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
