// granttest: self-checking test of shared memory (SYS_GRANT_*) and of
// notices delivered by receive (SYS_IPC_WATCH_NOTICES), run from the
// shell (tests/e2e/platform_suite.py) and the in-kernel suite.
//
//   granttest            every check below; prints "granttest: N checks
//                        passed" and exits 0, or a line per failed check
//                        and exits 1
//   granttest partner    a grantee that does what notices tell it
//                        (tests/kernel/test_grant.c drives one too)
//   granttest order      a server that watches notices (spawned by the
//                        checks)
//
// A partner takes a command as a notice: jobId = command | (argument <<
// 8), value = a second argument; it answers with a notice to whoever
// sent it, jobId = the command, value = the result. One that touches a
// revoked grant is killed (SIGSEGV): its parent sees it in the wait
// status, and the checks go on.
#include <lib/format.h>
#include <lib/string.h>
#include <lib/user.h>

#define PARTNER_TIMEOUT_MS 5000

// The partner's commands (the low byte of the notice's jobId).
enum {
    CMD_MAP = 1,        // (rights, grant id) -> the address, or E_*
    CMD_SUM,            // (-, -) -> the sum of the mapping's 32-bit words
    CMD_READ,           // (-, byte offset) -> the word there
    CMD_WRITE,          // (page, value) -> 0: value into word 1 of that page
    CMD_UNMAP,          // (-, grant id) -> GrantUnmap's result
    CMD_REVOKE,         // (-, grant id) -> GrantRevoke's result
    CMD_QUERY,          // (-, grant id) -> mappedAt | rights, or E_*
    CMD_TOUCH,          // (-, -) -> the first word where the mapping was (or a fault)
    CMD_CREATE,         // (rights, pages) -> a grant of pages of its own to its commander
    CMD_MEMMAP,         // (-, -) -> SYS_MEM_MAP over the mapping's first page
    CMD_MEMUNMAP,       // (-, -) -> SYS_MEM_UNMAP of it
    CMD_EXIT,           // (-, -) -> exits 0, no answer
};

// The order server's notices to its parent.
#define ORDER_READY 0x0d000001u
#define ORDER_POLL  0x0d000002u
#define ORDER_DONE  0x0d000003u

// Where the checks map their own pages.
#define AREA        0x30000000u     // three read-write pages
#define AREA_RO     0x30010000u     // one read-only page
#define AREA_HOLE   0x30020000u     // never mapped
#define PARTNER_AREA 0x38000000u    // a partner's own pages (CMD_CREATE)

static int checks, failures;

static void Check(int ok, const char *what, int result)
{
    checks++;
    if (ok)
        return;
    failures++;
    Print("granttest: check failed: %s (got %d)\n", what, result);
}

static void CheckEqual(const char *what, int result, int expected)
{
    checks++;
    if (result == expected)
        return;
    failures++;
    Print("granttest: check failed: %s: got %d, wanted %d\n", what, result, expected);
}

// The pattern word i of a stretch made with seed.
static uint32_t Pattern(uint32_t seed, uint32_t i)
{
    return (i * 2654435761u) ^ seed;
}

// The sum of the first count pattern words of seed.
static uint32_t PatternSum(uint32_t seed, uint32_t count)
{
    uint32_t sum = 0;

    for (uint32_t i = 0; i < count; i++)
        sum += Pattern(seed, i);
    return sum;
}

static void Fill(uint32_t *words, uint32_t count, uint32_t seed)
{
    for (uint32_t i = 0; i < count; i++)
        words[i] = Pattern(seed, i);
}

static uint32_t Sum(const volatile uint32_t *words, uint32_t count)
{
    uint32_t sum = 0;

    for (uint32_t i = 0; i < count; i++)
        sum += words[i];
    return sum;
}

// --- the partner --------------------------------------------------------------

static volatile uint32_t *mapped;
static uint32_t mappedLength;

static int PartnerCommand(uint32_t cmd, uint32_t arg, int32_t value, uint32_t commander)
{
    GrantFacts f;
    int r;

    switch (cmd) {
    case CMD_MAP:
        r = SysGrantMap((uint32_t)value, arg);
        if (r > 0 && GrantQuery((uint32_t)value, &f) == 0) {
            mapped = (volatile uint32_t *)(uintptr_t)r;
            mappedLength = f.length;
        }
        return r;
    case CMD_SUM:
        return (int)Sum(mapped, mappedLength / 4);
    case CMD_READ:
        return (int)mapped[(uint32_t)value / 4];
    case CMD_WRITE:
        mapped[arg * 1024 + 1] = (uint32_t)value;
        return 0;
    case CMD_UNMAP:
        return GrantUnmap((uint32_t)value);
    case CMD_REVOKE:
        return GrantRevoke((uint32_t)value);
    case CMD_QUERY:
        r = GrantQuery((uint32_t)value, &f);
        return r < 0 ? r : (int)(f.mappedAt | f.rights);
    case CMD_TOUCH:
        return (int)mapped[0];
    case CMD_CREATE:
        r = SysMemMap(PARTNER_AREA, (uint32_t)value * 4096, 3);
        if (r == 0)
            Fill((uint32_t *)PARTNER_AREA, (uint32_t)value * 1024, 0x5eed);
        return r ? r : GrantCreate((void *)PARTNER_AREA, (uint32_t)value * 4096, arg, commander);
    case CMD_MEMMAP:
        return SysMemMap((uint32_t)(uintptr_t)mapped, 4096, 3);
    case CMD_MEMUNMAP:
        return SysMemUnmap((uint32_t)(uintptr_t)mapped, 4096);
    default:
        return E_INVAL;
    }
}

static int Partner(void)
{
    for (;;) {
        IpcNotification n;
        uint32_t cmd;
        if (SysIpcWaitNotify(&n, 0) != 0)
            continue;
        cmd = n.jobId & 0xff;
        if (cmd == CMD_EXIT)
            return 0;
        IpcNotify(n.senderId, cmd, PartnerCommand(cmd, (n.jobId >> 8) & 0xff, n.value,
                                                  n.senderId));
    }
}

// --- the parent's side --------------------------------------------------------------

static int Spawn(const char *role)
{
    const char *argv[] = { "bin/granttest", role, NULL };

    return SysSpawn("bin/granttest", argv);
}

// The next notice from pid within the partner timeout, into *n. Returns
// 0 or E_TIMEDOUT.
static int NoticeFrom(int pid, IpcNotification *n)
{
    uint32_t start = SysUptime();

    while (SysUptime() - start < PARTNER_TIMEOUT_MS) {
        if (SysIpcWaitNotify(n, PARTNER_TIMEOUT_MS) == 0 && n->senderId == (uint32_t)pid)
            return 0;
    }
    return E_TIMEDOUT;
}

// Have partner pid run a command; its answer, or E_TIMEDOUT.
static int Ask(int pid, uint32_t cmd, uint32_t arg, int32_t value)
{
    IpcNotification n;

    if (IpcNotify((uint32_t)pid, cmd | (arg << 8), value) != 0)
        return E_SRCH;
    return NoticeFrom(pid, &n) == 0 ? n.value : E_TIMEDOUT;
}

// End partner pid (CMD_EXIT) and return its wait status.
static int Finish(int pid)
{
    int status = -1;

    IpcNotify((uint32_t)pid, CMD_EXIT, 0);
    SysWait(pid, &status);
    return status;
}

// Whether [addr, addr + 4) is mapped, without touching it: SYS_GRANT_QUERY
// checks its out pointer first (E_FAULT), then the id (E_NOENT for 0).
static int Mapped(const void *addr)
{
    return GrantQuery(0, (GrantFacts *)addr) == E_NOENT;
}

// Every argument SYS_GRANT_CREATE must refuse, and the tables' bounds.
static void BadCreates(int partner)
{
    uint32_t *area = (uint32_t *)AREA;
    int ids[GRANT_PROCESS_MAX], n;

    CheckEqual("create: unaligned address", GrantCreate((uint8_t *)area + 1, 4096, GRANT_READ,
                                                        partner), E_INVAL);
    CheckEqual("create: unaligned length", GrantCreate(area, 100, GRANT_READ, partner), E_INVAL);
    CheckEqual("create: zero length", GrantCreate(area, 0, GRANT_READ, partner), E_INVAL);
    CheckEqual("create: a range that wraps", GrantCreate((void *)0xfffff000u, 0x2000,
                                                         GRANT_READ, partner), E_INVAL);
    CheckEqual("create: longer than GRANT_LENGTH_MAX",
               GrantCreate(area, GRANT_LENGTH_MAX + 4096, GRANT_READ, partner), E_INVAL);
    CheckEqual("create: no rights", GrantCreate(area, 4096, 0, partner), E_INVAL);
    CheckEqual("create: an unknown rights bit", GrantCreate(area, 4096, 4, partner), E_INVAL);
    CheckEqual("create: every bit", GrantCreate(area, 4096, 0xffffffffu, partner), E_INVAL);
    CheckEqual("create: unmapped pages", GrantCreate((void *)AREA_HOLE, 4096, GRANT_READ,
                                                     partner), E_FAULT);
    CheckEqual("create: a range running into unmapped pages",
               GrantCreate(area, 4 * 4096, GRANT_READ, partner), E_FAULT);
    CheckEqual("create: the NULL page", GrantCreate((void *)0, 4096, GRANT_READ, partner),
               E_FAULT);
    CheckEqual("create: kernel memory", GrantCreate((void *)0xc0000000u, 4096, GRANT_READ,
                                                    partner), E_FAULT);
    CheckEqual("create: write rights on a read-only page",
               GrantCreate((void *)AREA_RO, 4096, GRANT_READ | GRANT_WRITE, partner), E_FAULT);
    CheckEqual("create: an unknown grantee", GrantCreate(area, 4096, GRANT_READ, 0x7ffffff0),
               E_SRCH);
    CheckEqual("create: grantee 0", GrantCreate(area, 4096, GRANT_READ, 0), E_SRCH);
    n = GrantCreate((void *)AREA_RO, 4096, GRANT_READ, partner);
    Check(n > 0, "create: a read-only page read-only", n);
    CheckEqual("revoke it", GrantRevoke((uint32_t)n), 0);
    CheckEqual("revoke it again", GrantRevoke((uint32_t)n), E_NOENT);
    for (n = 0; n < GRANT_PROCESS_MAX; n++) {
        ids[n] = GrantCreate(area, 4096, GRANT_READ, partner);
        if (ids[n] <= 0)
            break;
    }
    CheckEqual("GRANT_PROCESS_MAX grants of one page", n, GRANT_PROCESS_MAX);
    CheckEqual("one grant more", GrantCreate(area, 4096, GRANT_READ, partner), E_NOSPC);
    while (n-- > 0)
        CheckEqual("revoke each", GrantRevoke((uint32_t)ids[n]), 0);
    n = GrantCreate(area, 4096, GRANT_READ, partner);
    Check(n > 0, "room again after revoking", n);
    GrantRevoke((uint32_t)n);
}

// A read-write grant of three pages, read and written through both
// mappings, and every bad use of it.
static void GoodGrant(int partner, int other)
{
    uint32_t *area = (uint32_t *)AREA;
    GrantFacts f;
    int id, ro, at, r;

    Fill(area, 3 * 1024, 0x1234);
    id = GrantCreate(area, 3 * 4096, GRANT_READ | GRANT_WRITE, (uint32_t)partner);
    Check(id > 0, "create a read-write grant of three pages", id);
    CheckEqual("the grantor may not map it", SysGrantMap((uint32_t)id, GRANT_READ), E_PERM);
    CheckEqual("query by the grantor", GrantQuery((uint32_t)id, &f), 0);
    Check(f.grantor == (uint32_t)SysGetPid() && f.grantee == (uint32_t)partner &&
              f.length == 3 * 4096 && f.rights == (GRANT_READ | GRANT_WRITE) && f.mappedAt == 0,
          "its facts before it is mapped", (int)f.mappedAt);
    CheckEqual("query into a bad pointer", GrantQuery((uint32_t)id, (GrantFacts *)AREA_HOLE),
               E_FAULT);
    CheckEqual("query of no grant", GrantQuery(0x7ffffff0u, &f), E_NOENT);
    CheckEqual("map: no rights", Ask(partner, CMD_MAP, 0, id), E_INVAL);
    CheckEqual("map: an unknown rights bit", Ask(partner, CMD_MAP, 4, id), E_INVAL);
    CheckEqual("map: no such grant", Ask(partner, CMD_MAP, GRANT_READ, 0x7ffffff0), E_NOENT);
    CheckEqual("unmap before it is mapped", Ask(partner, CMD_UNMAP, 0, id), E_INVAL);
    at = Ask(partner, CMD_MAP, GRANT_READ | GRANT_WRITE, id);
    Check((uint32_t)at >= GRANT_MAP_BASE && (uint32_t)at < GRANT_MAP_LIMIT && !(at & 4095),
          "the grantee maps it in the grant window", at);
    CheckEqual("map it again", Ask(partner, CMD_MAP, GRANT_READ, id), E_BUSY);
    CheckEqual("the grantee reads every word", Ask(partner, CMD_SUM, 0, 0),
               (int)Sum(area, 3 * 1024));
    CheckEqual("the grantee writes; the grantor reads", Ask(partner, CMD_WRITE, 2, 0x77aa55),
               0);
    CheckEqual("the grantee's write is in the grantor's page", (int)area[2 * 1024 + 1],
               0x77aa55);
    area[4096 / 4 + 9] = 0xfeed;
    CheckEqual("the grantor writes; the grantee reads", Ask(partner, CMD_READ, 0, 4096 + 36),
               0xfeed);
    CheckEqual("query by the grantee", Ask(partner, CMD_QUERY, 0, id),
               at | (int)(GRANT_READ | GRANT_WRITE));
    CheckEqual("SYS_MEM_MAP over the grant's mapping", Ask(partner, CMD_MEMMAP, 0, 0), E_INVAL);
    CheckEqual("SYS_MEM_UNMAP of it", Ask(partner, CMD_MEMUNMAP, 0, 0), E_INVAL);
    CheckEqual("still there after both", Ask(partner, CMD_READ, 0, 4096 + 36), 0xfeed);
    CheckEqual("the grantee may not revoke", Ask(partner, CMD_REVOKE, 0, id), E_PERM);
    CheckEqual("someone else maps it", Ask(other, CMD_MAP, GRANT_READ, id), E_NOENT);
    CheckEqual("someone else queries it", Ask(other, CMD_QUERY, 0, id), E_NOENT);
    CheckEqual("someone else unmaps it", Ask(other, CMD_UNMAP, 0, id), E_NOENT);
    CheckEqual("someone else revokes it", Ask(other, CMD_REVOKE, 0, id), E_NOENT);
    CheckEqual("the grantor may not unmap it", GrantUnmap((uint32_t)id), E_PERM);
    CheckEqual("unmap", Ask(partner, CMD_UNMAP, 0, id), 0);
    CheckEqual("unmapped: mappedAt 0", Ask(partner, CMD_QUERY, 0, id),
               (int)(GRANT_READ | GRANT_WRITE));
    r = Ask(partner, CMD_MAP, GRANT_READ, id);
    Check(r > 0, "map it again, read-only", r);
    CheckEqual("read-only: the same bytes", Ask(partner, CMD_READ, 0, 2 * 4096 + 4), 0x77aa55);
    CheckEqual("unmap again", Ask(partner, CMD_UNMAP, 0, id), 0);
    // The grantor unmaps its own pages: they live on for the grantee.
    r = Ask(partner, CMD_MAP, GRANT_READ | GRANT_WRITE, id);
    Check(r > 0, "map it for the grantor's unmap", r);
    CheckEqual("the grantor unmaps its pages", SysMemUnmap(AREA, 3 * 4096), 0);
    CheckEqual("the pages live on for the grantee", Ask(partner, CMD_READ, 0, 4096 + 36), 0xfeed);
    CheckEqual("revoke", GrantRevoke((uint32_t)id), 0);
    CheckEqual("revoked: the grantee's query", Ask(partner, CMD_QUERY, 0, id), E_NOENT);
    CheckEqual("remap the grantor's pages", SysMemMap(AREA, 3 * 4096, 3), 0);
    // A read-only grant cannot be mapped writable.
    ro = GrantCreate(area, 4096, GRANT_READ, (uint32_t)partner);
    Check(ro > 0, "a read-only grant", ro);
    CheckEqual("map it writable", Ask(partner, CMD_MAP, GRANT_READ | GRANT_WRITE, ro), E_PERM);
    CheckEqual("map it write-only", Ask(partner, CMD_MAP, GRANT_WRITE, ro), E_PERM);
    r = Ask(partner, CMD_MAP, GRANT_READ, ro);
    Check(r > 0, "map it read-only", r);
    CheckEqual("revoke the read-only grant", GrantRevoke((uint32_t)ro), 0);
}

// Revoked while mapped: the grantee's next touch kills it with SIGSEGV;
// the grantor and everyone else carry on.
static void RevokeWhileMapped(void)
{
    int partner = Spawn("partner"), id, at, status;

    Check(partner > 0, "spawn a partner", partner);
    Fill((uint32_t *)AREA, 1024, 0x99);
    id = GrantCreate((void *)AREA, 4096, GRANT_READ | GRANT_WRITE, (uint32_t)partner);
    Check(id > 0, "grant a page", id);
    at = Ask(partner, CMD_MAP, GRANT_READ | GRANT_WRITE, id);
    Check(at > 0, "the grantee maps it", at);
    CheckEqual("and reads it", Ask(partner, CMD_TOUCH, 0, 0), (int)Pattern(0x99, 0));
    CheckEqual("revoke while mapped", GrantRevoke((uint32_t)id), 0);
    IpcNotify((uint32_t)partner, CMD_TOUCH, 0);
    status = -1;
    CheckEqual("the grantee's next touch", SysWait(partner, &status), partner);
    CheckEqual("kills it with SIGSEGV", status, WAIT_STATUS_SIGNALED(SIGNAL_SEGV));
    CheckEqual("the grantor's page is its own still", (int)((uint32_t *)AREA)[0],
               (int)Pattern(0x99, 0));
}

// The grantor dies while the grantee (this process) has its grant
// mapped: the mapping is gone, and the address space is whole again.
static void GrantorDies(void)
{
    int partner = Spawn("partner"), id, status = -1;
    const volatile uint32_t *at;
    GrantFacts f;

    Check(partner > 0, "spawn a grantor", partner);
    id = Ask(partner, CMD_CREATE, GRANT_READ | GRANT_WRITE, 2);
    Check(id > 0, "it grants two pages of its own to this process", id);
    at = GrantMap((uint32_t)id, GRANT_READ | GRANT_WRITE);
    Check(at != NULL, "map them", 0);
    if (!at)
        return;
    CheckEqual("read them", (int)Sum(at, 2 * 1024), (int)PatternSum(0x5eed, 2 * 1024));
    CheckEqual("query by the grantee", GrantQuery((uint32_t)id, &f), 0);
    CheckEqual("mappedAt", (int)f.mappedAt, (int)(uintptr_t)at);
    CheckEqual("kill the grantor", SysKill(partner), 0);
    SysWait(partner, &status);
    Check(!Mapped((const void *)at), "the mapping is gone with its grantor", 0);
    Check(!Mapped((const uint8_t *)at + 4096), "all of it", 0);
    CheckEqual("the grant is gone", GrantQuery((uint32_t)id, &f), E_NOENT);
    CheckEqual("the range can be mapped again", SysMemMap((uint32_t)(uintptr_t)at, 4096, 3), 0);
    CheckEqual("and unmapped", SysMemUnmap((uint32_t)(uintptr_t)at, 4096), 0);
}

// The grantee dies with the grant mapped: its mapping goes, the grant
// stays the grantor's to revoke.
static void GranteeDies(void)
{
    int partner = Spawn("partner"), id, at, status = -1;
    GrantFacts f;

    Check(partner > 0, "spawn a grantee", partner);
    id = GrantCreate((void *)AREA, 2 * 4096, GRANT_READ, (uint32_t)partner);
    Check(id > 0, "grant two pages", id);
    at = Ask(partner, CMD_MAP, GRANT_READ, id);
    Check(at > 0, "the grantee maps them", at);
    CheckEqual("kill the grantee", SysKill(partner), 0);
    SysWait(partner, &status);
    CheckEqual("the grant is still there", GrantQuery((uint32_t)id, &f), 0);
    CheckEqual("no longer mapped", (int)f.mappedAt, 0);
    CheckEqual("the grantor revokes it", GrantRevoke((uint32_t)id), 0);
}

// --- MSG_NOTICE --------------------------------------------------------------------

static uint8_t receiveBuffer[MESSAGE_HEADER_SIZE + 256] __attribute__((aligned(16)));
static char orderName[32];

// Whether buffer holds notice {parent, jobId, value} as MSG_NOTICE, with
// the envelope of a kernel message.
static int IsNotice(int length, uint32_t parent, uint32_t jobId, int32_t value,
                    const IpcEnvelope *env)
{
    const Message *m = (const Message *)receiveBuffer;
    IpcNotification n;

    if (length != (int)(MESSAGE_HEADER_SIZE + sizeof(n)) || m->type != MSG_NOTICE ||
        m->length != (uint32_t)length || m->senderId != 0 || m->requestId != 0 ||
        env->handler != 0 || env->name[0] != 0)
        return 0;
    memcpy(&n, m->data, sizeof(n));
    return n.senderId == parent && n.jobId == jobId && n.value == value;
}

// Whether buffer holds the ping text.
static int IsPing(int length, const char *text)
{
    const Message *m = (const Message *)receiveBuffer;
    uint32_t n = (uint32_t)strlen(text);

    return length == (int)(MESSAGE_HEADER_SIZE + n) && m->type == MSG_PING && m->senderId != 0 &&
           memcmp(m->data, text, n) == 0;
}

static void OrderCheck(int ok, const char *what, int result)
{
    if (!ok) {
        failures++;
        Print("granttest order: check failed: %s (got %d)\n", what, result);
    }
}

// The order server: what its parent arranges, it must see in this order.
static int Order(void)
{
    uint32_t parent = (uint32_t)SysGetPpid();
    Message *reply = CreateMessage(MSG_RESPONSE, 0);
    IpcEnvelope env;
    IpcReceiveArgs rx = { (Message *)receiveBuffer, sizeof(receiveBuffer), &env, 0 };
    int r;

    Format(orderName, sizeof(orderName), "gto%d:", SysGetPid());
    OrderCheck(SysNsRegister(orderName, 7) == 0, "register", 0);
    OrderCheck(IpcWatchNotices() == 0, "watch notices", 0);
    IpcNotify(parent, ORDER_READY, 0);
    SysSleep(300);                      // the parent queues a notice, then a request
    r = SysIpcReceive((Message *)receiveBuffer, sizeof(receiveBuffer), &env);
    OrderCheck(IsNotice(r, parent, 0xa1, 1, &env), "first the notice queued first", r);
    r = SysIpcReceive((Message *)receiveBuffer, sizeof(receiveBuffer), &env);
    OrderCheck(IsPing(r, "one") && env.handler == 7, "then the request", r);
    reply->requestId = ((Message *)receiveBuffer)->requestId;
    // Answer and wait in one call: the parent queues a notice, then a
    // request; the notice must come first.
    r = SysIpcReplyWait(reply->requestId, reply, &rx);
    OrderCheck(IsNotice(r, parent, 0xb2, 2, &env), "reply-wait: the notice first", r);
    r = SysIpcReceive((Message *)receiveBuffer, sizeof(receiveBuffer), &env);
    OrderCheck(IsPing(r, "two"), "then the request", r);
    SysIpcReply(((Message *)receiveBuffer)->requestId, reply);
    r = SysIpcReceivePoll((Message *)receiveBuffer, sizeof(receiveBuffer), &env);
    OrderCheck(r == E_AGAIN, "poll with nothing there", r);
    IpcNotify(parent, ORDER_POLL, 0);
    SysSleep(300);                      // the parent queues a notice
    r = SysIpcReceivePoll((Message *)receiveBuffer, 20, &env);
    OrderCheck(r == E_MSGSIZE, "poll into a buffer too small for a notice", r);
    r = SysIpcReceivePoll((Message *)receiveBuffer, sizeof(receiveBuffer), &env);
    OrderCheck(IsNotice(r, parent, 0xc3, 3, &env), "then the notice, whole", r);
    r = SysIpcReceivePoll((Message *)receiveBuffer, sizeof(receiveBuffer), &env);
    OrderCheck(r == E_AGAIN, "taken once", r);
    IpcNotify(parent, ORDER_DONE, failures);
    return failures ? 1 : 0;
}

// A ping to the order server; its reply's type, or E_*.
static int PingOrder(int pid, const char *text)
{
    char name[40];
    uint8_t request[MESSAGE_HEADER_SIZE + 8], reply[MESSAGE_HEADER_SIZE + 64];
    Message *m = (Message *)request;
    int r;

    Format(name, sizeof(name), "gto%d:x", pid);
    *m = (Message){ .type = MSG_PING, .length = MESSAGE_HEADER_SIZE + (uint32_t)strlen(text) };
    memcpy(m->data, text, strlen(text));
    r = SysIpcSend(name, m, (Message *)reply, sizeof(reply), 5000);
    return r < 0 ? r : (int)((Message *)reply)->type;
}

// Notices and requests reach a server that watches notices in the
// order they were queued, each notice before the requests behind it.
static void NoticeOrder(void)
{
    int pid = Spawn("order"), status = -1;
    IpcNotification n;

    Check(pid > 0, "spawn the order server", pid);
    CheckEqual("it is ready", NoticeFrom(pid, &n) == 0 && n.jobId == ORDER_READY, 1);
    CheckEqual("notice, then a request", IpcNotify((uint32_t)pid, 0xa1, 1), 0);
    CheckEqual("the request is answered", PingOrder(pid, "one"), MSG_RESPONSE);
    CheckEqual("notice, then a request again", IpcNotify((uint32_t)pid, 0xb2, 2), 0);
    CheckEqual("answered", PingOrder(pid, "two"), MSG_RESPONSE);
    CheckEqual("it polls", NoticeFrom(pid, &n) == 0 && n.jobId == ORDER_POLL, 1);
    CheckEqual("a notice for its poll", IpcNotify((uint32_t)pid, 0xc3, 3), 0);
    CheckEqual("it saw everything in order", NoticeFrom(pid, &n) == 0 && n.jobId == ORDER_DONE &&
                                                 n.value == 0, 1);
    SysWait(pid, &status);
    CheckEqual("the order server's status", status, WAIT_STATUS_EXITED(0));
}

static int Checks(void)
{
    int partner, other, status;

    CheckEqual("map three pages", SysMemMap(AREA, 3 * 4096, 3), 0);
    CheckEqual("map a read-only page", SysMemMap(AREA_RO, 4096, 1), 0);
    partner = Spawn("partner");
    other = Spawn("partner");
    Check(partner > 0 && other > 0, "spawn two partners", partner);
    BadCreates(partner);
    GoodGrant(partner, other);
    CheckEqual("a partner ends well", Finish(partner), WAIT_STATUS_EXITED(0));
    CheckEqual("the other too", Finish(other), WAIT_STATUS_EXITED(0));
    RevokeWhileMapped();
    GrantorDies();
    GranteeDies();
    NoticeOrder();
    status = SysMemUnmap(AREA, 3 * 4096) | SysMemUnmap(AREA_RO, 4096);
    CheckEqual("unmap its pages", status, 0);
    if (failures) {
        Print("granttest: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    Print("granttest: %d checks passed\n", checks);
    return 0;
}

int main(int argc, char **argv, char **envp)
{
    (void)envp;
    if (argc > 1 && strcmp(argv[1], "partner") == 0)
        return Partner();
    if (argc > 1 && strcmp(argv[1], "order") == 0)
        return Order();
    return Checks();
}
