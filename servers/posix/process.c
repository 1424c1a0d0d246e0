// Per-process state, the calls about the process itself (exit,
// exit_group, getpid, gettid, getppid, set_thread_area, set_tid_address,
// set_robust_list, prctl), and the ones about other processes: fork,
// vfork, clone, wait4, waitpid, kill. execve is exec.c.
//
// A process's state is made on its first call: the kernel's facts about
// it (ProcessQuery: parent, image end, stack), fds 0-2 and the cwd from
// its context (OpenContext below, path.c PathFromName), umask 022, the
// break at the end of its image, a default termios. It lives in core.c's
// table by pid until the kernel's exit notice
// for the pid arrives (main.c), however the process ended; then its fds
// are closed (and with them the fs handles the server held for it) and
// everything is freed. Pids are never reused, so a late call cannot
// meet another process's state.
//
// exit and exit_group end the caller through ProcessEnd with the Linux
// wait status; the call gets no reply, since there is no one left to
// take it. Threads are processes here: gettid is the pid, and the TLS
// that set_thread_area installs is the process's own.
//
// fork copies the caller in the kernel (ProcessFork: memory, registers,
// TLS) and its state here: the child shares every open file description
// with the parent (one more reference each, so offsets are shared as
// POSIX wants) and gets copies of the rest. vfork and fork-like clones
// are fork, also with a stack of the child's own (musl's posix_spawn):
// the child starts with that stack pointer, in its copy of the memory.
// Threads (CLONE_THREAD, CLONE_SIGHAND) are not served (E_NOSYS).
//
// wait4 and waitpid reap an ended child through ProcessReap. When none
// has ended yet (and WNOHANG is not given) the call is answered later:
// the caller stays stopped in its int 0x80, and every exit notice (main.c
// calls PosixProcessEnded) tries the deferred waits again.
//
// When a child with state here ends, its parent (if it has state here)
// gets SIGCHLD, after any wait it was in has been answered. kill and the
// rest of signals are signal.c.
#include <stdint.h>
#include <clanker/console.h>
#include <clanker/pipe.h>
#include <clanker/syscall.h>
#include <lib/string.h>
#include "core.h"
#include "user.h"
#include "path.h"
#include "fd.h"
#include "signal.h"
#include "clock.h"
#include "console.h"
#include "stream.h"
#include "memory.h"
#include "open.h"
#include "vfs.h"
#include "process.h"

// The console's termios at start: cooked, echoing, 38400 8N1.
static const LinuxTermios defaultTermios = {
    .iflag = 0002400,                   // ICRNL | IXON
    .oflag = 0000005,                   // OPOST | ONLCR
    .cflag = 0000277,                   // B38400 | CS8 | CREAD
    .lflag = 0105073,                   // ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN
    .cc = { 003, 034, 0177, 025, 004, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0 },
};

// A new description of the console for p (read and write), or NULL.
static PosixFile *NewConsole(PosixProcess *p)
{
    PosixPath console = { .path = "/dev/console" };

    if (PathMap(&console, p->pid) != 0)
        return NULL;
    return FdNewFile(POSIX_FILE_CONSOLE, &consoleOps, &console, LINUX_O_RDWR);
}

// Open fds 0, 1 and 2 on the console. Returns 0 or E_NOMEM.
static int OpenConsole(PosixProcess *p)
{
    PosixFile *f = NewConsole(p);

    if (!f)
        return E_NOMEM;
    f->refs = 3;
    for (int fd = 0; fd < 3; fd++)
        p->fds[fd] = f;
    return 0;
}

// fd (0, 1 or 2) on the stream name of a context (not the console):
// a pipe: stream (stream.c), else the file it names, through the mount
// table; output files are appended to (a shell empties them for `>`). Returns the file or NULL (the fd stays closed).
static PosixFile *OpenStream(PosixProcess *p, int fd, const char *name)
{
    PosixPath path;
    PosixFile *f = NULL;
    uint32_t flags = fd == 0 ? LINUX_O_RDONLY : LINUX_O_WRONLY | LINUX_O_CREAT | LINUX_O_APPEND;

    if (strncmp(name, PIPE_PREFIX, strlen(PIPE_PREFIX)) == 0)
        return StreamOpen(name, fd != 0, p->pid, &f) == 0 ? f : NULL;
    if (PathFromName(name, path.path) != 0 || PathMap(&path, p->pid) != 0)
        return NULL;
    return OpenPath(&path, flags, &f) == 0 ? f : NULL;
}

// Open fds 0, 1 and 2 on the streams of context: "console:" (and any
// other name of the console) shares one console description, as
// OpenConsole's; an empty name leaves the fd closed. Returns 0 or
// E_NOMEM (nothing open then).
static int OpenContext(PosixProcess *p, const ProcessContext *context)
{
    PosixFile *console = NULL;

    for (int fd = 0; fd < 3; fd++) {
        const char *name = context->stdio[fd];
        if (strcmp(name, CONSOLE_NAME) != 0) {
            p->fds[fd] = name[0] ? OpenStream(p, fd, name) : NULL;
            continue;
        }
        if (console) {
            console->refs++;
        } else if (!(console = NewConsole(p))) {
            FdCloseAll(p);
            return E_NOMEM;
        }
        p->fds[fd] = console;
    }
    return 0;
}

// Fill a new state for pid from the kernel's facts and its context (its
// cwd and fds 0-2). Returns 0 or E_NOMEM.
static int Init(PosixProcess *p, const ProcessFacts *facts)
{
    ProcessContext context;

    memset(p, 0, sizeof(*p));
    p->pid = facts->pid;
    p->parent = facts->parent;
    p->cwd[0] = '/';
    p->umask = 022;
    p->pgrp = facts->pid;
    p->termios = defaultTermios;
    memcpy(p->name, facts->name, sizeof(p->name));
    p->name[sizeof(p->name) - 1] = 0;
    if (!facts->image[0] || PathFromName(facts->image, p->exe) != 0)
        VfsTakeExe(p->name, p->exe);    // a program the kernel loaded by another name
    MemoryInit(p, facts);
    if (api->ProcessContextGet(p->pid, &context) != 0)
        return OpenConsole(p);
    if (PathFromName(context.cwd, p->cwd) != 0)
        memcpy(p->cwd, "/", 2);
    return OpenContext(p, &context);
}

// The state of pid, made on its first call. NULL with *err (E_SRCH for a
// process that is not a live user process, E_NOMEM).
PosixProcess *PosixProcessGet(uint32_t pid, int *err)
{
    PosixProcess *p = PosixProcessFind(pid);
    ProcessFacts facts;

    if (p)
        return p;
    if ((*err = api->ProcessQuery(pid, &facts)) != 0)
        return NULL;
    facts.pid = pid;
    if (!(p = api->kmalloc(sizeof(*p)))) {
        *err = E_NOMEM;
        return NULL;
    }
    if ((*err = Init(p, &facts)) != 0) {
        api->kfree(p);
        return NULL;
    }
    PosixProcessAdd(p);
    return p;
}

static void WaitRecheck(void);

// Drop pid's state (it has ended): close its fds, free its memory. Then
// a deferred wait may be answered, and the parent gets SIGCHLD.
void PosixProcessEnded(uint32_t pid)
{
    PosixProcess *p = PosixProcessRemove(pid), *parent = NULL;
    PosixSignalInfo why = { 1, pid, 0, 0 };         // CLD_EXITED; the status is not known

    if (p) {
        parent = p->parent ? PosixProcessFind(p->parent) : NULL;
        AlarmForget(p);
        FdCloseAll(p);
        MemoryFree(p);
        api->kfree(p);
    }
    WaitRecheck();
    if (parent && !parent->ended)
        SignalSend(parent, LINUX_SIGCHLD, &why);
}

// The cancel hook of wait4 and waitpid (core.c PosixCancelWait): take
// p off its deferred wait. Returns 1 if it was in one.
int PosixWaitCancel(PosixProcess *p, int32_t *value)
{
    (void)value;                    // E_INTR
    if (!p->waiting)
        return 0;
    p->waiting = 0;
    return 1;
}

// exit(code) and exit_group(code)
int32_t LinuxSysExit(PosixProcess *p, const uint32_t *arg)
{
    PosixProcessEnd(p, WAIT_STATUS_EXITED(arg[0] & 0xff));
    return 0;
}

// getpid() and gettid()
int32_t LinuxSysGetpid(PosixProcess *p, const uint32_t *arg)
{
    (void)arg;
    return (int32_t)p->pid;
}

// --- process groups and sessions ------------------------------------------
// A process starts as a group of its own (its pid) and a fork keeps its
// parent's; sessions are not kept apart, so a session is its group.

// getpgrp()
int32_t LinuxSysGetpgrp(PosixProcess *p, const uint32_t *arg)
{
    (void)arg;
    return (int32_t)p->pgrp;
}

// The process pid names for getpgid/setpgid/getsid (0: the caller), or NULL.
static PosixProcess *GroupTarget(PosixProcess *p, uint32_t pid)
{
    return pid == 0 || pid == p->pid ? p : PosixProcessFind(pid);
}

// getpgid(pid) and getsid(pid)
int32_t LinuxSysGetpgid(PosixProcess *p, const uint32_t *arg)
{
    PosixProcess *t = GroupTarget(p, arg[0]);

    return t ? (int32_t)t->pgrp : E_SRCH;
}

// setpgid(pid, pgid): the caller or one of its children joins group pgid
// (0: its own pid).
int32_t LinuxSysSetpgid(PosixProcess *p, const uint32_t *arg)
{
    PosixProcess *t = GroupTarget(p, arg[0]);

    /* decode */
    if ((int32_t)arg[1] < 0)
        return E_INVAL;
    if (!t || (t != p && t->parent != p->pid))
        return E_SRCH;
    /* invoke */
    t->pgrp = arg[1] ? arg[1] : t->pid;
    return 0;
}

// setsid(): a group (and session) of its own.
int32_t LinuxSysSetsid(PosixProcess *p, const uint32_t *arg)
{
    (void)arg;
    /* decode */
    if (p->pgrp == p->pid)
        return E_PERM;                  // already a group leader, as Linux says
    /* invoke */
    p->pgrp = p->pid;
    return (int32_t)p->pid;
}

// getppid(): 0 for a process started by the kernel, or whose parent has
// ended.
int32_t LinuxSysGetppid(PosixProcess *p, const uint32_t *arg)
{
    ProcessFacts facts;

    (void)arg;
    if (api->ProcessQuery(p->pid, &facts) == 0)
        p->parent = facts.parent;
    return (int32_t)p->parent;
}

// set_thread_area(u_info): install the TLS segment; the entry number the
// kernel chose is written back. u_info is checked writable first (as
// Linux writes the entry before it installs), so a read-only one is
// E_FAULT with the segment unchanged; the kernel checks the descriptor.
int32_t LinuxSysSetThreadArea(PosixProcess *p, const uint32_t *arg)
{
    PosixUserDesc desc;
    int err;

    /* decode */
    if ((err = UserRead(p, &desc, arg[0], sizeof(desc))) != 0 ||
        (err = UserCheckWritable(p, arg[0], sizeof(desc))) != 0)
        return err;
    /* invoke */
    if ((err = api->ProcessSetTls(p->pid, &desc)) != 0)
        return err;
    p->tls = desc;                      // clone may have to put it back
    p->hasTls = 1;
    return UserWrite(p, arg[0], &desc, sizeof(desc));
}

// set_tid_address(tidptr): kept (nothing clears it yet); returns the tid.
int32_t LinuxSysSetTidAddress(PosixProcess *p, const uint32_t *arg)
{
    p->tidAddress = arg[0];
    return (int32_t)p->pid;
}

// set_robust_list(head, length): accepted (there are no futexes to wake).
int32_t LinuxSysSetRobustList(PosixProcess *p, const uint32_t *arg)
{
    (void)p;
    return arg[1] == 12 ? 0 : E_INVAL;
}

// PR_SET_NAME: the process's name as the POSIX layer reports it (15
// bytes at most).
static int32_t SetName(PosixProcess *p, uint32_t from)
{
    char name[LINUX_TASK_COMM];
    int length;

    /* decode: copied in, cut at 15 bytes */
    length = UserReadString(p, name, from, sizeof(name));
    if (length == E_NAMETOOLONG)
        length = UserRead(p, name, from, sizeof(name) - 1) ? E_FAULT : (int)sizeof(name) - 1;
    if (length < 0)
        return length;
    /* invoke */
    name[length] = 0;
    memcpy(p->name, name, (uint32_t)length + 1);
    return 0;
}

// PR_GET_NAME
static int32_t GetName(PosixProcess *p, uint32_t to)
{
    char name[LINUX_TASK_COMM];

    memset(name, 0, sizeof(name));
    memcpy(name, p->name, strnlen(p->name, sizeof(name) - 1));
    return UserWrite(p, to, name, sizeof(name));
}

// prctl(option, ...): PR_SET_NAME and PR_GET_NAME (each checks its
// argument first); the rest E_INVAL.
int32_t LinuxSysPrctl(PosixProcess *p, const uint32_t *arg)
{
    if (arg[0] == LINUX_PR_SET_NAME)
        return SetName(p, arg[1]);
    if (arg[0] == LINUX_PR_GET_NAME)
        return GetName(p, arg[1]);
    return E_INVAL;
}

// --- fork, vfork, clone ------------------------------------------------------

// Make child's state, for the kernel's new pid, a copy of parent's: the
// same open file descriptions (shared, one more reference each), cwd,
// umask, memory layout (its own copy of the region list), termios,
// signal dispositions and mask. Returns 0 or E_NOMEM (nothing changed).
static int CopyState(PosixProcess *child, const PosixProcess *parent)
{
    PosixRegion *regions = NULL;

    if (parent->regionCapacity &&
        !(regions = api->kmalloc(parent->regionCapacity * sizeof(PosixRegion))))
        return E_NOMEM;
    *child = *parent;
    child->regions = regions;
    if (regions)
        memcpy(regions, parent->regions, parent->regionCount * sizeof(PosixRegion));
    memset(child->fds, 0, sizeof(child->fds));
    for (int fd = 0; fd < POSIX_FD_MAX; fd++) {
        if (parent->fds[fd] && FdInstall(child, parent->fds[fd], fd,
                                         parent->fdFlags[fd] & LINUX_FD_CLOEXEC) == fd)
            parent->fds[fd]->refs++;            // as dup: the table holds one more
    }
    child->ended = child->waiting = child->suspended = 0;
    child->sigPending = 0;                      // pending signals are not inherited
    child->alarmSet = 0;                        // nor alarms
    child->requestId = 0;
    child->tidAddress = 0;
    return 0;
}

// Fork p: the kernel copies the process, this server its state. Returns
// the child's pid (the child's own call returns 0), or an error with
// nothing made.
static int32_t Fork(PosixProcess *p)
{
    PosixProcess *child = api->kmalloc(sizeof(*child));
    int pid;

    if (!child)
        return E_NOMEM;
    if (CopyState(child, p) != 0) {
        api->kfree(child);
        return E_NOMEM;
    }
    if ((pid = api->ProcessFork(p->pid)) < 0) {
        FdCloseAll(child);
        MemoryFree(child);
        api->kfree(child);
        return pid;
    }
    /* POINT OF NO RETURN */
    child->pid = (uint32_t)pid;
    child->parent = p->pid;
    PosixProcessAdd(child);
    return pid;
}

// fork() and vfork(): vfork is a fork (the child gets a copy, which is
// all a vfork child may rely on).
int32_t LinuxSysFork(PosixProcess *p, const uint32_t *arg)
{
    (void)arg;
    return Fork(p);
}

// The clone flags served: the exit signal, vfork's pair, the tid stores,
// a TLS segment for the child.
#define CLONE_SERVED (LINUX_CSIGNAL | LINUX_CLONE_VM | LINUX_CLONE_VFORK | \
                      LINUX_CLONE_PARENT_SETTID | LINUX_CLONE_CHILD_SETTID | \
                      LINUX_CLONE_CHILD_CLEARTID | LINUX_CLONE_SETTLS)

// Fork p so that the child starts with esp = stack (0: p's own) and, with
// tls, that TLS segment. ProcessFork copies p's registers and TLS and
// makes the child ready at once, so the child's own cannot be set
// afterwards without a race: p's are set for the moment of the copy and
// put back after it (p is stopped in its int 0x80 meanwhile), whatever
// failed. Returns the child's pid or an error, p as it was either way.
static int32_t ForkOnto(PosixProcess *p, uint32_t stack, PosixUserDesc *tls)
{
    static PosixRegisters saved, moved;     // one thread: no one else uses them
    int32_t pid;
    int err = 0, tlsSet = 0, movedSet = 0;

    if (stack && (err = api->ProcessGetRegisters(p->pid, &saved)) == 0) {
        moved = saved;
        moved.esp = stack;
    }
    if (!err && tls && (err = api->ProcessSetTls(p->pid, tls) ? E_INVAL : 0) == 0)
        tlsSet = 1;
    if (!err && stack && (err = api->ProcessSetRegisters(p->pid, &moved)) == 0)
        movedSet = 1;
    pid = err ? err : Fork(p);
    if (movedSet)
        api->ProcessSetRegisters(p->pid, &saved);
    if (tlsSet && p->hasTls)
        api->ProcessSetTls(p->pid, &p->tls);    // a parent without TLS keeps tls's
                                                // descriptor, which it does not load
    return pid;
}

// clone(flags, stack, parent_tid, tls, child_tid) when it is a fork: the
// exit signal SIGCHLD, optionally CLONE_VM with CLONE_VFORK (vfork, as
// musl's posix_spawn asks), the tid stores C libraries ask for with a
// fork (PARENT_SETTID, CHILD_SETTID, CHILD_CLEARTID), a stack for the
// child (its copy of the memory holds what the parent put there) and
// CLONE_SETTLS (tls points at a struct user_desc). Threads are E_NOSYS;
// any other flag E_INVAL; a bad user_desc E_FAULT or E_INVAL.
int32_t LinuxSysClone(PosixProcess *p, const uint32_t *arg)
{
    uint32_t flags = arg[0], vm = flags & (LINUX_CLONE_VM | LINUX_CLONE_VFORK);
    PosixUserDesc tls;
    PosixProcess *child;
    int32_t pid;

    /* decode */
    if (flags & (LINUX_CLONE_THREAD | LINUX_CLONE_SIGHAND))
        return E_NOSYS;
    if ((flags & ~CLONE_SERVED) || (flags & LINUX_CSIGNAL) != LINUX_SIGCHLD ||
        (vm && vm != (LINUX_CLONE_VM | LINUX_CLONE_VFORK)))
        return E_INVAL;
    if ((flags & LINUX_CLONE_PARENT_SETTID) && UserCheckWritable(p, arg[2], 4) != 0)
        return E_FAULT;
    if ((flags & LINUX_CLONE_SETTLS) && UserRead(p, &tls, arg[3], sizeof(tls)) != 0)
        return E_FAULT;
    /* invoke */
    if ((pid = ForkOnto(p, arg[1], flags & LINUX_CLONE_SETTLS ? &tls : NULL)) < 0)
        return pid;
    child = PosixProcessFind((uint32_t)pid);
    if (flags & LINUX_CLONE_SETTLS) {
        child->tls = tls;
        child->hasTls = 1;
    }
    if (flags & LINUX_CLONE_PARENT_SETTID)
        UserWrite(p, arg[2], &pid, 4);
    if (flags & LINUX_CLONE_CHILD_SETTID)
        UserWrite(child, arg[4], &pid, 4);     // in the child's copy of the memory
    if (flags & LINUX_CLONE_CHILD_CLEARTID)
        child->tidAddress = arg[4];
    return pid;
}

// --- wait4, waitpid ----------------------------------------------------------

// Write a reaped child's status and a zeroed rusage where the call asked.
static void WaitResults(PosixProcess *p, uint32_t statusAt, uint32_t rusageAt, int status)
{
    static const uint8_t zero[LINUX_RUSAGE_SIZE];

    if (statusAt)
        UserWrite(p, statusAt, &status, sizeof(status));
    if (rusageAt)
        UserWrite(p, rusageAt, zero, sizeof(zero));
}

// Complete p's deferred wait if its child has now ended (or it has no
// such child any more).
static void WaitVisit(PosixProcess *p, void *arg)
{
    int status = 0, got;

    (void)arg;
    if (!p->waiting || (got = api->ProcessReap(p->pid, p->waitFor, &status)) == 0)
        return;
    if (got > 0)
        WaitResults(p, p->waitStatusAt, p->waitRusageAt, status);
    p->waiting = 0;
    PosixComplete(p->waitRequest, got);
}

// Complete every deferred wait whose child has now ended.
static void WaitRecheck(void)
{
    PosixProcessForEach(WaitVisit, NULL);
}

// The options wait4 accepts (there is no stopping or continuing to report,
// and threads are processes).
#define WAIT4_OPTIONS (LINUX_WNOHANG | LINUX_WUNTRACED | LINUX_WCONTINUED | \
                      LINUX_WNOTHREAD | LINUX_WALL | LINUX_WCLONE)

// Wait for child pid (-1: any; 0 or -pgrp: every child is in its
// parent's group, so any) as wait4 does.
static int32_t Wait(PosixProcess *p, int32_t pid, uint32_t statusAt, uint32_t options,
                    uint32_t rusageAt)
{
    int status = 0, got;

    /* decode */
    if (options & ~(uint32_t)WAIT4_OPTIONS || pid == INT32_MIN)
        return E_INVAL;
    if (pid == 0 || pid == -(int32_t)p->pgrp)
        pid = -1;
    else if (pid < -1)
        return E_CHILD;
    if ((statusAt && UserCheckWritable(p, statusAt, 4) != 0) ||
        (rusageAt && UserCheckWritable(p, rusageAt, LINUX_RUSAGE_SIZE) != 0))
        return E_FAULT;
    /* invoke */
    got = api->ProcessReap(p->pid, pid, &status);
    if (got > 0)
        WaitResults(p, statusAt, rusageAt, status);
    if (got != 0 || (options & LINUX_WNOHANG))
        return got;
    p->waiting = 1;
    p->waitFor = pid;
    p->waitStatusAt = statusAt;
    p->waitRusageAt = rusageAt;
    p->waitRequest = p->requestId;
    return POSIX_DEFERRED;
}

// waitpid(pid, status, options): Wait checks status writable before it reaps.
int32_t LinuxSysWaitpid(PosixProcess *p, const uint32_t *arg)
{
    return Wait(p, (int32_t)arg[0], arg[1], arg[2], 0);
}

// wait4(pid, status, options, rusage): the rusage is all zeros; both it
// and status are checked writable before Wait reaps.
int32_t LinuxSysWait4(PosixProcess *p, const uint32_t *arg)
{
    return Wait(p, (int32_t)arg[0], arg[1], arg[2], arg[3]);
}
