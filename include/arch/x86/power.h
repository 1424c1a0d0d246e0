// Switching the machine off (arch/x86/power.c).
#ifndef ARCH_X86_POWER_H
#define ARCH_X86_POWER_H

// Ask the machine to power off through ACPI, the ways QEMU, Bochs and
// VirtualBox expect. Returns only if it is still running afterwards.
void PowerOff(void);

#endif
