// Shared memory: grants of pages from one process to another
// (include/clanker/grant.h has the model, docs/ipc.md the rules).
//
// A grant is a slot in a table of GRANT_MAX: who made it (the grantor),
// who may map it (the grantee), the rights, and the frames. A RAM grant
// keeps the physical address of each of its pages and one share of it
// (MemPageShare), so the pages stay allocated while the grant lives,
// whatever the grantor does with its own mapping: an unmap, an exec or
// its death drops only the grantor's hold. A device grant keeps only its
// first physical address: its frames are not RAM and are never freed.
//
// The grantee's mapping is marked VMM_GRANTED and is not VMM_OWNED, so
// nothing but this file unmaps it (the memory calls refuse such pages,
// a fork does not copy them) and tearing down its address space frees
// nothing of the grant's. Revoking unmaps it at once: VmmUnmap flushes
// the page from the TLB when the grantee's space is the one loaded, and
// the next switch to it (a CR3 load) does otherwise. One CPU, and every
// call runs with interrupts off from its checks to its end, so what was
// checked still holds when it acts.
#include <stddef.h>
#include <clanker/error.h>
#include <lib/heap.h>
#include <arch/x86/cpu.h>
#include <arch/x86/layout.h>
#include <arch/x86/vmm.h>
#include <kernel/mm/grant.h>
#include <kernel/mm/kheap.h>
#include <kernel/mm/memory.h>
#include <kernel/mm/pmm.h>
#include <kernel/proc/process.h>

#define GRANT_ID_LAST 0x7fffffffu       // ids stay positive system-call results

typedef struct Grant {
    uint32_t id;                // 0: a free slot
    uint32_t grantor;
    uint32_t grantee;
    uint32_t pages;
    uint32_t rights;
    uint32_t mappedAt;          // the grantee's address while mapped, else 0
    uint32_t device;            // a device grant's first physical address, else 0
    uint32_t *frames;           // a RAM grant's pages (kmalloc), one share held of each
    const void *block;          // the kernel heap block its pages lie in, or NULL
} Grant;

static Grant grants[GRANT_MAX];
static uint32_t nextId = 1;
static uint32_t blockGrants;            // live grants over a kernel heap block (GrantsBlockFreed)

// --- the table (interrupts off) ---------------------------------------------

static Grant *FindId(uint32_t id)
{
    for (uint32_t i = 0; id && i < GRANT_MAX; i++)
        if (grants[i].id == id)
            return &grants[i];
    return NULL;
}

// Grant id if the current process is its grantor (asGrantor 1) or its
// grantee (0), else NULL with *err: E_NOENT (no such grant, or none of
// the caller's), E_PERM (the caller is the other side).
static Grant *Find(uint32_t id, int asGrantor, int *err)
{
    Grant *g = FindId(id);
    uint32_t self = ProcessCurrent()->pid;
    uint32_t mine = g ? (asGrantor ? g->grantor : g->grantee) : 0;
    uint32_t theirs = g ? (asGrantor ? g->grantee : g->grantor) : 0;

    *err = g && mine == self ? 0 : g && theirs == self ? E_PERM : E_NOENT;
    return *err ? NULL : g;
}

static uint32_t NewId(void)
{
    uint32_t id;

    do {
        id = nextId;
        nextId = nextId == GRANT_ID_LAST ? 1 : nextId + 1;
    } while (FindId(id));
    return id;
}

// A free slot if grantor may make one more grant, else NULL (E_NOSPC).
static Grant *FreeSlot(uint32_t grantor)
{
    Grant *slot = NULL;
    uint32_t made = 0;

    for (uint32_t i = 0; i < GRANT_MAX; i++) {
        if (!grants[i].id && !slot)
            slot = &grants[i];
        made += grants[i].id && grants[i].grantor == grantor;
    }
    return made < GRANT_PROCESS_MAX ? slot : NULL;
}

uint32_t GrantCount(void)
{
    uint32_t flags = CpuSave(), n = 0;

    for (uint32_t i = 0; i < GRANT_MAX; i++)
        n += grants[i].id != 0;
    CpuRestore(flags);
    return n;
}

// --- making a grant -------------------------------------------------------------

// The terms every grant shares: rights, alignment, a length, no wrap.
static int CheckTerms(uint32_t start, uint32_t length, uint32_t rights)
{
    if (!rights || (rights & ~GRANT_RIGHTS))
        return E_INVAL;
    if ((start | length) & (PAGE_SIZE - 1) || length == 0 || length > GRANT_LENGTH_MAX)
        return E_INVAL;
    return start + length < start && start + length != 0 ? E_INVAL : 0;
}

// What a grant is made from, found by the decode step: the frames, and
// how each page was found.
typedef struct GrantSource {
    Process *self;
    uintptr_t start;
    uint32_t pages;
    uint32_t write;             // GRANT_WRITE asked: each page must be writable
    uint32_t *frames;
    const void *block;          // GrantCreateKernel's heap block, or NULL
    GrantOwnsPage owns;
} GrantSource;

// The frame of page va of space, if it is RAM the space owns (not a
// grant's) with the flags need, and may be shared once more; else 0.
static uint32_t OwnFrame(AddressSpace *space, uintptr_t va, uint32_t need)
{
    uint32_t pa, have;

    if (VmmQuery(space, va, &pa, &have) != 0 || (have & (need | VMM_OWNED | VMM_GRANTED)) !=
                                                    (need | VMM_OWNED))
        return 0;
    return MemPageShares(pa) < PMM_SHARES_MAX ? pa & ~(PAGE_SIZE - 1) : 0;
}

// Find every frame of a ring-3 caller's range. Returns 0 or E_FAULT.
static int UserFrames(GrantSource *src)
{
    uint32_t need = VMM_USER | (src->write ? VMM_WRITE : 0);

    if (src->start < USER_BASE || src->start >= USER_LIMIT ||
        src->pages > (USER_LIMIT - src->start) / PAGE_SIZE)
        return E_FAULT;
    for (uint32_t i = 0; i < src->pages; i++)
        if (!(src->frames[i] = OwnFrame(src->self->space, src->start + i * PAGE_SIZE, need)))
            return E_FAULT;
    return 0;
}

// Whether [start, start + pages) lies inside [low, high).
static int Inside(uintptr_t start, uint32_t pages, uintptr_t low, uintptr_t high)
{
    return start >= low && start < high && pages <= (high - start) / PAGE_SIZE;
}

// Find every frame of a kernel-mode caller's range: below the kernel in
// its own space, in the direct map among the pages it holds, or in one
// heap block it holds. Returns 0 or E_FAULT.
static int KernelFrames(GrantSource *src)
{
    uint32_t need = src->write ? VMM_WRITE : 0;
    uintptr_t start = src->start;

    if (Inside(start, src->pages, USER_BASE, USER_LIMIT)) {
        for (uint32_t i = 0; i < src->pages; i++)
            if (!(src->frames[i] = OwnFrame(src->self->space, start + i * PAGE_SIZE, need)))
                return E_FAULT;
        return 0;
    }
    if (Inside(start, src->pages, DIRECT_MAP_BASE, DIRECT_MAP_BASE + DIRECT_MAP_SIZE)) {
        for (uint32_t i = 0; i < src->pages; i++) {
            uint32_t pa = VirtToPhys((const void *)(start + i * PAGE_SIZE));
            if (!src->owns || !src->owns(src->self, pa) || MemPageShares(pa) >= PMM_SHARES_MAX)
                return E_FAULT;
            src->frames[i] = pa;
        }
        return 0;
    }
    src->block = ProcessFindBlock(src->self, start, src->pages * PAGE_SIZE);
    if (!src->block)
        return E_FAULT;
    for (uint32_t i = 0; i < src->pages; i++)
        if (!(src->frames[i] = OwnFrame(VmmKernelSpace(), start + i * PAGE_SIZE, 0)))
            return E_FAULT;
    return 0;
}

// The decode step's common part: the grantee and a slot. Returns the
// slot, or NULL with *err set.
static Grant *Claim(uint32_t grantee, int *err)
{
    Grant *slot = NULL;

    if (!ProcessFindUser(grantee))
        *err = E_SRCH;
    else if (!(slot = FreeSlot(ProcessCurrent()->pid)))
        *err = E_NOSPC;
    return slot;
}

// Make a RAM grant: decode (the terms, the grantee, a slot, every frame
// found by find), then commit (a share of each frame, the slot filled).
static int CreateRam(uintptr_t start, uint32_t length, uint32_t rights, uint32_t grantee,
                     int (*find)(GrantSource *), GrantOwnsPage owns)
{
    GrantSource src = { ProcessCurrent(), start, length / PAGE_SIZE, rights & GRANT_WRITE,
                        NULL, NULL, owns };
    int err = CheckTerms((uint32_t)start, length, rights);
    uint32_t flags;
    Grant *slot;

    if (err)
        return err;
    if (!(src.frames = kmalloc(src.pages * sizeof(uint32_t))))
        return E_NOMEM;
    /* decode */
    flags = CpuSave();
    slot = Claim(grantee, &err);
    if (!err)
        err = find(&src);
    if (!err) {
        /* invoke: cannot fail (each frame was found with room for a share) */
        for (uint32_t i = 0; i < src.pages; i++)
            MemPageShare(src.frames[i]);
        *slot = (Grant){ NewId(), src.self->pid, grantee, src.pages, rights, 0, 0, src.frames,
                         src.block };
        blockGrants += src.block != NULL;
        err = (int)slot->id;
    }
    CpuRestore(flags);
    if (err < 0)
        kfree(src.frames);
    return err;
}

int GrantCreateUser(uint32_t addr, uint32_t length, uint32_t rights, uint32_t grantee)
{
    return CreateRam(addr, length, rights, grantee, UserFrames, NULL);
}

int GrantCreateKernel(const void *addr, uint32_t length, uint32_t rights, uint32_t grantee,
                      GrantOwnsPage owns)
{
    return CreateRam((uintptr_t)addr, length, rights, grantee, KernelFrames, owns);
}

int GrantCreateDevice(uint32_t physical, uint32_t length, uint32_t rights, uint32_t grantee)
{
    int err = CheckTerms(physical, length, rights);
    uint32_t flags;
    Grant *slot;

    /* decode */
    if (!err && MemHoldsRange(physical, (uint64_t)physical + length))
        err = E_PERM;                   // not device memory
    if (err)
        return err;
    flags = CpuSave();
    slot = Claim(grantee, &err);
    if (!err) {
        /* invoke */
        *slot = (Grant){ NewId(), ProcessCurrent()->pid, grantee, length / PAGE_SIZE, rights,
                         0, physical, NULL, NULL };
        err = (int)slot->id;
    }
    CpuRestore(flags);
    return err;
}

// --- mapping ----------------------------------------------------------------------

// The physical address of page i of g.
static uint32_t FrameOf(const Grant *g, uint32_t i)
{
    return g->frames ? g->frames[i] : g->device + i * PAGE_SIZE;
}

// The highest page of [from, to) mapped in space, or 0 if none is.
static uint32_t LastMapped(AddressSpace *space, uint32_t from, uint32_t to)
{
    for (uint32_t va = to; va > from;) {
        va -= PAGE_SIZE;
        if (VmmQuery(space, va, NULL, NULL) == 0)
            return va;
    }
    return 0;
}

// The lowest address of the grant window where pages fit with a free
// page before (except at the window's start) and after them, or 0.
static uint32_t FindRoom(AddressSpace *space, uint32_t pages)
{
    uint32_t span = (pages + 1) * PAGE_SIZE;

    for (uint32_t va = GRANT_MAP_BASE; va < GRANT_MAP_LIMIT && GRANT_MAP_LIMIT - va >= span;) {
        uint32_t from = va == GRANT_MAP_BASE ? va : va - PAGE_SIZE;
        uint32_t used = LastMapped(space, from, va + span);
        if (!used)
            return va;
        va = used + 2 * PAGE_SIZE;
    }
    return 0;
}

// Unmap the first count pages of g's mapping at va in space: only pages
// that are still g's frames through a grant.
static void UnmapPages(AddressSpace *space, const Grant *g, uint32_t va, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        uint32_t pa, have;
        if (VmmQuery(space, va + i * PAGE_SIZE, &pa, &have) == 0 && (have & VMM_GRANTED) &&
            (pa & ~(PAGE_SIZE - 1)) == FrameOf(g, i))
            VmmUnmap(space, va + i * PAGE_SIZE, NULL);
    }
}

// Drop g's mapping from its grantee, if it has one.
static void Unmap(Grant *g)
{
    Process *p = g->mappedAt ? ProcessFind(g->grantee) : NULL;

    if (p && p->state != PROCESS_ZOMBIE && p->space == &p->ownSpace)
        UnmapPages(p->space, g, g->mappedAt, g->pages);
    g->mappedAt = 0;
}

// Map every page of g at va in space with flags; all or nothing.
// Returns 0 or E_NOMEM (no page table).
static int MapPages(AddressSpace *space, const Grant *g, uint32_t va, uint32_t flags)
{
    for (uint32_t i = 0; i < g->pages; i++) {
        if (VmmMap(space, va + i * PAGE_SIZE, FrameOf(g, i), flags) != 0) {
            UnmapPages(space, g, va, i);
            return E_NOMEM;
        }
    }
    return 0;
}

int GrantMap(uint32_t id, uint32_t rights)
{
    uint32_t flags = CpuSave(), va = 0, pageFlags;
    Process *self = ProcessCurrent();
    int err;
    /* decode */
    Grant *g = Find(id, 0, &err);

    if (g && (!rights || (rights & ~GRANT_RIGHTS)))
        err = E_INVAL;
    else if (g && (rights & ~g->rights))
        err = E_PERM;                   // more than was granted
    else if (g && g->mappedAt)
        err = E_BUSY;
    else if (g && (self->mode != PROCESS_USER || !(va = FindRoom(self->space, g->pages))))
        err = E_NOMEM;
    /* invoke */
    pageFlags = VMM_USER | VMM_GRANTED | ((rights & GRANT_WRITE) ? VMM_WRITE : 0) |
                (g && !g->frames ? VMM_NOCACHE : 0);
    if (!err && !(err = MapPages(self->space, g, va, pageFlags))) {
        g->mappedAt = va;
        err = (int)va;
    }
    CpuRestore(flags);
    return err;
}

int GrantUnmap(uint32_t id)
{
    uint32_t flags = CpuSave();
    int err;
    /* decode */
    Grant *g = Find(id, 0, &err);

    if (g && !g->mappedAt)
        err = E_INVAL;
    /* invoke */
    if (!err)
        Unmap(g);
    CpuRestore(flags);
    return err;
}

// --- ending -------------------------------------------------------------------------

// End g: unmapped from its grantee, its shares of the frames dropped.
static void End(Grant *g)
{
    Unmap(g);
    for (uint32_t i = 0; g->frames && i < g->pages; i++)
        MemPageFree(g->frames[i]);      // the last holder frees it
    if (g->frames)
        kfree(g->frames);
    blockGrants -= g->block != NULL;
    *g = (Grant){ 0 };
}

int GrantRevoke(uint32_t id)
{
    uint32_t flags = CpuSave();
    int err;
    /* decode */
    Grant *g = Find(id, 1, &err);

    /* invoke */
    if (g)
        End(g);
    CpuRestore(flags);
    return err;
}

int GrantQuery(uint32_t id, GrantFacts *out)
{
    uint32_t flags = CpuSave(), self = ProcessCurrent()->pid;
    Grant *g = FindId(id);
    int err = g && (g->grantor == self || g->grantee == self) ? 0 : E_NOENT;

    if (!err)
        *out = (GrantFacts){ g->grantor, g->grantee, g->pages * PAGE_SIZE, g->rights,
                             g->mappedAt };
    CpuRestore(flags);
    return err;
}

void GrantsProcessGone(Process *p)
{
    uint32_t flags = CpuSave();

    for (uint32_t i = 0; i < GRANT_MAX; i++) {
        Grant *g = &grants[i];
        if (g->id && g->grantor == p->pid)
            End(g);
        else if (g->id && g->grantee == p->pid)
            Unmap(g);
    }
    CpuRestore(flags);
}

void GrantsSpaceGone(Process *p)
{
    uint32_t flags = CpuSave();

    for (uint32_t i = 0; i < GRANT_MAX; i++)
        if (grants[i].id && grants[i].grantee == p->pid)
            grants[i].mappedAt = 0;
    CpuRestore(flags);
}

void GrantsBlockFreed(Process *p, const void *block)
{
    uint32_t flags = CpuSave();

    // Every kfree of a kernel-mode program comes here: with no grant over
    // a heap block (the usual case) there is nothing to look for.
    for (uint32_t i = 0; block && blockGrants && i < GRANT_MAX; i++)
        if (grants[i].id && grants[i].grantor == p->pid && grants[i].block == block)
            End(&grants[i]);
    CpuRestore(flags);
}
