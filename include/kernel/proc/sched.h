// The scheduler (kernel/proc/sched.c): one round-robin ready queue for
// kernel-mode and user-mode processes alike, preemption on the PIT tick,
// and the blocking primitives everything else builds on.
//
// Rules (docs/scheduling.md): call these with interrupts off unless noted;
// a process blocks only on a WaitQueue (or the sleep list) and nothing
// else holds it, so a blocked process can be killed at any time.
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdint.h>
#include <kernel/proc/process.h>

#define SCHED_HZ       100     // PIT ticks per second
#define SCHED_QUANTUM  2       // ticks a process runs before preemption

// The boot context becomes the idle process (pid 0).
void SchedInit(Process *idle);

// The running process. Inline: the IPC path asks it at every step.
static inline Process *SchedCurrent(void)
{
    return schedCurrent;
}

// Put a READY process at the tail of the ready queue.
void SchedMakeReady(Process *p);

// Give the CPU to the next ready process, if any. Interrupts may be on.
void SchedYield(void);

// Block the current process on queue (NULL: on nothing, e.g. sleeping)
// until SchedWake. Returns when woken.
void SchedBlock(WaitQueue *queue);

// Block on queue for at most ms milliseconds (0: no limit). Returns 0
// when woken, E_TIMEDOUT when the time ran out (then off the queue).
int SchedBlockTimeout(WaitQueue *queue, uint32_t ms);

// Lazy FPU switching. #NM (SchedFpuTrap): the current process wants the
// FPU, so the holder's registers are saved and its own loaded. Before the
// kernel reads a process's saved FPU state it syncs it (SchedFpuSync);
// after it replaces that state, or frees the process, it forgets the
// live copy (SchedFpuForget).
void SchedFpuTrap(void);
uint32_t SchedFpuLoads(void);       // how many times #NM has loaded registers
void SchedFpuSync(Process *p);
void SchedFpuForget(Process *p);

// Block the current process on queue and run next at once: next is
// blocked with no time limit (a server waiting for requests) and is taken
// off its wait queue. No pass over the ready queue, and the rest of the
// current time slice goes to next: IPC's hand-off of a call.
void SchedHandoff(WaitQueue *queue, Process *next);

// Wake p if it is blocked (taking it off its queue); else nothing.
void SchedWake(Process *p);

// The same, but p goes to the front of the ready queue and the current
// process yields at the next chance: a direct hand-off for IPC.
void SchedWakeFirst(Process *p);

// Wake every process on queue.
void SchedWakeAll(WaitQueue *queue);

// Sleep at least ms milliseconds (rounded up to whole ticks), waking at
// the first tick after that. Interrupts may be on.
void SchedSleep(uint32_t ms);

// Take a process that is not running off every scheduler structure.
void SchedRemove(Process *p);

// Leave the CPU for good (the current process is finished).
void SchedExit(void) __attribute__((noreturn));

// Called by the timer interrupt.
void SchedTick(void);

// Called on the way out of a trap: switch if the quantum is used up.
void SchedPreempt(void);

uint64_t SchedTicks(void);

// The load averages: the number of processes ready or running (idle
// not counted), averaged over 1, 5 and 15 minutes, sampled every 5
// seconds, as fixed-point numbers with SCHED_LOAD_SHIFT fraction bits.
// Interrupts may be on.
#define SCHED_LOAD_SHIFT 11
void SchedLoad(uint32_t out[3]);

// The ticks since boot by what was running: out[SCHED_CPU_USER] a
// user-mode process, out[SCHED_CPU_KERNEL] a kernel-mode one (programs
// and threads), out[SCHED_CPU_IDLE] the idle process. Interrupts may be on.
#define SCHED_CPU_USER   0
#define SCHED_CPU_KERNEL 1
#define SCHED_CPU_IDLE   2
void SchedCpuTicks(uint64_t out[3]);

#endif
