// Messages: the unit of IPC between programs (docs/ipc.md).
//
// A message is a 16-byte header followed by up to MESSAGE_MAX_DATA bytes
// of payload. 'length' counts the whole message, header included. The
// kernel fills senderId (the sender's pid) and requestId (unique per
// request) as it delivers a request; a reply carries the requestId of the
// request it answers. Each request type's payload layout is in docs/ipc.md.
#ifndef CLANKER_MESSAGE_H
#define CLANKER_MESSAGE_H

#include <stdint.h>

typedef enum MessageType {
    MSG_READ = 1,       // read from the named object
    MSG_WRITE,          // write to it
    MSG_OPEN,
    MSG_CLOSE,
    MSG_QUERY,          // ask a server about itself or an object
    MSG_RESPONSE,       // a successful reply
    MSG_ERROR,          // a failed reply: data holds an int32 E_* code
    MSG_LIST,           // list what is under a name
    MSG_STAT,
    MSG_CREATE,
    MSG_DELETE,
    MSG_READ_ASYNC,     // start a read; the reply holds a job id at once
    MSG_WRITE_ASYNC,    // start a write; the same (include/clanker/job.h)
    MSG_MKDIR,
    MSG_RMDIR,
    MSG_RENAME,
    MSG_TRUNCATE,
    MSG_PING,           // echo the payload back (tests and benchmarks)
    MSG_PROCESS_EXIT,   // from the kernel, to servers that asked (IpcWatchExits):
                        // process data[0..3] ended; senderId and requestId 0, no reply
    MSG_PERSONALITY_CALL, // from the kernel: a process's trap to a personality (include/clanker/personality.h)
    MSG_SYNC,           // write everything cached for the name (a disk, a filesystem) to its device
    MSG_UNMOUNT,        // to a filesystem's prefix: flush, reply, stop serving, exit
    MSG_PERSONALITY_INTERRUPT, // from the kernel: ^C for a personality's process
    MSG_CANCEL,         // drop an asynchronous job: data holds its uint32 job id
    MSG_NOTICE,         // from the kernel, to processes that asked (IpcWatchNotices): a
                        // notice (IpcNotification) queued for it; senderId and requestId 0, no reply
    MSG_TYPE_LIMIT,     // first unused number; servers may use higher ones
} MessageType;

typedef struct Message {
    uint32_t type;          // a MessageType
    uint32_t length;        // total bytes, header included
    uint32_t senderId;      // pid of the sender (set by the kernel)
    uint32_t requestId;     // matches a reply to its request (set by the kernel)
    uint8_t data[];
} Message;

#define MESSAGE_HEADER_SIZE ((uint32_t)sizeof(Message))     // 16
#define MESSAGE_MAX_DATA    (64u * 1024)
#define MESSAGE_MAX_SIZE    (MESSAGE_HEADER_SIZE + MESSAGE_MAX_DATA)

// Bytes of payload in m.
static inline uint32_t MessageDataLength(const Message *m)
{
    return m->length - MESSAGE_HEADER_SIZE;
}

// Namespace names (docs/namespaces.md).
#define NS_NAME_MAX 255

// What IpcReceive tells a server besides the message itself.
typedef struct IpcEnvelope {
    uint32_t handler;               // the value given to NamespaceRegister
    char name[NS_NAME_MAX + 1];     // the full name the client sent to
} IpcEnvelope;

// A completion notice for an asynchronous job (SYS_IPC_NOTIFY).
// Where SYS_IPC_REPLY_WAIT receives the next request: SYS_IPC_RECEIVE's
// arguments, and a time limit (0: none).
typedef struct IpcReceiveArgs {
    Message *buffer;
    uint32_t capacity;
    IpcEnvelope *envelope;
    uint32_t timeoutMs;
} IpcReceiveArgs;

typedef struct IpcNotification {
    uint32_t senderId;      // pid of the notifier
    uint32_t jobId;
    int32_t value;          // a result the server chooses (length, E_* code, ...)
} IpcNotification;

#define IPC_QUEUE_MAX  16   // requests waiting for one server; more: E_AGAIN
#define IPC_NOTIFY_MAX 32   // notices waiting for one process; more: E_AGAIN
#define IPC_PREFIXES_MAX 64 // prefixes one process may hold; more: E_NOSPC

#endif
