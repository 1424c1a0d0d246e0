// windows: the window server's protocol (docs/windows.md).
//
// The server (servers/windows/, a ring-3 program) serves `windows:`:
//
//   windows:desktop:main           the desktop. MSG_LIST: one line a window
//                                  ("ID TITLE X Y W H PID FOCUS", below);
//                                  MSG_READ: the same lines as text;
//                                  WINDOWS_MSG_CREATE, WINDOWS_MSG_EVENTS
//   windows:desktop:main:ID        window ID. MSG_READ: its line;
//                                  WINDOWS_MSG_DAMAGE, _DESTROY, _RELEASE,
//                                  _TITLE from its owner
//   windows:desktop:main:ID:ctl    MSG_OPEN / MSG_WRITE / MSG_CLOSE (or
//                                  MSG_WRITE by name): text commands, one a
//                                  line: "move X Y", "resize W H", "raise",
//                                  "close" (lib/windowctl.c)
//   windows:desktop:main:screen    MSG_READ: the whole screen as a binary
//                                  PPM (P6), as `cat` reads it
//   windows:desktop:main:pointer   MSG_READ: "X Y BUTTONS\n", the cursor
//
// A window's place X Y is the top-left of its frame (the title bar starts
// there); W H are the size of its client area, the pixels its owner
// draws. The frame is the title bar, WINDOW_TITLE_HEIGHT pixels high, on
// top, and WINDOW_BORDER pixels on the left, right and bottom: a window
// covers W + 2 * WINDOW_BORDER by H + WINDOW_TITLE_HEIGHT + WINDOW_BORDER
// pixels from X Y, and its client area starts at X + WINDOW_BORDER,
// Y + WINDOW_TITLE_HEIGHT.
//
// Pixels never travel in messages. The server allocates each window's
// buffer (32-bit 0x00RRGGBB pixels, `pitch` bytes a row) and grants it to
// the owner with GRANT_READ | GRANT_WRITE (include/clanker/grant.h); the
// owner maps it with GrantMap, draws, and sends WINDOWS_MSG_DAMAGE with
// the rectangles it changed. When the buffer is replaced (a resize) or
// the window is closed, the owner is told by an event, unmaps the old
// buffer and sends WINDOWS_MSG_RELEASE; the server then revokes the old
// grant and frees its pages. Nothing waits for that: a client that never
// releases holds its old buffers until it ends (at most
// WINDOW_RETIRED_MAX a window; a resize beyond them is E_BUSY).
//
// Events (key, mouse, resize, close, focus) are queued per client, at
// most WINDOW_EVENTS_MAX (the oldest is dropped). When an event is queued
// and the client has read everything it was told about, the server sends
// it one notice IpcNotify(client, WINDOWS_NOTICE_EVENTS, queued); the
// client reads them all with WINDOWS_MSG_EVENTS.
#ifndef CLANKER_WINDOWS_H
#define CLANKER_WINDOWS_H

#include <stdint.h>
#include <clanker/message.h>

#define WINDOWS_PREFIX   "windows:"
#define WINDOWS_DESKTOP  "windows:desktop:main"
#define WINDOWS_SCREEN   "windows:desktop:main:screen"
#define WINDOWS_POINTER  "windows:desktop:main:pointer"

#define WINDOWS_MSG_CREATE  (MSG_TYPE_LIMIT + 0x80) // WindowCreate -> WindowCreated
#define WINDOWS_MSG_DAMAGE  (MSG_TYPE_LIMIT + 0x81) // WindowDamage -> (empty)
#define WINDOWS_MSG_EVENTS  (MSG_TYPE_LIMIT + 0x82) // (empty) -> WindowEvent[0..n]
#define WINDOWS_MSG_DESTROY (MSG_TYPE_LIMIT + 0x83) // (empty) -> (empty)
#define WINDOWS_MSG_RELEASE (MSG_TYPE_LIMIT + 0x84) // WindowRelease -> (empty)
#define WINDOWS_MSG_TITLE   (MSG_TYPE_LIMIT + 0x85) // title text (no NUL needed) -> (empty)

#define WINDOWS_NOTICE_EVENTS 0x1e000010u   // jobId of the notice: events are queued

#define WINDOW_TITLE_MAX     48     // bytes of a title, its NUL included
#define WINDOW_SIZE_MIN      16     // pixels of a client area, each way, at least
#define WINDOW_WIDTH_MAX     1024   // ... at most
#define WINDOW_HEIGHT_MAX    768
#define WINDOW_DAMAGE_MAX    64     // rects in one WINDOWS_MSG_DAMAGE
#define WINDOW_EVENTS_MAX    64     // events queued for one client
#define WINDOW_RETIRED_MAX   4      // old buffers a window may hold unreleased
#define WINDOWS_MAX          32     // windows on the desktop
#define WINDOWS_CLIENT_MAX   8      // windows of one client

#define WINDOW_TITLE_HEIGHT  20     // the title bar, in pixels
#define WINDOW_BORDER        2      // the frame on the other sides
#define WINDOW_CLOSE_SIZE    14     // the close button, a square in the title bar

#define WINDOW_PLACE_AUTO    INT32_MIN  // WindowCreate.x: the server picks the place

typedef struct WindowCreate {
    int32_t x, y;                   // the frame's top-left, or x WINDOW_PLACE_AUTO
    uint32_t width, height;         // the client area
    char title[WINDOW_TITLE_MAX];   // NUL-terminated, printable ASCII
} WindowCreate;

typedef struct WindowCreated {
    uint32_t window;                // its id: windows:desktop:main:ID
    uint32_t grantId;               // its buffer, granted to the creator
    uint32_t pitch;                 // bytes from one row of the buffer to the next
    uint32_t width, height;
    uint32_t bufferBytes;           // the grant's length
} WindowCreated;

typedef struct WindowRect {
    int32_t x, y;                   // in the client area
    uint32_t w, h;
} WindowRect;

typedef struct WindowDamage {
    uint32_t count;                 // 1..WINDOW_DAMAGE_MAX, then count rects
    WindowRect rects[];
} WindowDamage;

typedef struct WindowRelease {
    uint32_t grantId;               // an old buffer of one of the sender's windows
} WindowRelease;

enum {
    WINDOW_EVENT_KEY = 1,           // key, flags (INPUT_KEY_*): to the focused window
    WINDOW_EVENT_MOUSE = 2,         // x, y in the client area, buttons held
    WINDOW_EVENT_RESIZE = 3,        // width, height, grantId, pitch: the new buffer
    WINDOW_EVENT_CLOSE = 4,         // the window was closed (grantId: its buffer, to release)
    WINDOW_EVENT_FOCUS = 5,         // flags 1: it has the focus now, 0: it lost it
};

typedef struct WindowEvent {
    uint32_t type;                  // WINDOW_EVENT_*
    uint32_t window;
    int32_t x, y;
    uint32_t width, height;
    uint32_t buttons;
    uint32_t key;
    uint32_t flags;
    uint32_t grantId;
    uint32_t pitch;
    uint32_t time;                  // uptime in ms when it happened
} WindowEvent;                      // 48 bytes

#endif
