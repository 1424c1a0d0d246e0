// A kernel-mode echo server for the IPC tests and benchmarks. Serves the
// prefix in argv[1] (default "test:kecho:"):
//   MSG_PING        reply with the same payload (IpcReplyWait)
//   MSG_QUERY       reply with the full name the client sent to
//   MSG_READ_ASYNC  reply at once with a job id; 20 ms later notify the
//                   client (value 1234)
//   MSG_WRITE       sleep for the uint32 ms in the payload, then reply
//   MSG_CLOSE       reply, then exit 0
// anything else gets MSG_ERROR E_INVAL.
#include <clanker/error.h>
#include <clanker/kernelapi.h>
#include <lib/string.h>

static const KernelApi *api;
static uint32_t nextJob = 1;
static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} box __attribute__((aligned(16)));

static void Reply(uint32_t id, uint32_t type, const void *data, uint32_t length)
{
    Message *m = api->CreateMessage(type, length);

    if (m) {
        memcpy(m->data, data, length);
        api->IpcReply(id, m);
        api->FreeMessage(m);
    }
}

// One request; returns 0 to keep serving, 1 to stop.
static int Handle(Message *m, const IpcEnvelope *env)
{
    int32_t error = E_INVAL;
    uint32_t ms;

    switch (m->type) {
    case MSG_QUERY:
        Reply(m->requestId, MSG_RESPONSE, env->name, strlen(env->name) + 1);
        return 0;
    case MSG_READ_ASYNC: {
        uint32_t job = nextJob++;
        Reply(m->requestId, MSG_RESPONSE, &job, sizeof(job));
        api->Sleep(20);
        api->IpcNotify(m->senderId, job, 1234);
        return 0;
    }
    case MSG_WRITE:
        ms = 0;
        if (MessageDataLength(m) >= 4)
            memcpy(&ms, m->data, 4);
        api->Sleep(ms);
        Reply(m->requestId, MSG_RESPONSE, 0, 0);
        return 0;
    case MSG_CLOSE:
        Reply(m->requestId, MSG_RESPONSE, 0, 0);
        return 1;
    default:
        Reply(m->requestId, MSG_ERROR, &error, sizeof(error));
        return 0;
    }
}

int main(const KernelApi *kapi, int argc, char **argv)
{
    const char *prefix = argc > 1 ? argv[1] : "test:kecho:";
    IpcEnvelope env;
    int err;

    api = kapi;
    err = api->NamespaceRegister(prefix, 0);
    if (err) {
        api->Print("kecho: cannot register %s: %d\n", prefix, err);
        return 1;
    }
    // A ping is answered and the next request taken in one call
    // (IpcReplyWait: the reply leaves the box before the next one fills it).
    for (int got = api->IpcReceiveInto(&box.message, MESSAGE_MAX_SIZE, &env);;) {
        if (got >= 0 && box.message.type == MSG_PING) {
            box.message.type = MSG_RESPONSE;
            got = api->IpcReplyWait(box.message.requestId, &box.message, &box.message,
                                    MESSAGE_MAX_SIZE, &env, 0);
            continue;
        }
        if (got >= 0 && Handle(&box.message, &env))
            return 0;
        got = api->IpcReceiveInto(&box.message, MESSAGE_MAX_SIZE, &env);
    }
}
