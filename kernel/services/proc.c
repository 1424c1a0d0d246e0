// The proc: server: processes and memory, read through the namespace.
//
//   proc:list:            one line per process: "PID NAME STATE MODE PAGES"
//   proc:PID:args         its arguments, each ended by a NUL (as many whole
//                         ones as fit in 256 bytes; none for a kernel thread)
//   proc:PID:cpu          "MS ms": the CPU time it has had (whole ticks)
//   proc:PID:cwd          its working directory (include/clanker/context.h)
//   proc:PID:image        the name its program was loaded from (may be empty)
//   proc:PID:memory       "PAGES pages (KIB KiB)"
//   proc:PID:mode         "user" or "kernel"
//   proc:PID:name         the process's name
//   proc:PID:namespaces   one line per prefix it serves
//   proc:PID:parent       its parent's pid, 0 if none
//   proc:PID:started      "MS ms": the uptime when it was made
//   proc:PID:state        "ready", "running", "blocked" or "zombie"
//   proc:system:cpu       the processor, from CPUID: "vendor V", "model M",
//                         "family F model M stepping S", "features ..." lines
//   proc:system:load      "L1 L5 L15": processes ready or running, averaged
//                         over 1, 5 and 15 minutes (kernel/proc/sched.c SchedLoad)
//   proc:system:memory    "total T pages, free F pages, kernel K KiB"
//   proc:system:times     "user U ms, kernel K ms, idle I ms": the time since
//                         boot by what ran (a user-mode process, a
//                         kernel-mode one, the idle process)
//   proc:system:uptime    "MS ms" since boot (whole ticks)
//
// Requests are MSG_READ (or MSG_QUERY); replies are MSG_RESPONSE with the
// text, or MSG_ERROR: E_NOENT for an unknown name or pid, E_INVAL for
// another request type. A MSG_READ may carry an FsIo (include/clanker/fs.h,
// handle 0): then the reply holds at most its length bytes of the text,
// from its offset. The text is made afresh for every request, so a reader
// that pages through it may see a process list change between pages.
//
// MSG_LIST lists the directories of the filesystem protocol: proc: holds
// the file "list", the directory "system" and one directory per process
// (named by its pid); proc:PID: holds its items above; proc:system:
// holds cpu, load, memory, times and uptime. Entries come in byte-wise name order as
// FsDirEntry records, with size 0 (the text's length is only known once
// it is read). An optional FsListRequest pages through them.
//
// It runs as a kernel thread, since it reads the kernel's own process table.
#include <stdarg.h>
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <lib/format.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <kernel/ipc/ipc.h>
#include <kernel/mm/memory.h>
#include <kernel/proc/process.h>
#include <kernel/proc/sched.h>
#include <kernel/services/port.h>
#include <kernel/services/proc.h>

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

static void WriteList(void)
{
    ProcessForEach(ListProcess, NULL);
}

static Process *listedOwner;

static void ListPrefix(const NsEntry *e, void *context)
{
    (void)context;
    if (e->owner == listedOwner)
        Append("%s\n", e->prefix);
}

static void WriteState(Process *p)
{
    Append("%s\n", StateName(p->state));
}

static void WriteName(Process *p)
{
    Append("%s\n", p->name);
}

static void WriteMemory(Process *p)
{
    Append("%u pages (%u KiB)\n", ProcessMemoryPages(p), ProcessMemoryPages(p) * 4);
}

static void WriteCwd(Process *p)
{
    Append("%s\n", p->context.cwd);
}

static void WriteNamespaces(Process *p)
{
    listedOwner = p;
    NsForEach(IpcRegistry(), ListPrefix, NULL);
}

// The arguments are bytes, NULs included: copied, not formatted.
static void WriteArgs(Process *p)
{
    for (uint32_t i = 0; i < p->argsLength && i < PROCESS_ARGS_MAX; i++)
        Put(p->args[i], &reply.message);
}

static uint32_t TicksToMs(uint64_t ticks)
{
    return (uint32_t)(ticks * (1000 / SCHED_HZ));
}

static void WriteCpu(Process *p)
{
    Append("%u ms\n", TicksToMs(p->cpuTicks));
}

static void WriteImage(Process *p)
{
    Append("%s\n", p->image);
}

static void WriteMode(Process *p)
{
    Append("%s\n", p->mode == PROCESS_USER ? "user" : "kernel");
}

static void WriteParent(Process *p)
{
    Append("%u\n", p->parent ? p->parent->pid : 0);
}

static void WriteStarted(Process *p)
{
    Append("%u ms\n", TicksToMs(p->startTick));
}

// The files of proc:PID:, in byte-wise name order (the order MSG_LIST gives).
static const struct {
    const char *name;
    void (*write)(Process *p);
} items[] = {
    { "args", WriteArgs },
    { "cpu", WriteCpu },
    { "cwd", WriteCwd },
    { "image", WriteImage },
    { "memory", WriteMemory },
    { "mode", WriteMode },
    { "name", WriteName },
    { "namespaces", WriteNamespaces },
    { "parent", WriteParent },
    { "started", WriteStarted },
    { "state", WriteState },
};

#define ITEM_COUNT (sizeof(items) / sizeof(items[0]))
_Static_assert(ITEM_COUNT < 16, "a pid has 16 entry ids");

// The index of item in items[], or -1.
static int FindItem(const char *item)
{
    for (uint32_t i = 0; i < ITEM_COUNT; i++) {
        if (strcmp(items[i].name, item) == 0)
            return (int)i;
    }
    return -1;
}

// Parse the decimal pid at s, up to the next ':' or the end. Returns the
// character after the ':' (or the end) or NULL.
static const char *ParsePid(const char *s, uint32_t *pid)
{
    uint32_t value = 0;
    int digits = 0;

    for (; *s >= '0' && *s <= '9' && digits < 10; s++, digits++)
        value = value * 10 + (uint32_t)(*s - '0');
    if (!digits || (*s != ':' && *s != 0))
        return NULL;
    *pid = value;
    return *s ? s + 1 : s;
}

// --- proc:system: -------------------------------------------------------------

// CPUID's feature bits by their Linux /proc/cpuinfo names: leaf 1's edx,
// then its ecx (Intel SDM vol. 2A, CPUID).
static const char *const edxFeatures[32] = {
    "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", 0, "sep",
    "mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", 0, "dts", "acpi",
    "mmx", "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe",
};
static const char *const ecxFeatures[32] = {
    "pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2",
    "ssse3", "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", 0, "pcid", "dca", "sse4_1",
    "sse4_2", "x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes", "xsave",
    "osxsave", "avx", "f16c", "rdrand", "hypervisor",
};

static void AppendFeatures(const char *const names[32], uint32_t bits)
{
    for (uint32_t i = 0; i < 32; i++) {
        if ((bits & (1u << i)) && names[i])
            Append(" %s", names[i]);
    }
}

// Append the 4-byte groups of regs (in eax, ebx, ecx, edx order, or the
// vendor string's ebx, edx, ecx) as characters, NULs dropped.
static void AppendRegisterText(const uint32_t *regs, const int *order, int count)
{
    for (int i = 0; i < count; i++) {
        for (int shift = 0; shift < 32; shift += 8) {
            char c = (char)(regs[order[i]] >> shift);
            if (c)
                Put(c, &reply.message);
        }
    }
}

static void WriteSystemCpu(void)
{
    static const int vendorOrder[] = { 1, 3, 2 }, nameOrder[] = { 0, 1, 2, 3 };
    uint32_t r[4], signature, family, model;

    CpuId(0, r);
    Append("vendor ");
    AppendRegisterText(r, vendorOrder, 3);
    CpuId(0x80000000u, r);
    if (r[0] >= 0x80000004u) {
        Append("\nmodel ");
        for (uint32_t leaf = 0x80000002u; leaf <= 0x80000004u; leaf++) {
            CpuId(leaf, r);
            AppendRegisterText(r, nameOrder, 4);
        }
    }
    CpuId(1, r);
    signature = r[0];
    family = (signature >> 8) & 0xf;
    model = (signature >> 4) & 0xf;
    if (family == 0xf)
        family += (signature >> 20) & 0xff;
    if (family == 0x6 || family >= 0xf)
        model |= ((signature >> 16) & 0xf) << 4;
    Append("\nfamily %u model %u stepping %u\nfeatures", family, model, signature & 0xf);
    AppendFeatures(edxFeatures, r[3]);
    AppendFeatures(ecxFeatures, r[2]);
    Append("\n");
}

// Each load average with two decimals, rounded.
static void WriteSystemLoad(void)
{
    uint32_t load[3];

    SchedLoad(load);
    for (int i = 0; i < 3; i++) {
        uint32_t v = load[i] + (1u << SCHED_LOAD_SHIFT) / 200;
        Append("%s%u.%02u", i ? " " : "", v >> SCHED_LOAD_SHIFT,
               ((v & ((1u << SCHED_LOAD_SHIFT) - 1)) * 100) >> SCHED_LOAD_SHIFT);
    }
    Append("\n");
}

static void WriteSystemMemory(void)
{
    Append("total %u pages, free %u pages, kernel %u KiB\n", MemTotalPages(),
           MemFreePages(), MemKernelBytes() / 1024);
}

static void WriteSystemTimes(void)
{
    uint64_t ticks[3];

    SchedCpuTicks(ticks);
    Append("user %u ms, kernel %u ms, idle %u ms\n", TicksToMs(ticks[SCHED_CPU_USER]),
           TicksToMs(ticks[SCHED_CPU_KERNEL]), TicksToMs(ticks[SCHED_CPU_IDLE]));
}

static void WriteSystemUptime(void)
{
    Append("%u ms\n", TicksToMs(SchedTicks()));
}

// The files of proc:system:, in byte-wise name order.
static const struct {
    const char *name;
    void (*write)(void);
} systemItems[] = {
    { "cpu", WriteSystemCpu },
    { "load", WriteSystemLoad },
    { "memory", WriteSystemMemory },
    { "times", WriteSystemTimes },
    { "uptime", WriteSystemUptime },
};

#define SYSTEM_ITEM_COUNT (sizeof(systemItems) / sizeof(systemItems[0]))

// The index in systemItems[] of name ("system:ITEM"), or -1.
static int FindSystemItem(const char *name)
{
    if (strncmp(name, "system:", 7) != 0)
        return -1;
    for (uint32_t i = 0; i < SYSTEM_ITEM_COUNT; i++) {
        if (strcmp(systemItems[i].name, name + 7) == 0)
            return (int)i;
    }
    return -1;
}

static int IsSystemDir(const char *name)
{
    return strcmp(name, "system:") == 0 || strcmp(name, "system") == 0;
}

static int IsFile(const char *name)
{
    return strcmp(name, "list:") == 0 || strcmp(name, "list") == 0 ||
           FindSystemItem(name) >= 0;
}

// --- requests -----------------------------------------------------------------
// The skeleton's handlers (include/lib/server.h): each decodes the name
// and the payload, then writes the reply's text into reply (the
// skeleton's reply buffer, which Append fills).

// The name r was sent to, after "proc:".
static const char *Name(const ServerRequest *r)
{
    return r->envelope->name + sizeof(PROC_PREFIX) - 1;
}

// What a read names: proc:list: or a system item (writeSystem), or an
// item of process p (write).
typedef struct Text {
    void (*writeSystem)(void);
    void (*write)(Process *p);
    Process *p;
} Text;

// Find the text name (the part after "proc:") names. Returns 0 or E_NOENT.
static int FindText(const char *name, Text *t)
{
    const char *item;
    uint32_t pid;
    int i;

    *t = (Text){ 0 };
    if (strcmp(name, "list:") == 0 || strcmp(name, "list") == 0) {
        t->writeSystem = WriteList;
        return 0;
    }
    if ((i = FindSystemItem(name)) >= 0) {
        t->writeSystem = systemItems[i].write;
        return 0;
    }
    item = ParsePid(name, &pid);
    if (!item || !(t->p = ProcessFind(pid)) || (i = FindItem(item)) < 0)
        return E_NOENT;
    t->write = items[i].write;
    return 0;
}

// Keep only the part of the reply's text an FsIo asks for: at most
// io->length bytes from io->offset.
static void Slice(const FsIo *io)
{
    uint32_t total = MessageDataLength(&reply.message);
    uint32_t from = io->offset < total ? (uint32_t)io->offset : total;
    uint32_t n = total - from < io->length ? total - from : io->length;

    memmove(reply.message.data, reply.message.data + from, n);
    reply.message.length = MESSAGE_HEADER_SIZE + n;
}

// MSG_READ and MSG_QUERY: the whole text, or the part an FsIo payload
// (MSG_READ only; a shorter payload is ignored) asks for.
static int Read(Server *s, ServerRequest *r)
{
    const Message *m = r->message;
    FsIo io;
    Text t;
    int sliced, err;

    (void)s;
    /* decode */
    if ((err = FindText(Name(r), &t)) != 0)
        return err;
    sliced = m->type == MSG_READ && MessageDataLength(m) >= sizeof(io);
    if (sliced) {
        memcpy(&io, m->data, sizeof(io));
        if (io.handle != 0)
            return E_BADF;
    }
    /* invoke */
    if (t.write)
        t.write(t.p);
    else
        t.writeSystem();
    if (sliced)
        Slice(&io);
    return 0;
}

// --- MSG_LIST ---------------------------------------------------------------

// One directory entry; ids are unique in proc: (see EntryId).
typedef struct ProcEntry {
    char name[12];
    uint32_t type;
    uint32_t id;
} ProcEntry;

#define ID_LIST          1u
#define ID_SYSTEM        2u
#define ID_SYSTEM_ITEM   3u     // 3.. : systemItems[id - 3]
#define ID_PER_PID       16u    // a pid's directory and up to 15 items

static ProcEntry entries[PROCESS_MAX + 2];
static uint32_t entryCount;

// The id of process pid's directory (item 0) or of its file items[item - 1].
static uint32_t EntryId(uint32_t pid, uint32_t item)
{
    return (pid + 1) * ID_PER_PID + item;
}

// Insert an entry, keeping entries[] in byte-wise name order.
static void AddEntry(const char *name, uint32_t type, uint32_t id)
{
    uint32_t i = entryCount;

    if (entryCount == sizeof(entries) / sizeof(entries[0]))
        return;
    for (; i > 0 && strcmp(entries[i - 1].name, name) > 0; i--)
        entries[i] = entries[i - 1];
    Format(entries[i].name, sizeof(entries[i].name), "%s", name);
    entries[i].type = type;
    entries[i].id = id;
    entryCount++;
}

static void AddProcess(Process *p, void *context)
{
    char name[12];

    (void)context;
    Format(name, sizeof(name), "%u", p->pid);
    AddEntry(name, FS_TYPE_DIR, EntryId(p->pid, 0));
}

// Fill entries[] with the directory name (the part after "proc:").
// Returns 0, E_NOTDIR for a file or E_NOENT.
static int FillDirectory(const char *name)
{
    const char *item;
    uint32_t pid;

    entryCount = 0;
    if (*name == 0) {
        ProcessForEach(AddProcess, NULL);
        AddEntry("list", FS_TYPE_FILE, ID_LIST);
        AddEntry("system", FS_TYPE_DIR, ID_SYSTEM);
        return 0;
    }
    if (IsSystemDir(name)) {
        for (uint32_t i = 0; i < SYSTEM_ITEM_COUNT; i++)
            AddEntry(systemItems[i].name, FS_TYPE_FILE, ID_SYSTEM_ITEM + i);
        return 0;
    }
    if (IsFile(name))
        return E_NOTDIR;
    item = ParsePid(name, &pid);
    if (!item || !ProcessFind(pid))
        return E_NOENT;
    if (*item)
        return FindItem(item) < 0 ? E_NOENT : E_NOTDIR;
    for (uint32_t i = 0; i < ITEM_COUNT; i++)
        AddEntry(items[i].name, FS_TYPE_FILE, EntryId(pid, i + 1));
    return 0;
}

// MSG_LIST: entries [index, index + count) of the directory named.
static int List(Server *s, ServerRequest *r)
{
    FsListRequest want = { 0, 0 };
    uint32_t n = MessageDataLength(r->message);
    int err;

    (void)s;
    /* decode: the payload, then the directory (read into entries[]) */
    if (n != 0 && n != sizeof(want))
        return E_INVAL;
    memcpy(&want, r->message->data, n);
    if (want.count == 0 || want.count > FS_LIST_MAX)
        want.count = FS_LIST_MAX;
    if ((err = FillDirectory(Name(r))) != 0)
        return err;
    /* invoke */
    for (uint32_t i = want.index; i < entryCount && i - want.index < want.count; i++) {
        FsDirEntry e = { .size = 0, .type = entries[i].type, .id = entries[i].id };
        memcpy(e.name, entries[i].name, sizeof(entries[i].name));
        ServerReplyData(r, &e, sizeof(e));
    }
    return 0;
}

static const ServerRoute routes[] = {
    { MSG_READ,  NULL, Read },
    { MSG_QUERY, NULL, Read },
    { MSG_LIST,  NULL, List },
};

static Server server = {
    .name = "proc", .port = &serverPortKernel, .routes = routes,
    .routeCount = sizeof(routes) / sizeof(routes[0]), .requestBuffer = &request.message,
    .replyBuffer = &reply.message, .capacity = sizeof(request),
};

static void ProcServerMain(void *arg)
{
    (void)arg;
    if (IpcRegister(PROC_PREFIX, 0) != 0)
        return;
    ServerRun(&server);
}

int ProcServerStart(void)
{
    return ProcessCreateDaemon("proc", ProcServerMain, NULL) ? 0 : E_NOMEM;
}

