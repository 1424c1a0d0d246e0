// The console: server through IPC, as a client sees it: every malformed
// request is refused with E_INVAL (or E_BADF for a handle), a write is
// counted, a stat names a device, and a read with no input waits. Also
// the requests system:poweroff refuses (a write would end the suite).
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <lib/string.h>
#include <kernel/ipc/ipc.h>
#include <kernel/mm/kheap.h>
#include <kernel/services/console.h>
#include "ktest.h"

#define TIMEOUT_MS 1000

static uint8_t payload[sizeof(FsIo) + 64];
static uint8_t answer[64];
static uint32_t answerLength;

// Send type with length bytes of payload to name; returns the error (from
// the IPC or a MSG_ERROR reply), the reply's data in answer.
static int Send(const char *name, uint32_t type, uint32_t length, uint32_t timeoutMs)
{
    Message *request = kmalloc(MESSAGE_HEADER_SIZE + length), *reply;
    int err;

    KTEST_ASSERT(request != NULL);
    *request = (Message){ .type = type, .length = MESSAGE_HEADER_SIZE + length };
    memcpy(request->data, payload, length);
    err = IpcCall(name, request, timeoutMs, &reply);
    if (err)
        return err;
    answerLength = MessageDataLength(reply);
    if (answerLength <= sizeof(answer))
        memcpy(answer, reply->data, answerLength);
    if (reply->type == MSG_ERROR)
        memcpy(&err, reply->data, 4);
    kfree(reply);
    return err;
}

// Put an FsIo at the start of payload; returns its size.
static uint32_t SetIo(int32_t handle, uint32_t length)
{
    FsIo io = { .handle = handle, .length = length, .offset = 0 };

    memcpy(payload, &io, sizeof(io));
    return sizeof(io);
}

KTEST(ConsoleRefusesMalformedRequests)
{
    SetIo(0, 16);
    KTEST_ASSERT_EQ(Send("console:", MSG_READ, 0, TIMEOUT_MS), E_INVAL);        // empty
    KTEST_ASSERT_EQ(Send("console:", MSG_READ, sizeof(FsIo) - 1, TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", MSG_READ, sizeof(FsIo) + 1, TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", MSG_WRITE, 8, TIMEOUT_MS), E_INVAL);      // short FsIo
    KTEST_ASSERT_EQ(Send("console:", MSG_READ, SetIo(0, FS_IO_MAX + 1), TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", MSG_READ, SetIo(0, 0xffffffffu), TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", MSG_READ, SetIo(0, 0), TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", MSG_WRITE, SetIo(0, FS_IO_MAX + 1), TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", MSG_WRITE, SetIo(0, 0xfffffff0u), TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", MSG_WRITE, SetIo(0, 5) + 4, TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", MSG_WRITE, SetIo(0, 5) + 6, TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", MSG_STAT, 3, TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", MSG_PING, 0, TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", MSG_OPEN, 4, TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", MSG_TYPE_LIMIT + 7, 0, TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", 0xffffffffu, 0, TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_INPUT, 0, TIMEOUT_MS), E_INVAL);  // not from its thread
}

KTEST(ConsoleRefusesHandles)
{
    KTEST_ASSERT_EQ(Send("console:", MSG_READ, SetIo(3, 16), TIMEOUT_MS), E_BADF);
    KTEST_ASSERT_EQ(Send("console:", MSG_WRITE, SetIo(-1, 0), TIMEOUT_MS), E_BADF);
    KTEST_ASSERT_EQ(Send("console:", MSG_STAT, sizeof(FsHandle), TIMEOUT_MS), E_BADF);
}

KTEST(ConsoleWriteIsCounted)
{
    static const char text[] = "console: a test write\n";
    uint32_t n = SetIo(0, sizeof(text) - 1);
    FsCount count;

    memcpy(payload + n, text, sizeof(text) - 1);
    KTEST_ASSERT_EQ(Send("console:", MSG_WRITE, n + sizeof(text) - 1, TIMEOUT_MS), 0);
    KTEST_ASSERT_EQ(answerLength, sizeof(FsCount));
    memcpy(&count, answer, sizeof(count));
    KTEST_ASSERT_EQ(count.count, sizeof(text) - 1);
    KTEST_ASSERT_EQ(Send("console:", MSG_WRITE, SetIo(0, 0), TIMEOUT_MS), 0);
    memcpy(&count, answer, sizeof(count));
    KTEST_ASSERT_EQ(count.count, 0);
}

KTEST(ConsoleStatIsADevice)
{
    FsStat stat;

    KTEST_ASSERT_EQ(Send("console:", MSG_STAT, 0, TIMEOUT_MS), 0);
    KTEST_ASSERT_EQ(answerLength, sizeof(FsStat));
    memcpy(&stat, answer, sizeof(stat));
    KTEST_ASSERT_EQ(stat.type, FS_TYPE_DEVICE);
}

// No input arrives in the test boot: a read stays pending until the
// client gives up, and the server goes on serving.
KTEST(ConsoleReadWaitsForInput)
{
    KTEST_ASSERT_EQ(Send("console:", MSG_READ, SetIo(0, 64), 50), E_TIMEDOUT);
    KTEST_ASSERT_EQ(Send("console:", MSG_STAT, 0, TIMEOUT_MS), 0);
}

KTEST(SystemPoweroffRefusesOtherRequests)
{
    KTEST_ASSERT_EQ(Send("system:poweroff", MSG_READ, 0, TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("system:poweroff", MSG_STAT, 0, TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("system:reboot", MSG_WRITE, 0, TIMEOUT_MS), E_NOENT);
    KTEST_ASSERT_EQ(Send("system:", MSG_WRITE, 0, TIMEOUT_MS), E_NOENT);
}

// Put n words at the start of payload; returns their size.
static uint32_t SetWords(const uint32_t *words, uint32_t n)
{
    memcpy(payload, words, n * 4);
    return n * 4;
}

// Modes: unknown bits, ECHO or SIGNALS without RAW and payloads of the
// wrong size are refused and change nothing; a valid mode reads back.
KTEST(ConsoleModesAreChecked)
{
    uint32_t raw[1] = { CONSOLE_MODE_RAW | CONSOLE_MODE_ECHO }, word[1];

    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_GET_MODE, 0, TIMEOUT_MS), 0);
    KTEST_ASSERT_EQ(answerLength, sizeof(ConsoleMode));
    KTEST_ASSERT_EQ(*(uint32_t *)answer, 0);                     // cooked at boot
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_GET_MODE, 4, TIMEOUT_MS), E_INVAL);
    word[0] = 8;
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_SET_MODE, SetWords(word, 1), TIMEOUT_MS), E_INVAL);
    word[0] = 0x80000001u;
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_SET_MODE, SetWords(word, 1), TIMEOUT_MS), E_INVAL);
    word[0] = CONSOLE_MODE_ECHO;
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_SET_MODE, SetWords(word, 1), TIMEOUT_MS), E_INVAL);
    word[0] = CONSOLE_MODE_SIGNALS;
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_SET_MODE, SetWords(word, 1), TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_SET_MODE, 0, TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_SET_MODE, 3, TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_SET_MODE, 8, TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_GET_MODE, 0, TIMEOUT_MS), 0);
    KTEST_ASSERT_EQ(*(uint32_t *)answer, 0);                     // nothing changed
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_SET_MODE, SetWords(raw, 1), TIMEOUT_MS), 0);
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_GET_MODE, 0, TIMEOUT_MS), 0);
    KTEST_ASSERT_EQ(*(uint32_t *)answer, raw[0]);
    word[0] = 0;
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_SET_MODE, SetWords(word, 1), TIMEOUT_MS), 0);
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_GET_MODE, 0, TIMEOUT_MS), 0);
    KTEST_ASSERT_EQ(*(uint32_t *)answer, 0);
}

// The foreground: a count over CONSOLE_FOREGROUND_MAX, fewer pids than
// the count, more bytes than the structure and no count at all are refused.
KTEST(ConsoleForegroundIsChecked)
{
    uint32_t words[CONSOLE_FOREGROUND_MAX + 2] = { 0 };

    words[0] = CONSOLE_FOREGROUND_MAX + 1;
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_SET_FOREGROUND,
                         SetWords(words, CONSOLE_FOREGROUND_MAX + 1), TIMEOUT_MS), E_INVAL);
    words[0] = 2;
    words[1] = 99999;
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_SET_FOREGROUND, SetWords(words, 2), TIMEOUT_MS),
                    E_INVAL);                                    // one pid for a count of 2
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_SET_FOREGROUND,
                         SetWords(words, CONSOLE_FOREGROUND_MAX + 2), TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_SET_FOREGROUND, 2, TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_SET_FOREGROUND, 0, TIMEOUT_MS), E_INVAL);
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_SET_FOREGROUND, SetWords(words, 3), TIMEOUT_MS), 0);
    words[0] = 0;
    KTEST_ASSERT_EQ(Send("console:", CONSOLE_MSG_SET_FOREGROUND, SetWords(words, 1), TIMEOUT_MS), 0);
}
