// Console input: COM1 and the PS/2 keyboard, through one ring of raw bytes.
//
// The interrupt handlers only move bytes into the ring (the keyboard's
// already turned into ASCII by keyboard.c) and wake the "console-input"
// thread. Only the server may answer its readers, so the news has to reach
// it as a request: the input thread sends CONSOLE_MSG_INPUT to
// CONSOLE_INPUT_NAME, which wakes the server in IpcReceive, and the server
// takes the bytes out with ConsoleInputTake when it has readers for them.
//
// No byte is lost. When the ring is full, the serial handler turns the
// UART's receive interrupt off and leaves the rest in the UART, which then
// accepts no more (QEMU holds piped input back); the keyboard handler
// leaves its scancode in the controller, which sends nothing else until it
// is read. Taking a byte out makes room and restarts both.
//
// The ring is filled by the handlers and emptied by the server, each with
// interrupts off: on one CPU that is the lock.
//
// While input:keyboard has a listener (keys.c) the keyboard handler turns
// each key into an InputEvent in a queue of its own instead (bounded: the
// oldest is dropped), and wakes the input thread the same way; the serial
// line still goes into the ring.
//
// The 8042 controller also serves the PS/2 mouse (its aux port): a byte
// whose status says it came from the mouse (bit 5) is left for the mouse
// driver when one holds IRQ 12, which the controller raises for that
// byte; with no mouse driver it is read and dropped, so a stray mouse
// byte never blocks the keyboard. Since the controller raises no IRQ 1
// while a mouse byte waits, the server also looks at it after every
// request (ConsoleInputPoll): a mouse that goes on sending after its
// driver has ended cannot stop the keyboard for long.
#include <stddef.h>
#include <clanker/error.h>
#include <arch/x86/cpu.h>
#include <arch/x86/irq.h>
#include <kernel/ipc/ipc.h>
#include <kernel/mm/kheap.h>
#include <kernel/proc/process.h>
#include <kernel/proc/sched.h>
#include <kernel/services/console.h>
#include <lib/inputqueue.h>

#define COM1            0x3f8
#define REG_DATA        0
#define REG_IRQ_ENABLE  1
#define REG_MODEM_CTRL  4
#define REG_LINE_STAT   5
#define IER_RECEIVED    0x01        // "received data available"
#define MCR_DTR_RTS_OUT2 0x0b       // OUT2 connects the UART's interrupt line
#define LSR_DATA_READY  0x01
#define IRQ_COM1        4

#define KBD_DATA        0x60
#define KBD_STATUS      0x64
#define KBD_OUTPUT_FULL 0x01
#define KBD_FROM_MOUSE  0x20
#define KBD_FLUSH_MAX   16          // bounded: a missing controller reads 0xff
#define IRQ_KEYBOARD    1
#define IRQ_MOUSE       12

#define KNOCK_RETRY_MS  10

static uint8_t ring[CONSOLE_RING_SIZE];
static uint32_t ringHead, ringCount;    // the oldest byte, bytes held
static int serialHeld, keyboardHeld;    // input left in the device for lack of room
static KeyboardState keyboard;
static WaitQueue inputWaiters;          // the input thread, between knocks
static int inputArrived;
static int keysListened;                // keys become events (ConsoleKeysListen)
static int keysArrived;                 // an event was queued since the last knock
static InputQueue keys;

// Add a byte; the caller has checked there is room. Interrupts off.
static void RingPut(uint8_t byte)
{
    ring[(ringHead + ringCount++) % CONSOLE_RING_SIZE] = byte;
}

// Move what the UART holds into the ring, as far as there is room; when
// there is none, turn its receive interrupt off. Interrupts off.
static void SerialReceive(void)
{
    while (InByte(COM1 + REG_LINE_STAT) & LSR_DATA_READY) {
        if (ringCount == CONSOLE_RING_SIZE) {
            OutByte(COM1 + REG_IRQ_ENABLE, 0);
            serialHeld = 1;
            return;
        }
        RingPut(InByte(COM1 + REG_DATA));
    }
}

// A scancode for the listener: its event, if it completes a key, queued.
// Interrupts off.
static void KeyEvent(uint8_t scancode)
{
    KeyboardEvent key;
    InputEvent e = { .type = INPUT_EVENT_KEY };

    if (!KeyboardDecode(&keyboard, scancode, &key))
        return;
    e.key = key.key;
    e.flags = key.flags;
    e.time = (uint32_t)(SchedTicks() * (1000 / SCHED_HZ));
    InputQueuePut(&keys, &e);
    keysArrived = 1;
}

// Take the controller's byte, if it has one for us and there is room.
// Interrupts off.
static void KeyboardReceive(void)
{
    uint8_t status = InByte(KBD_STATUS), c;

    if (!(status & KBD_OUTPUT_FULL))
        return;
    if (status & KBD_FROM_MOUSE) {
        if (IrqAvailable(IRQ_MOUSE) != E_BUSY)
            (void)InByte(KBD_DATA);         // not ours, and nobody else takes it
        return;
    }
    if (keysListened) {
        KeyEvent(InByte(KBD_DATA));
        return;
    }
    if (ringCount == CONSOLE_RING_SIZE) {
        keyboardHeld = 1;
        return;
    }
    c = KeyboardTranslate(&keyboard, InByte(KBD_DATA));
    if (c)
        RingPut(c);
}

// Wake the input thread if the ring holds anything. Interrupts off.
static void Signal(void)
{
    if (ringCount == 0 && !keysArrived)
        return;
    keysArrived = 0;
    inputArrived = 1;
    SchedWakeAll(&inputWaiters);
}

// IRQ 4 and IRQ 1: bytes into the ring, then wake the input thread.
static void SerialIrq(uint8_t irq)
{
    (void)irq;
    SerialReceive();
    Signal();
}

static void KeyboardIrq(uint8_t irq)
{
    (void)irq;
    KeyboardReceive();
    Signal();
}

// Restart input that was held back for lack of room. Interrupts off.
static void Resume(void)
{
    if (serialHeld) {
        serialHeld = 0;
        SerialReceive();
        if (!serialHeld)
            OutByte(COM1 + REG_IRQ_ENABLE, IER_RECEIVED);
    }
    if (keyboardHeld) {
        keyboardHeld = 0;
        KeyboardReceive();
    }
}

void ConsoleInputPoll(void)
{
    uint32_t flags = CpuSave();

    KeyboardReceive();
    Signal();
    CpuRestore(flags);
}

int ConsoleInputTake(uint8_t *byte)
{
    uint32_t flags = CpuSave();
    int got = ringCount > 0;

    if (got) {
        *byte = ring[ringHead];
        ringHead = (ringHead + 1) % CONSOLE_RING_SIZE;
        ringCount--;
        Resume();
    }
    CpuRestore(flags);
    return got;
}

int ConsoleInputCut(uint8_t mark, int toLine, int *fromOldest)
{
    uint32_t flags = CpuSave(), at, start, removed;

    for (at = 0; at < ringCount && ring[(ringHead + at) % CONSOLE_RING_SIZE] != mark; at++)
        ;
    if (at == ringCount) {
        CpuRestore(flags);
        return 0;
    }
    start = at;
    while (toLine && start > 0) {
        uint8_t before = ring[(ringHead + start - 1) % CONSOLE_RING_SIZE];
        if (before == '\r' || before == '\n')
            break;
        start--;
    }
    *fromOldest = start == 0;
    removed = at - start + 1;
    for (uint32_t i = start; i + removed < ringCount; i++)
        ring[(ringHead + i) % CONSOLE_RING_SIZE] = ring[(ringHead + i + removed) % CONSOLE_RING_SIZE];
    ringCount -= removed;
    Resume();
    CpuRestore(flags);
    return 1;
}

void ConsoleKeysListen(int on)
{
    uint32_t flags = CpuSave();

    keysListened = on;
    InputQueueClear(&keys);
    Resume();                   // a scancode left in the controller for lack of room
    CpuRestore(flags);
}

uint32_t ConsoleKeysTake(InputEvent *out, uint32_t max)
{
    uint32_t flags = CpuSave(), n = InputQueueTake(&keys, out, max);

    CpuRestore(flags);
    return n;
}

uint32_t ConsoleKeysTakeText(char *out, uint32_t capacity)
{
    uint32_t flags = CpuSave(), n = InputQueueTakeText(&keys, out, capacity);

    CpuRestore(flags);
    return n;
}

void ConsoleKeysStatus(InputStatus *out)
{
    uint32_t flags = CpuSave();

    *out = (InputStatus){ .queued = keys.count, .events = keys.total, .dropped = keys.dropped };
    CpuRestore(flags);
}

// Block the input thread until a handler has put something in the ring.
static void WaitForInput(void)
{
    uint32_t flags = CpuSave();

    while (!inputArrived)
        SchedBlock(&inputWaiters);
    inputArrived = 0;
    CpuRestore(flags);
}

// Tell the server input has arrived; retry while it cannot take the
// request (its queue full, or out of memory).
static void Knock(void)
{
    for (;;) {
        Message *request = kmalloc(MESSAGE_HEADER_SIZE), *reply = NULL;

        if (request) {
            *request = (Message){ .type = CONSOLE_MSG_INPUT, .length = MESSAGE_HEADER_SIZE };
            if (IpcCall(CONSOLE_INPUT_NAME, request, 0, &reply) == 0) {
                kfree(reply);
                return;
            }
        }
        SchedSleep(KNOCK_RETRY_MS);
    }
}

// The input thread: one knock on the server per wake-up.
static void InputMain(void *arg)
{
    (void)arg;
    for (;;) {
        WaitForInput();
        Knock();
    }
}

// Connect both devices' interrupts and take what they already hold.
// Interrupts off.
static void EnableDevices(void)
{
    for (int i = 0; i < KBD_FLUSH_MAX && (InByte(KBD_STATUS) & KBD_OUTPUT_FULL); i++)
        (void)InByte(KBD_DATA);             // keys pressed during boot
    IrqRegister(IRQ_KEYBOARD, KeyboardIrq);
    IrqRegister(IRQ_COM1, SerialIrq);
    OutByte(COM1 + REG_MODEM_CTRL, MCR_DTR_RTS_OUT2);
    OutByte(COM1 + REG_IRQ_ENABLE, IER_RECEIVED);
    SerialReceive();
    Signal();
}

int ConsoleInputStart(void)
{
    uint32_t flags = CpuSave();
    Process *p = ProcessCreateDaemon("console-input", InputMain, NULL);
    int result = p ? (int)p->pid : E_NOMEM;

    if (p)
        EnableDevices();
    CpuRestore(flags);
    return result;
}
