// displaytest: the display: protocol from a client (include/clanker/display.h).
//
//   displaytest errors
//       every malformed request and every refusal while nobody owns the
//       display: "displaytest: errors: N passed, M failed"
//   displaytest info
//       "displaytest: info WxHxBPP pitch P bytes B" (text: 0x0x0)
//   displaytest owner
//       acquire, then everything an owner may and may not do, a second
//       process ("intruder") refused all but INFO, release, and the grant
//       gone after it: "displaytest: owner: N passed, M failed"
//   displaytest hold [WxHxBPP]
//       acquire (1024x768x32 by default), map the framebuffer, draw the
//       test picture, print "displaytest: holding WxHxBPP pitch P grant G
//       length L", then sleep until killed (the driver's watch of process
//       ends releases the display)
//   displaytest cycle N
//       N times: acquire, map, draw, unmap, release: "displaytest: cycle: N done"
//   displaytest revoke
//       acquire, map, draw, release, then draw again: the grant is gone, so
//       the program faults ("displaytest: survived" if it does not)
//
// The test picture: the whole screen BACKGROUND, a BOX_W x BOX_H box of
// BOX_COLOUR at (BOX_X, BOX_Y), and the top-left pixel white
// (tests/e2e/display_suite.py looks for them in QEMU's screendump).
#include <clanker/display.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <clanker/grant.h>
#include <lib/displaymode.h>
#include <lib/format.h>
#include <lib/string.h>
#include <lib/user.h>

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} reply;

#define SELF       "fs:root:bin/displaytest"
#define BACKGROUND 0x102030u
#define BOX_COLOUR 0xff8000u
#define BOX_X      100
#define BOX_Y      50
#define BOX_W      200
#define BOX_H      100

static int passed, failed;

static void Expect(const char *what, int got, int want)
{
    if (got == want) {
        passed++;
        return;
    }
    failed++;
    Print("displaytest: FAIL %s: got %d, wanted %d\n", what, got, want);
}

// A request of type with payload (size bytes) to name: the reply's
// payload length, or the E_* code.
static int Call(const char *name, uint32_t type, const void *payload, uint32_t size)
{
    return IpcCallInto(name, type, payload, size, &reply.message, sizeof(reply));
}

static int SetMode(uint32_t type, uint32_t width, uint32_t height, uint32_t bpp)
{
    DisplayMode mode = { width, height, bpp };

    return Call(DISPLAY_PREFIX, type, &mode, sizeof(mode));
}

// The mode now, into *info. 0 or an error.
static int Info(DisplayInfo *info)
{
    int n = Call(DISPLAY_PREFIX, DISPLAY_MSG_INFO, NULL, 0);

    if (n != (int)sizeof(*info))
        return n < 0 ? n : E_INVAL;
    memcpy(info, reply.message.data, sizeof(*info));
    return 0;
}

// "WxHxBPP" into *mode. 0 or E_INVAL.
static int DisplayParse(const char *text, DisplayMode *mode)
{
    return DisplayModeParse(text, (uint32_t)strlen(text), mode);
}

// A write of text to display:mode through handle 1, as the shell's `>` does.
static int WriteMode(const char *name, const char *text)
{
    uint8_t buffer[sizeof(FsIo) + 64];
    FsIo io = { 1, (uint32_t)strlen(text), 0 };

    memcpy(buffer, &io, sizeof(io));
    memcpy(buffer + sizeof(io), text, io.length);
    return Call(name, MSG_WRITE, buffer, sizeof(io) + io.length);
}

static void BadModes(uint32_t type, const char *what)
{
    static const DisplayMode bad[] = {
        { 801, 600, 32 }, { 800, 600, 12 }, { 800, 600, 8 }, { 0, 600, 32 }, { 800, 0, 32 },
        { 0, 0, 32 }, { 65535, 65535, 32 }, { 4096, 4096, 32 }, { 8, 8, 32 },
        { 0xffffffffu, 768, 32 }, { 1024, 768, 0xffffffffu },
    };
    char line[96];

    for (uint32_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        Format(line, sizeof(line), "%s %ux%ux%u", what, (unsigned)bad[i].width,
               (unsigned)bad[i].height, (unsigned)bad[i].bpp);
        Expect(line, SetMode(type, bad[i].width, bad[i].height, bad[i].bpp), E_INVAL);
    }
}

static int Errors(void)
{
    uint8_t bytes[16] = { 0 };
    FsIo badHandle = { 7, 64, 0 };
    FsOpen open = { FS_WRITE };
    DisplayInfo info;

    Expect("info with a payload", Call(DISPLAY_PREFIX, DISPLAY_MSG_INFO, bytes, 4), E_INVAL);
    Expect("set mode with 8 bytes", Call(DISPLAY_PREFIX, DISPLAY_MSG_SET_MODE, bytes, 8), E_INVAL);
    Expect("set mode with 16 bytes", Call(DISPLAY_PREFIX, DISPLAY_MSG_SET_MODE, bytes, 16),
           E_INVAL);
    Expect("acquire with nothing", Call(DISPLAY_PREFIX, DISPLAY_MSG_ACQUIRE, NULL, 0), E_INVAL);
    Expect("acquire with 13 bytes", Call(DISPLAY_PREFIX, DISPLAY_MSG_ACQUIRE, bytes, 13), E_INVAL);
    Expect("release with a payload", Call(DISPLAY_PREFIX, DISPLAY_MSG_RELEASE, bytes, 4), E_INVAL);
    Expect("release by a non-owner", Call(DISPLAY_PREFIX, DISPLAY_MSG_RELEASE, NULL, 0), E_PERM);
    BadModes(DISPLAY_MSG_SET_MODE, "set mode");
    BadModes(DISPLAY_MSG_ACQUIRE, "acquire");
    Expect("an unknown request", Call(DISPLAY_PREFIX, MSG_DELETE, NULL, 0), E_INVAL);
    Expect("another name", Call("display:nope", DISPLAY_MSG_INFO, NULL, 0), E_NOENT);
    Expect("a read with 3 bytes", Call(DISPLAY_NAME_MODE, MSG_READ, bytes, 3), E_INVAL);
    Expect("a read with handle 7", Call(DISPLAY_NAME_MODE, MSG_READ, &badHandle, sizeof(badHandle)),
           E_BADF);
    Expect("a read of display:", Call(DISPLAY_PREFIX, MSG_READ, NULL, 0), E_ISDIR);
    Expect("a listing of display:mode", Call(DISPLAY_NAME_MODE, MSG_LIST, NULL, 0), E_NOTDIR);
    Expect("open display:modes", Call(DISPLAY_NAME_MODES, MSG_OPEN, &open, sizeof(open)), E_ACCES);
    Expect("write display:modes", WriteMode(DISPLAY_NAME_MODES, "800x600x32"), E_ACCES);
    Expect("write a bad mode", WriteMode(DISPLAY_NAME_MODE, "800x600x33"), E_INVAL);
    Expect("write a word", WriteMode(DISPLAY_NAME_MODE, "graphics"), E_INVAL);
    Expect("write two modes", WriteMode(DISPLAY_NAME_MODE, "800x600x32 1024x768x32"), E_INVAL);
    Expect("write a short FsIo", Call(DISPLAY_NAME_MODE, MSG_WRITE, bytes, 8), E_INVAL);
    Expect("info after them", Info(&info), 0);
    Expect("still text mode", (int)info.bpp, 0);
    Print("displaytest: errors: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

// --- an owner's framebuffer ---------------------------------------------------------

// One pixel of colour 0xRRGGBB in the mode's format at p.
static void PutPixel(uint8_t *p, uint32_t bpp, uint32_t colour)
{
    uint8_t r = (uint8_t)(colour >> 16), g = (uint8_t)(colour >> 8), b = (uint8_t)colour;

    if (bpp == 16) {
        uint16_t v = (uint16_t)(((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3));
        memcpy(p, &v, sizeof(v));
    } else {
        p[0] = b, p[1] = g, p[2] = r;
        if (bpp == 32)
            p[3] = 0;
    }
}

static void FillBox(uint8_t *fb, const DisplayInfo *info, uint32_t x, uint32_t y, uint32_t w,
                    uint32_t h, uint32_t colour)
{
    uint32_t bytes = (info->bpp + 7) / 8;

    for (uint32_t row = y; row < y + h && row < info->height; row++)
        for (uint32_t column = x; column < x + w && column < info->width; column++)
            PutPixel(fb + row * info->pitch + column * bytes, info->bpp, colour);
}

static void DrawPicture(uint8_t *fb, const DisplayInfo *info)
{
    FillBox(fb, info, 0, 0, info->width, info->height, BACKGROUND);
    FillBox(fb, info, BOX_X, BOX_Y, BOX_W, BOX_H, BOX_COLOUR);
    FillBox(fb, info, 0, 0, 1, 1, 0xffffffu);
}

// ACQUIRE mode (0s: the default) into *acquired. 0 or an error.
static int Acquire(const DisplayMode *mode, DisplayAcquired *acquired)
{
    int n = Call(DISPLAY_PREFIX, DISPLAY_MSG_ACQUIRE, mode, sizeof(*mode));

    if (n != (int)sizeof(*acquired))
        return n < 0 ? n : E_INVAL;
    memcpy(acquired, reply.message.data, sizeof(*acquired));
    return 0;
}

static int Release(void)
{
    return Call(DISPLAY_PREFIX, DISPLAY_MSG_RELEASE, NULL, 0);
}

// What a second process may not do while the parent owns the display.
static int Intruder(void)
{
    DisplayMode mode = { 0, 0, 0 };
    DisplayAcquired acquired;
    DisplayInfo info;

    Expect("intruder: acquire", Acquire(&mode, &acquired), E_BUSY);
    Expect("intruder: set mode", SetMode(DISPLAY_MSG_SET_MODE, 640, 480, 32), E_BUSY);
    Expect("intruder: set text", SetMode(DISPLAY_MSG_SET_MODE, 0, 0, 0), E_BUSY);
    Expect("intruder: write display:mode", WriteMode(DISPLAY_NAME_MODE, "640x480x32"), E_BUSY);
    Expect("intruder: release", Release(), E_PERM);
    Expect("intruder: info", Info(&info), 0);
    Expect("intruder: info is the owner's mode", (int)info.width, 800);
    return failed;
}

static int Owner(void)
{
    DisplayMode mode = { 0, 0, 0 };
    DisplayAcquired acquired, again;
    DisplayInfo info;
    GrantFacts facts;
    const char *argv[3] = { SELF, "intruder", NULL };
    int pid, status = -1;
    uint8_t *fb;

    Expect("acquire", Acquire(&mode, &acquired), 0);
    Expect("the default width", (int)acquired.info.width, DISPLAY_DEFAULT_WIDTH);
    Expect("the default height", (int)acquired.info.height, DISPLAY_DEFAULT_HEIGHT);
    Expect("the default depth", (int)acquired.info.bpp, DISPLAY_DEFAULT_BPP);
    Expect("the pitch", (int)acquired.info.pitch, DISPLAY_DEFAULT_WIDTH * 4);
    Expect("the framebuffer's bytes", (int)acquired.info.framebufferBytes,
           DISPLAY_DEFAULT_WIDTH * DISPLAY_DEFAULT_HEIGHT * 4);
    Expect("the grant's facts", GrantQuery(acquired.grantId, &facts), 0);
    Expect("granted to this process", (int)facts.grantee, SysGetPid());
    Expect("by another", facts.grantor != 0 && facts.grantor != (uint32_t)SysGetPid(), 1);
    Expect("read and write", (int)facts.rights, (int)(GRANT_READ | GRANT_WRITE));
    Expect("at least the framebuffer", facts.length >= acquired.info.framebufferBytes, 1);
    Expect("acquire again", Acquire(&mode, &again), E_BUSY);
    Expect("the owner may not set text", SetMode(DISPLAY_MSG_SET_MODE, 0, 0, 0), E_INVAL);
    Expect("nor write text", WriteMode(DISPLAY_NAME_MODE, "text"), E_INVAL);
    Expect("nor a bad mode", SetMode(DISPLAY_MSG_SET_MODE, 800, 601, 32), E_INVAL);
    Expect("the owner sets 800x600x32", SetMode(DISPLAY_MSG_SET_MODE, 800, 600, 32),
           (int)sizeof(DisplayInfo));
    Expect("info", Info(&info), 0);
    Expect("its pitch", (int)info.pitch, 3200);
    fb = GrantMap(acquired.grantId, GRANT_READ | GRANT_WRITE);
    Expect("the framebuffer maps", fb != NULL, 1);
    if (fb)
        DrawPicture(fb, &info);
    pid = SysSpawn(SELF, argv);
    if (pid > 0)
        SysWait(pid, &status);
    Expect("a second process is refused all but INFO", status, 0);
    Expect("release", Release(), 0);
    Expect("info after", Info(&info), 0);
    Expect("text mode again", (int)info.bpp, 0);
    Expect("release again", Release(), E_PERM);
    Expect("the grant has gone", GrantQuery(acquired.grantId, &facts), E_NOENT);
    Print("displaytest: owner: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

// Acquire mode, map the framebuffer and draw. 0 or an error (printed).
static int AcquireAndDraw(const DisplayMode *mode, DisplayAcquired *acquired, uint8_t **fb)
{
    int err = Acquire(mode, acquired);

    if (err) {
        Print("displaytest: acquire: error %d\n", err);
        return err;
    }
    if (!(*fb = GrantMap(acquired->grantId, GRANT_READ | GRANT_WRITE))) {
        Print("displaytest: the framebuffer does not map (grant %u)\n",
              (unsigned)acquired->grantId);
        return E_FAULT;
    }
    DrawPicture(*fb, &acquired->info);
    return 0;
}

static int Hold(const char *text)
{
    DisplayMode mode = { 0, 0, 0 };
    DisplayAcquired acquired;
    GrantFacts facts = { 0 };
    uint8_t *fb;

    if (text && DisplayParse(text, &mode) != 0) {
        Print("displaytest: hold: not a mode: %s\n", text);
        return 2;
    }
    if (AcquireAndDraw(&mode, &acquired, &fb) != 0)
        return 1;
    GrantQuery(acquired.grantId, &facts);
    Print("displaytest: holding %ux%ux%u pitch %u grant %u length %u\n",
          (unsigned)acquired.info.width, (unsigned)acquired.info.height,
          (unsigned)acquired.info.bpp, (unsigned)acquired.info.pitch,
          (unsigned)acquired.grantId, (unsigned)facts.length);
    for (;;)
        SysSleep(1000);
}

static int Cycle(int count)
{
    DisplayMode mode = { 0, 0, 0 };
    DisplayAcquired acquired;
    uint8_t *fb;
    int err;

    for (int i = 0; i < count; i++) {
        if (AcquireAndDraw(&mode, &acquired, &fb) != 0)
            return 1;
        if ((err = GrantUnmap(acquired.grantId)) != 0 || (err = Release()) != 0) {
            Print("displaytest: cycle %d: error %d\n", i, err);
            return 1;
        }
    }
    Print("displaytest: cycle: %d done\n", count);
    return 0;
}

static int Revoke(void)
{
    DisplayMode mode = { 0, 0, 0 };
    DisplayAcquired acquired;
    uint8_t *fb;
    int err;

    if (AcquireAndDraw(&mode, &acquired, &fb) != 0)
        return 1;
    if ((err = Release()) != 0) {
        Print("displaytest: revoke: release: error %d\n", err);
        return 1;
    }
    Print("displaytest: released; drawing again at %p\n", (void *)fb);
    DrawPicture(fb, &acquired.info);
    Print("displaytest: survived\n");
    return 1;
}

static int ShowInfo(void)
{
    DisplayInfo info;
    int err = Info(&info);

    if (err) {
        Print("displaytest: info: error %d\n", err);
        return 1;
    }
    Print("displaytest: info %ux%ux%u pitch %u bytes %u\n", (unsigned)info.width,
          (unsigned)info.height, (unsigned)info.bpp, (unsigned)info.pitch,
          (unsigned)info.framebufferBytes);
    return 0;
}

int main(int argc, char **argv, char **envp)
{
    int count = 0;

    (void)envp;
    if (argc == 2 && strcmp(argv[1], "errors") == 0)
        return Errors();
    if (argc == 2 && strcmp(argv[1], "info") == 0)
        return ShowInfo();
    if (argc == 2 && strcmp(argv[1], "owner") == 0)
        return Owner();
    if (argc == 2 && strcmp(argv[1], "intruder") == 0)
        return Intruder();
    if ((argc == 2 || argc == 3) && strcmp(argv[1], "hold") == 0)
        return Hold(argc == 3 ? argv[2] : NULL);
    if (argc == 3 && strcmp(argv[1], "cycle") == 0 && ParseInt(argv[2], &count) == 0 && count > 0)
        return Cycle(count);
    if (argc == 2 && strcmp(argv[1], "revoke") == 0)
        return Revoke();
    Print("usage: displaytest errors | info | owner | hold [WxHxBPP] | cycle N | revoke\n");
    return 2;
}
