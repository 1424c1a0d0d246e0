// Signals, as far as this phase goes: rt_sigaction, rt_sigprocmask,
// kill, tkill, tgkill.
//
// Dispositions and the blocked mask are stored per process and read back
// faithfully, but no handler is ever run: signal delivery comes with the
// next phase. What a signal sent to oneself does now is its default
// action or SIG_IGN:
//
//   SIGKILL always, and any signal whose default is to terminate (with
//   or without a core), ends the process with WAIT_STATUS_SIGNALED(sig);
//   SIGCHLD, SIGCONT, SIGURG, SIGWINCH (ignored by default), the stop
//   signals (no job control yet) and SIG_IGN do nothing; a signal with a
//   handler installed is dropped.
//
// The blocked mask does not hold a terminating signal back: what would
// be delivered when it is unblocked is delivered at once (C libraries
// block signals around raise(), so the end is the same).
//
// Another process can be signalled only in the next phase: kill of an
// existing pid other than one's own is E_PERM, of a missing one E_SRCH.
#include <clanker/syscall.h>
#include <lib/string.h>
#include "posix.h"

#define SIGSET_SIZE 8
#define UNBLOCKABLE ((1ull << (LINUX_SIGKILL - 1)) | (1ull << (LINUX_SIGSTOP - 1)))

// Whether sig's default action leaves the process running.
static int DefaultIgnores(uint32_t sig)
{
    static const uint8_t harmless[] = { 17, 18, 19, 20, 21, 22, 23, 28 };

    for (uint32_t i = 0; i < sizeof(harmless); i++)
        if (harmless[i] == sig)
            return 1;
    return 0;
}

// Deliver sig (1..64) to the caller itself (see the top of the file).
static int32_t SignalSelf(PosixProcess *p, uint32_t sig)
{
    uint32_t handler = p->actions[sig - 1].handler;

    if (sig != LINUX_SIGKILL && (handler != LINUX_SIG_DFL || DefaultIgnores(sig)))
        return 0;
    PosixProcessEnd(p, WAIT_STATUS_SIGNALED(sig));
    return 0;
}

// rt_sigaction(sig, act, oldact, sigsetsize)
int32_t SysRtSigaction(PosixProcess *p, const uint32_t *arg)
{
    uint32_t sig = arg[0];
    LinuxSigaction act;
    int err;

    if (arg[3] != SIGSET_SIZE || sig < 1 || sig > LINUX_NSIG)
        return E_INVAL;
    if (arg[1] && (sig == LINUX_SIGKILL || sig == LINUX_SIGSTOP))
        return E_INVAL;
    if (arg[1] && (err = UserRead(p, &act, arg[1], sizeof(act))) != 0)
        return err;
    if (arg[2] && (err = UserWrite(p, arg[2], &p->actions[sig - 1], sizeof(act))) != 0)
        return err;
    if (arg[1])
        p->actions[sig - 1] = act;
    return 0;
}

// rt_sigprocmask(how, set, oldset, sigsetsize)
int32_t SysRtSigprocmask(PosixProcess *p, const uint32_t *arg)
{
    uint64_t set = 0, mask = p->sigMask;
    int err;

    if (arg[3] != SIGSET_SIZE)
        return E_INVAL;
    if (arg[1]) {
        if ((err = UserRead(p, &set, arg[1], sizeof(set))) != 0)
            return err;
        if (arg[0] == LINUX_SIG_BLOCK)
            mask |= set;
        else if (arg[0] == LINUX_SIG_UNBLOCK)
            mask &= ~set;
        else if (arg[0] == LINUX_SIG_SETMASK)
            mask = set;
        else
            return E_INVAL;
    }
    if (arg[2] && (err = UserWrite(p, arg[2], &p->sigMask, sizeof(p->sigMask))) != 0)
        return err;
    p->sigMask = mask & ~UNBLOCKABLE;
    return 0;
}

// Signal process pid (the caller itself, or another: see the top).
static int32_t SignalPid(PosixProcess *p, uint32_t pid, uint32_t sig)
{
    ProcessFacts facts;

    if (sig > LINUX_NSIG)
        return E_INVAL;
    if (pid != p->pid)
        return api->ProcessQuery(pid, &facts) == 0 ? E_PERM : E_SRCH;
    return sig ? SignalSelf(p, sig) : 0;
}

// kill(pid, sig): pid 0 (one's own group) is the caller; -1 (everyone
// the caller may signal) is E_PERM; other groups E_SRCH.
int32_t SysKill(PosixProcess *p, const uint32_t *arg)
{
    int32_t pid = (int32_t)arg[0];

    if (arg[1] > LINUX_NSIG)
        return E_INVAL;
    if (pid == 0)
        pid = (int32_t)p->pid;
    if (pid == -1)
        return E_PERM;
    if (pid < 0)
        return E_SRCH;
    return SignalPid(p, (uint32_t)pid, arg[1]);
}

// tkill(tid, sig): threads are processes here.
int32_t SysTkill(PosixProcess *p, const uint32_t *arg)
{
    if ((int32_t)arg[0] <= 0)
        return E_INVAL;
    return SignalPid(p, arg[0], arg[1]);
}

// tgkill(tgid, tid, sig)
int32_t SysTgkill(PosixProcess *p, const uint32_t *arg)
{
    if ((int32_t)arg[0] <= 0 || (int32_t)arg[1] <= 0)
        return E_INVAL;
    if (arg[0] != arg[1])
        return E_SRCH;
    return SignalPid(p, arg[1], arg[2]);
}
