// Starting programs from ELF files (kernel/exec/loader.c).
#ifndef KERNEL_LOADER_H
#define KERNEL_LOADER_H

#include <kernel/proc/process.h>
#include <arch/x86/vmm.h>

#define LOADER_MAX_ARGS    32               // a spawn's arguments
#define LOADER_MAX_ARG_LEN 256
#define LOADER_EXEC_MAX_STRINGS 1024        // an exec's argv, and its envp
#define LOADER_START_MAX   (64u * 1024)     // strings, vectors and auxv at the stack's top
#define USER_STACK_SIZE    (128u * 1024)    // mapped below USER_LIMIT
#define USER_STACK_GUARD   (4u * 1024)      // unmapped page below the stack
#define ELF_DYN_BIAS       0x40000000u      // where position-independent images go

// Start the program at path in the initrd as a child of parent (may be
// NULL) with argc arguments. Returns the new pid, or E_NOENT (no such
// file), E_NOEXEC (not an i386 executable), E_INVAL (malformed ELF or
// arguments), E_NOMEM. On error nothing is left behind.
int LoaderSpawn(const char *path, int argc, const char *const *argv,
                ProcessMode mode, Process *parent);

// LoaderSpawn with an environment: envc strings envp[0..envc) (envc 0:
// none), on the new stack after argv as an exec puts them.
int LoaderSpawnEnv(const char *path, int argc, const char *const *argv, int envc,
                   const char *const *envp, ProcessMode mode, Process *parent);

// LoaderSpawnEnv with a context and SPAWN_* flags: the child gets a copy
// of *context (NULL: parent's, or the default one without a parent), and
// with SPAWN_SUSPENDED it is made but left blocked until ProcessResume.
// E_INVAL also for unknown flags or a context name without its NUL.
int LoaderSpawnContext(const char *path, int argc, const char *const *argv, int envc,
                       const char *const *envp, ProcessMode mode, Process *parent,
                       const ProcessContext *context, uint32_t flags);

// The strings a new program starts with (argv[0..argc), envp[0..envc)).
typedef struct LoaderStrings {
    uint32_t argc;
    const char *const *argv;
    uint32_t envc;
    const char *const *envp;
} LoaderStrings;

// Where a loaded program starts, and the page-aligned range of its image
// (the break begins at highest).
typedef struct LoaderImage {
    uint32_t entry;
    uint32_t stack;             // the initial stack pointer
    uint32_t lowest, highest;
} LoaderImage;

// Load the ELF image file[0, size) into space, an empty address space,
// for a process of mode: its segments, the stack, and the start-up layout
// with strings (seed varies the AT_RANDOM bytes). Returns 0 with *out
// filled, or E_NOEXEC (not an i386 executable), E_INVAL (malformed ELF,
// strings over LOADER_EXEC_MAX_STRINGS or LOADER_START_MAX) or E_NOMEM.
// On error, whatever was mapped stays in space, for its owner to destroy.
int LoaderLoad(AddressSpace *space, ProcessMode mode, uint64_t seed, const uint8_t *file,
               uint32_t size, const LoaderStrings *strings, LoaderImage *out);

// The last component of a path or namespace name ("fs:root:bin/x": "x").
const char *LoaderBaseName(const char *path);

#endif
