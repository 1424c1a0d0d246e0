// An input device's event queue: a ring that drops its oldest event when
// full, and the text lines `cat input:mouse` shows (include/lib/inputqueue.h).
#include <stddef.h>
#include <stdint.h>
#include <lib/format.h>
#include <lib/inputqueue.h>
#include <lib/string.h>

void InputQueueInit(InputQueue *q)
{
    memset(q, 0, sizeof(*q));
}

void InputQueuePut(InputQueue *q, const InputEvent *e)
{
    if (q->count == INPUT_QUEUE_MAX) {
        q->head = (q->head + 1) % INPUT_QUEUE_MAX;
        q->count--;
        q->dropped++;
    }
    q->events[(q->head + q->count++) % INPUT_QUEUE_MAX] = *e;
    q->total++;
}

void InputQueueClear(InputQueue *q)
{
    q->head = q->count = 0;
}

uint32_t InputQueueTake(InputQueue *q, InputEvent *out, uint32_t max)
{
    uint32_t n = 0;

    for (; n < max && q->count > 0; n++) {
        out[n] = q->events[q->head];
        q->head = (q->head + 1) % INPUT_QUEUE_MAX;
        q->count--;
    }
    return n;
}

uint32_t InputEventText(const InputEvent *e, char *out, uint32_t capacity)
{
    int n;

    if (e->type == INPUT_EVENT_MOUSE)
        n = Format(out, capacity, "mouse %d %d buttons 0x%x time %u\n", (int)e->dx, (int)e->dy,
                   (unsigned)e->buttons, (unsigned)e->time);
    else if (e->type == INPUT_EVENT_KEY)
        n = Format(out, capacity, "key 0x%x %s mods 0x%x time %u\n", (unsigned)e->key,
                   e->flags & INPUT_KEY_RELEASED ? "release" : "press",
                   (unsigned)(e->flags & ~INPUT_KEY_RELEASED), (unsigned)e->time);
    else
        n = Format(out, capacity, "event %u\n", (unsigned)e->type);
    return n < 0 ? 0 : (uint32_t)n < capacity ? (uint32_t)n : capacity - 1;
}

uint32_t InputQueueTakeText(InputQueue *q, char *out, uint32_t capacity)
{
    char line[INPUT_LINE_MAX + 1];
    uint32_t used = 0;

    while (q->count > 0) {
        uint32_t n = InputEventText(&q->events[q->head], line, sizeof(line));
        if (n > capacity - used)
            break;
        memcpy(out + used, line, n);
        used += n;
        q->head = (q->head + 1) % INPUT_QUEUE_MAX;
        q->count--;
    }
    return used;
}
