// Per-process state, and the calls about the process itself: exit,
// exit_group, getpid, gettid, getppid, set_thread_area, set_tid_address,
// set_robust_list, prctl.
//
// A process's state is made on its first call: the kernel's facts about
// it (ProcessQuery: parent, image end, stack), fds 0-2 on the console,
// cwd "/", umask 022, the break at the end of its image, a default
// termios. It lives in a hash table by pid until the kernel's exit notice
// for the pid arrives (main.c), however the process ended; then its fds
// are closed (and with them the fs handles the server held for it) and
// everything is freed. Pids are never reused, so a late call cannot
// meet another process's state.
//
// exit and exit_group end the caller through ProcessEnd with the Linux
// wait status; the call gets no reply, since there is no one left to
// take it. Threads are processes here: gettid is the pid, and the TLS
// that set_thread_area installs is the process's own.
#include <clanker/syscall.h>
#include <lib/string.h>
#include "posix.h"

#define BUCKETS 64

static PosixProcess *buckets[BUCKETS];

// The console's termios at start: cooked, echoing, 38400 8N1.
static const LinuxTermios defaultTermios = {
    .iflag = 0002400,                   // ICRNL | IXON
    .oflag = 0000005,                   // OPOST | ONLCR
    .cflag = 0000277,                   // B38400 | CS8 | CREAD
    .lflag = 0105073,                   // ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN
    .cc = { 003, 034, 0177, 025, 004, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0 },
};

// The state of pid, or NULL.
static PosixProcess *Find(uint32_t pid)
{
    PosixProcess *p = buckets[pid % BUCKETS];

    while (p && p->pid != pid)
        p = p->next;
    return p;
}

// Fill a new state for pid from the kernel's facts. Returns 0 or E_NOMEM.
static int Init(PosixProcess *p, const ProcessFacts *facts)
{
    memset(p, 0, sizeof(*p));
    p->pid = facts->pid;
    p->parent = facts->parent;
    p->cwd[0] = '/';
    p->umask = 022;
    p->pgrp = facts->pid;
    p->termios = defaultTermios;
    memcpy(p->name, facts->name, sizeof(p->name));
    p->name[sizeof(p->name) - 1] = 0;
    VfsTakeExe(p->name, p->exe);
    MemoryInit(p, facts);
    return FdOpenConsole(p);
}

// The state of pid, made on its first call. NULL with *err (E_SRCH for a
// process that is not a live user process, E_NOMEM).
PosixProcess *PosixProcessGet(uint32_t pid, int *err)
{
    PosixProcess *p = Find(pid);
    ProcessFacts facts;

    if (p)
        return p;
    if ((*err = api->ProcessQuery(pid, &facts)) != 0)
        return NULL;
    facts.pid = pid;
    if (!(p = api->kmalloc(sizeof(*p)))) {
        *err = E_NOMEM;
        return NULL;
    }
    if ((*err = Init(p, &facts)) != 0) {
        api->kfree(p);
        return NULL;
    }
    p->next = buckets[pid % BUCKETS];
    buckets[pid % BUCKETS] = p;
    return p;
}

// Drop pid's state (it has ended): close its fds, free its memory.
void PosixProcessEnded(uint32_t pid)
{
    PosixProcess **link = &buckets[pid % BUCKETS], *p;

    while (*link && (*link)->pid != pid)
        link = &(*link)->next;
    if (!(p = *link))
        return;
    *link = p->next;
    FdCloseAll(p);
    MemoryFree(p);
    api->kfree(p);
}

// End the caller with waitStatus; its call gets no reply.
void PosixProcessEnd(PosixProcess *p, int waitStatus)
{
    p->ended = 1;
    api->ProcessEnd(p->pid, waitStatus);
}

// exit(code) and exit_group(code)
int32_t SysExit(PosixProcess *p, const uint32_t *arg)
{
    PosixProcessEnd(p, WAIT_STATUS_EXITED(arg[0] & 0xff));
    return 0;
}

// getpid() and gettid()
int32_t SysGetpid(PosixProcess *p, const uint32_t *arg)
{
    (void)arg;
    return (int32_t)p->pid;
}

// getppid(): 0 for a process started by the kernel.
int32_t SysGetppid(PosixProcess *p, const uint32_t *arg)
{
    (void)arg;
    return (int32_t)p->parent;
}

// set_thread_area(u_info): install the TLS segment; the entry number the
// kernel chose is written back.
int32_t SysSetThreadArea(PosixProcess *p, const uint32_t *arg)
{
    PosixUserDesc desc;
    int err = UserRead(p, &desc, arg[0], sizeof(desc));

    if (err || (err = api->ProcessSetTls(p->pid, &desc)) != 0)
        return err;
    return UserWrite(p, arg[0], &desc, sizeof(desc));
}

// set_tid_address(tidptr): kept (nothing clears it yet); returns the tid.
int32_t SysSetTidAddress(PosixProcess *p, const uint32_t *arg)
{
    p->tidAddress = arg[0];
    return (int32_t)p->pid;
}

// set_robust_list(head, length): accepted (there are no futexes to wake).
int32_t SysSetRobustList(PosixProcess *p, const uint32_t *arg)
{
    (void)p;
    return arg[1] == 12 ? 0 : E_INVAL;
}

// PR_SET_NAME: the process's name as the POSIX layer reports it (15
// bytes at most).
static int32_t SetName(PosixProcess *p, uint32_t from)
{
    char name[LINUX_TASK_COMM];
    int length = UserReadString(p, name, from, sizeof(name));

    if (length == E_NAMETOOLONG)
        length = UserRead(p, name, from, sizeof(name) - 1) ? E_FAULT : (int)sizeof(name) - 1;
    if (length < 0)
        return length;
    name[length] = 0;
    memcpy(p->name, name, (uint32_t)length + 1);
    return 0;
}

// PR_GET_NAME
static int32_t GetName(PosixProcess *p, uint32_t to)
{
    char name[LINUX_TASK_COMM];

    memset(name, 0, sizeof(name));
    memcpy(name, p->name, strnlen(p->name, sizeof(name) - 1));
    return UserWrite(p, to, name, sizeof(name));
}

// prctl(option, ...): PR_SET_NAME and PR_GET_NAME; the rest E_INVAL.
int32_t SysPrctl(PosixProcess *p, const uint32_t *arg)
{
    if (arg[0] == LINUX_PR_SET_NAME)
        return SetName(p, arg[1]);
    if (arg[0] == LINUX_PR_GET_NAME)
        return GetName(p, arg[1]);
    return E_INVAL;
}
