// Host unit tests for lib/displaymode.c: the modes offered under an
// adapter's limits, their pitch and sizes, and the parsing of what is
// written to display:mode, malformed text included.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <clanker/error.h>
#include <lib/displaymode.h>

// QEMU's std-VGA: 16 MiB, GETCAPS 16000x12000x32.
static const DisplayLimits qemu = { 16000, 12000, 32, 16u << 20 };

static void TestListUnderQemu(void **state)
{
    DisplayMode modes[DISPLAY_MODES_MAX];
    uint32_t n;

    (void)state;
    n = DisplayModeList(&qemu, modes, DISPLAY_MODES_MAX);
    assert_int_equal(n, 18);
    assert_int_equal(modes[0].width, 640);
    assert_int_equal(modes[0].height, 480);
    assert_int_equal(modes[0].bpp, 32);
    assert_int_equal(modes[2].bpp, 16);
    assert_int_equal(modes[17].width, 1920);
    assert_int_equal(modes[17].bpp, 16);
    assert_int_equal(DisplayModeList(&qemu, modes, 4), 4);
    assert_true(DisplayModeOffered(&qemu, &(DisplayMode){ 1024, 768, 32 }));
    assert_true(DisplayModeOffered(&qemu, &(DisplayMode){ 800, 600, 24 }));
    assert_false(DisplayModeOffered(&qemu, &(DisplayMode){ 800, 600, 8 }));
    assert_false(DisplayModeOffered(&qemu, &(DisplayMode){ 801, 600, 32 }));
    assert_false(DisplayModeOffered(&qemu, &(DisplayMode){ 0, 0, 0 }));
    assert_int_equal(DisplayModeLargest(&qemu), 1920 * 1080 * 4);
}

// Small adapters offer less: by size, depth and memory.
static void TestListUnderLimits(void **state)
{
    DisplayLimits small = { 1024, 768, 16, 16u << 20 }, tight = { 4096, 4096, 32, 2u << 20 };
    DisplayMode modes[DISPLAY_MODES_MAX];
    uint32_t n;

    (void)state;
    n = DisplayModeList(&small, modes, DISPLAY_MODES_MAX);
    assert_int_equal(n, 3);                     // 640x480, 800x600, 1024x768 at 16 bpp
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(modes[i].bpp, 16);
    assert_false(DisplayModeOffered(&small, &(DisplayMode){ 1024, 768, 32 }));
    n = DisplayModeList(&tight, modes, DISPLAY_MODES_MAX);
    for (uint32_t i = 0; i < n; i++)
        assert_true(DisplayModeInfo(&modes[i]).framebufferBytes <= (2u << 20));
    assert_true(DisplayModeOffered(&tight, &(DisplayMode){ 800, 600, 32 }));        // 1.83 MiB
    assert_false(DisplayModeOffered(&tight, &(DisplayMode){ 1024, 768, 32 }));      // 3 MiB
    assert_int_equal(DisplayModeList(&(DisplayLimits){ 0, 0, 0, 0 }, modes, DISPLAY_MODES_MAX), 0);
    assert_int_equal(DisplayModeLargest(&(DisplayLimits){ 0, 0, 0, 0 }), 0);
}

static void TestInfo(void **state)
{
    DisplayInfo i;

    (void)state;
    i = DisplayModeInfo(&(DisplayMode){ 1024, 768, 32 });
    assert_int_equal(i.pitch, 4096);
    assert_int_equal(i.framebufferBytes, 3u << 20);
    i = DisplayModeInfo(&(DisplayMode){ 800, 600, 24 });
    assert_int_equal(i.pitch, 2400);
    assert_int_equal(i.framebufferBytes, 1441792);          // 1440000 up to a page
    i = DisplayModeInfo(&(DisplayMode){ 640, 480, 16 });
    assert_int_equal(i.pitch, 1280);
    assert_int_equal(i.framebufferBytes % DISPLAY_PAGE, 0);
    i = DisplayModeInfo(&(DisplayMode){ 0, 0, 0 });
    assert_int_equal(i.width | i.height | i.bpp | i.pitch | i.framebufferBytes, 0);
}

static int Parse(const char *text, DisplayMode *out)
{
    return DisplayModeParse(text, (uint32_t)strlen(text), out);
}

static void TestParse(void **state)
{
    DisplayMode m;

    (void)state;
    assert_int_equal(Parse("800x600x32", &m), 0);
    assert_int_equal(m.width, 800);
    assert_int_equal(m.height, 600);
    assert_int_equal(m.bpp, 32);
    assert_int_equal(Parse("  1024x768x16\n", &m), 0);
    assert_int_equal(m.width, 1024);
    assert_int_equal(Parse("\ttext\r\n", &m), 0);
    assert_int_equal(m.width | m.height | m.bpp, 0);
    assert_int_equal(Parse("99999x99999x32", &m), 0);       // parsed; not offered
    // Only the length given counts: no NUL is needed.
    assert_int_equal(DisplayModeParse("640x480x32garbage", 10, &m), 0);
    assert_int_equal(m.bpp, 32);
}

static void TestParseRefuses(void **state)
{
    static const char *const bad[] = {
        "", " ", "\n", "x", "800", "800x600", "800x600x", "x600x32", "800xx600x32",
        "800x600x32x8", "800 x 600 x 32", "800x600x32 text", "-800x600x32", "+800x600x32",
        "800X600X32", "800x600x0x", "100000x600x32", "800x600x123456",
        "text2", "Text", "texts", "tex", "８00x600x32",
    };
    DisplayMode m = { 1, 2, 3 };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (Parse(bad[i], &m) != E_INVAL)
            fail_msg("parsed \"%s\"", bad[i]);
    }
    assert_int_equal(DisplayModeParse("800x600x32\0", 11, &m), E_INVAL);
    assert_int_equal(m.width, 1);                           // untouched
}

static void TestText(void **state)
{
    char text[64];

    (void)state;
    DisplayInfo info = DisplayModeInfo(&(DisplayMode){ 800, 600, 32 });
    assert_int_equal(DisplayModeText(&info, text, sizeof(text)), 22);
    assert_string_equal(text, "800x600x32 pitch 3200\n");
    info = (DisplayInfo){ 0 };
    DisplayModeText(&info, text, sizeof(text));
    assert_string_equal(text, "text\n");
    info = DisplayModeInfo(&(DisplayMode){ 1920, 1080, 32 });
    assert_int_equal(DisplayModeText(&info, text, 8), 7);   // cut, NUL-terminated
    assert_string_equal(text, "1920x10");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestListUnderQemu),
        cmocka_unit_test(TestListUnderLimits),
        cmocka_unit_test(TestInfo),
        cmocka_unit_test(TestParse),
        cmocka_unit_test(TestParseRefuses),
        cmocka_unit_test(TestText),
    };

    return cmocka_run_group_tests_name("displaymode", tests, NULL, NULL);
}
