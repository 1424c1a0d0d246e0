// A kernel-mode program that hands every KernelApi call that checks its
// input the arguments it must refuse, and exits 0 when each one was
// refused with its error (NULL, or nothing done) and the program lives
// on (tests/kernel/test_kapi.c). After each refusal a valid call of the
// same kind still works, so nothing was left half done. The IRQ line it
// takes is left registered on purpose: the kernel must release it.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/kernelapi.h>
#include <clanker/pci.h>

#define FREE_IRQ   5            // no device of the test machine uses it
#define VGA_TEXT   0xb8000u
#define KERNEL_IMAGE 0x100000u  // where the kernel is loaded: RAM the kernel holds

#define CHECK(n, cond)                                              \
    do {                                                            \
        if (!(cond)) {                                              \
            api->Print("kapiargs: check %d failed\n", n);           \
            return n;                                               \
        }                                                           \
    } while (0)

static const KernelApi *api;
static const char *volatile noFormat;  // NULL, out of the compiler's sight

static void Handler(void)
{
}

// The E_* code of a MSG_ERROR reply (and free it), 0 for any other.
static int ReplyError(Message *reply)
{
    int32_t err = 0;

    if (!reply)
        return E_NOMEM;
    if (reply->type == MSG_ERROR && reply->length >= MESSAGE_HEADER_SIZE + 4)
        err = *(const int32_t *)reply->data;
    api->FreeMessage(reply);
    return err;
}

// MapDevice and UnmapDevice: empty, wrapping, too big and RAM ranges are
// refused; an unaligned start keeps its offset; an unmap of anything but
// a whole window of the caller's is ignored.
static int DeviceWindows(void)
{
    uint32_t *page = api->MemAllocatePage(), pa = page ? api->MemPhysical(page) : 0;
    volatile uint16_t *vga, *inside;

    CHECK(1, pa != 0);
    CHECK(2, api->MapDevice(VGA_TEXT, 0) == NULL);
    CHECK(3, api->MapDevice(0xfffff000u, 0x2000) == NULL);          // past 4 GiB
    CHECK(4, api->MapDevice(0xffffffffu, 2) == NULL);
    CHECK(5, api->MapDevice(0xf0000000u, 0x4000000) == NULL);       // more than the window area
    CHECK(6, api->MapDevice(pa, 4096) == NULL);                     // a page of RAM
    CHECK(7, api->MapDevice(pa + 0x10, 16) == NULL);
    CHECK(8, api->MapDevice(KERNEL_IMAGE, 4096) == NULL);           // the kernel image
    api->MemFreePage(page);
    vga = api->MapDevice(VGA_TEXT, 4000);
    inside = api->MapDevice(VGA_TEXT + 0x10, 16);                   // not page-aligned: fine
    CHECK(9, vga != NULL && inside != NULL && ((uintptr_t)inside & 0xfff) == 0x10);
    vga[8] = 0x0700 | 'k';
    CHECK(10, inside[0] == (0x0700 | 'k'));
    api->UnmapDevice((void *)(inside + 0x800), 16);                 // the page after: not its
    api->UnmapDevice((void *)inside, 0);
    api->UnmapDevice((void *)inside, 0x1000);                       // more than it maps
    api->UnmapDevice((void *)0x1000, 16);
    CHECK(11, inside[0] == (0x0700 | 'k'));                         // still mapped
    api->UnmapDevice((void *)inside, 16);
    api->UnmapDevice((void *)vga, 4000);
    return 0;
}

// IrqRegister: lines that do not exist, the cascade, no handler, the
// kernel's own lines and one already taken; IrqUnregister of a line the
// caller does not hold changes nothing.
static int IrqLines(void)
{
    CHECK(20, api->IrqRegister(16, Handler) == E_INVAL);
    CHECK(21, api->IrqRegister(255, Handler) == E_INVAL);
    CHECK(22, api->IrqRegister(2, Handler) == E_INVAL);             // the cascade
    CHECK(23, api->IrqRegister(FREE_IRQ, NULL) == E_INVAL);
    CHECK(24, api->IrqRegister(0, Handler) == E_BUSY);              // the timer: the kernel's
    CHECK(25, api->IrqRegister(1, Handler) == E_BUSY);              // the keyboard: the kernel's
    CHECK(26, api->IrqRegister(FREE_IRQ, Handler) == 0);
    CHECK(27, api->IrqRegister(FREE_IRQ, Handler) == E_BUSY);       // one owner a line
    api->IrqUnregister(1);                                          // not its own: ignored
    api->IrqUnregister(200);
    CHECK(28, api->IrqRegister(1, Handler) == E_BUSY);
    api->IrqUnregister(FREE_IRQ);
    CHECK(29, api->IrqRegister(FREE_IRQ, Handler) == 0);            // left for the kernel to free
    return 0;
}

// PCI configuration addresses with the enable or reserved bits set, or
// not 32-bit aligned, and a missing place for the value.
static int PciAddresses(void)
{
    uint32_t value = 0;

    CHECK(30, api->PciConfigRead(0x80000000u, &value) == E_INVAL);
    CHECK(31, api->PciConfigRead(0x01000000u, &value) == E_INVAL);
    CHECK(32, api->PciConfigRead(PCI_CONFIG_ADDRESS(0, 0, 0, 0) | 2, &value) == E_INVAL);
    CHECK(33, api->PciConfigRead(PCI_CONFIG_ADDRESS(0, 0, 0, 0), NULL) == E_INVAL);
    CHECK(34, api->PciConfigWrite(PCI_CONFIG_ADDRESS(0, 0, 0, 0x40) | 1, 0) == E_INVAL);
    CHECK(35, api->PciConfigRead(PCI_CONFIG_ADDRESS(0, 0, 0, 0), &value) == 0 &&
              value != 0xffffffffu);                                // the host bridge
    return 0;
}

// Pids that name nobody, directories that are nobody's, DMA limits with
// no room for a page, addresses that are not the caller's pages.
static int ProcessesAndPages(void)
{
    uint32_t self = api->GetPid();
    void *block = api->kmalloc(64);

    CHECK(40, api->Wake(0xfffffff0u) == E_SRCH);
    CHECK(41, api->ProcessPageDirectory(0xfffffff0u) == NULL);
    CHECK(42, api->MemSwitchPageDirectory((void *)0x1000) == E_INVAL);
    CHECK(43, api->MemSwitchPageDirectory(api->ProcessPageDirectory(self)) == 0);
    CHECK(44, api->MemSwitchPageDirectory(NULL) == 0);
    CHECK(45, api->ProcessPoke(0xfffffff0u) == E_SRCH);
    CHECK(46, api->ProcessPoke(self) == E_SRCH);                    // not a user process
    CHECK(47, api->MemAllocateDmaPage(0) == NULL && api->MemAllocateDmaPage(4096) == NULL);
    CHECK(48, api->MemPhysical((void *)0x1234) == 0 && api->MemPhysical(block) == 0);
    api->kfree(block);
    return 0;
}

// Prefixes that are no prefixes; messages with no length or too much.
static int Messages(void)
{
    static char longPrefix[NS_NAME_MAX + 8];
    union { Message m; uint8_t bytes[MESSAGE_HEADER_SIZE + 4]; } buffer;
    Message *good = api->CreateMessage(MSG_LIST, 0), bad = { .type = MSG_LIST, .length = 3 };
    uint32_t size;

    for (uint32_t i = 0; i < sizeof(longPrefix) - 2; i++)
        longPrefix[i] = 'a';
    longPrefix[sizeof(longPrefix) - 2] = ':';
    CHECK(50, good != NULL);
    CHECK(51, api->NamespaceRegister(NULL, NULL) == E_INVAL);
    CHECK(52, api->NamespaceRegister("nocolon", NULL) == E_INVAL);
    CHECK(53, api->NamespaceRegister("Upper:", NULL) == E_INVAL);
    CHECK(54, api->NamespaceRegister("kapiargs:half", NULL) == E_INVAL);   // no separator last
    CHECK(55, api->NamespaceRegister(longPrefix, NULL) == E_NAMETOOLONG);
    CHECK(56, api->NamespaceUnregister(NULL) == E_INVAL);
    CHECK(57, api->NamespaceUnregister("kapiargs:") == E_NOENT);
    CHECK(58, api->NamespaceRegister("kapiargs:", NULL) == 0 &&
              api->NamespaceUnregister("kapiargs:") == 0);
    CHECK(60, api->CreateMessage(MSG_PING, MESSAGE_MAX_DATA + 1) == NULL);
    CHECK(61, api->CreateMessage(MSG_PING, 0xffffffffu) == NULL);
    CHECK(62, ReplyError(api->IpcSend("ns:list", NULL, 1000)) == E_FAULT);
    CHECK(63, ReplyError(api->IpcSend("ns:list", &bad, 1000)) == E_MSGSIZE);
    bad.length = MESSAGE_MAX_SIZE + 1;
    CHECK(64, ReplyError(api->IpcSend("ns:list", &bad, 1000)) == E_MSGSIZE);
    CHECK(65, ReplyError(api->IpcSend(NULL, good, 1000)) == E_INVAL);
    CHECK(66, ReplyError(api->IpcSend("nosuch:", good, 1000)) == E_NOENT);
    CHECK(67, ReplyError(api->IpcSend("ns:list", good, 1000)) == 0);
    CHECK(68, api->IpcReply(12345, NULL) == E_FAULT);
    CHECK(69, api->IpcReply(12345, &bad) == E_MSGSIZE);
    CHECK(70, api->IpcReply(12345, good) == E_NOENT);               // no such request
    CHECK(71, api->IpcReceiveInto(&buffer.m, MESSAGE_HEADER_SIZE - 1, NULL) == E_MSGSIZE);
    CHECK(72, api->IpcReceiveInto(NULL, sizeof(buffer), NULL) == E_FAULT);
    CHECK(73, api->IpcReceiveTimeout(NULL, sizeof(buffer), NULL, 10) == E_FAULT);
    CHECK(74, api->IpcWaitNotification(NULL, 10) == E_INVAL);
    CHECK(75, api->IpcNotify(0xfffffff0u, 1, 0) == E_SRCH);
    CHECK(76, api->InitrdImage(NULL) == NULL);
    CHECK(77, api->InitrdImage(&size) != NULL && size > 0);
    CHECK(78, api->Print(noFormat) == E_INVAL);
    api->FreeMessage(good);
    return 0;
}

int main(const KernelApi *kernel, int argc, char **argv)
{
    int failed;

    (void)argc; (void)argv;
    api = kernel;
    if ((failed = DeviceWindows()) != 0 || (failed = IrqLines()) != 0 ||
        (failed = PciAddresses()) != 0 || (failed = ProcessesAndPages()) != 0 ||
        (failed = Messages()) != 0)
        return failed;
    api->Print("kapiargs: all checks passed\n");
    return 0;
}
