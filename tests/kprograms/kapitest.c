// A kernel-mode program that exercises the KernelApi and exits 0 when
// every call behaved: pages, heap blocks, sleep, Block/Wake (and a Wake
// ending a Sleep), device mapping (the VGA text buffer), ports, and its
// arguments, connected handles and IpcReplyWait. Leaves some of
// what it took unfreed on purpose: the kernel must give it all back.
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

int main(const KernelApi *api, int argc, char **argv)
{
    uint32_t *page, *leaked, t0;
    uint8_t *block;
    volatile uint16_t *vga;

    CHECK(1, api->version == KERNEL_API_VERSION && api->size == sizeof(KernelApi));
    CHECK(2, argc == 2 && StrEq(argv[0], "tests/kapitest") && StrEq(argv[1], "hello"));
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
    api->Print("kapitest: all checks passed\n");
    return 0;
}
