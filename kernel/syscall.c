// Native system calls: int 0x40 from user programs.
//
// Each call runs in two steps, as seL4's decode and invoke: its decode
// step checks every argument and copies in what the call reads (pointers
// through usercopy.c) and changes nothing, so bad input is refused
// before any state moves; its invoke step then does the work. The table
// lists both steps of each call, one line a call; a call with nothing to
// check has no decode step. Either step returns a result or an E_* code;
// the caller's eax gets it.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/syscall.h>
#include <arch/x86/cpu.h>
#include <kernel/console.h>
#include <kernel/ipc/async.h>
#include <kernel/ipc/endpoint.h>
#include <kernel/ipc/ipc.h>
#include <kernel/mm/grant.h>
#include <kernel/mm/kheap.h>
#include <kernel/exec/loader.h>
#include <kernel/proc/process.h>
#include <kernel/mm/procmem.h>
#include <kernel/proc/sched.h>
#include <kernel/syscall.h>
#include <kernel/mm/usercopy.h>

#define DEBUG_WRITE_MAX (64u * 1024)

// One call: its arguments as the caller passed them, and what its decode
// step made of them for its invoke step. Only arg and heap are set
// before decode (the rest is left uninitialised: no cost per call).
typedef struct SyscallCall {
    uint32_t arg[5];            // ebx, ecx, edx, esi, edi
    void *heap;                 // decoded arguments too big for the stack (ProcessKmalloc), or NULL
    int length;                 // a message's checked length
    IpcMemory requestMemory;    // where a send's request is now (DecodeRequest)
    uintptr_t request;
    union {
        char name[NS_NAME_MAX + 1];     // a name, copied in
        ProcessContext context;         // a context, copied in and checked
        IpcReceiveArgs receive;         // SYS_IPC_REPLY_WAIT's receive, copied in
    };
} SyscallCall;

typedef struct SyscallEntry {
    int (*decode)(SyscallCall *call);   // check, copy in; changes nothing (NULL: nothing to check)
    int (*invoke)(SyscallCall *call);   // do the work
} SyscallEntry;

// --- processes -------------------------------------------------------------

static int InvokeExit(SyscallCall *call)
{
    ProcessExit(WAIT_STATUS_EXITED((int)call->arg[0]));
}

// SYS_DEBUG_WRITE (text, length): the whole range must be readable.
static int DecodeDebugWrite(SyscallCall *call)
{
    if (call->arg[1] > DEBUG_WRITE_MAX)
        return E_INVAL;
    return UserCheck(call->arg[0], call->arg[1], 0) ? E_FAULT : 0;
}

// Write the text to the console in chunks.
static int InvokeDebugWrite(SyscallCall *call)
{
    uint32_t text = call->arg[0], length = call->arg[1];
    char chunk[256];

    for (uint32_t done = 0; done < length;) {
        uint32_t n = length - done < sizeof(chunk) ? length - done : sizeof(chunk);
        if (CopyFromUser(chunk, text + done, n))
            return E_FAULT;
        ConsoleWrite(chunk, n);
        done += n;
    }
    return (int)length;
}

static int InvokeGetPid(SyscallCall *call)
{
    (void)call;
    return (int)ProcessCurrent()->pid;
}

static int InvokeGetPpid(SyscallCall *call)
{
    Process *parent = ProcessCurrent()->parent;

    (void)call;
    return parent ? (int)parent->pid : 0;
}

static int InvokeYield(SyscallCall *call)
{
    (void)call;
    SchedYield();
    return 0;
}

static int InvokeSleep(SyscallCall *call)
{
    SchedSleep(call->arg[0]);
    return 0;
}

static int InvokeUptime(SyscallCall *call)
{
    (void)call;
    return (int)(SchedTicks() * (1000 / SCHED_HZ));
}

// SYS_WAIT (pid, status, options): pid > 0 or -1, known options, a
// writable status word (or none).
static int DecodeWait(SyscallCall *call)
{
    int pid = (int)call->arg[0];

    if (pid < -1 || pid == 0 || (call->arg[2] & ~WAIT_OPTIONS))
        return E_INVAL;
    return call->arg[1] && UserCheck(call->arg[1], 4, 1) ? E_FAULT : 0;
}

static int InvokeWait(SyscallCall *call)
{
    int pid = (int)call->arg[0], result, value;

    if (call->arg[2] & WAIT_NOHANG)
        result = ProcessTryWait(pid, &value);
    else
        result = ProcessWait(pid, &value);
    if (result > 0 && call->arg[1])
        CopyToUser(call->arg[1], &value, 4);
    return result;
}

// SYS_KILL and SYS_RESUME take a pid above 0.
static int DecodePid(SyscallCall *call)
{
    return (int)call->arg[0] > 0 ? 0 : E_SRCH;
}

static int InvokeKill(SyscallCall *call)
{
    return ProcessKill(call->arg[0]);
}

// SYS_RESUME: only the parent may start its suspended child.
static int InvokeResume(SyscallCall *call)
{
    return ProcessResume(ProcessCurrent()->pid, call->arg[0]);
}

// --- spawning ----------------------------------------------------------------

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

// SYS_SPAWN (path, argv, envp). The arguments live on the heap, not in a
// static: loading a program through its namespace blocks in IPC, and
// another spawn may run meanwhile. The block is the process's own
// (ProcessKmalloc), so a kill meanwhile frees it.
static int DecodeSpawn(SyscallCall *call)
{
    SpawnArgs *args = call->heap = ProcessKmalloc(sizeof(SpawnArgs));

    return args ? CopySpawnArgs(call->arg[0], call->arg[1], call->arg[2], args) : E_NOMEM;
}

static int InvokeSpawn(SyscallCall *call)
{
    SpawnArgs *args = call->heap;

    return LoaderSpawnEnv(args->path, args->argc, args->argv, args->envc, args->envp,
                          PROCESS_USER, ProcessCurrent());
}

// SYS_SPAWN_CONTEXT (path, request): SYS_SPAWN with a SpawnRequest.
// Everything (the request, its strings, its context) is copied in and
// checked before the program is read.
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

static int DecodeSpawnContext(SyscallCall *call)
{
    SpawnContextArgs *a = call->heap = ProcessKmalloc(sizeof(SpawnContextArgs));

    return a ? CopySpawnRequest(call->arg[0], call->arg[1], a) : E_NOMEM;
}

static int InvokeSpawnContext(SyscallCall *call)
{
    SpawnContextArgs *a = call->heap;

    return LoaderSpawnContext(a->args.path, a->args.argc, a->args.argv, a->args.envc,
                              a->args.envp, PROCESS_USER, ProcessCurrent(),
                              a->request.context ? &a->context : NULL, a->request.flags);
}

// --- the process context -------------------------------------------------------

// SYS_CONTEXT_GET (out): a writable ProcessContext.
static int DecodeContextGet(SyscallCall *call)
{
    return UserCheck(call->arg[0], sizeof(ProcessContext), 1) ? E_FAULT : 0;
}

static int InvokeContextGet(SyscallCall *call)
{
    ProcessContextGet(ProcessCurrent()->pid, &call->context);
    return CopyToUser(call->arg[0], &call->context, sizeof(call->context)) ? E_FAULT : 0;
}

// SYS_CONTEXT_SET (in): a readable ProcessContext, every name terminated.
static int DecodeContextSet(SyscallCall *call)
{
    if (CopyFromUser(&call->context, call->arg[0], sizeof(call->context)))
        return E_FAULT;
    return ProcessContextValid(&call->context) ? 0 : E_INVAL;
}

static int InvokeContextSet(SyscallCall *call)
{
    return ProcessContextSet(ProcessCurrent()->pid, &call->context);
}

// --- namespaces and IPC ---------------------------------------------------------

// SYS_NS_REGISTER, SYS_NS_UNREGISTER and SYS_IPC_CONNECT: a name, copied in.
static int DecodePrefix(SyscallCall *call)
{
    int len = CopyStringFromUser(call->name, call->arg[0], sizeof(call->name));

    return len < 0 ? len : 0;
}

static int InvokeNsRegister(SyscallCall *call)
{
    return IpcRegister(call->name, call->arg[1]);
}

static int InvokeNsUnregister(SyscallCall *call)
{
    return IpcUnregister(call->name);
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

// Copy in the request of a send or call (at arg[1]) and check its
// length (IpcStageRequest). A small one is then in the caller's own
// request buffer, where the send takes it from (call->request points
// there); a larger one had only its header read and is copied as it is
// sent. Returns 0 or an error.
static int DecodeRequest(SyscallCall *call)
{
    int length = IpcStageRequest(call->arg[1]);

    if (length < 0)
        return length;
    call->length = length;
    call->requestMemory = length <= IPC_INLINE_MAX ? IPC_MEMORY_KERNEL : IPC_MEMORY_USER;
    call->request = length <= IPC_INLINE_MAX
                        ? (uintptr_t)ProcessCurrent()->ipcRequest.messageInline
                        : call->arg[1];
    return 0;
}

// SYS_IPC_SEND (name, request, reply, capacity, timeoutMs): the name, the
// request's length, and the whole reply buffer writable (capacity bytes,
// at least a header), so a reply that could not be delivered is refused
// before the server sees the request.
static int DecodeIpcSend(SyscallCall *call)
{
    int len = CopyStringFromUser(call->name, call->arg[0], sizeof(call->name));

    if (len < 0)
        return len;
    if ((len = DecodeRequest(call)) < 0)
        return len;
    if (call->arg[3] < MESSAGE_HEADER_SIZE)
        return E_MSGSIZE;
    return UserProbeWrite(call->arg[2], call->arg[3]);
}

static int InvokeIpcSend(SyscallCall *call)
{
    IpcDelivery delivery = { IPC_MEMORY_USER, call->arg[2], call->arg[3], NULL, NULL };

    return IpcTransact(call->name, call->requestMemory, call->request, (uint32_t)call->length,
                       call->arg[4], &delivery);
}

// SYS_IPC_CONNECT (name): the name, copied in.
static int InvokeIpcConnect(SyscallCall *call)
{
    return IpcConnect(call->name);
}

// SYS_IPC_CALL (handle, request, reply, capacity, timeoutMs): the
// request's length, and the whole reply buffer writable, so a reply that
// could not be delivered is refused before the server sees the request.
// The handle is checked as the call is made (IpcTransactHandle).
static int DecodeIpcCall(SyscallCall *call)
{
    int err = DecodeRequest(call);

    if (err < 0)
        return err;
    if (call->arg[3] < MESSAGE_HEADER_SIZE)
        return E_MSGSIZE;
    return UserProbeWrite(call->arg[2], call->arg[3]);
}

static int InvokeIpcCall(SyscallCall *call)
{
    IpcDelivery delivery = { IPC_MEMORY_USER, call->arg[2], call->arg[3], NULL, NULL };

    return IpcTransactHandle(call->arg[0], call->requestMemory, call->request,
                             (uint32_t)call->length, call->arg[4], &delivery);
}

static int InvokeIpcDisconnect(SyscallCall *call)
{
    return IpcDisconnect(call->arg[0]);
}

// SYS_IPC_RECEIVE (buffer, capacity, envelope): IpcReceive checks the
// buffer and envelope as it copies into them.
static int InvokeIpcReceive(SyscallCall *call)
{
    return IpcReceive(IPC_MEMORY_USER, call->arg[0], call->arg[1], call->arg[2]);
}

// SYS_IPC_REPLY (requestId, reply): the reply's length.
static int DecodeIpcReply(SyscallCall *call)
{
    call->length = MessageLength(call->arg[1]);
    return call->length < 0 ? call->length : 0;
}

static int InvokeIpcReply(SyscallCall *call)
{
    return IpcAnswer(call->arg[0], IPC_MEMORY_USER, call->arg[1], (uint32_t)call->length);
}

// SYS_IPC_REPLY_WAIT (requestId, reply, receive): the reply's length
// and the receive arguments, copied in; the receive checks its buffers
// as SYS_IPC_RECEIVE does.
static int DecodeIpcReplyWait(SyscallCall *call)
{
    if ((call->length = MessageLength(call->arg[1])) < 0)
        return call->length;
    return CopyFromUser(&call->receive, call->arg[2], sizeof(call->receive));
}

static int InvokeIpcReplyWait(SyscallCall *call)
{
    const IpcReceiveArgs *rx = &call->receive;

    return IpcReplyWait(call->arg[0], IPC_MEMORY_USER, call->arg[1], (uint32_t)call->length,
                        (uintptr_t)rx->buffer, rx->capacity, (uintptr_t)rx->envelope,
                        rx->timeoutMs);
}

static int InvokeIpcNotify(SyscallCall *call)
{
    return IpcNotify(call->arg[0], call->arg[1], (int32_t)call->arg[2]);
}

// SYS_IPC_WAIT_NOTIFY (out, timeoutMs): a writable IpcNotification.
static int DecodeIpcWaitNotify(SyscallCall *call)
{
    return UserCheck(call->arg[0], sizeof(IpcNotification), 1) ? E_FAULT : 0;
}

static int InvokeIpcWaitNotify(SyscallCall *call)
{
    IpcNotification note;
    int err = IpcWaitNotification(&note, call->arg[1]);

    if (!err)
        CopyToUser(call->arg[0], &note, sizeof(note));
    return err;
}

static int InvokeIpcWatchExits(SyscallCall *call)
{
    (void)call;
    return IpcWatchExits();
}

static int InvokeIpcWatchNotices(SyscallCall *call)
{
    (void)call;
    return IpcWatchNotices();
}

// --- memory --------------------------------------------------------------------

// Map zeroed pages into the caller's own space. kernel/mm/procmem.c checks
// the range (page-aligned, inside user space, below the stack) before it
// maps anything.
static int InvokeMemMap(SyscallCall *call)
{
    return ProcMemMap(ProcessCurrent()->pid, call->arg[0], call->arg[1], call->arg[2]);
}

static int InvokeMemUnmap(SyscallCall *call)
{
    return ProcMemUnmap(ProcessCurrent()->pid, call->arg[0], call->arg[1]);
}

// --- asynchronous jobs (kernel/ipc/async.c) ---------------------------------------

// SYS_IPC_JOB_CREATE (name, buffer, length, access, serverPid): the name,
// and room for the server's pid if asked. The loan's terms are the
// invoke step's first checks (IpcJobCreate changes nothing on an error).
static int DecodeIpcJobCreate(SyscallCall *call)
{
    int len = CopyStringFromUser(call->name, call->arg[0], sizeof(call->name));

    if (len < 0)
        return len;
    return call->arg[4] && UserCheck(call->arg[4], sizeof(uint32_t), 1) ? E_FAULT : 0;
}

static int InvokeIpcJobCreate(SyscallCall *call)
{
    uint32_t server = 0;
    int id = IpcJobCreate(call->name, call->arg[1], call->arg[2], call->arg[3], &server);

    if (id > 0 && call->arg[4])
        CopyToUser(call->arg[4], &server, sizeof(server));
    return id;
}

static int InvokeIpcJobDrop(SyscallCall *call)
{
    return IpcJobDrop(call->arg[0]);
}

// SYS_IPC_NOTICE_POLL (out): a writable IpcNotification (DecodeIpcWaitNotify).
static int InvokeIpcNoticePoll(SyscallCall *call)
{
    IpcNotification note;
    int err = IpcNoticePoll(&note);

    if (!err)
        CopyToUser(call->arg[0], &note, sizeof(note));
    return err;
}

// SYS_IPC_JOB_QUERY (jobId, out): a writable IpcJobFacts.
static int DecodeIpcJobQuery(SyscallCall *call)
{
    return UserCheck(call->arg[1], sizeof(IpcJobFacts), 1) ? E_FAULT : 0;
}

static int InvokeIpcJobQuery(SyscallCall *call)
{
    IpcJobFacts facts;
    int err = IpcJobQuery(call->arg[0], &facts);

    if (!err)
        CopyToUser(call->arg[1], &facts, sizeof(facts));
    return err;
}

// SYS_IPC_JOB_READ and SYS_IPC_JOB_WRITE (jobId, offset, buffer, length):
// the server's own buffer, writable for a read.
static int DecodeIpcJobRead(SyscallCall *call)
{
    return UserCheck(call->arg[2], call->arg[3], 1) ? E_FAULT : 0;
}

static int DecodeIpcJobWrite(SyscallCall *call)
{
    return UserCheck(call->arg[2], call->arg[3], 0) ? E_FAULT : 0;
}

static int InvokeIpcJobRead(SyscallCall *call)
{
    return IpcJobRead(call->arg[0], call->arg[1], IPC_MEMORY_USER, call->arg[2], call->arg[3]);
}

static int InvokeIpcJobWrite(SyscallCall *call)
{
    return IpcJobWrite(call->arg[0], call->arg[1], IPC_MEMORY_USER, call->arg[2], call->arg[3]);
}

static int InvokeIpcJobFinish(SyscallCall *call)
{
    return IpcJobFinish(call->arg[0], (int32_t)call->arg[1]);
}

// SYS_IPC_RECEIVE_POLL (buffer, capacity, envelope): as SYS_IPC_RECEIVE.
static int InvokeIpcReceivePoll(SyscallCall *call)
{
    return IpcReceivePoll(IPC_MEMORY_USER, call->arg[0], call->arg[1], call->arg[2]);
}

// --- shared memory: grants (kernel/mm/grant.c) ------------------------------------

// SYS_GRANT_CREATE (addr, length, rights, granteePid): GrantCreateUser
// checks the terms and every page before it changes anything.
static int InvokeGrantCreate(SyscallCall *call)
{
    return GrantCreateUser(call->arg[0], call->arg[1], call->arg[2], call->arg[3]);
}

static int InvokeGrantMap(SyscallCall *call)
{
    return GrantMap(call->arg[0], call->arg[1]);
}

static int InvokeGrantUnmap(SyscallCall *call)
{
    return GrantUnmap(call->arg[0]);
}

static int InvokeGrantRevoke(SyscallCall *call)
{
    return GrantRevoke(call->arg[0]);
}

// SYS_GRANT_QUERY (grantId, out): a writable GrantFacts.
static int DecodeGrantQuery(SyscallCall *call)
{
    return UserCheck(call->arg[1], sizeof(GrantFacts), 1) ? E_FAULT : 0;
}

static int InvokeGrantQuery(SyscallCall *call)
{
    GrantFacts facts;
    int err = GrantQuery(call->arg[0], &facts);

    if (!err && CopyToUser(call->arg[1], &facts, sizeof(facts)))
        err = E_FAULT;
    return err;
}

static const SyscallEntry calls[SYS_COUNT] = {
    [SYS_EXIT]            = { NULL,                InvokeExit },
    [SYS_DEBUG_WRITE]     = { DecodeDebugWrite,    InvokeDebugWrite },
    [SYS_GETPID]          = { NULL,                InvokeGetPid },
    [SYS_YIELD]           = { NULL,                InvokeYield },
    [SYS_SLEEP]           = { NULL,                InvokeSleep },
    [SYS_SPAWN]           = { DecodeSpawn,         InvokeSpawn },
    [SYS_WAIT]            = { DecodeWait,          InvokeWait },
    [SYS_KILL]            = { DecodePid,           InvokeKill },
    [SYS_UPTIME]          = { NULL,                InvokeUptime },
    [SYS_GETPPID]         = { NULL,                InvokeGetPpid },
    [SYS_NS_REGISTER]     = { DecodePrefix,        InvokeNsRegister },
    [SYS_NS_UNREGISTER]   = { DecodePrefix,        InvokeNsUnregister },
    [SYS_IPC_SEND]        = { DecodeIpcSend,       InvokeIpcSend },
    [SYS_IPC_RECEIVE]     = { NULL,                InvokeIpcReceive },
    [SYS_IPC_REPLY]       = { DecodeIpcReply,      InvokeIpcReply },
    [SYS_IPC_NOTIFY]      = { NULL,                InvokeIpcNotify },
    [SYS_IPC_WAIT_NOTIFY] = { DecodeIpcWaitNotify, InvokeIpcWaitNotify },
    [SYS_IPC_WATCH_EXITS] = { NULL,                InvokeIpcWatchExits },
    [SYS_MEM_MAP]         = { NULL,                InvokeMemMap },
    [SYS_MEM_UNMAP]       = { NULL,                InvokeMemUnmap },
    [SYS_SPAWN_CONTEXT]   = { DecodeSpawnContext,  InvokeSpawnContext },
    [SYS_RESUME]          = { DecodePid,           InvokeResume },
    [SYS_CONTEXT_GET]     = { DecodeContextGet,    InvokeContextGet },
    [SYS_CONTEXT_SET]     = { DecodeContextSet,    InvokeContextSet },
    [SYS_IPC_CONNECT]     = { DecodePrefix,        InvokeIpcConnect },
    [SYS_IPC_CALL]        = { DecodeIpcCall,       InvokeIpcCall },
    [SYS_IPC_DISCONNECT]  = { NULL,                InvokeIpcDisconnect },
    [SYS_IPC_REPLY_WAIT]  = { DecodeIpcReplyWait,  InvokeIpcReplyWait },
    [SYS_IPC_JOB_CREATE]  = { DecodeIpcJobCreate,  InvokeIpcJobCreate },
    [SYS_IPC_JOB_DROP]    = { NULL,                InvokeIpcJobDrop },
    [SYS_IPC_NOTICE_POLL] = { DecodeIpcWaitNotify, InvokeIpcNoticePoll },
    [SYS_IPC_JOB_QUERY]   = { DecodeIpcJobQuery,   InvokeIpcJobQuery },
    [SYS_IPC_JOB_READ]    = { DecodeIpcJobRead,    InvokeIpcJobRead },
    [SYS_IPC_JOB_WRITE]   = { DecodeIpcJobWrite,   InvokeIpcJobWrite },
    [SYS_IPC_JOB_FINISH]  = { NULL,                InvokeIpcJobFinish },
    [SYS_IPC_RECEIVE_POLL] = { NULL,               InvokeIpcReceivePoll },
    [SYS_GRANT_CREATE]    = { NULL,                InvokeGrantCreate },
    [SYS_GRANT_MAP]       = { NULL,                InvokeGrantMap },
    [SYS_GRANT_UNMAP]     = { NULL,                InvokeGrantUnmap },
    [SYS_GRANT_REVOKE]    = { NULL,                InvokeGrantRevoke },
    [SYS_GRANT_QUERY]     = { DecodeGrantQuery,    InvokeGrantQuery },
    [SYS_IPC_WATCH_NOTICES] = { NULL,              InvokeIpcWatchNotices },
};

// The fast path of SYS_IPC_CALL and SYS_IPC_SEND, before the general
// decode (as seL4's fastpath comes before its slow path): a handle known
// live, or a name in the route cache, with no time limit, and
// IpcFastCall's own guards. Returns 1 when it took the call (eax set),
// 0 with nothing changed.
static int FastCall(TrapFrame *frame)
{
    char name[NS_NAME_MAX + 1];
    IpcEndpoint *e;
    int result;

    if (frame->edi != 0)
        return 0;                       // a time limit: the general path
    if (frame->eax == SYS_IPC_CALL)
        e = IpcEndpointFast(frame->ebx);
    else if (CopyStringFromUser(name, frame->ebx, sizeof(name)) >= 0)
        e = IpcRouteFast(name);
    else
        return 0;
    if (!e || !IpcFastCall(e, frame->ecx, frame->edx, frame->esi, &result))
        return 0;
    frame->eax = (uint32_t)result;
    return 1;
}

void SyscallDispatch(TrapFrame *frame)
{
    uint32_t n = frame->eax;
    const SyscallEntry *entry = n < SYS_COUNT && calls[n].invoke ? &calls[n] : NULL;
    SyscallCall call;
    int result;

    if (!entry) {
        frame->eax = (uint32_t)E_NOSYS;
        return;
    }
    if ((n == SYS_IPC_CALL || n == SYS_IPC_SEND) && FastCall(frame))
        return;
    call.arg[0] = frame->ebx; call.arg[1] = frame->ecx; call.arg[2] = frame->edx;
    call.arg[3] = frame->esi; call.arg[4] = frame->edi;
    call.heap = NULL;
    result = entry->decode ? entry->decode(&call) : 0;
    if (result == 0)
        result = entry->invoke(&call);      // every argument checked: do the work
    if (call.heap)
        ProcessKfree(call.heap);
    frame->eax = (uint32_t)result;
}
