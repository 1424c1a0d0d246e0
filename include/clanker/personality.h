// Personalities: servers that give ring-3 programs another system-call
// ABI (the POSIX layer gives them Linux's int 0x80).
//
// A kernel-mode server claims a trap vector with the KernelApi's
// PersonalityRegister(vector, service). From then on a ring-3 process
// that raises int VECTOR is stopped in the kernel, which sends its
// registers as a MSG_PERSONALITY_CALL request (a PersonalityCall: number
// in eax, arguments in ebx, ecx, edx, esi, edi, ebp) to the service name
// on the process's behalf (senderId is its pid) and waits; the reply's
// PersonalityResult becomes its eax. Any failure on the way (nobody
// serves the name, a malformed reply) gives it -ENOSYS, or the IPC
// error. The server does the work through IPC and the KernelApi's
// process calls.
//
// The kernel also calls the service itself, with numbers no program may
// use (an int VECTOR with eax at or above PERSONALITY_CALL_KERNEL is
// -ENOSYS without reaching the server):
//   PERSONALITY_CALL_RETURN  after ProcessPoke, as the process is about to
//                            return to ring 3 (run its signal handlers)
//   PERSONALITY_CALL_FAULT   it raised a CPU exception in ring 3 after
//                            using the vector: args = { signal, vector,
//                            fault address (cr2, else eip), error code };
//                            value 0: the server will run a handler; any
//                            other: the kernel ends the process as usual
// and sends MSG_PERSONALITY_INTERRUPT (PersonalityInterrupt: a pid) to the
// service when the console's ^C is for one of its processes; E_SRCH back
// makes the kernel end that process instead.
#ifndef CLANKER_PERSONALITY_H
#define CLANKER_PERSONALITY_H

#include <stdint.h>
#include <clanker/message.h>

typedef struct PersonalityCall {
    uint32_t number;        // eax
    uint32_t args[6];       // ebx, ecx, edx, esi, edi, ebp
} PersonalityCall;

typedef struct PersonalityResult {
    int32_t value;          // what the caller's eax becomes (-errno on failure)
} PersonalityResult;

#define PERSONALITY_CALL_KERNEL 0xffff0000u
#define PERSONALITY_CALL_RETURN 0xffff0000u
#define PERSONALITY_CALL_FAULT  0xffff0001u

typedef struct PersonalityInterrupt {
    uint32_t pid;
} PersonalityInterrupt;

#endif
