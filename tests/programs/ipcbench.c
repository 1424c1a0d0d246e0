// ipcbench: measures the round-trip time of MSG_PING through SYS_IPC_SEND,
// or through SYS_IPC_CALL on a connected handle when NAME starts with '@'.
//
//   ipcbench NAME SIZE LABEL [ITERATIONS]     (default 2000 iterations)
//   ipcbench @NAME SIZE LABEL [ITERATIONS]    (IpcConnect(NAME) once)
//   ipcbench NAME SIZE LABEL ITERATIONS CLIENTS
//       CLIENTS programs ping the server at once (this one and CLIENTS - 1
//       children it starts); VALUE is the time from their start to the
//       last one's end over all their round trips
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

// Start clients - 1 copies of this program pinging as argv says, wait
// for them and ping as many times here. Returns the total TSC delta over
// every round trip (warm-ups included), or 0 if any failed.
static uint64_t TimeClients(char **argv, const Message *ping, int iterations, int clients,
                            uint64_t *trips)
{
    const char *child[] = { "ipcbench", argv[1], argv[2], "-", argv[4], NULL };
    int pids[16], status, ok = 1;
    uint64_t start = ReadTsc();

    for (int i = 0; i < clients - 1; i++)
        if ((pids[i] = SysSpawn("bin/ipcbench", child)) < 0)
            return 0;
    for (int i = 0; i < WARMUP && ok; i++)
        ok = RoundTrip(argv[1], ping, 1);
    ok = ok && TimeRoundTrips(argv[1], ping, iterations) != 0;
    for (int i = 0; i < clients - 1; i++)
        ok &= SysWait(pids[i], &status) == pids[i] && status == 0;
    *trips = (uint64_t)clients * (uint64_t)(iterations + WARMUP);
    return ok ? ReadTsc() - start : 0;
}

int main(int argc, char **argv, char **envp)
{
    int size, iterations = 2000, clients = 1;
    uint64_t total, trips;
    Message *ping;

    (void)envp;
    if (argc < 4 || ParseInt(argv[2], &size) != 0 || size < 0 ||
        (uint32_t)size > MESSAGE_MAX_DATA ||
        (argc > 4 && (ParseInt(argv[4], &iterations) != 0 || iterations < 1)) ||
        (argc > 5 && (ParseInt(argv[5], &clients) != 0 || clients < 1 || clients > 16))) {
        Print("usage: ipcbench NAME SIZE LABEL [ITERATIONS [CLIENTS]]\n");
        return 2;
    }
    ping = MakePing((uint32_t)size);
    if (argv[1][0] == '@' && (handle = SysIpcConnect(argv[1] + 1)) < 0) {
        Print("ipcbench: cannot connect to %s: %d\n", argv[1] + 1, handle);
        return 1;
    }
    if (clients > 1) {
        if ((total = TimeClients(argv, ping, iterations, clients, &trips)) == 0)
            return 1;
        Print("bench: %s %llu instructions\n", argv[3], (unsigned long long)(total / trips));
        return 0;
    }
    for (int i = 0; i < WARMUP; i++) {
        if (!RoundTrip(argv[1], ping, 1))
            return 1;
    }
    total = TimeRoundTrips(argv[1], ping, iterations);
    if (total == 0 || !RoundTrip(argv[1], ping, 1))
        return 1;
    if (strcmp(argv[3], "-") != 0)         // a child of TimeClients prints nothing
        Print("bench: %s %llu instructions\n", argv[3],
              (unsigned long long)(total / (uint64_t)iterations));
    return 0;
}
