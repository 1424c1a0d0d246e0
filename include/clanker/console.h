// The console: protocol beyond the filesystem messages (docs/servers.md).
//
// The console has one mode, set by whoever drives the terminal (the
// shell at its prompt, a POSIX program through termios):
//
//   cooked (0)     reads return whole lines, edited and echoed by the
//                  console's line editor (lib/lineedit.c); ^C interrupts
//   CONSOLE_MODE_RAW     reads return the bytes at hand (at least one; a
//                  read waits for the first), unedited, not echoed
//   CONSOLE_MODE_ECHO    with RAW: echo the bytes as they are read
//   CONSOLE_MODE_SIGNALS with RAW: ^C interrupts instead of being read
//
// "^C interrupts": the console acts on a ^C as soon as it arrives, even
// while nobody reads: it drops the ^C and the unfinished line before it
// (bytes after it stay, so typed-ahead input is kept), echoes "^C\n",
// and interrupts the foreground: every
// process of CONSOLE_MSG_SET_FOREGROUND and every descendant of one. A
// process with a personality is interrupted by it (the POSIX server gives
// SIGINT; include/clanker/personality.h); any other is ended with
// WAIT_STATUS_SIGNALED(2). With no foreground ^C is
// dropped (echoed, in cooked mode).
#ifndef CLANKER_CONSOLE_H
#define CLANKER_CONSOLE_H

#include <stdint.h>
#include <clanker/message.h>

#define CONSOLE_NAME "console:"

// Reads that never wait, for a client that must not block (the POSIX
// server): FsIo -> what MSG_READ would give now, or E_AGAIN when nothing
// is at hand or another reader waits before it.
#define CONSOLE_MSG_TRY_READ       (MSG_TYPE_LIMIT + 2)
// (empty) -> (empty) if a read now would be answered at once, else E_AGAIN.
#define CONSOLE_MSG_POLL           (MSG_TYPE_LIMIT + 3)
// ConsoleMode -> (empty); E_INVAL for unknown bits.
#define CONSOLE_MSG_SET_MODE       (MSG_TYPE_LIMIT + 4)
// (empty) -> ConsoleMode
#define CONSOLE_MSG_GET_MODE       (MSG_TYPE_LIMIT + 5)
// ConsoleForeground -> (empty); count 0 clears it; E_INVAL if count is
// over CONSOLE_FOREGROUND_MAX.
#define CONSOLE_MSG_SET_FOREGROUND (MSG_TYPE_LIMIT + 6)

// The screen, for the display driver (drivers/vga/, docs/display.md):
// a uint32 CONSOLE_SCREEN_RELEASE before it puts the adapter into a
// graphics mode (the text console keeps text mode's registers and font
// and draws into a copy only), CONSOLE_SCREEN_RECLAIM once it has switched
// its mode off (text mode restored, the copy drawn) -> (empty). From a
// kernel-mode program only (E_PERM); E_INVAL for another payload.
#define CONSOLE_MSG_SCREEN         (MSG_TYPE_LIMIT + 7)
#define CONSOLE_SCREEN_RELEASE 0u
#define CONSOLE_SCREEN_RECLAIM 1u

#define CONSOLE_MODE_RAW     1u
#define CONSOLE_MODE_ECHO    2u
#define CONSOLE_MODE_SIGNALS 4u
#define CONSOLE_MODES        7u     // every valid bit

#define CONSOLE_INTERRUPT 0x03      // ^C
#define CONSOLE_FOREGROUND_MAX 16

typedef struct ConsoleMode {
    uint32_t flags;         // CONSOLE_MODE_*
} ConsoleMode;

typedef struct ConsoleForeground {
    uint32_t count;
    uint32_t pids[CONSOLE_FOREGROUND_MAX];
} ConsoleForeground;

#endif
