// Host unit tests for lib/format.c (Format, FormatV, FormatToSink).
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <lib/format.h>

// Format without the printf format attribute, for format strings that the
// compiler would reject (unknown conversions, a trailing '%').
static int FormatLoose(char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    int n;

    va_start(args, fmt);
    n = FormatV(buf, size, fmt, args);
    va_end(args);
    return n;
}

// Format into a roomy buffer and check both the text and the return value.
#define EXPECT_FORMAT(expected, ...)                                        \
    do {                                                                    \
        char out_[256];                                                     \
        memset(out_, 'Z', sizeof(out_));                                    \
        int n_ = Format(out_, sizeof(out_), __VA_ARGS__);                   \
        assert_string_equal(out_, (expected));                              \
        assert_int_equal(n_, (int)strlen(expected));                        \
    } while (0)

// Like EXPECT_FORMAT, for formats the compiler's format check dislikes.
#define EXPECT_LOOSE(expected, ...)                                         \
    do {                                                                    \
        char out_[256];                                                     \
        memset(out_, 'Z', sizeof(out_));                                    \
        int n_ = FormatLoose(out_, sizeof(out_), __VA_ARGS__);              \
        assert_string_equal(out_, (expected));                              \
        assert_int_equal(n_, (int)strlen(expected));                        \
    } while (0)

// Format and snprintf must agree on text and length (standard conversions).
#define EXPECT_LIKE_LIBC(...)                                               \
    do {                                                                    \
        char ours_[256], libc_[256];                                        \
        int n_ = Format(ours_, sizeof(ours_), __VA_ARGS__);                 \
        int m_ = snprintf(libc_, sizeof(libc_), __VA_ARGS__);               \
        assert_string_equal(ours_, libc_);                                  \
        assert_int_equal(n_, m_);                                           \
    } while (0)

// Plain text and %% pass through unchanged.
static void TestPlainTextAndPercent(void **state)
{
    (void)state;
    EXPECT_FORMAT("", "%s", "");
    EXPECT_FORMAT("hello, world", "hello, world");
    EXPECT_FORMAT("100%", "100%%");
    EXPECT_FORMAT("%%x", "%%%%x");
    EXPECT_FORMAT("a%b", "a%%b");
}

// %d and %i print signed decimals, including the extremes of int.
static void TestSignedDecimal(void **state)
{
    (void)state;
    EXPECT_FORMAT("0", "%d", 0);
    EXPECT_FORMAT("42", "%d", 42);
    EXPECT_FORMAT("-42", "%i", -42);
    EXPECT_FORMAT("2147483647", "%d", INT_MAX);
    EXPECT_FORMAT("-2147483648", "%d", INT_MIN);
    EXPECT_FORMAT("-2147483648", "%i", INT_MIN);
    EXPECT_FORMAT("-1 0 1", "%d %d %d", -1, 0, 1);
}

// %u, %x and %X print unsigned values; int arguments are read as 32 bits.
static void TestUnsignedAndHex(void **state)
{
    (void)state;
    EXPECT_FORMAT("0", "%u", 0u);
    EXPECT_FORMAT("4294967295", "%u", UINT_MAX);
    EXPECT_FORMAT("4294967295", "%u", (unsigned)-1);
    EXPECT_FORMAT("0", "%x", 0u);
    EXPECT_FORMAT("deadbeef", "%x", 0xDEADBEEFu);
    EXPECT_FORMAT("DEADBEEF", "%X", 0xDEADBEEFu);
    EXPECT_FORMAT("ffffffff", "%x", UINT_MAX);
    EXPECT_FORMAT("abcdef01 ABCDEF01", "%x %X", 0xabcdef01u, 0xabcdef01u);
}

// l and ll read 64-bit arguments; the extremes print in full.
static void TestLengthModifiers(void **state)
{
    (void)state;
    EXPECT_FORMAT("-9223372036854775808", "%lld", (long long)INT64_MIN);
    EXPECT_FORMAT("9223372036854775807", "%lli", (long long)INT64_MAX);
    EXPECT_FORMAT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
    EXPECT_FORMAT("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
    EXPECT_FORMAT("FFFFFFFFFFFFFFFF", "%llX", (unsigned long long)UINT64_MAX);
    EXPECT_FORMAT("100000000", "%llx", 0x100000000ull);
    EXPECT_FORMAT("4294967296", "%llu", 4294967296ull);
    EXPECT_FORMAT("-1", "%lld", -1ll);
    EXPECT_LIKE_LIBC("%ld", LONG_MIN);
    EXPECT_LIKE_LIBC("%ld", LONG_MAX);
    EXPECT_LIKE_LIBC("%lu", ULONG_MAX);
    EXPECT_LIKE_LIBC("%lx", ULONG_MAX);
    // A 64-bit value after a 32-bit one: the argument list stays in step.
    EXPECT_FORMAT("7 123456789abcdef0 x", "%d %llx %c", 7, 0x123456789abcdef0ull, 'x');
}

// Widths pad with spaces on the left; '0' pads with zeros after the sign.
static void TestWidthAndZeroPad(void **state)
{
    (void)state;
    EXPECT_FORMAT("   42", "%5d", 42);
    EXPECT_FORMAT("00042", "%05d", 42);
    EXPECT_FORMAT("  -42", "%5d", -42);
    EXPECT_FORMAT("-0042", "%05d", -42);
    EXPECT_FORMAT("000000ff", "%08x", 0xFFu);
    EXPECT_FORMAT("  FF", "%4X", 0xFFu);
    EXPECT_FORMAT("12345", "%3d", 12345);          // width never truncates
    EXPECT_FORMAT("-12345", "%2d", -12345);
    EXPECT_FORMAT("-2147483648", "%011d", INT_MIN);
    EXPECT_FORMAT("-02147483648", "%012d", INT_MIN);
    EXPECT_FORMAT("0000000000000000000018446744073709551615", "%040llu",
                  (unsigned long long)UINT64_MAX);
    EXPECT_LIKE_LIBC("[%7d|%-7d|%07d]", -123, -123, -123);
    EXPECT_LIKE_LIBC("[%10u|%010x|%-10X]", 77u, 0xabcu, 0xabcu);
}

// '-' left-justifies and overrides '0'.
static void TestLeftJustify(void **state)
{
    (void)state;
    EXPECT_FORMAT("42   |", "%-5d|", 42);
    EXPECT_FORMAT("-42  |", "%-5d|", -42);
    EXPECT_FORMAT("ab   |", "%-5s|", "ab");
    EXPECT_FORMAT("x  |", "%-3c|", 'x');
    EXPECT_LOOSE("ff   |", "%-05x|", 0xFFu);
    EXPECT_LOOSE("42   |", "%0-5d|", 42);
    EXPECT_FORMAT("hello|", "%-3s|", "hello");
}

// %s and %c, with widths; '0' never zero-pads text; NULL prints (null).
static void TestStringsAndChars(void **state)
{
    const char *nothing = NULL;

    (void)state;
    EXPECT_FORMAT("kernel", "%s", "kernel");
    EXPECT_FORMAT("  abc", "%5s", "abc");
    EXPECT_LOOSE("  abc", "%05s", "abc");
    EXPECT_LOOSE("(null)", "%s", nothing);
    EXPECT_LOOSE("  (null)", "%8s", nothing);
    EXPECT_LOOSE("(null)  |", "%-8s|", nothing);
    EXPECT_FORMAT("A", "%c", 'A');
    EXPECT_FORMAT("  A", "%3c", 'A');
    EXPECT_LOOSE("  A", "%03c", 'A');
    EXPECT_FORMAT("a-b-c", "%c-%s-%c", 'a', "b", 'c');
}

// %c of a NUL byte emits one character that counts towards the length.
static void TestNulCharacter(void **state)
{
    char buf[8];
    int n;

    (void)state;
    memset(buf, 'Z', sizeof(buf));
    n = Format(buf, sizeof(buf), "a%cb", 0);
    assert_int_equal(n, 3);
    assert_int_equal(buf[0], 'a');
    assert_int_equal(buf[1], 0);
    assert_int_equal(buf[2], 'b');
    assert_int_equal(buf[3], 0);
}

// %p prints 0x and at least eight zero-padded lowercase hex digits.
static void TestPointer(void **state)
{
    char buf[64], expect[64];

    (void)state;
    EXPECT_FORMAT("0xdeadbeef", "%p", (void *)(uintptr_t)0xDEADBEEFu);
    EXPECT_FORMAT("0x00001234", "%p", (void *)(uintptr_t)0x1234u);
    EXPECT_FORMAT("0x00000000", "%p", (void *)NULL);
    EXPECT_FORMAT("[0x000000ab]", "[%p]", (void *)(uintptr_t)0xABu);
    // A full-width host pointer prints every digit.
    snprintf(expect, sizeof(expect), "0x%08llx", (unsigned long long)(uintptr_t)buf);
    assert_int_equal(Format(buf, sizeof(buf), "%p", (void *)buf), (int)strlen(expect));
    assert_string_equal(buf, expect);
}

// Unknown conversions are printed as written and take no argument; a lone
// trailing '%' is printed and formatting stops cleanly.
static void TestUnknownConversions(void **state)
{
    char buf[64];
    int n;

    (void)state;
    n = FormatLoose(buf, sizeof(buf), "%q%d", 5);
    assert_string_equal(buf, "%q5");
    assert_int_equal(n, 3);
    n = FormatLoose(buf, sizeof(buf), "abc%");
    assert_string_equal(buf, "abc%");
    assert_int_equal(n, 4);
    n = FormatLoose(buf, sizeof(buf), "%y %s", "ok");
    assert_string_equal(buf, "%y ok");
    assert_int_equal(n, 5);
}

// A many-argument mix agrees with the C library.
static void TestMixedAgainstLibc(void **state)
{
    (void)state;
    EXPECT_LIKE_LIBC("pid %d: %s at %08x (%u pages, %c) %-6s| %5i%%",
                     17, "init", 0xC0100000u, 256u, 'R', "ok", -3);
    for (int v = -1100; v <= 1100; v += 73)
        EXPECT_LIKE_LIBC("%d|%6d|%-6d|%06d|%x|%X|%u", v, v, v, v,
                         (unsigned)v, (unsigned)v, (unsigned)v);
}

// Truncation: the return value is the full length, the buffer holds the
// first size-1 characters and a NUL, and nothing past size is written.
static void TestTruncation(void **state)
{
    char buf[16];
    int n;

    (void)state;
    for (size_t size = 1; size <= 12; size++) {
        memset(buf, 'Z', sizeof(buf));
        n = Format(buf, size, "%s-%d", "abcdef", 1234);   // "abcdef-1234"
        assert_int_equal(n, 11);
        assert_int_equal(strlen(buf), size - 1 < 11 ? size - 1 : 11);
        assert_memory_equal(buf, "abcdef-1234", strlen(buf));
        for (size_t i = size; i < sizeof(buf); i++)
            assert_int_equal(buf[i], 'Z');
    }
    // Exactly fits: size = length + 1.
    memset(buf, 'Z', sizeof(buf));
    n = Format(buf, 4, "%d", 123);
    assert_int_equal(n, 3);
    assert_string_equal(buf, "123");
    // One short: the last digit is dropped.
    n = Format(buf, 3, "%d", 123);
    assert_int_equal(n, 3);
    assert_string_equal(buf, "12");
    // Padding counts too.
    n = Format(buf, 4, "%10d", 7);
    assert_int_equal(n, 10);
    assert_string_equal(buf, "   ");
}

// Size 0 writes nothing at all (buf may be NULL) but still measures.
static void TestSizeZero(void **state)
{
    char buf[4] = { 'Z', 'Z', 'Z', 'Z' };

    (void)state;
    assert_int_equal(Format(NULL, 0, "%s %d", "hello", 12345), 11);
    assert_int_equal(Format(buf, 0, "%s", "abc"), 3);
    assert_int_equal(buf[0], 'Z');
    assert_int_equal(Format(NULL, 0, "%lld", (long long)INT64_MIN), 20);
    assert_int_equal(FormatLoose(NULL, 0, ""), 0);
    memset(buf, 'Z', sizeof(buf));
    assert_int_equal(Format(buf, 1, "abc"), 3);
    assert_int_equal(buf[0], 0);
    assert_int_equal(buf[1], 'Z');
}

typedef struct SinkLog {
    char text[64];
    int calls;
} SinkLog;

static void LogSink(char c, void *context)
{
    SinkLog *log = context;

    if (log->calls < (int)sizeof(log->text) - 1)
        log->text[log->calls] = c;
    log->calls++;
}

static int SinkFormat(SinkLog *log, const char *fmt, ...)
{
    va_list args;
    int n;

    va_start(args, fmt);
    n = FormatToSink(LogSink, log, fmt, args);
    va_end(args);
    return n;
}

// FormatToSink hands over every character once, in order, and counts them.
static void TestSink(void **state)
{
    SinkLog log = { { 0 }, 0 };
    int n;

    (void)state;
    n = SinkFormat(&log, "[%3d|%s]", 5, "xy");
    assert_int_equal(n, 8);
    assert_int_equal(log.calls, 8);
    assert_string_equal(log.text, "[  5|xy]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestPlainTextAndPercent),
        cmocka_unit_test(TestSignedDecimal),
        cmocka_unit_test(TestUnsignedAndHex),
        cmocka_unit_test(TestLengthModifiers),
        cmocka_unit_test(TestWidthAndZeroPad),
        cmocka_unit_test(TestLeftJustify),
        cmocka_unit_test(TestStringsAndChars),
        cmocka_unit_test(TestNulCharacter),
        cmocka_unit_test(TestPointer),
        cmocka_unit_test(TestUnknownConversions),
        cmocka_unit_test(TestMixedAgainstLibc),
        cmocka_unit_test(TestTruncation),
        cmocka_unit_test(TestSizeZero),
        cmocka_unit_test(TestSink),
    };

    return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
