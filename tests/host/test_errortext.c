// Host unit tests for lib/errortext.c (the texts the shell prints for
// E_* codes).
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <clanker/error.h>
#include <lib/errortext.h>

// Every code the shell names, with the text a user sees.
static void TestKnownCodes(void **state)
{
    static const struct { int err; const char *text; } cases[] = {
        { E_NOENT, "no such file" },         { E_NOTDIR, "not a directory" },
        { E_ISDIR, "is a directory" },       { E_EXIST, "already exists" },
        { E_NOTEMPTY, "directory not empty" }, { E_PERM, "permission denied" },
        { E_BADF, "bad handle" },            { E_NOSPC, "no space left" },
        { E_NOMEM, "out of memory" },        { E_PIPE, "server went away" },
        { E_TIMEDOUT, "timed out" },         { E_INVAL, "invalid argument" },
        { E_NOSYS, "not supported" },        { E_AGAIN, "server busy" },
        { E_SRCH, "no such process" },       { E_NAMETOOLONG, "name too long" },
        { E_IO, "input/output error" },     { E_ROFS, "read-only" },
        { E_RANGE, "out of range" },         { E_NXIO, "no such device" },
        { E_FBIG, "file too large" },        { E_MSGSIZE, "message too long" },
        { E_NOEXEC, "not an executable" },   { E_FAULT, "bad address" },
        { E_BUSY, "busy" },                  { E_XDEV, "not on the same server" },
        { E_CHILD, "no such child" },        { E_INTR, "interrupted" },
        { E_NODEV, "not supported by the device" },
        { E_ACCES, "access denied" },        { E_LOOP, "too many links" },
        { E_CANCELED, "cancelled" },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(ErrorText(cases[i].err), cases[i].text);
}

// Every code include/clanker/error.h defines has a text of its own, not
// the number a code without one is printed as.
static void TestEveryCodeHasText(void **state)
{
    static const int codes[] = {
        E_PERM, E_NOENT, E_SRCH, E_INTR, E_IO, E_NXIO, E_NOEXEC, E_BADF, E_CHILD,
        E_AGAIN, E_NOMEM, E_FAULT, E_BUSY, E_EXIST, E_XDEV, E_NODEV, E_NOTDIR,
        E_ISDIR, E_INVAL, E_FBIG, E_NOSPC, E_ROFS, E_PIPE, E_RANGE, E_NAMETOOLONG,
        E_NOSYS, E_NOTEMPTY, E_MSGSIZE, E_TIMEDOUT, E_ACCES, E_LOOP, E_CANCELED,
    };

    (void)state;
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        const char *text = ErrorText(codes[i]);
        if (strncmp(text, "error ", 6) == 0)
            fail_msg("code %d has no text (%s)", codes[i], text);
    }
}

// Codes without a text, in the table's gaps and past either end.
static void TestUnknownCodes(void **state)
{
    (void)state;
    assert_string_equal(ErrorText(-7), "error -7");
    assert_string_equal(ErrorText(-15), "error -15");
    assert_string_equal(ErrorText(-111), "error -111");
    assert_string_equal(ErrorText(-2147483647 - 1), "error -2147483648");
    assert_string_equal(ErrorText(0), "error 0");
    assert_string_equal(ErrorText(7), "error 7");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestKnownCodes),
        cmocka_unit_test(TestEveryCodeHasText),
        cmocka_unit_test(TestUnknownCodes),
    };

    return cmocka_run_group_tests_name("errortext", tests, NULL, NULL);
}
