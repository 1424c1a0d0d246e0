// Native system calls: int 0x40 from user programs.
//
// A table maps each call number to its handler, one line a call. Every
// handler validates all of its arguments (pointers through usercopy.c)
// before it changes anything, and returns a result or an E_* code.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/syscall.h>
#include <arch/x86/cpu.h>
#include <kernel/console.h>
#include <kernel/ipc/ipc.h>
#include <kernel/mm/kheap.h>
#include <kernel/exec/loader.h>
#include <kernel/proc/process.h>
#include <kernel/mm/procmem.h>
#include <kernel/proc/sched.h>
#include <kernel/syscall.h>
#include <kernel/mm/usercopy.h>

#define DEBUG_WRITE_MAX (64u * 1024)

typedef int (*SyscallHandler)(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e);

static int SysExit(uint32_t code, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
    (void)b; (void)c; (void)d; (void)e;
    ProcessExit(WAIT_STATUS_EXITED((int)code));
}

// Write text to the console, in chunks, after checking the whole range.
static int SysDebugWrite(uint32_t text, uint32_t length, uint32_t c, uint32_t d, uint32_t e)
{
    char chunk[256];

    (void)c; (void)d; (void)e;
    if (length > DEBUG_WRITE_MAX)
        return E_INVAL;
    if (UserCheck(text, length, 0))
        return E_FAULT;
    for (uint32_t done = 0; done < length;) {
        uint32_t n = length - done < sizeof(chunk) ? length - done : sizeof(chunk);
        if (CopyFromUser(chunk, text + done, n))
            return E_FAULT;
        ConsoleWrite(chunk, n);
        done += n;
    }
    return (int)length;
}

static int SysGetPid(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
    (void)a; (void)b; (void)c; (void)d; (void)e;
    return (int)ProcessCurrent()->pid;
}

static int SysGetPpid(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
    Process *parent = ProcessCurrent()->parent;

    (void)a; (void)b; (void)c; (void)d; (void)e;
    return parent ? (int)parent->pid : 0;
}

static int SysYield(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
    (void)a; (void)b; (void)c; (void)d; (void)e;
    SchedYield();
    return 0;
}

static int SysSleep(uint32_t ms, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
    (void)b; (void)c; (void)d; (void)e;
    SchedSleep(ms);
    return 0;
}

static int SysUptime(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
    (void)a; (void)b; (void)c; (void)d; (void)e;
    return (int)(SchedTicks() * (1000 / SCHED_HZ));
}

// The arguments of a spawn, copied into the kernel.
typedef struct SpawnArgs {
    char path[SPAWN_MAX_PATH];
    int argc, envc;
    const char *argv[SPAWN_MAX_ARGS];
    const char *envp[SPAWN_MAX_ARGS];
    char text[2][SPAWN_MAX_ARGS][SPAWN_MAX_ARG_LEN];    // argv's, envp's
} SpawnArgs;

// Copy the NULL-terminated array of strings at vector into strings and
// text (at most SPAWN_MAX_ARGS of SPAWN_MAX_ARG_LEN). first, if not 0,
// stands for a NULL vector's one string. Returns the count or an error.
static int CopyStrings(uint32_t vector, uint32_t first, const char **strings,
                       char (*text)[SPAWN_MAX_ARG_LEN])
{
    int n = 0, len;

    for (;; n++) {
        uint32_t ptr;
        if (!vector)
            ptr = n == 0 ? first : 0;
        else if (CopyFromUser(&ptr, vector + 4u * (uint32_t)n, 4))
            return E_FAULT;
        if (!ptr)
            return n;
        if (n == SPAWN_MAX_ARGS)
            return E_INVAL;
        len = CopyStringFromUser(text[n], ptr, SPAWN_MAX_ARG_LEN);
        if (len < 0)
            return len == E_NAMETOOLONG ? E_INVAL : len;
        strings[n] = text[n];
    }
}

// Copy path, the NULL-terminated argv array (NULL: { path }) and envp
// (NULL: none) in. Returns 0 or an error.
static int CopySpawnArgs(uint32_t path, uint32_t argv, uint32_t envp, SpawnArgs *out)
{
    int len = CopyStringFromUser(out->path, path, sizeof(out->path));

    if (len < 0)
        return len;
    if ((out->argc = CopyStrings(argv, path, out->argv, out->text[0])) < 0)
        return out->argc;
    if ((out->envc = CopyStrings(envp, 0, out->envp, out->text[1])) < 0)
        return out->envc;
    return out->argc > 0 ? 0 : E_INVAL;
}

// The arguments live on the heap, not in a static: loading a program
// through its namespace blocks in IPC, and another spawn may run meanwhile.
static int SysSpawn(uint32_t path, uint32_t argv, uint32_t envp, uint32_t d, uint32_t e)
{
    SpawnArgs *args = ProcessKmalloc(sizeof(*args));     // freed even if killed meanwhile
    int err = args ? CopySpawnArgs(path, argv, envp, args) : E_NOMEM;

    (void)d; (void)e;
    if (!err)
        err = LoaderSpawnEnv(args->path, args->argc, args->argv, args->envc, args->envp,
                             PROCESS_USER, ProcessCurrent());
    ProcessKfree(args);
    return err;
}

// SYS_SPAWN_CONTEXT: SYS_SPAWN with a SpawnRequest. Everything (the
// request, its strings, its context) is copied in and checked before the
// program is read.
typedef struct SpawnContextArgs {
    SpawnArgs args;
    SpawnRequest request;
    ProcessContext context;
} SpawnContextArgs;

static int CopySpawnRequest(uint32_t path, uint32_t request, SpawnContextArgs *out)
{
    SpawnRequest *r = &out->request;
    int err;

    if (CopyFromUser(r, request, sizeof(*r)))
        return E_FAULT;
    if (r->flags & ~SPAWN_FLAGS)
        return E_INVAL;
    if ((err = CopySpawnArgs(path, (uint32_t)(uintptr_t)r->argv, (uint32_t)(uintptr_t)r->envp,
                             &out->args)) != 0)
        return err;
    if (r->context && CopyFromUser(&out->context, (uint32_t)(uintptr_t)r->context,
                                   sizeof(out->context)))
        return E_FAULT;
    if (r->context && !ProcessContextValid(&out->context))
        return E_INVAL;
    return 0;
}

static int SysSpawnContext(uint32_t path, uint32_t request, uint32_t c, uint32_t d, uint32_t e)
{
    SpawnContextArgs *a = ProcessKmalloc(sizeof(*a));     // freed even if killed meanwhile
    int err = a ? CopySpawnRequest(path, request, a) : E_NOMEM;

    (void)c; (void)d; (void)e;
    if (!err)
        err = LoaderSpawnContext(a->args.path, a->args.argc, a->args.argv, a->args.envc,
                                 a->args.envp, PROCESS_USER, ProcessCurrent(),
                                 a->request.context ? &a->context : NULL, a->request.flags);
    ProcessKfree(a);
    return err;
}

// SYS_RESUME: only the parent may start its suspended child.
static int SysResume(uint32_t pid, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
    (void)b; (void)c; (void)d; (void)e;
    if ((int)pid <= 0)
        return E_SRCH;
    return ProcessResume(ProcessCurrent()->pid, pid);
}

static int SysContextGet(uint32_t out, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
    ProcessContext context;

    (void)b; (void)c; (void)d; (void)e;
    if (UserCheck(out, sizeof(context), 1))
        return E_FAULT;
    ProcessContextGet(ProcessCurrent()->pid, &context);
    return CopyToUser(out, &context, sizeof(context)) ? E_FAULT : 0;
}

static int SysContextSet(uint32_t in, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
    ProcessContext context;

    (void)b; (void)c; (void)d; (void)e;
    if (CopyFromUser(&context, in, sizeof(context)))
        return E_FAULT;
    return ProcessContextSet(ProcessCurrent()->pid, &context);
}

static int SysWait(uint32_t pid, uint32_t status, uint32_t options, uint32_t d, uint32_t e)
{
    int result, value;

    (void)d; (void)e;
    if ((int)pid < -1 || pid == 0 || (options & ~WAIT_OPTIONS))
        return E_INVAL;
    if (status && UserCheck(status, 4, 1))
        return E_FAULT;
    if (options & WAIT_NOHANG)
        result = ProcessTryWait((int)pid, &value);
    else
        result = ProcessWait((int)pid, &value);
    if (result > 0 && status)
        CopyToUser(status, &value, 4);
    return result;
}

static int SysKill(uint32_t pid, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
    (void)b; (void)c; (void)d; (void)e;
    if ((int)pid <= 0)
        return E_SRCH;
    return ProcessKill(pid);
}

static int SysNsRegister(uint32_t prefix, uint32_t handler, uint32_t c, uint32_t d, uint32_t e)
{
    char text[NS_NAME_MAX + 1];
    int len = CopyStringFromUser(text, prefix, sizeof(text));

    (void)c; (void)d; (void)e;
    return len < 0 ? len : IpcRegister(text, handler);
}

static int SysNsUnregister(uint32_t prefix, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
    char text[NS_NAME_MAX + 1];
    int len = CopyStringFromUser(text, prefix, sizeof(text));

    (void)b; (void)c; (void)d; (void)e;
    return len < 0 ? len : IpcUnregister(text);
}

// Read the length field of the user message at from and check it.
// Returns the length or an error.
static int MessageLength(uint32_t from)
{
    Message header;

    if (CopyFromUser(&header, from, sizeof(header)))
        return E_FAULT;
    if (header.length < MESSAGE_HEADER_SIZE || header.length > MESSAGE_MAX_SIZE)
        return E_MSGSIZE;
    return (int)header.length;
}

// The reply buffer is checked in full as the reply is copied out; its
// first bytes are checked here so a plainly bad pointer fails before
// anything is sent.
static int SysIpcSend(uint32_t name, uint32_t request, uint32_t replyBuffer,
                      uint32_t capacity, uint32_t timeoutMs)
{
    char target[NS_NAME_MAX + 1];
    IpcDelivery delivery = { IPC_MEMORY_USER, replyBuffer, capacity, NULL, NULL };
    int len = CopyStringFromUser(target, name, sizeof(target));

    if (len < 0)
        return len;
    len = MessageLength(request);
    if (len < 0)
        return len;
    if (capacity < MESSAGE_HEADER_SIZE)
        return E_MSGSIZE;
    if (UserCheck(replyBuffer, MESSAGE_HEADER_SIZE, 1))
        return E_FAULT;
    return IpcTransact(target, IPC_MEMORY_USER, request, (uint32_t)len, timeoutMs, &delivery);
}

static int SysIpcReceive(uint32_t buffer, uint32_t capacity, uint32_t envelope,
                         uint32_t d, uint32_t e)
{
    (void)d; (void)e;
    return IpcReceive(IPC_MEMORY_USER, buffer, capacity, envelope);
}

static int SysIpcReply(uint32_t requestId, uint32_t reply, uint32_t c, uint32_t d, uint32_t e)
{
    int len = MessageLength(reply);

    (void)c; (void)d; (void)e;
    return len < 0 ? len : IpcAnswer(requestId, IPC_MEMORY_USER, reply, (uint32_t)len);
}

static int SysIpcNotify(uint32_t pid, uint32_t jobId, uint32_t value, uint32_t d, uint32_t e)
{
    (void)d; (void)e;
    return IpcNotify(pid, jobId, (int32_t)value);
}

static int SysIpcWaitNotify(uint32_t out, uint32_t timeoutMs, uint32_t c, uint32_t d, uint32_t e)
{
    IpcNotification note;
    int err;

    (void)c; (void)d; (void)e;
    if (UserCheck(out, sizeof(note), 1))
        return E_FAULT;
    err = IpcWaitNotification(&note, timeoutMs);
    if (!err)
        CopyToUser(out, &note, sizeof(note));
    return err;
}

static int SysIpcWatchExits(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
    (void)a; (void)b; (void)c; (void)d; (void)e;
    return IpcWatchExits();
}

// Map zeroed pages into the caller's own space (kernel/mm/procmem.c checks
// the range: page-aligned, inside user space, below the stack).
static int SysMemMap(uint32_t addr, uint32_t length, uint32_t prot, uint32_t d, uint32_t e)
{
    (void)d; (void)e;
    return ProcMemMap(ProcessCurrent()->pid, addr, length, prot);
}

static int SysMemUnmap(uint32_t addr, uint32_t length, uint32_t c, uint32_t d, uint32_t e)
{
    (void)c; (void)d; (void)e;
    return ProcMemUnmap(ProcessCurrent()->pid, addr, length);
}

static const SyscallHandler handlers[SYS_COUNT] = {
    [SYS_EXIT]        = SysExit,
    [SYS_DEBUG_WRITE] = SysDebugWrite,
    [SYS_GETPID]      = SysGetPid,
    [SYS_YIELD]       = SysYield,
    [SYS_SLEEP]       = SysSleep,
    [SYS_SPAWN]       = SysSpawn,
    [SYS_WAIT]        = SysWait,
    [SYS_KILL]        = SysKill,
    [SYS_UPTIME]      = SysUptime,
    [SYS_GETPPID]     = SysGetPpid,
    [SYS_NS_REGISTER]    = SysNsRegister,
    [SYS_NS_UNREGISTER]  = SysNsUnregister,
    [SYS_IPC_SEND]       = SysIpcSend,
    [SYS_IPC_RECEIVE]    = SysIpcReceive,
    [SYS_IPC_REPLY]      = SysIpcReply,
    [SYS_IPC_NOTIFY]     = SysIpcNotify,
    [SYS_IPC_WAIT_NOTIFY] = SysIpcWaitNotify,
    [SYS_IPC_WATCH_EXITS] = SysIpcWatchExits,
    [SYS_MEM_MAP]        = SysMemMap,
    [SYS_MEM_UNMAP]      = SysMemUnmap,
    [SYS_SPAWN_CONTEXT]  = SysSpawnContext,
    [SYS_RESUME]         = SysResume,
    [SYS_CONTEXT_GET]    = SysContextGet,
    [SYS_CONTEXT_SET]    = SysContextSet,
};

void SyscallDispatch(TrapFrame *frame)
{
    uint32_t n = frame->eax;

    if (n >= SYS_COUNT || !handlers[n]) {
        frame->eax = (uint32_t)E_NOSYS;
        return;
    }
    frame->eax = (uint32_t)handlers[n](frame->ebx, frame->ecx, frame->edx,
                                       frame->esi, frame->edi);
}
