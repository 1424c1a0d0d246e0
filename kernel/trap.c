// Traps: what each vector means, and what a CPU exception does.
//
// Every vector's stub (arch/x86/trap.S) calls TrapDispatch with the saved
// frame. IRQs go to the IRQ table, int 0x40 to the system-call table, a
// vector a personality claimed (kernel/personality.c: the POSIX server's
// int 0x80) to that personality. A personality vector nobody has claimed
// (0x41-0xff; int 0x80 before the POSIX server starts, or without it)
// raised from ring 3 answers -ENOSYS in eax, Linux's "no such call", and
// the program goes on. A CPU exception raised by a user
// program, or by a kernel-mode program's own code (an eip below the
// kernel half), goes to the program's personality if it has one and it
// runs a handler, else kills the program with one line; any other
// exception is the kernel's own fault: reported in full, and the kernel
// stops. Vectors nothing uses are counted and ignored. On the way out,
// the scheduler may switch if the interrupted code could be preempted,
// and a poked process makes its personality's return call.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/syscall.h>
#include <arch/x86/cpu.h>
#include <arch/x86/irq.h>
#include <arch/x86/layout.h>
#include <arch/x86/trap.h>
#include <arch/x86/usercopy.h>
#include <kernel/console.h>
#include <kernel/panic.h>
#include <kernel/personality.h>
#include <kernel/proc/process.h>
#include <kernel/proc/sched.h>
#include <kernel/syscall.h>
#include <kernel/trap.h>

#define PF_PRESENT  0x01
#define PF_WRITE    0x02
#define PF_USER     0x04
#define PF_RESERVED 0x08
#define PF_FETCH    0x10

static uint32_t unexpectedTraps;

// --- the report of a fault ---------------------------------------------------

static void ReportPageFault(const TrapFrame *frame)
{
    uint32_t e = frame->errorCode;

    ConsolePrint("page fault at address 0x%08x: %s, %s, %s mode%s%s\n",
                 CpuReadCr2(),
                 e & PF_PRESENT ? "protection violation" : "page not present",
                 e & PF_FETCH ? "instruction fetch" : (e & PF_WRITE ? "write" : "read"),
                 e & PF_USER ? "user" : "kernel",
                 e & PF_RESERVED ? ", reserved bit set" : "", "");
}

// Error codes of #TS, #NP, #SS and #GP name a segment selector.
static void ReportSelectorError(const TrapFrame *frame)
{
    uint32_t e = frame->errorCode;
    static const char *const tables[4] = { "GDT", "IDT", "LDT", "IDT" };

    if (e == 0) {
        ConsolePrint("error code 0: no selector involved\n");
        return;
    }
    ConsolePrint("error code 0x%x: %s entry %u%s\n", e, tables[(e >> 1) & 3],
                 e >> 3, e & 1 ? ", external event" : "");
}

void TrapPrintRegisters(const TrapFrame *f)
{
    ConsolePrint("eax=%08x ebx=%08x ecx=%08x edx=%08x\n", f->eax, f->ebx, f->ecx, f->edx);
    ConsolePrint("esi=%08x edi=%08x ebp=%08x esp=%08x\n", f->esi, f->edi, f->ebp,
                 TrapStackPointer(f));
    ConsolePrint("eip=%08x eflags=%08x cs=%04x ss=%04x ds=%04x es=%04x fs=%04x gs=%04x\n",
                 f->eip, f->eflags, f->cs, f->cs & 3 ? f->userSs : 0x10,
                 f->ds, f->es, f->fs, f->gs);
    ConsolePrint("cr0=%08x cr2=%08x cr3=%08x cr4=%08x\n", CpuReadCr0(),
                 CpuReadCr2(), CpuReadCr3(), CpuReadCr4());
}

void TrapReport(const TrapFrame *frame)
{
    uint32_t v = frame->vector;

    ConsolePrint("CPU exception %u: %s, error code 0x%x, in %s mode\n", v,
                 TrapExceptionName(v), frame->errorCode,
                 frame->cs & 3 ? "user" : "kernel");
    if (v == TRAP_PAGE_FAULT)
        ReportPageFault(frame);
    else if (v >= 10 && v <= 13)
        ReportSelectorError(frame);
    TrapPrintRegisters(frame);
    PanicBacktraceFrom(frame->eip, frame->ebp,
                       frame->cs & 3 ? 0 : TrapStackPointer(frame));
}

// --- dispatch ------------------------------------------------------------------

#define EFLAGS_IF 0x200u

// The signal a program dies of for an exception (the Linux mapping).
static int SignalFor(uint32_t vector)
{
    switch (vector) {
    case 0: case 16: case 19: return SIGNAL_FPE;
    case 1: case 3: return SIGNAL_TRAP;
    case 6: return SIGNAL_ILL;
    case 17: return SIGNAL_BUS;
    default: return SIGNAL_SEGV;
    }
}

// Was this exception raised by a program rather than by the kernel? An
// exception inside an IRQ handler (even a kernel-mode program's) is
// charged to no process: the interrupted one is not at fault.
static int ProgramCaused(const TrapFrame *frame)
{
    const Process *p = ProcessCurrent();

    if (frame->vector == 2 || frame->vector == 18)
        return 0;                       // NMI, machine check: the hardware's
    if (frame->cs & 3)
        return 1;
    if (IrqActive())
        return 0;
    return p && p->mode == PROCESS_KERNEL && p->codeHigh != 0 && frame->eip < KERNEL_BASE;
}

// A program's exception goes to its personality's handler, if it runs
// one, or ends it; any other is the kernel's own.
static void Exception(TrapFrame *frame)
{
    uint32_t address = frame->vector == TRAP_PAGE_FAULT ? CpuReadCr2() : 0;

    if (ArchFaultFixup(frame))
        return;                         // a bad user pointer: the copy says E_FAULT
    if (!ProgramCaused(frame))
        PanicOnTrap(frame);
    if (PersonalityFault(frame, SignalFor(frame->vector), address ? address : frame->eip) == 0)
        return;
    ProcessFault(frame->vector, frame->eip, address, SignalFor(frame->vector));
}

// A vector no personality has claimed. From ring 3 it is an int
// instruction (the gates of 0x41-0xff allow one; the PICs interrupt only
// on 32-47): a call with no server, so it answers -ENOSYS, as Linux does
// for a number it does not know, and only eax changes. From ring 0 it is
// counted and ignored.
static void Unclaimed(TrapFrame *frame)
{
    if (frame->cs & 3)
        frame->eax = (uint32_t)E_NOSYS;
    else
        unexpectedTraps++;
}

void TrapDispatch(TrapFrame *frame)
{
    uint32_t v = frame->vector;

    if (v >= TRAP_IRQ_BASE && v < TRAP_IRQ_BASE + IRQ_COUNT)
        IrqDispatch(frame);
    else if (v == SYSCALL_VECTOR)
        SyscallDispatch(frame);
    else if (v == TRAP_NO_FPU)
        SchedFpuTrap();                 // lazy FPU: bring in this process's registers
    else if (v < 32)
        Exception(frame);
    else if (PersonalityTrap(frame) != 0)
        Unclaimed(frame);
    if (frame->eflags & EFLAGS_IF)
        SchedPreempt();
    if ((frame->cs & 3) && ProcessCurrent()->returnCall)
        PersonalityReturnToUser(frame);
}
