// COM1 serial port output, 115200 baud 8N1, as the kernel console.
#include <arch/x86/cpu.h>
#include <arch/x86/pc.h>

#define COM1           0x3f8
#define REG_DATA       0
#define REG_IRQ_ENABLE 1
#define REG_FIFO       2
#define REG_LINE_CTRL  3
#define REG_MODEM_CTRL 4
#define REG_LINE_STAT  5
#define LINE_DLAB      0x80
#define LINE_8N1       0x03
#define STAT_THR_EMPTY 0x20
#define SPIN_LIMIT     100000

void SerialInit(void)
{
    OutByte(COM1 + REG_IRQ_ENABLE, 0x00);
    OutByte(COM1 + REG_LINE_CTRL, LINE_DLAB);
    OutByte(COM1 + REG_DATA, 1);            // divisor 1: 115200 baud
    OutByte(COM1 + REG_IRQ_ENABLE, 0);
    OutByte(COM1 + REG_LINE_CTRL, LINE_8N1);
    // The FIFOs stay off: switching them on clears the receive side, and
    // piped input may already be waiting there before the kernel starts.
    OutByte(COM1 + REG_MODEM_CTRL, 0x03);   // DTR, RTS
}

// Wait (boundedly: a missing port must not hang the kernel) for room.
static void PutRaw(char c)
{
    for (int i = 0; i < SPIN_LIMIT; i++) {
        if (InByte(COM1 + REG_LINE_STAT) & STAT_THR_EMPTY)
            break;
    }
    OutByte(COM1 + REG_DATA, (uint8_t)c);
}

void SerialWrite(const char *text, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (text[i] == '\n')
            PutRaw('\r');
        PutRaw(text[i]);
    }
}
