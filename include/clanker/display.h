// The display: protocol (docs/display.md): the Bochs VBE / QEMU std-VGA
// adapter, served by a kernel-mode driver (drivers/vga/).
//
// Until someone acquires the display the adapter stays in VGA text mode
// and the kernel's text console draws on it. The owner gets the linear
// framebuffer as a device grant (include/clanker/grant.h) and draws into
// it itself: no pixel travels in a message.
//
//   DISPLAY_MSG_INFO      (empty)              -> DisplayInfo of the mode now
//   DISPLAY_MSG_SET_MODE  DisplayMode          -> DisplayInfo; {0, 0, 0}: text
//   DISPLAY_MSG_ACQUIRE   DisplayMode (0s: 1024x768x32) -> DisplayAcquired:
//                         the mode is set and the framebuffer granted
//                         (GRANT_READ | GRANT_WRITE) to the sender, who
//                         becomes the owner
//   DISPLAY_MSG_RELEASE   (empty)              -> (empty): the owner gives it
//                         back (grant revoked, text mode, the console redrawn)
//
// Errors: E_INVAL (a payload of the wrong size, a mode not in the list),
// E_BUSY (ACQUIRE while an owner lives; SET_MODE by anyone else while it
// does), E_PERM (RELEASE by anyone but the owner), E_NOENT (a name under
// display: that is not one of the three), E_IO (the adapter did not take
// the mode; it is back in text mode). The owner's end releases it.
//
// From the shell (the filesystem protocol, docs/servers.md):
//   ls display:            the files mode and modes
//   cat display:modes      the modes, one a line: WxHxBPP
//   cat display:mode       "text" or "1024x768x32 pitch 4096"
//   echo 800x600x32 > display:mode, echo text > display:mode
#ifndef CLANKER_DISPLAY_H
#define CLANKER_DISPLAY_H

#include <stdint.h>
#include <clanker/message.h>

#define DISPLAY_PREFIX     "display:"
#define DISPLAY_NAME_MODE  "display:mode"
#define DISPLAY_NAME_MODES "display:modes"

#define DISPLAY_MSG_INFO      (MSG_TYPE_LIMIT + 0x70) // -> DisplayInfo
#define DISPLAY_MSG_SET_MODE  (MSG_TYPE_LIMIT + 0x71) // DisplayMode -> DisplayInfo
#define DISPLAY_MSG_ACQUIRE   (MSG_TYPE_LIMIT + 0x72) // DisplayMode -> DisplayAcquired
#define DISPLAY_MSG_RELEASE   (MSG_TYPE_LIMIT + 0x73) // (empty) -> (empty)

// The mode the default ACQUIRE sets.
#define DISPLAY_DEFAULT_WIDTH  1024
#define DISPLAY_DEFAULT_HEIGHT 768
#define DISPLAY_DEFAULT_BPP    32

// A request's mode: width and height in pixels, bits per pixel.
typedef struct DisplayMode {
    uint32_t width, height, bpp;
} DisplayMode;

// A mode as set. Text mode is all zeros (bpp 0). pitch: bytes from one
// row of pixels to the next; framebufferBytes: pitch * height rounded up
// to whole pages. Pixels of 32 bpp are 0x00RRGGBB little-endian (bytes
// B, G, R, 0), of 24 bpp the bytes B, G, R, of 16 bpp RGB 5:6:5.
typedef struct DisplayInfo {
    uint32_t width, height, bpp, pitch, framebufferBytes;
} DisplayInfo;

// ACQUIRE's answer. The grant (length at least framebufferBytes: enough
// for every listed mode, so the owner may SET_MODE without a new one) is
// mapped with GrantMap(grantId, GRANT_READ | GRANT_WRITE).
typedef struct DisplayAcquired {
    uint32_t grantId;
    DisplayInfo info;
} DisplayAcquired;

#endif
