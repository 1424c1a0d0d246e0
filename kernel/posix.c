// int 0x80: the Linux i386 system-call trap, forwarded to the POSIX server.
//
// The kernel knows no POSIX call. It packs the caller's registers into a
// MSG_POSIX_CALL request, sends it to POSIX_CALL_NAME on the caller's
// behalf (the server sees the caller's pid as the sender) and blocks the
// caller until the answer comes; the server does the work through IPC and
// the KernelApi's process calls. Only eax changes.
//
// Both messages live on the caller's kernel stack and travel in the
// inline buffers of its IpcRequest, so the trap allocates nothing: a
// caller killed while it waits (or ended by the server itself, as exit
// does) leaves nothing behind, and the server's late reply is dropped.
//
// What the caller gets:
//   MSG_RESPONSE carrying exactly a PosixResult   its value
//   MSG_ERROR carrying an errno-range E_* code     that code
//   no server holds the name (E_NOENT)             -ENOSYS
//   any other reply (wrong type, size, code)       -ENOSYS
//   an IPC failure (E_PIPE: the server died, ...)  that error
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/message.h>
#include <clanker/posix.h>
#include <kernel/ipc/ipc.h>
#include <kernel/posix.h>
#include <kernel/proc/process.h>

#define ERRNO_MAX 4095          // -4095..-1 is an error to a Linux libc

typedef struct PosixRequest {
    Message header;
    PosixCall call;
} PosixRequest;

// Room for exactly a PosixResult, or a MSG_ERROR's int32 code (the same
// size); a longer reply fails its delivery with E_MSGSIZE.
typedef struct PosixReply {
    Message header;
    union {
        PosixResult result;
        int32_t error;
    };
} PosixReply;

// What the caller's eax becomes for the reply in *reply (length bytes).
static int32_t ReplyValue(const PosixReply *reply, int length)
{
    if (length != (int)sizeof(*reply))
        return E_NOSYS;
    if (reply->header.type == MSG_RESPONSE)
        return reply->result.value;
    if (reply->header.type == MSG_ERROR && reply->error < 0 && reply->error >= -ERRNO_MAX)
        return reply->error;
    return E_NOSYS;
}

// What the caller's eax becomes when the exchange failed with err.
static int32_t FailureValue(int err)
{
    if (err == E_NOENT || err == E_MSGSIZE)
        return E_NOSYS;         // no server; a reply too big to be a PosixResult
    return err;
}

// Send call to the POSIX server on the current process's behalf and wait.
// Returns the value its eax would become.
static int32_t Call(const PosixCall *call)
{
    PosixRequest request = {
        .header = { .type = MSG_POSIX_CALL, .length = sizeof(PosixRequest) },
        .call = *call,
    };
    PosixReply reply;
    IpcDelivery delivery = { .memory = IPC_MEMORY_KERNEL, .buffer = (uintptr_t)&reply,
                             .capacity = sizeof(reply) };
    int length = IpcTransact(POSIX_CALL_NAME, IPC_MEMORY_KERNEL, (uintptr_t)&request,
                             sizeof(request), 0, &delivery);

    return length < 0 ? FailureValue(length) : ReplyValue(&reply, length);
}

void PosixTrap(TrapFrame *frame)
{
    PosixCall call = { frame->eax, { frame->ebx, frame->ecx, frame->edx,
                                     frame->esi, frame->edi, frame->ebp } };

    if (frame->eax >= POSIX_CALL_KERNEL) {
        frame->eax = (uint32_t)E_NOSYS;     // the kernel's own calls are not for programs
        return;
    }
    ProcessCurrent()->posixClient = 1;
    frame->eax = (uint32_t)Call(&call);
}

void PosixReturnToUser(TrapFrame *frame)
{
    Process *self = ProcessCurrent();
    PosixCall call = { POSIX_CALL_SIGNALS, { 0 } };

    (void)frame;
    while (self->posixPoke) {
        self->posixPoke = 0;
        Call(&call);            // the server changes the registers itself
    }
}

int PosixFault(TrapFrame *frame, int signal, uint32_t address)
{
    PosixCall call = { POSIX_CALL_FAULT, { (uint32_t)signal, frame->vector, address,
                                           frame->errorCode } };

    if (!(frame->cs & 3) || !ProcessCurrent()->posixClient)
        return E_NOSYS;
    return Call(&call) == 0 ? 0 : E_INVAL;
}
