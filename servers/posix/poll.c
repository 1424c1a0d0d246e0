// Waiting for fds: poll, ppoll, select (_newselect, and the old select
// whose arguments are a struct in memory), pselect6; and the
// deadlines of the calls that wait.
//
// What an fd is ready for: a pipe end asks its pipe (pipe.c: the read end
// is readable when it holds bytes or has no writer left, which is also
// POLLHUP; the write end is writable when PIPE_BUF bytes fit, and
// POLLERR when no reader is left). Files, directories and proc: texts are
// always ready. The console is always writable, and readable when the
// console says a read would be answered now (console.c); a wait that
// watches it is looked at again on console.c's retry timer. A closed fd
// is POLLNVAL for poll and E_BADF for select.
//
// A call that finds something ready, or has timeout 0, is answered at
// once (musl's start-up calls poll(fds, 3, 0)). Otherwise it is kept on
// the list of waits and answered later (POSIX_DEFERRED): PollRecheck,
// which pipe.c calls whenever a pipe changes, answers the waits that now
// see something ready; PollExpire, which the main loop calls before each
// receive, answers those whose time is up (with 0) and tells the loop how
// long it may wait for the next request. The caller is stopped meanwhile,
// so its pollfd array and fd sets are read again from its memory at each
// look, and written only with the answer; both are checked writable
// before the call starts, so a bad one is E_FAULT at once, never a wait
// that ends in E_FAULT.
//
// The signal masks of ppoll and pselect6 are checked (size 8, readable)
// and ignored, and the time left is not written back.
#include <lib/string.h>
#include "core.h"
#include "user.h"
#include "poll.h"

#define POLL_MAX     POSIX_FD_MAX
#define POLL_READ    (LINUX_POLLIN | LINUX_POLLRDNORM)
#define POLL_WRITE   (LINUX_POLLOUT | LINUX_POLLWRNORM)
#define SELECT_WORDS (LINUX_FD_SETSIZE / 32)
#define TIMEOUT_MAX  0x7fffffffu    // longer timeouts never end
#define SIGSET_SIZE  8

// A poll or select call, answered now or waiting.
typedef struct PollWait {
    struct PollWait *next;
    PosixProcess *p;
    uint32_t requestId;
    int select;                 // 0: poll(fds, nfds); 1: select(nfds, r, w, e)
    uint32_t arg[4];            // the call's first four arguments
    int timed;                  // whether deadline counts
    uint32_t deadline;          // api->UptimeMs() when it times out
    int console;                // it watches the console for reading
} PollWait;

static PollWait *waits;

static int sawConsole;           // a scan asked whether the console is readable

// What f is ready for, as poll events; wanted says which matter.
static uint32_t Ready(const PosixFile *f, uint32_t wanted)
{
    return f->ops->Poll(f, wanted, &sawConsole);
}

// Look at poll's fds for w; with answer, or when any has revents, write
// the revents back. Returns how many have revents, or an error.
static int32_t ScanPoll(const PollWait *w, int answer)
{
    static LinuxPollFd fds[POLL_MAX];
    uint32_t count = w->arg[1], length = count * sizeof(LinuxPollFd);
    int32_t ready = 0;
    int err;

    if ((err = UserRead(w->p, fds, w->arg[0], length)) != 0)
        return err;
    for (uint32_t i = 0; i < count; i++) {
        PosixFile *f = fds[i].fd < 0 ? NULL : FdGet(w->p, fds[i].fd);
        uint32_t wanted = (uint16_t)fds[i].events | LINUX_POLLHUP | LINUX_POLLERR;
        if (fds[i].fd < 0)
            fds[i].revents = 0;
        else if (!f)
            fds[i].revents = LINUX_POLLNVAL;
        else
            fds[i].revents = (int16_t)(Ready(f, wanted) & wanted);
        ready += fds[i].revents != 0;
    }
    if (ready || answer)
        err = UserWrite(w->p, w->arg[0], fds, length);
    return err ? err : ready;
}

// Read one of select's fd sets (0: none) of nfds bits into set.
static int ReadSet(PosixProcess *p, uint32_t addr, uint32_t nfds, uint32_t *set)
{
    memset(set, 0, SELECT_WORDS * 4);
    return addr ? UserRead(p, set, addr, (nfds + 31) / 32 * 4) : 0;
}

// Look at select's fd sets for w; with answer, or when any fd is ready,
// write back the sets of the ready ones. Returns the number of bits set,
// or an error (E_BADF for an fd in a set that is not open).
static int32_t ScanSelect(const PollWait *w, int answer)
{
    static const uint32_t wanted[3] = { POLL_READ | LINUX_POLLHUP | LINUX_POLLERR,
                                        POLL_WRITE | LINUX_POLLERR, LINUX_POLLPRI };
    static uint32_t in[3][SELECT_WORDS], out[3][SELECT_WORDS];
    uint32_t nfds = w->arg[0];
    int32_t ready = 0;
    int err = 0;

    for (int s = 0; s < 3 && !err; s++)
        err = ReadSet(w->p, w->arg[1 + s], nfds, in[s]);
    if (err)
        return err;
    memset(out, 0, sizeof(out));
    for (uint32_t fd = 0; fd < nfds; fd++) {
        uint32_t word = fd / 32, bit = 1u << (fd % 32);
        uint32_t want = 0, events;
        PosixFile *f;
        if (!((in[0][word] | in[1][word] | in[2][word]) & bit))
            continue;
        if (!(f = FdGet(w->p, (int32_t)fd)))
            return E_BADF;
        for (int s = 0; s < 3; s++)
            want |= in[s][word] & bit ? wanted[s] : 0;
        events = Ready(f, want);
        for (int s = 0; s < 3; s++)
            if ((in[s][word] & bit) && (events & wanted[s])) {
                out[s][word] |= bit;
                ready++;
            }
    }
    for (int s = 0; s < 3 && (ready || answer) && !err; s++)
        if (w->arg[1 + s])
            err = UserWrite(w->p, w->arg[1 + s], out[s], (nfds + 31) / 32 * 4);
    return err ? err : ready;
}

// Look at w's fds (see ScanPoll, ScanSelect), noting whether it watches
// the console for reading (ConsoleRetry makes it look again then).
static int32_t Scan(PollWait *w, int answer)
{
    int32_t ready;

    sawConsole = 0;
    ready = w->select ? ScanSelect(w, answer) : ScanPoll(w, answer);
    w->console = sawConsole;
    return ready;
}

// Whether any waiting poll or select watches the console for reading.
int PollWatchesConsole(void)
{
    for (PollWait *w = waits; w; w = w->next)
        if (w->console)
            return 1;
    return 0;
}

// Answer w at once when something is ready or timeoutMs is 0; else keep
// it waiting for at most timeoutMs (-1: no limit).
static int32_t Start(PollWait *w, int64_t timeoutMs)
{
    int32_t ready = Scan(w, timeoutMs == 0);
    PollWait *wait;

    if (ready != 0 || timeoutMs == 0)
        return ready;
    if (!(wait = api->kmalloc(sizeof(*wait))))
        return E_NOMEM;
    *wait = *w;
    wait->requestId = w->p->requestId;
    wait->timed = timeoutMs > 0 && timeoutMs <= TIMEOUT_MAX;
    wait->deadline = api->UptimeMs() + (uint32_t)(wait->timed ? timeoutMs : 0);
    wait->next = waits;
    waits = wait;
    return POSIX_DEFERRED;
}

// Take *link's wait off the list, answer it with value and free it.
static void Answer(PollWait **link, int32_t value)
{
    PollWait *w = *link;

    *link = w->next;
    if (!w->p->ended)
        PosixComplete(w->requestId, value);
    api->kfree(w);
}

// Something changed (a pipe): answer the waits that now see an fd ready.
void PollRecheck(void)
{
    PollWait **link = &waits;

    while (*link) {
        int32_t ready = Scan(*link, 0);
        if (ready != 0)
            Answer(link, ready);
        else
            link = &(*link)->next;
    }
}

// Answer the waits whose time is up. Returns the milliseconds until the
// next deadline (at least 1), or 0 if no wait has one.
uint32_t PollExpire(void)
{
    uint32_t now, next = 0;
    PollWait **link = &waits;

    if (!waits)
        return 0;                       // the usual case: no clock read
    now = api->UptimeMs();
    while (*link) {
        int32_t left = (int32_t)((*link)->deadline - now);
        if ((*link)->timed && left <= 0) {
            Answer(link, Scan(*link, 1));
            continue;
        }
        if ((*link)->timed && (next == 0 || (uint32_t)left < next))
            next = (uint32_t)left;
        link = &(*link)->next;
    }
    return next;
}

// Process pid has ended: drop its waits unanswered.
void PollProcessEnded(uint32_t pid)
{
    PollWait **link = &waits;

    while (*link) {
        PollWait *w = *link;
        if (w->p->pid == pid) {
            *link = w->next;
            api->kfree(w);
        } else
            link = &w->next;
    }
}

// The cancel hook of polls, selects and sleeps: a signal cuts p's
// waiting one short (signal.c), dropped unanswered. Returns 1 if there
// was one.
int PollCancel(PosixProcess *p, int32_t *value)
{
    uint32_t pid = p->pid;

    (void)value;                    // E_INTR
    for (PollWait **link = &waits; *link; link = &(*link)->next) {
        PollWait *w = *link;
        if (w->p->pid == pid) {
            *link = w->next;
            api->kfree(w);
            return 1;
        }
    }
    return 0;
}

// A struct timespec32 at addr as milliseconds, rounded up (addr 0: -1,
// no limit). Returns 0, E_FAULT or E_INVAL.
static int TimespecMs(PosixProcess *p, uint32_t addr, int64_t *ms)
{
    LinuxTimespec32 ts;
    int err;

    *ms = -1;
    if (!addr)
        return 0;
    if ((err = UserRead(p, &ts, addr, sizeof(ts))) != 0)
        return err;
    if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
        return E_INVAL;
    *ms = (int64_t)ts.sec * 1000 + (ts.nsec + 999999) / 1000000;
    return 0;
}

// Check poll's fds argument: at most POLL_MAX entries, writable (their
// revents go back). Returns 0, E_INVAL or E_FAULT.
static int PollCheck(PosixProcess *p, uint32_t fds, uint32_t nfds)
{
    if (nfds > POLL_MAX)
        return E_INVAL;
    return UserCheckWritable(p, fds, nfds * sizeof(LinuxPollFd)) ? E_FAULT : 0;
}

// Run poll (checked) on nfds entries at fds for at most timeoutMs.
static int32_t Poll(PosixProcess *p, uint32_t fds, uint32_t nfds, int64_t timeoutMs)
{
    PollWait w = { NULL, p, 0, 0, { fds, nfds, 0, 0 }, 0, 0, 0 };

    return Start(&w, timeoutMs);
}

// Wait ms milliseconds without holding up the server: a poll of no fds
// (nanosleep). Returns 0 now (ms 0) or POSIX_DEFERRED.
int32_t PollSleep(PosixProcess *p, uint64_t ms)
{
    PollWait w = { NULL, p, 0, 0, { 0, 0, 0, 0 }, 0, 0, 0 };

    return Start(&w, ms > TIMEOUT_MAX ? -1 : (int64_t)ms);
}

// poll(fds, nfds, timeout): timeout in ms, negative for no limit.
int32_t LinuxSysPoll(PosixProcess *p, const uint32_t *arg)
{
    int err;

    /* decode */
    if ((err = PollCheck(p, arg[0], arg[1])) != 0)
        return err;
    /* invoke */
    return Poll(p, arg[0], arg[1], (int32_t)arg[2] < 0 ? -1 : (int32_t)arg[2]);
}

// A signal mask argument (sigmask, sigsetsize): when there is a mask,
// its size must be 8 and it must be readable, as Linux copies it in.
// Returns 0, E_INVAL or E_FAULT.
static int CheckMask(PosixProcess *p, uint32_t mask, uint32_t size)
{
    uint64_t set;

    if (!mask)
        return 0;
    if (size != SIGSET_SIZE)
        return E_INVAL;
    return UserRead(p, &set, mask, sizeof(set));
}

// ppoll(fds, nfds, tsp, sigmask, sigsetsize)
int32_t LinuxSysPpoll(PosixProcess *p, const uint32_t *arg)
{
    int64_t ms;
    int err;

    /* decode */
    if ((err = TimespecMs(p, arg[2], &ms)) != 0 || (err = CheckMask(p, arg[3], arg[4])) != 0 ||
        (err = PollCheck(p, arg[0], arg[1])) != 0)
        return err;
    /* invoke */
    return Poll(p, arg[0], arg[1], ms);
}

// Check select's nfds and fd sets (arg[0..3]): nfds at most FD_SETSIZE,
// each set given writable (the ready ones go back in it). Returns 0,
// E_INVAL or E_FAULT.
static int SelectCheck(PosixProcess *p, const uint32_t *arg)
{
    if (arg[0] > LINUX_FD_SETSIZE)
        return E_INVAL;
    for (int s = 1; s <= 3; s++)
        if (arg[s] && UserCheckWritable(p, arg[s], (arg[0] + 31) / 32 * 4) != 0)
            return E_FAULT;
    return 0;
}

// Run select (checked) for at most timeoutMs.
static int32_t Select(PosixProcess *p, const uint32_t *arg, int64_t timeoutMs)
{
    PollWait w = { NULL, p, 0, 1, { arg[0], arg[1], arg[2], arg[3] }, 0, 0, 0 };

    return Start(&w, timeoutMs);
}

// _newselect(nfds, readfds, writefds, exceptfds, struct timeval *timeout)
int32_t LinuxSysSelect(PosixProcess *p, const uint32_t *arg)
{
    LinuxTimeval tv = { 0, 0 };
    int err;

    /* decode */
    if (arg[4] && (err = UserRead(p, &tv, arg[4], sizeof(tv))) != 0)
        return err;
    if (tv.sec < 0 || tv.usec < 0)
        return E_INVAL;
    if ((err = SelectCheck(p, arg)) != 0)
        return err;
    /* invoke */
    if (!arg[4])
        return Select(p, arg, -1);
    return Select(p, arg, (int64_t)tv.sec * 1000 + tv.usec / 1000 + (tv.usec % 1000 != 0));
}

// select(struct sel_arg_struct *), the old i386 call 82: the five
// arguments of _newselect in memory, copied in and checked by it.
int32_t LinuxSysOldSelect(PosixProcess *p, const uint32_t *arg)
{
    uint32_t args[5];
    int err = UserRead(p, args, arg[0], sizeof(args));

    return err ? err : LinuxSysSelect(p, args);
}

// pselect6(nfds, readfds, writefds, exceptfds, struct timespec32 *timeout,
// { sigset *, sigsetsize } *)
int32_t LinuxSysPselect6(PosixProcess *p, const uint32_t *arg)
{
    uint32_t mask[2] = { 0, 0 };
    int64_t ms;
    int err;

    /* decode */
    if ((err = TimespecMs(p, arg[4], &ms)) != 0 ||
        (arg[5] && (err = UserRead(p, mask, arg[5], sizeof(mask))) != 0) ||
        (err = CheckMask(p, mask[0], mask[1])) != 0 || (err = SelectCheck(p, arg)) != 0)
        return err;
    /* invoke */
    return Select(p, arg, ms);
}
