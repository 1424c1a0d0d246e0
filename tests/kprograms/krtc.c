// A kernel-mode driver in miniature: it programs the CMOS real-time
// clock's periodic interrupt (IRQ 8), registers a handler that counts
// interrupts and wakes it, blocks until ten have arrived, and exits 0.
// The IRQ line is left registered on purpose: the kernel must release it.
#include <clanker/kernelapi.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define RTC_REG_A  0x0a
#define RTC_REG_B  0x0b
#define RTC_REG_C  0x0c
#define RTC_PIE    0x40         // periodic interrupt enable (register B)
#define RTC_RATE_64HZ 0x0a      // register A rate bits: 32768 >> (10 - 1)

static const KernelApi *api;
static uint32_t self;
static volatile uint32_t interrupts;

static uint8_t CmosRead(uint8_t reg)
{
    api->OutByte(CMOS_INDEX, reg);
    return api->InByte(CMOS_DATA);
}

static void CmosWrite(uint8_t reg, uint8_t value)
{
    api->OutByte(CMOS_INDEX, reg);
    api->OutByte(CMOS_DATA, value);
}

static void RtcInterrupt(void)
{
    CmosRead(RTC_REG_C);        // acknowledge, or no further interrupt comes
    interrupts++;
    api->Wake(self);
}

int main(const KernelApi *kapi, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    api = kapi;
    self = api->GetPid();
    if (api->IrqRegister(8, RtcInterrupt) != 0)
        return 3;
    if (api->IrqRegister(8, RtcInterrupt) == 0)
        return 4;               // a line can have one owner only
    CmosWrite(RTC_REG_A, (uint8_t)((CmosRead(RTC_REG_A) & 0xf0) | RTC_RATE_64HZ));
    CmosWrite(RTC_REG_B, CmosRead(RTC_REG_B) | RTC_PIE);
    CmosRead(RTC_REG_C);
    while (interrupts < 10)
        api->Block();
    CmosWrite(RTC_REG_B, CmosRead(RTC_REG_B) & (uint8_t)~RTC_PIE);
    api->Print("krtc: %u interrupts\n", (unsigned)interrupts);
    return 0;
}
