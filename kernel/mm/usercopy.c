// Checked copies between the kernel and the current process's memory.
#include <clanker/error.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/layout.h>
#include <kernel/mm/usercopy.h>
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

int CopyFromUser(void *dst, uintptr_t src, uint32_t length)
{
    uint32_t flags = CpuSave();
    int err = UserCheck(src, length, 0);

    if (!err)
        memcpy(dst, (const void *)src, length);
    CpuRestore(flags);
    return err;
}

int CopyToUser(uintptr_t dst, const void *src, uint32_t length)
{
    uint32_t flags = CpuSave();
    int err = UserCheck(dst, length, 1);

    if (!err)
        memcpy((void *)dst, src, length);
    CpuRestore(flags);
    return err;
}

int CopyStringFromUser(char *dst, uintptr_t src, uint32_t max)
{
    uint32_t flags = CpuSave();
    int result = E_NAMETOOLONG;

    for (uint32_t i = 0; i < max; i++) {
        // Check each new page as the string reaches it.
        if ((i == 0 || ((src + i) & (PAGE_SIZE - 1)) == 0) && UserCheck(src + i, 1, 0)) {
            result = E_FAULT;
            break;
        }
        dst[i] = ((const char *)src)[i];
        if (dst[i] == 0) {
            result = (int)i;
            break;
        }
    }
    if (result < 0 && max > 0)
        dst[0] = 0;
    CpuRestore(flags);
    return result;
}
