// x87/SSE register state (arch/x86/fpu.c).
//
// Processes save and restore their FPU/SSE registers at every switch
// (eagerly; the kernel itself never uses them: it is built with
// -mgeneral-regs-only). FXSAVE is used when the CPU has it, else FNSAVE.
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

#endif
