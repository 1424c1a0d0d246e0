// The kernel's half of the POSIX layer (kernel/posix.c): int 0x80 becomes
// a request to the POSIX server (include/clanker/posix.h).
#ifndef KERNEL_POSIX_H
#define KERNEL_POSIX_H

#include <arch/x86/trap.h>

// Forward the call in the frame (number in eax, arguments in ebx, ecx,
// edx, esi, edi, ebp) to POSIX_CALL_NAME and wait for the answer, which
// goes to frame->eax; every other register is left as it was.
void PosixTrap(TrapFrame *frame);

#endif
