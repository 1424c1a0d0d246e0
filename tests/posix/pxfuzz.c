// pxfuzz: random system calls at the POSIX layer.
//
// 30000 raw int 0x80 calls with numbers 0..450 (half of them among the
// numbers the layer serves) and argument words from a fixed-seed
// generator (so a failure repeats), mixing small integers, pointers into
// a scratch buffer, path strings, addresses that must fault (page 0, the
// kernel half) and raw random words. The server must answer each, and
// afterwards still answer getpid and write correctly: then the program
// prints how many calls succeeded and how many were EFAULT, and
// "pxfuzz: N calls, system still answering".
//
// Path arguments name things under /tmp, /proc and /dev/console only,
// and the working directory is /tmp, so whatever the calls create or
// remove stays in fs:temp:. Pointers into the scratch buffer have 128 KiB
// of room behind them, more than any one call writes.
//
// Some calls are left out because they would end or break this program
// rather than test the server, or would wait: exit, exit_group, kill,
// tkill, tgkill; brk, munmap, mprotect, MAP_FIXED mmaps and
// set_thread_area (they could take away this program's own memory or
// TLS); chdir and fchdir (stray names stay under /tmp); reads of the
// console (fds 0-2, which dup-family calls are kept from copying),
// writes to it (random bytes on the screen), and sleeps; pipes (a read
// of an empty one waits for a writer that never comes), both selects, pselect6
// and ppoll (they may wait for ever), and polls that may wait over 1 s;
// fork, vfork, clone and execve (more fuzzers, or another program) and
// wait4 and waitpid (they may wait); sigreturn and rt_sigreturn (they
// load registers from wherever the stack points), rt_sigsuspend and
// pause (they wait), alarm and setitimer (SIGALRM would end it), and
// rt_sigaction installing a handler (a random address would run at the
// next SIGPIPE).
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CALLS       30000
#define NUMBER_MAX  450
#define SCRATCH     8192                // pointed into
#define SCRATCH_ROOM (SCRATCH + (128u << 10))   // room for a 64 KiB write past it

// int 0x80 with all six argument registers (ebp is the sixth).
long RawCall(long n, long a, long b, long c, long d, long e, long f);
__asm__(".text\n"
        ".globl RawCall\n"
        "RawCall:\n"
        "  push %ebp\n  push %ebx\n  push %esi\n  push %edi\n"
        "  mov 20(%esp), %eax\n  mov 24(%esp), %ebx\n  mov 28(%esp), %ecx\n"
        "  mov 32(%esp), %edx\n  mov 36(%esp), %esi\n  mov 40(%esp), %edi\n"
        "  mov 44(%esp), %ebp\n"
        "  int $0x80\n"
        "  pop %edi\n  pop %esi\n  pop %ebx\n  pop %ebp\n"
        "  ret\n");

static uint8_t scratch[SCRATCH_ROOM] __attribute__((aligned(4096)));
static uint64_t state = 0x2545f4914f6cdd1dull;

static const char *const paths[] = {
    "/tmp/fz0", "/tmp/fz1", "/tmp/fzdir", "/tmp/fzdir/a", "/tmp", ".", "",
    "/proc/self/stat", "/proc", "/dev/console", "/nonexistent/x", "/proc/self",
    "/proc/self/exe", "/proc/self/fd/0", "/proc/1/cwd", "/proc/meminfo", "/proc/self/fd",
    "/tmp/../tmp/./fz0", "/tmp/fz0/", "//tmp//fz1",
};

// The numbers the POSIX layer serves (docs/posix.md): half the calls
// pick one of these, so most calls get past the number check.
static const uint16_t served[] = {
    3, 4, 5, 6, 10, 12, 13, 19, 20, 24, 33, 38, 39, 40, 41, 47, 49, 50, 54, 55, 60, 63, 64,
    78, 85, 122, 140, 145, 146, 158, 163, 168, 172, 174, 175, 180, 181, 183, 191, 192, 194,
    195, 196, 197, 199, 200, 201, 202, 219, 220, 221, 224, 258, 265, 266, 295, 296, 300, 301,
    302, 307, 311, 330, 355, 383, 403, 406, 57, 65, 66, 116, 132, 147, 305, 320,
};

static uint32_t Random(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (uint32_t)(state >> 16);
}

// A random word that is not this program's own memory, whatever it is.
static uint32_t RandomWord(void)
{
    for (;;) {
        uint32_t w = Random();
        if ((w < 0x08000000u || w >= 0x10000000u) && (w < 0xb0000000u || w >= 0xc0000000u))
            return w;
    }
}

// One argument word.
static uint32_t Argument(void)
{
    switch (Random() % 10) {
    case 0: case 1: case 2:
        return Random() % 16;                               // small numbers, fds
    case 3:
        return (uint32_t)-(int32_t)(Random() % 4) - 99;     // -99..-102 (AT_FDCWD...)
    case 4: case 5:
        return (uint32_t)(uintptr_t)(scratch + Random() % SCRATCH);
    case 6:
        return (uint32_t)(uintptr_t)paths[Random() % (sizeof(paths) / sizeof(paths[0]))];
    case 7:
        return Random() % 2 ? Random() % 4096 : 0xc0000000u + Random() % 0x40000000u;
    default:
        return RandomWord();
    }
}

// Whether call n with arguments a is one to leave out (see the top).
static int Skipped(uint32_t n, const uint32_t *a)
{
    switch (n) {
    case SYS_exit: case SYS_exit_group: case SYS_kill: case SYS_tkill: case SYS_tgkill:
    case SYS_brk: case SYS_munmap: case SYS_mprotect: case SYS_set_thread_area:
    case SYS_chdir: case SYS_fchdir:
    case SYS_nanosleep: case SYS_clock_nanosleep_time32: case SYS_clock_nanosleep_time64:
    case SYS_pipe: case SYS_pipe2: case SYS__newselect: case SYS_select:
    case SYS_pselect6: case SYS_ppoll:
    case SYS_fork: case SYS_vfork: case SYS_clone: case SYS_execve:
    case SYS_wait4: case SYS_waitpid: case SYS_pause:
    case SYS_sigreturn: case SYS_rt_sigreturn: case SYS_rt_sigsuspend:
    case SYS_alarm: case SYS_setitimer:
        return 1;
    case SYS_rt_sigaction:
        return a[1] != 0;                                   // a handler at a random address
    case SYS_poll:
        return a[2] > 1000;
    case SYS_mmap2:
        return (a[3] & 0x100010u) != 0;                     // MAP_FIXED, MAP_FIXED_NOREPLACE
    case SYS_read: case SYS_readv: case SYS_pread64: case SYS_preadv:
    case SYS_write: case SYS_writev: case SYS_pwrite64: case SYS_pwritev:
    case SYS_dup: case SYS_fcntl: case SYS_fcntl64: case SYS_close:
        return a[0] < 3;
    case SYS_dup2: case SYS_dup3:
        return a[0] < 3 || a[1] < 3;
    default:
        return 0;
    }
}

int main(void)
{
    static const char line[] = "pxfuzz: final write\n";
    uint32_t a[6];
    long pid = RawCall(SYS_getpid, 0, 0, 0, 0, 0, 0), calls = 0, values = 0, faults = 0;
    char text[96];
    int length;

    RawCall(SYS_mkdir, (long)"/tmp/fzdir", 0755, 0, 0, 0, 0);
    for (int i = 0; i < SCRATCH; i++) {
        uint8_t byte = (uint8_t)(Random() % 255 + 1);
        scratch[i] = byte == '/' ? 'x' : byte;
    }
    RawCall(SYS_chdir, (long)"/tmp", 0, 0, 0, 0, 0);
    while (calls < CALLS) {
        uint32_t n = Random() % 2 ? served[Random() % (sizeof(served) / sizeof(served[0]))]
                                  : Random() % (NUMBER_MAX + 1);
        for (int j = 0; j < 6; j++)
            a[j] = Argument();
        if (Skipped(n, a))
            continue;
        long result = RawCall(n, a[0], a[1], a[2], a[3], a[4], a[5]);
        calls++;
        values += result >= 0 || result < -4095;
        faults += result == -14;
    }
    if (RawCall(SYS_getpid, 0, 0, 0, 0, 0, 0) != pid ||
        RawCall(SYS_write, 1, (long)line, sizeof(line) - 1, 0, 0, 0) != (long)sizeof(line) - 1) {
        printf("pxfuzz: the system stopped answering correctly\n");
        return 1;
    }
    length = snprintf(text, sizeof(text), "pxfuzz: %ld succeeded, %ld EFAULT\n", values, faults);
    RawCall(SYS_write, 1, (long)text, length, 0, 0, 0);
    length = snprintf(text, sizeof(text), "pxfuzz: %ld calls, system still answering\n", calls);
    RawCall(SYS_write, 1, (long)text, length, 0, 0, 0);
    return 0;
}
