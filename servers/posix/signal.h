// signal.c: signal generation and delivery.
#ifndef SERVERS_POSIX_SIGNAL_H
#define SERVERS_POSIX_SIGNAL_H

#include "core.h"

// Make sig pending for p (unless p ignores it), with why as its siginfo.
// SignalSend then acts on it at once (ends p, interrupts its waiting call,
// or has the kernel poke it); SignalPost leaves that to the answer of p's
// call that is being finished now, or to a poke.
void SignalSend(PosixProcess *p, uint32_t sig, const PosixSignalInfo *why);
void SignalPost(PosixProcess *p, uint32_t sig, const PosixSignalInfo *why);
// Before p's call is answered with value: run the handler of any pending
// signal (the frame saves value). Returns what the caller's eax becomes;
// p may have ended instead.
int32_t SignalOnAnswer(PosixProcess *p, int32_t value);
int32_t SignalCheck(PosixProcess *p);
int32_t SignalFault(PosixProcess *p, const uint32_t *arg);
int SignalRequest(const Message *m);
int SignalInterrupt(const Message *m);

// The console's foreground process group (TIOCSPGRP), which a ^C is for.
uint32_t SignalForegroundGroup(void);
void SignalSetForegroundGroup(uint32_t group);

int32_t LinuxSysRtSigaction(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysRtSigprocmask(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysKill(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysTkill(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysTgkill(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysRtSigpending(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysRtSigsuspend(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysPause(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysSigreturn(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysRtSigreturn(PosixProcess *p, const uint32_t *arg);

#endif
