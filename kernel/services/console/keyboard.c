// PS/2 keyboard scancodes (set 1, as the 8042 controller translates them)
// to the bytes a terminal would send.
//
// A key's press sends its make code, its release the same code with bit 7
// set; keys added after the original PC keyboard come after a 0xe0 prefix.
// Shift and Caps Lock choose the second table (Caps Lock only for
// letters), Ctrl with a letter gives its control code (Ctrl-D is 0x04),
// Enter gives '\n' and Backspace 0x08. Everything else without a
// character (function keys, arrows, Alt) gives nothing. Pure: no ports,
// so it can be tested on the host.
#include <stddef.h>
#include <stdint.h>
#include <kernel/services/console.h>

#define KEY_RELEASE     0x80
#define KEY_EXTENDED    0xe0
#define KEY_CTRL        0x1d
#define KEY_LEFT_SHIFT  0x2a
#define KEY_RIGHT_SHIFT 0x36
#define KEY_CAPS_LOCK   0x3a
#define KEY_ENTER       0x1c
#define KEY_KEYPAD_SLASH 0x35       // after 0xe0
#define CTRL_LEFT       1
#define CTRL_RIGHT      2

// Make codes 0x00-0x53: without and with Shift. 0 is no character.
static const char plain[] =
    "\0\033" "1234567890-=" "\b\t" "qwertyuiop[]" "\n\0" "asdfghjkl;'`" "\0\\"
    "zxcvbnm,./" "\0*\0 " "\0\0\0\0\0\0\0\0\0\0\0" "\0\0" "789-456+1230.";
static const char shifted[] =
    "\0\033" "!@#$%^&*()_+" "\b\t" "QWERTYUIOP{}" "\n\0" "ASDFGHJKL:\"~" "\0|"
    "ZXCVBNM<>?" "\0*\0 " "\0\0\0\0\0\0\0\0\0\0\0" "\0\0" "789-456+1230.";

_Static_assert(sizeof(plain) == 0x54 + 1, "one entry per make code up to 0x53");
_Static_assert(sizeof(shifted) == sizeof(plain), "the tables match");

// Track Shift, Ctrl and Caps Lock. Returns 1 if code was one of them.
static int Modifier(KeyboardState *k, uint8_t code, int released, int extended)
{
    uint8_t ctrlBit = extended ? CTRL_RIGHT : CTRL_LEFT;

    if (code == KEY_CTRL)
        k->ctrl = released ? k->ctrl & ~ctrlBit : k->ctrl | ctrlBit;
    else if (code == KEY_LEFT_SHIFT && !extended)
        k->leftShift = !released;
    else if (code == KEY_RIGHT_SHIFT && !extended)
        k->rightShift = !released;
    else if (code == KEY_CAPS_LOCK) {
        if (!released)
            k->capsLock = !k->capsLock;
    } else
        return 0;
    return 1;
}

static int IsLetter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The character of a pressed key with no modifier handling, or 0. Of the
// extended keys only keypad Enter and '/' have one.
static char Base(uint8_t code, int extended, int shift)
{
    if (extended)
        return code == KEY_ENTER ? '\n' : code == KEY_KEYPAD_SLASH ? '/' : 0;
    if (code >= sizeof(plain) - 1)
        return 0;
    return shift ? shifted[code] : plain[code];
}

uint8_t KeyboardTranslate(KeyboardState *k, uint8_t scancode)
{
    int extended = k->extended, released = (scancode & KEY_RELEASE) != 0;
    uint8_t code = scancode & (uint8_t)~KEY_RELEASE;
    int shift = k->leftShift || k->rightShift;
    char c;

    if (scancode == KEY_EXTENDED) {
        k->extended = 1;
        return 0;
    }
    k->extended = 0;
    if (Modifier(k, code, released, extended) || released)
        return 0;
    c = Base(code, extended, shift);
    if (k->capsLock && IsLetter(c))
        c = Base(code, extended, !shift);
    if (k->ctrl && IsLetter(c))
        c &= 0x1f;
    return (uint8_t)c;
}
