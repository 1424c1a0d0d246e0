// Host unit tests for the input devices' queue (lib/inputqueue.c) and
// protocol (lib/inputserver.c): dropping the oldest, the text lines, and
// every request with its checks, one listener, its notices and its end,
// against a device made of a queue here.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <clanker/error.h>
#include <clanker/fs.h>
#include <lib/inputqueue.h>
#include <lib/inputserver.h>

static InputEvent Mouse(int dx, int dy, uint32_t buttons, uint32_t time)
{
    return (InputEvent){ .type = INPUT_EVENT_MOUSE, .dx = dx, .dy = dy, .buttons = buttons,
                         .time = time };
}

static InputEvent Key(uint32_t key, uint32_t flags, uint32_t time)
{
    return (InputEvent){ .type = INPUT_EVENT_KEY, .key = key, .flags = flags, .time = time };
}

// --- the queue ---------------------------------------------------------------

static void TestQueueOrderAndDrops(void **state)
{
    static InputQueue q;
    InputEvent e, out[INPUT_QUEUE_MAX];

    (void)state;
    InputQueueInit(&q);
    assert_int_equal(InputQueueTake(&q, out, 4), 0);
    for (int i = 0; i < INPUT_QUEUE_MAX + 5; i++) {
        e = Mouse(i, -i, 0, (uint32_t)i);
        InputQueuePut(&q, &e);
    }
    assert_int_equal(q.count, INPUT_QUEUE_MAX);
    assert_int_equal(q.total, INPUT_QUEUE_MAX + 5);
    assert_int_equal(q.dropped, 5);
    assert_int_equal(InputQueueTake(&q, out, 3), 3);
    assert_int_equal(out[0].dx, 5);             // the five oldest went
    assert_int_equal(out[2].dx, 7);
    assert_int_equal(InputQueueTake(&q, out, INPUT_QUEUE_MAX), INPUT_QUEUE_MAX - 3);
    assert_int_equal(out[0].dx, 8);
    assert_int_equal(out[INPUT_QUEUE_MAX - 4].dx, INPUT_QUEUE_MAX + 4);
    assert_int_equal(q.count, 0);
    e = Key('a', 0, 1);
    InputQueuePut(&q, &e);
    InputQueueClear(&q);
    assert_int_equal(q.count, 0);
    assert_int_equal(q.total, INPUT_QUEUE_MAX + 6);
}

static void TestEventText(void **state)
{
    char line[INPUT_LINE_MAX + 1];
    InputEvent e;

    (void)state;
    e = Mouse(10, -20, INPUT_BUTTON_LEFT | INPUT_BUTTON_MIDDLE, 1234);
    assert_int_equal(InputEventText(&e, line, sizeof(line)), 35);
    assert_string_equal(line, "mouse 10 -20 buttons 0x5 time 1234\n");
    e = Key('a', INPUT_MOD_SHIFT, 7);
    InputEventText(&e, line, sizeof(line));
    assert_string_equal(line, "key 0x61 press mods 0x1 time 7\n");
    e = Key(KEY_UP, INPUT_KEY_RELEASED | INPUT_MOD_CTRL, 8);
    InputEventText(&e, line, sizeof(line));
    assert_string_equal(line, "key 0x101 release mods 0x2 time 8\n");
    // The longest lines fit INPUT_LINE_MAX.
    e = Mouse(INT32_MIN, INT32_MIN, 0xffffffffu, 0xffffffffu);
    assert_true(InputEventText(&e, line, sizeof(line)) <= INPUT_LINE_MAX);
    assert_int_equal(line[strlen(line) - 1], '\n');
    e = Key(0xffffffffu, 0xffffffffu, 0xffffffffu);
    assert_true(InputEventText(&e, line, sizeof(line)) <= INPUT_LINE_MAX);
    assert_int_equal(line[strlen(line) - 1], '\n');
}

// Text takes whole lines only, as many as fit, and leaves the rest.
static void TestTakeText(void **state)
{
    static InputQueue q;
    char text[256];
    InputEvent e;
    uint32_t n;

    (void)state;
    InputQueueInit(&q);
    e = Mouse(1, 2, 0, 3);          // "mouse 1 2 buttons 0x0 time 3\n": 29 bytes
    for (int i = 0; i < 4; i++)
        InputQueuePut(&q, &e);
    assert_int_equal(InputQueueTakeText(&q, text, 28), 0);
    assert_int_equal(q.count, 4);
    n = InputQueueTakeText(&q, text, 60);
    assert_int_equal(n, 58);
    assert_int_equal(q.count, 2);
    assert_memory_equal(text, "mouse 1 2 buttons 0x0 time 3\nmouse 1 2 buttons 0x0 time 3\n", 58);
    assert_int_equal(InputQueueTakeText(&q, text, sizeof(text)), 58);
    assert_int_equal(InputQueueTakeText(&q, text, sizeof(text)), 0);
}

// --- the protocol -------------------------------------------------------------

typedef struct Device {
    InputQueue queue;
    uint32_t listening;             // the pid Listen was told of
    int listens;                    // calls of Listen
    int notifyResult;               // what Notify answers
    int notices;
    uint32_t noticePid, noticeJob;
    int32_t noticeValue;
} Device;

static Device dev;

static uint32_t Take(void *c, InputEvent *out, uint32_t max)
{
    return InputQueueTake(&((Device *)c)->queue, out, max);
}

static uint32_t TakeText(void *c, char *out, uint32_t capacity)
{
    return InputQueueTakeText(&((Device *)c)->queue, out, capacity);
}

static void Status(void *c, InputStatus *out)
{
    Device *d = c;

    *out = (InputStatus){ d->queue.count, d->queue.total, d->queue.dropped, 99, 0 };
}

static void Listen(void *c, uint32_t pid)
{
    Device *d = c;

    d->listening = pid;
    d->listens++;
    InputQueueClear(&d->queue);
}

static int Notify(void *c, uint32_t pid, uint32_t job, int32_t value)
{
    Device *d = c;

    if (d->notifyResult)
        return d->notifyResult;
    d->notices++;
    d->noticePid = pid, d->noticeJob = job, d->noticeValue = value;
    return 0;
}

static InputServer server;

static int Setup(void **state)
{
    (void)state;
    memset(&dev, 0, sizeof(dev));
    InputQueueInit(&dev.queue);
    server = (InputServer){ "input:test:", 0x1e0000ffu, { 0, 0 }, &dev, Take, TakeText, Status,
                            Listen, Notify };
    return 0;
}

static union {
    Message message;
    uint8_t bytes[MESSAGE_HEADER_SIZE + 8192];
} replyBuffer, requestBuffer;

// Send a request (type, payload) from sender to name; the handler's
// result, with the reply in replyBuffer.
static int Send(const char *name, uint32_t sender, uint32_t type, const void *payload,
                uint32_t size, uint32_t replyCapacity)
{
    IpcEnvelope envelope = { 0 };
    ServerRequest r;

    snprintf(envelope.name, sizeof(envelope.name), "%s", name);
    requestBuffer.message = (Message){ type, MESSAGE_HEADER_SIZE + size, sender, 1 };
    if (size)
        memcpy(requestBuffer.message.data, payload, size);
    replyBuffer.message = (Message){ MSG_RESPONSE, MESSAGE_HEADER_SIZE, 0, 1 };
    r = (ServerRequest){ &requestBuffer.message, &envelope, sender, &replyBuffer.message,
                         replyCapacity, 0 };
    return InputServerRequest(&server, &r);
}

static int Call(uint32_t sender, uint32_t type, const void *payload, uint32_t size)
{
    return Send("input:test:", sender, type, payload, size, sizeof(replyBuffer));
}

static void Put(InputEvent e)
{
    InputQueuePut(&dev.queue, &e);
}

static uint32_t ReplyLength(void)
{
    return MessageDataLength(&replyBuffer.message);
}

static void TestBadRequests(void **state)
{
    uint32_t word = 0;
    FsIo io = { 0, 100, 0 }, handle = { 2, 100, 0 };
    uint8_t five[5] = { 0 };

    (void)state;
    assert_int_equal(Send("input:test:x", 5, MSG_READ, NULL, 0, sizeof(replyBuffer)), E_NOENT);
    assert_int_equal(Send("input:tes", 5, MSG_QUERY, NULL, 0, sizeof(replyBuffer)), E_NOENT);
    assert_int_equal(Call(5, MSG_WRITE, &io, sizeof(io)), E_INVAL);
    assert_int_equal(Call(5, MSG_LIST, NULL, 0), E_INVAL);
    assert_int_equal(Call(5, MSG_READ, &word, sizeof(word)), E_INVAL);
    assert_int_equal(Call(5, MSG_READ, five, sizeof(five)), E_INVAL);
    assert_int_equal(Call(5, MSG_READ, &handle, sizeof(handle)), E_BADF);
    assert_int_equal(Call(5, MSG_QUERY, &word, sizeof(word)), E_INVAL);
    assert_int_equal(Call(5, INPUT_MSG_SUBSCRIBE, &word, sizeof(word)), E_INVAL);
    assert_int_equal(Call(5, INPUT_MSG_UNSUBSCRIBE, &word, sizeof(word)), E_INVAL);
    assert_int_equal(Call(5, INPUT_MSG_UNSUBSCRIBE, NULL, 0), E_PERM);
    assert_int_equal(server.listener.pid, 0);
    assert_int_equal(dev.listens, 0);           // nothing reached the device
}

// No listener: anyone reads what is queued; the text form for `cat`.
static void TestReadWithoutListener(void **state)
{
    FsIo io = { 0, 4096, 0 };
    InputEvent out[3];

    (void)state;
    assert_int_equal(Call(5, MSG_READ, NULL, 0), 0);
    assert_int_equal(ReplyLength(), 0);
    Put(Mouse(1, 2, 0, 10));
    Put(Mouse(-3, 4, 1, 11));
    Put(Key('x', 0, 12));
    assert_int_equal(Call(7, MSG_READ, NULL, 0), 0);
    assert_int_equal(ReplyLength(), 3 * sizeof(InputEvent));
    memcpy(out, replyBuffer.message.data, sizeof(out));
    assert_int_equal(out[1].dx, -3);
    assert_int_equal(out[2].key, 'x');
    Put(Mouse(5, 6, 2, 13));
    assert_int_equal(Call(7, MSG_READ, &io, sizeof(io)), 0);
    assert_int_equal(ReplyLength(), strlen("mouse 5 6 buttons 0x2 time 13\n"));
    assert_memory_equal(replyBuffer.message.data, "mouse 5 6 buttons 0x2 time 13\n", ReplyLength());
    assert_int_equal(dev.notices, 0);
}

// A read takes only what fits its reply (the rest stays queued).
static void TestReadFitsTheReply(void **state)
{
    (void)state;
    for (int i = 0; i < 10; i++)
        Put(Mouse(i, 0, 0, 0));
    assert_int_equal(Send("input:test:", 5, MSG_READ, NULL, 0,
                          MESSAGE_HEADER_SIZE + 4 * sizeof(InputEvent) + 3), 0);
    assert_int_equal(ReplyLength(), 4 * sizeof(InputEvent));
    assert_int_equal(dev.queue.count, 6);
}

static void TestOneListener(void **state)
{
    InputStatus status;

    (void)state;
    Put(Mouse(1, 1, 0, 0));
    assert_int_equal(Call(5, INPUT_MSG_SUBSCRIBE, NULL, 0), 0);
    assert_int_equal(dev.listening, 5);
    assert_int_equal(dev.queue.count, 0);       // starts empty
    assert_int_equal(Call(5, INPUT_MSG_SUBSCRIBE, NULL, 0), 0);     // again: nothing changes
    assert_int_equal(dev.listens, 1);
    assert_int_equal(Call(6, INPUT_MSG_SUBSCRIBE, NULL, 0), E_BUSY);
    assert_int_equal(Call(6, MSG_READ, NULL, 0), E_BUSY);
    assert_int_equal(Call(6, INPUT_MSG_UNSUBSCRIBE, NULL, 0), E_PERM);
    assert_int_equal(Call(6, MSG_QUERY, NULL, 0), 0);
    memcpy(&status, replyBuffer.message.data, sizeof(status));
    assert_int_equal(status.listener, 5);
    assert_int_equal(Call(5, INPUT_MSG_UNSUBSCRIBE, NULL, 0), 0);
    assert_int_equal(dev.listening, 0);
    assert_int_equal(Call(5, INPUT_MSG_UNSUBSCRIBE, NULL, 0), E_PERM);
    assert_int_equal(Call(6, INPUT_MSG_SUBSCRIBE, NULL, 0), 0);
    assert_int_equal(dev.listening, 6);
}

// One notice per batch: sent when events wait and the listener has read
// since the last; none while it has not.
static void TestNotices(void **state)
{
    (void)state;
    InputServerIdle(&server);
    assert_int_equal(dev.notices, 0);           // no listener
    assert_int_equal(Call(5, INPUT_MSG_SUBSCRIBE, NULL, 0), 0);
    InputServerIdle(&server);
    assert_int_equal(dev.notices, 0);           // nothing queued
    assert_true(InputServerListening(&server));
    Put(Key('a', 0, 1));
    Put(Key('a', INPUT_KEY_RELEASED, 2));
    InputServerIdle(&server);
    assert_int_equal(dev.notices, 1);
    assert_int_equal(dev.noticePid, 5);
    assert_int_equal(dev.noticeJob, 0x1e0000ffu);
    assert_int_equal(dev.noticeValue, 2);
    assert_false(InputServerListening(&server));
    Put(Key('b', 0, 3));
    InputServerIdle(&server);
    assert_int_equal(dev.notices, 1);           // told already: it has not read yet
    assert_int_equal(Call(5, MSG_READ, NULL, 0), 0);
    assert_int_equal(ReplyLength(), 3 * sizeof(InputEvent));
    InputServerIdle(&server);
    assert_int_equal(dev.notices, 1);           // read everything: nothing new
    Put(Key('c', 0, 4));
    InputServerIdle(&server);
    assert_int_equal(dev.notices, 2);
    assert_int_equal(dev.noticeValue, 1);
    // A full notice queue: not told, so tried again after the next request.
    assert_int_equal(Call(5, MSG_READ, NULL, 0), 0);
    Put(Key('d', 0, 5));
    dev.notifyResult = E_AGAIN;
    InputServerIdle(&server);
    assert_true(InputServerListening(&server));
    dev.notifyResult = 0;
    InputServerIdle(&server);
    assert_int_equal(dev.notices, 3);
    // A listener that has gone (E_SRCH) is dropped.
    assert_int_equal(Call(5, MSG_READ, NULL, 0), 0);
    Put(Key('e', 0, 6));
    dev.notifyResult = E_SRCH;
    InputServerIdle(&server);
    assert_int_equal(server.listener.pid, 0);
    assert_int_equal(dev.listening, 0);
}

static void TestListenerEnds(void **state)
{
    (void)state;
    assert_int_equal(Call(5, INPUT_MSG_SUBSCRIBE, NULL, 0), 0);
    InputServerEnded(&server, 6);
    assert_int_equal(server.listener.pid, 5);
    InputServerEnded(&server, 0);
    assert_int_equal(server.listener.pid, 5);
    InputServerEnded(&server, 5);
    assert_int_equal(server.listener.pid, 0);
    assert_int_equal(dev.listening, 0);
    assert_int_equal(Call(6, INPUT_MSG_SUBSCRIBE, NULL, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestQueueOrderAndDrops),
        cmocka_unit_test(TestEventText),
        cmocka_unit_test(TestTakeText),
        cmocka_unit_test_setup(TestBadRequests, Setup),
        cmocka_unit_test_setup(TestReadWithoutListener, Setup),
        cmocka_unit_test_setup(TestReadFitsTheReply, Setup),
        cmocka_unit_test_setup(TestOneListener, Setup),
        cmocka_unit_test_setup(TestNotices, Setup),
        cmocka_unit_test_setup(TestListenerEnds, Setup),
    };

    return cmocka_run_group_tests_name("input", tests, NULL, NULL);
}
