// The 8253/8254 programmable interval timer, channel 0, as the system tick.
#include <arch/x86/cpu.h>
#include <arch/x86/irq.h>

#define PIT_CHANNEL0   0x40
#define PIT_COMMAND    0x43
#define PIT_RATE_GEN   0x34     // channel 0, lobyte/hibyte, mode 2
#define PIT_INPUT_HZ   1193182u

static volatile uint64_t ticks;
static uint32_t rate;
static void (*tickHook)(void);

static void PitTick(uint8_t irq)
{
    (void)irq;
    ticks++;
    if (tickHook)
        tickHook();
}

void PitInit(uint32_t hz, void (*onTick)(void))
{
    tickHook = onTick;
    uint32_t divisor = (PIT_INPUT_HZ + hz / 2) / hz;

    rate = hz;
    OutByte(PIT_COMMAND, PIT_RATE_GEN);
    OutByte(PIT_CHANNEL0, divisor & 0xff);
    OutByte(PIT_CHANNEL0, divisor >> 8);
    IrqRegister(IRQ_TIMER, PitTick);
}

uint64_t PitTicks(void)
{
    uint32_t flags = CpuSave();
    uint64_t now = ticks;

    CpuRestore(flags);
    return now;
}

uint32_t PitHz(void)
{
    return rate;
}
