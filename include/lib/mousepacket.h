// The PS/2 mouse's packets (lib/mousepacket.c): bytes in, checked
// events out. Pure, so the host tests and the fuzzer drive it.
//
// A standard PS/2 mouse sends three bytes per packet:
//
//   byte 0   bit 7 Y overflow, 6 X overflow, 5 Y sign, 4 X sign,
//            3 always 1, 2 middle, 1 right, 0 left button
//   byte 1   X motion (low 8 bits of a 9-bit two's complement value)
//   byte 2   Y motion (the same; + is up)
//
// Checks, each throwing away what it rejects (MouseParser.bad counts the
// bytes) and starting again at the next byte:
//   - a first byte must have bit 3 set; one without it is dropped alone,
//     so after a lost or stray byte the parser slides along the stream
//     one byte at a time until it finds a packet start again;
//   - the bytes of one packet come together: a byte that arrives more
//     than MOUSE_PACKET_GAP_MS after the one before starts a new packet
//     (the partial one is dropped), so a pause always resynchronises;
//   - a packet with an overflow bit has no usable motion: dropped whole.
#ifndef LIB_MOUSEPACKET_H
#define LIB_MOUSEPACKET_H

#include <stdint.h>
#include <clanker/input.h>

#define MOUSE_PACKET_SIZE   3
#define MOUSE_PACKET_GAP_MS 100

#define MOUSE_BYTE0_ALWAYS  0x08
#define MOUSE_BYTE0_XSIGN   0x10
#define MOUSE_BYTE0_YSIGN   0x20
#define MOUSE_BYTE0_XOVER   0x40
#define MOUSE_BYTE0_YOVER   0x80
#define MOUSE_BYTE0_BUTTONS 0x07

typedef struct MouseParser {
    uint8_t bytes[MOUSE_PACKET_SIZE];
    uint32_t have;              // bytes of the packet so far
    uint32_t last;              // when the last byte came (ms)
    uint32_t bad;               // bytes thrown away since MouseParserInit
    uint32_t packets;           // packets turned into events
} MouseParser;

typedef enum MouseFeed {
    MOUSE_FEED_MORE,            // nothing complete (or the byte was thrown away)
    MOUSE_FEED_EVENT,           // *out holds the packet's event
} MouseFeed;

void MouseParserInit(MouseParser *p);

// Take one byte that came at timeMs. MOUSE_FEED_EVENT fills out: type
// INPUT_EVENT_MOUSE, dx and dy in the screen's convention (+dy down),
// the buttons held, time timeMs.
MouseFeed MouseParserFeed(MouseParser *p, uint8_t byte, uint32_t timeMs, InputEvent *out);

#endif
