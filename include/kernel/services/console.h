// The console: server (kernel/services/console/): the screen and the keyboard or
// serial line as one stream, served with the filesystem protocol of
// include/clanker/fs.h (docs/servers.md has the message set).
//
//   console.c    the server thread: requests, pending readers, the line
//                editor, modes, the foreground and ^C
//   input.c      the input side: COM1 and keyboard interrupts into a ring,
//                flow control, and the "console-input" thread
//   interrupt.c  the "console-signal" thread: what a ^C does to the
//                foreground, away from the server thread
//   keyboard.c   PS/2 scancode set 1 to key events and ASCII
//   keys.c       input:keyboard: the keyboard's events for a listener
//                (include/clanker/input.h), served by the same thread
//
// The protocol clients see (the requests, modes and ^C) is
// include/clanker/console.h; this header adds the kernel side.
#ifndef SERVERS_CONSOLE_H
#define SERVERS_CONSOLE_H

#include <stdint.h>
#include <clanker/console.h>
#include <clanker/input.h>
#include <clanker/message.h>
#include <lib/server.h>

#define CONSOLE_PREFIX     CONSOLE_NAME
#define CONSOLE_INPUT_NAME "console:input"      // where the input thread knocks
#define CONSOLE_MSG_INPUT  (MSG_TYPE_LIMIT + 1) // "input arrived", from that thread only
#define CONSOLE_RING_SIZE  4096                 // bytes of raw input held

// Start the server and its input thread. Returns 0 or E_NOMEM.
int ConsoleServerStart(void);

// --- input.c ------------------------------------------------------------------

// Install the COM1 and keyboard interrupt handlers and start the input
// thread, which sends CONSOLE_MSG_INPUT to CONSOLE_INPUT_NAME whenever
// input has arrived. Returns the thread's pid or E_NOMEM.
int ConsoleInputStart(void);

// Look at the 8042 for a byte its interrupt did not bring (a mouse byte
// with no mouse driver to take it holds the keyboard's back).
void ConsoleInputPoll(void);

// Take the oldest raw input byte. Returns 1, or 0 if there is none.
int ConsoleInputTake(uint8_t *byte);

// The PS/2 keyboard's events instead of its bytes. ConsoleKeysListen(1):
// from now on each key goes into the event queue (emptied first) and not
// into the ring; (0): keys are typed into the ring again and the queue is
// emptied. The others take the events queued, oldest first: as many as
// max, or as many whole text lines as capacity holds (InputQueueTakeText).
void ConsoleKeysListen(int on);
uint32_t ConsoleKeysTake(InputEvent *out, uint32_t max);
uint32_t ConsoleKeysTakeText(char *out, uint32_t capacity);
void ConsoleKeysStatus(InputStatus *out);   // all but the listener

// Remove the oldest byte mark from the ring and, with toLine, the bytes
// before it back to the last '\r' or '\n' (which stays). Returns 1 if
// there was one, with *fromOldest 1 when what went began at the oldest
// byte (so the line being edited goes too); 0 if there is none.
int ConsoleInputCut(uint8_t mark, int toLine, int *fromOldest);

// --- interrupt.c --------------------------------------------------------------

// Start the "console-signal" thread. Returns 0 or E_NOMEM.
int ConsoleInterruptStart(void);

// Interrupt the count processes of pids and every descendant of one: a
// process with a personality is interrupted by it (PersonalityInterruptProcess:
// the POSIX server gives SIGINT), any other user process ends with
// WAIT_STATUS_SIGNALED(2). Only queues the work for the thread, so the
// server never waits for a personality's server.
void ConsoleInterrupt(const uint32_t *pids, uint32_t count);

// --- keyboard.c ---------------------------------------------------------------

typedef struct KeyboardState {
    uint8_t leftShift, rightShift;  // held
    uint8_t ctrl;                   // left or right Ctrl held (bit each)
    uint8_t alt;                    // left or right Alt held (bit each)
    uint8_t capsLock;               // toggled by its key
    uint8_t extended;               // the last byte was the 0xe0 prefix
    uint8_t skip;                   // bytes of a Pause sequence still to come
} KeyboardState;

// A key pressed or released: the character it types or a KEY_* code
// (include/clanker/input.h), and INPUT_KEY_RELEASED with the INPUT_MOD_*
// modifiers held after it.
typedef struct KeyboardEvent {
    uint32_t key;
    uint32_t flags;
} KeyboardEvent;

// Take one scancode (set 1). Returns 1 with *out set when it completes a
// key's press or release, 0 for a prefix or a byte of no key.
int KeyboardDecode(KeyboardState *k, uint8_t scancode, KeyboardEvent *out);

// Take one scancode (set 1) and return the byte it types, or 0 for none
// (a release, a modifier, a key with no character).
uint8_t KeyboardTranslate(KeyboardState *k, uint8_t scancode);

// --- keys.c -------------------------------------------------------------------

// The console server's handler of every request to input:keyboard: (its
// first route), the Idle hook's part (a notice to a listener with news)
// and the ProcessEnded hook's (an ended listener is dropped).
int ConsoleKeysRequest(Server *s, ServerRequest *r);
void ConsoleKeysIdle(void);
void ConsoleKeysEnded(uint32_t pid);

#endif
