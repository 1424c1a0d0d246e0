// Host unit tests for lib/name.c: names joined to a working directory.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <lib/name.h>

// Join name to cwd and check the result (want NULL: an error, code).
static void Expect(const char *cwd, const char *name, const char *want, int code)
{
    char out[64];
    int n = NameJoin(cwd, name, out, sizeof(out));

    if (want) {
        assert_int_equal(n, (int)strlen(want));
        assert_string_equal(out, want);
    } else {
        assert_int_equal(n, code);
    }
}

static void TestRelative(void **state)
{
    (void)state;
    Expect("fs:root:", "hello.txt", "fs:root:hello.txt", 0);
    Expect("fs:root:", "bin/", "fs:root:bin/", 0);
    Expect("fs:root:bin/", "hello", "fs:root:bin/hello", 0);
    Expect("fs:temp:a/b/", "c/d", "fs:temp:a/b/c/d", 0);
    Expect("fs:root:", "a//b", "fs:root:a/b", 0);
}

static void TestDots(void **state)
{
    (void)state;
    Expect("fs:root:bin/", "..", "fs:root:", 0);
    Expect("fs:root:bin/", "../etc/boot.conf", "fs:root:etc/boot.conf", 0);
    Expect("fs:root:", "..", "fs:root:", 0);                 // never above the prefix
    Expect("fs:root:", "../../x", "fs:root:x", 0);
    Expect("fs:root:a/b/", ".", "fs:root:a/b/", 0);
    Expect("fs:root:a/b/", "./c/./d/..", "fs:root:a/b/c/", 0);
    Expect("fs:root:a/", "..", "fs:root:", 0);
}

static void TestAbsolute(void **state)
{
    (void)state;
    Expect("fs:root:bin/", "fs:temp:x", "fs:temp:x", 0);
    Expect("fs:root:bin/", "root:/x", "root:/x", 0);
    Expect("fs:root:", "proc:12:memory", "proc:12:memory", 0);
    Expect(NULL, "fs:root:a/../b", "fs:root:b", 0);
    Expect("fs:root:", "console:", "console:", 0);
    Expect("home:/", "a/../b", "home:/b", 0);
    Expect("home:/", "..", "home:/", 0);
}

static void TestBad(void **state)
{
    char small[8];

    (void)state;
    Expect("fs:root:", "", NULL, NAME_E_INVAL);
    Expect("nocolon/", "x", NULL, NAME_E_INVAL);
    Expect("fs:root:bin", "x", NULL, NAME_E_INVAL);           // cwd must end in ':' or '/'
    Expect(NULL, "x", NULL, NAME_E_INVAL);
    assert_int_equal(NameJoin("fs:root:", "hello.txt", small, sizeof(small)), NAME_E_LONG);
    assert_int_equal(NameJoin("fs:root:", "x", small, 0), NAME_E_INVAL);
    assert_int_equal(NameIsAbsolute("a:b"), 1);
    assert_int_equal(NameIsAbsolute("a/b"), 0);
    assert_int_equal(NamePrefixLength("proc:12:memory"), 8);
    assert_int_equal(NamePrefixLength("x"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestRelative),
        cmocka_unit_test(TestDots),
        cmocka_unit_test(TestAbsolute),
        cmocka_unit_test(TestBad),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
