// One IPC request in flight (kernel/ipc/ipc.c). Every process embeds one: a
// client has at most one request outstanding, so sending allocates
// nothing, and messages up to IPC_INLINE_MAX bytes travel in buffers
// inside it.
#ifndef KERNEL_IPCREQUEST_H
#define KERNEL_IPCREQUEST_H

#include <stdint.h>
#include <clanker/message.h>
#include <kernel/proc/waitqueue.h>

#define IPC_INLINE_MAX 256

typedef enum IpcState {
    IPC_IDLE,           // not in use
    IPC_QUEUED,         // on the server's queue
    IPC_SERVING,        // received by the server, not yet answered
    IPC_DONE,           // answered or failed; the client has not looked yet
} IpcState;

struct Process;
struct IpcDelivery;

// Where a server waits for its next request (kernel/ipc/ipc.c, Take): a
// client that finds it open puts its request straight in, one copy.
typedef struct IpcInbox {
    uint32_t open;              // 1 while its owner waits in a receive into it
    uint32_t user;              // buffer and envelope are user addresses, else kernel-mode
    uintptr_t buffer;
    uint32_t capacity;
    uintptr_t envelope;         // 0: none wanted
} IpcInbox;

typedef struct IpcRequest {
    struct IpcRequest *next;    // on the server's queue or serving list
    uint32_t id;
    IpcState state;
    struct Process *client;
    struct Process *server;
    Message *message;           // the request, until received
    Message *reply;             // once DONE without error
    int error;                  // once DONE
    WaitQueue waiter;           // the client, while it waits
    const uint32_t *route;      // the server's envelope: the handler word of the
                                //  client's endpoint, then its name (nameLength
                                //  bytes and a NUL), as in IpcEnvelope
    uint32_t nameLength;
    struct IpcDelivery *delivery; // while the client waits: where its reply goes
    uint32_t replyLength;       // once DONE: a reply put straight there, its length
                                //  (0: the reply is in 'reply')
    uint8_t messageInline[IPC_INLINE_MAX] __attribute__((aligned(16)));
    uint8_t replyInline[IPC_INLINE_MAX] __attribute__((aligned(16)));
} IpcRequest;

#endif
