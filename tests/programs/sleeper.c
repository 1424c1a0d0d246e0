// sleeper: sleeps 100 ms and checks with SysUptime that between 100 and
// 120 ms passed (the timer tick is 10 ms). Prints the elapsed time; exits
// 0 when it is within bounds, 1 otherwise.
#include <lib/user.h>

int main(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    (void)envp;

    uint32_t t0 = SysUptime();
    int result = SysSleep(100);
    uint32_t t1 = SysUptime();
    uint32_t elapsed = t1 - t0;

    Print("sleeper: slept %u ms (SysSleep returned %d)\n", elapsed, result);
    if (result != 0 || elapsed < 100 || elapsed > 120) {
        Print("sleeper: FAILED, expected 100..120 ms\n");
        return 1;
    }
    return 0;
}
