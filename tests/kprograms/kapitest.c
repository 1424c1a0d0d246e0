// A kernel-mode program that exercises the KernelApi and exits 0 when
// every call behaved: pages, heap blocks, sleep, Block/Wake (and a Wake
// ending a Sleep), device mapping (the VGA text buffer), ports, and its
// arguments (the second the pid of a user process to grant to),
// connected handles and IpcReplyWait, grants and notices by receive.
// Leaves some of what it took unfreed on purpose (a page, heap blocks, a
// device window, two grants): the kernel must give it all back.
#include <clanker/error.h>
#include <clanker/kernelapi.h>

#define CHECK(n, cond)                                              \
    do {                                                            \
        if (!(cond)) {                                              \
            api->Print("kapitest: check %d failed\n", n);           \
            return n;                                               \
        }                                                           \
    } while (0)

static int StrEq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

// Handles and IpcReplyWait, on the kernel's own ns:list and bad input.
// Returns 0, or the number of the check that failed.
static int IpcHandles(const KernelApi *api)
{
    static struct { Message m; char text[4096]; } reply;
    Message request = { .type = MSG_LIST, .length = MESSAGE_HEADER_SIZE };
    Message bad = { .type = MSG_LIST, .length = 3 };
    int h;

    CHECK(101, api->IpcConnect(0) == E_INVAL);
    CHECK(102, api->IpcConnect("nosuchprefix:x") == E_NOENT);
    CHECK(103, (h = api->IpcConnect("ns:list")) > 0);
    CHECK(104, api->IpcCall(h, &request, &reply.m, sizeof(reply), 0) > (int)MESSAGE_HEADER_SIZE &&
                   reply.m.type == MSG_RESPONSE);
    CHECK(105, api->IpcCall(h, 0, &reply.m, sizeof(reply), 0) == E_FAULT);
    CHECK(106, api->IpcCall(h, &bad, &reply.m, sizeof(reply), 0) == E_MSGSIZE);
    CHECK(107, api->IpcCall(h, &request, 0, sizeof(reply), 0) == E_FAULT);
    CHECK(108, api->IpcCall(h, &request, &reply.m, 4, 0) == E_MSGSIZE);
    CHECK(109, api->IpcCall(h + 7, &request, &reply.m, sizeof(reply), 0) == E_BADF);
    CHECK(110, api->IpcCall(0, &request, &reply.m, sizeof(reply), 0) == E_BADF);
    CHECK(111, api->IpcDisconnect(h) == 0);
    CHECK(112, api->IpcDisconnect(h) == E_BADF);
    CHECK(113, api->IpcCall(h, &request, &reply.m, sizeof(reply), 0) == E_BADF);
    // A reply nobody waits for is dropped; the receive then runs out of time.
    CHECK(114, api->IpcReplyWait(12345, &request, &reply.m, sizeof(reply), 0, 20) ==
                   E_TIMEDOUT);
    CHECK(115, api->IpcReplyWait(12345, 0, &reply.m, sizeof(reply), 0, 20) == E_FAULT);
    CHECK(116, api->IpcReplyWait(12345, &request, 0, sizeof(reply), 0, 20) == E_FAULT);
    return 0;
}

// The decimal number text, or 0.
static uint32_t Number(const char *text)
{
    uint32_t n = 0;

    while (*text >= '0' && *text <= '9')
        n = n * 10 + (uint32_t)(*text++ - '0');
    return n;
}

// A page-aligned address inside a new kmalloc block of pages + 1 pages.
static uint8_t *PageIn(const KernelApi *api, uint32_t pages, uint8_t **block)
{
    *block = api->kmalloc((pages + 1) * 4096);
    return *block ? (uint8_t *)(((uintptr_t)*block + 4095) & ~(uintptr_t)4095) : 0;
}

// Grants (version 5) to grantee, a live user process, and notices by
// receive. Leaves a grant of a heap block and a device grant alive on
// purpose: the kernel must revoke them when the program ends.
// Returns 0, or the number of the check that failed.
static int Grants(const KernelApi *api, uint32_t grantee)
{
    static struct { Message m; IpcNotification n; uint8_t room[64]; } rx;
    uint8_t *block, *kept, *pages = PageIn(api, 2, &block), *page;
    uint32_t self = api->GetPid();
    IpcEnvelope env;
    GrantFacts f;
    int id;

    CHECK(117, pages != 0 && grantee != 0);
    CHECK(118, api->GrantCreate(pages + 16, 4096, GRANT_READ, grantee) == E_INVAL);
    CHECK(119, api->GrantCreate(pages, 4096, 0, grantee) == E_INVAL);
    CHECK(120, api->GrantCreate(pages, 4096, GRANT_READ, 0x7ffffff0u) == E_SRCH);
    CHECK(121, api->GrantCreate(pages, 4096, GRANT_READ, self) == E_SRCH);    // kernel-mode
    CHECK(122, api->GrantCreate(pages, 16 * 4096, GRANT_READ, grantee) == E_FAULT);
    CHECK(123, api->GrantCreate((void *)0xc0200000u, 4096, GRANT_READ, grantee) == E_FAULT);
    CHECK(124, (id = api->GrantCreate(pages, 2 * 4096, GRANT_READ | GRANT_WRITE, grantee)) > 0);
    CHECK(125, api->GrantQuery((uint32_t)id, &f) == 0 && f.grantor == self &&
                   f.grantee == grantee && f.length == 2 * 4096 &&
                   f.rights == (GRANT_READ | GRANT_WRITE) && f.mappedAt == 0);
    CHECK(126, api->GrantQuery((uint32_t)id, 0) == E_INVAL);
    CHECK(127, api->GrantRevoke((uint32_t)id) == 0);
    CHECK(128, api->GrantRevoke((uint32_t)id) == E_NOENT);
    CHECK(129, api->GrantQuery((uint32_t)id, &f) == E_NOENT);
    // A grant dies with the block it lies in.
    CHECK(130, (id = api->GrantCreate(pages, 4096, GRANT_READ, grantee)) > 0);
    api->kfree(block);
    CHECK(131, api->GrantQuery((uint32_t)id, &f) == E_NOENT);
    // A page from MemAllocatePage outlives its MemFreePage while granted.
    page = api->MemAllocatePage();
    CHECK(132, page != 0 && (id = api->GrantCreate(page, 4096, GRANT_READ, grantee)) > 0);
    api->MemFreePage(page);
    CHECK(133, api->GrantQuery((uint32_t)id, &f) == 0 && api->GrantRevoke((uint32_t)id) == 0);
    // Device memory.
    CHECK(134, api->GrantDevice(0x100000, 4096, GRANT_READ, grantee) == E_PERM);  // the kernel
    CHECK(135, api->GrantDevice(0xfffff000u, 0x2000, GRANT_READ, grantee) == E_INVAL);
    CHECK(136, api->GrantDevice(0xb8000, 4096, GRANT_READ, 0x7ffffff0u) == E_SRCH);
    CHECK(137, api->GrantDevice(0xb8000, 4096, GRANT_READ | GRANT_WRITE, grantee) > 0);  // kept
    pages = PageIn(api, 1, &kept);
    CHECK(138, pages != 0 && api->GrantCreate(pages, 4096, GRANT_READ, grantee) > 0);   // kept
    // Notices through receive.
    CHECK(139, api->IpcWatchNotices() == 0 && api->IpcNotify(self, 0x99, 5) == 0);
    CHECK(140, api->IpcReceiveTimeout(&rx.m, sizeof(rx), &env, 100) ==
                   (int)(MESSAGE_HEADER_SIZE + sizeof(IpcNotification)) &&
                   rx.m.type == MSG_NOTICE && rx.m.senderId == 0 && rx.n.senderId == self &&
                   rx.n.jobId == 0x99 && rx.n.value == 5);
    CHECK(141, api->IpcReceivePoll(&rx.m, sizeof(rx), &env) == E_AGAIN);
    return 0;
}

int main(const KernelApi *api, int argc, char **argv)
{
    uint32_t *page, *leaked, t0;
    uint8_t *block;
    volatile uint16_t *vga;

    CHECK(1, api->version == KERNEL_API_VERSION && api->size == sizeof(KernelApi));
    CHECK(2, argc == 3 && StrEq(argv[0], "tests/kapitest") && StrEq(argv[1], "hello"));
    page = api->MemAllocatePage();
    CHECK(3, page != 0 && page[0] == 0 && page[1023] == 0);
    page[0] = 0x1234;
    api->MemFreePage(page);
    leaked = api->MemAllocatePage();            // never freed: the kernel must
    CHECK(4, leaked != 0);
    block = api->kmalloc(10000);
    CHECK(5, block != 0 && ((uintptr_t)block & 15) == 0);
    for (int i = 0; i < 10000; i++)
        block[i] = (uint8_t)i;
    CHECK(6, block[9999] == (uint8_t)9999);
    api->kfree(block);
    CHECK(7, api->kmalloc(100) != 0);           // leaked on purpose
    t0 = api->UptimeMs();
    api->Sleep(30);
    CHECK(8, api->UptimeMs() - t0 >= 30 && api->UptimeMs() - t0 <= 50);
    CHECK(9, api->Wake(api->GetPid()) == 0);    // a wake before the block...
    api->Block();                               // ...makes this return at once
    CHECK(10, api->Wake(0xfffffff0u) != 0);
    t0 = api->UptimeMs();
    CHECK(17, api->Wake(api->GetPid()) == 0);   // a wake ends a sleep early:
    api->Sleep(2000);                           // a driver's bounded IRQ wait
    CHECK(18, api->UptimeMs() - t0 < 100);
    vga = api->MapDevice(0xb8000, 4000);        // leaked on purpose too
    CHECK(11, vga != 0);
    vga[79] = 0x0700 | 'K';
    CHECK(12, vga[79] == (0x0700 | 'K'));
    CHECK(13, api->MapDevice(0xfffff000u, 0x2000) == 0);   // wraps past 4 GiB
    api->OutByte(0x70, 0x00);                   // CMOS seconds register
    CHECK(14, api->InByte(0x71) < 0x60);
    CHECK(15, api->IrqRegister(0, (void (*)(void))0) != 0); // no handler
    CHECK(16, api->IrqRegister(99, (void (*)(void))main) != 0);
    CHECK(19, IpcHandles(api) == 0);
    CHECK(20, Grants(api, Number(argv[2])) == 0);
    api->Print("kapitest: all checks passed\n");
    return 0;
}
