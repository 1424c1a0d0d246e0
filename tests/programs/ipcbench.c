// ipcbench: measures the round-trip time of MSG_PING through SYS_IPC_SEND,
// or through SYS_IPC_CALL on a connected handle when NAME starts with '@'.
//
//   ipcbench NAME SIZE LABEL [ITERATIONS]     (default 2000 iterations)
//   ipcbench @NAME SIZE LABEL [ITERATIONS]    (IpcConnect(NAME) once)
//
// 100 warm-up pings, then ITERATIONS timed ones with a SIZE-byte payload,
// sent with the raw system call from buffers set up beforehand (no
// allocation in the loop). Prints "bench: LABEL VALUE instructions" where
// VALUE is the TSC ticks per round trip (instructions under QEMU -icount).
// Exits 0, 1 if a reply is not the echo, 2 for bad arguments.
#include <lib/string.h>
#include <lib/user.h>

#define WARMUP 100

static int handle;                  // > 0: send on it instead of by name

static uint8_t requestBuffer[MESSAGE_MAX_SIZE] __attribute__((aligned(16)));
static uint8_t replyBuffer[MESSAGE_MAX_SIZE] __attribute__((aligned(16)));

// The time-stamp counter.
static uint64_t ReadTsc(void)
{
    uint64_t value;
    __asm__ volatile("rdtsc" : "=A"(value));
    return value;
}

// Fill the request: a MSG_PING with size bytes of pattern.
static Message *MakePing(uint32_t size)
{
    Message *ping = (Message *)requestBuffer;

    ping->type = MSG_PING;
    ping->length = MESSAGE_HEADER_SIZE + size;
    for (uint32_t i = 0; i < size; i++)
        ping->data[i] = (uint8_t)(i * 7 + 3);
    return ping;
}

// One round trip; 1 if the reply has the ping's type and length (and
// payload, when full is set).
static int RoundTrip(const char *name, const Message *ping, int full)
{
    Message *reply = (Message *)replyBuffer;
    int length = handle > 0 ? SysIpcCall(handle, ping, reply, ping->length, 0)
                            : SysIpcSend(name, ping, reply, MESSAGE_MAX_SIZE, 0);

    if (length < 0 || (uint32_t)length != ping->length || reply->type != MSG_RESPONSE) {
        Print("ipcbench: bad reply: length %d type %u\n", length,
              length >= 0 ? reply->type : 0);
        return 0;
    }
    if (full && memcmp(reply->data, ping->data, MessageDataLength(ping)) != 0) {
        Print("ipcbench: reply payload differs\n");
        return 0;
    }
    return 1;
}

// Time iterations round trips. Returns the total TSC delta, or 0 on a bad reply.
static uint64_t TimeRoundTrips(const char *name, const Message *ping, int iterations)
{
    uint64_t start = ReadTsc();

    for (int i = 0; i < iterations; i++) {
        if (!RoundTrip(name, ping, 0))
            return 0;
    }
    return ReadTsc() - start;
}

int main(int argc, char **argv, char **envp)
{
    int size, iterations = 2000;
    uint64_t total;
    Message *ping;

    (void)envp;
    if (argc < 4 || ParseInt(argv[2], &size) != 0 || size < 0 ||
        (uint32_t)size > MESSAGE_MAX_DATA ||
        (argc > 4 && (ParseInt(argv[4], &iterations) != 0 || iterations < 1))) {
        Print("usage: ipcbench NAME SIZE LABEL [ITERATIONS]\n");
        return 2;
    }
    ping = MakePing((uint32_t)size);
    if (argv[1][0] == '@' && (handle = SysIpcConnect(argv[1] + 1)) < 0) {
        Print("ipcbench: cannot connect to %s: %d\n", argv[1] + 1, handle);
        return 1;
    }
    for (int i = 0; i < WARMUP; i++) {
        if (!RoundTrip(argv[1], ping, 1))
            return 1;
    }
    total = TimeRoundTrips(argv[1], ping, iterations);
    if (total == 0 || !RoundTrip(argv[1], ping, 1))
        return 1;
    Print("bench: %s %llu instructions\n", argv[3],
          (unsigned long long)(total / (uint64_t)iterations));
    return 0;
}
