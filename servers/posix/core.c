// The POSIX server's core (core.h): the table of processes with state
// here, the completions of deferred calls and the waits' cancel hooks.
//
// Everything above may use these; they call nothing of the server's own.
// A deferred call's answer is not sent from the file that finished it:
// PosixComplete queues it, and main.c, the dispatch layer, sends what is
// queued after the request or timer that made it. Each process has at
// most one call in flight (it is stopped in its int 0x80 until answered),
// so the queue never holds more completions than there are processes.
#include <stdint.h>
#include <lib/string.h>
#include "core.h"

#define COMPLETIONS 256             // the kernel's PROCESS_MAX: one call each at most

const KernelApi *api;
PosixProcess *posixCaller;

PosixProcess *posixBuckets[POSIX_BUCKETS];

static struct {
    uint32_t requestId;
    int32_t value;
} completions[COMPLETIONS];
static uint32_t completionHead;
uint32_t posixCompletionCount;

static const PosixCancel *cancelers;
static uint32_t cancelerCount;

// Visit every process that has not ended; visit may end or remove the
// one it is given.
void PosixProcessForEach(void (*visit)(PosixProcess *p, void *arg), void *arg)
{
    for (uint32_t b = 0; b < POSIX_BUCKETS; b++) {
        PosixProcess *p = posixBuckets[b], *next;
        for (; p; p = next) {
            next = p->next;
            if (!p->ended)
                visit(p, arg);
        }
    }
}

// Put p (new, its pid not in the table) into the table.
void PosixProcessAdd(PosixProcess *p)
{
    p->next = posixBuckets[p->pid % POSIX_BUCKETS];
    posixBuckets[p->pid % POSIX_BUCKETS] = p;
}

// Take pid's state out of the table. Returns it (the caller frees it),
// or NULL if pid has none.
PosixProcess *PosixProcessRemove(uint32_t pid)
{
    PosixProcess **link = &posixBuckets[pid % POSIX_BUCKETS], *p;

    while (*link && (*link)->pid != pid)
        link = &(*link)->next;
    if ((p = *link) != NULL)
        *link = p->next;
    return p;
}

// End p with waitStatus; its call gets no reply.
void PosixProcessEnd(PosixProcess *p, int waitStatus)
{
    p->ended = 1;
    api->ProcessEnd(p->pid, waitStatus);
}

// Queue the answer value of the deferred call requestId (main.c sends it).
void PosixComplete(uint32_t requestId, int32_t value)
{
    uint32_t slot;

    if (posixCompletionCount == COMPLETIONS) {       // cannot happen: one call per process
        api->Print("posix: completion queue full, call %u not answered\n", requestId);
        return;
    }
    slot = (completionHead + posixCompletionCount++) % COMPLETIONS;
    completions[slot].requestId = requestId;
    completions[slot].value = value;
}

// Take the oldest queued completion. Returns 1 with it, or 0 if none.
int PosixCompletionNext(uint32_t *requestId, int32_t *value)
{
    if (posixCompletionCount == 0)
        return 0;
    *requestId = completions[completionHead].requestId;
    *value = completions[completionHead].value;
    completionHead = (completionHead + 1) % COMPLETIONS;
    posixCompletionCount--;
    return 1;
}

// The cancel hooks of the kinds of wait, asked in order (main.c sets
// them: the waits live above this file).
void PosixCancelersSet(const PosixCancel *hooks, uint32_t count)
{
    cancelers = hooks;
    cancelerCount = count;
}

// Take p off whatever deferred call it waits in, without answering it.
// Returns 1 and what the call returns now (*value: E_INTR, or what a
// transfer had moved), or 0 if p waits in none.
int PosixCancelWait(PosixProcess *p, int32_t *value)
{
    for (uint32_t i = 0; i < cancelerCount; i++) {
        *value = E_INTR;
        if (cancelers[i](p, value))
            return 1;
    }
    return 0;
}
