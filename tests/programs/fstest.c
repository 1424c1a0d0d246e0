// fstest PREFIX: the filesystem protocol end to end, against a live server.
//
// Run from the shell as `run fs:root:bin/fstest fs:temp:` (or fs:root:).
// It works in a fresh directory PREFIXfstest.PID/ and checks every request
// of include/clanker/fs.h with its error cases, then what needs several
// processes: a handle used by another process (E_BADF), handles closed
// when their owner ends, and two processes interleaving reads and writes
// on one file. One line per failed check, then
//     fstest: PREFIX: N checks passed, M failed
// and exit code 0 only if none failed. The helper roles (--peek, --hold,
// --share) are the same program started again with SysSpawn.
#include <clanker/fs.h>
#include <lib/format.h>
#include <lib/string.h>
#include <lib/user.h>

#define SHARE_ROUNDS 64
#define RECORD 16

static int passed, failed;
static char dir[NS_NAME_MAX + 1];

// Count one check; cond is evaluated before got is looked at.
#define Check(cond, what, got)                  \
    do {                                        \
        int ok_ = (cond);                       \
        Report(ok_, what, (int)(got));          \
    } while (0)

static void Report(int ok, const char *what, int got)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    Print("fstest: FAIL %s (got %d)\n", what, got);
}

// Name of path inside the test directory.
static const char *In(const char *path)
{
    static char name[NS_NAME_MAX + 1];
    uint32_t n = (uint32_t)strlen(dir), m = (uint32_t)strlen(path);

    memcpy(name, dir, n);
    memcpy(name + n, path, m + 1);
    return name;
}

// Send type with payload to name. Returns the reply's E_* code (0 for
// MSG_RESPONSE); the reply's payload goes to out (up to capacity bytes)
// and its length to *length, when they are given.
static int Call(const char *name, uint32_t type, const void *payload, uint32_t size,
                void *out, uint32_t capacity, uint32_t *length)
{
    Message *request = CreateMessage(type, size), *reply;
    int err;

    if (!request)
        return E_NOMEM;
    memcpy(request->data, payload, size);
    reply = IpcSend(name, request);
    FreeMessage(request);
    err = MessageError(reply);
    if (!err && out) {
        uint32_t n = MessageDataLength(reply);
        memcpy(out, reply->data, n < capacity ? n : capacity);
        if (length)
            *length = n;
    }
    FreeMessage(reply);
    return err;
}

static int Open(const char *name, uint32_t flags)
{
    FsOpen open = { flags };
    FsHandle h = { 0 };
    int err = Call(name, MSG_OPEN, &open, sizeof(open), &h, sizeof(h), NULL);

    return err ? err : h.handle;
}

static int Close(const char *name, int handle)
{
    FsHandle h = { handle };
    return Call(name, MSG_CLOSE, &h, sizeof(h), NULL, 0, NULL);
}

static int Write(const char *name, int handle, uint64_t offset, const void *data, uint32_t n)
{
    static uint8_t buffer[sizeof(FsIo) + 4096];
    FsIo io = { handle, n, offset };
    FsCount count = { 0 };
    int err;

    memcpy(buffer, &io, sizeof(io));
    memcpy(buffer + sizeof(io), data, n);
    err = Call(name, MSG_WRITE, buffer, sizeof(io) + n, &count, sizeof(count), NULL);
    return err ? err : (int)count.count;
}

static int Read(const char *name, int handle, uint64_t offset, void *out, uint32_t n)
{
    FsIo io = { handle, n, offset };
    uint32_t got = 0;
    int err = Call(name, MSG_READ, &io, sizeof(io), out, n, &got);

    return err ? err : (int)got;
}

static int Stat(const char *name, FsStat *out)
{
    return Call(name, MSG_STAT, NULL, 0, out, sizeof(*out), NULL);
}

static int Simple(const char *name, uint32_t type)
{
    return Call(name, type, NULL, 0, NULL, 0, NULL);
}

// Every request, and the errors each can give.
static void TestRequests(void)
{
    char text[64];
    FsStat st;
    FsDirEntry entries[4];
    FsListRequest list = { 0, 4 };
    uint32_t got = 0;
    int h, err;

    Check(Simple(In("a.txt"), MSG_CREATE) == 0, "create", 0);
    Check((err = Simple(In("a.txt"), MSG_CREATE)) == E_EXIST, "create twice: E_EXIST", err);
    Check(Simple(In("sub"), MSG_MKDIR) == 0, "mkdir", 0);
    Check((err = Simple(In("sub"), MSG_MKDIR)) == E_EXIST, "mkdir twice: E_EXIST", err);
    Check((err = Simple(In("none/x"), MSG_CREATE)) == E_NOENT, "create in missing dir", err);
    Check((err = Simple(In("a.txt/x"), MSG_MKDIR)) == E_NOTDIR, "mkdir under a file", err);
    h = Open(In("a.txt"), FS_READ | FS_WRITE);
    Check(h > 0, "open", h);
    Check((err = Write(In("a.txt"), h, 0, "hello, world", 12)) == 12, "write by handle", err);
    Check((err = Write(In("ignored"), h, 7, "there", 5)) == 5, "handle ignores the name", err);
    Check((err = Read(In("a.txt"), h, 0, text, sizeof(text))) == 12 &&
          memcmp(text, "hello, there", 12) == 0, "read by handle", err);
    Check((err = Read(In("a.txt"), h, 12, text, 8)) == 0, "read at the end: empty", err);
    Check((err = Read(In("a.txt"), 0, 7, text, 3)) == 3 && memcmp(text, "the", 3) == 0,
          "read by name at an offset", err);
    Check((err = Write(In("a.txt"), 0, 12, "!", 1)) == 1, "write by name", err);
    Check((err = Write(In("new.txt"), 0, 0, "x", 1)) == E_NOENT, "write by name: no file", err);
    Check(Stat(In("a.txt"), &st) == 0 && st.type == FS_TYPE_FILE && st.size == 13 &&
          st.handles == 1, "stat a file", (int)st.size);
    Check(Stat(In("sub"), &st) == 0 && st.type == FS_TYPE_DIR, "stat a dir", (int)st.type);
    Check((err = Stat(In("nope"), &st)) == E_NOENT, "stat missing", err);
    {
        FsTruncate t = { h, 0, 5 };
        Check((err = Call(In("a.txt"), MSG_TRUNCATE, &t, sizeof(t), NULL, 0, NULL)) == 0,
              "truncate by handle", err);
        t.handle = 0;
        t.size = 3;
        Check((err = Call(In("a.txt"), MSG_TRUNCATE, &t, sizeof(t), NULL, 0, NULL)) == 0 &&
              Stat(In("a.txt"), &st) == 0 && st.size == 3, "truncate by name", err);
        Check((err = Call(In("sub"), MSG_TRUNCATE, &t, sizeof(t), NULL, 0, NULL)) == E_ISDIR,
              "truncate a dir", err);
    }
    Check((err = Close(In("a.txt"), h)) == 0, "close", err);
    Check((err = Close(In("a.txt"), h)) == E_BADF, "close twice: E_BADF", err);
    Check((err = Read(In("a.txt"), h, 0, text, 4)) == E_BADF, "read closed: E_BADF", err);
    h = Open(In("a.txt"), FS_READ);
    Check((err = Write(In("a.txt"), h, 0, "no", 2)) == E_BADF, "write read-only: E_BADF", err);
    Close(In("a.txt"), h);
    Check((err = Open(In("sub"), FS_READ)) == E_ISDIR, "open a dir: E_ISDIR", err);
    Check((err = Open(In("b.txt"), FS_READ)) == E_NOENT, "open missing", err);
    Check((err = Open(In("b.txt"), 0x4000)) == E_INVAL, "open bad flags", err);
    h = Open(In("b.txt"), FS_WRITE | FS_CREATE | FS_EXCLUSIVE);
    Check(h > 0, "open create exclusive", h);
    Check((err = Open(In("b.txt"), FS_WRITE | FS_CREATE | FS_EXCLUSIVE)) == E_EXIST,
          "exclusive again: E_EXIST", err);
    Close(In("b.txt"), h);
    h = Open(In("b.txt"), FS_WRITE | FS_APPEND);
    Write(In("b.txt"), h, 0, "ab", 2);
    Write(In("b.txt"), h, 0, "cd", 2);
    Close(In("b.txt"), h);
    Check((err = Read(In("b.txt"), 0, 0, text, 8)) == 4 && memcmp(text, "abcd", 4) == 0,
          "append", err);
    Check(Call(In(""), MSG_LIST, &list, sizeof(list), entries, sizeof(entries), &got) == 0 &&
          got == 3 * sizeof(FsDirEntry) && strcmp(entries[0].name, "a.txt") == 0 &&
          strcmp(entries[2].name, "sub") == 0 && entries[2].type == FS_TYPE_DIR,
          "list", (int)got);
    list.index = 2;
    Check(Call(In(""), MSG_LIST, &list, sizeof(list), entries, sizeof(entries), &got) == 0 &&
          got == sizeof(FsDirEntry), "list from index 2", (int)got);
    Check((err = Call(In("a.txt"), MSG_LIST, &list, sizeof(list), NULL, 0, NULL)) == E_NOTDIR,
          "list a file", err);
    {
        char to[NS_NAME_MAX + 1];
        memcpy(to, In("sub/moved.txt"), strlen(In("sub/moved.txt")) + 1);
        Check((err = Call(In("b.txt"), MSG_RENAME, to, (uint32_t)strlen(to) + 1, NULL, 0,
                          NULL)) == 0 && Stat(In("sub/moved.txt"), &st) == 0 && st.size == 4,
              "rename", err);
        Check((err = Call(In("b.txt"), MSG_RENAME, to, (uint32_t)strlen(to) + 1, NULL, 0,
                          NULL)) == E_NOENT, "rename missing", err);
        Check((err = Call(In("a.txt"), MSG_RENAME, "other:x", 8, NULL, 0, NULL)) == E_XDEV,
              "rename to another server: E_XDEV", err);
    }
    Check((err = Simple(In("sub"), MSG_RMDIR)) == E_NOTEMPTY, "rmdir not empty", err);
    Check((err = Simple(In("sub"), MSG_DELETE)) == E_ISDIR, "delete a dir: E_ISDIR", err);
    Check((err = Simple(In("a.txt"), MSG_RMDIR)) == E_NOTDIR, "rmdir a file", err);
    Check(Simple(In("sub/moved.txt"), MSG_DELETE) == 0 && Simple(In("sub"), MSG_RMDIR) == 0,
          "delete and rmdir", 0);
    Check((err = Simple(In("sub"), MSG_RMDIR)) == E_NOENT, "rmdir missing", err);
    Check((err = Call(In("a.txt"), MSG_READ, "short", 5, NULL, 0, NULL)) == E_INVAL,
          "bad payload: E_INVAL", err);
    Check((err = Simple(In("a.txt"), 0x7777)) == E_INVAL, "unknown request: E_INVAL", err);
    Check((err = Simple(In("bad//name"), MSG_CREATE)) == E_INVAL, "malformed path", err);
}

// Start this program again as role with arguments a and b; return its exit code.
static int Helper(const char *role, const char *a, const char *b)
{
    const char *argv[] = { "fstest", role, a, b, NULL };
    int status = 0, pid = SysSpawn("fs:root:bin/fstest", argv);

    if (pid < 0)
        return pid;
    if (SysWait(pid, &status) != pid)
        return -1;
    return WAIT_IF_EXITED(status) ? WAIT_EXIT_CODE(status) : 100;
}

// Handles belong to one process, and go when it ends.
static void TestOwnership(void)
{
    char number[16];
    FsStat st;
    int h = Open(In("own.txt"), FS_READ | FS_WRITE | FS_CREATE), code;

    Format(number, sizeof(number), "%d", h);
    code = Helper("--peek", In("own.txt"), number);
    Check(code == 0, "another process's handle: E_BADF", code);
    Close(In("own.txt"), h);
    code = Helper("--hold", In("own.txt"), "3");
    Check(code == 0, "helper holding handles", code);
    Check(Stat(In("own.txt"), &st) == 0 && st.handles == 0, "handles closed when owner ends",
          (int)st.handles);
}

// Two processes, one file: each writes its own records and reads the
// other's, turn by turn.
static void TestSharing(void)
{
    const char *argv[] = { "fstest", "--share", In("shared.dat"), "B", NULL };
    char record[RECORD];
    int h = Open(In("shared.dat"), FS_READ | FS_WRITE | FS_CREATE), pid, status = 0;
    int bad = 0;

    pid = SysSpawn("fs:root:bin/fstest", argv);
    Check(pid > 0, "spawn sharer", pid);
    for (int i = 0; i < SHARE_ROUNDS; i++) {
        Format(record, sizeof(record), "A%013d\n", i);
        bad += Write(In("shared.dat"), h, (uint64_t)(2 * i) * RECORD, record, RECORD) != RECORD;
        SysYield();
        if (i > 0 && Read(In("shared.dat"), h, (uint64_t)(2 * i - 1) * RECORD, record,
                          RECORD) == RECORD && record[0] != 'B' && record[0] != 0)
            bad++;
    }
    Check(pid > 0 && SysWait(pid, &status) == pid && WAIT_IF_EXITED(status) &&
          WAIT_EXIT_CODE(status) == 0, "sharer's checks", status);
    for (int i = 0; i < 2 * SHARE_ROUNDS; i++) {
        char want[RECORD];
        Format(want, sizeof(want), "%c%013d\n", i % 2 ? 'B' : 'A', i / 2);
        bad += Read(In("shared.dat"), h, (uint64_t)i * RECORD, record, RECORD) != RECORD ||
               memcmp(record, want, RECORD) != 0;
    }
    Check(bad == 0, "interleaved records all there", bad);
    Close(In("shared.dat"), h);
}

static int Role(const char *role, const char *name, const char *arg)
{
    char record[RECORD];
    int value = 0, bad = 0;

    ParseInt(arg, &value);
    if (strcmp(role, "--peek") == 0)
        return Read(name, value, 0, record, 1) == E_BADF ? 0 : 1;
    if (strcmp(role, "--hold") == 0) {
        for (int i = 0; i < value; i++)
            bad += Open(name, FS_READ) <= 0;
        return bad;                     // exits without closing
    }
    int h = Open(name, FS_READ | FS_WRITE);
    for (int i = 0; i < SHARE_ROUNDS; i++) {
        Format(record, sizeof(record), "B%013d\n", i);
        bad += Write(name, h, (uint64_t)(2 * i + 1) * RECORD, record, RECORD) != RECORD;
        SysYield();
        if (Read(name, h, (uint64_t)(2 * i) * RECORD, record, RECORD) == RECORD &&
            record[0] != 'A' && record[0] != 0)
            bad++;
    }
    return bad != 0;
}

int main(int argc, char **argv)
{
    int n;

    if (argc == 4)
        return Role(argv[1], argv[2], argv[3]);
    if (argc != 2 || strlen(argv[1]) > NS_NAME_MAX - 40) {
        Print("usage: fstest PREFIX   (e.g. fs:temp:)\n");
        return 2;
    }
    n = Format(dir, sizeof(dir), "%sfstest.%d", argv[1], SysGetPid());
    Check(Simple(dir, MSG_MKDIR) == 0, "mkdir test directory", 0);
    dir[n] = '/';
    dir[n + 1] = 0;
    TestRequests();
    TestOwnership();
    TestSharing();
    Print("fstest: %s: %d checks passed, %d failed\n", argv[1], passed, failed);
    return failed != 0;
}
