// pxspawn: clone with a stack of the child's own, and posix_spawn.
//
// musl's posix_spawn clones with CLONE_VM | CLONE_VFORK | SIGCHLD onto a
// stack in the parent's frame; the POSIX layer serves that as a fork whose
// child starts on that stack (in its own copy of the memory). This program
// spawns /bin/pxhello with argv, envp and file actions (addopen, adddup2,
// addclose), and itself in a child mode that reports an fd through its
// exit code; it checks the exit statuses through waitpid, the output the
// file actions sent to files in /tmp, ENOENT for a missing program, and
// raw clone() calls with a stack, with CLONE_VFORK and with CLONE_SETTLS.
//
//   pxspawn                run the checks
//   pxspawn open FD        exit 10 if FD is open, 20 if not (for addclose)
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define CHILD_STACK 16384

static char childStack[CHILD_STACK] __attribute__((aligned(16)));
static volatile int shared = 1;     // a child's writes stay in its copy

// The exit status of child pid, or -1.
static int ExitCode(pid_t pid)
{
    int status;

    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

// The whole of file path into buf (NUL-terminated). Returns its length or -1.
static int Slurp(const char *path, char *buf, int size)
{
    int fd = open(path, O_RDONLY), n, total = 0;

    if (fd < 0)
        return -1;
    while (total < size - 1 && (n = read(fd, buf + total, size - 1 - total)) > 0)
        total += n;
    close(fd);
    buf[total] = 0;
    return total;
}

static const char expectAb[] = "hello from musl: argc 3\nargv[0] = pxhello\nargv[1] = a\n"
                               "argv[2] = b\nenv: SPAWNED=yes\n";

static void SpawnPlain(void)
{
    char *argv[] = { "pxhello", "exit", "7", NULL };
    char *envp[] = { "SPAWNED=yes", NULL };
    pid_t pid = -1;

    CHECK(posix_spawn(&pid, "/bin/pxhello", NULL, NULL, argv, envp) == 0);
    CHECK(pid > 0 && pid != getpid());
    CHECK(ExitCode(pid) == 7);
}

// addopen: the child's stdout is a new file in /tmp.
static void SpawnAddopen(void)
{
    char *argv[] = { "pxhello", "a", "b", NULL };
    char *envp[] = { "SPAWNED=yes", NULL };
    posix_spawn_file_actions_t fa;
    char out[512];
    pid_t pid = -1;

    CHECK(posix_spawn_file_actions_init(&fa) == 0);
    CHECK(posix_spawn_file_actions_addopen(&fa, 1, "/tmp/spawn1.out",
                                           O_WRONLY | O_CREAT | O_TRUNC, 0644) == 0);
    CHECK(posix_spawn(&pid, "/bin/pxhello", &fa, NULL, argv, envp) == 0);
    CHECK(ExitCode(pid) == 0);
    CHECK(Slurp("/tmp/spawn1.out", out, sizeof(out)) == (int)strlen(expectAb));
    CHECK(strcmp(out, expectAb) == 0);
    posix_spawn_file_actions_destroy(&fa);
    unlink("/tmp/spawn1.out");
}

// adddup2: the child's stdout is an fd of the parent's; the parent's
// own stdout stays the console.
static void SpawnAdddup2(void)
{
    char *argv[] = { "pxhello", "a", "b", NULL };
    char *envp[] = { "SPAWNED=yes", NULL };
    posix_spawn_file_actions_t fa;
    char out[512];
    pid_t pid = -1;
    int fd = open("/tmp/spawn2.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);

    CHECK(fd > 2);
    CHECK(posix_spawn_file_actions_init(&fa) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&fa, fd, 1) == 0);
    CHECK(posix_spawn(&pid, "/bin/pxhello", &fa, NULL, argv, envp) == 0);
    CHECK(ExitCode(pid) == 0);
    CHECK(lseek(fd, 0, SEEK_CUR) == (off_t)strlen(expectAb));  // the offset is shared
    CHECK(Slurp("/tmp/spawn2.out", out, sizeof(out)) > 0 && strcmp(out, expectAb) == 0);
    CHECK(fcntl(1, F_GETFD) == 0 && write(1, "", 0) == 0);
    posix_spawn_file_actions_destroy(&fa);
    close(fd);
    unlink("/tmp/spawn2.out");
}

// addclose: an inherited fd is open in the child, unless closed by an action.
static void SpawnAddclose(void)
{
    posix_spawn_file_actions_t fa;
    char fdText[16];
    char *argv[] = { "pxspawn", "open", fdText, NULL };
    char *envp[] = { NULL };
    pid_t pid = -1;
    int fd = open("/hello.txt", O_RDONLY);

    CHECK(fd > 2);
    snprintf(fdText, sizeof(fdText), "%d", fd);
    CHECK(posix_spawn(&pid, "/bin/pxspawn", NULL, NULL, argv, envp) == 0);
    CHECK(ExitCode(pid) == 10);
    CHECK(posix_spawn_file_actions_init(&fa) == 0);
    CHECK(posix_spawn_file_actions_addclose(&fa, fd) == 0);
    CHECK(posix_spawn(&pid, "/bin/pxspawn", &fa, NULL, argv, envp) == 0);
    CHECK(ExitCode(pid) == 20);
    CHECK(fcntl(fd, F_GETFD) == 0);         // still open in the parent
    posix_spawn_file_actions_destroy(&fa);
    close(fd);
}

// posix_spawnp searches musl's default PATH (the environment has none):
// /usr/local/bin fails, /bin has it.
static void SpawnPath(void)
{
    char *argv[] = { "pxhello", "exit", "5", NULL };
    char *envp[] = { NULL };
    pid_t pid = -1;

    CHECK(posix_spawnp(&pid, "pxhello", NULL, NULL, argv, envp) == 0);
    CHECK(ExitCode(pid) == 5);
}

// A program that is not there: posix_spawn returns the exec's ENOENT and
// the failed child is reaped by posix_spawn itself.
static void SpawnMissing(void)
{
    char *argv[] = { "nothere", NULL };
    char *envp[] = { NULL };
    pid_t pid = 12345;

    CHECK(posix_spawn(&pid, "/bin/nothere", NULL, NULL, argv, envp) == ENOENT);
    CHECK(posix_spawnp(&pid, "nothere", NULL, NULL, argv, envp) == ENOENT);
    CHECK(posix_spawn(&pid, "/tmp", NULL, NULL, argv, envp) == EACCES);
    CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
}

// The child of clone(): 42 if it runs on childStack with its argument
// (which __clone put on that stack), after changing its copy of shared.
static int OnStack(void *arg)
{
    char here;

    shared = 2;
    if (&here < childStack || &here >= childStack + CHILD_STACK)
        return 1;
    return arg == (void *)childStack ? 42 : 2;
}

// The child of a CLONE_SETTLS clone: what %gs:0 reads (no libc: its TLS
// is not a libc thread's).
static int ReadTls(void *arg)
{
    uint32_t word;

    (void)arg;
    __asm__ volatile("movl %%gs:0, %0" : "=r"(word));
    return word == 0x5eed1234u ? 33 : 3;
}

static void CloneStack(void)
{
    static uint32_t tlsBlock[4] = { 0x5eed1234u, 0, 0, 0 };
    static __thread int mine = 77;
    pid_t pid;

    pid = clone(OnStack, childStack + CHILD_STACK, SIGCHLD, childStack);
    CHECK(pid > 0);
    CHECK(ExitCode(pid) == 42);
    CHECK(shared == 1);
    pid = clone(OnStack, childStack + CHILD_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD,
                childStack);
    CHECK(pid > 0);
    CHECK(ExitCode(pid) == 42);
    CHECK(shared == 1);
    pid = clone(ReadTls, childStack + CHILD_STACK, CLONE_SETTLS | SIGCHLD, NULL,
                NULL, tlsBlock, NULL);
    CHECK(pid > 0);
    CHECK(ExitCode(pid) == 33);
    CHECK(mine == 77);                      // the parent's TLS is its own again
    errno = 0;
    CHECK(clone(OnStack, childStack + CHILD_STACK, CLONE_VM | CLONE_THREAD |
                CLONE_SIGHAND | SIGCHLD, NULL) == -1 && errno == ENOSYS);
    CHECK(clone(OnStack, childStack + CHILD_STACK, CLONE_VM | SIGCHLD, NULL) == -1 &&
          errno == EINVAL);
    CHECK(clone(ReadTls, childStack + CHILD_STACK, CLONE_SETTLS | SIGCHLD, NULL,
                NULL, (void *)-4096, NULL) == -1 && errno == EINVAL);
    CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "open") == 0)
        return fcntl(atoi(argv[2]), F_GETFD) >= 0 ? 10 : 20;
    SpawnPlain();
    SpawnAddopen();
    SpawnAdddup2();
    SpawnAddclose();
    SpawnPath();
    SpawnMissing();
    CloneStack();
    return CheckSummary("pxspawn");
}
