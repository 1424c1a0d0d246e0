// Trap tests: CPU exceptions are caught by vector, panics carry their
// message, symbols resolve, and the timer ticks.
#include <stddef.h>
#include <lib/format.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/irq.h>
#include <kernel/symbols.h>
#include "ktest.h"

static void __attribute__((noinline)) DivideBy(volatile uint32_t d)
{
    volatile uint32_t x = 10 / d;
    (void)x;
}

KTEST(TrapsExceptionsAreCaughtByVector)
{
    const PanicRecord *r = PanicLastExpected();

    KTEST_EXPECT_PANIC(DivideBy(0));
    KTEST_ASSERT(r->fromTrap);
    KTEST_ASSERT_EQ(r->vector, 0);
    KTEST_EXPECT_PANIC(__asm__ volatile("ud2"));
    KTEST_ASSERT_EQ(r->vector, 6);
    KTEST_EXPECT_PANIC(__asm__ volatile("int3"));
    KTEST_ASSERT_EQ(r->vector, 3);
    KTEST_EXPECT_PANIC(__asm__ volatile("mov %0, %%ds" : : "r"(0x0ab8)));
    KTEST_ASSERT_EQ(r->vector, 13);                    // #GP: bad selector
    KTEST_ASSERT_EQ(r->errorCode, 0x0ab8);             // index 0x157 in the GDT
}

// Every vector the SDM defines (table 6-1) has its own name, carrying its
// mnemonic; the reserved ones say so, and vectors from 32 are interrupts.
KTEST(TrapsNamesCoverEveryException)
{
    static const char *const mnemonics[32] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF",
        "Coprocessor Segment Overrun", "#TS", "#NP", "#SS", "#GP", "#PF", NULL,
        "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", NULL, NULL, NULL, NULL,
        NULL, NULL, "#HV", "#VC", "#SX", NULL,
    };

    KTEST_ASSERT(strcmp(TrapExceptionName(14), "Page Fault (#PF)") == 0);
    KTEST_ASSERT(strcmp(TrapExceptionName(8), "Double Fault (#DF)") == 0);
    for (uint32_t v = 0; v < 32; v++) {
        const char *name = TrapExceptionName(v);

        KTEST_ASSERT(name != NULL);
        if (mnemonics[v] == NULL) {
            if (strcmp(name, "Reserved exception") != 0)
                KtestFail(__FILE__, __LINE__, "vector %u is reserved, named '%s'", v, name);
        } else if (!KtestContains(name, mnemonics[v])) {
            KtestFail(__FILE__, __LINE__, "vector %u named '%s', not %s", v, name, mnemonics[v]);
        }
    }
    KTEST_ASSERT(strcmp(TrapExceptionName(32), "Interrupt") == 0);
    KTEST_ASSERT(strcmp(TrapExceptionName(255), "Interrupt") == 0);
}

KTEST(TrapsPanicCarriesItsMessage)
{
    KTEST_EXPECT_PANIC(Panic("test panic %d %s", 42, "here"));
    KTEST_ASSERT(!PanicLastExpected()->fromTrap);
    KTEST_ASSERT(strcmp(PanicLastExpected()->message, "test panic 42 here") == 0);
}

KTEST(TrapsSymbolsNameKernelFunctions)
{
    uint32_t offset = 1;
    const char *name = SymbolLookup((uint32_t)(uintptr_t)DivideBy + 3, &offset);

    KTEST_ASSERT(name != NULL);
    KTEST_ASSERT(strcmp(name, "DivideBy") == 0);
    KTEST_ASSERT_EQ(offset, 3);
    name = SymbolLookup((uint32_t)(uintptr_t)Panic, &offset);
    KTEST_ASSERT(name && strcmp(name, "Panic") == 0 && offset == 0);
    KTEST_ASSERT(SymbolLookup(0x1000, &offset) == NULL);
}

// The PIT interrupts at its programmed rate: waiting for 10 ticks takes
// about 10 halts (each wakes at the next interrupt).
KTEST(TrapsTimerTicks)
{
    uint64_t start = PitTicks();
    uint32_t halts = 0;

    KTEST_ASSERT_EQ(PitHz(), 100);
    while (PitTicks() < start + 10 && halts < 1000) {
        CpuHalt();
        halts++;
    }
    KTEST_ASSERT(PitTicks() >= start + 10);
    KTEST_ASSERT(halts < 100);
}

KTEST(TrapsKernelPrintfFormats)
{
    char buf[96];

    Format(buf, sizeof(buf), "%d|%i|%u|%x|%X|%p|%s|%c|%5d|%-4s|%08x|%lld",
           -42, 7, 4000000000u, 0xbeef, 0xbeef, (void *)0xc0100000, "ok", 'Z',
           12, "ab", 0x1234, -9000000000ll);
    KTEST_ASSERT(strcmp(buf, "-42|7|4000000000|beef|BEEF|0xc0100000|ok|Z|   12|ab  |00001234|-9000000000") == 0);
}
