// Host unit tests for lib/mousepacket.c (PS/2 mouse packets to events):
// motion and its signs, buttons, every first byte, and resynchronisation
// after lost, stray and damaged bytes and after a pause.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <lib/mousepacket.h>

static MouseParser p;
static uint32_t now;

static int Setup(void **state)
{
    (void)state;
    MouseParserInit(&p);
    now = 1000;
    return 0;
}

// The three bytes of a packet of motion (dx, dy in the screen's
// convention: +dy down, so the mouse's own dy is -dy; the mouse's range
// is -256..255, so dy runs from -255 to 256) and buttons.
static void Packet(int dx, int dy, uint8_t buttons, uint8_t out[3])
{
    int mouseDy = -dy;

    out[0] = (uint8_t)(MOUSE_BYTE0_ALWAYS | (buttons & 7) | (dx < 0 ? MOUSE_BYTE0_XSIGN : 0) |
                       (mouseDy < 0 ? MOUSE_BYTE0_YSIGN : 0));
    out[1] = (uint8_t)(dx & 0xff);
    out[2] = (uint8_t)(mouseDy & 0xff);
}

// Feed n bytes 1 ms apart; the events they complete into events (max).
static int Feed(const uint8_t *bytes, size_t n, InputEvent *events, int max)
{
    int got = 0;

    for (size_t i = 0; i < n; i++) {
        InputEvent e;
        if (MouseParserFeed(&p, bytes[i], now++, &e) == MOUSE_FEED_EVENT) {
            assert_true(got < max);
            events[got++] = e;
        }
    }
    return got;
}

static void ExpectEvent(const InputEvent *e, int dx, int dy, uint32_t buttons)
{
    assert_int_equal(e->type, INPUT_EVENT_MOUSE);
    assert_int_equal(e->dx, dx);
    assert_int_equal(e->dy, dy);
    assert_int_equal(e->buttons, buttons);
    assert_int_equal(e->key, 0);
    assert_int_equal(e->flags, 0);
}

static void TestMotionAndButtons(void **state)
{
    static const struct { int dx, dy; uint8_t buttons; } cases[] = {
        { 0, 0, 0 }, { 10, 20, 0 }, { -10, -20, 1 }, { 255, 256, 2 }, { -256, -255, 4 },
        { 1, -1, 7 }, { -1, 1, 3 }, { 127, 128, 5 },
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t bytes[3];
        InputEvent e;
        Packet(cases[i].dx, cases[i].dy, cases[i].buttons, bytes);
        assert_int_equal(Feed(bytes, 3, &e, 1), 1);
        ExpectEvent(&e, cases[i].dx, cases[i].dy, cases[i].buttons);
        assert_int_equal(e.time, now - 1);
    }
    assert_int_equal(p.packets, 8);
    assert_int_equal(p.bad, 0);
}

// Every first byte: bit 3 clear is dropped alone, an overflow bit drops
// the whole packet, anything else makes an event of its buttons.
static void TestEveryFirstByte(void **state)
{
    (void)state;
    for (unsigned b = 0; b < 256; b++) {
        uint8_t bytes[3] = { (uint8_t)b, 5, 6 };
        InputEvent e;
        uint32_t badBefore;
        int got;

        MouseParserInit(&p);
        badBefore = p.bad;
        got = Feed(bytes, 1, &e, 1);
        assert_int_equal(got, 0);
        if (!(b & MOUSE_BYTE0_ALWAYS)) {
            assert_int_equal(p.bad, badBefore + 1);
            assert_int_equal(p.have, 0);
            continue;
        }
        got = Feed(bytes + 1, 2, &e, 1);
        if (b & (MOUSE_BYTE0_XOVER | MOUSE_BYTE0_YOVER)) {
            assert_int_equal(got, 0);
            assert_int_equal(p.bad, 3);
        } else {
            assert_int_equal(got, 1);
            assert_int_equal(e.buttons, b & 7);
            assert_int_equal(e.dx, (b & MOUSE_BYTE0_XSIGN) ? 5 - 256 : 5);
            assert_int_equal(e.dy, (b & MOUSE_BYTE0_YSIGN) ? 256 - 6 : -6);
        }
    }
}

// A byte lost from a packet (or a stray one added) throws the parser out
// of step; it slides back into step within a few packets and every
// packet after that is right. The motion bytes here all have bit 3
// clear, so a slide never takes one for a first byte.
static void TestResyncAfterALostByte(void **state)
{
    uint8_t stream[3 * 10], one[3];
    InputEvent events[16];
    int got;

    (void)state;
    for (int i = 0; i < 10; i++) {
        Packet(i + 1, -(i + 1), 0, one);
        memcpy(stream + 3 * i, one, 3);
    }
    // Packet 0 loses its first byte: its motion bytes are dropped, then
    // packets 1..9 come through.
    got = Feed(stream + 1, sizeof(stream) - 1, events, 16);
    assert_int_equal(got, 9);
    for (int i = 0; i < 9; i++)
        ExpectEvent(&events[i], i + 2, -(i + 2), 0);
    assert_int_equal(p.bad, 2);
}

static void TestResyncAfterAStrayByte(void **state)
{
    uint8_t stream[64], one[3];
    InputEvent events[16];
    size_t n = 0;
    int got;

    (void)state;
    Packet(3, 4, 1, one);
    memcpy(stream + n, one, 3), n += 3;
    stream[n++] = 0x00;                 // a stray byte between packets
    for (int i = 0; i < 5; i++) {
        Packet(2, 2, 1, one);
        memcpy(stream + n, one, 3), n += 3;
    }
    got = Feed(stream, n, events, 16);
    assert_int_equal(got, 6);
    ExpectEvent(&events[0], 3, 4, 1);
    for (int i = 1; i < 6; i++)
        ExpectEvent(&events[i], 2, 2, 1);
    assert_int_equal(p.bad, 1);
}

// A stray byte that looks like a first byte (bit 3 set) makes one wrong
// packet at most; the pause before the next movement puts the parser
// back in step.
static void TestPauseResynchronises(void **state)
{
    uint8_t one[3], stray = 0x08;
    InputEvent events[8];
    int got;

    (void)state;
    Packet(1, 1, 0, one);
    assert_int_equal(Feed(&stray, 1, events, 8), 0);
    assert_int_equal(Feed(one, 2, events, 8), 1);      // stray + first two: wrong, once
    now += MOUSE_PACKET_GAP_MS + 1;                     // the user pauses
    assert_int_equal(Feed(one + 2, 1, events, 8), 0);   // the rest of that packet, late
    now += MOUSE_PACKET_GAP_MS + 1;
    Packet(-7, 9, 2, one);
    got = Feed(one, 3, events, 8);
    assert_int_equal(got, 1);
    ExpectEvent(&events[0], -7, 9, 2);
}

// A packet cut short by a pause is dropped whole, the next one is whole.
static void TestPartialPacketDropped(void **state)
{
    uint8_t one[3];
    InputEvent e;

    (void)state;
    Packet(5, 5, 0, one);
    assert_int_equal(Feed(one, 2, &e, 1), 0);
    now += MOUSE_PACKET_GAP_MS + 1;
    Packet(6, -6, 4, one);
    assert_int_equal(Feed(one, 3, &e, 1), 1);
    ExpectEvent(&e, 6, -6, 4);
    assert_int_equal(p.bad, 2);
    // Exactly the gap is still one packet.
    Packet(1, 2, 0, one);
    assert_int_equal(Feed(one, 1, &e, 1), 0);
    now += MOUSE_PACKET_GAP_MS - 1;
    assert_int_equal(Feed(one + 1, 2, &e, 1), 1);
    ExpectEvent(&e, 1, 2, 0);
}

// The clock wrapping round (uptime in 32-bit milliseconds) is no pause.
static void TestClockWraps(void **state)
{
    uint8_t one[3];
    InputEvent e;

    (void)state;
    now = 0xfffffffeu;
    Packet(9, 8, 1, one);
    assert_int_equal(Feed(one, 3, &e, 1), 1);
    ExpectEvent(&e, 9, 8, 1);
    assert_int_equal(p.bad, 0);
}

// The 8042's and the mouse's own answers (0xfa, 0xaa 0x00) in the stream
// make no event out of step with the rest: at most they cost a packet.
static void TestAnswersInTheStream(void **state)
{
    uint8_t stream[] = { 0xfa, 0xaa, 0x00, 0x08, 0x01, 0x02, 0x09, 0x03, 0x04 };
    InputEvent events[4];
    int got;

    (void)state;
    got = Feed(stream, sizeof(stream), events, 4);
    // 0xfa 0xaa 0x00: an overflow first byte, dropped whole; then two packets.
    assert_int_equal(got, 2);
    ExpectEvent(&events[0], 1, -2, 0);
    ExpectEvent(&events[1], 3, -4, 1);
    assert_int_equal(p.bad, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(TestMotionAndButtons, Setup),
        cmocka_unit_test_setup(TestEveryFirstByte, Setup),
        cmocka_unit_test_setup(TestResyncAfterALostByte, Setup),
        cmocka_unit_test_setup(TestResyncAfterAStrayByte, Setup),
        cmocka_unit_test_setup(TestPauseResynchronises, Setup),
        cmocka_unit_test_setup(TestPartialPacketDropped, Setup),
        cmocka_unit_test_setup(TestClockWraps, Setup),
        cmocka_unit_test_setup(TestAnswersInTheStream, Setup),
    };

    return cmocka_run_group_tests_name("mousepacket", tests, NULL, NULL);
}
