// The console: server (servers/console/): the screen and the keyboard or
// serial line as one stream, served with the filesystem protocol of
// include/clanker/fs.h (docs/servers.md has the message set).
//
//   console.c    the server thread: requests, pending readers, the line editor
//   input.c      the input side: COM1 and keyboard interrupts into a ring,
//                flow control, and the "console-input" thread
//   keyboard.c   PS/2 scancode set 1 to ASCII
#ifndef SERVERS_CONSOLE_H
#define SERVERS_CONSOLE_H

#include <stdint.h>
#include <clanker/message.h>

#define CONSOLE_PREFIX     "console:"
#define CONSOLE_INPUT_NAME "console:input"      // where the input thread knocks
#define CONSOLE_MSG_INPUT  (MSG_TYPE_LIMIT + 1) // "input arrived", from that thread only
// Reads that never wait, for a client that must not block (the POSIX
// server): FsIo -> the line as MSG_READ gives it, or E_AGAIN when no line
// (or end of input) is at hand or another reader waits before it.
#define CONSOLE_MSG_TRY_READ (MSG_TYPE_LIMIT + 2)
// (empty) -> (empty) if a read now would be answered at once, else E_AGAIN.
#define CONSOLE_MSG_POLL     (MSG_TYPE_LIMIT + 3)
#define CONSOLE_RING_SIZE  4096                 // bytes of raw input held

// Start the server and its input thread. Returns 0 or E_NOMEM.
int ConsoleServerStart(void);

// --- input.c ------------------------------------------------------------------

// Install the COM1 and keyboard interrupt handlers and start the input
// thread, which sends CONSOLE_MSG_INPUT to CONSOLE_INPUT_NAME whenever
// input has arrived. Returns the thread's pid or E_NOMEM.
int ConsoleInputStart(void);

// Take the oldest raw input byte. Returns 1, or 0 if there is none.
int ConsoleInputTake(uint8_t *byte);

// --- keyboard.c ---------------------------------------------------------------

typedef struct KeyboardState {
    uint8_t leftShift, rightShift;  // held
    uint8_t ctrl;                   // left or right Ctrl held (bit each)
    uint8_t capsLock;               // toggled by its key
    uint8_t extended;               // the last byte was the 0xe0 prefix
} KeyboardState;

// Take one scancode (set 1) and return the byte it types, or 0 for none
// (a release, a modifier, a key with no character).
uint8_t KeyboardTranslate(KeyboardState *k, uint8_t scancode);

#endif
