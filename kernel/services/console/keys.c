// input:keyboard — the PS/2 keyboard's events for one listener, served
// by the console's server thread with the input devices' protocol
// (lib/inputserver.c; include/clanker/input.h, docs/display.md).
//
// While a listener lives the keyboard's interrupt handler queues events
// (input.c) instead of typing into the console's input: the text
// console's line editor gets no PS/2 keys, the serial line is untouched.
// The server watches process ends, so a listener that ends is dropped
// and the keys go back to the console at once. The notice a listener
// gets goes out from the Idle hook, which runs after every request, the
// input thread's knocks among them.
#include <stddef.h>
#include <lib/inputserver.h>
#include <kernel/ipc/ipc.h>
#include <kernel/services/console.h>

static uint32_t Take(void *context, InputEvent *out, uint32_t max)
{
    (void)context;
    return ConsoleKeysTake(out, max);
}

static uint32_t TakeText(void *context, char *out, uint32_t capacity)
{
    (void)context;
    return ConsoleKeysTakeText(out, capacity);
}

static void Status(void *context, InputStatus *out)
{
    (void)context;
    ConsoleKeysStatus(out);
}

static void Listen(void *context, uint32_t pid)
{
    (void)context;
    ConsoleKeysListen(pid != 0);
}

static int Notify(void *context, uint32_t pid, uint32_t jobId, int32_t value)
{
    (void)context;
    return IpcNotify(pid, jobId, value);
}

static InputServer keys = {
    .prefix = INPUT_KEYBOARD_PREFIX, .noticeJob = INPUT_NOTICE_KEYBOARD,
    .Take = Take, .TakeText = TakeText, .Status = Status, .Listen = Listen, .Notify = Notify,
};

int ConsoleKeysRequest(Server *s, ServerRequest *r)
{
    (void)s;
    return InputServerRequest(&keys, r);
}

void ConsoleKeysIdle(void)
{
    InputServerIdle(&keys);
}

void ConsoleKeysEnded(uint32_t pid)
{
    InputServerEnded(&keys, pid);
}
