// The kernel's C entry point: bring the machine up in dependency order.
//
//   console   so everything after can report
//   GDT, IDT  so faults are caught and reported, not triple faults
//   PIC       remapped and masked before interrupts are ever enabled
//   memory    page allocator, final page tables, heap
//   FPU, processes  the boot context becomes the idle process
//   PIT       the tick (and preemption), then interrupts on
//   initrd    then the programs of etc/boot.conf (or the test suite)
#include <clanker/version.h>
#include <arch/x86/cpu.h>
#include <arch/x86/descriptor.h>
#include <arch/x86/irq.h>
#include <arch/x86/layout.h>
#include <arch/x86/pc.h>
#include <arch/x86/fpu.h>
#include <kernel/exec/bootconf.h>
#include <kernel/cmdline.h>
#include <kernel/exec/initrd.h>
#include <kernel/ipc/ipc.h>
#include <kernel/console.h>
#include <kernel/mm/memory.h>
#include <kernel/multiboot.h>
#include <kernel/panic.h>
#include <kernel/proc/process.h>
#include <kernel/proc/sched.h>
#include <kernel/services/console.h>
#include <kernel/services/proc.h>

// Provided only by the test kernel (tests/kernel/ktest.c, tests/bench/).
void KtestMain(void *arg) __attribute__((weak));
void KbenchMain(void *arg) __attribute__((weak));

static void ReadCommandLine(uint32_t infoPhys)
{
    const MultibootInfo *info;

    if (infoPhys + sizeof(*info) > DIRECT_MAP_SIZE)
        return;
    info = PhysToVirt(infoPhys);
    if ((info->flags & MULTIBOOT_INFO_CMDLINE) && info->cmdline < DIRECT_MAP_SIZE - CMDLINE_MAX)
        CmdlineInit(PhysToVirt(info->cmdline));
    if (CmdlineHas("debug-exit"))
        QemuExitArm();
}

// The programs of etc/boot.conf are started by a kernel thread of their
// own, so a busy program cannot starve the lines after it (the idle
// process runs only when nothing else is ready).
static void InitMain(void *arg)
{
    (void)arg;
    BootConfStart();
}

static void StartInit(void)
{
    ProcessCreateDaemon("init", InitMain, NULL);
}

static void PrintBanner(void)
{
    const MemPlan *plan = MemBootPlan();

    ConsolePrint("%s %s (i386): %u MiB RAM, %u of %u pages free, kernel uses %u KiB\n",
                 CLANKEROS_NAME, CLANKEROS_VERSION,
                 (uint32_t)((plan->ramBytes + (1 << 20) - 1) >> 20), MemFreePages(),
                 MemTotalPages(), MemKernelBytes() / 1024);
}

void KernelMain(uint32_t magic, uint32_t infoPhys)
{
    ConsoleInit();
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
        ConsolePrint("%s: not started by a Multiboot loader (eax=0x%08x)\n",
                     CLANKEROS_NAME, magic);
        PanicHalt();
    }
    ReadCommandLine(infoPhys);
    GdtInit();
    IdtInit();
    IrqInit();
    MemInit(infoPhys);
    FpuInit();
    ProcessInit();
    IpcInit();
    PitInit(SCHED_HZ, SchedTick);
    CpuEnableInterrupts();
    PrintBanner();
    InitrdInit(infoPhys);
    ProcServerStart();
    ConsoleServerStart();
    if (KtestMain && CmdlineHas("test"))
        ProcessCreateThread("ktest", KtestMain, NULL);
    else if (KbenchMain && CmdlineHas("bench"))
        ProcessCreateThread("kbench", KbenchMain, NULL);
    else
        StartInit();
    // From here on this is the idle process: run whatever is ready,
    // halt until the next interrupt otherwise.
    for (;;) {
        SchedYield();
        CpuHalt();
    }
}
