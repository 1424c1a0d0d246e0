// Panics: report, then stop, or jump back to a test's recovery point.
//
// A panic inside a panic (say, the report itself faults) skips straight
// to halting, so a broken console or stack cannot loop forever.
#include <stdarg.h>
#include <lib/format.h>
#include <arch/x86/cpu.h>
#include <arch/x86/layout.h>
#include <arch/x86/pc.h>
#include <kernel/console.h>
#include <kernel/panic.h>
#include <kernel/trap.h>
#include <kernel/symbols.h>
#include <arch/x86/vmm.h>

#define BACKTRACE_DEPTH 16

static int panicking;
static JumpBuffer *recovery;
static PanicRecord lastExpected;

void PanicHalt(void)
{
    CpuDisableInterrupts();
    QemuExit(0);
    for (;;)
        CpuHalt();
}

static void PrintFrame(uint32_t eip)
{
    uint32_t offset;
    const char *name = SymbolLookup(eip, &offset);

    if (name)
        ConsolePrint("  %08x %s+0x%x\n", eip, name, offset);
    else
        ConsolePrint("  %08x ?\n", eip);
}

// A frame pointer is followed only if both words it names are mapped
// kernel memory, so a corrupted chain ends the walk instead of faulting.
static int FrameReadable(uint32_t ebp)
{
    return ebp >= KERNEL_BASE && (ebp & 3) == 0 && ebp <= 0xfffffff8u &&
           VmmIsKernelMapped(ebp) && VmmIsKernelMapped(ebp + 7);
}

// Does ret follow a call instruction (call rel32, or call through a
// register or memory operand) in kernel text?
static int FollowsCall(uint32_t ret)
{
    const uint8_t *p = (const uint8_t *)(uintptr_t)ret;
    uint32_t offset;

    if (!SymbolLookup(ret - 1, &offset) || !SymbolLookup(ret - 7, &offset))
        return 0;
    if (p[-5] == 0xe8)
        return 1;
    for (int len = 2; len <= 7; len++) {
        if (p[-len] == 0xff && ((p[-len + 1] >> 3) & 7) == 2)
            return 1;
    }
    return 0;
}

void PanicBacktrace(uint32_t eip, uint32_t ebp)
{
    PanicBacktraceFrom(eip, ebp, 0);
}

void PanicBacktraceFrom(uint32_t eip, uint32_t ebp, uint32_t esp)
{
    ConsolePrint("backtrace:\n");
    PrintFrame(eip);
    // A function that keeps no frame of its own (a leaf) leaves its
    // caller's return address on top of the stack, not in the ebp chain.
    if (esp && FrameReadable(esp) && FollowsCall(*(const uint32_t *)(uintptr_t)esp) &&
        !(FrameReadable(ebp) && ((const uint32_t *)(uintptr_t)ebp)[1] ==
                                *(const uint32_t *)(uintptr_t)esp))
        PrintFrame(*(const uint32_t *)(uintptr_t)esp - 1);
    for (int depth = 0; depth < BACKTRACE_DEPTH && FrameReadable(ebp); depth++) {
        const uint32_t *frame = (const uint32_t *)(uintptr_t)ebp;
        if (frame[1] == 0)
            break;
        PrintFrame(frame[1] - 1);       // the call, not the return address
        if (frame[0] <= ebp)
            break;                      // stacks grow down: must move up
        ebp = frame[0];
    }
}

// Hand control back to an armed test, or return if none is armed.
static void Recover(void)
{
    JumpBuffer *target = recovery;

    if (!target)
        return;
    recovery = NULL;
    panicking = 0;
    ConsolePrint("(expected: recovering)\n");
    ArchLongJump(target, 1);
}

// The registers as they are now, for a panic report.
static void CaptureRegisters(TrapFrame *f)
{
    __asm__ volatile("mov %%eax, %0\n mov %%ebx, %1\n mov %%ecx, %2\n"
                     "mov %%edx, %3\n mov %%esi, %4\n mov %%edi, %5\n"
                     : "=m"(f->eax), "=m"(f->ebx), "=m"(f->ecx), "=m"(f->edx),
                       "=m"(f->esi), "=m"(f->edi));
    __asm__ volatile("mov %%ds, %0\n mov %%es, %1\n mov %%fs, %2\n"
                     "mov %%gs, %3\n mov %%cs, %4\n pushfl\n popl %5\n"
                     : "=m"(f->ds), "=m"(f->es), "=m"(f->fs), "=m"(f->gs),
                       "=m"(f->cs), "=m"(f->eflags));
    f->ebp = CpuReadEbp();
    f->eip = (uint32_t)(uintptr_t)__builtin_return_address(0);
}

void Panic(const char *fmt, ...)
{
    va_list args;
    uint32_t ebp = CpuReadEbp();
    TrapFrame regs = { 0 };

    CpuDisableInterrupts();
    if (panicking++)
        PanicHalt();
    va_start(args, fmt);
    lastExpected = (PanicRecord){ .fromTrap = 0 };
    FormatV(lastExpected.message, sizeof(lastExpected.message), fmt, args);
    va_end(args);
    ConsolePrint("\n*** kernel panic: %s\n", lastExpected.message);
    CaptureRegisters(&regs);
    TrapPrintRegisters(&regs);
    PanicBacktrace((uint32_t)(uintptr_t)__builtin_return_address(0) - 1,
                   *(const uint32_t *)(uintptr_t)ebp);
    Recover();
    ConsolePrint("*** system halted\n");
    PanicHalt();
}

void PanicOnTrap(const TrapFrame *frame)
{
    if (panicking++)
        PanicHalt();
    lastExpected = (PanicRecord){
        .fromTrap = 1,
        .vector = frame->vector,
        .errorCode = frame->errorCode,
        .faultAddress = frame->vector == TRAP_PAGE_FAULT ? CpuReadCr2() : 0,
    };
    ConsolePrint("\n*** unhandled ");
    TrapReport(frame);
    Recover();
    ConsolePrint("*** system halted\n");
    PanicHalt();
}

void PanicExpect(JumpBuffer *target)
{
    recovery = target;
}

void PanicExpectCancel(void)
{
    recovery = NULL;
}

const PanicRecord *PanicLastExpected(void)
{
    return &lastExpected;
}
