// The user-mode runtime (lib/user/crt0.S, lib/user/syscall.c).
//
// One wrapper per native system call (include/clanker/syscall.h): each
// raises int 0x40 and returns eax as is, so a negative result is an E_*
// code from <clanker/error.h>. Programs define
//     int main(int argc, char **argv, char **envp);
// and crt0's _start calls it and passes its return value to SysExit.
#ifndef LIB_USER_H
#define LIB_USER_H

#include <stddef.h>
#include <stdint.h>
#include <clanker/error.h>
#include <clanker/syscall.h>

// End the calling process with exit code (code & 0xff).
__attribute__((noreturn)) void SysExit(int code);

// Write length bytes of text to the debug console. Returns length or E_*.
int SysDebugWrite(const char *text, uint32_t length);

// The caller's process id.
int SysGetPid(void);

// Give the CPU to another ready thread. Returns 0.
int SysYield(void);

// Block for at least milliseconds ms (rounded up to the tick). Returns 0 or E_*.
int SysSleep(uint32_t milliseconds);

// Start the program at path (relative to the initrd root) as a child,
// with the NULL-terminated argv, or argv NULL to pass none (the kernel
// then chooses argv[0]). Returns the child's pid or E_*.
int SysSpawn(const char *path, const char *const *argv);

// Wait for child pid to end and store its wait status (WAIT_* macros)
// in *status unless status is NULL. Returns pid or E_*.
int SysWait(int pid, int *status);

// Kill process pid (its status becomes WAIT_STATUS_SIGNALED(SIGNAL_KILL)).
// Returns 0 or E_*.
int SysKill(int pid);

// Milliseconds since boot.
uint32_t SysUptime(void);

// The parent's pid, 0 when there is none.
int SysGetPpid(void);

// printf-style output (lib/format.c conversions) to the debug console;
// output beyond 511 characters is cut. Returns characters written or E_*.
int Print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// Parse a decimal int with an optional leading '-' into *out.
// Returns 0, or -1 (leaving *out alone) on an empty, malformed or
// out-of-range string.
int ParseInt(const char *s, int *out);

#endif
