// pxhello: the smallest Linux program through the POSIX layer.
//
// A static musl binary: its start-up alone exercises set_thread_area,
// set_tid_address, poll and the stdio set-up (ioctl TIOCGWINSZ, writev).
// It prints its arguments and each environment
// variable. A first argument can ask for one more thing, for the
// end-to-end tests:
//
//   read        read a line from standard input (the console) and echo it
//   sleep MS    sleep MS milliseconds, then print "pxhello: slept"
//   exit N      exit with status N
//   abort       abort() (SIGABRT through tkill)
//   term        kill(getpid(), SIGTERM)
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

// Read one line from standard input (stdio: readv of fd 0) and print it.
static void ReadLine(void)
{
    char line[256];

    printf("pxhello: type a line\n");
    fflush(stdout);
    if (!fgets(line, sizeof(line), stdin)) {
        printf("pxhello: end of input\n");
        return;
    }
    printf("pxhello: read %d bytes: %s", (int)strlen(line), line);
}

// Turn ICANON and ECHO off (tcsetattr), read once: the bytes at hand,
// without a line end. Print them in hex, then restore the termios.
static void ReadRaw(void)
{
    struct termios before, raw;
    unsigned char bytes[16];
    ssize_t n;

    if (tcgetattr(0, &before) != 0)
        return;
    raw = before;
    raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
    raw.c_cc[VMIN] = 1;
    tcsetattr(0, TCSANOW, &raw);
    printf("pxhello: raw\n");
    fflush(stdout);
    n = read(0, bytes, sizeof(bytes));
    tcsetattr(0, TCSANOW, &before);
    printf("pxhello: raw read %d bytes:", (int)n);
    for (ssize_t i = 0; i < n; i++)
        printf(" %02x", bytes[i]);
    printf("\n");
}

int main(int argc, char **argv)
{
    printf("hello from musl: argc %d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = %s\n", i, argv[i]);
    for (int i = 0; environ && environ[i]; i++)
        printf("env: %s\n", environ[i]);
    if (!environ || !environ[0])
        printf("env: (none)\n");
    if (argc > 1 && strcmp(argv[1], "read") == 0)
        ReadLine();
    if (argc > 2 && strcmp(argv[1], "sleep") == 0) {
        long ms = atol(argv[2]);
        struct timespec t = { ms / 1000, ms % 1000 * 1000000 };
        nanosleep(&t, NULL);
        printf("pxhello: slept\n");
    }
    if (argc > 1 && strcmp(argv[1], "raw") == 0)
        ReadRaw();
    if (argc > 2 && strcmp(argv[1], "exit") == 0)
        exit(atoi(argv[2]));
    if (argc > 1 && strcmp(argv[1], "abort") == 0)
        abort();
    if (argc > 1 && strcmp(argv[1], "term") == 0)
        kill(getpid(), SIGTERM);
    return 0;
}
