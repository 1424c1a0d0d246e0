// The POSIX layer's wire protocol (servers/posix/, docs/posix.md).
//
// A process that raises int 0x80 (the Linux i386 system-call ABI: number
// in eax, arguments in ebx, ecx, edx, esi, edi, ebp) is stopped in the
// kernel, which sends the call as a MSG_POSIX_CALL request to the name
// POSIX_CALL_NAME on the caller's behalf (senderId is the caller's pid)
// and waits for the reply. The POSIX server, a kernel-mode program, does
// the work through namespace IPC and the KernelApi's process calls (it
// never touches the caller's memory directly), and answers MSG_RESPONSE
// with a PosixResult; the kernel puts its value in the caller's eax and
// lets it run on. Any failure on the way (no POSIX server, a malformed
// reply) gives the caller -ENOSYS or the IPC error, negated errno style.
#ifndef CLANKER_POSIX_H
#define CLANKER_POSIX_H

#include <stdint.h>
#include <clanker/message.h>

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

typedef struct PosixCall {
    uint32_t number;        // eax
    uint32_t args[6];       // ebx, ecx, edx, esi, edi, ebp
} PosixCall;

// Calls the kernel itself makes to the POSIX server for a process (never
// a Linux number: an int 0x80 with eax at or above POSIX_CALL_KERNEL is
// -ENOSYS without reaching the server). The reply's value is ignored
// except where said; the server changes the process's registers with
// ProcessSetRegisters when it runs a signal handler.
#define POSIX_CALL_KERNEL  0xffff0000u
// ProcessPoke asked for it: the process is about to return to ring 3;
// deliver what is pending for it. No arguments.
#define POSIX_CALL_SIGNALS 0xffff0000u
// The process raised a CPU exception in ring 3: args = { signal, vector,
// fault address (cr2 for a page fault, else eip), error code }. Value 0:
// a handler will run; anything else: the kernel ends the process as it
// would without a POSIX server.
#define POSIX_CALL_FAULT   0xffff0001u

typedef struct PosixResult {
    int32_t value;          // what the caller's eax becomes (-errno on failure)
} PosixResult;

// KernelApi ProcessMap / ProcessProtect protection bits (the mmap PROT_* values).
#define POSIX_PROT_READ  0x1u
#define POSIX_PROT_WRITE 0x2u
#define POSIX_PROT_EXEC  0x4u

// What the KernelApi's ProcessQuery tells about a user process.
typedef struct ProcessFacts {
    uint32_t pid;
    uint32_t parent;        // 0: none
    uint32_t imageEnd;      // first byte past the loaded ELF segments (page-rounded): brk starts here
    uint32_t stackBottom;   // lowest address of the stack mapping
    uint32_t userLimit;     // first address user code may not use
    char name[32];
    char image[128];        // the name its program was loaded from ("fs:root:bin/x"), "" if unknown
} ProcessFacts;

// The user registers of a process stopped in the kernel (ProcessGetRegisters
// and ProcessSetRegisters).
typedef struct PosixRegisters {
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp, eip, eflags;
    uint32_t vector;        // what stopped it: 0x80 a POSIX call, 32.. an interrupt, 0..31 an exception
    uint32_t errorCode;     // the exception's error code
    uint8_t fpu[512];       // its x87/SSE state, FXSAVE format
} PosixRegisters;

// A Linux struct user_desc (set_thread_area), as far as the TLS needs.
typedef struct PosixUserDesc {
    uint32_t entryNumber;   // -1 (0xffffffff): pick one; the chosen one is written back
    uint32_t baseAddr;
    uint32_t limit;
    uint32_t flags;         // seg_32bit:1 contents:2 read_exec_only:1 limit_in_pages:1 seg_not_present:1 useable:1
} PosixUserDesc;

#endif
