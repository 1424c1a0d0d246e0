// An input device's queue of events (lib/inputqueue.c),
// shared by input:mouse (drivers/ps2mouse/) and input:keyboard (the
// console service); lib/inputserver.c serves the protocol over it
// (include/clanker/input.h).
//
// Pure and freestanding. The queue holds INPUT_QUEUE_MAX events; a put
// into a full queue drops the oldest and counts it. The caller keeps the
// queue consistent against its interrupt handler (interrupts off around
// each call when the handler puts).
#ifndef LIB_INPUTQUEUE_H
#define LIB_INPUTQUEUE_H

#include <stdint.h>
#include <clanker/input.h>

#define INPUT_QUEUE_MAX  128
#define INPUT_LINE_MAX   80     // the longest line InputEventText makes, '\n' included

typedef struct InputQueue {
    InputEvent events[INPUT_QUEUE_MAX];
    uint32_t head, count;       // the oldest event, events held
    uint32_t total;             // events put since InputQueueInit
    uint32_t dropped;           // of those, dropped unread
} InputQueue;

void InputQueueInit(InputQueue *q);

// Queue e; when the queue is full the oldest event goes (q->dropped).
void InputQueuePut(InputQueue *q, const InputEvent *e);

// Drop every event held (the counters stay).
void InputQueueClear(InputQueue *q);

// Move up to max of the oldest events into out. Returns how many.
uint32_t InputQueueTake(InputQueue *q, InputEvent *out, uint32_t max);

// Move the oldest events out as text lines (InputEventText), as many
// whole lines as capacity holds. Returns the bytes written (no NUL).
uint32_t InputQueueTakeText(InputQueue *q, char *out, uint32_t capacity);

// One line for e, '\n' included, NUL-terminated in out (capacity at least
// INPUT_LINE_MAX + 1): "mouse DX DY buttons 0xB time T" or "key 0xK
// press|release mods 0xM time T". Returns its length without the NUL.
uint32_t InputEventText(const InputEvent *e, char *out, uint32_t capacity);

#endif
