// Reaching user memory safely (kernel/mm/usercopy.c).
//
// Every pointer a program hands the kernel is checked before use: the
// whole range must lie in user space (not page 0, not the kernel half),
// must not wrap past 4 GiB, and every page must be mapped for ring 3
// (and writable, for copies out). A bad pointer gets E_FAULT; the kernel
// never faults on it. UserCheck walks the page tables; the copies check
// the range and leave the pages to the MMU: a fault inside them is
// turned into E_FAULT (arch/x86/usercopy.S), so no mapping change between
// a check and a copy can hurt the kernel.
#ifndef KERNEL_USERCOPY_H
#define KERNEL_USERCOPY_H

#include <stdint.h>
#include <arch/x86/vmm.h>

// 0 if [addr, addr+length) is accessible to the current process, else
// E_FAULT. A zero length is always fine.
int UserCheck(uintptr_t addr, uint32_t length, int write);

// 0 if every page of [addr, addr+length) is writable by the current
// process (a write of each page that changes nothing), else E_FAULT.
int UserProbeWrite(uintptr_t addr, uint32_t length);

// UserProbeWrite for the range a call's reply goes to: inside the range
// the current space found writable last (AddressSpace.writableStart/End,
// empty after any unmap or change of rights) it needs no probe at all.
static inline int UserProbeWriteCached(const AddressSpace *space, uintptr_t addr,
                                       uint32_t length)
{
    if (addr >= space->writableStart && addr <= space->writableEnd &&
        length <= space->writableEnd - addr && length)
        return 0;
    return UserProbeWrite(addr, length);
}

int CopyFromUser(void *dst, uintptr_t src, uint32_t length);
int CopyToUser(uintptr_t dst, const void *src, uint32_t length);

// Whether the length bytes at user (in user space) are those at kernel:
// 0 when they are, 1 when not (or length < 4, or not in user space),
// E_FAULT when they cannot be read. Reads no byte past user + length.
int UserMatch(uintptr_t user, const void *kernel, uint32_t length);

// Copy a NUL-terminated string of at most max-1 characters into dst.
// Returns its length, E_FAULT, or E_NAMETOOLONG if no NUL within max.
int CopyStringFromUser(char *dst, uintptr_t src, uint32_t max);

#endif
