// The in-kernel test runner.
//
// Booted with "test", the test kernel runs every KTEST in link order (or
// only the one named by "test=NAME"), prints a line per test and one
// closing line "N passed, N failed", then leaves QEMU through the
// isa-debug-exit device with the success status only if nothing failed.
// "test=crash", "test=panic", "test=triple" and "test=hang" instead die
// or stop on purpose, so the bench can prove it counts each as a failure.
#include <stdarg.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/pc.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/proc/process.h>
#include "ktest.h"

extern const KtestCase __ktests_start[], __ktests_end[];

static JumpBuffer testExit;
static Process *runner;                    // the thread that runs the tests
static volatile uint32_t helperFailures;  // during the current test

// A failure in the runner jumps back to RunOne, on the runner's stack. A
// helper thread a test started has a stack of its own, where that jump
// cannot go: it counts the failure, which fails the test, and ends itself.
void KtestFail(const char *file, int line, const char *fmt, ...)
{
    Process *self = ProcessCurrent();
    va_list args;

    ConsolePrint("  assertion failed at %s:%d: ", file, line);
    va_start(args, fmt);
    ConsolePrintV(fmt, args);
    va_end(args);
    ConsolePrint("\n");
    if (self != runner) {
        ConsolePrint("  (in helper thread %u %s, which ends)\n", self->pid, self->name);
        helperFailures++;
        ProcessExit(KTEST_HELPER_FAILED);
    }
    ArchLongJump(&testExit, 1);
}

uint32_t KtestRandom(uint32_t *state)
{
    uint32_t x = *state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

int KtestContains(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);

    for (; *haystack; haystack++) {
        if (strncmp(haystack, needle, n) == 0)
            return 1;
    }
    return 0;
}

// Deliberate crashes for the bench's own tests; never return.
static void __attribute__((noinline)) KtestCrashWrite(void)
{
    *(volatile uint32_t *)0xdeadb000 = 1;
}

// With an empty IDT no exception can be delivered: the CPU resets.
static void KtestTripleFault(void)
{
    struct __attribute__((packed)) { uint16_t limit; uint32_t base; } none = { 0, 0 };

    __asm__ volatile("lidt %0\n int3" : : "m"(none));
}

static void RunCrash(const char *which)
{
    if (strcmp(which, "crash") == 0)
        KtestCrashWrite();
    if (strcmp(which, "panic") == 0)
        Panic("deliberate panic from the test bench");
    if (strcmp(which, "triple") == 0)
        KtestTripleFault();
    if (strcmp(which, "hang") == 0) {
        CpuDisableInterrupts();
        for (;;)
            CpuHalt();
    }
}

// Run one test; returns 1 if it passed.
static int RunOne(const KtestCase *tc)
{
    volatile int passed = 0;

    ConsolePrint("ktest: %s\n", tc->name);
    helperFailures = 0;
    if (ArchSetJump(&testExit) == 0) {
        tc->run();
        passed = 1;
    }
    PanicExpectCancel();
    CpuEnableInterrupts();
    // Whatever the test left running must not disturb the next one.
    uint32_t leftovers = ProcessKillChildren();
    if (leftovers)
        ConsolePrint("ktest: %s left %u processes running; killed them\n", tc->name, leftovers);
    if (helperFailures) {
        ConsolePrint("ktest: %s: %u helper threads failed\n", tc->name, helperFailures);
        passed = 0;
    }
    ConsolePrint("ktest: %s %s\n", tc->name, passed ? "ok" : "FAILED");
    return passed;
}

void KtestMain(void *arg)
{
    char only[64] = "";
    unsigned passed = 0, failed = 0;

    (void)arg;
    runner = ProcessCurrent();
    CmdlineValue("test", only, sizeof(only));
    RunCrash(only);
    for (const KtestCase *tc = __ktests_start; tc < __ktests_end; tc++) {
        if (only[0] && strcmp(only, tc->name) != 0)
            continue;
        if (RunOne(tc))
            passed++;
        else
            failed++;
    }
    if (passed + failed == 0) {
        ConsolePrint("ktest: no test named '%s'\n", only);
        failed = 1;
    }
    ConsolePrint("%u passed, %u failed\n", passed, failed);
    QemuExit(failed == 0);
    PanicHalt();
}
