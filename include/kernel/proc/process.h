// Processes (kernel/proc/process.c).
//
// One Process per program, kernel-mode or user-mode. A process owns an
// address space (kernel threads share the kernel's), a kernel stack in the
// kernel half, its saved registers and FPU state, and the resources the
// kernel tracks for it: pages, heap blocks, device mappings and IRQ lines
// a kernel-mode program took through the KernelApi. All of them return
// when the process ends.
//
// Life cycle: READY <-> RUNNING <-> BLOCKED, then ZOMBIE (exited, status
// kept for the parent's wait) and freed when reaped. A process whose
// parent is gone is freed as soon as it ends.
#ifndef KERNEL_PROCESS_H
#define KERNEL_PROCESS_H

#include <stdint.h>
#include <clanker/context.h>
#include <clanker/message.h>
#include <clanker/process.h>
#include <arch/x86/fpu.h>
#include <kernel/ipc/ipcrequest.h>
#include <kernel/proc/waitqueue.h>
#include <arch/x86/vmm.h>

#define PROCESS_MAX        256
#define PROCESS_NAME_MAX   32
#define PROCESS_IMAGE_MAX  128     // bytes of the image name, its NUL included
#define PROCESS_ARGS_MAX   256     // bytes of its arguments kept for proc: (NUL-separated)
#define KERNEL_STACK_SIZE  16384
#define STACK_CANARY       0x57ac4ca7u

typedef enum ProcessState {
    PROCESS_NEW,        // being loaded: invisible to ProcessFind and kill
    PROCESS_READY,
    PROCESS_RUNNING,
    PROCESS_BLOCKED,
    PROCESS_ZOMBIE,
} ProcessState;

typedef enum ProcessMode {
    PROCESS_USER,       // ring 3
    PROCESS_KERNEL,     // ring 0: kernel-mode programs and kernel threads
} ProcessMode;

typedef struct Process Process;

// Something a kernel-mode program took that must be given back.
typedef struct ProcessResource ProcessResource;

typedef void (*KernelEntry)(void *arg);

struct Process {
    uint8_t fpuState[FPU_STATE_SIZE];   // first: keeps the 16-byte alignment
    uint32_t pid;
    ProcessState state;
    ProcessMode mode;
    char name[PROCESS_NAME_MAX];
    Process *parent;
    AddressSpace *space;        // &ownSpace, or the kernel's for kernel threads
    AddressSpace ownSpace;
    uint8_t *kernelStack;       // KERNEL_STACK_SIZE bytes; canary at the bottom
    uint32_t savedEsp;          // while not running: where ArchSwitch left off
    Process *next;              // link in the ready queue or a wait queue
    Process *sleepNext;         // link in the sleep list (a timed block is on both)
    WaitQueue *waitingOn;       // the queue it is blocked on, or NULL
    uint64_t wakeTick;          // when sleeping: the tick to wake at, else 0
    int exitStatus;             // wait status (include/clanker/syscall.h)
    WaitQueue children;         // where this process waits for a child
    uint64_t cpuTicks;          // timer ticks spent running
    uint32_t codeLow, codeHigh; // kernel-mode programs: their image range
    uint32_t imageEnd;          // end of the highest loaded segment, page-aligned (brk starts here)
    uint64_t tls;               // its TLS segment's GDT descriptor (set_thread_area), 0: none
    KernelEntry entry;          // kernel-mode start routine and its argument
    void *entryArg;
    uint32_t programEntry;      // kernel-mode programs: main, argc, argv
    int programArgc;
    uint32_t programArgv;
    int timedOut;               // the last timed block ran out
    // IPC (kernel/ipc/ipc.c).
    struct IpcRequest *ipcQueueHead;    // requests waiting to be received
    struct IpcRequest *ipcQueueTail;
    uint32_t ipcQueueLength;
    struct IpcRequest *ipcServing;      // received, not yet answered
    IpcRequest ipcRequest;              // as a client: its request (one at a time)
    WaitQueue ipcReceivers;             // where it waits for a request
    IpcInbox ipcInbox;                  // the buffer it waits with there
    uint32_t ipcDelivered;              // a request a client put straight into it: its length
    struct IpcRequest *ipcHanded;       //  and that request, until its receive returns
    WaitQueue ipcNoteWaiters;           // where it waits for a notification
    IpcNotification ipcNotes[IPC_NOTIFY_MAX];
    struct IpcEndpoint *ipcHandles;     // its connected endpoints (endpoint.c), or NULL
    struct IpcRouteCache *ipcRoutes;    // the routes of the names it sent to, or NULL
    uint32_t ipcNoteHead;
    uint32_t ipcNoteCount;
    uint32_t prefixes;          // namespace prefixes it holds
    uint8_t ipcWatchExits;      // IpcReceive also delivers MSG_PROCESS_EXIT notices
    uint8_t ipcWatchNotices;    // IpcReceive also delivers queued notices as MSG_NOTICE
    uint32_t ipcExitsSeen;      // how many of the kernel's exit notices it has had
    uint8_t personality;        // 1 + the personality whose vector it raised (kernel/personality.c), 0: none
    uint8_t returnCall;         // make its personality's return call before ring 3 (ProcessPoke)
    int inBlock;                // blocked in the KernelApi's Block
    int wakePending;            // a Wake came while not blocked
    ProcessResource *resources;
    ProcessContext context;     // cwd and standard streams (include/clanker/context.h)
    char image[PROCESS_IMAGE_MAX]; // the name its program was loaded from ("" if none)
    char args[PROCESS_ARGS_MAX];   // its arguments, each NUL-terminated, cut at a whole one
    uint32_t argsLength;           // bytes of args in use
    uint64_t startTick;            // SchedTicks() when it was made
    uint8_t suspended;          // made SPAWN_SUSPENDED, not yet resumed: blocked on nothing
};

// Set up the table and turn the boot context into the idle process.
void ProcessInit(void);

// A kernel thread running entry(arg) in the kernel's address space.
// Returns the new process (READY), or NULL when out of memory or slots.
Process *ProcessCreateThread(const char *name, KernelEntry entry, void *arg);

// The same, with no parent: nobody waits for it and it is freed when it
// ends (the kernel's own servers, init). Returns it, or NULL.
Process *ProcessCreateDaemon(const char *name, KernelEntry entry, void *arg);

// An empty process with its own address space, not yet runnable; the
// loader fills it and calls ProcessStartUser or ProcessStartKernel.
// Returns NULL when out of memory or slots.
Process *ProcessCreate(const char *name, ProcessMode mode, Process *parent);

// Make a loaded process runnable: a user process enters ring 3 at eip
// with stack pointer esp; a kernel-mode program calls entry(arg). A
// process whose suspended flag is set is made ready to start but left
// blocked on nothing until ProcessResume.
void ProcessStartUser(Process *p, uint32_t eip, uint32_t esp);
void ProcessStartKernel(Process *p, KernelEntry entry, void *arg);

// Start child pid of process parent, made suspended. Returns 0, E_SRCH
// (no such live child of parent) or E_INVAL (it is not suspended).
int ProcessResume(uint32_t parent, uint32_t pid);

// The context every process starts with when nobody gives it one: cwd
// "fs:root:", every stream "console:".
void ProcessContextDefault(ProcessContext *out);

// Whether every name of c is NUL-terminated within CONTEXT_NAME_MAX.
int ProcessContextValid(const ProcessContext *c);

// Copy live process pid's context into *out, or replace it with *in
// (checked with ProcessContextValid first: E_INVAL, nothing changed).
// Both return 0, E_SRCH (no such live process) or E_INVAL (NULL).
int ProcessContextGet(uint32_t pid, ProcessContext *out);
int ProcessContextSet(uint32_t pid, const ProcessContext *in);

// Keep a copy of the argc strings argv as p's arguments (what proc:PID:args
// reads): as many whole strings as fit in PROCESS_ARGS_MAX bytes.
void ProcessSetArgs(Process *p, uint32_t argc, const char *const *argv);

// Free a process that never ran (a failed load).
void ProcessDiscard(Process *p);

// End the current process with a wait status. Never returns.
void ProcessExit(int status) __attribute__((noreturn));

// End process pid with SIGNAL_KILL. Returns 0, E_SRCH (no such live
// process) or E_INVAL (the idle process cannot be killed).
int ProcessKill(uint32_t pid);

// End user process pid as if it had exited with waitStatus, which must be
// WAIT_STATUS_EXITED(code) or WAIT_STATUS_SIGNALED(1..126): the same
// teardown as ProcessKill. Returns 0, E_SRCH (no such live user process)
// or E_INVAL (any other status).
int ProcessEnd(uint32_t pid, int waitStatus);

// Fill *out with what a server acting for user process pid needs to know
// of it (the POSIX layer does).
// Returns 0, E_SRCH or E_INVAL (out NULL).
int ProcessQuery(uint32_t pid, ProcessFacts *out);

// Give user process pid the TLS segment desc describes (a Linux
// set_thread_area request; see GdtMakeTls for what is accepted). Entry
// number -1 or GDT_TLS_INDEX is accepted and GDT_TLS_INDEX written back;
// the segment is in the GDT whenever pid runs. Returns 0, E_SRCH or
// E_INVAL (another entry number, a descriptor refused, desc NULL).
int ProcessSetTls(uint32_t pid, TlsDescriptor *desc);

// Copy user process pid (live, not the caller: stopped in the kernel)
// into a new child of it: every user page copied, the same protection,
// TLS, FPU state, name and registers, except that the child's eax is 0
// when it returns to ring 3. The child is ready at once. Returns its pid,
// E_SRCH (no such stopped user process, or it ended meanwhile) or
// E_NOMEM (nothing made).
int ProcessFork(uint32_t pid);

// Replace user process pid's program (stopped in the kernel) with the ELF
// image [image, image + size), started with the NULL-terminated argv and
// envp (NULL: empty): loaded into a new address space (kernel/exec/loader.c)
// that replaces the old one only when all of it is in place; the
// registers are reset to the entry point and the new stack, TLS and FPU
// state cleared, the name becomes argv[0]'s base name. Returns 0, or
// E_SRCH, E_NOEXEC, E_INVAL (malformed image, too many or too long
// strings) or E_NOMEM, with pid untouched.
int ProcessExec(uint32_t pid, const void *image, uint32_t size,
                const char *const *argv, const char *const *envp);

// Collect an ended child of process parent (child > 0: that one; -1:
// any): returns its pid and frees it, with its wait status in
// *waitStatus (may be NULL); 0 if parent has such children but none has
// ended; E_CHILD if it has none (or parent is not a live process);
// E_INVAL for child 0 or below -1. Never blocks.
int ProcessReap(uint32_t parent, int32_t child, int *waitStatus);

// The ring-3 registers of user process pid (live, not the caller) as it
// will resume: ProcessGetRegisters reads them, ProcessSetRegisters
// changes the general registers, eip, esp, the arithmetic flags
// (EFLAGS_USER) and the FPU state (MXCSR's reserved bits cleared). Both
// return 0, E_SRCH or E_INVAL (NULL).
int ProcessGetRegisters(uint32_t pid, ProcessRegisters *out);
int ProcessSetRegisters(uint32_t pid, const ProcessRegisters *in);

// Have user process pid make its personality's PERSONALITY_CALL_RETURN
// call before it next returns to ring 3 (kernel/personality.c). Returns
// 0 or E_SRCH.
int ProcessPoke(uint32_t pid);

// Kill the current process for a fault, with one line on the console.
void ProcessFault(uint32_t vector, uint32_t eip, uint32_t address, int signal)
    __attribute__((noreturn));

// Wait for a child of the current process to end: pid > 0 for that child,
// -1 for any. Returns the child's pid and fills *status, or E_CHILD.
int ProcessWait(int pid, int *status);

// ProcessWait without waiting: 0 at once when the child (or every child,
// for -1) is still running.
int ProcessTryWait(int pid, int *status);

// Free every parentless process that finished, except the one running
// (a process cannot free the stack it runs on; the next one does).
void ProcessReapDead(void);

// Kill every live child of the current process and reap all of them.
// Returns how many were still running.
uint32_t ProcessKillChildren(void);

// The running process (the scheduler's; kernel/proc/sched.c sets it).
extern Process *schedCurrent;
static inline Process *ProcessCurrent(void)
{
    return schedCurrent;
}
Process *ProcessFind(uint32_t pid);     // started (live or zombie), else NULL
Process *ProcessFindUser(uint32_t pid); // a live (started, not zombie) user process, else NULL
uint32_t ProcessCount(void);            // processes in the table

// Visit every started process (interrupts off meanwhile).
void ProcessForEach(void (*visit)(Process *p, void *context), void *context);
// A live process whose address space uses this page directory, or NULL.
Process *ProcessFindByDirectory(const void *directory);

// Pages a process holds: its own address space's pages and tables.
uint32_t ProcessMemoryPages(const Process *p);

// Top of a process's kernel stack.
static inline uint32_t ProcessStackTop(const Process *p)
{
    return (uint32_t)(uintptr_t)(p->kernelStack + KERNEL_STACK_SIZE);
}

// Track a resource; the release callback runs when the process ends (or
// when ProcessReleaseResource gives it back early).
struct ProcessResource {
    ProcessResource *next;
    void (*release)(ProcessResource *r);
    uintptr_t value;
    uint32_t extent;
};
void ProcessAddResource(Process *p, ProcessResource *r);

// A heap block owned by the current process: freed when the process ends
// unless ProcessKfree gave it back first. For buffers a system call holds
// while it blocks, so a kill meanwhile cannot leak them. NULL if none.
void *ProcessKmalloc(size_t size);
// Give back a block ProcessKmalloc returned to the current process (NULL:
// nothing). Returns 0, or E_INVAL if the process does not own it.
int ProcessKfree(void *block);
// The ProcessKmalloc block of p's that holds all of [start, start +
// length), or NULL.
void *ProcessFindBlock(Process *p, uintptr_t start, uint32_t length);
// Find the resource of kind release with this value (NULL: none).
ProcessResource *ProcessFindResource(Process *p, void (*release)(ProcessResource *),
                                     uintptr_t value);
// Find the resource of kind release with this value; unlink and return it.
ProcessResource *ProcessTakeResource(Process *p, void (*release)(ProcessResource *),
                                     uintptr_t value);

#endif
