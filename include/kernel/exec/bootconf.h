// The boot configuration (kernel/exec/bootconf.c): etc/boot.conf in the
// initrd lists the programs to start, in order, one per line:
//
//     user PATH [ARGS...]       a user-mode program
//     kernel PATH [ARGS...]     a kernel-mode program
//     wait PREFIX               wait (at most 10 s) until someone serves PREFIX
//     if WORD LINE              LINE, only when the kernel command line has
//                               the word WORD (`if desktop user bin/desktop`)
//
// '#' starts a comment; blank lines are ignored; PATH is relative to the
// initrd root. A bad line is reported and skipped.
#ifndef KERNEL_BOOTCONF_H
#define KERNEL_BOOTCONF_H

#include <stddef.h>

#define BOOTCONF_PATH "etc/boot.conf"

// Start every program text lists. Returns how many started.
int BootConfRun(const char *text, size_t length);

// Read BOOTCONF_PATH from the initrd and run it.
int BootConfStart(void);

#endif
