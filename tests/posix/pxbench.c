// pxbench: the POSIX layer's benchmark figures, for make bench.
//
// Under QEMU -icount the TSC counts guest instructions, so each figure is
// an instruction count:
//   posix_getpid        one getpid() through int 0x80 and the POSIX server
//                       (the best mean of three runs of 1000 calls)
//   posix_write_4k_tmp  one write() of 4 KiB to a file in /tmp (fs:temp:,
//                       a user-mode server), best of three runs of 256
//   posix_read_1m       reading that 1 MiB file in 4 KiB read()s, per KiB,
//                       best of three
//   posix_open_close    one open() and close() of that file, best of three
//                       runs of 100
// Prints "bench: NAME N instructions" per figure; exit status 1 if a call
// fails.
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define GETPIDS 1000
#define WRITES  256             // 4 KiB each: the 1 MiB file posix_read_1m reads
#define OPENS   100
#define RUNS    3

static uint64_t ReadTsc(void)
{
    uint64_t value;
    __asm__ volatile("rdtsc" : "=A"(value));
    return value;
}

// The best of RUNS means of one getpid, or 0 if one failed.
static uint64_t GetPid(void)
{
    uint64_t best = ~0ull;

    for (int run = 0; run < RUNS; run++) {
        uint64_t start = ReadTsc();
        for (int i = 0; i < GETPIDS; i++) {
            if (syscall(SYS_getpid) <= 0) {
                perror("pxbench: getpid");
                return 0;
            }
        }
        uint64_t spent = (ReadTsc() - start) / GETPIDS;
        best = spent < best ? spent : best;
    }
    return best;
}

// The best of RUNS means of one 4 KiB write to path, or 0 if one failed.
static uint64_t Write4k(const char *path)
{
    static char block[4096];
    uint64_t best = ~0ull;

    memset(block, 'x', sizeof(block));
    for (int run = 0; run < RUNS; run++) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) {
            perror("pxbench: open");
            return 0;
        }
        uint64_t start = ReadTsc();
        for (int i = 0; i < WRITES; i++) {
            if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block)) {
                perror("pxbench: write");
                return 0;
            }
        }
        uint64_t spent = (ReadTsc() - start) / WRITES;
        close(fd);
        best = spent < best ? spent : best;
    }
    return best;
}

// The best of RUNS means of reading a KiB of path (in 4 KiB reads, to
// its end), or 0 if a read failed or the file is not WRITES blocks long.
static uint64_t Read1m(const char *path)
{
    static char block[4096];
    uint64_t best = ~0ull;

    for (int run = 0; run < RUNS; run++) {
        int fd = open(path, O_RDONLY), blocks = 0;
        ssize_t got;
        if (fd < 0) {
            perror("pxbench: open");
            return 0;
        }
        uint64_t start = ReadTsc();
        while ((got = read(fd, block, sizeof(block))) == (ssize_t)sizeof(block))
            blocks++;
        uint64_t spent = (ReadTsc() - start) / (WRITES * 4);
        close(fd);
        if (got != 0 || blocks != WRITES || block[0] != 'x') {
            printf("pxbench: read %d blocks, then %d\n", blocks, (int)got);
            return 0;
        }
        best = spent < best ? spent : best;
    }
    return best;
}

// The best of RUNS means of one open() and close() of path, or 0.
static uint64_t OpenClose(const char *path)
{
    uint64_t best = ~0ull;

    for (int run = 0; run < RUNS; run++) {
        uint64_t start = ReadTsc();
        for (int i = 0; i < OPENS; i++) {
            int fd = open(path, O_RDONLY);
            if (fd < 0 || close(fd) != 0) {
                perror("pxbench: open and close");
                return 0;
            }
        }
        uint64_t spent = (ReadTsc() - start) / OPENS;
        best = spent < best ? spent : best;
    }
    return best;
}

int main(void)
{
    const char *path = "/tmp/pxbench.dat";
    uint64_t getpid = GetPid(), write4k = Write4k(path), read1m = Read1m(path);
    uint64_t openClose = OpenClose(path);

    unlink(path);
    if (!getpid || !write4k || !read1m || !openClose) {
        printf("pxbench: a call failed (%llu, %llu, %llu, %llu)\n", (unsigned long long)getpid,
               (unsigned long long)write4k, (unsigned long long)read1m,
               (unsigned long long)openClose);
        return 1;
    }
    printf("bench: posix_getpid %llu instructions\n", (unsigned long long)getpid);
    printf("bench: posix_write_4k_tmp %llu instructions\n", (unsigned long long)write4k);
    printf("bench: posix_read_1m %llu instructions/KiB\n", (unsigned long long)read1m);
    printf("bench: posix_open_close %llu instructions\n", (unsigned long long)openClose);
    return 0;
}
