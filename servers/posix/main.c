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
#include <lib/string.h>
#include "posix.h"

const KernelApi *api;
PosixProcess *posixCaller;

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request;

static union {
    Message message;
    uint8_t bytes[MESSAGE_HEADER_SIZE + 16];
} reply;

// Answer requestId with an E_* error.
static void ReplyError(uint32_t requestId, int err)
{
    reply.message = (Message){ .type = MSG_ERROR, .length = MESSAGE_HEADER_SIZE + 4 };
    memcpy(reply.message.data, &err, 4);
    api->IpcReply(requestId, &reply.message);
}

// Answer requestId with a PosixResult.
void PosixAnswer(uint32_t requestId, int32_t value)
{
    PosixResult result = { value };

    reply.message = (Message){ .type = MSG_RESPONSE,
                               .length = MESSAGE_HEADER_SIZE + sizeof(result) };
    memcpy(reply.message.data, &result, sizeof(result));
    api->IpcReply(requestId, &reply.message);
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

// One system call from process m->senderId: run it and answer, unless it
// ended the process or must wait.
static void ServeCall(Message *m)
{
    PosixCall call;
    PosixProcess *p;
    int32_t value;
    int err;

    if (m->type != MSG_POSIX_CALL || MessageDataLength(m) != sizeof(call)) {
        ReplyError(m->requestId, E_INVAL);
        return;
    }
    memcpy(&call, m->data, sizeof(call));
    p = PosixProcessGet(m->senderId, &err);
    if (!p) {
        PosixAnswer(m->requestId, err);
        return;
    }
    p->requestId = m->requestId;
    p->callNumber = call.number;
    posixCaller = p;
    value = Run(p, &call);
    posixCaller = NULL;
    if (!p->ended && value != POSIX_DEFERRED)
        PosixAnswer(m->requestId, value);
}

// A request for a name under posix:proc: from another program: "self"
// is its sender.
static void ServeProcfs(Message *m, const IpcEnvelope *envelope)
{
    int err = 0;
    Message *answer = ProcfsTransact(envelope->name, m, m->senderId, &err);

    if (!answer) {
        ReplyError(m->requestId, err);
        return;
    }
    api->IpcReply(m->requestId, answer);
    api->FreeMessage(answer);
}

// Route one received message by the name it was sent to.
static void Route(Message *m, const IpcEnvelope *envelope)
{
    if (m->type == MSG_PROCESS_EXIT && m->senderId == 0) {
        uint32_t pid;
        if (MessageDataLength(m) < sizeof(pid))
            return;
        memcpy(&pid, m->data, sizeof(pid));
        PipeProcessEnded(pid);
        PollProcessEnded(pid);
        ConsoleProcessEnded(pid);
        StreamProcessEnded(pid);
        PosixProcessEnded(pid);
        VfsClientEnded(pid);
        return;
    }
    if (m->type == MSG_PERSONALITY_INTERRUPT && m->senderId != 0 &&
        strcmp(envelope->name, POSIX_CALL_NAME) == 0) {
        int err = SignalInterrupt(m);
        if (err) {
            ReplyError(m->requestId, err);
        } else {
            reply.message = (Message){ .type = MSG_RESPONSE, .length = MESSAGE_HEADER_SIZE };
            api->IpcReply(m->requestId, &reply.message);
        }
    } else if (strcmp(envelope->name, POSIX_CALL_NAME) == 0) {
        ServeCall(m);
    } else if (strcmp(envelope->name, POSIX_SIGNAL_NAME) == 0) {
        int err = SignalRequest(m);
        if (err) {
            ReplyError(m->requestId, err);
        } else {
            reply.message = (Message){ .type = MSG_RESPONSE, .length = MESSAGE_HEADER_SIZE };
            api->IpcReply(m->requestId, &reply.message);
        }
    }
    else if (strncmp(envelope->name, POSIX_VFS, strlen(POSIX_VFS)) == 0)
        VfsServe(m, envelope);
    else if (strncmp(envelope->name, POSIX_PROC, strlen(POSIX_PROC)) == 0)
        ServeProcfs(m, envelope);
    else
        ReplyError(m->requestId, E_NOENT);
}

// Answer the waiting calls whose time is up (polls, selects, sleeps),
// retry the console reads that are due and send the SIGALRMs that are. Returns how long the next receive
// may wait, in ms (0: no limit).
static uint32_t Timers(void)
{
    uint32_t next = PollExpire(), console = ConsoleRetry(), alarm = AlarmExpire();
    uint32_t stream = StreamRetry();

    if (next == 0 || (console != 0 && console < next))
        next = console;
    if (next == 0 || (stream != 0 && stream < next))
        next = stream;
    if (next == 0 || (alarm != 0 && alarm < next))
        next = alarm;
    return next;
}

// Register posix:, then serve forever, answering the waiting calls whose
// time is up between requests. Returns 1 if it cannot serve.
int main(const KernelApi *kernel, int argc, char **argv)
{
    IpcEnvelope envelope;

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
    for (;;) {
        if (api->IpcReceiveTimeout(&request.message, sizeof(request), &envelope,
                                   Timers()) < 0)
            continue;
        Route(&request.message, &envelope);
    }
}
