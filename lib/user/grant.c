// Shared memory for ring-3 programs: grants (include/clanker/grant.h,
// docs/ipc.md), and the call that brings notices into the receive loop.
//
// Each is one int 0x40 (as lib/user/syscall.c's wrappers), and returns
// eax as it is, except GrantMap, which returns the address or NULL.
#include <lib/user.h>

// SYS_GRANT_CREATE: grant [addr, addr + length) to granteePid.
int GrantCreate(void *addr, uint32_t length, uint32_t rights, uint32_t granteePid)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_GRANT_CREATE), "b"(addr), "c"(length), "d"(rights),
                       "S"(granteePid)
                     : "memory");
    return result;
}

// SYS_GRANT_MAP: the address the grant is mapped at, or E_*.
int SysGrantMap(uint32_t grantId, uint32_t rights)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_GRANT_MAP), "b"(grantId), "c"(rights)
                     : "memory");
    return result;
}

void *GrantMap(uint32_t grantId, uint32_t rights)
{
    int result = SysGrantMap(grantId, rights);

    return result > 0 ? (void *)(uintptr_t)result : NULL;
}

// SYS_GRANT_UNMAP: the grantee drops its mapping.
int GrantUnmap(uint32_t grantId)
{
    int result;
    __asm__ volatile("int $0x40" : "=a"(result) : "a"(SYS_GRANT_UNMAP), "b"(grantId) : "memory");
    return result;
}

// SYS_GRANT_REVOKE: the grantor ends the grant.
int GrantRevoke(uint32_t grantId)
{
    int result;
    __asm__ volatile("int $0x40" : "=a"(result) : "a"(SYS_GRANT_REVOKE), "b"(grantId) : "memory");
    return result;
}

// SYS_GRANT_QUERY: the grant's facts into *out.
int GrantQuery(uint32_t grantId, GrantFacts *out)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_GRANT_QUERY), "b"(grantId), "c"(out)
                     : "memory");
    return result;
}

// SYS_IPC_WATCH_NOTICES: notices as MSG_NOTICE messages from now on.
int IpcWatchNotices(void)
{
    int result;
    __asm__ volatile("int $0x40" : "=a"(result) : "a"(SYS_IPC_WATCH_NOTICES) : "memory");
    return result;
}
