// PS/2 keyboard scancodes (set 1, as the 8042 controller translates them)
// to key events and to the bytes a terminal would send.
//
// A key's press sends its make code, its release the same code with bit 7
// set; keys added after the original PC keyboard come after a 0xe0 prefix
// (Pause alone sends 0xe1 and five more bytes, skipped). Shift and Caps
// Lock choose the second table (Caps Lock only for letters), Ctrl with a
// letter gives its control code (Ctrl-D is 0x04), Enter gives '\n' and
// Backspace 0x08. Keys without a character (arrows, function keys, the
// modifiers) give the KEY_* codes of include/clanker/input.h, which the
// console's line editor never sees: KeyboardTranslate types only
// characters. The 0xe0-prefixed Shift codes some keyboards send around
// the navigation keys are not Shift and give nothing. Pure: no ports, so
// it can be tested on the host.
#include <stddef.h>
#include <stdint.h>
#include <clanker/input.h>
#include <kernel/services/console.h>

#define SCAN_RELEASE     0x80
#define SCAN_EXTENDED    0xe0
#define SCAN_PAUSE       0xe1       // followed by five bytes of no use
#define SCAN_PAUSE_REST  5
#define SCAN_CTRL        0x1d
#define SCAN_LEFT_SHIFT  0x2a
#define SCAN_RIGHT_SHIFT 0x36
#define SCAN_ALT         0x38
#define SCAN_CAPS_LOCK   0x3a
#define SCAN_F1          0x3b       // to F10: 0x44
#define SCAN_F11         0x57
#define SCAN_F12         0x58
#define SCAN_ENTER       0x1c
#define SCAN_KEYPAD_SLASH 0x35      // after 0xe0
#define SIDE_LEFT        1
#define SIDE_RIGHT       2

// Make codes 0x00-0x53: without and with Shift. 0 is no character.
static const char plain[] =
    "\0\033" "1234567890-=" "\b\t" "qwertyuiop[]" "\n\0" "asdfghjkl;'`" "\0\\"
    "zxcvbnm,./" "\0*\0 " "\0\0\0\0\0\0\0\0\0\0\0" "\0\0" "789-456+1230.";
static const char shifted[] =
    "\0\033" "!@#$%^&*()_+" "\b\t" "QWERTYUIOP{}" "\n\0" "ASDFGHJKL:\"~" "\0|"
    "ZXCVBNM<>?" "\0*\0 " "\0\0\0\0\0\0\0\0\0\0\0" "\0\0" "789-456+1230.";

_Static_assert(sizeof(plain) == 0x54 + 1, "one entry per make code up to 0x53");
_Static_assert(sizeof(shifted) == sizeof(plain), "the tables match");

// The navigation keys after 0xe0, by make code (0: none).
static const uint16_t navigation[0x54] = {
    [0x47] = KEY_HOME, [0x48] = KEY_UP,   [0x49] = KEY_PAGE_UP,
    [0x4b] = KEY_LEFT, [0x4d] = KEY_RIGHT,
    [0x4f] = KEY_END,  [0x50] = KEY_DOWN, [0x51] = KEY_PAGE_DOWN,
    [0x52] = KEY_INSERT, [0x53] = KEY_DELETE,
};

// Track Shift, Ctrl, Alt and Caps Lock. Returns the modifier's KEY_*
// code, or 0 if code was none of them.
static uint32_t Modifier(KeyboardState *k, uint8_t code, int released, int extended)
{
    uint8_t side = extended ? SIDE_RIGHT : SIDE_LEFT;

    if (code == SCAN_CTRL) {
        k->ctrl = released ? k->ctrl & ~side : k->ctrl | side;
        return KEY_CTRL;
    }
    if (code == SCAN_ALT) {
        k->alt = released ? k->alt & ~side : k->alt | side;
        return KEY_ALT;
    }
    if (code == SCAN_LEFT_SHIFT && !extended)
        k->leftShift = !released;
    else if (code == SCAN_RIGHT_SHIFT && !extended)
        k->rightShift = !released;
    else if (code == SCAN_CAPS_LOCK) {
        if (!released)
            k->capsLock = !k->capsLock;
        return KEY_CAPS_LOCK;
    } else
        return 0;
    return KEY_SHIFT;
}

static int IsLetter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The character of a key with no modifier handling, or 0. Of the
// extended keys only keypad Enter and '/' have one.
static char Base(uint8_t code, int extended, int shift)
{
    if (extended)
        return code == SCAN_ENTER ? '\n' : code == SCAN_KEYPAD_SLASH ? '/' : 0;
    if (code >= sizeof(plain) - 1)
        return 0;
    return shift ? shifted[code] : plain[code];
}

// The KEY_* code of a key that types no character.
static uint32_t Special(uint8_t code, int extended)
{
    if (extended)
        return code < sizeof(navigation) / sizeof(navigation[0]) && navigation[code]
                   ? navigation[code] : KEY_OTHER;
    if (code >= SCAN_F1 && code < SCAN_F1 + 10)
        return KEY_F1 + (code - SCAN_F1);
    if (code == SCAN_F11 || code == SCAN_F12)
        return KEY_F11 + (code - SCAN_F11);
    return KEY_OTHER;
}

// The modifiers held now, as INPUT_MOD_* bits.
static uint32_t Modifiers(const KeyboardState *k)
{
    return (k->leftShift || k->rightShift ? INPUT_MOD_SHIFT : 0) |
           (k->ctrl ? INPUT_MOD_CTRL : 0) | (k->alt ? INPUT_MOD_ALT : 0) |
           (k->capsLock ? INPUT_MOD_CAPS : 0);
}

// The key of a code that is no modifier: its character, or its KEY_*.
static uint32_t KeyOf(const KeyboardState *k, uint8_t code, int extended)
{
    int shift = k->leftShift || k->rightShift;
    char c = Base(code, extended, shift);

    if (!c)
        return Special(code, extended);
    if (k->capsLock && IsLetter(c))
        c = Base(code, extended, !shift);
    if (k->ctrl && IsLetter(c))
        c &= 0x1f;
    return (uint8_t)c;
}

int KeyboardDecode(KeyboardState *k, uint8_t scancode, KeyboardEvent *out)
{
    int extended = k->extended, released = (scancode & SCAN_RELEASE) != 0;
    uint8_t code = scancode & (uint8_t)~SCAN_RELEASE;
    uint32_t key;

    if (k->skip > 0) {
        k->skip--;
        return 0;
    }
    if (scancode == SCAN_EXTENDED) {
        k->extended = 1;
        return 0;
    }
    if (scancode == SCAN_PAUSE) {
        k->skip = SCAN_PAUSE_REST;
        return 0;
    }
    k->extended = 0;
    if (code == 0)
        return 0;                   // set 1's "error or buffer overrun"
    if (extended && (code == SCAN_LEFT_SHIFT || code == SCAN_RIGHT_SHIFT))
        return 0;                   // a fake Shift around a navigation key
    key = Modifier(k, code, released, extended);
    if (!key)
        key = KeyOf(k, code, extended);
    out->key = key;
    out->flags = Modifiers(k) | (released ? INPUT_KEY_RELEASED : 0);
    return 1;
}

uint8_t KeyboardTranslate(KeyboardState *k, uint8_t scancode)
{
    KeyboardEvent e;

    if (!KeyboardDecode(k, scancode, &e) || (e.flags & INPUT_KEY_RELEASED) || e.key > 0xff)
        return 0;
    return (uint8_t)e.key;
}
