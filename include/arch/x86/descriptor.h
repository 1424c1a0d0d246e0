// GDT, TSS and IDT (arch/x86/gdt.c, arch/x86/idt.c).
#ifndef ARCH_X86_DESCRIPTOR_H
#define ARCH_X86_DESCRIPTOR_H

#include <stdint.h>

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_CODE   0x1b    // index 3, RPL 3
#define GDT_USER_DATA   0x23    // index 4, RPL 3
#define GDT_TSS         0x28    // index 5

void GdtInit(void);

// The ring-0 stack the CPU switches to on a trap from ring 3.
void GdtSetKernelStack(uint32_t esp0);

void IdtInit(void);

#endif
