// The kernel side of the POSIX layer: int 0x80 forwarded to a probe POSIX
// server (a kernel thread of this test file that answers by a fixed rule,
// so each test knows the exact value to expect; the real server is
// servers/posix/, tested end to end) and its answer, or failure, in the
// caller's eax; and the KernelApi's process calls (read, write, strings,
// map, unmap, protect, query, end, TLS, fork, exec, reap) on a live user
// process, with every bad argument refused by an error, never a fault.
//
// The user side is bin/int80 (tests/programs/int80.c). The probe answers
// MSG_POSIX_CALL with number + args[0], except for the PROBE_* numbers.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/kernelapi.h>
#include <clanker/pci.h>
#include <clanker/posix.h>
#include <clanker/syscall.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/layout.h>
#include <arch/x86/trap.h>
#include <kernel/exec/initrd.h>
#include <kernel/ipc/ipc.h>
#include <kernel/mm/kheap.h>
#include <kernel/exec/loader.h>
#include <kernel/mm/memory.h>
#include <kernel/proc/process.h>
#include <kernel/personality.h>
#include <kernel/proc/sched.h>
#include "ktest.h"

// Keep in step with tests/programs/int80.c.
#define PROBE_ERROR      0x10000001u     // MSG_ERROR with E_PERM
#define PROBE_EMPTY      0x10000002u     // MSG_RESPONSE without a payload
#define PROBE_LONG       0x10000003u     // MSG_RESPONSE with 8 bytes
#define PROBE_POSITIVE   0x10000004u     // MSG_ERROR carrying +5
#define PROBE_WRONG_TYPE 0x10000005u     // MSG_PING carrying 4 bytes
#define PROBE_HERE       0x10000010u     // (buffer, length): where the pattern is
#define PROBE_HOLD       0x10000020u     // never answered
#define PROBE_EXIT       1u              // exit(ebx): the probe ends the caller
#define PROBE_SET_THREAD_AREA 243u       // (struct user_desc *)

#define PATTERN     "int80: a pattern for ProcessRead"
#define ELF_BASE    0x08048000u         // bin/int80's first page: its ELF header, read-only
#define SCRATCH     0x20000000u         // nothing of bin/int80 is mapped here
#define STACK_BOTTOM (USER_LIMIT - USER_STACK_SIZE)
#define PROT_RW     (POSIX_PROT_READ | POSIX_PROT_WRITE)

// What the probe saw. Written by the probe thread, read by the tests.
typedef struct Probe {
    volatile int state;                 // 0 starting, 1 serving, -1 could not register
    volatile uint32_t herePid, hereAddress;
    volatile uint32_t heldRequest;      // a PROBE_HOLD request left unanswered
    volatile int heldReply;             // IpcAnswer's result for it, when told to answer
    volatile int endResult, endReply;   // PROBE_EXIT: ProcessEnd's and IpcAnswer's results
    volatile uint32_t signalsPid;       // who last made a POSIX_CALL_SIGNALS call
} Probe;

static Probe probe;

// Answer requestId with type and length bytes (0 to 8) of value.
static int Answer(uint32_t requestId, uint32_t type, int32_t value, uint32_t length)
{
    struct { Message header; int32_t words[2]; } reply = {
        { .type = type, .length = MESSAGE_HEADER_SIZE + length }, { value, value },
    };

    return IpcAnswer(requestId, IPC_MEMORY_KERNEL, (uintptr_t)&reply, reply.header.length);
}

// set_thread_area as a POSIX server does it: read the descriptor, install
// it, write it back.
static int32_t ProbeSetThreadArea(uint32_t pid, uint32_t address)
{
    const KernelApi *api = KernelApiTable();
    PosixUserDesc desc;
    int err = api->ProcessRead(pid, &desc, address, sizeof(desc));

    if (!err)
        err = api->ProcessSetTls(pid, &desc);
    if (!err)
        err = api->ProcessWrite(pid, address, &desc, sizeof(desc));
    return err;
}

static void ProbeCall(const Message *m, const PosixCall *call)
{
    uint32_t id = m->requestId, pid = m->senderId;

    switch (call->number) {
    case PROBE_ERROR:      Answer(id, MSG_ERROR, E_PERM, 4); break;
    case PROBE_EMPTY:      Answer(id, MSG_RESPONSE, 0, 0); break;
    case PROBE_LONG:       Answer(id, MSG_RESPONSE, 0, 8); break;
    case PROBE_POSITIVE:   Answer(id, MSG_ERROR, 5, 4); break;
    case PROBE_WRONG_TYPE: Answer(id, MSG_PING, 0, 4); break;
    case PROBE_HOLD:       probe.heldRequest = id; break;
    case PROBE_SET_THREAD_AREA:
        Answer(id, MSG_RESPONSE, ProbeSetThreadArea(pid, call->args[0]), 4);
        break;
    case PROBE_HERE:
        probe.hereAddress = call->args[0];
        probe.herePid = pid;
        Answer(id, MSG_RESPONSE, 0, 4);
        break;
    case POSIX_CALL_SIGNALS:
        probe.signalsPid = pid;
        Answer(id, MSG_RESPONSE, 0, 4);
        break;
    case PROBE_EXIT:
        probe.endResult = KernelApiTable()->ProcessEnd(pid, WAIT_STATUS_EXITED(call->args[0]));
        probe.endReply = Answer(id, MSG_RESPONSE, 0, 4);
        break;
    default:
        Answer(id, MSG_RESPONSE, (int32_t)(call->number + call->args[0]), 4);
    }
}

// A kernel thread serving "posix:". Any request that is not a call
// (the tests send a MSG_PING) first answers the held call, if any.
static void ProbeServer(void *arg)
{
    static uint8_t buffer[512] __attribute__((aligned(16)));
    Message *m = (Message *)buffer;

    (void)arg;
    if (IpcRegister(POSIX_PREFIX, 0) != 0 ||
        PersonalityRegister(POSIX_VECTOR, POSIX_CALL_NAME) != 0) {
        probe.state = -1;
        return;
    }
    probe.state = 1;
    for (;;) {
        int n = IpcReceive(IPC_MEMORY_KERNEL, (uintptr_t)m, sizeof(buffer), 0);
        if (n == (int)(MESSAGE_HEADER_SIZE + sizeof(PosixCall)) && m->type == MSG_POSIX_CALL) {
            ProbeCall(m, (const PosixCall *)m->data);
        } else if (n >= 0) {
            if (probe.heldRequest)
                probe.heldReply = Answer(probe.heldRequest, MSG_RESPONSE, 0, 4);
            probe.heldRequest = 0;
            Answer(m->requestId, MSG_RESPONSE, 0, 0);
        }
    }
}

// Wait (at most 2 s) until *value is non-zero.
static void WaitFor(volatile uint32_t *value)
{
    for (int i = 0; i < 200 && !*value; i++)
        SchedSleep(10);
    KTEST_ASSERT(*value != 0);
}

static Process *StartProbe(void)
{
    Process *p;

    memset((void *)&probe, 0, sizeof(probe));
    p = ProcessCreateThread("posixprobe", ProbeServer, NULL);
    KTEST_ASSERT(p != NULL);
    for (int i = 0; i < 100 && probe.state == 0; i++)
        SchedSleep(10);
    KTEST_ASSERT_EQ(probe.state, 1);
    return p;
}

static void Stop(uint32_t pid)
{
    int status;

    KTEST_ASSERT_EQ(ProcessKill(pid), 0);
    KTEST_ASSERT_EQ(ProcessWait((int)pid, &status), (int)pid);
}

// Tell the probe to answer its held call now.
static void Release(void)
{
    Message *reply = NULL;
    Message *ping = kmalloc(MESSAGE_HEADER_SIZE);

    KTEST_ASSERT(ping != NULL);
    *ping = (Message){ .type = MSG_PING, .length = MESSAGE_HEADER_SIZE };
    KTEST_ASSERT_EQ(IpcCall("posix:control", ping, 2000, &reply), 0);
    kfree(reply);
}

static int Spawn(const char *mode, const char *arg)
{
    const char *argv[3] = { "bin/int80", mode, arg };
    int pid = LoaderSpawn("bin/int80", arg ? 3 : 2, argv, PROCESS_USER, ProcessCurrent());

    KTEST_ASSERT(pid > 0);
    return pid;
}

// Run bin/int80 in mode and return its wait status.
static int Run(const char *mode, const char *arg)
{
    int pid = Spawn(mode, arg), status = -1;

    KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
    return status;
}

// Start bin/int80 idle and wait until the probe knows its pattern's address.
static uint32_t StartTarget(void)
{
    uint32_t pid = (uint32_t)Spawn("idle", NULL);

    WaitFor(&probe.hereAddress);
    KTEST_ASSERT_EQ(probe.herePid, pid);
    return pid;
}

// A raw int 0x80 from this kernel thread.
static int32_t KernelInt80(uint32_t number, uint32_t arg)
{
    int32_t result = (int32_t)number;

    __asm__ volatile("int $0x80" : "+a"(result) : "b"(arg) : "memory");
    return result;
}

// --- int 0x80 -----------------------------------------------------------------

KTEST(PosixTrapReachesTheServer)
{
    Process *s = StartProbe();

    KTEST_ASSERT_EQ(Run("call", NULL), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(KernelInt80(5, 10), 15);             // from ring 0: the same path
    Stop(s->pid);
}

// Claiming a vector: only 0x41-0xff, one name each; the same name again is fine.
KTEST(PersonalityRegisterRefusals)
{
    KTEST_ASSERT_EQ(PersonalityRegister(14, POSIX_CALL_NAME), E_INVAL);      // #PF
    KTEST_ASSERT_EQ(PersonalityRegister(0x21, POSIX_CALL_NAME), E_INVAL);    // an IRQ
    KTEST_ASSERT_EQ(PersonalityRegister(SYSCALL_VECTOR, POSIX_CALL_NAME), E_INVAL);
    KTEST_ASSERT_EQ(PersonalityRegister(0x100, POSIX_CALL_NAME), E_INVAL);
    KTEST_ASSERT_EQ(PersonalityRegister(0x81, ""), E_INVAL);
    KTEST_ASSERT_EQ(PersonalityRegister(0x81, NULL), E_INVAL);
    KTEST_ASSERT_EQ(PersonalityRegister(POSIX_VECTOR, POSIX_CALL_NAME), 0);
    KTEST_ASSERT_EQ(PersonalityRegister(POSIX_VECTOR, POSIX_CALL_NAME), 0);   // again: fine
    KTEST_ASSERT_EQ(PersonalityRegister(POSIX_VECTOR, "other:call"), E_BUSY);
    KTEST_ASSERT(PersonalityClaims(POSIX_VECTOR) && !PersonalityClaims(0x81));
}

KTEST(PosixTrapWithoutServerIsNosys)
{
    KTEST_ASSERT_EQ(PersonalityRegister(POSIX_VECTOR, POSIX_CALL_NAME), 0);
    KTEST_ASSERT(!IpcServes(POSIX_PREFIX));
    KTEST_ASSERT_EQ(Run("nosys", NULL), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(KernelInt80(5, 10), E_NOSYS);
}

// A server that dies with the call in hand fails it with E_PIPE.
KTEST(PosixTrapServerDeathGivesPipe)
{
    Process *s = StartProbe();
    int pid = Spawn("hold", NULL), status;

    WaitFor(&probe.heldRequest);
    Stop(s->pid);
    KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
    KTEST_ASSERT_EQ(status, WAIT_STATUS_EXITED(0));
}

// A caller killed while its call is being served leaves no memory behind;
// the late answer finds nobody.
KTEST(PosixTrapKilledCallerLeaksNothing)
{
    Process *s = StartProbe();
    uint32_t baseline = 0;

    for (int round = 0; round < 3; round++) {
        uint32_t pid;
        if (round == 1)
            baseline = MemFreePages();
        pid = (uint32_t)Spawn("hold", NULL);
        WaitFor(&probe.heldRequest);
        Stop(pid);
        Release();
        KTEST_ASSERT_EQ(probe.heldReply, E_NOENT);
    }
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
    Stop(s->pid);
}

// exit: the server ends its caller with the status it asked for, while
// the caller waits for the answer.
KTEST(PosixEndWhileInTheCall)
{
    Process *s = StartProbe();

    KTEST_ASSERT_EQ(Run("exit", NULL), WAIT_STATUS_EXITED(7));
    KTEST_ASSERT_EQ(probe.endResult, 0);
    KTEST_ASSERT_EQ(probe.endReply, E_NOENT);
    Stop(s->pid);
}

// --- the process calls ----------------------------------------------------------

KTEST(PosixProcessReadWrite)
{
    const KernelApi *api = KernelApiTable();
    Process *s = StartProbe();
    uint32_t pid = StartTarget(), at = probe.hereAddress;
    char text[64], elf[4];

    KTEST_ASSERT_EQ(api->ProcessRead(pid, text, at, sizeof(PATTERN)), 0);
    KTEST_ASSERT(strcmp(text, PATTERN) == 0);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, elf, ELF_BASE, 4), 0);
    KTEST_ASSERT(memcmp(elf, "\x7f" "ELF", 4) == 0);
    KTEST_ASSERT_EQ(api->ProcessWrite(pid, at, "rewritten", 10), 0);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, text, at, 10), 0);
    KTEST_ASSERT(strcmp(text, "rewritten") == 0);
    KTEST_ASSERT_EQ(api->ProcessWrite(pid, ELF_BASE, "abcd", 4), E_FAULT);   // read-only
    KTEST_ASSERT_EQ(api->ProcessRead(pid, elf, ELF_BASE, 4), 0);
    KTEST_ASSERT(memcmp(elf, "\x7f" "ELF", 4) == 0);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, text, 0, 4), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, text, KERNEL_BASE + 0x100000, 4), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessWrite(pid, KERNEL_BASE + 0x100000, text, 4), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, text, SCRATCH, 4), E_FAULT);      // unmapped
    KTEST_ASSERT_EQ(api->ProcessRead(pid, text, USER_LIMIT - 4, 8), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, text, at, 0xffffffffu), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, text, 0xfffffffcu, 8), E_FAULT);  // wraps
    KTEST_ASSERT_EQ(api->ProcessRead(pid, text, SCRATCH, 0), 0);
    KTEST_ASSERT_EQ(api->ProcessRead(0x7fffffff, text, at, 4), E_SRCH);
    KTEST_ASSERT_EQ(api->ProcessRead(s->pid, text, at, 4), E_SRCH);         // kernel mode
    KTEST_ASSERT_EQ(api->ProcessWrite(0, at, text, 4), E_SRCH);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, NULL, at, 4), E_FAULT);           // no buffer
    KTEST_ASSERT_EQ(api->ProcessWrite(pid, at, NULL, 4), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, NULL, at, 0), 0);                 // nothing to copy
    Stop(pid);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, text, at, 4), E_SRCH);            // gone
    Stop(s->pid);
}

// A copy that runs into an unmapped page copies up to it, and nothing from it on.
KTEST(PosixProcessCopyStopsAtABadPage)
{
    const KernelApi *api = KernelApiTable();
    Process *s = StartProbe();
    uint32_t pid = StartTarget();
    static uint8_t page[PAGE_SIZE + 16];

    KTEST_ASSERT_EQ(api->ProcessMap(pid, SCRATCH, PAGE_SIZE, PROT_RW), 0);
    for (uint32_t i = 0; i < PAGE_SIZE; i++)
        page[i] = (uint8_t)(i * 7);
    KTEST_ASSERT_EQ(api->ProcessWrite(pid, SCRATCH, page, PAGE_SIZE), 0);
    memset(page, 0xcc, sizeof(page));
    KTEST_ASSERT_EQ(api->ProcessRead(pid, page, SCRATCH + 8, PAGE_SIZE), E_FAULT);
    for (uint32_t i = 0; i < PAGE_SIZE - 8; i++)
        KTEST_ASSERT_EQ(page[i], (uint8_t)((i + 8) * 7));
    for (uint32_t i = PAGE_SIZE - 8; i < sizeof(page); i++)
        KTEST_ASSERT_EQ(page[i], 0xcc);
    KTEST_ASSERT_EQ(api->ProcessWrite(pid, SCRATCH + PAGE_SIZE - 4, "12345678", 8), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, page, SCRATCH + PAGE_SIZE - 4, 4), 0);
    KTEST_ASSERT(memcmp(page, "1234", 4) == 0);
    Stop(pid);
    Stop(s->pid);
}

KTEST(PosixProcessReadString)
{
    const KernelApi *api = KernelApiTable();
    Process *s = StartProbe();
    uint32_t pid = StartTarget(), end = SCRATCH + PAGE_SIZE;
    char text[64];

    KTEST_ASSERT_EQ(api->ProcessReadString(pid, text, probe.hereAddress, sizeof(text)),
                    (int)strlen(PATTERN));
    KTEST_ASSERT(strcmp(text, PATTERN) == 0);
    KTEST_ASSERT_EQ(api->ProcessReadString(pid, text, probe.hereAddress, strlen(PATTERN)),
                    E_NAMETOOLONG);
    KTEST_ASSERT_EQ(text[0], 0);
    KTEST_ASSERT_EQ(api->ProcessReadString(pid, text, probe.hereAddress, strlen(PATTERN) + 1),
                    (int)strlen(PATTERN));
    KTEST_ASSERT_EQ(api->ProcessReadString(pid, text, probe.hereAddress, 0), E_NAMETOOLONG);
    KTEST_ASSERT_EQ(api->ProcessMap(pid, SCRATCH, PAGE_SIZE, PROT_RW), 0);
    KTEST_ASSERT_EQ(api->ProcessWrite(pid, end - 4, "abc", 4), 0);         // NUL in the last byte
    KTEST_ASSERT_EQ(api->ProcessReadString(pid, text, end - 4, sizeof(text)), 3);
    KTEST_ASSERT(strcmp(text, "abc") == 0);
    KTEST_ASSERT_EQ(api->ProcessWrite(pid, end - 4, "abcd", 4), 0);        // runs off the page
    KTEST_ASSERT_EQ(api->ProcessReadString(pid, text, end - 4, sizeof(text)), E_FAULT);
    KTEST_ASSERT_EQ(text[0], 0);
    KTEST_ASSERT_EQ(api->ProcessReadString(pid, text, end - 4, 4), E_NAMETOOLONG);
    KTEST_ASSERT_EQ(api->ProcessReadString(pid, text, KERNEL_BASE, sizeof(text)), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessReadString(pid, text, USER_LIMIT - 2, sizeof(text)), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessReadString(pid, text, 0, sizeof(text)), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessReadString(s->pid, text, end - 4, sizeof(text)), E_SRCH);
    KTEST_ASSERT_EQ(api->ProcessReadString(pid, NULL, end - 4, sizeof(text)), E_FAULT);
    Stop(pid);
    Stop(s->pid);
}

KTEST(PosixProcessQuery)
{
    const KernelApi *api = KernelApiTable();
    Process *s = StartProbe();
    uint32_t pid = StartTarget(), word;
    ProcessFacts facts;

    KTEST_ASSERT_EQ(api->ProcessQuery(pid, &facts), 0);
    KTEST_ASSERT_EQ(facts.pid, pid);
    KTEST_ASSERT_EQ(facts.parent, ProcessCurrent()->pid);
    KTEST_ASSERT(facts.imageEnd > probe.hereAddress && facts.imageEnd < SCRATCH);
    KTEST_ASSERT_EQ(facts.imageEnd & (PAGE_SIZE - 1), 0);
    KTEST_ASSERT_EQ(facts.stackBottom, STACK_BOTTOM);
    KTEST_ASSERT_EQ(facts.userLimit, USER_LIMIT);
    KTEST_ASSERT(strcmp(facts.name, "int80") == 0);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, &word, facts.imageEnd - 4, 4), 0);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, &word, facts.imageEnd, 4), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessQuery(pid, NULL), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessQuery(s->pid, &facts), E_SRCH);
    KTEST_ASSERT_EQ(api->ProcessQuery(0x7fffffff, &facts), E_SRCH);
    Stop(pid);
    Stop(s->pid);
}

// Map, then protect and unmap, with every page's state checked by copies.
KTEST(PosixProcessMapProtectUnmap)
{
    const KernelApi *api = KernelApiTable();
    Process *s = StartProbe();
    uint32_t pid = StartTarget(), rw = PROT_RW, baseline;
    uint32_t word = 0x12345678, zero = 1;

    KTEST_ASSERT_EQ(api->ProcessMap(pid, SCRATCH, PAGE_SIZE, rw), 0);    // the page table
    KTEST_ASSERT_EQ(api->ProcessUnmap(pid, SCRATCH, PAGE_SIZE), 0);
    baseline = MemFreePages();
    KTEST_ASSERT_EQ(api->ProcessMap(pid, SCRATCH, 3 * PAGE_SIZE - 100, rw), 0);  // rounded up
    KTEST_ASSERT_EQ(MemFreePages(), baseline - 3);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, &zero, SCRATCH + 2 * PAGE_SIZE + 8, 4), 0);
    KTEST_ASSERT_EQ(zero, 0);
    KTEST_ASSERT_EQ(api->ProcessWrite(pid, SCRATCH + 8, &word, 4), 0);
    // Mapping over mapped pages keeps them and changes their protection.
    KTEST_ASSERT_EQ(api->ProcessMap(pid, SCRATCH, 4 * PAGE_SIZE, POSIX_PROT_READ), 0);
    KTEST_ASSERT_EQ(MemFreePages(), baseline - 4);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, &zero, SCRATCH + 8, 4), 0);
    KTEST_ASSERT_EQ(zero, word);
    KTEST_ASSERT_EQ(api->ProcessWrite(pid, SCRATCH + 8, &word, 4), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessProtect(pid, SCRATCH, PAGE_SIZE, rw), 0);
    KTEST_ASSERT_EQ(api->ProcessWrite(pid, SCRATCH + 8, &word, 4), 0);
    KTEST_ASSERT_EQ(api->ProcessProtect(pid, SCRATCH, PAGE_SIZE, 0), 0);  // PROT_NONE
    KTEST_ASSERT_EQ(api->ProcessRead(pid, &zero, SCRATCH, 4), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessProtect(pid, SCRATCH, 0, rw), 0);         // empty: nothing
    KTEST_ASSERT_EQ(api->ProcessRead(pid, &zero, SCRATCH, 4), E_FAULT);
    // A hole in the range: E_NOMEM, and nothing changed.
    KTEST_ASSERT_EQ(api->ProcessProtect(pid, SCRATCH, 5 * PAGE_SIZE, rw), E_NOMEM);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, &zero, SCRATCH, 4), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessWrite(pid, SCRATCH + PAGE_SIZE, &word, 4), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessProtect(pid, STACK_BOTTOM, PAGE_SIZE, rw), 0);  // the stack too
    // Unmap the middle page, then the rest with the hole in it.
    KTEST_ASSERT_EQ(api->ProcessUnmap(pid, SCRATCH + PAGE_SIZE, PAGE_SIZE), 0);
    KTEST_ASSERT_EQ(MemFreePages(), baseline - 3);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, &zero, SCRATCH + PAGE_SIZE, 4), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, &zero, SCRATCH + 2 * PAGE_SIZE, 4), 0);
    KTEST_ASSERT_EQ(api->ProcessUnmap(pid, SCRATCH, 8 * PAGE_SIZE), 0);
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, &zero, SCRATCH + 2 * PAGE_SIZE, 4), E_FAULT);
    Stop(pid);
    Stop(s->pid);
}

// Ranges and protections that are refused, changing nothing.
KTEST(PosixProcessMapRefusals)
{
    const KernelApi *api = KernelApiTable();
    Process *s = StartProbe();
    uint32_t pid = StartTarget(), rw = PROT_RW;
    uint32_t baseline = MemFreePages();
    ProcessFacts facts;

    KTEST_ASSERT_EQ(api->ProcessQuery(pid, &facts), 0);
    KTEST_ASSERT_EQ(api->ProcessMap(pid, SCRATCH + 8, PAGE_SIZE, rw), E_INVAL);     // unaligned
    KTEST_ASSERT_EQ(api->ProcessMap(pid, 0, PAGE_SIZE, rw), E_INVAL);               // page 0
    KTEST_ASSERT_EQ(api->ProcessMap(pid, KERNEL_BASE, PAGE_SIZE, rw), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessMap(pid, facts.stackBottom, PAGE_SIZE, rw), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessMap(pid, facts.stackBottom - PAGE_SIZE, 2 * PAGE_SIZE, rw),
                    E_INVAL);                                                      // into the stack
    KTEST_ASSERT_EQ(api->ProcessMap(pid, SCRATCH, 0, rw), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessMap(pid, SCRATCH, 0xfffff000u, rw), E_INVAL);      // huge
    KTEST_ASSERT_EQ(api->ProcessMap(pid, SCRATCH, 0xffffffffu, rw), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessMap(pid, SCRATCH, PAGE_SIZE, 0x8), E_INVAL);       // unknown bit
    KTEST_ASSERT_EQ(api->ProcessMap(s->pid, SCRATCH, PAGE_SIZE, rw), E_SRCH);
    KTEST_ASSERT_EQ(api->ProcessUnmap(pid, SCRATCH + 8, PAGE_SIZE), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessUnmap(pid, facts.stackBottom, PAGE_SIZE), E_INVAL);  // the stack
    KTEST_ASSERT_EQ(api->ProcessUnmap(pid, KERNEL_BASE, PAGE_SIZE), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessUnmap(pid, SCRATCH, 0), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessUnmap(0x7fffffff, SCRATCH, PAGE_SIZE), E_SRCH);
    KTEST_ASSERT_EQ(api->ProcessProtect(pid, SCRATCH + 8, PAGE_SIZE, rw), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessProtect(pid, USER_LIMIT - PAGE_SIZE, 2 * PAGE_SIZE, rw), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessProtect(pid, ELF_BASE, PAGE_SIZE, 0x10), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessProtect(s->pid, ELF_BASE, PAGE_SIZE, rw), E_SRCH);
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, &facts, SCRATCH, 4), E_FAULT);
    Stop(pid);
    Stop(s->pid);
}

// A map larger than free memory fails with E_NOMEM and leaves every
// mapping as it was: the pages it did map are freed, a page that was
// there keeps its contents and protection.
KTEST(PosixProcessMapIsAllOrNothing)
{
    const KernelApi *api = KernelApiTable();
    Process *s = StartProbe();
    uint32_t pid = StartTarget(), word = 0xfeedf00d, read = 0, tablesBefore, baseline;
    uint32_t length = (MemFreePages() + 64) * PAGE_SIZE, start = SCRATCH - PAGE_SIZE;
    Process *target = ProcessFind(pid);

    KTEST_ASSERT(start + length > start && start + length <= STACK_BOTTOM);
    KTEST_ASSERT_EQ(api->ProcessMap(pid, SCRATCH, PAGE_SIZE, PROT_RW), 0);
    KTEST_ASSERT_EQ(api->ProcessWrite(pid, SCRATCH, &word, 4), 0);
    KTEST_ASSERT_EQ(api->ProcessProtect(pid, SCRATCH, PAGE_SIZE, POSIX_PROT_READ), 0);
    tablesBefore = target->ownSpace.tablePages;
    baseline = MemFreePages();
    KTEST_ASSERT_EQ(api->ProcessMap(pid, start, length, PROT_RW), E_NOMEM);
    // Page tables made on the way stay (empty); every page is back.
    KTEST_ASSERT_EQ(MemFreePages() + (target->ownSpace.tablePages - tablesBefore), baseline);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, &read, start, 4), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, &read, SCRATCH + PAGE_SIZE, 4), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, &read, SCRATCH, 4), 0);
    KTEST_ASSERT_EQ(read, word);
    KTEST_ASSERT_EQ(api->ProcessWrite(pid, SCRATCH, &word, 4), E_FAULT);
    Stop(pid);
    Stop(s->pid);
}

// With the target's address space current, a remap is seen at once (its
// TLB entry flushed), not the old frame.
KTEST(PosixProcessMapFlushesTheCurrentSpace)
{
    const KernelApi *api = KernelApiTable();
    Process *s = StartProbe();
    uint32_t pid = StartTarget(), word = 0xabcdef01, seenBefore, seenAfter, flags;
    Process *target = ProcessFind(pid);

    KTEST_ASSERT_EQ(api->ProcessMap(pid, SCRATCH, PAGE_SIZE, PROT_RW), 0);
    KTEST_ASSERT_EQ(api->ProcessWrite(pid, SCRATCH, &word, 4), 0);
    flags = CpuSave();
    VmmActivate(target->space);
    seenBefore = *(volatile uint32_t *)SCRATCH;
    api->ProcessUnmap(pid, SCRATCH, PAGE_SIZE);
    api->ProcessMap(pid, SCRATCH, PAGE_SIZE, POSIX_PROT_READ);
    seenAfter = *(volatile uint32_t *)SCRATCH;
    VmmActivate(ProcessCurrent()->space);
    CpuRestore(flags);
    KTEST_ASSERT_EQ(seenBefore, word);
    KTEST_ASSERT_EQ(seenAfter, 0);
    Stop(pid);
    Stop(s->pid);
}

KTEST(PosixProcessEnd)
{
    const KernelApi *api = KernelApiTable();
    Process *s = StartProbe();
    uint32_t pid = StartTarget();
    int status;

    KTEST_ASSERT_EQ(api->ProcessEnd(pid, 0x7f), E_INVAL);                 // "stopped"
    KTEST_ASSERT_EQ(api->ProcessEnd(pid, 0x10000), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessEnd(pid, -1), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessEnd(s->pid, WAIT_STATUS_EXITED(1)), E_SRCH);  // kernel mode
    KTEST_ASSERT_EQ(api->ProcessEnd(ProcessCurrent()->pid, WAIT_STATUS_EXITED(1)), E_SRCH);
    KTEST_ASSERT_EQ(api->ProcessEnd(0x7fffffff, WAIT_STATUS_EXITED(1)), E_SRCH);
    KTEST_ASSERT_EQ(api->ProcessEnd(pid, WAIT_STATUS_SIGNALED(SIGNAL_SEGV)), 0);
    KTEST_ASSERT_EQ(api->ProcessEnd(pid, WAIT_STATUS_EXITED(1)), E_SRCH);     // a zombie now
    KTEST_ASSERT_EQ(ProcessWait((int)pid, &status), (int)pid);
    KTEST_ASSERT_EQ(status, WAIT_STATUS_SIGNALED(SIGNAL_SEGV));
    probe.hereAddress = 0;
    pid = StartTarget();
    KTEST_ASSERT_EQ(api->ProcessEnd(pid, WAIT_STATUS_EXITED(200)), 0);
    KTEST_ASSERT_EQ(ProcessWait((int)pid, &status), (int)pid);
    KTEST_ASSERT_EQ(status, WAIT_STATUS_EXITED(200));
    Stop(s->pid);
}

// Two programs with TLS segments at different bases each see their own
// through %gs across switches (bin/int80 checks); refusals below.
KTEST(PosixTlsIsPerProcess)
{
    Process *s = StartProbe();
    int a = Spawn("tls", "1"), b = Spawn("tls", "2"), sa, sb;

    KTEST_ASSERT_EQ(ProcessWait(a, &sa), a);
    KTEST_ASSERT_EQ(ProcessWait(b, &sb), b);
    KTEST_ASSERT_EQ(sa, WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(sb, WAIT_STATUS_EXITED(0));
    Stop(s->pid);
}

KTEST(PosixTlsRefusals)
{
    static const struct { uint32_t entry, base, limit, flags; int err; } cases[] = {
        { 0xffffffffu, SCRATCH, 0xfffff, 0x51, 0 },
        { 6, SCRATCH, 0xfffff, 0x51, 0 },
        { 6, 0, 0, 0x01, 0 },                           // byte-granular, base 0
        { 6, SCRATCH, 0xfff, 0x59, 0 },                 // read-only
        { 5, SCRATCH, 0xfffff, 0x51, E_INVAL },         // another entry
        { 7, SCRATCH, 0xfffff, 0x51, E_INVAL },
        { 6, SCRATCH, 0xfffff, 0x50, E_INVAL },         // 16-bit
        { 6, SCRATCH, 0xfffff, 0x53, E_INVAL },         // expand-down data
        { 6, SCRATCH, 0xfffff, 0x55, E_INVAL },         // code
        { 6, SCRATCH, 0xfffff, 0x71, E_INVAL },         // not present
        { 6, SCRATCH, 0xfffff, 0xd1, E_INVAL },         // an unknown bit
        { 6, SCRATCH, 0x100000, 0x51, E_INVAL },        // limit over 20 bits
        { 6, KERNEL_BASE, 0xfffff, 0x51, E_INVAL },     // base in the kernel
    };
    const KernelApi *api = KernelApiTable();
    Process *s = StartProbe();
    uint32_t pid = StartTarget();
    Process *target = ProcessFind(pid);
    PosixUserDesc good = { 6, SCRATCH, 0xfffff, 0x51 };

    for (uint32_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        PosixUserDesc desc = { cases[i].entry, cases[i].base, cases[i].limit, cases[i].flags };
        uint64_t before = target->tls;
        KTEST_ASSERT_EQ(api->ProcessSetTls(pid, &desc), cases[i].err);
        KTEST_ASSERT_EQ(desc.entryNumber, cases[i].err ? cases[i].entry : 6);
        KTEST_ASSERT(cases[i].err ? target->tls == before : target->tls != 0);
    }
    KTEST_ASSERT_EQ(api->ProcessSetTls(pid, NULL), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessSetTls(s->pid, &good), E_SRCH);
    KTEST_ASSERT_EQ(api->ProcessSetTls(0x7fffffff, &good), E_SRCH);
    Stop(pid);
    Stop(s->pid);
}

// --- fork, exec, reap -------------------------------------------------------------

// Reap pid's child (waiting at most 2 s for it to end). Returns its status.
static int ReapChild(uint32_t parent, int child)
{
    const KernelApi *api = KernelApiTable();
    int status = -1, got = 0;

    for (int i = 0; i < 200 && (got = api->ProcessReap(parent, child, &status)) == 0; i++)
        SchedSleep(10);
    KTEST_ASSERT_EQ(got, child);
    return status;
}

// A fork of a sleeping process: the same memory, copied, not shared; the
// parent's facts; nothing leaks once the child is killed and reaped.
KTEST(PosixForkCopiesMemory)
{
    const KernelApi *api = KernelApiTable();
    Process *s = StartProbe();
    uint32_t pid = StartTarget(), at = probe.hereAddress, baseline = MemFreePages();
    char text[64];
    ProcessFacts parent, child;
    int c;

    KTEST_ASSERT_EQ(api->ProcessMap(pid, SCRATCH, 2 * PAGE_SIZE, POSIX_PROT_READ), 0);
    KTEST_ASSERT_EQ(api->ProcessWrite(pid, at, "before the fork", 16), 0);
    c = api->ProcessFork(pid);
    KTEST_ASSERT(c > 0 && (uint32_t)c != pid);
    KTEST_ASSERT_EQ(api->ProcessRead((uint32_t)c, text, at, 16), 0);
    KTEST_ASSERT(strcmp(text, "before the fork") == 0);
    KTEST_ASSERT_EQ(api->ProcessWrite((uint32_t)c, at, "the child's own", 16), 0);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, text, at, 16), 0);
    KTEST_ASSERT(strcmp(text, "before the fork") == 0);
    KTEST_ASSERT_EQ(api->ProcessRead((uint32_t)c, text, ELF_BASE, 4), 0);
    KTEST_ASSERT(memcmp(text, "\x7f" "ELF", 4) == 0);
    KTEST_ASSERT_EQ(api->ProcessWrite((uint32_t)c, ELF_BASE, "abcd", 4), E_FAULT); // still read-only
    KTEST_ASSERT_EQ(api->ProcessRead((uint32_t)c, text, SCRATCH + PAGE_SIZE, 4), 0);
    KTEST_ASSERT_EQ(api->ProcessWrite((uint32_t)c, SCRATCH, text, 4), E_FAULT);
    KTEST_ASSERT_EQ(api->ProcessQuery(pid, &parent), 0);
    KTEST_ASSERT_EQ(api->ProcessQuery((uint32_t)c, &child), 0);
    KTEST_ASSERT_EQ(child.parent, pid);
    KTEST_ASSERT_EQ(child.imageEnd, parent.imageEnd);
    KTEST_ASSERT(strcmp(child.name, "int80") == 0);
    KTEST_ASSERT_EQ(api->ProcessReap(pid, -1, NULL), 0);                // it runs
    KTEST_ASSERT_EQ(api->ProcessReap(pid, c, NULL), 0);
    KTEST_ASSERT_EQ(api->ProcessReap(pid, c + 1000, NULL), E_CHILD);
    KTEST_ASSERT_EQ(api->ProcessReap(ProcessCurrent()->pid, c, NULL), E_CHILD);  // not its child
    KTEST_ASSERT_EQ(api->ProcessReap(0x7fffffff, -1, NULL), E_CHILD);
    KTEST_ASSERT_EQ(api->ProcessReap(pid, 0, NULL), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessReap(pid, -2, NULL), E_INVAL);
    KTEST_ASSERT_EQ(ProcessKill((uint32_t)c), 0);
    KTEST_ASSERT_EQ(ReapChild(pid, c), WAIT_STATUS_SIGNALED(SIGNAL_KILL));
    KTEST_ASSERT_EQ(api->ProcessReap(pid, -1, NULL), E_CHILD);          // none left
    KTEST_ASSERT_EQ(api->ProcessRead((uint32_t)c, text, at, 4), E_SRCH);
    KTEST_ASSERT_EQ(api->ProcessUnmap(pid, SCRATCH, 2 * PAGE_SIZE), 0);
    KTEST_ASSERT_EQ(MemFreePages() + 1, baseline);      // the page table for SCRATCH stays
    Stop(pid);
    Stop(s->pid);
}

KTEST(PosixForkRefusals)
{
    const KernelApi *api = KernelApiTable();
    Process *s = StartProbe();
    uint32_t baseline = MemFreePages();

    KTEST_ASSERT_EQ(api->ProcessFork(0x7fffffff), E_SRCH);
    KTEST_ASSERT_EQ(api->ProcessFork(s->pid), E_SRCH);                  // kernel mode
    KTEST_ASSERT_EQ(api->ProcessFork(ProcessCurrent()->pid), E_SRCH);
    KTEST_ASSERT_EQ(api->ProcessFork(0), E_SRCH);
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
    Stop(s->pid);
}

// A fork of a process stopped in int 0x80: the child's call returns 0
// (bin/int80 hold then exits 1), the parent's goes on waiting (E_PIPE
// once the probe is gone: exit 0).
KTEST(PosixForkChildReturnsZero)
{
    const KernelApi *api = KernelApiTable();
    Process *s = StartProbe();
    int pid = Spawn("hold", NULL), c, status;

    WaitFor(&probe.heldRequest);
    c = api->ProcessFork((uint32_t)pid);
    KTEST_ASSERT(c > 0);
    KTEST_ASSERT_EQ(ReapChild((uint32_t)pid, c), WAIT_STATUS_EXITED(1));
    Stop(s->pid);
    KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
    KTEST_ASSERT_EQ(status, WAIT_STATUS_EXITED(0));
}

// The word at index i of pid's stack from esp.
static uint32_t StackWord(uint32_t pid, uint32_t esp, uint32_t i)
{
    uint32_t word = 0;

    KTEST_ASSERT_EQ(KernelApiTable()->ProcessRead(pid, &word, esp + 4 * i, 4), 0);
    return word;
}

// Exec of bin/hello's image into a sleeping bin/int80: the new stack has
// argv and envp, the name is argv[0]'s base name, and when it wakes it
// runs hello to its end.
KTEST(PosixExecReplacesTheProgram)
{
    static const char *const argv[] = { "fs:root:bin/hello", "x", NULL };
    static const char *const envp[] = { "A=1", "HOME=/", NULL };
    const KernelApi *api = KernelApiTable();
    Process *s = StartProbe();
    uint32_t pid = StartTarget(), size, flags, esp, eip;
    const uint8_t *image;
    ProcessFacts facts;
    char text[32];
    int status;

    KTEST_ASSERT_EQ(InitrdFind("bin/hello", &image, &size), 0);
    KTEST_ASSERT_EQ(api->ProcessExec(pid, image, size, argv, envp), 0);
    flags = CpuSave();
    esp = ((TrapFrame *)(uintptr_t)(ProcessStackTop(ProcessFind(pid)) - sizeof(TrapFrame)))->userEsp;
    eip = ((TrapFrame *)(uintptr_t)(ProcessStackTop(ProcessFind(pid)) - sizeof(TrapFrame)))->eip;
    CpuRestore(flags);
    KTEST_ASSERT_EQ(esp & 15, 0);
    KTEST_ASSERT(eip >= ELF_BASE && eip < SCRATCH);
    KTEST_ASSERT_EQ(StackWord(pid, esp, 0), 2);                         // argc
    KTEST_ASSERT_EQ(api->ProcessReadString(pid, text, StackWord(pid, esp, 1), sizeof(text)),
                    (int)strlen(argv[0]));
    KTEST_ASSERT(strcmp(text, argv[0]) == 0);
    KTEST_ASSERT_EQ(StackWord(pid, esp, 3), 0);                         // end of argv
    KTEST_ASSERT_EQ(api->ProcessReadString(pid, text, StackWord(pid, esp, 5), sizeof(text)), 6);
    KTEST_ASSERT(strcmp(text, "HOME=/") == 0);
    KTEST_ASSERT_EQ(StackWord(pid, esp, 6), 0);                         // end of envp
    KTEST_ASSERT_EQ(api->ProcessQuery(pid, &facts), 0);
    KTEST_ASSERT(strcmp(facts.name, "hello") == 0);
    KTEST_ASSERT_EQ(ProcessFind(pid)->tls, 0);
    KTEST_ASSERT_EQ(ProcessWait((int)pid, &status), (int)pid);
    KTEST_ASSERT_EQ(status, WAIT_STATUS_EXITED(0));
    Stop(s->pid);
}

// A bad image, bad strings or a bad pid: an error, and the process as it was.
KTEST(PosixExecRefusals)
{
    static const char *const argv[] = { "bin/hello", NULL };
    static const char *many[LOADER_EXEC_MAX_STRINGS + 2];
    const KernelApi *api = KernelApiTable();
    Process *s = StartProbe();
    uint32_t pid = StartTarget(), size, baseline;
    const uint8_t *image;
    ProcessFacts before, after;
    char text[64];

    KTEST_ASSERT_EQ(InitrdFind("bin/hello", &image, &size), 0);
    for (uint32_t i = 0; i <= LOADER_EXEC_MAX_STRINGS; i++)
        many[i] = "a";
    KTEST_ASSERT_EQ(api->ProcessQuery(pid, &before), 0);
    baseline = MemFreePages();
    KTEST_ASSERT_EQ(api->ProcessExec(pid, "#!/bin/sh\n", 10, argv, NULL), E_NOEXEC);
    KTEST_ASSERT_EQ(api->ProcessExec(pid, image, 60, argv, NULL), E_INVAL);     // truncated
    KTEST_ASSERT_EQ(api->ProcessExec(pid, NULL, size, argv, NULL), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessExec(pid, image, size, many, NULL), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessExec(pid, image, size, argv, many), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessExec(0x7fffffff, image, size, argv, NULL), E_SRCH);
    KTEST_ASSERT_EQ(api->ProcessExec(s->pid, image, size, argv, NULL), E_SRCH);
    KTEST_ASSERT_EQ(api->ProcessExec(ProcessCurrent()->pid, image, size, argv, NULL), E_SRCH);
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
    KTEST_ASSERT_EQ(api->ProcessQuery(pid, &after), 0);
    KTEST_ASSERT(strcmp(after.name, "int80") == 0);
    KTEST_ASSERT_EQ(after.imageEnd, before.imageEnd);
    KTEST_ASSERT_EQ(api->ProcessRead(pid, text, probe.hereAddress, sizeof(PATTERN)), 0);
    KTEST_ASSERT(strcmp(text, PATTERN) == 0);
    Stop(pid);
    Stop(s->pid);
}

// --- signals: registers and pokes ----------------------------------------------

#define EFLAGS_USER_BITS 0x00040cd5u    // what ProcessSetRegisters may change
#define EFLAGS_IF_BIT    0x200u

// The registers of a stopped program read back as set, within what may
// be changed: the arithmetic flags only, MXCSR's reserved bits cleared.
// The originals go back before it runs again.
KTEST(PosixRegistersGetAndSet)
{
    const KernelApi *api = KernelApiTable();
    Process *s = StartProbe();
    uint32_t pid = StartTarget(), mxcsr;
    static PosixRegisters saved, r;

    KTEST_ASSERT_EQ(api->ProcessGetRegisters(pid, &saved), 0);
    KTEST_ASSERT_EQ(saved.vector, SYSCALL_VECTOR);          // asleep in SysSleep
    KTEST_ASSERT(saved.eip >= ELF_BASE && saved.eip < SCRATCH);
    KTEST_ASSERT(saved.esp > STACK_BOTTOM && saved.esp <= USER_LIMIT);
    r = saved;
    r.esi = 0x12345678u;
    r.eflags = 0xffffffffu;
    memset(r.fpu + 24, 0xff, 4);
    KTEST_ASSERT_EQ(api->ProcessSetRegisters(pid, &r), 0);
    KTEST_ASSERT_EQ(api->ProcessGetRegisters(pid, &r), 0);
    KTEST_ASSERT_EQ(r.esi, 0x12345678u);
    KTEST_ASSERT_EQ(r.eflags & EFLAGS_USER_BITS, EFLAGS_USER_BITS);
    KTEST_ASSERT_EQ(r.eflags & ~EFLAGS_USER_BITS, saved.eflags & ~EFLAGS_USER_BITS);
    KTEST_ASSERT(r.eflags & EFLAGS_IF_BIT);
    memcpy(&mxcsr, r.fpu + 24, 4);
    KTEST_ASSERT_EQ(mxcsr, 0xffbfu);
    KTEST_ASSERT_EQ(api->ProcessSetRegisters(pid, &saved), 0);
    KTEST_ASSERT_EQ(api->ProcessGetRegisters(pid, &r), 0);
    KTEST_ASSERT_EQ(memcmp(&r, &saved, sizeof(r)), 0);

    KTEST_ASSERT_EQ(api->ProcessGetRegisters(pid, NULL), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessSetRegisters(pid, NULL), E_INVAL);
    KTEST_ASSERT_EQ(api->ProcessGetRegisters(s->pid, &r), E_SRCH);     // kernel mode
    KTEST_ASSERT_EQ(api->ProcessSetRegisters(0x7fffffff, &r), E_SRCH);
    KTEST_ASSERT_EQ(api->ProcessPoke(s->pid), E_SRCH);
    KTEST_ASSERT_EQ(api->ProcessPoke(0x7fffffff), E_SRCH);
    Stop(pid);
    Stop(s->pid);
}

// A poked program makes a POSIX_CALL_SIGNALS call before it runs ring-3
// code again, whatever it was doing (here: asleep in a native call).
KTEST(PosixPokeMakesTheKernelCall)
{
    const KernelApi *api = KernelApiTable();
    Process *s = StartProbe();
    uint32_t pid = StartTarget();

    probe.signalsPid = 0;
    KTEST_ASSERT_EQ(api->ProcessPoke(pid), 0);
    WaitFor(&probe.signalsPid);
    KTEST_ASSERT_EQ(probe.signalsPid, pid);
    Stop(pid);
    Stop(s->pid);
}

// The kernel's own call numbers are refused from int 0x80 without
// reaching the server.
KTEST(PosixKernelCallsAreNotForPrograms)
{
    Process *s = StartProbe();

    probe.signalsPid = 0;
    KTEST_ASSERT_EQ(KernelInt80(POSIX_CALL_SIGNALS, 0), E_NOSYS);
    KTEST_ASSERT_EQ(KernelInt80(POSIX_CALL_FAULT, 11), E_NOSYS);
    KTEST_ASSERT_EQ(probe.signalsPid, 0u);
    Stop(s->pid);
}

// --- devices -----------------------------------------------------------------------

KTEST(DevicePagesAndPciConfig)
{
    const KernelApi *api = KernelApiTable();
    uint8_t *page = api->MemAllocateDmaPage(0x1000000), *plain = api->MemAllocatePage();
    uint32_t value = 0, pa;

    KTEST_ASSERT(page != NULL && plain != NULL);
    pa = api->MemPhysical(page);
    KTEST_ASSERT(pa != 0 && pa < 0x1000000 && (pa & 0xfff) == 0);
    KTEST_ASSERT_EQ(page[0] | page[4095], 0);                   // zeroed
    KTEST_ASSERT(api->MemPhysical(plain) != 0);
    KTEST_ASSERT_EQ(api->MemPhysical(page + 4), 0u);            // not a page start
    KTEST_ASSERT_EQ(api->MemPhysical(&value), 0u);              // not owned
    KTEST_ASSERT(api->MemAllocateDmaPage(0x1000) == NULL);      // nothing below 4 KiB
    api->MemFreePage(page);
    api->MemFreePage(plain);
    KTEST_ASSERT_EQ(api->MemPhysical(page), 0u);                // given back

    KTEST_ASSERT_EQ(api->PciConfigRead(PCI_CONFIG_ADDRESS(0, 0, 0, 0), &value), 0);
    KTEST_ASSERT((value & 0xffff) != 0xffff);                   // the host bridge
    KTEST_ASSERT_EQ(api->PciConfigRead(3, &value), E_INVAL);
    KTEST_ASSERT_EQ(api->PciConfigRead(0x01000000, &value), E_INVAL);
    KTEST_ASSERT_EQ(api->PciConfigWrite(2, 0), E_INVAL);
    KTEST_ASSERT_EQ(api->PciConfigRead(PCI_CONFIG_ADDRESS(0, 31, 7, 0), &value), 0);
    KTEST_ASSERT_EQ(value, 0xffffffffu);                        // nothing there
}
