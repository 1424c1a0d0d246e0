// Notices delivered by receive (IpcWatchNotices, kernel/ipc/ipc.c): not
// before a process asks; then as MSG_NOTICE messages from every receive
// call, left queued for a buffer too small, before the requests queued
// ahead of them, and waking a receive that waits.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/syscall.h>
#include <lib/string.h>
#include <kernel/ipc/async.h>
#include <kernel/ipc/ipc.h>
#include <kernel/mm/kheap.h>
#include <kernel/proc/process.h>
#include <kernel/proc/sched.h>
#include "ktest.h"

#define NOTICE_LENGTH (MESSAGE_HEADER_SIZE + sizeof(IpcNotification))

static uint8_t buffer[256] __attribute__((aligned(16)));
static volatile int step;               // the watcher's progress, and the runner's
static volatile int sent, sendResult;
static uint32_t runnerPid;

// Whether buffer holds the notice {sender, jobId, value} as the kernel
// delivers it.
static int IsNotice(int length, const IpcEnvelope *env, uint32_t sender, uint32_t jobId,
                    int32_t value)
{
    const Message *m = (const Message *)buffer;
    IpcNotification n;

    memcpy(&n, m->data, sizeof(n));
    return length == (int)NOTICE_LENGTH && m->type == MSG_NOTICE && m->length == NOTICE_LENGTH &&
           m->senderId == 0 && m->requestId == 0 && env->handler == 0 && env->name[0] == 0 &&
           n.senderId == sender && n.jobId == jobId && n.value == value;
}

// Wait until step reaches at least want.
static void AwaitStep(int want)
{
    for (int i = 0; step < want && i < 500; i++)
        SchedSleep(10);
    KTEST_ASSERT(step >= want);
}

static void Client(void *arg)
{
    Message *reply = NULL;
    Message *m = kmalloc(MESSAGE_HEADER_SIZE);

    (void)arg;
    *m = (Message){ .type = MSG_PING, .length = MESSAGE_HEADER_SIZE };
    sendResult = IpcCall("tnote:x", m, 2000, &reply);
    kfree(reply);
    sent = 1;
}

static void Watcher(void *arg)
{
    Message *m = (Message *)buffer;
    uint32_t self = ProcessCurrent()->pid, requestId;
    IpcEnvelope env;
    uint64_t start;
    int n;

    (void)arg;
    KTEST_ASSERT_EQ(IpcNotify(self, 0x11, 1), 0);
    KTEST_ASSERT_EQ(IpcReceiveTimeout(m, sizeof(buffer), &env, 30), E_TIMEDOUT);  // not asked
    KTEST_ASSERT_EQ(IpcWatchNotices(), 0);
    KTEST_ASSERT_EQ(IpcReceiveTimeout(m, NOTICE_LENGTH - 1, &env, 30), E_MSGSIZE); // stays
    n = IpcReceiveTimeout(m, sizeof(buffer), &env, 30);
    KTEST_ASSERT(IsNotice(n, &env, self, 0x11, 1));
    KTEST_ASSERT_EQ(IpcReceivePollKernel(m, sizeof(buffer), &env), E_AGAIN);  // taken once
    KTEST_ASSERT_EQ(IpcRegister("tnote:", 5), 0);
    step = 1;
    AwaitStep(2);                       // the runner: a request queued, then a notice
    n = IpcReceiveTimeout(m, sizeof(buffer), &env, 30);
    KTEST_ASSERT(IsNotice(n, &env, runnerPid, 0x22, 2));
    n = IpcReceiveTimeout(m, sizeof(buffer), &env, 30);
    KTEST_ASSERT(n == (int)MESSAGE_HEADER_SIZE && m->type == MSG_PING && env.handler == 5);
    requestId = m->requestId;
    *m = (Message){ .type = MSG_RESPONSE, .length = MESSAGE_HEADER_SIZE };
    KTEST_ASSERT_EQ(IpcReply(requestId, m), 0);
    step = 3;
    AwaitStep(4);                       // the runner: a notice, nothing else
    n = IpcReceivePollKernel(m, sizeof(buffer), &env);
    KTEST_ASSERT(IsNotice(n, &env, runnerPid, 0x33, 3));
    step = 5;
    start = SchedTicks();               // the runner posts one while this waits
    n = IpcReceiveTimeout(m, sizeof(buffer), &env, 3000);
    KTEST_ASSERT(IsNotice(n, &env, runnerPid, 0x44, 4));
    KTEST_ASSERT(SchedTicks() - start < 100);
    KTEST_ASSERT_EQ(IpcUnregister("tnote:"), 0);
    step = 6;
}

KTEST(NoticesComeThroughReceive)
{
    Process *w, *c;
    int status;

    step = sent = 0;
    runnerPid = ProcessCurrent()->pid;
    w = ProcessCreateThread("watcher", Watcher, NULL);
    KTEST_ASSERT(w != NULL);
    AwaitStep(1);
    c = ProcessCreateThread("client", Client, NULL);
    KTEST_ASSERT(c != NULL);
    for (int i = 0; w->ipcQueueLength == 0 && i < 100; i++)
        SchedSleep(5);
    KTEST_ASSERT_EQ(w->ipcQueueLength, 1);      // the request is queued first
    KTEST_ASSERT_EQ(IpcNotify(w->pid, 0x22, 2), 0);
    step = 2;
    AwaitStep(3);
    for (int i = 0; !sent && i < 100; i++)
        SchedSleep(5);
    KTEST_ASSERT(sent && sendResult == 0);
    KTEST_ASSERT_EQ(IpcNotify(w->pid, 0x33, 3), 0);
    step = 4;
    AwaitStep(5);
    SchedSleep(50);
    KTEST_ASSERT_EQ(IpcNotify(w->pid, 0x44, 4), 0);
    AwaitStep(6);
    KTEST_ASSERT_EQ(ProcessWait((int)w->pid, &status), (int)w->pid);
    KTEST_ASSERT_EQ(status, WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(ProcessWait((int)c->pid, &status), (int)c->pid);
}
