// The initial RAM disk: a USTAR archive loaded as the first boot module.
#include <stddef.h>
#include <clanker/error.h>
#include <arch/x86/layout.h>
#include <kernel/console.h>
#include <kernel/exec/initrd.h>
#include <kernel/multiboot.h>
#include <lib/tar.h>

static const uint8_t *archive;
static uint32_t archiveSize;

int InitrdInit(uint32_t infoPhys)
{
    const MultibootInfo *info = PhysToVirt(infoPhys);
    const MultibootModule *mod;

    if (!(info->flags & MULTIBOOT_INFO_MODS) || info->modsCount == 0)
        return E_NOENT;
    mod = PhysToVirt(info->modsAddr);
    if (mod->end < mod->start || mod->end > DIRECT_MAP_SIZE) {
        ConsolePrint("initrd: module at 0x%08x-0x%08x is unusable\n", mod->start, mod->end);
        return E_NOENT;
    }
    archive = PhysToVirt(mod->start);
    archiveSize = mod->end - mod->start;
    ConsolePrint("initrd: %u KiB at 0x%08x\n", archiveSize / 1024, mod->start);
    return 0;
}

int InitrdFind(const char *path, const uint8_t **data, uint32_t *size)
{
    TarEntry entry;
    int err;

    if (!archive)
        return E_NOENT;
    while (*path == '/')
        path++;
    err = TarFind(archive, archiveSize, path, &entry);
    if (err)
        return err;
    *data = entry.data;
    *size = entry.size;
    return 0;
}

const uint8_t *InitrdArchive(uint32_t *size)
{
    *size = archiveSize;
    return archive;
}
