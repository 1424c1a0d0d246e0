// poll.c: waiting for fds; the deadlines of the calls that wait.
#ifndef SERVERS_POSIX_POLL_H
#define SERVERS_POSIX_POLL_H

#include "core.h"

// Something an fd may be waited for changed (a pipe, the console): the
// waiting polls and selects look again.
void PollRecheck(void);
int PollWatchesConsole(void);
uint32_t PollExpire(void);
void PollProcessEnded(uint32_t pid);
int PollCancel(PosixProcess *p, int32_t *value);
int32_t PollSleep(PosixProcess *p, uint64_t ms);

int32_t LinuxSysPoll(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysPpoll(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSelect(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysOldSelect(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysPselect6(PosixProcess *p, const uint32_t *arg);

#endif
