// The kernel's half of the POSIX layer (kernel/posix.c): int 0x80 becomes
// a request to the POSIX server (include/clanker/posix.h).
#ifndef KERNEL_POSIX_H
#define KERNEL_POSIX_H

#include <arch/x86/trap.h>

// Forward the call in the frame (number in eax, arguments in ebx, ecx,
// edx, esi, edi, ebp) to POSIX_CALL_NAME and wait for the answer, which
// goes to frame->eax; every other register is left as it was.
// An eax at or above POSIX_CALL_KERNEL is -ENOSYS at once.
void PosixTrap(TrapFrame *frame);

// On the way back to ring 3: if the process was poked (ProcessPoke), make
// POSIX_CALL_SIGNALS calls until it is not, so the server can run a
// signal handler (it changes the registers in the frame itself).
void PosixReturnToUser(TrapFrame *frame);

// A CPU exception in ring 3 by a process that uses the POSIX layer: ask
// the server whether a handler for signal runs (POSIX_CALL_FAULT).
// Returns 0 if one will (return to ring 3 then), else an error: the
// caller ends the process as usual.
int PosixFault(TrapFrame *frame, int signal, uint32_t address);

#endif
