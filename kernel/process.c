// Processes: creation, the first run, exit, kill, wait and reaping.
//
// The process table is a fixed array of PROCESS_MAX slots; PCBs and kernel
// stacks come from the kernel heap. A new process starts with a switch
// frame on its kernel stack that "returns" into FirstRun, which frees any
// process that died on the way here and then enters the program: ring 3
// through TrapReturn for user programs, a plain call for kernel-mode ones.
//
// Teardown (Terminate) is one path for exit, kill, faults and ProcessEnd
// (the POSIX layer's exit, with the status the program asked for): give
// back the KernelApi resources, the address space (after switching away
// from it), orphan the children, become a zombie for the parent or, with
// no parent, be freed. A dying process cannot free the stack it is running
// on, so that last step waits for the next switch (ReapDead).
//
// For the POSIX layer, a user process also carries its TLS segment
// (ProcessSetTls), which the scheduler puts in the GDT while it runs, and
// tells where its image ends (ProcessQuery).
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/syscall.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/descriptor.h>
#include <arch/x86/layout.h>
#include <arch/x86/trap.h>
#include <kernel/console.h>
#include <kernel/ipc.h>
#include <kernel/kheap.h>
#include <kernel/loader.h>
#include <kernel/panic.h>
#include <kernel/process.h>
#include <kernel/sched.h>

#define EFLAGS_IF       0x200u
#define EFLAGS_RESERVED 0x002u

extern uint8_t BootStack[];
extern void TrapReturn(void);
void ArchEnterUser(uint32_t frameEsp) __attribute__((noreturn));

// The frame ArchSwitch pops for a process that has never run.
typedef struct SwitchFrame {
    uint32_t edi, esi, ebx, ebp;
    uint32_t eip;
    uint32_t fakeReturn;
} SwitchFrame;

static Process *table[PROCESS_MAX];
static Process idleProcess __attribute__((aligned(FPU_STATE_ALIGN)));
static uint32_t nextPid = 1;
static Process *dead;               // finished, parentless, awaiting free

void ProcessInit(void)
{
    Process *p = &idleProcess;

    memcpy(p->name, "idle", 5);
    p->pid = 0;
    p->mode = PROCESS_KERNEL;
    p->space = VmmKernelSpace();
    p->kernelStack = BootStack;
    *(uint32_t *)BootStack = STACK_CANARY;
    FpuInitState(p->fpuState);
    table[0] = p;
    SchedInit(p);
}

static void SetName(Process *p, const char *name)
{
    size_t n = strnlen(name, PROCESS_NAME_MAX - 1);

    memcpy(p->name, name, n);
    p->name[n] = 0;
}

// A table slot and a pid, or -1.
static int FreeSlot(void)
{
    for (int i = 1; i < PROCESS_MAX; i++) {
        if (!table[i])
            return i;
    }
    return -1;
}

static Process *NewProcess(const char *name, ProcessMode mode, Process *parent)
{
    int slot = FreeSlot();
    Process *p;

    if (slot < 0 || !(p = kmalloc(sizeof(*p))))
        return NULL;
    memset(p, 0, sizeof(*p));
    p->kernelStack = kmalloc(KERNEL_STACK_SIZE);
    if (!p->kernelStack) {
        kfree(p);
        return NULL;
    }
    *(uint32_t *)p->kernelStack = STACK_CANARY;
    p->pid = nextPid++;
    p->mode = mode;
    p->parent = parent;
    p->state = PROCESS_NEW;           // not runnable, not findable, until started
    SetName(p, name);
    FpuInitState(p->fpuState);
    table[slot] = p;
    return p;
}

Process *ProcessCreate(const char *name, ProcessMode mode, Process *parent)
{
    uint32_t flags = CpuSave();
    Process *p = NewProcess(name, mode, parent);

    if (p && VmmCreate(&p->ownSpace) != 0) {
        ProcessDiscard(p);
        p = NULL;
    }
    if (p)
        p->space = &p->ownSpace;
    CpuRestore(flags);
    return p;
}

uint32_t ProcessStackTop(const Process *p)
{
    return (uint32_t)(uintptr_t)(p->kernelStack + KERNEL_STACK_SIZE);
}

static void Free(Process *p)
{
    for (int i = 0; i < PROCESS_MAX; i++) {
        if (table[i] == p)
            table[i] = NULL;
    }
    kfree(p->kernelStack);
    kfree(p);
}

void ProcessReapDead(void)
{
    Process **link = &dead;

    while (*link) {
        Process *p = *link;
        if (p == SchedCurrent()) {
            link = &p->next;
            continue;
        }
        *link = p->next;
        Free(p);
    }
}

// Where every new process begins, on its own kernel stack.
static void FirstRun(void)
{
    Process *p = SchedCurrent();

    ProcessReapDead();
    if (p->mode == PROCESS_USER)
        ArchEnterUser(ProcessStackTop(p) - sizeof(TrapFrame));
    CpuEnableInterrupts();
    p->entry(p->entryArg);
    ProcessExit(WAIT_STATUS_EXITED(0));
}

static void PushSwitchFrame(Process *p, uint32_t below)
{
    SwitchFrame *f = (SwitchFrame *)(uintptr_t)(below - sizeof(SwitchFrame));

    *f = (SwitchFrame){ .eip = (uint32_t)(uintptr_t)FirstRun };
    p->savedEsp = (uint32_t)(uintptr_t)f;
}

void ProcessStartUser(Process *p, uint32_t eip, uint32_t esp)
{
    uint32_t flags = CpuSave();
    TrapFrame *t = (TrapFrame *)(uintptr_t)(ProcessStackTop(p) - sizeof(TrapFrame));

    *t = (TrapFrame){
        .gs = GDT_USER_DATA, .fs = GDT_USER_DATA,
        .es = GDT_USER_DATA, .ds = GDT_USER_DATA,
        .eip = eip, .cs = GDT_USER_CODE,
        .eflags = EFLAGS_IF | EFLAGS_RESERVED,
        .userEsp = esp, .userSs = GDT_USER_DATA,
    };
    PushSwitchFrame(p, (uint32_t)(uintptr_t)t);
    SchedMakeReady(p);
    CpuRestore(flags);
}

void ProcessStartKernel(Process *p, KernelEntry entry, void *arg)
{
    uint32_t flags = CpuSave();

    p->entry = entry;
    p->entryArg = arg;
    PushSwitchFrame(p, ProcessStackTop(p));
    SchedMakeReady(p);
    CpuRestore(flags);
}

Process *ProcessCreateThread(const char *name, KernelEntry entry, void *arg)
{
    uint32_t flags = CpuSave();
    Process *p = NewProcess(name, PROCESS_KERNEL, SchedCurrent());

    if (p) {
        p->space = VmmKernelSpace();
        ProcessStartKernel(p, entry, arg);
    }
    CpuRestore(flags);
    return p;
}

Process *ProcessCreateDaemon(const char *name, KernelEntry entry, void *arg)
{
    uint32_t flags = CpuSave();             // orphan it before it can run and end
    Process *p = ProcessCreateThread(name, entry, arg);

    if (p)
        p->parent = NULL;
    CpuRestore(flags);
    return p;
}

void ProcessDiscard(Process *p)
{
    uint32_t flags = CpuSave();

    if (p->space == &p->ownSpace)
        VmmDestroy(&p->ownSpace);
    Free(p);
    CpuRestore(flags);
}

static void ReleaseResources(Process *p)
{
    while (p->resources) {
        ProcessResource *r = p->resources;
        p->resources = r->next;
        r->release(r);
    }
}

// Children of p lose their parent; finished ones are freed at once.
static void OrphanChildren(Process *p)
{
    for (int i = 1; i < PROCESS_MAX; i++) {
        Process *c = table[i];
        if (!c || c->parent != p)
            continue;
        c->parent = NULL;
        if (c->state == PROCESS_ZOMBIE)
            Free(c);
    }
}

// End p (the current process, or one that is not running) with status.
static void Terminate(Process *p, int status)
{
    p->exitStatus = status;
    IpcProcessGone(p);
    ReleaseResources(p);
    if (p->space == &p->ownSpace) {
        if (VmmCurrent() == p->space)
            VmmActivate(VmmKernelSpace());
        VmmDestroy(&p->ownSpace);
        p->space = VmmKernelSpace();
    }
    OrphanChildren(p);
    p->state = PROCESS_ZOMBIE;
    if (p->parent) {
        SchedWakeAll(&p->parent->children);
    } else if (p != SchedCurrent()) {
        Free(p);
    } else {
        p->next = dead;
        dead = p;
    }
}

void ProcessExit(int status)
{
    Process *p = SchedCurrent();

    CpuDisableInterrupts();
    if (p == &idleProcess)
        Panic("the idle process tried to exit");
    Terminate(p, status);
    SchedExit();
}

// The live process pid (started, not a zombie), or NULL.
static Process *FindLive(uint32_t pid)
{
    Process *p = ProcessFind(pid);

    return p && p->state != PROCESS_ZOMBIE ? p : NULL;
}

// End p, live and not the idle process, with status, whatever it is
// doing; does not return if p is the caller. Interrupts off.
static void End(Process *p, int status)
{
    if (p == SchedCurrent())
        ProcessExit(status);
    SchedRemove(p);
    Terminate(p, status);
}

int ProcessKill(uint32_t pid)
{
    uint32_t flags = CpuSave();
    Process *p = FindLive(pid);
    int err = !p ? E_SRCH : (p == &idleProcess ? E_INVAL : 0);

    if (!err)
        End(p, WAIT_STATUS_SIGNALED(SIGNAL_KILL));
    CpuRestore(flags);
    return err;
}

// A status a process may end with: a normal exit's, or a signal's (not
// 0x7f, which a parent would read as "stopped").
static int IsEndStatus(int status)
{
    return (status & ~0xff00) == 0 || (status >= 1 && status <= 0x7e);
}

int ProcessEnd(uint32_t pid, int waitStatus)
{
    uint32_t flags = CpuSave();
    Process *p = ProcessFindUser(pid);
    int err = !p ? E_SRCH : (IsEndStatus(waitStatus) ? 0 : E_INVAL);

    if (!err)
        End(p, waitStatus);
    CpuRestore(flags);
    return err;
}

void ProcessFault(uint32_t vector, uint32_t eip, uint32_t address, int signal)
{
    Process *p = SchedCurrent();

    if (vector == TRAP_PAGE_FAULT)
        ConsolePrint("pid %u (%s): killed: %s at eip 0x%08x, address 0x%08x\n",
                     p->pid, p->name, TrapExceptionName(vector), eip, address);
    else
        ConsolePrint("pid %u (%s): killed: %s at eip 0x%08x\n",
                     p->pid, p->name, TrapExceptionName(vector), eip);
    ProcessExit(WAIT_STATUS_SIGNALED(signal));
}

// A finished child of the current process matching pid, or NULL; *any
// tells whether any child matches at all.
static Process *FindChild(int pid, int *any)
{
    Process *self = SchedCurrent();

    *any = 0;
    for (int i = 1; i < PROCESS_MAX; i++) {
        Process *c = table[i];
        if (!c || c->parent != self || c->state == PROCESS_NEW ||
            (pid != -1 && c->pid != (uint32_t)pid))
            continue;
        *any = 1;
        if (c->state == PROCESS_ZOMBIE)
            return c;
    }
    return NULL;
}

// Free the finished child c, if any, and return its pid (its status in
// *status); without one, 0 if another matching child runs, else E_CHILD.
// Called with interrupts off.
static int Reap(Process *c, int any, int *status)
{
    int result;

    if (!c)
        return any ? 0 : E_CHILD;
    result = (int)c->pid;
    if (status)
        *status = c->exitStatus;
    Free(c);
    return result;
}

int ProcessWait(int pid, int *status)
{
    uint32_t flags = CpuSave();
    int any, result;
    Process *c;

    while (!(c = FindChild(pid, &any)) && any)
        SchedBlock(&SchedCurrent()->children);
    result = Reap(c, any, status);
    CpuRestore(flags);
    return result;
}

int ProcessTryWait(int pid, int *status)
{
    uint32_t flags = CpuSave();
    int any, result;
    Process *c = FindChild(pid, &any);

    result = Reap(c, any, status);
    CpuRestore(flags);
    return result;
}

uint32_t ProcessKillChildren(void)
{
    Process *self = SchedCurrent();
    uint32_t killed = 0;
    int status;

    for (int i = 1; i < PROCESS_MAX; i++) {
        Process *c = table[i];
        if (c && c->parent == self && c->state != PROCESS_ZOMBIE && c->state != PROCESS_NEW &&
            ProcessKill(c->pid) == 0)
            killed++;
    }
    while (ProcessWait(-1, &status) > 0)
        ;
    return killed;
}

Process *ProcessCurrent(void)
{
    return SchedCurrent();
}

Process *ProcessFind(uint32_t pid)
{
    for (int i = 0; i < PROCESS_MAX; i++) {
        if (table[i] && table[i]->pid == pid && table[i]->state != PROCESS_NEW)
            return table[i];
    }
    return NULL;
}

Process *ProcessFindUser(uint32_t pid)
{
    Process *p = FindLive(pid);

    return p && p->mode == PROCESS_USER ? p : NULL;
}

Process *ProcessFindByDirectory(const void *directory)
{
    for (int i = 0; i < PROCESS_MAX; i++) {
        if (table[i] && table[i]->state != PROCESS_ZOMBIE && table[i]->state != PROCESS_NEW &&
            table[i]->space->directory == directory)
            return table[i];
    }
    return NULL;
}

void ProcessForEach(void (*visit)(Process *p, void *context), void *context)
{
    uint32_t flags = CpuSave();

    for (int i = 0; i < PROCESS_MAX; i++) {
        if (table[i] && table[i]->state != PROCESS_NEW)
            visit(table[i], context);
    }
    CpuRestore(flags);
}

uint32_t ProcessCount(void)
{
    uint32_t n = 0;

    for (int i = 0; i < PROCESS_MAX; i++)
        n += table[i] != NULL;
    return n;
}

int ProcessQuery(uint32_t pid, ProcessFacts *out)
{
    uint32_t flags = CpuSave();
    Process *p = ProcessFindUser(pid);
    int err = !p ? E_SRCH : (out ? 0 : E_INVAL);

    if (!err) {
        *out = (ProcessFacts){
            .pid = p->pid,
            .parent = p->parent ? p->parent->pid : 0,
            .imageEnd = p->imageEnd,
            .stackBottom = USER_LIMIT - USER_STACK_SIZE,
            .userLimit = USER_LIMIT,
        };
        memcpy(out->name, p->name, strnlen(p->name, sizeof(out->name) - 1));
    }
    CpuRestore(flags);
    return err;
}

int ProcessSetTls(uint32_t pid, PosixUserDesc *desc)
{
    uint32_t flags = CpuSave();
    Process *p = ProcessFindUser(pid);
    uint64_t descriptor = 0;
    int err = !p ? E_SRCH : 0;

    if (!err && (!desc || (desc->entryNumber != 0xffffffffu &&
                           desc->entryNumber != GDT_TLS_INDEX)))
        err = E_INVAL;
    if (!err)
        err = GdtMakeTls(desc->baseAddr, desc->limit, desc->flags, &descriptor);
    if (!err) {
        /* POINT OF NO RETURN */
        p->tls = descriptor;
        desc->entryNumber = GDT_TLS_INDEX;
        if (p == SchedCurrent())
            GdtSetTls(p->tls);
    }
    CpuRestore(flags);
    return err;
}

uint32_t ProcessMemoryPages(const Process *p)
{
    uint32_t pages = KERNEL_STACK_SIZE / PAGE_SIZE;

    if (p->space == &p->ownSpace)
        pages += 1 + p->ownSpace.tablePages + p->ownSpace.ownedPages;
    for (const ProcessResource *r = p->resources; r; r = r->next)
        pages += r->extent;
    return pages;
}

void ProcessAddResource(Process *p, ProcessResource *r)
{
    uint32_t flags = CpuSave();

    r->next = p->resources;
    p->resources = r;
    CpuRestore(flags);
}

// Heap blocks carry their ProcessResource in front of the payload.
static void ReleaseBlock(ProcessResource *r)
{
    kfree(r);
}

void *ProcessKmalloc(size_t size)
{
    ProcessResource *r = size <= 0x40000000u ? kmalloc(sizeof(*r) + size) : NULL;

    if (r) {
        *r = (ProcessResource){ .release = ReleaseBlock, .value = (uintptr_t)r,
                                .extent = (uint32_t)(size / PAGE_SIZE) };
        ProcessAddResource(ProcessCurrent(), r);
    }
    return r ? r + 1 : NULL;
}

int ProcessKfree(void *block)
{
    ProcessResource *r;

    if (!block)
        return 0;
    r = ProcessTakeResource(ProcessCurrent(), ReleaseBlock,
                            (uintptr_t)block - sizeof(ProcessResource));
    if (!r)
        return E_INVAL;
    kfree(r);
    return 0;
}

ProcessResource *ProcessTakeResource(Process *p, void (*release)(ProcessResource *),
                                     uintptr_t value)
{
    uint32_t flags = CpuSave();
    ProcessResource *found = NULL;

    for (ProcessResource **link = &p->resources; *link; link = &(*link)->next) {
        if ((*link)->release == release && (*link)->value == value) {
            found = *link;
            *link = found->next;
            break;
        }
    }
    CpuRestore(flags);
    return found;
}
