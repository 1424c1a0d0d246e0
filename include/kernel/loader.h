// Starting programs from ELF files (kernel/loader.c).
#ifndef KERNEL_LOADER_H
#define KERNEL_LOADER_H

#include <kernel/process.h>

#define LOADER_MAX_ARGS    32
#define LOADER_MAX_ARG_LEN 256
#define USER_STACK_SIZE    (128u * 1024)    // mapped below USER_LIMIT
#define USER_STACK_GUARD   (4u * 1024)      // unmapped page below the stack
#define ELF_DYN_BIAS       0x40000000u      // where position-independent images go

// Start the program at path in the initrd as a child of parent (may be
// NULL) with argc arguments. Returns the new pid, or E_NOENT (no such
// file), E_NOEXEC (not an i386 executable), E_INVAL (malformed ELF or
// arguments), E_NOMEM. On error nothing is left behind.
int LoaderSpawn(const char *path, int argc, const char *const *argv,
                ProcessMode mode, Process *parent);

#endif
