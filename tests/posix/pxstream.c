// pxstream: a Linux program whose standard streams come from its
// process context (docs/posix.md): started by bin/streamtest with stdin
// and stdout on pipes of the pipe: server and its cwd in fs:temp:.
//
//   pxstream CWD   checks fstat (S_IFIFO) and poll of fds 0 and 1, that
//                  getcwd is CWD, then copies stdin to stdout in upper
//                  case until the end of file; chdir("/") must reach the
//                  kernel's context (/proc/self/cwd reads "fs:root:").
//                  The summary goes to stderr (the console); a failed
//                  check's line goes to stdout, where the driver sees it.
#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

static char buffer[3000];

// Write all n bytes, as a pipe may take fewer at a time.
static int WriteAll(int fd, const char *bytes, size_t n)
{
    while (n > 0) {
        ssize_t done = write(fd, bytes, n);
        if (done <= 0)
            return -1;
        bytes += done;
        n -= (size_t)done;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct stat st;
    struct pollfd fds[2] = { { 0, POLLIN, 0 }, { 1, POLLOUT, 0 } };
    char cwd[256], text[64];
    long total = 0;
    ssize_t n;

    (void)CheckSummary;                 // its line would go into the pipe: stderr instead
    setvbuf(stdout, NULL, _IONBF, 0);
    CHECK(argc == 2);
    CHECK(fstat(0, &st) == 0 && S_ISFIFO(st.st_mode));
    CHECK(fstat(1, &st) == 0 && S_ISFIFO(st.st_mode));
    CHECK(fstat(2, &st) == 0 && S_ISCHR(st.st_mode));
    CHECK(lseek(0, 0, SEEK_CUR) == -1 && errno == ESPIPE);
    CHECK(getcwd(cwd, sizeof(cwd)) && argc == 2 && strcmp(cwd, argv[1]) == 0);
    CHECK(poll(fds, 2, -1) >= 1 && (fds[1].revents & POLLOUT));
    CHECK(poll(fds, 1, -1) == 1 && (fds[0].revents & POLLIN));
    while ((n = read(0, buffer, sizeof(buffer))) > 0) {
        for (ssize_t i = 0; i < n; i++)
            buffer[i] = (char)toupper((unsigned char)buffer[i]);
        if (WriteAll(1, buffer, (size_t)n) != 0)
            break;
        total += n;
    }
    CHECK(n == 0);
    CHECK(read(0, buffer, 1) == 0);
    CHECK(write(0, "x", 1) == -1 && errno == EBADF);
    CHECK(chdir("/") == 0);
    // /proc/self/cwd is the kernel's record (proc:PID:cwd), which chdir updates.
    CHECK(readlink("/proc/self/cwd", text, sizeof(text)) == 1 && text[0] == '/');
    fprintf(stderr, "pxstream: copied %ld bytes\n", total);
    fprintf(stderr, "pxstream: %d passed, %d failed\n", checksPassed, checksFailed);
    return checksFailed ? 1 : 0;
}
