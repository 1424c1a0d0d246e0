// Checked copies between the kernel and the current process's memory.
#include <clanker/error.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/layout.h>
#include <kernel/mm/usercopy.h>
#include <arch/x86/usercopy.h>
#include <arch/x86/vmm.h>

int UserCheck(uintptr_t addr, uint32_t length, int write)
{
    uint32_t need = VMM_USER | (write ? VMM_WRITE : 0), flags;
    uintptr_t last;

    if (length == 0)
        return 0;
    if (addr < USER_BASE || addr > USER_LIMIT || length > USER_LIMIT - addr)
        return E_FAULT;
    last = addr + length - 1;
    for (uintptr_t page = addr & ~(uintptr_t)(PAGE_SIZE - 1); page <= last; page += PAGE_SIZE) {
        if (VmmQuery(VmmCurrent(), page, NULL, &flags) != 0 || (flags & need) != need)
            return E_FAULT;
        if (page + PAGE_SIZE < page)
            break;
    }
    return 0;
}

// Whether [addr, addr + length) lies in user space without wrapping.
static int InUserSpace(uintptr_t addr, uint32_t length)
{
    return addr >= USER_BASE && addr <= USER_LIMIT && length <= USER_LIMIT - addr;
}

// A range the current space has found writable since its last unmap or
// change of rights (AddressSpace.writableStart/End) needs no new probe:
// a server loop's reply buffer is probed once, not once a call.
int UserProbeWrite(uintptr_t addr, uint32_t length)
{
    AddressSpace *space = VmmCurrent();

    if (length == 0)
        return 0;
    if (!InUserSpace(addr, length))
        return E_FAULT;
    if (addr >= space->writableStart && addr + length <= space->writableEnd)
        return 0;
    if (ArchUserProbeWrite(addr, length) != 0)
        return E_FAULT;
    space->writableStart = addr;
    space->writableEnd = addr + length;
    return 0;
}

int CopyFromUser(void *dst, uintptr_t src, uint32_t length)
{
    if (!InUserSpace(src, length))
        return E_FAULT;
    return ArchUserCopy(dst, (const void *)src, length);
}

int CopyToUser(uintptr_t dst, const void *src, uint32_t length)
{
    if (!InUserSpace(dst, length))
        return E_FAULT;
    return ArchUserCopy((void *)dst, src, length);
}

int UserMatch(uintptr_t user, const void *kernel, uint32_t length)
{
    if (length < sizeof(uint32_t) || !InUserSpace(user, length))
        return 1;
    return ArchUserMatch((const void *)user, kernel, length);
}

int CopyStringFromUser(char *dst, uintptr_t src, uint32_t max)
{
    int result;

    if (max == 0)
        return E_NAMETOOLONG;
    if (src < USER_BASE || src >= USER_LIMIT)
        return E_FAULT;
    if (max > USER_LIMIT - src)
        max = USER_LIMIT - src;         // the string may not run into the kernel
    result = ArchUserCopyString(dst, (const char *)src, max);
    if (result < 0)
        dst[0] = 0;
    if (result == E_NAMETOOLONG && max < USER_LIMIT - src)
        return E_NAMETOOLONG;
    return result == E_NAMETOOLONG ? E_FAULT : result;
}
