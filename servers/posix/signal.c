// Signals: generation, the pending and blocked sets, delivery through a
// Linux i386 signal frame, and the calls: rt_sigaction, rt_sigprocmask,
// rt_sigpending, rt_sigsuspend, pause, sigreturn, rt_sigreturn, kill,
// tkill, tgkill.
//
// Generation (SignalSend). A signal whose action is to ignore it (SIG_IGN,
// or SIG_DFL for SIGCHLD, SIGCONT, SIGURG, SIGWINCH and, with no job
// control, the stop signals) is dropped unless blocked; SIGKILL ends the
// target at once; any other becomes pending. Then the target is kicked:
// a pending, unblocked signal whose default action terminates ends it
// (WAIT_STATUS_SIGNALED); one with a handler is delivered the next time
// the server answers a call of the target. That is now if the target is
// the caller; if the target waits in a deferred call (a pipe, poll,
// select, nanosleep, wait4, pause), that call is cut short with EINTR
// (or, with SA_RESTART, read, write, wait4 and their kin are made to run
// again after the handler) and answered; otherwise the kernel is asked
// (ProcessPoke) to have the target make a POSIX_CALL_SIGNALS call before
// it next runs in ring 3, however it is busy. So a process spinning in
// ring 3 gets its handler within a tick.
//
// Delivery (Deliver). The server reads the target's registers, writes a
// frame below its stack pointer, and points it at the handler:
//
//   esp ->  pretcode     the return address: sa_restorer (SA_RESTORER),
//                        else retcode below
//           sig          the handler's argument (also in eax)
//           pinfo, puc   SA_SIGINFO's two other arguments (edx, ecx too)
//           siginfo      128 bytes: signo, errno, code, pid/uid or addr
//           ucontext     flags, link, stack, sigcontext (the registers as
//                        they were, fpstate pointing at the FXSAVE image),
//                        the blocked set to restore
//           retcode      pop %eax; mov $119,%eax; int $0x80 (or mov $173,
//                        %eax; int $0x80 for SA_SIGINFO)
//           FXSAVE image 512 bytes, 16-byte aligned
//
// the same layout whether or not SA_SIGINFO is set; sigreturn finds it 8
// bytes below its stack pointer (the handler's ret and the restorer's pop
// took pretcode and sig), rt_sigreturn 4. While the handler runs, its
// signal (unless SA_NODEFER) and sa_mask are blocked; SA_RESETHAND
// restores SIG_DFL. A frame that cannot be written ends the process with
// SIGSEGV, as does a sigreturn whose frame cannot be read.
//
// CPU exceptions. The kernel asks (POSIX_CALL_FAULT) before it kills a
// process for a fault: if SIGSEGV, SIGBUS, SIGILL, SIGFPE or SIGTRAP has
// a handler and is not blocked, it runs, with si_addr set; otherwise the
// kernel kills the process as it always did.
//
// SIGCHLD is sent to a parent when the kernel's exit notice for a child
// arrives (process.c); its si_status is 0 since the notice carries no
// status. SIGPIPE comes from pipe.c, SIGALRM from clock.c's timers. Not served: sigaltstack (handlers
// run on the normal stack), rt_sigtimedwait, queued real-time signals
// (one instance of each signal is pending at most).
#include <clanker/syscall.h>
#include <lib/string.h>
#include "core.h"
#include "user.h"
#include "poll.h"
#include "signal.h"

#define SIGSET_SIZE 8
#define BIT(sig) (1ull << ((sig) - 1))
#define UNBLOCKABLE (BIT(LINUX_SIGKILL) | BIT(LINUX_SIGSTOP))

#define SA_SIGINFO   0x00000004u
#define SA_RESTORER  0x04000000u
#define SA_RESTART   0x10000000u
#define SA_NODEFER   0x40000000u
#define SA_RESETHAND 0x80000000u

#define SIGINFO_SIZE 128
#define FXSAVE_SIZE  512
#define EFLAGS_DF    0x400u


// struct sigcontext of Linux i386 (segment registers as 32-bit slots).
typedef struct LinuxSigcontext {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
    uint32_t trapno, err, eip, cs, eflags, espAtSignal, ss;
    uint32_t fpstate, oldmask, cr2;
} LinuxSigcontext;

typedef struct LinuxUcontext {
    uint32_t flags, link;
    uint32_t stackBase, stackFlags, stackSize;
    LinuxSigcontext mcontext;
    uint64_t sigmask;
} LinuxUcontext;

typedef struct SignalFrame {
    uint32_t pretcode, sig, pinfo, puc;
    uint32_t info[SIGINFO_SIZE / 4];
    LinuxUcontext uc;
    uint8_t retcode[8];
} SignalFrame;

_Static_assert(sizeof(LinuxSigcontext) == 88, "struct sigcontext");
_Static_assert(sizeof(SignalFrame) == 268, "signal frame");

#define FRAME_UC offsetof(SignalFrame, uc)

// The restorers written into a frame for handlers without SA_RESTORER.
static const uint8_t restoreCode[8] = { 0x58, 0xb8, 119, 0, 0, 0, 0xcd, 0x80 };
static const uint8_t restoreRtCode[8] = { 0xb8, 173, 0, 0, 0, 0xcd, 0x80, 0x90 };

// --- what a signal does ------------------------------------------------------

// Whether sig's default action leaves the process running: SIGCHLD,
// SIGCONT, SIGURG, SIGWINCH, and the stop signals (no job control).
static int DefaultIgnores(uint32_t sig)
{
    static const uint8_t harmless[] = { 17, 18, 19, 20, 21, 22, 23, 28 };

    for (uint32_t i = 0; i < sizeof(harmless); i++)
        if (harmless[i] == sig)
            return 1;
    return 0;
}

// Whether sig, arriving now, would be thrown away by p.
static int Ignored(const PosixProcess *p, uint32_t sig)
{
    uint32_t handler = p->actions[sig - 1].handler;

    if (sig == LINUX_SIGKILL)
        return 0;
    return handler == LINUX_SIG_IGN || (handler == LINUX_SIG_DFL && DefaultIgnores(sig));
}

// The lowest pending signal p does not block, or 0.
static uint32_t Deliverable(const PosixProcess *p)
{
    uint64_t ready = p->sigPending & ~p->sigMask;

    return ready ? (uint32_t)__builtin_ctzll(ready) + 1 : 0;
}

// The calls SA_RESTART runs again after a handler when they were cut short.
static int Restartable(uint32_t number)
{
    switch (number) {
    case LINUX_SYS_READ: case LINUX_SYS_WRITE: case LINUX_SYS_READV: case LINUX_SYS_WRITEV:
    case LINUX_SYS_PREAD64: case LINUX_SYS_PWRITE64: case LINUX_SYS_WAIT4:
    case LINUX_SYS_WAITPID:
        return 1;
    default:
        return 0;
    }
}

// --- delivery ------------------------------------------------------------------

// The sigcontext of registers r, with eax as the call's result.
static void SaveContext(LinuxSigcontext *sc, const PosixRegisters *r, uint32_t eax,
                        uint32_t fxAt, uint64_t mask)
{
    *sc = (LinuxSigcontext){
        .gs = 0x33, .fs = 0x23, .es = 0x23, .ds = 0x23,
        .edi = r->edi, .esi = r->esi, .ebp = r->ebp, .esp = r->esp, .ebx = r->ebx,
        .edx = r->edx, .ecx = r->ecx, .eax = eax, .trapno = r->vector, .err = r->errorCode,
        .eip = r->eip, .cs = 0x1b, .eflags = r->eflags, .espAtSignal = r->esp, .ss = 0x23,
        .fpstate = fxAt, .oldmask = (uint32_t)mask,
    };
}

// Run p's handler for sig, sent for why: write the frame (eax: what the
// interrupted call returns, or keep: the registers' own; restart: run the
// call again instead), point p at the handler. Returns 0, or E_FAULT
// with p ended by SIGSEGV.
static int Deliver(PosixProcess *p, uint32_t sig, const PosixSignalInfo *why, int keep,
                   uint32_t eax, int restart)
{
    const LinuxSigaction *act = &p->actions[sig - 1];
    uint64_t saved = p->suspended ? p->suspendMask : p->sigMask;
    PosixRegisters r;
    SignalFrame f;
    uint32_t fxAt, at;

    if (api->ProcessGetRegisters(p->pid, &r) != 0)
        return E_FAULT;
    if (keep)
        eax = r.eax;
    if (restart) {
        eax = p->callNumber;
        r.eip -= 2;                     // back onto the int $0x80
    }
    fxAt = (r.esp - FXSAVE_SIZE) & ~15u;
    at = ((fxAt - (uint32_t)sizeof(f) + 4) & ~15u) - 4;     // (esp + 4) % 16 == 0 at entry
    memset(&f, 0, sizeof(f));
    f.sig = sig;
    f.pinfo = at + offsetof(SignalFrame, info);
    f.puc = at + FRAME_UC;
    f.info[0] = sig;
    f.info[2] = (uint32_t)why->code;
    f.info[3] = why->value;             // si_pid, or si_addr
    f.info[4] = why->value2;            // si_uid, or nothing
    f.info[5] = why->status;            // SIGCHLD's si_status
    SaveContext(&f.uc.mcontext, &r, eax, fxAt, saved);
    f.uc.sigmask = saved;
    memcpy(f.retcode, act->flags & SA_SIGINFO ? restoreRtCode : restoreCode, sizeof(f.retcode));
    f.pretcode = act->flags & SA_RESTORER ? act->restorer : at + offsetof(SignalFrame, retcode);
    if (UserWrite(p, fxAt, r.fpu, FXSAVE_SIZE) != 0 || UserWrite(p, at, &f, sizeof(f)) != 0) {
        PosixProcessEnd(p, WAIT_STATUS_SIGNALED(LINUX_SIGSEGV));
        return E_FAULT;
    }
    r.esp = at;
    r.eip = act->handler;
    r.eax = sig;
    r.edx = f.pinfo;
    r.ecx = f.puc;
    r.eflags &= ~EFLAGS_DF;
    api->ProcessSetRegisters(p->pid, &r);
    /* POINT OF NO RETURN */
    p->sigPending &= ~BIT(sig);
    p->sigMask = (saved | act->mask | (act->flags & SA_NODEFER ? 0 : BIT(sig))) & ~UNBLOCKABLE;
    p->suspended = 0;
    if (act->flags & SA_RESETHAND)
        p->actions[sig - 1] = (LinuxSigaction){ 0 };
    return 0;
}

// Take the next deliverable signal of p and act on it. value is what the
// call being answered returns (kept: 1 when it is a kernel call whose eax
// must stay as it is). Returns the caller's new eax, and sets *done when
// nothing (more) is to be delivered now.
static int32_t DeliverOne(PosixProcess *p, int32_t value, int kept, int *done)
{
    uint32_t sig = Deliverable(p);
    uint32_t handler;

    *done = 1;
    if (!sig)
        return value;
    handler = p->actions[sig - 1].handler;
    if (handler == LINUX_SIG_IGN || (handler == LINUX_SIG_DFL && DefaultIgnores(sig))) {
        p->sigPending &= ~BIT(sig);
        *done = 0;
        return value;
    }
    if (handler == LINUX_SIG_DFL || sig == LINUX_SIGKILL) {
        PosixProcessEnd(p, WAIT_STATUS_SIGNALED(sig));
        return value;
    }
    if (Deliver(p, sig, &p->sigInfo[sig - 1], kept, (uint32_t)value,
                !kept && value == E_INTR && (p->actions[sig - 1].flags & SA_RESTART) &&
                Restartable(p->callNumber)) != 0)
        return value;
    if (Deliverable(p))
        api->ProcessPoke(p->pid);       // the next one runs right after
    return (int32_t)sig;
}

int32_t SignalOnAnswer(PosixProcess *p, int32_t value)
{
    int done = !(p->sigPending & ~p->sigMask);     // the usual case: nothing due

    while (!done && !p->ended)
        value = DeliverOne(p, value, 0, &done);
    return value;
}

// Cut p's deferred call short for a signal and answer it, running the
// handler. Returns 1 if p had such a call.
static int Interrupt(PosixProcess *p)
{
    int32_t value;

    if (!PosixCancelWait(p, &value))
        return 0;
    value = SignalOnAnswer(p, value);
    if (!p->ended)
        PosixComplete(p->requestId, value);
    return 1;
}

// Act on what p has pending (see the top of the file).
static void Kick(PosixProcess *p)
{
    uint32_t sig;

    while ((sig = Deliverable(p)) != 0 && Ignored(p, sig))
        p->sigPending &= ~BIT(sig);
    if (!sig)
        return;
    if (sig == LINUX_SIGKILL || p->actions[sig - 1].handler == LINUX_SIG_DFL) {
        PosixProcessEnd(p, WAIT_STATUS_SIGNALED(sig));
        return;
    }
    if (p == posixCaller || Interrupt(p))
        return;
    api->ProcessPoke(p->pid);
}

void SignalPost(PosixProcess *p, uint32_t sig, const PosixSignalInfo *why)
{
    if (p->ended || (Ignored(p, sig) && !(p->sigMask & BIT(sig))))
        return;
    p->sigPending |= BIT(sig);
    p->sigInfo[sig - 1] = *why;
}

void SignalSend(PosixProcess *p, uint32_t sig, const PosixSignalInfo *why)
{
    SignalPost(p, sig, why);
    if (!p->ended)
        Kick(p);
}

// POSIX_CALL_SIGNALS: the kernel's call for a poked process.
int32_t SignalCheck(PosixProcess *p)
{
    int done = 0;

    while (!done && !p->ended)
        DeliverOne(p, 0, 1, &done);
    return 0;
}

// POSIX_CALL_FAULT: { signal, vector, address, error code }. 0 if a
// handler runs; E_INVAL tells the kernel to end p as usual.
int32_t SignalFault(PosixProcess *p, const uint32_t *arg)
{
    uint32_t sig = arg[0];
    const LinuxSigaction *act;
    PosixSignalInfo why = { 1, arg[2], 0, 0 };  // SEGV_MAPERR, ILL_ILLOPC, FPE_INTDIV, BUS_ADRALN

    /* decode */
    if (sig < 1 || sig > LINUX_NSIG)
        return E_INVAL;
    act = &p->actions[sig - 1];
    if (act->handler == LINUX_SIG_DFL || act->handler == LINUX_SIG_IGN || (p->sigMask & BIT(sig)))
        return E_INVAL;
    if (sig == LINUX_SIGSEGV && (arg[3] & 1))
        why.code = 2;                   // SEGV_ACCERR: the page was there
    /* invoke */
    if (Deliver(p, sig, &why, 1, 0, 0) != 0)
        return E_INVAL;
    if (Deliverable(p))
        api->ProcessPoke(p->pid);
    return 0;
}

// --- the calls -------------------------------------------------------------------

// rt_sigaction(sig, act, oldact, sigsetsize): oldact is written before
// the action changes, so a bad one is E_FAULT with the action as it was
// (Linux changes it first).
int32_t LinuxSysRtSigaction(PosixProcess *p, const uint32_t *arg)
{
    uint32_t sig = arg[0];
    LinuxSigaction act;
    int err;

    /* decode */
    if (arg[3] != SIGSET_SIZE || sig < 1 || sig > LINUX_NSIG)
        return E_INVAL;
    if (arg[1] && (sig == LINUX_SIGKILL || sig == LINUX_SIGSTOP))
        return E_INVAL;
    if (arg[1] && (err = UserRead(p, &act, arg[1], sizeof(act))) != 0)
        return err;
    if (arg[2] && (err = UserWrite(p, arg[2], &p->actions[sig - 1], sizeof(act))) != 0)
        return err;
    if (!arg[1])
        return 0;
    /* invoke */
    p->actions[sig - 1] = act;
    if (Ignored(p, sig))
        p->sigPending &= ~BIT(sig);     // POSIX: setting SIG_IGN discards a pending one
    return 0;
}

// rt_sigprocmask(how, set, oldset, sigsetsize): oldset is written before
// the mask changes, so a bad one is E_FAULT with the mask as it was.
int32_t LinuxSysRtSigprocmask(PosixProcess *p, const uint32_t *arg)
{
    uint64_t set = 0, mask = p->sigMask;
    int err;

    /* decode */
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
    /* invoke */
    p->sigMask = mask & ~UNBLOCKABLE;
    Kick(p);                            // something unblocked may be due now
    return 0;
}

// rt_sigpending(set, sigsetsize)
int32_t LinuxSysRtSigpending(PosixProcess *p, const uint32_t *arg)
{
    uint64_t set = p->sigPending & p->sigMask;

    /* decode */
    if (arg[1] != SIGSET_SIZE)
        return E_INVAL;
    /* invoke */
    return UserWrite(p, arg[0], &set, sizeof(set));
}

// Wait with mask blocked until a handler runs (the mask is restored
// after it): pause and rt_sigsuspend. Returns E_INTR once one has run.
static int32_t Suspend(PosixProcess *p, uint64_t mask)
{
    p->suspendMask = p->sigMask;
    p->suspended = 1;
    p->sigMask = mask & ~UNBLOCKABLE;
    if (Deliverable(p))
        return E_INTR;                  // already due: its handler runs at once
    return PollSleep(p, UINT64_MAX);
}

// pause()
int32_t LinuxSysPause(PosixProcess *p, const uint32_t *arg)
{
    (void)arg;
    return Suspend(p, p->sigMask);
}

// rt_sigsuspend(mask, sigsetsize)
int32_t LinuxSysRtSigsuspend(PosixProcess *p, const uint32_t *arg)
{
    uint64_t mask;
    int err;

    /* decode */
    if (arg[1] != SIGSET_SIZE)
        return E_INVAL;
    if ((err = UserRead(p, &mask, arg[0], sizeof(mask))) != 0)
        return err;
    /* invoke */
    return Suspend(p, mask);
}

// Put p back as the frame back bytes below its stack pointer says.
// Returns the restored eax; a frame that cannot be read ends p (SIGSEGV).
static int32_t Return(PosixProcess *p, uint32_t back)
{
    PosixRegisters r;
    LinuxUcontext uc;
    const LinuxSigcontext *sc = &uc.mcontext;

    /* decode: the frame copied in; one that cannot be read ends p */
    if (api->ProcessGetRegisters(p->pid, &r) != 0 ||
        UserRead(p, &uc, r.esp - back + FRAME_UC, sizeof(uc)) != 0 ||
        (sc->fpstate && UserRead(p, r.fpu, sc->fpstate, FXSAVE_SIZE) != 0)) {
        PosixProcessEnd(p, WAIT_STATUS_SIGNALED(LINUX_SIGSEGV));
        return 0;
    }
    /* invoke */
    r.eax = sc->eax; r.ebx = sc->ebx; r.ecx = sc->ecx; r.edx = sc->edx;
    r.esi = sc->esi; r.edi = sc->edi; r.ebp = sc->ebp; r.esp = sc->esp;
    r.eip = sc->eip; r.eflags = sc->eflags;
    api->ProcessSetRegisters(p->pid, &r);
    p->sigMask = uc.sigmask & ~UNBLOCKABLE;
    return (int32_t)sc->eax;
}

// sigreturn(): the handler's ret and the restorer's pop took 8 bytes.
// Return copies the whole frame in before it restores anything.
int32_t LinuxSysSigreturn(PosixProcess *p, const uint32_t *arg)
{
    (void)arg;
    return Return(p, 8);
}

// rt_sigreturn(): the handler's ret took 4 bytes; as sigreturn.
int32_t LinuxSysRtSigreturn(PosixProcess *p, const uint32_t *arg)
{
    (void)arg;
    return Return(p, 4);
}

// --- kill ------------------------------------------------------------------------

typedef struct KillState {
    PosixProcess *sender;
    uint32_t sig;
    uint32_t pgrp;          // 0: everyone but the sender
    int sent;
} KillState;

static void KillOne(PosixProcess *target, void *arg)
{
    KillState *k = arg;
    PosixSignalInfo why = { 0, k->sender->pid, 0, 0 };     // SI_USER

    if (k->pgrp ? target->pgrp != k->pgrp : target == k->sender)
        return;
    k->sent++;
    if (k->sig)
        SignalSend(target, k->sig, &why);
}

// Signal one process pid: one with POSIX state gets the signal; any other
// live user process gets sig's default action.
static int32_t KillPid(PosixProcess *p, uint32_t pid, uint32_t sig)
{
    PosixProcess *target = PosixProcessFind(pid);
    PosixSignalInfo why = { 0, p->pid, 0, 0 };
    ProcessFacts facts;

    if (target) {
        if (sig)
            SignalSend(target, sig, &why);
        return 0;
    }
    if (api->ProcessQuery(pid, &facts) != 0)
        return E_SRCH;
    if (sig == 0 || (sig != LINUX_SIGKILL && DefaultIgnores(sig)))
        return 0;
    return api->ProcessEnd(pid, WAIT_STATUS_SIGNALED(sig));
}

// kill(pid, sig): pid > 0 that process; 0 the caller's group; -1 every
// process the layer knows but the caller; < -1 the group -pid.
int32_t LinuxSysKill(PosixProcess *p, const uint32_t *arg)
{
    int32_t pid = (int32_t)arg[0];
    KillState k = { p, arg[1], 0, 0 };

    /* decode */
    if (arg[1] > LINUX_NSIG || pid == INT32_MIN)
        return E_INVAL;
    /* invoke */
    if (pid > 0)
        return KillPid(p, (uint32_t)pid, arg[1]);
    k.pgrp = pid == 0 ? p->pgrp : pid == -1 ? 0 : (uint32_t)-pid;
    PosixProcessForEach(KillOne, &k);
    return k.sent ? 0 : E_SRCH;
}

// POSIX_MSG_SIGNAL to posix:signal (include/clanker/posix.h): another
// program signals process pid as kill(2) would, from sender. Returns 0,
// E_INVAL (a malformed request or signal) or E_SRCH (no POSIX state for
// pid: the sender ends it itself).
int SignalRequest(const Message *m)
{
    PosixSignalInfo why = { 0, m->senderId, 0, 0 };         // SI_USER
    PosixSignal request;
    PosixProcess *target;

    /* decode */
    if (m->type != POSIX_MSG_SIGNAL || MessageDataLength(m) != sizeof(request))
        return E_INVAL;
    memcpy(&request, m->data, sizeof(request));
    if (request.signal == 0 || request.signal > LINUX_NSIG)
        return E_INVAL;
    if (!(target = PosixProcessFind(request.pid)) || target->ended)
        return E_SRCH;
    /* invoke */
    SignalSend(target, request.signal, &why);
    return 0;
}

// --- the console's foreground process group ----------------------------------

// The console's foreground process group, as the last TIOCSPGRP set it
// (a job-control shell gives the console to each job, and takes it back).
static uint32_t terminalGroup;

typedef struct GroupSearch {
    uint32_t group;
    int found;
} GroupSearch;

static void FindMember(PosixProcess *p, void *arg)
{
    GroupSearch *search = arg;

    if (!p->ended && p->pgrp == search->group)
        search->found = 1;
}

// The console's foreground group while a live process is in it; 0 when
// none was set or its processes have all ended (then nobody holds the
// console as a job, and a ^C is for whomever the console names).
uint32_t SignalForegroundGroup(void)
{
    GroupSearch search = { terminalGroup, 0 };

    if (terminalGroup)
        PosixProcessForEach(FindMember, &search);
    return search.found ? terminalGroup : 0;
}

// TIOCSPGRP (console.c): make group the console's foreground.
void SignalSetForegroundGroup(uint32_t group)
{
    terminalGroup = group;
}

// MSG_PERSONALITY_INTERRUPT from the kernel: the console's ^C for process
// pid. It takes SIGINT when it is in the console's foreground process
// group, or when no live group holds the console
// (SignalForegroundGroup); a process of another group is left alone
// (answered 0), as a job in the background is on Linux. Returns 0,
// E_INVAL (malformed) or E_SRCH (no POSIX state for pid: the kernel ends
// it).
int SignalInterrupt(const Message *m)
{
    PosixSignalInfo why = { LINUX_SI_KERNEL, 0, 0, 0 };
    PersonalityInterrupt request;
    PosixProcess *target;
    uint32_t group;

    /* decode */
    if (MessageDataLength(m) != sizeof(request))
        return E_INVAL;
    memcpy(&request, m->data, sizeof(request));
    if (!(target = PosixProcessFind(request.pid)) || target->ended)
        return E_SRCH;
    group = SignalForegroundGroup();
    if (group && target->pgrp != group)
        return 0;               // a job in the background: the ^C is not for it
    /* invoke */
    SignalSend(target, LINUX_SIGINT, &why);
    return 0;
}

// tkill(tid, sig): threads are processes here.
int32_t LinuxSysTkill(PosixProcess *p, const uint32_t *arg)
{
    /* decode */
    if ((int32_t)arg[0] <= 0 || arg[1] > LINUX_NSIG)
        return E_INVAL;
    /* invoke */
    return KillPid(p, arg[0], arg[1]);
}

// tgkill(tgid, tid, sig)
int32_t LinuxSysTgkill(PosixProcess *p, const uint32_t *arg)
{
    /* decode */
    if ((int32_t)arg[0] <= 0 || (int32_t)arg[1] <= 0 || arg[2] > LINUX_NSIG)
        return E_INVAL;
    if (arg[0] != arg[1])
        return E_SRCH;
    /* invoke */
    return KillPid(p, arg[1], arg[2]);
}
