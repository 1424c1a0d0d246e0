// Host unit tests for lib/usbdesc.c (USB descriptors parsed with every
// length checked).
//
// Each test hands the parser the bytes a device might send: the
// descriptors QEMU's usb-storage sends (good), then each way they can be
// wrong (short, a bLength past the end, a type that is not the one asked
// for, an endpoint outside an interface, a zero packet size). A bad one
// must be E_INVAL with a reason, and nothing may be read past the length
// given (the tests pass exact-size heap copies, which ASan watches).
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <clanker/error.h>
#include <lib/usbdesc.h>

static const uint8_t device[18] = {
    18, 1, 0x00, 0x03, 0, 0, 0, 9, 0xf4, 0x46, 0x01, 0x00, 0x00, 0x00, 1, 2, 3, 1,
};

// A configuration: one mass storage interface (08/06/50) with bulk-in 1
// and bulk-out 2, each with a SuperSpeed companion; an alternate setting
// whose endpoint is skipped; a class-specific descriptor stepped over.
static const uint8_t config[] = {
    9, 2, 63, 0, 2, 1, 0, 0xc0, 50,
    9, 4, 0, 0, 2, 8, 6, 0x50, 0,
    7, 5, 0x81, 2, 0x00, 0x04, 0,
    6, 0x30, 15, 0, 0, 0,
    7, 5, 0x02, 2, 0x00, 0x04, 0,
    6, 0x30, 3, 0, 0, 0,
    9, 4, 0, 1, 1, 8, 6, 0x50, 0,
    7, 5, 0x83, 2, 0x00, 0x02, 0,
    3, 0x24, 1,
};

// A heap copy of exactly length bytes of data (ASan sees a read past it).
static uint8_t *Copy(const uint8_t *data, size_t length)
{
    uint8_t *p = malloc(length ? length : 1);

    memcpy(p, data, length);
    return p;
}

static int ParseConfig(const uint8_t *data, size_t length, UsbConfigInfo *out, const char **why)
{
    uint8_t *p = Copy(data, length);
    int err = UsbParseConfig(p, (uint32_t)length, out, why);

    free(p);
    return err;
}

static void TestDevice(void **state)
{
    UsbDeviceDescriptor d;
    const char *why = NULL;
    uint8_t bad[18];

    (void)state;
    assert_int_equal(UsbParseDevice(device, 18, &d, &why), 0);
    assert_int_equal(d.vendor, 0x46f4);
    assert_int_equal(d.product, 0x0001);
    assert_int_equal(d.usbVersion, 0x300);
    assert_int_equal(d.maxPacket0, 9);
    assert_int_equal(d.productIndex, 2);
    assert_int_equal(d.configurations, 1);
    assert_int_equal(UsbParseDevice(device, 17, &d, &why), E_INVAL);
    assert_non_null(why);
    memcpy(bad, device, 18);
    bad[0] = 12;
    assert_int_equal(UsbParseDevice(bad, 18, &d, &why), E_INVAL);
    memcpy(bad, device, 18);
    bad[1] = 2;
    assert_int_equal(UsbParseDevice(bad, 18, &d, &why), E_INVAL);
    memcpy(bad, device, 18);
    bad[3] = 0x02;                      // USB 2 with a packet size of 2^9: not one
    assert_int_equal(UsbParseDevice(bad, 18, &d, &why), E_INVAL);
    memcpy(bad, device, 18);
    bad[17] = 0;
    assert_int_equal(UsbParseDevice(bad, 18, &d, &why), E_INVAL);
}

static void TestConfig(void **state)
{
    UsbConfigInfo c;
    const char *why = NULL;
    uint16_t total;

    (void)state;
    assert_int_equal(sizeof(config), 63);
    assert_int_equal(UsbParseConfigHeader(config, 9, &total, &why), 0);
    assert_int_equal(total, 63);
    assert_int_equal(ParseConfig(config, sizeof(config), &c, &why), 0);
    assert_int_equal(c.value, 1);
    assert_int_equal(c.interfaceCount, 1);
    assert_int_equal(c.interfaces[0].interfaceClass, 8);
    assert_int_equal(c.interfaces[0].subclass, 6);
    assert_int_equal(c.interfaces[0].protocol, 0x50);
    assert_int_equal(c.interfaces[0].endpointCount, 2);
    assert_int_equal(c.interfaces[0].endpoints[0].address, 0x81);
    assert_int_equal(c.interfaces[0].endpoints[0].type, USB_TRANSFER_BULK);
    assert_int_equal(c.interfaces[0].endpoints[0].maxPacket, 1024);
    assert_int_equal(c.interfaces[0].endpoints[0].maxBurst, 15);
    assert_int_equal(c.interfaces[0].endpoints[1].address, 0x02);
    assert_int_equal(c.interfaces[0].endpoints[1].maxBurst, 3);
}

static void TestConfigBad(void **state)
{
    uint8_t bad[sizeof(config)];
    UsbConfigInfo c;
    const char *why;

    (void)state;
    why = NULL;
    assert_int_equal(ParseConfig(config, 8, &c, &why), E_INVAL);        // no head
    assert_non_null(why);
    assert_int_equal(ParseConfig(config, 62, &c, &why), E_INVAL);       // less than wTotalLength
    memcpy(bad, config, sizeof(bad));
    bad[18] = 60;                       // the endpoint's bLength runs past the end
    assert_int_equal(ParseConfig(bad, sizeof(bad), &c, &why), E_INVAL);
    memcpy(bad, config, sizeof(bad));
    bad[18] = 0;                        // bLength 0 would never advance
    assert_int_equal(ParseConfig(bad, sizeof(bad), &c, &why), E_INVAL);
    memcpy(bad, config, sizeof(bad));
    bad[18] = 4;                        // an endpoint of 4 bytes
    assert_int_equal(ParseConfig(bad, sizeof(bad), &c, &why), E_INVAL);
    memcpy(bad, config, sizeof(bad));
    bad[22] = bad[23] = 0;              // wMaxPacketSize 0 on a bulk endpoint
    assert_int_equal(ParseConfig(bad, sizeof(bad), &c, &why), E_INVAL);
    memcpy(bad, config, sizeof(bad));
    bad[20] = 0x80;                     // endpoint 0 in an endpoint descriptor
    assert_int_equal(ParseConfig(bad, sizeof(bad), &c, &why), E_INVAL);
    memcpy(bad, config, sizeof(bad));
    bad[2] = 5;                         // wTotalLength below bLength
    assert_int_equal(ParseConfig(bad, sizeof(bad), &c, &why), E_INVAL);
    memcpy(bad, config, sizeof(bad));
    bad[2] = 61;                        // cuts the last descriptor after its first byte
    assert_int_equal(ParseConfig(bad, sizeof(bad), &c, &why), E_INVAL);
}

static void TestEndpointOutsideInterface(void **state)
{
    static const uint8_t stray[] = { 9, 2, 16, 0, 1, 1, 0, 0x80, 50, 7, 5, 0x81, 2, 0, 2, 0 };
    static const uint8_t empty[] = { 9, 2, 9, 0, 0, 1, 0, 0x80, 50 };
    UsbConfigInfo c;
    const char *why = NULL;

    (void)state;
    assert_int_equal(ParseConfig(stray, sizeof(stray), &c, &why), E_INVAL);
    assert_string_equal(why, "endpoint descriptor before any interface");
    assert_int_equal(ParseConfig(empty, sizeof(empty), &c, &why), E_INVAL);
}

static void TestStrings(void **state)
{
    static const uint8_t languages[] = { 4, 3, 0x09, 0x04 };
    static const uint8_t name[] = { 12, 3, 'Q', 0, 'E', 0, 'M', 0, 0xe9, 0, ' ', 0 };
    char out[8];
    uint16_t language;
    const char *why = NULL;
    uint8_t bad[sizeof(name)];

    (void)state;
    assert_int_equal(UsbParseLanguages(languages, 4, &language, &why), 0);
    assert_int_equal(language, 0x409);
    assert_int_equal(UsbParseLanguages(languages, 3, &language, &why), E_INVAL);
    assert_int_equal(UsbParseString(name, sizeof(name), out, sizeof(out), &why), 0);
    assert_string_equal(out, "QEM?");   // non-ASCII as '?', the trailing blank gone
    assert_int_equal(UsbParseString(name, sizeof(name), out, 3, &why), 0);
    assert_string_equal(out, "QE");     // cut to fit
    assert_int_equal(UsbParseString(name, 11, out, sizeof(out), &why), E_INVAL);   // bLength past it
    memcpy(bad, name, sizeof(bad));
    bad[0] = 11;
    assert_int_equal(UsbParseString(bad, sizeof(bad), out, sizeof(out), &why), E_INVAL);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestDevice),
        cmocka_unit_test(TestConfig),
        cmocka_unit_test(TestConfigBad),
        cmocka_unit_test(TestEndpointOutsideInterface),
        cmocka_unit_test(TestStrings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
