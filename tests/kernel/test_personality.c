// Personality vectors that no personality has claimed: an int of one
// from ring 3 answers -ENOSYS in eax and the program runs on, as a Linux
// program's unknown system call would (kernel/trap.c). The user side is
// bin/int80's "unclaimed" mode (tests/programs/int80.c).
//
// The tests of this file run before test_posix.c's, which claim int 0x80
// for their probe server (claims last until the kernel stops), so here
// nothing has claimed it yet, whether the suite runs whole or one test
// alone; 0x81 and 0xff are never claimed.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/posix.h>
#include <clanker/syscall.h>
#include <kernel/exec/loader.h>
#include <kernel/personality.h>
#include <kernel/proc/process.h>
#include "ktest.h"

// Run bin/int80 unclaimed VECTOR and return its wait status.
static int RunUnclaimed(const char *vector)
{
    const char *argv[3] = { "bin/int80", "unclaimed", vector };
    int pid = LoaderSpawn("bin/int80", 3, argv, PROCESS_USER, ProcessCurrent()), status = -1;

    KTEST_ASSERT(pid > 0);
    KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
    return status;
}

// A raw int 0x81 from this kernel thread: counted and ignored.
static int32_t KernelInt81(uint32_t number)
{
    int32_t result = (int32_t)number;

    __asm__ volatile("int $0x81" : "+a"(result) : : "memory");
    return result;
}

KTEST(UnclaimedVectorIsNosys)
{
    KTEST_ASSERT(!PersonalityClaims(POSIX_VECTOR));
    KTEST_ASSERT(!PersonalityClaims(0x81) && !PersonalityClaims(0xff));
    KTEST_ASSERT_EQ(RunUnclaimed("80"), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(RunUnclaimed("81"), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(RunUnclaimed("ff"), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(KernelInt81(20), 20);
    KTEST_ASSERT(!PersonalityClaims(POSIX_VECTOR));     // asking claimed nothing
}
