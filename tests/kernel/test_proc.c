// The proc: server, read through IPC like any client would.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/syscall.h>
#include <lib/format.h>
#include <lib/string.h>
#include <kernel/ipc.h>
#include <kernel/kheap.h>
#include <kernel/loader.h>
#include <kernel/memory.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include "ktest.h"

static char text[MESSAGE_MAX_DATA + 1];

// Read name from proc:; returns the error, text holds the reply's text.
static int Read(const char *name, uint32_t type)
{
    Message *request = kmalloc(MESSAGE_HEADER_SIZE), *reply;
    int err;

    KTEST_ASSERT(request != NULL);
    *request = (Message){ .type = type, .length = MESSAGE_HEADER_SIZE };
    err = IpcCall(name, request, 1000, &reply);
    if (err)
        return err;
    if (reply->type == MSG_ERROR)
        memcpy(&err, reply->data, 4);
    memcpy(text, reply->data, MessageDataLength(reply));
    text[MessageDataLength(reply)] = 0;
    kfree(reply);
    return err;
}

KTEST(ProcListsProcesses)
{
    char line[64];
    Process *self = ProcessCurrent();

    KTEST_ASSERT_EQ(Read("proc:list:", MSG_READ), 0);
    Format(line, sizeof(line), "%u ktest blocked kernel ", self->pid);   // waiting for proc:
    KTEST_ASSERT(KtestContains(text, line));
    KTEST_ASSERT(KtestContains(text, "0 idle "));
    KTEST_ASSERT(KtestContains(text, " proc running kernel "));       // it is answering
}

KTEST(ProcDescribesOneProcess)
{
    char name[48];
    int pid = LoaderSpawn("bin/uecho", 2, (const char *[]){ "bin/uecho", "tprocns:" },
                          PROCESS_USER, ProcessCurrent());

    KTEST_ASSERT(pid > 0);
    SchedSleep(50);
    Format(name, sizeof(name), "proc:%d:name", pid);
    KTEST_ASSERT_EQ(Read(name, MSG_READ), 0);
    KTEST_ASSERT(strcmp(text, "uecho\n") == 0);
    Format(name, sizeof(name), "proc:%d:state", pid);
    KTEST_ASSERT_EQ(Read(name, MSG_QUERY), 0);
    KTEST_ASSERT(strcmp(text, "blocked\n") == 0);
    Format(name, sizeof(name), "proc:%d:memory", pid);
    KTEST_ASSERT_EQ(Read(name, MSG_READ), 0);
    KTEST_ASSERT(KtestContains(text, " pages ("));
    Format(name, sizeof(name), "proc:%d:namespaces", pid);
    KTEST_ASSERT_EQ(Read(name, MSG_READ), 0);
    KTEST_ASSERT(strcmp(text, "tprocns:\n") == 0);
    KTEST_ASSERT_EQ(ProcessKill((uint32_t)pid), 0);
}

KTEST(ProcSystemMemoryAndErrors)
{
    char expect[64];

    KTEST_ASSERT_EQ(Read("proc:system:memory", MSG_READ), 0);
    Format(expect, sizeof(expect), "total %u pages, free ", MemTotalPages());
    KTEST_ASSERT(KtestContains(text, expect));
    KTEST_ASSERT_EQ(Read("proc:99999:state", MSG_READ), E_NOENT);
    KTEST_ASSERT_EQ(Read("proc:0:colour", MSG_READ), E_NOENT);
    KTEST_ASSERT_EQ(Read("proc:abc:state", MSG_READ), E_NOENT);
    KTEST_ASSERT_EQ(Read("proc:", MSG_READ), E_NOENT);
    KTEST_ASSERT_EQ(Read("proc:list:", MSG_WRITE), E_INVAL);
}

// Spawning and killing leaves proc:'s free-page figure where it was.
static void SpawnAndKill(void)
{
    int pid = LoaderSpawn("bin/spin", 1, (const char *[]){ "bin/spin" }, PROCESS_USER,
                          ProcessCurrent());
    int status;

    KTEST_ASSERT(pid > 0);
    KTEST_ASSERT_EQ(ProcessKill((uint32_t)pid), 0);
    KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
}

KTEST(ProcFreeMemoryAfterSpawnKillLoop)
{
    char before[128];

    SpawnAndKill();                         // the heap grows once, then is reused
    KTEST_ASSERT_EQ(Read("proc:system:memory", MSG_READ), 0);
    memcpy(before, text, sizeof(before));
    for (int i = 0; i < 20; i++)
        SpawnAndKill();
    KTEST_ASSERT_EQ(Read("proc:system:memory", MSG_READ), 0);
    KTEST_ASSERT(strcmp(before, text) == 0);
}
