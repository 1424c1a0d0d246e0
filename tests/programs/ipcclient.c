// ipcclient: sends a stream of MSG_PINGs to an echo server and checks
// every reply.
//
//   ipcclient NAME [COUNT [ID]]     (defaults: test:uecho:x 100 0)
//
// Ping i carries 16 + i % 200 bytes, a pattern of ID and i, so replies
// from parallel clients (different IDs) or to earlier pings cannot pass
// for each other. The reply must be a MSG_RESPONSE with the identical
// payload. Exits 0 when all are, else prints the first mismatch and
// exits 1 (2 for bad arguments).
#include <lib/string.h>
#include <lib/user.h>

// Byte j of ping i's payload for client id.
static uint8_t PatternByte(int id, int i, uint32_t j)
{
    return (uint8_t)(id * 131 + i * 7 + j * 13 + (j >> 8));
}

// A MSG_PING for ping i of client id, or NULL.
static Message *MakePing(int id, int i)
{
    uint32_t length = 16 + (uint32_t)(i % 200);
    Message *ping = CreateMessage(MSG_PING, length);

    for (uint32_t j = 0; ping && j < length; j++)
        ping->data[j] = PatternByte(id, i, j);
    return ping;
}

// Check reply against ping; print what is wrong and return 0 if it differs.
static int CheckReply(int i, const Message *ping, const Message *reply)
{
    if (!reply) {
        Print("ipcclient: ping %d: out of memory\n", i);
        return 0;
    }
    if (reply->type != MSG_RESPONSE) {
        Print("ipcclient: ping %d: reply type %u (error %d)\n", i,
              reply->type, MessageError(reply));
        return 0;
    }
    if (reply->length != ping->length ||
        memcmp(reply->data, ping->data, MessageDataLength(ping)) != 0) {
        Print("ipcclient: ping %d: reply of %u bytes differs from the %u sent\n",
              i, reply->length, ping->length);
        return 0;
    }
    return 1;
}

// Send ping i and check its echo. Returns 1 if it came back intact.
static int PingOnce(const char *name, int id, int i)
{
    Message *ping = MakePing(id, i);
    Message *reply;
    int ok;

    if (!ping) {
        Print("ipcclient: ping %d: out of memory\n", i);
        return 0;
    }
    reply = IpcSend(name, ping);
    ok = CheckReply(i, ping, reply);
    FreeMessage(reply);
    FreeMessage(ping);
    return ok;
}

int main(int argc, char **argv, char **envp)
{
    const char *name = argc > 1 ? argv[1] : "test:uecho:x";
    int count = 100, id = 0;

    (void)envp;
    if ((argc > 2 && ParseInt(argv[2], &count) != 0) ||
        (argc > 3 && ParseInt(argv[3], &id) != 0) || count < 0) {
        Print("usage: ipcclient NAME [COUNT [ID]]\n");
        return 2;
    }
    for (int i = 0; i < count; i++) {
        if (!PingOnce(name, id, i))
            return 1;
    }
    Print("ipcclient %d: %d pings to %s echoed\n", id, count, name);
    return 0;
}
