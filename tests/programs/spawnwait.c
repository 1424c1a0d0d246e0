// spawnwait: tests SysSpawn and SysWait end to end. Runs "bin/exitcode 42"
// and expects a normal exit with code 42, runs "bin/fault null-write" and
// expects death by SIGNAL_SEGV, and expects E_CHILD when waiting for a pid
// that is not its child. Prints "spawnwait: ok" and exits 0, or exits with
// the distinct code of the first failure (see the returns below).
#include <lib/user.h>

// Spawn path with argv and wait for it; returns 0 and the wait status in
// *status, or the failing step's code (base + 0: spawn, base + 1: wait).
static int RunAndWait(const char *path, const char *const *argv, int *status,
                      int base)
{
    int pid = SysSpawn(path, argv);
    if (pid <= 0) {
        Print("spawnwait: SysSpawn(%s) = %d\n", path, pid);
        return base;
    }
    int waited = SysWait(pid, status);
    if (waited != pid) {
        Print("spawnwait: SysWait(%d) = %d\n", pid, waited);
        return base + 1;
    }
    return 0;
}

int main(int argc, char **argv, char **envp)
{
    static const char *const exitArgs[] = { "exitcode", "42", NULL };
    static const char *const faultArgs[] = { "fault", "null-write", NULL };
    int status = 0;
    int failure;

    (void)argc;
    (void)argv;
    (void)envp;

    failure = RunAndWait("bin/exitcode", exitArgs, &status, 10);
    if (failure != 0)
        return failure;
    if (!WAIT_IF_EXITED(status) || WAIT_EXIT_CODE(status) != 42) {
        Print("spawnwait: exitcode 42 gave status 0x%x\n", status);
        return 12;
    }

    failure = RunAndWait("bin/fault", faultArgs, &status, 20);
    if (failure != 0)
        return failure;
    if (WAIT_IF_EXITED(status) || WAIT_TERM_SIGNAL(status) != SIGNAL_SEGV) {
        Print("spawnwait: fault null-write gave status 0x%x\n", status);
        return 22;
    }

    int result = SysWait(1234567, &status);
    if (result != E_CHILD) {
        Print("spawnwait: SysWait(1234567) = %d, expected %d\n", result, E_CHILD);
        return 30;
    }

    Print("spawnwait: ok\n");
    return 0;
}
