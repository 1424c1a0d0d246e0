// What the hardware says of a trap: the exception names of the Intel SDM
// and the stack pointer at the moment of the trap. Every vector's stub
// (trap.S) hands its frame to the kernel's TrapDispatch (kernel/trap.c),
// which decides what the trap means and reports a fault.
#include <stddef.h>
#include <arch/x86/cpu.h>
#include <arch/x86/trap.h>

// Names from the Intel SDM, vol. 3, table 6-1.
static const char *const exceptionNames[32] = {
    [0] = "Divide Error (#DE)",
    [1] = "Debug (#DB)",
    [2] = "Non-Maskable Interrupt (NMI)",
    [3] = "Breakpoint (#BP)",
    [4] = "Overflow (#OF)",
    [5] = "BOUND Range Exceeded (#BR)",
    [6] = "Invalid Opcode (#UD)",
    [7] = "Device Not Available (#NM)",
    [8] = "Double Fault (#DF)",
    [9] = "Coprocessor Segment Overrun",
    [10] = "Invalid TSS (#TS)",
    [11] = "Segment Not Present (#NP)",
    [12] = "Stack-Segment Fault (#SS)",
    [13] = "General Protection (#GP)",
    [14] = "Page Fault (#PF)",
    [16] = "x87 Floating-Point Error (#MF)",
    [17] = "Alignment Check (#AC)",
    [18] = "Machine Check (#MC)",
    [19] = "SIMD Floating-Point Exception (#XM)",
    [20] = "Virtualization Exception (#VE)",
    [21] = "Control Protection Exception (#CP)",
    [28] = "Hypervisor Injection Exception (#HV)",
    [29] = "VMM Communication Exception (#VC)",
    [30] = "Security Exception (#SX)",
};

const char *TrapExceptionName(uint32_t vector)
{
    if (vector < 32 && exceptionNames[vector])
        return exceptionNames[vector];
    return vector < 32 ? "Reserved exception" : "Interrupt";
}

uint32_t TrapStackPointer(const TrapFrame *frame)
{
    if (frame->cs & 3)
        return frame->userEsp;
    return (uint32_t)(uintptr_t)&frame->userEsp;   // nothing pushed past eflags
}

// The { start, end, fixup } triples of usercopy.S.
extern const uint32_t archUserCopyFixups[][3];
extern const uint32_t archUserCopyFixupCount;

int ArchFaultFixup(TrapFrame *frame)
{
    if (frame->vector != TRAP_PAGE_FAULT || (frame->cs & 3))
        return 0;
    for (uint32_t i = 0; i < archUserCopyFixupCount; i++) {
        if (frame->eip >= archUserCopyFixups[i][0] && frame->eip < archUserCopyFixups[i][1]) {
            frame->eip = archUserCopyFixups[i][2];
            return 1;
        }
    }
    return 0;
}
