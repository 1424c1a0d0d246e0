// The system and the caller's identity: uname, ugetrlimit, the user and
// group ids, umask, getrandom.
//
// Everyone is root (uid and gid 0): there are no users yet. The limits
// ugetrlimit reports are the real ones where there are any (the fd
// table, the loader's 128 KiB stack) and RLIM_INFINITY elsewhere.
//
// getrandom's bytes come from a xorshift generator seeded from the
// uptime and stirred with it on every call: unpredictable enough for
// hash seeds and temporary names, not for keys.
#include <lib/string.h>
#include "core.h"
#include "user.h"
#include "procfs.h"
#include "system.h"

#define STACK_LIMIT   (128u * 1024)
#define RANDOM_MAX    (64u * 1024)      // bytes per getrandom call at most
#define RANDOM_CHUNK  256

static uint64_t randomState;

// uname(buf)
int32_t LinuxSysUname(PosixProcess *p, const uint32_t *arg)
{
    LinuxUtsname u;

    memset(&u, 0, sizeof(u));
    memcpy(u.sysname, "ClankerOS", 10);
    memcpy(u.nodename, "clanker", 8);
    memcpy(u.release, "0.1.0", 6);
    memcpy(u.version, "#1 phase one POSIX layer", 25);
    memcpy(u.machine, "i686", 5);
    memcpy(u.domainname, "(none)", 7);
    return UserWrite(p, arg[0], &u, sizeof(u));
}

// sysinfo(info): the facts of proc: (procfs.c), in pages of 4096 bytes
int32_t LinuxSysSysinfo(PosixProcess *p, const uint32_t *arg)
{
    LinuxSysinfo info;

    ProcfsSysinfo(&info);
    return UserWrite(p, arg[0], &info, sizeof(info));
}

// ugetrlimit(resource, rlim)
int32_t LinuxSysUgetrlimit(PosixProcess *p, const uint32_t *arg)
{
    LinuxRlimit limit = { LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY };

    /* decode */
    if (arg[0] >= LINUX_RLIM_NLIMITS)
        return E_INVAL;
    /* invoke */
    if (arg[0] == LINUX_RLIMIT_NOFILE)
        limit.cur = limit.max = POSIX_FD_MAX;
    else if (arg[0] == LINUX_RLIMIT_STACK)
        limit.cur = limit.max = STACK_LIMIT;
    return UserWrite(p, arg[1], &limit, sizeof(limit));
}

// getuid, getgid, geteuid, getegid and their 32-bit forms: 0.
int32_t LinuxSysGetuid(PosixProcess *p, const uint32_t *arg)
{
    (void)p; (void)arg;
    return 0;
}

// umask(mask): returns the previous mask.
int32_t LinuxSysUmask(PosixProcess *p, const uint32_t *arg)
{
    uint32_t old = p->umask;

    p->umask = arg[0] & 0777;
    return (int32_t)old;
}

// The next 64 random bits.
static uint64_t RandomNext(void)
{
    if (randomState == 0)
        randomState = 0x9e3779b97f4a7c15ull;
    randomState ^= randomState << 13;
    randomState ^= randomState >> 7;
    randomState ^= randomState << 17;
    return randomState;
}

// getrandom(buf, length, flags): at most RANDOM_MAX bytes per call. A
// buffer that faults part way gets what was written before, as on Linux.
int32_t LinuxSysGetrandom(PosixProcess *p, const uint32_t *arg)
{
    uint32_t length = arg[1] < RANDOM_MAX ? arg[1] : RANDOM_MAX;
    uint8_t chunk[RANDOM_CHUNK];

    /* decode: known flags, and not both GRND_RANDOM and GRND_INSECURE (as Linux) */
    if ((arg[2] & ~(uint32_t)(LINUX_GRND_NONBLOCK | LINUX_GRND_RANDOM | LINUX_GRND_INSECURE)) ||
        (arg[2] & (LINUX_GRND_RANDOM | LINUX_GRND_INSECURE)) ==
            (LINUX_GRND_RANDOM | LINUX_GRND_INSECURE))
        return E_INVAL;
    /* invoke */
    randomState ^= (uint64_t)api->UptimeMs() * 0x2545f4914f6cdd1dull;
    for (uint32_t done = 0; done < length;) {
        uint32_t n = length - done < RANDOM_CHUNK ? length - done : RANDOM_CHUNK;
        int err;
        for (uint32_t i = 0; i < n; i += 8) {
            uint64_t bits = RandomNext();
            memcpy(chunk + i, &bits, n - i < 8 ? n - i : 8);
        }
        if ((err = UserWrite(p, arg[0] + done, chunk, n)) != 0)
            return done ? (int32_t)done : err;
        done += n;
    }
    return (int32_t)length;
}
