// The VGA text screen: 80x25 cells at physical 0xB8000, light grey on
// black, scrolling up when full, with the hardware cursor following.
//
// The text lives in a shadow copy of the cells; the screen mirrors it.
// When the display driver takes the adapter for a graphics mode
// (VgaRelease, through the console: server's CONSOLE_MSG_SCREEN) the
// text goes on into the shadow only, and the state of text mode is kept
// first: every register of the sequencer, CRT controller, graphics
// controller and attribute controller, the miscellaneous output register,
// and the font in plane 2, which a graphics mode's pixels overwrite (the
// planes and the linear framebuffer are the same memory). VgaReclaim,
// after the driver has switched its own mode off, puts all of it back and
// draws the shadow, so the console shows every line written meanwhile.
#include <stdint.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/layout.h>
#include <arch/x86/pc.h>

#define VGA_PHYS    0xb8000u
#define VGA_PLANES  0xa0000u        // the 64 KiB window plane 2 is read through
#define VGA_COLUMNS 80
#define VGA_ROWS    25
#define VGA_ATTR    0x0700

// The registers (ports of a colour adapter).
#define AC_INDEX    0x3c0           // attribute controller: index and data, one flip-flop
#define AC_READ     0x3c1
#define MISC_WRITE  0x3c2
#define SEQ_INDEX   0x3c4
#define SEQ_DATA    0x3c5
#define MISC_READ   0x3cc
#define GC_INDEX    0x3ce
#define GC_DATA     0x3cf
#define CRTC_INDEX  0x3d4
#define CRTC_DATA   0x3d5
#define INPUT_STATUS 0x3da          // reading it resets the attribute flip-flop

#define SEQ_COUNT   5
#define CRTC_COUNT  25
#define GC_COUNT    9
#define AC_COUNT    21
#define AC_VIDEO_ON 0x20            // palette address source: the screen shows again
#define CRTC_PROTECT 0x11           // bit 7 write-protects CRTC registers 0-7
#define SEQ_RESET   0x00
#define SEQ_MAP_MASK 0x02
#define SEQ_MEMORY  0x04
#define GC_READ_MAP 0x04
#define GC_MODE     0x05
#define GC_MISC     0x06

// Plane 2 alone, read and written sequentially through the 0xA0000 window.
#define PLANE2_MAP_MASK 0x04
#define PLANE2_MEMORY   0x06        // odd/even off, extended memory
#define PLANE2_READ_MAP 0x02
#define PLANE2_MODE     0x00        // write mode 0, read mode 0, odd/even off
#define PLANE2_MISC     0x04        // 64 KiB at 0xA0000, text
#define FONT_BYTES  (256 * 32)      // 256 glyphs of up to 32 rows

typedef struct VgaRegisters {
    uint8_t misc;
    uint8_t seq[SEQ_COUNT], crtc[CRTC_COUNT], gc[GC_COUNT], ac[AC_COUNT];
} VgaRegisters;

static uint16_t *screen;
static uint16_t shadow[VGA_ROWS * VGA_COLUMNS];
static int row, column;
static int released;                // the display driver has the adapter
static VgaRegisters textMode;
static uint8_t font[FONT_BYTES];

static uint8_t ReadIndexed(uint16_t index, uint16_t data, uint8_t reg)
{
    OutByte(index, reg);
    return InByte(data);
}

static void WriteIndexed(uint16_t index, uint16_t data, uint8_t reg, uint8_t value)
{
    OutByte(index, reg);
    OutByte(data, value);
}

static void MoveCursor(void)
{
    uint16_t pos = (uint16_t)(row * VGA_COLUMNS + column);

    if (released)
        return;
    WriteIndexed(CRTC_INDEX, CRTC_DATA, 0x0f, pos & 0xff);
    WriteIndexed(CRTC_INDEX, CRTC_DATA, 0x0e, pos >> 8);
}

// The whole shadow onto the screen.
static void Redraw(void)
{
    if (!released)
        memcpy(screen, shadow, sizeof(shadow));
}

static void Scroll(void)
{
    memmove(shadow, shadow + VGA_COLUMNS, (VGA_ROWS - 1) * VGA_COLUMNS * sizeof(uint16_t));
    for (int c = 0; c < VGA_COLUMNS; c++)
        shadow[(VGA_ROWS - 1) * VGA_COLUMNS + c] = VGA_ATTR | ' ';
    row = VGA_ROWS - 1;
    Redraw();
}

void VgaInit(void)
{
    screen = PhysToVirt(VGA_PHYS);
    for (int i = 0; i < VGA_ROWS * VGA_COLUMNS; i++)
        shadow[i] = VGA_ATTR | ' ';
    row = column = 0;
    Redraw();
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
        int at = row * VGA_COLUMNS + column;
        shadow[at] = VGA_ATTR | (uint8_t)c;
        if (!released)
            screen[at] = shadow[at];
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

// --- giving the adapter to the display driver and taking it back ---------------

static void SaveRegisters(VgaRegisters *r)
{
    r->misc = InByte(MISC_READ);
    for (uint8_t i = 0; i < SEQ_COUNT; i++)
        r->seq[i] = ReadIndexed(SEQ_INDEX, SEQ_DATA, i);
    for (uint8_t i = 0; i < CRTC_COUNT; i++)
        r->crtc[i] = ReadIndexed(CRTC_INDEX, CRTC_DATA, i);
    for (uint8_t i = 0; i < GC_COUNT; i++)
        r->gc[i] = ReadIndexed(GC_INDEX, GC_DATA, i);
    for (uint8_t i = 0; i < AC_COUNT; i++) {
        (void)InByte(INPUT_STATUS);
        OutByte(AC_INDEX, i);
        r->ac[i] = InByte(AC_READ);
    }
    (void)InByte(INPUT_STATUS);
    OutByte(AC_INDEX, AC_VIDEO_ON);
}

static void RestoreRegisters(const VgaRegisters *r)
{
    OutByte(MISC_WRITE, r->misc);
    WriteIndexed(SEQ_INDEX, SEQ_DATA, SEQ_RESET, 0x01);     // synchronous reset while changing
    for (uint8_t i = 1; i < SEQ_COUNT; i++)
        WriteIndexed(SEQ_INDEX, SEQ_DATA, i, r->seq[i]);
    WriteIndexed(SEQ_INDEX, SEQ_DATA, SEQ_RESET, r->seq[SEQ_RESET]);
    WriteIndexed(CRTC_INDEX, CRTC_DATA, CRTC_PROTECT, r->crtc[CRTC_PROTECT] & 0x7f);
    for (uint8_t i = 0; i < CRTC_COUNT; i++)
        if (i != CRTC_PROTECT)
            WriteIndexed(CRTC_INDEX, CRTC_DATA, i, r->crtc[i]);
    WriteIndexed(CRTC_INDEX, CRTC_DATA, CRTC_PROTECT, r->crtc[CRTC_PROTECT]);
    for (uint8_t i = 0; i < GC_COUNT; i++)
        WriteIndexed(GC_INDEX, GC_DATA, i, r->gc[i]);
    for (uint8_t i = 0; i < AC_COUNT; i++) {
        (void)InByte(INPUT_STATUS);
        OutByte(AC_INDEX, i);
        OutByte(AC_INDEX, r->ac[i]);
    }
    (void)InByte(INPUT_STATUS);
    OutByte(AC_INDEX, AC_VIDEO_ON);
}

// Copy the font out of plane 2 (toPlane 0) or back into it (1); the
// registers the access changes are restored from textMode.
static void CopyFont(int toPlane)
{
    volatile uint8_t *planes = PhysToVirt(VGA_PLANES);

    WriteIndexed(SEQ_INDEX, SEQ_DATA, SEQ_MAP_MASK, PLANE2_MAP_MASK);
    WriteIndexed(SEQ_INDEX, SEQ_DATA, SEQ_MEMORY, PLANE2_MEMORY);
    WriteIndexed(GC_INDEX, GC_DATA, GC_READ_MAP, PLANE2_READ_MAP);
    WriteIndexed(GC_INDEX, GC_DATA, GC_MODE, PLANE2_MODE);
    WriteIndexed(GC_INDEX, GC_DATA, GC_MISC, PLANE2_MISC);
    WriteIndexed(GC_INDEX, GC_DATA, 0x01, 0x00);            // no set/reset
    WriteIndexed(GC_INDEX, GC_DATA, 0x03, 0x00);            // no rotation, plain writes
    WriteIndexed(GC_INDEX, GC_DATA, 0x08, 0xff);            // every bit
    for (uint32_t i = 0; i < FONT_BYTES; i++) {
        if (toPlane)
            planes[i] = font[i];
        else
            font[i] = planes[i];
    }
    WriteIndexed(SEQ_INDEX, SEQ_DATA, SEQ_MAP_MASK, textMode.seq[SEQ_MAP_MASK]);
    WriteIndexed(SEQ_INDEX, SEQ_DATA, SEQ_MEMORY, textMode.seq[SEQ_MEMORY]);
    for (uint8_t i = 0; i < GC_COUNT; i++)
        WriteIndexed(GC_INDEX, GC_DATA, i, textMode.gc[i]);
}

void VgaRelease(void)
{
    uint32_t flags = CpuSave();

    if (!released && screen) {
        SaveRegisters(&textMode);
        CopyFont(0);
        released = 1;
    }
    CpuRestore(flags);
}

void VgaReclaim(void)
{
    uint32_t flags = CpuSave();

    if (released) {
        RestoreRegisters(&textMode);
        CopyFont(1);
        released = 0;
        Redraw();
        MoveCursor();
    }
    CpuRestore(flags);
}

int VgaReleased(void)
{
    return released;
}
