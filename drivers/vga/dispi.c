// The Bochs VBE extensions of QEMU's std-VGA adapter (PCI 1234:1111):
// sixteen-bit registers behind an index port (0x1ce) and a data port
// (0x1cf). The linear framebuffer is BAR0.
//
//   index 0  ID          0xB0C0 + version (QEMU: 0xB0C5)
//         1  XRES        width in pixels (a multiple of 8)
//         2  YRES        height
//         3  BPP         8, 15, 16, 24 or 32
//         4  ENABLE      ENABLED | LFB_ENABLED, GETCAPS (the three above
//                        then read as the adapter's maxima), NOCLEARMEM
//         6  VIRT_WIDTH  pixels per row in memory (the pitch's source)
//         8, 9           X and Y offset of the picture in memory
//        10  VIDEO_MEMORY_64K   memory in 64 KiB units (QEMU)
//
// A mode is set with the extensions off: resolution and depth, then
// ENABLE; the adapter then ignores most VGA registers and takes the
// pixels from its memory from offset 0, pitch VIRT_WIDTH * bytes. While
// they are off the VGA registers rule again (the console puts text
// mode's back: arch/x86/vga.c).
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/pci.h>
#include <lib/pci.h>
#include "dispi.h"

#define DISPI_INDEX 0x1ce
#define DISPI_DATA  0x1cf

#define REG_ID          0
#define REG_XRES        1
#define REG_YRES        2
#define REG_BPP         3
#define REG_ENABLE      4
#define REG_BANK        5
#define REG_VIRT_WIDTH  6
#define REG_VIRT_HEIGHT 7
#define REG_X_OFFSET    8
#define REG_Y_OFFSET    9
#define REG_MEMORY_64K  10

#define ID_LINEAR       0xb0c2      // 15-32 bpp and the linear framebuffer from here on
#define ID_MEMORY       0xb0c5      // VIDEO_MEMORY_64K from here on
#define ID_LAST         0xb0cf

#define ENABLED         0x01
#define GETCAPS         0x02
#define LFB_ENABLED     0x40

#define PCI_CLASS_DISPLAY 0x03

static uint16_t Read(const KernelApi *api, uint16_t reg)
{
    api->OutWord(DISPI_INDEX, reg);
    return api->InWord(DISPI_DATA);
}

static void Write(const KernelApi *api, uint16_t reg, uint16_t value)
{
    api->OutWord(DISPI_INDEX, reg);
    api->OutWord(DISPI_DATA, value);
}

static int IsAdapter(const PciFunction *f, void *arg)
{
    PciFunction *out = arg;

    if (f->vendor != DISPI_VENDOR || f->deviceId != DISPI_DEVICE ||
        f->classCode != PCI_CLASS_DISPLAY || (f->bars[0].flags & PCI_BAR_IO) ||
        !f->bars[0].base || !f->bars[0].size)
        return 0;
    *out = *f;
    return 1;
}

// The maxima GETCAPS shows, and the memory: the smaller of what the
// adapter says and BAR0 (every framebuffer byte must be inside it).
static void ReadLimits(const KernelApi *api, DispiAdapter *a)
{
    uint32_t memory = a->framebufferSize;

    Write(api, REG_ENABLE, GETCAPS);
    a->limits.maxWidth = Read(api, REG_XRES);
    a->limits.maxHeight = Read(api, REG_YRES);
    a->limits.maxBpp = Read(api, REG_BPP);
    Write(api, REG_ENABLE, 0);
    if (a->version >= ID_MEMORY) {
        uint32_t said = (uint32_t)Read(api, REG_MEMORY_64K) * 65536u;
        memory = said && said < memory ? said : memory;
    }
    a->limits.memoryBytes = memory;
}

int DispiProbe(const KernelApi *api, DispiAdapter *out)
{
    PciFunction f;
    uint16_t id;

    if (!PciEnumerate(api, IsAdapter, &f) || f.vendor != DISPI_VENDOR)
        return E_NODEV;
    id = Read(api, REG_ID);
    if (id < ID_LINEAR || id > ID_LAST)
        return E_NODEV;
    PciEnable(api, &f, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
    *out = (DispiAdapter){ .framebuffer = f.bars[0].base, .framebufferSize = f.bars[0].size,
                           .version = id };
    ReadLimits(api, out);
    return 0;
}

int DispiSetMode(const KernelApi *api, const DisplayMode *mode)
{
    Write(api, REG_ENABLE, 0);
    Write(api, REG_XRES, (uint16_t)mode->width);
    Write(api, REG_YRES, (uint16_t)mode->height);
    Write(api, REG_BPP, (uint16_t)mode->bpp);
    Write(api, REG_BANK, 0);
    Write(api, REG_VIRT_WIDTH, (uint16_t)mode->width);
    Write(api, REG_VIRT_HEIGHT, (uint16_t)mode->height);
    Write(api, REG_X_OFFSET, 0);
    Write(api, REG_Y_OFFSET, 0);
    Write(api, REG_ENABLE, ENABLED | LFB_ENABLED);
    if (Read(api, REG_XRES) != mode->width || Read(api, REG_YRES) != mode->height ||
        Read(api, REG_BPP) != mode->bpp || Read(api, REG_VIRT_WIDTH) != mode->width ||
        !(Read(api, REG_ENABLE) & ENABLED)) {
        DispiOff(api);
        return E_IO;
    }
    return 0;
}

void DispiOff(const KernelApi *api)
{
    Write(api, REG_ENABLE, 0);
}
