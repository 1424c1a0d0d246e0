// Host unit tests for lib/lineedit.c (the console's line discipline).
//
// A Session feeds bytes to an editor and records two things: the echo, as
// the screen would receive it, and the transcript, what a reader would
// get: each finished line as it is, "<END>" for each end of input. Most
// tests compare both with what a person at a terminal would expect.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <lib/lineedit.h>

#define LOG_MAX (64 * 1024)

typedef struct Session {
    LineEditor editor;
    char echo[LOG_MAX];
    size_t echoLength;
    char transcript[LOG_MAX];
    size_t transcriptLength;
    int lines, ends;
} Session;

static Session s;

static void Record(char *log, size_t *used, const char *text, size_t length)
{
    assert_true(*used + length < LOG_MAX);
    memcpy(log + *used, text, length);
    *used += length;
    log[*used] = '\0';
}

static void CaptureEcho(const char *text, uint32_t length, void *context)
{
    Session *session = context;

    assert_true(length >= 1 && length <= 3);
    Record(session->echo, &session->echoLength, text, length);
}

static void Start(Session *session)
{
    memset(session, 0, sizeof(*session));
    LineEditInit(&session->editor, CaptureEcho, session);
}

// Feed length bytes; note every finished line and end of input.
static void FeedBytes(Session *session, const char *bytes, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        LineEditResult r = LineEditFeed(&session->editor, (uint8_t)bytes[i]);
        if (r == LINE_EDIT_LINE) {
            assert_true(session->editor.length >= 1);
            assert_int_equal(session->editor.line[session->editor.length - 1], '\n');
            Record(session->transcript, &session->transcriptLength, session->editor.line,
                   session->editor.length);
            session->lines++;
        } else if (r == LINE_EDIT_END) {
            Record(session->transcript, &session->transcriptLength, "<END>", 5);
            session->ends++;
        } else {
            assert_int_equal(r, LINE_EDIT_MORE);
        }
    }
}

static void Feed(Session *session, const char *text)
{
    FeedBytes(session, text, strlen(text));
}

static void Expect(const char *input, const char *transcript, const char *echo)
{
    Start(&s);
    Feed(&s, input);
    assert_string_equal(s.transcript, transcript);
    assert_string_equal(s.echo, echo);
}

static void TestPrintableEchoedAndLineEnds(void **state)
{
    (void)state;
    Expect("hello\n", "hello\n", "hello\n");
    Expect("a b~!\n", "a b~!\n", "a b~!\n");
    Expect("\n", "\n", "\n");
    Expect("abc", "", "abc");               // not finished: nothing to read yet
}

static void TestCarriageReturn(void **state)
{
    (void)state;
    Expect("hi\r", "hi\n", "hi\n");
    Expect("hi\r\nyo\r\n", "hi\nyo\n", "hi\nyo\n");     // "\r\n" counts once
    Expect("a\n\rb\n", "a\n\nb\n", "a\n\nb\n");         // "\n\r" is two ends
    Expect("\r\r", "\n\n", "\n\n");
    Expect("\r\n\n", "\n\n", "\n\n");                   // only one '\n' is swallowed
    Expect("a\rb\n", "a\nb\n", "a\nb\n");
    Expect("a\r\x01\nb\n", "a\n\nb\n", "a\n\nb\n");     // anything between: no pair
}

static void TestBackspace(void **state)
{
    (void)state;
    Expect("ab\bc\n", "ac\n", "ab\b \bc\n");
    Expect("ab\x7f" "c\n", "ac\n", "ab\b \bc\n");
    Expect("abc\b\b\b\n", "\n", "abc\b \b\b \b\b \b\n");
}

static void TestBackspaceAtStartDoesNothing(void **state)
{
    (void)state;
    Expect("\b\x7f" "a\n", "a\n", "a\n");
    Expect("a\b\b\b\n", "\n", "a\b \b\n");
    Expect("x\n\b\by\n", "x\ny\n", "x\ny\n");         // a new line starts empty
}

static void TestKillLine(void **state)
{
    (void)state;
    Expect("abc\x15xy\n", "xy\n", "abc\b \b\b \b\b \bxy\n");
    Expect("\x15\x15" "a\n", "a\n", "a\n");
    Expect("a\n\x15" "b\n", "a\nb\n", "a\nb\n");
}

static void TestEndOfInput(void **state)
{
    (void)state;
    Expect("\x04", "<END>", "");
    Expect("a\n\x04", "a\n<END>", "a\n");
    Expect("\x04\x04", "<END><END>", "");               // once per ^D
    Expect("ab\x04" "c\n", "abc\n", "abc\n");           // mid-line: ignored
    Expect("ab\x15\x04", "<END>", "ab\b \b\b \b");      // the line is empty again
    Expect("a\b\x04", "<END>", "a\b \b");
    Expect("\x04" "more\n", "<END>more\n", "more\n");   // input may go on after it
    Expect("a\r\x04", "a\n<END>", "a\n");
}

static void TestControlCharactersIgnored(void **state)
{
    char input[64];
    size_t n = 0;

    (void)state;
    for (int c = 1; c < 0x20; c++) {
        if (c != '\r' && c != '\n' && c != 0x08 && c != 0x15 && c != 0x04)
            input[n++] = (char)c;
    }
    Start(&s);
    FeedBytes(&s, "a", 1);
    FeedBytes(&s, input, n);
    FeedBytes(&s, "\0", 1);
    FeedBytes(&s, "b\n", 2);
    assert_string_equal(s.transcript, "ab\n");
    assert_string_equal(s.echo, "ab\n");
}

static void TestHighBytesIgnored(void **state)
{
    (void)state;
    Expect("a\x80\xc3\xa9\xff" "b\n", "ab\n", "ab\n");
}

static void TestLongLines(void **state)
{
    static char line[LINE_EDIT_MAX + 8];

    (void)state;
    Start(&s);
    memset(line, 'x', LINE_EDIT_MAX + 5);
    FeedBytes(&s, line, LINE_EDIT_MAX + 5);             // 5 refused
    assert_int_equal(s.echoLength, LINE_EDIT_MAX);      // and not echoed
    assert_int_equal(s.editor.length, LINE_EDIT_MAX);
    Feed(&s, "\b");                                     // room for one more
    Feed(&s, "yz");
    Feed(&s, "\n");
    assert_int_equal(s.lines, 1);
    assert_int_equal(s.transcriptLength, LINE_EDIT_MAX + 1);
    assert_int_equal(s.transcript[LINE_EDIT_MAX - 1], 'y');
    assert_int_equal(s.transcript[LINE_EDIT_MAX], '\n');
    assert_int_equal(s.echoLength, LINE_EDIT_MAX + 3 + 1 + 1);
    Feed(&s, "short\n");                                // the next line starts empty
    assert_string_equal(s.transcript + LINE_EDIT_MAX + 1, "short\n");
}

static void TestLineKeptUntilNextByte(void **state)
{
    LineEditResult r;

    (void)state;
    Start(&s);
    Feed(&s, "ab");
    r = LineEditFeed(&s.editor, '\n');
    assert_int_equal(r, LINE_EDIT_LINE);
    assert_int_equal(s.editor.length, 3);
    assert_memory_equal(s.editor.line, "ab\n", 3);
    r = LineEditFeed(&s.editor, 'c');
    assert_int_equal(r, LINE_EDIT_MORE);
    assert_int_equal(s.editor.length, 1);
    assert_memory_equal(s.editor.line, "c", 1);
}

// Everything piped in at once gives the same lines and echo as the same
// bytes typed one by one, with the reader taking each line before the
// next byte comes (the console feeds only while a reader waits).
static void TestPipedBurstMatchesTyping(void **state)
{
    static const char input[] =
        "ls\r\ncat a.txt\n\x7f\bx\b\n" "echo hi\x15" "echo bye\r\r\n"
        "\x04" "tail\x04\n" "\x04";
    static Session typed;

    (void)state;
    Start(&s);
    Feed(&s, input);
    Start(&typed);
    for (size_t i = 0; i < sizeof(input) - 1; i++)
        FeedBytes(&typed, &input[i], 1);
    assert_string_equal(s.transcript, "ls\ncat a.txt\n\necho bye\n\n<END>tail\n<END>");
    assert_string_equal(s.transcript, typed.transcript);
    assert_string_equal(s.echo, typed.echo);
    assert_string_equal(s.echo, "ls\ncat a.txt\nx\b \b\necho hi\b \b\b \b\b \b\b \b\b \b\b \b\b \b"
                                "echo bye\n\ntail\n");
    assert_int_equal(s.lines, 6);
    assert_int_equal(s.ends, 2);
}

static void TestNoEchoCallback(void **state)
{
    LineEditor e;

    (void)state;
    LineEditInit(&e, NULL, NULL);
    assert_int_equal(LineEditFeed(&e, 'a'), LINE_EDIT_MORE);
    assert_int_equal(LineEditFeed(&e, '\b'), LINE_EDIT_MORE);
    assert_int_equal(LineEditFeed(&e, 'b'), LINE_EDIT_MORE);
    assert_int_equal(LineEditFeed(&e, '\x15'), LINE_EDIT_MORE);
    assert_int_equal(LineEditFeed(&e, 'c'), LINE_EDIT_MORE);
    assert_int_equal(LineEditFeed(&e, '\r'), LINE_EDIT_LINE);
    assert_memory_equal(e.line, "c\n", 2);
    assert_int_equal(LineEditFeed(&e, '\n'), LINE_EDIT_MORE);
    assert_int_equal(LineEditFeed(&e, '\x04'), LINE_EDIT_END);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestPrintableEchoedAndLineEnds),
        cmocka_unit_test(TestCarriageReturn),
        cmocka_unit_test(TestBackspace),
        cmocka_unit_test(TestBackspaceAtStartDoesNothing),
        cmocka_unit_test(TestKillLine),
        cmocka_unit_test(TestEndOfInput),
        cmocka_unit_test(TestControlCharactersIgnored),
        cmocka_unit_test(TestHighBytesIgnored),
        cmocka_unit_test(TestLongLines),
        cmocka_unit_test(TestLineKeptUntilNextByte),
        cmocka_unit_test(TestPipedBurstMatchesTyping),
        cmocka_unit_test(TestNoEchoCallback),
    };

    return cmocka_run_group_tests_name("lineedit", tests, NULL, NULL);
}
