// Time: time, gettimeofday, clock_gettime, clock_gettime64,
// clock_getres, clock_getres_time64, nanosleep, sched_yield.
//
// There is one time source, the kernel's uptime in milliseconds.
// CLOCK_MONOTONIC (and MONOTONIC_RAW, MONOTONIC_COARSE, BOOTTIME, and the
// CPU-time clocks, which have nothing better) is the uptime;
// CLOCK_REALTIME (and REALTIME_COARSE) is the uptime plus a fixed boot
// epoch, 2025-01-01 00:00:00 UTC, since nothing reads the RTC yet. The
// resolution is 1 ms.
//
// nanosleep is a poll of no fds with a timeout (poll.c): answered when
// its time is up, while the server serves everyone else.
#include "posix.h"

const uint32_t clockBootEpoch = 1735689600u;   // 2025-01-01T00:00:00Z

#define NSEC_PER_MSEC 1000000u
#define NSEC_PER_SEC  1000000000u

// The time of clock in milliseconds. Returns 0 or E_INVAL.
static int ClockMs(uint32_t clock, uint64_t *ms)
{
    uint64_t uptime = api->UptimeMs();

    switch (clock) {
    case LINUX_CLOCK_REALTIME:
    case LINUX_CLOCK_REALTIME_COARSE:
        *ms = uptime + (uint64_t)clockBootEpoch * 1000;
        return 0;
    case LINUX_CLOCK_MONOTONIC:
    case LINUX_CLOCK_PROCESS_CPUTIME_ID:
    case LINUX_CLOCK_THREAD_CPUTIME_ID:
    case LINUX_CLOCK_MONOTONIC_RAW:
    case LINUX_CLOCK_MONOTONIC_COARSE:
    case LINUX_CLOCK_BOOTTIME:
        *ms = uptime;
        return 0;
    default:
        return E_INVAL;
    }
}

// time(tloc)
int32_t SysTime(PosixProcess *p, const uint32_t *arg)
{
    uint64_t ms;
    int32_t now;
    int err;

    ClockMs(LINUX_CLOCK_REALTIME, &ms);
    now = (int32_t)(ms / 1000);
    if (arg[0] && (err = UserWrite(p, arg[0], &now, sizeof(now))) != 0)
        return err;
    return now;
}

// gettimeofday(tv, tz): tz, if given, is UTC without daylight saving.
int32_t SysGettimeofday(PosixProcess *p, const uint32_t *arg)
{
    static const int32_t zone[2] = { 0, 0 };
    LinuxTimeval tv;
    uint64_t ms;
    int err;

    ClockMs(LINUX_CLOCK_REALTIME, &ms);
    tv.sec = (int32_t)(ms / 1000);
    tv.usec = (int32_t)(ms % 1000) * 1000;
    if (arg[0] && (err = UserWrite(p, arg[0], &tv, sizeof(tv))) != 0)
        return err;
    if (arg[1] && (err = UserWrite(p, arg[1], zone, sizeof(zone))) != 0)
        return err;
    return 0;
}

// clock_gettime(clock, struct timespec32 *)
int32_t SysClockGettime(PosixProcess *p, const uint32_t *arg)
{
    LinuxTimespec32 ts;
    uint64_t ms;
    int err = ClockMs(arg[0], &ms);

    if (err)
        return err;
    ts.sec = (int32_t)(ms / 1000);
    ts.nsec = (int32_t)(ms % 1000) * (int32_t)NSEC_PER_MSEC;
    return UserWrite(p, arg[1], &ts, sizeof(ts));
}

// clock_gettime64(clock, struct __kernel_timespec *)
int32_t SysClockGettime64(PosixProcess *p, const uint32_t *arg)
{
    LinuxTimespec64 ts;
    uint64_t ms;
    int err = ClockMs(arg[0], &ms);

    if (err)
        return err;
    ts.sec = (int64_t)(ms / 1000);
    ts.nsec = (int64_t)(ms % 1000) * NSEC_PER_MSEC;
    return UserWrite(p, arg[1], &ts, sizeof(ts));
}

// clock_getres(clock, struct timespec32 *): 1 ms for every clock.
int32_t SysClockGetres(PosixProcess *p, const uint32_t *arg)
{
    LinuxTimespec32 ts = { 0, (int32_t)NSEC_PER_MSEC };
    uint64_t ms;
    int err = ClockMs(arg[0], &ms);

    if (err || !arg[1])
        return err;
    return UserWrite(p, arg[1], &ts, sizeof(ts));
}

// clock_getres_time64(clock, struct __kernel_timespec *)
int32_t SysClockGetres64(PosixProcess *p, const uint32_t *arg)
{
    LinuxTimespec64 ts = { 0, NSEC_PER_MSEC };
    uint64_t ms;
    int err = ClockMs(arg[0], &ms);

    if (err || !arg[1])
        return err;
    return UserWrite(p, arg[1], &ts, sizeof(ts));
}

// nanosleep(req, rem): sleeps, rounding up to whole milliseconds; rem is
// never written (nothing interrupts a sleep yet).
int32_t SysNanosleep(PosixProcess *p, const uint32_t *arg)
{
    LinuxTimespec32 req;
    uint64_t ms;
    int err = UserRead(p, &req, arg[0], sizeof(req));

    if (err)
        return err;
    if (req.sec < 0 || req.nsec < 0 || req.nsec >= (int32_t)NSEC_PER_SEC)
        return E_INVAL;
    ms = (uint64_t)req.sec * 1000 + ((uint32_t)req.nsec + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC;
    return PollSleep(p, ms);            // answered when the time is up (poll.c)
}

// sched_yield()
int32_t SysSchedYield(PosixProcess *p, const uint32_t *arg)
{
    (void)p; (void)arg;
    api->SchedYield();
    return 0;
}
