// The VGA text screen: 80x25 cells at physical 0xB8000, light grey on
// black, scrolling up when full, with the hardware cursor following.
#include <stdint.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/layout.h>
#include <arch/x86/pc.h>

#define VGA_PHYS    0xb8000u
#define VGA_COLUMNS 80
#define VGA_ROWS    25
#define VGA_ATTR    0x0700
#define CRTC_INDEX  0x3d4
#define CRTC_DATA   0x3d5

static uint16_t *screen;
static int row, column;

static void MoveCursor(void)
{
    uint16_t pos = (uint16_t)(row * VGA_COLUMNS + column);

    OutByte(CRTC_INDEX, 0x0f);
    OutByte(CRTC_DATA, pos & 0xff);
    OutByte(CRTC_INDEX, 0x0e);
    OutByte(CRTC_DATA, pos >> 8);
}

static void Scroll(void)
{
    memmove(screen, screen + VGA_COLUMNS,
            (VGA_ROWS - 1) * VGA_COLUMNS * sizeof(uint16_t));
    for (int c = 0; c < VGA_COLUMNS; c++)
        screen[(VGA_ROWS - 1) * VGA_COLUMNS + c] = VGA_ATTR | ' ';
    row = VGA_ROWS - 1;
}

void VgaInit(void)
{
    screen = PhysToVirt(VGA_PHYS);
    for (int i = 0; i < VGA_ROWS * VGA_COLUMNS; i++)
        screen[i] = VGA_ATTR | ' ';
    row = column = 0;
    MoveCursor();
}

static void PutChar(char c)
{
    if (c == '\n') {
        column = 0;
        row++;
    } else if (c == '\r') {
        column = 0;
    } else if (c == '\b') {
        if (column > 0)
            column--;
    } else if (c == '\t') {
        column = (column + 8) & ~7;
    } else {
        screen[row * VGA_COLUMNS + column] = VGA_ATTR | (uint8_t)c;
        column++;
    }
    if (column >= VGA_COLUMNS) {
        column = 0;
        row++;
    }
    if (row >= VGA_ROWS)
        Scroll();
}

void VgaWrite(const char *text, size_t length)
{
    if (!screen)
        return;
    for (size_t i = 0; i < length; i++)
        PutChar(text[i]);
    MoveCursor();
}
