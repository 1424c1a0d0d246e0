// posix: — the POSIX layer (kernel-mode), its main loop.
//
// A process that raises int 0x80 is stopped by the kernel, which sends
// the Linux system call as a MSG_POSIX_CALL request to posix:call on the
// process's behalf (include/clanker/posix.h). This server runs the call
// with namespace IPC (files live on fs:root:, fs:temp:, proc: and
// console:, seen through the mount table of path.c) and the KernelApi's
// process calls (the caller's memory, its mappings, its end), then
// answers with a PosixResult that becomes the caller's eax.
//
// posix:signal takes POSIX_MSG_SIGNAL from other programs (the console's
// ^C): kill(2) for one of its processes (signal.c SignalRequest).
//
// The same server answers posix:vfs:/path names: the filesystem protocol
// of include/clanker/fs.h on the POSIX view of the namespaces, so the
// kernel's loader can start posix:vfs:/bin/hello (vfs.c), and
// posix:proc: names, Linux's /proc for any program (procfs.c).
//
// The loop is the server skeleton's (lib/server.c): a route per name
// (posix:call, posix:signal, posix:vfs:, posix:proc:), the exit notices to
// one list of ended-hooks, and the timers as its idle hook. This file is
// the server's dispatch layer, the top of its files (core.h lists them):
// the only one that sends answers, its own calls' at once and the
// completions of deferred calls (core.c) after each request or timer.
//
// One thread does everything, one request at a time. A call that has to
// wait for another process (a read of an empty pipe or of the console, a
// poll or select with nothing ready, nanosleep) is not waited for: its
// handler keeps what it needs and returns POSIX_DEFERRED, and the answer
// goes out later, when a pipe changes, a deadline passes or the console
// has a line. The loop therefore receives with a time limit: the nearest
// deadline of the waiting calls (PollExpire), or the next retry of the
// console reads and polls (ConsoleRetry), whichever comes first. No call
// waits inside the server, but requests to other servers (files) are
// waited for. docs/posix.md has the whole design and the call table.
//
// Signals (signal.c) are delivered as a call is answered: the server
// writes a signal frame on the caller's stack and points its registers at
// the handler. The kernel makes two calls of its own for that: one when
// the server poked a process that was busy elsewhere, one for a CPU
// exception, so a SIGSEGV handler can run.
//
// State per client process (fd table, cwd, memory layout, signal
// dispositions) is made on its first call and dropped when the kernel's
// exit notice for it arrives, dropping its waiting calls and closing the
// fs handles and pipe ends the server held for it.
//
// Run from etc/boot.conf:  kernel servers/posix
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/posix.h>
#include <lib/kapi.h>
#include <lib/server.h>
#include <lib/string.h>
#include "core.h"
#include "nsclient.h"
#include "poll.h"
#include "signal.h"
#include "clock.h"
#include "console.h"
#include "pipe.h"
#include "stream.h"
#include "procfs.h"
#include "vfs.h"
#include "process.h"
#include "table.h"

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request;

static union {
    Message message;
    uint8_t bytes[MESSAGE_HEADER_SIZE + 16];    // the replies built here are empty
} reply;

static ServerPort port;
static Server server;

// Answer requestId with a PosixResult: the one way a call's answer goes
// out, now (Call) or later (a deferred call's completion, SendCompleted).
static void Answer(uint32_t requestId, int32_t value)
{
    struct {
        Message header;
        PosixResult result;
    } answer = { { .type = MSG_RESPONSE, .length = sizeof(answer) }, { value } };

    port.Reply(port.context, requestId, &answer.header);      // the hot path: built here
}

// Send the answers of the deferred calls that the last request or timer
// completed (core.c PosixComplete), oldest first.
static void SendCompleted(void)
{
    uint32_t requestId;
    int32_t value;

    if (posixCompletionCount == 0)      // the usual case: a call answered at once
        return;
    while (PosixCompletionNext(&requestId, &value))
        Answer(requestId, value);
}

// Run call for p: a Linux system call, or one of the kernel's own
// (POSIX_CALL_SIGNALS, POSIX_CALL_FAULT). Returns the value to answer
// with, POSIX_DEFERRED, or anything once p has ended.
static int32_t Run(PosixProcess *p, const PosixCall *call)
{
    int32_t value;

    if (call->number == POSIX_CALL_SIGNALS)
        return SignalCheck(p);
    if (call->number == POSIX_CALL_FAULT)
        return SignalFault(p, call->args);
    value = PosixDispatch(p, call);
    if (p->ended || value == POSIX_DEFERRED)
        return value;
    return SignalOnAnswer(p, value);    // a handler may run on the way back
}

// posix:call: one system call from process r->sender: run it and answer,
// unless it ended the process or must wait.
static int Call(Server *s, ServerRequest *r)
{
    PosixCall call;
    PosixProcess *p;
    int32_t value;
    int err;

    (void)s;
    /* decode: the route matched the prefix; the name must end there */
    if (r->envelope->name[sizeof(POSIX_CALL_NAME) - 1] != 0)
        return E_NOENT;
    if (r->message->type != MSG_POSIX_CALL || MessageDataLength(r->message) != sizeof(call))
        return E_INVAL;
    memcpy(&call, r->message->data, sizeof(call));
    /* invoke: the caller's state (made on its first call), then its call */
    p = PosixProcessGet(r->sender, &err);
    if (!p) {
        Answer(r->message->requestId, err);
        return SERVER_DEFERRED;             // answered: the call's own error
    }
    p->requestId = r->message->requestId;
    p->callNumber = call.number;
    posixCaller = p;
    value = Run(p, &call);
    posixCaller = NULL;
    if (p->ended || value == POSIX_DEFERRED) {
        SendCompleted();
        return SERVER_DEFERRED;
    }
    if (posixCompletionCount == 0) {    // the hot path: answered with the next receive
        PosixResult result = { value };
        return ServerReplyData(r, &result, sizeof(result));
    }
    Answer(r->message->requestId, value);
    SendCompleted();                    // after it, oldest first
    return SERVER_DEFERRED;
}

// posix:call, from the kernel: the console's ^C for one of our processes.
// The sender and name are checked here, the request by SignalInterrupt,
// before anything changes.
static int Interrupt(Server *s, ServerRequest *r)
{
    int err;

    (void)s;
    if (r->sender == 0 || r->envelope->name[sizeof(POSIX_CALL_NAME) - 1] != 0)
        return E_INVAL;
    err = SignalInterrupt(r->message);
    SendCompleted();                    // the call it cut short
    return err;
}

// posix:signal: kill(2) for one of our processes, from another program.
// The name is checked here, the request by SignalRequest, before the
// signal is sent.
static int Signal(Server *s, ServerRequest *r)
{
    int err;

    (void)s;
    if (r->envelope->name[sizeof(POSIX_SIGNAL_NAME) - 1] != 0)
        return E_NOENT;
    err = SignalRequest(r->message);
    SendCompleted();
    return err;
}

// posix:vfs:/path: forwarded to the mapped name (vfs.c, which checks the
// request before it forwards it); its reply, whatever it is, is passed on.
static int Vfs(Server *s, ServerRequest *r)
{
    int err = 0;
    Message *answer = VfsServe(r->message, r->envelope, &err);

    if (!answer)
        return err;
    ServerAnswerMessage(s, r->message->requestId, answer);
    api->FreeMessage(answer);
    return SERVER_DEFERRED;
}

// posix:proc:NAME from another program: "self" is its sender
// (procfs.c checks the request before it answers).
static int Procfs(Server *s, ServerRequest *r)
{
    int err = 0;
    Message *answer = ProcfsTransact(r->envelope->name, r->message, r->sender, &err);

    if (!answer)
        return err;
    ServerAnswerMessage(s, r->message->requestId, answer);
    api->FreeMessage(answer);
    return SERVER_DEFERRED;
}

// The first route a request matches serves it (lib/server.c).
static const ServerRoute routes[] = {
    { MSG_POSIX_CALL, POSIX_CALL_NAME, Call },          // the common case first
    { MSG_PERSONALITY_INTERRUPT, POSIX_CALL_NAME, Interrupt },
    { SERVER_ANY_TYPE, POSIX_CALL_NAME, Call },         // any other type: E_INVAL
    { SERVER_ANY_TYPE, POSIX_SIGNAL_NAME, Signal },
    { SERVER_ANY_TYPE, POSIX_VFS, Vfs },
    { SERVER_ANY_TYPE, POSIX_PROC, Procfs },
};

static int Unknown(Server *s, ServerRequest *r)
{
    (void)s; (void)r;
    return E_NOENT;
}

// What runs when a process ends, each part forgetting what it held for
// it: waiting calls, pipe ends, console reads, streams, the process's
// state, the handles posix:vfs: opened for it.
static void (*const endedHooks[])(uint32_t pid) = {
    PipeProcessEnded, PollProcessEnded, ConsoleProcessEnded, StreamProcessEnded,
    PosixProcessEnded, VfsClientEnded,
};

// What a signal does to a call that waits: each kind of wait's cancel
// hook, asked in turn (core.c PosixCancelWait).
static const PosixCancel cancelers[] = {
    PipeCancel, PollCancel, ConsoleCancel, StreamCancel, PosixWaitCancel,
};

static void Ended(Server *s, uint32_t pid)
{
    (void)s;
    for (uint32_t i = 0; i < sizeof(endedHooks) / sizeof(endedHooks[0]); i++)
        endedHooks[i](pid);
    SendCompleted();                    // a parent's wait, a pipe's other end
}

// Answer the waiting calls whose time is up (polls, selects, sleeps),
// retry the console reads and streams that are due and send the SIGALRMs
// that are. Returns how long the next receive may wait, in ms (0: no
// limit).
static uint32_t Timers(Server *s)
{
    uint32_t next = PollExpire(), console = ConsoleRetry(), alarm = AlarmExpire();
    uint32_t stream = StreamRetry();

    (void)s;
    if (next == 0 || (console != 0 && console < next))
        next = console;
    if (next == 0 || (stream != 0 && stream < next))
        next = stream;
    if (next == 0 || (alarm != 0 && alarm < next))
        next = alarm;
    SendCompleted();
    return next;
}

// Register posix: and int 0x80, then serve forever. Returns 1 if it
// cannot serve.
int main(const KernelApi *kernel, int argc, char **argv)
{
    (void)argc; (void)argv;
    api = kernel;
    if (api->size < sizeof(KernelApi)) {
        api->Print("posix: this kernel has no process calls for a POSIX server\n");
        return 1;
    }
    if (api->IpcWatchExits() != 0 || api->NamespaceRegister(POSIX_PREFIX, NULL) != 0 ||
        api->PersonalityRegister(POSIX_VECTOR, POSIX_CALL_NAME) != 0) {
        api->Print("posix: cannot serve %s and int 0x%x\n", POSIX_PREFIX, POSIX_VECTOR);
        return 1;
    }
    NsServeLocally(POSIX_PROC, ProcfsTransact);         // /proc is answered here
    PosixCancelersSet(cancelers, sizeof(cancelers) / sizeof(cancelers[0]));
    port = ServerPortKernelApi(api);
    server = (Server){
        .name = "posix", .port = &port, .routes = routes,
        .routeCount = sizeof(routes) / sizeof(routes[0]), .unrouted = Unknown,
        .ProcessEnded = Ended, .Idle = Timers, .requestBuffer = &request.message,
        .replyBuffer = &reply.message, .capacity = sizeof(request),
        .replyCapacity = sizeof(reply),
    };
    ServerRun(&server);
}
