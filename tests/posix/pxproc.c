// pxproc: processes that make processes, through the POSIX layer.
//
// fork and vfork with exit codes seen by waitpid and wait4, memory copied
// (not shared) while open file descriptions (their offsets) are shared,
// execve of /bin/pxhello and of this program itself (argv, envp, fds
// with and without FD_CLOEXEC, /proc/self/exe), execve's errors with the
// caller still running, ECHILD, WNOHANG, kill of a child, getppid, a
// wait that cannot write its status (EFAULT, the child left for the next
// wait), and 20 rounds of fork and wait. Ends with "pxproc: N passed, M
// failed".
//
// Run as "pxproc child-env" or "pxproc child-fds A B" it is the program
// an execve started, and reports what it found by its exit code.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

#define SELF  "/bin/pxproc"
#define SHARED_FILE "/tmp/pxproc-shared.txt"
#define NOT_ELF     "/tmp/pxproc-script.sh"

static int global = 1;

// Wait for pid and return its status (-1 if waitpid failed).
static int WaitFor(pid_t pid)
{
    int status = -1;

    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return status;
}

// Whether status is a normal exit with code.
static int ExitedWith(int status, int code)
{
    return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == code;
}

static void ForkAndExit(void)
{
    pid_t pid = fork();

    if (pid == 0)
        _exit(7);
    CHECK(pid > 0);
    CHECK(ExitedWith(WaitFor(pid), 7));
    pid = vfork();
    if (pid == 0)
        _exit(3);
    CHECK(pid > 0);
    CHECK(ExitedWith(WaitFor(pid), 3));
}

// The child changes a global and heap memory; the parent sees its own.
static void MemoryIsCopied(void)
{
    char *heap = malloc(64);
    pid_t pid;
    int status = -1;
    struct rusage usage;

    strcpy(heap, "parent");
    pid = fork();
    if (pid == 0) {
        global = 2;
        strcpy(heap, "child");
        _exit(global == 2 && strcmp(heap, "child") == 0 ? 20 : 21);
    }
    CHECK(pid > 0);
    memset(&usage, 0xff, sizeof(usage));
    CHECK(wait4(pid, &status, 0, &usage) == pid);
    CHECK(ExitedWith(status, 20));
    CHECK(usage.ru_utime.tv_sec == 0 && usage.ru_maxrss == 0);
    CHECK(global == 1);
    CHECK(strcmp(heap, "parent") == 0);
    free(heap);
}

// After fork both processes write through one description: one offset.
static void OffsetsAreShared(void)
{
    int fd = open(SHARED_FILE, O_CREAT | O_RDWR | O_TRUNC, 0644);
    char text[16] = { 0 };
    pid_t pid;

    CHECK(fd >= 0);
    CHECK(write(fd, "ab", 2) == 2);
    pid = fork();
    if (pid == 0)
        _exit(write(fd, "cd", 2) == 2 ? 0 : 1);
    CHECK(ExitedWith(WaitFor(pid), 0));
    CHECK(lseek(fd, 0, SEEK_CUR) == 4);
    CHECK(write(fd, "ef", 2) == 2);
    CHECK(pread(fd, text, sizeof(text) - 1, 0) == 6);
    CHECK(strcmp(text, "abcdef") == 0);
    CHECK(close(fd) == 0);
    unlink(SHARED_FILE);
}

// execve from a child, the parent waiting.
static void ExecFromChild(void)
{
    char *hello[] = { "pxhello", "exit", "5", NULL };
    char *self[] = { "pxproc", "child-env", NULL };
    char *env[] = { "PXPROC=42", "OTHER=x", NULL };
    pid_t pid = fork();

    if (pid == 0) {
        execve("/bin/pxhello", hello, env);
        _exit(99);
    }
    CHECK(ExitedWith(WaitFor(pid), 5));
    pid = fork();
    if (pid == 0) {
        execve(SELF, self, env);
        _exit(99);
    }
    CHECK(ExitedWith(WaitFor(pid), 42));
}

// execve keeps fds without FD_CLOEXEC and closes those with it.
static void ExecClosesCloexec(void)
{
    int keep = open("/etc/boot.conf", O_RDONLY);
    int drop = open("/etc/boot.conf", O_RDONLY | O_CLOEXEC);
    char a[16], b[16];
    pid_t pid;

    CHECK(keep >= 0 && drop >= 0);
    snprintf(a, sizeof(a), "%d", keep);
    snprintf(b, sizeof(b), "%d", drop);
    pid = fork();
    if (pid == 0) {
        char *argv[] = { "pxproc", "child-fds", a, b, NULL };
        execve(SELF, argv, (char *[]){ NULL });
        _exit(99);
    }
    CHECK(ExitedWith(WaitFor(pid), 0));
    CHECK(fcntl(drop, F_GETFD) == FD_CLOEXEC);     // the parent's stay
    close(keep);
    close(drop);
}

// A failed execve returns, with the process as it was.
static void ExecErrors(void)
{
    char *argv[] = { "nothing", NULL };
    char *volatile bad = (char *)8;
    static char *many[40], longArg[5000], *longArgv[] = { longArg, NULL };
    int fd = open(NOT_ELF, O_CREAT | O_WRONLY | O_TRUNC, 0644);

    CHECK(fd >= 0);
    CHECK(write(fd, "#!/bin/sh\necho hi\n", 18) == 18);
    close(fd);
    for (int i = 0; i < 39; i++)
        many[i] = "x";
    memset(longArg, 'y', sizeof(longArg) - 1);
    global = 5;
    CHECK_ERR(execve("/bin/no-such-program", argv, NULL), ENOENT);
    CHECK_ERR(execve(NOT_ELF, argv, NULL), ENOEXEC);
    CHECK_ERR(execve("/etc", argv, NULL), EACCES);
    CHECK_ERR(execve(bad, argv, NULL), EFAULT);
    CHECK_ERR(execve(SELF, many, NULL), E2BIG);
    CHECK_ERR(execve(SELF, longArgv, NULL), E2BIG);
    CHECK(global == 5 && getpid() > 0);
    unlink(NOT_ELF);
    global = 1;
}

// A wait that cannot write its status reaps nothing: the child is still
// there for the next wait, with its exit code. A bad group is refused
// with the caller's group as it was.
static void WaitBadStatus(void)
{
    pid_t pid = fork(), group = getpgrp();
    int status = -1;

    if (pid == 0)
        _exit(7);
    CHECK(pid > 0);
    CHECK_ERR(waitpid(pid, (int *)16, 0), EFAULT);
    CHECK_ERR(wait4(pid, &status, 0, (struct rusage *)16), EFAULT);
    CHECK(status == -1);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7);
    CHECK_ERR(setpgid(0, -1), EINVAL);
    CHECK_ERR(setpgid(999999, 0), ESRCH);
    CHECK(getpgrp() == group);
}

static void WaitWithoutChildren(void)
{
    int status;

    CHECK_ERR(waitpid(-1, &status, 0), ECHILD);
    CHECK_ERR(wait(&status), ECHILD);
    CHECK_ERR(waitpid(-1, &status, WNOHANG), ECHILD);
    CHECK_ERR(waitpid(-1, &status, 0x1000), EINVAL);
}

// WNOHANG while the child runs, then kill it with SIGTERM.
static void NoHangAndKill(void)
{
    pid_t pid = fork();
    int status = -1;

    if (pid == 0) {
        for (;;)
            sched_yield();
    }
    CHECK(pid > 0);
    CHECK(waitpid(pid, &status, WNOHANG) == 0);
    CHECK(kill(pid, 0) == 0);
    CHECK(kill(pid, SIGTERM) == 0);
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    CHECK_ERR(kill(pid, 0), ESRCH);
    CHECK_ERR(kill(pid, SIGTERM), ESRCH);
}

static void ParentIds(void)
{
    pid_t self = getpid(), pid = fork();

    if (pid == 0)
        _exit(getppid() == self ? 0 : 1);
    CHECK(pid > 0 && pid != self);
    CHECK(ExitedWith(WaitFor(pid), 0));
}

static void ManyRounds(void)
{
    int good = 0;

    for (int i = 0; i < 20; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(100 + i);
        good += pid > 0 && ExitedWith(WaitFor(pid), 100 + i);
    }
    CHECK(good == 20);
}

// Started by execve with PXPROC=42 in the environment.
static int ChildEnv(int argc)
{
    char exe[64] = { 0 };
    const char *value = getenv("PXPROC");

    if (argc != 2 || !value || strcmp(value, "42") != 0 || !getenv("OTHER"))
        return 1;
    if (readlink("/proc/self/exe", exe, sizeof(exe) - 1) < 0 || strcmp(exe, SELF) != 0)
        return 2;
    return 42;
}

// Started by execve with fd keep open and fd drop closed.
static int ChildFds(const char *keep, const char *drop)
{
    if (fcntl(atoi(keep), F_GETFD) != 0)
        return 1;
    if (fcntl(atoi(drop), F_GETFD) != -1 || errno != EBADF)
        return 2;
    return 0;
}

static long NowMs(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

// A sleeping child does not hold up its parent's calls: nanosleep is
// answered later by the server, which serves everyone meanwhile.
static void SleepDoesNotBlockOthers(void)
{
    long start = NowMs(), quick;
    int status = 0;
    pid_t pid = fork();

    if (pid == 0) {
        struct timespec t = { 0, 600 * 1000000L };
        nanosleep(&t, NULL);
        _exit(5);
    }
    CHECK(pid > 0);
    for (int i = 0; i < 20; i++)
        getpid();
    quick = NowMs() - start;
    CHECK(quick < 400);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 5);
    CHECK(NowMs() - start >= 600);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "child-env") == 0)
        return ChildEnv(argc);
    if (argc == 4 && strcmp(argv[1], "child-fds") == 0)
        return ChildFds(argv[2], argv[3]);
    setvbuf(stdout, NULL, _IONBF, 0);      // nothing buffered is copied by fork
    ForkAndExit();
    MemoryIsCopied();
    OffsetsAreShared();
    ExecFromChild();
    ExecClosesCloexec();
    ExecErrors();
    WaitWithoutChildren();
    WaitBadStatus();
    NoHangAndKill();
    ParentIds();
    ManyRounds();
    SleepDoesNotBlockOthers();
    return CheckSummary("pxproc");
}
