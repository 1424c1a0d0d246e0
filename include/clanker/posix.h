// The POSIX layer's wire protocol (servers/posix/, docs/posix.md).
//
// The POSIX server claims int 0x80 (the Linux i386 system-call ABI:
// number in eax, arguments in ebx, ecx, edx, esi, edi, ebp) as a
// personality (include/clanker/personality.h): a process that raises it
// is stopped in the kernel, which sends the call as a MSG_POSIX_CALL
// request to POSIX_CALL_NAME on the caller's behalf (senderId is the
// caller's pid) and waits for the reply. The POSIX server, a kernel-mode program, does
// the work through namespace IPC and the KernelApi's process calls (it
// never touches the caller's memory directly), and answers MSG_RESPONSE
// with a PosixResult; the kernel puts its value in the caller's eax and
// lets it run on. Any failure on the way (no POSIX server, a malformed
// reply) gives the caller -ENOSYS or the IPC error, negated errno style.
#ifndef CLANKER_POSIX_H
#define CLANKER_POSIX_H

#include <stdint.h>
#include <clanker/message.h>
#include <clanker/personality.h>
#include <clanker/process.h>

#define POSIX_VECTOR    0x80
#define POSIX_PREFIX    "posix:"
#define POSIX_CALL_NAME "posix:call"
#define POSIX_VFS       "posix:vfs:"    // posix:vfs:/path is the POSIX view of the namespaces
#define POSIX_PROC      "posix:proc:"   // Linux's /proc, made from proc: (servers/posix/procfs.c)

// Another program asks the POSIX server to signal one of its processes,
// as kill(2) would (the console's ^C, the native shell's kill):
//   POSIX_MSG_SIGNAL to POSIX_SIGNAL_NAME, PosixSignal -> (empty)
// E_SRCH when the server has no state for pid (not a POSIX process:
// the sender then ends it through the kernel), E_INVAL for a bad signal.
#define POSIX_SIGNAL_NAME "posix:signal"
#define POSIX_MSG_SIGNAL  (MSG_TYPE_LIMIT + 50)

typedef struct PosixSignal {
    uint32_t pid;
    uint32_t signal;        // 1..64, Linux numbers
} PosixSignal;

// The POSIX layer is a personality (include/clanker/personality.h) of
// POSIX_VECTOR, served at POSIX_CALL_NAME; these are its names for the
// personality's messages.
#define MSG_POSIX_CALL     MSG_PERSONALITY_CALL
typedef PersonalityCall PosixCall;
typedef PersonalityResult PosixResult;
#define POSIX_CALL_KERNEL  PERSONALITY_CALL_KERNEL
#define POSIX_CALL_SIGNALS PERSONALITY_CALL_RETURN     // deliver what is pending
#define POSIX_CALL_FAULT   PERSONALITY_CALL_FAULT

// The KernelApi's process types under the names the POSIX layer uses.
#define POSIX_PROT_READ  PROCESS_PROT_READ
#define POSIX_PROT_WRITE PROCESS_PROT_WRITE
#define POSIX_PROT_EXEC  PROCESS_PROT_EXEC
typedef ProcessRegisters PosixRegisters;
typedef TlsDescriptor PosixUserDesc;

#endif
