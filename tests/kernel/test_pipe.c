// pipe: tests: the server (servers/pipe/) started as etc/boot.conf
// starts it, then bin/pipetest, which checks every request, its errors,
// waiting reads and writes, process ends, and streams 1 MiB between two
// processes with a checksum.
#include <clanker/error.h>
#include <clanker/pipe.h>
#include <clanker/syscall.h>
#include <kernel/ipc/ipc.h>
#include <kernel/exec/loader.h>
#include <kernel/mm/memory.h>
#include <kernel/proc/process.h>
#include <kernel/proc/sched.h>
#include "ktest.h"

// Start servers/pipe (a child of the test thread) and wait until it
// serves pipe:. Returns its pid.
static int StartPipeServer(void)
{
    const char *argv[] = { "servers/pipe" };
    int pid = LoaderSpawn("servers/pipe", 1, argv, PROCESS_KERNEL, ProcessCurrent());

    KTEST_ASSERT(pid > 0);
    for (int i = 0; i < 100 && !IpcServes(PIPE_PREFIX); i++)
        SchedSleep(10);
    KTEST_ASSERT(IpcServes(PIPE_PREFIX));
    return pid;
}

static void StopServer(int pid)
{
    int status;

    KTEST_ASSERT_EQ(ProcessKill((uint32_t)pid), 0);
    KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
}

KTEST(PipeServerPassesItsChecks)
{
    const char *argv[] = { "bin/pipetest" };
    int server = StartPipeServer(), pid, status = -1;

    pid = LoaderSpawn("bin/pipetest", 1, argv, PROCESS_USER, ProcessCurrent());
    KTEST_ASSERT(pid > 0);
    KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
    StopServer(server);
    KTEST_ASSERT_EQ(status, WAIT_STATUS_EXITED(0));
}

// The server's pipes and buffers come back when it ends, whatever it held.
KTEST(PipeServerLeaksNothing)
{
    const char *argv[] = { "bin/pipetest" };
    uint32_t baseline;
    int server, pid, status;

    StopServer(StartPipeServer());
    baseline = MemFreePages();
    server = StartPipeServer();
    pid = LoaderSpawn("bin/pipetest", 1, argv, PROCESS_USER, ProcessCurrent());
    KTEST_ASSERT(pid > 0);
    KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
    StopServer(server);
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
}
