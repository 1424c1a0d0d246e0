// pipetest: self-checking test of the pipe: server (include/clanker/pipe.h,
// servers/pipe/pipe.c): creating, reading and writing by process
// reference and by handle, TRY_READ/TRY_WRITE, stat, the end of file,
// E_PIPE, waiting reads and writes answered later, references dropped
// when a process ends (killed while it waits, too), every kind of bad
// input, and two processes streaming 1 MiB through a pipe with a checksum.
//
//   pipetest                 run every check; "pipetest: N checks passed", exit 0
//   pipetest read TEXT       stdin must read TEXT, then the end of file
//   pipetest eof             stdin must read the end of file
//   pipetest epipe           writing 32 KiB to stdout must give E_PIPE
//   pipetest hold            exit at once (holds what it was granted)
//   pipetest block           write 64 KiB to stdout (waits; killed by the test)
//   pipetest produce         write 1 MiB of the test pattern to stdout
//   pipetest consume         read stdin to its end; exit 0 if it is the pattern
#include <clanker/fs.h>
#include <clanker/pipe.h>
#include <lib/format.h>
#include <lib/string.h>
#include <lib/user.h>

#define STREAM_BYTES (1u << 20)
#define CALL_TIMEOUT_MS 5000

static int checks, failures;
static union {
    Message m;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} msg;
static uint8_t chunk[8192];

static void Check(int ok, const char *what, int result)
{
    checks++;
    if (ok)
        return;
    failures++;
    Print("pipetest: check %d failed: %s (%d)\n", checks, what, result);
}

static void CheckEqual(const char *what, int result, int expected)
{
    Check(result == expected, what, result);
}

// Send type with payload to name, waiting at most CALL_TIMEOUT_MS. The
// reply's payload is at msg.m.data. Returns its length or E_*.
static int Call(const char *name, uint32_t type, const void *payload, uint32_t size)
{
    int n;

    memmove(msg.m.data, payload, size);
    msg.m = (Message){ .type = type, .length = MESSAGE_HEADER_SIZE + size };
    n = SysIpcSend(name, &msg.m, &msg.m, sizeof(msg), CALL_TIMEOUT_MS);
    if (n < 0)
        return n;
    if (msg.m.type == MSG_ERROR)
        return MessageError(&msg.m);
    return (int)MessageDataLength(&msg.m);
}

// MSG_CREATE: a new pipe's name into name (32 bytes). Returns 0 or E_*.
static int Create(char *name)
{
    int n = Call(PIPE_PREFIX, MSG_CREATE, NULL, 0);

    if (n < 0)
        return n;
    if (n < 7 || n > 31 || msg.m.data[n - 1] != 0)
        return E_INVAL;
    memcpy(name, msg.m.data, (uint32_t)n);
    return 0;
}

static int WriteIo(const char *name, uint32_t type, int32_t handle, const void *bytes, uint32_t n)
{
    static uint8_t payload[sizeof(FsIo) + 65536];
    FsIo io = { .handle = handle, .length = n };
    int r;

    memcpy(payload, &io, sizeof(io));
    memcpy(payload + sizeof(io), bytes, n);
    r = Call(name, type, payload, sizeof(io) + n);
    if (r == sizeof(FsCount)) {
        FsCount c;
        memcpy(&c, msg.m.data, sizeof(c));
        return (int)c.count;
    }
    return r < 0 ? r : E_INVAL;
}

// Read at most n bytes into to (may be NULL). Returns the count or E_*.
static int ReadIo(const char *name, uint32_t type, int32_t handle, void *to, uint32_t n)
{
    FsIo io = { .handle = handle, .length = n };
    int r = Call(name, type, &io, sizeof(io));

    if (r > 0 && to)
        memcpy(to, msg.m.data, (uint32_t)r);
    return r;
}

static int Grant(const char *name, int pid, uint32_t ends)
{
    PipeGrant g = { (uint32_t)pid, ends };

    return Call(name, PIPE_MSG_GRANT, &g, sizeof(g));
}

static int Release(const char *name, uint32_t ends)
{
    PipeEnds e = { ends };

    return Call(name, PIPE_MSG_RELEASE, &e, sizeof(e));
}

static int Open(const char *name, uint32_t flags, uint32_t adoptPid)
{
    PipeOpen o = { flags, adoptPid };
    int r = Call(name, MSG_OPEN, &o, sizeof(o));
    FsHandle h;

    if (r != sizeof(h))
        return r < 0 ? r : E_INVAL;
    memcpy(&h, msg.m.data, sizeof(h));
    return h.handle;
}

static int CloseHandle(const char *name, int32_t handle)
{
    FsHandle h = { handle };

    return Call(name, MSG_CLOSE, &h, sizeof(h));
}

// Spawn bin/pipetest MODE [ARG] suspended, with stdin in and stdout out.
static int SpawnChild(const char *mode, const char *arg, const char *in, const char *out)
{
    const char *argv[] = { "bin/pipetest", mode, arg, NULL };
    ProcessContext c = *ContextSelf();
    SpawnRequest r = { argv, NULL, &c, SPAWN_SUSPENDED };

    memset(c.stdio[0], 0, CONTEXT_NAME_MAX);
    memset(c.stdio[1], 0, CONTEXT_NAME_MAX);
    memcpy(c.stdio[0], in, strlen(in) + 1);
    memcpy(c.stdio[1], out, strlen(out) + 1);
    return SysSpawnContext("bin/pipetest", &r);
}

static int WaitStatus(int pid)
{
    int status = -1;

    return SysWait(pid, &status) == pid ? status : -1;
}

// The test pattern: a byte stream from a 32-bit xorshift.
static uint32_t patternState;
static void PatternStart(void) { patternState = 0x9e3779b9u; }
static uint8_t PatternNext(void)
{
    patternState ^= patternState << 13;
    patternState ^= patternState >> 17;
    patternState ^= patternState << 5;
    return (uint8_t)(patternState >> 11);
}

// --- the checks ----------------------------------------------------------------

static void CheckBasics(void)
{
    char name[32], got[64];
    FsStat st;
    int n;

    CheckEqual("MSG_CREATE pipe:", Create(name), 0);
    Check(strncmp(name, "pipe:", 5) == 0, "the name is pipe:N", 0);
    CheckEqual("write by reference", WriteIo(name, MSG_WRITE, 0, "hello", 5), 5);
    CheckEqual("stat", Call(name, MSG_STAT, NULL, 0), sizeof(FsStat));
    memcpy(&st, msg.m.data, sizeof(st));
    Check(st.type == FS_TYPE_PIPE && st.size == 5, "stat: a pipe holding 5 bytes", (int)st.size);
    n = ReadIo(name, MSG_READ, 0, got, sizeof(got));
    CheckEqual("read by reference", n, 5);
    Check(n == 5 && memcmp(got, "hello", 5) == 0, "the bytes read", 0);
    CheckEqual("TRY_READ of an empty pipe", ReadIo(name, PIPE_MSG_TRY_READ, 0, got, 8), E_AGAIN);
    CheckEqual("TRY_WRITE", WriteIo(name, PIPE_MSG_TRY_WRITE, 0, "ab", 2), 2);
    CheckEqual("TRY_READ with bytes", ReadIo(name, PIPE_MSG_TRY_READ, 0, got, 1), 1);
    CheckEqual("the rest", ReadIo(name, PIPE_MSG_TRY_READ, 0, got, 8), 1);
    memset(chunk, 'z', sizeof(chunk));
    CheckEqual("TRY_WRITE 8 KiB", WriteIo(name, PIPE_MSG_TRY_WRITE, 0, chunk, 8192), 8192);
    CheckEqual("write 100 more", WriteIo(name, MSG_WRITE, 0, chunk, 100), 100);
    CheckEqual("TRY_WRITE takes what fits", WriteIo(name, PIPE_MSG_TRY_WRITE, 0, chunk, 8192),
               (int)PIPE_CAPACITY - 8292);
    CheckEqual("TRY_WRITE into a full pipe", WriteIo(name, PIPE_MSG_TRY_WRITE, 0, "x", 1), E_AGAIN);
    CheckEqual("read it all at once", ReadIo(name, MSG_READ, 0, NULL, 65536 - 64),
               (int)PIPE_CAPACITY);
    CheckEqual("release the write end", Release(name, PIPE_END_WRITE), 0);
    CheckEqual("TRY_READ at the end of file", ReadIo(name, PIPE_MSG_TRY_READ, 0, got, 8), 0);
    CheckEqual("read at the end of file", ReadIo(name, MSG_READ, 0, got, 8), 0);
    CheckEqual("write without the write end", WriteIo(name, MSG_WRITE, 0, "x", 1), E_BADF);
    CheckEqual("release the read end", Release(name, PIPE_END_READ), 0);
    CheckEqual("a pipe with no reference is gone", Call(name, MSG_STAT, NULL, 0), E_NOENT);

    CheckEqual("create for E_PIPE", Create(name), 0);
    CheckEqual("release only the read end", Release(name, PIPE_END_READ), 0);
    CheckEqual("write with no reader", WriteIo(name, MSG_WRITE, 0, "x", 1), E_PIPE);
    CheckEqual("TRY_WRITE with no reader", WriteIo(name, PIPE_MSG_TRY_WRITE, 0, "x", 1), E_PIPE);
    CheckEqual("release the last end", Release(name, PIPE_END_WRITE), 0);
}

static void CheckHandles(void)
{
    char name[32], other[32], got[8];
    int h, w;

    CheckEqual("create", Create(name), 0);
    CheckEqual("create another", Create(other), 0);
    h = Open(name, FS_READ, (uint32_t)SysGetPid());
    Check(h > 0, "MSG_OPEN read, adopting our reference", h);
    CheckEqual("the reference moved into the handle", ReadIo(name, PIPE_MSG_TRY_READ, 0, got, 1),
               E_BADF);
    CheckEqual("write by reference", WriteIo(name, MSG_WRITE, 0, "hi", 2), 2);
    CheckEqual("read by handle", ReadIo(name, MSG_READ, h, got, sizeof(got)), 2);
    CheckEqual("write on a read handle", WriteIo(name, MSG_WRITE, h, "x", 1), E_BADF);
    CheckEqual("the handle on another pipe", ReadIo(other, MSG_READ, h, got, 1), E_BADF);
    CheckEqual("a handle never given", ReadIo(name, MSG_READ, 424242, got, 1), E_BADF);
    w = Open(name, FS_WRITE, 0);
    Check(w > 0, "MSG_OPEN write", w);
    CheckEqual("write by handle", WriteIo(name, MSG_WRITE, w, "abc", 3), 3);
    CheckEqual("close the write handle", CloseHandle(name, w), 0);
    CheckEqual("close it again", CloseHandle(name, w), E_BADF);
    CheckEqual("close on another pipe", CloseHandle(other, h), E_BADF);
    CheckEqual("open flags 0", Open(name, 0, 0), E_INVAL);
    CheckEqual("open flags read|write", Open(name, FS_READ | FS_WRITE, 0), E_INVAL);
    CheckEqual("open, short payload", Call(name, MSG_OPEN, "ab", 2), E_INVAL);
    CheckEqual("close the read handle", CloseHandle(name, h), 0);
    CheckEqual("no reader left: E_PIPE", WriteIo(name, MSG_WRITE, 0, "x", 1), E_PIPE);
    CheckEqual("release", Release(name, PIPE_END_WRITE), 0);
    CheckEqual("release other", Release(other, PIPE_END_READ | PIPE_END_WRITE), 0);
}

static void CheckBadInput(void)
{
    static uint8_t big[sizeof(FsIo) + 16];
    char name[32];
    FsIo io = { .handle = 0, .length = FS_IO_MAX + 1 };
    int pid;

    CheckEqual("create", Create(name), 0);
    CheckEqual("unknown pipe", WriteIo("pipe:999999", MSG_WRITE, 0, "x", 1), E_NOENT);
    CheckEqual("malformed pipe name", ReadIo("pipe:7x", MSG_READ, 0, NULL, 1), E_NOENT);
    CheckEqual("read of pipe: itself", ReadIo("pipe:", MSG_READ, 0, NULL, 1), E_NOENT);
    CheckEqual("MSG_CREATE on a pipe", Call(name, MSG_CREATE, NULL, 0), E_INVAL);
    CheckEqual("MSG_CREATE with a payload", Call("pipe:", MSG_CREATE, "x", 1), E_INVAL);
    CheckEqual("read length 0", ReadIo(name, MSG_READ, 0, NULL, 0), E_INVAL);
    CheckEqual("read oversized", Call(name, MSG_READ, &io, sizeof(io)), E_MSGSIZE);
    io.length = 16;
    memcpy(big, &io, sizeof(io));
    CheckEqual("write shorter than its length", Call(name, MSG_WRITE, big, sizeof(io) + 4), E_INVAL);
    CheckEqual("read with a short FsIo", Call(name, MSG_READ, big, 4), E_INVAL);
    CheckEqual("unknown request", Call(name, MSG_RENAME, NULL, 0), E_INVAL);
    CheckEqual("stat with a payload", Call(name, MSG_STAT, "x", 1), E_INVAL);
    CheckEqual("grant ends 0", Grant(name, SysGetPid(), 0), E_INVAL);
    CheckEqual("grant ends 4", Grant(name, SysGetPid(), 4), E_INVAL);
    CheckEqual("grant to pid 0", Grant(name, 0, PIPE_END_READ), E_SRCH);
    CheckEqual("grant to pid 999999", Grant(name, 999999, PIPE_END_READ), E_SRCH);
    pid = SysSpawn("bin/true", NULL);
    CheckEqual("bin/true", WaitStatus(pid), WAIT_STATUS_EXITED(0));
    CheckEqual("grant to a dead pid", Grant(name, pid, PIPE_END_WRITE), E_SRCH);
    CheckEqual("grant, short payload", Call(name, PIPE_MSG_GRANT, "abc", 3), E_INVAL);
    CheckEqual("release ends 0", Release(name, 0), E_INVAL);
    CheckEqual("release", Release(name, PIPE_END_READ), 0);
    CheckEqual("release an end not held", Release(name, PIPE_END_READ), E_BADF);
    CheckEqual("the pipe still works", WriteIo(name, PIPE_MSG_TRY_WRITE, 0, "x", 1), E_PIPE);
    CheckEqual("release the rest", Release(name, PIPE_END_WRITE), 0);
    CheckEqual("release on a freed pipe", Release(name, PIPE_END_WRITE), E_NOENT);
}

// Run child MODE ARG on a fresh pipe: stdin (end READ) or stdout (end
// WRITE); then act() plays the other end; returns the child's status.
static int WithChild(const char *mode, const char *arg, uint32_t childEnd,
                     void (*act)(const char *name, int pid))
{
    char name[32];
    int pid;

    if (Create(name) != 0)
        return -2;
    pid = SpawnChild(mode, arg, childEnd == PIPE_END_READ ? name : "console:",
                     childEnd == PIPE_END_WRITE ? name : "console:");
    if (pid <= 0)
        return -3;
    Check(Grant(name, pid, childEnd) == 0, "grant the child its end", 0);
    Check(Release(name, childEnd) == 0, "release our copy of it", 0);
    Check(SysResume(pid) == 0, "resume the child", pid);
    act(name, pid);
    return WaitStatus(pid);
}

static void WriteLater(const char *name, int pid)
{
    (void)pid;
    SysSleep(100);                  // the child waits in its read meanwhile
    CheckEqual("write to the waiting reader", WriteIo(name, MSG_WRITE, 0, "ping", 4), 4);
    CheckEqual("release the write end", Release(name, PIPE_END_WRITE), 0);
}

static void ReleaseWriteLater(const char *name, int pid)
{
    (void)pid;
    SysSleep(100);
    CheckEqual("release: the waiting reader sees the end", Release(name, PIPE_END_WRITE), 0);
}

static void ReleaseReadLater(const char *name, int pid)
{
    (void)pid;
    SysSleep(100);                  // the child waits in its write: the pipe is full
    CheckEqual("release: the waiting writer gets E_PIPE", Release(name, PIPE_END_READ), 0);
}

static void ReadAfterExit(const char *name, int pid)
{
    char state[32];
    int n = 0;

    Format(state, sizeof(state), "proc:%d:state", pid);
    for (int i = 0; i < 100; i++) {           // until it has ended (not reaped yet)
        n = Call(state, MSG_READ, NULL, 0);
        if (n == 7 && memcmp(msg.m.data, "zombie\n", 7) == 0)
            break;
        SysSleep(10);
    }
    CheckEqual("the holder ends", n, 7);
    CheckEqual("release our write end", Release(name, PIPE_END_WRITE), 0);
    CheckEqual("its end was dropped: the pipe is gone", Call(name, MSG_STAT, NULL, 0), E_NOENT);
}

static void KillBlockedWriter(const char *name, int pid)
{
    SysSleep(100);                  // it fills the pipe and waits
    CheckEqual("the writer filled the pipe", Call(name, MSG_STAT, NULL, 0), sizeof(FsStat));
    CheckEqual("kill the waiting writer", SysKill(pid), 0);
    SysSleep(20);
    CheckEqual("read what it wrote", ReadIo(name, MSG_READ, 0, NULL, 65536 - 64), 16384);
    CheckEqual("then the end of file", ReadIo(name, MSG_READ, 0, NULL, 16), 0);
    CheckEqual("release", Release(name, PIPE_END_READ), 0);
}

static void CheckWaiting(void)
{
    CheckEqual("a waiting read answered later",
               WithChild("read", "ping", PIPE_END_READ, WriteLater), WAIT_STATUS_EXITED(0));
    CheckEqual("a waiting read gets the end of file",
               WithChild("eof", NULL, PIPE_END_READ, ReleaseWriteLater), WAIT_STATUS_EXITED(0));
    CheckEqual("a waiting write gets E_PIPE",
               WithChild("epipe", NULL, PIPE_END_WRITE, ReleaseReadLater), WAIT_STATUS_EXITED(0));
    CheckEqual("a process's references end with it",
               WithChild("hold", NULL, PIPE_END_READ, ReadAfterExit), WAIT_STATUS_EXITED(0));
    CheckEqual("a writer killed while it waits",
               WithChild("block", NULL, PIPE_END_WRITE, KillBlockedWriter),
               WAIT_STATUS_SIGNALED(SIGNAL_KILL));
}

// 1 MiB from one child to another through a pipe, checked by the reader.
static void CheckStream(void)
{
    char name[32];
    int producer, consumer;
    uint32_t t0 = SysUptime();

    CheckEqual("create", Create(name), 0);
    producer = SpawnChild("produce", NULL, "console:", name);
    consumer = SpawnChild("consume", NULL, name, "console:");
    Check(producer > 0 && consumer > 0, "spawn both", producer);
    CheckEqual("grant the write end", Grant(name, producer, PIPE_END_WRITE), 0);
    CheckEqual("grant the read end", Grant(name, consumer, PIPE_END_READ), 0);
    CheckEqual("release ours", Release(name, PIPE_END_READ | PIPE_END_WRITE), 0);
    CheckEqual("resume the consumer", SysResume(consumer), 0);
    CheckEqual("resume the producer", SysResume(producer), 0);
    CheckEqual("the producer wrote 1 MiB", WaitStatus(producer), WAIT_STATUS_EXITED(0));
    CheckEqual("the consumer read 1 MiB with the right checksum", WaitStatus(consumer),
               WAIT_STATUS_EXITED(0));
    Print("pipetest: 1 MiB through %s in %u ms\n", name, SysUptime() - t0);
}

// --- the children -----------------------------------------------------------------

static int ChildRead(const char *text)
{
    char got[64];
    int n = StdioRead(got, sizeof(got));

    return n == (int)strlen(text) && memcmp(got, text, (uint32_t)n) == 0 &&
           StdioRead(got, sizeof(got)) == 0 ? 0 : 1;
}

static int ChildEpipe(void)
{
    int n = 0;

    memset(chunk, 'e', sizeof(chunk));
    for (int i = 0; i < 4 && n >= 0; i++)
        n = StdioWrite(CONTEXT_STDOUT, chunk, sizeof(chunk));
    return n == E_PIPE || (n >= 0 && n < (int)sizeof(chunk)) ? 0 : 1;
}

static int ChildBlock(void)
{
    static uint8_t big[65536];

    StdioWrite(CONTEXT_STDOUT, big, sizeof(big));
    return 1;                       // never reached: killed while it waits
}

static int Produce(void)
{
    PatternStart();
    for (uint32_t done = 0; done < STREAM_BYTES; done += sizeof(chunk)) {
        for (uint32_t i = 0; i < sizeof(chunk); i++)
            chunk[i] = PatternNext();
        if (StdioWrite(CONTEXT_STDOUT, chunk, sizeof(chunk)) != (int)sizeof(chunk))
            return 1;
    }
    return 0;
}

static int Consume(void)
{
    uint32_t total = 0, sum = 2166136261u, want = 2166136261u;
    int n;

    while ((n = StdioRead(chunk, sizeof(chunk))) > 0) {
        for (int i = 0; i < n; i++)
            sum = (sum ^ chunk[i]) * 16777619u;
        total += (uint32_t)n;
    }
    PatternStart();
    for (uint32_t i = 0; i < STREAM_BYTES; i++)
        want = (want ^ PatternNext()) * 16777619u;
    if (n < 0 || total != STREAM_BYTES || sum != want) {
        SysDebugWrite("pipetest: consume: wrong stream\n", 32);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv, char **envp)
{
    (void)envp;
    if (argc == 3 && strcmp(argv[1], "read") == 0)
        return ChildRead(argv[2]);
    if (argc == 2 && strcmp(argv[1], "eof") == 0)
        return ChildRead("");
    if (argc == 2 && strcmp(argv[1], "epipe") == 0)
        return ChildEpipe();
    if (argc == 2 && strcmp(argv[1], "hold") == 0)
        return 0;
    if (argc == 2 && strcmp(argv[1], "block") == 0)
        return ChildBlock();
    if (argc == 2 && strcmp(argv[1], "produce") == 0)
        return Produce();
    if (argc == 2 && strcmp(argv[1], "consume") == 0)
        return Consume();
    CheckBasics();
    CheckHandles();
    CheckBadInput();
    CheckWaiting();
    CheckStream();
    if (failures) {
        Print("pipetest: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    Print("pipetest: %d checks passed\n", checks);
    return 0;
}
