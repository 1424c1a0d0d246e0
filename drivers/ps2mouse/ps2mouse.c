// input:mouse — the PS/2 mouse on the 8042 controller's aux port
// (kernel-mode driver).
//
// The 8042 serves the keyboard too: the kernel's console reads it on
// IRQ 1, this driver on IRQ 12. Every byte the controller hands over
// comes with its status: bit 5 set means it came from the aux port, and
// the controller raises IRQ 12 for such a byte and IRQ 1 for a keyboard
// one, so each handler takes only its own and leaves the other's
// (kernel/services/console/input.c leaves mouse bytes alone while this
// driver holds IRQ 12). docs/display.md has the whole arrangement.
//
// At start, with interrupts off so the keyboard's handler takes none of
// the controller's answers, and the keyboard's port held off meanwhile
// (0xad ... 0xae) so no key is taken for an answer: read the
// controller's configuration byte, turn the aux port's clock and
// interrupt on, enable the port, and ask the mouse for its defaults
// (0xf6) and to report (0xf4), each answered by 0xfa. No controller, or
// no mouse answering, is no mouse: the driver ends quietly, the aux
// port's interrupt off again. Then IRQ 12: the handler reads the mouse's bytes, turns
// them into events with the checked packet parser (lib/mousepacket.c:
// bad bytes dropped, resynchronised) and queues them (lib/inputqueue.c,
// the oldest dropped when full). The queue is the handler's and the
// thread's: the thread takes from it with interrupts off.
//
// The thread serves the input devices' protocol (lib/inputserver.c,
// include/clanker/input.h). Its IRQ cannot wake it from a receive, so
// while a listener waits to be told of news the receive waits at most
// NOTICE_POLL_MS, and the notice goes out then.
//
// Run from etc/boot.conf:  kernel drivers/ps2mouse
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/input.h>
#include <clanker/kernelapi.h>
#include <arch/x86/cpu.h>
#include <lib/inputqueue.h>
#include <lib/inputserver.h>
#include <lib/kapi.h>
#include <lib/mousepacket.h>
#include <lib/server.h>
#include <lib/string.h>

#define KBC_DATA        0x60
#define KBC_STATUS      0x64        // read
#define KBC_COMMAND     0x64        // write
#define STATUS_OUTPUT_FULL 0x01     // a byte for the host in KBC_DATA
#define STATUS_INPUT_FULL  0x02     // the controller has not taken the last byte yet
#define STATUS_FROM_AUX    0x20     // the byte came from the aux port
#define STATUS_ABSENT      0xff     // no controller answers

#define CMD_READ_CONFIG  0x20
#define CMD_WRITE_CONFIG 0x60
#define CMD_ENABLE_AUX   0xa8
#define CMD_DISABLE_KBD  0xad
#define CMD_ENABLE_KBD   0xae
#define CMD_TO_AUX       0xd4       // the next data byte goes to the mouse
#define CONFIG_AUX_IRQ       0x02
#define CONFIG_KBD_CLOCK_OFF 0x10
#define CONFIG_AUX_CLOCK_OFF 0x20
#define FLUSH_MAX        16         // bytes left over in the controller

#define MOUSE_SET_DEFAULTS 0xf6
#define MOUSE_ENABLE       0xf4
#define MOUSE_DISABLE      0xf5
#define MOUSE_ACK          0xfa

#define IRQ_MOUSE       12
#define POLL_LIMIT      20000       // status reads before a wait for the controller gives up
#define NOTICE_POLL_MS  10

static const KernelApi *api;
static int config = -1;             // the controller's configuration byte at start
static MouseParser parser;          // the handler's; the thread reads its counters
static InputQueue queue;

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request, reply;

// --- the controller, at start (interrupts off) ----------------------------------

// Wait until the controller takes a byte, then give it. 0 or E_TIMEDOUT.
static int Send(uint16_t port, uint8_t byte)
{
    for (uint32_t i = 0; i < POLL_LIMIT; i++) {
        if (!(api->InByte(KBC_STATUS) & STATUS_INPUT_FULL)) {
            api->OutByte(port, byte);
            return 0;
        }
    }
    return E_TIMEDOUT;
}

// Wait for a byte from the controller (fromAux 0) or the mouse (1).
// Returns it, or E_TIMEDOUT.
static int Receive(int fromAux)
{
    for (uint32_t i = 0; i < POLL_LIMIT; i++) {
        uint8_t status = api->InByte(KBC_STATUS);
        if ((status & STATUS_OUTPUT_FULL) && !!(status & STATUS_FROM_AUX) == fromAux)
            return api->InByte(KBC_DATA);
    }
    return E_TIMEDOUT;
}

// Send a command byte to the mouse and wait for its 0xfa. 0 or an error.
static int MouseCommand(uint8_t command)
{
    int err, answer;

    if ((err = Send(KBC_COMMAND, CMD_TO_AUX)) != 0 || (err = Send(KBC_DATA, command)) != 0)
        return err;
    answer = Receive(1);
    return answer < 0 ? answer : answer == MOUSE_ACK ? 0 : E_IO;
}

// Write the configuration byte, with the keyboard's clock on and the aux
// port's interrupt and clock as auxOn says. 0 or E_TIMEDOUT.
static int WriteConfig(int auxOn)
{
    uint8_t value = (uint8_t)(config & ~CONFIG_KBD_CLOCK_OFF);
    int err;

    value = auxOn ? (uint8_t)((value | CONFIG_AUX_IRQ) & ~CONFIG_AUX_CLOCK_OFF)
                  : (uint8_t)(value & ~CONFIG_AUX_IRQ);
    if ((err = Send(KBC_COMMAND, CMD_WRITE_CONFIG)) != 0)
        return err;
    return Send(KBC_DATA, value);
}

// Stop the mouse's reports and the aux port's interrupt (after a start
// that went wrong part of the way).
static void StopMouse(void)
{
    MouseCommand(MOUSE_DISABLE);
    if (config >= 0)
        WriteConfig(0);
    Send(KBC_COMMAND, CMD_ENABLE_KBD);
}

// Turn the aux port and its interrupt on, and the mouse's reports.
// Returns 0, or an error with the port's interrupt left off.
static int StartMouse(void)
{
    int err;

    if (api->InByte(KBC_STATUS) == STATUS_ABSENT)
        return E_NODEV;
    if ((err = Send(KBC_COMMAND, CMD_DISABLE_KBD)) != 0)
        return err;
    for (int i = 0; i < FLUSH_MAX && (api->InByte(KBC_STATUS) & STATUS_OUTPUT_FULL); i++)
        (void)api->InByte(KBC_DATA);
    if ((err = Send(KBC_COMMAND, CMD_READ_CONFIG)) != 0 || (config = Receive(0)) < 0) {
        err = err ? err : config;
        config = -1;
        Send(KBC_COMMAND, CMD_ENABLE_KBD);
        return err;
    }
    if ((err = WriteConfig(1)) != 0 || (err = Send(KBC_COMMAND, CMD_ENABLE_AUX)) != 0 ||
        (err = Send(KBC_COMMAND, CMD_ENABLE_KBD)) != 0 ||
        (err = MouseCommand(MOUSE_SET_DEFAULTS)) != 0 || (err = MouseCommand(MOUSE_ENABLE)) != 0) {
        StopMouse();
        return err;
    }
    return 0;
}

// --- IRQ 12 ----------------------------------------------------------------------

// The mouse's bytes into events (the handler may call only the port calls,
// Wake and UptimeMs). A keyboard byte is left for IRQ 1.
static void MouseInterrupt(void)
{
    for (uint32_t i = 0; i < MOUSE_PACKET_SIZE; i++) {
        uint8_t status = api->InByte(KBC_STATUS);
        InputEvent e;

        if ((status & (STATUS_OUTPUT_FULL | STATUS_FROM_AUX)) !=
            (STATUS_OUTPUT_FULL | STATUS_FROM_AUX))
            return;
        if (MouseParserFeed(&parser, api->InByte(KBC_DATA), api->UptimeMs(), &e) ==
            MOUSE_FEED_EVENT)
            InputQueuePut(&queue, &e);
    }
}

// --- the device, for the protocol ----------------------------------------------

static uint32_t Take(void *context, InputEvent *out, uint32_t max)
{
    uint32_t flags = CpuSave(), n = InputQueueTake(&queue, out, max);

    (void)context;
    CpuRestore(flags);
    return n;
}

static uint32_t TakeText(void *context, char *out, uint32_t capacity)
{
    uint32_t flags = CpuSave(), n = InputQueueTakeText(&queue, out, capacity);

    (void)context;
    CpuRestore(flags);
    return n;
}

static void Status(void *context, InputStatus *out)
{
    uint32_t flags = CpuSave();

    (void)context;
    *out = (InputStatus){ .queued = queue.count, .events = queue.total,
                          .dropped = queue.dropped, .bad = parser.bad };
    CpuRestore(flags);
}

static void Listen(void *context, uint32_t pid)
{
    uint32_t flags = CpuSave();

    (void)context; (void)pid;
    InputQueueClear(&queue);
    CpuRestore(flags);
}

static int Notify(void *context, uint32_t pid, uint32_t jobId, int32_t value)
{
    (void)context;
    return api->IpcNotify(pid, jobId, value);
}

static InputServer mouse = {
    .prefix = INPUT_MOUSE_PREFIX, .noticeJob = INPUT_NOTICE_MOUSE,
    .Take = Take, .TakeText = TakeText, .Status = Status, .Listen = Listen, .Notify = Notify,
};

static int Request(Server *s, ServerRequest *r)
{
    (void)s;
    return InputServerRequest(&mouse, r);
}

// After every request and timeout: the listener's notice; while it waits
// for one, come back soon.
static uint32_t Idle(Server *s)
{
    (void)s;
    InputServerIdle(&mouse);
    return InputServerListening(&mouse) ? NOTICE_POLL_MS : 0;
}

static void Ended(Server *s, uint32_t pid)
{
    (void)s;
    InputServerEnded(&mouse, pid);
}

static const ServerRoute routes[] = {
    { SERVER_ANY_TYPE, NULL, Request },
};

int main(const KernelApi *kernel, int argc, char **argv)
{
    static ServerPort port;
    static Server server = {
        .name = "ps2mouse", .routes = routes, .routeCount = sizeof(routes) / sizeof(routes[0]),
        .Idle = Idle, .ProcessEnded = Ended, .requestBuffer = &request.message,
        .replyBuffer = &reply.message, .capacity = sizeof(request),
    };
    uint32_t flags;
    int err;

    (void)argc; (void)argv;
    api = kernel;
    MouseParserInit(&parser);
    InputQueueInit(&queue);
    flags = CpuSave();
    err = StartMouse();
    if (!err && (err = api->IrqRegister(IRQ_MOUSE, MouseInterrupt)) != 0)
        StopMouse();
    CpuRestore(flags);
    if (err == E_NODEV || err == E_TIMEDOUT || err == E_IO)
        return 0;                   // no controller or no mouse: nothing to serve, quietly
    if (err) {
        api->Print("ps2mouse: IRQ %d: error %d\n", IRQ_MOUSE, err);
        return 1;
    }
    if (api->IpcWatchExits() != 0 || api->NamespaceRegister(INPUT_MOUSE_PREFIX, NULL) != 0) {
        api->Print("ps2mouse: cannot serve %s\n", INPUT_MOUSE_PREFIX);
        return 1;
    }
    api->Print("ps2mouse: %s: a PS/2 mouse on the 8042's aux port\n", INPUT_MOUSE_NAME);
    port = ServerPortKernelApi(api);
    server.port = &port;
    ServerRun(&server);
}
