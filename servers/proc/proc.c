// The proc: server: processes and memory, read through the namespace.
//
//   proc:list:            one line per process: "PID NAME STATE MODE PAGES"
//   proc:PID:state        "ready", "running", "blocked" or "zombie"
//   proc:PID:name         the process's name
//   proc:PID:memory       "PAGES pages (KIB KiB)"
//   proc:PID:namespaces   one line per prefix it serves
//   proc:system:memory    "total T pages, free F pages, kernel K KiB"
//
// Requests are MSG_READ (or MSG_QUERY); replies are MSG_RESPONSE with the
// text, or MSG_ERROR: E_NOENT for an unknown name or pid, E_INVAL for
// another request type. It runs as a kernel thread, since it reads the
// kernel's own process table.
#include <stdarg.h>
#include <stddef.h>
#include <clanker/error.h>
#include <lib/format.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <kernel/ipc.h>
#include <kernel/memory.h>
#include <kernel/process.h>
#include <servers/proc.h>

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request, reply;

static void Put(char c, void *context)
{
    Message *m = context;

    if (m->length < MESSAGE_MAX_SIZE)
        ((uint8_t *)m)[m->length++] = (uint8_t)c;
}

static void Append(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    FormatToSink(Put, &reply.message, fmt, args);
    va_end(args);
}

static const char *StateName(ProcessState state)
{
    static const char *const names[] = {
        [PROCESS_NEW] = "new", [PROCESS_READY] = "ready", [PROCESS_RUNNING] = "running",
        [PROCESS_BLOCKED] = "blocked", [PROCESS_ZOMBIE] = "zombie",
    };
    return names[state];
}

static void ListProcess(Process *p, void *context)
{
    (void)context;
    Append("%u %s %s %s %u\n", p->pid, p->name, StateName(p->state),
           p->mode == PROCESS_USER ? "user" : "kernel", ProcessMemoryPages(p));
}

static Process *listedOwner;

static void ListPrefix(const NsEntry *e, void *context)
{
    (void)context;
    if (e->owner == listedOwner)
        Append("%s\n", e->prefix);
}

// Parse the decimal pid at s, up to the next ':'. Returns the character
// after the ':' or NULL.
static const char *ParsePid(const char *s, uint32_t *pid)
{
    uint32_t value = 0;
    int digits = 0;

    for (; *s >= '0' && *s <= '9' && digits < 10; s++, digits++)
        value = value * 10 + (uint32_t)(*s - '0');
    if (!digits || *s != ':')
        return NULL;
    *pid = value;
    return s + 1;
}

// Fill the reply for one process item. Returns 0 or E_NOENT.
static int Describe(Process *p, const char *item)
{
    if (strcmp(item, "state") == 0)
        Append("%s\n", StateName(p->state));
    else if (strcmp(item, "name") == 0)
        Append("%s\n", p->name);
    else if (strcmp(item, "memory") == 0)
        Append("%u pages (%u KiB)\n", ProcessMemoryPages(p), ProcessMemoryPages(p) * 4);
    else if (strcmp(item, "namespaces") == 0) {
        listedOwner = p;
        NsForEach(IpcRegistry(), ListPrefix, NULL);
    } else
        return E_NOENT;
    return 0;
}

// Answer a request for name (the part after "proc:"). Returns 0 or an error.
static int Serve(const char *name)
{
    const char *item;
    uint32_t pid;
    Process *p;

    if (strcmp(name, "list:") == 0 || strcmp(name, "list") == 0) {
        ProcessForEach(ListProcess, NULL);
        return 0;
    }
    if (strcmp(name, "system:memory") == 0) {
        Append("total %u pages, free %u pages, kernel %u KiB\n", MemTotalPages(),
               MemFreePages(), MemKernelBytes() / 1024);
        return 0;
    }
    item = ParsePid(name, &pid);
    if (!item || !(p = ProcessFind(pid)))
        return E_NOENT;
    return Describe(p, item);
}

static void ProcServerMain(void *arg)
{
    IpcEnvelope envelope;

    (void)arg;
    if (IpcRegister(PROC_PREFIX, 0) != 0)
        return;
    for (;;) {
        int n = IpcReceive(IPC_MEMORY_KERNEL, (uintptr_t)&request, sizeof(request),
                           (uintptr_t)&envelope);
        int err = E_INVAL;
        if (n < 0)
            continue;
        reply.message = (Message){ .type = MSG_RESPONSE, .length = MESSAGE_HEADER_SIZE };
        if (request.message.type == MSG_READ || request.message.type == MSG_QUERY)
            err = Serve(envelope.name + sizeof(PROC_PREFIX) - 1);
        if (err) {
            reply.message = (Message){ .type = MSG_ERROR, .length = MESSAGE_HEADER_SIZE + 4 };
            memcpy(reply.message.data, &err, 4);
        }
        IpcAnswer(request.message.requestId, IPC_MEMORY_KERNEL, (uintptr_t)&reply,
                  reply.message.length);
    }
}

int ProcServerStart(void)
{
    uint32_t flags = CpuSave();             // orphan it before it can run
    Process *p = ProcessCreateThread("proc", ProcServerMain, NULL);

    if (p)
        p->parent = NULL;
    CpuRestore(flags);
    return p ? 0 : E_NOMEM;
}
