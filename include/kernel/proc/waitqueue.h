// A FIFO of blocked processes (used by kernel/proc/sched.c).
#ifndef KERNEL_WAITQUEUE_H
#define KERNEL_WAITQUEUE_H

struct Process;

typedef struct WaitQueue {
    struct Process *head;
    struct Process *tail;
} WaitQueue;

#endif
