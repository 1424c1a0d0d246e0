// Host unit tests for the window control commands (lib/windowctl.c):
// every form that parses, and every malformed text refused whole.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <clanker/error.h>
#include <lib/windowctl.h>

static WindowCtl cmds[WINDOW_CTL_MAX];

static int Parse(const char *text)
{
    memset(cmds, 0x5a, sizeof(cmds));
    return WindowCtlParse(text, (uint32_t)strlen(text), cmds, WINDOW_CTL_MAX);
}

static void TestEachCommand(void **state)
{
    (void)state;
    assert_int_equal(Parse("move 100 80\n"), 1);
    assert_int_equal(cmds[0].kind, WINDOW_CTL_MOVE);
    assert_int_equal(cmds[0].a, 100);
    assert_int_equal(cmds[0].b, 80);
    assert_int_equal(Parse("resize 400 300"), 1);
    assert_int_equal(cmds[0].kind, WINDOW_CTL_RESIZE);
    assert_int_equal(cmds[0].a, 400);
    assert_int_equal(cmds[0].b, 300);
    assert_int_equal(Parse("raise\r\n"), 1);
    assert_int_equal(cmds[0].kind, WINDOW_CTL_RAISE);
    assert_int_equal(Parse("close"), 1);
    assert_int_equal(cmds[0].kind, WINDOW_CTL_CLOSE);
    assert_int_equal(Parse("  move\t-20   -5  "), 1);
    assert_int_equal(cmds[0].a, -20);
    assert_int_equal(cmds[0].b, -5);
}

static void TestSeveralLinesAndBlanks(void **state)
{
    (void)state;
    assert_int_equal(Parse(""), 0);
    assert_int_equal(Parse("\n\n  \n"), 0);
    assert_int_equal(Parse("move 1 2\n\nraise\nresize 30 40\n"), 3);
    assert_int_equal(cmds[0].kind, WINDOW_CTL_MOVE);
    assert_int_equal(cmds[1].kind, WINDOW_CTL_RAISE);
    assert_int_equal(cmds[2].kind, WINDOW_CTL_RESIZE);
}

static void TestMalformedRefusedWhole(void **state)
{
    static const char *const bad[] = {
        "mov 1 2", "move", "move 1", "move 1 2 3", "move a b", "move 1 2x", "move - 2",
        "move 1234567 1", "raise now", "close 1", "MOVE 1 2", "move 1 2\nbogus",
        "move --1 2", "resize 10 10 10", "move 1\t2\x01", "raise\0", "move 1 2\n\x7f",
        "move 1 2 \x80",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint32_t n = (uint32_t)strlen(bad[i]) + (strcmp(bad[i], "raise") == 0);
        assert_int_equal(WindowCtlParse(bad[i], n, cmds, WINDOW_CTL_MAX), E_INVAL);
    }
    // A NUL inside the text.
    assert_int_equal(WindowCtlParse("raise\0raise", 11, cmds, WINDOW_CTL_MAX), E_INVAL);
}

static void TestRoomForCommands(void **state)
{
    char text[WINDOW_CTL_MAX * 8 + 16] = "";

    (void)state;
    for (int i = 0; i < WINDOW_CTL_MAX; i++)
        strcat(text, "raise\n");
    assert_int_equal(Parse(text), WINDOW_CTL_MAX);
    strcat(text, "raise\n");
    assert_int_equal(Parse(text), E_INVAL);
    assert_int_equal(WindowCtlParse("raise\nraise", 11, cmds, 1), E_INVAL);
    assert_int_equal(WindowCtlParse("move 999999 -999999", 19, cmds, 1), 1);
    assert_int_equal(cmds[0].a, 999999);
    assert_int_equal(cmds[0].b, -999999);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestEachCommand),
        cmocka_unit_test(TestSeveralLinesAndBlanks),
        cmocka_unit_test(TestMalformedRefusedWhole),
        cmocka_unit_test(TestRoomForCommands),
    };

    return cmocka_run_group_tests_name("windowctl", tests, NULL, NULL);
}
