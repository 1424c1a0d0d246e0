// Hardware interrupt lines: the 8259 PIC pair and the handler table.
//
// Both PICs are remapped so IRQ 0-15 arrive on vectors 32-47, clear of the
// CPU exceptions. A line is unmasked only while a handler is installed.
// IRQ 7 and 15 can be spurious: the PIC raises them without setting the
// in-service bit; those are counted and not acknowledged (for 15, only the
// master gets an EOI, for the cascade line).
#include <stddef.h>
#include <clanker/error.h>
#include <arch/x86/cpu.h>
#include <arch/x86/irq.h>

#define PIC1_COMMAND 0x20
#define PIC1_DATA    0x21
#define PIC2_COMMAND 0xa0
#define PIC2_DATA    0xa1
#define PIC_EOI      0x20
#define PIC_READ_ISR 0x0b
#define ICW1_INIT_ICW4 0x11
#define ICW4_8086    0x01
#define IRQ_CASCADE  2

static IrqHandler handlers[IRQ_COUNT];
static uint16_t mask = 0xffff;
static uint32_t spurious;
static uint32_t depth;          // handlers running now

static void WriteMask(void)
{
    OutByte(PIC1_DATA, mask & 0xff);
    OutByte(PIC2_DATA, mask >> 8);
}

void IrqInit(void)
{
    OutByte(PIC1_COMMAND, ICW1_INIT_ICW4);
    OutByte(PIC2_COMMAND, ICW1_INIT_ICW4);
    OutByte(PIC1_DATA, TRAP_IRQ_BASE);          // ICW2: vector offsets
    OutByte(PIC2_DATA, TRAP_IRQ_BASE + 8);
    OutByte(PIC1_DATA, 1 << IRQ_CASCADE);       // ICW3: slave on IRQ 2
    OutByte(PIC2_DATA, IRQ_CASCADE);
    OutByte(PIC1_DATA, ICW4_8086);
    OutByte(PIC2_DATA, ICW4_8086);
    mask = 0xffff & ~(1u << IRQ_CASCADE);
    WriteMask();
}

int IrqAvailable(uint8_t irq)
{
    if (irq >= IRQ_COUNT || irq == IRQ_CASCADE)
        return E_INVAL;
    return handlers[irq] ? E_BUSY : 0;
}

int IrqRegister(uint8_t irq, IrqHandler handler)
{
    uint32_t flags = CpuSave();
    int err = handler ? IrqAvailable(irq) : E_INVAL;

    if (!err) {
        handlers[irq] = handler;
        mask &= ~(1u << irq);
        WriteMask();
    }
    CpuRestore(flags);
    return err;
}

void IrqUnregister(uint8_t irq)
{
    uint32_t flags;

    if (irq >= IRQ_COUNT || irq == IRQ_CASCADE)
        return;
    flags = CpuSave();
    handlers[irq] = NULL;
    mask |= 1u << irq;
    WriteMask();
    CpuRestore(flags);
}

// Is this IRQ 7/15 real? Checks the PIC's in-service register.
static int IsSpurious(uint8_t irq)
{
    uint16_t port = irq == 7 ? PIC1_COMMAND : PIC2_COMMAND;

    if (irq != 7 && irq != 15)
        return 0;
    OutByte(port, PIC_READ_ISR);
    return (InByte(port) & 0x80) == 0;
}

static void Acknowledge(uint8_t irq)
{
    if (irq >= 8)
        OutByte(PIC2_COMMAND, PIC_EOI);
    OutByte(PIC1_COMMAND, PIC_EOI);
}

void IrqDispatch(TrapFrame *frame)
{
    uint8_t irq = (uint8_t)(frame->vector - TRAP_IRQ_BASE);

    if (IsSpurious(irq)) {
        spurious++;
        if (irq == 15)
            OutByte(PIC1_COMMAND, PIC_EOI);
        return;
    }
    Acknowledge(irq);
    depth++;
    if (handlers[irq])
        handlers[irq](irq);
    depth--;
}

int IrqActive(void)
{
    return depth != 0;
}

uint32_t IrqSpuriousCount(void)
{
    return spurious;
}
