// displaytest: the display: protocol from a client (include/clanker/display.h).
//
//   displaytest errors
//       every malformed request and every refusal while nobody owns the
//       display: "displaytest: errors: N passed, M failed"
//   displaytest info
//       "displaytest: info WxHxBPP pitch P bytes B" (text: 0x0x0)
#include <clanker/display.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <lib/format.h>
#include <lib/string.h>
#include <lib/user.h>

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} reply;

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
    (void)envp;
    if (argc == 2 && strcmp(argv[1], "errors") == 0)
        return Errors();
    if (argc == 2 && strcmp(argv[1], "info") == 0)
        return ShowInfo();
    Print("usage: displaytest errors | info\n");
    return 2;
}
