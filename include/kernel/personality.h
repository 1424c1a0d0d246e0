// Personalities (kernel/personality.c; include/clanker/personality.h):
// trap vectors that servers claim, so that ring-3 programs can speak
// another system-call ABI to them.
#ifndef KERNEL_PERSONALITY_H
#define KERNEL_PERSONALITY_H

#include <stdint.h>
#include <arch/x86/trap.h>

#define PERSONALITY_MAX 4

// Claim vector for the personality served at service: int VECTOR from
// ring 3 becomes a MSG_PERSONALITY_CALL to that name. A vector may be
// claimed again by the same name (a restarted server). Returns 0,
// E_INVAL (a vector the CPU, the IRQs or the native system calls use:
// only 0x41-0xff outside 32-47 may be claimed; a name that is empty or
// too long), E_BUSY (claimed by another name) or E_NOSPC (PERSONALITY_MAX
// vectors claimed).
int PersonalityRegister(uint32_t vector, const char *service);

// Whether vector is claimed.
int PersonalityClaims(uint32_t vector);

// If the frame's vector is claimed: forward the call in it to its
// personality and wait; the answer goes to frame->eax, every other
// register stays as it was. Returns 0, or E_NOENT (not claimed: nothing
// done).
int PersonalityTrap(TrapFrame *frame);

// On the way back to ring 3 from any trap: while the process was poked
// (ProcessPoke), make PERSONALITY_CALL_RETURN calls to its personality.
void PersonalityReturnToUser(TrapFrame *frame);

// A CPU exception in ring 3 by a process that has used a personality:
// offer it to that personality (PERSONALITY_CALL_FAULT). Returns 0 if a
// handler will run (return to ring 3 then), else an error: the caller
// ends the process as usual.
int PersonalityFault(TrapFrame *frame, int signal, uint32_t address);

// The console's ^C for process pid: ask its personality to interrupt it
// (MSG_PERSONALITY_INTERRUPT), waiting at most timeoutMs. Returns 0, or
// E_SRCH (no personality has it: the caller ends it) or another error.
int PersonalityInterruptProcess(uint32_t pid, uint32_t timeoutMs);

#endif
