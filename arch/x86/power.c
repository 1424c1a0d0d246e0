// Powering off through ACPI, without reading the ACPI tables.
//
// ACPI powers a machine off by writing SLP_TYP (the S5 sleep type) and
// SLP_EN (bit 13) to the PM1a control register. Where that register is and
// which SLP_TYP means S5 come from the FADT and the DSDT on real hardware;
// the emulators have fixed answers, tried here in turn:
//
//   0x604   0x2000   QEMU's pc machine (PIIX4 PM base 0x600, S5 type 0)
//   0xb004  0x2000   Bochs and older QEMU
//   0x4004  0x3400   VirtualBox (S5 type 5)
//
// A write that worked stops the CPU within moments; after each one the
// CPU waits a little before trying the next.
#include <stdint.h>
#include <arch/x86/cpu.h>
#include <arch/x86/power.h>

#define IO_DELAY_PORT 0x80          // POST code port: each write takes about 1 us
#define SETTLE_WRITES 200000        // so about 0.2 s on real hardware

static const struct {
    uint16_t port;
    uint16_t value;
} ways[] = {
    { 0x604, 0x2000 },
    { 0xb004, 0x2000 },
    { 0x4004, 0x3400 },
};

static void Settle(void)
{
    for (int i = 0; i < SETTLE_WRITES; i++)
        OutByte(IO_DELAY_PORT, 0);
}

void PowerOff(void)
{
    for (unsigned i = 0; i < sizeof(ways) / sizeof(ways[0]); i++) {
        OutWord(ways[i].port, ways[i].value);
        Settle();
    }
}
