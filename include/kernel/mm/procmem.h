// Another process's memory (kernel/mm/procmem.c): what the KernelApi's
// ProcessRead, ProcessWrite, ProcessReadString, ProcessMap, ProcessUnmap
// and ProcessProtect do for the POSIX server.
//
// pid must name a live user process (E_SRCH otherwise). Addresses are
// that process's user addresses. The mapping calls refuse a range that
// holds a page mapped through a grant (kernel/mm/grant.c) with E_INVAL:
// only the grant calls map and unmap those. Copies check every page they touch
// (present, ring 3, writable for writes) in its page tables and go
// through the direct map or a temporary window, never through its CR3.
#ifndef KERNEL_PROCMEM_H
#define KERNEL_PROCMEM_H

#include <stdint.h>

// Copy length bytes from pid's address from to the kernel buffer to, or
// from the kernel buffer from to pid's address to. Returns 0, or E_FAULT
// (a range outside user space: nothing copied; a page that is not
// accessible: the pages before it are copied, nothing from it on),
// E_SRCH, or E_NOMEM (no temporary window free).
int ProcMemRead(uint32_t pid, void *to, uint32_t from, uint32_t length);
int ProcMemWrite(uint32_t pid, uint32_t to, const void *from, uint32_t length);

// Copy the NUL-terminated string at pid's address from, NUL included, into
// to (capacity bytes). Returns its length, E_FAULT (a page it reaches is
// not accessible), E_NAMETOOLONG (no NUL in capacity bytes), E_SRCH or
// E_NOMEM; on an error to holds "" (if capacity > 0).
int ProcMemReadString(uint32_t pid, char *to, uint32_t from, uint32_t capacity);

// Map zeroed pages over [addr, addr + length rounded up to a page), which
// must be page-aligned, not empty and inside [USER_BASE, stack bottom);
// pages already mapped there keep their frames. Then every page of the
// range gets prot (PROCESS_PROT_*): no bits, a page ring 3 cannot touch;
// WRITE, writable; READ or EXEC alone, read-only. Returns 0, E_INVAL
// (range, alignment, unknown prot bits), E_SRCH, or E_NOMEM (then no
// mapping changed).
int ProcMemMap(uint32_t pid, uint32_t addr, uint32_t length, uint32_t prot);

// Unmap the pages of [addr, addr + length rounded up) (same range rules
// as ProcMemMap; holes are fine) and free their frames. Returns 0,
// E_INVAL or E_SRCH.
int ProcMemUnmap(uint32_t pid, uint32_t addr, uint32_t length);

// Give every page of [addr, addr + length rounded up) protection prot;
// the range must be page-aligned and inside user space (the stack
// included), and an empty one does nothing. Returns 0, E_INVAL, E_SRCH,
// or E_NOMEM (a page of the range is not mapped: nothing changed).
int ProcMemProtect(uint32_t pid, uint32_t addr, uint32_t length, uint32_t prot);

// A kernel address for physical page pa: the direct map, or a temporary
// window for high memory (NULL if none is free). Give it back with
// ProcMemWindowDone(pa, va).
void *ProcMemWindow(uint32_t pa);
void ProcMemWindowDone(uint32_t pa, void *va);

#endif
