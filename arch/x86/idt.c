// The interrupt descriptor table.
//
// All 256 vectors point at the stubs of trap.S. Every gate is an
// interrupt gate (interrupts off on entry). Ring 3 may raise the native
// system-call vector (0x40) and every vector above it with an int
// instruction: those are the vectors a personality may claim (the POSIX
// layer's 0x80), and kernel/trap.c answers one nobody claimed with
// -ENOSYS. An int of a CPU exception's or an IRQ's vector, or of 48-63,
// from ring 3 is a #GP.
#include <stdint.h>
#include <arch/x86/descriptor.h>
#include <arch/x86/trap.h>
#include <clanker/syscall.h>

typedef struct __attribute__((packed)) IdtGate {
    uint16_t offsetLow;
    uint16_t selector;
    uint8_t zero;
    uint8_t typeAttr;
    uint16_t offsetHigh;
} IdtGate;

typedef struct __attribute__((packed)) IdtPointer {
    uint16_t limit;
    uint32_t base;
} IdtPointer;

#define GATE_INTERRUPT_RING0 0x8e
#define GATE_INTERRUPT_RING3 0xee

static IdtGate idt[TRAP_VECTORS];

static uint8_t GateType(int vector)
{
    return vector >= SYSCALL_VECTOR ? GATE_INTERRUPT_RING3 : GATE_INTERRUPT_RING0;
}

void IdtInit(void)
{
    IdtPointer ptr = { sizeof(idt) - 1, (uint32_t)(uintptr_t)idt };

    for (int v = 0; v < TRAP_VECTORS; v++) {
        idt[v] = (IdtGate){
            .offsetLow = TrapVectors[v] & 0xffff,
            .selector = GDT_KERNEL_CODE,
            .typeAttr = GateType(v),
            .offsetHigh = TrapVectors[v] >> 16,
        };
    }
    __asm__ volatile("lidt %0" : : "m"(ptr));
}

