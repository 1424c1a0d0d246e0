// Reaching another process's memory, for the servers that act for it.
//
// The POSIX server serves a process stopped in int 0x80: it reads the
// caller's arguments, writes its results, and maps and unmaps its memory
// (brk, mmap), all through these calls. Nothing here uses the target's
// CR3: each page is looked up in its page tables and reached through the
// direct map, or a temporary window when the frame is high memory, so the
// caller keeps its own address space (and its buffers stay reachable).
//
// Copies go page by page, each with interrupts off and the target found
// again by pid, so a long copy can be preempted and a target that dies
// meanwhile ends it with E_SRCH instead of a use after free. Mapping
// calls run with interrupts off from check to finish.
//
// ProcMemMap is all or nothing: the fresh pages are first mapped with a
// marker (VMM_NOCACHE, which no user page ever has) and only given their
// real flags once every one is in place; on E_NOMEM exactly the marked
// pages are unmapped again. (An empty page table made on the way stays:
// it holds no mapping and goes with the address space.)
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/process.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/layout.h>
#include <kernel/exec/loader.h>
#include <kernel/mm/memory.h>
#include <kernel/proc/process.h>
#include <kernel/mm/procmem.h>
#include <arch/x86/vmm.h>

#define STACK_BOTTOM (USER_LIMIT - USER_STACK_SIZE)
#define PROT_ALL     (PROCESS_PROT_READ | PROCESS_PROT_WRITE | PROCESS_PROT_EXEC)
#define FRESH_MARKER VMM_NOCACHE

void *ProcMemWindow(uint32_t pa)
{
    return pa < DIRECT_MAP_SIZE ? PhysToVirt(pa) : VmmMapTemporary(pa);
}

void ProcMemWindowDone(uint32_t pa, void *va)
{
    if (pa >= DIRECT_MAP_SIZE)
        VmmUnmapTemporary(va);
}

// --- copies ------------------------------------------------------------------

// Is pid a live user process (now)?
static int IsUser(uint32_t pid)
{
    uint32_t flags = CpuSave();
    int found = ProcessFindUser(pid) != NULL;

    CpuRestore(flags);
    return found;
}

// Copy length bytes (not crossing a page) between the kernel buffer and
// user address va of pid; toProcess gives the direction. Returns 0,
// E_SRCH, E_FAULT or E_NOMEM.
static int CopyPiece(uint32_t pid, uint32_t va, uint8_t *buffer, uint32_t length,
                     int toProcess)
{
    uint32_t flags = CpuSave(), need = VMM_USER | (toProcess ? VMM_WRITE : 0), pa, have;
    Process *p = ProcessFindUser(pid);
    uint8_t *window = NULL;
    int err = p ? 0 : E_SRCH;

    if (!err && (VmmQuery(p->space, va, &pa, &have) != 0 || (have & need) != need))
        err = E_FAULT;
    if (!err && !(window = ProcMemWindow(pa & ~(PAGE_SIZE - 1))))
        err = E_NOMEM;
    if (!err) {
        uint8_t *at = window + (va & (PAGE_SIZE - 1));
        if (toProcess)
            memcpy(at, buffer, length);
        else
            memcpy(buffer, at, length);
        ProcMemWindowDone(pa, window);
    }
    CpuRestore(flags);
    return err;
}

// Is [va, va + length) inside user space?
static int InUserSpace(uint32_t va, uint32_t length)
{
    return length == 0 || (va >= USER_BASE && va < USER_LIMIT && length <= USER_LIMIT - va);
}

// The bytes from va to the end of its page, at most length.
static uint32_t PieceLength(uint32_t va, uint32_t length)
{
    uint32_t room = PAGE_SIZE - (va & (PAGE_SIZE - 1));

    return length < room ? length : room;
}

// Copy length bytes between buffer and pid's address va, page by page.
static int Copy(uint32_t pid, uint32_t va, uint8_t *buffer, uint32_t length, int toProcess)
{
    int err;

    /* decode: a user process, a range of its user space, a buffer */
    if (!IsUser(pid))
        return E_SRCH;
    if (!InUserSpace(va, length) || (!buffer && length > 0))
        return E_FAULT;
    /* invoke: page by page, each page checked as it is copied */
    while (length > 0) {
        uint32_t n = PieceLength(va, length);
        if ((err = CopyPiece(pid, va, buffer, n, toProcess)) != 0)
            return err;
        va += n;
        buffer += n;
        length -= n;
    }
    return 0;
}

int ProcMemRead(uint32_t pid, void *to, uint32_t from, uint32_t length)
{
    return Copy(pid, from, to, length, 0);
}

int ProcMemWrite(uint32_t pid, uint32_t to, const void *from, uint32_t length)
{
    return Copy(pid, to, (uint8_t *)(uintptr_t)from, length, 1);
}

// The index of the first NUL in text[from, to), or E_NAMETOOLONG.
static int FindNul(const char *text, uint32_t from, uint32_t to)
{
    for (uint32_t i = from; i < to; i++) {
        if (text[i] == 0)
            return (int)i;
    }
    return E_NAMETOOLONG;
}

int ProcMemReadString(uint32_t pid, char *to, uint32_t from, uint32_t capacity)
{
    int result = IsUser(pid) ? E_NAMETOOLONG : E_SRCH;
    uint32_t done = 0;

    /* decode: a user process and a buffer (the string's pages are checked
       as they are copied) */
    if (!to && capacity > 0)
        return result == E_SRCH ? E_SRCH : E_FAULT;
    /* invoke */
    while (result == E_NAMETOOLONG && done < capacity) {
        uint32_t va = from + done, n = PieceLength(va, capacity - done);
        int err = InUserSpace(va, n) ? CopyPiece(pid, va, (uint8_t *)to + done, n, 0) : E_FAULT;
        result = err ? err : FindNul(to, done, done + n);
        done += n;
    }
    if (result < 0 && capacity > 0)
        to[0] = 0;
    return result;
}

// --- mappings ----------------------------------------------------------------

// The page flags for PROCESS_PROT_* bits (x86 pages cannot forbid execution).
static uint32_t PageFlags(uint32_t prot)
{
    uint32_t flags = prot ? VMM_USER : 0;

    if (prot & PROCESS_PROT_WRITE)
        flags |= VMM_WRITE;
    return flags;
}

// Check that [addr, addr + length rounded up to a page) is page-aligned
// and inside [USER_BASE, limit); set *end. Returns 0 or E_INVAL.
static int CheckRange(uint32_t addr, uint32_t length, uint32_t limit, uint32_t *end)
{
    uint32_t pages = length / PAGE_SIZE + ((length & (PAGE_SIZE - 1)) != 0);

    if ((addr & (PAGE_SIZE - 1)) || addr < USER_BASE || addr > limit ||
        pages > (limit - addr) / PAGE_SIZE)
        return E_INVAL;
    *end = addr + pages * PAGE_SIZE;
    return 0;
}

// Whether a page of [addr, end) in space is mapped through a grant
// (kernel/mm/grant.c): only the grant calls map and unmap those.
static int HoldsGrantPage(AddressSpace *space, uint32_t addr, uint32_t end)
{
    uint32_t have;

    for (uint32_t va = addr; va < end; va += PAGE_SIZE) {
        if (VmmQuery(space, va, NULL, &have) == 0 && (have & VMM_GRANTED))
            return 1;
    }
    return 0;
}

// The decode step of the mapping calls: the process, prot and the range
// (length 0 only where empty is allowed), with no grant's page in it.
// Returns the process or NULL with *err set. Interrupts are off, and stay
// off until the invoke step has finished, so what was checked still holds.
static Process *Decode(uint32_t pid, uint32_t addr, uint32_t length, uint32_t prot,
                       uint32_t limit, int allowEmpty, uint32_t *end, int *err)
{
    Process *p = ProcessFindUser(pid);

    if (!p)
        *err = E_SRCH;
    else if ((prot & ~PROT_ALL) || (length == 0 && !allowEmpty))
        *err = E_INVAL;
    else
        *err = CheckRange(addr, length, limit, end);
    if (!*err && HoldsGrantPage(p->space, addr, *end))
        *err = E_INVAL;
    return *err ? NULL : p;
}

// A zeroed frame mapped at va with flags. Returns 0 or E_NOMEM.
static int MapFresh(AddressSpace *space, uint32_t va, uint32_t flags)
{
    uint32_t pa = MemPageAllocate(MEM_ZONE_ANY);
    void *window = pa ? ProcMemWindow(pa) : NULL;

    if (!window) {
        if (pa)
            MemPageFree(pa);
        return E_NOMEM;
    }
    memset(window, 0, PAGE_SIZE);
    ProcMemWindowDone(pa, window);
    if (VmmMap(space, va, pa, flags) != 0) {
        MemPageFree(pa);
        return E_NOMEM;             // no page table
    }
    return 0;
}

// Map a marked fresh page at every hole of [addr, end). Returns 0 or E_NOMEM.
static int FillHoles(AddressSpace *space, uint32_t addr, uint32_t end)
{
    for (uint32_t va = addr; va < end; va += PAGE_SIZE) {
        if (VmmQuery(space, va, NULL, NULL) != 0 &&
            MapFresh(space, va, VMM_OWNED | FRESH_MARKER) != 0)
            return E_NOMEM;
    }
    return 0;
}

// Unmap (and free) the marked pages of [addr, end).
static void UnmapMarked(AddressSpace *space, uint32_t addr, uint32_t end)
{
    uint32_t have;

    for (uint32_t va = addr; va < end; va += PAGE_SIZE) {
        if (VmmQuery(space, va, NULL, &have) == 0 && (have & FRESH_MARKER))
            VmmUnmap(space, va, NULL);
    }
}

// Give every mapped page of [addr, end) flags (keeping its ownership).
static void SetFlags(AddressSpace *space, uint32_t addr, uint32_t end, uint32_t flags)
{
    uint32_t have;

    for (uint32_t va = addr; va < end; va += PAGE_SIZE) {
        if (VmmQuery(space, va, NULL, &have) == 0)
            VmmProtect(space, va, (have & VMM_OWNED) | flags);
    }
}

int ProcMemMap(uint32_t pid, uint32_t addr, uint32_t length, uint32_t prot)
{
    uint32_t flags = CpuSave(), end;
    int err;
    /* decode */
    Process *p = Decode(pid, addr, length, prot, STACK_BOTTOM, 0, &end, &err);

    /* invoke: all or nothing (the top of the file) */
    if (p && (err = FillHoles(p->space, addr, end)) != 0)
        UnmapMarked(p->space, addr, end);
    else if (p)
        SetFlags(p->space, addr, end, PageFlags(prot));
    CpuRestore(flags);
    return err;
}

int ProcMemUnmap(uint32_t pid, uint32_t addr, uint32_t length)
{
    uint32_t flags = CpuSave(), end;
    int err;
    /* decode */
    Process *p = Decode(pid, addr, length, 0, STACK_BOTTOM, 0, &end, &err);

    /* invoke */
    for (uint32_t va = addr; p && va < end; va += PAGE_SIZE)
        VmmUnmap(p->space, va, NULL);           // E_NOENT for a hole: fine
    CpuRestore(flags);
    return err;
}

// Whether every page of [addr, end) is mapped in space.
static int AllMapped(AddressSpace *space, uint32_t addr, uint32_t end)
{
    for (uint32_t va = addr; va < end; va += PAGE_SIZE) {
        if (VmmQuery(space, va, NULL, NULL) != 0)
            return 0;
    }
    return 1;
}

int ProcMemProtect(uint32_t pid, uint32_t addr, uint32_t length, uint32_t prot)
{
    uint32_t flags = CpuSave(), end;
    int err;
    /* decode: the arguments, then every page mapped (as mprotect) */
    Process *p = Decode(pid, addr, length, prot, USER_LIMIT, 1, &end, &err);

    if (p && !AllMapped(p->space, addr, end)) {
        err = E_NOMEM;
        p = NULL;
    }
    /* invoke */
    if (p)
        SetFlags(p->space, addr, end, PageFlags(prot));
    CpuRestore(flags);
    return err;
}
