// IPC and namespace tests from the kernel side: routing by longest
// prefix, registration rules, aliases, discovery, many clients, every
// error case, servers and clients dying mid-request, timeouts, async jobs.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/syscall.h>
#include <lib/format.h>
#include <lib/string.h>
#include <arch/x86/layout.h>
#include <kernel/ipc/ipc.h>
#include <kernel/mm/kheap.h>
#include <kernel/exec/loader.h>
#include <kernel/mm/memory.h>
#include <kernel/proc/process.h>
#include <kernel/proc/sched.h>
#include "ktest.h"

static Message *NewMessage(uint32_t type, const void *data, uint32_t length)
{
    Message *m = kmalloc(MESSAGE_HEADER_SIZE + length);

    KTEST_ASSERT(m != NULL);
    *m = (Message){ .type = type, .length = MESSAGE_HEADER_SIZE + length };
    if (length)
        memcpy(m->data, data, length);
    return m;
}

// Answer requestId with m, then free m (IpcReply leaves it to its caller).
static int ReplyNew(uint32_t requestId, Message *m)
{
    int err = IpcReply(requestId, m);

    kfree(m);
    return err;
}

// Send and return the error; *reply (if asked) gets the reply.
static int Call(const char *name, uint32_t type, const char *text, uint32_t timeout, Message **out)
{
    Message *reply = NULL;
    int err = IpcCall(name, NewMessage(type, text, text ? strlen(text) + 1 : 0), timeout, &reply);

    if (out)
        *out = reply;
    else
        kfree(reply);
    return err;
}

// A kernel thread serving the prefix in arg: every request is answered
// with "PREFIX|NAME" except MSG_CLOSE, which ends it.
static void PrefixServer(void *arg)
{
    static uint8_t buffers[4][MESSAGE_MAX_SIZE] __attribute__((aligned(16)));
    static int used;
    Message *m = (Message *)buffers[used++ % 4];
    IpcEnvelope env;
    char text[2 * NS_NAME_MAX + 4];

    KTEST_ASSERT(IpcRegister(arg, 0) == 0);
    for (;;) {
        int n = IpcReceive(IPC_MEMORY_KERNEL, (uintptr_t)m, MESSAGE_MAX_SIZE, (uintptr_t)&env);
        if (n < 0)
            continue;
        memcpy(text, arg, strlen(arg));
        text[strlen(arg)] = '|';
        memcpy(text + strlen(arg) + 1, env.name, strlen(env.name) + 1);
        ReplyNew(m->requestId, NewMessage(MSG_RESPONSE, text, strlen(text) + 1));
        if (m->type == MSG_CLOSE)
            return;
    }
}

static Process *StartServer(const char *prefix)
{
    Process *p = ProcessCreateThread("prefixserver", PrefixServer, (void *)prefix);

    KTEST_ASSERT(p != NULL);
    SchedSleep(20);                 // let it register
    return p;
}

static void ExpectRoute(const char *name, const char *expected)
{
    Message *reply;

    KTEST_ASSERT_EQ(Call(name, MSG_QUERY, NULL, 0, &reply), 0);
    KTEST_ASSERT(reply->type == MSG_RESPONSE);
    KTEST_ASSERT(strcmp((const char *)reply->data, expected) == 0);
    kfree(reply);
}

static void Stop(Process *server)
{
    int status;

    KTEST_ASSERT_EQ(ProcessKill(server->pid), 0);
    KTEST_ASSERT(ProcessWait((int)server->pid, &status) > 0);
}

// fs:, fs:root: and fs:root:program/ served by three processes: each
// request goes to the longest registered prefix.
KTEST(IpcLongestPrefixRouting)
{
    Process *a = StartServer("tfs:"), *b = StartServer("tfs:root:"), *c = StartServer("tfs:root:program/");

    ExpectRoute("tfs:root:program/hello", "tfs:root:program/|tfs:root:program/hello");
    ExpectRoute("tfs:root:hello.txt", "tfs:root:|tfs:root:hello.txt");
    ExpectRoute("tfs:root:programs", "tfs:root:|tfs:root:programs");
    ExpectRoute("tfs:temp:x", "tfs:|tfs:temp:x");
    ExpectRoute("tfs:", "tfs:|tfs:");
    KTEST_ASSERT_EQ(Call("tfsx:root:", MSG_QUERY, NULL, 0, NULL), E_NOENT);
    Stop(c);
    ExpectRoute("tfs:root:program/hello", "tfs:root:|tfs:root:program/hello");
    Stop(b);
    Stop(a);
    KTEST_ASSERT_EQ(Call("tfs:root:x", MSG_QUERY, NULL, 0, NULL), E_NOENT);
}

// Registration rules: one owner per prefix, only the owner unregisters,
// and a dead server's prefixes go away.
KTEST(IpcRegistrationRules)
{
    Process *a = StartServer("treg:");

    KTEST_ASSERT_EQ(IpcRegister("treg:", 0), E_EXIST);      // held by a live server
    KTEST_ASSERT_EQ(IpcUnregister("treg:"), E_PERM);        // not ours
    KTEST_ASSERT_EQ(IpcUnregister("tnever:"), E_NOENT);
    KTEST_ASSERT_EQ(IpcRegister("tmine:", 0), 0);
    KTEST_ASSERT_EQ(IpcRegister("tmine:", 0), E_EXIST);
    KTEST_ASSERT_EQ(Call("tmine:x", MSG_QUERY, NULL, 0, NULL), E_BUSY);   // ourselves
    KTEST_ASSERT_EQ(IpcUnregister("tmine:"), 0);
    KTEST_ASSERT_EQ(Call("tmine:x", MSG_QUERY, NULL, 0, NULL), E_NOENT);
    for (uint32_t i = 0; i < IPC_PREFIXES_MAX; i++) {          // a per-process limit
        char prefix[24];
        Format(prefix, sizeof(prefix), "tmany%u:", i);
        KTEST_ASSERT_EQ(IpcRegister(prefix, 0), 0);
    }
    KTEST_ASSERT_EQ(IpcRegister("tonemore:", 0), E_NOSPC);
    for (uint32_t i = 0; i < IPC_PREFIXES_MAX; i++) {
        char prefix[24];
        Format(prefix, sizeof(prefix), "tmany%u:", i);
        KTEST_ASSERT_EQ(IpcUnregister(prefix), 0);
    }
    KTEST_ASSERT_EQ(IpcRegister("tonemore:", 0), 0);
    KTEST_ASSERT_EQ(IpcUnregister("tonemore:"), 0);
    Stop(a);
    KTEST_ASSERT_EQ(IpcRegister("treg:", 0), 0);            // free again
    KTEST_ASSERT_EQ(IpcUnregister("treg:"), 0);
}

// Malformed names are refused before anything else happens.
KTEST(IpcMalformedNames)
{
    static const struct { const char *name; int err; } bad[] = {
        { "", E_INVAL }, { "nocolon", E_INVAL }, { ":x", E_INVAL },
        { "Upper:x", E_INVAL }, { "1abc:x", E_INVAL }, { "a b:x", E_INVAL },
        { "ok:bad\x01", E_INVAL }, { "ok:tab\there", E_INVAL }, { "ok:del\x7f", E_INVAL },
    };
    char longName[300];

    for (uint32_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        KTEST_ASSERT_EQ(NsCheckName(bad[i].name), bad[i].err);
        KTEST_ASSERT_EQ(Call(bad[i].name, MSG_QUERY, NULL, 0, NULL), bad[i].err);
        KTEST_ASSERT_EQ(IpcRegister(bad[i].name, 0), bad[i].err);
    }
    memset(longName, 'a', sizeof(longName));
    memcpy(longName, "long:", 5);
    longName[256] = 0;
    KTEST_ASSERT_EQ(Call(longName, MSG_QUERY, NULL, 0, NULL), E_NAMETOOLONG);
    longName[255] = 0;
    KTEST_ASSERT_EQ(NsCheckName(longName), 255);
    KTEST_ASSERT_EQ(IpcRegister("long:noseparator", 0), E_INVAL);   // a prefix ends in : or /
}

// root:/ and home:/ rewrite before lookup; aliases change at run time.
KTEST(IpcAliases)
{
    Process *s = StartServer("fs:root:");
    Message *reply;

    ExpectRoute("root:/hello.txt", "fs:root:|fs:root:hello.txt");
    ExpectRoute("home:/notes", "fs:root:|fs:root:home/notes");
    KTEST_ASSERT_EQ(Call("ns:alias", MSG_CREATE, "talias:/ fs:root:sub/", 0, NULL), 0);
    ExpectRoute("talias:/x", "fs:root:|fs:root:sub/x");
    KTEST_ASSERT_EQ(Call("ns:alias", MSG_LIST, NULL, 0, &reply), 0);
    KTEST_ASSERT(KtestContains((const char *)reply->data, "talias:/ fs:root:sub/\n"));
    KTEST_ASSERT(KtestContains((const char *)reply->data, "root:/ fs:root:\n"));
    kfree(reply);
    KTEST_ASSERT_EQ(Call("ns:alias", MSG_CREATE, "talias:/ fs:root:other/", 0, NULL), 0);
    ExpectRoute("talias:/x", "fs:root:|fs:root:other/x");
    KTEST_ASSERT_EQ(Call("ns:alias", MSG_DELETE, "talias:/", 0, NULL), 0);
    KTEST_ASSERT_EQ(Call("talias:/x", MSG_QUERY, NULL, 0, NULL), E_NOENT);
    KTEST_ASSERT_EQ(Call("ns:alias", MSG_DELETE, "talias:/", 0, NULL), E_NOENT);
    KTEST_ASSERT_EQ(Call("ns:alias", MSG_CREATE, "bad fs:root:", 0, NULL), E_INVAL);
    KTEST_ASSERT_EQ(Call("ns:alias", MSG_CREATE, "onlyone:/", 0, NULL), E_INVAL);
    Stop(s);
}

// The text of ns:alias's listing, into text (MESSAGE_MAX_DATA + 1 bytes).
static void AliasListing(char *text)
{
    Message *reply;

    KTEST_ASSERT_EQ(Call("ns:alias", MSG_LIST, NULL, 0, &reply), 0);
    memcpy(text, reply->data, MessageDataLength(reply));
    text[MessageDataLength(reply)] = 0;
    kfree(reply);
}

// Every malformed ns:alias request is refused whole, and a full table
// refuses one more alias: the table is as it was, byte for byte.
KTEST(IpcAliasRefusalsChangeNothing)
{
    static char before[MESSAGE_MAX_DATA + 1], after[MESSAGE_MAX_DATA + 1], tooLong[600];
    char line[32];
    int added = 0, err;

    AliasListing(before);
    memset(tooLong, 'a', sizeof(tooLong) - 1);
    KTEST_ASSERT_EQ(Call("ns:alias", MSG_CREATE, NULL, 0, NULL), E_INVAL);       // no payload
    KTEST_ASSERT_EQ(Call("ns:alias", MSG_CREATE, tooLong, 0, NULL), E_INVAL);
    KTEST_ASSERT_EQ(Call("ns:alias", MSG_CREATE, "talias:/", 0, NULL), E_INVAL);
    KTEST_ASSERT_EQ(Call("ns:alias", MSG_CREATE, "talias:/ Bad:", 0, NULL), E_INVAL);
    KTEST_ASSERT_EQ(Call("ns:alias", MSG_DELETE, "root:/ fs:root:", 0, NULL), E_INVAL);
    KTEST_ASSERT_EQ(Call("ns:alias", MSG_DELETE, "nosuch:/", 0, NULL), E_NOENT);
    KTEST_ASSERT_EQ(Call("ns:alias", MSG_WRITE, "talias:/ fs:root:", 0, NULL), E_INVAL);
    AliasListing(after);
    KTEST_ASSERT(strcmp(before, after) == 0);
    do {
        Format(line, sizeof(line), "tfull%d:/ fs:root:", added);
        err = Call("ns:alias", MSG_CREATE, line, 0, NULL);
    } while (err == 0 && ++added <= NS_ALIAS_MAX);
    KTEST_ASSERT_EQ(err, E_NOMEM);
    AliasListing(after);
    Format(line, sizeof(line), "tfull%d:/", added);
    KTEST_ASSERT(!KtestContains(after, line));                  // the refused one
    while (added-- > 0) {
        Format(line, sizeof(line), "tfull%d:/", added);
        KTEST_ASSERT_EQ(Call("ns:alias", MSG_DELETE, line, 0, NULL), 0);
    }
    AliasListing(after);
    KTEST_ASSERT(strcmp(before, after) == 0);
}

// ns:list names every prefix with its owner's pid and name.
KTEST(IpcDiscovery)
{
    Process *s = StartServer("tdisc:a/");
    Message *reply;
    char line[64];

    static char text[MESSAGE_MAX_DATA + 1];

    KTEST_ASSERT_EQ(Call("ns:list", MSG_LIST, NULL, 0, &reply), 0);
    KTEST_ASSERT(reply->type == MSG_RESPONSE);
    memcpy(text, reply->data, MessageDataLength(reply));
    text[MessageDataLength(reply)] = 0;
    kfree(reply);
    Format(line, sizeof(line), "tdisc:a/ %u prefixserver\n", s->pid);
    KTEST_ASSERT(KtestContains(text, line));
    KTEST_ASSERT(KtestContains(text, "ns: 0 kernel\n"));
    KTEST_ASSERT_EQ(Call("ns:list", MSG_WRITE, NULL, 0, NULL), E_INVAL);
    KTEST_ASSERT_EQ(Call("ns:nothing", MSG_LIST, NULL, 0, NULL), E_NOENT);
    Stop(s);
}

static int Spawn(ProcessMode mode, const char *path, const char *a1, const char *a2, const char *a3)
{
    const char *argv[4] = { path, a1, a2, a3 };
    int argc = a3 ? 4 : a2 ? 3 : a1 ? 2 : 1;

    return LoaderSpawn(path, argc, argv, mode, ProcessCurrent());
}

static int WaitFor(int pid)
{
    int status = -1;

    KTEST_ASSERT(pid > 0);
    KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
    return status;
}

// Eight user clients hammer one kernel-mode server and one user server.
KTEST(IpcManyClientsOnOneServer)
{
    int kserver = Spawn(PROCESS_KERNEL, "tests/kecho", "tmany:k:", NULL, NULL);
    int userver = Spawn(PROCESS_USER, "bin/uecho", "tmany:u:", NULL, NULL);
    int clients[8];
    static const char *ids[8] = { "1", "2", "3", "4", "5", "6", "7", "8" };

    SchedSleep(50);
    for (int i = 0; i < 8; i++)
        clients[i] = Spawn(PROCESS_USER, "bin/ipcclient", i % 2 ? "tmany:k:x" : "tmany:u:x",
                           "100", ids[i]);
    for (int i = 0; i < 8; i++)
        KTEST_ASSERT_EQ(WaitFor(clients[i]), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(Call("tmany:k:", MSG_CLOSE, NULL, 0, NULL), 0);
    KTEST_ASSERT_EQ(Call("tmany:u:", MSG_CLOSE, NULL, 0, NULL), 0);
    KTEST_ASSERT_EQ(WaitFor(kserver), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(WaitFor(userver), WAIT_STATUS_EXITED(0));
}

// Round trips to a server waiting in receive take the fast path, on a
// handle and by name (cached); a call with a time limit does not. Each
// reply is checked by ipcbench (it exits 1 on a wrong one).
static int PingSized(const char *name, const char *size)
{
    const char *argv[] = { "bin/ipcbench", name, size, "-", "50" };

    return WaitFor(LoaderSpawn(argv[0], 5, argv, PROCESS_USER, ProcessCurrent()));
}

static int PingBench(const char *name)
{
    return PingSized(name, "8");
}

KTEST(IpcFastPathIsTaken)
{
    int server = Spawn(PROCESS_KERNEL, "tests/kecho", "tfast:", NULL, NULL);
    uint32_t before;

    SchedSleep(50);
    before = IpcFastCalls();
    KTEST_ASSERT_EQ(PingBench("@tfast:"), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT(IpcFastCalls() - before >= 100);       // 151 calls, nearly all fast
    before = IpcFastCalls();
    KTEST_ASSERT_EQ(PingBench("tfast:"), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT(IpcFastCalls() - before >= 100);
    before = IpcFastCalls();
    KTEST_ASSERT_EQ(Call("tfast:", MSG_PING, NULL, 0, NULL), 0);  // the kernel's own: not ring 3
    KTEST_ASSERT_EQ(IpcFastCalls(), before);
    KTEST_ASSERT_EQ(Call("tfast:", MSG_CLOSE, NULL, 0, NULL), 0);
    KTEST_ASSERT_EQ(WaitFor(server), WAIT_STATUS_EXITED(0));
}

// Large requests and replies go straight into the buffer the other side
// waits with (one copy each way), to kernel-mode and to ring-3 servers;
// small ones go through the client's request (IpcHandedRequests,
// IpcHandedReplies). ipcbench checks every reply's length and type, and
// the first one's payload byte for byte.
KTEST(IpcLargeMessagesGoStraight)
{
    int kserver = Spawn(PROCESS_KERNEL, "tests/kecho", "tstraight:k:", NULL, NULL);
    int userver = Spawn(PROCESS_USER, "bin/uecho", "tstraight:u:", NULL, NULL);
    uint32_t requests, replies;

    SchedSleep(50);
    requests = IpcHandedRequests(), replies = IpcHandedReplies();
    KTEST_ASSERT_EQ(PingSized("tstraight:k:", "8"), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(IpcHandedRequests(), requests);
    KTEST_ASSERT_EQ(IpcHandedReplies(), replies);
    KTEST_ASSERT_EQ(PingSized("tstraight:k:", "4096"), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT(IpcHandedRequests() - requests >= 100);    // 151 round trips
    KTEST_ASSERT(IpcHandedReplies() - replies >= 100);
    requests = IpcHandedRequests(), replies = IpcHandedReplies();
    KTEST_ASSERT_EQ(PingSized("@tstraight:u:", "60000"), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT(IpcHandedRequests() - requests >= 100);
    KTEST_ASSERT(IpcHandedReplies() - replies >= 100);
    KTEST_ASSERT_EQ(Call("tstraight:k:", MSG_CLOSE, NULL, 0, NULL), 0);
    KTEST_ASSERT_EQ(Call("tstraight:u:", MSG_CLOSE, NULL, 0, NULL), 0);
    KTEST_ASSERT_EQ(WaitFor(kserver), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(WaitFor(userver), WAIT_STATUS_EXITED(0));
}

// A request that overstays its timeout gets E_TIMEDOUT; the late reply is
// dropped and the server carries on.
KTEST(IpcTimeout)
{
    int server = Spawn(PROCESS_KERNEL, "tests/kecho", "ttime:", NULL, NULL);
    uint32_t ms = 300;
    Message *reply = NULL;
    uint64_t start;

    SchedSleep(30);
    start = SchedTicks();
    KTEST_ASSERT_EQ(IpcCall("ttime:", NewMessage(MSG_WRITE, &ms, 4), 50, &reply), E_TIMEDOUT);
    KTEST_ASSERT(SchedTicks() - start <= 6);
    KTEST_ASSERT_EQ(Call("ttime:", MSG_QUERY, NULL, 1000, NULL), 0);   // after the slow one
    KTEST_ASSERT_EQ(Call("ttime:", MSG_CLOSE, NULL, 0, NULL), 0);
    KTEST_ASSERT_EQ(WaitFor(server), WAIT_STATUS_EXITED(0));
}

// A request for a server that stops: the sender thread reports its result.
typedef struct Pending {
    const char *name;
    uint32_t type;
    volatile int result;
    volatile int done;
} Pending;

static void Sender(void *arg)
{
    Pending *p = arg;
    uint32_t ms = 1000;

    p->result = IpcCall(p->name, NewMessage(p->type, &ms, 4), 0, &(Message *){ NULL });
    p->done = 1;
}

// A server that never receives: its queue fills (E_AGAIN), and when it is
// killed every queued client gets E_PIPE at once.
static void Deaf(void *arg)
{
    KTEST_ASSERT_EQ(IpcRegister(arg, 0), 0);
    for (;;)
        SchedSleep(1000);
}

KTEST(IpcQueueFullAndServerDeath)
{
    static Pending pending[IPC_QUEUE_MAX];
    uint32_t baseline = MemFreePages();
    Process *deaf = ProcessCreateThread("deaf", Deaf, "tdeaf:");
    int senders[IPC_QUEUE_MAX];
    uint64_t start;

    SchedSleep(20);
    for (int i = 0; i < IPC_QUEUE_MAX; i++) {
        pending[i] = (Pending){ "tdeaf:x", MSG_QUERY, 1, 0 };
        senders[i] = (int)ProcessCreateThread("sender", Sender, &pending[i])->pid;
    }
    SchedSleep(50);
    KTEST_ASSERT_EQ(deaf->ipcQueueLength, IPC_QUEUE_MAX);
    KTEST_ASSERT_EQ(Call("tdeaf:x", MSG_QUERY, NULL, 0, NULL), E_AGAIN);
    start = SchedTicks();
    Stop(deaf);
    while (!pending[IPC_QUEUE_MAX - 1].done && SchedTicks() - start < 100)
        SchedSleep(10);
    for (int i = 0; i < IPC_QUEUE_MAX; i++) {
        KTEST_ASSERT(pending[i].done);
        KTEST_ASSERT_EQ(pending[i].result, E_PIPE);
    }
    KTEST_ASSERT(SchedTicks() - start <= 2);                  // within a tick or so
    KTEST_ASSERT_EQ(Call("tdeaf:x", MSG_QUERY, NULL, 0, NULL), E_NOENT);
    for (int i = 0; i < IPC_QUEUE_MAX; i++)
        KTEST_ASSERT_EQ(WaitFor(senders[i]), WAIT_STATUS_EXITED(0));
    // Everything is back but what the heap keeps mapped for reuse.
    KTEST_ASSERT(MemFreePages() + HEAP_TRIM_MIN / PAGE_SIZE >= baseline);
}

// A server killed while serving: the waiting client gets E_PIPE.
KTEST(IpcServerKilledWhileServing)
{
    static Pending p;
    int server = Spawn(PROCESS_KERNEL, "tests/kecho", "tkill:", NULL, NULL);

    SchedSleep(30);
    p = (Pending){ "tkill:", MSG_WRITE, 1, 0 };             // sleeps 1 s before replying
    int sender = (int)ProcessCreateThread("sender", Sender, &p)->pid;
    SchedSleep(50);
    KTEST_ASSERT(!p.done);
    KTEST_ASSERT_EQ(ProcessKill((uint32_t)server), 0);
    SchedSleep(20);
    KTEST_ASSERT(p.done);
    KTEST_ASSERT_EQ(p.result, E_PIPE);
    KTEST_ASSERT_EQ(WaitFor(server), WAIT_STATUS_SIGNALED(SIGNAL_KILL));
    KTEST_ASSERT_EQ(WaitFor(sender), WAIT_STATUS_EXITED(0));
}

// A client killed while its request is served: the late reply is dropped
// and the server answers the next client.
KTEST(IpcClientKilledWhileServed)
{
    static Pending p;
    int server = Spawn(PROCESS_KERNEL, "tests/kecho", "tlate:", NULL, NULL);
    Process *sender;

    SchedSleep(30);
    p = (Pending){ "tlate:", MSG_WRITE, 1, 0 };
    sender = ProcessCreateThread("sender", Sender, &p);
    SchedSleep(50);
    KTEST_ASSERT_EQ(ProcessKill(sender->pid), 0);
    KTEST_ASSERT_EQ(WaitFor((int)sender->pid), WAIT_STATUS_SIGNALED(SIGNAL_KILL));
    KTEST_ASSERT_EQ(Call("tlate:", MSG_QUERY, NULL, 3000, NULL), 0);  // after the late reply
    KTEST_ASSERT_EQ(Call("tlate:", MSG_CLOSE, NULL, 0, NULL), 0);
    KTEST_ASSERT_EQ(WaitFor(server), WAIT_STATUS_EXITED(0));
}

// Replies to requests that do not exist, or that another process received.
KTEST(IpcBadReplies)
{
    KTEST_ASSERT_EQ(ReplyNew(0x7fffffff, NewMessage(MSG_RESPONSE, NULL, 0)), E_NOENT);
    KTEST_ASSERT_EQ(ReplyNew(0, NewMessage(MSG_RESPONSE, NULL, 0)), E_NOENT);
}

// Async: the job id comes back at once, the notification later.
KTEST(IpcAsyncJobNotifies)
{
    int server = Spawn(PROCESS_KERNEL, "tests/kecho", "tasync:", NULL, NULL);
    IpcNotification note;
    Message *reply;
    uint32_t job;

    SchedSleep(30);
    KTEST_ASSERT_EQ(Call("tasync:", MSG_READ_ASYNC, NULL, 0, &reply), 0);
    KTEST_ASSERT(reply->type == MSG_RESPONSE && MessageDataLength(reply) == 4);
    memcpy(&job, reply->data, 4);
    kfree(reply);
    KTEST_ASSERT_EQ(IpcWaitNotification(&note, 1000), 0);
    KTEST_ASSERT_EQ(note.jobId, job);
    KTEST_ASSERT_EQ(note.value, 1234);
    KTEST_ASSERT_EQ(note.senderId, (uint32_t)server);
    KTEST_ASSERT_EQ(IpcWaitNotification(&note, 30), E_TIMEDOUT);
    KTEST_ASSERT_EQ(IpcNotify(0x7fffffff, 1, 1), E_SRCH);
    KTEST_ASSERT_EQ(Call("tasync:", MSG_CLOSE, NULL, 0, NULL), 0);
    KTEST_ASSERT_EQ(WaitFor(server), WAIT_STATUS_EXITED(0));
}

// User programs check every error through the system calls, and a random
// storm of bad calls leaves the servers answering.
KTEST(IpcUserErrorsAndFuzz)
{
    int server = Spawn(PROCESS_USER, "bin/uecho", "test:uecho:", NULL, NULL);

    SchedSleep(50);
    KTEST_ASSERT_EQ(WaitFor(Spawn(PROCESS_USER, "bin/ipcbad", NULL, NULL, NULL)), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(WaitFor(Spawn(PROCESS_USER, "bin/ipcfuzz", "7", NULL, NULL)), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(Call("test:uecho:", MSG_QUERY, NULL, 1000, NULL), 0);
    KTEST_ASSERT_EQ(Call("test:uecho:", MSG_CLOSE, NULL, 0, NULL), 0);
    KTEST_ASSERT_EQ(WaitFor(server), WAIT_STATUS_EXITED(0));
}

// A server that receives into a small buffer: a request too big for it
// fails back to its client with E_MSGSIZE, and the next one gets through.
static volatile int smallServerResult;

static void SmallServer(void *arg)
{
    static uint8_t small[64] __attribute__((aligned(16)));
    Message *m = (Message *)small;

    (void)arg;
    KTEST_ASSERT_EQ(IpcRegister("tsmall:", 0), 0);
    smallServerResult = IpcReceive(IPC_MEMORY_KERNEL, (uintptr_t)small, sizeof(small), 0);
    if (IpcReceive(IPC_MEMORY_KERNEL, (uintptr_t)small, sizeof(small), 0) > 0)
        ReplyNew(m->requestId, NewMessage(MSG_RESPONSE, NULL, 0));
}

KTEST(IpcOversizedRequestFailsBack)
{
    static char big[200];
    Process *s = ProcessCreateThread("smallserver", SmallServer, NULL);

    KTEST_ASSERT(s != NULL);
    SchedSleep(20);
    memset(big, 'x', sizeof(big) - 1);
    KTEST_ASSERT_EQ(Call("tsmall:", MSG_PING, big, 0, NULL), E_MSGSIZE);
    KTEST_ASSERT_EQ(smallServerResult, E_MSGSIZE);
    KTEST_ASSERT_EQ(Call("tsmall:", MSG_PING, "ok", 1000, NULL), 0);
    KTEST_ASSERT_EQ(WaitFor((int)s->pid), WAIT_STATUS_EXITED(0));
}

// A server whose buffer holds more than the size limit, so only the
// kernel's check can refuse a message over it; it answers every request
// and remembers the longest it received.
static volatile int roomyServerLongest;

static void RoomyServer(void *arg)
{
    static uint8_t buffer[MESSAGE_MAX_SIZE + 64] __attribute__((aligned(16)));
    Message *m = (Message *)buffer;

    (void)arg;
    KTEST_ASSERT_EQ(IpcRegister("tsize:", 0), 0);
    for (;;) {
        int n = IpcReceive(IPC_MEMORY_KERNEL, (uintptr_t)buffer, sizeof(buffer), 0);
        if (n < 0)
            continue;
        if (n > roomyServerLongest)
            roomyServerLongest = n;
        ReplyNew(m->requestId, NewMessage(MSG_RESPONSE, NULL, 0));
        if (m->type == MSG_CLOSE)
            return;
    }
}

// Send a MSG_QUERY of length bytes (at least a header's worth allocated).
static int CallWithLength(uint32_t length)
{
    Message *m = kmalloc(length > MESSAGE_HEADER_SIZE ? length : MESSAGE_HEADER_SIZE), *reply = NULL;
    int err;

    KTEST_ASSERT(m != NULL);
    memset(m, 0, length > MESSAGE_HEADER_SIZE ? length : MESSAGE_HEADER_SIZE);
    *m = (Message){ .type = MSG_QUERY, .length = length };
    err = IpcCall("tsize:", m, 1000, &reply);
    kfree(reply);
    return err;
}

// Messages over the size limit (or shorter than a header) are refused
// with E_MSGSIZE before they reach the server; exactly the limit passes.
KTEST(IpcMessageSizeLimit)
{
    Process *s = ProcessCreateThread("roomyserver", RoomyServer, NULL);

    KTEST_ASSERT(s != NULL);
    roomyServerLongest = 0;
    SchedSleep(20);
    KTEST_ASSERT_EQ(CallWithLength(MESSAGE_MAX_SIZE), 0);
    KTEST_ASSERT_EQ(roomyServerLongest, MESSAGE_MAX_SIZE);
    KTEST_ASSERT_EQ(CallWithLength(MESSAGE_MAX_SIZE + 1), E_MSGSIZE);
    KTEST_ASSERT_EQ(CallWithLength(MESSAGE_MAX_SIZE + 64), E_MSGSIZE);
    KTEST_ASSERT_EQ(CallWithLength(MESSAGE_HEADER_SIZE - 1), E_MSGSIZE);
    KTEST_ASSERT_EQ(roomyServerLongest, MESSAGE_MAX_SIZE);      // none got through
    KTEST_ASSERT_EQ(Call("tsize:", MSG_CLOSE, NULL, 1000, NULL), 0);
    KTEST_ASSERT_EQ(WaitFor((int)s->pid), WAIT_STATUS_EXITED(0));
}

// A kernel-mode program that serves a prefix registered without a handler
// through the KernelApi's IpcServe answers each request MSG_ERROR E_NOSYS
// at once (its client is not left waiting), and goes on serving.
KTEST(IpcServeWithoutHandlerAnswersNosys)
{
    int server = Spawn(PROCESS_KERNEL, "tests/knohandler", "tnohandler:", NULL, NULL);
    int32_t error;

    KTEST_ASSERT(server > 0);
    SchedSleep(30);
    for (int i = 0; i < 2; i++) {
        Message *reply = NULL;

        KTEST_ASSERT_EQ(Call("tnohandler:x", MSG_PING, "hello", 2000, &reply), 0);
        KTEST_ASSERT(reply != NULL);
        KTEST_ASSERT_EQ(reply->type, MSG_ERROR);
        KTEST_ASSERT(MessageDataLength(reply) >= sizeof(error));
        memcpy(&error, reply->data, sizeof(error));
        kfree(reply);
        KTEST_ASSERT_EQ(error, E_NOSYS);
    }
    KTEST_ASSERT_EQ(ProcessKill((uint32_t)server), 0);
    WaitFor(server);
}

// --- exit notices -------------------------------------------------------------

static volatile int watchSmall, watchLength, watchType, watchPid;

// Watch exits; read the first notice into a buffer too small for it
// (it must stay pending), then into one big enough.
static void ExitWatcher(void *arg)
{
    struct { Message header; uint32_t pid; } notice;
    IpcEnvelope env;

    (void)arg;
    if (IpcWatchExits() != 0)
        return;
    watchSmall = IpcReceive(IPC_MEMORY_KERNEL, (uintptr_t)&notice, MESSAGE_HEADER_SIZE,
                            (uintptr_t)&env);
    watchLength = IpcReceive(IPC_MEMORY_KERNEL, (uintptr_t)&notice, sizeof(notice),
                             (uintptr_t)&env);
    watchType = (int)notice.header.type;
    watchPid = (int)notice.pid;
}

static void Idle(void *arg)
{
    (void)arg;
    for (;;)
        SchedSleep(1000);
}

// A watcher hears of an end once, even when its first buffer is too small;
// the notice says which pid ended and comes from the kernel (sender 0).
KTEST(IpcExitNotices)
{
    Process *watcher = ProcessCreateThread("watcher", ExitWatcher, NULL);
    Process *victim;
    int status;

    KTEST_ASSERT(watcher != NULL);
    SchedSleep(20);                             // it watches from here on
    victim = ProcessCreateThread("victim", Idle, NULL);
    KTEST_ASSERT(victim != NULL);
    uint32_t victimPid = victim->pid;
    KTEST_ASSERT_EQ(ProcessKill(victimPid), 0);
    KTEST_ASSERT(ProcessWait((int)victimPid, &status) > 0);
    KTEST_ASSERT(ProcessWait((int)watcher->pid, &status) > 0);
    KTEST_ASSERT_EQ(watchSmall, E_MSGSIZE);
    KTEST_ASSERT_EQ(watchLength, (int)(MESSAGE_HEADER_SIZE + 4));
    KTEST_ASSERT_EQ(watchType, MSG_PROCESS_EXIT);
    KTEST_ASSERT_EQ(watchPid, (int)victimPid);
}

// --- timed receive --------------------------------------------------------------

// A receive with a time limit: E_TIMEDOUT after about that long when
// nothing comes, and the request itself when one comes in time.
KTEST(IpcTimedReceive)
{
    static uint8_t buffer[256] __attribute__((aligned(16)));
    static Pending p;
    Message *m = (Message *)buffer;
    IpcEnvelope env;
    Process *sender;
    uint64_t start;
    int n;

    KTEST_ASSERT_EQ(IpcRegister("trecv:", 0), 0);
    start = SchedTicks();
    KTEST_ASSERT_EQ(IpcReceiveTimeout(m, sizeof(buffer), &env, 50), E_TIMEDOUT);
    KTEST_ASSERT(SchedTicks() - start >= 5 && SchedTicks() - start <= 7);
    KTEST_ASSERT_EQ(IpcReceiveTimeout(m, 8, &env, 50), E_MSGSIZE);
    p = (Pending){ "trecv:x", MSG_QUERY, 1, 0 };
    sender = ProcessCreateThread("sender", Sender, &p);
    KTEST_ASSERT(sender != NULL);
    start = SchedTicks();
    n = IpcReceiveTimeout(m, sizeof(buffer), &env, 1000);
    KTEST_ASSERT(SchedTicks() - start < 50);
    KTEST_ASSERT(n >= (int)MESSAGE_HEADER_SIZE);
    KTEST_ASSERT_EQ(m->type, MSG_QUERY);
    KTEST_ASSERT(strcmp(env.name, "trecv:x") == 0);
    KTEST_ASSERT_EQ(ReplyNew(m->requestId, NewMessage(MSG_RESPONSE, NULL, 0)), 0);
    KTEST_ASSERT_EQ(WaitFor((int)sender->pid), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT(p.done);
    KTEST_ASSERT_EQ(p.result, 0);
    KTEST_ASSERT_EQ(IpcUnregister("trecv:"), 0);
}
