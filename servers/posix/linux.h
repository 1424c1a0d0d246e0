// The Linux i386 system-call ABI, as far as the POSIX server speaks it.
//
// Programs built for Linux (static musl binaries) raise int 0x80 with
// these call numbers and pass these structures by pointer. The layouts
// are the kernel's own (not a C library's): struct stat64, struct statx,
// struct linux_dirent64, the 36-byte kernel termios, the rt_sigaction
// structure with an 8-byte mask. Every structure here is read and
// written only through the KernelApi's ProcessRead/ProcessWrite, as raw
// bytes, so each is declared packed with its size checked.
//
// Errors are the negative E_* codes of <clanker/error.h>, which are the
// Linux errno values negated; the few that file lacks are added below in
// the same form.
#ifndef SERVERS_POSIX_LINUX_H
#define SERVERS_POSIX_LINUX_H

#include <stdint.h>
#include <clanker/error.h>

// Errors beyond <clanker/error.h> (negated Linux errno values).
#define E_NOTTY     (-25)   // not a terminal
#define E_MFILE     (-24)   // the process's fd table is full
#define E_SPIPE     (-29)   // seek on a stream
#define E_NODEV     (-19)   // no such device (file-backed mmap)
#define E_OVERFLOW  (-75)   // value too large for the type

// System-call numbers (arch/x86/entry/syscalls/syscall_32.tbl).
#define LINUX_SYS_EXIT              1
#define LINUX_SYS_READ              3
#define LINUX_SYS_WRITE             4
#define LINUX_SYS_OPEN              5
#define LINUX_SYS_CLOSE             6
#define LINUX_SYS_UNLINK            10
#define LINUX_SYS_CHDIR             12
#define LINUX_SYS_TIME              13
#define LINUX_SYS_LSEEK             19
#define LINUX_SYS_GETPID            20
#define LINUX_SYS_GETUID            24
#define LINUX_SYS_ACCESS            33
#define LINUX_SYS_KILL              37
#define LINUX_SYS_RENAME            38
#define LINUX_SYS_MKDIR             39
#define LINUX_SYS_RMDIR             40
#define LINUX_SYS_DUP               41
#define LINUX_SYS_BRK               45
#define LINUX_SYS_GETGID            47
#define LINUX_SYS_GETEUID           49
#define LINUX_SYS_GETEGID           50
#define LINUX_SYS_IOCTL             54
#define LINUX_SYS_FCNTL             55
#define LINUX_SYS_UMASK             60
#define LINUX_SYS_DUP2              63
#define LINUX_SYS_SETPGID           57
#define LINUX_SYS_GETPPID           64
#define LINUX_SYS_GETPGRP           65
#define LINUX_SYS_SETSID            66
#define LINUX_SYS_GETPGID           132
#define LINUX_SYS_GETSID            147
#define LINUX_SYS_GETTIMEOFDAY      78
#define LINUX_SYS_READLINK          85
#define LINUX_SYS_READLINKAT        305
#define LINUX_SYS_MUNMAP            91
#define LINUX_SYS_UNAME             122
#define LINUX_SYS_SYSINFO           116
#define LINUX_SYS_MPROTECT          125
#define LINUX_SYS_FCHDIR            133
#define LINUX_SYS_LLSEEK            140
#define LINUX_SYS_READV             145
#define LINUX_SYS_WRITEV            146
#define LINUX_SYS_SCHED_YIELD       158
#define LINUX_SYS_NANOSLEEP         162
#define LINUX_SYS_MREMAP            163
#define LINUX_SYS_POLL              168
#define LINUX_SYS_PRCTL             172
#define LINUX_SYS_MOUNT             21
#define LINUX_SYS_UMOUNT            22
#define LINUX_SYS_ALARM             27
#define LINUX_SYS_PAUSE             29
#define LINUX_SYS_SETITIMER         104
#define LINUX_SYS_GETITIMER         105
#define LINUX_SYS_UMOUNT2           52
#define LINUX_SYS_SIGRETURN         119
#define LINUX_SYS_RT_SIGRETURN      173
#define LINUX_SYS_RT_SIGPENDING     176
#define LINUX_SYS_RT_SIGSUSPEND     179
#define LINUX_SYS_RT_SIGACTION      174
#define LINUX_SYS_RT_SIGPROCMASK    175
#define LINUX_SYS_PREAD64           180
#define LINUX_SYS_PWRITE64          181
#define LINUX_SYS_GETCWD            183
#define LINUX_SYS_UGETRLIMIT        191
#define LINUX_SYS_MMAP2             192
#define LINUX_SYS_FTRUNCATE64       194
#define LINUX_SYS_STAT64            195
#define LINUX_SYS_LSTAT64           196
#define LINUX_SYS_FSTAT64           197
#define LINUX_SYS_GETUID32          199
#define LINUX_SYS_GETGID32          200
#define LINUX_SYS_GETEUID32         201
#define LINUX_SYS_GETEGID32         202
#define LINUX_SYS_MADVISE           219
#define LINUX_SYS_GETDENTS64        220
#define LINUX_SYS_FCNTL64           221
#define LINUX_SYS_GETTID            224
#define LINUX_SYS_TKILL             238
#define LINUX_SYS_SET_THREAD_AREA   243
#define LINUX_SYS_EXIT_GROUP        252
#define LINUX_SYS_SET_TID_ADDRESS   258
#define LINUX_SYS_CLOCK_GETTIME     265
#define LINUX_SYS_CLOCK_NANOSLEEP   267
#define LINUX_SYS_CLOCK_GETRES      266
#define LINUX_SYS_TGKILL            270
#define LINUX_SYS_OPENAT            295
#define LINUX_SYS_MKDIRAT           296
#define LINUX_SYS_FSTATAT64         300
#define LINUX_SYS_UTIMENSAT         320
#define LINUX_SYS_UNLINKAT          301
#define LINUX_SYS_RENAMEAT          302
#define LINUX_SYS_FACCESSAT         307
#define LINUX_SYS_SET_ROBUST_LIST   311
#define LINUX_SYS_DUP3              330
#define LINUX_SYS_GETRANDOM         355
#define LINUX_SYS_STATX             383
#define LINUX_SYS_CLOCK_GETTIME64   403
#define LINUX_SYS_CLOCK_NANOSLEEP64 407
#define LINUX_SYS_CLOCK_GETRES64    406
#define LINUX_SYS_COUNT             408     // one past the highest number served

// open() flags (octal, as in the Linux headers).
#define LINUX_O_ACCMODE    03
#define LINUX_O_RDONLY     00
#define LINUX_O_WRONLY     01
#define LINUX_O_RDWR       02
#define LINUX_O_CREAT      0100
#define LINUX_O_EXCL       0200
#define LINUX_O_NOCTTY     0400
#define LINUX_O_TRUNC      01000
#define LINUX_O_APPEND     02000
#define LINUX_O_NONBLOCK   04000
#define LINUX_O_LARGEFILE  0100000
#define LINUX_O_DIRECTORY  0200000
#define LINUX_O_NOFOLLOW   0400000
#define LINUX_O_CLOEXEC    02000000

// *at() arguments.
#define LINUX_AT_FDCWD            (-100)
#define LINUX_AT_SYMLINK_NOFOLLOW 0x100
#define LINUX_AT_REMOVEDIR        0x200
#define LINUX_AT_NO_AUTOMOUNT     0x800
#define LINUX_AT_EMPTY_PATH       0x1000
#define LINUX_AT_STATX_SYNC_TYPE  0x6000

// lseek whence.
#define LINUX_SEEK_SET 0
#define LINUX_SEEK_CUR 1
#define LINUX_SEEK_END 2

// fcntl commands and fd flags.
#define LINUX_F_DUPFD          0
#define LINUX_F_GETFD          1
#define LINUX_F_SETFD          2
#define LINUX_F_GETFL          3
#define LINUX_F_SETFL          4
#define LINUX_F_DUPFD_CLOEXEC  1030
#define LINUX_FD_CLOEXEC       1

// File types and modes.
#define LINUX_S_IFIFO  0010000
#define LINUX_S_IFCHR  0020000
#define LINUX_S_IFDIR  0040000
#define LINUX_S_IFREG  0100000
#define LINUX_S_IFLNK  0120000

// getdents64 d_type.
#define LINUX_DT_CHR 2
#define LINUX_DT_DIR 4
#define LINUX_DT_REG 8
#define LINUX_DT_LNK 10

// mmap.
#define LINUX_MAP_SHARED          0x01
#define LINUX_MAP_PRIVATE         0x02
#define LINUX_MAP_TYPE            0x0f
#define LINUX_MAP_FIXED           0x10
#define LINUX_MAP_ANONYMOUS       0x20
#define LINUX_MAP_FIXED_NOREPLACE 0x100000
#define LINUX_PROT_MASK           0x7
#define LINUX_PROT_GROWSDOWN      0x01000000
#define LINUX_PROT_GROWSUP        0x02000000
#define LINUX_MREMAP_MAYMOVE      1
#define LINUX_MREMAP_FIXED        2
#define LINUX_MREMAP_DONTUNMAP    4

// ioctl requests on a terminal.
#define LINUX_TCGETS     0x5401
#define LINUX_TCSETS     0x5402
#define LINUX_TCSETSW    0x5403
#define LINUX_TCSETSF    0x5404
#define LINUX_TIOCGPGRP  0x540f
#define LINUX_TIOCSPGRP  0x5410
#define LINUX_TIOCGWINSZ 0x5413

// poll events.
#define LINUX_POLLIN     0x001
#define LINUX_POLLOUT    0x004
#define LINUX_POLLNVAL   0x020
#define LINUX_POLLRDNORM 0x040
#define LINUX_POLLWRNORM 0x100

// Clocks.
#define LINUX_CLOCK_REALTIME           0
#define LINUX_CLOCK_MONOTONIC          1
#define LINUX_CLOCK_PROCESS_CPUTIME_ID 2
#define LINUX_CLOCK_THREAD_CPUTIME_ID  3
#define LINUX_CLOCK_MONOTONIC_RAW      4
#define LINUX_CLOCK_REALTIME_COARSE    5
#define LINUX_CLOCK_MONOTONIC_COARSE   6
#define LINUX_CLOCK_BOOTTIME           7

// Signals.
#define LINUX_NSIG      64
#define LINUX_SIGINT    2
#define LINUX_SIGKILL   9
#define LINUX_SIGSEGV   11
#define LINUX_SIGALRM   14
#define LINUX_SIGSTOP   19
#define LINUX_SI_KERNEL 0x80    // si_code of a signal the kernel sent (a terminal's ^C)
#define LINUX_SIG_DFL   0u
#define LINUX_SIG_IGN   1u
#define LINUX_SIG_BLOCK   0
#define LINUX_SIG_UNBLOCK 1
#define LINUX_SIG_SETMASK 2

// prctl.
#define LINUX_PR_SET_NAME 15
#define LINUX_PR_GET_NAME 16
#define LINUX_TASK_COMM   16

// getrandom flags.
#define LINUX_GRND_NONBLOCK 0x1
#define LINUX_GRND_RANDOM   0x2
#define LINUX_GRND_INSECURE 0x4

// statx.
#define LINUX_STATX_BASIC_STATS 0x7ffu
#define LINUX_STATX_RESERVED    0x80000000u

#define LINUX_RLIM_INFINITY 0xffffffffu
#define LINUX_RLIMIT_STACK  3
#define LINUX_RLIMIT_NOFILE 7
#define LINUX_RLIM_NLIMITS  16
#define LINUX_IOV_MAX       1024

// The kernel's struct stat64 (96 bytes).
typedef struct __attribute__((packed)) LinuxStat64 {
    uint64_t dev;
    uint32_t pad0;
    uint32_t shortIno;
    uint32_t mode;
    uint32_t nlink;
    uint32_t uid;
    uint32_t gid;
    uint64_t rdev;
    uint32_t pad3;
    int64_t size;
    uint32_t blksize;
    uint64_t blocks;
    uint32_t atime, atimeNsec;
    uint32_t mtime, mtimeNsec;
    uint32_t ctime, ctimeNsec;
    uint64_t ino;
} LinuxStat64;

typedef struct __attribute__((packed)) LinuxStatxTime {
    int64_t sec;
    uint32_t nsec;
    int32_t reserved;
} LinuxStatxTime;

// struct statx (256 bytes).
typedef struct __attribute__((packed)) LinuxStatx {
    uint32_t mask;
    uint32_t blksize;
    uint64_t attributes;
    uint32_t nlink;
    uint32_t uid;
    uint32_t gid;
    uint16_t mode;
    uint16_t pad1;
    uint64_t ino;
    uint64_t size;
    uint64_t blocks;
    uint64_t attributesMask;
    LinuxStatxTime atime, btime, ctime, mtime;
    uint32_t rdevMajor, rdevMinor;
    uint32_t devMajor, devMinor;
    uint64_t spare[14];
} LinuxStatx;

// struct linux_dirent64, without its name (which follows, NUL-terminated,
// the record padded to 8 bytes).
typedef struct __attribute__((packed)) LinuxDirent64 {
    uint64_t ino;
    int64_t off;
    uint16_t reclen;
    uint8_t type;
} LinuxDirent64;

typedef struct __attribute__((packed)) LinuxTimespec32 {
    int32_t sec;
    int32_t nsec;
} LinuxTimespec32;

typedef struct __attribute__((packed)) LinuxTimespec64 {
    int64_t sec;
    int64_t nsec;
} LinuxTimespec64;

typedef struct __attribute__((packed)) LinuxTimeval {
    int32_t sec;
    int32_t usec;
} LinuxTimeval;

#define LINUX_NCCS 19

// The kernel's struct termios (TCGETS/TCSETS: 36 bytes).
typedef struct __attribute__((packed)) LinuxTermios {
    uint32_t iflag, oflag, cflag, lflag;
    uint8_t line;
    uint8_t cc[LINUX_NCCS];
} LinuxTermios;

typedef struct __attribute__((packed)) LinuxWinsize {
    uint16_t rows, cols, xpixel, ypixel;
} LinuxWinsize;

#define LINUX_UTS_LENGTH 65

typedef struct __attribute__((packed)) LinuxUtsname {
    char sysname[LINUX_UTS_LENGTH];
    char nodename[LINUX_UTS_LENGTH];
    char release[LINUX_UTS_LENGTH];
    char version[LINUX_UTS_LENGTH];
    char machine[LINUX_UTS_LENGTH];
    char domainname[LINUX_UTS_LENGTH];
} LinuxUtsname;

// sysinfo's struct on i386 (64 bytes); loads in 1/65536ths.
typedef struct __attribute__((packed)) LinuxSysinfo {
    int32_t uptime;
    uint32_t loads[3];
    uint32_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad;
    uint32_t totalhigh, freehigh, memUnit;
    uint8_t reserved[8];
} LinuxSysinfo;
_Static_assert(sizeof(LinuxSysinfo) == 64, "sysinfo struct");

// rt_sigaction's struct (with an 8-byte mask, sigsetsize 8).
typedef struct __attribute__((packed)) LinuxSigaction {
    uint32_t handler;
    uint32_t flags;
    uint32_t restorer;
    uint64_t mask;
} LinuxSigaction;

typedef struct __attribute__((packed)) LinuxIovec {
    uint32_t base;
    uint32_t length;
} LinuxIovec;

typedef struct __attribute__((packed)) LinuxPollFd {
    int32_t fd;
    int16_t events;
    int16_t revents;
} LinuxPollFd;

typedef struct __attribute__((packed)) LinuxRlimit {
    uint32_t cur, max;
} LinuxRlimit;

_Static_assert(sizeof(LinuxStat64) == 96, "struct stat64");
_Static_assert(sizeof(LinuxStatx) == 256, "struct statx");
_Static_assert(sizeof(LinuxDirent64) == 19, "struct linux_dirent64 header");
// Pipes and waiting for fds.
#define LINUX_SYS_PIPE      42
#define LINUX_SYS_OLDSELECT 82
#define LINUX_SYS_NEWSELECT 142
#define LINUX_SYS_PSELECT6  308
#define LINUX_SYS_PPOLL     309
#define LINUX_SYS_PIPE2     331
#define LINUX_POLLPRI       0x002
#define LINUX_POLLERR       0x008
#define LINUX_POLLHUP       0x010
#define LINUX_SIGPIPE       13
#define LINUX_PIPE_BUF      4096    // writes up to this size are atomic
#define LINUX_FD_SETSIZE    1024    // select's highest nfds

// Processes that make processes.
#define LINUX_SYS_FORK      2
#define LINUX_SYS_WAITPID   7
#define LINUX_SYS_EXECVE    11
#define LINUX_SYS_WAIT4     114
#define LINUX_SYS_CLONE     120
#define LINUX_SYS_VFORK     190
#define LINUX_WNOHANG       0x00000001
#define LINUX_WUNTRACED     0x00000002
#define LINUX_WCONTINUED    0x00000008
#define LINUX_WNOTHREAD     0x20000000
#define LINUX_WALL          0x40000000
#define LINUX_WCLONE        0x80000000u
#define LINUX_CSIGNAL              0x000000ff
#define LINUX_CLONE_VM             0x00000100
#define LINUX_CLONE_SIGHAND        0x00000800
#define LINUX_CLONE_VFORK          0x00004000
#define LINUX_CLONE_THREAD         0x00010000
#define LINUX_CLONE_SETTLS         0x00080000
#define LINUX_CLONE_PARENT_SETTID  0x00100000
#define LINUX_CLONE_CHILD_CLEARTID 0x00200000
#define LINUX_CLONE_CHILD_SETTID   0x01000000
#define LINUX_SIGCHLD       17
#define LINUX_RUSAGE_SIZE   72      // struct rusage on i386: two timevals, 14 longs
#define E_2BIG              (-7)    // argument list too long

_Static_assert(sizeof(LinuxTermios) == 36, "kernel termios");
_Static_assert(sizeof(LinuxUtsname) == 390, "struct new_utsname");
_Static_assert(sizeof(LinuxSigaction) == 20, "rt_sigaction struct");

#endif
