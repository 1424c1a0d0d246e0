// pxsignal: signals through the POSIX layer.
//
// Handlers for signals sent to oneself (kill, raise) and by other
// processes, SA_SIGINFO's siginfo and ucontext, the blocked set and
// pending signals, SA_RESETHAND, SA_NODEFER, sigsuspend and pause,
// SIGCHLD, SIGPIPE, SIGSEGV from a real fault (with siglongjmp out of
// the handler), a signal to a child spinning in ring 3, EINTR from a
// read of an empty pipe and SA_RESTART running it again, default
// actions (SIGTERM, SIGINT, SIGKILL) seen by waitpid, SIG_IGN, process
// groups, registers and FPU state kept across a handler, and bad
// arguments (a bad place for the old action, mask or timer: EFAULT with
// the new one not taken). Ends with "pxsignal: N passed, M failed".
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static volatile sig_atomic_t got, gotSig, gotCode, gotPid, depth, maxDepth;
static volatile void *gotAddr;
static volatile int gotContext;
static sigjmp_buf escape;
static int trace;


static void Count(int sig)
{
    got++;
    gotSig = sig;
}

static void Info(int sig, siginfo_t *info, void *context)
{
    got++;
    gotSig = sig;
    gotCode = info->si_code;
    gotPid = info->si_pid;
    gotContext = context != NULL;
}

static void Escape(int sig, siginfo_t *info, void *context)
{
    (void)context;
    gotSig = sig;
    gotAddr = info->si_addr;
    siglongjmp(escape, 1);
}

// The first call raises SIGUSR1 again from inside the handler: it waits
// for the handler to return, or nests with SA_NODEFER.
static void Nest(int sig)
{
    depth++;
    if (depth > maxDepth)
        maxDepth = depth;
    if (sig == SIGUSR1 && got == 0 && depth == 1)
        raise(SIGUSR1);
    got++;
    depth--;
}

static void FloatingHandler(int sig)
{
    volatile double x = 3.0;

    (void)sig;
    for (int i = 0; i < 10; i++)
        x = x * 1.5 + 0.25;
    got += x > 0;
}

static void ExitSeven(int sig)
{
    (void)sig;
    _exit(7);
}

static void Catch(int sig, void (*handler)(int), int flags)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void CatchInfo(int sig, void (*handler)(int, siginfo_t *, void *))
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static int WaitFor(pid_t pid)
{
    int status = -1;

    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return status;
}

static void Sleep(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

    nanosleep(&ts, NULL);
}

static void SelfSignals(void)
{
    got = 0;
    Catch(SIGUSR1, Count, 0);
    CHECK(kill(getpid(), SIGUSR1) == 0);
    CHECK(got == 1 && gotSig == SIGUSR1);      // ran before kill returned
    CHECK(raise(SIGUSR1) == 0);
    CHECK(got == 2);
    Catch(SIGINT, Count, 0);
    raise(SIGINT);
    CHECK(got == 3 && gotSig == SIGINT);
    Catch(SIGINT, SIG_DFL, 0);
    Catch(SIGTERM, Count, 0);
    raise(SIGTERM);
    CHECK(got == 4 && gotSig == SIGTERM);

    got = 0;
    CatchInfo(SIGUSR2, Info);
    CHECK(kill(getpid(), SIGUSR2) == 0);
    CHECK(got == 1 && gotSig == SIGUSR2);
    CHECK(gotCode == SI_USER);
    CHECK(gotPid == getpid());
    CHECK(gotContext);

    Catch(SIGTERM, SIG_IGN, 0);
    CHECK(raise(SIGTERM) == 0);                 // ignored: still here
    Catch(SIGTERM, SIG_DFL, 0);
    Catch(SIGUSR1, SIG_DFL, 0);
    Catch(SIGUSR2, SIG_DFL, 0);
}

static void Blocking(void)
{
    sigset_t set, old, pending;

    got = 0;
    Catch(SIGUSR1, Count, 0);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0);
    raise(SIGUSR1);
    raise(SIGUSR1);
    CHECK(got == 0);
    CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGUSR1));
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
    CHECK(got == 1);                            // once: not queued twice
    CHECK(sigpending(&pending) == 0 && !sigismember(&pending, SIGUSR1));

    // SIGKILL and SIGSTOP cannot be blocked or caught.
    sigfillset(&set);
    CHECK(sigprocmask(SIG_SETMASK, &set, &old) == 0);
    CHECK(sigprocmask(SIG_SETMASK, NULL, &set) == 0);
    CHECK(!sigismember(&set, SIGKILL) && !sigismember(&set, SIGSTOP));
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
    CHECK_ERR(signal(SIGKILL, Count) == SIG_ERR ? -1 : 0, EINVAL);

    // The handler's own signal is blocked while it runs, unless SA_NODEFER.
    got = depth = maxDepth = 0;
    Catch(SIGUSR1, Nest, 0);
    raise(SIGUSR1);
    CHECK(got == 2 && maxDepth == 1);           // the inner one waited its turn
    got = depth = maxDepth = 0;
    Catch(SIGUSR1, Nest, SA_NODEFER);
    raise(SIGUSR1);
    CHECK(got == 2 && maxDepth == 2);           // nested
    Catch(SIGUSR1, SIG_DFL, 0);
}

static void ResetHand(void)
{
    pid_t pid = fork();

    if (pid == 0) {
        got = 0;
        Catch(SIGUSR1, Count, SA_RESETHAND);
        raise(SIGUSR1);
        if (got != 1)
            _exit(1);
        raise(SIGUSR1);                         // SIG_DFL now: terminates
        _exit(2);
    }
    int status = WaitFor(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1);
}

static void Defaults(void)
{
    int sigs[] = { SIGTERM, SIGINT, SIGKILL, SIGHUP };

    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        pid_t pid = fork();
        if (pid == 0) {
            for (;;)
                Sleep(1000);
        }
        Sleep(20);
        CHECK(kill(pid, sigs[i]) == 0);
        int status = WaitFor(pid);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == sigs[i]);
    }
}

// A child spinning in ring 3 (no system calls) still gets its handler.
static void Spinning(void)
{
    pid_t pid = fork();

    if (pid == 0) {
        Catch(SIGUSR1, ExitSeven, 0);
        for (volatile unsigned long i = 0;; i++)
            ;
    }
    Sleep(50);
    CHECK(kill(pid, SIGUSR1) == 0);
    int status = WaitFor(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
}

static void Chld(void)
{
    sigset_t set, old, none;
    pid_t pid;

    got = 0;
    Catch(SIGCHLD, Count, 0);
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, &old);
    pid = fork();
    if (pid == 0)
        _exit(0);
    sigemptyset(&none);
    errno = 0;
    CHECK(sigsuspend(&none) == -1 && errno == EINTR);
    CHECK(got == 1 && gotSig == SIGCHLD);
    sigprocmask(SIG_SETMASK, NULL, &set);
    CHECK(sigismember(&set, SIGCHLD));          // sigsuspend put the mask back
    sigprocmask(SIG_SETMASK, &old, NULL);
    CHECK(WaitFor(pid) == 0);
    Catch(SIGCHLD, SIG_DFL, 0);

    // pause() returns when a child's signal arrives.
    got = 0;
    Catch(SIGUSR2, Count, 0);
    pid = fork();
    if (pid == 0) {
        Sleep(30);
        kill(getppid(), SIGUSR2);
        _exit(0);
    }
    errno = 0;
    CHECK(pause() == -1 && errno == EINTR);
    CHECK(got == 1 && gotSig == SIGUSR2);
    CHECK(WaitFor(pid) == 0);
}

static void Pipes(void)
{
    int fds[2];
    char c = 0;

    // No reader: SIGPIPE's handler runs and the write fails with EPIPE.
    got = 0;
    Catch(SIGPIPE, Count, 0);
    CHECK(pipe(fds) == 0);
    close(fds[0]);
    CHECK_ERR(write(fds[1], "x", 1), EPIPE);
    CHECK(got == 1 && gotSig == SIGPIPE);
    close(fds[1]);
    Catch(SIGPIPE, SIG_DFL, 0);

    // A read of an empty pipe is cut short: EINTR without SA_RESTART.
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        got = 0;
        Catch(SIGUSR1, Count, 0);
        ssize_t n = read(fds[0], &c, 1);
        _exit(n == -1 && errno == EINTR && got == 1 ? 0 : 1);
    }
    Sleep(50);
    kill(pid, SIGUSR1);
    CHECK(WaitFor(pid) == 0);

    // With SA_RESTART the read runs again and gets the byte written later.
    pid = fork();
    if (pid == 0) {
        got = 0;
        Catch(SIGUSR1, Count, SA_RESTART);
        ssize_t n = read(fds[0], &c, 1);
        _exit(n == 1 && c == 'z' && got == 1 ? 0 : 1);
    }
    Sleep(50);
    kill(pid, SIGUSR1);
    Sleep(50);
    CHECK(write(fds[1], "z", 1) == 1);
    CHECK(WaitFor(pid) == 0);
    close(fds[0]);
    close(fds[1]);

    // nanosleep is cut short too, whatever SA_RESTART says.
    pid = fork();
    if (pid == 0) {
        struct timespec ts = { 30, 0 };
        Catch(SIGUSR1, Count, SA_RESTART);
        int r = nanosleep(&ts, NULL);
        _exit(r == -1 && errno == EINTR ? 0 : 1);
    }
    Sleep(50);
    kill(pid, SIGUSR1);
    CHECK(WaitFor(pid) == 0);
}

static volatile int *volatile badPointer = (volatile int *)16;

// A fault with a SIGSEGV handler that leaves by siglongjmp. (Nothing
// but volatile stores may follow the faulting load in its block: the
// compiler may move other stores before it.)
static void Faults(void)
{
    volatile int *bad = badPointer;
    static volatile int reached;

    CatchInfo(SIGSEGV, Escape);
    if (sigsetjmp(escape, 1) == 0) {
        (void)*bad;
        reached = 1;                            // never gets here
    } else {
        CHECK(gotSig == SIGSEGV);
        CHECK(gotAddr == (void *)16);
    }
    CHECK(!reached);
    // Again: the mask was restored by siglongjmp, so it works twice.
    gotSig = 0;
    if (sigsetjmp(escape, 1) == 0)
        *bad = 1;
    CHECK(gotSig == SIGSEGV);
    Catch(SIGSEGV, SIG_DFL, 0);

    // Without a handler a fault ends the process with SIGSEGV.
    pid_t pid = fork();
    if (pid == 0) {
        (void)*bad;
        _exit(0);
    }
    int status = WaitFor(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

// Registers and FPU state survive a handler that uses them.
static void Context(void)
{
    volatile double a = 1.0;

    got = 0;
    Catch(SIGUSR1, FloatingHandler, 0);
    for (int i = 0; i < 100; i++) {
        a = a * 1.0001 + 0.5;
        raise(SIGUSR1);
    }
    volatile double b = 1.0;
    for (int i = 0; i < 100; i++)
        b = b * 1.0001 + 0.5;
    CHECK(got == 100);
    CHECK(a == b);
    Catch(SIGUSR1, SIG_DFL, 0);
}

static void Groups(void)
{
    int fds[2];
    char c;

    CHECK(pipe(fds) == 0);
    Catch(SIGUSR2, SIG_IGN, 0);
    pid_t pid = fork();
    if (pid == 0) {
        Catch(SIGUSR2, ExitSeven, 0);
        write(fds[1], "r", 1);
        for (;;)
            Sleep(1000);
    }
    CHECK(read(fds[0], &c, 1) == 1);
    CHECK(kill(0, SIGUSR2) == 0);               // the group: the child and us
    int status = WaitFor(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
    Catch(SIGUSR2, SIG_DFL, 0);
    close(fds[0]);
    close(fds[1]);
}

// alarm and setitimer: SIGALRM's handler, a repeating timer, the time
// left, the default action, and the errors.
static void Alarms(void)
{
    struct itimerval every = { { 0, 30000 }, { 0, 30000 } }, none = { { 0, 0 }, { 0, 0 } }, now;

    got = 0;
    Catch(SIGALRM, Count, 0);
    CHECK(alarm(1) == 0);
    CHECK(alarm(1) == 1);                       // the old one had about a second left
    errno = 0;
    CHECK(pause() == -1 && errno == EINTR);
    CHECK(got == 1 && gotSig == SIGALRM);
    CHECK(alarm(0) == 0);                       // it went off: nothing left

    got = 0;
    CHECK(setitimer(ITIMER_REAL, &every, NULL) == 0);
    CHECK(getitimer(ITIMER_REAL, &now) == 0 && now.it_interval.tv_usec == 30000 &&
          now.it_value.tv_sec == 0 && now.it_value.tv_usec > 0);
    while (got < 3)
        pause();
    CHECK(setitimer(ITIMER_REAL, &none, &now) == 0 && now.it_interval.tv_usec == 30000);
    CHECK(getitimer(ITIMER_REAL, &now) == 0 && now.it_value.tv_sec == 0 &&
          now.it_value.tv_usec == 0);
    Sleep(100);
    CHECK(got == 3);                            // stopped
    Catch(SIGALRM, SIG_DFL, 0);

    pid_t pid = fork();
    if (pid == 0) {
        alarm(1);
        for (;;)
            Sleep(1000);
    }
    int status = WaitFor(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM);

    CHECK(setitimer(ITIMER_VIRTUAL, &every, NULL) == -1 && errno == EINVAL);
    every.it_value.tv_usec = 1000000;
    CHECK(setitimer(ITIMER_REAL, &every, NULL) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_setitimer, ITIMER_REAL, (void *)16, NULL) == -1 && errno == EFAULT);
    CHECK(syscall(SYS_getitimer, ITIMER_REAL, (void *)16) == -1 && errno == EFAULT);
}

static void BadArguments(void)
{
    CHECK(syscall(SYS_rt_sigaction, SIGUSR1, (void *)16, NULL, 8) == -1 && errno == EFAULT);
    CHECK(syscall(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 4) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_rt_sigaction, 0, NULL, NULL, 8) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_rt_sigaction, 65, NULL, NULL, 8) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_rt_sigprocmask, 7, (void *)&got, NULL, 8) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)16, NULL, 8) == -1 && errno == EFAULT);
    CHECK(syscall(SYS_rt_sigpending, (void *)16, 8) == -1 && errno == EFAULT);
    CHECK(syscall(SYS_rt_sigsuspend, (void *)16, 8) == -1 && errno == EFAULT);
    CHECK(kill(getpid(), 65) == -1 && errno == EINVAL);
    CHECK(kill(999999, SIGTERM) == -1 && errno == ESRCH);
    CHECK(kill(getpid(), 0) == 0);

    // A bad place for the old value: EFAULT, and the new value not taken.
    struct { uint32_t handler, flags, restorer; uint64_t mask; } __attribute__((packed))
        ignore = { (uint32_t)(uintptr_t)SIG_IGN, 0, 0, 0 }, action;
    uint64_t block = 1ull << (SIGUSR2 - 1), mask = ~0ull;
    struct { int32_t intervalSec, intervalUsec, sec, usec; } inOne = { 0, 0, 1, 0 };
    struct itimerval timer;
    Catch(SIGUSR2, SIG_DFL, 0);
    CHECK(syscall(SYS_rt_sigaction, SIGUSR2, &ignore, (void *)16, 8) == -1 && errno == EFAULT);
    CHECK(syscall(SYS_rt_sigaction, SIGUSR2, NULL, &action, 8) == 0 &&
          action.handler == (uint32_t)(uintptr_t)SIG_DFL);
    CHECK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &block, (void *)16, 8) == -1 && errno == EFAULT);
    CHECK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &mask, 8) == 0 && !(mask & block));
    CHECK(syscall(SYS_setitimer, ITIMER_REAL, &inOne, (void *)16) == -1 && errno == EFAULT);
    CHECK(getitimer(ITIMER_REAL, &timer) == 0 && timer.it_value.tv_sec == 0 &&
          timer.it_value.tv_usec == 0);

    // A sigreturn with no frame behind it ends the caller with SIGSEGV,
    // never the system.
    pid_t pid = fork();
    if (pid == 0) {
        __asm__ volatile("movl $0x1000, %%esp\n\tmovl $173, %%eax\n\tint $0x80" ::: "memory");
        _exit(0);
    }
    int status = WaitFor(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);

    // A handler that points nowhere: the child dies of the fault, alone.
    pid = fork();
    if (pid == 0) {
        Catch(SIGUSR1, (void (*)(int))16, 0);
        raise(SIGUSR1);
        _exit(0);
    }
    status = WaitFor(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

// Run one group of checks; "pxsignal trace" names each as it starts.
#define STEP(f) do { if (trace) printf("pxsignal: %s\n", #f); f(); } while (0)

int main(int argc, char **argv)
{
    trace = argc > 1 && strcmp(argv[1], "trace") == 0;
    STEP(SelfSignals);
    STEP(Blocking);
    STEP(ResetHand);
    STEP(Defaults);
    STEP(Spinning);
    STEP(Chld);
    STEP(Pipes);
    STEP(Faults);
    STEP(Context);
    STEP(Groups);
    STEP(Alarms);
    STEP(BadArguments);
    return CheckSummary("pxsignal");
}
