// The input devices' protocol as handlers (lib/inputserver.c), for the
// servers of input:mouse (drivers/ps2mouse/) and input:keyboard (the
// console service): MSG_READ, MSG_QUERY, INPUT_MSG_SUBSCRIBE and
// INPUT_MSG_UNSUBSCRIBE with every check, the listener and its notices
// (include/clanker/input.h has the protocol). The device keeps its own
// queue (lib/inputqueue.h), filled by its interrupt handler, and hands
// it over through the calls below, each holding the handler off.
#ifndef LIB_INPUTSERVER_H
#define LIB_INPUTSERVER_H

#include <stdint.h>
#include <clanker/input.h>
#include <lib/inputqueue.h>
#include <lib/server.h>

// The listener of a device and whether it has news coming.
typedef struct InputListener {
    uint32_t pid;               // 0: none
    int told;                   // a notice went out and no read came since
} InputListener;

typedef struct InputServer {
    const char *prefix;         // the device's one name, "input:mouse:"
    uint32_t noticeJob;         // INPUT_NOTICE_MOUSE or INPUT_NOTICE_KEYBOARD
    InputListener listener;
    void *context;              // the device's own, passed to every call
    // The oldest events: as many as max; as many whole text lines as
    // capacity holds (InputQueueTakeText). Return how many / the bytes.
    uint32_t (*Take)(void *context, InputEvent *out, uint32_t max);
    uint32_t (*TakeText)(void *context, char *out, uint32_t capacity);
    // The queue's counters (InputStatus without the listener).
    void (*Status)(void *context, InputStatus *out);
    // A listener came (pid) or went (0): the queue is emptied.
    void (*Listen)(void *context, uint32_t pid);
    // Post the notice; 0, E_AGAIN (its queue is full: tried again later)
    // or E_SRCH (it has gone).
    int (*Notify)(void *context, uint32_t pid, uint32_t jobId, int32_t value);
} InputServer;

// Serve r, a request sent to anything under d->prefix: the handler of a
// route (E_NOENT for any name but the prefix itself, E_INVAL for another
// type).
int InputServerRequest(InputServer *d, ServerRequest *r);

// After every request (the Idle hook): the notice a listener is due.
void InputServerIdle(InputServer *d);

// A process ended (the ProcessEnded hook): an ended listener is dropped.
void InputServerEnded(InputServer *d, uint32_t pid);

// Whether a listener waits to be told of the next event (it has read
// since its last notice): a device whose thread is not woken by its
// interrupt looks at its queue meanwhile.
int InputServerListening(const InputServer *d);

#endif
