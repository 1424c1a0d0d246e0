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
//
// Every process carries a ProcessContext (its working directory and
// standard streams as namespace names): a copy of its parent's when it
// is made, the default one (ProcessContextDefault) when it has none. A
// spawn may give it another (kernel/exec/loader.c), and SPAWN_SUSPENDED makes
// it wait, blocked on nothing, until its parent calls ProcessResume; a
// suspended child whose parent ends is killed, since nobody could start it.
//
// The POSIX layer's fork and exec act on a user process stopped in the
// kernel, whose registers are the trap frame at the top of its kernel
// stack. ProcessFork copies every user page eagerly (no copy-on-write),
// one page at a time with the parent found again by pid, and gives the
// child a copy of that frame, so the child "returns" from the same trap
// through FirstRun and TrapReturn. ProcessExec loads the new image into a
// new address space (kernel/exec/loader.c) beside the old one and swaps them
// only once everything is in place, so a failed exec changes nothing;
// then the frame is reset to the new entry point and stack. ProcessReap
// is ProcessTryWait for another process's children.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/syscall.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/descriptor.h>
#include <arch/x86/layout.h>
#include <arch/x86/trap.h>
#include <kernel/console.h>
#include <kernel/ipc/async.h>
#include <kernel/ipc/ipc.h>
#include <kernel/mm/grant.h>
#include <kernel/mm/kheap.h>
#include <kernel/exec/loader.h>
#include <kernel/mm/memory.h>
#include <kernel/panic.h>
#include <kernel/proc/process.h>
#include <kernel/mm/procmem.h>
#include <kernel/proc/sched.h>

#define EFLAGS_IF       0x200u
#define EFLAGS_RESERVED 0x002u
#define PDE_PRESENT     0x001u

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
    ProcessContextDefault(&p->context);
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

void ProcessSetArgs(Process *p, uint32_t argc, const char *const *argv)
{
    uint32_t used = 0;

    for (uint32_t i = 0; i < argc; i++) {
        uint32_t n = (uint32_t)strnlen(argv[i], PROCESS_ARGS_MAX) + 1;
        if (used + n > PROCESS_ARGS_MAX)
            break;
        memcpy(p->args + used, argv[i], n);
        used += n;
    }
    p->argsLength = used;
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
    p->startTick = SchedTicks();
    SetName(p, name);
    FpuInitState(p->fpuState);
    if (parent) {
        p->context = parent->context;
        memcpy(p->image, parent->image, sizeof(p->image));   // a fork's; a spawn names its own
        memcpy(p->args, parent->args, sizeof(p->args));
        p->argsLength = parent->argsLength;
    } else {
        ProcessContextDefault(&p->context);
    }
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

static void Free(Process *p)
{
    for (int i = 0; i < PROCESS_MAX; i++) {
        if (table[i] == p)
            table[i] = NULL;
    }
    SchedFpuForget(p);
    kfree(p->kernelStack);
    kfree(p);
}

void ProcessReapDead(void)
{
    Process **link = &dead;

    if (!dead)
        return;                         // the common case, after every switch
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

// The frame at the top of a user process's kernel stack: what its last
// entry from ring 3 saved (or what ProcessStartUser made), popped by
// TrapReturn when it goes back.
static TrapFrame *UserFrame(const Process *p)
{
    return (TrapFrame *)(uintptr_t)(ProcessStackTop(p) - sizeof(TrapFrame));
}

// A fresh ring-3 frame entering at eip with stack esp, every other
// register zero.
static void ResetUserFrame(TrapFrame *t, uint32_t eip, uint32_t esp)
{
    *t = (TrapFrame){
        .gs = GDT_USER_DATA, .fs = GDT_USER_DATA,
        .es = GDT_USER_DATA, .ds = GDT_USER_DATA,
        .eip = eip, .cs = GDT_USER_CODE,
        .eflags = EFLAGS_IF | EFLAGS_RESERVED,
        .userEsp = esp, .userSs = GDT_USER_DATA,
    };
}

// Make a started process ready, or, if it was made suspended, findable
// but blocked on nothing (no queue, no timer: nothing wakes it but
// ProcessResume). Interrupts off.
static void Start(Process *p)
{
    if (p->suspended)
        p->state = PROCESS_BLOCKED;
    else
        SchedMakeReady(p);
}

static Process *FindLive(uint32_t pid);

void ProcessStartUser(Process *p, uint32_t eip, uint32_t esp)
{
    uint32_t flags = CpuSave();
    TrapFrame *t = UserFrame(p);

    ResetUserFrame(t, eip, esp);
    PushSwitchFrame(p, (uint32_t)(uintptr_t)t);
    Start(p);
    CpuRestore(flags);
}

void ProcessStartKernel(Process *p, KernelEntry entry, void *arg)
{
    uint32_t flags = CpuSave();

    p->entry = entry;
    p->entryArg = arg;
    PushSwitchFrame(p, ProcessStackTop(p));
    Start(p);
    CpuRestore(flags);
}

int ProcessResume(uint32_t parent, uint32_t pid)
{
    uint32_t flags = CpuSave();
    Process *p = FindLive(pid);
    int err = !p || !p->parent || p->parent->pid != parent ? E_SRCH : 0;

    if (!err && !p->suspended)
        err = E_INVAL;
    if (!err) {
        p->suspended = 0;
        SchedMakeReady(p);
    }
    CpuRestore(flags);
    return err;
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

static void Terminate(Process *p, int status);

// Children of p lose their parent; finished ones are freed at once, and
// suspended ones, which nobody can start any more, are ended and freed.
static void OrphanChildren(Process *p)
{
    for (int i = 1; i < PROCESS_MAX; i++) {
        Process *c = table[i];
        if (!c || c->parent != p)
            continue;
        c->parent = NULL;
        if (c->state == PROCESS_ZOMBIE) {
            Free(c);
        } else if (c->suspended && c->state == PROCESS_BLOCKED) {
            SchedRemove(c);
            Terminate(c, WAIT_STATUS_SIGNALED(SIGNAL_KILL));
        }
    }
}

// End p (the current process, or one that is not running) with status.
static void Terminate(Process *p, int status)
{
    p->exitStatus = status;
    IpcProcessGone(p);
    IpcJobsProcessGone(p);
    GrantsProcessGone(p);                   // before its heap blocks and pages go
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
    /* decode */
    Process *p = ProcessFindUser(pid);
    int err = !p ? E_SRCH : (IsEndStatus(waitStatus) ? 0 : E_INVAL);

    /* invoke */
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

// A finished child of self matching pid, or NULL; *any tells whether any
// child matches at all.
static Process *FindChild(Process *self, int pid, int *any)
{
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

    while (!(c = FindChild(SchedCurrent(), pid, &any)) && any)
        SchedBlock(&SchedCurrent()->children);
    result = Reap(c, any, status);
    CpuRestore(flags);
    return result;
}

int ProcessTryWait(int pid, int *status)
{
    uint32_t flags = CpuSave();
    int any, result;
    Process *c = FindChild(SchedCurrent(), pid, &any);

    result = Reap(c, any, status);
    CpuRestore(flags);
    return result;
}

int ProcessReap(uint32_t parent, int32_t child, int *waitStatus)
{
    uint32_t flags = CpuSave();
    Process *p = FindLive(parent), *c = NULL;
    int any = 0, result;

    /* decode: a child's pid, or -1 for any */
    if (child == 0 || child < -1) {
        result = E_INVAL;
    } else {
        /* invoke */
        c = p ? FindChild(p, child, &any) : NULL;
        result = Reap(c, any, waitStatus);
    }
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

// --- the context (include/clanker/context.h) ---------------------------------

// Copy text (shorter than CONTEXT_NAME_MAX) into a context name.
static void SetContextName(char *name, const char *text)
{
    size_t n = strnlen(text, CONTEXT_NAME_MAX - 1);

    memcpy(name, text, n);
    name[n] = 0;
}

void ProcessContextDefault(ProcessContext *out)
{
    memset(out, 0, sizeof(*out));
    SetContextName(out->cwd, "fs:root:");
    for (int i = 0; i < 3; i++)
        SetContextName(out->stdio[i], "console:");
}

int ProcessContextValid(const ProcessContext *c)
{
    if (!c || strnlen(c->cwd, CONTEXT_NAME_MAX) == CONTEXT_NAME_MAX)
        return 0;
    for (int i = 0; i < 3; i++) {
        if (strnlen(c->stdio[i], CONTEXT_NAME_MAX) == CONTEXT_NAME_MAX)
            return 0;
    }
    return 1;
}

int ProcessContextGet(uint32_t pid, ProcessContext *out)
{
    uint32_t flags = CpuSave();
    /* decode */
    Process *p = FindLive(pid);
    int err = !p ? E_SRCH : (out ? 0 : E_INVAL);

    /* invoke */
    if (!err)
        *out = p->context;
    CpuRestore(flags);
    return err;
}

int ProcessContextSet(uint32_t pid, const ProcessContext *in)
{
    uint32_t flags = CpuSave();
    /* decode */
    Process *p = FindLive(pid);
    int err = !p ? E_SRCH : (ProcessContextValid(in) ? 0 : E_INVAL);

    /* invoke */
    if (!err)
        p->context = *in;
    CpuRestore(flags);
    return err;
}

int ProcessQuery(uint32_t pid, ProcessFacts *out)
{
    uint32_t flags = CpuSave();
    /* decode */
    Process *p = ProcessFindUser(pid);
    int err = !p ? E_SRCH : (out ? 0 : E_INVAL);

    /* invoke */
    if (!err) {
        *out = (ProcessFacts){
            .pid = p->pid,
            .parent = p->parent ? p->parent->pid : 0,
            .imageEnd = p->imageEnd,
            .stackBottom = USER_LIMIT - USER_STACK_SIZE,
            .userLimit = USER_LIMIT,
        };
        memcpy(out->name, p->name, strnlen(p->name, sizeof(out->name) - 1));
        memcpy(out->image, p->image, strnlen(p->image, sizeof(out->image) - 1));
    }
    CpuRestore(flags);
    return err;
}

int ProcessSetTls(uint32_t pid, TlsDescriptor *desc)
{
    uint32_t flags = CpuSave();
    Process *p = ProcessFindUser(pid);
    uint64_t descriptor = 0;
    int err = !p ? E_SRCH : 0;

    /* decode: the entry number, then the descriptor GdtMakeTls builds */
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

// --- processes that make processes (the POSIX layer) ------------------------

// The user process pid, live and not the one running (so stopped in the
// kernel, its registers in UserFrame), or NULL. Interrupts off.
static Process *FindStopped(uint32_t pid)
{
    Process *p = ProcessFindUser(pid);

    return p && p != SchedCurrent() ? p : NULL;
}

// Whether space has a page table for the 4 MiB stretch holding va: a
// quick way over the empty parts of user space.
static int HasTable(const AddressSpace *space, uint32_t va)
{
    return (space->directory[va >> 22] & PDE_PRESENT) != 0;
}

// Copy the page at va of pid's space, if one is mapped there, into a new
// page of to with the same protection. Returns 0, E_SRCH or E_NOMEM.
static int CopyPage(uint32_t pid, uint32_t va, AddressSpace *to)
{
    uint32_t flags = CpuSave(), pa, have, copy = 0;
    Process *p = FindStopped(pid);
    uint8_t *from = NULL, *into = NULL;
    int err = p ? 0 : E_SRCH;

    if (err || VmmQuery(p->space, va, &pa, &have) != 0 || (have & VMM_GRANTED)) {
        CpuRestore(flags);
        return err;                     // a grant's mapping is the parent's alone
    }
    if (!(copy = MemPageAllocate(MEM_ZONE_ANY)) || !(from = ProcMemWindow(pa & ~(PAGE_SIZE - 1))) ||
        !(into = ProcMemWindow(copy)))
        err = E_NOMEM;
    if (!err)
        memcpy(into, from, PAGE_SIZE);
    if (into)
        ProcMemWindowDone(copy, into);
    if (from)
        ProcMemWindowDone(pa, from);
    if (!err && VmmMap(to, va, copy, (have & (VMM_WRITE | VMM_USER)) | VMM_OWNED) != 0)
        err = E_NOMEM;
    if (err && copy)
        MemPageFree(copy);
    CpuRestore(flags);
    return err;
}

// Copy every user page of pid into to, page by page with pid found again
// each time (it may be killed meanwhile). Returns 0, E_SRCH or E_NOMEM.
static int CopyUserSpace(uint32_t pid, AddressSpace *to)
{
    for (uint32_t va = USER_BASE & ~(LARGE_PAGE_SIZE - 1); va < USER_LIMIT;
         va += LARGE_PAGE_SIZE) {
        uint32_t flags = CpuSave();
        Process *p = FindStopped(pid);
        int present = p && HasTable(p->space, va);
        CpuRestore(flags);
        if (!p)
            return E_SRCH;
        for (uint32_t page = va; present && page < va + LARGE_PAGE_SIZE; page += PAGE_SIZE) {
            int err = page >= USER_BASE ? CopyPage(pid, page, to) : 0;
            if (err)
                return err;
        }
    }
    return 0;
}

int ProcessFork(uint32_t pid)
{
    uint32_t flags = CpuSave();
    Process *parent = FindStopped(pid), *child = NULL;
    int err = parent ? 0 : E_SRCH;

    if (!err && !(child = ProcessCreate(parent->name, PROCESS_USER, parent)))
        err = E_NOMEM;
    CpuRestore(flags);
    if (!err)
        err = CopyUserSpace(pid, &child->ownSpace);
    flags = CpuSave();
    parent = FindStopped(pid);
    if (!err && !parent)
        err = E_SRCH;
    if (err) {
        if (child)
            ProcessDiscard(child);
        CpuRestore(flags);
        return err;
    }
    /* POINT OF NO RETURN */
    *UserFrame(child) = *UserFrame(parent);
    UserFrame(child)->eax = 0;                  // fork returns 0 in the child
    SchedFpuSync(parent);
    memcpy(child->fpuState, parent->fpuState, sizeof(child->fpuState));
    child->tls = parent->tls;
    child->personality = parent->personality;
    child->imageEnd = parent->imageEnd;
    child->codeLow = parent->codeLow;
    child->codeHigh = parent->codeHigh;
    child->parent = parent;
    PushSwitchFrame(child, (uint32_t)(uintptr_t)UserFrame(child));
    SchedMakeReady(child);
    CpuRestore(flags);
    return (int)child->pid;
}

// --- signals (the POSIX layer) ------------------------------------------------

// The eflags bits a signal frame may change: CF PF AF ZF SF DF OF AC.
#define EFLAGS_USER     0x00040cd5u
#define FXSAVE_MXCSR    24          // where MXCSR sits in the FXSAVE image
#define MXCSR_VALID     0x0000ffbfu // the bits every SSE CPU accepts

// The decode step of the register calls: a user process that is not
// running, and a place for the registers. Interrupts are off.
static Process *DecodeRegisters(uint32_t pid, const ProcessRegisters *regs, int *err)
{
    Process *p = FindStopped(pid);

    *err = !p ? E_SRCH : (regs ? 0 : E_INVAL);
    return *err ? NULL : p;
}

int ProcessGetRegisters(uint32_t pid, ProcessRegisters *out)
{
    uint32_t flags = CpuSave();
    int err;
    /* decode */
    Process *p = DecodeRegisters(pid, out, &err);
    const TrapFrame *t;

    /* invoke */
    if (p) {
        t = UserFrame(p);
        *out = (ProcessRegisters){
            .eax = t->eax, .ebx = t->ebx, .ecx = t->ecx, .edx = t->edx,
            .esi = t->esi, .edi = t->edi, .ebp = t->ebp, .esp = t->userEsp,
            .eip = t->eip, .eflags = t->eflags, .vector = t->vector,
            .errorCode = t->errorCode,
        };
        SchedFpuSync(p);
        memcpy(out->fpu, p->fpuState, sizeof(out->fpu));
    }
    CpuRestore(flags);
    return err;
}

// Every value of *in is acceptable: the flags and MXCSR bits the kernel
// must keep are masked as they are written.
int ProcessSetRegisters(uint32_t pid, const ProcessRegisters *in)
{
    uint32_t flags = CpuSave(), mxcsr;
    int err;
    /* decode */
    Process *p = DecodeRegisters(pid, in, &err);
    TrapFrame *t;

    if (p) {
        /* invoke: POINT OF NO RETURN */
        t = UserFrame(p);
        t->eax = in->eax; t->ebx = in->ebx; t->ecx = in->ecx; t->edx = in->edx;
        t->esi = in->esi; t->edi = in->edi; t->ebp = in->ebp;
        t->userEsp = in->esp;
        t->eip = in->eip;
        t->eflags = (t->eflags & ~EFLAGS_USER) | (in->eflags & EFLAGS_USER);
        memcpy(p->fpuState, in->fpu, sizeof(in->fpu));
        memcpy(&mxcsr, p->fpuState + FXSAVE_MXCSR, sizeof(mxcsr));
        mxcsr &= MXCSR_VALID;       // a reserved bit would fault the kernel's FXRSTOR
        memcpy(p->fpuState + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
        SchedFpuForget(p);          // the FPU's copy is stale now
    }
    CpuRestore(flags);
    return err;
}

int ProcessPoke(uint32_t pid)
{
    uint32_t flags = CpuSave();
    /* decode */
    Process *p = ProcessFindUser(pid);

    /* invoke */
    if (p)
        p->returnCall = 1;
    CpuRestore(flags);
    return p ? 0 : E_SRCH;
}

// Count the entries of a NULL-terminated vector (NULL: none), at most
// LOADER_EXEC_MAX_STRINGS + 1.
static uint32_t CountStrings(const char *const *vector)
{
    uint32_t n = 0;

    while (vector && vector[n] && n <= LOADER_EXEC_MAX_STRINGS)
        n++;
    return n;
}

int ProcessExec(uint32_t pid, const void *image, uint32_t size,
                const char *const *argv, const char *const *envp)
{
    LoaderStrings strings = { CountStrings(argv), argv, CountStrings(envp), envp };
    uint32_t flags = CpuSave();
    int err = FindStopped(pid) ? 0 : E_SRCH;
    AddressSpace space, old;
    LoaderImage loaded;
    Process *p;

    CpuRestore(flags);
    if (!err && !image)
        err = E_INVAL;
    if (!err)
        err = VmmCreate(&space);                // the new program is loaded beside the old
    if (!err && (err = LoaderLoad(&space, PROCESS_USER, CpuReadTsc() ^ ((uint64_t)pid << 32),
                                  image, size, &strings, &loaded)) != 0)
        VmmDestroy(&space);
    if (err)
        return err;
    flags = CpuSave();
    if (!(p = FindStopped(pid))) {
        VmmDestroy(&space);
        CpuRestore(flags);
        return E_SRCH;
    }
    /* POINT OF NO RETURN */
    GrantsSpaceGone(p);                         // its grant mappings go with the old space
    old = p->ownSpace;
    p->ownSpace = space;
    p->space = &p->ownSpace;
    VmmDestroy(&old);                           // not current: p is not running
    ResetUserFrame(UserFrame(p), loaded.entry, loaded.stack);
    FpuInitState(p->fpuState);
    SchedFpuForget(p);
    p->tls = 0;
    p->codeLow = loaded.lowest;
    p->codeHigh = p->imageEnd = loaded.highest;
    if (strings.argc > 0)
        SetName(p, LoaderBaseName(argv[0]));
    ProcessSetArgs(p, strings.argc, argv);
    CpuRestore(flags);
    return 0;
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
    GrantsBlockFreed(ProcessCurrent(), block);  // no grant outlives its memory
    kfree(r);
    return 0;
}

void *ProcessFindBlock(Process *p, uintptr_t start, uint32_t length)
{
    uint32_t flags = CpuSave();
    void *found = NULL;

    for (const ProcessResource *r = p->resources; r && !found; r = r->next) {
        uintptr_t block = (uintptr_t)(r + 1);
        size_t size;
        if (r->release != ReleaseBlock)
            continue;
        size = HeapBlockSize(KernelHeap(), r) - sizeof(*r);
        if (start >= block && start - block <= size && length <= size - (start - block))
            found = (void *)block;
    }
    CpuRestore(flags);
    return found;
}

ProcessResource *ProcessFindResource(Process *p, void (*release)(ProcessResource *),
                                     uintptr_t value)
{
    uint32_t flags = CpuSave();
    ProcessResource *r = p->resources;

    while (r && !(r->release == release && r->value == value))
        r = r->next;
    CpuRestore(flags);
    return r;
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
