// The Bochs VBE ("DISPI") interface of QEMU's std-VGA adapter (dispi.c),
// for the display: server (display.c).
#ifndef DRIVERS_VGA_DISPI_H
#define DRIVERS_VGA_DISPI_H

#include <stdint.h>
#include <clanker/display.h>
#include <clanker/kernelapi.h>
#include <lib/displaymode.h>

#define DISPI_VENDOR 0x1234
#define DISPI_DEVICE 0x1111

typedef struct DispiAdapter {
    uint32_t framebuffer;       // physical address of the linear framebuffer (BAR0)
    uint32_t framebufferSize;   // BAR0's size
    uint16_t version;           // VBE_DISPI_ID*
    DisplayLimits limits;       // what it can show (GETCAPS, its memory)
} DispiAdapter;

// Find the adapter on PCI (1234:1111), check its DISPI interface answers,
// enable memory decoding, read its limits. 0, or E_NODEV.
int DispiProbe(const KernelApi *api, DispiAdapter *out);

// Set a graphics mode (already checked to be offered) with the linear
// framebuffer, its memory cleared. Returns 0, or E_IO when the adapter
// does not show the mode asked for (then it is left switched off).
int DispiSetMode(const KernelApi *api, const DisplayMode *mode);

// Switch the VBE mode off: the adapter goes back to its VGA registers.
void DispiOff(const KernelApi *api);

#endif
