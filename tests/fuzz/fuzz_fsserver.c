// libFuzzer target for the filesystem protocol (lib/fsserver.c).
//
// The input is a sequence of requests to one server over one RamFs. The
// first byte picks the RamFs byte limit (16 KiB to 1 MiB, so sparse files
// cannot use much memory). Each request is:
//   type byte   mostly a request of the protocol; also unknown types,
//               MSG_TYPE_LIMIT and 0xFFFFFFFF, a kernel exit notice, or
//               "make the next few allocations fail, or stop doing so"
//   sender byte the client pid (0-3); its high bits pick the payload kind:
//               the request's own structure (with handles the server gave
//               out, or 0, or junk), or raw bytes of any small length
//   name        built by BuildName: the prefix and a few components, raw
//               bytes rich in '.' and '/', a long path, or a foreign name
//   payload     per the payload kind
//
// Invariants checked (abort() on violation):
//   - FsServerHandle returns 0 exactly for a kernel exit notice (sender 0,
//     MSG_PROCESS_EXIT) and leaves the reply alone then; otherwise 1 and a
//     reply of type MSG_RESPONSE or MSG_ERROR carrying the requestId, its
//     length within [MESSAGE_HEADER_SIZE, MESSAGE_MAX_SIZE]
//   - a MSG_ERROR carries exactly 4 bytes, a negative E_* code; E_NOMEM
//     only when an allocation failed; a failed request leaves the RamFs
//     usage (bytes, files, directories) as it was
//   - a name outside the prefix gives E_NOENT, an unknown type E_INVAL, a
//     fixed-size payload of another size E_INVAL
//   - a MSG_RESPONSE has the payload its request promises: a positive
//     handle, an FsCount equal to the length written, at most the bytes
//     asked (and FS_IO_MAX) read, an FsStat, whole FsDirEntry records
//     (at most FS_LIST_MAX, names NUL-terminated and non-empty), an
//     FsServerStatus with no job (MSG_QUERY), or none
//   - with no server's port, an asynchronous request is E_INVAL or
//     E_NOSYS, and a MSG_CANCEL E_INVAL or E_NOENT
//   - requests by name leave no handle open: each client holds exactly
//     the handles it opened and did not close, an exit notice closes all
//     of them, and the counts agree when everything is closed at the end
//   - RamFsCheck passes after every request; destroying the RamFs
//     releases every allocation
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clanker/error.h>
#include <clanker/fs.h>
#include <lib/fsserver.h>
#include <lib/ramfs.h>

#include "fuzzkit.h"

#define PREFIX      "fs:temp:"
#define CLIENTS     4
#define TRACKED     64
#define EXIT_NOTICE 0xFFFFFF00u     // pseudo type: the kernel's exit notice
#define FAIL_ALLOCS 0xFFFFFF01u     // pseudo type: toggle allocation failures

typedef union Buffer {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} Buffer;

typedef struct Tracked {
    int32_t handle;
    uint32_t owner;
} Tracked;

static RamFs *fs;
static FsServer server;
static Buffer request, reply;
static Tracked tracked[TRACKED];
static uint32_t trackedCount;
static uint32_t openCount[CLIENTS];     // handles each client holds
static uint32_t nextRequestId;

static void Fail(const char *what)
{
    fprintf(stderr, "fuzz_fsserver: invariant violated: %s\n", what);
    abort();
}

// --- building requests ----------------------------------------------------------

static uint32_t ReadU32(Reader *r)
{
    uint32_t v = 0;

    for (int i = 0; i < 4; i++)
        v |= (uint32_t)ReadByte(r) << (8 * i);
    return v;
}

static uint32_t BuildType(Reader *r)
{
    uint8_t b = ReadByte(r);

    switch (b % 32) {
    case 20:
        return MSG_TYPE_LIMIT;
    case 21:
        return 0xFFFFFFFFu;
    case 22:
        return ReadU32(r);
    case 23:
    case 24:
    case 25:
        return EXIT_NOTICE;
    case 26:
        return FAIL_ALLOCS;
    case 27:
    case 28:
        return MSG_READ;
    case 29:
    case 30:
        return MSG_WRITE;
    case 31:
        return MSG_OPEN;
    default:
        return b % 32;              // 0 and every MessageType
    }
}

// A full name of at most NS_NAME_MAX bytes, as an envelope carries.
static void BuildName(Reader *r, char *out)
{
    static const char *parts[4] = { "a", "b", "c", "dd" };
    static const char raw[8] = { 'a', 'b', '.', '/', '.', '/', 'x', '\xff' };
    static const char *foreign[4] = { "fs:root:a", "", "fs:temp", "fs:tem:a" };
    uint8_t mode = ReadByte(r);
    size_t n = strlen(PREFIX), count;

    memcpy(out, PREFIX, n);
    switch (mode & 7) {
    case 5:
        count = ReadByte(r) % 10;
        for (size_t i = 0; i < count; i++)
            out[n++] = raw[ReadByte(r) & 7];
        break;
    case 6:
        count = 240 + ReadByte(r) % 16;
        if (count > NS_NAME_MAX - n)
            count = NS_NAME_MAX - n;
        memset(out + n, 'x', count);
        if (mode & 8)
            out[n + 1] = '/';
        n += count;
        break;
    case 7:
        strcpy(out, foreign[(mode >> 3) & 3]);
        return;
    default:
        if (mode & 8)
            out[n++] = '/';
        count = (mode >> 4) % 4;
        for (size_t i = 0; i < count; i++) {
            const char *part = parts[ReadByte(r) & 3];
            if (i > 0)
                out[n++] = '/';
            memcpy(out + n, part, strlen(part));
            n += strlen(part);
        }
        if (mode & 64)
            out[n++] = '/';
        break;
    }
    out[n] = 0;
}

// A handle the server gave out (to whichever client), 0, or junk.
static int32_t BuildHandle(Reader *r)
{
    uint8_t how = ReadByte(r);

    if ((how & 3) < 2 && trackedCount > 0)
        return tracked[ReadByte(r) % trackedCount].handle;
    if ((how & 3) == 2)
        return 0;
    return (int32_t)ReadU32(r);
}

static uint64_t BuildOffset(Reader *r)
{
    uint8_t how = ReadByte(r);

    switch (how & 3) {
    case 0:
        return ReadByte(r);
    case 1:
        return (uint64_t)(ReadByte(r) % 20) * RAMFS_BLOCK_SIZE + ReadByte(r);
    case 2:
        return (uint64_t)ReadU32(r) << (ReadByte(r) % 33);
    default:
        return RAMFS_FILE_MAX - ReadByte(r);
    }
}

static uint32_t BuildLength(Reader *r, uint32_t max)
{
    uint8_t how = ReadByte(r);
    uint32_t length;

    switch (how & 3) {
    case 0:
        length = ReadByte(r) % 32;
        break;
    case 1:
        length = (uint32_t)ReadByte(r) * 64 + ReadByte(r);
        break;
    case 2:
        length = FS_IO_MAX - ReadByte(r) % 4;
        break;
    default:
        length = ReadU32(r);
        break;
    }
    return length > max ? max : length;
}

// The payload of type in its own structure; returns its size.
static uint32_t BuildStructured(Reader *r, uint32_t type, uint8_t *out)
{
    FsIo io;
    FsTruncate t;
    FsListRequest list;
    FsHandle h;
    uint32_t u, size;

    switch (type) {
    case MSG_OPEN:
        u = ReadByte(r);
        u = (u & 0x3F) | ((u & 0xC0) == 0xC0 ? 0x40u << (ReadByte(r) % 26) : 0);
        memcpy(out, &u, sizeof(u));
        return sizeof(u);
    case MSG_CLOSE:
    case MSG_STAT:
        h.handle = BuildHandle(r);
        memcpy(out, &h, sizeof(h));
        return (type == MSG_STAT && (ReadByte(r) & 1)) ? 0 : sizeof(h);
    case MSG_READ:
        io = (FsIo){ BuildHandle(r), BuildLength(r, 0xFFFFFFFFu), BuildOffset(r) };
        memcpy(out, &io, sizeof(io));
        return sizeof(io);
    case MSG_WRITE: {
        uint8_t seed = ReadByte(r), mismatch = ReadByte(r);
        io = (FsIo){ BuildHandle(r), BuildLength(r, FS_IO_MAX), BuildOffset(r) };
        size = io.length;
        for (uint32_t i = 0; i < size; i++)
            out[sizeof(io) + i] = (uint8_t)(seed + i * 131 + (i >> 9));
        if ((mismatch & 15) == 0)
            io.length += mismatch >> 4;     // disagrees with what follows
        memcpy(out, &io, sizeof(io));
        return (uint32_t)sizeof(io) + size;
    }
    case MSG_TRUNCATE:
        t = (FsTruncate){ BuildHandle(r), 0, BuildOffset(r) };
        if ((ReadByte(r) & 15) == 0)
            t.reserved = ReadU32(r);
        memcpy(out, &t, sizeof(t));
        return sizeof(t);
    case MSG_LIST:
        list = (FsListRequest){ ReadByte(r) % 8, ReadByte(r) % 8 };
        if (list.index == 7)
            list.index = ReadU32(r);
        memcpy(out, &list, sizeof(list));
        return (ReadByte(r) & 3) == 0 ? 0 : sizeof(list);
    case MSG_RENAME: {
        uint8_t how = ReadByte(r);
        BuildName(r, (char *)out);
        size = (uint32_t)strlen((char *)out) + 1;
        if ((how & 7) == 0)
            size--;                         // no NUL
        else if ((how & 7) == 1)
            out[size++] = 'z';              // something after the NUL
        else if ((how & 7) == 2) {
            memset(out + size - 1, 'y', 8); // longer: a long one passes NS_NAME_MAX
            size += 8;
            out[size - 1] = 0;
        }
        return size;
    }
    case EXIT_NOTICE:
    case MSG_PROCESS_EXIT:
        u = ReadByte(r) % (CLIENTS + 1);
        memcpy(out, &u, sizeof(u));
        return (ReadByte(r) & 7) == 0 ? ReadByte(r) % 8 : sizeof(u);
    default:
        return 0;
    }
}

// The payload size type must have, or -1 if it may vary.
static int FixedSize(uint32_t type)
{
    switch (type) {
    case MSG_OPEN:
    case MSG_CLOSE:
    case MSG_CANCEL:
        return 4;
    case MSG_READ:
    case MSG_TRUNCATE:
        return 16;
    case MSG_READ_ASYNC:
    case MSG_WRITE_ASYNC:
        return (int)sizeof(FsAsyncIo);
    case MSG_QUERY:
    case MSG_CREATE:
    case MSG_MKDIR:
    case MSG_DELETE:
    case MSG_RMDIR:
        return 0;
    default:
        return -1;
    }
}

// --- checking replies -----------------------------------------------------------

static void Track(int32_t handle, uint32_t owner)
{
    if (trackedCount < TRACKED)
        tracked[trackedCount++] = (Tracked){ handle, owner };
    else
        tracked[handle % TRACKED] = (Tracked){ handle, owner };
}

static void Untrack(int32_t handle, uint32_t owner)
{
    for (uint32_t i = 0; i < trackedCount; i++) {
        if (tracked[i].handle == handle && tracked[i].owner == owner) {
            tracked[i] = tracked[--trackedCount];
            return;
        }
    }
}

static void CheckResponse(uint32_t type, uint32_t client, uint32_t payload)
{
    uint32_t size = MessageDataLength(&reply.message);
    const uint8_t *in = request.message.data;
    FsHandle h;
    FsCount count;
    FsIo io;

    switch (type) {
    case MSG_OPEN:
        memcpy(&h, reply.message.data, sizeof(h));
        if (size != sizeof(h) || h.handle <= 0)
            Fail("MSG_OPEN reply is not a handle");
        Track(h.handle, client);
        openCount[client]++;
        break;
    case MSG_CLOSE:
        memcpy(&h, in, sizeof(h));
        Untrack(h.handle, client);
        if (openCount[client]-- == 0)
            Fail("MSG_CLOSE closed more handles than were opened");
        /* fall through */
    case MSG_TRUNCATE:
    case MSG_CREATE:
    case MSG_MKDIR:
    case MSG_DELETE:
    case MSG_RMDIR:
    case MSG_RENAME:
        if (size != 0)
            Fail("reply should carry no payload");
        break;
    case MSG_READ:
        memcpy(&io, in, sizeof(io));
        if (size > io.length || size > FS_IO_MAX)
            Fail("MSG_READ returned more than asked");
        break;
    case MSG_WRITE:
        memcpy(&io, in, sizeof(io));
        memcpy(&count, reply.message.data, sizeof(count));
        if (size != sizeof(count) || count.count != io.length ||
            io.length != payload - sizeof(io))
            Fail("MSG_WRITE reply does not count the bytes sent");
        break;
    case MSG_STAT:
        if (size != sizeof(FsStat))
            Fail("MSG_STAT reply is not an FsStat");
        break;
    case MSG_QUERY:
        if (size != sizeof(FsServerStatus) ||
            ((const FsServerStatus *)reply.message.data)->jobs != 0)
            Fail("MSG_QUERY reply is not an FsServerStatus with no job");
        break;
    case MSG_LIST:
        if (size % sizeof(FsDirEntry) != 0 || size / sizeof(FsDirEntry) > FS_LIST_MAX)
            Fail("MSG_LIST reply is not whole entries");
        for (uint32_t at = 0; at < size; at += sizeof(FsDirEntry)) {
            const FsDirEntry *e = (const FsDirEntry *)(reply.message.data + at);
            size_t n = strnlen(e->name, sizeof(e->name));
            if (n == 0 || n == sizeof(e->name) ||
                (e->type != FS_TYPE_FILE && e->type != FS_TYPE_DIR))
                Fail("MSG_LIST entry is malformed");
        }
        break;
    default:
        Fail("a request the protocol does not have succeeded");
    }
}

static void CheckError(uint32_t type, const char *name, uint32_t payload)
{
    int32_t code;
    int fixed = FixedSize(type);

    if (reply.message.length != MESSAGE_HEADER_SIZE + sizeof(code))
        Fail("MSG_ERROR does not carry exactly an int32");
    memcpy(&code, reply.message.data, sizeof(code));
    if (code >= 0)
        Fail("MSG_ERROR code is not negative");
    if (code == E_NOMEM && !allocationFailed)
        Fail("E_NOMEM without a failed allocation");
    if (strncmp(name, PREFIX, strlen(PREFIX)) != 0) {
        if (code != E_NOENT)
            Fail("a foreign name did not give E_NOENT");
        return;
    }
    if (type == 0 || type == MSG_RESPONSE || type == MSG_ERROR || type == MSG_PING ||
        (type >= MSG_PROCESS_EXIT && type != MSG_CANCEL)) {
        if (code != E_INVAL)
            Fail("an unknown request did not give E_INVAL");
    }
    // Outside a server jobs cannot run: a well-formed one is E_NOSYS, a
    // cancel finds none.
    if ((type == MSG_READ_ASYNC || type == MSG_WRITE_ASYNC) && code != E_INVAL && code != E_NOSYS)
        Fail("an asynchronous request outside a server gave neither E_INVAL nor E_NOSYS");
    if (type == MSG_CANCEL && code != E_INVAL && code != E_NOENT)
        Fail("a cancel outside a server gave neither E_INVAL nor E_NOENT");
    if (fixed >= 0 && payload != (uint32_t)fixed && code != E_INVAL)
        Fail("a payload of the wrong size did not give E_INVAL");
}

// The kernel's notice that pid ended: no reply, and pid holds no handle.
static void Notice(uint32_t payload)
{
    uint32_t pid;
    uint8_t header[MESSAGE_HEADER_SIZE];

    request.message.type = MSG_PROCESS_EXIT;
    request.message.senderId = 0;
    request.message.requestId = 0;
    memcpy(header, reply.bytes, sizeof(header));
    if (FsServerHandle(&server, &request.message, "", &reply.message) != 0)
        Fail("an exit notice was answered");
    if (memcmp(header, reply.bytes, sizeof(header)) != 0)
        Fail("an exit notice wrote a reply");
    if (payload != sizeof(pid))
        return;
    memcpy(&pid, request.message.data, sizeof(pid));
    if (RamFsCloseOwner(fs, pid) != 0)
        Fail("an exit notice left handles of the process open");
    if (pid < CLIENTS) {
        openCount[pid] = 0;
        for (uint32_t i = 0; i < trackedCount;) {
            if (tracked[i].owner == pid)
                tracked[i] = tracked[--trackedCount];
            else
                i++;
        }
    }
}

static void OneRequest(Reader *r)
{
    static uint8_t payloadBuffer[MESSAGE_MAX_DATA];
    char name[2 * NS_NAME_MAX];
    uint32_t type = BuildType(r), payload;
    uint8_t sender = ReadByte(r);
    uint32_t client = sender % CLIENTS;
    uint64_t bytes, bytesAfter;
    uint32_t files, dirs, filesAfter, dirsAfter;

    if (type == FAIL_ALLOCS) {
        failing = failing ? 0 : 1 + ReadByte(r) % 4;
        return;
    }
    BuildName(r, name);
    if ((sender >> 2) % 4 == 0) {          // raw bytes
        payload = ReadByte(r) % 48;
        for (uint32_t i = 0; i < payload; i++)
            payloadBuffer[i] = ReadByte(r);
    } else {
        payload = BuildStructured(r, type, payloadBuffer);
    }
    request.message = (Message){ .type = type, .length = MESSAGE_HEADER_SIZE + payload,
                                 .senderId = client, .requestId = ++nextRequestId };
    memcpy(request.message.data, payloadBuffer, payload);
    allocationFailed = 0;
    if (type == EXIT_NOTICE || (type == MSG_PROCESS_EXIT && client == 0)) {
        Notice(payload);
        return;
    }
    RamFsUsage(fs, &bytes, &files, &dirs);
    if (FsServerHandle(&server, &request.message, name, &reply.message) != 1)
        Fail("FsServerHandle did not answer a request");
    if (reply.message.requestId != request.message.requestId)
        Fail("the reply does not carry the requestId");
    if (reply.message.length < MESSAGE_HEADER_SIZE || reply.message.length > MESSAGE_MAX_SIZE)
        Fail("the reply length is out of range");
    if (reply.message.type == MSG_RESPONSE) {
        CheckResponse(type, client, payload);
    } else if (reply.message.type == MSG_ERROR) {
        CheckError(type, name, payload);
        RamFsUsage(fs, &bytesAfter, &filesAfter, &dirsAfter);
        if (bytes != bytesAfter || files != filesAfter || dirs != dirsAfter)
            Fail("a failed request changed the usage");
    } else {
        Fail("the reply is neither MSG_RESPONSE nor MSG_ERROR");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Reader r = { data, size, 0 };
    uint8_t first = ReadByte(&r);

    liveAllocations = 0;
    failing = 0;
    trackedCount = 0;
    memset(openCount, 0, sizeof(openCount));
    fs = RamFsCreate(FuzzAllocate, FuzzRelease, (1u + first % 64) * 16384u);
    if (!fs)
        Fail("RamFsCreate failed");
    FsServerInit(&server, fs, PREFIX);
    while (r.pos < r.size) {
        OneRequest(&r);
        if (RamFsCheck(fs) != 0)
            Fail("RamFsCheck found a broken invariant");
    }
    failing = 0;
    for (uint32_t client = 0; client < CLIENTS; client++) {
        if (RamFsCloseOwner(fs, client) != openCount[client])
            Fail("a client holds other handles than it opened");
    }
    if (RamFsCheck(fs) != 0)
        Fail("RamFsCheck failed at the end");
    RamFsDestroy(fs);
    fs = NULL;
    if (liveAllocations != 0)
        Fail("allocations leaked");
    return 0;
}
