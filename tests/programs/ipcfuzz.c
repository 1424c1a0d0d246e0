// ipcfuzz: randomized robustness test of the IPC and namespace calls.
//
//   ipcfuzz [SEED]      (default 1; needs "uecho test:uecho:" running)
//
// 5000 iterations, each one call: a send with a random name (random
// bytes, or valid-looking "test:uecho:...", "ns:...", "x:...", "fz..:"),
// random pointers (NULL, kernel space, unmapped, straddling the top of
// user space, wrapping, valid buffers), random header lengths, types and
// reply capacities; the same through the library; or a raw SYS_NS_* /
// SYS_IPC_* call with such arguments. Any result is fine: the kernel must
// neither crash nor hang. Rules that keep the test from blocking or from
// harming the server: nothing ever sends MSG_CLOSE; receives only get
// buffers that fail at once (bad pointers, or capacity < 16); notice waits
// use 1..3 ms; timeouts are nonzero only for test:uecho:; aliases created
// all start with "fz" and are removed at the end; notices go only to this
// process or to pids that cannot exist. Finally a MSG_PING to
// "test:uecho:z" must come back intact: prints "ipcfuzz: N calls, server
// still answering" and exits 0, else exits 1.
#include <lib/string.h>
#include <lib/user.h>

#define ITERATIONS   5000
#define KERNEL_BASE  0xC0000000u
#define ECHO         "test:uecho:"
#define NAME_ROOM    512
#define REPLY_SLACK  4096

static uint32_t rng = 1;
static uint32_t calls;
static int selfPid;
static int nameIsEcho;          // nameBuffer starts with "test:uecho:"
static char nameBuffer[NAME_ROOM];
static uint8_t requestBuffer[MESSAGE_MAX_SIZE] __attribute__((aligned(16)));
static uint8_t replyBuffer[MESSAGE_MAX_SIZE + REPLY_SLACK] __attribute__((aligned(16)));
static uint8_t smallBuffer[512] __attribute__((aligned(16)));

// The next xorshift32 number.
static uint32_t Random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

// A number in [0, n).
static uint32_t Below(uint32_t n)
{
    return Random() % n;
}

// Append length bytes of suffix material (printable, separators, now and
// then a control byte) at s; returns the end.
static char *RandomSuffix(char *s, uint32_t length)
{
    static const char extra[] = ":/-_. \x01\x7f";

    for (uint32_t i = 0; i < length; i++) {
        uint32_t pick = Below(8);
        s[i] = pick < 5 ? (char)('a' + Below(26)) :
               pick < 7 ? (char)(0x21 + Below(0x5e)) : extra[Below(sizeof extra - 1)];
    }
    return s + length;
}

// Copy text to s; returns the end.
static char *Put(char *s, const char *text)
{
    uint32_t length = (uint32_t)strlen(text);

    memcpy(s, text, length);
    return s + length;
}

// A "fz" prefix ("fz" + letters + ':' or '/') at s; returns the end.
static char *FuzzPrefix(char *s)
{
    s = Put(s, "fz");
    for (uint32_t i = Below(4); i > 0; i--)
        *s++ = (char)('a' + Below(26));
    *s++ = Below(2) ? ':' : '/';
    return s;
}

// Write a random name at s (NUL-terminated); returns its end (the NUL).
static char *RandomName(char *s)
{
    static const char *const nsNames[] = { "list", "alias", "", "list/", "nope" };

    switch (Below(7)) {
    case 0:         // random bytes, 0..300 of them
        for (uint32_t i = Below(301); i > 0; i--)
            *s++ = (char)(1 + Below(255));
        break;
    case 1:
    case 2:
        s = RandomSuffix(Put(s, ECHO), Below(40));
        break;
    case 3:
        s = Put(Put(s, "ns:"), nsNames[Below(5)]);
        break;
    case 4:
        s = RandomSuffix(Put(s, "x:"), Below(20));
        break;
    case 5:
        s = RandomSuffix(FuzzPrefix(s), Below(10));
        break;
    default:        // around the 255-byte limit
        s = RandomSuffix(Put(s, ECHO), 235 + Below(40));
        break;
    }
    *s = '\0';
    return s;
}

// Fill nameBuffer with a random name.
static void MakeName(void)
{
    RandomName(nameBuffer);
    nameIsEcho = strncmp(nameBuffer, ECHO, sizeof ECHO - 1) == 0;
}

// A header length: mostly sensible, sometimes absurd.
static uint32_t RandomLength(void)
{
    switch (Below(9)) {
    case 0:  return Below(16);
    case 1:  return MESSAGE_HEADER_SIZE;
    case 2:  return MESSAGE_MAX_SIZE;
    case 3:  return MESSAGE_MAX_SIZE + 1 + Below(16);
    case 4:  return Random();
    case 5:  return MESSAGE_HEADER_SIZE + Below(MESSAGE_MAX_DATA + 1);
    default: return MESSAGE_HEADER_SIZE + Below(300);
    }
}

// A message type: mostly known ones, never MSG_CLOSE (it would stop the server).
static uint32_t RandomType(void)
{
    uint32_t type = Below(4) == 0 ? Random() : Below(MSG_TYPE_LIMIT + 2);

    return type == MSG_CLOSE ? MSG_PING : type;
}

// Payload text for an alias change: "FROM TO" or "FROM", FROM a "fz" prefix.
static uint32_t AliasPayload(char *s)
{
    char *end = FuzzPrefix(s);

    if (Below(4) != 0) {
        *end++ = ' ';
        end = RandomName(end);
    }
    return (uint32_t)(end - s);
}

// Fill requestBuffer with a random request. A MSG_CREATE always names a
// "fz" alias, whatever the name it goes to (an alias may lead to ns:alias).
static void MakeRequest(void)
{
    Message *m = (Message *)requestBuffer;
    uint32_t type = RandomType();
    uint32_t fill = Below(64);

    for (uint32_t i = 0; i < fill; i++)
        m->data[i] = (uint8_t)Random();
    if (type == MSG_CREATE || (type == MSG_DELETE && Below(2)))
        fill = AliasPayload((char *)m->data);
    m->type = type;
    m->length = Below(3) ? MESSAGE_HEADER_SIZE + fill : RandomLength();
    m->senderId = Random();
    m->requestId = Random();
}

// An address that cannot be read or written for 16 bytes and more.
static uintptr_t BadAddress(void)
{
    switch (Below(5)) {
    case 0:  return 0;
    case 1:  return KERNEL_BASE + Below(0x40000000);
    case 2:  return 0x10000000u + Below(0x01000000);
    case 3:  return KERNEL_BASE - 1 - Below(15);     // runs into kernel space
    default: return 0xFFFFFFF0u + Below(16);         // wraps past 4 GiB
    }
}

// good, or a bad address one time in four.
static uintptr_t Pointer(const void *good)
{
    return Below(4) == 0 ? BadAddress() : (uintptr_t)good;
}

// A reply capacity.
static uint32_t Capacity(void)
{
    switch (Below(5)) {
    case 0:  return Below(32);
    case 1:  return Random();
    case 2:  return MESSAGE_HEADER_SIZE + Below(300);
    default: return MESSAGE_MAX_SIZE;
    }
}

// A pid for a notice: this process, or one that cannot exist.
static uint32_t NoticePid(void)
{
    switch (Below(4)) {
    case 0:  return 0;
    case 1:  return 0x7fffffffu;
    case 2:  return Random() | 0x10000000u;
    default: return (uint32_t)selfPid;
    }
}

// One system call with up to five arguments.
static int RawCall(uint32_t number, uint32_t a, uint32_t b, uint32_t c, uint32_t d,
                   uint32_t e)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(number), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
                     : "memory");
    calls++;
    return result;
}

// A send: random pointers, capacity and (for test:uecho: only) timeout.
static void FuzzSend(void)
{
    uintptr_t name = Pointer(nameBuffer);
    uint32_t timeout = name == (uintptr_t)nameBuffer && nameIsEcho ? Below(6) : 0;

    RawCall(SYS_IPC_SEND, name, Pointer(requestBuffer),
            Pointer(replyBuffer + Below(REPLY_SLACK)), Capacity(), timeout);
}

// A receive that must fail at once: a bad buffer, or capacity below 16.
static void FuzzReceive(void)
{
    uintptr_t envelope = Below(2) ? (uintptr_t)smallBuffer : BadAddress();

    if (Below(2))
        RawCall(SYS_IPC_RECEIVE, BadAddress(), 16 + Below(MESSAGE_MAX_SIZE), envelope, 0, 0);
    else
        RawCall(SYS_IPC_RECEIVE, (uintptr_t)replyBuffer, Below(16), envelope, 0, 0);
}

// A raw SYS_NS_* / SYS_IPC_* call with random arguments.
static void FuzzRaw(void)
{
    switch (Below(7)) {
    case 0:
        RawCall(SYS_NS_REGISTER, Pointer(nameBuffer), Random(), Random(), 0, 0);
        break;
    case 1:
        RawCall(SYS_NS_UNREGISTER, Pointer(nameBuffer), Random(), 0, 0, 0);
        break;
    case 2:
        FuzzSend();
        break;
    case 3:
        FuzzReceive();
        break;
    case 4:
        RawCall(SYS_IPC_REPLY, Below(2) ? Random() : Below(100), Pointer(requestBuffer),
                0, 0, 0);
        break;
    case 5:
        RawCall(SYS_IPC_NOTIFY, NoticePid(), Random(), Random(), 0, 0);
        break;
    default:
        RawCall(SYS_IPC_WAIT_NOTIFY, Pointer(smallBuffer), 1 + Below(3), 0, 0, 0);
        break;
    }
}

// A send through the library (IpcSendTimeout), which always gives a message.
static void FuzzLibrary(void)
{
    uint32_t timeout = nameIsEcho ? Below(6) : 0;

    FreeMessage(IpcSendTimeout(nameBuffer, (Message *)requestBuffer, timeout));
    calls++;
}

// One iteration: fresh name and request, then one call.
static void FuzzOnce(void)
{
    MakeName();
    MakeRequest();
    switch (Below(10)) {
    case 0:
        FuzzLibrary();
        break;
    case 1: case 2: case 3: case 4:
        FuzzSend();
        break;
    default:
        FuzzRaw();
        break;
    }
}

// Send a message of type with text as its payload; the reply or NULL.
static Message *SendText(const char *name, uint32_t type, const char *text, uint32_t length)
{
    Message *request = CreateMessage(type, length);
    Message *reply;

    if (!request)
        return NULL;
    memcpy(request->data, text, length);
    reply = IpcSend(name, request);
    FreeMessage(request);
    return reply;
}

// Remove every alias whose name starts with "fz". Returns how many.
static int RemoveFuzzAliases(void)
{
    Message *list = SendText("ns:alias", MSG_LIST, "", 0);
    int removed = 0;

    if (!list || list->type != MSG_RESPONSE) {
        FreeMessage(list);
        return 0;
    }
    const char *text = (const char *)list->data, *end = text + MessageDataLength(list);
    while (text < end) {
        const char *space = text, *line = text;
        while (space < end && *space != ' ' && *space != '\n')
            space++;
        while (text < end && *text++ != '\n')
            ;
        if (space - line > 2 && memcmp(line, "fz", 2) == 0) {
            FreeMessage(SendText("ns:alias", MSG_DELETE, line, (uint32_t)(space - line)));
            removed++;
        }
    }
    FreeMessage(list);
    return removed;
}

// Does "test:uecho:z" still echo a ping exactly?
static int ServerAnswers(void)
{
    Message *ping = CreateMessage(MSG_PING, 100);
    Message *reply;
    int ok;

    if (!ping)
        return 0;
    for (uint32_t i = 0; i < 100; i++)
        ping->data[i] = (uint8_t)(i ^ 0x5a);
    reply = IpcSend(ECHO "z", ping);
    ok = reply && reply->type == MSG_RESPONSE && reply->length == ping->length &&
         memcmp(reply->data, ping->data, 100) == 0;
    if (!ok)
        Print("ipcfuzz: final ping failed: type %u error %d\n",
              reply ? reply->type : 0, MessageError(reply));
    FreeMessage(reply);
    FreeMessage(ping);
    return ok;
}

int main(int argc, char **argv, char **envp)
{
    int seed = 1;

    (void)envp;
    if (argc > 1 && ParseInt(argv[1], &seed) != 0) {
        Print("usage: ipcfuzz [SEED]\n");
        return 2;
    }
    rng = seed != 0 ? (uint32_t)seed : 1;
    selfPid = SysGetPid();
    for (int i = 0; i < ITERATIONS; i++)
        FuzzOnce();
    RemoveFuzzAliases();
    if (!ServerAnswers())
        return 1;
    Print("ipcfuzz: %u calls, server still answering\n", calls);
    return 0;
}
