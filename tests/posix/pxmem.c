// pxmem: memory through the POSIX layer.
//
// A static musl program that checks brk (raw: musl's sbrk refuses to
// move the break), malloc growing to 8 MiB in pieces of many sizes (musl's
// allocator takes its metadata from brk and its groups from mmap), every
// byte written and read back, free, realloc (mremap fails, so the C
// library copies), and anonymous mmap/munmap/mprotect with their errors:
// MAP_FIXED, an unaligned address, a directory mapping (ENODEV), munmap
// then mmap again reusing the space; file mappings of /tmp and /bin files
// compared with read(), a private write that leaves the file as it was,
// and their errors (EBADF, EACCES, EINVAL, ENODEV for shared writable
// maps, pipes and the console); bad arguments to mmap, munmap, madvise
// and mremap refused with the mapping they aim at untouched. Prints
// "pxmem: N passed, M failed".
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "check.h"

#define PAGE 4096u
#define TOTAL (8u << 20)
#define PIECES 512

static void Break(void)
{
    uintptr_t start = (uintptr_t)syscall(SYS_brk, 0), grown, shrunk;
    volatile uint8_t *bytes = (uint8_t *)start;

    CHECK(start != 0 && start % PAGE == 0);
    grown = (uintptr_t)syscall(SYS_brk, start + 5 * PAGE + 10);
    CHECK(grown == start + 5 * PAGE + 10);
    for (uintptr_t i = 0; i < 5 * PAGE + 10; i += 512)
        bytes[i] = (uint8_t)i;
    CHECK(bytes[512] == (uint8_t)512 && bytes[5 * PAGE] == (uint8_t)(5 * PAGE));
    shrunk = (uintptr_t)syscall(SYS_brk, start + PAGE);
    CHECK(shrunk == start + PAGE);
    CHECK((uintptr_t)syscall(SYS_brk, 0) == start + PAGE);
    CHECK((uintptr_t)syscall(SYS_brk, 0xbfff0000u) == start + PAGE);   // over the stack: refused
    CHECK((uintptr_t)syscall(SYS_brk, 0x1000) == start + PAGE);        // under the image: refused
    CHECK((uintptr_t)syscall(SYS_brk, start) == start);
}

static void Malloc(void)
{
    static uint8_t *pieces[PIECES];
    static size_t sizes[PIECES];
    size_t total = 0;
    int count = 0, good = 1;

    for (unsigned i = 0; total < TOTAL && i < PIECES; i++) {
        size_t size = 1 + (i * 7919u) % (96u << 10);
        if (!(pieces[i] = malloc(size)))
            break;
        sizes[i] = size;
        memset(pieces[i], (int)(i & 0xff), size);
        total += size;
        count++;
    }
    CHECK(total >= TOTAL);
    for (int i = 0; i < count && good; i++)
        for (size_t j = 0; j < sizes[i]; j += 97)
            good &= pieces[i][j] == (uint8_t)(i & 0xff);
    CHECK(good);
    for (int i = 0; i < count; i += 2)
        free(pieces[i]);
    for (int i = 0; i < count; i += 2) {
        pieces[i] = malloc(sizes[i]);
        good &= pieces[i] != NULL;
        if (pieces[i])
            memset(pieces[i], 0x5a, sizes[i]);
    }
    CHECK(good);
    for (int i = 1; i < count && good; i += 2)
        good &= pieces[i][sizes[i] - 1] == (uint8_t)(i & 0xff);
    CHECK(good);
    for (int i = 0; i < count; i++)
        free(pieces[i]);
    uint8_t *big = malloc(1 << 20);
    CHECK(big != NULL);
    memset(big, 7, 1 << 20);
    big = realloc(big, 3 << 20);
    CHECK(big && big[(1 << 20) - 1] == 7);
    memset(big, 8, 3 << 20);
    free(big);
}

static void Mappings(void)
{
    uint8_t *a = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint8_t *b, *c;
    int fd;

    CHECK(a != MAP_FAILED && (uintptr_t)a % PAGE == 0);
    if (a == MAP_FAILED)
        return;
    CHECK(a[0] == 0 && a[64 * PAGE - 1] == 0);
    memset(a, 0xab, 64 * PAGE);
    CHECK(a[12345] == 0xab);
    CHECK(mprotect(a, PAGE, PROT_READ) == 0);
    CHECK(a[10] == 0xab);
    CHECK(mprotect(a, PAGE, PROT_READ | PROT_WRITE) == 0);
    a[10] = 1;
    CHECK(munmap(a + 16 * PAGE, 16 * PAGE) == 0);           // a hole in the middle
    b = mmap(a + 16 * PAGE, 16 * PAGE, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(b == a + 16 * PAGE && b[0] == 0 && a[15 * PAGE] == 0xab);
    c = mmap(a + 4 * PAGE, PAGE, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(c == a + 4 * PAGE && c[0] == 0);                  // MAP_FIXED replaces
    CHECK(munmap(a, 64 * PAGE) == 0);
    CHECK_ERR(mprotect(a, PAGE, PROT_READ), ENOMEM);        // nothing mapped there now
    CHECK_ERR(munmap(a + 1, PAGE), EINVAL);
    CHECK_ERR(munmap(a, 0), EINVAL);
    CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
          errno == EINVAL);
    CHECK(mmap((void *)(uintptr_t)0x40000123, PAGE, PROT_READ,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED && errno == EINVAL);
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
    CHECK(mmap(NULL, 0xf0000000u, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
          errno == ENOMEM);
    fd = open("/etc", O_RDONLY | O_DIRECTORY);
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == ENODEV);
    close(fd);
    CHECK(mremap(a, PAGE, 2 * PAGE, 0) == MAP_FAILED && errno == ENOMEM);
}

// Space given back is reused: a mapping of the same size lands where
// the last one was, and mapping and unmapping many times never runs out.
static void Churn(void)
{
    uint8_t *first = mmap(NULL, 256 * PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *again;
    int good = 1;

    CHECK(first != MAP_FAILED && munmap(first, 256 * PAGE) == 0);
    again = mmap(NULL, 256 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(again == first);
    munmap(again, 256 * PAGE);
    for (int i = 0; i < 500 && good; i++) {
        uint8_t *p = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        good = p != MAP_FAILED;
        if (good) {
            p[8 * PAGE - 1] = 1;
            good = munmap(p, 8 * PAGE) == 0;
        }
    }
    CHECK(good);
}

#define FILE_SIZE (3 * PAGE + 100)

static uint8_t fileBytes[FILE_SIZE], readBack[2 * PAGE];

// mmap of files: private copies filled from the file (zero past its end),
// writes that stay in the copy, and the errors.
static void FileMaps(void)
{
    int fd = open("/tmp/map.bin", O_RDWR | O_CREAT | O_TRUNC, 0644), other, fds[2];
    uint8_t *m, *n;
    int same = 1;

    for (uint32_t i = 0; i < FILE_SIZE; i++)
        fileBytes[i] = (uint8_t)(i * 7 + i / 251);
    CHECK(fd >= 0 && write(fd, fileBytes, FILE_SIZE) == FILE_SIZE);
    m = mmap(NULL, FILE_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(m != MAP_FAILED && ((uintptr_t)m & (PAGE - 1)) == 0);
    if (m != MAP_FAILED) {
        CHECK(memcmp(m, fileBytes, FILE_SIZE) == 0);
        for (uint32_t i = FILE_SIZE; i < 4 * PAGE; i++)
            same &= m[i] == 0;
        CHECK(same);                            // zero past the end of the file
        CHECK(munmap(m, FILE_SIZE) == 0);
    }
    m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, PAGE);
    CHECK(m != MAP_FAILED);
    if (m != MAP_FAILED) {
        CHECK(memcmp(m, fileBytes + PAGE, 2 * PAGE) == 0);
        memset(m, 0xee, 2 * PAGE);              // the copy only
        CHECK(pread(fd, readBack, 2 * PAGE, PAGE) == 2 * PAGE &&
              memcmp(readBack, fileBytes + PAGE, 2 * PAGE) == 0);
        CHECK(munmap(m, 2 * PAGE) == 0);
    }
    m = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 2 * PAGE);  // read-only shared: a copy
    CHECK(m != MAP_FAILED && memcmp(m, fileBytes + 2 * PAGE, PAGE) == 0);
    if (m != MAP_FAILED)
        munmap(m, PAGE);
    CHECK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED &&
          errno == ENODEV);
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED && errno == EINVAL);
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, -1, 0) == MAP_FAILED && errno == EBADF);
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 60, 0) == MAP_FAILED && errno == EBADF);
    other = open("/tmp/map.bin", O_WRONLY);
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, other, 0) == MAP_FAILED && errno == EACCES);
    close(other);
    CHECK(pipe(fds) == 0);
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fds[0], 0) == MAP_FAILED && errno == ENODEV);
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 0, 0) == MAP_FAILED && errno == ENODEV);
    close(fds[0]);
    close(fds[1]);
    close(fd);
    unlink("/tmp/map.bin");
    // A program in /bin (fs:root:): the same bytes as read() gives.
    fd = open("/bin/pxmem", O_RDONLY);
    n = mmap(NULL, 2 * PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
    CHECK(fd >= 0 && n != MAP_FAILED);
    CHECK(read(fd, readBack, 2 * PAGE) == 2 * PAGE);
    CHECK(n != MAP_FAILED && memcmp(n, "\177ELF", 4) == 0 && memcmp(n, readBack, 2 * PAGE) == 0);
    if (n != MAP_FAILED)
        munmap(n, 2 * PAGE);
    close(fd);
}

// Bad arguments are refused before anything changes: the mapping a bad
// MAP_FIXED, munmap, madvise or mremap aims at keeps its pages and bytes.
static void BadArguments(void)
{
    uint8_t *a = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int fd = open("/etc", O_RDONLY | O_DIRECTORY);
    uint32_t wraps = (uint32_t)(0x100000000ull - (uintptr_t)a + PAGE);  // a + wraps is PAGE

    CHECK(a != MAP_FAILED);
    if (a == MAP_FAILED)
        return;
    memset(a, 0x5c, 4 * PAGE);
    CHECK(mmap(a + PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
               -1, 0) == MAP_FAILED && errno == EEXIST);
    CHECK(mmap(a, PAGE, PROT_READ | 0x100, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
          MAP_FAILED && errno == EINVAL);
    CHECK(mmap(a, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, 60, 0) == MAP_FAILED &&
          errno == EBADF);
    CHECK(mmap(a, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED &&
          errno == ENODEV);
    CHECK_ERR(syscall(SYS_mmap2, a, wraps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                      -1, 0), EINVAL);
    CHECK_ERR(syscall(SYS_munmap, a, wraps), EINVAL);
    CHECK_ERR(madvise(a, PAGE, 7), EINVAL);             // no such advice
    CHECK_ERR(madvise(a, PAGE, 1000), EINVAL);
    CHECK_ERR(madvise(a + 1, PAGE, MADV_NORMAL), EINVAL);
    CHECK_ERR(syscall(SYS_madvise, 0xfffff000u, 2 * PAGE, MADV_NORMAL), EINVAL);
    CHECK(madvise(a, PAGE, MADV_WILLNEED) == 0 && madvise(a, PAGE, MADV_SEQUENTIAL) == 0);
    CHECK_ERR(syscall(SYS_mremap, a, PAGE, 2 * PAGE, 8), EINVAL);             // no such flag
    CHECK_ERR(syscall(SYS_mremap, a, PAGE, 2 * PAGE, MREMAP_FIXED, a + PAGE), EINVAL);
    CHECK_ERR(syscall(SYS_mremap, a + 1, PAGE, 2 * PAGE, MREMAP_MAYMOVE), EINVAL);
    CHECK_ERR(syscall(SYS_mremap, a, PAGE, 0, MREMAP_MAYMOVE), EINVAL);
    CHECK_ERR(syscall(SYS_mremap, a, PAGE, 2 * PAGE, MREMAP_MAYMOVE), ENOMEM);
    CHECK(a[0] == 0x5c && a[PAGE] == 0x5c && a[4 * PAGE - 1] == 0x5c);
    a[PAGE] = 1;                                        // still writable
    CHECK(a[PAGE] == 1);
    CHECK(munmap(a, 4 * PAGE) == 0);
    close(fd);
}

int main(void)
{
    Break();
    Malloc();
    Mappings();
    Churn();
    FileMaps();
    BadArguments();
    return CheckSummary("pxmem");
}
