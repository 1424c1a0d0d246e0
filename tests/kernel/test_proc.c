// The proc: server, read through IPC like any client would.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <clanker/syscall.h>
#include <lib/format.h>
#include <lib/string.h>
#include <kernel/ipc/ipc.h>
#include <kernel/mm/kheap.h>
#include <kernel/exec/loader.h>
#include <kernel/mm/memory.h>
#include <kernel/proc/process.h>
#include <kernel/proc/sched.h>
#include "ktest.h"

static char text[MESSAGE_MAX_DATA + 1];
static uint32_t textLength;

// Send a type request with length bytes of payload to name; returns the
// error, text holds the reply's payload (NUL-terminated), textLength its size.
static int Send(const char *name, uint32_t type, const void *payload, uint32_t length)
{
    Message *request = kmalloc(MESSAGE_HEADER_SIZE + length), *reply;
    int err;

    KTEST_ASSERT(request != NULL);
    *request = (Message){ .type = type, .length = MESSAGE_HEADER_SIZE + length };
    memcpy(request->data, payload, length);
    err = IpcCall(name, request, 1000, &reply);
    if (err)
        return err;
    if (reply->type == MSG_ERROR)
        memcpy(&err, reply->data, 4);
    textLength = MessageDataLength(reply);
    memcpy(text, reply->data, textLength);
    text[textLength] = 0;
    kfree(reply);
    return err;
}

// Read name from proc: with no payload.
static int Read(const char *name, uint32_t type)
{
    return Send(name, type, NULL, 0);
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
    char name[48], expect[16];
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
    Format(name, sizeof(name), "proc:%d:cwd", pid);
    KTEST_ASSERT_EQ(Read(name, MSG_READ), 0);
    KTEST_ASSERT(strcmp(text, "fs:root:\n") == 0);
    Format(name, sizeof(name), "proc:%d:args", pid);          // NUL-ended, copied as bytes
    KTEST_ASSERT_EQ(Read(name, MSG_READ), 0);
    KTEST_ASSERT_EQ(textLength, sizeof("bin/uecho") + sizeof("tprocns:"));
    KTEST_ASSERT(memcmp(text, "bin/uecho\0tprocns:\0", textLength) == 0);
    Format(name, sizeof(name), "proc:%d:image", pid);
    KTEST_ASSERT_EQ(Read(name, MSG_READ), 0);
    KTEST_ASSERT(strcmp(text, "fs:root:bin/uecho\n") == 0);
    Format(name, sizeof(name), "proc:%d:parent", pid);
    KTEST_ASSERT_EQ(Read(name, MSG_READ), 0);
    Format(expect, sizeof(expect), "%u\n", ProcessCurrent()->pid);
    KTEST_ASSERT(strcmp(text, expect) == 0);
    Format(name, sizeof(name), "proc:%d:mode", pid);
    KTEST_ASSERT_EQ(Read(name, MSG_READ), 0);
    KTEST_ASSERT(strcmp(text, "user\n") == 0);
    Format(name, sizeof(name), "proc:%d:cpu", pid);
    KTEST_ASSERT_EQ(Read(name, MSG_READ), 0);
    KTEST_ASSERT(KtestContains(text, " ms\n"));
    Format(name, sizeof(name), "proc:%d:started", pid);       // made after boot, before now
    KTEST_ASSERT_EQ(Read(name, MSG_READ), 0);
    KTEST_ASSERT(KtestContains(text, " ms\n") && text[0] >= '0' && text[0] <= '9');
    KTEST_ASSERT_EQ(ProcessKill((uint32_t)pid), 0);
}

// A long argument list is kept as whole arguments, cut at the last that fits.
KTEST(ProcArgsKeepWholeArguments)
{
    static char big[200];
    char name[48];
    int pid, status;

    memset(big, 'a', sizeof(big) - 1);
    pid = LoaderSpawn("bin/spin", 3, (const char *[]){ "bin/spin", big, big },
                      PROCESS_USER, ProcessCurrent());
    KTEST_ASSERT(pid > 0);
    Format(name, sizeof(name), "proc:%d:args", pid);
    KTEST_ASSERT_EQ(Read(name, MSG_READ), 0);
    KTEST_ASSERT_EQ(textLength, sizeof("bin/spin") + sizeof(big));
    KTEST_ASSERT_EQ(text[textLength - 1], 0);
    KTEST_ASSERT_EQ(ProcessKill((uint32_t)pid), 0);
    KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
}

KTEST(ProcSystemItems)
{
    KTEST_ASSERT_EQ(Read("proc:system:cpu", MSG_READ), 0);
    KTEST_ASSERT(strncmp(text, "vendor ", 7) == 0 && KtestContains(text, "\nfeatures"));
    KTEST_ASSERT(KtestContains(text, " fpu") && KtestContains(text, " tsc"));
    KTEST_ASSERT_EQ(Read("proc:system:load", MSG_READ), 0);     // "A.BC A.BC A.BC"
    KTEST_ASSERT(textLength >= 15 && text[1] == '.' && text[4] == ' ' && text[textLength - 1] == '\n');
    KTEST_ASSERT_EQ(Read("proc:system:times", MSG_READ), 0);
    KTEST_ASSERT(strncmp(text, "user ", 5) == 0 && KtestContains(text, " ms, kernel ") &&
                 KtestContains(text, " ms, idle "));
    KTEST_ASSERT_EQ(Read("proc:system:uptime", MSG_READ), 0);
    KTEST_ASSERT(KtestContains(text, " ms\n"));
    KTEST_ASSERT_EQ(Read("proc:system:colour", MSG_READ), E_NOENT);
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

// MSG_LIST with an FsListRequest; returns the error, the entries in text.
static int List(const char *name, uint32_t index, uint32_t count)
{
    FsListRequest want = { index, count };

    return Send(name, MSG_LIST, &want, sizeof(want));
}

// Entry i of the last listing.
static FsDirEntry *Entry(uint32_t i)
{
    return (FsDirEntry *)text + i;
}

KTEST(ProcListsItsRoot)
{
    char pid[12];
    uint32_t n, found = 0;

    Format(pid, sizeof(pid), "%u", ProcessCurrent()->pid);
    KTEST_ASSERT_EQ(Read("proc:", MSG_LIST), 0);       // no payload: everything
    n = textLength / sizeof(FsDirEntry);
    KTEST_ASSERT_EQ(textLength % sizeof(FsDirEntry), 0);
    KTEST_ASSERT(n >= 4);                               // idle, proc, ktest, list, system
    for (uint32_t i = 0; i < n; i++) {
        if (i > 0)
            KTEST_ASSERT(strcmp(Entry(i - 1)->name, Entry(i)->name) < 0);
        if (strcmp(Entry(i)->name, pid) == 0 && Entry(i)->type == FS_TYPE_DIR)
            found++;
    }
    KTEST_ASSERT_EQ(found, 1);
    KTEST_ASSERT(strcmp(Entry(n - 2)->name, "list") == 0);
    KTEST_ASSERT_EQ(Entry(n - 2)->type, FS_TYPE_FILE);
    KTEST_ASSERT(strcmp(Entry(n - 1)->name, "system") == 0);
    KTEST_ASSERT_EQ(Entry(n - 1)->type, FS_TYPE_DIR);
    KTEST_ASSERT(Entry(n - 2)->id != Entry(n - 1)->id);
}

KTEST(ProcListsPages)
{
    uint32_t n;

    KTEST_ASSERT_EQ(List("proc:", 0, 0), 0);
    n = textLength / sizeof(FsDirEntry);
    KTEST_ASSERT_EQ(List("proc:", n - 1, 1), 0);
    KTEST_ASSERT_EQ(textLength, sizeof(FsDirEntry));
    KTEST_ASSERT(strcmp(Entry(0)->name, "system") == 0);
    KTEST_ASSERT_EQ(List("proc:", n - 2, 5), 0);
    KTEST_ASSERT_EQ(textLength, 2 * sizeof(FsDirEntry));
    KTEST_ASSERT_EQ(List("proc:", n, 0), 0);            // past the end: empty
    KTEST_ASSERT_EQ(textLength, 0);
    KTEST_ASSERT_EQ(Send("proc:", MSG_LIST, "abc", 3), E_INVAL);
}

KTEST(ProcListsDirectories)
{
    char name[32];
    static const char *const files[] = {
        "args", "cpu", "cwd", "image", "memory", "mode", "name", "namespaces", "parent",
        "started", "state",
    };
    static const char *const system[] = { "cpu", "load", "memory", "times", "uptime" };

    Format(name, sizeof(name), "proc:%u:", ProcessCurrent()->pid);
    KTEST_ASSERT_EQ(List(name, 0, 0), 0);
    KTEST_ASSERT_EQ(textLength, 11 * sizeof(FsDirEntry));
    for (uint32_t i = 0; i < 11; i++) {
        KTEST_ASSERT(strcmp(Entry(i)->name, files[i]) == 0);
        KTEST_ASSERT_EQ(Entry(i)->type, FS_TYPE_FILE);
    }
    KTEST_ASSERT_EQ(List("proc:system:", 0, 0), 0);
    KTEST_ASSERT_EQ(textLength, 5 * sizeof(FsDirEntry));
    for (uint32_t i = 0; i < 5; i++)
        KTEST_ASSERT(strcmp(Entry(i)->name, system[i]) == 0);
    KTEST_ASSERT_EQ(List("proc:list:", 0, 0), E_NOTDIR);
    KTEST_ASSERT_EQ(List("proc:system:memory", 0, 0), E_NOTDIR);
    Format(name, sizeof(name), "proc:%u:state", ProcessCurrent()->pid);
    KTEST_ASSERT_EQ(List(name, 0, 0), E_NOTDIR);
    KTEST_ASSERT_EQ(List("proc:99999:", 0, 0), E_NOENT);
    KTEST_ASSERT_EQ(List("proc:0:colour", 0, 0), E_NOENT);
}

KTEST(ProcReadHonoursOffsetAndLength)
{
    char name[32];
    FsIo io = { .handle = 0, .length = 3, .offset = 1 };

    Format(name, sizeof(name), "proc:%u:name", ProcessCurrent()->pid);
    KTEST_ASSERT_EQ(Send(name, MSG_READ, &io, sizeof(io)), 0);
    KTEST_ASSERT(strcmp(text, "tes") == 0);             // "ktest\n" from byte 1
    io = (FsIo){ .handle = 0, .length = 100, .offset = 4 };
    KTEST_ASSERT_EQ(Send(name, MSG_READ, &io, sizeof(io)), 0);
    KTEST_ASSERT(strcmp(text, "t\n") == 0);
    io.offset = 6;
    KTEST_ASSERT_EQ(Send(name, MSG_READ, &io, sizeof(io)), 0);
    KTEST_ASSERT_EQ(textLength, 0);                     // at the end: empty
    io = (FsIo){ .handle = 3, .length = 10, .offset = 0 };
    KTEST_ASSERT_EQ(Send(name, MSG_READ, &io, sizeof(io)), E_BADF);
    KTEST_ASSERT_EQ(Read("proc:", MSG_READ), E_NOENT);  // a directory reads as before
}
