// badptr: self-checking test of the kernel's checks on system-call
// arguments: bad pointers (NULL, kernel space, ranges running into kernel
// space or wrapping past 4 GiB, unmapped user memory), bad argv arrays,
// missing programs, bad pids and unknown call numbers. Every check runs;
// a failed one prints "badptr: check N ...". Exits with the number of the
// first failed check, or prints "badptr: all checks passed" and exits 0.
#include <lib/string.h>
#include <lib/user.h>

#define KERNEL_BASE   ((char *)0xC0000000u)
#define KERNEL_IMAGE  ((char *)0xC0100000u)

static int firstFailure;

// Record check number: print a line and remember it if ok is false.
static void Check(int number, int ok, const char *what, int result)
{
    if (ok)
        return;
    Print("badptr: check %d failed: %s returned %d\n", number, what, result);
    if (firstFailure == 0)
        firstFailure = number;
}

// Check that result equals expected.
static void CheckEqual(int number, const char *what, int result, int expected)
{
    Check(number, result == expected, what, result);
}

// Check that SysSpawn(path, argv) fails with expected; a child started by
// mistake is reaped so it does not disturb the later wait checks.
static void CheckSpawnFails(int number, const char *what, const char *path,
                            const char *const *argv, int expected)
{
    int result = SysSpawn(path, argv);
    if (result > 0)
        SysWait(result, NULL);
    CheckEqual(number, what, result, expected);
}

// A system call with only a number, for numbers the runtime has no
// wrapper for.
static int RawSyscall(uint32_t number)
{
    int result;
    __asm__ volatile("int $0x40" : "=a"(result) : "a"(number) : "memory");
    return result;
}

int main(int argc, char **argv, char **envp)
{
    static const char *const kernelArgv[] = { "true", (const char *)KERNEL_BASE, NULL };
    char buffer[8] = "badptr\n";
    int status = -1;
    int result;

    (void)argc;
    (void)argv;
    (void)envp;

    // SYS_DEBUG_WRITE: the whole range must be user memory that is mapped.
    CheckEqual(1, "SysDebugWrite(NULL, 5)", SysDebugWrite(NULL, 5), E_FAULT);
    CheckEqual(2, "SysDebugWrite(0xC0000000, 4)",
               SysDebugWrite(KERNEL_BASE, 4), E_FAULT);
    CheckEqual(3, "SysDebugWrite(0xBFFFFFF0, 0x20)",
               SysDebugWrite((const char *)0xBFFFFFF0u, 0x20), E_FAULT);
    CheckEqual(4, "SysDebugWrite(0xFFFFFFF0, 0x20)",
               SysDebugWrite((const char *)0xFFFFFFF0u, 0x20), E_FAULT);
    CheckEqual(5, "SysDebugWrite(0x10000000, 8)",
               SysDebugWrite((const char *)0x10000000u, 8), E_FAULT);
    CheckEqual(6, "SysDebugWrite(buffer, 0)", SysDebugWrite(buffer, 0), 0);

    // SYS_SPAWN: path, argv array and every argv string are checked.
    CheckSpawnFails(7, "SysSpawn(NULL, NULL)", NULL, NULL, E_FAULT);
    CheckSpawnFails(8, "SysSpawn(0xC0100000, NULL)", KERNEL_IMAGE, NULL, E_FAULT);
    CheckSpawnFails(9, "SysSpawn(\"bin/true\", 0xC0000000)", "bin/true",
                    (const char *const *)KERNEL_BASE, E_FAULT);
    CheckSpawnFails(10, "SysSpawn(\"bin/true\", {\"true\", 0xC0000000})",
                    "bin/true", kernelArgv, E_FAULT);
    CheckSpawnFails(11, "SysSpawn(\"bin/no-such-program\", NULL)",
                    "bin/no-such-program", NULL, E_NOENT);
    // ... and the environment: the array and each string, and its size.
    {
        static const char *const badEnv[] = { "A=1", (const char *)KERNEL_BASE, NULL };
        static const char *manyEnv[34];
        static char longText[300];
        static const char *const longEnv[] = { longText, NULL };
        int got = SysSpawnEnv("bin/true", NULL, (const char *const *)KERNEL_BASE);
        CheckEqual(40, "SysSpawnEnv(\"bin/true\", NULL, 0xC0000000)", got, E_FAULT);
        got = SysSpawnEnv("bin/true", NULL, badEnv);
        CheckEqual(41, "SysSpawnEnv(\"bin/true\", NULL, {\"A=1\", 0xC0000000})", got, E_FAULT);
        for (int i = 0; i < 33; i++)
            manyEnv[i] = "X=1";
        got = SysSpawnEnv("bin/true", NULL, manyEnv);
        CheckEqual(42, "SysSpawnEnv with 33 strings", got, E_INVAL);
        memset(longText, 'x', sizeof(longText) - 1);
        got = SysSpawnEnv("bin/true", NULL, longEnv);
        CheckEqual(43, "SysSpawnEnv with a 299-byte string", got, E_INVAL);
    }

    // SYS_WAIT with no child: the kernel may check the pointer or the
    // child first, so either error is right.
    result = SysWait(-1, (int *)KERNEL_BASE);
    Check(12, result == E_FAULT || result == E_CHILD,
          "SysWait(-1, 0xC0000000)", result);

    // SYS_WAIT with a real child: a bad status pointer must fail without
    // reaping the child, so the second wait still finds it.
    int pid = SysSpawn("bin/true", NULL);
    Check(13, pid > 0, "SysSpawn(\"bin/true\", NULL)", pid);
    if (pid > 0) {
        CheckEqual(14, "SysWait(pid, 0xC0000000)",
                   SysWait(pid, (int *)KERNEL_BASE), E_FAULT);
        result = SysWait(pid, &status);
        CheckEqual(15, "SysWait(pid, &status)", result, pid);
        Check(15, result != pid ||
                  (WAIT_IF_EXITED(status) && WAIT_EXIT_CODE(status) == 0),
              "bin/true's wait status", status);
    }

    // Unknown call numbers, including ones that would index far outside
    // a table if taken as signed or unchecked.
    CheckEqual(16, "syscall 0", RawSyscall(0), E_NOSYS);
    CheckEqual(17, "syscall 999", RawSyscall(999), E_NOSYS);
    CheckEqual(18, "syscall 0xFFFFFFFF", RawSyscall(0xFFFFFFFFu), E_NOSYS);

    // SYS_KILL of pids that can never exist.
    result = SysKill(0);
    Check(19, result == E_SRCH || result == E_INVAL, "SysKill(0)", result);
    result = SysKill(-5);
    Check(20, result == E_SRCH || result == E_INVAL, "SysKill(-5)", result);

    CheckEqual(21, "SysSleep(0)", SysSleep(0), 0);

    if (firstFailure == 0)
        Print("badptr: all checks passed\n");
    return firstFailure;
}
