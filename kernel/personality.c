// Personalities: trap vectors claimed by servers (include/clanker/personality.h).
//
// The kernel knows no personality's calls. For a claimed vector it packs
// the caller's registers into a MSG_PERSONALITY_CALL request, sends it to
// the claiming service on the caller's behalf (the server sees the
// caller's pid as the sender) and blocks the caller until the answer
// comes; the server does the work through IPC and the KernelApi's process
// calls. Only eax changes.
//
// Both messages live on the caller's kernel stack and travel in the
// inline buffers of its IpcRequest, so the trap allocates nothing: a
// caller killed while it waits (or ended by the server itself, as exit
// does) leaves nothing behind, and the server's late reply is dropped.
//
// What the caller gets:
//   MSG_RESPONSE carrying exactly a PersonalityResult  its value
//   MSG_ERROR carrying an errno-range E_* code          that code
//   no server holds the name (E_NOENT)                   -ENOSYS
//   any other reply (wrong type, size, code)             -ENOSYS
//   an IPC failure (E_PIPE: the server died, ...)        that error
// A vector nobody claimed never reaches a server: kernel/trap.c answers
// it with -ENOSYS.
//
// A process that raised a claimed vector remembers which (Process
// .personality, kept across fork and exec): its CPU exceptions, its
// return calls after ProcessPoke and the console's ^C go to that
// personality.
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/message.h>
#include <clanker/personality.h>
#include <clanker/syscall.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <kernel/ipc/endpoint.h>
#include <kernel/ipc/ipc.h>
#include <kernel/mm/kheap.h>
#include <kernel/personality.h>
#include <kernel/proc/process.h>

#define ERRNO_MAX 4095          // -4095..-1 is an error to a Linux libc

typedef struct Personality {
    uint32_t vector;                    // 0: a free slot
    char service[NS_NAME_MAX + 1];
    IpcEndpoint endpoint;               // the service's server, routed once
    int connected;                      // endpoint was opened (it may be dead since)
} Personality;

static Personality personalities[PERSONALITY_MAX];
static uint8_t claimedBy[TRAP_VECTORS];     // vector -> 1 + its personality's index, 0: none

typedef struct CallRequest {
    Message header;
    PersonalityCall call;
} CallRequest;

// Room for exactly a PersonalityResult, or a MSG_ERROR's int32 code (the
// same size); a longer reply fails its delivery with E_MSGSIZE.
typedef struct CallReply {
    Message header;
    union {
        PersonalityResult result;
        int32_t error;
    };
} CallReply;

// Whether a trap vector may be claimed: not an exception (0-31), an IRQ
// (32-47) or the native system calls (0x40).
static int Claimable(uint32_t vector)
{
    return vector > SYSCALL_VECTOR && vector < TRAP_VECTORS;
}

// The personality of vector, or NULL.
static Personality *ForVector(uint32_t vector)
{
    return vector < TRAP_VECTORS && claimedBy[vector] ? &personalities[claimedBy[vector] - 1]
                                                      : NULL;
}

// The personality process p has used, or NULL.
static Personality *Of(const Process *p)
{
    if (!p || p->personality == 0 || p->personality > PERSONALITY_MAX)
        return NULL;
    return personalities[p->personality - 1].vector ? &personalities[p->personality - 1] : NULL;
}

int PersonalityRegister(uint32_t vector, const char *service)
{
    size_t length = service ? strnlen(service, NS_NAME_MAX + 1) : 0;
    Personality *slot = ForVector(vector);

    /* decode */
    if (!Claimable(vector) || length == 0 || length > NS_NAME_MAX)
        return E_INVAL;
    if (slot)
        return strcmp(slot->service, service) == 0 ? 0 : E_BUSY;
    for (int i = 0; i < PERSONALITY_MAX && !slot; i++)
        if (personalities[i].vector == 0)
            slot = &personalities[i];
    if (!slot)
        return E_NOSPC;
    /* invoke */
    memcpy(slot->service, service, length + 1);
    slot->vector = vector;
    slot->connected = 0;                // routed at its first call
    claimedBy[vector] = (uint8_t)(slot - personalities + 1);
    return 0;
}

int PersonalityClaims(uint32_t vector)
{
    return vector < TRAP_VECTORS && claimedBy[vector] != 0;
}

// What the caller's eax becomes for the reply in *reply (length bytes).
static int32_t ReplyValue(const CallReply *reply, int length)
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
        return E_NOSYS;         // no server; a reply too big to be a PersonalityResult
    return err;
}

// Send the request (its call filled in) to personality p on the current
// process's behalf and wait. Returns the value its eax would become.
static int32_t Send(Personality *p, CallRequest *request)
{
    CallReply reply;
    IpcDelivery delivery = { .memory = IPC_MEMORY_KERNEL, .buffer = (uintptr_t)&reply,
                             .capacity = sizeof(reply) };
    int length = E_DEAD;

    if (p->connected)               // the common case: no name to route
        length = IpcTransactEndpoint(&p->endpoint, IPC_MEMORY_KERNEL, (uintptr_t)request,
                                     sizeof(*request), 0, &delivery);
    if (length == E_DEAD) {         // first call, or its server changed: route the name
        p->connected = IpcEndpointOpen(&p->endpoint, p->service) == 0;
        length = IpcTransact(p->service, IPC_MEMORY_KERNEL, (uintptr_t)request,
                             sizeof(*request), 0, &delivery);
    }

    return length < 0 ? FailureValue(length) : ReplyValue(&reply, length);
}

// A request to carry call.
static CallRequest Request(PersonalityCall call)
{
    return (CallRequest){
        .header = { .type = MSG_PERSONALITY_CALL, .length = sizeof(CallRequest) },
        .call = call,
    };
}

// Send call to personality p and wait (Send).
static int32_t Call(Personality *p, const PersonalityCall *call)
{
    CallRequest request = Request(*call);

    return Send(p, &request);
}

int PersonalityTrap(TrapFrame *frame)
{
    uint32_t v = frame->vector;
    uint8_t index = v < TRAP_VECTORS ? claimedBy[v] : 0;
    CallRequest request;

    /* decode: a claimed vector, a number that is not the kernel's own */
    if (!index)
        return E_NOENT;
    if (frame->eax >= PERSONALITY_CALL_KERNEL) {
        frame->eax = (uint32_t)E_NOSYS;     // the kernel's own calls are not for programs
        return 0;
    }
    /* invoke */
    request = Request((PersonalityCall){ frame->eax, { frame->ebx, frame->ecx, frame->edx,
                                                       frame->esi, frame->edi, frame->ebp } });
    ProcessCurrent()->personality = index;
    frame->eax = (uint32_t)Send(&personalities[index - 1], &request);   // built in place
    return 0;
}

void PersonalityReturnToUser(TrapFrame *frame)
{
    Process *self = ProcessCurrent();
    PersonalityCall call = { PERSONALITY_CALL_RETURN, { 0 } };
    Personality *p = Of(self);

    (void)frame;
    while (self->returnCall) {
        self->returnCall = 0;
        if (p)
            Call(p, &call);     // the server changes the registers itself
    }
}

int PersonalityFault(TrapFrame *frame, int signal, uint32_t address)
{
    PersonalityCall call = { PERSONALITY_CALL_FAULT, { (uint32_t)signal, frame->vector, address,
                                                       frame->errorCode } };
    Personality *p = Of(ProcessCurrent());

    /* decode: a ring-3 fault of a process that has a personality */
    if (!(frame->cs & 3) || !p)
        return E_NOSYS;
    /* invoke */
    return Call(p, &call) == 0 ? 0 : E_INVAL;
}

int PersonalityInterruptProcess(uint32_t pid, uint32_t timeoutMs)
{
    PersonalityInterrupt what = { pid };
    char service[NS_NAME_MAX + 1];
    Message *request, *reply = NULL;
    uint32_t flags = CpuSave();
    const Personality *p = Of(ProcessFind(pid));
    int err;

    /* decode: a process that has used a personality */
    if (p)
        memcpy(service, p->service, sizeof(service));
    CpuRestore(flags);
    if (!p)
        return E_SRCH;
    /* invoke */
    if (!(request = kmalloc(MESSAGE_HEADER_SIZE + sizeof(what))))
        return E_NOMEM;
    *request = (Message){ .type = MSG_PERSONALITY_INTERRUPT,
                          .length = MESSAGE_HEADER_SIZE + sizeof(what) };
    memcpy(request->data, &what, sizeof(what));
    err = IpcCall(service, request, timeoutMs, &reply);         // takes request
    if (!err && reply->type == MSG_ERROR)
        err = E_SRCH;
    if (reply)
        kfree(reply);
    return err;
}
