// Trap frames (arch/x86/trap.S saves them; kernel/trap.c dispatches them)
// and what the hardware says of a trap (arch/x86/trap.c).
#ifndef ARCH_X86_TRAP_H
#define ARCH_X86_TRAP_H

#include <stdint.h>

#define TRAP_NO_FPU     7       // #NM: an FPU instruction with CR0.TS set
#define TRAP_PAGE_FAULT 14
#define TRAP_IRQ_BASE   32      // IRQ n arrives on vector 32 + n
#define TRAP_VECTORS    256

// The registers as trap.S saves them, lowest address first.
typedef struct TrapFrame {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, espAtPusha, ebx, edx, ecx, eax;
    uint32_t vector, errorCode;
    uint32_t eip, cs, eflags;
    uint32_t userEsp, userSs;   // only when the trap came from ring 3
} TrapFrame;

// Entry points of the 256 vector stubs (trap.S).
extern const uint32_t TrapVectors[TRAP_VECTORS];

// Called by trap.S for every vector: the kernel's (kernel/trap.c), the
// arch's one upcall on every trap (tools/layers.txt).
void TrapDispatch(TrapFrame *frame);

// Name of a CPU exception vector (0-31), e.g. "Page Fault (#PF)".
const char *TrapExceptionName(uint32_t vector);

// The stack pointer at the moment of the trap.
uint32_t TrapStackPointer(const TrapFrame *frame);

#endif
