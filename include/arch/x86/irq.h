// Hardware interrupts through the two 8259 PICs (arch/x86/irq.c) and the
// PIT timer (arch/x86/pit.c).
#ifndef ARCH_X86_IRQ_H
#define ARCH_X86_IRQ_H

#include <stdint.h>
#include <arch/x86/trap.h>

#define IRQ_COUNT 16
#define IRQ_TIMER 0

typedef void (*IrqHandler)(uint8_t irq);

// Remap the PICs to vectors 32-47 and mask every line.
void IrqInit(void);

// Whether irq can be given a handler: 0, E_INVAL (no such line, or the
// cascade line 2) or E_BUSY (a handler holds it). With interrupts off,
// the answer stands until they are on again.
int IrqAvailable(uint8_t irq);

// Install the handler for irq and unmask it. Returns 0, or E_INVAL for a
// bad line number, or E_BUSY if another handler owns the line.
int IrqRegister(uint8_t irq, IrqHandler handler);

// Remove the handler for irq and mask it.
void IrqUnregister(uint8_t irq);

// Called from TrapDispatch for vectors 32-47.
void IrqDispatch(TrapFrame *frame);

// Is an IRQ handler running (a trap now interrupted it)?
int IrqActive(void);

// Number of spurious interrupts seen (IRQ 7/15 with no in-service bit).
uint32_t IrqSpuriousCount(void);

// Program the PIT for hz interrupts per second and start counting ticks;
// onTick (may be NULL) runs in every timer interrupt.
void PitInit(uint32_t hz, void (*onTick)(void));

// Timer interrupts since PitInit.
uint64_t PitTicks(void);

// The programmed rate.
uint32_t PitHz(void);

#endif
