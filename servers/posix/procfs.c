// posix:proc: — the Linux /proc, made from the proc: server's facts.
//
// Linux programs read /proc in Linux's formats (ps parses /proc/PID/stat,
// free /proc/meminfo, busybox's shell finds itself through
// /proc/self/exe). proc: (kernel/services/proc.c) holds the facts of every
// process in ClankerOS's own plain texts; this file reads them afresh for
// each request and writes them in Linux's formats, adding only what the
// POSIX layer itself owns: fds, process groups, signal state, its mount
// table. It keeps no copy of process state. /proc is mounted from here
// (path.c), and the same names answer other programs over IPC
// (posix:proc:self/stat, main.c).
//
// Names below posix:proc: ('/' separators; "self" is the requester):
//
//   (the root)   directory: self, one directory per pid, and the files below
//   self         link to the requester's pid
//   cpuinfo      proc:system:cpu as "processor : 0", "vendor_id", ... lines
//   loadavg      proc:system:load, "RUNNING/TOTAL" and the highest pid
//   meminfo      proc:system:memory in kB (no swap, no page cache)
//   mounts       the POSIX mount table, one "SOURCE TARGET TYPE rw 0 0" line each
//   stat         proc:system:times as the "cpu" lines, btime, procs_running
//   uptime       proc:system:uptime and proc:0:cpu (the idle process) in seconds
//   PID/         cmdline, comm, cwd, exe, fd/, stat, status
//   PID/cmdline  proc:PID:args: NUL-ended arguments
//   PID/comm     the name
//   PID/cwd      link to its working directory (proc:PID:cwd, the context)
//   PID/exe      link to its program: what it last execve'd, else
//                proc:PID:image (none for a kernel thread: E_NOENT)
//   PID/fd/N     link to what fd N is: a path, /dev/console, pipe:[ID]
//   PID/stat     Linux's one line of 52 fields (docs/posix.md says which are kept)
//   PID/status   Name, State, Pid, PPid, Uid, Gid, VmSize, VmRSS, Sig* lines
//
// It speaks the filesystem protocol by name, read-only: MSG_STAT (a
// file's size is its text's length now), MSG_READ (an FsIo with handle
// 0; a link reads as its target), MSG_QUERY, MSG_LIST. Anything that
// would change it is E_ACCES; an unknown name is E_NOENT.
#include <stdarg.h>
#include <lib/format.h>
#include <lib/string.h>
#include "core.h"
#include "nsclient.h"
#include "path.h"
#include "clock.h"
#include "procfs.h"

#define TEXT_MAX   8192     // the longest text made (a process's stat is ~200 bytes)
#define FACT_MAX   512      // one proc: text read
#define TTY_CONSOLE ((5u << 8) | 1u)    // tty_nr of /dev/console: major 5, minor 1
#define LIST_MAX   (PROCESS_COUNT_MAX + 8)  // entries of the root at most
#define PROCESS_COUNT_MAX 256               // the kernel's PROCESS_MAX

typedef enum ProcfsKind {
    NODE_ROOT,          // the directory itself
    NODE_SELF,          // the link "self"
    NODE_SYSTEM,        // a file of the root: systemFiles[index]
    NODE_PID,           // PID/
    NODE_PID_FILE,      // PID/pidFiles[index]
    NODE_FD_DIR,        // PID/fd/
    NODE_FD,            // PID/fd/N (index N)
} ProcfsKind;

typedef struct ProcfsNode {
    ProcfsKind kind;
    uint32_t pid;
    uint32_t index;
} ProcfsNode;

// --- the text being made ---------------------------------------------------------

static char text[TEXT_MAX];
static uint32_t textLength;

static void Put(char c, void *context)
{
    (void)context;
    if (textLength < TEXT_MAX)
        text[textLength++] = c;
}

static void Emit(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    FormatToSink(Put, NULL, fmt, args);
    va_end(args);
}

// --- facts from proc: ------------------------------------------------------------

// Read proc:PID:item (pid ~0u: proc:item) into out (FACT_MAX bytes),
// NUL-terminated, a trailing newline dropped. Returns its length or an error.
static int Fact(uint32_t pid, const char *item, char *out)
{
    char name[48];
    int got;

    if (pid == ~0u)
        Format(name, sizeof(name), "proc:%s", item);
    else
        Format(name, sizeof(name), "proc:%u:%s", pid, item);
    got = NsRequest(name, MSG_READ, NULL, 0, out, FACT_MAX - 1);
    if (got < 0)
        return got;
    if (got > FACT_MAX - 1)
        got = FACT_MAX - 1;
    if (got > 0 && out[got - 1] == '\n')
        got--;
    out[got] = 0;
    return got;
}

// The decimal number at the start of s (0 if none); *s moves past it
// and the spaces after it.
static uint32_t Number(const char **s)
{
    uint32_t value = 0;

    while (**s == ' ')
        (*s)++;
    while (**s >= '0' && **s <= '9')
        value = value * 10 + (uint32_t)(*(*s)++ - '0');
    while (**s == ' ')
        (*s)++;
    return value;
}

// The first number of proc:PID:item ("12 ms" is 12), or 0.
static uint32_t FactNumber(uint32_t pid, const char *item)
{
    char fact[FACT_MAX];
    const char *s = fact;

    return Fact(pid, item, fact) < 0 ? 0 : Number(&s);
}

// The first occurrence of word in s, or NULL.
static const char *Find(const char *s, const char *word)
{
    size_t length = strlen(word);

    for (; *s; s++)
        if (strncmp(s, word, length) == 0)
            return s;
    return NULL;
}

// Skip past the next occurrence of word in *s; 0 if there is none.
static int After(const char **s, const char *word)
{
    const char *at = Find(*s, word);

    if (!at)
        return 0;
    *s = at + strlen(word);
    return 1;
}

// Whether process pid exists (proc: knows it).
static int Exists(uint32_t pid)
{
    char fact[FACT_MAX];

    return Fact(pid, "state", fact) >= 0;
}

// --- what a pid's files say ---------------------------------------------------------

typedef struct ProcFacts {
    char name[FACT_MAX];
    char state;
    uint32_t parent, pgrp, session, tty, cpuMs, startedMs, pages;
    int user;
} ProcFacts;

// Linux's state letter for a proc: state.
static char StateLetter(const char *state)
{
    if (strcmp(state, "blocked") == 0)
        return 'S';
    if (strcmp(state, "zombie") == 0)
        return 'Z';
    return 'R';
}

// Whether process pid's standard input is the console: its POSIX fd 0,
// or (a process that has made no POSIX call) its context's stdin.
static int OnConsole(uint32_t pid, PosixProcess *p)
{
    ProcessContext context;

    if (p)
        return p->fds[0] && p->fds[0]->kind == POSIX_FILE_CONSOLE;
    return api->ProcessContextGet(pid, &context) == 0 &&
           strcmp(context.stdio[CONTEXT_STDIN], "console:") == 0;
}

// Gather what stat and status show of pid. Returns 0 or E_NOENT.
static int GatherFacts(uint32_t pid, ProcFacts *out)
{
    PosixProcess *p = PosixProcessFind(pid);
    char fact[FACT_MAX];
    const char *s = fact;

    if (Fact(pid, "state", fact) < 0)
        return E_NOENT;
    out->state = StateLetter(fact);
    if (posixCaller && posixCaller->pid == pid)
        out->state = 'R';           // blocked only on this call: it runs, in the kernel
    if (Fact(pid, "name", out->name) < 0)
        return E_NOENT;
    out->parent = FactNumber(pid, "parent");
    out->cpuMs = FactNumber(pid, "cpu");
    out->startedMs = FactNumber(pid, "started");
    if (Fact(pid, "memory", fact) < 0)
        return E_NOENT;
    out->pages = Number(&s);
    out->user = Fact(pid, "mode", fact) >= 0 && strcmp(fact, "user") == 0;
    out->pgrp = p ? p->pgrp : pid;
    out->session = out->pgrp;
    out->tty = OnConsole(pid, p) ? TTY_CONSOLE : 0;
    return 0;
}

// The signal sets of a POSIX process: pending, blocked, ignored, caught
// (all 0 for a process the POSIX layer does not serve).
static void SignalSets(uint32_t pid, uint64_t sets[4])
{
    PosixProcess *p = PosixProcessFind(pid);

    sets[0] = sets[1] = sets[2] = sets[3] = 0;
    if (!p)
        return;
    sets[0] = p->sigPending;
    sets[1] = p->sigMask;
    for (uint32_t sig = 1; sig < LINUX_NSIG && sig <= 64; sig++) {
        uint32_t handler = p->actions[sig].handler;
        if (handler == LINUX_SIG_IGN)
            sets[2] |= 1ull << (sig - 1);
        else if (handler != LINUX_SIG_DFL)
            sets[3] |= 1ull << (sig - 1);
    }
}

static void WriteStat(uint32_t pid)
{
    ProcFacts f;
    uint64_t sets[4];
    uint32_t ticks;

    if (GatherFacts(pid, &f) != 0)
        return;
    SignalSets(pid, sets);
    ticks = f.cpuMs / 10;                       // USER_HZ is 100
    Emit("%u (%s) %c %u %u %u %u -1 0 0 0 0 0 %u %u 0 0 20 0 1 0 %u %u %u 4294967295 "
         "0 0 0 0 0 %u %u %u %u 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
         pid, f.name, f.state, f.parent, f.pgrp, f.session, f.tty,
         f.user ? ticks : 0, f.user ? 0 : ticks, f.startedMs / 10,
         f.pages * POSIX_PAGE_SIZE, f.pages,
         (uint32_t)sets[0], (uint32_t)sets[1], (uint32_t)sets[2], (uint32_t)sets[3]);
}

static const char *StateWord(char state)
{
    return state == 'S' ? "sleeping" : state == 'Z' ? "zombie" : "running";
}

static void WriteStatus(uint32_t pid)
{
    static const char *const setNames[4] = { "SigPnd", "SigBlk", "SigIgn", "SigCgt" };
    PosixProcess *p = PosixProcessFind(pid);
    uint32_t umask = p ? p->umask : 022;
    uint64_t sets[4];
    ProcFacts f;

    if (GatherFacts(pid, &f) != 0)
        return;
    SignalSets(pid, sets);
    Emit("Name:\t%s\nUmask:\t0%u%u%u\nState:\t%c (%s)\nTgid:\t%u\nPid:\t%u\nPPid:\t%u\n"
         "TracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%u\n"
         "VmSize:\t%8u kB\nVmRSS:\t%8u kB\nThreads:\t1\n",
         f.name, (umask >> 6) & 7, (umask >> 3) & 7, umask & 7, f.state, StateWord(f.state),
         pid, pid, f.parent, POSIX_FD_MAX, f.pages * 4, f.pages * 4);
    for (int i = 0; i < 4; i++)
        Emit("%s:\t%08x%08x\n", setNames[i], (uint32_t)(sets[i] >> 32), (uint32_t)sets[i]);
}

static void WriteCmdline(uint32_t pid)
{
    char name[32];
    int got;

    Format(name, sizeof(name), "proc:%u:args", pid);
    got = NsRequest(name, MSG_READ, NULL, 0, text, TEXT_MAX);
    textLength = got < 0 ? 0 : got > TEXT_MAX ? TEXT_MAX : (uint32_t)got;
}

static void WriteComm(uint32_t pid)
{
    char fact[FACT_MAX];

    if (Fact(pid, "name", fact) >= 0)
        Emit("%s\n", fact);
}

// --- links -------------------------------------------------------------------------

// Write into out (POSIX_PATH_MAX bytes) the POSIX path of namespace name:
// its place under a mount, else /dev/console, pipe:[ID], or the name.
static void PathOfName(const char *name, char *out)
{
    if (strcmp(name, "console:") == 0)
        Format(out, POSIX_PATH_MAX, "/dev/console");
    else if (strncmp(name, "pipe:", 5) == 0)
        Format(out, POSIX_PATH_MAX, "pipe:[%s]", name + 5);
    else if (PathFromName(name, out) != 0)
        Format(out, POSIX_PATH_MAX, "%s", name);
}

// The link target of POSIX file f.
static void PathOfFile(const PosixFile *f, char *out)
{
    if (PipeIsEnd(f))
        Format(out, POSIX_PATH_MAX, "pipe:[%u]", f->id);
    else if (f->kind == POSIX_FILE_CONSOLE)
        Format(out, POSIX_PATH_MAX, "/dev/console");
    else
        Format(out, POSIX_PATH_MAX, "%s", f->path);
}

// The name of context stream fd (0, 1, 2), or NULL.
static const char *ContextStream(const ProcessContext *c, uint32_t fd)
{
    return fd < 3 && c->stdio[fd][0] ? c->stdio[fd] : NULL;
}

// The target of link PID/fd/N into out. Returns 0 or E_NOENT.
static int FdTarget(uint32_t pid, uint32_t fd, char *out)
{
    PosixProcess *p = PosixProcessFind(pid);
    ProcessContext context;
    const char *name;

    if (p) {
        if (fd >= POSIX_FD_MAX || !p->fds[fd])
            return E_NOENT;
        PathOfFile(p->fds[fd], out);
        return 0;
    }
    if (api->ProcessContextGet(pid, &context) != 0 || !(name = ContextStream(&context, fd)))
        return E_NOENT;
    PathOfName(name, out);
    return 0;
}

// The target of link n (PID/cwd, PID/exe, PID/fd/N, self) into out
// (POSIX_PATH_MAX bytes). Returns 0 or E_NOENT.
static int LinkTarget(const ProcfsNode *n, uint32_t requester, char *out)
{
    PosixProcess *p = PosixProcessFind(n->pid);
    char fact[FACT_MAX];

    if (n->kind == NODE_SELF) {
        Format(out, POSIX_PATH_MAX, "%u", requester);
        return 0;
    }
    if (n->kind == NODE_FD)
        return FdTarget(n->pid, n->index, out);
    if (n->index == 3 && p && p->exe[0]) {                  // exe
        Format(out, POSIX_PATH_MAX, "%s", p->exe);
        return 0;
    }
    if (Fact(n->pid, n->index == 2 ? "cwd" : "image", fact) <= 0)
        return E_NOENT;
    PathOfName(fact, out);
    return 0;
}

// --- the files of the root -------------------------------------------------------------

static void WriteCpuinfo(void)
{
    char fact[FACT_MAX];
    const char *s = fact;
    char vendor[64] = "", model[64] = "";
    uint32_t family = 0, modelNumber = 0, stepping = 0;

    if (Fact(~0u, "system:cpu", fact) < 0)
        return;
    for (const char *line = fact; *line; ) {
        const char *end = strchr(line, '\n');
        uint32_t length = end ? (uint32_t)(end - line) : (uint32_t)strlen(line);
        if (strncmp(line, "vendor ", 7) == 0 && length - 7 < sizeof(vendor))
            memcpy(vendor, line + 7, length - 7), vendor[length - 7] = 0;
        if (strncmp(line, "model ", 6) == 0 && length - 6 < sizeof(model))
            memcpy(model, line + 6, length - 6), model[length - 6] = 0;
        if (strncmp(line, "family ", 7) == 0) {
            s = line + 7;
            family = Number(&s);
            if (After(&s, "model "))
                modelNumber = Number(&s);
            if (After(&s, "stepping "))
                stepping = Number(&s);
        }
        line += length + (end != NULL);
    }
    Emit("processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
         "model name\t: %s\nstepping\t: %u\nflags\t\t:", vendor, family, modelNumber,
         model, stepping);
    s = Find(fact, "features");
    if (s) {
        s += 8;
        while (*s && *s != '\n')
            Put(*s++, NULL);
    }
    Emit("\n\n");
}

typedef struct ListCount {
    uint32_t total, running, highest;
} ListCount;

static char list[FS_IO_MAX];       // proc:list:'s text, NUL-terminated

// Read proc:list: into list[]. Returns 0 or an error.
static int ReadList(void)
{
    int got = NsRequest("proc:list:", MSG_READ, NULL, 0, list, sizeof(list) - 1);

    if (got < 0)
        return got;
    list[got < (int)sizeof(list) ? got : (int)sizeof(list) - 1] = 0;
    return 0;
}

// Count the processes of proc:list: ("PID NAME STATE MODE PAGES" lines).
static void CountProcesses(ListCount *out)
{
    *out = (ListCount){ 0, 0, 0 };
    if (ReadList() != 0)
        return;
    for (const char *line = list; *line; ) {
        const char *s = line;
        uint32_t pid = Number(&s);
        out->total++;
        if (pid > out->highest)
            out->highest = pid;
        while (*s && *s != ' ')                 // the name
            s++;
        if (pid != 0 && (strncmp(s, " running", 8) == 0 || strncmp(s, " ready", 6) == 0))
            out->running++;
        line = strchr(line, '\n');
        line = line ? line + 1 : "";
    }
}

static void WriteLoadavg(void)
{
    char fact[FACT_MAX];
    ListCount count;

    if (Fact(~0u, "system:load", fact) < 0)
        return;
    CountProcesses(&count);
    Emit("%s %u/%u %u\n", fact, count.running, count.total, count.highest);
}

static void WriteMeminfo(void)
{
    char fact[FACT_MAX];
    const char *s = fact;
    uint32_t total, free, kernel = 0;

    if (Fact(~0u, "system:memory", fact) < 0)
        return;
    After(&s, "total ");
    total = Number(&s);
    After(&s, "free ");
    free = Number(&s);
    if (After(&s, "kernel "))
        kernel = Number(&s);
    Emit("MemTotal:       %8u kB\nMemFree:        %8u kB\nMemAvailable:   %8u kB\n"
         "Buffers:        %8u kB\nCached:         %8u kB\nSwapCached:     %8u kB\n"
         "Slab:           %8u kB\nSwapTotal:      %8u kB\nSwapFree:       %8u kB\n",
         total * 4, free * 4, free * 4, 0u, 0u, 0u, kernel, 0u, 0u);
}

static void WriteMount(const PosixMount *m, void *arg)
{
    static const char *const types[] = {
        [POSIX_MOUNT_FS] = "clankerfs", [POSIX_MOUNT_PROC] = "proc",
        [POSIX_MOUNT_DEVICE] = "devtmpfs", [POSIX_MOUNT_NULL] = "devtmpfs",
    };
    (void)arg;
    Emit("%s %s %s %s 0 0\n", m->prefix, m->path, types[m->kind],
         m->kind == POSIX_MOUNT_PROC ? "ro" : "rw");
}

static void WriteMounts(void)
{
    PathForEachMount(WriteMount, NULL);
}

// "S.CC": ms as seconds with two decimals.
static void EmitSeconds(uint32_t ms)
{
    Emit("%u.%02u", ms / 1000, (ms % 1000) / 10);
}

static void WriteSystemStat(void)
{
    char fact[FACT_MAX];
    const char *s = fact;
    uint32_t user, kernel, idle;
    ListCount count;

    if (Fact(~0u, "system:times", fact) < 0)    // "user U ms, kernel K ms, idle I ms"
        return;
    After(&s, "user ");
    user = Number(&s) / 10;
    After(&s, "kernel ");
    kernel = Number(&s) / 10;
    After(&s, "idle ");
    idle = Number(&s) / 10;
    CountProcesses(&count);
    Emit("cpu  %u 0 %u %u 0 0 0 0 0 0\ncpu0 %u 0 %u %u 0 0 0 0 0 0\n"
         "btime %u\nprocesses %u\nprocs_running %u\nprocs_blocked 0\n",
         user, kernel, idle, user, kernel, idle,
         clockBootEpoch, count.highest, count.running);
}

static void WriteUptime(void)
{
    EmitSeconds(FactNumber(~0u, "system:uptime"));
    Put(' ', NULL);
    EmitSeconds(FactNumber(0, "cpu"));
    Put('\n', NULL);
}

// A load average "A.BC" at *s in sysinfo's 1/65536ths; *s moves past it.
static uint32_t LoadFixed(const char **s)
{
    uint32_t whole = Number(s), hundredths = 0;

    if (**s == '.') {
        (*s)++;
        hundredths = Number(s);
    }
    return (whole * 100 + hundredths) * 65536u / 100;
}

void ProcfsSysinfo(LinuxSysinfo *out)
{
    char fact[FACT_MAX];
    const char *s = fact;
    ListCount count;

    memset(out, 0, sizeof(*out));
    out->uptime = (int32_t)(FactNumber(~0u, "system:uptime") / 1000);
    if (Fact(~0u, "system:load", fact) >= 0)
        for (int i = 0; i < 3; i++)
            out->loads[i] = LoadFixed(&s);
    s = fact;
    if (Fact(~0u, "system:memory", fact) >= 0) {
        After(&s, "total ");
        out->totalram = Number(&s);
        After(&s, "free ");
        out->freeram = Number(&s);
    }
    CountProcesses(&count);
    out->procs = (uint16_t)count.total;
    out->memUnit = POSIX_PAGE_SIZE;
}

// --- the tree ----------------------------------------------------------------------------

static const struct {
    const char *name;
    void (*write)(void);
} systemFiles[] = {                 // byte-wise name order
    { "cpuinfo", WriteCpuinfo },
    { "loadavg", WriteLoadavg },
    { "meminfo", WriteMeminfo },
    { "mounts", WriteMounts },
    { "stat", WriteSystemStat },
    { "uptime", WriteUptime },
};
#define SYSTEM_FILES (sizeof(systemFiles) / sizeof(systemFiles[0]))

// The entries of PID/, byte-wise name order; write is NULL for a link
// (cwd, exe) or a directory (fd).
static const struct {
    const char *name;
    uint32_t type;
    void (*write)(uint32_t pid);
} pidFiles[] = {
    { "cmdline", FS_TYPE_FILE, WriteCmdline },
    { "comm", FS_TYPE_FILE, WriteComm },
    { "cwd", FS_TYPE_LINK, NULL },
    { "exe", FS_TYPE_LINK, NULL },
    { "fd", FS_TYPE_DIR, NULL },
    { "stat", FS_TYPE_FILE, WriteStat },
    { "status", FS_TYPE_FILE, WriteStatus },
};
#define PID_FILES (sizeof(pidFiles) / sizeof(pidFiles[0]))
#define PID_FD_DIR 4

// Parse a decimal component at *s ending at '/' or the end; *s moves to
// the '/' or the end. Returns 0 or E_NOENT.
static int Component(const char **s, uint32_t *out)
{
    uint32_t value = 0, digits = 0;

    for (; **s >= '0' && **s <= '9' && digits < 9; (*s)++, digits++)
        value = value * 10 + (uint32_t)(**s - '0');
    if (!digits || (**s && **s != '/'))
        return E_NOENT;
    *out = value;
    return 0;
}

// The index in pidFiles of the component at s (up to '/' or the end), or -1.
static int PidFile(const char *s)
{
    for (uint32_t i = 0; i < PID_FILES; i++) {
        size_t length = strlen(pidFiles[i].name);
        if (strncmp(s, pidFiles[i].name, length) == 0 && (s[length] == 0 || s[length] == '/'))
            return (int)i;
    }
    return -1;
}

// Resolve rest (the name after posix:proc:) for requester. Returns 0 or
// E_NOENT (E_NOTDIR below a file).
static int Resolve(const char *rest, uint32_t requester, ProcfsNode *out)
{
    char target[POSIX_PATH_MAX];
    int i;

    *out = (ProcfsNode){ NODE_ROOT, 0, 0 };
    if (*rest == 0)
        return 0;
    if (strcmp(rest, "self") == 0) {
        out->kind = NODE_SELF;
        return 0;
    }
    if (strncmp(rest, "self/", 5) == 0) {
        char again[NS_NAME_MAX + 1];
        Format(again, sizeof(again), "%u%s", requester, rest + 4);
        return Resolve(again, requester, out);
    }
    for (uint32_t k = 0; k < SYSTEM_FILES; k++) {
        size_t length = strlen(systemFiles[k].name);
        if (strncmp(rest, systemFiles[k].name, length) == 0 &&
            (rest[length] == 0 || rest[length] == '/')) {
            out->kind = NODE_SYSTEM;
            out->index = k;
            return rest[length] ? E_NOTDIR : 0;
        }
    }
    if (Component(&rest, &out->pid) != 0 || !Exists(out->pid))
        return E_NOENT;
    out->kind = NODE_PID;
    if (*rest == 0 || strcmp(rest, "/") == 0)
        return 0;
    rest++;
    if ((i = PidFile(rest)) < 0)
        return E_NOENT;
    rest += strlen(pidFiles[i].name);
    out->kind = NODE_PID_FILE;
    out->index = (uint32_t)i;
    if (i == PID_FD_DIR) {
        out->kind = NODE_FD_DIR;
        if (*rest == 0 || strcmp(rest, "/") == 0)
            return 0;
        rest++;
        out->kind = NODE_FD;
        if (Component(&rest, &out->index) != 0 || *rest)
            return E_NOENT;
        return FdTarget(out->pid, out->index, target);
    }
    return *rest ? E_NOTDIR : 0;
}

static uint32_t NodeType(const ProcfsNode *n)
{
    switch (n->kind) {
    case NODE_ROOT: case NODE_PID: case NODE_FD_DIR: return FS_TYPE_DIR;
    case NODE_SELF: case NODE_FD: return FS_TYPE_LINK;
    case NODE_SYSTEM: return FS_TYPE_FILE;
    default: return pidFiles[n->index].type;
    }
}

// A stable id for n, unique in posix:proc:.
static uint32_t NodeId(const ProcfsNode *n)
{
    return 2 + ((n->pid * 8 + (uint32_t)n->kind) * 256 + n->index) % 0x7ffffffdu;
}

// Make the text of n: a file's contents, a link's target. Returns 0,
// E_ISDIR or E_NOENT.
static int MakeText(const ProcfsNode *n, uint32_t requester)
{
    char target[POSIX_PATH_MAX];
    int err;

    textLength = 0;
    switch (NodeType(n)) {
    case FS_TYPE_DIR:
        return E_ISDIR;
    case FS_TYPE_LINK:
        if ((err = LinkTarget(n, requester, target)) != 0)
            return err;
        Emit("%s", target);
        return 0;
    }
    if (n->kind == NODE_SYSTEM)
        systemFiles[n->index].write();
    else
        pidFiles[n->index].write(n->pid);
    return 0;
}

// --- MSG_LIST ----------------------------------------------------------------------------

typedef struct Listing {
    FsDirEntry *entries;
    uint32_t count, capacity;
} Listing;

static void AddEntry(Listing *l, const char *name, uint32_t type, uint32_t id)
{
    FsDirEntry *e;

    if (l->count == l->capacity)
        return;
    e = &l->entries[l->count++];
    memset(e, 0, sizeof(*e));
    Format(e->name, sizeof(e->name), "%s", name);
    e->type = type;
    e->id = id;
}

// The pid a name is (a root entry), or -1 for a name that is no number.
static int64_t PidOf(const char *name)
{
    const char *s = name;
    uint32_t value = Number(&s);

    return name[0] >= '0' && name[0] <= '9' && *s == 0 ? (int64_t)value : -1;
}

// Names in byte-wise order, except that pids come last, in numeric order
// (as Linux lists /proc: ps shows processes by pid).
static int ByName(const FsDirEntry *a, const FsDirEntry *b)
{
    int64_t x = PidOf(a->name), y = PidOf(b->name);

    if (x >= 0 || y >= 0)
        return x < 0 ? -1 : y < 0 ? 1 : x < y ? -1 : x > y;
    return strcmp(a->name, b->name);
}

// Sort l's entries (ByName; insertion sort: a few hundred at most).
static void SortEntries(Listing *l)
{
    for (uint32_t i = 1; i < l->count; i++) {
        FsDirEntry e = l->entries[i];
        uint32_t j = i;
        for (; j > 0 && ByName(&l->entries[j - 1], &e) > 0; j--)
            l->entries[j] = l->entries[j - 1];
        l->entries[j] = e;
    }
}

static void ListRoot(Listing *l)
{
    int err = ReadList();

    AddEntry(l, "self", FS_TYPE_LINK, 1);
    for (uint32_t k = 0; k < SYSTEM_FILES; k++) {
        ProcfsNode n = { NODE_SYSTEM, 0, k };
        AddEntry(l, systemFiles[k].name, FS_TYPE_FILE, NodeId(&n));
    }
    if (err)
        return;
    for (const char *line = list; *line; ) {
        const char *s = line;
        char name[12];
        ProcfsNode n = { NODE_PID, Number(&s), 0 };
        Format(name, sizeof(name), "%u", n.pid);
        AddEntry(l, name, FS_TYPE_DIR, NodeId(&n));
        line = strchr(line, '\n');
        line = line ? line + 1 : "";
    }
}

static void ListFds(Listing *l, uint32_t pid)
{
    char name[12], target[POSIX_PATH_MAX];

    for (uint32_t fd = 0; fd < POSIX_FD_MAX; fd++) {
        ProcfsNode n = { NODE_FD, pid, fd };
        if (FdTarget(pid, fd, target) != 0)
            continue;
        Format(name, sizeof(name), "%u", fd);
        AddEntry(l, name, FS_TYPE_LINK, NodeId(&n));
    }
}

// Fill l with the entries of directory n, sorted.
static void List(const ProcfsNode *n, Listing *l)
{
    if (n->kind == NODE_ROOT)
        ListRoot(l);
    else if (n->kind == NODE_FD_DIR)
        ListFds(l, n->pid);
    else {
        for (uint32_t i = 0; i < PID_FILES; i++) {
            ProcfsNode item = { NODE_PID_FILE, n->pid, i };
            AddEntry(l, pidFiles[i].name, pidFiles[i].type, NodeId(&item));
        }
    }
    SortEntries(l);
}

// --- requests ----------------------------------------------------------------------------

// A reply of type carrying length bytes of data, or NULL.
static Message *Reply(uint32_t type, const void *data, uint32_t length)
{
    Message *m = api->CreateMessage(type, length);

    if (m && length)
        memcpy(m->data, data, length);
    return m;
}

static FsDirEntry listed[LIST_MAX];

static Message *ServeStat(const ProcfsNode *n, uint32_t requester, int *err)
{
    FsStat st = { .type = NodeType(n), .id = NodeId(n) };

    if (st.type == FS_TYPE_DIR) {
        Listing l = { listed, 0, LIST_MAX };
        List(n, &l);
        st.entries = l.count;
    } else if ((*err = MakeText(n, requester)) == 0) {
        st.size = textLength;
    } else if (st.type == FS_TYPE_LINK) {
        *err = 0;                   // a kernel thread's exe: a link that names nothing
    } else {
        return NULL;
    }
    return Reply(MSG_RESPONSE, &st, sizeof(st));
}

// A MSG_READ or MSG_QUERY, its FsIo checked: the text at io's offset.
static Message *ServeRead(const FsIo *io, const ProcfsNode *n, uint32_t requester, int *err)
{
    uint32_t from;

    if ((*err = MakeText(n, requester)) != 0)
        return NULL;
    from = io->offset < textLength ? (uint32_t)io->offset : textLength;
    return Reply(MSG_RESPONSE, text + from,
                 textLength - from < io->length ? textLength - from : io->length);
}

// A MSG_LIST of a directory, its FsListRequest checked.
static Message *ServeList(const FsListRequest *want, const ProcfsNode *n)
{
    Listing l = { listed, 0, LIST_MAX };
    uint32_t count, most = want->count == 0 || want->count > FS_LIST_MAX ? FS_LIST_MAX
                                                                          : want->count;

    List(n, &l);
    count = want->index < l.count ? l.count - want->index : 0;
    if (count > most)
        count = most;
    return Reply(MSG_RESPONSE, listed + (want->index < l.count ? want->index : 0),
                 count * (uint32_t)sizeof(FsDirEntry));
}

// What a request asks, decoded: its node, and its payload.
typedef struct ProcfsAsk {
    ProcfsNode node;
    FsIo io;                    // MSG_READ (the whole text when it carries none), MSG_QUERY
    FsListRequest list;         // MSG_LIST
} ProcfsAsk;

// The decode step of a request to posix:proc:NAME: a type served (the
// rest would change something: E_ACCES), a name that exists (E_NOENT,
// E_NOTDIR), a read by name (handle 0, else E_BADF), a list of a
// directory with a well-formed FsListRequest (E_INVAL, E_NOTDIR).
// Returns 0 with *ask filled, or an error.
static int ProcfsDecode(const char *name, const Message *request, uint32_t requester,
                        ProcfsAsk *ask)
{
    uint32_t length = MessageDataLength(request);
    int err;

    *ask = (ProcfsAsk){ .io = { 0, TEXT_MAX, 0 } };
    if (strncmp(name, POSIX_PROC, strlen(POSIX_PROC)) != 0)
        return E_NOENT;
    if (request->type != MSG_STAT && request->type != MSG_READ &&
        request->type != MSG_QUERY && request->type != MSG_LIST)
        return E_ACCES;                         // nothing here can be changed
    if ((err = Resolve(name + strlen(POSIX_PROC), requester, &ask->node)) != 0)
        return err;
    if (request->type == MSG_READ && length >= sizeof(ask->io))
        memcpy(&ask->io, request->data, sizeof(ask->io));
    if (ask->io.handle != 0)
        return E_BADF;
    if (request->type != MSG_LIST)
        return 0;
    if (length != 0 && length != sizeof(ask->list))
        return E_INVAL;
    memcpy(&ask->list, request->data, length);
    return NodeType(&ask->node) == FS_TYPE_DIR ? 0 : E_NOTDIR;
}

// Answer request to posix:proc:NAME for requester (the pid "self" is).
// Returns the reply (the caller frees it), or NULL with *err. Nothing is
// changed by any request; each is checked whole before it is answered.
Message *ProcfsTransact(const char *name, const Message *request, uint32_t requester,
                        int *err)
{
    ProcfsAsk ask;
    Message *reply;

    /* decode */
    if ((*err = ProcfsDecode(name, request, requester, &ask)) != 0)
        return NULL;
    /* invoke */
    if (request->type == MSG_STAT)
        reply = ServeStat(&ask.node, requester, err);
    else if (request->type == MSG_LIST)
        reply = ServeList(&ask.list, &ask.node);
    else
        reply = ServeRead(&ask.io, &ask.node, requester, err);
    if (!reply && *err == 0)
        *err = E_NOMEM;
    return reply;
}
