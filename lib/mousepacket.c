// PS/2 mouse packets to input events, checked and resynchronised
// (include/lib/mousepacket.h has the packet and the rules).
#include <stddef.h>
#include <stdint.h>
#include <lib/mousepacket.h>
#include <lib/string.h>

void MouseParserInit(MouseParser *p)
{
    memset(p, 0, sizeof(*p));
}

// Throw away the partial packet.
static void DropPartial(MouseParser *p)
{
    p->bad += p->have;
    p->have = 0;
}

// A 9-bit two's complement motion from its low byte and its sign bit.
static int32_t Motion(uint8_t low, int negative)
{
    return (int32_t)low - (negative ? 256 : 0);
}

// The event of the whole packet in p->bytes.
static void Decode(const MouseParser *p, uint32_t timeMs, InputEvent *out)
{
    uint8_t head = p->bytes[0];

    memset(out, 0, sizeof(*out));
    out->type = INPUT_EVENT_MOUSE;
    out->dx = Motion(p->bytes[1], head & MOUSE_BYTE0_XSIGN);
    out->dy = -Motion(p->bytes[2], head & MOUSE_BYTE0_YSIGN);
    out->buttons = head & MOUSE_BYTE0_BUTTONS;     // the INPUT_BUTTON_* bits
    out->time = timeMs;
}

MouseFeed MouseParserFeed(MouseParser *p, uint8_t byte, uint32_t timeMs, InputEvent *out)
{
    if (p->have > 0 && timeMs - p->last > MOUSE_PACKET_GAP_MS)
        DropPartial(p);
    p->last = timeMs;
    if (p->have == 0 && !(byte & MOUSE_BYTE0_ALWAYS)) {
        p->bad++;                   // no packet starts here: try the next byte
        return MOUSE_FEED_MORE;
    }
    p->bytes[p->have++] = byte;
    if (p->have < MOUSE_PACKET_SIZE)
        return MOUSE_FEED_MORE;
    p->have = 0;
    if (p->bytes[0] & (MOUSE_BYTE0_XOVER | MOUSE_BYTE0_YOVER)) {
        p->bad += MOUSE_PACKET_SIZE;
        return MOUSE_FEED_MORE;
    }
    Decode(p, timeMs, out);
    p->packets++;
    return MOUSE_FEED_EVENT;
}
