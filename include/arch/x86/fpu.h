// x87/SSE register state (arch/x86/fpu.c).
//
// Processes' FPU/SSE registers are switched lazily (kernel/proc/sched.c):
// CR0.TS is set for every process but the one whose registers the FPU
// holds, and its first FPU instruction raises #NM, which saves the
// holder's and loads its own. The kernel and kernel-mode programs never
// use them (-mgeneral-regs-only). FXSAVE is used when the CPU has it,
// else FNSAVE.
#ifndef ARCH_X86_FPU_H
#define ARCH_X86_FPU_H

#include <stdint.h>

#define FPU_STATE_SIZE 512          // FXSAVE area; FNSAVE needs 108
#define FPU_STATE_ALIGN 16

// Enable the FPU (and SSE when present) and record a clean initial state.
void FpuInit(void);

// Copy the clean initial state into a new process's save area.
void FpuInitState(uint8_t *state);

void FpuSave(uint8_t *state);
void FpuRestore(const uint8_t *state);

// Let FPU instructions run (clear CR0.TS), or make the next one raise #NM
// (set it). Each writes CR0 only when the setting changes.
void FpuEnable(void);
void FpuDisable(void);

#endif
