// The KernelApi table: kernel services for kernel-mode programs.
//
// Each entry runs in two steps, as the native system calls do
// (kernel/syscall.c) and as seL4's decode and invoke: the decode step
// checks every argument (NULL pointers, ranges and their overflow, line
// numbers, lengths, ownership) and changes nothing; the invoke step then
// does the work, with interrupts off around shared kernel state, and
// records what the calling program took as a ProcessResource, so the
// process teardown gives it all back. What the invoke step needs from
// the heap (a resource record) is taken before anything else changes, so
// running out of memory never leaves half a call behind. Bad input gets
// an E_* code (NULL from a call that returns a pointer; nothing from one
// that returns nothing), never a panic. A program that frees something
// it does not own is killed, not the kernel.
//
// The process calls at the end of the table (ProcessRead ... ProcessSetTls)
// let a server act for a user process, as the POSIX server does for a
// caller stopped in int 0x80; they are kernel/mm/procmem.c and
// kernel/proc/process.c's own, and touch only user processes.
#include <stdarg.h>
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
#include <kernel/ipc/endpoint.h>
#include <kernel/ipc/ipc.h>
#include <kernel/personality.h>
#include <kernel/mm/grant.h>
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

// A record of something the caller is about to take, not yet its own:
// Keep makes it so once the thing is taken. NULL if out of memory.
static ProcessResource *NewResource(void (*release)(ProcessResource *), uintptr_t value,
                                    uint32_t extent)
{
    ProcessResource *r = kmalloc(sizeof(*r));

    if (r)
        *r = (ProcessResource){ .release = release, .value = value, .extent = extent };
    return r;
}

static void Keep(ProcessResource *r)
{
    ProcessAddResource(ProcessCurrent(), r);
}

// Whether va is a page-aligned address of the direct map.
static int DirectMapPage(uintptr_t va)
{
    return va >= DIRECT_MAP_BASE && va < DIRECT_MAP_BASE + DIRECT_MAP_SIZE &&
           !(va & (PAGE_SIZE - 1));
}

// --- pages and heap blocks -----------------------------------------------------

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
    ProcessResource *r = pa ? NewResource(ReleasePage, pa, 1) : NULL;

    if (!r) {
        if (pa)
            MemPageFree(pa);
        return NULL;
    }
    Keep(r);
    memset(PhysToVirt(pa), 0, PAGE_SIZE);
    return PhysToVirt(pa);
}

static void *ApiMemAllocatePage(void)
{
    uint32_t flags = CpuSave();
    void *page = GivePage(MemPageAllocate(MEM_ZONE_LOW));

    CpuRestore(flags);
    return page;
}

// A page below limit: limit must leave room for one page.
static void *ApiMemAllocateDmaPage(uint32_t limit)
{
    uint32_t flags;
    void *page;

    /* decode */
    if (limit <= PAGE_SIZE)
        return NULL;
    /* invoke */
    flags = CpuSave();
    page = GivePage(MemPageAllocateBelow(limit));
    CpuRestore(flags);
    return page;
}

// The physical address of a page the caller owns, or 0.
static uint32_t ApiMemPhysical(const void *page)
{
    uint32_t flags;
    int owned;

    /* decode: a page of the direct map that the caller owns */
    if (!DirectMapPage((uintptr_t)page))
        return 0;
    flags = CpuSave();
    owned = ProcessFindResource(ProcessCurrent(), ReleasePage, VirtToPhys(page)) != NULL;
    CpuRestore(flags);
    /* invoke */
    return owned ? VirtToPhys(page) : 0;
}

static void ApiMemFreePage(void *page)
{
    uint32_t flags = CpuSave();
    uintptr_t va = (uintptr_t)page;
    ProcessResource *r;

    /* decode: a page the caller owns, or it is killed */
    if (!DirectMapPage(va) || !ProcessFindResource(ProcessCurrent(), ReleasePage, VirtToPhys(page)))
        Misuse("MemFreePage of a page it does not own:", va);
    /* invoke */
    r = ProcessTakeResource(ProcessCurrent(), ReleasePage, VirtToPhys(page));
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

// --- shared memory: grants (kernel/mm/grant.c) ------------------------------------

// Whether pa is a page p took with MemAllocatePage or MemAllocateDmaPage.
static int OwnsPage(Process *p, uint32_t pa)
{
    return ProcessFindResource(p, ReleasePage, pa) != NULL;
}

static int ApiGrantCreate(const void *addr, uint32_t length, uint32_t rights,
                          uint32_t granteePid)
{
    /* decode and invoke: GrantCreateKernel checks all before it acts */
    return GrantCreateKernel(addr, length, rights, granteePid, OwnsPage);
}

// --- device windows --------------------------------------------------------------

static void ReleaseDevice(ProcessResource *r)
{
    VmmUnmapDevice((void *)r->value, r->extent * PAGE_SIZE);
    kfree(r);
}

// The pages [physical, physical + size) spans if it may be a device
// window: not empty, not past 4 GiB, no bigger than the device window
// area, and no byte of memory the kernel holds (RAM, its image, boot
// data). 0 if it may not. physical need not be page-aligned: the window
// keeps its offset in the page.
static uint32_t DevicePages(uint32_t physical, uint32_t size)
{
    uint32_t first = physical & ~(PAGE_SIZE - 1);
    uint64_t end = (uint64_t)physical + size, pages;

    if (size == 0 || end > 0x100000000ull)
        return 0;
    pages = (end - first + PAGE_SIZE - 1) / PAGE_SIZE;
    if (pages > (MMIO_LIMIT - MMIO_BASE) / PAGE_SIZE || MemHoldsRange(first, end))
        return 0;
    return (uint32_t)pages;
}

static void *ApiMapDevice(uint32_t physical, uint32_t size)
{
    uint32_t pages = DevicePages(physical, size), flags;
    ProcessResource *r;
    void *va;

    /* decode; then the record, so a mapping never has to be undone */
    if (!pages || !(r = NewResource(ReleaseDevice, 0, pages)))
        return NULL;
    /* invoke: only a full device window area can fail it now */
    flags = CpuSave();
    va = VmmMapDevice(physical, size);
    if (va) {
        r->value = (uintptr_t)va & ~(PAGE_SIZE - 1);
        Keep(r);
    } else {
        kfree(r);
    }
    CpuRestore(flags);
    return va;
}

// Unmap a window of the caller's: va as MapDevice gave it (its page
// starts the window), size more than 0 and within the window from va.
// Anything else is ignored.
static void ApiUnmapDevice(void *va, uint32_t size)
{
    uintptr_t page = (uintptr_t)va & ~(PAGE_SIZE - 1), offset = (uintptr_t)va - page;
    uint32_t flags = CpuSave();
    ProcessResource *r = ProcessFindResource(ProcessCurrent(), ReleaseDevice, page);

    /* decode */
    if (r && size > 0 && size <= r->extent * PAGE_SIZE - offset) {
        /* invoke */
        ProcessTakeResource(ProcessCurrent(), ReleaseDevice, page);
        r->release(r);
    }
    CpuRestore(flags);
}

// --- PCI configuration space ----------------------------------------------------

#define PCI_CONFIG_PORT 0xcf8
#define PCI_DATA_PORT   0xcfc

// Whether address is a PCI_CONFIG_ADDRESS(...): bits 31..24 (the enable
// bit and reserved) and 1..0 (a register is 32-bit aligned) clear.
static int PciAddressValid(uint32_t address)
{
    return (address & 0xff000003u) == 0;
}

// PCI configuration space through mechanism #1 (ports 0xcf8/0xcfc), with
// interrupts off so the address and data accesses of two callers never
// interleave.
static int ApiPciConfigRead(uint32_t address, uint32_t *value)
{
    uint32_t flags;

    /* decode */
    if (!PciAddressValid(address) || !value)
        return E_INVAL;
    /* invoke */
    flags = CpuSave();
    OutLong(PCI_CONFIG_PORT, 0x80000000u | address);
    *value = InLong(PCI_DATA_PORT);
    CpuRestore(flags);
    return 0;
}

static int ApiPciConfigWrite(uint32_t address, uint32_t value)
{
    uint32_t flags;

    /* decode */
    if (!PciAddressValid(address))
        return E_INVAL;
    /* invoke */
    flags = CpuSave();
    OutLong(PCI_CONFIG_PORT, 0x80000000u | address);
    OutLong(PCI_DATA_PORT, value);
    CpuRestore(flags);
    return 0;
}

// --- other address spaces -------------------------------------------------------

// Switch to the space of the live process whose directory this is, or
// back to the caller's own (NULL).
static int ApiMemSwitchPageDirectory(void *directory)
{
    uint32_t flags = CpuSave();
    Process *p = directory ? ProcessFindByDirectory(directory) : ProcessCurrent();

    /* decode */
    if (!p) {
        CpuRestore(flags);
        return E_INVAL;
    }
    /* invoke */
    VmmActivate(p->space);
    CpuRestore(flags);
    return 0;
}

// The directory of live process pid, or NULL.
static void *ApiProcessPageDirectory(uint32_t pid)
{
    uint32_t flags = CpuSave();
    Process *p = ProcessFind(pid);
    void *directory = NULL;

    /* decode: a live process; invoke: its directory */
    if (p && p->state != PROCESS_ZOMBIE)
        directory = p->space->directory;
    CpuRestore(flags);
    return directory;
}

// --- scheduling -------------------------------------------------------------------

// Block and Sleep wait for a Wake; an IRQ handler may not wait (it runs
// on behalf of whichever process it interrupted), so from one they
// return at once.
static void ApiBlock(void)
{
    uint32_t flags = CpuSave();
    Process *self = ProcessCurrent();

    /* decode */
    if (IrqActive()) {
        CpuRestore(flags);
        return;
    }
    /* invoke */
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

    /* decode */
    if (IrqActive()) {
        CpuRestore(flags);
        return;
    }
    /* invoke */
    if (self->wakePending) {
        self->wakePending = 0;
    } else if (milliseconds > 0) {
        self->inBlock = 1;
        SchedBlockTimeout(NULL, milliseconds);
        self->inBlock = 0;
    }
    CpuRestore(flags);
}

// End live process pid's Block or Sleep, or have its next one end at once.
static int ApiWake(uint32_t pid)
{
    uint32_t flags = CpuSave();
    Process *p = ProcessFind(pid);

    /* decode */
    if (!p || p->state == PROCESS_ZOMBIE) {
        CpuRestore(flags);
        return E_SRCH;
    }
    /* invoke */
    if (p->inBlock && p->state == PROCESS_BLOCKED)
        SchedWake(p);
    else
        p->wakePending = 1;
    CpuRestore(flags);
    return 0;
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

// --- interrupt lines --------------------------------------------------------------

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

// Give line irq to handler: 0, E_INVAL (no handler, no such line, the
// cascade), E_BUSY (the kernel, another program or the caller holds it)
// or E_NOMEM.
static int ApiIrqRegister(uint8_t irq, void (*handler)(void))
{
    uint32_t flags = CpuSave();
    int err = handler ? IrqAvailable(irq) : E_INVAL;
    ProcessResource *r = NULL;

    /* decode (above); then the record, so nothing has to be undone */
    if (!err && !(r = NewResource(ReleaseIrq, irq, 0)))
        err = E_NOMEM;
    if (!err) {
        /* invoke: the line is free and interrupts are off, so this holds */
        programIrqs[irq] = (ProgramIrq){ handler, ProcessCurrent() };
        IrqRegister(irq, ProgramIrqTrampoline);
        Keep(r);
    }
    CpuRestore(flags);
    return err;
}

// Give back a line the caller holds; any other is ignored.
static void ApiIrqUnregister(uint8_t irq)
{
    uint32_t flags = CpuSave();
    ProcessResource *r = NULL;

    /* decode */
    if (irq < IRQ_COUNT && programIrqs[irq].owner == ProcessCurrent())
        r = ProcessTakeResource(ProcessCurrent(), ReleaseIrq, irq);
    /* invoke */
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

// --- the console and the initrd -------------------------------------------------

static int ApiPrint(const char *fmt, ...)
{
    va_list args;
    int n;

    /* decode */
    if (!fmt)
        return E_INVAL;
    /* invoke */
    va_start(args, fmt);
    n = ConsolePrintV(fmt, args);
    va_end(args);
    return n;
}

// The initrd and its size; NULL (with *size 0, when size is not NULL)
// without one, or without a place for its size.
static const uint8_t *ApiInitrdImage(uint32_t *size)
{
    /* decode */
    if (!size)
        return NULL;
    /* invoke */
    return InitrdArchive(size);
}

// --- namespaces and messages ------------------------------------------------------

static int ApiNamespaceRegister(const char *prefix,
                                void (*handler)(Message *, const IpcEnvelope *))
{
    int length = NsCheckPrefix(prefix);

    /* decode */
    if (length < 0)
        return length;
    /* invoke */
    return IpcRegister(prefix, (uint32_t)(uintptr_t)handler);
}

static int ApiNamespaceUnregister(const char *prefix)
{
    int length = NsCheckPrefix(prefix);

    /* decode */
    if (length < 0)
        return length;
    /* invoke */
    return IpcUnregister(prefix);
}

static Message *ApiCreateMessage(uint32_t type, uint32_t dataLength)
{
    Message *m;

    /* decode */
    if (dataLength > MESSAGE_MAX_DATA)
        return NULL;
    /* invoke */
    if ((m = ApiKmalloc(MESSAGE_HEADER_SIZE + dataLength)) != NULL) {
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

// A message the caller hands over: E_FAULT for none, E_MSGSIZE for a
// length no message has; else 0. (These run on every request and reply:
// two comparisons.)
static int CheckMessage(const Message *m)
{
    if (!m)
        return E_FAULT;
    return m->length >= MESSAGE_HEADER_SIZE && m->length <= MESSAGE_MAX_SIZE ? 0 : E_MSGSIZE;
}

// Send and wait. The name is checked by the IPC layer's routing, before
// anything is queued.
static Message *ApiIpcSend(const char *name, const Message *request, uint32_t timeoutMs)
{
    IpcDelivery d = { .memory = IPC_MEMORY_KERNEL, .allocate = AllocateForProgram };
    int result = CheckMessage(request);

    /* decode */
    if (result)
        return ErrorMessage(result);
    /* invoke */
    result = IpcTransact(name, IPC_MEMORY_KERNEL, (uintptr_t)request, request->length,
                         timeoutMs, &d);
    return result < 0 ? ErrorMessage(result) : d.allocated;
}

// Where a request may be received: a buffer with room for a header.
static int CheckReceive(const Message *buffer, uint32_t capacity)
{
    if (capacity < MESSAGE_HEADER_SIZE)
        return E_MSGSIZE;
    return buffer ? 0 : E_FAULT;
}

static int ApiIpcReceiveTimeout(Message *buffer, uint32_t capacity, IpcEnvelope *envelope,
                                uint32_t timeoutMs)
{
    int err = CheckReceive(buffer, capacity);

    /* decode */
    if (err)
        return err;
    /* invoke */
    return IpcReceiveTimeout(buffer, capacity, envelope, timeoutMs);
}

static int ApiIpcReceiveInto(Message *buffer, uint32_t capacity, IpcEnvelope *envelope)
{
    return ApiIpcReceiveTimeout(buffer, capacity, envelope, 0);
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
    int err = CheckMessage(reply);

    /* decode */
    if (err)
        return err;
    /* invoke */
    return IpcAnswer(requestId, IPC_MEMORY_KERNEL, (uintptr_t)reply, reply->length);
}

static int ApiIpcConnect(const char *name)
{
    /* decode */
    if (!name)
        return E_INVAL;
    /* invoke */
    return IpcConnect(name);
}

static int ApiIpcCall(uint32_t handle, const Message *request, Message *reply,
                      uint32_t capacity, uint32_t timeoutMs)
{
    IpcDelivery d = { .memory = IPC_MEMORY_KERNEL, .buffer = (uintptr_t)reply,
                      .capacity = capacity };
    int err = CheckMessage(request);

    /* decode */
    if (!err)
        err = CheckReceive(reply, capacity);
    if (err)
        return err;
    /* invoke */
    return IpcTransactHandle(handle, IPC_MEMORY_KERNEL, (uintptr_t)request, request->length,
                             timeoutMs, &d);
}

static int ApiIpcReplyWait(uint32_t requestId, const Message *reply, Message *buffer,
                           uint32_t capacity, IpcEnvelope *envelope, uint32_t timeoutMs)
{
    int err = CheckMessage(reply);

    /* decode */
    if (!err)
        err = CheckReceive(buffer, capacity);
    if (err)
        return err;
    /* invoke */
    return IpcReplyWait(requestId, IPC_MEMORY_KERNEL, (uintptr_t)reply, reply->length,
                        (uintptr_t)buffer, capacity, (uintptr_t)envelope, timeoutMs);
}

static int ApiIpcWaitNotification(IpcNotification *out, uint32_t timeoutMs)
{
    /* decode */
    if (!out)
        return E_INVAL;
    /* invoke */
    return IpcWaitNotification(out, timeoutMs);
}

// ApiIpcServe's one handler: the prefix's own, given the request (it
// answers it itself, and the request is not its to keep). A prefix
// registered without a handler answers E_NOSYS, as the ring-3 IpcServe
// does, so its clients never wait for a reply that cannot come.
static int CallPrefixHandler(Server *s, ServerRequest *r)
{
    void (*handler)(Message *, const IpcEnvelope *) =
        (void (*)(Message *, const IpcEnvelope *))(uintptr_t)r->envelope->handler;

    /* decode: a prefix with a handler */
    if (!handler)
        return E_NOSYS;
    /* invoke */
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

// The facts of a grant: a place for them first.
static int ApiGrantQuery(uint32_t grantId, GrantFacts *out)
{
    /* decode */
    if (!out)
        return E_INVAL;
    /* invoke */
    return GrantQuery(grantId, out);
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
    .Print = ApiPrint,
    .NamespaceRegister = ApiNamespaceRegister,
    .NamespaceUnregister = ApiNamespaceUnregister,
    .CreateMessage = ApiCreateMessage,
    .FreeMessage = ApiFreeMessage,
    .IpcSend = ApiIpcSend,
    .IpcReceive = ApiIpcReceive,
    .IpcReceiveInto = ApiIpcReceiveInto,
    .IpcReply = ApiIpcReply,
    .IpcNotify = IpcNotify,
    .IpcWaitNotification = ApiIpcWaitNotification,
    .IpcServe = ApiIpcServe,
    .IpcWatchExits = IpcWatchExits,
    .InitrdImage = ApiInitrdImage,
    .IpcReceiveTimeout = ApiIpcReceiveTimeout,
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
    .IpcConnect = ApiIpcConnect,
    .IpcCall = ApiIpcCall,
    .IpcDisconnect = IpcDisconnect,
    .IpcReplyWait = ApiIpcReplyWait,
    .GrantCreate = ApiGrantCreate,
    .GrantDevice = GrantCreateDevice,
    .GrantRevoke = GrantRevoke,
    .GrantQuery = ApiGrantQuery,
    .IpcWatchNotices = IpcWatchNotices,
};

const KernelApi *KernelApiTable(void)
{
    return &table;
}
