// What a ^C does to the foreground, on a thread of its own.
//
// The console server must never wait for the POSIX server: that server
// sends CONSOLE_MSG_TRY_READ to the console, so a synchronous call the
// other way could deadlock the two. The server thread therefore only
// decides whom to interrupt (ConsoleInterrupt: the foreground processes
// and every live descendant of one, found in the process table at that
// moment) and queues their pids; the "console-signal" thread asks each
// one's personality to interrupt it (PersonalityInterruptProcess: the POSIX
// server gives it SIGINT), and ends with WAIT_STATUS_SIGNALED(2) any
// process no personality has (E_SRCH: a native program) or whose
// personality cannot be asked (gone, no answer in SIGNAL_TIMEOUT_MS).
//
// The queue is a ring of pids guarded by interrupts off (one CPU); a ^C
// that finds it full drops the pids that do not fit.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/syscall.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <kernel/ipc/ipc.h>
#include <kernel/personality.h>
#include <kernel/mm/kheap.h>
#include <kernel/proc/process.h>
#include <kernel/proc/sched.h>
#include <kernel/services/console.h>

#define QUEUE_MAX         PROCESS_MAX
#define SIGNAL_TIMEOUT_MS 2000
#define SIGINT_NUMBER     2

static uint32_t queue[QUEUE_MAX];
static uint32_t queueHead, queueCount;
static WaitQueue signalWaiters;         // the thread, while the queue is empty

typedef struct Selection {
    const uint32_t *pids;
    uint32_t count;
} Selection;

// Whether p or one of its ancestors is in the selection.
static int Selected(const Process *p, const Selection *s)
{
    for (; p; p = p->parent) {
        for (uint32_t i = 0; i < s->count; i++)
            if (p->pid == s->pids[i])
                return 1;
    }
    return 0;
}

// Queue live process p if it is selected. Interrupts off (ProcessForEach).
static void Visit(Process *p, void *context)
{
    if (p->state == PROCESS_ZOMBIE || p->pid == 0 || !Selected(p, context) ||
        queueCount == QUEUE_MAX)
        return;
    queue[(queueHead + queueCount++) % QUEUE_MAX] = p->pid;
}

void ConsoleInterrupt(const uint32_t *pids, uint32_t count)
{
    Selection s = { pids, count };
    uint32_t flags = CpuSave();

    ProcessForEach(Visit, &s);
    SchedWakeAll(&signalWaiters);
    CpuRestore(flags);
}

// The next pid to interrupt, waiting for one.
static uint32_t Next(void)
{
    uint32_t flags = CpuSave(), pid;

    while (queueCount == 0)
        SchedBlock(&signalWaiters);
    pid = queue[queueHead];
    queueHead = (queueHead + 1) % QUEUE_MAX;
    queueCount--;
    CpuRestore(flags);
    return pid;
}

static void SignalMain(void *arg)
{
    (void)arg;
    for (;;) {
        uint32_t pid = Next();
        if (PersonalityInterruptProcess(pid, SIGNAL_TIMEOUT_MS) != 0)
            ProcessEnd(pid, WAIT_STATUS_SIGNALED(SIGINT_NUMBER));   // E_SRCH if gone: fine
    }
}

int ConsoleInterruptStart(void)
{
    return ProcessCreateDaemon("console-signal", SignalMain, NULL) ? 0 : E_NOMEM;
}
