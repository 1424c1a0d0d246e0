// The system-call table: Linux i386 number -> handler.
//
// One line a call, as in Minix's table.c. A number with no handler (every
// gap, and everything at or past LINUX_SYS_COUNT) is -ENOSYS; so are the
// calls planned for the next phase (the old select 82), which are simply
// absent.
#include "core.h"
#include "path.h"
#include "fd.h"
#include "poll.h"
#include "signal.h"
#include "clock.h"
#include "pipe.h"
#include "memory.h"
#include "stat.h"
#include "io.h"
#include "open.h"
#include "dir.h"
#include "system.h"
#include "exec.h"
#include "process.h"
#include "table.h"

static const PosixHandler calls[LINUX_SYS_COUNT] = {
    [LINUX_SYS_EXIT]            = LinuxSysExit,
    [LINUX_SYS_FORK]            = LinuxSysFork,
    [LINUX_SYS_READ]            = LinuxSysRead,
    [LINUX_SYS_WRITE]           = LinuxSysWrite,
    [LINUX_SYS_OPEN]            = LinuxSysOpen,
    [LINUX_SYS_CLOSE]           = LinuxSysClose,
    [LINUX_SYS_WAITPID]         = LinuxSysWaitpid,
    [LINUX_SYS_UNLINK]          = LinuxSysUnlink,
    [LINUX_SYS_EXECVE]          = LinuxSysExecve,
    [LINUX_SYS_CHDIR]           = LinuxSysChdir,
    [LINUX_SYS_TIME]            = LinuxSysTime,
    [LINUX_SYS_LSEEK]           = LinuxSysLseek,
    [LINUX_SYS_GETPID]          = LinuxSysGetpid,
    [LINUX_SYS_GETUID]          = LinuxSysGetuid,
    [LINUX_SYS_ACCESS]          = LinuxSysAccess,
    [LINUX_SYS_KILL]            = LinuxSysKill,
    [LINUX_SYS_RENAME]          = LinuxSysRename,
    [LINUX_SYS_MKDIR]           = LinuxSysMkdir,
    [LINUX_SYS_RMDIR]           = LinuxSysRmdir,
    [LINUX_SYS_DUP]             = LinuxSysDup,
    [LINUX_SYS_PIPE]            = LinuxSysPipe,
    [LINUX_SYS_BRK]             = LinuxSysBrk,
    [LINUX_SYS_GETGID]          = LinuxSysGetuid,
    [LINUX_SYS_GETEUID]         = LinuxSysGetuid,
    [LINUX_SYS_GETEGID]         = LinuxSysGetuid,
    [LINUX_SYS_IOCTL]           = LinuxSysIoctl,
    [LINUX_SYS_FCNTL]           = LinuxSysFcntl,
    [LINUX_SYS_UMASK]           = LinuxSysUmask,
    [LINUX_SYS_DUP2]            = LinuxSysDup2,
    [LINUX_SYS_GETPPID]         = LinuxSysGetppid,
    [LINUX_SYS_SETPGID]         = LinuxSysSetpgid,
    [LINUX_SYS_GETPGRP]         = LinuxSysGetpgrp,
    [LINUX_SYS_SETSID]          = LinuxSysSetsid,
    [LINUX_SYS_GETPGID]         = LinuxSysGetpgid,
    [LINUX_SYS_GETSID]          = LinuxSysGetpgid,
    [LINUX_SYS_GETTIMEOFDAY]    = LinuxSysGettimeofday,
    [LINUX_SYS_READLINK]        = LinuxSysReadlink,
    [LINUX_SYS_READLINKAT]      = LinuxSysReadlinkat,
    [LINUX_SYS_MUNMAP]          = LinuxSysMunmap,
    [LINUX_SYS_WAIT4]           = LinuxSysWait4,
    [LINUX_SYS_CLONE]           = LinuxSysClone,
    [LINUX_SYS_SYSINFO]         = LinuxSysSysinfo,
    [LINUX_SYS_UNAME]           = LinuxSysUname,
    [LINUX_SYS_MPROTECT]        = LinuxSysMprotect,
    [LINUX_SYS_FCHDIR]          = LinuxSysFchdir,
    [LINUX_SYS_LLSEEK]          = LinuxSysLlseek,
    [LINUX_SYS_OLDSELECT]       = LinuxSysOldSelect,
    [LINUX_SYS_NEWSELECT]       = LinuxSysSelect,
    [LINUX_SYS_READV]           = LinuxSysReadv,
    [LINUX_SYS_WRITEV]          = LinuxSysWritev,
    [LINUX_SYS_SCHED_YIELD]     = LinuxSysSchedYield,
    [LINUX_SYS_NANOSLEEP]       = LinuxSysNanosleep,
    [LINUX_SYS_UTIMENSAT]       = LinuxSysUtimensat,
    [LINUX_SYS_CLOCK_NANOSLEEP] = LinuxSysClockNanosleep,
    [LINUX_SYS_CLOCK_NANOSLEEP64] = LinuxSysClockNanosleep64,
    [LINUX_SYS_MREMAP]          = LinuxSysMremap,
    [LINUX_SYS_POLL]            = LinuxSysPoll,
    [LINUX_SYS_PRCTL]           = LinuxSysPrctl,
    [LINUX_SYS_PAUSE]           = LinuxSysPause,
    [LINUX_SYS_ALARM]           = LinuxSysAlarm,
    [LINUX_SYS_SETITIMER]       = LinuxSysSetitimer,
    [LINUX_SYS_GETITIMER]       = LinuxSysGetitimer,
    [LINUX_SYS_MOUNT]           = LinuxSysMount,
    [LINUX_SYS_UMOUNT]          = LinuxSysUmount2,
    [LINUX_SYS_UMOUNT2]         = LinuxSysUmount2,
    [LINUX_SYS_SIGRETURN]       = LinuxSysSigreturn,
    [LINUX_SYS_RT_SIGRETURN]    = LinuxSysRtSigreturn,
    [LINUX_SYS_RT_SIGPENDING]   = LinuxSysRtSigpending,
    [LINUX_SYS_RT_SIGSUSPEND]   = LinuxSysRtSigsuspend,
    [LINUX_SYS_RT_SIGACTION]    = LinuxSysRtSigaction,
    [LINUX_SYS_RT_SIGPROCMASK]  = LinuxSysRtSigprocmask,
    [LINUX_SYS_PREAD64]         = LinuxSysPread64,
    [LINUX_SYS_PWRITE64]        = LinuxSysPwrite64,
    [LINUX_SYS_GETCWD]          = LinuxSysGetcwd,
    [LINUX_SYS_VFORK]           = LinuxSysFork,
    [LINUX_SYS_UGETRLIMIT]      = LinuxSysUgetrlimit,
    [LINUX_SYS_MMAP2]           = LinuxSysMmap2,
    [LINUX_SYS_FTRUNCATE64]     = LinuxSysFtruncate64,
    [LINUX_SYS_STAT64]          = LinuxSysStat64,
    [LINUX_SYS_LSTAT64]         = LinuxSysLstat64,
    [LINUX_SYS_FSTAT64]         = LinuxSysFstat64,
    [LINUX_SYS_GETUID32]        = LinuxSysGetuid,
    [LINUX_SYS_GETGID32]        = LinuxSysGetuid,
    [LINUX_SYS_GETEUID32]       = LinuxSysGetuid,
    [LINUX_SYS_GETEGID32]       = LinuxSysGetuid,
    [LINUX_SYS_MADVISE]         = LinuxSysMadvise,
    [LINUX_SYS_GETDENTS64]      = LinuxSysGetdents64,
    [LINUX_SYS_FCNTL64]         = LinuxSysFcntl,
    [LINUX_SYS_GETTID]          = LinuxSysGetpid,
    [LINUX_SYS_TKILL]           = LinuxSysTkill,
    [LINUX_SYS_SET_THREAD_AREA] = LinuxSysSetThreadArea,
    [LINUX_SYS_EXIT_GROUP]      = LinuxSysExit,
    [LINUX_SYS_SET_TID_ADDRESS] = LinuxSysSetTidAddress,
    [LINUX_SYS_CLOCK_GETTIME]   = LinuxSysClockGettime,
    [LINUX_SYS_CLOCK_GETRES]    = LinuxSysClockGetres,
    [LINUX_SYS_TGKILL]          = LinuxSysTgkill,
    [LINUX_SYS_OPENAT]          = LinuxSysOpenat,
    [LINUX_SYS_MKDIRAT]         = LinuxSysMkdirat,
    [LINUX_SYS_FSTATAT64]       = LinuxSysFstatat64,
    [LINUX_SYS_UNLINKAT]        = LinuxSysUnlinkat,
    [LINUX_SYS_RENAMEAT]        = LinuxSysRenameat,
    [LINUX_SYS_FACCESSAT]       = LinuxSysFaccessat,
    [LINUX_SYS_PSELECT6]        = LinuxSysPselect6,
    [LINUX_SYS_PPOLL]           = LinuxSysPpoll,
    [LINUX_SYS_SET_ROBUST_LIST] = LinuxSysSetRobustList,
    [LINUX_SYS_DUP3]            = LinuxSysDup3,
    [LINUX_SYS_PIPE2]           = LinuxSysPipe2,
    [LINUX_SYS_GETRANDOM]       = LinuxSysGetrandom,
    [LINUX_SYS_STATX]           = LinuxSysStatx,
    [LINUX_SYS_CLOCK_GETTIME64] = LinuxSysClockGettime64,
    [LINUX_SYS_CLOCK_GETRES64]  = LinuxSysClockGetres64,
};

// Run call for p. Returns the caller's new eax.
int32_t PosixDispatch(PosixProcess *p, const PosixCall *call)
{
    if (call->number >= LINUX_SYS_COUNT || !calls[call->number])
        return E_NOSYS;
    return calls[call->number](p, call->args);
}
