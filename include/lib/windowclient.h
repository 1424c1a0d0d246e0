// A window of one's own on windows:desktop:main (lib/user/window.c), for
// ring-3 programs: the client side of include/clanker/windows.h.
//
//   ClientWindow w;
//   WindowOpen(&w, "clock", WINDOW_PLACE_AUTO, 0, 200, 80);
//   ... draw into w.surface ...
//   WindowDamageRect(&w, SurfaceBounds(&w.surface));
//   on the notice WINDOWS_NOTICE_EVENTS: WindowEvents(events, n), and
//   WindowHandleEvent(&w, &e) for each (a resize maps the new buffer)
//   WindowClose(&w);
#ifndef LIB_WINDOWCLIENT_H
#define LIB_WINDOWCLIENT_H

#include <stdint.h>
#include <clanker/windows.h>
#include <lib/surface.h>

typedef struct ClientWindow {
    uint32_t id;
    uint32_t grantId;               // the buffer mapped now
    Surface surface;                // its pixels
    char name[48];                  // windows:desktop:main:ID
    int closed;                     // the server closed it (WINDOW_EVENT_CLOSE)
} ClientWindow;

// Make a window (x WINDOW_PLACE_AUTO: the server places it) and map its
// buffer. Returns 0 or E_* (the server's, or E_FAULT if the map failed:
// the window is destroyed again).
int WindowOpen(ClientWindow *w, const char *title, int32_t x, int32_t y, uint32_t width,
               uint32_t height);

// Tell the server r of the client area changed. Returns 0 or E_*.
int WindowDamageRect(ClientWindow *w, Rect r);

// The events queued for this program (all its windows), at most
// capacity. Returns how many or E_*.
int WindowEvents(WindowEvent *out, uint32_t capacity);

// Act on e if it is about w: a resize maps the new buffer, unmaps and
// releases the old one (w->surface changes); a close unmaps and releases
// the buffer and sets w->closed. Returns 1 if e was about w, else 0.
int WindowHandleEvent(ClientWindow *w, const WindowEvent *e);

// Set the title. Returns 0 or E_*.
int WindowSetTitle(ClientWindow *w, const char *title);

// Unmap the buffer and destroy the window.
void WindowDestroy(ClientWindow *w);

#endif
