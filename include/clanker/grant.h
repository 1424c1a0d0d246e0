// Shared memory: grants (docs/ipc.md, "Shared memory: grants").
//
// A grant lets one process (the grantee) map pages of another (the
// grantor) into its own address space, with the rights the grantor
// chose. The grantor makes it over pages it has mapped
// (SYS_GRANT_CREATE), or a kernel-mode program over its own memory or a
// device's (the KernelApi's GrantCreate, GrantDevice); the grantee maps
// it where the kernel finds room (SYS_GRANT_MAP) and unmaps it when it
// likes (SYS_GRANT_UNMAP). The grantor revokes it (SYS_GRANT_REVOKE):
// the pages leave the grantee's space at once, and its next access there
// faults. The pages live while the grant does, whatever the grantor does
// with its own mapping meanwhile. Death revokes: a process's grants end
// with it, and a dying grantee's mappings go with its address space.
#ifndef CLANKER_GRANT_H
#define CLANKER_GRANT_H

#include <stdint.h>

#define GRANT_READ  1u
#define GRANT_WRITE 2u      // x86 pages that can be written can be read too
#define GRANT_RIGHTS (GRANT_READ | GRANT_WRITE)

#define GRANT_MAX         64                    // grants in the system; more: E_NOSPC
#define GRANT_PROCESS_MAX 32                    // grants one process has made; more: E_NOSPC
#define GRANT_LENGTH_MAX  (64u * 1024 * 1024)   // bytes of one grant; more: E_INVAL

// Where SYS_GRANT_MAP puts grants in a ring-3 address space
// (docs/memory-map.md): the first free stretch of this window, with an
// unmapped guard page after each mapping.
#define GRANT_MAP_BASE  0x60000000u
#define GRANT_MAP_LIMIT 0x80000000u

typedef struct GrantFacts {
    uint32_t grantor;    // pid that made the grant (a device grant's: the kernel-mode program's)
    uint32_t grantee;    // pid allowed to map it
    uint32_t length;     // bytes, a multiple of 4096
    uint32_t rights;     // GRANT_READ | GRANT_WRITE as granted
    uint32_t mappedAt;   // grantee's address while mapped, else 0
} GrantFacts;

#endif
