// Process tests: user and kernel-mode programs from the initrd,
// preemption, sleep, exit and wait, faults contained, pointer checks,
// KernelApi resources returned, and no leaks over many spawns.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/kernelapi.h>
#include <clanker/syscall.h>
#include <lib/format.h>
#include <lib/string.h>
#include <arch/x86/irq.h>
#include <kernel/exec/bootconf.h>
#include <kernel/exec/loader.h>
#include <kernel/mm/grant.h>
#include <kernel/mm/memory.h>
#include <kernel/proc/process.h>
#include <kernel/proc/sched.h>
#include "ktest.h"

// Spawn a program as a child of the test thread.
static int Spawn(ProcessMode mode, const char *path, const char *arg1, const char *arg2)
{
    const char *argv[3] = { path, arg1, arg2 };
    int argc = arg2 ? 3 : (arg1 ? 2 : 1);

    return LoaderSpawn(path, argc, argv, mode, ProcessCurrent());
}

// Spawn, wait, and return the wait status.
static int Run(ProcessMode mode, const char *path, const char *arg1, const char *arg2)
{
    int pid = Spawn(mode, path, arg1, arg2), status = -1;

    KTEST_ASSERT(pid > 0);
    KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
    return status;
}

KTEST(ProcessUserProgramRunsAndExits)
{
    KTEST_ASSERT_EQ(Run(PROCESS_USER, "bin/hello", "one", "two"), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(Run(PROCESS_USER, "bin/exitcode", "42", NULL), WAIT_STATUS_EXITED(42));
    KTEST_ASSERT_EQ(Run(PROCESS_USER, "/bin/true", NULL, NULL), WAIT_STATUS_EXITED(0));
}

// Two CPU-bound programs that never yield both get CPU time.
KTEST(ProcessPreemptionSharesTheCpu)
{
    int a = Spawn(PROCESS_USER, "bin/spin", NULL, NULL);
    int b = Spawn(PROCESS_USER, "bin/spin", NULL, NULL);
    int status;

    KTEST_ASSERT(a > 0 && b > 0);
    SchedSleep(400);
    KTEST_ASSERT(ProcessFind(a)->cpuTicks >= 8);
    KTEST_ASSERT(ProcessFind(b)->cpuTicks >= 8);
    KTEST_ASSERT_EQ(ProcessKill(a), 0);
    KTEST_ASSERT_EQ(ProcessKill(b), 0);
    KTEST_ASSERT_EQ(ProcessWait(a, &status), a);
    KTEST_ASSERT_EQ(status, WAIT_STATUS_SIGNALED(SIGNAL_KILL));
    KTEST_ASSERT_EQ(ProcessWait(b, &status), b);
    KTEST_ASSERT_EQ(status, WAIT_STATUS_SIGNALED(SIGNAL_KILL));
}

// A sleep of ms wakes within one tick of ceil(ms / 10 ms) ticks.
KTEST(ProcessSleepIsAccurateToOneTick)
{
    static const uint32_t waits[] = { 10, 20, 35, 100, 250 };

    for (uint32_t i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
        uint64_t want = (waits[i] * SCHED_HZ + 999) / 1000;
        uint64_t start = SchedTicks();
        SchedSleep(waits[i]);
        uint64_t took = SchedTicks() - start;
        KTEST_ASSERT(took >= want && took <= want + 1);
    }
    KTEST_ASSERT_EQ(Run(PROCESS_USER, "bin/sleeper", NULL, NULL), WAIT_STATUS_EXITED(0));
}

// 200 spawn/exit cycles leave the free-page count where it was.
KTEST(ProcessSpawnExitCyclesLeakNothing)
{
    uint32_t baseline, processes;

    KTEST_ASSERT_EQ(Run(PROCESS_USER, "bin/true", NULL, NULL), WAIT_STATUS_EXITED(0));
    baseline = MemFreePages();
    processes = ProcessCount();
    for (int i = 0; i < 200; i++)
        KTEST_ASSERT_EQ(Run(PROCESS_USER, "bin/true", NULL, NULL), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
    KTEST_ASSERT_EQ(ProcessCount(), processes);
}

// Each fault kills only the program that caused it, with the right signal.
KTEST(ProcessUserFaultsKillOnlyTheOffender)
{
    static const struct { const char *name; int signal; } faults[] = {
        { "null-read", SIGNAL_SEGV }, { "null-write", SIGNAL_SEGV },
        { "kernel-read", SIGNAL_SEGV }, { "kernel-write", SIGNAL_SEGV },
        { "io-in", SIGNAL_SEGV }, { "io-out", SIGNAL_SEGV },
        { "cli", SIGNAL_SEGV }, { "hlt", SIGNAL_SEGV },
        { "divide", SIGNAL_FPE }, { "ud2", SIGNAL_ILL },
        { "jump-null", SIGNAL_SEGV }, { "jump-kernel", SIGNAL_SEGV },
    };
    uint32_t baseline;

    KTEST_ASSERT_EQ(Run(PROCESS_USER, "bin/fault", "null-read", NULL),
                    WAIT_STATUS_SIGNALED(SIGNAL_SEGV));
    baseline = MemFreePages();
    for (uint32_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
        KTEST_ASSERT_EQ(Run(PROCESS_USER, "bin/fault", faults[i].name, NULL),
                        WAIT_STATUS_SIGNALED(faults[i].signal));
    KTEST_ASSERT_EQ(Run(PROCESS_USER, "bin/fault", "no-such-fault", NULL), WAIT_STATUS_EXITED(2));
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
}

// NULL, kernel, wrapping and unmapped pointers get E_FAULT (the program
// checks every call and exits with the number of the first that failed).
KTEST(ProcessPointerChecks)
{
    KTEST_ASSERT_EQ(Run(PROCESS_USER, "bin/badptr", NULL, NULL), WAIT_STATUS_EXITED(0));
}

// The process context: get and set, inheritance, a given context,
// SPAWN_SUSPENDED and SYS_RESUME, proc:PID:cwd and the standard streams,
// with every error (the program counts its checks).
KTEST(ProcessContextCalls)
{
    KTEST_ASSERT_EQ(Run(PROCESS_USER, "bin/ctxtest", NULL, NULL), WAIT_STATUS_EXITED(0));
}

// Suspended children: they never run, their parent alone resumes them,
// killing one (or ending its parent) frees everything.
KTEST(ProcessSuspendedSpawnLeaksNothing)
{
    const char *argv[] = { "bin/spin" };
    uint32_t baseline, processes;
    int pid, status;

    KTEST_ASSERT_EQ(Run(PROCESS_USER, "bin/true", NULL, NULL), WAIT_STATUS_EXITED(0));
    baseline = MemFreePages();
    processes = ProcessCount();
    for (int i = 0; i < 50; i++) {
        pid = LoaderSpawnContext("bin/spin", 1, argv, 0, NULL, PROCESS_USER, ProcessCurrent(),
                                 NULL, SPAWN_SUSPENDED);
        KTEST_ASSERT(pid > 0);
        KTEST_ASSERT_EQ(ProcessFind((uint32_t)pid)->state, PROCESS_BLOCKED);
        KTEST_ASSERT_EQ(ProcessResume(0, (uint32_t)pid), E_SRCH);      // not its parent
        KTEST_ASSERT_EQ(ProcessKill((uint32_t)pid), 0);
        KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
        KTEST_ASSERT_EQ(status, WAIT_STATUS_SIGNALED(SIGNAL_KILL));
    }
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
    KTEST_ASSERT_EQ(ProcessCount(), processes);
    pid = LoaderSpawnContext("bin/spin", 1, argv, 0, NULL, PROCESS_USER, ProcessCurrent(),
                             NULL, SPAWN_SUSPENDED);
    KTEST_ASSERT(pid > 0);
    SchedSleep(50);
    KTEST_ASSERT_EQ(ProcessFind((uint32_t)pid)->cpuTicks, 0);
    KTEST_ASSERT_EQ(ProcessResume(ProcessCurrent()->pid, (uint32_t)pid), 0);
    KTEST_ASSERT_EQ(ProcessResume(ProcessCurrent()->pid, (uint32_t)pid), E_INVAL);
    SchedSleep(50);
    KTEST_ASSERT(ProcessFind((uint32_t)pid)->cpuTicks > 0);
    KTEST_ASSERT_EQ(ProcessKill((uint32_t)pid), 0);
    KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
}

// Contexts: the default, inheritance, a given one, and the checks of
// LoaderSpawnContext and the KernelApi's ProcessContextGet/Set.
KTEST(ProcessContextInheritedAndChecked)
{
    const KernelApi *api = KernelApiTable();
    const char *argv[] = { "bin/spin" };
    ProcessContext mine, child, bad;
    int pid, status;

    KTEST_ASSERT_EQ(api->ProcessContextGet(ProcessCurrent()->pid, &mine), 0);
    KTEST_ASSERT(strcmp(mine.cwd, "fs:root:") == 0 && strcmp(mine.stdio[2], "console:") == 0);
    KTEST_ASSERT_EQ(api->ProcessContextGet(99999, &mine), E_SRCH);
    KTEST_ASSERT_EQ(api->ProcessContextGet(ProcessCurrent()->pid, NULL), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessContextSet(ProcessCurrent()->pid, NULL), E_INVAL);
    bad = mine;
    memset(bad.stdio[0], 'x', sizeof(bad.stdio[0]));
    KTEST_ASSERT_EQ(api->ProcessContextSet(ProcessCurrent()->pid, &bad), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessContextSet(99999, &mine), E_SRCH);
    KTEST_ASSERT_EQ(LoaderSpawnContext("bin/spin", 1, argv, 0, NULL, PROCESS_USER,
                                       ProcessCurrent(), &bad, 0), E_INVAL);
    KTEST_ASSERT_EQ(LoaderSpawnContext("bin/spin", 1, argv, 0, NULL, PROCESS_USER,
                                       ProcessCurrent(), NULL, 2), E_INVAL);
    pid = Spawn(PROCESS_USER, "bin/spin", NULL, NULL);
    KTEST_ASSERT(pid > 0);
    KTEST_ASSERT_EQ(api->ProcessContextGet((uint32_t)pid, &child), 0);
    KTEST_ASSERT(memcmp(&child, &mine, sizeof(child)) == 0);
    memcpy(child.cwd, "fs:temp:", 9);
    KTEST_ASSERT_EQ(api->ProcessContextSet((uint32_t)pid, &child), 0);
    KTEST_ASSERT_EQ(ProcessContextGet((uint32_t)pid, &bad), 0);
    KTEST_ASSERT(strcmp(bad.cwd, "fs:temp:") == 0);
    KTEST_ASSERT_EQ(ProcessKill((uint32_t)pid), 0);
    KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
    pid = LoaderSpawnContext("bin/spin", 1, argv, 0, NULL, PROCESS_USER, ProcessCurrent(),
                             &child, 0);
    KTEST_ASSERT(pid > 0);
    KTEST_ASSERT_EQ(ProcessContextGet((uint32_t)pid, &bad), 0);
    KTEST_ASSERT(memcmp(&bad, &child, sizeof(bad)) == 0);
    KTEST_ASSERT_EQ(ProcessKill((uint32_t)pid), 0);
    KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
}

KTEST(ProcessSpawnAndWaitFromUserMode)
{
    KTEST_ASSERT_EQ(Run(PROCESS_USER, "bin/spawnwait", NULL, NULL), WAIT_STATUS_EXITED(0));
}

// x87 and SSE registers survive context switches.
KTEST(ProcessFpuStateIsPerProcess)
{
    int a = Spawn(PROCESS_USER, "bin/fpu", "3", NULL);
    int b = Spawn(PROCESS_USER, "bin/fpu", "7", NULL);
    int sa, sb;

    KTEST_ASSERT(a > 0 && b > 0);
    KTEST_ASSERT_EQ(ProcessWait(a, &sa), a);
    KTEST_ASSERT_EQ(ProcessWait(b, &sb), b);
    KTEST_ASSERT_EQ(sa, WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(sb, WAIT_STATUS_EXITED(0));
}

// The FPU is switched lazily: programs that never touch it never load
// it, and two that do load it again only when they take turns.
KTEST(ProcessFpuIsLoadedOnlyByItsUsers)
{
    uint32_t before = SchedFpuLoads();
    int a, b, sa, sb;

    KTEST_ASSERT_EQ(Run(PROCESS_USER, "bin/true", NULL, NULL), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(Run(PROCESS_USER, "bin/spawnwait", NULL, NULL), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(SchedFpuLoads(), before);           // none of them used it
    a = Spawn(PROCESS_USER, "bin/fpu", "3", NULL);
    b = Spawn(PROCESS_USER, "bin/fpu", "7", NULL);
    KTEST_ASSERT(a > 0 && b > 0);
    KTEST_ASSERT_EQ(ProcessWait(a, &sa), a);
    KTEST_ASSERT_EQ(ProcessWait(b, &sb), b);
    KTEST_ASSERT_EQ(sa, WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(sb, WAIT_STATUS_EXITED(0));
    KTEST_ASSERT(SchedFpuLoads() >= before + 2);        // each brought its own in
}

// A kernel-mode program gets the KernelApi and its arguments; what it
// leaves allocated comes back when it exits.
// (Its grants go to a user process that waits for nothing: bin/granttest's
// partner, ended at the end.)
KTEST(ProcessKernelProgramUsesTheApi)
{
    int grantee = Spawn(PROCESS_USER, "bin/granttest", "partner", NULL), status;
    uint32_t baseline;
    char pid[12];

    KTEST_ASSERT(grantee > 0);
    Format(pid, sizeof(pid), "%d", grantee);
    KTEST_ASSERT_EQ(Run(PROCESS_KERNEL, "tests/kapitest", "hello", pid), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(GrantCount(), 0);           // the two it kept are revoked
    baseline = MemFreePages();
    KTEST_ASSERT_EQ(Run(PROCESS_KERNEL, "tests/kapitest", "hello", pid), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(GrantCount(), 0);
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
    KTEST_ASSERT_EQ(ProcessKill((uint32_t)grantee), 0);
    KTEST_ASSERT_EQ(ProcessWait(grantee, &status), grantee);
}

// A fault in a kernel-mode program's own code kills it, not the kernel.
KTEST(ProcessKernelProgramFaultsAreContained)
{
    uint32_t baseline;

    KTEST_ASSERT_EQ(Run(PROCESS_KERNEL, "tests/kfault", "null", NULL),
                    WAIT_STATUS_SIGNALED(SIGNAL_SEGV));
    baseline = MemFreePages();
    KTEST_ASSERT_EQ(Run(PROCESS_KERNEL, "tests/kfault", "null", NULL),
                    WAIT_STATUS_SIGNALED(SIGNAL_SEGV));
    KTEST_ASSERT_EQ(Run(PROCESS_KERNEL, "tests/kfault", "ud2", NULL),
                    WAIT_STATUS_SIGNALED(SIGNAL_ILL));
    KTEST_ASSERT_EQ(Run(PROCESS_KERNEL, "tests/kfault", "free", NULL),
                    WAIT_STATUS_SIGNALED(SIGNAL_SEGV));
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
}

static void Nothing(uint8_t irq)
{
    (void)irq;
}

// An IRQ handler registered by a kernel-mode program runs on its interrupt
// and wakes the program; the line is released when the program ends.
KTEST(ProcessKernelProgramServesAnIrq)
{
    KTEST_ASSERT_EQ(Run(PROCESS_KERNEL, "tests/krtc", NULL, NULL), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(IrqRegister(8, Nothing), 0);
    IrqUnregister(8);
}

// Files that are not programs, missing files and bad arguments are
// refused with an error and leave nothing behind.
KTEST(ProcessLoaderRejectsBadInput)
{
    uint32_t baseline = MemFreePages(), processes = ProcessCount();
    const char *many[LOADER_MAX_ARGS + 1];
    char longArg[LOADER_MAX_ARG_LEN + 1];

    KTEST_ASSERT_EQ(Spawn(PROCESS_USER, "hello.txt", NULL, NULL), E_NOEXEC);
    KTEST_ASSERT_EQ(Spawn(PROCESS_USER, "etc/boot.conf", NULL, NULL), E_NOEXEC);
    KTEST_ASSERT_EQ(Spawn(PROCESS_USER, "bin/nope", NULL, NULL), E_NOENT);
    KTEST_ASSERT_EQ(Spawn(PROCESS_USER, "bin", NULL, NULL), E_NOENT);
    for (int i = 0; i <= LOADER_MAX_ARGS; i++)
        many[i] = "x";
    KTEST_ASSERT_EQ(LoaderSpawn("bin/true", LOADER_MAX_ARGS + 1, many, PROCESS_USER, NULL), E_INVAL);
    KTEST_ASSERT_EQ(LoaderSpawn("bin/true", 0, many, PROCESS_USER, NULL), E_INVAL);
    memset(longArg, 'a', sizeof(longArg) - 1);
    longArg[sizeof(longArg) - 1] = 0;
    KTEST_ASSERT_EQ(Spawn(PROCESS_USER, "bin/true", longArg, NULL), E_INVAL);
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
    KTEST_ASSERT_EQ(ProcessCount(), processes);
}

KTEST(ProcessKillAndWaitErrors)
{
    int status;
    Process *loading = ProcessCreate("loading", PROCESS_USER, ProcessCurrent());

    KTEST_ASSERT(loading != NULL);                 // not started: invisible
    KTEST_ASSERT_EQ(ProcessKill(loading->pid), E_SRCH);
    KTEST_ASSERT(ProcessFind(loading->pid) == NULL);
    KTEST_ASSERT_EQ(ProcessWait(-1, &status), E_CHILD);
    ProcessDiscard(loading);

    KTEST_ASSERT_EQ(ProcessKill(0), E_INVAL);
    KTEST_ASSERT_EQ(ProcessKill(0x7fffffff), E_SRCH);
    KTEST_ASSERT_EQ(ProcessWait(-1, &status), E_CHILD);
    KTEST_ASSERT_EQ(ProcessWait(1, &status), E_CHILD);
}

// The boot configuration starts what it lists and reports bad lines.
KTEST(ProcessBootConfStartsListedPrograms)
{
    static const char conf[] =
        "# comment\n"
        "\n"
        "user bin/true\n"
        "bogus bin/true\n"
        "user\n"
        "kernel bin/nope\n"
        "user hello.txt\n"
        "  user   bin/exitcode   3  # trailing comment\n";

    KTEST_ASSERT_EQ(BootConfRun(conf, sizeof(conf) - 1), 2);
    SchedSleep(100);        // let them finish; parentless, they free themselves
}
