// Asynchronous jobs (kernel/ipc/async.c): the server's calls seen from a
// kernel thread serving a ring-3 client (bin/asynctest --lend), a server
// that dies with a job pending, and bin/asynctest against a ring-3 file
// server of its own (bin/fstemp).
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <clanker/syscall.h>
#include <lib/string.h>
#include <kernel/exec/loader.h>
#include <kernel/ipc/async.h>
#include <kernel/ipc/ipc.h>
#include <kernel/proc/process.h>
#include <kernel/proc/sched.h>
#include "ktest.h"

#define LEND_LENGTH 8192u
#define NO_JOB      0x7ffffff0u

static uint8_t requestBuffer[256] __attribute__((aligned(16)));
static uint8_t bytes[LEND_LENGTH];

// asynctest's pattern (tests/programs/asynctest.c).
static uint8_t PatternByte(uint32_t i)
{
    return (uint8_t)((i ^ (i >> 8) ^ (i >> 16)) * 31 + 7);
}

static int Spawn(const char *path, const char *a1, const char *a2, const char *a3)
{
    const char *argv[4] = { path, a1, a2, a3 };
    int argc = a3 ? 4 : a2 ? 3 : a1 ? 2 : 1;

    return LoaderSpawn(path, argc, argv, PROCESS_USER, ProcessCurrent());
}

static int WaitFor(int pid)
{
    int status = -1;

    KTEST_ASSERT(pid > 0);
    KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
    return status;
}

// Receive the lender's MSG_READ_ASYNC and answer it with its job id.
// Returns the job id; *client gets the lender's pid.
static uint32_t TakeLoan(uint32_t *client)
{
    Message *m = (Message *)requestBuffer;
    struct { Message header; FsJobId id; } reply;
    IpcEnvelope env;
    FsAsyncIo io;
    IpcJobFacts facts;

    KTEST_ASSERT(IpcReceiveTimeout(m, sizeof(requestBuffer), &env, 5000) > 0);
    KTEST_ASSERT_EQ(m->type, MSG_READ_ASYNC);
    KTEST_ASSERT_EQ(MessageDataLength(m), sizeof(io));
    memcpy(&io, m->data, sizeof(io));
    KTEST_ASSERT_EQ(IpcJobQuery(io.job, &facts), 0);
    KTEST_ASSERT_EQ(facts.client, m->senderId);
    *client = facts.client;
    KTEST_ASSERT_EQ(facts.length, LEND_LENGTH);
    KTEST_ASSERT_EQ(facts.access, IPC_JOB_SERVER_WRITES);
    reply.header = (Message){ .type = MSG_RESPONSE, .length = sizeof(reply) };
    reply.id.job = io.job;
    KTEST_ASSERT_EQ(IpcReply(m->requestId, &reply.header), 0);
    return io.job;
}

// The server's side: a loan is reached only as it was lent, within its
// length, and ends once.
KTEST(AsyncJobServerCalls)
{
    uint32_t job, lender;
    IpcJobFacts facts;
    int client;

    KTEST_ASSERT_EQ(IpcRegister("tlend:", 0), 0);
    client = Spawn("bin/asynctest", "--lend", "tlend:x", "8192");
    job = TakeLoan(&lender);
    KTEST_ASSERT_EQ(lender, (uint32_t)client);
    KTEST_ASSERT_EQ(IpcJobQuery(NO_JOB, &facts), E_NOENT);
    KTEST_ASSERT_EQ(IpcJobReadKernel(job, 0, bytes, 16), E_PERM);      // lent for filling
    KTEST_ASSERT_EQ(IpcJobWriteKernel(job, LEND_LENGTH - 100, bytes, 200), E_RANGE);
    KTEST_ASSERT_EQ(IpcJobWriteKernel(job, 0xffffffffu, bytes, 2), E_RANGE);
    KTEST_ASSERT_EQ(IpcJobWriteKernel(NO_JOB, 0, bytes, 2), E_NOENT);
    KTEST_ASSERT_EQ(IpcJobDrop(job), E_NOENT);                          // only its client may
    for (uint32_t i = 0; i < LEND_LENGTH; i++)
        bytes[i] = PatternByte(i);
    KTEST_ASSERT_EQ(IpcJobWriteKernel(job, 100, bytes + 100, LEND_LENGTH - 100), 0);
    KTEST_ASSERT_EQ(IpcJobWriteKernel(job, 0, bytes, 100), 0);
    KTEST_ASSERT_EQ(IpcJobFinish(job, (int32_t)LEND_LENGTH), 0);
    KTEST_ASSERT_EQ(IpcJobFinish(job, 1), E_NOENT);                     // once
    KTEST_ASSERT_EQ(IpcJobWriteKernel(job, 0, bytes, 1), E_NOENT);
    KTEST_ASSERT_EQ(WaitFor(client), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(IpcUnregister("tlend:"), 0);
}

// A server thread that takes one loan and then only sleeps.
static volatile int loanTaken;

static void Taker(void *arg)
{
    uint32_t client;

    (void)arg;
    KTEST_ASSERT_EQ(IpcRegister("tdie:", 0), 0);
    TakeLoan(&client);
    loanTaken = 1;
    for (;;)
        SchedSleep(1000);
}

// A server killed with a job pending: its client's notice is E_DEAD, from
// the server's pid, though another process did the killing.
KTEST(AsyncJobServerDeath)
{
    Process *server;
    int client;

    loanTaken = 0;
    server = ProcessCreateThread("taker", Taker, NULL);
    KTEST_ASSERT(server != NULL);
    for (int i = 0; i < 100 && !IpcServes("tdie:"); i++)
        SchedSleep(10);
    client = Spawn("bin/asynctest", "--lend", "tdie:x", "-130");
    KTEST_ASSERT(client > 0);
    for (int i = 0; i < 500 && !loanTaken; i++)
        SchedSleep(10);
    KTEST_ASSERT(loanTaken);
    uint32_t serverPid = server->pid;
    int status;

    KTEST_ASSERT_EQ(ProcessKill(serverPid), 0);
    KTEST_ASSERT_EQ(WaitFor(client), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(ProcessWait((int)serverPid, &status), (int)serverPid);
}

// bin/asynctest against bin/fstemp serving tasync:, every check.
KTEST(AsyncJobsOnARingThreeFileServer)
{
    int server = Spawn("bin/fstemp", "tasync:", NULL, NULL), status;

    KTEST_ASSERT(server > 0);
    for (int i = 0; i < 500 && !IpcServes("tasync:"); i++)
        SchedSleep(10);
    KTEST_ASSERT(IpcServes("tasync:"));
    KTEST_ASSERT_EQ(WaitFor(Spawn("bin/asynctest", "tasync:", NULL, NULL)), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(ProcessKill((uint32_t)server), 0);
    KTEST_ASSERT_EQ(ProcessWait(server, &status), server);
}
