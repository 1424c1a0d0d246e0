// pxtls: thread-local storage through the POSIX layer.
//
// musl puts its thread pointer in %gs, from the segment set_thread_area
// installs; errno and every __thread variable are reached through it. The
// program reads and writes __thread variables (initialised and zeroed),
// checks that %gs really addresses them, that errno works after failing
// calls, and that a set_thread_area refused for a bad u_info leaves the
// segment as it was. Prints "pxtls: N passed, M failed".
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
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

// set_thread_area(u_info) writes the chosen entry back into u_info, so
// one the program cannot write is EFAULT with the TLS segment unchanged:
// %gs still reaches this thread's variables, not the decoy it named. The
// call is made with a bare int 0x80, since errno lives behind %gs too.
static void ReadOnlyDescriptor(uintptr_t tp)
{
    static uint32_t decoy[64] = { 0x5a5a5a5au };
    uint32_t *desc = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    long got;

    CHECK(desc != MAP_FAILED);
    if (desc == MAP_FAILED)
        return;
    desc[0] = 0xffffffffu;                  // entry_number: any
    desc[1] = (uint32_t)(uintptr_t)decoy;   // base_addr
    desc[2] = 0xfffff;                      // limit, in pages
    desc[3] = 0x51;                         // seg_32bit, limit_in_pages, useable
    CHECK(mprotect(desc, 4096, PROT_READ) == 0);
    __asm__ volatile("int $0x80" : "=a"(got) : "a"(SYS_set_thread_area), "b"(desc) : "memory");
    CHECK(ThreadPointer() == tp);
    CHECK(got == -EFAULT && desc[0] == 0xffffffffu);
    CHECK(counter == 42 && strcmp(text, "changed") == 0);
    CHECK(syscall(SYS_set_thread_area, (void *)16) == -1 && errno == EFAULT);
    CHECK(ThreadPointer() == tp);
    munmap(desc, 4096);
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
    ReadOnlyDescriptor(tp);
    return CheckSummary("pxtls");
}
