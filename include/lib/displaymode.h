// Display modes as the display: driver offers them (lib/displaymode.c):
// the list, and the text forms of display:mode and display:modes.
// Pure, so the host tests check the parsing of what a shell writes.
#ifndef LIB_DISPLAYMODE_H
#define LIB_DISPLAYMODE_H

#include <stdint.h>
#include <clanker/display.h>

#define DISPLAY_MODES_MAX 32
#define DISPLAY_PAGE      4096u

// What the adapter can do: its largest width, height and depth, and its
// memory in bytes (the Bochs VBE "capabilities").
typedef struct DisplayLimits {
    uint32_t maxWidth, maxHeight, maxBpp, memoryBytes;
} DisplayLimits;

// The modes offered under limits, in the list's order (sizes from small
// to large, each at 32, 24 and 16 bits per pixel). Returns how many
// (at most max) were written to out.
uint32_t DisplayModeList(const DisplayLimits *limits, DisplayMode *out, uint32_t max);

// Whether mode is one of DisplayModeList's under limits.
int DisplayModeOffered(const DisplayLimits *limits, const DisplayMode *mode);

// The DisplayInfo of mode (pitch width * bytes per pixel, framebufferBytes
// pitch * height rounded up to a page); all zeros for text (bpp 0).
DisplayInfo DisplayModeInfo(const DisplayMode *mode);

// The most framebuffer bytes any offered mode needs (a page multiple).
uint32_t DisplayModeLargest(const DisplayLimits *limits);

// Parse what is written to display:mode: "WxHxBPP" or "text", with
// optional spaces, tabs and line ends around it and nothing else
// (length bytes, no NUL needed). Text is {0, 0, 0}. 0, or E_INVAL for
// anything else (a number over 5 digits included); whether the mode is
// offered is not looked at.
int DisplayModeParse(const char *text, uint32_t length, DisplayMode *out);

// "text\n" or "WxHxBPP pitch P\n" for info, NUL-terminated in out.
// Returns its length without the NUL.
uint32_t DisplayModeText(const DisplayInfo *info, char *out, uint32_t capacity);

#endif
