// ctxtest: self-checking test of the process context and the calls
// around it (include/clanker/context.h): SYS_CONTEXT_GET and
// SYS_CONTEXT_SET with good and bad input, inheritance by SYS_SPAWN and
// SYS_SPAWN_CONTEXT, a given context, SPAWN_SUSPENDED with SYS_RESUME
// (only the parent may resume; killing a suspended child; a suspended
// child of a parent that ends), proc:PID:cwd, and the standard streams
// of lib/user/stdio.c (StdioWrite, StdioRead, Print's fallback).
//
//   ctxtest               run every check; "ctxtest: N checks passed", exit 0
//   ctxtest expect CWD S0 S1 S2   exit 0 if the context is exactly that
//   ctxtest sleep MS      sleep, exit 0
//   ctxtest resume PID    exit 0 if SysResume(PID) is E_SRCH (not our child)
//   ctxtest orphan        spawn bin/ctxtest sleep suspended, exit with 0
//   ctxtest streams TEXT  check the streams: stdin TEXT, stdout empty
#include <clanker/fs.h>
#include <lib/format.h>
#include <lib/string.h>
#include <lib/user.h>

#define KERNEL_BASE ((void *)0xC0000000u)

static int checks, failures;
static const ProcessContext readOnly = { "fs:root:", { "console:", "console:", "console:" } };

static void Check(int ok, const char *what, int result)
{
    checks++;
    if (ok)
        return;
    failures++;
    Print("ctxtest: check %d failed: %s (%d)\n", checks, what, result);
}

static void CheckEqual(const char *what, int result, int expected)
{
    Check(result == expected, what, result);
}

static void SetName(char *name, const char *text)
{
    memset(name, 0, CONTEXT_NAME_MAX);
    memcpy(name, text, strlen(text) + 1);
}

static void MakeContext(ProcessContext *c, const char *cwd, const char *in, const char *out,
                        const char *err)
{
    SetName(c->cwd, cwd);
    SetName(c->stdio[0], in);
    SetName(c->stdio[1], out);
    SetName(c->stdio[2], err);
}

// Spawn bin/ctxtest with argv (after argv[0]), context (NULL: ours) and flags.
static int SpawnSelf(const char *const *args, const ProcessContext *context, uint32_t flags)
{
    const char *argv[8] = { "bin/ctxtest" };
    SpawnRequest r = { argv, NULL, context, flags };

    for (int i = 0; args[i] && i < 6; i++)
        argv[i + 1] = args[i];
    return SysSpawnContext("bin/ctxtest", &r);
}

// Wait for pid and return its wait status (-1 if the wait failed).
static int WaitStatus(int pid)
{
    int status = -1;

    return SysWait(pid, &status) == pid ? status : -1;
}

// Read a proc: text into text (capacity bytes, NUL-terminated). Returns its length or E_*.
static int ReadText(const char *name, char *text, uint32_t capacity)
{
    static union { Message m; uint8_t bytes[MESSAGE_HEADER_SIZE + 256]; } reply;
    int n = IpcCallInto(name, MSG_READ, NULL, 0, &reply.m, sizeof(reply));

    if (n >= 0) {
        if ((uint32_t)n >= capacity)
            n = (int)capacity - 1;
        memcpy(text, reply.m.data, (uint32_t)n);
        text[n] = 0;
    }
    return n;
}

static void CheckGetAndSet(void)
{
    ProcessContext c, before, bad;

    CheckEqual("SysContextGet(&c)", SysContextGet(&c), 0);
    Check(strcmp(c.cwd, "fs:root:") == 0, "cwd starts as fs:root:", 0);
    for (int i = 0; i < 3; i++)
        Check(strcmp(c.stdio[i], "console:") == 0, "streams start on console:", i);
    CheckEqual("SysContextGet(NULL)", SysContextGet(NULL), E_FAULT);
    CheckEqual("SysContextGet(kernel)", SysContextGet(KERNEL_BASE), E_FAULT);
    CheckEqual("SysContextGet(read-only text)", SysContextGet((ProcessContext *)(uintptr_t)&readOnly),
               E_FAULT);
    CheckEqual("SysContextSet(NULL)", SysContextSet(NULL), E_FAULT);
    CheckEqual("SysContextSet(kernel)", SysContextSet(KERNEL_BASE), E_FAULT);
    before = c;
    bad = c;
    memset(bad.cwd, 'a', sizeof(bad.cwd));
    CheckEqual("SysContextSet(cwd without NUL)", SysContextSet(&bad), E_INVAL);
    bad = c;
    memset(bad.stdio[2], 'b', sizeof(bad.stdio[2]));
    CheckEqual("SysContextSet(stderr without NUL)", SysContextSet(&bad), E_INVAL);
    SysContextGet(&c);
    Check(memcmp(&c, &before, sizeof(c)) == 0, "a refused set changes nothing", 0);
    MakeContext(&c, "fs:temp:work/", "console:", "console:", "console:");
    CheckEqual("SysContextSet(fs:temp:work/)", SysContextSet(&c), 0);
    Check(ContextSelf() && strcmp(ContextSelf()->cwd, "fs:temp:work/") == 0,
          "ContextSelf sees the new cwd", 0);
}

static void CheckProcCwd(void)
{
    char name[32], text[160];

    Format(name, sizeof(name), "proc:%d:cwd", SysGetPid());
    CheckEqual("read proc:PID:cwd", ReadText(name, text, sizeof(text)), 14);
    Check(strcmp(text, "fs:temp:work/\n") == 0, "proc:PID:cwd is the cwd", 0);
}

static void CheckInheritance(void)
{
    ProcessContext given;
    const char *plain[] = { "bin/ctxtest", "expect", "fs:temp:work/", "console:", "console:",
                            "console:", NULL };
    int pid;

    pid = SysSpawn("bin/ctxtest", plain);
    Check(pid > 0, "SysSpawn inherits", pid);
    CheckEqual("child of SysSpawn has our context", WaitStatus(pid), WAIT_STATUS_EXITED(0));
    pid = SpawnSelf((const char *[]){ "expect", "fs:temp:work/", "console:", "console:",
                                      "console:", NULL }, NULL, 0);
    CheckEqual("child of SysSpawnContext(NULL context) has ours", WaitStatus(pid),
               WAIT_STATUS_EXITED(0));
    MakeContext(&given, "fs:root:bin/", "proc:1:name", "console:", "");
    pid = SpawnSelf((const char *[]){ "expect", "fs:root:bin/", "proc:1:name", "console:",
                                      "", NULL }, &given, 0);
    CheckEqual("child gets the context given", WaitStatus(pid), WAIT_STATUS_EXITED(0));
}

static void CheckSpawnErrors(void)
{
    ProcessContext bad;
    const char *argv[] = { "bin/true", NULL };
    SpawnRequest r = { argv, NULL, NULL, 0 };
    int pid;

    CheckEqual("SysSpawnContext(request NULL)", SysSpawnContext("bin/true", NULL), E_FAULT);
    CheckEqual("SysSpawnContext(request kernel)", SysSpawnContext("bin/true", KERNEL_BASE),
               E_FAULT);
    CheckEqual("SysSpawnContext(path NULL)", SysSpawnContext(NULL, &r), E_FAULT);
    r.flags = 2;
    CheckEqual("SysSpawnContext(flags 2)", SysSpawnContext("bin/true", &r), E_INVAL);
    r.flags = 0x80000001u;
    CheckEqual("SysSpawnContext(flags 0x80000001)", SysSpawnContext("bin/true", &r), E_INVAL);
    r.flags = 0;
    r.context = KERNEL_BASE;
    CheckEqual("SysSpawnContext(context kernel)", SysSpawnContext("bin/true", &r), E_FAULT);
    MakeContext(&bad, "fs:root:", "console:", "console:", "console:");
    memset(bad.stdio[1], 'x', sizeof(bad.stdio[1]));
    r.context = &bad;
    CheckEqual("SysSpawnContext(stdout without NUL)", SysSpawnContext("bin/true", &r), E_INVAL);
    r.context = NULL;
    r.argv = KERNEL_BASE;
    CheckEqual("SysSpawnContext(argv kernel)", SysSpawnContext("bin/true", &r), E_FAULT);
    r.argv = argv;
    CheckEqual("SysSpawnContext(no such program)", SysSpawnContext("bin/nonexistent", &r),
               E_NOENT);
    pid = SysSpawnContext("bin/true", &r);
    Check(pid > 0, "SysSpawnContext(bin/true)", pid);
    CheckEqual("bin/true exits 0", WaitStatus(pid), WAIT_STATUS_EXITED(0));
}

static void CheckSuspended(void)
{
    char name[32], text[32];
    int pid, other, status = -1;

    pid = SpawnSelf((const char *[]){ "sleep", "300", NULL }, NULL, SPAWN_SUSPENDED);
    Check(pid > 0, "spawn suspended", pid);
    SysSleep(50);
    CheckEqual("a suspended child has not ended", SysWaitOptions(pid, &status, WAIT_NOHANG), 0);
    Format(name, sizeof(name), "proc:%d:state", pid);
    ReadText(name, text, sizeof(text));
    Check(strcmp(text, "blocked\n") == 0, "a suspended child is blocked", 0);
    CheckEqual("SysResume(0)", SysResume(0), E_SRCH);
    CheckEqual("SysResume(-1)", SysResume(-1), E_SRCH);
    CheckEqual("SysResume(self)", SysResume(SysGetPid()), E_SRCH);
    CheckEqual("SysResume(99999)", SysResume(99999), E_SRCH);
    Format(text, sizeof(text), "%d", pid);
    other = SpawnSelf((const char *[]){ "resume", text, NULL }, NULL, 0);
    CheckEqual("another process cannot resume it", WaitStatus(other), WAIT_STATUS_EXITED(0));
    CheckEqual("SysResume(child)", SysResume(pid), 0);
    SysSleep(50);
    CheckEqual("SysResume(running child)", SysResume(pid), E_INVAL);
    CheckEqual("the resumed child runs to its end", WaitStatus(pid), WAIT_STATUS_EXITED(0));
    CheckEqual("SysResume(reaped child)", SysResume(pid), E_SRCH);

    pid = SpawnSelf((const char *[]){ "sleep", "0", NULL }, NULL, SPAWN_SUSPENDED);
    CheckEqual("SysKill(suspended child)", SysKill(pid), 0);
    CheckEqual("a killed suspended child", WaitStatus(pid), WAIT_STATUS_SIGNALED(SIGNAL_KILL));

    pid = SpawnSelf((const char *[]){ "orphan", NULL }, NULL, 0);
    status = WaitStatus(pid);
    CheckEqual("orphan helper", status, WAIT_STATUS_EXITED(0));
}

// After "ctxtest orphan" ends, its suspended child must be gone: no
// process but this one runs bin/ctxtest.
static void CheckOrphanGone(void)
{
    static union { Message m; uint8_t bytes[MESSAGE_HEADER_SIZE + 16384]; } reply;
    int n = IpcCallInto("proc:list:", MSG_READ, NULL, 0, &reply.m, sizeof(reply)), count = 0;
    const char *at = (const char *)reply.m.data;

    Check(n > 0, "proc:list: for the orphan", n);
    reply.m.data[n > 0 ? n : 0] = 0;
    for (; *at; at++)
        count += strncmp(at, " ctxtest ", 9) == 0;
    CheckEqual("a suspended orphan is ended", count, 1);
}

static void CheckStreams(void)
{
    ProcessContext c;
    char text[32];
    int pid;

    CheckEqual("StdioWrite(stdout)", StdioWrite(CONTEXT_STDOUT, "", 0), 0);
    CheckEqual("StdioWrite(stdin)", StdioWrite(CONTEXT_STDIN, "x", 1), E_INVAL);
    CheckEqual("StdioWrite(3)", StdioWrite(3, "x", 1), E_INVAL);
    CheckEqual("StdioWrite(-1)", StdioWrite(-1, "x", 1), E_INVAL);
    Format(text, sizeof(text), "proc:%d:name", SysGetPid());
    MakeContext(&c, "fs:root:", text, "", "console:");
    pid = SpawnSelf((const char *[]){ "streams", "ctxtest\n", NULL }, &c, 0);
    CheckEqual("streams from the context", WaitStatus(pid), WAIT_STATUS_EXITED(0));
}

// --- the children ----------------------------------------------------------

static int Expect(char **argv)
{
    const ProcessContext *c = ContextSelf();

    if (!c || strcmp(c->cwd, argv[2]) || strcmp(c->stdio[0], argv[3]) ||
        strcmp(c->stdio[1], argv[4]) || strcmp(c->stdio[2], argv[5])) {
        SysDebugWrite("ctxtest: child has another context\n", 35);
        return 1;
    }
    return 0;
}

static int Orphan(void)
{
    int pid = SpawnSelf((const char *[]){ "sleep", "0", NULL }, NULL, SPAWN_SUSPENDED);

    return pid > 0 ? 0 : 1;
}

// stdin is a proc: name reading as text, stdout empty, stderr the console.
static int Streams(const char *text)
{
    char got[64];
    int n = StdioRead(got, sizeof(got) - 1), ok = 1;

    ok &= n == (int)strlen(text) && memcmp(got, text, (uint32_t)n) == 0;
    ok &= StdioRead(got, 0) == 0;
    ok &= StdioRead(got, sizeof(got)) == 0;            // the offset moved on: the end
    ok &= StdioWrite(CONTEXT_STDOUT, "x", 1) == E_BADF;
    ok &= Print("ctxtest: Print falls back to the debug console\n") == 47;
    ok &= StdioWrite(CONTEXT_STDERR, "ctxtest: stderr is the console\n", 31) == 31;
    return ok ? 0 : 1;
}

int main(int argc, char **argv, char **envp)
{
    int n;

    (void)envp;
    if (argc == 6 && strcmp(argv[1], "expect") == 0)
        return Expect(argv);
    if (argc == 3 && strcmp(argv[1], "sleep") == 0 && ParseInt(argv[2], &n) == 0)
        return SysSleep((uint32_t)n) == 0 ? 0 : 1;
    if (argc == 3 && strcmp(argv[1], "resume") == 0 && ParseInt(argv[2], &n) == 0)
        return SysResume(n) == E_SRCH ? 0 : 1;
    if (argc == 2 && strcmp(argv[1], "orphan") == 0)
        return Orphan();
    if (argc == 3 && strcmp(argv[1], "streams") == 0)
        return Streams(argv[2]);
    CheckGetAndSet();
    CheckProcCwd();
    CheckInheritance();
    CheckSpawnErrors();
    CheckSuspended();
    CheckOrphanGone();
    CheckStreams();
    if (failures) {
        Print("ctxtest: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    Print("ctxtest: %d checks passed\n", checks);
    return 0;
}
