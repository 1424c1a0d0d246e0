// inputtest: the input devices' protocol from a client (include/clanker/input.h).
//
//   inputtest listen mouse|keyboard COUNT
//       subscribe, print "inputtest: listening to NAME", then wait for
//       notices (at most 30 s each) and read what they announce until
//       COUNT events came: one line each ("inputtest: " and the event's
//       text), then "inputtest: COUNT events in N notices, dx DX dy DY,
//       buttons B" (the mouse's motion added up, the last buttons) and
//       exit without unsubscribing (the driver drops an ended listener)
//   inputtest errors mouse|keyboard
//       every malformed request and every refusal of the protocol, with
//       a second process (itself, "intruder") trying a listener's device:
//       "inputtest: errors: N passed, M failed"
//   inputtest intruder NAME PARENT   (for errors) exits with the number of
//       checks that failed
#include <clanker/error.h>
#include <clanker/fs.h>
#include <clanker/input.h>
#include <lib/format.h>
#include <lib/inputqueue.h>
#include <lib/string.h>
#include <lib/user.h>

#define NOTICE_TIMEOUT_MS 30000
#define SELF              "fs:root:bin/inputtest"

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} reply;

static int passed, failed;

static void Expect(const char *what, int got, int want)
{
    if (got == want) {
        passed++;
        return;
    }
    failed++;
    Print("inputtest: FAIL %s: got %d, wanted %d\n", what, got, want);
}

// A request of type with payload (size bytes) to name: the reply's
// payload length, or the E_* code.
static int Call(const char *name, uint32_t type, const void *payload, uint32_t size)
{
    return IpcCallInto(name, type, payload, size, &reply.message, sizeof(reply));
}

static const char *DeviceName(const char *which)
{
    if (strcmp(which, "mouse") == 0)
        return INPUT_MOUSE_NAME;
    if (strcmp(which, "keyboard") == 0)
        return INPUT_KEYBOARD_NAME;
    return NULL;
}

static int Listen(const char *name, int count)
{
    uint32_t job = strcmp(name, INPUT_MOUSE_NAME) == 0 ? INPUT_NOTICE_MOUSE : INPUT_NOTICE_KEYBOARD;
    int events = 0, notices = 0, err;
    int32_t dx = 0, dy = 0;
    uint32_t buttons = 0;

    if ((err = Call(name, INPUT_MSG_SUBSCRIBE, NULL, 0)) < 0) {
        Print("inputtest: %s: subscribe: error %d\n", name, err);
        return 1;
    }
    Print("inputtest: listening to %s\n", name);
    while (events < count) {
        IpcNotification n;
        int length;

        if ((err = IpcWaitNotification(&n, NOTICE_TIMEOUT_MS)) != 0) {
            Print("inputtest: %s: no notice (error %d) after %d events\n", name, err, events);
            return 1;
        }
        if (n.jobId != job || n.value <= 0) {
            Print("inputtest: %s: a notice of job 0x%x value %d\n", name, (unsigned)n.jobId,
                  (int)n.value);
            return 1;
        }
        notices++;
        if ((length = Call(name, MSG_READ, NULL, 0)) < 0 || length % sizeof(InputEvent) != 0) {
            Print("inputtest: %s: read: %d\n", name, length);
            return 1;
        }
        for (uint32_t i = 0; i < (uint32_t)length / sizeof(InputEvent); i++) {
            InputEvent e;
            char line[INPUT_LINE_MAX + 1];

            memcpy(&e, reply.message.data + i * sizeof(e), sizeof(e));
            InputEventText(&e, line, sizeof(line));
            Print("inputtest: %s", line);
            dx += e.dx;
            dy += e.dy;
            buttons = e.type == INPUT_EVENT_MOUSE ? e.buttons : buttons;
            events++;
        }
    }
    Print("inputtest: %d events in %d notices, dx %d dy %d, buttons %u\n", events, notices,
          (int)dx, (int)dy, (unsigned)buttons);
    return 0;
}

// What a second process may not do while the parent listens.
static int Intruder(const char *name, uint32_t parent)
{
    InputStatus status;

    Expect("intruder: subscribe", Call(name, INPUT_MSG_SUBSCRIBE, NULL, 0), E_BUSY);
    Expect("intruder: read", Call(name, MSG_READ, NULL, 0), E_BUSY);
    Expect("intruder: unsubscribe", Call(name, INPUT_MSG_UNSUBSCRIBE, NULL, 0), E_PERM);
    Expect("intruder: query", Call(name, MSG_QUERY, NULL, 0), (int)sizeof(status));
    memcpy(&status, reply.message.data, sizeof(status));
    Expect("intruder: the listener is the parent", (int)status.listener, (int)parent);
    return failed;
}

static int Errors(const char *name)
{
    char prefix[64], other[64], parent[16];
    FsIo io = { 0, 4096, 0 }, badHandle = { 3, 4096, 0 };
    uint32_t word = 0;
    InputStatus status;
    const char *argv[5];
    int pid, result = -1;

    Format(prefix, sizeof(prefix), "%s:", name);
    Format(other, sizeof(other), "%s:other", name);
    Expect("subscribe with a payload", Call(name, INPUT_MSG_SUBSCRIBE, &word, 4), E_INVAL);
    Expect("unsubscribe with a payload", Call(name, INPUT_MSG_UNSUBSCRIBE, &word, 4), E_INVAL);
    Expect("unsubscribe without being the listener", Call(name, INPUT_MSG_UNSUBSCRIBE, NULL, 0),
           E_PERM);
    Expect("read with 4 bytes", Call(name, MSG_READ, &word, 4), E_INVAL);
    Expect("read with an FsIo of handle 3", Call(name, MSG_READ, &badHandle, sizeof(badHandle)),
           E_BADF);
    Expect("query with a payload", Call(name, MSG_QUERY, &word, 4), E_INVAL);
    Expect("a write", Call(name, MSG_WRITE, &io, sizeof(io)), E_INVAL);
    Expect("another name under the prefix", Call(other, MSG_READ, NULL, 0), E_NOENT);
    Expect("the prefix itself reads", Call(prefix, MSG_QUERY, NULL, 0), (int)sizeof(status));
    Expect("subscribe", Call(name, INPUT_MSG_SUBSCRIBE, NULL, 0), 0);
    Expect("subscribe again", Call(name, INPUT_MSG_SUBSCRIBE, NULL, 0), 0);
    Expect("the listener reads (nothing yet or some events)",
           Call(name, MSG_READ, NULL, 0) % (int)sizeof(InputEvent), 0);
    Expect("the listener reads text", Call(name, MSG_READ, &io, sizeof(io)) >= 0, 1);
    Format(parent, sizeof(parent), "%d", SysGetPid());
    argv[0] = SELF; argv[1] = "intruder"; argv[2] = name; argv[3] = parent; argv[4] = NULL;
    pid = SysSpawn(SELF, argv);
    if (pid > 0)
        SysWait(pid, &result);
    Expect("a second process is refused everything but a query", result, 0);
    Expect("unsubscribe", Call(name, INPUT_MSG_UNSUBSCRIBE, NULL, 0), 0);
    Expect("unsubscribe again", Call(name, INPUT_MSG_UNSUBSCRIBE, NULL, 0), E_PERM);
    Expect("query after", Call(name, MSG_QUERY, NULL, 0), (int)sizeof(status));
    memcpy(&status, reply.message.data, sizeof(status));
    Expect("no listener left", (int)status.listener, 0);
    Print("inputtest: errors: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

int main(int argc, char **argv, char **envp)
{
    const char *name = argc > 2 ? DeviceName(argv[2]) : NULL;
    int count = 0, parent = 0;

    (void)envp;
    if (argc == 4 && strcmp(argv[1], "listen") == 0 && name && ParseInt(argv[3], &count) == 0 &&
        count > 0)
        return Listen(name, count);
    if (argc == 3 && strcmp(argv[1], "errors") == 0 && name)
        return Errors(name);
    if (argc == 4 && strcmp(argv[1], "intruder") == 0 && ParseInt(argv[3], &parent) == 0)
        return Intruder(argv[2], (uint32_t)parent);
    Print("usage: inputtest listen mouse|keyboard COUNT | errors mouse|keyboard\n");
    return 2;
}
