// Host unit tests for lib/fsserver.c (the filesystem protocol over RamFs).
//
// Each test builds requests in a message buffer, as a client's would
// arrive (senderId is the client's pid, requestId a fresh number), hands
// them to FsServerHandle and checks the reply exactly: its type, its
// payload size, the E_* code of an error, and that it answers the request
// it was given. Every reply is checked to be well-formed and the RamFs
// consistent (RamFsCheck) after every request; each test ends by
// destroying the filesystem and checking that nothing leaked. Fingerprint()
// hashes the whole visible state, so "a failed request changed nothing" is
// checked by comparing fingerprints.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <clanker/error.h>
#include <clanker/fs.h>
#include <lib/fsserver.h>
#include <lib/ramfs.h>

#include "testkit.h"

#define PREFIX     "fs:temp:"
#define NAME(path) PREFIX path
#define UNLIMITED  UINT64_MAX
#define CLIENT     1u
#define OTHER      2u
#define NO_HANDLE  (-1)            // Stat/Truncate helpers: by name, not by handle

typedef union Buffer {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} Buffer;

static RamFs *fs;
static FsServer server;
static Buffer request, reply;
static uint8_t scratch[MESSAGE_MAX_DATA];
static uint32_t nextRequestId = 1000;

static void NewServer(uint64_t limit)
{
    liveAllocations = 0;
    failAfter = -1;
    fs = RamFsCreate(TestAllocate, TestRelease, limit);
    assert_non_null(fs);
    FsServerInit(&server, fs, PREFIX);
}

static void DestroyServer(void)
{
    failAfter = -1;
    assert_int_equal(RamFsCheck(fs), 0);
    RamFsDestroy(fs);
    fs = NULL;
    assert_int_equal(liveAllocations, 0);
}

static uint8_t PatternByte(uint64_t i)
{
    return (uint8_t)(((i * 2654435761u) >> 13) ^ i ^ (i >> 8));
}

// --- sending requests -------------------------------------------------------

// Fill the request buffer: type from client, carrying size bytes of payload.
static void Build(uint32_t type, uint32_t client, const void *payload, uint32_t size)
{
    assert_true(size <= MESSAGE_MAX_DATA);
    request.message = (Message){ .type = type, .length = MESSAGE_HEADER_SIZE + size,
                                 .senderId = client, .requestId = ++nextRequestId };
    if (size)
        memcpy(request.message.data, payload, size);
}

// Hand the built request, sent to name, to the server. The reply must be
// a well-formed answer to it. Returns 0 for MSG_RESPONSE or the code of a
// MSG_ERROR.
static int Send(const char *name)
{
    int32_t code;

    memset(reply.bytes, 0xA5, sizeof(reply.bytes));
    assert_int_equal(FsServerHandle(&server, &request.message, name, &reply.message), 1);
    assert_int_equal(reply.message.requestId, request.message.requestId);
    assert_true(reply.message.length >= MESSAGE_HEADER_SIZE);
    assert_true(reply.message.length <= MESSAGE_MAX_SIZE);
    assert_int_equal(RamFsCheck(fs), 0);
    if (reply.message.type == MSG_RESPONSE)
        return 0;
    assert_int_equal(reply.message.type, MSG_ERROR);
    assert_int_equal(reply.message.length, MESSAGE_HEADER_SIZE + sizeof(code));
    memcpy(&code, reply.message.data, sizeof(code));
    assert_true(code < 0);
    return code;
}

static int Call(uint32_t type, uint32_t client, const char *name, const void *payload,
                uint32_t size)
{
    Build(type, client, payload, size);
    return Send(name);
}

static uint32_t ReplySize(void)
{
    return MessageDataLength(&reply.message);
}

// A request whose success carries no payload: 0 or the error.
static int CallEmpty(uint32_t type, uint32_t client, const char *name, const void *payload,
                     uint32_t size)
{
    int err = Call(type, client, name, payload, size);

    if (!err)
        assert_int_equal(ReplySize(), 0);
    return err;
}

static int Simple(uint32_t type, const char *name)
{
    return CallEmpty(type, CLIENT, name, NULL, 0);
}

// MSG_OPEN: the handle, or the error.
static int Open(uint32_t client, const char *name, uint32_t flags)
{
    FsOpen open = { flags };
    FsHandle out;
    int err = Call(MSG_OPEN, client, name, &open, sizeof(open));

    if (err)
        return err;
    assert_int_equal(ReplySize(), sizeof(out));
    memcpy(&out, reply.message.data, sizeof(out));
    assert_true(out.handle > 0);
    return out.handle;
}

// MSG_CLOSE, sent to a name that is not the file's: a handle needs none.
static int Close(uint32_t client, int32_t handle)
{
    FsHandle in = { handle };

    return CallEmpty(MSG_CLOSE, client, NAME("unrelated"), &in, sizeof(in));
}

// MSG_READ: the bytes read (in reply.message.data), or the error.
static int Read(uint32_t client, const char *name, int32_t handle, uint64_t offset,
                uint32_t length)
{
    FsIo io = { handle, length, offset };
    int err = Call(MSG_READ, client, name, &io, sizeof(io));

    return err ? err : (int)ReplySize();
}

// MSG_WRITE of length bytes: the count written, or the error.
static int Write(uint32_t client, const char *name, int32_t handle, uint64_t offset,
                 const void *data, uint32_t length)
{
    FsIo io = { handle, length, offset };
    FsCount out;
    int err;

    memcpy(scratch, &io, sizeof(io));
    if (length)
        memcpy(scratch + sizeof(io), data, length);
    err = Call(MSG_WRITE, client, name, scratch, (uint32_t)sizeof(io) + length);
    if (err)
        return err;
    assert_int_equal(ReplySize(), sizeof(out));
    memcpy(&out, reply.message.data, sizeof(out));
    return (int)out.count;
}

static int WriteText(const char *name, int32_t handle, uint64_t offset, const char *text)
{
    return Write(CLIENT, name, handle, offset, text, (uint32_t)strlen(text));
}

// MSG_TRUNCATE by name (handle 0) or by handle.
static int Truncate(uint32_t client, const char *name, int32_t handle, uint64_t size,
                    uint32_t reserved)
{
    FsTruncate in = { handle, reserved, size };

    return CallEmpty(MSG_TRUNCATE, client, name, &in, sizeof(in));
}

// MSG_STAT by name (handle NO_HANDLE: empty payload) or with an FsHandle.
static int Stat(uint32_t client, const char *name, int32_t handle, FsStat *out)
{
    FsHandle in = { handle };
    int err = Call(MSG_STAT, client, name, &in, handle == NO_HANDLE ? 0 : sizeof(in));

    if (err)
        return err;
    assert_int_equal(ReplySize(), sizeof(*out));
    memcpy(out, reply.message.data, sizeof(*out));
    return 0;
}

static FsStat StatOf(const char *name)
{
    FsStat st;

    assert_int_equal(Stat(CLIENT, name, NO_HANDLE, &st), 0);
    return st;
}

// MSG_LIST: the number of entries in the reply, or the error.
static int List(const char *name, uint32_t index, uint32_t count)
{
    FsListRequest in = { index, count };
    int err = Call(MSG_LIST, CLIENT, name, &in, sizeof(in));

    if (err)
        return err;
    assert_int_equal(ReplySize() % sizeof(FsDirEntry), 0);
    return (int)(ReplySize() / sizeof(FsDirEntry));
}

// Entry i of the last MSG_LIST reply; its name is NUL-padded to the end.
static FsDirEntry Entry(uint32_t i)
{
    FsDirEntry e;

    memcpy(&e, reply.message.data + i * sizeof(e), sizeof(e));
    for (size_t j = strnlen(e.name, sizeof(e.name)); j < sizeof(e.name); j++)
        assert_int_equal(e.name[j], 0);
    return e;
}

static int Rename(const char *from, const char *to)
{
    return CallEmpty(MSG_RENAME, CLIENT, from, to, (uint32_t)strlen(to) + 1);
}

// The MSG_PROCESS_EXIT notice the kernel sends: no reply, reply untouched.
static void NoticeExit(uint32_t pid)
{
    Build(MSG_PROCESS_EXIT, 0, &pid, sizeof(pid));
    memset(reply.bytes, 0xA5, sizeof(reply.bytes));
    request.message.requestId = 0;
    assert_int_equal(FsServerHandle(&server, &request.message, "", &reply.message), 0);
    for (size_t i = 0; i < sizeof(reply.bytes); i++)
        assert_int_equal(reply.bytes[i], 0xA5);
    assert_int_equal(RamFsCheck(fs), 0);
}

// A file holding text, made by name.
static void PutFile(const char *name, const char *text)
{
    assert_int_equal(Simple(MSG_CREATE, name), 0);
    assert_int_equal(WriteText(name, 0, 0, text), (int)strlen(text));
}

static void ExpectContent(const char *name, const char *want)
{
    int n = Read(CLIENT, name, 0, 0, FS_IO_MAX);

    assert_int_equal(n, (int)strlen(want));
    assert_memory_equal(reply.message.data, want, strlen(want));
}

// --- fingerprints -------------------------------------------------------------

static uint64_t Mix(uint64_t hash, uint64_t value)
{
    for (int i = 0; i < 8; i++)
        hash = (hash ^ ((value >> (i * 8)) & 0xFF)) * 1099511628211ull;
    return hash;
}

static uint64_t HashNode(const char *path, uint64_t hash)
{
    RamFsDirEntry e;
    RamFsInfo info;
    char child[2 * RAMFS_PATH_MAX + 2];

    assert_int_equal(RamFsStat(fs, path, &info), 0);
    for (const char *c = path; *c; c++)
        hash = Mix(hash, (uint8_t)*c);
    hash = Mix(hash, info.type);
    hash = Mix(hash, info.id);
    hash = Mix(hash, info.version);
    hash = Mix(hash, info.size);
    hash = Mix(hash, info.entries);
    hash = Mix(hash, info.blocks);
    hash = Mix(hash, info.handles);
    for (uint32_t i = 0; RamFsList(fs, path, i, &e) == 0; i++) {
        snprintf(child, sizeof(child), "%s%s%s", path, path[0] ? "/" : "", e.name);
        hash = HashNode(child, hash);
    }
    return hash;
}

// Every node's path, kind, id, version, size and counts, and the usage.
static uint64_t Fingerprint(void)
{
    uint64_t bytes, hash;
    uint32_t files, dirs;
    long saved = failAfter;

    failAfter = -1;
    RamFsUsage(fs, &bytes, &files, &dirs);
    hash = HashNode("", 14695981039346656037ull);
    hash = Mix(Mix(Mix(hash, bytes), files), dirs);
    failAfter = saved;
    return hash;
}

// --- tests ----------------------------------------------------------------------

static void TestOpen(void **state)
{
    FsStat st;
    int h;

    (void)state;
    NewServer(UNLIMITED);
    assert_int_equal(Simple(MSG_MKDIR, NAME("dir")), 0);
    assert_int_equal(Open(CLIENT, NAME("f"), FS_READ), E_NOENT);
    assert_int_equal(Open(CLIENT, NAME("f"), FS_WRITE), E_NOENT);
    h = Open(CLIENT, NAME("f"), FS_READ | FS_CREATE);
    assert_true(h > 0);
    assert_int_equal(Close(CLIENT, h), 0);
    assert_int_equal(StatOf(NAME("f")).type, FS_TYPE_FILE);
    assert_int_equal(WriteText(NAME("f"), 0, 0, "data"), 4);
    // Each valid flag on an existing file.
    h = Open(CLIENT, NAME("f"), FS_READ);
    assert_int_equal(Read(CLIENT, NAME("f"), h, 0, 10), 4);
    assert_int_equal(WriteText(NAME("f"), h, 0, "x"), E_BADF);
    assert_int_equal(Close(CLIENT, h), 0);
    h = Open(CLIENT, NAME("f"), FS_WRITE);
    assert_int_equal(Read(CLIENT, NAME("f"), h, 0, 10), E_BADF);
    assert_int_equal(WriteText(NAME("f"), h, 0, "D"), 1);
    assert_int_equal(Close(CLIENT, h), 0);
    ExpectContent(NAME("f"), "Data");
    h = Open(CLIENT, NAME("f"), FS_READ | FS_WRITE | FS_CREATE);
    assert_int_equal(Close(CLIENT, h), 0);
    ExpectContent(NAME("f"), "Data");
    assert_int_equal(Open(CLIENT, NAME("f"), FS_WRITE | FS_CREATE | FS_EXCLUSIVE), E_EXIST);
    h = Open(CLIENT, NAME("g"), FS_WRITE | FS_CREATE | FS_EXCLUSIVE);
    assert_true(h > 0);
    assert_int_equal(Close(CLIENT, h), 0);
    h = Open(CLIENT, NAME("f"), FS_WRITE | FS_TRUNCATE);
    assert_int_equal(Stat(CLIENT, NAME("f"), h, &st), 0);
    assert_int_equal(st.size, 0);
    assert_int_equal(st.handles, 1);
    assert_int_equal(Close(CLIENT, h), 0);
    assert_int_equal(WriteText(NAME("f"), 0, 0, "abc"), 3);
    h = Open(CLIENT, NAME("f"), FS_WRITE | FS_APPEND);
    assert_int_equal(WriteText(NAME("f"), h, 0, "def"), 3);
    assert_int_equal(Close(CLIENT, h), 0);
    ExpectContent(NAME("f"), "abcdef");
    // Bad flags: none, undefined bits, and combinations RamFs refuses.
    static const uint32_t bad[] = { 0, FS_CREATE, FS_EXCLUSIVE, FS_TRUNCATE, FS_APPEND,
                                    FS_READ | FS_EXCLUSIVE, FS_READ | FS_TRUNCATE,
                                    FS_READ | FS_APPEND, FS_READ | 0x40, FS_WRITE | 0x80000000u,
                                    0xFFFFFFFFu };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(Open(CLIENT, NAME("f"), bad[i]), E_INVAL);
    assert_int_equal(Open(CLIENT, NAME("new"), FS_READ | FS_CREATE | 0x40), E_INVAL);
    assert_int_equal(StatOf(NAME("f")).size, 6);
    assert_int_equal(Stat(CLIENT, NAME("new"), NO_HANDLE, &st), E_NOENT);
    // Paths: directories, missing parents, malformed and long names.
    assert_int_equal(Open(CLIENT, NAME("dir"), FS_READ), E_ISDIR);
    assert_int_equal(Open(CLIENT, NAME(""), FS_READ), E_ISDIR);
    assert_int_equal(Open(CLIENT, NAME("nodir/f"), FS_READ | FS_CREATE), E_NOENT);
    assert_int_equal(Open(CLIENT, NAME("f/x"), FS_READ | FS_CREATE), E_NOTDIR);
    assert_int_equal(Open(CLIENT, NAME("a//b"), FS_READ | FS_CREATE), E_INVAL);
    assert_int_equal(Open(CLIENT, NAME(".."), FS_READ | FS_CREATE), E_INVAL);
    memset(scratch, 'x', 300);
    memcpy(scratch, PREFIX, strlen(PREFIX));
    scratch[300] = 0;
    assert_int_equal(Open(CLIENT, (const char *)scratch, FS_READ | FS_CREATE), E_NAMETOOLONG);
    // Wrong payload sizes.
    for (uint32_t size = 0; size <= 8; size++) {
        if (size != sizeof(FsOpen))
            assert_int_equal(Call(MSG_OPEN, CLIENT, NAME("f"), "\1\0\0\0\0\0\0\0", size),
                             E_INVAL);
    }
    assert_int_equal(StatOf(NAME("f")).handles, 0);
    DestroyServer();
}

static void TestClose(void **state)
{
    FsHandle in = { 0 };
    int h;

    (void)state;
    NewServer(UNLIMITED);
    PutFile(NAME("f"), "x");
    h = Open(CLIENT, NAME("f"), FS_READ);
    assert_int_equal(StatOf(NAME("f")).handles, 1);
    assert_int_equal(Call(MSG_CLOSE, CLIENT, NAME("f"), &in, 3), E_INVAL);
    assert_int_equal(Call(MSG_CLOSE, CLIENT, NAME("f"), &in, 0), E_INVAL);
    assert_int_equal(Call(MSG_CLOSE, CLIENT, NAME("f"), scratch, 8), E_INVAL);
    assert_int_equal(StatOf(NAME("f")).handles, 1);
    assert_int_equal(Close(OTHER, h), E_BADF);
    assert_int_equal(Close(CLIENT, h), 0);
    assert_int_equal(StatOf(NAME("f")).handles, 0);
    assert_int_equal(Close(CLIENT, h), E_BADF);
    assert_int_equal(Close(CLIENT, 0), E_BADF);
    assert_int_equal(Close(CLIENT, -1), E_BADF);
    assert_int_equal(Close(CLIENT, 0x7FFFFFFF), E_BADF);
    DestroyServer();
}

static void TestReadByName(void **state)
{
    FsIo io = { 0, 4, 0 };

    (void)state;
    NewServer(UNLIMITED);
    PutFile(NAME("f"), "hello world");
    assert_int_equal(Simple(MSG_MKDIR, NAME("dir")), 0);
    assert_int_equal(Read(CLIENT, NAME("f"), 0, 0, 5), 5);
    assert_memory_equal(reply.message.data, "hello", 5);
    assert_int_equal(Read(CLIENT, NAME("f"), 0, 6, 100), 5);
    assert_memory_equal(reply.message.data, "world", 5);
    assert_int_equal(Read(CLIENT, NAME("f"), 0, 3, 0), 0);
    assert_int_equal(Read(CLIENT, NAME("f"), 0, 11, 10), 0);
    assert_int_equal(Read(CLIENT, NAME("f"), 0, 1000, 10), 0);
    assert_int_equal(Read(CLIENT, NAME("f"), 0, UINT64_MAX, 10), 0);
    // Another client reads by name as well; nothing stays open.
    assert_int_equal(Read(OTHER, NAME("/f"), 0, 0, 0xFFFFFFFFu), 11);
    assert_int_equal(StatOf(NAME("f")).handles, 0);
    assert_int_equal(Read(CLIENT, NAME("missing"), 0, 0, 5), E_NOENT);
    assert_int_equal(Read(CLIENT, NAME("dir"), 0, 0, 5), E_ISDIR);
    assert_int_equal(Read(CLIENT, NAME(""), 0, 0, 5), E_ISDIR);
    assert_int_equal(Read(CLIENT, NAME("f/x"), 0, 0, 5), E_NOTDIR);
    for (uint32_t size = 0; size <= 24; size++) {
        if (size != sizeof(FsIo)) {
            memset(scratch, 0, sizeof(scratch));
            memcpy(scratch, &io, sizeof(io));
            assert_int_equal(Call(MSG_READ, CLIENT, NAME("f"), scratch, size), E_INVAL);
        }
    }
    DestroyServer();
}

static void TestReadByHandle(void **state)
{
    int h, w;

    (void)state;
    NewServer(UNLIMITED);
    PutFile(NAME("f"), "0123456789");
    h = Open(CLIENT, NAME("f"), FS_READ);
    // The name of the request does not matter, as long as it is ours.
    assert_int_equal(Read(CLIENT, NAME("other"), h, 2, 3), 3);
    assert_memory_equal(reply.message.data, "234", 3);
    assert_int_equal(Read(CLIENT, NAME(""), h, 8, 10), 2);
    assert_memory_equal(reply.message.data, "89", 2);
    assert_int_equal(Read(CLIENT, NAME("f"), h, 10, 10), 0);
    assert_int_equal(Read(CLIENT, NAME("f"), h, (uint64_t)1 << 40, 10), 0);
    assert_int_equal(Read(CLIENT, "fs:root:f", h, 0, 10), E_NOENT);
    // The handle sees writes through another one, and survives the delete.
    w = Open(CLIENT, NAME("f"), FS_WRITE);
    assert_int_equal(WriteText(NAME("f"), w, 10, "AB"), 2);
    assert_int_equal(Read(CLIENT, NAME("f"), h, 9, 10), 3);
    assert_memory_equal(reply.message.data, "9AB", 3);
    assert_int_equal(Simple(MSG_DELETE, NAME("f")), 0);
    assert_int_equal(Read(CLIENT, NAME("f"), 0, 0, 10), E_NOENT);
    assert_int_equal(Read(CLIENT, NAME("f"), h, 0, 3), 3);
    assert_memory_equal(reply.message.data, "012", 3);
    // Write-only, negative, closed and unknown handles.
    assert_int_equal(Read(CLIENT, NAME("f"), w, 0, 3), E_BADF);
    assert_int_equal(Read(CLIENT, NAME("f"), -5, 0, 3), E_BADF);
    assert_int_equal(Close(CLIENT, h), 0);
    assert_int_equal(Read(CLIENT, NAME("f"), h, 0, 3), E_BADF);
    assert_int_equal(Read(CLIENT, NAME("f"), 999, 0, 3), E_BADF);
    assert_int_equal(Close(CLIENT, w), 0);
    DestroyServer();
}

// A read asks for at most FS_IO_MAX bytes: more is a short read that fills
// the reply exactly.
static void TestReadClamped(void **state)
{
    uint32_t total = FS_IO_MAX + 1000;
    uint8_t *data = malloc(total);
    int h;

    (void)state;
    NewServer(UNLIMITED);
    for (uint32_t i = 0; i < total; i++)
        data[i] = PatternByte(i);
    assert_int_equal(Simple(MSG_CREATE, NAME("big")), 0);
    assert_int_equal(Write(CLIENT, NAME("big"), 0, 0, data, FS_IO_MAX), (int)FS_IO_MAX);
    assert_int_equal(Write(CLIENT, NAME("big"), 0, FS_IO_MAX, data + FS_IO_MAX, 1000), 1000);
    assert_int_equal(StatOf(NAME("big")).size, total);
    assert_int_equal(Read(CLIENT, NAME("big"), 0, 0, 0xFFFFFFFFu), (int)FS_IO_MAX);
    assert_int_equal(reply.message.length, MESSAGE_HEADER_SIZE + FS_IO_MAX);
    assert_memory_equal(reply.message.data, data, FS_IO_MAX);
    h = Open(CLIENT, NAME("big"), FS_READ);
    assert_int_equal(Read(CLIENT, NAME("big"), h, 500, FS_IO_MAX + 1), (int)FS_IO_MAX);
    assert_memory_equal(reply.message.data, data + 500, FS_IO_MAX);
    assert_int_equal(Read(CLIENT, NAME("big"), h, 2000, FS_IO_MAX), (int)FS_IO_MAX - 1000);
    assert_memory_equal(reply.message.data, data + 2000, FS_IO_MAX - 1000);
    assert_int_equal(Close(CLIENT, h), 0);
    free(data);
    DestroyServer();
}

static void TestWriteByName(void **state)
{
    FsStat before;

    (void)state;
    NewServer(UNLIMITED);
    // By name the file must exist: a write does not create it.
    assert_int_equal(WriteText(NAME("f"), 0, 0, "abc"), E_NOENT);
    assert_int_equal(Stat(CLIENT, NAME("f"), NO_HANDLE, &before), E_NOENT);
    assert_int_equal(Simple(MSG_CREATE, NAME("f")), 0);
    assert_int_equal(WriteText(NAME("f"), 0, 0, "abc"), 3);
    assert_int_equal(Write(OTHER, NAME("f"), 0, 1, "XY", 2), 2);
    ExpectContent(NAME("f"), "aXY");
    // A gap past the end reads as zeros.
    assert_int_equal(WriteText(NAME("f"), 0, 5, "z"), 1);
    assert_int_equal(Read(CLIENT, NAME("f"), 0, 0, 100), 6);
    assert_memory_equal(reply.message.data, "aXY\0\0z", 6);
    before = StatOf(NAME("f"));
    assert_int_equal(Write(CLIENT, NAME("f"), 0, 100, "", 0), 0);
    assert_int_equal(StatOf(NAME("f")).size, 6);
    assert_int_equal(StatOf(NAME("f")).version, before.version);
    assert_int_equal(StatOf(NAME("f")).handles, 0);
    assert_int_equal(Simple(MSG_MKDIR, NAME("d")), 0);
    assert_int_equal(WriteText(NAME("d"), 0, 0, "x"), E_ISDIR);
    assert_int_equal(WriteText(NAME(""), 0, 0, "x"), E_ISDIR);
    assert_int_equal(WriteText(NAME("f/x"), 0, 0, "x"), E_NOTDIR);
    assert_int_equal(WriteText(NAME("f"), 0, RAMFS_FILE_MAX, "x"), E_FBIG);
    assert_int_equal(WriteText(NAME("f"), 0, UINT64_MAX, "x"), E_FBIG);
    assert_int_equal(StatOf(NAME("f")).version, before.version);
    // The largest write one message carries.
    memset(scratch + sizeof(FsIo), 'q', FS_IO_MAX);
    assert_int_equal(Write(CLIENT, NAME("f"), 0, 0, scratch + sizeof(FsIo), FS_IO_MAX),
                     (int)FS_IO_MAX);
    assert_int_equal(StatOf(NAME("f")).size, FS_IO_MAX);
    DestroyServer();
}

static void TestWriteByHandle(void **state)
{
    FsIo io;
    uint64_t print;
    int h, r, a;

    (void)state;
    NewServer(UNLIMITED);
    PutFile(NAME("f"), "0123");
    h = Open(CLIENT, NAME("f"), FS_WRITE);
    r = Open(CLIENT, NAME("f"), FS_READ);
    assert_int_equal(WriteText(NAME("elsewhere"), h, 2, "ab"), 2);
    ExpectContent(NAME("f"), "01ab");
    assert_int_equal(WriteText(NAME("f"), r, 0, "x"), E_BADF);
    assert_int_equal(WriteText(NAME("f"), -1, 0, "x"), E_BADF);
    assert_int_equal(Write(OTHER, NAME("f"), h, 0, "x", 1), E_BADF);
    // Append: every write at the end, whatever the offset says.
    a = Open(CLIENT, NAME("f"), FS_WRITE | FS_APPEND);
    assert_int_equal(WriteText(NAME("f"), a, 0, "XY"), 2);
    assert_int_equal(WriteText(NAME("f"), a, 1000, "Z"), 1);
    ExpectContent(NAME("f"), "01abXYZ");
    // The length field must match the bytes that follow.
    print = Fingerprint();
    io = (FsIo){ h, 3, 0 };
    memcpy(scratch, &io, sizeof(io));
    memcpy(scratch + sizeof(io), "abcd", 4);
    assert_int_equal(Call(MSG_WRITE, CLIENT, NAME("f"), scratch, sizeof(io) + 4), E_INVAL);
    assert_int_equal(Call(MSG_WRITE, CLIENT, NAME("f"), scratch, sizeof(io) + 2), E_INVAL);
    assert_int_equal(Call(MSG_WRITE, CLIENT, NAME("f"), scratch, sizeof(io)), E_INVAL);
    io.length = 0xFFFFFFFFu;
    memcpy(scratch, &io, sizeof(io));
    assert_int_equal(Call(MSG_WRITE, CLIENT, NAME("f"), scratch, sizeof(io) + 4), E_INVAL);
    io = (FsIo){ 0, 1, 0 };
    memcpy(scratch, &io, sizeof(io));
    assert_int_equal(Call(MSG_WRITE, CLIENT, NAME("f"), scratch, sizeof(io)), E_INVAL);
    for (uint32_t size = 0; size < sizeof(io); size++)
        assert_int_equal(Call(MSG_WRITE, CLIENT, NAME("f"), scratch, size), E_INVAL);
    assert_int_equal(Fingerprint(), print);
    // A write to a deleted file goes to its data, not to a new name.
    assert_int_equal(Simple(MSG_DELETE, NAME("f")), 0);
    assert_int_equal(WriteText(NAME("f"), h, 0, "!"), 1);
    assert_int_equal(Read(CLIENT, NAME("f"), r, 0, 100), 7);
    assert_memory_equal(reply.message.data, "!1abXYZ", 7);
    assert_int_equal(Read(CLIENT, NAME("f"), 0, 0, 100), E_NOENT);
    assert_int_equal(Close(CLIENT, h), 0);
    assert_int_equal(Close(CLIENT, r), 0);
    assert_int_equal(Close(CLIENT, a), 0);
    DestroyServer();
}

static void TestTruncate(void **state)
{
    FsTruncate in = { 0, 0, 0 };
    uint64_t print;
    FsStat st;
    int w, r;

    (void)state;
    NewServer(UNLIMITED);
    PutFile(NAME("f"), "0123456789");
    assert_int_equal(Truncate(CLIENT, NAME("f"), 0, 4, 0), 0);
    ExpectContent(NAME("f"), "0123");
    assert_int_equal(Truncate(CLIENT, NAME("f"), 0, 6, 0), 0);
    assert_int_equal(Read(CLIENT, NAME("f"), 0, 0, 100), 6);
    assert_memory_equal(reply.message.data, "0123\0\0", 6);
    assert_int_equal(Truncate(CLIENT, NAME("f"), 0, RAMFS_FILE_MAX, 0), 0);
    assert_int_equal(StatOf(NAME("f")).size, RAMFS_FILE_MAX);
    assert_int_equal(Truncate(CLIENT, NAME("f"), 0, 3, 0), 0);
    assert_int_equal(StatOf(NAME("f")).handles, 0);
    // Through a handle: it needs FS_WRITE and the name does not matter.
    w = Open(CLIENT, NAME("f"), FS_WRITE);
    r = Open(CLIENT, NAME("f"), FS_READ);
    assert_int_equal(Truncate(CLIENT, NAME("x"), w, 1, 0), 0);
    ExpectContent(NAME("f"), "0");
    assert_int_equal(Truncate(CLIENT, NAME("f"), r, 0, 0), E_BADF);
    assert_int_equal(Truncate(OTHER, NAME("f"), w, 0, 0), E_BADF);
    assert_int_equal(Truncate(CLIENT, NAME("f"), -3, 0, 0), E_BADF);
    assert_int_equal(Truncate(CLIENT, NAME("f"), w, RAMFS_FILE_MAX + 1, 0), E_FBIG);
    ExpectContent(NAME("f"), "0");
    // Failures change nothing.
    assert_int_equal(Simple(MSG_MKDIR, NAME("d")), 0);
    print = Fingerprint();
    assert_int_equal(Truncate(CLIENT, NAME("f"), 0, 0, 1), E_INVAL);
    assert_int_equal(Truncate(CLIENT, NAME("f"), w, 0, 0x80000000u), E_INVAL);
    assert_int_equal(Truncate(CLIENT, NAME("f"), 0, RAMFS_FILE_MAX + 1, 0), E_FBIG);
    assert_int_equal(Truncate(CLIENT, NAME("d"), 0, 0, 0), E_ISDIR);
    assert_int_equal(Truncate(CLIENT, NAME(""), 0, 0, 0), E_ISDIR);
    assert_int_equal(Truncate(CLIENT, NAME("missing"), 0, 0, 0), E_NOENT);
    assert_int_equal(Truncate(CLIENT, NAME("f/x"), 0, 0, 0), E_NOTDIR);
    for (uint32_t size = 0; size <= 24; size++) {
        if (size != sizeof(in)) {
            memset(scratch, 0, sizeof(scratch));
            memcpy(scratch, &in, sizeof(in));
            assert_int_equal(Call(MSG_TRUNCATE, CLIENT, NAME("f"), scratch, size), E_INVAL);
        }
    }
    assert_int_equal(Fingerprint(), print);
    assert_int_equal(Stat(CLIENT, NAME("f"), w, &st), 0);
    assert_int_equal(st.size, 1);
    assert_int_equal(Close(CLIENT, w), 0);
    assert_int_equal(Close(CLIENT, r), 0);
    DestroyServer();
}

static void TestStat(void **state)
{
    FsStat st, root, file;
    RamFsInfo info;
    int h;

    (void)state;
    NewServer(UNLIMITED);
    assert_int_equal(Simple(MSG_MKDIR, NAME("d")), 0);
    PutFile(NAME("d/f"), "hello");
    assert_int_equal(Simple(MSG_CREATE, NAME("d/g")), 0);
    root = StatOf(NAME(""));
    assert_int_equal(root.type, FS_TYPE_DIR);
    assert_int_equal(root.id, 1);
    assert_int_equal(root.entries, 1);
    assert_int_equal(root.size, 0);
    st = StatOf(NAME("d/"));
    assert_int_equal(st.type, FS_TYPE_DIR);
    assert_int_equal(st.entries, 2);
    assert_int_equal(st.handles, 0);
    file = StatOf(NAME("d/f"));
    assert_int_equal(RamFsStat(fs, "d/f", &info), 0);
    assert_int_equal(file.type, FS_TYPE_FILE);
    assert_int_equal(file.id, info.id);
    assert_int_equal(file.size, 5);
    assert_int_equal(file.version, info.version);
    assert_int_equal(file.entries, 0);
    assert_int_equal(file.handles, 0);
    // An FsHandle of 0 is "by name" too.
    assert_int_equal(Stat(OTHER, NAME("d/f"), 0, &st), 0);
    assert_memory_equal(&st, &file, sizeof(st));
    // Through a handle: any name, the same file, even once deleted.
    h = Open(CLIENT, NAME("d/f"), FS_READ);
    assert_int_equal(Stat(CLIENT, NAME("d"), h, &st), 0);
    assert_int_equal(st.id, file.id);
    assert_int_equal(st.handles, 1);
    assert_int_equal(WriteText(NAME("d/f"), 0, 5, "!"), 1);
    assert_int_equal(Stat(CLIENT, NAME("d"), h, &st), 0);
    assert_int_equal(st.size, 6);
    assert_true(st.version != file.version);
    assert_int_equal(Simple(MSG_DELETE, NAME("d/f")), 0);
    assert_int_equal(Stat(CLIENT, NAME("d/f"), NO_HANDLE, &st), E_NOENT);
    assert_int_equal(Stat(CLIENT, NAME("d/f"), h, &st), 0);
    assert_int_equal(st.size, 6);
    assert_int_equal(Stat(OTHER, NAME("d/f"), h, &st), E_BADF);
    assert_int_equal(Stat(CLIENT, NAME("d/f"), -7, &st), E_BADF);
    assert_int_equal(Close(CLIENT, h), 0);
    assert_int_equal(Stat(CLIENT, NAME("d/f"), h, &st), E_BADF);
    assert_int_equal(Stat(CLIENT, NAME("d/g/x"), NO_HANDLE, &st), E_NOTDIR);
    assert_int_equal(Stat(CLIENT, NAME("d//g"), NO_HANDLE, &st), E_INVAL);
    for (uint32_t size = 1; size <= 8; size++) {
        if (size != sizeof(FsHandle))
            assert_int_equal(Call(MSG_STAT, CLIENT, NAME("d/g"), "\0\0\0\0\0\0\0\0", size),
                             E_INVAL);
    }
    DestroyServer();
}

static void TestList(void **state)
{
    static const char *names[] = { "b", "a", "ab", "c", "Z" };
    static const char *sorted[] = { "Z", "a", "ab", "b", "c" };
    FsListRequest in = { 0, 0 };
    FsDirEntry e, entries[5];
    char name[64];
    FsStat st;

    (void)state;
    NewServer(UNLIMITED);
    assert_int_equal(Simple(MSG_MKDIR, NAME("d")), 0);
    assert_int_equal(List(NAME("d"), 0, 0), 0);
    for (size_t i = 0; i < 5; i++) {
        snprintf(name, sizeof(name), NAME("d/%s"), names[i]);
        if (i == 2)
            assert_int_equal(Simple(MSG_MKDIR, name), 0);
        else
            PutFile(name, names[i]);
    }
    assert_int_equal(List(NAME("d"), 0, 0), 5);
    for (uint32_t i = 0; i < 5; i++)
        entries[i] = Entry(i);
    assert_int_equal(entries[2].type, FS_TYPE_DIR);
    assert_int_equal(entries[4].size, 1);
    for (uint32_t i = 0; i < 5; i++) {
        e = entries[i];
        snprintf(name, sizeof(name), NAME("d/%s"), sorted[i]);
        st = StatOf(name);
        assert_string_equal(e.name, sorted[i]);
        assert_int_equal(e.type, st.type);
        assert_int_equal(e.id, st.id);
        assert_int_equal(e.size, st.size);
    }
    // Paging.
    assert_int_equal(List(NAME("d"), 1, 2), 2);
    assert_string_equal(Entry(0).name, "a");
    assert_string_equal(Entry(1).name, "ab");
    assert_int_equal(List(NAME("d/"), 4, 10), 1);
    assert_string_equal(Entry(0).name, "c");
    assert_int_equal(List(NAME("d"), 3, 0), 2);
    assert_int_equal(List(NAME("d"), 5, 1), 0);
    assert_int_equal(List(NAME("d"), 0xFFFFFFFFu, 0), 0);
    assert_int_equal(List(NAME("d"), 0xFFFFFFFFu, 0xFFFFFFFFu), 0);
    assert_int_equal(List(NAME(""), 0, 1), 1);
    assert_string_equal(Entry(0).name, "d");
    // An empty payload lists from the start; other sizes are refused.
    assert_int_equal(Call(MSG_LIST, CLIENT, NAME("d"), NULL, 0), 0);
    assert_int_equal(ReplySize(), 5 * sizeof(FsDirEntry));
    for (uint32_t size = 1; size <= 16; size++) {
        if (size != sizeof(in)) {
            memset(scratch, 0, sizeof(scratch));
            assert_int_equal(Call(MSG_LIST, CLIENT, NAME("d"), scratch, size), E_INVAL);
        }
    }
    assert_int_equal(List(NAME("d/a"), 0, 0), E_NOTDIR);
    assert_int_equal(List(NAME("d/a/x"), 0, 0), E_NOTDIR);
    assert_int_equal(List(NAME("missing"), 0, 0), E_NOENT);
    assert_int_equal(List(NAME("d/../d"), 0, 0), E_INVAL);
    DestroyServer();
}

// More entries than one reply holds: FS_LIST_MAX at a time.
static void TestListMany(void **state)
{
    uint32_t total = FS_LIST_MAX + 17;
    char name[64];

    (void)state;
    NewServer(UNLIMITED);
    for (uint32_t i = 0; i < total; i++) {
        snprintf(name, sizeof(name), NAME("n%04u"), i);
        assert_int_equal(Simple(MSG_CREATE, name), 0);
    }
    assert_int_equal(List(NAME(""), 0, 0), (int)FS_LIST_MAX);
    assert_true(reply.message.length <= MESSAGE_MAX_SIZE);
    for (uint32_t i = 0; i < FS_LIST_MAX; i++) {
        snprintf(name, sizeof(name), "n%04u", i);
        assert_string_equal(Entry(i).name, name);
    }
    assert_int_equal(List(NAME(""), 0, FS_LIST_MAX + 1), (int)FS_LIST_MAX);
    assert_int_equal(List(NAME(""), 0, 100000), (int)FS_LIST_MAX);
    assert_int_equal(List(NAME(""), 3, FS_LIST_MAX - 1), (int)FS_LIST_MAX - 1);
    assert_int_equal(List(NAME(""), FS_LIST_MAX, 0), 17);
    snprintf(name, sizeof(name), "n%04u", FS_LIST_MAX);
    assert_string_equal(Entry(0).name, name);
    assert_int_equal(List(NAME(""), total - 1, 0), 1);
    assert_int_equal(List(NAME(""), total, 0), 0);
    DestroyServer();
}

// A file name of RAMFS_NAME_MAX bytes, listed and renamed through the
// protocol's limits (NS_NAME_MAX for the whole name).
static void TestLongNames(void **state)
{
    char full[NS_NAME_MAX + 2], to[NS_NAME_MAX + 2];
    uint32_t room = NS_NAME_MAX - (uint32_t)strlen(PREFIX);

    (void)state;
    NewServer(UNLIMITED);
    memset(full, 0, sizeof(full));
    memcpy(full, PREFIX, strlen(PREFIX));
    memset(full + strlen(PREFIX), 'a', room);
    assert_int_equal(Simple(MSG_CREATE, full), 0);
    assert_int_equal(List(NAME(""), 0, 0), 1);
    assert_int_equal(strlen(Entry(0).name), room);
    // The longest new name: NS_NAME_MAX bytes and the NUL.
    memcpy(to, full, sizeof(to));
    to[sizeof(to) - 3] = 'b';
    assert_int_equal(strlen(to), NS_NAME_MAX);
    assert_int_equal(Rename(full, to), 0);
    assert_int_equal(Stat(CLIENT, full, NO_HANDLE, &(FsStat){ 0 }), E_NOENT);
    assert_int_equal(StatOf(to).type, FS_TYPE_FILE);
    // One more byte is refused whole, before RamFs sees it.
    to[NS_NAME_MAX] = 'c';
    to[NS_NAME_MAX + 1] = 0;
    assert_int_equal(CallEmpty(MSG_RENAME, CLIENT, full, to, NS_NAME_MAX + 2), E_INVAL);
    to[NS_NAME_MAX] = 0;
    assert_int_equal(List(NAME(""), 0, 0), 1);
    assert_int_equal(Entry(0).name[room - 1], 'b');
    DestroyServer();
}

static void TestNameOnlyRequests(void **state)
{
    static const uint32_t types[] = { MSG_CREATE, MSG_MKDIR, MSG_DELETE, MSG_RMDIR };
    uint64_t print;

    (void)state;
    NewServer(UNLIMITED);
    assert_int_equal(Simple(MSG_MKDIR, NAME("d")), 0);
    assert_int_equal(Simple(MSG_MKDIR, NAME("d/e/")), 0);
    assert_int_equal(Simple(MSG_CREATE, NAME("d/f")), 0);
    assert_int_equal(StatOf(NAME("d")).entries, 2);
    assert_int_equal(StatOf(NAME("d/f")).size, 0);
    assert_int_equal(Simple(MSG_MKDIR, NAME("d")), E_EXIST);
    assert_int_equal(Simple(MSG_MKDIR, NAME("d/f")), E_EXIST);
    assert_int_equal(Simple(MSG_MKDIR, NAME("")), E_EXIST);
    assert_int_equal(Simple(MSG_CREATE, NAME("d/f")), E_EXIST);
    assert_int_equal(Simple(MSG_CREATE, NAME("d/e")), E_EXIST);
    assert_int_equal(Simple(MSG_CREATE, NAME("x/f")), E_NOENT);
    assert_int_equal(Simple(MSG_CREATE, NAME("d/f/g")), E_NOTDIR);
    assert_int_equal(Simple(MSG_DELETE, NAME("d/e")), E_ISDIR);
    assert_int_equal(Simple(MSG_DELETE, NAME("d/x")), E_NOENT);
    assert_int_equal(Simple(MSG_RMDIR, NAME("d/f")), E_NOTDIR);
    assert_int_equal(Simple(MSG_RMDIR, NAME("d")), E_NOTEMPTY);
    assert_int_equal(Simple(MSG_RMDIR, NAME("")), E_BUSY);
    assert_int_equal(Simple(MSG_RMDIR, NAME("d/x")), E_NOENT);
    // A stray payload is refused before anything happens.
    print = Fingerprint();
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        assert_int_equal(CallEmpty(types[i], CLIENT, NAME("d/new"), "x", 1), E_INVAL);
        assert_int_equal(CallEmpty(types[i], CLIENT, NAME("d/f"), "\0\0\0\0", 4), E_INVAL);
        assert_int_equal(CallEmpty(types[i], CLIENT, NAME("d/e"), scratch, 300), E_INVAL);
    }
    assert_int_equal(Fingerprint(), print);
    assert_int_equal(Simple(MSG_DELETE, NAME("d/f")), 0);
    assert_int_equal(Simple(MSG_RMDIR, NAME("d/e")), 0);
    assert_int_equal(Simple(MSG_RMDIR, NAME("/d/")), 0);
    assert_int_equal(StatOf(NAME("")).entries, 0);
    DestroyServer();
}

static void TestRename(void **state)
{
    uint64_t print;
    FsStat before;
    int h;

    (void)state;
    NewServer(UNLIMITED);
    assert_int_equal(Simple(MSG_MKDIR, NAME("d")), 0);
    PutFile(NAME("a"), "alpha");
    before = StatOf(NAME("a"));
    assert_int_equal(Rename(NAME("a"), NAME("d/b")), 0);
    assert_int_equal(StatOf(NAME("d/b")).id, before.id);
    ExpectContent(NAME("d/b"), "alpha");
    assert_int_equal(Read(CLIENT, NAME("a"), 0, 0, 1), E_NOENT);
    assert_int_equal(Rename(NAME("d"), NAME("e")), 0);
    ExpectContent(NAME("e/b"), "alpha");
    // An open handle follows its file.
    h = Open(CLIENT, NAME("e/b"), FS_READ);
    assert_int_equal(Rename(NAME("e/b"), NAME("c")), 0);
    assert_int_equal(Read(CLIENT, NAME("x"), h, 0, 10), 5);
    assert_int_equal(Close(CLIENT, h), 0);
    // Errors from RamFs come through; none changes anything.
    print = Fingerprint();
    assert_int_equal(Rename(NAME("missing"), NAME("x")), E_NOENT);
    assert_int_equal(Rename(NAME("c"), NAME("e")), E_ISDIR);
    assert_int_equal(Rename(NAME("e"), NAME("e/sub")), E_INVAL);
    assert_int_equal(Rename(NAME(""), NAME("x")), E_BUSY);
    assert_int_equal(Rename(NAME("c"), PREFIX), E_BUSY);
    assert_int_equal(Rename(NAME("c"), NAME("a//b")), E_INVAL);
    // Another prefix, or none.
    assert_int_equal(Rename(NAME("c"), "fs:root:c"), E_XDEV);
    assert_int_equal(Rename(NAME("c"), "fs:temp"), E_XDEV);
    assert_int_equal(Rename(NAME("c"), "c"), E_XDEV);
    assert_int_equal(Rename(NAME("c"), ""), E_XDEV);
    // Malformed payloads: empty, no NUL, a NUL inside, too long.
    assert_int_equal(CallEmpty(MSG_RENAME, CLIENT, NAME("c"), NULL, 0), E_INVAL);
    assert_int_equal(CallEmpty(MSG_RENAME, CLIENT, NAME("c"), NAME("x"), 9), E_INVAL);
    assert_int_equal(CallEmpty(MSG_RENAME, CLIENT, NAME("c"), NAME("x\0y"), 12), E_INVAL);
    assert_int_equal(CallEmpty(MSG_RENAME, CLIENT, NAME("c"), NAME("x\0"), 11), E_INVAL);
    memset(scratch, 'x', sizeof(scratch));
    memcpy(scratch, PREFIX, strlen(PREFIX));
    scratch[NS_NAME_MAX + 1] = 0;
    assert_int_equal(CallEmpty(MSG_RENAME, CLIENT, NAME("c"), scratch, NS_NAME_MAX + 2),
                     E_INVAL);
    scratch[MESSAGE_MAX_DATA - 1] = 0;
    assert_int_equal(CallEmpty(MSG_RENAME, CLIENT, NAME("c"), scratch, MESSAGE_MAX_DATA),
                     E_INVAL);
    assert_int_equal(Fingerprint(), print);
    ExpectContent(NAME("c"), "alpha");
    DestroyServer();
}

// Requests the protocol does not have, and names that are not ours.
static void TestBadRequests(void **state)
{
    static const uint32_t types[] = { 0, MSG_RESPONSE, MSG_ERROR, MSG_PING,
                                      MSG_PROCESS_EXIT, MSG_TYPE_LIMIT, MSG_TYPE_LIMIT + 1,
                                      0x80000000u, 0xFFFFFFFFu };
    static const char *strangers[] = { "fs:root:f", "fs:temp", "fs:", "", "FS:TEMP:f",
                                       "fs:temp;f" };
    FsIo io = { 0, 4, 0 };
    uint64_t print;

    (void)state;
    NewServer(UNLIMITED);
    PutFile(NAME("f"), "data");
    print = Fingerprint();
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        assert_int_equal(Call(types[i], CLIENT, NAME("f"), NULL, 0), E_INVAL);
        assert_int_equal(Call(types[i], CLIENT, NAME("f"), &io, sizeof(io)), E_INVAL);
        assert_int_equal(Call(types[i], CLIENT, NAME("f"), "\1\0\0\0", 4), E_INVAL);
    }
    for (size_t i = 0; i < sizeof(strangers) / sizeof(strangers[0]); i++) {
        assert_int_equal(Call(MSG_READ, CLIENT, strangers[i], &io, sizeof(io)), E_NOENT);
        assert_int_equal(Call(MSG_STAT, CLIENT, strangers[i], NULL, 0), E_NOENT);
        assert_int_equal(Call(MSG_CREATE, CLIENT, strangers[i], NULL, 0), E_NOENT);
        assert_int_equal(Call(MSG_QUERY, CLIENT, strangers[i], NULL, 0), E_NOENT);
    }
    assert_int_equal(Fingerprint(), print);
    DestroyServer();
}

// The reply carries the request's requestId, whatever it is.
static void TestRequestIds(void **state)
{
    static const uint32_t ids[] = { 0, 1, 0x7FFFFFFFu, 0xFFFFFFFFu };

    (void)state;
    NewServer(UNLIMITED);
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        Build(MSG_STAT, CLIENT, NULL, 0);
        request.message.requestId = ids[i];
        assert_int_equal(Send(NAME("")), 0);
        assert_int_equal(reply.message.requestId, ids[i]);
        Build(MSG_PING, CLIENT, NULL, 0);
        request.message.requestId = ids[i];
        assert_int_equal(Send(NAME("")), E_INVAL);
        assert_int_equal(reply.message.requestId, ids[i]);
    }
    DestroyServer();
}

// A handle belongs to the client that opened it.
static void TestHandleIsolation(void **state)
{
    FsStat st;
    int h;

    (void)state;
    NewServer(UNLIMITED);
    PutFile(NAME("f"), "secret");
    h = Open(CLIENT, NAME("f"), FS_READ | FS_WRITE);
    assert_int_equal(Read(OTHER, NAME("f"), h, 0, 10), E_BADF);
    assert_int_equal(Write(OTHER, NAME("f"), h, 0, "x", 1), E_BADF);
    assert_int_equal(Truncate(OTHER, NAME("f"), h, 0, 0), E_BADF);
    assert_int_equal(Stat(OTHER, NAME("f"), h, &st), E_BADF);
    assert_int_equal(Close(OTHER, h), E_BADF);
    assert_int_equal(Read(0, NAME("f"), h, 0, 10), E_BADF);
    // By name the other client still reaches the file.
    assert_int_equal(Read(OTHER, NAME("f"), 0, 0, 10), 6);
    // The owner's handle is untouched.
    assert_int_equal(Read(CLIENT, NAME("f"), h, 0, 10), 6);
    assert_memory_equal(reply.message.data, "secret", 6);
    assert_int_equal(StatOf(NAME("f")).handles, 1);
    assert_int_equal(Close(CLIENT, h), 0);
    DestroyServer();
}

static void TestProcessExit(void **state)
{
    uint64_t bytes;
    uint32_t files, pid = OTHER;
    int h1, h2, h3;

    (void)state;
    NewServer(UNLIMITED);
    PutFile(NAME("f"), "data");
    PutFile(NAME("gone"), "deleted but open");
    h1 = Open(CLIENT, NAME("f"), FS_READ);
    h2 = Open(CLIENT, NAME("gone"), FS_WRITE);
    h3 = Open(OTHER, NAME("f"), FS_READ);
    assert_int_equal(Simple(MSG_DELETE, NAME("gone")), 0);
    assert_int_equal(StatOf(NAME("f")).handles, 2);
    RamFsUsage(fs, NULL, &files, NULL);
    assert_int_equal(files, 2);
    // A notice with the wrong size is dropped without a reply.
    Build(MSG_PROCESS_EXIT, 0, "\1\0\0\0\0", 5);
    assert_int_equal(FsServerHandle(&server, &request.message, "", &reply.message), 0);
    Build(MSG_PROCESS_EXIT, 0, NULL, 0);
    assert_int_equal(FsServerHandle(&server, &request.message, "", &reply.message), 0);
    assert_int_equal(StatOf(NAME("f")).handles, 2);
    // From a process it is an ordinary bad request.
    assert_int_equal(Call(MSG_PROCESS_EXIT, OTHER, NAME("f"), &pid, sizeof(pid)), E_INVAL);
    assert_int_equal(Call(MSG_PROCESS_EXIT, CLIENT, "", &pid, sizeof(pid)), E_NOENT);
    assert_int_equal(Read(OTHER, NAME("f"), h3, 0, 10), 4);
    assert_int_equal(StatOf(NAME("f")).handles, 2);
    // From the kernel: no reply, every handle of that pid closed.
    NoticeExit(CLIENT);
    assert_int_equal(StatOf(NAME("f")).handles, 1);
    RamFsUsage(fs, NULL, &files, NULL);
    assert_int_equal(files, 1);
    assert_int_equal(Read(CLIENT, NAME("f"), h1, 0, 10), E_BADF);
    assert_int_equal(WriteText(NAME("f"), h2, 0, "x"), E_BADF);
    assert_int_equal(Close(CLIENT, h1), E_BADF);
    assert_int_equal(Read(OTHER, NAME("f"), h3, 0, 10), 4);
    NoticeExit(CLIENT);
    NoticeExit(12345);
    assert_int_equal(StatOf(NAME("f")).handles, 1);
    NoticeExit(OTHER);
    assert_int_equal(StatOf(NAME("f")).handles, 0);
    assert_int_equal(Read(OTHER, NAME("f"), h3, 0, 10), E_BADF);
    // The client may come back (a new process with that pid) and open again.
    h1 = Open(CLIENT, NAME("f"), FS_READ);
    assert_true(h1 > 0);
    NoticeExit(CLIENT);
    assert_int_equal(Simple(MSG_DELETE, NAME("f")), 0);
    RamFsUsage(fs, &bytes, &files, NULL);
    assert_int_equal(bytes, 0);
    assert_int_equal(files, 0);
    DestroyServer();
}

// The handle table fills (E_NOSPC), and an exit notice empties it.
static void TestHandleTableFull(void **state)
{
    (void)state;
    NewServer(UNLIMITED);
    PutFile(NAME("f"), "x");
    for (uint32_t i = 0; i < RAMFS_HANDLE_MAX; i++)
        assert_true(Open(CLIENT, NAME("f"), FS_READ) > 0);
    assert_int_equal(Open(OTHER, NAME("f"), FS_READ), E_NOSPC);
    assert_int_equal(Read(OTHER, NAME("f"), 0, 0, 1), E_NOSPC);
    assert_int_equal(StatOf(NAME("f")).handles, RAMFS_HANDLE_MAX);
    NoticeExit(CLIENT);
    assert_int_equal(StatOf(NAME("f")).handles, 0);
    assert_int_equal(Read(OTHER, NAME("f"), 0, 0, 1), 1);
    DestroyServer();
}

// Each request that allocates, with the allocator failing after 0, 1, 2,
// ... calls: E_NOMEM and nothing changed, until it succeeds.
static void TestOutOfMemory(void **state)
{
    FsOpen create = { FS_WRITE | FS_CREATE };
    FsIo io;
    uint32_t payload;
    int err, h;

    (void)state;
    NewServer(UNLIMITED);
    assert_int_equal(Simple(MSG_MKDIR, NAME("d")), 0);
    PutFile(NAME("d/f"), "x");
    h = Open(CLIENT, NAME("d/f"), FS_WRITE);
    for (int step = 0; step < 7; step++) {
        const char *name = NAME("d/f");
        uint32_t type = MSG_WRITE;
        const void *data = scratch;
        uint64_t print = Fingerprint();
        long after = 0;

        payload = 0;
        switch (step) {
        case 0:
            type = MSG_CREATE;
            name = NAME("d/new");
            break;
        case 1:
            type = MSG_MKDIR;
            name = NAME("d/sub");
            break;
        case 2:
            type = MSG_OPEN;
            name = NAME("d/opened");
            data = &create;
            payload = sizeof(create);
            break;
        case 3:
        case 4:
            io = (FsIo){ step == 3 ? 0 : h, 3 * RAMFS_BLOCK_SIZE, 5000 + step * 20000u };
            memcpy(scratch, &io, sizeof(io));
            memset(scratch + sizeof(io), 'w', io.length);
            payload = sizeof(io) + io.length;
            break;
        case 5:
            type = MSG_RENAME;
            name = NAME("d/new");
            data = NAME("d/a-much-longer-name-than-before");
            payload = (uint32_t)strlen(data) + 1;
            break;
        default:
            type = MSG_RENAME;
            name = NAME("d/sub");
            data = NAME("moved");
            payload = (uint32_t)strlen(data) + 1;
            break;
        }
        for (;; after++) {
            failAfter = after;
            err = Call(type, CLIENT, name, data, payload);
            failAfter = -1;
            if (err != E_NOMEM)
                break;
            assert_int_equal(Fingerprint(), print);
        }
        assert_int_equal(err, 0);
        assert_true(after > 0);             // it did run out at first
        if (type == MSG_OPEN)
            assert_true(Close(CLIENT, *(const int32_t *)reply.message.data) == 0);
        assert_true(Fingerprint() != print);
    }
    assert_int_equal(StatOf(NAME("d/f")).size, 5000 + 4 * 20000 + 3 * RAMFS_BLOCK_SIZE);
    assert_int_equal(StatOf(NAME("d/f")).handles, 1);
    assert_int_equal(StatOf(NAME("moved")).type, FS_TYPE_DIR);
    assert_int_equal(Close(CLIENT, h), 0);
    DestroyServer();
}

// A byte limit comes through as E_NOSPC, again changing nothing.
static void TestByteLimit(void **state)
{
    uint64_t print;

    (void)state;
    NewServer(2 * RAMFS_BLOCK_SIZE);
    PutFile(NAME("f"), "x");
    print = Fingerprint();
    memset(scratch + sizeof(FsIo), 'z', 4 * RAMFS_BLOCK_SIZE);
    assert_int_equal(Write(CLIENT, NAME("f"), 0, 0, scratch + sizeof(FsIo),
                           4 * RAMFS_BLOCK_SIZE), E_NOSPC);
    assert_int_equal(Fingerprint(), print);
    ExpectContent(NAME("f"), "x");
    DestroyServer();
}

// --- asynchronous jobs ---------------------------------------------------------
// A fake kernel behind the skeleton's port: jobs lent by clients with
// memory of their own, a record of the notices sent, and the failures a
// real kernel can give (a page not there, a job gone, a full queue).

#define JOBS_FAKE 40
#define NO_FAULT  UINT32_MAX

typedef struct FakeJob {
    uint32_t id, client, length, access;
    uint8_t *memory;
    uint32_t faultAt;           // the first offset whose page is "not there"
    int gone;                   // the client dropped it, or it was finished
} FakeJob;

static FakeJob fakeJobs[JOBS_FAKE];
static IpcNotification notices[64];
static int noticeCount, finishAgain;
static Server skeleton;

static FakeJob *FakeFind(uint32_t id)
{
    for (int i = 0; i < JOBS_FAKE; i++)
        if (fakeJobs[i].id == id && id && !fakeJobs[i].gone)
            return &fakeJobs[i];
    return NULL;
}

static int FakeQuery(void *context, uint32_t id, IpcJobFacts *out)
{
    FakeJob *j = FakeFind(id);

    (void)context;
    if (!j)
        return E_NOENT;
    *out = (IpcJobFacts){ j->client, j->length, j->access };
    return 0;
}

// A copy's checks, as kernel/ipc/async.c makes them.
static int FakeCheck(FakeJob *j, uint32_t access, uint32_t offset, uint32_t length)
{
    if (!j)
        return E_NOENT;
    if (j->access != access)
        return E_PERM;
    if (offset > j->length || length > j->length - offset)
        return E_RANGE;
    return offset + length > j->faultAt ? E_FAULT : 0;
}

static int FakeRead(void *context, uint32_t id, uint32_t offset, void *to, uint32_t length)
{
    FakeJob *j = FakeFind(id);
    int err = FakeCheck(j, IPC_JOB_SERVER_READS, offset, length);

    (void)context;
    if (!err)
        memcpy(to, j->memory + offset, length);
    return err;
}

static int FakeWrite(void *context, uint32_t id, uint32_t offset, const void *from,
                     uint32_t length)
{
    FakeJob *j = FakeFind(id);
    int err = FakeCheck(j, IPC_JOB_SERVER_WRITES, offset, length);

    (void)context;
    if (!err)
        memcpy(j->memory + offset, from, length);
    return err;
}

static int FakeFinish(void *context, uint32_t id, int32_t value)
{
    FakeJob *j = FakeFind(id);

    (void)context;
    if (!j)
        return E_NOENT;
    if (finishAgain > 0) {
        finishAgain--;
        return E_AGAIN;
    }
    notices[noticeCount++] = (IpcNotification){ 1, id, value };
    j->gone = 1;
    return 0;
}

// Replies sent from inside a handler (ServerReplyNow): counted.
static int repliesNow;

static int FakeReply(void *context, uint32_t requestId, const Message *m)
{
    (void)context; (void)requestId;
    assert_int_equal(m->type, MSG_RESPONSE);
    repliesNow++;
    return 0;
}

static const ServerPort fakePort = { NULL, NULL, FakeReply, NULL, FakeQuery, FakeRead, FakeWrite,
                                     FakeFinish };

static void NewAsyncServer(void)
{
    NewServer(UNLIMITED);
    memset(fakeJobs, 0, sizeof(fakeJobs));
    noticeCount = finishAgain = repliesNow = 0;
    skeleton = (Server){ .name = "test", .port = &fakePort, .requestBuffer = &request.message,
                         .replyBuffer = &reply.message, .capacity = sizeof(request),
                         .state = &server };
}

static void DestroyAsyncServer(void)
{
    for (int i = 0; i < JOBS_FAKE; i++)
        free(fakeJobs[i].memory);
    assert_int_equal(server.jobCount, 0);
    DestroyServer();
}

// Lend length bytes of client's memory as job id (its bytes: a pattern).
static uint8_t *Lend(uint32_t id, uint32_t client, uint32_t length, uint32_t access)
{
    FakeJob *j = fakeJobs;

    while (j->id)
        assert_true(++j < fakeJobs + JOBS_FAKE);
    *j = (FakeJob){ id, client, length, access, malloc(length), NO_FAULT, 0 };
    assert_non_null(j->memory);
    for (uint32_t i = 0; i < length; i++)
        j->memory[i] = PatternByte(i + 7);
    return j->memory;
}

// A request through the skeleton's handler (the reply built in reply).
// Returns 0 or the error the skeleton would send.
static int Skeleton(uint32_t type, uint32_t client, const char *name, const void *payload,
                    uint32_t size)
{
    IpcEnvelope envelope = { 0, "" };
    ServerRequest r = { &request.message, &envelope, client, &reply.message, sizeof(reply), 0 };
    int err;

    snprintf(envelope.name, sizeof(envelope.name), "%s", name);
    Build(type, client, payload, size);
    reply.message = (Message){ .type = MSG_RESPONSE, .length = MESSAGE_HEADER_SIZE };
    err = FsServerRequest(&skeleton, &r);
    assert_int_equal(RamFsCheck(fs), 0);
    return err;
}

static int Async(uint32_t type, uint32_t client, const char *name, int32_t handle,
                 uint32_t length, uint64_t offset, uint32_t job)
{
    FsAsyncIo io = { handle, length, offset, job, 0 };
    FsJobId out;
    int err = Skeleton(type, client, name, &io, sizeof(io));

    if (err)
        return err;
    assert_int_equal(ReplySize(), sizeof(out));
    memcpy(&out, reply.message.data, sizeof(out));
    assert_int_equal(out.job, job);
    return 0;
}

// Run the Idle hook until no job is left. Returns how often it ran.
static int RunJobs(void)
{
    int pieces = 0;

    while (FsServerIdle(&skeleton) == SERVER_POLL)
        assert_true(++pieces < 10000);
    return pieces;
}

static uint32_t JobsRunning(void)
{
    FsServerStatus status;

    assert_int_equal(Skeleton(MSG_QUERY, CLIENT, NAME(""), NULL, 0), 0);
    assert_int_equal(ReplySize(), sizeof(status));
    memcpy(&status, reply.message.data, sizeof(status));
    assert_int_equal(status.jobsMax, FS_JOBS_MAX);
    return status.jobs;
}

// A file of length pattern bytes, made by name in pieces.
static void PutPattern(const char *name, uint32_t length)
{
    static uint8_t bytes[FS_IO_MAX];

    assert_int_equal(Simple(MSG_CREATE, name), 0);
    for (uint32_t at = 0; at < length; at += FS_IO_MAX) {
        uint32_t n = length - at < FS_IO_MAX ? length - at : FS_IO_MAX;
        for (uint32_t i = 0; i < n; i++)
            bytes[i] = PatternByte(at + i);
        assert_int_equal(Write(CLIENT, name, 0, at, bytes, n), (int)n);
    }
}

// A read by name: the reply is the job id at once, the bytes move in
// pieces, the notice says how many, and the handle it opened is closed.
static void TestAsyncRead(void **state)
{
    uint32_t length = 200 * 1024;
    uint8_t *memory;

    (void)state;
    NewAsyncServer();
    PutPattern(NAME("f"), length);
    memory = Lend(1, CLIENT, length, IPC_JOB_SERVER_WRITES);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), 0, length, 0, 1), 0);
    assert_int_equal(repliesNow, 1);                // the job id went out at once
    assert_int_equal(JobsRunning(), 1);
    assert_int_equal(StatOf(NAME("f")).handles, 1);
    assert_int_equal(noticeCount, 0);
    assert_int_equal(RunJobs(), (int)((length + FS_JOB_PIECE - 1) / FS_JOB_PIECE) - 1);
    assert_int_equal(noticeCount, 1);
    assert_int_equal(notices[0].jobId, 1);
    assert_int_equal(notices[0].value, (int)length);
    for (uint32_t i = 0; i < length; i++)
        assert_int_equal(memory[i], PatternByte(i));
    assert_int_equal(JobsRunning(), 0);
    assert_int_equal(StatOf(NAME("f")).handles, 0);
    // A read across the end stops there; one past it moves nothing.
    Lend(2, CLIENT, 8192, IPC_JOB_SERVER_WRITES);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), 0, 8192, length - 100, 2), 0);
    Lend(3, CLIENT, 8192, IPC_JOB_SERVER_WRITES);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), 0, 10, length + 5, 3), 0);
    RunJobs();
    assert_int_equal(noticeCount, 3);
    assert_int_equal(notices[1].value + notices[2].value, 100);
    assert_int_equal(notices[1].jobId + notices[2].jobId, 5);
    assert_int_equal(notices[notices[1].jobId == 2 ? 1 : 2].value, 100);
    DestroyAsyncServer();
}

// A write through a handle, read back with MSG_READ; two jobs at once
// take turns.
static void TestAsyncWrite(void **state)
{
    uint32_t length = 160 * 1024;
    int h;

    (void)state;
    NewAsyncServer();
    h = Open(CLIENT, NAME("w"), FS_READ | FS_WRITE | FS_CREATE);
    Lend(4, CLIENT, length, IPC_JOB_SERVER_READS);
    Lend(5, CLIENT, length, IPC_JOB_SERVER_WRITES);
    PutPattern(NAME("r"), length);
    assert_int_equal(Async(MSG_WRITE_ASYNC, CLIENT, NAME("anything"), h, length, 0, 4), 0);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("r"), 0, length, 0, 5), 0);
    assert_int_equal(JobsRunning(), 2);
    FsServerIdle(&skeleton);
    FsServerIdle(&skeleton);
    assert_int_equal(StatOf(NAME("w")).size, FS_JOB_PIECE);        // one piece each so far
    RunJobs();
    assert_int_equal(noticeCount, 2);
    assert_int_equal(notices[0].value, (int)length);
    assert_int_equal(notices[1].value, (int)length);
    for (uint32_t at = 0; at < length; at += 4096) {
        assert_int_equal(Read(CLIENT, NAME("w"), h, at, 4096), 4096);
        for (uint32_t i = 0; i < 4096; i++)
            assert_int_equal(reply.message.data[i], PatternByte(at + i + 7));
    }
    assert_int_equal(Close(CLIENT, h), 0);
    DestroyAsyncServer();
}

// Every malformed request is refused with its error and changes nothing.
static void TestAsyncMalformed(void **state)
{
    FsAsyncIo io = { 0, 4096, 0, 6, 0 };
    uint8_t longer[sizeof(io) + 1] = { 0 };
    uint64_t print;
    int h, ro, other;

    (void)state;
    NewAsyncServer();
    PutPattern(NAME("f"), 10000);
    h = Open(CLIENT, NAME("f"), FS_READ | FS_WRITE);
    ro = Open(CLIENT, NAME("f"), FS_READ);
    other = Open(OTHER, NAME("f"), FS_READ | FS_WRITE);
    Lend(6, CLIENT, 8192, IPC_JOB_SERVER_WRITES);
    Lend(7, CLIENT, 8192, IPC_JOB_SERVER_READS);
    Lend(8, OTHER, 8192, IPC_JOB_SERVER_WRITES);
    print = Fingerprint();
    assert_int_equal(Skeleton(MSG_READ_ASYNC, CLIENT, NAME("f"), &io, 8), E_INVAL);
    memcpy(longer, &io, sizeof(io));
    assert_int_equal(Skeleton(MSG_READ_ASYNC, CLIENT, NAME("f"), longer, sizeof(longer)), E_INVAL);
    io.reserved = 1;
    assert_int_equal(Skeleton(MSG_READ_ASYNC, CLIENT, NAME("f"), &io, sizeof(io)), E_INVAL);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), 0, 0, 0, 6), E_INVAL);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), 0, FS_ASYNC_MAX + 1, 0, 6), E_INVAL);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), 0, 4096, UINT64_MAX - 4000, 6),
                     E_INVAL);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), -1, 4096, 0, 6), E_BADF);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), 999, 4096, 0, 6), E_BADF);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), other, 4096, 0, 6), E_BADF);
    assert_int_equal(Async(MSG_WRITE_ASYNC, CLIENT, NAME("f"), ro, 4096, 0, 7), E_BADF);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), h, 4096, 0, 99), E_FAULT);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), h, 4096, 0, 7), E_FAULT);
    assert_int_equal(Async(MSG_WRITE_ASYNC, CLIENT, NAME("f"), h, 4096, 0, 6), E_FAULT);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), h, 8193, 0, 6), E_FAULT);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), h, 4096, 0, 8), E_FAULT);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("nope"), 0, 4096, 0, 6), E_NOENT);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME(""), 0, 4096, 0, 6), E_ISDIR);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, "fs:other:f", 0, 4096, 0, 6), E_NOENT);
    assert_int_equal(Fingerprint(), print);
    assert_int_equal(JobsRunning(), 0);
    // Taken once; the second time E_BUSY; a full table E_NOSPC.
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), h, 4096, 0, 6), 0);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), h, 4096, 0, 6), E_BUSY);
    for (uint32_t id = 100; id < 100 + FS_JOBS_MAX - 1; id++) {
        Lend(id, CLIENT, 16, IPC_JOB_SERVER_WRITES);
        assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), h, 16, 0, id), 0);
    }
    Lend(119, CLIENT, 16, IPC_JOB_SERVER_WRITES);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), h, 16, 0, 119), E_NOSPC);
    assert_int_equal(JobsRunning(), FS_JOBS_MAX);
    RunJobs();
    assert_int_equal(noticeCount, FS_JOBS_MAX);
    assert_int_equal(Close(CLIENT, h), 0);
    assert_int_equal(Close(CLIENT, ro), 0);
    assert_int_equal(Close(OTHER, other), 0);
    DestroyAsyncServer();
}

// Cancel: the job ends at once with E_CANCELED; only its client may.
static void TestAsyncCancel(void **state)
{
    FsJobId cancel = { 9 };

    (void)state;
    NewAsyncServer();
    PutPattern(NAME("f"), 300 * 1024);
    Lend(9, CLIENT, 300 * 1024, IPC_JOB_SERVER_WRITES);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), 0, 300 * 1024, 0, 9), 0);
    FsServerIdle(&skeleton);
    assert_int_equal(Skeleton(MSG_CANCEL, OTHER, NAME(""), &cancel, sizeof(cancel)), E_NOENT);
    assert_int_equal(Skeleton(MSG_CANCEL, CLIENT, NAME(""), &cancel, 3), E_INVAL);
    assert_int_equal(Skeleton(MSG_CANCEL, CLIENT, NAME("f"), &cancel, sizeof(cancel)), 0);
    assert_int_equal(noticeCount, 1);
    assert_int_equal(notices[0].value, E_CANCELED);
    assert_int_equal(JobsRunning(), 0);
    assert_int_equal(StatOf(NAME("f")).handles, 0);
    assert_int_equal(Skeleton(MSG_CANCEL, CLIENT, NAME(""), &cancel, sizeof(cancel)), E_NOENT);
    cancel.job = 12345;
    assert_int_equal(Skeleton(MSG_CANCEL, CLIENT, NAME(""), &cancel, sizeof(cancel)), E_NOENT);
    assert_int_equal(RunJobs(), 0);
    DestroyAsyncServer();
}

// Failures midway: a page that is not there (E_FAULT), a job its client
// dropped (gone without a notice), a client that ended (its jobs go with
// its handles), a full notice queue (the end is told later).
static void TestAsyncFailures(void **state)
{
    int h;

    (void)state;
    NewAsyncServer();
    PutPattern(NAME("f"), 200 * 1024);
    Lend(10, CLIENT, 200 * 1024, IPC_JOB_SERVER_WRITES);
    FakeFind(10)->faultAt = 100 * 1024;
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), 0, 200 * 1024, 0, 10), 0);
    RunJobs();
    assert_int_equal(noticeCount, 1);
    assert_int_equal(notices[0].value, E_FAULT);
    Lend(11, CLIENT, 200 * 1024, IPC_JOB_SERVER_WRITES);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), 0, 200 * 1024, 0, 11), 0);
    FsServerIdle(&skeleton);
    FakeFind(11)->gone = 1;
    RunJobs();
    assert_int_equal(noticeCount, 1);
    assert_int_equal(StatOf(NAME("f")).handles, 0);
    h = Open(OTHER, NAME("f"), FS_READ);
    Lend(12, OTHER, 200 * 1024, IPC_JOB_SERVER_WRITES);
    Lend(13, OTHER, 200 * 1024, IPC_JOB_SERVER_WRITES);
    assert_int_equal(Async(MSG_READ_ASYNC, OTHER, NAME("f"), h, 200 * 1024, 0, 12), 0);
    assert_int_equal(Async(MSG_READ_ASYNC, OTHER, NAME("f"), 0, 200 * 1024, 0, 13), 0);
    assert_int_equal(StatOf(NAME("f")).handles, 2);
    FsServerEnded(&skeleton, OTHER);
    assert_int_equal(JobsRunning(), 0);
    assert_int_equal(StatOf(NAME("f")).handles, 0);
    assert_int_equal(RunJobs(), 0);
    assert_int_equal(noticeCount, 1);
    Lend(14, CLIENT, 100, IPC_JOB_SERVER_WRITES);
    assert_int_equal(Async(MSG_READ_ASYNC, CLIENT, NAME("f"), 0, 100, 0, 14), 0);
    finishAgain = 2;
    assert_int_equal(FsServerIdle(&skeleton), SERVER_POLL);       // done, not yet told
    assert_int_equal(StatOf(NAME("f")).handles, 0);               // the handle went at once
    assert_int_equal(FsServerIdle(&skeleton), SERVER_POLL);
    assert_int_equal(FsServerIdle(&skeleton), 0);
    assert_int_equal(noticeCount, 2);
    assert_int_equal(notices[1].value, 100);
    DestroyAsyncServer();
}

// Outside a server (FsServerHandle: no port) jobs cannot run.
static void TestAsyncWithoutPort(void **state)
{
    FsAsyncIo io = { 0, 16, 0, 1, 0 };
    FsServerStatus status;

    (void)state;
    NewServer(UNLIMITED);
    PutFile(NAME("f"), "data");
    assert_int_equal(Call(MSG_READ_ASYNC, CLIENT, NAME("f"), &io, sizeof(io)), E_NOSYS);
    assert_int_equal(Call(MSG_WRITE_ASYNC, CLIENT, NAME("f"), &io, sizeof(io)), E_NOSYS);
    assert_int_equal(Call(MSG_CANCEL, CLIENT, NAME("f"), "\1\0\0\0", 4), E_NOENT);
    assert_int_equal(Call(MSG_QUERY, CLIENT, NAME("f"), "x", 1), E_INVAL);
    assert_int_equal(Call(MSG_QUERY, CLIENT, NAME(""), NULL, 0), 0);
    assert_int_equal(ReplySize(), sizeof(status));
    memcpy(&status, reply.message.data, sizeof(status));
    assert_int_equal(status.jobs, 0);
    DestroyServer();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestOpen),
        cmocka_unit_test(TestClose),
        cmocka_unit_test(TestReadByName),
        cmocka_unit_test(TestReadByHandle),
        cmocka_unit_test(TestReadClamped),
        cmocka_unit_test(TestWriteByName),
        cmocka_unit_test(TestWriteByHandle),
        cmocka_unit_test(TestTruncate),
        cmocka_unit_test(TestStat),
        cmocka_unit_test(TestList),
        cmocka_unit_test(TestListMany),
        cmocka_unit_test(TestLongNames),
        cmocka_unit_test(TestNameOnlyRequests),
        cmocka_unit_test(TestRename),
        cmocka_unit_test(TestBadRequests),
        cmocka_unit_test(TestRequestIds),
        cmocka_unit_test(TestHandleIsolation),
        cmocka_unit_test(TestProcessExit),
        cmocka_unit_test(TestHandleTableFull),
        cmocka_unit_test(TestOutOfMemory),
        cmocka_unit_test(TestByteLimit),
        cmocka_unit_test(TestAsyncRead),
        cmocka_unit_test(TestAsyncWrite),
        cmocka_unit_test(TestAsyncMalformed),
        cmocka_unit_test(TestAsyncCancel),
        cmocka_unit_test(TestAsyncFailures),
        cmocka_unit_test(TestAsyncWithoutPort),
    };

    return cmocka_run_group_tests_name("fsserver", tests, NULL, NULL);
}
