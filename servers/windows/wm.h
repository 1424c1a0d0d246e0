// The window server's parts (servers/windows/*.c) and what they share.
//
// main.c      start-up: the display, the input devices, the prefix; the loop
// desktop.c   windows, their buffers and grants, z-order and focus, damage,
//             each client's queue of events
// input.c     mouse and keyboard: the cursor, focus and raise, title-bar
//             drags, the close button, events to the owners
// requests.c  the protocol (include/clanker/windows.h): names, handlers
//
// Everything runs on the one thread of the server loop (lib/server.c), so
// nothing here needs a lock. Each request is decoded and checked whole
// before anything changes (validate, then commit).
#ifndef SERVERS_WINDOWS_WM_H
#define SERVERS_WINDOWS_WM_H

#include <clanker/windows.h>
#include <lib/compositor.h>
#include <lib/damage.h>
#include <lib/server.h>

#define CLIENTS_MAX   16
#define CTL_HANDLES_MAX 32

typedef struct Buffer {
    uint32_t grantId;               // 0: no buffer
    uint32_t address, bytes;        // in the server's space (BufferAllocate)
} Buffer;

enum { WINDOW_FREE, WINDOW_OPEN, WINDOW_CLOSED };

typedef struct Window {
    int state;                      // WINDOW_*; CLOSED: gone from the screen, buffers held
    uint32_t owner;                 // pid
    CompWindow comp;                // id, place, the current buffer as a surface, title
    Buffer buffer;                  // the current one
    Buffer retired[WINDOW_RETIRED_MAX]; // replaced ones the owner has not released
} Window;

typedef struct Client {
    uint32_t pid;                   // 0: free
    WindowEvent events[WINDOW_EVENTS_MAX];  // a ring
    uint32_t head, count;
    uint32_t dropped;
    int notified;                   // told of events it has not read yet
} Client;

typedef struct Desktop {
    Compositor comp;
    Surface framebuffer;
    DamageSet damage;
    Window windows[WINDOWS_MAX];
    Client clients[CLIENTS_MAX];
    uint32_t nextId;
    // The pointer.
    uint32_t buttons;
    Window *drag;                   // being moved by its title bar
    int32_t dragDx, dragDy;         // the cursor's offset from its place
    Window *grab;                   // got the button press in its client area
} Desktop;

extern Desktop desktop;

// --- desktop.c ---------------------------------------------------------------

// Set the desktop up on a framebuffer and a shadow of the same size.
void DesktopInit(Surface framebuffer, uint32_t *shadow);

// Pages for a buffer of bytes (a multiple of 4096), zeroed. Returns its
// address or 0.
uint32_t BufferAllocate(uint32_t bytes);
void BufferFree(uint32_t address, uint32_t bytes);

Window *WindowFind(uint32_t id);        // an open window, or NULL
Window *WindowFindAny(uint32_t id);     // open or closed

// Checks for a new window's size and title. Return 0 or E_INVAL.
int WindowCheckSize(uint32_t width, uint32_t height);
int WindowCheckTitle(const char *title, uint32_t capacity);

// Make an open window for owner (a buffer granted to it). Returns 0 or
// E_NOSPC (too many windows, of the owner's or in all), E_NOMEM, or the
// grant's error; nothing is left behind on failure.
int WindowMake(uint32_t owner, int32_t x, int32_t y, uint32_t width, uint32_t height,
                 const char *title, Window **out);

// Checks for a place; returns 0 or E_RANGE (the title bar must stay on
// the screen, at least partly).
int WindowCheckPlace(const Window *w, int32_t x, int32_t y, uint32_t width);

void WindowMove(Window *w, int32_t x, int32_t y);
void WindowRaise(Window *w);            // and focus it
void WindowFocus(Window *w);            // NULL: none

// Give w a new buffer of width x height, the old one retired; queues the
// resize event. Returns 0, E_BUSY (WINDOW_RETIRED_MAX unreleased), E_NOMEM
// or the grant's error (nothing changed then).
int WindowResize(Window *w, uint32_t width, uint32_t height);

// Take w off the screen, queue the close event; its buffers stay until
// the owner releases them or ends.
void WindowClose(Window *w);

// Revoke and free every buffer of w and forget it.
void WindowDestroy(Window *w);

// A buffer of one of owner's windows by grant id: its window and slot
// (NULL if none).
Buffer *WindowFindBuffer(uint32_t owner, uint32_t grantId, Window **window);
void WindowReleaseBuffer(Window *w, Buffer *b);

void Damage(Rect r);                    // screen coordinates
void DamageWindow(const Window *w);     // its whole frame
void DesktopFlush(void);                // composite and present what is damaged

// Queue an event for the owner of w (and notify it if it has read the
// last notice's). type, then the fields that matter.
void EventPost(uint32_t pid, const WindowEvent *e);
Client *ClientFind(uint32_t pid);
// The events of pid into out (capacity of them). Returns how many.
uint32_t EventsTake(uint32_t pid, WindowEvent *out, uint32_t capacity);

// pid ended: its windows and buffers go.
void DesktopProcessEnded(uint32_t pid);

// "ID "TITLE" X Y W H PID FOCUS" for w into out (capacity bytes). Returns the length.
uint32_t WindowLine(const Window *w, char *out, uint32_t capacity);

// --- input.c -----------------------------------------------------------------

// Read and act on the events the mouse and the keyboard have queued.
void InputMouse(void);
void InputKeyboard(void);
// Where the pointer grabbed or drags: forget w (it is going).
void InputForget(const Window *w);

// --- requests.c ----------------------------------------------------------------

extern const ServerRoute wmRoutes[];
extern const uint32_t wmRouteCount;
void RequestsProcessEnded(uint32_t pid);
void RequestsNoticed(Server *s, const IpcNotification *n);

#endif
