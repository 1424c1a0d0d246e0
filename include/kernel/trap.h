// Traps (kernel/trap.c): dispatch by vector, fault delivery, and the
// report of a fault. TrapDispatch itself is declared with the frame
// (include/arch/x86/trap.h), since the arch's stubs call it.
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <arch/x86/trap.h>

// Print the full report of a trap: name, decoded error code, registers and
// a backtrace.
void TrapReport(const TrapFrame *frame);

// Print every register of the frame, plus the control registers.
void TrapPrintRegisters(const TrapFrame *frame);

#endif
