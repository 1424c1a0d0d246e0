// pxpipe: pipes, poll and select through the POSIX layer.
//
// In one process: bytes through a pipe and back, the end of file after
// the write end closes, EPIPE with SIGPIPE ignored, O_NONBLOCK on an
// empty and a full pipe, poll and select (and ppoll, pselect, the old
// select of one struct pointer) with and
// without data, with timeout 0 and a short timeout (which must take about
// that long), a dup2'd end that outlives its original, stdio on a pipe,
// 100 KiB through a pipe in pieces, and the errors (EBADF, ESPIPE,
// EFAULT, EINVAL). With fork, a child writes to its parent, who waits in
// read; without fork (ENOSYS) that check is skipped and counted as
// passed. fstat of a pipe end (a FIFO holding the bytes buffered) and of
// the console (a character device). The console with nothing typed (the
// end-to-end suite types nothing while this runs): poll and select see
// fd 0 not readable, an O_NONBLOCK read is EAGAIN, a signal cuts a
// waiting read short with EINTR, and SIGTERM ends a waiting reader.
// Prints "pxpipe: N passed, M failed".
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

#define PIPE_ROOM 16384         // what one pipe holds here

static char big[100 * 1024], back[100 * 1024];
static void *volatile badPointer = (void *)16;     // unmapped

static long NowMs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

// Bytes in, the same bytes out; the pipe's flags and errors.
static void Basics(void)
{
    int fds[2], flags;
    char text[16];

    CHECK(pipe(fds) == 0);
    CHECK(fds[0] >= 3 && fds[1] == fds[0] + 1);
    CHECK(write(fds[1], "hello", 5) == 5);
    CHECK(write(fds[1], " pipe", 5) == 5);
    memset(text, 0, sizeof(text));
    CHECK(read(fds[0], text, 3) == 3 && memcmp(text, "hel", 3) == 0);
    CHECK(read(fds[0], text, sizeof(text)) == 7 && memcmp(text, "lo pipe", 7) == 0);
    CHECK_ERR(read(fds[1], text, 1), EBADF);
    CHECK_ERR(write(fds[0], "x", 1), EBADF);
    CHECK_ERR(lseek(fds[0], 0, SEEK_SET), ESPIPE);
    CHECK_ERR(pwrite(fds[1], "x", 1, 0), ESPIPE);
    CHECK(fcntl(fds[0], F_GETFL) == O_RDONLY);
    CHECK(fcntl(fds[1], F_GETFL) == O_WRONLY);
    CHECK(fcntl(fds[0], F_GETFD) == 0);
    CHECK(write(fds[1], "", 0) == 0);
    CHECK(close(fds[0]) == 0 && close(fds[1]) == 0);

    CHECK(pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
    CHECK(fcntl(fds[0], F_GETFD) == FD_CLOEXEC && fcntl(fds[1], F_GETFD) == FD_CLOEXEC);
    flags = fcntl(fds[1], F_GETFL);
    CHECK((flags & O_NONBLOCK) && (flags & O_ACCMODE) == O_WRONLY);
    close(fds[0]);
    close(fds[1]);
    CHECK_ERR(pipe2(fds, O_APPEND), EINVAL);
    CHECK_ERR(pipe(badPointer), EFAULT);
}

// The end of file once every write end is closed; a dup2'd end keeps
// the pipe open after its original is closed.
static void EndOfFile(void)
{
    int fds[2];
    char text[8];

    CHECK(pipe(fds) == 0);
    CHECK(write(fds[1], "abc", 3) == 3);
    CHECK(close(fds[1]) == 0);
    CHECK(read(fds[0], text, sizeof(text)) == 3 && memcmp(text, "abc", 3) == 0);
    CHECK(read(fds[0], text, sizeof(text)) == 0);
    CHECK(read(fds[0], text, sizeof(text)) == 0);
    close(fds[0]);

    CHECK(pipe(fds) == 0);
    CHECK(dup2(fds[1], 20) == 20);
    CHECK(close(fds[1]) == 0);
    CHECK(write(20, "x", 1) == 1);
    CHECK(read(fds[0], text, sizeof(text)) == 1 && text[0] == 'x');
    CHECK(close(20) == 0);
    CHECK(read(fds[0], text, sizeof(text)) == 0);
    close(fds[0]);
}

// No reader: EPIPE, and (SIGPIPE ignored) the program goes on.
static void BrokenPipe(void)
{
    struct pollfd pfd;
    int fds[2];

    CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
    CHECK(pipe(fds) == 0);
    CHECK(close(fds[0]) == 0);
    CHECK_ERR(write(fds[1], "x", 1), EPIPE);
    CHECK_ERR(write(fds[1], big, sizeof(big)), EPIPE);
    pfd = (struct pollfd){ fds[1], POLLOUT, 0 };
    CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR));
    close(fds[1]);
}

// O_NONBLOCK: EAGAIN on an empty pipe and on a full one.
static void NonBlocking(void)
{
    struct pollfd pfd;
    int fds[2];
    ssize_t n, got = 0;
    char byte;

    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)(i * 7 + i / 251);
    CHECK(pipe2(fds, O_NONBLOCK) == 0);
    CHECK_ERR(read(fds[0], &byte, 1), EAGAIN);
    n = write(fds[1], big, sizeof(big));
    CHECK(n >= 4096 && n < (ssize_t)sizeof(big));
    CHECK_ERR(write(fds[1], big, sizeof(big)), EAGAIN);
    CHECK_ERR(write(fds[1], "x", 1), EAGAIN);
    pfd = (struct pollfd){ fds[1], POLLOUT, 0 };
    CHECK(poll(&pfd, 1, 0) == 0 && pfd.revents == 0);
    pfd = (struct pollfd){ fds[0], POLLIN, 0 };
    CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN);
    while (got < n) {
        ssize_t r = read(fds[0], back + got, sizeof(back) - (size_t)got);
        if (r <= 0)
            break;
        got += r;
    }
    CHECK(got == n && memcmp(back, big, (size_t)n) == 0);
    CHECK_ERR(read(fds[0], &byte, 1), EAGAIN);
    CHECK(fcntl(fds[0], F_SETFL, 0) == 0 && !(fcntl(fds[0], F_GETFL) & O_NONBLOCK));
    close(fds[1]);
    CHECK(read(fds[0], &byte, 1) == 0);
    close(fds[0]);
}

// poll and ppoll: ready or not, at once or after a short wait.
static void Poll(void)
{
    struct pollfd pfd[2];
    struct timespec zero = { 0, 0 }, short50 = { 0, 50000000 };
    int fds[2];
    long start, took;
    char text[8];

    CHECK(pipe(fds) == 0);
    pfd[0] = (struct pollfd){ fds[0], POLLIN, 0 };
    pfd[1] = (struct pollfd){ fds[1], POLLOUT, 0 };
    CHECK(poll(pfd, 1, 0) == 0 && pfd[0].revents == 0);
    CHECK(poll(pfd, 2, 0) == 1 && pfd[0].revents == 0 && pfd[1].revents == POLLOUT);
    start = NowMs();
    CHECK(poll(pfd, 1, 100) == 0 && pfd[0].revents == 0);
    took = NowMs() - start;
    CHECK(took >= 90 && took < 1000);
    CHECK(write(fds[1], "data", 4) == 4);
    CHECK(poll(pfd, 1, 0) == 1 && pfd[0].revents == POLLIN);
    CHECK(poll(pfd, 1, -1) == 1 && pfd[0].revents == POLLIN);
    CHECK(poll(pfd, 2, 1000) == 2);
    CHECK(ppoll(pfd, 1, &zero, NULL) == 1 && pfd[0].revents == POLLIN);
    CHECK(read(fds[0], text, sizeof(text)) == 4);
    start = NowMs();
    CHECK(ppoll(pfd, 1, &short50, NULL) == 0);
    took = NowMs() - start;
    CHECK(took >= 40 && took < 1000);
    CHECK(close(fds[1]) == 0);
    CHECK(poll(pfd, 1, 1000) == 1 && (pfd[0].revents & POLLHUP) && (pfd[0].revents & POLLIN));
    close(fds[0]);
    pfd[0] = (struct pollfd){ fds[0], POLLIN, 0 };
    CHECK(poll(pfd, 1, 0) == 1 && pfd[0].revents == POLLNVAL);
    pfd[0] = (struct pollfd){ -1, POLLIN, 0 };
    CHECK(poll(pfd, 1, 0) == 0);
    CHECK_ERR(poll(pfd, 100000, 0), EINVAL);
    CHECK_ERR(poll(badPointer, 1, 0), EFAULT);
    CHECK_ERR(ppoll(pfd, 1, &zero, badPointer), EFAULT);       // a mask it cannot read
    start = NowMs();
    CHECK(poll(NULL, 0, 60) == 0);
    CHECK(NowMs() - start >= 50);
}

// select and pselect: the same with fd sets.
// The old i386 select (82): its five arguments in a struct, and the
// kernel's 32-bit timeval (musl's has a 64-bit tv_sec).
static void OldSelect(void)
{
    struct timeval32 { long sec, usec; } tv = { 0, 0 };
    struct { long n; fd_set *in, *out, *ex; struct timeval32 *tv; } args;
    fd_set readable;
    int fds[2];
    long start;

    CHECK(pipe(fds) == 0);
    FD_ZERO(&readable);
    FD_SET(fds[0], &readable);
    args = (typeof(args)){ fds[0] + 1, &readable, NULL, NULL, &tv };
    CHECK(syscall(SYS_select, &args) == 0 && !FD_ISSET(fds[0], &readable));
    CHECK(write(fds[1], "x", 1) == 1);
    FD_SET(fds[0], &readable);
    CHECK(syscall(SYS_select, &args) == 1 && FD_ISSET(fds[0], &readable));
    CHECK(read(fds[0], &start, 1) == 1);
    tv = (struct timeval32){ 0, 60000 };
    start = NowMs();
    CHECK(syscall(SYS_select, &args) == 0 && NowMs() - start >= 50);
    args.n = 1025;
    CHECK_ERR(syscall(SYS_select, &args), EINVAL);
    args.n = fds[1] + 20;
    FD_ZERO(&readable);
    FD_SET(fds[1] + 10, &readable);
    CHECK_ERR(syscall(SYS_select, &args), EBADF);
    CHECK_ERR(syscall(SYS_select, badPointer), EFAULT);
    CHECK_ERR(syscall(SYS_select, (void *)0xc0000000u), EFAULT);  // the kernel's half
    close(fds[0]);
    close(fds[1]);
}

static void Select(void)
{
    struct timeval tv;
    struct timespec ts = { 0, 0 };
    fd_set readable, writable;
    int fds[2];
    long start, took;
    char text[8];

    CHECK(pipe(fds) == 0);
    FD_ZERO(&readable);
    FD_SET(fds[0], &readable);
    tv = (struct timeval){ 0, 0 };
    CHECK(select(fds[0] + 1, &readable, NULL, NULL, &tv) == 0 && !FD_ISSET(fds[0], &readable));
    FD_SET(fds[0], &readable);
    tv = (struct timeval){ 0, 100000 };
    start = NowMs();
    CHECK(select(fds[0] + 1, &readable, NULL, NULL, &tv) == 0);
    took = NowMs() - start;
    CHECK(took >= 90 && took < 1000);
    FD_ZERO(&writable);
    FD_SET(fds[1], &writable);
    FD_SET(fds[0], &readable);
    CHECK(select(fds[1] + 1, &readable, &writable, NULL, NULL) == 1);
    CHECK(!FD_ISSET(fds[0], &readable) && FD_ISSET(fds[1], &writable));
    CHECK(write(fds[1], "sel", 3) == 3);
    FD_SET(fds[0], &readable);
    CHECK(select(fds[0] + 1, &readable, NULL, NULL, NULL) == 1 && FD_ISSET(fds[0], &readable));
    FD_SET(fds[0], &readable);
    CHECK(pselect(fds[0] + 1, &readable, NULL, NULL, &ts, NULL) == 1);
    CHECK(read(fds[0], text, sizeof(text)) == 3);
    FD_SET(fds[0], &readable);
    CHECK(pselect(fds[0] + 1, &readable, NULL, NULL, &ts, NULL) == 0);
    FD_ZERO(&readable);
    FD_SET(40, &readable);
    tv = (struct timeval){ 0, 0 };
    CHECK_ERR(select(41, &readable, NULL, NULL, &tv), EBADF);
    CHECK_ERR(select(-1, NULL, NULL, NULL, &tv), EINVAL);
    tv = (struct timeval){ 0, 0 };
    CHECK_ERR(select(fds[0] + 1, badPointer, NULL, NULL, &tv), EFAULT);
    tv = (struct timeval){ 0, 50000 };
    start = NowMs();
    CHECK(select(0, NULL, NULL, NULL, &tv) == 0);
    CHECK(NowMs() - start >= 40);
    // A set the call could not write back: EFAULT at once, not after
    // waiting the 2 s for the empty pipe.
    fd_set *fixed = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(fixed != MAP_FAILED);
    if (fixed != MAP_FAILED) {
        FD_ZERO(fixed);
        FD_SET(fds[0], fixed);
        CHECK(mprotect(fixed, 4096, PROT_READ) == 0);
        tv = (struct timeval){ 2, 0 };
        ts = (struct timespec){ 2, 0 };
        start = NowMs();
        CHECK_ERR(select(fds[0] + 1, fixed, NULL, NULL, &tv), EFAULT);
        CHECK_ERR(select(fds[1] + 1, NULL, NULL, fixed, &tv), EFAULT);
        CHECK_ERR(pselect(fds[0] + 1, fixed, NULL, NULL, &ts, NULL), EFAULT);
        CHECK(NowMs() - start < 1000);
        munmap(fixed, 4096);
    }
    close(fds[0]);
    close(fds[1]);
}

// 100 KiB through one pipe in pieces, read back in between; vectors and
// stdio on a pipe.
static void Volume(void)
{
    struct iovec iov[2];
    char one[6], two[8], line[32];
    size_t at = 0;
    int fds[2], ok = 1;
    FILE *in, *out;

    CHECK(pipe(fds) == 0);
    memset(back, 0, sizeof(back));
    while (at < sizeof(big)) {
        size_t piece = sizeof(big) - at < 10000 ? sizeof(big) - at : 10000;
        size_t got = 0;
        if (write(fds[1], big + at, piece) != (ssize_t)piece) {
            ok = 0;
            break;
        }
        while (got < piece) {
            ssize_t r = read(fds[0], back + at + got, piece - got);
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        if (got != piece) {
            ok = 0;
            break;
        }
        at += piece;
    }
    CHECK(ok && at == sizeof(big) && memcmp(big, back, sizeof(big)) == 0);

    iov[0] = (struct iovec){ "vector", 6 };
    iov[1] = (struct iovec){ " writes", 7 };
    CHECK(writev(fds[1], iov, 2) == 13);
    iov[0] = (struct iovec){ one, sizeof(one) };
    iov[1] = (struct iovec){ two, sizeof(two) };
    CHECK(readv(fds[0], iov, 2) == 13);
    CHECK(memcmp(one, "vector", 6) == 0 && memcmp(two, " writes", 7) == 0);

    out = fdopen(fds[1], "w");
    in = fdopen(fds[0], "r");
    CHECK(in && out);
    if (in && out) {
        fprintf(out, "line %d\n", 42);
        CHECK(fflush(out) == 0);
        CHECK(fgets(line, sizeof(line), in) && strcmp(line, "line 42\n") == 0);
        fclose(out);
        CHECK(fgets(line, sizeof(line), in) == NULL && feof(in));
        fclose(in);
    }
}

// A child writes, its parent waits in read until the bytes come, then
// sees the end of file when the child is gone. A fork that fails is a
// failure, never a skip.
static void ParentAndChild(void)
{
    int fds[2], status = -1;
    char text[32];
    ssize_t got = 0, n;
    pid_t child;

    CHECK(pipe(fds) == 0);
    child = fork();
    CHECK(child >= 0);
    if (child < 0) {
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (child == 0) {
        close(fds[0]);
        usleep(50000);          // the parent is waiting in read by now
        write(fds[1], "from the child", 14);
        _exit(0);
    }
    close(fds[1]);
    while ((n = read(fds[0], text + got, sizeof(text) - (size_t)got)) > 0)
        got += n;
    CHECK(n == 0 && got == 14 && memcmp(text, "from the child", 14) == 0);
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(fds[0]);
}

// fstat of both ends of a pipe and of the console.
static void Fstat(void)
{
    struct stat in, out, con;
    int fds[2];

    CHECK(pipe(fds) == 0);
    CHECK(write(fds[1], "12345", 5) == 5);
    CHECK(fstat(fds[0], &in) == 0 && fstat(fds[1], &out) == 0);
    CHECK(S_ISFIFO(in.st_mode) && S_ISFIFO(out.st_mode) && (in.st_mode & 0777) == 0600);
    CHECK(in.st_size == 5 && in.st_ino == out.st_ino && in.st_nlink == 1);
    close(fds[0]);
    close(fds[1]);
    CHECK(fstat(fds[0], &in) == -1 && errno == EBADF);
    CHECK(fstat(0, &con) == 0 && S_ISCHR(con.st_mode));
}

static volatile int caught;

static void Caught(int sig)
{
    caught = sig;
}

// A child that waits in read(0) until a signal: exit 4 if the read
// failed with EINTR after the handler ran.
static void ConsoleReader(void)
{
    struct sigaction sa;
    char c;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = Caught;             // no SA_RESTART
    sigaction(SIGUSR1, &sa, NULL);
    errno = 0;
    if (read(0, &c, 1) == -1 && errno == EINTR && caught == SIGUSR1)
        _exit(4);
    _exit(5);
}

// The console with nothing typed: not readable, so reads wait (without
// holding up the server: this process goes on meanwhile).
static void Console(void)
{
    struct pollfd pfd = { 0, POLLIN, 0 };
    struct timeval tv = { 0, 0 };
    int flags = fcntl(0, F_GETFL), status = -1;
    long start;
    fd_set set;
    pid_t child;
    char c;

    CHECK(poll(&pfd, 1, 0) == 0 && pfd.revents == 0);
    pfd.events = POLLIN | POLLOUT;
    CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLOUT);
    pfd.events = POLLIN;
    start = NowMs();
    CHECK(poll(&pfd, 1, 100) == 0 && NowMs() - start >= 90);
    FD_ZERO(&set);
    FD_SET(0, &set);
    CHECK(select(1, &set, NULL, NULL, &tv) == 0 && !FD_ISSET(0, &set));
    CHECK(fcntl(0, F_SETFL, flags | O_NONBLOCK) == 0);
    CHECK_ERR(read(0, &c, 1), EAGAIN);
    CHECK(fcntl(0, F_SETFL, flags) == 0);
    CHECK((child = fork()) >= 0);
    if (child == 0)
        ConsoleReader();
    usleep(100000);                     // the child waits in read by now
    CHECK(kill(child, SIGUSR1) == 0);
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) &&
          WEXITSTATUS(status) == 4);
    CHECK((child = fork()) >= 0);
    if (child == 0) {
        read(0, &c, 1);
        _exit(6);
    }
    usleep(100000);
    CHECK(kill(child, SIGTERM) == 0);
    CHECK(waitpid(child, &status, 0) == child && WIFSIGNALED(status) &&
          WTERMSIG(status) == SIGTERM);
}

int main(void)
{
    Basics();
    EndOfFile();
    BrokenPipe();
    NonBlocking();
    Poll();
    Select();
    OldSelect();
    Volume();
    ParentAndChild();
    Fstat();
    Console();
    return CheckSummary("pxpipe");
}
