// GDT, TSS and IDT (arch/x86/gdt.c, arch/x86/idt.c).
#ifndef ARCH_X86_DESCRIPTOR_H
#define ARCH_X86_DESCRIPTOR_H

#include <stdint.h>

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_CODE   0x1b    // index 3, RPL 3
#define GDT_USER_DATA   0x23    // index 4, RPL 3
#define GDT_TSS         0x28    // index 5
#define GDT_TLS         0x33    // index 6, RPL 3: the running process's TLS segment
#define GDT_TLS_INDEX   6

void GdtInit(void);

// The ring-0 stack the CPU switches to on a trap from ring 3.
void GdtSetKernelStack(uint32_t esp0);

// Build the descriptor of a TLS segment from the fields of a Linux
// struct user_desc (set_thread_area): base in user space, a limit of 20
// bits, flags asking for a present 32-bit data segment (contents 0;
// read_exec_only, limit_in_pages and useable as given; no other bits).
// Returns 0, or E_INVAL without touching *descriptor.
int GdtMakeTls(uint32_t base, uint32_t limit, uint32_t flags, uint64_t *descriptor);

// Write descriptor (from GdtMakeTls) into the TLS slot; 0 writes the
// default, a ring-3 data segment of base 0 and one byte, so loading
// GDT_TLS never faults. Segment registers are not reloaded: a selector
// of the slot takes the new descriptor when it is next loaded.
void GdtWriteTls(uint64_t descriptor);

// The descriptor the TLS slot holds now (1 before the first write).
extern uint64_t gdtTlsLoaded;

// GdtWriteTls, unless the slot holds descriptor already: most switches
// are between programs with no TLS, or with the same.
static inline void GdtSetTls(uint64_t descriptor)
{
    if (descriptor != gdtTlsLoaded)
        GdtWriteTls(descriptor);
}

// Every vector's gate; ring 3 may raise SYSCALL_VECTOR and those above
// it (the vectors personalities claim) with an int instruction.
void IdtInit(void);

#endif
