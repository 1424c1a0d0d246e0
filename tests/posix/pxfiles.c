// pxfiles: files, directories and fds through the POSIX layer.
//
// A static musl program that checks, through the C library and through
// raw syscall()s where the library would hide the call: open, read,
// write, lseek, pread, pwrite, ftruncate, stat and fstat (statx,
// stat64, fstatat64), mkdir, rmdir, unlink, rename, readdir (getdents64),
// getcwd, chdir, fchdir, access, dup, dup2, fcntl, readv, writev, ioctl,
// on fs:temp: (/tmp) and fs:root: (/), and the errno of each failure:
// ENOENT, EISDIR, ENOTDIR, EEXIST, ENOTEMPTY, EXDEV, EBADF, EFAULT for
// bad pointers, ENOSYS for an unknown call; and that a call refused for
// bad input (a bad pointer, bad flags, a bad fd) leaves everything as it
// was: offsets, file contents, fds, the cwd. Prints one line per failed
// check and "pxfiles: N passed, M failed"; exits 1 if any failed.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

#define BAD_POINTER ((void *)1)
#define KERNEL_POINTER ((void *)0xc0001000)

// Remove what an earlier run may have left.
static void Clean(void)
{
    static const char *const files[] = { "/tmp/pxa", "/tmp/pxapp", "/tmp/pxrel", "/tmp/pxd/f",
                                         "/tmp/pxd/g", "/tmp/pxd/h", "/home/pxroot.txt",
                                         "/tmp/pxv", "/tmp/pxbig" };

    for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        unlink(files[i]);
    rmdir("/tmp/pxd/sub");
    rmdir("/tmp/pxd");
}

// Whether the directory at path lists name.
static int Lists(const char *path, const char *name)
{
    DIR *dir = opendir(path);
    struct dirent *e;
    int found = 0;

    if (!dir)
        return 0;
    while ((e = readdir(dir)) != NULL)
        found |= strcmp(e->d_name, name) == 0;
    closedir(dir);
    return found;
}

static void ReadWriteSeek(void)
{
    char buf[128];
    struct stat st;
    int fd = open("/tmp/pxa", O_CREAT | O_RDWR | O_TRUNC, 0644);

    CHECK(fd >= 3);
    CHECK(write(fd, "hello world", 11) == 11);
    CHECK(lseek(fd, 0, SEEK_CUR) == 11);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    memset(buf, 0, sizeof(buf));
    CHECK(read(fd, buf, sizeof(buf)) == 11 && strcmp(buf, "hello world") == 0);
    CHECK(read(fd, buf, sizeof(buf)) == 0);
    CHECK(lseek(fd, -5, SEEK_END) == 6);
    memset(buf, 0, sizeof(buf));
    CHECK(read(fd, buf, 5) == 5 && strcmp(buf, "world") == 0);
    CHECK_ERR(lseek(fd, -100, SEEK_SET), EINVAL);
    memset(buf, 0, sizeof(buf));
    CHECK(pread(fd, buf, 5, 0) == 5 && strcmp(buf, "hello") == 0);
    CHECK(lseek(fd, 0, SEEK_CUR) == 11);
    CHECK(pwrite(fd, "HELLO", 5, 0) == 5);
    memset(buf, 0, sizeof(buf));
    CHECK(pread(fd, buf, 11, 0) == 11 && strcmp(buf, "HELLO world") == 0);
    CHECK(ftruncate(fd, 5) == 0);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 5 && S_ISREG(st.st_mode));
    CHECK(ftruncate(fd, 4096) == 0);
    CHECK(pread(fd, buf, 8, 100) == 8 && memcmp(buf, "\0\0\0\0\0\0\0\0", 8) == 0);
    CHECK(stat("/tmp/pxa", &st) == 0 && st.st_size == 4096 && st.st_blksize == 4096);
    CHECK(close(fd) == 0);
    CHECK_ERR(close(fd), EBADF);
    CHECK_ERR(read(fd, buf, 1), EBADF);
    CHECK_ERR(write(fd, buf, 1), EBADF);
    fd = open("/tmp/pxa", O_RDONLY);
    CHECK_ERR(write(fd, "x", 1), EBADF);
    CHECK_ERR(ftruncate(fd, 0), EINVAL);
    close(fd);
}

static void AppendAndExclusive(void)
{
    struct stat st;
    int fd = open("/tmp/pxapp", O_CREAT | O_WRONLY | O_TRUNC, 0644);

    CHECK(write(fd, "abc", 3) == 3);
    close(fd);
    fd = open("/tmp/pxapp", O_WRONLY | O_APPEND);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(write(fd, "def", 3) == 3);
    CHECK(lseek(fd, 0, SEEK_CUR) == 6);
    close(fd);
    CHECK(stat("/tmp/pxapp", &st) == 0 && st.st_size == 6);
    fd = open("/tmp/pxapp", O_WRONLY);
    CHECK(fcntl(fd, F_SETFL, O_APPEND) == 0 && (fcntl(fd, F_GETFL) & O_APPEND));
    CHECK(write(fd, "g", 1) == 1);
    close(fd);
    CHECK(stat("/tmp/pxapp", &st) == 0 && st.st_size == 7);
    CHECK_ERR(open("/tmp/pxapp", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
}

static void VectorIo(void)
{
    char a[4] = "", b[8] = "";
    struct iovec out[2] = { { "one", 3 }, { "-two", 4 } };
    struct iovec in[2] = { { a, 3 }, { b, 4 } };
    int fd = open("/tmp/pxv", O_CREAT | O_RDWR | O_TRUNC, 0644);

    CHECK(writev(fd, out, 2) == 7);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(readv(fd, in, 2) == 7 && memcmp(a, "one", 3) == 0 && memcmp(b, "-two", 4) == 0);
    close(fd);
}

// More than one message's worth (FS_IO_MAX) in each direction: the
// transfers come back short and stdio carries on with the rest.
static void BigFile(void)
{
    static unsigned char out[200000], in[200000];
    struct stat st;
    FILE *f;

    for (unsigned i = 0; i < sizeof(out); i++)
        out[i] = (unsigned char)(i * 31 + (i >> 9));
    f = fopen("/tmp/pxbig", "w");
    CHECK(f && fwrite(out, 1, sizeof(out), f) == sizeof(out) && fclose(f) == 0);
    CHECK(stat("/tmp/pxbig", &st) == 0 && st.st_size == (off_t)sizeof(out));
    f = fopen("/tmp/pxbig", "r");
    CHECK(f && fread(in, 1, sizeof(in), f) == sizeof(in) && fgetc(f) == EOF);
    CHECK(memcmp(in, out, sizeof(in)) == 0);
    if (f)
        fclose(f);
    CHECK(unlink("/tmp/pxbig") == 0);
}

static void Missing(void)
{
    struct stat st;

    CHECK_ERR(open("/tmp/nope", O_RDONLY), ENOENT);
    CHECK_ERR(open("/nope/deeper", O_RDONLY), ENOENT);
    CHECK_ERR(stat("/tmp/nope", &st), ENOENT);
    CHECK_ERR(unlink("/tmp/nope"), ENOENT);
    CHECK_ERR(rmdir("/tmp/nope"), ENOENT);
    CHECK_ERR(chdir("/tmp/nope"), ENOENT);
    CHECK_ERR(open("", O_RDONLY), ENOENT);
    CHECK_ERR(access("/tmp/nope", F_OK), ENOENT);
}

static void Directories(void)
{
    struct stat st;
    DIR *dir;
    int fd;

    CHECK(mkdir("/tmp/pxd", 0755) == 0);
    CHECK_ERR(mkdir("/tmp/pxd", 0755), EEXIST);
    CHECK(stat("/tmp/pxd", &st) == 0 && S_ISDIR(st.st_mode));
    CHECK_ERR(open("/tmp/pxd", O_WRONLY), EISDIR);
    CHECK((fd = open("/tmp/pxd/f", O_CREAT | O_WRONLY, 0644)) >= 0);
    close(fd);
    close(open("/tmp/pxd/g", O_CREAT | O_WRONLY, 0644));
    CHECK(mkdir("/tmp/pxd/sub", 0755) == 0);
    CHECK_ERR(rmdir("/tmp/pxd"), ENOTEMPTY);
    CHECK_ERR(open("/tmp/pxd/f/x", O_RDONLY), ENOTDIR);
    CHECK_ERR(open("/tmp/pxd/f", O_RDONLY | O_DIRECTORY), ENOTDIR);
    CHECK(opendir("/tmp/pxd/f") == NULL && errno == ENOTDIR);
    CHECK_ERR(chdir("/tmp/pxd/f"), ENOTDIR);
    CHECK_ERR(unlink("/tmp/pxd/sub"), EISDIR);
    CHECK_ERR(rmdir("/tmp/pxd/f"), ENOTDIR);
    fd = open("/tmp/pxd", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    CHECK_ERR(read(fd, &st, 1), EISDIR);
    CHECK(fstat(fd, &st) == 0 && S_ISDIR(st.st_mode));
    CHECK(fstatat(fd, "f", &st, 0) == 0 && S_ISREG(st.st_mode));
    close(fd);
    CHECK(Lists("/tmp/pxd", ".") && Lists("/tmp/pxd", "..") && Lists("/tmp/pxd", "f") &&
          Lists("/tmp/pxd", "g") && Lists("/tmp/pxd", "sub"));
    CHECK(Lists("/", "bin") && Lists("/", "etc") && Lists("/bin", "pxfiles"));
    dir = opendir("/tmp/pxd");
    int first = 0, again = 0;
    while (readdir(dir))
        first++;
    rewinddir(dir);
    while (readdir(dir))
        again++;
    closedir(dir);
    CHECK(first == 5 && again == 5);
    CHECK(rename("/tmp/pxd/f", "/tmp/pxd/h") == 0);
    CHECK(stat("/tmp/pxd/h", &st) == 0);
    CHECK_ERR(stat("/tmp/pxd/f", &st), ENOENT);
    CHECK_ERR(rename("/tmp/pxd/h", "/pxh"), EXDEV);
    CHECK(unlink("/tmp/pxd/h") == 0 && unlink("/tmp/pxd/g") == 0);
    CHECK(rmdir("/tmp/pxd/sub") == 0);
    CHECK(rmdir("/tmp/pxd") == 0);
    CHECK(!Lists("/tmp", "pxd"));
}

static void WorkingDirectory(void)
{
    char buf[256];
    int tmp, fd;

    CHECK(getcwd(buf, sizeof(buf)) && strcmp(buf, "/") == 0);
    CHECK(chdir("/tmp") == 0);
    CHECK(getcwd(buf, sizeof(buf)) && strcmp(buf, "/tmp") == 0);
    CHECK((fd = open("pxrel", O_CREAT | O_WRONLY, 0644)) >= 0);
    close(fd);
    CHECK(access("/tmp/pxrel", F_OK) == 0);
    CHECK(access("./pxrel", R_OK | W_OK) == 0);
    CHECK(chdir("..") == 0 && getcwd(buf, sizeof(buf)) && strcmp(buf, "/") == 0);
    CHECK(chdir("/tmp/../etc/.") == 0 && getcwd(buf, sizeof(buf)) && strcmp(buf, "/etc") == 0);
    CHECK((fd = open("boot.conf", O_RDONLY)) >= 0);
    memset(buf, 0, sizeof(buf));
    CHECK(read(fd, buf, sizeof(buf) - 1) > 0 && strstr(buf, "boot"));
    close(fd);
    CHECK((tmp = open("/tmp", O_RDONLY | O_DIRECTORY)) >= 0);
    CHECK(fchdir(tmp) == 0 && getcwd(buf, sizeof(buf)) && strcmp(buf, "/tmp") == 0);
    CHECK((fd = openat(tmp, "pxrel", O_RDONLY)) >= 0);
    close(fd);
    CHECK(unlinkat(tmp, "pxrel", 0) == 0);
    close(tmp);
    CHECK(getcwd(buf, 3) == NULL && errno == ERANGE);
    CHECK_ERR(access("/etc", 0x10), EINVAL);
    CHECK(chdir("/") == 0);
}

static void Duplicates(void)
{
    char c;
    int fd = open("/tmp/pxa", O_RDWR), copy, high;

    CHECK(fd >= 0);
    CHECK((copy = dup(fd)) > fd);
    CHECK(read(fd, &c, 1) == 1 && lseek(copy, 0, SEEK_CUR) == 1);
    CHECK(dup2(fd, 20) == 20 && lseek(20, 0, SEEK_CUR) == 1);
    CHECK(dup2(fd, fd) == fd);
    CHECK(fcntl(fd, F_GETFD) == 0);
    CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC);
    CHECK(fcntl(copy, F_GETFD) == 0);
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
    CHECK((high = fcntl(fd, F_DUPFD, 30)) >= 30);
    CHECK((fcntl(fd, F_DUPFD_CLOEXEC, 40)) >= 40);
    CHECK_ERR(fcntl(fd, 999), EINVAL);
    CHECK_ERR(dup(99), EBADF);
    CHECK_ERR(dup2(99, 5), EBADF);
    CHECK_ERR(dup2(fd, 5000), EBADF);
    CHECK_ERR(fcntl(99, F_GETFD), EBADF);
    close(fd);
    CHECK(read(copy, &c, 1) == 1);      // the description lives on
    close(copy);
    close(20);
    close(high);
}

static void RootFilesystem(void)
{
    static char buf[8192];
    int fd = open("/etc/boot.conf", O_RDONLY);

    memset(buf, 0, sizeof(buf));
    CHECK(fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0 && strstr(buf, "kernel servers/posix"));
    close(fd);
    fd = open("/home/pxroot.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 0 && write(fd, "root", 4) == 4);
    close(fd);
    CHECK(unlink("/home/pxroot.txt") == 0);
    CHECK_ERR(rmdir("/"), EBUSY);
}

static void RawStat(void)
{
    uint8_t raw[256];
    uint32_t mode;
    uint64_t size;
    int64_t bigSize;

    memset(raw, 0xee, sizeof(raw));
    CHECK(syscall(SYS_stat64, "/tmp/pxa", raw) == 0);
    memcpy(&mode, raw + 16, 4);
    memcpy(&bigSize, raw + 44, 8);
    CHECK(S_ISREG(mode) && bigSize == 4096);
    CHECK(syscall(SYS_lstat64, "/tmp", raw) == 0);
    memcpy(&mode, raw + 16, 4);
    CHECK(S_ISDIR(mode));
    CHECK(syscall(SYS_fstat64, 1, raw) == 0);
    memcpy(&mode, raw + 16, 4);
    CHECK(S_ISCHR(mode));
    CHECK(syscall(SYS_fstatat64, AT_FDCWD, "/tmp/pxa", raw, 0) == 0);
    CHECK(syscall(SYS_statx, AT_FDCWD, "/tmp/pxa", 0, 0x7ff, raw) == 0);
    uint16_t xmode;
    memcpy(&xmode, raw + 28, 2);
    memcpy(&size, raw + 40, 8);
    CHECK(S_ISREG(xmode) && size == 4096);
}

static void BadPointers(void)
{
    int fd = open("/tmp/pxa", O_RDWR);

    CHECK_ERR(syscall(SYS_read, fd, BAD_POINTER, 10), EFAULT);
    CHECK_ERR(syscall(SYS_read, fd, KERNEL_POINTER, 10), EFAULT);
    CHECK_ERR(syscall(SYS_write, fd, BAD_POINTER, 10), EFAULT);
    CHECK_ERR(syscall(SYS_open, BAD_POINTER, O_RDONLY), EFAULT);
    CHECK_ERR(syscall(SYS_stat64, "/tmp/pxa", BAD_POINTER), EFAULT);
    CHECK_ERR(syscall(SYS_stat64, KERNEL_POINTER, BAD_POINTER), EFAULT);
    CHECK_ERR(syscall(SYS_getcwd, BAD_POINTER, 100), EFAULT);
    CHECK_ERR(syscall(SYS_uname, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_clock_gettime32, CLOCK_MONOTONIC, BAD_POINTER), EFAULT);
    CHECK_ERR(syscall(SYS_clock_gettime64, CLOCK_MONOTONIC, BAD_POINTER), EFAULT);
    CHECK_ERR(syscall(SYS_writev, fd, BAD_POINTER, 2), EFAULT);
    CHECK_ERR(syscall(SYS_mkdir, BAD_POINTER, 0755), EFAULT);
    CHECK_ERR(syscall(SYS_rename, "/tmp/pxa", BAD_POINTER), EFAULT);
    CHECK_ERR(syscall(SYS_rt_sigaction, 2, BAD_POINTER, NULL, 8), EFAULT);
    CHECK(lseek(fd, 0, SEEK_CUR) == 0);    // nothing was read past the fault
    close(fd);
}

// A page the program may read but not write: where a call that must
// write its answer back is given its arguments.
static void *ReadOnlyPage(const void *contents, size_t length)
{
    void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (page == MAP_FAILED)
        return NULL;
    memcpy(page, contents, length);
    if (mprotect(page, 4096, PROT_READ) != 0)
        return NULL;
    return page;
}

// The lowest free fd (the same before and after a failed call: it made none).
static int LowestFree(void)
{
    int fd = dup(0);

    close(fd);
    return fd;
}

// Calls refused for bad input change nothing: the file, its offset, the
// fd table and the cwd are as they were before.
static void BadInputLeavesState(void)
{
    char buf[64], cwd[64];
    struct stat st;
    int fd = open("/tmp/pxa", O_CREAT | O_RDWR | O_TRUNC, 0644), spare, dir, lowest;
    struct iovec out[2] = { { "keep", 4 }, { KERNEL_POINTER, 4 } };
    struct iovec in[2] = { { buf, 4 }, { (void *)0xfffff000u, 0x2000 } };
    uint64_t result = 77;

    CHECK(fd >= 0 && write(fd, "abcdefgh", 8) == 8 && lseek(fd, 2, SEEK_SET) == 2);
    // A vector with a buffer outside user memory: nothing moves, even of
    // the good buffer before it.
    CHECK_ERR(writev(fd, out, 2), EFAULT);
    CHECK_ERR(readv(fd, in, 2), EFAULT);
    CHECK(lseek(fd, 0, SEEK_CUR) == 2 && fstat(fd, &st) == 0 && st.st_size == 8);
    CHECK(pread(fd, buf, 8, 0) == 8 && memcmp(buf, "abcdefgh", 8) == 0);
    // _llseek's result written before the offset moves.
    CHECK_ERR(syscall(SYS__llseek, fd, 0, 6, BAD_POINTER, SEEK_SET), EFAULT);
    CHECK(lseek(fd, 0, SEEK_CUR) == 2);
    CHECK(syscall(SYS__llseek, fd, 0, 6, &result, SEEK_SET) == 0 && result == 6);
    // Bad flags and fds: the target fd stays open, no fd is made.
    CHECK((spare = dup(fd)) >= 0);
    lowest = LowestFree();
    CHECK_ERR(syscall(SYS_dup3, fd, spare, 0x40), EINVAL);   // musl drops the flag itself
    CHECK_ERR(dup3(99, spare, 0), EBADF);
    CHECK_ERR(dup2(99, spare), EBADF);
    CHECK(fcntl(spare, F_GETFD) == 0 && lseek(spare, 0, SEEK_CUR) == 6);
    CHECK_ERR(fcntl(fd, F_DUPFD, 64), EINVAL);
    CHECK_ERR(fcntl(fd, F_DUPFD, -1), EINVAL);
    CHECK_ERR(fcntl(fd, 1234, 0), EINVAL);
    CHECK_ERR(fcntl(99, F_SETFD, FD_CLOEXEC), EBADF);
    CHECK(fcntl(fd, F_GETFD) == 0 && LowestFree() == lowest);
    close(spare);
    lowest = LowestFree();
    // pipe2: bad flags, or fds it could not write back: no fd made.
    int *fds = ReadOnlyPage("", 1);
    CHECK(fds != NULL);
    CHECK_ERR(pipe2(fds, O_CLOEXEC), EFAULT);
    CHECK_ERR(pipe2(fds, 0x8000000), EINVAL);
    CHECK(LowestFree() == lowest);
    // utimensat and getrandom check what Linux checks.
    struct { int32_t sec, nsec; } times[2] = { { 0, 0 }, { 0, 1000000000 } };
    CHECK_ERR(syscall(SYS_utimensat, AT_FDCWD, "/tmp/pxa", times, 0), EINVAL);
    times[1].nsec = 0x3fffffff;                 // UTIME_NOW
    CHECK(syscall(SYS_utimensat, AT_FDCWD, "/tmp/pxa", times, 0) == 0);
    CHECK_ERR(syscall(SYS_getrandom, buf, 8, 0x6), EINVAL);    // GRND_RANDOM | GRND_INSECURE
    // getdents64 with a bad buffer: the listing starts where it was.
    CHECK((dir = open("/tmp", O_RDONLY | O_DIRECTORY)) >= 0);
    CHECK_ERR(syscall(SYS_getdents64, dir, BAD_POINTER, 4096), EFAULT);
    CHECK_ERR(syscall(SYS_getdents64, dir, fds, 4096), EFAULT);
    CHECK(syscall(SYS_getdents64, dir, buf, 24) == 24 && strcmp(buf + 19, ".") == 0);
    CHECK_ERR(syscall(SYS_getdents64, dir, buf, 10), EINVAL);   // too small for the next
    CHECK(syscall(SYS_getdents64, dir, buf, 24) == 24 && strcmp(buf + 19, "..") == 0);
    // chdir and fchdir refused: the cwd stays.
    CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
    CHECK_ERR(chdir("/tmp/pxa"), ENOTDIR);
    CHECK_ERR(fchdir(fd), ENOTDIR);
    CHECK_ERR(fchdir(99), EBADF);
    CHECK_ERR(syscall(SYS_chdir, BAD_POINTER), EFAULT);
    CHECK(getcwd(buf, sizeof(buf)) != NULL && strcmp(buf, cwd) == 0);
    if (fds)
        munmap(fds, 4096);
    close(dir);
    close(fd);
}

static void UnknownCalls(void)
{
    CHECK_ERR(syscall(9999), ENOSYS);
}

static void Console(void)
{
    struct termios t;
    struct winsize ws;
    struct stat st;
    int fd = open("/tmp/pxa", O_RDONLY);

    CHECK(isatty(1) == 1);
    CHECK(isatty(fd) == 0 && errno == ENOTTY);
    CHECK(tcgetattr(0, &t) == 0 && (t.c_lflag & ICANON));
    CHECK(tcsetattr(0, TCSANOW, &t) == 0);
    CHECK(ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col == 80 && ws.ws_row == 25);
    CHECK(fstat(1, &st) == 0 && S_ISCHR(st.st_mode));
    CHECK(stat("/dev/console", &st) == 0 && S_ISCHR(st.st_mode));
    CHECK_ERR(lseek(1, 0, SEEK_SET), ESPIPE);
    CHECK_ERR(ioctl(fd, TIOCGWINSZ, &ws), ENOTTY);
    close(fd);
    fd = open("/dev/console", O_WRONLY);
    CHECK(fd >= 0 && write(fd, "pxfiles: console ok\n", 20) == 20);
    close(fd);
}

// /proc: Linux's formats, made from proc:. Each file is read whole.
static ssize_t ReadWhole(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    ssize_t n, total = 0;

    if (fd < 0)
        return -1;
    while (total < (ssize_t)size - 1 && (n = read(fd, buf + total, size - 1 - total)) > 0)
        total += n;
    close(fd);
    buf[total] = 0;
    return total;
}

static void Proc(const char *argv0)
{
    char buf[1024], want[64], comm[32];
    struct sysinfo info;
    struct stat st;
    unsigned ppid;
    int pid;
    char state;
    ssize_t n;

    CHECK(ReadWhole("/proc/self/comm", buf, sizeof(buf)) > 0 && strcmp(buf, "pxfiles\n") == 0);
    CHECK(Lists("/proc", "meminfo") && Lists("/proc", "self") && Lists("/proc", "uptime"));
    snprintf(want, sizeof(want), "%d", getpid());
    CHECK(Lists("/proc", want));
    (void)argv0;                    // started as posix:vfs:/bin/pxfiles or fs:root:bin/pxfiles
    n = readlink("/proc/self/exe", buf, sizeof(buf));
    CHECK(n == 12 && memcmp(buf, "/bin/pxfiles", 12) == 0);
    n = readlink("/proc/self", buf, sizeof(buf) - 1);
    CHECK(n == (ssize_t)strlen(want) && memcmp(buf, want, (size_t)n) == 0);
    CHECK(lstat("/proc/self", &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(stat("/proc/self", &st) == 0 && S_ISDIR(st.st_mode));
    CHECK(lstat("/proc/self/exe", &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 12);
    CHECK(stat("/proc/self/exe", &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 1000);
    n = readlink("/proc/self/fd/1", buf, sizeof(buf) - 1);
    CHECK(n > 0);
    // stat: "PID (COMM) STATE PPID ..."; the parent is getppid()'s.
    CHECK(ReadWhole("/proc/self/stat", buf, sizeof(buf)) > 0);
    CHECK(sscanf(buf, "%d (%31[^)]) %c %u", &pid, comm, &state, &ppid) == 4);
    CHECK(pid == getpid() && strcmp(comm, "pxfiles") == 0 && ppid == (unsigned)getppid());
    CHECK(ReadWhole("/proc/self/status", buf, sizeof(buf)) > 0 && strstr(buf, "Name:\tpxfiles\n"));
    CHECK(ReadWhole("/proc/self/cmdline", buf, sizeof(buf)) > 0 && strstr(buf, "pxfiles"));
    CHECK(ReadWhole("/proc/meminfo", buf, sizeof(buf)) > 0 && strncmp(buf, "MemTotal:", 9) == 0);
    CHECK(ReadWhole("/proc/mounts", buf, sizeof(buf)) > 0 && strstr(buf, "fs:root: / "));
    CHECK(ReadWhole("/proc/cpuinfo", buf, sizeof(buf)) > 0 && strstr(buf, "vendor_id\t: "));
    CHECK(ReadWhole("/proc/uptime", buf, sizeof(buf)) > 0 && strchr(buf, '.'));
    CHECK(sysinfo(&info) == 0 && info.totalram > info.freeram && info.freeram > 0 &&
          info.mem_unit == 4096 && info.procs > 3);
    // Bad requests: no such pid or file, writes, a link opened O_NOFOLLOW.
    CHECK_ERR(open("/proc/99999/stat", O_RDONLY), ENOENT);
    CHECK_ERR(open("/proc/self/colour", O_RDONLY), ENOENT);
    CHECK_ERR(open("/proc/meminfo/x", O_RDONLY), ENOTDIR);
    CHECK_ERR(open("/proc/meminfo", O_WRONLY), EACCES);
    CHECK_ERR(open("/proc/new", O_WRONLY | O_CREAT, 0644), EACCES);
    CHECK_ERR(open("/proc/self/exe", O_RDONLY | O_NOFOLLOW), ELOOP);
    CHECK_ERR(readlink("/proc/meminfo", buf, sizeof(buf)), EINVAL);
    CHECK_ERR(readlink("/proc/self/fd/63", buf, sizeof(buf)), ENOENT);
    CHECK_ERR(mkdir("/proc/d", 0755), EACCES);
    CHECK_ERR(unlink("/proc/meminfo"), EACCES);
    CHECK_ERR(readlink("/etc/boot.conf", buf, sizeof(buf)), EINVAL);
}

static void Identity(void)
{
    struct utsname u;
    struct timespec a, b;

    CHECK(getpid() > 0 && getppid() > 0 && getpid() != getppid());
    CHECK(syscall(SYS_gettid) == getpid());
    CHECK(getuid() == 0 && geteuid() == 0 && getgid() == 0 && getegid() == 0);
    CHECK(uname(&u) == 0 && strcmp(u.sysname, "ClankerOS") == 0 &&
          strcmp(u.machine, "i686") == 0);
    CHECK(time(NULL) > 1700000000);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0 && clock_gettime(CLOCK_MONOTONIC, &b) == 0 &&
          (b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec)));
    CHECK(umask(077) == 022 && umask(022) == 077);
}

// /dev/null: reads end at once, writes vanish, a character device.
static void NullDevice(void)
{
    char buf[16] = "unchanged";
    struct stat st;
    struct termios t;
    int fd = open("/dev/null", O_RDWR);

    CHECK(fd >= 0);
    CHECK(write(fd, "gone", 4) == 4);
    CHECK(read(fd, buf, sizeof(buf)) == 0 && strcmp(buf, "unchanged") == 0);
    CHECK(lseek(fd, 100, SEEK_SET) == 0);
    CHECK(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == ((1 << 8) | 3));
    CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
    CHECK(access("/dev/null", W_OK) == 0);
    CHECK_ERR(ioctl(fd, TCGETS, &t), ENOTTY);
    close(fd);
    CHECK_ERR(open("/dev/null/x", O_RDONLY), ENOTDIR);
    CHECK_ERR(open("/dev/null", O_RDONLY | O_DIRECTORY), ENOTDIR);
    fd = open("/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);    // as a shell's > does
    CHECK(fd >= 0 && write(fd, buf, 9) == 9);
    close(fd);
}

int main(int argc, char **argv)
{
    (void)argc;
    Clean();
    ReadWriteSeek();
    AppendAndExclusive();
    VectorIo();
    BigFile();
    Missing();
    Directories();
    WorkingDirectory();
    Duplicates();
    RootFilesystem();
    RawStat();
    BadPointers();
    BadInputLeavesState();
    UnknownCalls();
    Console();
    NullDevice();
    Proc(argv[0]);
    Identity();
    Clean();
    return CheckSummary("pxfiles");
}
