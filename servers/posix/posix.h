// The POSIX server's internal interfaces (servers/posix/, docs/posix.md).
//
// The server is a kernel-mode program with one thread: main.c receives a
// request, table.c picks the handler of a system call by its Linux i386
// number, and each handler file serves one group of calls:
//
//   process.c  per-process state, exit, ids, TLS, prctl
//   fd.c       the fd table: open files, close, dup, fcntl
//   io.c       read, write and their vector/positional forms, seeks,
//              truncation, ioctl, through each file kind's PosixFileOps
//   pipe.c     pipe, pipe2, and reading and writing pipe ends
//   console.c  reads and polls of the console, answered later when they wait
//   stream.c   fds on pipes of the pipe: server (standard streams from the context)
//   poll.c     poll, ppoll, select (both), pselect6; the deadlines of waiting calls
//   open.c     open and openat
//   dir.c      calls on names: mkdir, rmdir, unlink, rename, access,
//              chdir, getcwd, getdents64
//   stat.c     the stat family and readlink
//   memory.c   brk, mmap2, munmap, mprotect, mremap, madvise
//   signal.c   signal generation and delivery, rt_sigaction,
//              rt_sigprocmask, sigreturn, pause, kill, tkill, tgkill
//   clock.c    time, clocks, nanosleep, sched_yield
//   system.c   uname, rlimits, user ids, umask, getrandom
//   path.c     POSIX paths: normalising, the mount table, namespace names
//   nsclient.c requests to the namespace servers behind the mounts
//   user.c     copies to and from the caller's memory
//   vfs.c      posix:vfs:/path, forwarded to the mapped names
//   procfs.c   posix:proc:, Linux's /proc made from proc: (mounted at /proc)
//
// LinuxSysNAME serves Linux's NAME call (LinuxSysRead is read(2): the
// native calls of lib/user are Sys*, these are Linux's). A handler gets
// the caller's state and its six argument words and
// returns what the caller's eax becomes: a value, or a negative E_* code
// (which is the Linux errno negated). It touches the caller's memory only
// through user.c, so no argument can make the server fault.
#ifndef SERVERS_POSIX_POSIX_H
#define SERVERS_POSIX_POSIX_H

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

// --- path.c: the mount table and POSIX paths --------------------------------

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

int PathNormalize(const char *base, const char *raw, char *out);
int PathMap(PosixPath *path, uint32_t pid);
uint32_t PathMountIndex(const PosixMount *mount);
int PathFromName(const char *name, char *out);
void PathForEachMount(void (*visit)(const PosixMount *m, void *arg), void *arg);
int PathReadLink(const PosixPath *path, char *out);
int PathFollow(PosixPath *path, uint32_t pid);


// --- process.c: per-process state ----------------------------------------

typedef enum PosixFileKind {
    POSIX_FILE_REGULAR,     // an fs handle
    POSIX_FILE_NAMED,       // a posix:proc: text, read by name at an offset
    POSIX_FILE_DIR,         // a directory: listed by name, offset = entry index
    POSIX_FILE_CONSOLE,     // console:
    POSIX_FILE_NULL,        // /dev/null: reads end at once, writes vanish
    POSIX_FILE_PIPE_READ,   // the read end of a pipe (pipe.c)
    POSIX_FILE_PIPE_WRITE,  // the write end of a pipe
} PosixFileKind;

typedef struct PosixPipe PosixPipe;
typedef struct PosixFile PosixFile;
typedef struct PosixProcess PosixProcess;

// What one kind of open file does (io.c holds a table per kind; every
// PosixFile points at its kind's). fd.c, io.c, poll.c and stat.c go
// through it and never look at the kind.
typedef struct PosixFileOps {
    // read/readv and write/writev: total bytes at buf, or the iovCount
    // iovecs at buf (checked, total bytes in all), at *offset, which
    // moves past what moved (streams ignore it). Returns the bytes moved,
    // POSIX_DEFERRED (answered later) or an error.
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

extern const PosixFileOps *const posixFileOps[];      // by PosixFileKind (io.c)

// The kinds' ops that live beside their state (poll.c, stat.c, io.c).
uint32_t FilePoll(const PosixFile *f, uint32_t wanted, int *timed);
uint32_t ConsolePoll(const PosixFile *f, uint32_t wanted, int *timed);
uint32_t PipePoll(const PosixFile *f, uint32_t wanted, int *timed);
int StatOfFile(const PosixFile *f, LinuxStat64 *out);
int StatOfPipe(const PosixFile *f, LinuxStat64 *out);

// An open file description, shared by the fds that dup made of it.
struct PosixFile {
    PosixFileKind kind;
    const PosixFileOps *ops;    // posixFileOps[kind]
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
    uint32_t requestId;             // the call being served (for PosixAnswer)
    uint32_t callNumber;            // and its number (eax)
    PosixFile *fds[POSIX_FD_MAX];
    uint8_t fdFlags[POSIX_FD_MAX];  // FD_CLOEXEC
    char cwd[POSIX_PATH_MAX];
    uint32_t umask;
    // Memory: brk grows up from brkStart; mmap takes space top-down
    // below mmapTop, never under the break.
    uint32_t brkStart, brkEnd;
    uint32_t mmapTop, mapLimit;
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


// A handler that cannot answer yet (a read of an empty pipe, a wait for
// a child) saves p->requestId, returns POSIX_DEFERRED, and later calls
// PosixAnswer(requestId, value). If the caller has ended or been killed
// meanwhile, the late answer is dropped by the kernel (E_NOENT), harmlessly.
#define POSIX_DEFERRED ((int32_t)0x80000000)
void PosixAnswer(uint32_t requestId, int32_t value);

// The process whose call is being served now (NULL between calls).
extern PosixProcess *posixCaller;

PosixProcess *PosixProcessGet(uint32_t pid, int *err);
PosixProcess *PosixProcessFind(uint32_t pid);
void PosixProcessForEach(void (*visit)(PosixProcess *p, void *arg), void *arg);
int PosixCancelWait(PosixProcess *p, int32_t *value);
void PosixProcessEnded(uint32_t pid);
void PosixProcessEnd(PosixProcess *p, int waitStatus);

// --- signal.c: generation and delivery -------------------------------------

// Make sig pending for p (unless p ignores it), with why as its siginfo.
// SignalSend then acts on it at once (ends p, interrupts its waiting call,
// or has the kernel poke it); SignalPost leaves that to the answer of p's
// call that is being finished now, or to a poke.
void SignalSend(PosixProcess *p, uint32_t sig, const PosixSignalInfo *why);
void SignalPost(PosixProcess *p, uint32_t sig, const PosixSignalInfo *why);
// Before p's call is answered with value: run the handler of any pending
// signal (the frame saves value). Returns what the caller's eax becomes;
// p may have ended instead.
int32_t SignalOnAnswer(PosixProcess *p, int32_t value);
int32_t SignalCheck(PosixProcess *p);
int32_t SignalFault(PosixProcess *p, const uint32_t *arg);
int SignalRequest(const Message *m);
int SignalInterrupt(const Message *m);

// --- user.c: the caller's memory -----------------------------------------

int UserRead(PosixProcess *p, void *to, uint32_t from, uint32_t length);
int UserWrite(PosixProcess *p, uint32_t to, const void *from, uint32_t length);
int UserReadString(PosixProcess *p, char *to, uint32_t from, uint32_t capacity);
int UserCheckWritable(PosixProcess *p, uint32_t addr, uint32_t length);
int UserResolve(PosixProcess *p, int32_t dirfd, uint32_t userPath, int allowEmpty,
                PosixPath *out);

// --- nsclient.c: requests to the servers behind the mounts ----------------

Message *NsTransact(const char *name, const Message *request, int *err);
int NsRequest(const char *name, uint32_t type, const void *payload, uint32_t length,
              void *out, uint32_t capacity);
int NsStat(const PosixMount *mount, const char *name, FsStat *out);
int NsStatFile(const PosixFile *f, FsStat *out);
void NsClose(const char *name, int32_t handle);
int32_t NsReadInto(PosixProcess *p, const char *name, uint32_t type, const FsIo *io,
                   uint32_t buf);

// path.c: tell the kernel p's cwd (its context), after chdir and fchdir.
void PathContextCwd(PosixProcess *p);

// --- fd.c: the fd table ----------------------------------------------------

PosixFile *FdGet(PosixProcess *p, int32_t fd);
PosixFile *FdNewFile(PosixFileKind kind, const PosixPath *path, uint32_t flags);
int FdInstall(PosixProcess *p, PosixFile *f, int32_t minFd, int cloexec);
int FdFree(PosixProcess *p, int32_t minFd);
void FdRelease(PosixFile *f);
void FdCloseAll(PosixProcess *p);
int FdOpenConsole(PosixProcess *p);
int FdOpenContext(PosixProcess *p, const ProcessContext *context);

// open.c: open an already resolved path with O_* flags (no O_CLOEXEC).
int OpenPath(const PosixPath *path, uint32_t flags, PosixFile **out);

// --- pipe.c, console.c and poll.c: pipes, the console, waiting for fds --------------------------

// The Linux ABI of these calls (the rest is in linux.h).
#define LINUX_SYS_PIPE      42
#define LINUX_SYS_OLDSELECT 82
#define LINUX_SYS_NEWSELECT 142
#define LINUX_SYS_PSELECT6  308
#define LINUX_SYS_PPOLL     309
#define LINUX_SYS_PIPE2     331
#define LINUX_POLLPRI       0x002
#define LINUX_POLLERR       0x008
#define LINUX_POLLHUP       0x010
#define LINUX_SIGPIPE       13
#define LINUX_PIPE_BUF      4096    // writes up to this size are atomic
#define LINUX_FD_SETSIZE    1024    // select's highest nfds

static inline int PipeIsEnd(const PosixFile *f)
{
    return f->kind == POSIX_FILE_PIPE_READ || f->kind == POSIX_FILE_PIPE_WRITE;
}

int32_t PipeTransfer(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
                     uint32_t total);
void PipeClose(PosixFile *f);
uint32_t PipePollEvents(const PosixFile *f);
uint32_t PipeBuffered(const PosixFile *f);
void PipeProcessEnded(uint32_t pid);

// stream.c: pipe ends served by pipe: (f->pipe NULL, f->handle the
// pipe: server's). StreamOpen opens name's read or write end, taking
// over adoptPid's reference to it. The others are pipe.c's calls for
// such an end; StreamRetry is ConsoleRetry for waiting stream transfers.
int StreamOpen(const char *name, int writing, uint32_t adoptPid, PosixFile **out);
int32_t StreamTransfer(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
                       uint32_t total);
uint32_t StreamBuffered(const PosixFile *f);
uint32_t StreamPollEvents(const PosixFile *f);
void StreamClose(PosixFile *f);
uint32_t StreamRetry(void);
int StreamCancel(uint32_t pid);
void StreamProcessEnded(uint32_t pid);

int32_t ConsoleRead(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t count);
uint32_t ConsoleForegroundGroup(void);
int ConsoleReadable(const PosixFile *f);
uint32_t ConsoleModeOf(const LinuxTermios *t);
int ConsoleSetTermios(PosixProcess *p, const LinuxTermios *t);
uint32_t ConsoleRetry(void);
int ConsoleCancel(uint32_t pid);
void ConsoleProcessEnded(uint32_t pid);

void PollRecheck(void);
int PollWatchesConsole(void);
uint32_t PollExpire(void);
void PollProcessEnded(uint32_t pid);
int PollCancel(uint32_t pid);
int PipeCancel(uint32_t pid, int32_t *value);
int32_t PollSleep(PosixProcess *p, uint64_t ms);

// --- process.c and exec.c: processes that make processes --------------------

// The Linux ABI of these calls (the rest is in linux.h).
#define LINUX_SYS_FORK      2
#define LINUX_SYS_WAITPID   7
#define LINUX_SYS_EXECVE    11
#define LINUX_SYS_WAIT4     114
#define LINUX_SYS_CLONE     120
#define LINUX_SYS_VFORK     190
#define LINUX_WNOHANG       0x00000001
#define LINUX_WUNTRACED     0x00000002
#define LINUX_WCONTINUED    0x00000008
#define LINUX_WNOTHREAD     0x20000000
#define LINUX_WALL          0x40000000
#define LINUX_WCLONE        0x80000000u
#define LINUX_CSIGNAL              0x000000ff
#define LINUX_CLONE_VM             0x00000100
#define LINUX_CLONE_SIGHAND        0x00000800
#define LINUX_CLONE_VFORK          0x00004000
#define LINUX_CLONE_THREAD         0x00010000
#define LINUX_CLONE_SETTLS         0x00080000
#define LINUX_CLONE_PARENT_SETTID  0x00100000
#define LINUX_CLONE_CHILD_CLEARTID 0x00200000
#define LINUX_CLONE_CHILD_SETTID   0x01000000
#define LINUX_SIGCHLD       17
#define LINUX_RUSAGE_SIZE   72      // struct rusage on i386: two timevals, 14 longs
#define E_2BIG              (-7)    // argument list too long

#define POSIX_EXEC_FILE_MAX (16u << 20) // the largest program execve reads
#define POSIX_EXEC_STRINGS  32          // execve: argv entries, and envp entries, at most
#define POSIX_EXEC_STRING   4096        // execve: one string with its NUL, at most
#define POSIX_EXEC_TOTAL    (60u << 10) // execve: every string of argv and envp together

// --- clock.c ---------------------------------------------------------------

extern const uint32_t clockBootEpoch;   // CLOCK_REALTIME at uptime 0, in seconds

uint32_t AlarmExpire(void);
void AlarmForget(PosixProcess *p);

// --- procfs.c: posix:proc: -------------------------------------------------

// Answer request (the filesystem protocol, read-only) for name, a name
// under posix:proc:, on behalf of pid requester ("self"). Returns the
// reply (the caller frees it) or NULL with *err.
Message *ProcfsTransact(const char *name, const Message *request, uint32_t requester,
                        int *err);

// Fill *out (sysinfo(2)) from proc:'s uptime, load, memory and process list.
void ProcfsSysinfo(LinuxSysinfo *out);

// --- vfs.c -----------------------------------------------------------------

Message *VfsServe(const Message *request, const IpcEnvelope *envelope, int *err);
void VfsClientEnded(uint32_t pid);
void VfsTakeExe(const char *processName, char *out);

// --- memory.c --------------------------------------------------------------

void MemoryInit(PosixProcess *p, const ProcessFacts *facts);
void MemoryFree(PosixProcess *p);

// --- table.c ---------------------------------------------------------------

typedef int32_t (*PosixHandler)(PosixProcess *p, const uint32_t *arg);
int32_t PosixDispatch(PosixProcess *p, const PosixCall *call);

// Every handler, by file (table.c maps the numbers to them).
int32_t LinuxSysExit(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGetpid(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGetppid(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGetpgrp(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGetpgid(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSetpgid(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSetsid(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSetThreadArea(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSetTidAddress(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSetRobustList(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysPrctl(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysFork(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysClone(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysWaitpid(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysWait4(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysExecve(PosixProcess *p, const uint32_t *arg);

int32_t LinuxSysClose(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysDup(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysDup2(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysDup3(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysFcntl(PosixProcess *p, const uint32_t *arg);

int32_t LinuxSysRead(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysWrite(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysReadv(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysWritev(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysPread64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysPwrite64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysLseek(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysLlseek(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysFtruncate64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysIoctl(PosixProcess *p, const uint32_t *arg);

int32_t LinuxSysPipe(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysPipe2(PosixProcess *p, const uint32_t *arg);

int32_t LinuxSysPoll(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysPpoll(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSelect(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysOldSelect(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysPselect6(PosixProcess *p, const uint32_t *arg);

int32_t LinuxSysOpen(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysOpenat(PosixProcess *p, const uint32_t *arg);

int32_t LinuxSysMkdir(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysMkdirat(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysRmdir(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysUnlink(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysUnlinkat(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysRename(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysRenameat(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysAccess(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysFaccessat(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysChdir(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysFchdir(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGetcwd(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGetdents64(PosixProcess *p, const uint32_t *arg);

int32_t LinuxSysStat64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysFstat64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysFstatat64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysStatx(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysReadlink(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysReadlinkat(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysLstat64(PosixProcess *p, const uint32_t *arg);

int32_t LinuxSysMount(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysUmount2(PosixProcess *p, const uint32_t *arg);

int32_t LinuxSysBrk(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysMmap2(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysMunmap(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysMprotect(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysMremap(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysMadvise(PosixProcess *p, const uint32_t *arg);

int32_t LinuxSysRtSigaction(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysRtSigprocmask(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysKill(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysTkill(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysTgkill(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysRtSigpending(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysRtSigsuspend(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysPause(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSigreturn(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysRtSigreturn(PosixProcess *p, const uint32_t *arg);

int32_t LinuxSysTime(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGettimeofday(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysClockGettime(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysClockGettime64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysClockGetres(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysClockGetres64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysNanosleep(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysUtimensat(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysClockNanosleep(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysClockNanosleep64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSchedYield(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysAlarm(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSetitimer(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGetitimer(PosixProcess *p, const uint32_t *arg);

int32_t LinuxSysUname(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSysinfo(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysUgetrlimit(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGetuid(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysUmask(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGetrandom(PosixProcess *p, const uint32_t *arg);

#endif
