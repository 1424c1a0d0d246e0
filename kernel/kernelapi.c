// The KernelApi table: kernel services for kernel-mode programs.
//
// Each entry checks its arguments, disables interrupts around shared
// kernel state, and records what the calling program took as a
// ProcessResource, so the process teardown gives it all back. A program
// that frees something it does not own is killed, not the kernel.
//
// The process calls at the end of the table (ProcessRead ... ProcessSetTls)
// let a server act for a user process, as the POSIX server does for a
// caller stopped in int 0x80; they are kernel/mm/procmem.c and
// kernel/proc/process.c's own, and touch only user processes.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/kernelapi.h>
#include <clanker/syscall.h>
#include <lib/server.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/irq.h>
#include <arch/x86/layout.h>
#include <kernel/console.h>
#include <kernel/exec/initrd.h>
#include <kernel/ipc/async.h>
#include <kernel/ipc/ipc.h>
#include <kernel/personality.h>
#include <kernel/mm/kheap.h>
#include <kernel/mm/memory.h>
#include <kernel/proc/process.h>
#include <kernel/mm/procmem.h>
#include <kernel/proc/sched.h>
#include <arch/x86/vmm.h>
#include <kernel/services/port.h>

typedef struct ProgramIrq {
    void (*handler)(void);
    Process *owner;
} ProgramIrq;

static ProgramIrq programIrqs[IRQ_COUNT];

// Kill the calling program for misusing the table.
static void Misuse(const char *what, uintptr_t value)
{
    Process *p = ProcessCurrent();

    ConsolePrint("pid %u (%s): killed: %s 0x%08x\n", p->pid, p->name, what, (uint32_t)value);
    ProcessExit(WAIT_STATUS_SIGNALED(SIGNAL_SEGV));
}

// Resources are allocated with interrupts off by the callers below.
static ProcessResource *NewResource(void (*release)(ProcessResource *), uintptr_t value,
                                    uint32_t extent)
{
    ProcessResource *r = kmalloc(sizeof(*r));

    if (r) {
        *r = (ProcessResource){ .release = release, .value = value, .extent = extent };
        ProcessAddResource(ProcessCurrent(), r);
    }
    return r;
}

static void ReleasePage(ProcessResource *r)
{
    MemPageFree((uint32_t)r->value);
    kfree(r);
}

// Hand the caller physical page pa (0: none was free), zeroed and
// tracked as its own; NULL if there was none or no memory to track it.
// Interrupts are off.
static void *GivePage(uint32_t pa)
{
    void *page = NULL;

    if (pa && NewResource(ReleasePage, pa, 1)) {
        page = PhysToVirt(pa);
        memset(page, 0, PAGE_SIZE);
    } else if (pa) {
        MemPageFree(pa);
    }
    return page;
}

static void *ApiMemAllocatePage(void)
{
    uint32_t flags = CpuSave();
    void *page = GivePage(MemPageAllocate(MEM_ZONE_LOW));

    CpuRestore(flags);
    return page;
}

static void *ApiMemAllocateDmaPage(uint32_t limit)
{
    uint32_t flags = CpuSave();
    void *page = limit > PAGE_SIZE ? GivePage(MemPageAllocateBelow(limit)) : NULL;

    CpuRestore(flags);
    return page;
}

// The physical address of a page the caller owns, or 0.
static uint32_t ApiMemPhysical(const void *page)
{
    uintptr_t va = (uintptr_t)page;
    uint32_t flags = CpuSave(), pa = 0;

    if (va >= DIRECT_MAP_BASE && va < DIRECT_MAP_BASE + DIRECT_MAP_SIZE &&
        !(va & (PAGE_SIZE - 1)) &&
        ProcessFindResource(ProcessCurrent(), ReleasePage, VirtToPhys(page)))
        pa = VirtToPhys(page);
    CpuRestore(flags);
    return pa;
}

static void ApiMemFreePage(void *page)
{
    uint32_t flags = CpuSave();
    uintptr_t va = (uintptr_t)page;
    ProcessResource *r = NULL;

    if (va >= DIRECT_MAP_BASE && va < DIRECT_MAP_BASE + DIRECT_MAP_SIZE)
        r = ProcessTakeResource(ProcessCurrent(), ReleasePage, VirtToPhys(page));
    if (!r)
        Misuse("MemFreePage of a page it does not own:", va);
    r->release(r);
    CpuRestore(flags);
}

static void *ApiKmalloc(size_t size)
{
    uint32_t flags = CpuSave();
    void *block = ProcessKmalloc(size);

    CpuRestore(flags);
    return block;
}

static void ApiKfree(void *ptr)
{
    uint32_t flags = CpuSave();

    if (ProcessKfree(ptr) != 0)
        Misuse("kfree of a block it does not own:", (uintptr_t)ptr);
    CpuRestore(flags);
}

static void ReleaseDevice(ProcessResource *r)
{
    VmmUnmapDevice((void *)r->value, r->extent * PAGE_SIZE);
    kfree(r);
}

static void *ApiMapDevice(uint32_t physical, uint32_t size)
{
    uint32_t flags = CpuSave();
    void *va = VmmMapDevice(physical, size);
    uint32_t offset = physical & (PAGE_SIZE - 1);
    uint32_t pages = (offset + size + PAGE_SIZE - 1) / PAGE_SIZE;

    if (va && !NewResource(ReleaseDevice, (uintptr_t)va & ~(PAGE_SIZE - 1), pages)) {
        VmmUnmapDevice(va, size);
        va = NULL;
    }
    CpuRestore(flags);
    return va;
}

static void ApiUnmapDevice(void *va, uint32_t size)
{
    uint32_t flags = CpuSave();
    ProcessResource *r = ProcessTakeResource(ProcessCurrent(), ReleaseDevice,
                                             (uintptr_t)va & ~(PAGE_SIZE - 1));

    (void)size;
    if (r)
        r->release(r);
    CpuRestore(flags);
}

#define PCI_CONFIG_PORT 0xcf8
#define PCI_DATA_PORT   0xcfc

// PCI configuration space through mechanism #1 (ports 0xcf8/0xcfc), with
// interrupts off so the address and data accesses of two callers never
// interleave. address is PCI_CONFIG_ADDRESS(...): bits 31..24 and 1..0
// must be 0.
static int ApiPciConfigRead(uint32_t address, uint32_t *value)
{
    uint32_t flags;

    if (address & 0xff000003u)
        return E_INVAL;
    flags = CpuSave();
    OutLong(PCI_CONFIG_PORT, 0x80000000u | address);
    *value = InLong(PCI_DATA_PORT);
    CpuRestore(flags);
    return 0;
}

static int ApiPciConfigWrite(uint32_t address, uint32_t value)
{
    uint32_t flags;

    if (address & 0xff000003u)
        return E_INVAL;
    flags = CpuSave();
    OutLong(PCI_CONFIG_PORT, 0x80000000u | address);
    OutLong(PCI_DATA_PORT, value);
    CpuRestore(flags);
    return 0;
}

static int ApiMemSwitchPageDirectory(void *directory)
{
    uint32_t flags = CpuSave();
    Process *self = ProcessCurrent();
    AddressSpace *target = directory ? NULL : self->space;

    if (!target) {
        Process *p = ProcessFindByDirectory(directory);
        target = p ? p->space : NULL;
    }
    if (target)
        VmmActivate(target);
    CpuRestore(flags);
    return target ? 0 : E_INVAL;
}

static void *ApiProcessPageDirectory(uint32_t pid)
{
    uint32_t flags = CpuSave();
    Process *p = ProcessFind(pid);
    void *directory = p && p->state != PROCESS_ZOMBIE ? p->space->directory : NULL;

    CpuRestore(flags);
    return directory;
}

static void ApiBlock(void)
{
    uint32_t flags = CpuSave();
    Process *self = ProcessCurrent();

    if (self->wakePending) {
        self->wakePending = 0;
    } else {
        self->inBlock = 1;
        SchedBlock(NULL);
        self->inBlock = 0;
    }
    CpuRestore(flags);
}

// Sleep, ended early by Wake(own pid) like Block: a driver's bounded wait
// for its interrupt. A Wake that came first ends it at once.
static void ApiSleep(uint32_t milliseconds)
{
    uint32_t flags = CpuSave();
    Process *self = ProcessCurrent();

    if (self->wakePending) {
        self->wakePending = 0;
    } else if (milliseconds > 0) {
        self->inBlock = 1;
        SchedBlockTimeout(NULL, milliseconds);
        self->inBlock = 0;
    }
    CpuRestore(flags);
}

static int ApiWake(uint32_t pid)
{
    uint32_t flags = CpuSave();
    Process *p = ProcessFind(pid);
    int err = p && p->state != PROCESS_ZOMBIE ? 0 : E_SRCH;

    if (!err && p->inBlock && p->state == PROCESS_BLOCKED)
        SchedWake(p);
    else if (!err)
        p->wakePending = 1;
    CpuRestore(flags);
    return err;
}

static uint32_t ApiGetPid(void)
{
    return ProcessCurrent()->pid;
}

static uint32_t ApiUptimeMs(void)
{
    return (uint32_t)(SchedTicks() * (1000 / SCHED_HZ));
}

static void ApiExit(int code)
{
    ProcessExit(WAIT_STATUS_EXITED(code));
}

// Run a program's handler in its own address space.
static void ProgramIrqTrampoline(uint8_t irq)
{
    ProgramIrq *pi = &programIrqs[irq];
    AddressSpace *before = VmmCurrent();

    if (!pi->handler)
        return;
    if (pi->owner->space != before)
        VmmActivate(pi->owner->space);
    pi->handler();
    if (VmmCurrent() != before)
        VmmActivate(before);
}

static void ReleaseIrq(ProcessResource *r)
{
    IrqUnregister((uint8_t)r->value);
    programIrqs[r->value] = (ProgramIrq){ 0 };
    kfree(r);
}

static int ApiIrqRegister(uint8_t irq, void (*handler)(void))
{
    uint32_t flags = CpuSave();
    int err = handler && irq < IRQ_COUNT ? 0 : E_INVAL;

    if (!err && programIrqs[irq].handler)
        err = E_BUSY;
    if (!err) {
        programIrqs[irq] = (ProgramIrq){ handler, ProcessCurrent() };
        err = IrqRegister(irq, ProgramIrqTrampoline);
        if (!err && !NewResource(ReleaseIrq, irq, 0)) {
            IrqUnregister(irq);
            err = E_NOMEM;
        }
        if (err)
            programIrqs[irq] = (ProgramIrq){ 0 };
    }
    CpuRestore(flags);
    return err;
}

static void ApiIrqUnregister(uint8_t irq)
{
    uint32_t flags = CpuSave();
    ProcessResource *r = irq < IRQ_COUNT && programIrqs[irq].owner == ProcessCurrent()
                         ? ProcessTakeResource(ProcessCurrent(), ReleaseIrq, irq) : NULL;

    if (r)
        r->release(r);
    CpuRestore(flags);
}

static uint8_t ApiInByte(uint16_t port) { return InByte(port); }
static void ApiOutByte(uint16_t port, uint8_t v) { OutByte(port, v); }
static uint16_t ApiInWord(uint16_t port) { return InWord(port); }
static void ApiOutWord(uint16_t port, uint16_t v) { OutWord(port, v); }
static uint32_t ApiInLong(uint16_t port) { return InLong(port); }
static void ApiOutLong(uint16_t port, uint32_t v) { OutLong(port, v); }

static int ApiNamespaceRegister(const char *prefix,
                                void (*handler)(Message *, const IpcEnvelope *))
{
    return IpcRegister(prefix, (uint32_t)(uintptr_t)handler);
}

static Message *ApiCreateMessage(uint32_t type, uint32_t dataLength)
{
    Message *m = dataLength <= MESSAGE_MAX_DATA ? ApiKmalloc(MESSAGE_HEADER_SIZE + dataLength) : NULL;

    if (m) {
        memset(m, 0, MESSAGE_HEADER_SIZE + dataLength);
        m->type = type;
        m->length = MESSAGE_HEADER_SIZE + dataLength;
    }
    return m;
}

static void ApiFreeMessage(Message *m)
{
    ApiKfree(m);
}

static Message *ErrorMessage(int error)
{
    Message *m = ApiCreateMessage(MSG_ERROR, sizeof(int32_t));

    if (m)
        memcpy(m->data, &error, sizeof(int32_t));
    return m;
}

static Message *AllocateForProgram(uint32_t length)
{
    return ApiKmalloc(length);
}

static int ValidLength(const Message *m)
{
    return m && m->length >= MESSAGE_HEADER_SIZE && m->length <= MESSAGE_MAX_SIZE;
}

static Message *ApiIpcSend(const char *name, const Message *request, uint32_t timeoutMs)
{
    IpcDelivery d = { .memory = IPC_MEMORY_KERNEL, .allocate = AllocateForProgram };
    int result;

    if (!ValidLength(request))
        return ErrorMessage(E_MSGSIZE);
    result = IpcTransact(name, IPC_MEMORY_KERNEL, (uintptr_t)request, request->length,
                         timeoutMs, &d);
    return result < 0 ? ErrorMessage(result) : d.allocated;
}

static int ApiIpcReceiveInto(Message *buffer, uint32_t capacity, IpcEnvelope *envelope)
{
    return IpcReceive(IPC_MEMORY_KERNEL, (uintptr_t)buffer, capacity, (uintptr_t)envelope);
}

static Message *ApiIpcReceive(IpcEnvelope *envelope)
{
    Message *m = ApiCreateMessage(0, MESSAGE_MAX_DATA);

    if (m && ApiIpcReceiveInto(m, MESSAGE_MAX_SIZE, envelope) < 0) {
        ApiFreeMessage(m);
        m = NULL;
    }
    return m;
}

static int ApiIpcReply(uint32_t requestId, const Message *reply)
{
    if (!ValidLength(reply))
        return E_MSGSIZE;
    return IpcAnswer(requestId, IPC_MEMORY_KERNEL, (uintptr_t)reply, reply->length);
}

// ApiIpcServe's one handler: the prefix's own, given the request (it
// answers it itself, and the request is not its to keep). A prefix
// registered without a handler answers E_NOSYS, as the ring-3 IpcServe
// does, so its clients never wait for a reply that cannot come.
static int CallPrefixHandler(Server *s, ServerRequest *r)
{
    void (*handler)(Message *, const IpcEnvelope *) =
        (void (*)(Message *, const IpcEnvelope *))(uintptr_t)r->envelope->handler;

    if (!handler)
        return E_NOSYS;
    handler(s->requestBuffer, r->envelope);
    return SERVER_DEFERRED;
}

// Serve the caller's prefixes on the server skeleton, forever: every
// request goes to its prefix's handler. The request buffer is the
// program's (freed when it ends); none is built in the reply buffer.
static void ApiIpcServe(void)
{
    union {
        Message message;
        uint8_t bytes[MESSAGE_HEADER_SIZE + sizeof(int32_t)];
    } reply;
    Server server = {
        .name = "IpcServe", .port = &serverPortKernel, .unrouted = CallPrefixHandler,
        .replyBuffer = &reply.message, .capacity = MESSAGE_MAX_SIZE,
        .replyCapacity = sizeof(reply),
    };

    while (!(server.requestBuffer = ApiKmalloc(MESSAGE_MAX_SIZE)))
        SchedSleep(10);             // out of memory: try again shortly
    ServerRun(&server);
}

static const KernelApi table = {
    .version = KERNEL_API_VERSION,
    .size = sizeof(KernelApi),
    .MemAllocatePage = ApiMemAllocatePage,
    .MemFreePage = ApiMemFreePage,
    .MemSwitchPageDirectory = ApiMemSwitchPageDirectory,
    .ProcessPageDirectory = ApiProcessPageDirectory,
    .kmalloc = ApiKmalloc,
    .kfree = ApiKfree,
    .MapDevice = ApiMapDevice,
    .UnmapDevice = ApiUnmapDevice,
    .SchedYield = SchedYield,
    .Sleep = ApiSleep,
    .Block = ApiBlock,
    .Wake = ApiWake,
    .GetPid = ApiGetPid,
    .UptimeMs = ApiUptimeMs,
    .Exit = ApiExit,
    .IrqRegister = ApiIrqRegister,
    .IrqUnregister = ApiIrqUnregister,
    .InByte = ApiInByte,
    .OutByte = ApiOutByte,
    .InWord = ApiInWord,
    .OutWord = ApiOutWord,
    .InLong = ApiInLong,
    .OutLong = ApiOutLong,
    .Print = ConsolePrint,
    .NamespaceRegister = ApiNamespaceRegister,
    .NamespaceUnregister = IpcUnregister,
    .CreateMessage = ApiCreateMessage,
    .FreeMessage = ApiFreeMessage,
    .IpcSend = ApiIpcSend,
    .IpcReceive = ApiIpcReceive,
    .IpcReceiveInto = ApiIpcReceiveInto,
    .IpcReply = ApiIpcReply,
    .IpcNotify = IpcNotify,
    .IpcWaitNotification = IpcWaitNotification,
    .IpcServe = ApiIpcServe,
    .IpcWatchExits = IpcWatchExits,
    .InitrdImage = InitrdArchive,
    .IpcReceiveTimeout = IpcReceiveTimeout,
    .ProcessRead = ProcMemRead,
    .ProcessWrite = ProcMemWrite,
    .ProcessReadString = ProcMemReadString,
    .ProcessMap = ProcMemMap,
    .ProcessUnmap = ProcMemUnmap,
    .ProcessProtect = ProcMemProtect,
    .ProcessQuery = ProcessQuery,
    .ProcessEnd = ProcessEnd,
    .ProcessSetTls = ProcessSetTls,
    .ProcessFork = ProcessFork,
    .ProcessExec = ProcessExec,
    .ProcessReap = ProcessReap,
    .MemPhysical = ApiMemPhysical,
    .MemAllocateDmaPage = ApiMemAllocateDmaPage,
    .PciConfigRead = ApiPciConfigRead,
    .PciConfigWrite = ApiPciConfigWrite,
    .ProcessGetRegisters = ProcessGetRegisters,
    .ProcessSetRegisters = ProcessSetRegisters,
    .ProcessPoke = ProcessPoke,
    .ProcessContextGet = ProcessContextGet,
    .ProcessContextSet = ProcessContextSet,
    .PersonalityRegister = PersonalityRegister,
    .IpcJobQuery = IpcJobQuery,
    .IpcJobRead = IpcJobReadKernel,
    .IpcJobWrite = IpcJobWriteKernel,
    .IpcJobFinish = IpcJobFinish,
    .IpcReceivePoll = IpcReceivePollKernel,
};

const KernelApi *KernelApiTable(void)
{
    return &table;
}
