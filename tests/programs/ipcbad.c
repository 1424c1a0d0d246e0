// ipcbad: self-checking test of the IPC and namespace system calls' error
// paths, and of aliases, the kernel's "ns:" listings and notifications.
// Needs the echo server "uecho test:uecho:" running (the harness starts
// it). Every check runs; a failed one prints "ipcbad: check N ...".
// Exits with the number of the first failed check, or prints
// "ipcbad: all checks passed" and exits 0.
#include <lib/format.h>
#include <lib/string.h>
#include <lib/user.h>

#define KERNEL_BASE   0xC0000000u
#define ECHO          "test:uecho:"
#define ECHO_NAME     "test:uecho:x"
#define LISTING_MAX   (64u * 1024)

static int firstFailure;
static uint8_t pingBuffer[MESSAGE_MAX_SIZE] __attribute__((aligned(16)));
static uint8_t replyBuffer[MESSAGE_MAX_SIZE] __attribute__((aligned(16)));

// Record check number: print a line and remember it if ok is false.
static void Check(int number, int ok, const char *what, int result)
{
    if (ok)
        return;
    Print("ipcbad: check %d failed: %s returned %d\n", number, what, result);
    if (firstFailure == 0)
        firstFailure = number;
}

// Check that result equals expected.
static void CheckEqual(int number, const char *what, int result, int expected)
{
    Check(number, result == expected, what, result);
}

// The static ping request with size payload bytes.
static Message *Ping(uint32_t size)
{
    Message *ping = (Message *)pingBuffer;

    ping->type = MSG_PING;
    ping->length = MESSAGE_HEADER_SIZE + size;
    for (uint32_t i = 0; i < size; i++)
        ping->data[i] = (uint8_t)(i * 29 + 1);
    return ping;
}

// Raw send of request to name into the static reply buffer.
static int Send(const char *name, const Message *request)
{
    return SysIpcSend(name, request, (Message *)replyBuffer, MESSAGE_MAX_SIZE, 0);
}

// 1 if the static reply buffer holds the echo of ping.
static int IsEcho(const Message *ping)
{
    const Message *reply = (const Message *)replyBuffer;

    return reply->type == MSG_RESPONSE && reply->length == ping->length &&
           memcmp(reply->data, ping->data, MessageDataLength(ping)) == 0;
}

// Send a message of type with text (no NUL) as its payload.
static Message *SendText(const char *name, uint32_t type, const char *text,
                         uint32_t timeoutMs)
{
    uint32_t length = (uint32_t)strlen(text);
    Message *request = CreateMessage(type, length);
    Message *reply;

    if (!request)
        return NULL;
    memcpy(request->data, text, length);
    reply = IpcSendTimeout(name, request, timeoutMs);
    FreeMessage(request);
    return reply;
}

// The E_* code of a text request's reply (0 for a MSG_RESPONSE).
static int TextError(const char *name, uint32_t type, const char *text)
{
    Message *reply = SendText(name, type, text, 0);
    int error = MessageError(reply);

    if (reply && error == 0 && reply->type != MSG_RESPONSE)
        error = E_INVAL;
    FreeMessage(reply);
    return error;
}

// Does reply carry a MSG_RESPONSE whose payload is the string text (NUL included)?
static int RepliesName(const Message *reply, const char *text)
{
    uint32_t length = (uint32_t)strlen(text) + 1;

    return reply && reply->type == MSG_RESPONSE && MessageDataLength(reply) == length &&
           memcmp(reply->data, text, length) == 0;
}

// Does text[0..length) have a line starting with line (which may stop short
// of the line's end, e.g. "PREFIX ")?
static int HasLine(const char *text, uint32_t length, const char *line)
{
    uint32_t n = (uint32_t)strlen(line);

    for (uint32_t i = 0; i + n <= length; i++) {
        if ((i == 0 || text[i - 1] == '\n') && memcmp(text + i, line, n) == 0)
            return 1;
    }
    return 0;
}

// Append one page of a listing at offset to text; returns its length
// (0 at the end or on error).
static uint32_t ListPage(const char *name, uint32_t offset, char *text, uint32_t room)
{
    Message *request = CreateMessage(MSG_LIST, sizeof offset);
    Message *reply = NULL;
    uint32_t length = 0;

    if (request) {
        memcpy(request->data, &offset, sizeof offset);
        reply = IpcSend(name, request);
    }
    if (reply && reply->type == MSG_RESPONSE) {
        length = MessageDataLength(reply);
        memcpy(text, reply->data, length < room ? length : room);
    }
    FreeMessage(reply);
    FreeMessage(request);
    return length;
}

// Does the whole listing of name (all its pages) have line (see HasLine)?
static int ListingHas(const char *name, const char *line)
{
    char *text = malloc(LISTING_MAX);
    uint32_t length = 0, page;
    int found;

    if (!text)
        return 0;
    while (length < LISTING_MAX &&
           (page = ListPage(name, length, text + length, LISTING_MAX - length)) > 0)
        length += page;
    if (length > LISTING_MAX)
        length = LISTING_MAX;
    found = HasLine(text, length, line);
    free(text);
    return found;
}

// Checks 1-7: names the kernel must refuse before looking anything up.
static void CheckNames(void)
{
    char longName[301];
    Message *ping = Ping(8);

    memcpy(longName, ECHO, sizeof ECHO - 1);
    memset(longName + sizeof ECHO - 1, 'a', sizeof longName - sizeof ECHO);
    longName[300] = '\0';
    CheckEqual(1, "send to NULL", Send(NULL, ping), E_FAULT);
    CheckEqual(2, "send to 0xC0000000", Send((const char *)KERNEL_BASE, ping), E_FAULT);
    CheckEqual(3, "send to \"\"", Send("", ping), E_INVAL);
    CheckEqual(4, "send to \"nocolon\"", Send("nocolon", ping), E_INVAL);
    CheckEqual(5, "send to \"Upper:x\"", Send("Upper:x", ping), E_INVAL);
    CheckEqual(6, "send to \"bad\\x01name:\"", Send("bad\x01name:", ping), E_INVAL);
    CheckEqual(7, "send to a 300-byte name", Send(longName, ping), E_NAMETOOLONG);
}

// Checks 8-15: bad requests and reply buffers, then a good ping.
static void CheckMessages(void)
{
    static Message shortHeader __attribute__((aligned(16)));
    // The last 16 bytes below kernel space (the top of the stack): a
    // kernel that read the data before checking the length would fault.
    Message *hugeHeader = (Message *)(KERNEL_BASE - MESSAGE_HEADER_SIZE);
    Message *ping;

    shortHeader = (Message){ .type = MSG_PING, .length = 8 };
    *hugeHeader = (Message){ .type = MSG_PING, .length = MESSAGE_MAX_SIZE + 1 };
    CheckEqual(8, "send NULL request", Send(ECHO_NAME, NULL), E_FAULT);
    CheckEqual(9, "send request at 0xC0000000",
               Send(ECHO_NAME, (const Message *)KERNEL_BASE), E_FAULT);
    CheckEqual(10, "send request of length 8", Send(ECHO_NAME, &shortHeader), E_MSGSIZE);
    CheckEqual(11, "send request of length MESSAGE_MAX_SIZE + 1",
               Send(ECHO_NAME, hugeHeader), E_MSGSIZE);
    ping = Ping(8);
    CheckEqual(12, "send with the reply at 0xC0000000",
               SysIpcSend(ECHO_NAME, ping, (Message *)KERNEL_BASE, MESSAGE_MAX_SIZE, 0),
               E_FAULT);
    ping = Ping(100);
    CheckEqual(13, "send 100-byte ping with reply capacity 20",
               SysIpcSend(ECHO_NAME, ping, (Message *)replyBuffer, 20, 0), E_MSGSIZE);
    CheckEqual(14, "send to \"nosuch:thing\"", Send("nosuch:thing", ping), E_NOENT);
    int length = Send(ECHO_NAME, ping);
    Check(15, length == (int)ping->length && IsEcho(ping), "a valid ping", length);
}

// Checks 16-26: replies without requests, registration and ownership.
static void CheckRegistry(void)
{
    CheckEqual(16, "SysIpcReply(12345, valid)", SysIpcReply(12345, Ping(8)), E_NOENT);
    CheckEqual(17, "register \"" ECHO "\"", SysNsRegister(ECHO, 0), E_EXIST);
    CheckEqual(18, "register \"noseparator\"", SysNsRegister("noseparator", 0), E_INVAL);
    CheckEqual(19, "register \"ipcbad:mine:\"", SysNsRegister("ipcbad:mine:", 0), 0);
    CheckEqual(20, "unregister \"" ECHO "\"", SysNsUnregister(ECHO), E_PERM);
    CheckEqual(21, "unregister \"ipcbad:mine:\"", SysNsUnregister("ipcbad:mine:"), 0);
    CheckEqual(22, "unregister \"ipcbad:mine:\" again",
               SysNsUnregister("ipcbad:mine:"), E_NOENT);
    CheckEqual(23, "SysIpcReceive(NULL, 100, NULL)", SysIpcReceive(NULL, 100, NULL), E_FAULT);
    CheckEqual(24, "register \"ipcbad:self:\"", SysNsRegister("ipcbad:self:", 0), 0);
    CheckEqual(25, "send to own \"ipcbad:self:x\"", Send("ipcbad:self:x", Ping(8)), E_BUSY);
    CheckEqual(26, "unregister \"ipcbad:self:\"", SysNsUnregister("ipcbad:self:"), 0);
}

// Checks 27-33: a timed query, aliases and the kernel's listings.
static void CheckNamespace(void)
{
    Message *reply = SendText(ECHO, MSG_QUERY, "", 1000);

    Check(27, RepliesName(reply, ECHO), "MSG_QUERY to " ECHO " with timeout 1000",
          MessageError(reply));
    FreeMessage(reply);
    CheckEqual(28, "MSG_CREATE \"echoalias:/ " ECHO "\" to ns:alias",
               TextError("ns:alias", MSG_CREATE, "echoalias:/ " ECHO), 0);
    reply = SendText("echoalias:/abc", MSG_QUERY, "", 0);
    Check(29, RepliesName(reply, ECHO "abc"), "MSG_QUERY to echoalias:/abc",
          MessageError(reply));
    FreeMessage(reply);
    Check(30, ListingHas("ns:alias", "echoalias:/ " ECHO "\n"),
          "MSG_LIST to ns:alias has \"echoalias:/ " ECHO "\"", 0);
    CheckEqual(31, "MSG_DELETE \"echoalias:/\" to ns:alias",
               TextError("ns:alias", MSG_DELETE, "echoalias:/"), 0);
    CheckEqual(32, "MSG_QUERY to echoalias:/abc after the delete",
               TextError("echoalias:/abc", MSG_QUERY, ""), E_NOENT);
    Check(33, ListingHas("ns:list", ECHO " "), "MSG_LIST to ns:list has \"" ECHO " \"", 0);
}

// Start an async job at the echo server. Returns its id, or 0.
static uint32_t StartJob(void)
{
    Message *reply = SendText(ECHO, MSG_READ_ASYNC, "", 0);
    uint32_t jobId = 0;

    if (reply && reply->type == MSG_RESPONSE && MessageDataLength(reply) == sizeof jobId)
        memcpy(&jobId, reply->data, sizeof jobId);
    FreeMessage(reply);
    return jobId;
}

// Checks number and number + 1: the notice for jobId arrives in time.
static void CheckNotice(int number, uint32_t jobId)
{
    IpcNotification n = { 0, 0, 0 };
    int result = IpcWaitNotification(&n, 1000);

    CheckEqual(number, "IpcWaitNotification(&n, 1000)", result, 0);
    Check(number + 1, result != 0 || (n.jobId == jobId && n.value == 1234),
          "the notice's job id and value", (int)n.jobId);
}

// Checks 34-38: asynchronous jobs and notifications.
static void CheckAsync(void)
{
    IpcNotification n;
    uint32_t jobId = StartJob();

    Check(34, jobId != 0, "MSG_READ_ASYNC to " ECHO, (int)jobId);
    CheckNotice(35, jobId);
    CheckEqual(37, "IpcWaitNotification(&n, 50) with none pending",
               IpcWaitNotification(&n, 50), E_TIMEDOUT);
    CheckEqual(38, "SysIpcNotify(0x7fffffff, 1, 1)", SysIpcNotify(0x7fffffff, 1, 1), E_SRCH);
}

// Checks 39-43: a receive buffer too small fails at once; a send times
// out while the server sleeps after starting a job, is withdrawn, and the
// server carries on.
static void CheckTimeouts(void)
{
    Message *ping = Ping(8);
    uint32_t jobId;
    int result;

    result = SysIpcReceive((Message *)replyBuffer, 8, NULL);
    Check(39, result == E_MSGSIZE || result == E_INVAL,
          "SysIpcReceive(buffer, 8, NULL)", result);
    jobId = StartJob();
    result = SysIpcSend(ECHO_NAME, ping, (Message *)replyBuffer, MESSAGE_MAX_SIZE, 5);
    CheckEqual(40, "5 ms send while the server sleeps", result, E_TIMEDOUT);
    CheckNotice(41, jobId);
    result = Send(ECHO_NAME, ping);
    Check(43, result == (int)ping->length && IsEcho(ping), "a ping after the timeout",
          result);
}

// Start "uecho prefix [hold]" and wait until it serves. Returns its pid,
// or a negative error.
static int StartEcho(const char *prefix, int hold)
{
    const char *argv[] = { "uecho", prefix, hold ? "hold" : NULL, NULL };
    int pid = SysSpawn("bin/uecho", argv);

    for (int waited = 0; pid > 0 && waited < 3000; waited += 10) {
        int h = SysIpcConnect(prefix);
        if (h > 0) {
            SysIpcDisconnect(h);
            return pid;
        }
        SysSleep(10);
    }
    return pid > 0 ? E_TIMEDOUT : pid;
}

// End server pid and reap it.
static void StopEcho(int pid)
{
    int status;

    SysKill(pid);
    SysWait(pid, &status);
}

// A ping on handle into the static reply buffer; 1 if it was echoed.
static int CallEchoes(int handle)
{
    Message *ping = Ping(8);
    int length = SysIpcCall(handle, ping, (Message *)replyBuffer, MESSAGE_MAX_SIZE, 0);

    return length == (int)ping->length && IsEcho(ping);
}

// Checks 44-56: connected handles. A handle works like the name; a bad
// handle is E_BADF, a bad reply buffer E_FAULT before the server sees
// the request; a closed handle is E_BADF.
static void CheckHandles(void)
{
    Message *ping = Ping(8);
    int h = SysIpcConnect(ECHO), other;

    Check(44, h >= 1, "SysIpcConnect(" ECHO ")", h);
    Check(45, CallEchoes(h), "a ping on the handle", h);
    CheckEqual(46, "SysIpcCall(0, ...)", SysIpcCall(0, ping, (Message *)replyBuffer, 64, 0),
               E_BADF);
    CheckEqual(47, "SysIpcCall(99, ...)", SysIpcCall(99, ping, (Message *)replyBuffer, 64, 0),
               E_BADF);
    CheckEqual(48, "SysIpcCall with a kernel reply buffer",
               SysIpcCall(h, ping, (Message *)KERNEL_BASE, 64, 0), E_FAULT);
    CheckEqual(49, "SysIpcCall with a reply buffer that wraps",
               SysIpcCall(h, ping, (Message *)0xfffff000u, 0x2000, 0), E_FAULT);
    CheckEqual(50, "SysIpcCall with a reply buffer running past its mapping",
               SysIpcCall(h, ping, (Message *)replyBuffer, 0x40000000u, 0), E_FAULT);
    Check(51, CallEchoes(h), "a ping after the refused calls", h);
    CheckEqual(52, "SysIpcConnect(\"no:such:\")", SysIpcConnect("no:such:"), E_NOENT);
    CheckEqual(53, "SysIpcConnect(kernel pointer)", SysIpcConnect((const char *)KERNEL_BASE),
               E_FAULT);
    other = SysIpcConnect(ECHO_NAME);
    CheckEqual(54, "SysIpcDisconnect(h)", SysIpcDisconnect(h), 0);
    CheckEqual(55, "SysIpcCall on a closed handle",
               SysIpcCall(h, ping, (Message *)replyBuffer, 64, 0), E_BADF);
    CheckEqual(56, "SysIpcDisconnect(h) again", SysIpcDisconnect(h), E_BADF);
    Check(57, CallEchoes(other), "the other handle still works", other);
    SysIpcDisconnect(other);
}

// Checks 58-63: a handle on a server that ends is E_DEAD, and stays so
// when another server takes the prefix; a client blocked in a call when
// its server ends gets E_PIPE.
static void CheckDeadServers(void)
{
    const char *argv[] = { "ipcbad", "kill", NULL, NULL };
    Message *write = Ping(8);
    char pidText[12];
    int pid = StartEcho("test:dead:", 0), h = SysIpcConnect("test:dead:"), again;

    Check(58, pid > 0 && CallEchoes(h), "a ping to a new server test:dead:", pid);
    StopEcho(pid);
    CheckEqual(59, "SysIpcCall after its server ended",
               SysIpcCall(h, write, (Message *)replyBuffer, 64, 0), E_DEAD);
    pid = StartEcho("test:dead:", 1);
    CheckEqual(60, "the old handle with a new server on the prefix",
               SysIpcCall(h, write, (Message *)replyBuffer, 64, 0), E_DEAD);
    again = SysIpcConnect("test:dead:");
    Check(61, again > 0 && CallEchoes(again), "a new handle on the new server", again);
    Format(pidText, sizeof pidText, "%d", pid);
    argv[2] = pidText;
    write->type = MSG_WRITE;                // held by the server
    Check(62, SysSpawn("bin/ipcbad", argv) > 0, "starting the killer", 0);
    CheckEqual(63, "a held call when its server is ended",
               SysIpcCall(again, write, (Message *)replyBuffer, 64, 2000), E_PIPE);
    StopEcho(pid);
    SysIpcDisconnect(h);
    SysIpcDisconnect(again);
}

// Checks 64-68: user pointers in user space that the MMU refuses (no
// page there, or a read-only one written) are E_FAULT, through the
// kernel's fault-tolerant copies, and the server carries on.
static void CheckUnmapped(void)
{
    Message *ping = Ping(8);
    const uint32_t unmapped = 0x70000000u;     // far above the image, below the stack
    static const char edge[] = "x";
    int result;

    CheckEqual(64, "SysIpcSend with the request on no page",
               SysIpcSend(ECHO, (const Message *)unmapped, (Message *)replyBuffer, 64, 0), E_FAULT);
    CheckEqual(65, "SysIpcSend with the name on no page",
               SysIpcSend((const char *)unmapped, ping, (Message *)replyBuffer, 64, 0), E_FAULT);
    CheckEqual(66, "SysIpcSend with the reply in read-only memory",
               SysIpcSend(ECHO, ping, (Message *)(uintptr_t)&CheckUnmapped, 64, 0), E_FAULT);
    CheckEqual(67, "SysIpcSend with the reply in read-only data",
               SysIpcSend(ECHO, ping, (Message *)(uintptr_t)edge, 64, 0), E_FAULT);
    result = Send(ECHO, ping);
    Check(68, result == (int)ping->length && IsEcho(ping), "a ping after the faults", result);
}

// Checks 69-75: large messages, which go straight into the buffer the
// other side waits with (docs/ipc.md, One copy for large messages): a
// payload that runs onto no page, a reply buffer too small, one in
// read-only memory, each refused with the server unharmed; then good
// 4 KiB and 60,000-byte pings, by name and on a handle, echoed byte for
// byte.
static void CheckLarge(void)
{
    const uint32_t page = 0x71000000u;          // one page mapped, none after it
    Message *edge = (Message *)(page + 4096 - 64), *ping;
    int handle, result;

    CheckEqual(69, "map a page for a request at its end", SysMemMap(page, 4096, 3), 0);
    *edge = (Message){ .type = MSG_PING, .length = 4096 };
    CheckEqual(70, "a 4096-byte request running onto no page", Send(ECHO_NAME, edge), E_FAULT);
    ping = Ping(4096);
    CheckEqual(71, "a 4 KiB ping with reply capacity 1000",
               SysIpcSend(ECHO_NAME, ping, (Message *)replyBuffer, 1000, 0), E_MSGSIZE);
    CheckEqual(72, "a 4 KiB ping with the reply in read-only memory",
               SysIpcSend(ECHO_NAME, ping, (Message *)(uintptr_t)&CheckLarge, 8192, 0), E_FAULT);
    memset(replyBuffer, 0, sizeof(replyBuffer));
    result = Send(ECHO_NAME, ping);
    Check(73, result == (int)ping->length && IsEcho(ping), "a 4 KiB ping, echoed", result);
    ping = Ping(60000);
    handle = SysIpcConnect(ECHO);
    memset(replyBuffer, 0, sizeof(replyBuffer));
    result = handle > 0 ? SysIpcCall(handle, ping, (Message *)replyBuffer, MESSAGE_MAX_SIZE, 0)
                        : handle;
    Check(74, result == (int)ping->length && IsEcho(ping), "a 60000-byte ping on a handle",
          result);
    CheckEqual(75, "unmap the page", SysMemUnmap(page, 4096), 0);
    if (handle > 0)
        SysIpcDisconnect(handle);
}

int main(int argc, char **argv, char **envp)
{
    int pid;

    (void)envp;
    if (argc == 3 && strcmp(argv[1], "kill") == 0 && ParseInt(argv[2], &pid) == 0) {
        SysSleep(100);                      // "ipcbad kill PID": the killer
        return SysKill(pid) == 0 ? 0 : 1;
    }
    CheckNames();
    CheckMessages();
    CheckRegistry();
    CheckNamespace();
    CheckAsync();
    CheckTimeouts();
    CheckHandles();
    CheckDeadServers();
    CheckUnmapped();
    CheckLarge();
    if (firstFailure == 0)
        Print("ipcbad: all checks passed\n");
    return firstFailure;
}
