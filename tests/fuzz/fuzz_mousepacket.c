// libFuzzer target for the PS/2 mouse's packet parser (lib/mousepacket.c).
//
// The input is pairs of bytes: a byte the mouse sends, then how many
// milliseconds after the one before it comes (0-255, so pauses longer
// than MOUSE_PACKET_GAP_MS happen). Invariants checked (abort() on
// violation):
//   - every byte is accounted for: those fed = bad + 3 * packets + have,
//     and have stays below a packet
//   - an event is a mouse event with motion in the 9-bit range (dx
//     -256..255, dy -255..256, +dy down), buttons 0-7, nothing else set,
//     and the time of the byte that completed it
//   - the events agree with a reference written separately from the
//     rules in the header
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lib/mousepacket.h>

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

// The reference: the header's rules, one by one.
typedef struct Reference {
    uint8_t bytes[3];
    int have;
    uint32_t last;
} Reference;

// Returns 1 with *dx, *dy, *buttons when a packet is complete and good.
static int RefFeed(Reference *r, uint8_t b, uint32_t t, int *dx, int *dy, int *buttons)
{
    if (r->have && t - r->last > MOUSE_PACKET_GAP_MS)
        r->have = 0;                        // a pause: start again
    r->last = t;
    if (r->have == 0 && (b & 0x08) == 0)
        return 0;                           // no packet starts with bit 3 clear
    r->bytes[r->have++] = b;
    if (r->have < 3)
        return 0;
    r->have = 0;
    if (r->bytes[0] & 0xc0)
        return 0;                           // overflow: no good motion
    *dx = (r->bytes[0] & 0x10) ? (int)r->bytes[1] - 256 : (int)r->bytes[1];
    *dy = (r->bytes[0] & 0x20) ? 256 - (int)r->bytes[2] : -(int)r->bytes[2];
    *buttons = r->bytes[0] & 7;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    MouseParser p;
    Reference ref = { { 0 }, 0, 0 };
    uint32_t now = data && size ? (uint32_t)data[0] * 0x01010101u : 0, fed = 0;

    MouseParserInit(&p);
    for (size_t i = 0; i + 1 < size; i += 2) {
        InputEvent e;
        int dx = 0, dy = 0, buttons = 0;
        int want, got;

        now += data[i + 1];
        memset(&e, 0xa5, sizeof(e));
        got = MouseParserFeed(&p, data[i], now, &e) == MOUSE_FEED_EVENT;
        want = RefFeed(&ref, data[i], now, &dx, &dy, &buttons);
        fed++;
        CHECK(p.have < MOUSE_PACKET_SIZE);
        CHECK(fed == p.bad + MOUSE_PACKET_SIZE * p.packets + p.have);
        CHECK(got == want);
        if (!got)
            continue;
        CHECK(e.type == INPUT_EVENT_MOUSE);
        CHECK(e.dx >= -256 && e.dx <= 255 && e.dy >= -255 && e.dy <= 256);
        CHECK(e.buttons <= 7 && e.key == 0 && e.flags == 0 && e.time == now);
        CHECK(e.dx == dx && e.dy == dy && (int)e.buttons == buttons);
    }
    return 0;
}
