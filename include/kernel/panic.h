// Fatal errors (kernel/panic.c).
//
// Panic and unhandled CPU exceptions print a full report (what happened,
// registers, a backtrace with function names) and stop the machine; under
// the test bench QEMU then exits with a failure status.
//
// Tests can expect a panic: PanicExpect arms a recovery point, and the
// next panic or unhandled exception prints its report marked "expected",
// records what it was, and jumps back there instead of stopping.
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdint.h>
#include <arch/x86/jump.h>
#include <arch/x86/trap.h>

void Panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

// Report an exception nobody handled, then stop (or recover, see above).
void PanicOnTrap(const TrapFrame *frame) __attribute__((noreturn));

// Print "backtrace:" and one line per frame, starting at eip, following
// the saved-ebp chain from ebp. Stops at an unmapped or odd frame.
void PanicBacktrace(uint32_t eip, uint32_t ebp);

// The same for a trap in kernel mode: esp is the stack pointer at the
// trap, used to find the caller of a function that keeps no frame.
void PanicBacktraceFrom(uint32_t eip, uint32_t ebp, uint32_t esp);

// Stop the machine for good: report failure to the test bench, then halt.
void PanicHalt(void) __attribute__((noreturn));

typedef struct PanicRecord {
    int fromTrap;           // 1: CPU exception, 0: Panic()
    uint32_t vector;
    uint32_t errorCode;
    uint32_t faultAddress;  // CR2 for a page fault
    char message[128];      // Panic()'s formatted message
} PanicRecord;

void PanicExpect(JumpBuffer *recovery);
void PanicExpectCancel(void);
const PanicRecord *PanicLastExpected(void);

#endif
