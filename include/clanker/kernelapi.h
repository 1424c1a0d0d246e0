// The table of kernel services handed to every kernel-mode program.
//
// A kernel-mode program is an ELF file like any other, run in ring 0 in
// its own address space and scheduled like any process. Its entry point
// is called as
//
//     int main(const KernelApi *api, int argc, char **argv);
//
// and its return value becomes its exit code. Everything it takes through
// the table (pages, heap blocks, device mappings, IRQ lines) is tracked and
// given back when it ends, however it ends. Every call checks all of its
// arguments before it changes anything: bad ones get an E_* code (NULL
// from a call that returns a pointer, nothing done by one that returns
// nothing). docs/kernel-api.md has the rules (what an IRQ handler may
// call, the limits of fault containment).
#ifndef CLANKER_KERNELAPI_H
#define CLANKER_KERNELAPI_H

#include <stddef.h>
#include <stdint.h>
#include <clanker/context.h>
#include <clanker/grant.h>
#include <clanker/job.h>
#include <clanker/message.h>
#include <clanker/personality.h>
#include <clanker/process.h>

// The table's version: it changes whenever a call is added, removed or
// changes meaning. A kernel-mode program states the version it was built
// for with KERNEL_API_NEEDS (every program links lib/kapi/need.c, which
// states KERNEL_API_VERSION), and the loader refuses a program whose
// version is not the kernel's, with a line saying so.
#define KERNEL_API_VERSION 5

// What KERNEL_API_NEEDS puts in the program's KERNEL_API_SECTION.
#define KERNEL_API_SECTION ".clanker.kapi"
#define KERNEL_API_MAGIC   0x4950414bu          // "KAPI"
typedef struct KernelApiNeed {
    uint32_t magic;         // KERNEL_API_MAGIC
    uint32_t version;       // the KERNEL_API_VERSION the program was built for
} KernelApiNeed;

#define KERNEL_API_NEEDS(v) \
    __attribute__((section(KERNEL_API_SECTION), used)) \
    static const KernelApiNeed kernelApiNeed = { KERNEL_API_MAGIC, (v) }

typedef struct KernelApi {
    uint32_t version;           // KERNEL_API_VERSION
    uint32_t size;              // sizeof(KernelApi) of the running kernel

    // Memory.
    void *(*MemAllocatePage)(void);         // zeroed 4 KiB page, kernel address; NULL if none
    void (*MemFreePage)(void *page);
    // Switch to the page directory of another process (its kernel address,
    // from ProcessPageDirectory), or back to the caller's own with NULL.
    // Only code and data in the kernel half stay reachable meanwhile.
    int (*MemSwitchPageDirectory)(void *pageDirectory);
    void *(*ProcessPageDirectory)(uint32_t pid);
    void *(*kmalloc)(size_t size);          // 16-byte aligned; NULL if none
    void (*kfree)(void *ptr);
    // Map [physical, physical + size) uncached; the pointer keeps
    // physical's offset in its page. NULL for an empty range, one past
    // 4 GiB, one larger than the device window area (56 MiB) or holding
    // a byte of the kernel's memory (RAM, its image, boot data), or when
    // the area is full.
    void *(*MapDevice)(uint32_t physical, uint32_t size);
    // Unmap a window: virt as MapDevice gave it, size at most what it
    // mapped from virt; anything else is ignored.
    void (*UnmapDevice)(void *virt, uint32_t size);

    // Scheduling.
    void (*SchedYield)(void);
    void (*Sleep)(uint32_t milliseconds);
    // Sleep and Block return at once in an IRQ handler (it may not wait).
    void (*Block)(void);                    // until Wake(own pid); a Wake that came first counts
    int (*Wake)(uint32_t pid);              // 0, or E_SRCH
    uint32_t (*GetPid)(void);
    uint32_t (*UptimeMs)(void);
    void (*Exit)(int code);

    // Interrupts and ports. The handler runs with interrupts off, in the
    // program's address space, and may call only Wake, the port calls and
    // UptimeMs.
    // 0, E_INVAL (no handler, irq 16 or more, the cascade line 2),
    // E_BUSY (the kernel's, another program's or the caller's line) or
    // E_NOMEM. IrqUnregister of a line the caller does not hold is ignored.
    int (*IrqRegister)(uint8_t irq, void (*handler)(void));
    void (*IrqUnregister)(uint8_t irq);
    uint8_t (*InByte)(uint16_t port);
    void (*OutByte)(uint16_t port, uint8_t value);
    uint16_t (*InWord)(uint16_t port);
    void (*OutWord)(uint16_t port, uint16_t value);
    uint32_t (*InLong)(uint16_t port);
    void (*OutLong)(uint16_t port, uint32_t value);

    // Console: the length printed, E_INVAL for a NULL fmt.
    int (*Print)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

    // IPC and namespaces (docs/ipc.md). Messages from CreateMessage,
    // IpcSend and IpcReceive belong to the program: FreeMessage them.
    int (*NamespaceRegister)(const char *prefix,
                             void (*handler)(Message *request, const IpcEnvelope *envelope));
    int (*NamespaceUnregister)(const char *prefix);
    Message *(*CreateMessage)(uint32_t type, uint32_t dataLength);  // NULL if too big / no memory
    void (*FreeMessage)(Message *message);
    // Send and wait (timeoutMs 0: forever). Returns the reply, or a
    // MSG_ERROR message whose data is the int32 E_* code (E_FAULT for a
    // NULL request, E_MSGSIZE for a length outside [header, maximum],
    // E_INVAL or E_NAMETOOLONG for a bad name); NULL only when out of
    // memory. The request stays the caller's. IpcReply checks its reply
    // the same way; the receive calls want a buffer (E_FAULT) with room
    // for a header (E_MSGSIZE).
    Message *(*IpcSend)(const char *name, const Message *request, uint32_t timeoutMs);
    Message *(*IpcReceive)(IpcEnvelope *envelope);                  // blocks; NULL if no memory
    int (*IpcReceiveInto)(Message *buffer, uint32_t capacity, IpcEnvelope *envelope);
    int (*IpcReply)(uint32_t requestId, const Message *reply);
    int (*IpcNotify)(uint32_t pid, uint32_t jobId, int32_t value);
    int (*IpcWaitNotification)(IpcNotification *out, uint32_t timeoutMs);   // E_INVAL: no out
    void (*IpcServe)(void);     // forever: receive, call the prefix's handler, free
    // From now on IpcReceive/IpcReceiveInto also return MSG_PROCESS_EXIT
    // notices: process data[0..3] ended (docs/ipc.md). 0 or E_NOSPC.
    int (*IpcWatchExits)(void);

    // The initial RAM disk: a USTAR archive (read-only, never freed), or
    // NULL with *size 0 if the machine was booted without one; NULL for a
    // NULL size.
    const uint8_t *(*InitrdImage)(uint32_t *size);

    // Acting for a client (the POSIX layer, docs/posix.md). pid must name a
    // live user process; it is normally stopped in its int 0x80 waiting
    // for this server's reply. Addresses are that process's user
    // addresses, checked page by page (present, user, writable for
    // writes): a bad one is E_FAULT and nothing is copied past it.
    // Unknown or dead pid, or a kernel-mode one: E_SRCH.
    // ProcessRead and ProcessWrite return 0 when all length bytes were
    // copied (E_NOMEM only if every temporary page window is in use); a
    // NULL buffer of the caller's is E_FAULT.
    int (*ProcessRead)(uint32_t pid, void *to, uint32_t from, uint32_t length);
    int (*ProcessWrite)(uint32_t pid, uint32_t to, const void *from, uint32_t length);
    // A NUL-terminated string of at most capacity bytes with its NUL.
    // Returns its length, E_FAULT or E_NAMETOOLONG.
    int (*ProcessReadString)(uint32_t pid, char *to, uint32_t from, uint32_t capacity);
    // Map zeroed pages over [addr, addr + length) (addr page-aligned,
    // length rounded up to whole pages, inside user space, below the
    // stack) with PROCESS_PROT_* protection (0: pages ring 3 cannot touch);
    // pages already mapped there keep their contents and get the new
    // protection. 0, E_INVAL (alignment, range, length 0, unknown prot
    // bits) or E_NOMEM (nothing changed then).
    int (*ProcessMap)(uint32_t pid, uint32_t addr, uint32_t length, uint32_t prot);
    // Unmap and free the pages of [addr, addr + length) (holes are fine;
    // the same range rules as ProcessMap). 0 or E_INVAL.
    int (*ProcessUnmap)(uint32_t pid, uint32_t addr, uint32_t length);
    // Change the protection of the mapped pages of the range (E_NOMEM if
    // any page in it is not mapped, as mprotect; then nothing changed).
    // The range may include the stack; length 0 does nothing.
    int (*ProcessProtect)(uint32_t pid, uint32_t addr, uint32_t length, uint32_t prot);
    // Facts about a user process (include/clanker/process.h).
    int (*ProcessQuery)(uint32_t pid, ProcessFacts *out);
    // End the process with a wait status (WAIT_STATUS_EXITED(code), or
    // WAIT_STATUS_SIGNALED(sig) with sig 1..126): as if it had exited; its
    // parent can wait. 0, E_SRCH, or E_INVAL for any other status.
    int (*ProcessEnd)(uint32_t pid, int waitStatus);
    // The TLS segment of set_thread_area: install desc (entryNumber -1 or
    // 6: the process's own GDT slot, 6 written back) for pid; the kernel
    // loads it whenever pid runs, and the program loads %gs with
    // 6 * 8 + 3 itself. 0, E_INVAL (another entry number, a descriptor
    // that is not a present 32-bit data segment, base outside user space)
    // or E_SRCH.
    int (*ProcessSetTls)(uint32_t pid, TlsDescriptor *desc);

    // Processes that make processes (the POSIX layer's second phase).
    // Copy pid, a user process stopped in its int 0x80, into a new child
    // of pid: the same memory (copied), TLS and registers, except that the
    // child's int 0x80 returns 0. It is ready to run at once. Returns the
    // child's pid, E_SRCH or E_NOMEM (nothing made).
    int (*ProcessFork)(uint32_t pid);
    // Replace pid's program (stopped in its int 0x80) with the ELF image
    // [image, image + size) and the NULL-terminated argv and envp (copied;
    // the caller keeps them): its memory is emptied, the image loaded, a
    // new stack built (argc, argv, envp, auxv), TLS cleared, and its int
    // 0x80 returns into the new program's entry point. Everything is
    // checked first: on an error (E_NOEXEC, E_INVAL, E_NOMEM, E_SRCH) pid
    // is untouched.
    int (*ProcessExec)(uint32_t pid, const void *image, uint32_t size,
                       const char *const *argv, const char *const *envp);
    // Collect an ended child of parent (child -1: any): its pid, with its
    // wait status in *waitStatus; 0 if parent has such children but none
    // has ended yet; E_CHILD if it has none. Never blocks.
    int (*ProcessReap)(uint32_t parent, int32_t child, int *waitStatus);

    // IpcReceiveInto with a time limit (timeoutMs 0: none): E_TIMEDOUT
    // when no request or notice came in time.
    int (*IpcReceiveTimeout)(Message *buffer, uint32_t capacity, IpcEnvelope *envelope,
                             uint32_t timeoutMs);

    // Devices (drivers). MemPhysical is the physical address of a page the
    // program owns (from MemAllocatePage or MemAllocateDmaPage), 0 for
    // anything else. MemAllocateDmaPage is MemAllocatePage for a device
    // that reaches only physical addresses below limit (0x1000000 for
    // ISA DMA); NULL if there is none left there.
    uint32_t (*MemPhysical)(const void *page);
    void *(*MemAllocateDmaPage)(uint32_t limit);
    // PCI configuration space, one aligned 32-bit register at a time;
    // address is PCI_CONFIG_ADDRESS(bus, device, function, offset)
    // (include/clanker/pci.h). 0, or E_INVAL for a malformed address (or
    // a NULL value).
    int (*PciConfigRead)(uint32_t address, uint32_t *value);
    int (*PciConfigWrite)(uint32_t address, uint32_t value);

    // Signals (the POSIX layer). The registers of pid, a user process that
    // is not running (stopped in a call, or preempted), as it will resume
    // in ring 3. ProcessSetRegisters changes them: the general registers,
    // eip, esp, the arithmetic flags of eflags and the FPU state (segment
    // registers and every other flag stay the kernel's). 0 or E_SRCH.
    int (*ProcessGetRegisters)(uint32_t pid, ProcessRegisters *out);
    int (*ProcessSetRegisters)(uint32_t pid, const ProcessRegisters *in);
    // Make pid make its personality's PERSONALITY_CALL_RETURN call before
    // it next returns to ring 3, so a signal sent to it is delivered soon,
    // whatever it is doing. 0 or E_SRCH.
    int (*ProcessPoke)(uint32_t pid);

    // The process context (include/clanker/context.h) of any live
    // process, kernel-mode ones included: ProcessContextGet copies it out,
    // ProcessContextSet replaces it (every name NUL-terminated within
    // CONTEXT_NAME_MAX, else E_INVAL and nothing changes), as the POSIX
    // layer's chdir does. 0, E_SRCH or E_INVAL (NULL).
    int (*ProcessContextGet)(uint32_t pid, ProcessContext *out);
    int (*ProcessContextSet)(uint32_t pid, const ProcessContext *in);

    // Claim trap vector for a personality served at service
    // (include/clanker/personality.h): int VECTOR from ring 3 becomes a
    // MSG_PERSONALITY_CALL to that name; the caller's faults, return
    // calls and ^C go there too. Claiming again by the same name is 0.
    // 0, E_INVAL (a vector of the CPU, the IRQs or int 0x40: only
    // 0x41-0xff; a bad name), E_BUSY (another name has it), E_NOSPC.
    int (*PersonalityRegister)(uint32_t vector, const char *service);

    // Asynchronous jobs, the server's side (include/clanker/job.h,
    // docs/ipc.md): the facts of a job a client lent the caller; copy
    // length bytes at offset of its buffer into to (a write job) or from
    // from into it (a read job); end it with value, which reaches the
    // client as a notice. 0, E_NOENT (no such job lent to the caller, or
    // its client is gone), E_PERM (lent the other way), E_RANGE (past its
    // end), E_FAULT (a page of the client's buffer is not there),
    // E_AGAIN (IpcJobFinish: the client's notice queue is full; try later).
    int (*IpcJobQuery)(uint32_t jobId, IpcJobFacts *out);
    int (*IpcJobRead)(uint32_t jobId, uint32_t offset, void *to, uint32_t length);
    int (*IpcJobWrite)(uint32_t jobId, uint32_t offset, const void *from, uint32_t length);
    int (*IpcJobFinish)(uint32_t jobId, int32_t value);
    // IpcReceiveInto that never waits: E_AGAIN when no request (and, after
    // IpcWatchNotices, no notice) is queued.
    int (*IpcReceivePoll)(Message *buffer, uint32_t capacity, IpcEnvelope *envelope);

    // Connected endpoints (docs/ipc.md, Handles), as SYS_IPC_CONNECT,
    // SYS_IPC_CALL and SYS_IPC_DISCONNECT: IpcConnect routes name once and
    // returns a handle (>= 1) or E_* (E_INVAL: no name; E_NOENT, E_BUSY: a
    // prefix of the caller's own, E_NOSPC). IpcCall sends request on
    // handle and waits at most timeoutMs (0: no limit) for the reply,
    // copied into reply (capacity bytes); returns its length or E_*:
    // E_FAULT (no request or reply), E_MSGSIZE, E_BADF (not an open
    // handle), E_DEAD (its server has gone), the server's E_PIPE.
    // IpcDisconnect: 0 or E_BADF.
    int (*IpcConnect)(const char *name);
    int (*IpcCall)(uint32_t handle, const Message *request, Message *reply, uint32_t capacity,
                   uint32_t timeoutMs);
    int (*IpcDisconnect)(uint32_t handle);
    // A server's loop in one call: answer requestId with reply, then
    // receive as IpcReceiveTimeout does. A reply whose client has gone
    // (E_NOENT) is dropped and the receive goes on; E_FAULT (no reply)
    // and E_MSGSIZE return at once, receiving nothing.
    int (*IpcReplyWait)(uint32_t requestId, const Message *reply, Message *buffer,
                        uint32_t capacity, IpcEnvelope *envelope, uint32_t timeoutMs);

    // Version 5. Shared memory (include/clanker/grant.h, docs/ipc.md).
    // GrantCreate grants [addr, addr + length) of the program's own memory
    // (page-aligned: a stretch of one kmalloc block, pages from
    // MemAllocatePage, or its own image and stack) to the live user
    // process granteePid with rights (GRANT_READ, GRANT_WRITE); the pages
    // live while the grant does (a kfree of the block revokes it first).
    // GrantDevice grants device memory [physical, physical + length)
    // (page-aligned; not RAM, never freed), which the grantee maps
    // uncached. Both return the grant id (>= 1) or E_INVAL (alignment,
    // length 0 or over GRANT_LENGTH_MAX, wrap, rights), E_FAULT (a page
    // that is not the program's), E_PERM (GrantDevice: memory the kernel
    // holds), E_SRCH (no such user process), E_NOSPC (tables full), E_NOMEM.
    // GrantRevoke ends a grant the program made: unmapped from its
    // grantee at once. GrantQuery: the facts of a grant it made (E_INVAL
    // for a NULL out). Both 0 or E_NOENT (no grant of its own).
    int (*GrantCreate)(const void *addr, uint32_t length, uint32_t rights, uint32_t granteePid);
    int (*GrantDevice)(uint32_t physical, uint32_t length, uint32_t rights, uint32_t granteePid);
    int (*GrantRevoke)(uint32_t grantId);
    int (*GrantQuery)(uint32_t grantId, GrantFacts *out);
    // From now on the receive calls (IpcReceive, IpcReceiveInto,
    // IpcReceiveTimeout, IpcReceivePoll, IpcReplyWait) also return the
    // program's queued notices as MSG_NOTICE messages (senderId 0, data an
    // IpcNotification), before its requests. 0.
    int (*IpcWatchNotices)(void);
} KernelApi;

// The kernel's own table (kernel side only).
const KernelApi *KernelApiTable(void);

#endif
