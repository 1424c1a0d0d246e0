// pxtls: thread-local storage through the POSIX layer.
//
// musl puts its thread pointer in %gs, from the segment set_thread_area
// installs; errno and every __thread variable are reached through it. The
// program reads and writes __thread variables (initialised and zeroed),
// checks that %gs really addresses them, and that errno works after
// failing calls. Prints "pxtls: N passed, M failed".
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "check.h"

static __thread int counter = 41;
static __thread char text[32] = "thread-local";
static __thread long zeroed[16];

// The thread pointer as %gs:0 holds it (musl stores its own address there).
static uintptr_t ThreadPointer(void)
{
    uintptr_t tp;

    __asm__ volatile("movl %%gs:0, %0" : "=r"(tp));
    return tp;
}

int main(void)
{
    uintptr_t tp = ThreadPointer();
    int fd;

    CHECK(tp != 0);
    CHECK(counter == 41);
    counter++;
    CHECK(counter == 42);
    CHECK(strcmp(text, "thread-local") == 0);
    strcpy(text, "changed");
    CHECK(strcmp(text, "changed") == 0);
    int allZero = 1;
    for (int i = 0; i < 16; i++)
        allZero &= zeroed[i] == 0;
    CHECK(allZero);
    zeroed[15] = 0x12345678;
    CHECK(zeroed[15] == 0x12345678);
    // Variant II TLS: the variables lie just below the thread pointer.
    CHECK((uintptr_t)&counter < tp && tp - (uintptr_t)&counter < 4096);
    errno = 0;
    CHECK(open("/tmp/no-such-file", O_RDONLY) == -1 && errno == ENOENT);
    CHECK(close(-1) == -1 && errno == EBADF);
    CHECK(&errno == &errno && (uintptr_t)&errno != 0);
    errno = 1234;
    CHECK(errno == 1234);
    fd = open("/etc/boot.conf", O_RDONLY);
    CHECK(fd >= 0 && errno == 1234);            // success leaves errno alone
    close(fd);
    CHECK(ThreadPointer() == tp);
    return CheckSummary("pxtls");
}
