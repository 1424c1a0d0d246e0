// What the KernelApi tells a kernel-mode server about a user process, and
// hands it to change: its facts, its registers, its TLS segment, and the
// protection bits of its pages (servers that act for a process: the
// POSIX layer, docs/kernel-api.md).
#ifndef CLANKER_PROCESS_H
#define CLANKER_PROCESS_H

#include <stdint.h>

// ProcessMap / ProcessProtect protection bits (the values of mmap's PROT_*).
#define PROCESS_PROT_READ  0x1u
#define PROCESS_PROT_WRITE 0x2u
#define PROCESS_PROT_EXEC  0x4u

// What ProcessQuery tells about a user process.
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
typedef struct ProcessRegisters {
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp, eip, eflags;
    uint32_t vector;        // what stopped it: a personality's vector, 32.. an interrupt, 0..31 an exception
    uint32_t errorCode;     // the exception's error code
    uint8_t fpu[512];       // its x87/SSE state, FXSAVE format
} ProcessRegisters;

// A TLS segment for ProcessSetTls, laid out as Linux's struct user_desc
// (set_thread_area), as far as the TLS needs.
typedef struct TlsDescriptor {
    uint32_t entryNumber;   // -1 (0xffffffff): pick one; the chosen one is written back
    uint32_t baseAddr;
    uint32_t limit;
    uint32_t flags;         // seg_32bit:1 contents:2 read_exec_only:1 limit_in_pages:1 seg_not_present:1 useable:1
} TlsDescriptor;

#endif
