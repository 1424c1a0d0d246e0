// The POSIX server's core: the state every file of it shares
// (servers/posix/, docs/posix.md).
//
// The server's files are layered, bottom up (tools/layers.txt lists the
// order and tools/checkdeps enforces it: a file includes and calls only
// the files below it):
//
//   core      the state of processes and open files, the table of
//             processes, the completions of deferred calls, the waits'
//             cancel hooks (core.c)
//   user      copies to and from the caller's memory
//   nsclient  requests to the namespace servers behind the mounts
//   path      POSIX paths: normalising, the mount table, namespace names
//   fd        the fd table: open files, close, dup, fcntl
//   poll      poll, ppoll, select, pselect6; the deadlines of waiting calls
//   signal    signal generation and delivery, the console's foreground group
//   clock     time, clocks, nanosleep, alarms
//   file      the kinds of open file on a namespace server: regular
//             files, /proc texts, directories, /dev/null
//   console   the console as an open file (reads answered later)
//   pipe      pipes of this server and their ends
//   stream    pipe ends on the pipe: server (standard streams)
//   memory    brk, mmap2, munmap, mprotect, mremap, madvise
//   stat, io, open, dir, system   the calls on files, names and the system
//   procfs    posix:proc:, Linux's /proc made from proc:
//   vfs       posix:vfs:/path, forwarded to the mapped names
//   exec, process   execve; process state, exit, ids, fork, clone, wait
//   table     the handler of each Linux i386 call number
//   main      the dispatch layer: the server loop, and the one place
//             where answers go out
//
// A lower file that must hand something up does it through what it is
// given, never by name: a PosixFileOps table (each kind of file), a
// cancel hook (each kind of wait), a completion (a deferred call's
// answer, which main.c sends), a local server (posix:proc: for nsclient).
//
// LinuxSysNAME serves Linux's NAME call (LinuxSysRead is read(2): the
// native calls of lib/user are Sys*, these are Linux's). A handler gets
// the caller's state and its six argument words and returns what the
// caller's eax becomes: a value, or a negative E_* code (which is the
// Linux errno negated). It touches the caller's memory only through
// user.c, so no argument can make the server fault.
//
// Validate, then commit (kernel/syscall.c does the same for the native
// calls): a handler runs in two steps, marked in its code. Its decode
// step (/* decode */) checks every argument (fds, flags, sizes, ranges,
// the caller's pointers: copied in, or checked writable with
// UserCheckWritable when the answer goes out after a change) and changes
// nothing; its invoke step (/* invoke */) then changes state: the fd
// table, offsets, signal state, memory, the files on the servers, or the
// caller's memory with the answer. So bad input is an error with nothing
// changed. A handler with nothing to check has no marks; a one-line
// handler that passes straight to a helper says in its contract that the
// helper checks first. Where Linux itself commits first (a read or a
// vector that faults part way returns what moved), the handler says so.
#ifndef SERVERS_POSIX_CORE_H
#define SERVERS_POSIX_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <clanker/fs.h>
#include <clanker/kernelapi.h>
#include <clanker/message.h>
#include <clanker/posix.h>
#include "linux.h"

#define POSIX_FD_MAX       64       // fds per process (RLIMIT_NOFILE)
#define POSIX_PATH_MAX     256      // an absolute, normalised POSIX path with its NUL
#define POSIX_RAW_PATH_MAX 1024     // a path as the caller passes it, with its NUL
#define POSIX_PAGE_SIZE    4096u
#define POSIX_NAME_MAX     32       // a process name (ProcessFacts.name)

extern const KernelApi *api;

// Round up to a page; 0 if that overflows.
static inline uint32_t PosixPageUp(uint32_t value)
{
    return (value + POSIX_PAGE_SIZE - 1) & ~(POSIX_PAGE_SIZE - 1);
}

// --- mounts and paths (path.c serves them) ----------------------------------

typedef enum PosixMountKind {
    POSIX_MOUNT_FS,         // a server of the filesystem protocol ('/' separators)
    POSIX_MOUNT_PROC,       // posix:proc: (served here, texts by name, no handles)
    POSIX_MOUNT_DEVICE,     // a stream: the console
    POSIX_MOUNT_NULL,       // /dev/null, served by this server itself
} PosixMountKind;

typedef struct PosixMount {
    const char *path;       // where it appears in the POSIX tree
    const char *prefix;     // the namespace prefix it maps to
    PosixMountKind kind;
    char separator;         // what '/' becomes below the mount point
} PosixMount;

// A resolved path: the absolute POSIX path, the namespace name it maps
// to, and the mount that holds it.
typedef struct PosixPath {
    char path[POSIX_PATH_MAX];
    char name[NS_NAME_MAX + 1];
    const PosixMount *mount;
} PosixPath;


// --- processes and their open files -----------------------------------------

typedef enum PosixFileKind {
    POSIX_FILE_REGULAR,     // an fs handle
    POSIX_FILE_NAMED,       // a posix:proc: text, read by name at an offset
    POSIX_FILE_DIR,         // a directory: listed by name, offset = entry index
    POSIX_FILE_CONSOLE,     // console:
    POSIX_FILE_NULL,        // /dev/null: reads end at once, writes vanish
    POSIX_FILE_PIPE_READ,   // the read end of a pipe (pipe.c, stream.c)
    POSIX_FILE_PIPE_WRITE,  // the write end of a pipe
} PosixFileKind;

typedef struct PosixPipe PosixPipe;
typedef struct PosixFile PosixFile;
typedef struct PosixProcess PosixProcess;

// What one kind of open file does. Each kind's file holds its table
// (file.c: regular, named, directory, null; console.c; pipe.c; stream.c)
// and every PosixFile points at its kind's: fd.c, io.c, poll.c and
// stat.c go through it and never look at the kind.
typedef struct PosixFileOps {
    // read/readv and write/writev: total bytes at buf, or the iovCount
    // iovecs at buf (checked, total bytes in all), at *offset, which
    // moves past what moved (streams ignore it). Returns the bytes moved,
    // POSIX_DEFERRED (answered later) or an error. A bad buffer is
    // E_FAULT with nothing taken or written: a read checks it writable
    // before it takes data (or takes only what it copied out, pipes), a
    // write copies it in before it writes.
    int32_t (*Read)(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
                    uint32_t total, uint64_t *offset);
    int32_t (*Write)(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
                     uint32_t total, uint64_t *offset);
    // lseek's new offset; NULL: a stream (E_SPIPE, and so are pread and pwrite).
    int (*Seek)(PosixFile *f, int64_t offset, uint32_t whence, uint64_t *out);
    // ftruncate; NULL: E_INVAL.
    int (*Truncate)(PosixFile *f, uint64_t size);
    // What f is ready for, as poll events (only wanted ones need be right);
    // *timed set when readiness must be asked again on a timer.
    uint32_t (*Poll)(const PosixFile *f, uint32_t wanted, int *timed);
    int (*Stat)(const PosixFile *f, LinuxStat64 *out);
    // ioctl; NULL: E_NOTTY.
    int32_t (*Ioctl)(PosixProcess *p, PosixFile *f, uint32_t request, uint32_t arg);
    // The last reference went: give back what f holds; NULL: nothing held.
    void (*Close)(PosixFile *f);
} PosixFileOps;

// An open file description, shared by the fds that dup made of it.
struct PosixFile {
    PosixFileKind kind;
    const PosixFileOps *ops;    // what its kind does
    uint32_t refs;              // fds pointing at it
    uint32_t flags;             // O_ACCMODE, O_APPEND, O_NONBLOCK, O_LARGEFILE
    int32_t handle;             // REGULAR: the fs handle (the server's own)
    uint32_t fsFlags;           // REGULAR: the FS_* flags it was opened with
    uint32_t id;                // the object's id (st_ino)
    uint64_t offset;            // bytes (files) or entries (directories)
    const PosixMount *mount;
    char name[NS_NAME_MAX + 1]; // the namespace name
    char path[POSIX_PATH_MAX];  // the POSIX path (fchdir, *at bases)
    PosixPipe *pipe;            // PIPE_READ, PIPE_WRITE: the pipe
};

// One range of the mmap area in use: [start, end).
typedef struct PosixRegion {
    uint32_t start, end;
} PosixRegion;

// Why a signal was sent (its siginfo): si_code, and si_pid and si_uid
// (kill), or si_addr (a fault), and SIGCHLD's si_status.
typedef struct PosixSignalInfo {
    int32_t code;
    uint32_t value, value2, status;
} PosixSignalInfo;

struct PosixProcess {
    struct PosixProcess *next;      // hash chain
    uint32_t pid, parent;
    int ended;                      // ended by a call: no reply
    uint32_t requestId;             // the call being served (for PosixComplete)
    uint32_t callNumber;            // and its number (eax)
    PosixFile *fds[POSIX_FD_MAX];
    uint8_t fdFlags[POSIX_FD_MAX];  // FD_CLOEXEC
    char cwd[POSIX_PATH_MAX];
    uint32_t umask;
    // Memory: brk grows up from brkStart; mmap takes space top-down
    // below mmapTop, never under the break.
    uint32_t brkStart, brkEnd;
    uint32_t mmapTop, mapLimit;
    uint32_t userLimit;             // the first address above user memory
    PosixRegion *regions;           // sorted, disjoint, not adjacent
    uint32_t regionCount, regionCapacity;
    // Terminal, signals, threads.
    LinuxTermios termios;
    uint32_t pgrp;
    LinuxSigaction actions[LINUX_NSIG];
    uint64_t sigMask;               // blocked
    uint64_t sigPending;
    PosixSignalInfo sigInfo[LINUX_NSIG];    // of each pending signal
    int alarmSet;                   // ITIMER_REAL (alarm, setitimer): SIGALRM at
    uint32_t alarmAt, alarmEvery;   // uptime alarmAt, then every alarmEvery ms (0: once)
    int suspended;                  // in pause or rt_sigsuspend: suspendMask is
    uint64_t suspendMask;           // the mask to restore after the handler
    uint32_t tidAddress;
    PosixUserDesc tls;              // the last set_thread_area (hasTls), for clone
    int hasTls;
    char name[POSIX_NAME_MAX];
    char exe[POSIX_PATH_MAX];       // "" if unknown
    // A wait4 or waitpid answered later (process.c): for which child
    // (-1: any), where the status and rusage go (0: nowhere), its request.
    int waiting;
    int32_t waitFor;
    uint32_t waitStatusAt, waitRusageAt;
    uint32_t waitRequest;
};



// The file of fd, or NULL if fd is not open.
static inline PosixFile *FdGet(PosixProcess *p, int32_t fd)
{
    if (fd < 0 || fd >= POSIX_FD_MAX)
        return NULL;
    return p->fds[fd];
}

static inline int PipeIsEnd(const PosixFile *f)
{
    return f->kind == POSIX_FILE_PIPE_READ || f->kind == POSIX_FILE_PIPE_WRITE;
}

// --- core.c ------------------------------------------------------------------

// The process whose call is being served now (NULL between calls).
extern PosixProcess *posixCaller;

// The table of processes with state here (process.c makes and drops it):
// hash chains by pid, read inline on every call.
#define POSIX_BUCKETS 64
extern PosixProcess *posixBuckets[POSIX_BUCKETS];

// The state of pid, or NULL.
static inline PosixProcess *PosixProcessFind(uint32_t pid)
{
    PosixProcess *p = posixBuckets[pid % POSIX_BUCKETS];

    while (p && p->pid != pid)
        p = p->next;
    return p;
}

void PosixProcessForEach(void (*visit)(PosixProcess *p, void *arg), void *arg);
void PosixProcessAdd(PosixProcess *p);
PosixProcess *PosixProcessRemove(uint32_t pid);

// End p with waitStatus (a call of its own, or a signal); its call gets
// no reply.
void PosixProcessEnd(PosixProcess *p, int waitStatus);

// A handler that cannot answer yet (a read of an empty pipe, a wait for
// a child) saves p->requestId, returns POSIX_DEFERRED, and when the
// answer is known calls PosixComplete(requestId, value). main.c sends
// the completions after the request or timer that made them. If the
// caller has ended or been killed meanwhile, the late answer is dropped
// by the kernel (E_NOENT), harmlessly.
#define POSIX_DEFERRED ((int32_t)0x80000000)
void PosixComplete(uint32_t requestId, int32_t value);
int PosixCompletionNext(uint32_t *requestId, int32_t *value);
extern uint32_t posixCompletionCount;       // how many are queued

// One kind of wait's cancel hook: take p off that kind's deferred call,
// without answering it. Returns 1 (and *value: what the call returns
// now; it comes in as E_INTR) or 0 if p waits in none of that kind.
typedef int (*PosixCancel)(PosixProcess *p, int32_t *value);
void PosixCancelersSet(const PosixCancel *hooks, uint32_t count);
int PosixCancelWait(PosixProcess *p, int32_t *value);

#endif
