// Copies to and from user memory that return E_FAULT instead of
// faulting (arch/x86/usercopy.S). The caller checks that the range is
// in user space (below KERNEL_BASE, no wrap); a page that is not mapped,
// or not writable for a write, is found by the MMU and answered E_FAULT.
#ifndef ARCH_X86_USERCOPY_H
#define ARCH_X86_USERCOPY_H

#include <stdint.h>
#include <arch/x86/trap.h>

int ArchUserCopy(void *dst, const void *src, uint32_t length);
int ArchUserCopyString(char *dst, const char *src, uint32_t max);
int ArchUserProbeWrite(uintptr_t addr, uint32_t length);
int ArchUserMatch(const void *user, const void *kernel, uint32_t length);

// A kernel-mode page fault inside one of the routines above: point the
// frame at its fixup (which returns E_FAULT) and return 1; else 0.
int ArchFaultFixup(TrapFrame *frame);

#endif
