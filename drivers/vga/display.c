// display: — the Bochs VBE / QEMU std-VGA adapter (kernel-mode driver).
//
// The adapter is found on PCI (1234:1111, dispi.c). Until someone asks
// for a graphics mode it stays in VGA text mode and the kernel's text
// console draws on it. The protocol (include/clanker/display.h,
// docs/display.md):
//
//   DISPLAY_MSG_INFO      -> DisplayInfo
//   DISPLAY_MSG_SET_MODE  DisplayMode ({0,0,0}: text) -> DisplayInfo
//   DISPLAY_MSG_ACQUIRE   DisplayMode (0s: 1024x768x32) -> DisplayAcquired
//   DISPLAY_MSG_RELEASE   -> (empty)
//   display:              MSG_LIST: mode, modes; MSG_STAT: a directory
//   display:modes         MSG_READ: one WxHxBPP line per mode offered
//   display:mode          MSG_READ: "text" or "WxHxBPP pitch P";
//                         MSG_OPEN, MSG_WRITE "WxHxBPP" or "text", MSG_CLOSE
//                         (`echo 800x600x32 > display:mode`)
//
// One owner at a time: ACQUIRE sets the mode and grants the framebuffer
// (device memory, never freed) to the sender; while it lives nobody else
// may acquire or change the mode (E_BUSY), and RELEASE, or its end (the
// driver watches process ends), revokes the grant and returns to text
// mode. The grant covers the largest mode offered, so the owner may
// SET_MODE without a new one.
//
// Text mode and graphics: before the first graphics mode the console is
// told to give up the screen (CONSOLE_MSG_SCREEN: it keeps text mode's
// registers and font and draws into a copy), after the last it is told
// to take it back (it restores them and redraws). Every request is
// checked whole before the adapter is touched.
//
// Run from etc/boot.conf:  kernel drivers/vga
#include <stddef.h>
#include <clanker/console.h>
#include <clanker/display.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <clanker/grant.h>
#include <clanker/kernelapi.h>
#include <lib/displaymode.h>
#include <lib/format.h>
#include <lib/kapi.h>
#include <lib/server.h>
#include <lib/string.h>
#include "dispi.h"

#define CONSOLE_SCREEN_NAME "console:screen"
#define CONSOLE_TIMEOUT_MS  2000
#define MODES_TEXT_MAX      (DISPLAY_MODES_MAX * 16)
#define MODE_TEXT_MAX       48

enum { NAME_ROOT, NAME_MODE, NAME_MODES };

static const KernelApi *api;
static DispiAdapter adapter;
static DisplayMode modes[DISPLAY_MODES_MAX];
static uint32_t modeCount;
static DisplayInfo current;         // all zeros: text mode
static uint32_t owner;              // pid, 0: nobody
static uint32_t grantId;            // the owner's grant
static uint32_t grantLength;        // bytes every grant covers

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request, reply;

// --- the adapter ---------------------------------------------------------------

// Tell the console to give up the screen or take it back. 0 or an error.
static int TellConsole(uint32_t what)
{
    Message *m = api->CreateMessage(CONSOLE_MSG_SCREEN, sizeof(what)), *answer;
    int err = E_NOMEM;

    if (!m)
        return err;
    memcpy(m->data, &what, sizeof(what));
    answer = api->IpcSend(CONSOLE_SCREEN_NAME, m, CONSOLE_TIMEOUT_MS);
    api->FreeMessage(m);
    if (answer) {
        err = answer->type == MSG_RESPONSE ? 0 : E_IO;
        if (answer->type == MSG_ERROR && MessageDataLength(answer) >= sizeof(int32_t))
            memcpy(&err, answer->data, sizeof(int32_t));
        api->FreeMessage(answer);
    }
    return err;
}

// Back to text mode and the console.
static void TextMode(void)
{
    if (current.bpp == 0)
        return;
    DispiOff(api);
    current = (DisplayInfo){ 0 };
    TellConsole(CONSOLE_SCREEN_RECLAIM);
}

// Put the adapter into mode (checked: text, or one offered). 0, or an
// error with the adapter in text mode.
static int ChangeMode(const DisplayMode *mode)
{
    int err;

    if (mode->bpp == 0) {
        TextMode();
        return 0;
    }
    if (current.bpp == 0 && (err = TellConsole(CONSOLE_SCREEN_RELEASE)) != 0)
        return err;
    if ((err = DispiSetMode(api, mode)) != 0) {
        current.bpp = 1;            // the console has given the screen up
        TextMode();
        return err;
    }
    current = DisplayModeInfo(mode);
    return 0;
}

// Grant the framebuffer to pid (device memory, mapped uncached into it).
// Returns the grant's id or an error (E_SRCH: not a live user process).
static int GrantFramebuffer(uint32_t pid)
{
    return api->GrantDevice(adapter.framebuffer, grantLength, GRANT_READ | GRANT_WRITE, pid);
}

// End the owner's grant: the framebuffer leaves its address space at once.
static void RevokeGrant(void)
{
    if (grantId)
        api->GrantRevoke(grantId);
}

// The owner gives the display back, or has ended.
static void Release(void)
{
    RevokeGrant();
    owner = grantId = 0;
    TextMode();
}

// --- decoding ------------------------------------------------------------------

// Which of the three names r is sent to, or E_NOENT.
static int Target(const ServerRequest *r)
{
    const char *name = r->envelope->name;

    if (strcmp(name, DISPLAY_PREFIX) == 0)
        return NAME_ROOT;
    if (strcmp(name, DISPLAY_NAME_MODE) == 0)
        return NAME_MODE;
    if (strcmp(name, DISPLAY_NAME_MODES) == 0)
        return NAME_MODES;
    return E_NOENT;
}

// The DisplayMode a SET_MODE or ACQUIRE carries (exactly one). 0 or E_INVAL.
static int DecodeMode(const ServerRequest *r, DisplayMode *mode)
{
    if (MessageDataLength(r->message) != sizeof(*mode))
        return E_INVAL;
    memcpy(mode, r->message->data, sizeof(*mode));
    return 0;
}

// Whether mode may be set: text ({0, 0, 0}) or a mode offered.
static int Settable(const DisplayMode *mode)
{
    if (mode->width == 0 && mode->height == 0 && mode->bpp == 0)
        return 1;
    return mode->bpp != 0 && DisplayModeOffered(&adapter.limits, mode);
}

// Whether sender may change the mode now: nobody owns the display, or it does.
static int MayChange(uint32_t sender)
{
    return !owner || owner == sender;
}

// --- the display protocol -------------------------------------------------------

static int Info(Server *s, ServerRequest *r)
{
    (void)s;
    /* decode */
    if (MessageDataLength(r->message) != 0)
        return E_INVAL;
    /* invoke */
    return ServerReplyData(r, &current, sizeof(current));
}

static int SetMode(Server *s, ServerRequest *r)
{
    DisplayMode mode;
    int err;

    (void)s;
    /* decode */
    if ((err = DecodeMode(r, &mode)) != 0)
        return err;
    if (!Settable(&mode))
        return E_INVAL;
    if (!MayChange(r->sender))
        return E_BUSY;
    if (owner && mode.bpp == 0)
        return E_INVAL;             // the owner has a framebuffer: it gives it back with RELEASE
    /* invoke */
    if ((err = ChangeMode(&mode)) != 0)
        return err;
    return ServerReplyData(r, &current, sizeof(current));
}

static int Acquire(Server *s, ServerRequest *r)
{
    DisplayMode mode;
    DisplayAcquired acquired;
    int err, id;

    (void)s;
    /* decode */
    if ((err = DecodeMode(r, &mode)) != 0)
        return err;
    if (mode.width == 0 && mode.height == 0 && mode.bpp == 0)
        mode = (DisplayMode){ DISPLAY_DEFAULT_WIDTH, DISPLAY_DEFAULT_HEIGHT, DISPLAY_DEFAULT_BPP };
    if (mode.bpp == 0 || !DisplayModeOffered(&adapter.limits, &mode))
        return E_INVAL;
    if (owner)
        return E_BUSY;
    /* invoke */
    if ((err = ChangeMode(&mode)) != 0)
        return err;
    if ((id = GrantFramebuffer(r->sender)) < 0) {
        TextMode();
        return id;
    }
    owner = r->sender;
    grantId = (uint32_t)id;
    acquired = (DisplayAcquired){ grantId, current };
    return ServerReplyData(r, &acquired, sizeof(acquired));
}

static int ReleaseRequest(Server *s, ServerRequest *r)
{
    (void)s;
    /* decode */
    if (MessageDataLength(r->message) != 0)
        return E_INVAL;
    if (!owner || owner != r->sender)
        return E_PERM;
    /* invoke */
    Release();
    return 0;
}

// An exit notice: the owner's end releases the display.
static void Ended(Server *s, uint32_t pid)
{
    (void)s;
    if (owner && pid == owner)
        Release();
}

// --- the names, for the shell ---------------------------------------------------

// The text of display:mode or display:modes into out.
static uint32_t Text(int which, char *out, uint32_t capacity)
{
    uint32_t length = 0;

    if (which == NAME_MODE)
        return DisplayModeText(&current, out, capacity);
    for (uint32_t i = 0; i < modeCount && length + 16 < capacity; i++)
        length += (uint32_t)Format(out + length, capacity - length, "%ux%ux%u\n",
                                   (unsigned)modes[i].width, (unsigned)modes[i].height,
                                   (unsigned)modes[i].bpp);
    return length;
}

// MSG_READ of display:mode or display:modes: the text, or the part an
// FsIo asks for.
static int Read(Server *s, ServerRequest *r)
{
    static char text[MODES_TEXT_MAX];
    uint32_t size = MessageDataLength(r->message), length = FS_IO_MAX, all;
    uint64_t offset = 0;
    FsIo io;
    int which;

    (void)s;
    /* decode */
    if ((which = Target(r)) < 0)
        return which;
    if (which == NAME_ROOT)
        return E_ISDIR;
    if (size != 0 && size != sizeof(io))
        return E_INVAL;
    if (size) {
        memcpy(&io, r->message->data, sizeof(io));
        if (io.handle != 0 && !(which == NAME_MODE && io.handle == 1))
            return E_BADF;
        offset = io.offset;
        length = io.length < FS_IO_MAX ? io.length : FS_IO_MAX;
    }
    /* invoke */
    all = Text(which, text, sizeof(text));
    if (offset > all)
        offset = all;
    if (length > all - offset)
        length = all - (uint32_t)offset;
    return ServerReplyData(r, text + offset, length);
}

// MSG_LIST of display:: the two files.
static int List(Server *s, ServerRequest *r)
{
    static const char *const names[] = { "mode", "modes" };
    static const int which[] = { NAME_MODE, NAME_MODES };
    char text[MODES_TEXT_MAX];
    uint32_t size = MessageDataLength(r->message), n = 0;
    FsListRequest want = { 0, FS_LIST_MAX };
    FsDirEntry *out = (FsDirEntry *)r->reply->data;
    int target;

    (void)s;
    /* decode */
    if ((target = Target(r)) < 0)
        return target;
    if (target != NAME_ROOT)
        return E_NOTDIR;
    if (size != 0 && size != sizeof(want))
        return E_INVAL;
    if (size)
        memcpy(&want, r->message->data, sizeof(want));
    if (want.count == 0 || want.count > FS_LIST_MAX)
        want.count = FS_LIST_MAX;
    /* invoke */
    for (uint32_t i = want.index; i < 2 && n < want.count; i++, n++) {
        memset(&out[n], 0, sizeof(out[n]));
        out[n].type = FS_TYPE_FILE;
        out[n].id = i + 2;
        out[n].size = Text(which[i], text, sizeof(text));
        memcpy(out[n].name, names[i], strlen(names[i]) + 1);
    }
    r->reply->length = MESSAGE_HEADER_SIZE + n * (uint32_t)sizeof(FsDirEntry);
    return 0;
}

// MSG_STAT: display: is a directory of two, the others files.
static int Stat(Server *s, ServerRequest *r)
{
    char text[MODES_TEXT_MAX];
    FsStat stat = { 0 };
    int which;

    (void)s;
    /* decode */
    if ((which = Target(r)) < 0)
        return which;
    if (MessageDataLength(r->message) != 0)
        return E_INVAL;
    /* invoke */
    stat.type = which == NAME_ROOT ? FS_TYPE_DIR : FS_TYPE_FILE;
    stat.id = (uint32_t)which + 1;
    stat.entries = which == NAME_ROOT ? 2 : 0;
    stat.size = which == NAME_ROOT ? 0 : Text(which, text, sizeof(text));
    return ServerReplyData(r, &stat, sizeof(stat));
}

// MSG_OPEN of display:mode (any flags): handle 1, for the shell's `>`.
static int Open(Server *s, ServerRequest *r)
{
    FsHandle handle = { 1 };
    int which;

    (void)s;
    /* decode */
    if ((which = Target(r)) < 0)
        return which;
    if (which == NAME_ROOT)
        return E_ISDIR;
    if (which != NAME_MODE)
        return E_ACCES;
    if (MessageDataLength(r->message) != sizeof(FsOpen))
        return E_INVAL;
    /* invoke */
    return ServerReplyData(r, &handle, sizeof(handle));
}

// MSG_WRITE of display:mode: FsIo and "WxHxBPP" or "text", as SET_MODE.
static int Write(Server *s, ServerRequest *r)
{
    uint32_t size = MessageDataLength(r->message);
    DisplayMode mode;
    FsCount count;
    FsIo io;
    int which, err;

    (void)s;
    /* decode */
    if ((which = Target(r)) < 0)
        return which;
    if (which != NAME_MODE)
        return which == NAME_ROOT ? E_ISDIR : E_ACCES;
    if (size < sizeof(io))
        return E_INVAL;
    memcpy(&io, r->message->data, sizeof(io));
    if (io.handle != 0 && io.handle != 1)
        return E_BADF;
    if (io.length != size - sizeof(io) ||
        DisplayModeParse((const char *)r->message->data + sizeof(io), io.length, &mode) != 0 ||
        !Settable(&mode))
        return E_INVAL;
    if (!MayChange(r->sender))
        return E_BUSY;
    if (owner && mode.bpp == 0)
        return E_INVAL;
    /* invoke */
    if ((err = ChangeMode(&mode)) != 0)
        return err;
    count.count = io.length;
    return ServerReplyData(r, &count, sizeof(count));
}

// MSG_CLOSE of display:mode: nothing to do.
static int Close(Server *s, ServerRequest *r)
{
    int which;

    (void)s;
    if ((which = Target(r)) < 0)
        return which;
    return which == NAME_MODE ? 0 : E_INVAL;
}

// Any other request: E_NOENT for a name that is not there, else E_INVAL.
static int Unrouted(Server *s, ServerRequest *r)
{
    (void)s;
    return Target(r) < 0 ? E_NOENT : E_INVAL;
}

// The display messages go to any of the three names.
static int Display(Server *s, ServerRequest *r)
{
    int which = Target(r);

    if (which < 0)
        return which;
    switch (r->message->type) {
    case DISPLAY_MSG_INFO:     return Info(s, r);
    case DISPLAY_MSG_SET_MODE: return SetMode(s, r);
    case DISPLAY_MSG_ACQUIRE:  return Acquire(s, r);
    case DISPLAY_MSG_RELEASE:  return ReleaseRequest(s, r);
    default:                   return E_INVAL;
    }
}

static const ServerRoute routes[] = {
    { DISPLAY_MSG_INFO,     NULL, Display },
    { DISPLAY_MSG_SET_MODE, NULL, Display },
    { DISPLAY_MSG_ACQUIRE,  NULL, Display },
    { DISPLAY_MSG_RELEASE,  NULL, Display },
    { MSG_READ,  NULL, Read },
    { MSG_LIST,  NULL, List },
    { MSG_STAT,  NULL, Stat },
    { MSG_OPEN,  NULL, Open },
    { MSG_WRITE, NULL, Write },
    { MSG_CLOSE, NULL, Close },
};

int main(const KernelApi *kernel, int argc, char **argv)
{
    static ServerPort port;
    static Server server = {
        .name = "vga", .routes = routes, .routeCount = sizeof(routes) / sizeof(routes[0]),
        .unrouted = Unrouted, .ProcessEnded = Ended, .requestBuffer = &request.message,
        .replyBuffer = &reply.message, .capacity = sizeof(request),
    };

    (void)argc; (void)argv;
    api = kernel;
    if (DispiProbe(api, &adapter) != 0)
        return 0;                   // no such adapter: nothing to serve, quietly
    modeCount = DisplayModeList(&adapter.limits, modes, DISPLAY_MODES_MAX);
    grantLength = DisplayModeLargest(&adapter.limits);
    if (modeCount == 0) {
        api->Print("vga: the adapter offers no mode\n");
        return 1;
    }
    if (api->IpcWatchExits() != 0 || api->NamespaceRegister(DISPLAY_PREFIX, NULL) != 0) {
        api->Print("vga: cannot serve %s\n", DISPLAY_PREFIX);
        return 1;
    }
    api->Print("vga: %s %u KiB framebuffer at 0x%x, %u modes up to %ux%ux%u\n", DISPLAY_PREFIX,
               (unsigned)(adapter.limits.memoryBytes / 1024), (unsigned)adapter.framebuffer,
               (unsigned)modeCount, (unsigned)modes[modeCount - 1].width,
               (unsigned)modes[modeCount - 1].height, (unsigned)modes[0].bpp);
    port = ServerPortKernelApi(api);
    server.port = &port;
    ServerRun(&server);
}
