// intrtest: waits for a ^C typed at the console (e2e suite platform).
//
//   intrtest self        makes itself the console's foreground and waits
//                        (sleeping) until a ^C ends it: WAIT_STATUS_SIGNALED(2)
//   intrtest child PROG [ARG...]
//                        starts PROG, makes it the foreground, waits for it
//                        and prints "intrtest: child status S"; then clears
//                        the foreground
//   intrtest signal      checks posix:signal (POSIX_MSG_SIGNAL): bad
//                        requests, an unknown pid, then SIGTERM for a
//                        sleeping pxhello; "intrtest: signal checks passed"
#include <clanker/console.h>
#include <clanker/posix.h>
#include <lib/user.h>

static int failed;

static void Expect(const char *what, int got, int want)
{
    if (got != want) {
        Print("intrtest: %s: got %d, wanted %d\n", what, got, want);
        failed = 1;
    }
}

static int Signal(uint32_t pid, uint32_t sig, uint32_t size)
{
    static union { Message m; uint8_t bytes[MESSAGE_HEADER_SIZE + 16]; } msg;
    PosixSignal s = { pid, sig };

    return IpcCallInto(POSIX_SIGNAL_NAME, POSIX_MSG_SIGNAL, &s, size, &msg.m, sizeof(msg));
}

static int SignalChecks(void)
{
    const char *argv[] = { "bin/pxhello", "sleep", "60000", NULL };
    int pid, status = -1;

    Expect("an unknown pid", Signal(999999, 15, sizeof(PosixSignal)), E_SRCH);
    Expect("a native process", Signal((uint32_t)SysGetPid(), 15, sizeof(PosixSignal)), E_SRCH);
    Expect("signal 0", Signal(1, 0, sizeof(PosixSignal)), E_INVAL);
    Expect("signal 65", Signal(1, 65, sizeof(PosixSignal)), E_INVAL);
    Expect("a short request", Signal(1, 15, 4), E_INVAL);
    Expect("a long request", Signal(1, 15, 12), E_INVAL);
    pid = SysSpawn("bin/pxhello", argv);
    SysSleep(300);                      // it is in its nanosleep
    Expect("SIGTERM for a Linux program", Signal((uint32_t)pid, 15, sizeof(PosixSignal)), 0);
    Expect("it ends", SysWait(pid, &status), pid);
    Expect("with SIGTERM", status, WAIT_STATUS_SIGNALED(15));
    if (!failed)
        Print("intrtest: signal checks passed\n");
    return failed;
}

static int SetForeground(uint32_t count, int pid)
{
    static union { Message m; uint8_t bytes[MESSAGE_HEADER_SIZE + sizeof(ConsoleForeground)]; } msg;
    ConsoleForeground f = { count, { (uint32_t)pid } };

    return IpcCallInto(CONSOLE_NAME, CONSOLE_MSG_SET_FOREGROUND, &f, sizeof(f), &msg.m,
                       sizeof(msg));
}

int main(int argc, char **argv, char **envp)
{
    int pid, status = -1;

    (void)envp;
    if (argc == 2 && argv[1][1] == 'i')
        return SignalChecks();
    if (argc == 2 && argv[1][0] == 's') {
        if (SetForeground(1, SysGetPid()) < 0)
            return 1;
        Print("intrtest: waiting for ^C\n");
        for (;;)
            SysSleep(1000);
    }
    if (argc < 3)
        return 2;
    pid = SysSpawn(argv[2], (const char *const *)argv + 2);
    if (pid < 0 || SetForeground(1, pid) < 0)
        return 1;
    Print("intrtest: waiting for ^C\n");
    SysWait(pid, &status);
    SetForeground(0, 0);
    Print("intrtest: child status %d\n", status);
    return 0;
}
