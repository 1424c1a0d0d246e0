// The in-kernel test framework (tests/kernel/ktest.c).
//
// KTEST(Name) { ... } defines a test; the linker gathers every test into
// the .ktests section. A failed KTEST_ASSERT ends the test at once and
// the suite goes on with the next one. In a helper thread the test
// started, a failed KTEST_ASSERT ends that thread (exit status
// KTEST_HELPER_FAILED) and fails the test when it ends. KTEST_EXPECT_PANIC
// runs a statement that must panic or fault, and checks that it did.
#ifndef TESTS_KERNEL_KTEST_H
#define TESTS_KERNEL_KTEST_H

#include <stdint.h>
#include <arch/x86/jump.h>
#include <kernel/panic.h>

typedef struct KtestCase {
    const char *name;
    void (*run)(void);
} KtestCase;

#define KTEST(fn)                                                          \
    static void fn(void);                                                  \
    static const KtestCase fn##Case                                        \
        __attribute__((section(".ktests"), used, aligned(4))) = { #fn, fn }; \
    static void fn(void)

// The exit status of a helper thread whose KTEST_ASSERT failed.
#define KTEST_HELPER_FAILED 99

void KtestFail(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

#define KTEST_ASSERT(cond)                                                 \
    do {                                                                   \
        if (!(cond))                                                       \
            KtestFail(__FILE__, __LINE__, "%s", #cond);                    \
    } while (0)

#define KTEST_ASSERT_EQ(a, b)                                              \
    do {                                                                   \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                   \
        if (a_ != b_)                                                      \
            KtestFail(__FILE__, __LINE__, "%s == %s (0x%llx != 0x%llx)",   \
                      #a, #b, (unsigned long long)a_, (unsigned long long)b_); \
    } while (0)

// Run stmt expecting a panic or an unhandled CPU exception; afterwards
// PanicLastExpected() describes it. Fails the test if stmt returns.
#define KTEST_EXPECT_PANIC(stmt)                                           \
    do {                                                                   \
        JumpBuffer jb_;                                                    \
        if (ArchSetJump(&jb_) == 0) {                                      \
            PanicExpect(&jb_);                                             \
            __asm__ volatile("" : : : "memory"); /* armed before stmt */   \
            stmt;                                                          \
            PanicExpectCancel();                                           \
            KtestFail(__FILE__, __LINE__, "no panic from %s", #stmt);      \
        }                                                                  \
    } while (0)

// Deterministic pseudo-random numbers (xorshift32) for stress tests.
uint32_t KtestRandom(uint32_t *state);

// Does haystack contain needle?
int KtestContains(const char *haystack, const char *needle);

#endif
