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
//
// alarm, setitimer and getitimer serve ITIMER_REAL, one timer per
// process: when it is due the main loop (AlarmExpire) sends SIGALRM and
// sets it again for its interval. The timer survives execve and is not
// inherited by fork. ITIMER_VIRTUAL and ITIMER_PROF (CPU time) are
// E_INVAL: the layer cannot see a process's CPU time.
#include "core.h"
#include "user.h"
#include "poll.h"
#include "signal.h"
#include "clock.h"

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
int32_t LinuxSysTime(PosixProcess *p, const uint32_t *arg)
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
int32_t LinuxSysGettimeofday(PosixProcess *p, const uint32_t *arg)
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
int32_t LinuxSysClockGettime(PosixProcess *p, const uint32_t *arg)
{
    LinuxTimespec32 ts;
    uint64_t ms;
    int err;

    /* decode */
    if ((err = ClockMs(arg[0], &ms)) != 0)
        return err;
    /* invoke */
    ts.sec = (int32_t)(ms / 1000);
    ts.nsec = (int32_t)(ms % 1000) * (int32_t)NSEC_PER_MSEC;
    return UserWrite(p, arg[1], &ts, sizeof(ts));
}

// clock_gettime64(clock, struct __kernel_timespec *)
int32_t LinuxSysClockGettime64(PosixProcess *p, const uint32_t *arg)
{
    LinuxTimespec64 ts;
    uint64_t ms;
    int err;

    /* decode */
    if ((err = ClockMs(arg[0], &ms)) != 0)
        return err;
    /* invoke */
    ts.sec = (int64_t)(ms / 1000);
    ts.nsec = (int64_t)(ms % 1000) * NSEC_PER_MSEC;
    return UserWrite(p, arg[1], &ts, sizeof(ts));
}

// clock_getres(clock, struct timespec32 *): 1 ms for every clock.
int32_t LinuxSysClockGetres(PosixProcess *p, const uint32_t *arg)
{
    LinuxTimespec32 ts = { 0, (int32_t)NSEC_PER_MSEC };
    uint64_t ms;
    int err;

    /* decode */
    if ((err = ClockMs(arg[0], &ms)) != 0 || !arg[1])
        return err;
    /* invoke */
    return UserWrite(p, arg[1], &ts, sizeof(ts));
}

// clock_getres_time64(clock, struct __kernel_timespec *)
int32_t LinuxSysClockGetres64(PosixProcess *p, const uint32_t *arg)
{
    LinuxTimespec64 ts = { 0, NSEC_PER_MSEC };
    uint64_t ms;
    int err;

    /* decode */
    if ((err = ClockMs(arg[0], &ms)) != 0 || !arg[1])
        return err;
    /* invoke */
    return UserWrite(p, arg[1], &ts, sizeof(ts));
}

// nanosleep(req, rem): sleeps, rounding up to whole milliseconds; rem is
// never written (nothing interrupts a sleep yet).
int32_t LinuxSysNanosleep(PosixProcess *p, const uint32_t *arg)
{
    LinuxTimespec32 req;
    uint64_t ms;
    int err;

    /* decode */
    if ((err = UserRead(p, &req, arg[0], sizeof(req))) != 0)
        return err;
    if (req.sec < 0 || req.nsec < 0 || req.nsec >= (int32_t)NSEC_PER_SEC)
        return E_INVAL;
    /* invoke */
    ms = (uint64_t)req.sec * 1000 + ((uint32_t)req.nsec + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC;
    return PollSleep(p, ms);            // answered when the time is up (poll.c)
}

#define LINUX_TIMER_ABSTIME 1u

// Sleep until the clock reaches sec/nsec (absolute) or for that long.
static int32_t ClockSleep(PosixProcess *p, uint32_t clock, uint32_t flags, int64_t sec, int64_t nsec)
{
    uint64_t ms, now;
    int err;

    /* decode */
    if ((err = ClockMs(clock, &now)) != 0)
        return err;
    if ((flags & ~LINUX_TIMER_ABSTIME) || sec < 0 || nsec < 0 || nsec >= (int64_t)NSEC_PER_SEC)
        return E_INVAL;
    /* invoke */
    ms = (uint64_t)sec * 1000 + ((uint64_t)nsec + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC;
    if (flags & LINUX_TIMER_ABSTIME)
        ms = ms > now ? ms - now : 0;
    return PollSleep(p, ms);
}

// clock_nanosleep(clock, flags, req, rem): glibc's sleep() and usleep().
// req is copied in, then ClockSleep checks it before it sleeps.
int32_t LinuxSysClockNanosleep(PosixProcess *p, const uint32_t *arg)
{
    LinuxTimespec32 req;
    int err = UserRead(p, &req, arg[2], sizeof(req));

    return err ? err : ClockSleep(p, arg[0], arg[1], req.sec, req.nsec);
}

// clock_nanosleep_time64(clock, flags, struct __kernel_timespec *req, rem):
// as clock_nanosleep.
int32_t LinuxSysClockNanosleep64(PosixProcess *p, const uint32_t *arg)
{
    LinuxTimespec64 req;
    int err = UserRead(p, &req, arg[2], sizeof(req));

    return err ? err : ClockSleep(p, arg[0], arg[1], req.sec, req.nsec);
}

// sched_yield()
int32_t LinuxSysSchedYield(PosixProcess *p, const uint32_t *arg)
{
    (void)p; (void)arg;
    api->SchedYield();
    return 0;
}

// --- alarm, setitimer, getitimer ------------------------------------------------

#define LINUX_ITIMER_REAL 0
#define USEC_PER_SEC      1000000u
#define LINUX_SI_KERNEL   0x80

typedef struct __attribute__((packed)) LinuxItimerval {
    LinuxTimeval interval, value;
} LinuxItimerval;

static uint32_t alarmsSet;              // processes with a timer set

// The ms left of p's timer (0: none; at least 1 while it is set).
static uint32_t AlarmLeft(const PosixProcess *p, uint32_t now)
{
    int32_t left = (int32_t)(p->alarmAt - now);

    if (!p->alarmSet)
        return 0;
    return left > 0 ? (uint32_t)left : 1;
}

// Set p's timer to go off in ms (0: never), then every everyMs.
static void AlarmSet(PosixProcess *p, uint32_t ms, uint32_t everyMs)
{
    alarmsSet += (ms != 0) - (p->alarmSet != 0);
    p->alarmSet = ms != 0;
    p->alarmAt = api->UptimeMs() + ms;
    p->alarmEvery = ms ? everyMs : 0;
}

void AlarmForget(PosixProcess *p)
{
    AlarmSet(p, 0, 0);
}

typedef struct AlarmScan {
    uint32_t now, next;
} AlarmScan;

static void AlarmVisit(PosixProcess *p, void *arg)
{
    AlarmScan *scan = arg;
    PosixSignalInfo why = { LINUX_SI_KERNEL, 0, 0, 0 };
    int32_t left = (int32_t)(p->alarmAt - scan->now);

    if (!p->alarmSet)
        return;
    if (left > 0) {
        if (scan->next == 0 || (uint32_t)left < scan->next)
            scan->next = (uint32_t)left;
        return;
    }
    AlarmSet(p, p->alarmEvery, p->alarmEvery);
    SignalSend(p, LINUX_SIGALRM, &why);
    if (p->alarmSet && !p->ended && (scan->next == 0 || p->alarmEvery < scan->next))
        scan->next = p->alarmEvery;
}

uint32_t AlarmExpire(void)
{
    AlarmScan scan;

    if (alarmsSet == 0)
        return 0;                       // the usual case: no clock read
    scan = (AlarmScan){ api->UptimeMs(), 0 };
    PosixProcessForEach(AlarmVisit, &scan);
    return scan.next;
}

// A timeval as ms, rounded up; E_INVAL if it is out of range.
static int TimevalMs(const LinuxTimeval *tv, uint32_t *ms)
{
    if (tv->sec < 0 || tv->usec < 0 || tv->usec >= (int32_t)USEC_PER_SEC || tv->sec > 2000000)
        return E_INVAL;
    *ms = (uint32_t)tv->sec * 1000 + ((uint32_t)tv->usec + 999) / 1000;
    return 0;
}

// p's timer as an itimerval.
static LinuxItimerval Current(const PosixProcess *p)
{
    uint32_t left = AlarmLeft(p, api->UptimeMs());
    LinuxItimerval now = {
        { (int32_t)(p->alarmEvery / 1000), (int32_t)(p->alarmEvery % 1000 * 1000) },
        { (int32_t)(left / 1000), (int32_t)(left % 1000 * 1000) },
    };

    return now;
}

// alarm(seconds): the seconds left of the old timer (rounded up).
int32_t LinuxSysAlarm(PosixProcess *p, const uint32_t *arg)
{
    uint32_t left = AlarmLeft(p, api->UptimeMs());

    /* decode */
    if (arg[0] > 2000000)
        return E_INVAL;
    /* invoke */
    AlarmSet(p, arg[0] * 1000, 0);
    return (int32_t)((left + 999) / 1000);
}

// setitimer(which, new, old)
int32_t LinuxSysSetitimer(PosixProcess *p, const uint32_t *arg)
{
    LinuxItimerval want, old = Current(p);
    uint32_t ms = 0, everyMs = 0;
    int err;

    /* decode: the old timer is written out here, before the new one is set */
    if (arg[0] != LINUX_ITIMER_REAL)
        return E_INVAL;
    if (arg[1] && (err = UserRead(p, &want, arg[1], sizeof(want))) != 0)
        return err;
    if (arg[1] && ((err = TimevalMs(&want.value, &ms)) != 0 ||
                   (err = TimevalMs(&want.interval, &everyMs)) != 0))
        return err;
    if (arg[2] && (err = UserWrite(p, arg[2], &old, sizeof(old))) != 0)
        return err;
    /* invoke */
    if (arg[1])
        AlarmSet(p, ms, everyMs);
    return 0;
}

// getitimer(which, cur)
int32_t LinuxSysGetitimer(PosixProcess *p, const uint32_t *arg)
{
    LinuxItimerval now = Current(p);

    /* decode */
    if (arg[0] != LINUX_ITIMER_REAL)
        return E_INVAL;
    /* invoke */
    return UserWrite(p, arg[1], &now, sizeof(now));
}
