// clock.c: time, clocks, sleeps and alarms.
#ifndef SERVERS_POSIX_CLOCK_H
#define SERVERS_POSIX_CLOCK_H

#include "core.h"

extern const uint32_t clockBootEpoch;   // CLOCK_REALTIME at uptime 0, in seconds

uint32_t AlarmExpire(void);
void AlarmForget(PosixProcess *p);

int32_t LinuxSysTime(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGettimeofday(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysClockGettime(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysClockGettime64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysClockGetres(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysClockGetres64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysNanosleep(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysClockNanosleep(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysClockNanosleep64(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSchedYield(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysAlarm(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSetitimer(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysGetitimer(PosixProcess *p, const uint32_t *arg);

#endif
