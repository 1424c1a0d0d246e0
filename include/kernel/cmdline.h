// The kernel command line (kernel/cmdline.c): space-separated words, each
// either "name" or "name=value". Known options:
//   debug-exit      leave QEMU through isa-debug-exit on panic/test end
//   test[=NAME]     run the in-kernel test suite (or one named test)
//   bench           run the benchmarks (test kernel only)
//   desktop         etc/boot.conf's "if desktop" lines run: the desktop starts
//                   (make run GUI=1 or DESKTOP=1 pass it)
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#define CMDLINE_MAX 256

// Copy the command line (truncated to CMDLINE_MAX - 1 bytes). NULL is "".
void CmdlineInit(const char *text);

const char *CmdlineText(void);

// Is option name present (with or without a value)?
int CmdlineHas(const char *name);

// Copy the value of name=value into out (size bytes). Returns 1 if the
// option has a value, 0 if absent or bare.
int CmdlineValue(const char *name, char *out, unsigned size);

#endif
