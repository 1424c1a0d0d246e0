// Shared memory: grants (kernel/mm/grant.c; include/clanker/grant.h has
// the model, docs/ipc.md the rules).
//
// The current process is the caller of each call. A grant id that is not
// a live grant, or one the caller neither made nor was given, is E_NOENT;
// a call that is the other side's (a grantee revoking, a grantor mapping)
// is E_PERM.
#ifndef KERNEL_MM_GRANT_H
#define KERNEL_MM_GRANT_H

#include <stdint.h>
#include <clanker/grant.h>
#include <kernel/proc/process.h>

// Grant [addr, addr + length) of the caller's ring-3 memory to live user
// process grantee with rights. Returns the grant id (>= 1), or E_INVAL
// (addr or length not page-aligned, length 0 or over GRANT_LENGTH_MAX,
// a range that wraps, rights empty or with unknown bits), E_FAULT (a page
// that is not a user page of the caller's own: not mapped, not user,
// mapped through a grant, or not writable for GRANT_WRITE), E_SRCH (no
// such grantee), E_NOSPC (GRANT_MAX grants, GRANT_PROCESS_MAX of the
// caller's, or a page shared too often), E_NOMEM.
int GrantCreateUser(uint32_t addr, uint32_t length, uint32_t rights, uint32_t grantee);

// Whether physical page pa of the direct map is a page p holds (the
// KernelApi's MemAllocatePage pages).
typedef int (*GrantOwnsPage)(Process *p, uint32_t pa);

// GrantCreateUser for a kernel-mode caller's own memory: pages of its own
// address space below the kernel (its image, data and stack), pages of
// the direct map it holds (owns says which; NULL: none), or a stretch of
// one kernel heap block it holds (ProcessKmalloc; the grant is revoked
// when that block is freed: GrantsBlockFreed). The same errors.
int GrantCreateKernel(const void *addr, uint32_t length, uint32_t rights, uint32_t grantee,
                      GrantOwnsPage owns);

// Grant device memory [physical, physical + length) (page-aligned, not
// empty, not past 4 GiB: E_INVAL) to grantee; mapped uncached. E_PERM for
// a range with a byte of memory the kernel holds (RAM, its image, boot
// data). Its frames are not RAM: never shared, never freed.
int GrantCreateDevice(uint32_t physical, uint32_t length, uint32_t rights, uint32_t grantee);

// Map grant id into the caller's (the grantee's) address space with
// rights (a non-empty subset of the granted: E_INVAL for unknown bits or
// none, E_PERM for more than granted), in the first free stretch of
// [GRANT_MAP_BASE, GRANT_MAP_LIMIT) with a free page before and after it.
// Returns the address, or E_NOENT, E_PERM, E_INVAL, E_BUSY (mapped
// already), E_NOMEM (no room, or no page table).
int GrantMap(uint32_t id, uint32_t rights);

// The grantee drops its mapping; the grant stays. Returns 0, E_NOENT,
// E_PERM or E_INVAL (not mapped).
int GrantUnmap(uint32_t id);

// The grantor ends the grant: unmapped from the grantee at once (its next
// access there faults), the pages' shares dropped, the id dead. Returns
// 0, E_NOENT or E_PERM.
int GrantRevoke(uint32_t id);

// The facts of a grant the caller made or was given. Returns 0 or E_NOENT.
int GrantQuery(uint32_t id, GrantFacts *out);

// p is ending (before its resources and address space go): the grants it
// made are revoked; its mappings of others' grants are dropped.
void GrantsProcessGone(Process *p);

// p's address space is being replaced (exec): its mappings of grants are
// forgotten (they go with the old space).
void GrantsSpaceGone(Process *p);

// p is freeing its kernel heap block block: its grants over it are revoked.
void GrantsBlockFreed(Process *p, const void *block);

// How many grants live now (for the tests).
uint32_t GrantCount(void);

#endif
