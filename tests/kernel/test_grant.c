// Shared memory (kernel/mm/grant.c) and notices delivered by receive
// (kernel/ipc/ipc.c), from the kernel's side: a kernel grantor's heap
// block shared with a ring-3 grantee (bin/granttest partner) and revoked
// by its kfree, device memory granted uncached and never freed, the
// table's bounds and a kernel grantor's death, bin/granttest's own checks
// with no leak, and MSG_NOTICE from the receive calls in order.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/grant.h>
#include <clanker/syscall.h>
#include <lib/string.h>
#include <arch/x86/layout.h>
#include <arch/x86/vmm.h>
#include <kernel/exec/loader.h>
#include <kernel/ipc/async.h>
#include <kernel/ipc/ipc.h>
#include <kernel/mm/grant.h>
#include <kernel/mm/kheap.h>
#include <kernel/mm/memory.h>
#include <kernel/proc/process.h>
#include <kernel/proc/sched.h>
#include "ktest.h"

// bin/granttest's partner commands (tests/programs/granttest.c).
enum { CMD_MAP = 1, CMD_SUM, CMD_READ, CMD_WRITE, CMD_UNMAP, CMD_REVOKE, CMD_QUERY,
       CMD_TOUCH, CMD_CREATE, CMD_MEMMAP, CMD_MEMUNMAP, CMD_EXIT };

#define NO_ANSWER 0x7eadbeef

static int Spawn(const char *path, const char *arg)
{
    const char *argv[2] = { path, arg };

    return LoaderSpawn(path, arg ? 2 : 1, argv, PROCESS_USER, ProcessCurrent());
}

static int WaitFor(int pid)
{
    int status = -1;

    KTEST_ASSERT(pid > 0);
    KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
    return status;
}

// Have the partner pid run a command; its answer, or NO_ANSWER.
static int Ask(int pid, uint32_t cmd, uint32_t arg, int32_t value)
{
    IpcNotification n;

    KTEST_ASSERT_EQ(IpcNotify((uint32_t)pid, cmd | (arg << 8), value), 0);
    for (;;) {
        if (IpcWaitNotification(&n, 5000) != 0)
            return NO_ANSWER;
        if (n.senderId == (uint32_t)pid)
            return n.value;
    }
}

static int Finish(int pid);

// Wait up to 3 s for pid to end; its wait status, or -1 (then it is
// killed: a touch that should have faulted did not).
static int AwaitEnd(int pid)
{
    int status = -1;

    for (int i = 0; i < 300; i++) {
        if (ProcessTryWait(pid, &status) == pid)
            return status;
        SchedSleep(10);
    }
    ProcessKill((uint32_t)pid);
    WaitFor(pid);
    return -1;
}

static uint32_t FrameOf(uintptr_t va)
{
    uint32_t pa = 0;

    KTEST_ASSERT_EQ(VmmQuery(VmmKernelSpace(), va, &pa, NULL), 0);
    return pa & ~(PAGE_SIZE - 1);
}

// A kernel grantor's heap block: shared while granted (the frames hold
// one share each), written through the grantee's mapping, revoked by the
// block's kfree (the grantee's next touch kills it), and nothing kept.
static void HeapGrantRound(void)
{
    uint8_t *block = ProcessKmalloc(4 * PAGE_SIZE);
    uint32_t *pages = (uint32_t *)(((uintptr_t)block + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
    uint32_t count = GrantCount(), f0, f1, sum = 0;
    int partner = Spawn("bin/granttest", "partner"), id, at;
    GrantFacts facts;

    KTEST_ASSERT(block != NULL && partner > 0);
    for (uint32_t i = 0; i < 2 * 1024; i++)
        sum += pages[i] = i * 77 + 5;
    KTEST_ASSERT_EQ(GrantCreateKernel((uint8_t *)pages + 8, PAGE_SIZE, GRANT_READ, partner, NULL),
                    E_INVAL);
    KTEST_ASSERT_EQ(GrantCreateKernel(pages, 8 * PAGE_SIZE, GRANT_READ, partner, NULL), E_FAULT);
    KTEST_ASSERT_EQ(GrantCreateKernel(PhysToVirt(0x200000), PAGE_SIZE, GRANT_READ, partner, NULL),
                    E_FAULT);                   // a direct-map page it does not hold
    KTEST_ASSERT_EQ(GrantCreateKernel((void *)0x08048000u, PAGE_SIZE, GRANT_READ, partner, NULL),
                    E_FAULT);                   // a kernel thread has no user pages
    KTEST_ASSERT_EQ(GrantCreateKernel(pages, PAGE_SIZE, GRANT_READ, ProcessCurrent()->pid, NULL),
                    E_SRCH);                    // a kernel-mode grantee cannot map
    id = GrantCreateKernel(pages, 2 * PAGE_SIZE, GRANT_READ | GRANT_WRITE, partner, NULL);
    KTEST_ASSERT(id > 0);
    f0 = FrameOf((uintptr_t)pages);
    f1 = FrameOf((uintptr_t)pages + PAGE_SIZE);
    KTEST_ASSERT_EQ(MemPageShares(f0), 1);
    KTEST_ASSERT_EQ(MemPageShares(f1), 1);
    at = Ask(partner, CMD_MAP, GRANT_READ | GRANT_WRITE, id);
    KTEST_ASSERT((uint32_t)at >= GRANT_MAP_BASE && (uint32_t)at < GRANT_MAP_LIMIT);
    KTEST_ASSERT_EQ(GrantQuery((uint32_t)id, &facts), 0);
    KTEST_ASSERT_EQ(facts.grantor, ProcessCurrent()->pid);
    KTEST_ASSERT_EQ(facts.mappedAt, (uint32_t)at);
    KTEST_ASSERT_EQ(Ask(partner, CMD_SUM, 0, 0), (int)sum);
    KTEST_ASSERT_EQ(Ask(partner, CMD_WRITE, 1, 0x600d), 0);
    KTEST_ASSERT_EQ(pages[1024 + 1], 0x600d);
    KTEST_ASSERT_EQ(ProcessKfree(block), 0);    // revokes the grant first
    KTEST_ASSERT_EQ(GrantCount(), count);
    KTEST_ASSERT_EQ(GrantQuery((uint32_t)id, &facts), E_NOENT);
    KTEST_ASSERT_EQ(MemPageShares(f0), 0);
    KTEST_ASSERT_EQ(IpcNotify((uint32_t)partner, CMD_TOUCH, 0), 0);
    KTEST_ASSERT_EQ(AwaitEnd(partner), WAIT_STATUS_SIGNALED(SIGNAL_SEGV));
}

KTEST(GrantKernelHeapBlockLivesUntilItsKfree)
{
    uint32_t baseline;

    HeapGrantRound();
    baseline = MemFreePages();
    HeapGrantRound();
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
}

// Device memory (the last page of the VGA text window, past the screen
// the console writes): refused over RAM and with bad terms, mapped
// uncached at its own frame, written through, and never freed as a page
// of RAM.
KTEST(GrantDeviceMemory)
{
    volatile uint16_t *vga = PhysToVirt(0xbf000);
    int partner = Spawn("bin/granttest", "partner"), id, at;
    uint32_t pa, flags, before;
    uint16_t saved[2] = { vga[2], vga[3] };
    Process *p;

    KTEST_ASSERT(partner > 0);
    KTEST_ASSERT_EQ(GrantCreateDevice(0x100000, PAGE_SIZE, GRANT_READ, partner), E_PERM);
    KTEST_ASSERT_EQ(GrantCreateDevice(0xbf001, PAGE_SIZE, GRANT_READ, partner), E_INVAL);
    KTEST_ASSERT_EQ(GrantCreateDevice(0xbf000, 0, GRANT_READ, partner), E_INVAL);
    KTEST_ASSERT_EQ(GrantCreateDevice(0xfffff000u, 2 * PAGE_SIZE, GRANT_READ, partner), E_INVAL);
    KTEST_ASSERT_EQ(GrantCreateDevice(0xbf000, PAGE_SIZE, 8, partner), E_INVAL);
    KTEST_ASSERT_EQ(GrantCreateDevice(0xbf000, PAGE_SIZE, GRANT_READ, 0x7ffffff0u), E_SRCH);
    id = GrantCreateDevice(0xbf000, PAGE_SIZE, GRANT_READ | GRANT_WRITE, partner);
    KTEST_ASSERT(id > 0);
    at = Ask(partner, CMD_MAP, GRANT_READ | GRANT_WRITE, id);
    KTEST_ASSERT(at > 0);
    p = ProcessFind((uint32_t)partner);
    KTEST_ASSERT_EQ(VmmQuery(p->space, (uint32_t)at, &pa, &flags), 0);
    KTEST_ASSERT_EQ(pa, 0xbf000);
    KTEST_ASSERT_EQ(flags & (VMM_NOCACHE | VMM_GRANTED | VMM_OWNED | VMM_USER | VMM_WRITE),
                    VMM_NOCACHE | VMM_GRANTED | VMM_USER | VMM_WRITE);
    KTEST_ASSERT_EQ(Ask(partner, CMD_READ, 0, 0), (int)(vga[0] | (uint32_t)vga[1] << 16));
    KTEST_ASSERT_EQ(Ask(partner, CMD_WRITE, 0, 0x0747074b), 0);
    KTEST_ASSERT_EQ(vga[2], 0x074b);
    KTEST_ASSERT_EQ(vga[3], 0x0747);
    vga[2] = saved[0];
    vga[3] = saved[1];
    before = MemFreePages();
    KTEST_ASSERT_EQ(GrantRevoke((uint32_t)id), 0);  // no frame of it is freed
    KTEST_ASSERT_EQ(MemFreePages(), before);
    KTEST_ASSERT(VmmQuery(p->space, (uint32_t)at, NULL, NULL) != 0);
    KTEST_ASSERT_EQ(Finish(partner), WAIT_STATUS_EXITED(0));
}

// --- the table's bounds, and a kernel grantor's death -------------------------------

static volatile int boundsMade, boundsRefused;
static int boundsGrantee;

// A page-aligned page inside a new heap block of the caller's, or NULL.
static uint8_t *HeapPage(void)
{
    uint8_t *block = ProcessKmalloc(2 * PAGE_SIZE);

    return block ? (uint8_t *)(((uintptr_t)block + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) : NULL;
}

// Make GRANT_PROCESS_MAX grants of a page of its own and one more (which
// must be refused), then wait to be killed.
static void Grantor(void *arg)
{
    uint8_t *page = HeapPage();

    (void)arg;
    KTEST_ASSERT(page != NULL);
    for (int i = 0; i < GRANT_PROCESS_MAX; i++)
        boundsMade += GrantCreateKernel(page, PAGE_SIZE, GRANT_READ, (uint32_t)boundsGrantee,
                                        NULL) > 0;
    boundsRefused += GrantCreateKernel(page, PAGE_SIZE, GRANT_READ, (uint32_t)boundsGrantee,
                                       NULL) == E_NOSPC;
    for (;;)
        SchedSleep(1000);
}

// End partner pid and return its wait status.
static int Finish(int pid)
{
    KTEST_ASSERT_EQ(IpcNotify((uint32_t)pid, CMD_EXIT, 0), 0);
    return WaitFor(pid);
}

// GRANT_PROCESS_MAX grants per grantor, GRANT_MAX in all: one more is
// E_NOSPC. A kernel grantor that is killed takes its grants with it.
KTEST(GrantTablesAreBounded)
{
    uint8_t *block = ProcessKmalloc(2 * PAGE_SIZE);
    uint8_t *page = (uint8_t *)(((uintptr_t)block + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
    Process *a, *b;

    KTEST_ASSERT(block != NULL);
    KTEST_ASSERT_EQ(GrantCount(), 0);
    KTEST_ASSERT_EQ(GRANT_MAX, 2 * GRANT_PROCESS_MAX);
    boundsGrantee = Spawn("bin/granttest", "partner");
    boundsMade = boundsRefused = 0;
    KTEST_ASSERT(boundsGrantee > 0);
    a = ProcessCreateThread("grantor", Grantor, NULL);
    KTEST_ASSERT(a != NULL);
    while (boundsRefused < 1)
        SchedSleep(10);
    b = ProcessCreateThread("grantor", Grantor, NULL);
    KTEST_ASSERT(b != NULL);
    while (boundsRefused < 2)
        SchedSleep(10);
    KTEST_ASSERT_EQ(boundsMade, GRANT_MAX);
    KTEST_ASSERT_EQ(GrantCount(), GRANT_MAX);
    KTEST_ASSERT_EQ(GrantCreateKernel(page, PAGE_SIZE, GRANT_READ, (uint32_t)boundsGrantee, NULL),
                    E_NOSPC);                   // the table is full
    KTEST_ASSERT_EQ(ProcessKill(a->pid), 0);
    KTEST_ASSERT_EQ(GrantCount(), GRANT_PROCESS_MAX);
    KTEST_ASSERT_EQ(ProcessKill(b->pid), 0);
    KTEST_ASSERT_EQ(GrantCount(), 0);
    WaitFor((int)a->pid);
    WaitFor((int)b->pid);
    KTEST_ASSERT_EQ(Finish(boundsGrantee), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(ProcessKfree(block), 0);
}

// bin/granttest from the kernel: all its checks pass, no grant is left,
// and a second run leaves free memory as the first left it.
KTEST(GrantRingThreeChecks)
{
    uint32_t baseline;

    KTEST_ASSERT_EQ(WaitFor(Spawn("bin/granttest", NULL)), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(GrantCount(), 0);
    baseline = MemFreePages();
    KTEST_ASSERT_EQ(WaitFor(Spawn("bin/granttest", NULL)), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(GrantCount(), 0);
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
}
