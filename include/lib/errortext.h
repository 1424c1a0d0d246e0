// Short texts for the E_* codes (lib/errortext.c).
//
// Freestanding, shared by the kernel and user programs: the shell prints
// "cat: fs:root:nope: no such file" from ErrorText(E_NOENT).
#ifndef LIB_ERRORTEXT_H
#define LIB_ERRORTEXT_H

// A short lower-case text for err (an E_* code from <clanker/error.h>),
// such as "no such file". A code without one gives "error N", formatted
// into a static buffer that the next such call overwrites.
const char *ErrorText(int err);

#endif
