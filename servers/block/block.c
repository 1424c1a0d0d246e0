// block: — the directory of every block device (kernel-mode).
//
// Each driver serves its own prefix (block:ide:, block:floppy:,
// block:nvme:) and lists its devices there. This server holds block:
// itself so that `ls block:` shows them all: a MSG_LIST to block: reads
// the registry (ns:list), asks every prefix of the form block:X: for its
// listing and answers with the union, each entry named "X:DEVICE"
// (ide:0.0.0), in byte-wise name order, paged by an optional
// FsListRequest like the file servers' listings. A name under block:
// that no driver holds (block:usb:1) is E_NOENT; any other request to
// block: itself, or a listing payload of the wrong size, is E_INVAL.
//
// Run from etc/boot.conf:  kernel servers/block
#include <stddef.h>
#include <clanker/block.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <clanker/kernelapi.h>
#include <lib/kapi.h>
#include <lib/server.h>
#include <lib/string.h>

#define ENTRIES_MAX FS_LIST_MAX
#define WAIT_MS 5000            // a driver that does not list in time is left out

static const KernelApi *api;
static FsDirEntry entries[ENTRIES_MAX];
static uint32_t entryCount;

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request, reply;

// Add driver's listing (the reply to a MSG_LIST of prefix "block:X:"),
// each name prefixed with "X:".
static void AddListing(const char *prefix, uint32_t prefixLength, const Message *listing)
{
    const char *driver = prefix + sizeof(BLOCK_PREFIX) - 1;
    uint32_t driverLength = prefixLength - (sizeof(BLOCK_PREFIX) - 1);   // "X:"
    uint32_t n = MessageDataLength(listing) / sizeof(FsDirEntry);

    for (uint32_t i = 0; i < n && entryCount < ENTRIES_MAX; i++) {
        FsDirEntry e;
        memcpy(&e, listing->data + i * sizeof(FsDirEntry), sizeof(e));
        e.name[FS_NAME_MAX] = 0;
        if (driverLength + strlen(e.name) > FS_NAME_MAX)
            continue;
        FsDirEntry *out = &entries[entryCount++];
        *out = e;
        memcpy(out->name, driver, driverLength);
        memcpy(out->name + driverLength, e.name, strlen(e.name) + 1);
    }
}

// Ask the driver at prefix (length bytes, "block:X:") for its devices.
static void ListDriver(const char *prefix, uint32_t length)
{
    char name[NS_NAME_MAX + 1];
    Message *ask, *answer;

    memcpy(name, prefix, length);
    name[length] = 0;
    ask = api->CreateMessage(MSG_LIST, 0);
    answer = ask ? api->IpcSend(name, ask, WAIT_MS) : NULL;
    if (answer && answer->type == MSG_RESPONSE)
        AddListing(name, length, answer);
    if (answer)
        api->FreeMessage(answer);
    if (ask)
        api->FreeMessage(ask);
}

// Is line (up to its first blank) a driver's prefix "block:X:"?
static uint32_t DriverPrefix(const char *line, const char *end)
{
    uint32_t n = 0, colons = 0;

    while (line + n < end && line[n] != ' ' && line[n] != '\n')
        colons += line[n++] == ':';
    if (n <= sizeof(BLOCK_PREFIX) || strncmp(line, BLOCK_PREFIX, sizeof(BLOCK_PREFIX) - 1) != 0)
        return 0;
    return colons == 2 && line[n - 1] == ':' ? n : 0;
}

static void SortEntries(void)
{
    for (uint32_t i = 1; i < entryCount; i++) {
        FsDirEntry e = entries[i];
        uint32_t j = i;
        for (; j > 0 && strcmp(entries[j - 1].name, e.name) > 0; j--)
            entries[j] = entries[j - 1];
        entries[j] = e;
    }
}

// Gather every driver's devices into entries[].
static void Gather(void)
{
    Message *ask = api->CreateMessage(MSG_READ, 0), *text;

    entryCount = 0;
    text = ask ? api->IpcSend("ns:list", ask, WAIT_MS) : NULL;
    if (text && text->type == MSG_RESPONSE) {
        const char *p = (const char *)text->data, *end = p + MessageDataLength(text);
        while (p < end) {
            uint32_t n = DriverPrefix(p, end);
            if (n)
                ListDriver(p, n);
            while (p < end && *p++ != '\n')
                ;
        }
    }
    if (text)
        api->FreeMessage(text);
    if (ask)
        api->FreeMessage(ask);
    SortEntries();
}

// MSG_LIST of block: itself: the union of every driver's listing.
static int List(Server *server, ServerRequest *r)
{
    uint32_t size = MessageDataLength(r->message), n = 0;
    FsListRequest want = { 0, FS_LIST_MAX };

    (void)server;
    /* decode */
    if (r->envelope->name[sizeof(BLOCK_PREFIX) - 1] != 0)
        return E_NOENT;             // under block: but no driver's
    if (size != 0 && size != sizeof(want))
        return E_INVAL;
    if (size)
        memcpy(&want, r->message->data, sizeof(want));
    if (want.count == 0 || want.count > FS_LIST_MAX)
        want.count = FS_LIST_MAX;
    /* invoke */
    Gather();
    for (uint32_t i = want.index; i < entryCount && n < want.count; i++, n++) {
        FsDirEntry e = entries[i];
        e.id = i + 1;
        ServerReplyData(r, &e, sizeof(e));
    }
    return 0;
}

// Any other request to a name under block: that no driver holds.
static int Unrouted(Server *server, ServerRequest *r)
{
    (void)server;
    return r->envelope->name[sizeof(BLOCK_PREFIX) - 1] != 0 ? E_NOENT : E_INVAL;
}

static const ServerRoute routes[] = {
    { MSG_LIST, NULL, List },
};

int main(const KernelApi *kernel, int argc, char **argv)
{
    static ServerPort port;
    static Server server = {
        .name = "block", .routes = routes, .routeCount = sizeof(routes) / sizeof(routes[0]),
        .unrouted = Unrouted, .requestBuffer = &request.message,
        .replyBuffer = &reply.message, .capacity = sizeof(request),
    };

    (void)argc; (void)argv;
    api = kernel;
    if (api->NamespaceRegister(BLOCK_PREFIX, NULL) != 0) {
        api->Print("block: cannot serve %s\n", BLOCK_PREFIX);
        return 1;
    }
    port = ServerPortKernelApi(api);
    server.port = &port;
    ServerRun(&server);
}
