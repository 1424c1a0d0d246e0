// The input devices' protocol (docs/display.md): input:mouse (the PS/2
// mouse driver, drivers/ps2mouse/) and input:keyboard (the console
// service's PS/2 keyboard, kernel/services/console/). Each keeps a
// bounded queue of InputEvents (the oldest dropped when it is full, and
// counted) and may have one listener.
//
//   MSG_READ  (empty)        -> InputEvent[]: every event queued now (none:
//                               an empty reply; it never waits)
//   MSG_READ  FsIo           -> the same events as text, one line each
//                               (`cat input:mouse`), as many whole lines
//                               as FsIo.length holds
//   MSG_QUERY (empty)        -> InputStatus
//   INPUT_MSG_SUBSCRIBE   (empty) -> (empty): the sender becomes the
//                               listener; the queue starts empty
//   INPUT_MSG_UNSUBSCRIBE (empty) -> (empty): the listener stops being one
//
// A listener gets one notice, IpcNotify(listener, INPUT_NOTICE_*, queued
// count), when an event is queued and it has read since its last notice;
// it then reads with MSG_READ. (With IpcWatchNotices the notices arrive
// in its IpcReceive loop.) While a listener lives only it may read.
// While input:keyboard has a listener, the PS/2 keys go to it and not to
// the text console's line editor; the serial console is never affected.
// A listener that ends is dropped, and the keys go back to the console.
//
// Errors: E_INVAL (a payload of the wrong size), E_BUSY (SUBSCRIBE while
// another listener lives; a read by anyone else while it does), E_PERM
// (UNSUBSCRIBE by anyone but the listener), E_NOENT (another name),
// E_BADF (an FsIo handle other than 0).
#ifndef CLANKER_INPUT_H
#define CLANKER_INPUT_H

#include <stdint.h>
#include <clanker/message.h>

#define INPUT_MOUSE_NAME    "input:mouse"
#define INPUT_KEYBOARD_NAME "input:keyboard"
// The prefixes their servers register: a name without its last ':'
// reaches the server of the prefix with it (docs/namespaces.md).
#define INPUT_MOUSE_PREFIX    "input:mouse:"
#define INPUT_KEYBOARD_PREFIX "input:keyboard:"

#define INPUT_MSG_SUBSCRIBE   (MSG_TYPE_LIMIT + 0x74) // sender becomes the listener of this device
#define INPUT_MSG_UNSUBSCRIBE (MSG_TYPE_LIMIT + 0x75)

#define INPUT_NOTICE_MOUSE    0x1e000001u  // jobId of the notice a mouse listener gets
#define INPUT_NOTICE_KEYBOARD 0x1e000002u  // jobId of the notice a keyboard listener gets

enum { INPUT_EVENT_MOUSE = 1, INPUT_EVENT_KEY = 2 };

#define INPUT_BUTTON_LEFT   1u
#define INPUT_BUTTON_RIGHT  2u
#define INPUT_BUTTON_MIDDLE 4u

// InputEvent.flags of a key: released (else pressed), and the modifiers
// held when it happened.
#define INPUT_KEY_RELEASED 0x100u
#define INPUT_MOD_SHIFT    0x001u
#define INPUT_MOD_CTRL     0x002u
#define INPUT_MOD_ALT      0x004u
#define INPUT_MOD_CAPS     0x008u   // Caps Lock is on

// InputEvent.key: the character a key types (ASCII, after Shift, Caps
// Lock and Ctrl, as the console would take it: Enter '\n', Backspace
// '\b', Tab '\t', Escape 0x1b, Ctrl-C 0x03) or one of these for a key
// that types none.
enum {
    KEY_UP = 0x101, KEY_DOWN, KEY_LEFT, KEY_RIGHT,
    KEY_HOME, KEY_END, KEY_PAGE_UP, KEY_PAGE_DOWN, KEY_INSERT, KEY_DELETE,
    KEY_F1 = 0x111, KEY_F2, KEY_F3, KEY_F4, KEY_F5, KEY_F6,
    KEY_F7, KEY_F8, KEY_F9, KEY_F10, KEY_F11, KEY_F12,
    KEY_SHIFT = 0x121, KEY_CTRL, KEY_ALT, KEY_CAPS_LOCK,
    KEY_OTHER = 0x1ff,          // a key with no code here (its scancode is lost)
};

typedef struct InputEvent {
    uint32_t type;      // INPUT_EVENT_*
    int32_t dx, dy;     // mouse: relative motion, screen convention (+dy = down)
    uint32_t buttons;   // mouse: INPUT_BUTTON_* held after this event
    uint32_t key;       // key: the character or a KEY_* code
    uint32_t flags;     // key: INPUT_KEY_RELEASED, INPUT_MOD_*
    uint32_t time;      // uptime in ms
} InputEvent;            // 28 bytes

// MSG_QUERY's answer.
typedef struct InputStatus {
    uint32_t queued;    // events waiting now
    uint32_t events;    // events queued since start
    uint32_t dropped;   // of those, dropped unread because the queue was full
    uint32_t listener;  // its pid, 0: none
    uint32_t bad;       // bytes the device sent that made no sense (the mouse's resyncs)
} InputStatus;

#endif
