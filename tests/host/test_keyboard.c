// Host unit tests for kernel/services/console/keyboard.c (PS/2 scancode set 1 to
// ASCII and to key events): letters, Shift, Caps Lock, Ctrl, the 0xe0
// prefix, releases; the events' keys, KEY_* codes and modifier flags.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <clanker/input.h>
#include <kernel/services/console.h>

#define RELEASE(code) ((uint8_t)((code) | 0x80))
#define LSHIFT 0x2a
#define RSHIFT 0x36
#define CTRL   0x1d
#define CAPS   0x3a
#define KEY_A  0x1e
#define KEY_D  0x20
#define KEY_U  0x16
#define KEY_1  0x02
#define ENTER  0x1c

static KeyboardState k;

// Translate each scancode; the characters typed, NUL-terminated.
static const char *Type(const uint8_t *codes, size_t n)
{
    static char out[64];
    size_t used = 0;

    for (size_t i = 0; i < n; i++) {
        uint8_t c = KeyboardTranslate(&k, codes[i]);
        if (c)
            out[used++] = (char)c;
    }
    out[used] = '\0';
    return out;
}

#define TYPE(...) Type((const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }))

static int Reset(void **state)
{
    (void)state;
    memset(&k, 0, sizeof(k));
    return 0;
}

static void TestPlainKeys(void **state)
{
    (void)state;
    assert_string_equal(TYPE(0x23, RELEASE(0x23), 0x17, RELEASE(0x17)), "hi");
    assert_string_equal(TYPE(KEY_1, 0x0b, 0x39, 0x0c, 0x0d, 0x1a, 0x1b, 0x27, 0x28, 0x29, 0x2b,
                             0x33, 0x34, 0x35), "10 -=[];'`\\,./");
    assert_string_equal(TYPE(ENTER), "\n");
    assert_string_equal(TYPE(0x0e), "\b");
    assert_string_equal(TYPE(0x01), "\033");
}

static void TestShift(void **state)
{
    (void)state;
    assert_string_equal(TYPE(LSHIFT, KEY_A, KEY_1, 0x0d, 0x27, 0x2b, 0x35, RELEASE(LSHIFT), KEY_A),
                        "A!+:|?a");
    assert_string_equal(TYPE(RSHIFT, 0x29, RELEASE(RSHIFT), 0x29), "~`");
    // One Shift released while the other is held: still shifted.
    assert_string_equal(TYPE(LSHIFT, RSHIFT, RELEASE(LSHIFT), KEY_A, RELEASE(RSHIFT), KEY_A), "Aa");
}

static void TestCapsLock(void **state)
{
    (void)state;
    assert_string_equal(TYPE(CAPS, RELEASE(CAPS), KEY_A, KEY_1), "A1");     // letters only
    assert_string_equal(TYPE(LSHIFT, KEY_A, KEY_1, RELEASE(LSHIFT)), "a!");  // Shift inverts
    assert_string_equal(TYPE(CAPS, RELEASE(CAPS), KEY_A), "a");              // off again
}

static void TestCtrl(void **state)
{
    (void)state;
    assert_string_equal(TYPE(CTRL, KEY_D, KEY_U, RELEASE(CTRL), KEY_D), "\x04\x15" "d");
    assert_string_equal(TYPE(CTRL, LSHIFT, KEY_D, RELEASE(LSHIFT), RELEASE(CTRL)), "\x04");
    assert_string_equal(TYPE(CTRL, KEY_1, RELEASE(CTRL)), "1");     // not a letter: as is
    // Right Ctrl is 0xe0 0x1d; releasing it keeps a held left Ctrl.
    assert_string_equal(TYPE(0xe0, CTRL, 0x2e, CTRL, 0xe0, RELEASE(CTRL), 0x2e,
                             RELEASE(CTRL), 0x2e), "\x03\x03" "c");
}

static void TestExtendedKeys(void **state)
{
    (void)state;
    assert_string_equal(TYPE(0xe0, ENTER, 0xe0, RELEASE(ENTER)), "\n");     // keypad Enter
    assert_string_equal(TYPE(0xe0, 0x35), "/");                             // keypad '/'
    assert_string_equal(TYPE(0xe0, 0x48, 0xe0, 0x50, 0xe0, 0x4b, 0xe0, 0x4d), "");  // arrows
    assert_string_equal(TYPE(0xe0, LSHIFT, KEY_A), "a");        // a fake Shift is no Shift
    assert_string_equal(TYPE(0x48, 0x4f, 0x37), "81*");         // the keypad itself
}

static void TestNothingElse(void **state)
{
    (void)state;
    for (unsigned code = 0; code < 0x100; code++) {
        memset(&k, 0, sizeof(k));
        uint8_t c = KeyboardTranslate(&k, (uint8_t)code);
        if (code & 0x80 || code >= 0x54)
            assert_int_equal(c, 0);
        else
            assert_true(c < 0x80);
    }
    memset(&k, 0, sizeof(k));
    assert_string_equal(TYPE(0x3b, 0x44, 0x57, 0x58, 0x38, 0x45, 0x46), "");   // F keys, Alt, locks
}

// Decode each scancode; the events, into out (at most max). Returns how many.
static int Decode(const uint8_t *codes, size_t n, KeyboardEvent *out, int max)
{
    int got = 0;

    for (size_t i = 0; i < n; i++) {
        KeyboardEvent e;
        if (KeyboardDecode(&k, codes[i], &e)) {
            assert_true(got < max);
            out[got++] = e;
        }
    }
    return got;
}

#define DECODE(out, ...) Decode((const uint8_t[]){ __VA_ARGS__ }, \
                                sizeof((const uint8_t[]){ __VA_ARGS__ }), out, 16)

static void ExpectKey(const KeyboardEvent *e, uint32_t key, uint32_t flags)
{
    assert_int_equal(e->key, key);
    assert_int_equal(e->flags, flags);
}

static void TestEventsPressAndRelease(void **state)
{
    KeyboardEvent e[16];

    (void)state;
    assert_int_equal(DECODE(e, KEY_A, RELEASE(KEY_A)), 2);
    ExpectKey(&e[0], 'a', 0);
    ExpectKey(&e[1], 'a', INPUT_KEY_RELEASED);
    assert_int_equal(DECODE(e, LSHIFT, KEY_A, RELEASE(KEY_A), RELEASE(LSHIFT)), 4);
    ExpectKey(&e[0], KEY_SHIFT, INPUT_MOD_SHIFT);
    ExpectKey(&e[1], 'A', INPUT_MOD_SHIFT);
    ExpectKey(&e[2], 'A', INPUT_MOD_SHIFT | INPUT_KEY_RELEASED);
    ExpectKey(&e[3], KEY_SHIFT, INPUT_KEY_RELEASED);
    assert_int_equal(DECODE(e, CTRL, 0x2e, RELEASE(0x2e), RELEASE(CTRL)), 4);
    ExpectKey(&e[0], KEY_CTRL, INPUT_MOD_CTRL);
    ExpectKey(&e[1], 0x03, INPUT_MOD_CTRL);             // Ctrl-C
    ExpectKey(&e[3], KEY_CTRL, INPUT_KEY_RELEASED);
    assert_int_equal(DECODE(e, ENTER, 0x0e, 0x0f, 0x01), 4);
    ExpectKey(&e[0], '\n', 0);
    ExpectKey(&e[1], '\b', 0);
    ExpectKey(&e[2], '\t', 0);
    ExpectKey(&e[3], 0x1b, 0);
}

static void TestEventsSpecialKeys(void **state)
{
    KeyboardEvent e[16];

    (void)state;
    assert_int_equal(DECODE(e, 0xe0, 0x48, 0xe0, 0x50, 0xe0, 0x4b, 0xe0, 0x4d, 0xe0, 0x47,
                            0xe0, 0x4f, 0xe0, 0x49, 0xe0, 0x51, 0xe0, 0x52, 0xe0, 0x53), 10);
    ExpectKey(&e[0], KEY_UP, 0);
    ExpectKey(&e[1], KEY_DOWN, 0);
    ExpectKey(&e[2], KEY_LEFT, 0);
    ExpectKey(&e[3], KEY_RIGHT, 0);
    ExpectKey(&e[4], KEY_HOME, 0);
    ExpectKey(&e[5], KEY_END, 0);
    ExpectKey(&e[6], KEY_PAGE_UP, 0);
    ExpectKey(&e[7], KEY_PAGE_DOWN, 0);
    ExpectKey(&e[8], KEY_INSERT, 0);
    ExpectKey(&e[9], KEY_DELETE, 0);
    assert_int_equal(DECODE(e, 0xe0, RELEASE(0x48)), 1);
    ExpectKey(&e[0], KEY_UP, INPUT_KEY_RELEASED);
    assert_int_equal(DECODE(e, 0x3b, 0x44, 0x57, 0x58), 4);
    ExpectKey(&e[0], KEY_F1, 0);
    ExpectKey(&e[1], KEY_F10, 0);
    ExpectKey(&e[2], KEY_F11, 0);
    ExpectKey(&e[3], KEY_F12, 0);
    // Alt and right Alt; a fake Shift (0xe0 0x2a) gives no event at all.
    assert_int_equal(DECODE(e, 0x38, 0xe0, 0x38, RELEASE(0x38), 0xe0, 0x2a, 0xe0, RELEASE(0x2a)), 3);
    ExpectKey(&e[0], KEY_ALT, INPUT_MOD_ALT);
    ExpectKey(&e[1], KEY_ALT, INPUT_MOD_ALT);
    ExpectKey(&e[2], KEY_ALT, INPUT_MOD_ALT | INPUT_KEY_RELEASED);     // right still held
    assert_int_equal(DECODE(e, CAPS, RELEASE(CAPS), KEY_A), 3);
    ExpectKey(&e[0], KEY_CAPS_LOCK, INPUT_MOD_CAPS | INPUT_MOD_ALT);
    ExpectKey(&e[2], 'A', INPUT_MOD_CAPS | INPUT_MOD_ALT);
    // Other keys: KEY_OTHER; Pause's six bytes: nothing; 0x00: nothing.
    assert_int_equal(DECODE(e, 0x59, 0xe0, 0x5b, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x00), 2);
    ExpectKey(&e[0], KEY_OTHER, INPUT_MOD_CAPS | INPUT_MOD_ALT);
    ExpectKey(&e[1], KEY_OTHER, INPUT_MOD_CAPS | INPUT_MOD_ALT);
}

// Every byte after every state: an event's key is a character or one of
// the KEY_* codes, and its flags only the known bits.
static void TestEventsAlwaysSane(void **state)
{
    (void)state;
    for (unsigned first = 0; first < 0x100; first++) {
        for (unsigned second = 0; second < 0x100; second++) {
            KeyboardEvent e;
            memset(&k, 0, sizeof(k));
            (void)KeyboardDecode(&k, (uint8_t)first, &e);
            if (!KeyboardDecode(&k, (uint8_t)second, &e))
                continue;
            assert_true(e.key > 0);
            assert_true(e.key < 0x80 || (e.key >= KEY_UP && e.key <= KEY_OTHER));
            assert_int_equal(e.flags & ~(INPUT_KEY_RELEASED | INPUT_MOD_SHIFT | INPUT_MOD_CTRL |
                                         INPUT_MOD_ALT | INPUT_MOD_CAPS), 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(TestPlainKeys, Reset),
        cmocka_unit_test_setup(TestShift, Reset),
        cmocka_unit_test_setup(TestCapsLock, Reset),
        cmocka_unit_test_setup(TestCtrl, Reset),
        cmocka_unit_test_setup(TestExtendedKeys, Reset),
        cmocka_unit_test_setup(TestNothingElse, Reset),
        cmocka_unit_test_setup(TestEventsPressAndRelease, Reset),
        cmocka_unit_test_setup(TestEventsSpecialKeys, Reset),
        cmocka_unit_test_setup(TestEventsAlwaysSane, Reset),
    };

    return cmocka_run_group_tests_name("keyboard", tests, NULL, NULL);
}
