// PC platform devices the kernel itself drives: the COM1 serial port
// (arch/x86/serial.c), the VGA text screen (arch/x86/vga.c), and QEMU's
// exit device (arch/x86/qemu.c).
#ifndef ARCH_X86_PC_H
#define ARCH_X86_PC_H

#include <stddef.h>
#include <stdint.h>

void SerialInit(void);
void SerialWrite(const char *text, size_t length);

void VgaInit(void);
void VgaWrite(const char *text, size_t length);

// The display driver takes the adapter (VgaRelease: text mode's
// registers and font are kept, and the text goes on into a copy only) or
// gives it back in the state its own mode left it (VgaReclaim: text mode
// restored, the copy drawn). Each is a no-op when already so.
void VgaRelease(void);
void VgaReclaim(void);
int VgaReleased(void);

// QEMU's isa-debug-exit device (port 0xf4). Armed by the kernel command
// line option "debug-exit"; until then QemuExit only returns.
// Status seen by the host: success 33, failure 35.
void QemuExitArm(void);
void QemuExit(int success);

#endif
