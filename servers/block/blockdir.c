// block: — the directory of block devices (kernel-mode).
//
// Each block driver serves its own prefix (block:nvme:, block:floppy:,
// block:ide:) and lists its devices there. This server holds block:
// itself, so `ls block:` shows every device of every driver: for MSG_LIST
// it reads ns:list, asks each block:KIND: prefix held by someone else for
// its listing, and answers with one FsDirEntry per device named
// "KIND:DEVICE" (nvme:0, floppy:a), in byte-wise name order. The listing
// is made afresh for each request, so drivers may come and go. Any other
// name under block: has no driver: E_NOENT; other requests to block: are
// E_INVAL.
//
// Run from etc/boot.conf:  kernel servers/blockdir
#include <stddef.h>
#include <clanker/block.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <clanker/kernelapi.h>
#include <lib/string.h>

#define MAX_ENTRIES 64
#define ASK_TIMEOUT_MS 5000     // a driver that does not answer is left out

static const KernelApi *api;
static FsDirEntry entries[MAX_ENTRIES];
static uint32_t count;

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} request, reply;

// Add prefix's devices (its MSG_LIST reply) to entries as "KIND:NAME".
static void AddDevices(const char *prefix)
{
    Message *ask = api->CreateMessage(MSG_LIST, 0), *answer;
    const char *kind = prefix + strlen(BLOCK_PREFIX);
    size_t kindLength = strlen(kind);

    if (!ask)
        return;
    answer = api->IpcSend(prefix, ask, ASK_TIMEOUT_MS);
    api->FreeMessage(ask);
    if (!answer)
        return;
    if (answer->type == MSG_RESPONSE) {
        uint32_t n = MessageDataLength(answer) / sizeof(FsDirEntry);
        for (uint32_t i = 0; i < n && count < MAX_ENTRIES; i++) {
            FsDirEntry *e = &entries[count];
            memcpy(e, answer->data + i * sizeof(FsDirEntry), sizeof(*e));
            e->name[FS_NAME_MAX] = 0;
            if (kindLength + strlen(e->name) > FS_NAME_MAX)
                continue;
            memmove(e->name + kindLength, e->name, strlen(e->name) + 1);
            memcpy(e->name, kind, kindLength);
            e->id = count + 1;
            count++;
        }
    }
    api->FreeMessage(answer);
}

// Collect the devices of every block:KIND: prefix in ns:list.
static void Collect(void)
{
    Message *ask = api->CreateMessage(MSG_READ, 0), *text;
    char line[NS_NAME_MAX + 1];

    count = 0;
    if (!ask)
        return;
    text = api->IpcSend("ns:list", ask, ASK_TIMEOUT_MS);
    api->FreeMessage(ask);
    if (!text)
        return;
    for (uint32_t at = 0, length = MessageDataLength(text);
         text->type == MSG_RESPONSE && at < length;) {
        uint32_t n = 0;
        while (at + n < length && text->data[at + n] != ' ' && text->data[at + n] != '\n')
            n++;
        if (n < sizeof(line) && n > strlen(BLOCK_PREFIX)) {
            memcpy(line, text->data + at, n);
            line[n] = 0;
            if (strncmp(line, BLOCK_PREFIX, strlen(BLOCK_PREFIX)) == 0 && line[n - 1] == ':')
                AddDevices(line);
        }
        while (at < length && text->data[at] != '\n')
            at++;
        at++;
    }
    api->FreeMessage(text);
}

// Sort entries by name, byte-wise (insertion sort: a handful of devices).
static void Sort(void)
{
    static FsDirEntry held;

    for (uint32_t i = 1; i < count; i++) {
        uint32_t j = i;
        held = entries[i];
        for (; j > 0 && strcmp(entries[j - 1].name, held.name) > 0; j--)
            entries[j] = entries[j - 1];
        entries[j] = held;
    }
}

static int Fail(int32_t error)
{
    reply.message.type = MSG_ERROR;
    reply.message.length = MESSAGE_HEADER_SIZE + sizeof(error);
    memcpy(reply.message.data, &error, sizeof(error));
    return 0;
}

// MSG_LIST of block: (no payload, or an FsListRequest).
static int List(const Message *m)
{
    FsListRequest want = { 0, FS_LIST_MAX };
    uint32_t n = 0;

    if (MessageDataLength(m) != 0 && MessageDataLength(m) != sizeof(want))
        return Fail(E_INVAL);
    if (MessageDataLength(m))
        memcpy(&want, m->data, sizeof(want));
    if (want.count == 0 || want.count > FS_LIST_MAX)
        want.count = FS_LIST_MAX;
    Collect();
    Sort();
    for (uint32_t i = want.index; i < count && n < want.count; i++, n++)
        memcpy(reply.message.data + n * sizeof(FsDirEntry), &entries[i], sizeof(FsDirEntry));
    reply.message.type = MSG_RESPONSE;
    reply.message.length = MESSAGE_HEADER_SIZE + n * sizeof(FsDirEntry);
    return 0;
}

int main(const KernelApi *kernel, int argc, char **argv)
{
    IpcEnvelope envelope;

    (void)argc; (void)argv;
    api = kernel;
    if (api->NamespaceRegister(BLOCK_PREFIX, NULL) != 0) {
        api->Print("blockdir: cannot serve %s\n", BLOCK_PREFIX);
        return 1;
    }
    for (;;) {
        if (api->IpcReceiveInto(&request.message, sizeof(request), &envelope) < 0)
            continue;
        if (strcmp(envelope.name, BLOCK_PREFIX) != 0)
            Fail(E_NOENT);
        else if (request.message.type == MSG_LIST)
            List(&request.message);
        else
            Fail(E_INVAL);
        api->IpcReply(request.message.requestId, &reply.message);
    }
}
