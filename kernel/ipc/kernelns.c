// The namespaces the kernel serves itself: "ns:" and "system:".
//
//   ns:list    MSG_LIST or MSG_READ: one line per registered prefix,
//              "PREFIX PID NAME\n" (PID 0 and NAME "kernel" for the
//              kernel's own). An optional uint32 payload is a byte offset,
//              for listings longer than one message.
//   ns:alias   MSG_LIST: one line per alias, "FROM TO\n".
//              MSG_CREATE "FROM TO": add or change an alias.
//              MSG_DELETE "FROM": remove one.
//   system:poweroff  MSG_WRITE (any payload): switch the machine off. If it
//              is still running afterwards, say so and halt for good.
//
// Requests are answered inline, in the sender's context: no process, no
// queue. Runs with interrupts off (called from IpcCall). Each request is
// decoded first (the name, the type, the payload) and only then acted
// on; the reply is allocated before an alias changes, so E_NOMEM never
// leaves a change behind that the client was told failed.
#include <stdarg.h>
#include <stddef.h>
#include <clanker/error.h>
#include <lib/format.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/power.h>
#include <kernel/console.h>
#include <kernel/ipc/endpoint.h>
#include <kernel/ipc/ipc.h>
#include <kernel/mm/kheap.h>
#include <kernel/proc/process.h>

typedef struct Listing {
    Message *reply;
    uint32_t skip;              // bytes still to skip (the offset)
} Listing;

static void Put(char c, void *context)
{
    Listing *l = context;

    if (l->skip > 0) {
        l->skip--;
        return;
    }
    if (l->reply->length < MESSAGE_MAX_SIZE)
        ((uint8_t *)l->reply)[l->reply->length++] = (uint8_t)c;
}

static void Line(Listing *l, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    FormatToSink(Put, l, fmt, args);
    va_end(args);
}

static void ListPrefix(const NsEntry *e, void *context)
{
    const Process *owner = e->owner;

    Line(context, "%s %u %s\n", e->prefix, owner ? owner->pid : 0,
         owner ? owner->name : "kernel");
}

static Message *NewReply(void)
{
    Message *m = kmalloc(MESSAGE_MAX_SIZE);

    if (m)
        *m = (Message){ .type = MSG_RESPONSE, .length = MESSAGE_HEADER_SIZE };
    return m;
}

// MSG_LIST and MSG_READ: the prefixes, or the aliases, from the offset
// the payload's first 4 bytes give (none: 0).
static int List(const Message *request, int aliases, Message **reply)
{
    Listing l = { NULL, 0 };
    NsRegistry *ns = IpcRegistry();

    /* decode */
    if (MessageDataLength(request) >= 4)
        memcpy(&l.skip, request->data, 4);
    /* invoke */
    if (!(l.reply = NewReply()))
        return E_NOMEM;
    if (aliases) {
        for (uint32_t i = 0; i < ns->aliasCount; i++)
            Line(&l, "%s %s\n", ns->aliases[i].from, ns->aliases[i].to);
    } else {
        NsForEach(ns, ListPrefix, &l);
    }
    *reply = l.reply;
    return 0;
}

// Copy the payload as a string (1 to 2 * NS_NAME_MAX + 2 bytes); split
// "FROM TO" at the first space. Returns 0 or E_INVAL.
static int Words(const Message *request, char *text, char **second)
{
    uint32_t n = MessageDataLength(request);

    if (n == 0 || n > 2 * NS_NAME_MAX + 2)
        return E_INVAL;
    memcpy(text, request->data, n);
    text[n] = 0;
    *second = NULL;
    for (char *p = text; *p; p++) {
        if (*p == ' ') {
            *p = 0;
            *second = p + 1;
            break;
        }
    }
    return 0;
}

// MSG_CREATE "FROM TO" and MSG_DELETE "FROM" to ns:alias. The registry
// checks both names and changes nothing when it refuses them.
static int ChangeAlias(const Message *request, Message **reply)
{
    char text[2 * NS_NAME_MAX + 3], *to;
    int create = request->type == MSG_CREATE;
    int err = Words(request, text, &to);

    /* decode: the words, as many as the type takes */
    if (!err && (create ? !to : to != NULL))
        err = E_INVAL;
    if (err)
        return err;
    /* invoke: the reply first, so only the registry can refuse now */
    if (!(*reply = NewReply()))
        return E_NOMEM;
    err = create ? NsAliasSet(IpcRegistry(), text, to) : NsAliasRemove(IpcRegistry(), text);
    if (!err)
        IpcEndpointsInvalidate();           // cached routes may take the alias now
    if (err) {
        kfree(*reply);
        *reply = NULL;
    }
    return err;
}

// Switch the machine off; where that fails, say so and stop for good.
static void __attribute__((noreturn)) PowerOffOrHalt(void)
{
    PowerOff();
    ConsolePrint("poweroff: not supported by this machine\n");
    CpuDisableInterrupts();
    for (;;)
        CpuHalt();
}

// "system:" names. Returns an error, or does not return at all.
static int ServeSystem(const char *name, const Message *request)
{
    /* decode */
    if (strcmp(name, "system:poweroff") != 0)
        return E_NOENT;
    if (request->type != MSG_WRITE)
        return E_INVAL;
    /* invoke */
    PowerOffOrHalt();
}

int KernelNamespaceServe(const char *name, const Message *request, Message **reply)
{
    int list = request->type == MSG_LIST || request->type == MSG_READ;

    if (strncmp(name, "system:", 7) == 0)
        return ServeSystem(name, request);
    if (strcmp(name, "ns:") == 0 || strcmp(name, "ns:list") == 0)
        return list ? List(request, 0, reply) : E_INVAL;
    if (strcmp(name, "ns:alias") == 0) {
        if (list)
            return List(request, 1, reply);
        if (request->type == MSG_CREATE || request->type == MSG_DELETE)
            return ChangeAlias(request, reply);
        return E_INVAL;
    }
    return E_NOENT;
}
