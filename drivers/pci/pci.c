// pci: — PCI configuration space as a namespace (kernel-mode).
//
// At start it walks configuration space once (lib/pci.c: every bus,
// device and function, BARs sized) and keeps what it found; PCI devices
// do not come and go on the machines this system runs on. It then serves
// (include/clanker/pci.h, docs/servers.md):
//
//   pci:          MSG_LIST  -> one FsDirEntry per function, "BB:DD.F"
//                 MSG_READ  -> a text table, one line per function
//   pci:BB:DD.F   MSG_QUERY -> its PciFunction
//                 MSG_READ  -> its line of the table
//
// Every request is checked whole before anything is done: a payload of
// the wrong size or an unknown request type is E_INVAL, a name that is
// not one of the functions found E_NOENT, an FsIo handle other than 0
// E_BADF, listing a function E_NOTDIR.
//
// Run from etc/boot.conf:  kernel drivers/pci
#include <stdarg.h>
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <clanker/kernelapi.h>
#include <clanker/pci.h>
#include <lib/format.h>
#include <lib/kapi.h>
#include <lib/pci.h>
#include <lib/server.h>
#include <lib/string.h>

#define FUNCTIONS_MAX 256

static const KernelApi *api;
static PciFunction functions[FUNCTIONS_MAX];
static uint32_t functionCount;

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request, reply;

// The text table, made once at start (the functions never change).
static char table[FUNCTIONS_MAX * 160 + 128];
static uint32_t tableLength;
static uint32_t lineStart[FUNCTIONS_MAX + 1];   // offset of function i's line; [count]: the end

static int Collect(const PciFunction *f, void *arg)
{
    (void)arg;
    if (functionCount == FUNCTIONS_MAX)
        return 1;
    functions[functionCount++] = *f;
    return 0;
}

static void Append(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void Append(const char *fmt, ...)
{
    va_list args;
    int n;

    va_start(args, fmt);
    n = FormatV(table + tableLength, sizeof(table) - tableLength, fmt, args);
    va_end(args);
    if (n > 0)
        tableLength += (uint32_t)n < sizeof(table) - tableLength ? (uint32_t)n
                                                                 : sizeof(table) - 1 - tableLength;
}

// One line: address, ids, class, IRQ, then each BAR in use.
static void AppendFunction(const PciFunction *f)
{
    Append("%02x:%02x.%x %04x:%04x %02x/%02x/%02x", f->bus, f->device, f->function, f->vendor,
           f->deviceId, f->classCode, f->subclass, f->progIf);
    if (f->irqPin && f->irqLine != 0xff)
        Append(" irq %u", f->irqLine);
    else
        Append(" irq -");
    for (uint32_t i = 0; i < 6; i++) {
        const PciBar *b = &f->bars[i];
        if (!b->size)
            continue;
        Append(" bar%u %s 0x%x size 0x%x%s", i, b->flags & PCI_BAR_IO ? "io" : "mem", b->base,
               b->size, b->flags & PCI_BAR_64 ? " 64-bit" : "");
        if (b->flags & PCI_BAR_PREFETCH)
            Append(" prefetchable");
    }
    Append("\n");
}

static void MakeTable(void)
{
    Append("BB:DD.F VEND:DEV  CC/SC/PI IRQ  BARS\n");
    for (uint32_t i = 0; i < functionCount; i++) {
        lineStart[i] = tableLength;
        AppendFunction(&functions[i]);
    }
    lineStart[functionCount] = tableLength;
}

// --- requests ---------------------------------------------------------------

static int Hex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// The index of the function named "BB:DD.F" (lower-case hex), or -1.
static int FindFunction(const char *name)
{
    int b1, b0, d1, d0, fn;

    if (strlen(name) != 7 || name[2] != ':' || name[5] != '.')
        return -1;
    b1 = Hex(name[0]), b0 = Hex(name[1]), d1 = Hex(name[3]), d0 = Hex(name[4]);
    fn = Hex(name[6]);
    if (b1 < 0 || b0 < 0 || d1 < 0 || d0 < 0 || fn < 0)
        return -1;
    for (uint32_t i = 0; i < functionCount; i++) {
        const PciFunction *f = &functions[i];
        if (f->bus == b1 * 16 + b0 && f->device == d1 * 16 + d0 && f->function == fn)
            return (int)i;
    }
    return -1;
}

// The function r names (-1: pci: itself). Returns 0 or E_NOENT.
static int Target(const ServerRequest *r, int *index)
{
    const char *rest = r->envelope->name + sizeof(PCI_PREFIX) - 1;

    *index = rest[0] ? FindFunction(rest) : -1;
    return rest[0] && *index < 0 ? E_NOENT : 0;
}

// MSG_READ: of pci:, the table; of a function, its line. The whole
// slice, or the part an FsIo asks for.
static int Read(Server *s, ServerRequest *r)
{
    uint32_t size = MessageDataLength(r->message), length = FS_IO_MAX, start, end;
    uint64_t offset = 0;
    FsIo io;
    int index, err;

    (void)s;
    /* decode */
    if ((err = Target(r, &index)) != 0)
        return err;
    start = index < 0 ? 0 : lineStart[index];
    end = index < 0 ? tableLength : lineStart[index + 1];
    if (size != 0 && size != sizeof(FsIo))
        return E_INVAL;
    if (size) {
        memcpy(&io, r->message->data, sizeof(io));
        if (io.handle != 0)
            return E_BADF;
        offset = io.offset;
        length = io.length < FS_IO_MAX ? io.length : FS_IO_MAX;
    }
    if (offset > end - start)
        offset = end - start;
    if (length > end - start - offset)
        length = end - start - (uint32_t)offset;
    /* invoke */
    return ServerReplyData(r, table + start + offset, length);
}

// MSG_LIST of pci:: one FsDirEntry per function; a function is no directory.
static int List(Server *s, ServerRequest *r)
{
    uint32_t size = MessageDataLength(r->message), n = 0;
    FsListRequest want = { 0, FS_LIST_MAX };
    FsDirEntry *out = (FsDirEntry *)r->reply->data;
    int index, err;

    (void)s;
    /* decode */
    if ((err = Target(r, &index)) != 0)
        return err;
    if (index >= 0)
        return E_NOTDIR;
    if (size != 0 && size != sizeof(want))
        return E_INVAL;
    if (size)
        memcpy(&want, r->message->data, sizeof(want));
    if (want.count == 0 || want.count > FS_LIST_MAX)
        want.count = FS_LIST_MAX;
    /* invoke */
    for (uint32_t i = want.index; i < functionCount && n < want.count; i++, n++) {
        const PciFunction *f = &functions[i];
        memset(&out[n], 0, sizeof(out[n]));
        out[n].type = FS_TYPE_FILE;
        out[n].id = i + 1;
        out[n].size = lineStart[i + 1] - lineStart[i];
        Format(out[n].name, sizeof(out[n].name), "%02x:%02x.%x", f->bus, f->device, f->function);
    }
    r->reply->length = MESSAGE_HEADER_SIZE + n * (uint32_t)sizeof(FsDirEntry);
    return 0;
}

// MSG_QUERY of a function: its PciFunction.
static int Query(Server *s, ServerRequest *r)
{
    int index, err;

    (void)s;
    /* decode */
    if ((err = Target(r, &index)) != 0)
        return err;
    if (index < 0 || MessageDataLength(r->message) != 0)
        return E_INVAL;
    /* invoke */
    return ServerReplyData(r, &functions[index], sizeof(PciFunction));
}

// Any other request: E_NOENT for a function that is not there, else E_INVAL.
static int Unrouted(Server *s, ServerRequest *r)
{
    int index;

    (void)s;
    return Target(r, &index) ? E_NOENT : E_INVAL;
}

static const ServerRoute routes[] = {
    { MSG_LIST,  NULL, List },
    { MSG_READ,  NULL, Read },
    { MSG_QUERY, NULL, Query },
};

int main(const KernelApi *kernel, int argc, char **argv)
{
    static ServerPort port;
    static Server server = {
        .name = "pci", .routes = routes, .routeCount = sizeof(routes) / sizeof(routes[0]),
        .unrouted = Unrouted, .requestBuffer = &request.message,
        .replyBuffer = &reply.message, .capacity = sizeof(request),
    };

    (void)argc; (void)argv;
    api = kernel;
    PciEnumerate(api, Collect, NULL);
    MakeTable();
    if (api->NamespaceRegister(PCI_PREFIX, NULL) != 0) {
        api->Print("pci: cannot serve %s\n", PCI_PREFIX);
        return 1;
    }
    port = ServerPortKernelApi(api);
    server.port = &port;
    ServerRun(&server);
}
