// Round-robin scheduling with preemption on the timer tick.
//
// The ready queue holds READY processes in FIFO order; the idle process is
// never on it and runs only when it is empty. Sleepers are kept in a list
// sorted by wake tick, so a tick looks only at the head.
//
// Everything here runs with interrupts off: on one CPU that is the lock.
// A switch saves the outgoing process's FPU state and stack pointer and
// loads the incoming one's address space, TSS stack, TLS segment (into
// its GDT slot; the program's own %gs picks it up when its trap frame is
// popped), FPU state and stack.
#include <stddef.h>
#include <clanker/error.h>
#include <arch/x86/cpu.h>
#include <arch/x86/descriptor.h>
#include <arch/x86/irq.h>
#include <kernel/panic.h>
#include <kernel/proc/sched.h>

void ArchSwitch(uint32_t *saveEsp, uint32_t loadEsp);

Process *schedCurrent;            // the running process (ProcessCurrent)
static Process *idle;
static WaitQueue ready;
static Process *sleepers;           // sorted by wakeTick, linked by sleepNext (a process in a
                                    // timed block is on a wait queue by next at the same time)
static uint32_t quantumLeft;
static int needSwitch;
static Process *fpuOwner;           // whose registers the FPU holds, or NULL
static uint32_t fpuLoads;           // #NM traps that loaded a process's registers

static void Enqueue(WaitQueue *q, Process *p)
{
    p->next = NULL;
    if (q->tail)
        q->tail->next = p;
    else
        q->head = p;
    q->tail = p;
}

static Process *Dequeue(WaitQueue *q)
{
    Process *p = q->head;

    if (p) {
        q->head = p->next;
        if (!q->head)
            q->tail = NULL;
        p->next = NULL;
    }
    return p;
}

// Unlink p from q if it is there.
static void Unlink(WaitQueue *q, Process *p)
{
    Process *prev = NULL;

    if (q->head == p) {                 // the common case: a queue of one
        q->head = p->next;
        if (!q->head)
            q->tail = NULL;
        p->next = NULL;
        return;
    }
    for (Process *it = q->head; it; prev = it, it = it->next) {
        if (it != p)
            continue;
        if (prev)
            prev->next = p->next;
        else
            q->head = p->next;
        if (q->tail == p)
            q->tail = prev;
        p->next = NULL;
        return;
    }
}

static void UnlinkSleeper(Process *p)
{
    for (Process **link = &sleepers; *link; link = &(*link)->sleepNext) {
        if (*link == p) {
            *link = p->sleepNext;
            p->sleepNext = NULL;
            return;
        }
    }
}

void SchedInit(Process *idleProcess)
{
    idle = schedCurrent = idleProcess;
    idle->state = PROCESS_RUNNING;
    quantumLeft = SCHED_QUANTUM;
}

void SchedMakeReady(Process *p)
{
    p->state = PROCESS_READY;
    if (p == idle)
        return;
    Enqueue(&ready, p);
    if (schedCurrent == idle)
        needSwitch = 1;             // leave idle at the next trap exit
}

static void CheckStack(const Process *p)
{
    if (*(const uint32_t *)p->kernelStack != STACK_CANARY)
        Panic("kernel stack overflow in pid %u (%s)", p->pid, p->name);
}

// Run next instead of the schedCurrent process. The caller has already put
// the schedCurrent process where it belongs (ready queue, a wait queue, ...)
// and set the time slice next gets.
static void SwitchOnly(Process *next)
{
    Process *prev = schedCurrent;

    needSwitch = 0;
    next->state = PROCESS_RUNNING;
    if (next == prev)
        return;
    CheckStack(prev);
    schedCurrent = next;
    GdtSetKernelStack(ProcessStackTop(next));
    GdtSetTls(next->tls);
    if (next->space != VmmCurrent())
        VmmActivate(next->space);
    if (next == fpuOwner)
        FpuEnable();                // its registers are still in the FPU
    else
        FpuDisable();               // its first FPU instruction brings them (#NM)
    ArchSwitch(&prev->savedEsp, next->savedEsp);
    ProcessReapDead();              // back in prev, on its own stack
}

// SwitchOnly with a whole time slice for next.
static void SwitchTo(Process *next)
{
    quantumLeft = SCHED_QUANTUM;
    SwitchOnly(next);
}

static Process *PickNext(void)
{
    Process *next = Dequeue(&ready);

    return next ? next : idle;
}

void SchedYield(void)
{
    uint32_t flags = CpuSave();

    if (schedCurrent != idle && schedCurrent->state == PROCESS_RUNNING)
        SchedMakeReady(schedCurrent);
    else if (schedCurrent == idle && !ready.head) {
        CpuRestore(flags);
        return;
    }
    SwitchTo(PickNext());
    CpuRestore(flags);
}

// Take a blocked process off its wait queue and the sleep list.
static void Unblock(Process *p)
{
    if (p->waitingOn)
        Unlink(p->waitingOn, p);
    if (p->wakeTick)
        UnlinkSleeper(p);
    p->waitingOn = NULL;
    p->wakeTick = 0;
    p->timedOut = 0;
}

void SchedWake(Process *p)
{
    if (p->state != PROCESS_BLOCKED)
        return;
    Unblock(p);
    SchedMakeReady(p);
}

void SchedWakeFirst(Process *p)
{
    if (p->state != PROCESS_BLOCKED || p == idle)
        return;
    Unblock(p);
    p->state = PROCESS_READY;
    p->next = ready.head;           // the front: it runs next
    ready.head = p;
    if (!ready.tail)
        ready.tail = p;
    needSwitch = 1;
}

void SchedWakeAll(WaitQueue *queue)
{
    while (queue->head)
        SchedWake(queue->head);
}

static void AddSleeper(Process *p);

static uint64_t MsToTicks(uint32_t ms)
{
    if (ms == 0)
        return 0;                   // no limit: the common case, no division
    return ((uint64_t)ms * SCHED_HZ + 999) / 1000;
}

// Block the schedCurrent process on queue (may be NULL) until woken or, with
// ticks non-zero, until that many ticks have passed. Returns 0 when woken,
// E_TIMEDOUT when the time ran out.
static int BlockFor(WaitQueue *queue, uint64_t ticks)
{
    if (schedCurrent == idle)
        Panic("the idle process cannot block");
    schedCurrent->state = PROCESS_BLOCKED;
    schedCurrent->waitingOn = queue;
    schedCurrent->timedOut = 0;
    if (queue)
        Enqueue(queue, schedCurrent);
    if (ticks) {
        schedCurrent->wakeTick = PitTicks() + ticks;
        AddSleeper(schedCurrent);
    }
    SwitchTo(PickNext());
    return schedCurrent->timedOut ? E_TIMEDOUT : 0;
}

void SchedFpuTrap(void)
{
    uint32_t flags = CpuSave();

    FpuEnable();
    if (fpuOwner != schedCurrent) {
        if (fpuOwner)
            FpuSave(fpuOwner->fpuState);
        FpuRestore(schedCurrent->fpuState);
        fpuOwner = schedCurrent;
        fpuLoads++;
    }
    CpuRestore(flags);
}

uint32_t SchedFpuLoads(void)
{
    return fpuLoads;
}

void SchedFpuSync(Process *p)
{
    uint32_t flags = CpuSave();

    if (p == fpuOwner) {
        FpuEnable();
        FpuSave(p->fpuState);
        if (p != schedCurrent)
            FpuDisable();
    }
    CpuRestore(flags);
}

void SchedFpuForget(Process *p)
{
    uint32_t flags = CpuSave();

    if (p == fpuOwner) {
        fpuOwner = NULL;
        FpuDisable();               // whoever runs loads its own at first use
    }
    CpuRestore(flags);
}

void SchedHandoff(WaitQueue *queue, Process *next)
{
    Process *self = schedCurrent;
    WaitQueue *from = next->waitingOn;

    if (self == idle || next == idle || next->state != PROCESS_BLOCKED || next->wakeTick)
        Panic("SchedHandoff: pid %u cannot hand off to pid %u", self->pid, next->pid);
    if (from && from->head == next && !next->next)
        from->head = from->tail = NULL;     // the usual case: it waited alone
    else if (from)
        Unlink(from, next);
    next->waitingOn = NULL;
    next->timedOut = 0;
    self->state = PROCESS_BLOCKED;
    self->waitingOn = queue;
    self->timedOut = 0;
    if (queue)
        Enqueue(queue, self);
    SwitchOnly(next);               // the time slice left goes with the call
}

void SchedBlock(WaitQueue *queue)
{
    BlockFor(queue, 0);
}

int SchedBlockTimeout(WaitQueue *queue, uint32_t ms)
{
    return BlockFor(queue, MsToTicks(ms));
}

static void AddSleeper(Process *p)
{
    Process **link = &sleepers;

    while (*link && (*link)->wakeTick <= p->wakeTick)
        link = &(*link)->sleepNext;
    p->sleepNext = *link;
    *link = p;
}

void SchedSleep(uint32_t ms)
{
    uint32_t flags = CpuSave();
    uint64_t ticks = MsToTicks(ms);

    if (ticks > 0)
        BlockFor(NULL, ticks);
    CpuRestore(flags);
}

void SchedRemove(Process *p)
{
    if (p->state == PROCESS_READY)
        Unlink(&ready, p);
    Unblock(p);
}

void SchedExit(void)
{
    CpuDisableInterrupts();
    SwitchTo(PickNext());
    Panic("SchedExit: a finished process was scheduled again");
}

// --- load averages ------------------------------------------------------------

#define LOAD_ONE        (1u << SCHED_LOAD_SHIFT)
#define LOAD_INTERVAL   (5 * SCHED_HZ)      // ticks between samples

// e^(-5s/1min), e^(-5s/5min), e^(-5s/15min) in fixed point: each
// sample moves the average that far towards the number runnable now.
static const uint32_t loadDecay[3] = { 1884, 2014, 2037 };
static uint32_t loadAverage[3];

// The processes ready or running now, the idle process not counted.
static uint32_t Runnable(void)
{
    uint32_t n = schedCurrent && schedCurrent != idle;

    for (Process *p = ready.head; p; p = p->next)
        n += p != idle;
    return n;
}

static void SampleLoad(void)
{
    uint32_t runnable = Runnable() * LOAD_ONE;

    for (int i = 0; i < 3; i++)
        loadAverage[i] = (loadAverage[i] * loadDecay[i] +
                          runnable * (LOAD_ONE - loadDecay[i])) >> SCHED_LOAD_SHIFT;
}

void SchedLoad(uint32_t out[3])
{
    uint32_t flags = CpuSave();

    for (int i = 0; i < 3; i++)
        out[i] = loadAverage[i];
    CpuRestore(flags);
}

// --- CPU time by kind ------------------------------------------------------------

static uint64_t cpuTicks[3];    // SCHED_CPU_*

void SchedCpuTicks(uint64_t out[3])
{
    uint32_t flags = CpuSave();

    for (int i = 0; i < 3; i++)
        out[i] = cpuTicks[i];
    CpuRestore(flags);
}

void SchedTick(void)
{
    uint64_t now = PitTicks();

    if (!schedCurrent)
        return;                     // before the scheduler starts
    schedCurrent->cpuTicks++;
    cpuTicks[schedCurrent == idle ? SCHED_CPU_IDLE :
             schedCurrent->mode == PROCESS_USER ? SCHED_CPU_USER : SCHED_CPU_KERNEL]++;
    if (now % LOAD_INTERVAL == 0)
        SampleLoad();
    while (sleepers && sleepers->wakeTick <= now) {
        Process *p = sleepers;
        sleepers = p->sleepNext;
        p->sleepNext = NULL;
        p->wakeTick = 0;
        if (p->waitingOn) {             // a timed block ran out
            Unlink(p->waitingOn, p);
            p->waitingOn = NULL;
            p->timedOut = 1;
        }
        SchedMakeReady(p);
    }
    if (quantumLeft > 0)
        quantumLeft--;
    if ((quantumLeft == 0 || schedCurrent == idle) && ready.head)
        needSwitch = 1;
}

void SchedPreempt(void)
{
    if (needSwitch && schedCurrent)
        SchedYield();
}

uint64_t SchedTicks(void)
{
    return PitTicks();
}
