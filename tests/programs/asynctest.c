// asynctest: asynchronous reads and writes (MSG_READ_ASYNC,
// MSG_WRITE_ASYNC, MSG_CANCEL; include/clanker/job.h) against live file
// servers, through lib/user's FsReadAsync, FsWriteAsync, IpcJobWait,
// IpcJobWaitAny and IpcJobCancel.
//
//   asynctest [--kib N] PREFIX...    the checks on each prefix (fs:root: fs:temp:)
//   asynctest [--kib N] --fat BLOCKNS
//                                    starts bin/fatfs BLOCKNS fs:async:, runs the
//                                    checks there, then kills it with a job pending
//
// On each: a pattern of N KiB (1024) written with FsWriteAsync through a
// handle and checked with MSG_READ; read back with FsReadAsync by name
// while the program counts loop iterations (there must be some) and
// compared; a short read at the end; two jobs waited for in either order
// and with IpcJobWaitAny; cancel (and of an unknown job); every malformed
// request, each with its error; buffers that are not there or not
// writable (the job ends with E_FAULT); clients that end with jobs
// pending (the server drops them: MSG_QUERY says 0 jobs; the kernel
// frees them: five such clients of IPC_JOB_CLIENT_MAX jobs each, more
// than its table holds, and jobs still start after them). One line per
// failed check, then
//     asynctest: PREFIX: N checks passed, M failed (K iterations during the read)
// and exit code 0 only if none failed. The helper roles (--orphan,
// --other) are the same program started again; --lend NAME VALUE is the
// client of the in-kernel tests (tests/kernel/test_async.c).
#include <clanker/fs.h>
#include <lib/format.h>
#include <lib/string.h>
#include <lib/user.h>

#define KIB           1024u
#define UNMAPPED      0x70000000u       // user space this program never maps
#define NO_JOB        0x7ffffff0u       // a job id nobody holds
#define ORPHANS       5                 // IPC_JOB_CLIENT_MAX jobs each: more than IPC_JOB_MAX
#define FAT_PREFIX    "fs:async:"
#define WAIT_MS       10000u
#define PIECE         MESSAGE_MAX_DATA  // what a server moves at a time (FS_JOB_PIECE)

static int passed, failed;
static const char *self;                // argv[0], to start the helpers
static uint32_t size = 1024 * KIB;
static uint8_t *pattern, *buffer;
static char file[NS_NAME_MAX + 1];
static uint8_t scratch[MESSAGE_MAX_SIZE] __attribute__((aligned(16)));

#define Check(cond, what, got)                  \
    do {                                        \
        int ok_ = (cond);                       \
        Report(ok_, what, (int)(got));          \
    } while (0)

static void Report(int ok, const char *what, int got)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    Print("asynctest: FAIL %s (got %d)\n", what, got);
}

static uint8_t PatternByte(uint32_t i)
{
    return (uint8_t)((i ^ (i >> 8) ^ (i >> 16)) * 31 + 7);
}

// A type request with payload to name. Returns the reply's payload
// length (in scratch) or its E_* code.
static int Call(const char *name, uint32_t type, const void *payload, uint32_t length)
{
    return IpcCallInto(name, type, payload, length, (Message *)scratch, sizeof(scratch));
}

static int Open(const char *name, uint32_t flags)
{
    FsOpen open = { flags };
    int32_t handle;
    int got = Call(name, MSG_OPEN, &open, sizeof(open));

    if (got != (int)sizeof(handle))
        return got < 0 ? got : E_INVAL;
    memcpy(&handle, ((Message *)scratch)->data, sizeof(handle));
    return handle;
}

// The jobs the server of name runs now, or E_*.
static int Jobs(const char *name)
{
    FsServerStatus status;
    int got = Call(name, MSG_QUERY, NULL, 0);

    if (got != (int)sizeof(status))
        return got < 0 ? got : E_INVAL;
    memcpy(&status, ((Message *)scratch)->data, sizeof(status));
    return (int)status.jobs;
}

// The same, once it has come down to 0 (at most 2 s): exit notices take
// a moment.
static int JobsSettled(const char *name)
{
    int jobs = Jobs(name);

    for (int i = 0; i < 100 && jobs > 0; i++) {
        SysSleep(20);
        jobs = Jobs(name);
    }
    return jobs;
}

// Start a helper role and wait for it. Returns its exit code (100: it
// did not exit normally; negative: it did not start).
static int Helper(const char *role, const char *a, const char *b)
{
    char kib[16];
    const char *argv[] = { self, "--kib", kib, role, a, b, NULL };
    int status = 0, pid;

    Format(kib, sizeof(kib), "%u", size / KIB);
    pid = SysSpawn(self, argv);

    if (pid < 0)
        return pid;
    if (SysWait(pid, &status) != pid)
        return -1;
    return WAIT_IF_EXITED(status) ? WAIT_EXIT_CODE(status) : 100;
}

// Wait for job (at most WAIT_MS). Returns its value, or the wait's error
// shifted out of the way of E_* values (-1000 + error).
static int32_t Await(int job)
{
    int32_t value = 0;
    int err = job > 0 ? IpcJobWait((uint32_t)job, WAIT_MS, &value) : job;

    return err ? -1000 + err : value;
}

// Some work for the loop that runs while a job does.
static uint32_t Busy(uint32_t seed)
{
    volatile uint32_t x = seed;

    for (int i = 0; i < 200; i++)
        x = x * 1103515245u + 12345u;
    return x;
}

// --- the checks -----------------------------------------------------------------

// The pattern goes in with one FsWriteAsync through a handle; MSG_READ
// finds it. Returns the handle (open for reading and writing).
static int WritePattern(void)
{
    int h = Open(file, FS_READ | FS_WRITE | FS_CREATE | FS_TRUNCATE), bad = 0;

    Check(h > 0, "open the test file", h);
    Check(Await(FsWriteAsync(file, h, pattern, size, 0)) == (int32_t)size,
          "FsWriteAsync of the pattern through a handle: all of it", 0);
    for (uint32_t at = 0; at < size; at += size / 4) {
        FsIo io = { h, 4096, at };
        bad += Call(file, MSG_READ, &io, sizeof(io)) != 4096 ||
               memcmp(((Message *)scratch)->data, pattern + at, 4096) != 0;
    }
    Check(bad == 0, "MSG_READ finds the pattern the job wrote", bad);
    return h;
}

// A read of the whole file by name while this program runs on.
static uint32_t ReadWhileRunning(void)
{
    uint32_t iterations = 0, seed = 1;
    int32_t value = 0;
    int job, err;

    memset(buffer, 0, size);
    job = FsReadAsync(file, 0, buffer, size, 0);
    Check(job > 0, "FsReadAsync of the whole file by name", job);
    while ((err = IpcJobWait((uint32_t)job, IPC_JOB_POLL, &value)) == E_TIMEDOUT) {
        iterations++;
        seed = Busy(seed);
    }
    Check(err == 0 && value == (int32_t)size, "the read's notice: all of it", err ? err : value);
    Check(iterations > 0, "the program ran on while the server read", iterations);
    Check(memcmp(buffer, pattern, size) == 0, "the bytes read are the pattern", 0);
    Check(IpcJobWait((uint32_t)job, IPC_JOB_POLL, &value) == E_NOENT,
          "a job waited for is gone", 0);
    return iterations;
}

// Short reads, two jobs at once, either order, IpcJobWaitAny.
static void ReadsTogether(int h)
{
    uint32_t half = size / 2, id = 0, seen = 0;
    int32_t value = 0, a, b;

    Check(Await(FsReadAsync(file, h, buffer, 8192, size - 4096)) == 4096,
          "a read across the end stops there", 0);
    Check(Await(FsReadAsync(file, h, buffer, 4096, size + 100)) == 0,
          "a read past the end moves nothing", 0);
    memset(buffer, 0, size);
    a = FsReadAsync(file, h, buffer, half, 0);
    b = FsReadAsync(file, 0, buffer + half, size - half, half);
    Check(Await(b) == (int32_t)(size - half) && Await(a) == (int32_t)half,
          "two jobs waited for in the other order: nothing lost", 0);
    Check(memcmp(buffer, pattern, size) == 0, "two halves read together", 0);
    a = FsReadAsync(file, h, buffer, half, 0);
    b = FsReadAsync(file, h, buffer + half, size - half, half);
    for (int i = 0; i < 2 && IpcJobWaitAny(&id, &value, WAIT_MS) == 0; i++)
        seen |= (id == (uint32_t)a && value == (int32_t)half ? 1 : 0) |
                (id == (uint32_t)b && value == (int32_t)(size - half) ? 2 : 0);
    Check(seen == 3, "IpcJobWaitAny hands out both jobs", (int)seen);
    Check(IpcJobWaitAny(&id, &value, 10) == E_NOENT, "IpcJobWaitAny with no job: E_NOENT", 0);
}

// Cancel a job that runs, and one nobody has.
static void Cancels(void)
{
    int job = FsReadAsync(file, 0, buffer, size, 0), err;
    int32_t value;
    IpcNotification note;

    err = IpcJobCancel(file, (uint32_t)job);
    Check(err == 0 || (size <= PIECE && err == E_NOENT), "cancel a running job", err);
    Check(IpcJobWait((uint32_t)job, 100, &value) == E_NOENT, "a cancelled job is gone", 0);
    Check(Jobs(file) == 0, "the server holds no job after the cancel", Jobs(file));
    Check(IpcWaitNotification(&note, 50) == E_TIMEDOUT,
          "the cancelled job's notice is dropped, not handed out", (int)note.jobId);
    Check(IpcJobCancel(file, NO_JOB) == E_NOENT, "cancel of an unknown job: E_NOENT", 0);
    Check(Call(file, MSG_CANCEL, "\1\0", 2) == E_INVAL, "MSG_CANCEL of 2 bytes: E_INVAL", 0);
}

// A raw asynchronous request. Returns the server's E_* code, or 0 after
// cancelling and dropping a job the server took.
static int Raw(uint32_t type, int32_t handle, uint32_t length, uint64_t offset, uint32_t job,
               uint32_t reserved, uint32_t payload)
{
    FsAsyncIo io = { handle, length, offset, job, reserved };
    uint8_t bytes[sizeof(io) + 4] = { 0 };
    FsJobId cancel = { job };
    int got;

    memcpy(bytes, &io, sizeof(io));
    got = Call(file, type, bytes, payload);
    if (got >= 0) {
        Call(file, MSG_CANCEL, &cancel, sizeof(cancel));
        SysIpcJobDrop(job);
    }
    return got < 0 ? got : 0;
}

// A job lent to name for access over the first length bytes of buffer.
static uint32_t Lend(const char *name, uint32_t length, uint32_t access)
{
    int job = SysIpcJobCreate(name, buffer, length, access, NULL);

    return job > 0 ? (uint32_t)job : 0;
}

// Every malformed request is refused, each with its error, and leaves
// the server as it was.
static void Malformed(const char *prefix, int h)
{
    const char *elsewhere = "proc:";        // another server, always there
    uint32_t w = Lend(file, 8192, IPC_JOB_SERVER_WRITES), r = Lend(file, 8192, IPC_JOB_SERVER_READS);
    uint32_t away = Lend(elsewhere, 8192, IPC_JOB_SERVER_WRITES);
    int ro = Open(file, FS_READ);

    Check(w && r && away && ro > 0, "jobs and a read-only handle for the malformed requests", 0);
    Check(Raw(MSG_READ_ASYNC, 0, 4096, 0, w, 0, 8) == E_INVAL, "a short request: E_INVAL", 0);
    Check(Raw(MSG_READ_ASYNC, 0, 4096, 0, w, 0, sizeof(FsAsyncIo) + 4) == E_INVAL,
          "a long request: E_INVAL", 0);
    Check(Raw(MSG_READ_ASYNC, 0, 4096, 0, w, 1, sizeof(FsAsyncIo)) == E_INVAL,
          "reserved not 0: E_INVAL", 0);
    Check(Raw(MSG_READ_ASYNC, 0, 0, 0, w, 0, sizeof(FsAsyncIo)) == E_INVAL, "length 0: E_INVAL", 0);
    Check(Raw(MSG_READ_ASYNC, 0, FS_ASYNC_MAX + 1, 0, w, 0, sizeof(FsAsyncIo)) == E_INVAL,
          "a huge length: E_INVAL", 0);
    Check(Raw(MSG_READ_ASYNC, 0, 4096, ~0ull - 100, w, 0, sizeof(FsAsyncIo)) == E_INVAL,
          "an offset that wraps: E_INVAL", 0);
    Check(Raw(MSG_READ_ASYNC, 9999, 4096, 0, w, 0, sizeof(FsAsyncIo)) == E_BADF,
          "a handle that is nobody's: E_BADF", 0);
    Check(Raw(MSG_READ_ASYNC, -1, 4096, 0, w, 0, sizeof(FsAsyncIo)) == E_BADF,
          "a negative handle: E_BADF", 0);
    Check(Raw(MSG_WRITE_ASYNC, ro, 4096, 0, r, 0, sizeof(FsAsyncIo)) == E_BADF,
          "a write through a read-only handle: E_BADF", 0);
    Check(Raw(MSG_READ_ASYNC, 0, 4096, 0, NO_JOB, 0, sizeof(FsAsyncIo)) == E_FAULT,
          "a job nobody lent: E_FAULT", 0);
    Check(Raw(MSG_READ_ASYNC, 0, 4096, 0, r, 0, sizeof(FsAsyncIo)) == E_FAULT,
          "a read into a buffer lent for taking from: E_FAULT", 0);
    Check(Raw(MSG_WRITE_ASYNC, h, 4096, 0, w, 0, sizeof(FsAsyncIo)) == E_FAULT,
          "a write from a buffer lent for filling: E_FAULT", 0);
    Check(Raw(MSG_READ_ASYNC, 0, 8193, 0, w, 0, sizeof(FsAsyncIo)) == E_FAULT,
          "a length past the buffer lent: E_FAULT", 0);
    Check(Raw(MSG_READ_ASYNC, 0, 4096, 0, away, 0, sizeof(FsAsyncIo)) == E_FAULT,
          "a buffer lent to another server: E_FAULT", 0);
    Check(SysIpcJobDrop(away) == 0 && SysIpcJobDrop(w) == 0 && SysIpcJobDrop(r) == 0,
          "the refused jobs are still the client's to drop", 0);
    Check(Call(file, MSG_CLOSE, &ro, sizeof(ro)) == 0, "close the read-only handle", 0);
    Check(Jobs(prefix) == 0, "nothing taken by the malformed requests", Jobs(prefix));
}

// The same job twice: the second is E_BUSY.
static void TakenTwice(void)
{
    uint32_t job = Lend(file, size, IPC_JOB_SERVER_WRITES);
    FsAsyncIo io = { 0, size, 0, job, 0 };
    FsJobId cancel = { job };

    IpcNotification note = { 0, 0, 0 };
    int cancelled;

    Check(Call(file, MSG_READ_ASYNC, &io, sizeof(io)) == (int)sizeof(FsJobId),
          "a raw MSG_READ_ASYNC answers the job id", 0);
    Check(Call(file, MSG_READ_ASYNC, &io, sizeof(io)) == E_BUSY, "the same job again: E_BUSY", 0);
    cancelled = Call(file, MSG_CANCEL, &cancel, sizeof(cancel)) == 0;
    Check(cancelled || size <= PIECE, "a raw MSG_CANCEL of it", 0);
    Check(IpcWaitNotification(&note, WAIT_MS) == 0 && note.jobId == job &&
          note.value == (cancelled ? E_CANCELED : (int32_t)size),
          "its one notice: E_CANCELED", note.value);
    Check(SysIpcJobDrop(job) == E_NOENT, "a job with its notice sent is gone", 0);
}

// What the kernel refuses when the job is made, before any request.
static void BadLoans(void)
{
    Check(FsReadAsync(file, 0, (void *)0xfffff000u, 0x2000, 0) == E_FAULT,
          "a buffer that wraps past 4 GiB: E_FAULT", 0);
    Check(FsReadAsync(file, 0, (void *)0xc0000000u, 4096, 0) == E_FAULT,
          "a buffer in kernel space: E_FAULT", 0);
    Check(FsReadAsync(file, 0, NULL, 4096, 0) == E_FAULT, "a buffer at 0: E_FAULT", 0);
    Check(SysIpcJobCreate(file, buffer, 0, IPC_JOB_SERVER_WRITES, NULL) == E_INVAL,
          "a loan of 0 bytes: E_INVAL", 0);
    Check(SysIpcJobCreate(file, buffer, IPC_JOB_LENGTH_MAX + 1, IPC_JOB_SERVER_WRITES, NULL) ==
              E_INVAL, "a loan over IPC_JOB_LENGTH_MAX: E_INVAL", 0);
    Check(SysIpcJobCreate(file, buffer, 4096, 3, NULL) == E_INVAL, "both ways at once: E_INVAL", 0);
    Check(SysIpcJobCreate("nosuch:x", buffer, 4096, IPC_JOB_SERVER_WRITES, NULL) == E_NOENT,
          "a loan to nobody: E_NOENT", 0);
    Check(SysIpcJobDrop(NO_JOB) == E_NOENT, "drop of an unknown job: E_NOENT", 0);
    Check(FsReadAsync("fs:nosuch:x", 0, buffer, 4096, 0) == E_NOENT, "a server that is not", 0);
}

// Buffers the kernel lends but the server cannot reach: the job ends
// with E_FAULT, the server carries on.
static void BadBuffers(int h)
{
    uint32_t text = (uint32_t)(uintptr_t)&Busy & ~4095u;

    SysMemUnmap(UNMAPPED, 0x10000);
    Check(Await(FsReadAsync(file, 0, (void *)UNMAPPED, 8192, 0)) == E_FAULT,
          "a read into pages that are not there: E_FAULT", 0);
    Check(Await(FsWriteAsync(file, h, (void *)UNMAPPED, 4096, 0)) == E_FAULT,
          "a write from pages that are not there: E_FAULT", 0);
    Check(Await(FsReadAsync(file, 0, (void *)text, 4096, 0)) == E_FAULT,
          "a read into read-only code: E_FAULT", 0);
    Check(Await(FsReadAsync(file, 0, buffer, 4096, 0)) == 4096 &&
          memcmp(buffer, pattern, 4096) == 0, "the file as it was after them", 0);
}

// Clients that end with jobs pending leave nothing behind.
static void Orphans(const char *prefix)
{
    int bad = 0;

    for (int i = 0; i < ORPHANS; i++)
        bad += Helper("--orphan", prefix, file) != 0;
    Check(bad == 0, "clients with IPC_JOB_CLIENT_MAX jobs each, ended at once", bad);
    Check(JobsSettled(prefix) == 0, "the server dropped the ended clients' jobs", Jobs(prefix));
    Check(Await(FsReadAsync(file, 0, buffer, 4096, 0)) == 4096,
          "the kernel freed their jobs: a new one starts", 0);
}

// Another process's handle is E_BADF.
static void ForeignHandle(int h)
{
    char number[16];

    Format(number, sizeof(number), "%d", h);
    Check(Helper("--other", file, number) == 0, "another client's handle: E_BADF", 0);
}

static void RunChecks(const char *prefix)
{
    uint32_t iterations;
    int h;

    passed = failed = 0;
    Format(file, sizeof(file), "%sasync.%d.dat", prefix, SysGetPid());
    h = WritePattern();
    iterations = ReadWhileRunning();
    ReadsTogether(h);
    Cancels();
    Malformed(prefix, h);
    TakenTwice();
    BadLoans();
    BadBuffers(h);
    ForeignHandle(h);
    Orphans(prefix);
    Check(JobsSettled(prefix) == 0, "no job left at the end", Jobs(prefix));
    Call(file, MSG_CLOSE, &h, sizeof(h));
    Check(Call(file, MSG_DELETE, NULL, 0) == 0, "delete the test file", 0);
    Print("asynctest: %s: %d checks passed, %d failed (%u iterations during the read)\n", prefix,
          passed, failed, iterations);
}

// --- FAT: a server of its own, killed with a job pending ---------------------------

static int StartFat(const char *device)
{
    const char *argv[] = { "fs:root:bin/fatfs", device, FAT_PREFIX, NULL };
    int pid = SysSpawn(argv[0], argv);

    for (int i = 0; pid > 0 && i < 250; i++) {
        if (Call(FAT_PREFIX, MSG_STAT, NULL, 0) >= 0)
            return pid;
        SysSleep(20);
    }
    return pid > 0 ? E_TIMEDOUT : pid;
}

static int FatChecks(const char *device)
{
    int pid = StartFat(device), job, h, total, status;
    int32_t value;

    if (pid < 0) {
        Print("asynctest: %s: fatfs did not serve %s (%d)\n", device, FAT_PREFIX, pid);
        return 1;
    }
    RunChecks(FAT_PREFIX);
    total = failed;
    passed = failed = 0;
    h = Open(file, FS_READ | FS_WRITE | FS_CREATE | FS_TRUNCATE);
    Check(Await(FsWriteAsync(file, h, pattern, size, 0)) == (int32_t)size, "the pattern again", 0);
    job = FsReadAsync(file, h, buffer, size, 0);
    Check(job > 0 && SysKill(pid) == 0, "kill the server with a job pending", job);
    value = Await(job);
    Check(value == E_DEAD, "the pending job ends with E_DEAD", value);
    Check(SysWait(pid, &status) == pid, "the server is gone", status);
    Print("asynctest: %s: server killed with a job pending: %d checks passed, %d failed\n",
          FAT_PREFIX, passed, failed);
    return total + failed != 0;
}

// --- the helpers ------------------------------------------------------------------------

// --orphan PREFIX FILE: IPC_JOB_CLIENT_MAX jobs, one of them a real read,
// then exit without waiting. 0 if the kernel counted them right.
static int Orphan(const char *prefix, const char *name)
{
    int bad = FsReadAsync(name, 0, buffer, size, 0) <= 0;

    for (int i = 1; i < IPC_JOB_CLIENT_MAX; i++)
        bad += SysIpcJobCreate(prefix, buffer, 4096, IPC_JOB_SERVER_WRITES, NULL) <= 0;
    bad += SysIpcJobCreate(prefix, buffer, 4096, IPC_JOB_SERVER_WRITES, NULL) != E_NOSPC;
    return bad;
}

// --other FILE HANDLE: a read through the parent's handle is E_BADF.
static int Other(const char *name, const char *number)
{
    uint32_t job;
    int handle = 0;

    Format(file, sizeof(file), "%s", name);
    ParseInt(number, &handle);
    job = Lend(name, 4096, IPC_JOB_SERVER_WRITES);
    return !(job && Raw(MSG_READ_ASYNC, handle, 4096, 0, job, 0, sizeof(FsAsyncIo)) == E_BADF);
}

// --lend NAME VALUE: lend 8 KiB to the server of NAME for filling, ask
// for a read into it, and wait for the job's one notice: 0 if it comes
// from that server with VALUE and, when VALUE is 8192, the buffer holds
// the pattern (tests/kernel/test_async.c is the server).
static int Lender(const char *name, const char *expected)
{
    union { Message message; uint8_t bytes[MESSAGE_HEADER_SIZE + sizeof(FsAsyncIo)]; } reply;
    IpcNotification note = { 0, 0, 0 };
    FsAsyncIo io = { 0, 8192, 0, 0, 0 };
    uint32_t server = 0;
    int want = 0, job;

    ParseInt(expected, &want);
    memset(buffer, 0, 8192);
    job = SysIpcJobCreate(name, buffer, 8192, IPC_JOB_SERVER_WRITES, &server);
    io.job = (uint32_t)job;
    if (job <= 0 || IpcCallInto(name, MSG_READ_ASYNC, &io, sizeof(io), &reply.message,
                                sizeof(reply)) != (int)sizeof(FsJobId))
        return 3;
    if (SysIpcWaitNotify(&note, WAIT_MS) != 0 || note.jobId != (uint32_t)job ||
        note.senderId != server || note.value != want)
        return 4;
    if (SysIpcNoticePoll(&note) != E_AGAIN)
        return 5;                       // a second notice
    return want == 8192 && memcmp(buffer, pattern, 8192) != 0 ? 6 : 0;
}

// Options, then the buffers. Returns the index of the first operand, or -1.
static int Setup(int argc, char **argv)
{
    int first = 1, kib = 0;

    self = argv[0];
    if (argc > 2 && strcmp(argv[1], "--kib") == 0) {
        if (ParseInt(argv[2], &kib) != 0 || kib < 8 || kib > 4096)
            return -1;
        size = (uint32_t)kib * KIB;
        first = 3;
    }
    pattern = malloc(size);
    buffer = malloc(size);
    if (!pattern || !buffer)
        return -1;
    for (uint32_t i = 0; i < size; i++)
        pattern[i] = PatternByte(i);
    return first < argc ? first : -1;
}

int main(int argc, char **argv)
{
    int first = Setup(argc, argv), bad = 0;

    if (first < 0) {
        Print("usage: asynctest [--kib N] PREFIX... | [--kib N] --fat BLOCKNS\n");
        return 2;
    }
    if (argc - first == 3 && strcmp(argv[first], "--orphan") == 0)
        return Orphan(argv[first + 1], argv[first + 2]);
    if (argc - first == 3 && strcmp(argv[first], "--other") == 0)
        return Other(argv[first + 1], argv[first + 2]);
    if (argc - first == 3 && strcmp(argv[first], "--lend") == 0)
        return Lender(argv[first + 1], argv[first + 2]);
    if (argc - first == 2 && strcmp(argv[first], "--fat") == 0)
        return FatChecks(argv[first + 1]);
    for (int i = first; i < argc; i++) {
        RunChecks(argv[i]);
        bad += failed != 0;
    }
    return bad != 0;
}
