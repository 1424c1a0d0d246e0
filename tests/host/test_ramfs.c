// Host unit tests for lib/ramfs.c (the in-memory filesystem core).
//
// The filesystem gets malloc/free through a counting wrapper that can be
// made to fail after a given number of calls, so every out-of-memory path
// is reached; every test ends by destroying the filesystem and checking
// that nothing leaked. Dump() renders the whole visible state (every
// node's path, kind, id, version, size, counts and a hash of its bytes,
// plus the usage totals), so "a failed call changed nothing" is checked by
// comparing dumps.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <cmocka.h>

#include <clanker/error.h>
#include <lib/ramfs.h>

#include "testkit.h"

#define UNLIMITED  UINT64_MAX
#define DUMP_OWNER 0xD0D0u
#define BIG_SIZE   (4u << 20)



static RamFs *NewFs(uint64_t limit)
{
    RamFs *fs;

    liveAllocations = 0;
    failAfter = -1;
    fs = RamFsCreate(TestAllocate, TestRelease, limit);
    assert_non_null(fs);
    assert_int_equal(RamFsCheck(fs), 0);
    return fs;
}

static void DestroyFs(RamFs *fs)
{
    failAfter = -1;
    assert_int_equal(RamFsCheck(fs), 0);
    RamFsDestroy(fs);
    assert_int_equal(liveAllocations, 0);
}

static uint8_t PatternByte(uint64_t i)
{
    return (uint8_t)(((i * 2654435761u) >> 13) ^ i ^ (i >> 8));
}

static void Fill(uint8_t *buf, uint64_t offset, uint32_t length)
{
    for (uint32_t i = 0; i < length; i++)
        buf[i] = PatternByte(offset + i);
}

static void ExpectPattern(const uint8_t *buf, uint64_t offset, uint32_t length)
{
    for (uint32_t i = 0; i < length; i++) {
        if (buf[i] != PatternByte(offset + i))
            fail_msg("byte %llu is %u, wanted %u", (unsigned long long)(offset + i), buf[i],
                     PatternByte(offset + i));
    }
}

static void ExpectZeros(const uint8_t *buf, uint32_t length)
{
    for (uint32_t i = 0; i < length; i++)
        assert_int_equal(buf[i], 0);
}

// Write the pattern for [offset, offset + length) through a fresh handle.
static void WritePattern(RamFs *fs, const char *path, uint64_t offset, uint32_t length)
{
    uint8_t *buf = malloc(length ? length : 1);
    int h = RamFsOpen(fs, path, RAMFS_WRITE | RAMFS_CREATE, 7);

    assert_true(h > 0);
    Fill(buf, offset, length);
    assert_int_equal(RamFsWrite(fs, h, 7, offset, buf, length), (int)length);
    assert_int_equal(RamFsClose(fs, h, 7), 0);
    free(buf);
}

static void WriteString(RamFs *fs, const char *path, const char *text)
{
    int h = RamFsOpen(fs, path, RAMFS_WRITE | RAMFS_CREATE | RAMFS_TRUNCATE, 7);

    assert_true(h > 0);
    assert_int_equal(RamFsWrite(fs, h, 7, 0, text, (uint32_t)strlen(text)), (int)strlen(text));
    assert_int_equal(RamFsClose(fs, h, 7), 0);
}

// The whole content of a file as a NUL-terminated string (caller frees).
static char *ReadString(RamFs *fs, const char *path)
{
    RamFsInfo info;
    char *text;
    int h;

    assert_int_equal(RamFsStat(fs, path, &info), 0);
    text = malloc(info.size + 1);
    h = RamFsOpen(fs, path, RAMFS_READ, 7);
    assert_true(h > 0);
    assert_int_equal(RamFsRead(fs, h, 7, 0, text, (uint32_t)info.size + 1), (int)info.size);
    assert_int_equal(RamFsClose(fs, h, 7), 0);
    text[info.size] = 0;
    return text;
}

static void ExpectContent(RamFs *fs, const char *path, const char *want)
{
    char *text = ReadString(fs, path);

    assert_string_equal(text, want);
    free(text);
}

static uint64_t UsageBytes(RamFs *fs)
{
    uint64_t bytes;

    RamFsUsage(fs, &bytes, NULL, NULL);
    return bytes;
}

static void ExpectUsage(RamFs *fs, uint32_t files, uint32_t dirs)
{
    uint32_t f, d;

    RamFsUsage(fs, NULL, &f, &d);
    assert_int_equal(f, files);
    assert_int_equal(d, dirs);
}

// --- dumps -----------------------------------------------------------------

typedef struct Text {
    char *data;
    size_t length;
    size_t capacity;
} Text;

static void Append(Text *t, const char *fmt, ...)
{
    va_list args;
    int n;

    for (;;) {
        va_start(args, fmt);
        n = vsnprintf(t->data ? t->data + t->length : NULL,
                      t->data ? t->capacity - t->length : 0, fmt, args);
        va_end(args);
        if (t->data && (size_t)n < t->capacity - t->length)
            break;
        t->capacity = (t->capacity + (size_t)n + 1) * 2;
        t->data = realloc(t->data, t->capacity);
        assert_non_null(t->data);
    }
    t->length += (size_t)n;
}

static uint64_t HashFile(RamFs *fs, const char *path, uint64_t size)
{
    uint64_t hash = 14695981039346656037ull;
    uint8_t buf[4096];
    int h = RamFsOpen(fs, path, RAMFS_READ, DUMP_OWNER);

    assert_true(h > 0);
    for (uint64_t at = 0; at < size;) {
        int n = RamFsRead(fs, h, DUMP_OWNER, at, buf, sizeof(buf));
        assert_true(n > 0);
        for (int i = 0; i < n; i++)
            hash = (hash ^ buf[i]) * 1099511628211ull;
        at += (uint64_t)n;
    }
    assert_int_equal(RamFsRead(fs, h, DUMP_OWNER, size, buf, sizeof(buf)), 0);
    assert_int_equal(RamFsClose(fs, h, DUMP_OWNER), 0);
    return hash;
}

static void DumpNode(RamFs *fs, const char *path, Text *t)
{
    RamFsDirEntry e;
    RamFsInfo info;

    assert_int_equal(RamFsStat(fs, path, &info), 0);
    Append(t, "'%s' type=%u id=%u version=%llu size=%llu entries=%u blocks=%u handles=%u",
           path, info.type, info.id, (unsigned long long)info.version,
           (unsigned long long)info.size, info.entries, info.blocks, info.handles);
    if (info.type == RAMFS_FILE) {
        Append(t, " hash=%llx\n", (unsigned long long)HashFile(fs, path, info.size));
        return;
    }
    Append(t, "\n");
    for (uint32_t i = 0;; i++) {
        char child[2 * RAMFS_PATH_MAX + 2];
        int error = RamFsList(fs, path, i, &e);
        if (error == E_NOENT) {
            assert_int_equal(i, info.entries);
            break;
        }
        assert_int_equal(error, 0);
        snprintf(child, sizeof(child), "%s%s%s", path, *path ? "/" : "", e.name);
        if (strlen(child) <= RAMFS_PATH_MAX)
            DumpNode(fs, child, t);
        else
            Append(t, "'%s' (too deep)\n", child);
    }
}

// Everything visible, with allocation failures held off meanwhile.
static char *Dump(RamFs *fs)
{
    long saved = failAfter;
    uint64_t bytes;
    uint32_t files, dirs;
    Text t = { 0 };

    failAfter = -1;
    RamFsUsage(fs, &bytes, &files, &dirs);
    Append(&t, "bytes=%llu files=%u dirs=%u\n", (unsigned long long)bytes, files, dirs);
    DumpNode(fs, "", &t);
    failAfter = saved;
    return t.data;
}

// Assert that fs dumps as before, then free before.
static void ExpectUnchanged(RamFs *fs, char *before)
{
    char *after = Dump(fs);

    assert_int_equal(RamFsCheck(fs), 0);
    assert_string_equal(after, before);
    free(after);
    free(before);
}

// --- creating, paths ----------------------------------------------------------

static void TestCreateDestroy(void **state)
{
    RamFs *fs;
    RamFsInfo info;
    RamFsDirEntry e;
    uint64_t bytes = 1;
    uint32_t files = 1, dirs = 1;

    (void)state;
    assert_null(RamFsCreate(NULL, TestRelease, UNLIMITED));
    assert_null(RamFsCreate(TestAllocate, NULL, UNLIMITED));
    failAfter = 0;
    liveAllocations = 0;
    assert_null(RamFsCreate(TestAllocate, TestRelease, UNLIMITED));
    assert_int_equal(liveAllocations, 0);
    RamFsDestroy(NULL);

    fs = NewFs(UNLIMITED);
    RamFsUsage(fs, &bytes, &files, &dirs);
    assert_true(bytes == 0 && files == 0 && dirs == 0);
    RamFsUsage(fs, NULL, NULL, NULL);
    assert_int_equal(RamFsStat(fs, "", &info), 0);
    assert_int_equal(info.type, RAMFS_DIR);
    assert_int_equal(info.id, 1);
    assert_int_equal(info.entries, 0);
    assert_int_equal(info.size, 0);
    assert_int_equal(RamFsStat(fs, "/", &info), 0);
    assert_int_equal(info.id, 1);
    assert_int_equal(RamFsStat(fs, "/", NULL), E_FAULT);
    assert_int_equal(RamFsList(fs, "", 0, &e), E_NOENT);
    DestroyFs(fs);
}

static void TestPathSyntax(void **state)
{
    char path[RAMFS_PATH_MAX + 2];
    RamFsInfo info;
    RamFs *fs = NewFs(UNLIMITED);

    (void)state;
    assert_int_equal(RamFsMkdir(fs, "a"), 0);
    assert_int_equal(RamFsMkdir(fs, "/a/b/"), 0);
    assert_int_equal(RamFsStat(fs, "a/b", &info), 0);
    assert_int_equal(RamFsStat(fs, "/a/b", &info), 0);
    assert_int_equal(RamFsStat(fs, "a/b/", &info), 0);
    assert_int_equal(RamFsStat(fs, "/a/", &info), 0);
    assert_int_equal(RamFsStat(fs, NULL, &info), E_INVAL);
    assert_int_equal(RamFsStat(fs, "//", &info), 0);    // leading and trailing '/': the root
    assert_int_equal(info.id, 1);
    assert_int_equal(RamFsStat(fs, "///", &info), E_INVAL);
    assert_int_equal(RamFsStat(fs, "a//b", &info), E_INVAL);
    assert_int_equal(RamFsStat(fs, "//a", &info), E_INVAL);
    assert_int_equal(RamFsStat(fs, "a//", &info), E_INVAL);
    assert_int_equal(RamFsStat(fs, ".", &info), E_INVAL);
    assert_int_equal(RamFsStat(fs, "..", &info), E_INVAL);
    assert_int_equal(RamFsStat(fs, "a/.", &info), E_INVAL);
    assert_int_equal(RamFsStat(fs, "a/../a", &info), E_INVAL);
    assert_int_equal(RamFsStat(fs, "/./", &info), E_INVAL);
    // Syntax is checked before anything is looked up.
    assert_int_equal(RamFsStat(fs, "missing/./x", &info), E_INVAL);
    assert_int_equal(RamFsMkdir(fs, "a/./c"), E_INVAL);
    // Names that merely contain dots are fine.
    assert_int_equal(RamFsCreateFile(fs, "..."), 0);
    assert_int_equal(RamFsCreateFile(fs, ".hidden"), 0);
    assert_int_equal(RamFsCreateFile(fs, "a/x.."), 0);

    // Length: 255 bytes is the most, as one name or as a whole path.
    memset(path, 'n', RAMFS_PATH_MAX);
    path[RAMFS_PATH_MAX] = 0;
    assert_int_equal(RamFsCreateFile(fs, path), 0);
    assert_int_equal(RamFsStat(fs, path, &info), 0);
    path[RAMFS_PATH_MAX] = 'n';
    path[RAMFS_PATH_MAX + 1] = 0;
    assert_int_equal(RamFsCreateFile(fs, path), E_NAMETOOLONG);
    assert_int_equal(RamFsStat(fs, path, &info), E_NAMETOOLONG);
    path[0] = '/';      // 256 bytes with the leading '/'
    assert_int_equal(RamFsStat(fs, path, &info), E_NAMETOOLONG);
    memset(path, 0, sizeof(path));
    path[0] = 'a';
    path[1] = '/';
    memset(path + 2, 'm', RAMFS_PATH_MAX - 2);
    assert_int_equal(RamFsCreateFile(fs, path), 0);
    path[RAMFS_PATH_MAX] = '/';     // trailing '/' makes it 256
    assert_int_equal(RamFsStat(fs, path, &info), E_NAMETOOLONG);
    // An overlong path is rejected even when it is also malformed.
    memset(path, '.', RAMFS_PATH_MAX + 1);
    path[RAMFS_PATH_MAX + 1] = 0;
    assert_int_equal(RamFsStat(fs, path, &info), E_NAMETOOLONG);
    DestroyFs(fs);
}

// --- directories and files ------------------------------------------------------

static void TestMkdir(void **state)
{
    RamFsInfo info, parent;
    RamFs *fs = NewFs(UNLIMITED);

    (void)state;
    assert_int_equal(RamFsMkdir(fs, ""), E_EXIST);
    assert_int_equal(RamFsMkdir(fs, "/"), E_EXIST);
    assert_int_equal(RamFsMkdir(fs, "a"), 0);
    assert_int_equal(RamFsMkdir(fs, "a"), E_EXIST);
    assert_int_equal(RamFsMkdir(fs, "a/"), E_EXIST);
    assert_int_equal(RamFsMkdir(fs, "x/y"), E_NOENT);
    assert_int_equal(RamFsMkdir(fs, "x/y/z"), E_NOENT);
    assert_int_equal(RamFsCreateFile(fs, "f"), 0);
    assert_int_equal(RamFsMkdir(fs, "f"), E_EXIST);
    assert_int_equal(RamFsMkdir(fs, "f/y"), E_NOTDIR);
    assert_int_equal(RamFsMkdir(fs, "f/y/z"), E_NOTDIR);
    assert_int_equal(RamFsStat(fs, "f/y", &info), E_NOTDIR);
    assert_int_equal(RamFsStat(fs, "a/f/y", &info), E_NOENT);
    assert_int_equal(RamFsStat(fs, "a", &parent), 0);
    assert_int_equal(RamFsMkdir(fs, "a/b"), 0);
    assert_int_equal(RamFsStat(fs, "a/b", &info), 0);
    assert_int_equal(info.type, RAMFS_DIR);
    assert_int_equal(info.entries, 0);
    assert_int_equal(info.size, 0);
    assert_true(info.version > parent.version);
    assert_int_equal(RamFsStat(fs, "a", &info), 0);
    assert_int_equal(info.entries, 1);
    assert_true(info.version > parent.version);
    ExpectUsage(fs, 1, 2);
    DestroyFs(fs);
}

static void TestRmdir(void **state)
{
    RamFsInfo info;
    RamFs *fs = NewFs(UNLIMITED);

    (void)state;
    assert_int_equal(RamFsMkdir(fs, "a"), 0);
    assert_int_equal(RamFsMkdir(fs, "a/b"), 0);
    assert_int_equal(RamFsCreateFile(fs, "a/f"), 0);
    assert_int_equal(RamFsRmdir(fs, ""), E_BUSY);
    assert_int_equal(RamFsRmdir(fs, "/"), E_BUSY);
    assert_int_equal(RamFsRmdir(fs, "a"), E_NOTEMPTY);
    assert_int_equal(RamFsRmdir(fs, "a/f"), E_NOTDIR);
    assert_int_equal(RamFsRmdir(fs, "a/f/x"), E_NOTDIR);
    assert_int_equal(RamFsRmdir(fs, "a/c"), E_NOENT);
    assert_int_equal(RamFsRmdir(fs, "c/d"), E_NOENT);
    assert_int_equal(RamFsRmdir(fs, "a/./b"), E_INVAL);
    assert_int_equal(RamFsRmdir(fs, "a/b"), 0);
    assert_int_equal(RamFsStat(fs, "a/b", &info), E_NOENT);
    assert_int_equal(RamFsRmdir(fs, "a/b"), E_NOENT);
    assert_int_equal(RamFsRmdir(fs, "a"), E_NOTEMPTY);
    assert_int_equal(RamFsDelete(fs, "a/f"), 0);
    assert_int_equal(RamFsRmdir(fs, "a/"), 0);
    ExpectUsage(fs, 0, 0);
    assert_int_equal(UsageBytes(fs), 0);
    DestroyFs(fs);
}

static void TestCreateFileAndDelete(void **state)
{
    RamFsInfo info, again;
    RamFs *fs = NewFs(UNLIMITED);

    (void)state;
    assert_int_equal(RamFsCreateFile(fs, "f"), 0);
    assert_int_equal(RamFsStat(fs, "f", &info), 0);
    assert_int_equal(info.type, RAMFS_FILE);
    assert_int_equal(info.size, 0);
    assert_int_equal(info.blocks, 0);
    assert_int_equal(info.handles, 0);
    assert_int_equal(info.entries, 0);
    assert_int_equal(RamFsCreateFile(fs, "f"), E_EXIST);
    assert_int_equal(RamFsCreateFile(fs, ""), E_EXIST);
    assert_int_equal(RamFsMkdir(fs, "d"), 0);
    assert_int_equal(RamFsCreateFile(fs, "d"), E_EXIST);
    assert_int_equal(RamFsCreateFile(fs, "x/f"), E_NOENT);
    assert_int_equal(RamFsCreateFile(fs, "f/g"), E_NOTDIR);
    assert_int_equal(RamFsCreateFile(fs, "d/f"), 0);
    assert_int_equal(RamFsStat(fs, "d/f", &again), 0);
    assert_true(again.id != info.id);

    assert_int_equal(RamFsDelete(fs, "d"), E_ISDIR);
    assert_int_equal(RamFsDelete(fs, ""), E_ISDIR);
    assert_int_equal(RamFsDelete(fs, "nothing"), E_NOENT);
    assert_int_equal(RamFsDelete(fs, "f/g"), E_NOTDIR);
    assert_int_equal(RamFsDelete(fs, "x/g"), E_NOENT);
    WritePattern(fs, "d/f", 0, 20000);
    assert_int_equal(RamFsDelete(fs, "d/f"), 0);
    assert_int_equal(RamFsStat(fs, "d/f", &info), E_NOENT);
    assert_int_equal(RamFsDelete(fs, "d/f"), E_NOENT);
    // A new file with the old name starts empty.
    assert_int_equal(RamFsCreateFile(fs, "d/f"), 0);
    assert_int_equal(RamFsStat(fs, "d/f", &info), 0);
    assert_int_equal(info.size, 0);
    assert_true(info.id > again.id);
    assert_int_equal(RamFsDelete(fs, "d/f"), 0);
    assert_int_equal(RamFsDelete(fs, "f"), 0);
    assert_int_equal(RamFsRmdir(fs, "d"), 0);
    assert_int_equal(UsageBytes(fs), 0);
    DestroyFs(fs);
}

static void TestStatIdsAndVersions(void **state)
{
    RamFsInfo root0, root1, a, b, f0, f1;
    uint8_t buf[10] = { 0 };
    RamFs *fs = NewFs(UNLIMITED);
    int h;

    (void)state;
    assert_int_equal(RamFsStat(fs, "", &root0), 0);
    assert_int_equal(RamFsMkdir(fs, "a"), 0);
    assert_int_equal(RamFsCreateFile(fs, "b"), 0);
    assert_int_equal(RamFsStat(fs, "", &root1), 0);
    assert_int_equal(RamFsStat(fs, "a", &a), 0);
    assert_int_equal(RamFsStat(fs, "b", &b), 0);
    assert_true(a.id != b.id && a.id != 1 && b.id != 1);
    assert_true(root1.version > root0.version);
    assert_int_equal(root1.entries, 2);

    // Writing and truncating change the file's version, not the parent's.
    h = RamFsOpen(fs, "b", RAMFS_READ | RAMFS_WRITE, 1);
    assert_true(h > 0);
    assert_int_equal(RamFsStat(fs, "b", &f0), 0);
    assert_int_equal(f0.handles, 1);
    assert_int_equal(f0.version, b.version);   // opening is not a change
    assert_int_equal(RamFsWrite(fs, h, 1, 0, buf, sizeof(buf)), sizeof(buf));
    assert_int_equal(RamFsStat(fs, "b", &f1), 0);
    assert_true(f1.version > f0.version);
    assert_int_equal(f1.size, 10);
    assert_int_equal(f1.blocks, 1);
    assert_int_equal(RamFsRead(fs, h, 1, 0, buf, sizeof(buf)), sizeof(buf));
    assert_int_equal(RamFsStat(fs, "b", &f0), 0);
    assert_int_equal(f0.version, f1.version);  // reading is not a change
    assert_int_equal(RamFsTruncate(fs, "b", 3), 0);
    assert_int_equal(RamFsStat(fs, "b", &f0), 0);
    assert_true(f0.version > f1.version);
    assert_int_equal(RamFsStatHandle(fs, h, 1, &f1), 0);
    assert_int_equal(f1.version, f0.version);
    assert_int_equal(f1.size, 3);
    assert_int_equal(RamFsStat(fs, "", &root0), 0);
    assert_int_equal(root0.version, root1.version);
    // A rename changes the node and both directories.
    assert_int_equal(RamFsRename(fs, "b", "a/b"), 0);
    assert_int_equal(RamFsStat(fs, "a/b", &f1), 0);
    assert_int_equal(f1.id, b.id);
    assert_true(f1.version > f0.version);
    assert_int_equal(RamFsStat(fs, "", &root1), 0);
    assert_true(root1.version > root0.version);
    assert_int_equal(RamFsStat(fs, "a", &b), 0);
    assert_true(b.version > a.version);
    assert_int_equal(RamFsStatHandle(fs, h, 2, &f1), E_BADF);
    assert_int_equal(RamFsStatHandle(fs, h, 1, NULL), E_FAULT);
    DestroyFs(fs);
}

static int CompareStrings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void TestListOrder(void **state)
{
    const char *names[] = { "b", "a", "B", "aa", "a0", "\xff", "ab", "_", "a b", "zz",
                            "\x01", "A", "ba", "b0", "~", "\x7f" };
    const uint32_t count = sizeof(names) / sizeof(names[0]);
    const char *sorted[sizeof(names) / sizeof(names[0])];
    RamFsDirEntry e;
    RamFs *fs = NewFs(UNLIMITED);
    char path[64];

    (void)state;
    assert_int_equal(RamFsMkdir(fs, "d"), 0);
    for (uint32_t i = 0; i < count; i++) {
        snprintf(path, sizeof(path), "d/%s", names[i]);
        if (i % 3 == 0)
            assert_int_equal(RamFsMkdir(fs, path), 0);
        else
            WritePattern(fs, path, 0, i * 100);
        sorted[i] = names[i];
    }
    qsort(sorted, count, sizeof(sorted[0]), CompareStrings);
    for (uint32_t i = 0; i < count; i++) {
        uint32_t at = 0;
        assert_int_equal(RamFsList(fs, "d", i, &e), 0);
        assert_string_equal(e.name, sorted[i]);
        while (strcmp(names[at], e.name) != 0)
            at++;
        assert_int_equal(e.type, at % 3 == 0 ? RAMFS_DIR : RAMFS_FILE);
        assert_int_equal(e.size, at % 3 == 0 ? 0 : at * 100);
    }
    assert_int_equal(RamFsList(fs, "d", count, &e), E_NOENT);
    assert_int_equal(RamFsList(fs, "d", UINT32_MAX, &e), E_NOENT);
    assert_int_equal(RamFsList(fs, "d", 0, NULL), E_FAULT);
    assert_int_equal(RamFsList(fs, "", 0, &e), 0);
    assert_string_equal(e.name, "d");
    assert_int_equal(RamFsList(fs, "", 1, &e), E_NOENT);
    assert_int_equal(RamFsList(fs, "d/a", 0, &e), E_NOTDIR);
    assert_int_equal(RamFsList(fs, "d/nothing", 0, &e), E_NOENT);
    assert_int_equal(RamFsList(fs, "d/a/x", 0, &e), E_NOTDIR);
    assert_int_equal(RamFsList(fs, "d//", 0, &e), E_INVAL);

    // A long name is returned whole.
    memset(path, 0, sizeof(path));
    {
        char name[RAMFS_NAME_MAX + 1];
        memset(name, 'q', RAMFS_NAME_MAX);
        name[RAMFS_NAME_MAX] = 0;
        assert_int_equal(RamFsCreateFile(fs, name), 0);
        assert_int_equal(RamFsList(fs, "", 1, &e), 0);
        assert_string_equal(e.name, name);
    }
    DestroyFs(fs);
}

// Many entries: the sorted array grows and shrinks, order holds throughout.
static void TestManyEntries(void **state)
{
    const uint32_t n = 3000;
    RamFsDirEntry e, previous;
    RamFsInfo info;
    RamFs *fs = NewFs(UNLIMITED);
    char path[32];

    (void)state;
    assert_int_equal(RamFsMkdir(fs, "d"), 0);
    for (uint32_t i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "d/%u", (i * 7919u) % n);
        assert_int_equal(RamFsCreateFile(fs, path), 0);
    }
    assert_int_equal(RamFsStat(fs, "d", &info), 0);
    assert_int_equal(info.entries, n);
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(RamFsList(fs, "d", i, &e), 0);
        if (i > 0)
            assert_true(strcmp(previous.name, e.name) < 0);
        previous = e;
    }
    assert_int_equal(RamFsCheck(fs), 0);
    for (uint32_t i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "d/%u", i);
        if (i % 10 != 0)
            assert_int_equal(RamFsDelete(fs, path), 0);
    }
    assert_int_equal(RamFsCheck(fs), 0);
    assert_int_equal(RamFsStat(fs, "d", &info), 0);
    assert_int_equal(info.entries, n / 10);
    for (uint32_t i = 0; i < n; i += 10) {
        snprintf(path, sizeof(path), "d/%u", i);
        assert_int_equal(RamFsStat(fs, path, &info), 0);
        assert_int_equal(RamFsDelete(fs, path), 0);
    }
    assert_int_equal(RamFsRmdir(fs, "d"), 0);
    assert_int_equal(UsageBytes(fs), 0);
    DestroyFs(fs);
}

// --- rename ----------------------------------------------------------------------

static void TestRenameBasics(void **state)
{
    RamFsInfo before, after;
    RamFs *fs = NewFs(UNLIMITED);
    char *dump;

    (void)state;
    WriteString(fs, "a", "alpha");
    assert_int_equal(RamFsStat(fs, "a", &before), 0);
    assert_int_equal(RamFsRename(fs, "a", "b"), 0);
    assert_int_equal(RamFsStat(fs, "a", &after), E_NOENT);
    assert_int_equal(RamFsStat(fs, "b", &after), 0);
    assert_int_equal(after.id, before.id);
    ExpectContent(fs, "b", "alpha");

    // Into a directory, keeping the name; then with a new one.
    assert_int_equal(RamFsMkdir(fs, "d"), 0);
    assert_int_equal(RamFsMkdir(fs, "e"), 0);
    assert_int_equal(RamFsRename(fs, "b", "/d/b/"), 0);
    ExpectContent(fs, "d/b", "alpha");
    assert_int_equal(RamFsRename(fs, "d/b", "e/c"), 0);
    ExpectContent(fs, "e/c", "alpha");
    assert_int_equal(RamFsStat(fs, "d", &after), 0);
    assert_int_equal(after.entries, 0);

    // A directory moves with everything in it.
    WriteString(fs, "d/x", "xx");
    assert_int_equal(RamFsMkdir(fs, "d/sub"), 0);
    WriteString(fs, "d/sub/y", "yy");
    assert_int_equal(RamFsRename(fs, "d", "e/moved"), 0);
    ExpectContent(fs, "e/moved/x", "xx");
    ExpectContent(fs, "e/moved/sub/y", "yy");
    assert_int_equal(RamFsStat(fs, "d", &after), E_NOENT);

    // Onto itself: nothing happens, whatever the spelling.
    dump = Dump(fs);
    assert_int_equal(RamFsRename(fs, "e/c", "e/c"), 0);
    assert_int_equal(RamFsRename(fs, "/e/moved/", "e/moved"), 0);
    ExpectUnchanged(fs, dump);

    // Errors, each leaving everything as it was.
    dump = Dump(fs);
    assert_int_equal(RamFsRename(fs, "nothing", "x"), E_NOENT);
    assert_int_equal(RamFsRename(fs, "e/c", "nothing/x"), E_NOENT);
    assert_int_equal(RamFsRename(fs, "e/c", "e/c/x"), E_NOTDIR);
    assert_int_equal(RamFsRename(fs, "e/c/x", "y"), E_NOTDIR);
    assert_int_equal(RamFsRename(fs, "", "x"), E_BUSY);
    assert_int_equal(RamFsRename(fs, "e", "/"), E_BUSY);
    assert_int_equal(RamFsRename(fs, "e/c", ""), E_BUSY);
    assert_int_equal(RamFsRename(fs, "e/./c", "x"), E_INVAL);
    assert_int_equal(RamFsRename(fs, "e/c", "x/.."), E_INVAL);
    assert_int_equal(RamFsRename(fs, NULL, "x"), E_INVAL);
    assert_int_equal(RamFsRename(fs, "e/c", NULL), E_INVAL);
    ExpectUnchanged(fs, dump);
    DestroyFs(fs);
}

static void TestRenameReplace(void **state)
{
    RamFsInfo info, source;
    uint32_t files, dirs;
    uint8_t buf[16];
    RamFs *fs = NewFs(UNLIMITED);
    char *dump;
    int h;

    (void)state;
    WriteString(fs, "x", "from x");
    WriteString(fs, "y", "old y");
    assert_int_equal(RamFsStat(fs, "x", &source), 0);
    assert_int_equal(RamFsRename(fs, "x", "y"), 0);
    ExpectContent(fs, "y", "from x");
    assert_int_equal(RamFsStat(fs, "y", &info), 0);
    assert_int_equal(info.id, source.id);
    assert_int_equal(RamFsStat(fs, "x", &info), E_NOENT);
    ExpectUsage(fs, 1, 0);

    // The replaced file stays readable through a handle opened before.
    WriteString(fs, "z", "from z");
    h = RamFsOpen(fs, "y", RAMFS_READ, 3);
    assert_true(h > 0);
    assert_int_equal(RamFsRename(fs, "z", "y"), 0);
    ExpectContent(fs, "y", "from z");
    ExpectUsage(fs, 2, 0);
    memset(buf, 0, sizeof(buf));
    assert_int_equal(RamFsRead(fs, h, 3, 0, buf, sizeof(buf)), 6);
    assert_string_equal((char *)buf, "from x");
    assert_int_equal(RamFsCheck(fs), 0);
    assert_int_equal(RamFsClose(fs, h, 3), 0);
    ExpectUsage(fs, 1, 0);

    // Kind mismatches and non-empty directories are refused.
    assert_int_equal(RamFsMkdir(fs, "d"), 0);
    assert_int_equal(RamFsMkdir(fs, "full"), 0);
    assert_int_equal(RamFsCreateFile(fs, "full/f"), 0);
    assert_int_equal(RamFsMkdir(fs, "empty"), 0);
    dump = Dump(fs);
    assert_int_equal(RamFsRename(fs, "y", "d"), E_ISDIR);
    assert_int_equal(RamFsRename(fs, "d", "y"), E_NOTDIR);
    assert_int_equal(RamFsRename(fs, "d", "full"), E_NOTEMPTY);
    assert_int_equal(RamFsRename(fs, "full/f", "full"), E_ISDIR);
    assert_int_equal(RamFsRename(fs, "full/f", ""), E_BUSY);
    ExpectUnchanged(fs, dump);

    // A directory replaces an empty one.
    assert_int_equal(RamFsStat(fs, "full", &source), 0);
    assert_int_equal(RamFsRename(fs, "full", "empty"), 0);
    assert_int_equal(RamFsStat(fs, "empty", &info), 0);
    assert_int_equal(info.id, source.id);
    assert_int_equal(info.entries, 1);
    assert_int_equal(RamFsStat(fs, "full", &info), E_NOENT);
    RamFsUsage(fs, NULL, &files, &dirs);
    assert_int_equal(dirs, 2);
    assert_int_equal(files, 2);
    DestroyFs(fs);
}

static void TestRenameSubtree(void **state)
{
    RamFs *fs = NewFs(UNLIMITED);
    char *dump;

    (void)state;
    assert_int_equal(RamFsMkdir(fs, "a"), 0);
    assert_int_equal(RamFsMkdir(fs, "a/b"), 0);
    assert_int_equal(RamFsMkdir(fs, "a/b/c"), 0);
    assert_int_equal(RamFsCreateFile(fs, "a/b/f"), 0);
    dump = Dump(fs);
    assert_int_equal(RamFsRename(fs, "a", "a/x"), E_INVAL);
    assert_int_equal(RamFsRename(fs, "a", "a/b"), E_INVAL);
    assert_int_equal(RamFsRename(fs, "a", "a/b/c/d"), E_INVAL);
    assert_int_equal(RamFsRename(fs, "a/b", "a/b/c"), E_INVAL);
    assert_int_equal(RamFsRename(fs, "a/b", "a/b/c/new"), E_INVAL);
    // Onto its own (non-empty) ancestor.
    assert_int_equal(RamFsRename(fs, "a/b/c", "a"), E_NOTEMPTY);
    assert_int_equal(RamFsRename(fs, "a/b/c", "a/b"), E_NOTEMPTY);
    ExpectUnchanged(fs, dump);
    // Up and sideways are fine; a file can go anywhere.
    assert_int_equal(RamFsRename(fs, "a/b/c", "c"), 0);
    assert_int_equal(RamFsRename(fs, "a/b", "c/b"), 0);
    assert_int_equal(RamFsRename(fs, "c/b/f", "a/f"), 0);
    assert_int_equal(RamFsRename(fs, "a", "c/b/a"), 0);
    assert_int_equal(RamFsCreateFile(fs, "c/b/a/f2"), 0);
    assert_int_equal(RamFsStat(fs, "c/b/a/f", &(RamFsInfo){ 0 }), 0);
    DestroyFs(fs);
}

static void TestRenameNames(void **state)
{
    char longName[RAMFS_NAME_MAX + 1], otherName[200], path[RAMFS_PATH_MAX + 1];
    RamFsDirEntry e;
    uint64_t bytes;
    RamFs *fs = NewFs(UNLIMITED);

    (void)state;
    memset(longName, 'L', RAMFS_NAME_MAX);
    longName[RAMFS_NAME_MAX] = 0;
    memset(otherName, 'O', sizeof(otherName) - 1);
    otherName[sizeof(otherName) - 1] = 0;
    WriteString(fs, "s", "short");
    WriteString(fs, "m", "middle");
    WriteString(fs, "z", "zed");
    bytes = UsageBytes(fs);
    // Longer than the name it was created with: a name of its own...
    assert_int_equal(RamFsRename(fs, "s", longName), 0);
    assert_int_equal(UsageBytes(fs), bytes + RAMFS_NAME_MAX + 1);
    ExpectContent(fs, longName, "short");
    // ...replaced by another...
    assert_int_equal(RamFsRename(fs, longName, otherName), 0);
    assert_int_equal(UsageBytes(fs), bytes + sizeof(otherName));
    ExpectContent(fs, otherName, "short");
    // ...and dropped when the name fits the node again.
    assert_int_equal(RamFsRename(fs, otherName, "t"), 0);
    assert_int_equal(UsageBytes(fs), bytes);
    ExpectContent(fs, "t", "short");
    assert_int_equal(RamFsCheck(fs), 0);

    // Order after renames within one directory.
    assert_int_equal(RamFsRename(fs, "z", "a"), 0);
    assert_int_equal(RamFsRename(fs, "m", "zz"), 0);
    assert_int_equal(RamFsList(fs, "", 0, &e), 0);
    assert_string_equal(e.name, "a");
    assert_int_equal(RamFsList(fs, "", 1, &e), 0);
    assert_string_equal(e.name, "t");
    assert_int_equal(RamFsList(fs, "", 2, &e), 0);
    assert_string_equal(e.name, "zz");
    assert_int_equal(RamFsList(fs, "", 3, &e), E_NOENT);
    ExpectContent(fs, "a", "zed");
    ExpectContent(fs, "zz", "middle");

    // A long name into a long path.
    assert_int_equal(RamFsMkdir(fs, "d"), 0);
    snprintf(path, sizeof(path), "d/%.*s", (int)(RAMFS_PATH_MAX - 2), longName);
    assert_int_equal(RamFsRename(fs, "a", path), 0);
    ExpectContent(fs, path, "zed");
    DestroyFs(fs);
}

// Renames can nest directories deeper than any path names; checking and
// destroying walk them without recursion.
static void TestDeepTree(void **state)
{
    const uint32_t depth = 20000;
    RamFs *fs = NewFs(UNLIMITED);
    RamFsInfo info;
    int h;

    (void)state;
    assert_int_equal(RamFsMkdir(fs, "d"), 0);
    for (uint32_t i = 0; i < depth; i++) {
        assert_int_equal(RamFsMkdir(fs, "t"), 0);
        assert_int_equal(RamFsRename(fs, "d", "t/d"), 0);
        assert_int_equal(RamFsRename(fs, "t", "d"), 0);
    }
    assert_int_equal(RamFsStat(fs, "d/d/d/d", &info), 0);
    assert_int_equal(info.entries, 1);
    assert_int_equal(RamFsCreateFile(fs, "d/d/d/f"), 0);
    h = RamFsOpen(fs, "d/d/d/f", RAMFS_READ, 1);
    assert_true(h > 0);
    ExpectUsage(fs, 1, depth + 1);
    assert_int_equal(RamFsCheck(fs), 0);
    DestroyFs(fs);
}

// --- truncate, reads and writes ----------------------------------------------------

static void TestTruncate(void **state)
{
    uint8_t buf[12000];
    RamFsInfo info;
    RamFs *fs = NewFs(UNLIMITED);
    char *dump;
    int h;

    (void)state;
    WritePattern(fs, "f", 0, 10000);
    assert_int_equal(RamFsTruncate(fs, "f", 5000), 0);
    assert_int_equal(RamFsStat(fs, "f", &info), 0);
    assert_int_equal(info.size, 5000);
    assert_int_equal(info.blocks, 2);
    h = RamFsOpen(fs, "f", RAMFS_READ, 1);
    assert_true(h > 0);
    assert_int_equal(RamFsRead(fs, h, 1, 0, buf, sizeof(buf)), 5000);
    ExpectPattern(buf, 0, 5000);
    // Growing shows zeros, never the old bytes.
    assert_int_equal(RamFsTruncate(fs, "f", 9000), 0);
    assert_int_equal(RamFsRead(fs, h, 1, 0, buf, sizeof(buf)), 9000);
    ExpectPattern(buf, 0, 5000);
    ExpectZeros(buf + 5000, 4000);
    assert_int_equal(RamFsStat(fs, "f", &info), 0);
    assert_int_equal(info.blocks, 2);
    // Down to a block boundary, and to nothing.
    assert_int_equal(RamFsTruncate(fs, "f", 4096), 0);
    assert_int_equal(RamFsStat(fs, "f", &info), 0);
    assert_int_equal(info.blocks, 1);
    assert_int_equal(RamFsTruncate(fs, "f", 0), 0);
    assert_int_equal(RamFsStat(fs, "f", &info), 0);
    assert_int_equal(info.blocks, 0);
    assert_int_equal(info.size, 0);
    assert_int_equal(RamFsRead(fs, h, 1, 0, buf, sizeof(buf)), 0);
    // The largest size costs nothing until written.
    assert_int_equal(RamFsTruncate(fs, "f", RAMFS_FILE_MAX), 0);
    assert_int_equal(RamFsStat(fs, "f", &info), 0);
    assert_int_equal(info.size, RAMFS_FILE_MAX);
    assert_int_equal(info.blocks, 0);
    memset(buf, 0xAA, sizeof(buf));
    assert_int_equal(RamFsRead(fs, h, 1, RAMFS_FILE_MAX - 10, buf, sizeof(buf)), 10);
    ExpectZeros(buf, 10);
    assert_int_equal(RamFsRead(fs, h, 1, RAMFS_FILE_MAX, buf, sizeof(buf)), 0);

    assert_int_equal(RamFsTruncate(fs, "f", 12345), 0);    // small enough to dump
    assert_int_equal(RamFsMkdir(fs, "d"), 0);
    dump = Dump(fs);
    assert_int_equal(RamFsTruncate(fs, "f", RAMFS_FILE_MAX + 1), E_FBIG);
    assert_int_equal(RamFsTruncate(fs, "f", UINT64_MAX), E_FBIG);
    assert_int_equal(RamFsTruncate(fs, "g", 0), E_NOENT);
    assert_int_equal(RamFsTruncate(fs, "", 0), E_ISDIR);
    assert_int_equal(RamFsTruncate(fs, "d", 0), E_ISDIR);
    assert_int_equal(RamFsTruncate(fs, "f/x", 0), E_NOTDIR);
    assert_int_equal(RamFsTruncate(fs, "f/../f", 0), E_INVAL);
    ExpectUnchanged(fs, dump);
    assert_int_equal(RamFsRmdir(fs, "d"), 0);

    // Through a handle: needs write access.
    assert_int_equal(RamFsTruncateHandle(fs, h, 1, 10), E_BADF);
    assert_int_equal(RamFsClose(fs, h, 1), 0);
    h = RamFsOpen(fs, "f", RAMFS_WRITE, 1);
    assert_true(h > 0);
    assert_int_equal(RamFsTruncateHandle(fs, h, 2, 10), E_BADF);
    assert_int_equal(RamFsTruncateHandle(fs, h, 1, RAMFS_FILE_MAX + 1), E_FBIG);
    assert_int_equal(RamFsTruncateHandle(fs, h, 1, 10), 0);
    assert_int_equal(RamFsStatHandle(fs, h, 1, &info), 0);
    assert_int_equal(info.size, 10);
    assert_int_equal(RamFsClose(fs, h, 1), 0);
    assert_int_equal(RamFsDelete(fs, "f"), 0);
    assert_int_equal(UsageBytes(fs), 0);
    DestroyFs(fs);
}

static void TestReadWriteEdges(void **state)
{
    uint8_t buf[9000], one = 0x5A;
    RamFsInfo info;
    RamFs *fs = NewFs(UNLIMITED);
    char *dump;
    int h;

    (void)state;
    h = RamFsOpen(fs, "f", RAMFS_READ | RAMFS_WRITE | RAMFS_CREATE, 1);
    assert_true(h > 0);
    assert_int_equal(RamFsRead(fs, h, 1, 0, buf, sizeof(buf)), 0);
    assert_int_equal(RamFsRead(fs, h, 1, UINT64_MAX, buf, sizeof(buf)), 0);
    // A write past the end leaves a gap of zeros (a hole: no block).
    Fill(buf, 10000, 100);
    assert_int_equal(RamFsWrite(fs, h, 1, 10000, buf, 100), 100);
    assert_int_equal(RamFsStat(fs, "f", &info), 0);
    assert_int_equal(info.size, 10100);
    assert_int_equal(info.blocks, 1);
    memset(buf, 0xAA, sizeof(buf));
    assert_int_equal(RamFsRead(fs, h, 1, 0, buf, sizeof(buf)), sizeof(buf));
    ExpectZeros(buf, sizeof(buf));
    assert_int_equal(RamFsRead(fs, h, 1, 9990, buf, sizeof(buf)), 110);
    ExpectZeros(buf, 10);
    ExpectPattern(buf + 10, 10000, 100);
    // Filling part of the hole.
    Fill(buf, 4000, 200);
    assert_int_equal(RamFsWrite(fs, h, 1, 4000, buf, 200), 200);
    assert_int_equal(RamFsStat(fs, "f", &info), 0);
    assert_int_equal(info.blocks, 3);
    assert_int_equal(RamFsRead(fs, h, 1, 3990, buf, 220), 220);
    ExpectZeros(buf, 10);
    ExpectPattern(buf + 10, 4000, 200);
    ExpectZeros(buf + 210, 10);
    // A read larger than RAMFS_IO_MAX is cut short, not refused.
    assert_int_equal(RamFsRead(fs, h, 1, 10090, buf, UINT32_MAX), 10);

    dump = Dump(fs);
    assert_int_equal(RamFsWrite(fs, h, 1, 0, buf, 0), 0);
    assert_int_equal(RamFsWrite(fs, h, 1, 1u << 20, buf, 0), 0);    // does not extend
    assert_int_equal(RamFsWrite(fs, h, 1, UINT64_MAX, buf, 0), 0);
    assert_int_equal(RamFsWrite(fs, h, 1, 0, NULL, 0), 0);
    assert_int_equal(RamFsRead(fs, h, 1, 0, NULL, 0), 0);
    assert_int_equal(RamFsWrite(fs, h, 1, 0, NULL, 1), E_FAULT);
    assert_int_equal(RamFsRead(fs, h, 1, 0, NULL, 1), E_FAULT);
    assert_int_equal(RamFsWrite(fs, h, 1, 0, buf, RAMFS_IO_MAX + 1), E_INVAL);
    assert_int_equal(RamFsWrite(fs, h, 1, RAMFS_FILE_MAX, &one, 1), E_FBIG);
    assert_int_equal(RamFsWrite(fs, h, 1, RAMFS_FILE_MAX - 1, buf, 2), E_FBIG);
    assert_int_equal(RamFsWrite(fs, h, 1, UINT64_MAX, &one, 1), E_FBIG);
    assert_int_equal(RamFsWrite(fs, h, 1, UINT64_MAX - 5, buf, 10), E_FBIG);
    ExpectUnchanged(fs, dump);
    // The very last byte a file can hold.
    assert_int_equal(RamFsWrite(fs, h, 1, RAMFS_FILE_MAX - 1, &one, 1), 1);
    assert_int_equal(RamFsStat(fs, "f", &info), 0);
    assert_int_equal(info.size, RAMFS_FILE_MAX);
    assert_int_equal(info.blocks, 4);
    assert_int_equal(RamFsRead(fs, h, 1, RAMFS_FILE_MAX - 2, buf, 10), 2);
    assert_int_equal(buf[0], 0);
    assert_int_equal(buf[1], 0x5A);
    assert_int_equal(RamFsCheck(fs), 0);
    assert_int_equal(RamFsTruncate(fs, "f", 10100), 0);
    assert_int_equal(RamFsStat(fs, "f", &info), 0);
    assert_int_equal(info.blocks, 3);
    assert_int_equal(RamFsRead(fs, h, 1, 9990, buf, sizeof(buf)), 110);
    ExpectZeros(buf, 10);
    ExpectPattern(buf + 10, 10000, 100);
    assert_int_equal(RamFsCheck(fs), 0);
    DestroyFs(fs);
}

// 4 MiB written in odd-sized pieces, read back in odd pieces at random
// offsets.
static void TestBigFile(void **state)
{
    static const uint32_t pieces[] = { 1, 4095, 4097, 12289, 777, 65537, 3, 8191, 100000, 4096 };
    uint8_t *buf = malloc(200000);
    uint64_t seed = 12345, bytes;
    RamFsInfo info;
    RamFs *fs = NewFs(UNLIMITED);
    uint32_t at = 0, n = 0;
    int h;

    (void)state;
    h = RamFsOpen(fs, "big", RAMFS_READ | RAMFS_WRITE | RAMFS_CREATE, 1);
    assert_true(h > 0);
    while (at < BIG_SIZE) {
        uint32_t length = pieces[n++ % 10];
        if (length > BIG_SIZE - at)
            length = BIG_SIZE - at;
        Fill(buf, at, length);
        assert_int_equal(RamFsWrite(fs, h, 1, at, buf, length), (int)length);
        at += length;
    }
    assert_int_equal(RamFsStat(fs, "big", &info), 0);
    assert_int_equal(info.size, BIG_SIZE);
    assert_int_equal(info.blocks, BIG_SIZE / RAMFS_BLOCK_SIZE);
    RamFsUsage(fs, &bytes, NULL, NULL);
    assert_true(bytes >= BIG_SIZE && bytes < BIG_SIZE + 64 * 1024);
    for (int i = 0; i < 3000; i++) {
        uint64_t offset;
        uint32_t length;
        int want;
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        offset = (seed >> 33) % (BIG_SIZE + 100);
        length = (uint32_t)((seed >> 7) % 20000);
        want = offset >= BIG_SIZE ? 0 :
               (int)(length < BIG_SIZE - offset ? length : BIG_SIZE - offset);
        assert_int_equal(RamFsRead(fs, h, 1, offset, buf, length), want);
        ExpectPattern(buf, offset, (uint32_t)want);
    }
    // Overwrite a stretch in the middle, check the seams.
    Fill(buf, 0, 10000);
    assert_int_equal(RamFsWrite(fs, h, 1, 2000000, buf, 10000), 10000);
    assert_int_equal(RamFsRead(fs, h, 1, 1999990, buf, 10020), 10020);
    ExpectPattern(buf, 1999990, 10);
    ExpectPattern(buf + 10, 0, 10000);
    ExpectPattern(buf + 10010, 2010000, 10);
    assert_int_equal(RamFsCheck(fs), 0);
    assert_int_equal(RamFsClose(fs, h, 1), 0);
    assert_int_equal(RamFsDelete(fs, "big"), 0);
    assert_int_equal(UsageBytes(fs), 0);
    free(buf);
    DestroyFs(fs);
}

// --- handles -------------------------------------------------------------------------

static void TestOpenFlags(void **state)
{
    uint8_t buf[64];
    RamFsInfo info;
    RamFs *fs = NewFs(UNLIMITED);
    char *dump;
    int h, w;

    (void)state;
    assert_int_equal(RamFsMkdir(fs, "d"), 0);
    WriteString(fs, "f", "0123456789");
    dump = Dump(fs);
    assert_int_equal(RamFsOpen(fs, "f", 0, 1), E_INVAL);
    assert_int_equal(RamFsOpen(fs, "f", RAMFS_CREATE, 1), E_INVAL);
    assert_int_equal(RamFsOpen(fs, "f", RAMFS_READ | RAMFS_TRUNCATE, 1), E_INVAL);
    assert_int_equal(RamFsOpen(fs, "f", RAMFS_READ | RAMFS_APPEND, 1), E_INVAL);
    assert_int_equal(RamFsOpen(fs, "f", RAMFS_READ | RAMFS_EXCLUSIVE, 1), E_INVAL);
    assert_int_equal(RamFsOpen(fs, "f", RAMFS_READ | 0x40, 1), E_INVAL);
    assert_int_equal(RamFsOpen(fs, "f", RAMFS_READ | 0x80000000u, 1), E_INVAL);
    assert_int_equal(RamFsOpen(fs, "d", RAMFS_READ, 1), E_ISDIR);
    assert_int_equal(RamFsOpen(fs, "d", RAMFS_READ | RAMFS_CREATE, 1), E_ISDIR);
    assert_int_equal(RamFsOpen(fs, "", RAMFS_READ, 1), E_ISDIR);
    assert_int_equal(RamFsOpen(fs, "d", RAMFS_WRITE | RAMFS_CREATE | RAMFS_EXCLUSIVE, 1), E_EXIST);
    assert_int_equal(RamFsOpen(fs, "f", RAMFS_WRITE | RAMFS_CREATE | RAMFS_EXCLUSIVE, 1), E_EXIST);
    assert_int_equal(RamFsOpen(fs, "g", RAMFS_READ, 1), E_NOENT);
    assert_int_equal(RamFsOpen(fs, "x/g", RAMFS_READ | RAMFS_CREATE, 1), E_NOENT);
    assert_int_equal(RamFsOpen(fs, "f/g", RAMFS_READ | RAMFS_CREATE, 1), E_NOTDIR);
    assert_int_equal(RamFsOpen(fs, "a//b", RAMFS_READ, 1), E_INVAL);
    assert_int_equal(RamFsOpen(fs, NULL, RAMFS_READ, 1), E_INVAL);
    ExpectUnchanged(fs, dump);

    // Read-only and write-only handles.
    h = RamFsOpen(fs, "f", RAMFS_READ, 1);
    w = RamFsOpen(fs, "f", RAMFS_WRITE, 1);
    assert_true(h > 0 && w > 0 && h != w);
    assert_int_equal(RamFsWrite(fs, h, 1, 0, "x", 1), E_BADF);
    assert_int_equal(RamFsRead(fs, w, 1, 0, buf, sizeof(buf)), E_BADF);
    assert_int_equal(RamFsWrite(fs, w, 1, 2, "ab", 2), 2);
    assert_int_equal(RamFsRead(fs, h, 1, 0, buf, sizeof(buf)), 10);
    assert_memory_equal(buf, "01ab456789", 10);
    assert_int_equal(RamFsStat(fs, "f", &info), 0);
    assert_int_equal(info.handles, 2);
    assert_int_equal(RamFsClose(fs, w, 1), 0);

    // Append: every write at the end, whatever the offset.
    w = RamFsOpen(fs, "f", RAMFS_WRITE | RAMFS_APPEND, 1);
    assert_true(w > 0);
    assert_int_equal(RamFsWrite(fs, w, 1, 0, "AB", 2), 2);
    assert_int_equal(RamFsWrite(fs, w, 1, 1u << 30, "CD", 2), 2);
    assert_int_equal(RamFsWrite(fs, w, 1, 0, "", 0), 0);
    assert_int_equal(RamFsClose(fs, w, 1), 0);
    ExpectContent(fs, "f", "01ab456789ABCD");

    // Truncate on open; create; exclusive create.
    w = RamFsOpen(fs, "f", RAMFS_WRITE | RAMFS_TRUNCATE, 1);
    assert_true(w > 0);
    assert_int_equal(RamFsRead(fs, h, 1, 0, buf, sizeof(buf)), 0);
    assert_int_equal(RamFsClose(fs, w, 1), 0);
    w = RamFsOpen(fs, "d/new", RAMFS_READ | RAMFS_CREATE, 1);
    assert_true(w > 0);
    assert_int_equal(RamFsStat(fs, "d/new", &info), 0);
    assert_int_equal(info.type, RAMFS_FILE);
    assert_int_equal(info.handles, 1);
    assert_int_equal(RamFsClose(fs, w, 1), 0);
    w = RamFsOpen(fs, "d/excl", RAMFS_WRITE | RAMFS_CREATE | RAMFS_EXCLUSIVE, 1);
    assert_true(w > 0);
    assert_int_equal(RamFsOpen(fs, "d/excl", RAMFS_WRITE | RAMFS_CREATE | RAMFS_EXCLUSIVE, 1),
                     E_EXIST);
    assert_int_equal(RamFsClose(fs, w, 1), 0);
    w = RamFsOpen(fs, "d/excl", RAMFS_WRITE | RAMFS_CREATE | RAMFS_TRUNCATE, 1);
    assert_true(w > 0);
    assert_int_equal(RamFsClose(fs, w, 1), 0);
    assert_int_equal(RamFsClose(fs, h, 1), 0);
    DestroyFs(fs);
}

static void TestHandleOwners(void **state)
{
    uint8_t buf[16];
    RamFsInfo info;
    RamFs *fs = NewFs(UNLIMITED);
    int a1, a2, b1, again;

    (void)state;
    WriteString(fs, "f", "shared");
    a1 = RamFsOpen(fs, "f", RAMFS_READ | RAMFS_WRITE, 100);
    a2 = RamFsOpen(fs, "f", RAMFS_READ, 100);
    b1 = RamFsOpen(fs, "f", RAMFS_READ | RAMFS_WRITE, 200);
    assert_true(a1 > 0 && a2 > 0 && b1 > 0);
    assert_true(a1 != a2 && a1 != b1 && a2 != b1);

    // Another owner's handle is not a handle at all.
    assert_int_equal(RamFsRead(fs, a1, 200, 0, buf, sizeof(buf)), E_BADF);
    assert_int_equal(RamFsWrite(fs, a1, 200, 0, "x", 1), E_BADF);
    assert_int_equal(RamFsClose(fs, a1, 200), E_BADF);
    assert_int_equal(RamFsStatHandle(fs, a1, 200, &info), E_BADF);
    assert_int_equal(RamFsTruncateHandle(fs, a1, 200, 0), E_BADF);
    assert_int_equal(RamFsRead(fs, b1, 100, 0, buf, sizeof(buf)), E_BADF);
    assert_int_equal(RamFsRead(fs, a1, 100, 0, buf, sizeof(buf)), 6);
    assert_int_equal(RamFsRead(fs, b1, 200, 0, buf, sizeof(buf)), 6);

    // Numbers that were never handles.
    assert_int_equal(RamFsRead(fs, 0, 100, 0, buf, sizeof(buf)), E_BADF);
    assert_int_equal(RamFsRead(fs, -1, 100, 0, buf, sizeof(buf)), E_BADF);
    assert_int_equal(RamFsClose(fs, INT_MAX, 100), E_BADF);
    assert_int_equal(RamFsClose(fs, INT_MIN, 100), E_BADF);
    assert_int_equal(RamFsClose(fs, a1 + 1000, 100), E_BADF);

    // A closed handle stays dead, even after its slot is used again.
    assert_int_equal(RamFsClose(fs, a2, 100), 0);
    assert_int_equal(RamFsClose(fs, a2, 100), E_BADF);
    assert_int_equal(RamFsRead(fs, a2, 100, 0, buf, sizeof(buf)), E_BADF);
    again = RamFsOpen(fs, "f", RAMFS_READ, 100);
    assert_true(again > 0 && again != a2);
    assert_int_equal(RamFsRead(fs, a2, 100, 0, buf, sizeof(buf)), E_BADF);
    assert_int_equal(RamFsRead(fs, again, 100, 0, buf, sizeof(buf)), 6);

    // An owner going away closes its handles only.
    assert_int_equal(RamFsCloseOwner(fs, 300), 0);
    assert_int_equal(RamFsCloseOwner(fs, 100), 2);
    assert_int_equal(RamFsRead(fs, a1, 100, 0, buf, sizeof(buf)), E_BADF);
    assert_int_equal(RamFsRead(fs, again, 100, 0, buf, sizeof(buf)), E_BADF);
    assert_int_equal(RamFsRead(fs, b1, 200, 0, buf, sizeof(buf)), 6);
    assert_int_equal(RamFsStat(fs, "f", &info), 0);
    assert_int_equal(info.handles, 1);
    assert_int_equal(RamFsCloseOwner(fs, 100), 0);
    assert_int_equal(RamFsCheck(fs), 0);
    assert_int_equal(RamFsClose(fs, b1, 200), 0);
    DestroyFs(fs);
}

static void TestHandleTableFull(void **state)
{
    static int handles[RAMFS_HANDLE_MAX];
    RamFsInfo info;
    RamFs *fs = NewFs(UNLIMITED);
    uint32_t ownerOne = 0;
    int h;

    (void)state;
    assert_int_equal(RamFsCreateFile(fs, "f"), 0);
    for (uint32_t i = 0; i < RAMFS_HANDLE_MAX; i++) {
        ownerOne += i % 5 == 1;
        handles[i] = RamFsOpen(fs, "f", RAMFS_READ, i % 5);
        assert_true(handles[i] > 0);
        for (uint32_t j = 0; j < i; j += 97)
            assert_true(handles[j] != handles[i]);
    }
    assert_int_equal(RamFsOpen(fs, "f", RAMFS_READ, 1), E_NOSPC);
    assert_int_equal(RamFsOpen(fs, "g", RAMFS_READ | RAMFS_CREATE, 1), E_NOSPC);
    assert_int_equal(RamFsStat(fs, "g", &info), E_NOENT);
    assert_int_equal(RamFsStat(fs, "f", &info), 0);
    assert_int_equal(info.handles, RAMFS_HANDLE_MAX);
    assert_int_equal(RamFsCheck(fs), 0);
    assert_int_equal(RamFsClose(fs, handles[500], 500 % 5), 0);
    h = RamFsOpen(fs, "g", RAMFS_READ | RAMFS_CREATE, 1);
    assert_true(h > 0);
    assert_int_equal(RamFsOpen(fs, "g", RAMFS_READ, 1), E_NOSPC);
    assert_int_equal(RamFsCloseOwner(fs, 1), ownerOne + 1);
    assert_int_equal(RamFsCheck(fs), 0);
    DestroyFs(fs);      // with handles still open
}

static void TestDeleteWhileOpen(void **state)
{
    uint8_t buf[64];
    RamFsInfo info;
    uint32_t files;
    uint64_t bytesBefore;
    RamFs *fs = NewFs(UNLIMITED);
    int w, r;

    (void)state;
    bytesBefore = UsageBytes(fs);
    WriteString(fs, "f", "hello");
    w = RamFsOpen(fs, "f", RAMFS_READ | RAMFS_WRITE, 1);
    r = RamFsOpen(fs, "f", RAMFS_READ, 2);
    assert_true(w > 0 && r > 0);
    assert_int_equal(RamFsDelete(fs, "f"), 0);
    assert_int_equal(RamFsStat(fs, "f", &info), E_NOENT);
    assert_int_equal(RamFsList(fs, "", 0, &(RamFsDirEntry){ 0 }), E_NOENT);
    assert_int_equal(RamFsCheck(fs), 0);
    ExpectUsage(fs, 1, 0);

    // Both handles still work, and see each other's writes.
    assert_int_equal(RamFsWrite(fs, w, 1, 5, " world", 6), 6);
    assert_int_equal(RamFsWrite(fs, w, 1, 8000, "!", 1), 1);
    memset(buf, 0, sizeof(buf));
    assert_int_equal(RamFsRead(fs, r, 2, 0, buf, sizeof(buf)), sizeof(buf));
    assert_string_equal((char *)buf, "hello world");
    assert_int_equal(RamFsStatHandle(fs, r, 2, &info), 0);
    assert_int_equal(info.size, 8001);
    assert_int_equal(info.handles, 2);
    assert_int_equal(RamFsTruncateHandle(fs, w, 1, 11), 0);
    assert_int_equal(RamFsCheck(fs), 0);

    // A new file of the same name is another file.
    WriteString(fs, "f", "new");
    ExpectContent(fs, "f", "new");
    ExpectUsage(fs, 2, 0);
    assert_int_equal(RamFsRead(fs, r, 2, 0, buf, sizeof(buf)), 11);
    assert_memory_equal(buf, "hello world", 11);

    // The data goes when the last handle does.
    assert_int_equal(RamFsClose(fs, w, 1), 0);
    ExpectUsage(fs, 2, 0);
    assert_int_equal(RamFsCheck(fs), 0);
    assert_int_equal(RamFsCloseOwner(fs, 2), 1);
    ExpectUsage(fs, 1, 0);
    assert_int_equal(RamFsCheck(fs), 0);
    assert_int_equal(RamFsDelete(fs, "f"), 0);
    RamFsUsage(fs, NULL, &files, NULL);
    assert_int_equal(files, 0);
    assert_int_equal(UsageBytes(fs), bytesBefore);

    // Destroying with a deleted file still open frees it too.
    WriteString(fs, "g", "data");
    w = RamFsOpen(fs, "g", RAMFS_READ, 9);
    assert_true(w > 0);
    assert_int_equal(RamFsDelete(fs, "g"), 0);
    DestroyFs(fs);
}

// --- limits and failing allocations -------------------------------------------------------

static void TestByteLimit(void **state)
{
    uint8_t buf[5 * RAMFS_BLOCK_SIZE];
    char name[201];
    uint64_t bytes;
    RamFs *fs;
    char *dump;
    int h;

    (void)state;
    fs = NewFs(0);
    assert_int_equal(RamFsMkdir(fs, "d"), E_NOSPC);
    assert_int_equal(RamFsCreateFile(fs, "f"), E_NOSPC);
    assert_int_equal(RamFsOpen(fs, "f", RAMFS_WRITE | RAMFS_CREATE, 1), E_NOSPC);
    assert_int_equal(UsageBytes(fs), 0);
    DestroyFs(fs);

    fs = NewFs(3 * RAMFS_BLOCK_SIZE + 300);
    h = RamFsOpen(fs, "f", RAMFS_READ | RAMFS_WRITE | RAMFS_CREATE, 1);
    assert_true(h > 0);
    Fill(buf, 0, sizeof(buf));
    assert_int_equal(RamFsWrite(fs, h, 1, 0, buf, 2 * RAMFS_BLOCK_SIZE), 2 * RAMFS_BLOCK_SIZE);
    // Two more blocks would pass the limit: neither is allocated.
    dump = Dump(fs);
    assert_int_equal(RamFsWrite(fs, h, 1, 2 * RAMFS_BLOCK_SIZE, buf, 2 * RAMFS_BLOCK_SIZE),
                     E_NOSPC);
    assert_int_equal(RamFsWrite(fs, h, 1, 100, buf, 3 * RAMFS_BLOCK_SIZE), E_NOSPC);
    assert_int_equal(RamFsWrite(fs, h, 1, 1u << 30, buf, 1), E_NOSPC);
    ExpectUnchanged(fs, dump);
    // One more fits; then nothing does.
    assert_int_equal(RamFsWrite(fs, h, 1, 2 * RAMFS_BLOCK_SIZE, buf, RAMFS_BLOCK_SIZE),
                     RAMFS_BLOCK_SIZE);
    RamFsUsage(fs, &bytes, NULL, NULL);
    assert_true(bytes <= 3 * RAMFS_BLOCK_SIZE + 300);
    dump = Dump(fs);
    assert_int_equal(RamFsWrite(fs, h, 1, 3 * RAMFS_BLOCK_SIZE, buf, 1), E_NOSPC);
    memset(name, 'n', sizeof(name) - 1);
    name[sizeof(name) - 1] = 0;
    assert_int_equal(RamFsMkdir(fs, name), E_NOSPC);
    ExpectUnchanged(fs, dump);
    // Overwriting allocated blocks needs nothing new.
    assert_int_equal(RamFsWrite(fs, h, 1, 5, buf, 3 * RAMFS_BLOCK_SIZE - 5),
                     3 * RAMFS_BLOCK_SIZE - 5);
    // Freeing makes room again.
    assert_int_equal(RamFsTruncate(fs, "f", RAMFS_BLOCK_SIZE), 0);
    assert_int_equal(RamFsWrite(fs, h, 1, RAMFS_BLOCK_SIZE, buf, RAMFS_BLOCK_SIZE),
                     RAMFS_BLOCK_SIZE);
    assert_int_equal(RamFsClose(fs, h, 1), 0);
    DestroyFs(fs);
}

typedef enum ScriptOp {
    S_MKDIR, S_RMDIR, S_CREATE, S_DELETE, S_RENAME, S_TRUNCATE, S_OPEN, S_CLOSE, S_WRITE,
    S_TRUNCATE_HANDLE, S_CLOSE_OWNER,
} ScriptOp;

typedef struct Step {
    ScriptOp op;
    const char *path;
    const char *to;
    uint64_t offset;            // also the size for truncates
    uint32_t length;            // also the flags for opens
    uint32_t owner;
    int slot;                   // handle slot for opens, writes and closes
    int want;                   // the result; 1 for "a handle"
} Step;

#define LONG_NAME "a-name-longer-than-the-one-the-file-was-created-with-so-it-needs-" \
                  "an-allocation-of-its-own-0123456789"

static const Step script[] = {
    { S_MKDIR, "bin", NULL, 0, 0, 0, 0, 0 },
    { S_MKDIR, "bin/sub", NULL, 0, 0, 0, 0, 0 },
    { S_CREATE, "bin/a", NULL, 0, 0, 0, 0, 0 },
    { S_OPEN, "bin/hello", NULL, 0, RAMFS_READ | RAMFS_WRITE | RAMFS_CREATE, 1, 0, 1 },
    { S_WRITE, NULL, NULL, 0, 10000, 1, 0, 10000 },
    { S_WRITE, NULL, NULL, 50000, 100, 1, 0, 100 },
    { S_WRITE, NULL, NULL, 9000, 2000, 1, 0, 2000 },
    { S_TRUNCATE, "bin/hello", NULL, 5000, 0, 0, 0, 0 },
    { S_CREATE, "f0", NULL, 0, 0, 0, 0, 0 },
    { S_CREATE, "f1", NULL, 0, 0, 0, 0, 0 },
    { S_CREATE, "f2", NULL, 0, 0, 0, 0, 0 },
    { S_CREATE, "f3", NULL, 0, 0, 0, 0, 0 },
    { S_MKDIR, "f4", NULL, 0, 0, 0, 0, 0 },
    { S_OPEN, "f5", NULL, 0, RAMFS_WRITE | RAMFS_CREATE | RAMFS_EXCLUSIVE, 2, 1, 1 },
    { S_RENAME, "bin/hello", LONG_NAME, 0, 0, 0, 0, 0 },
    { S_RENAME, "f0", "bin/f0", 0, 0, 0, 0, 0 },
    { S_RENAME, "bin/f0", "bin/" LONG_NAME "-too", 0, 0, 0, 0, 0 },
    { S_OPEN, "f1", NULL, 0, RAMFS_READ | RAMFS_WRITE, 2, 2, 1 },
    { S_WRITE, NULL, NULL, 0, 5000, 2, 2, 5000 },
    { S_DELETE, "f1", NULL, 0, 0, 0, 0, 0 },
    { S_WRITE, NULL, NULL, 8192, 10, 2, 2, 10 },
    { S_WRITE, NULL, NULL, 100000, 1, 2, 2, 1 },
    { S_TRUNCATE_HANDLE, NULL, NULL, 7000, 0, 2, 2, 0 },
    { S_RENAME, "f2", "bin/a", 0, 0, 0, 0, 0 },
    { S_RENAME, "bin/sub", "f4/sub", 0, 0, 0, 0, 0 },
    { S_MKDIR, "e", NULL, 0, 0, 0, 0, 0 },
    { S_RENAME, "f4/sub", "e", 0, 0, 0, 0, 0 },
    { S_WRITE, NULL, NULL, 0, 3, 2, 1, 3 },
    { S_CLOSE, NULL, NULL, 0, 0, 2, 1, 0 },
    { S_OPEN, "f5", NULL, 0, RAMFS_WRITE | RAMFS_APPEND | RAMFS_TRUNCATE, 3, 3, 1 },
    { S_WRITE, NULL, NULL, 0, 4097, 3, 3, 4097 },
    { S_WRITE, NULL, NULL, 0, 4097, 3, 3, 4097 },
    { S_OPEN, "f6", NULL, 0, RAMFS_WRITE | RAMFS_CREATE | RAMFS_TRUNCATE, 3, 4, 1 },
    { S_OPEN, "f3", NULL, 0, RAMFS_READ, 3, 5, 1 },
    { S_OPEN, "f3", NULL, 0, RAMFS_READ, 3, 6, 1 },
    { S_OPEN, "f3", NULL, 0, RAMFS_READ, 3, 7, 1 },
    { S_OPEN, "f3", NULL, 0, RAMFS_READ, 3, 8, 1 },
    { S_OPEN, "f3", NULL, 0, RAMFS_READ, 3, 9, 1 },
    { S_OPEN, "f3", NULL, 0, RAMFS_READ, 3, 10, 1 },
    { S_OPEN, "f3", NULL, 0, RAMFS_READ, 3, 11, 1 },
    { S_OPEN, "f3", NULL, 0, RAMFS_READ, 3, 12, 1 },
    { S_OPEN, "f3", NULL, 0, RAMFS_READ, 3, 13, 1 },
    { S_OPEN, "f3", NULL, 0, RAMFS_READ, 3, 14, 1 },
    { S_OPEN, "f3", NULL, 0, RAMFS_READ, 3, 15, 1 },
    { S_OPEN, "f3", NULL, 0, RAMFS_READ, 3, 16, 1 },  // 16 open: the table is full
    { S_OPEN, "f7", NULL, 0, RAMFS_READ | RAMFS_CREATE, 4, 17, 1 },  // it grows
    { S_CLOSE_OWNER, NULL, NULL, 0, 0, 3, 0, 14 },
    { S_DELETE, "f3", NULL, 0, 0, 0, 0, 0 },
    { S_RMDIR, "e", NULL, 0, 0, 0, 0, 0 },
    { S_RMDIR, "f4", NULL, 0, 0, 0, 0, 0 },
    { S_TRUNCATE, "bin/a", NULL, 20000, 0, 0, 0, 0 },
    { S_CLOSE, NULL, NULL, 0, 0, 2, 2, 0 },
    { S_DELETE, "bin/" LONG_NAME "-too", NULL, 0, 0, 0, 0, 0 },
};

static int RunStep(RamFs *fs, const Step *s, int *handles)
{
    uint8_t buf[16384];

    switch (s->op) {
    case S_MKDIR:
        return RamFsMkdir(fs, s->path);
    case S_RMDIR:
        return RamFsRmdir(fs, s->path);
    case S_CREATE:
        return RamFsCreateFile(fs, s->path);
    case S_DELETE:
        return RamFsDelete(fs, s->path);
    case S_RENAME:
        return RamFsRename(fs, s->path, s->to);
    case S_TRUNCATE:
        return RamFsTruncate(fs, s->path, s->offset);
    case S_OPEN: {
        int h = RamFsOpen(fs, s->path, s->length, s->owner);
        if (h > 0) {
            handles[s->slot] = h;
            return 1;
        }
        return h;
    }
    case S_CLOSE:
        return RamFsClose(fs, handles[s->slot], s->owner);
    case S_WRITE:
        assert_true(s->length <= sizeof(buf));
        Fill(buf, s->offset, s->length);
        return RamFsWrite(fs, handles[s->slot], s->owner, s->offset, buf, s->length);
    case S_TRUNCATE_HANDLE:
        return RamFsTruncateHandle(fs, handles[s->slot], s->owner, s->offset);
    case S_CLOSE_OWNER:
        return (int)RamFsCloseOwner(fs, s->owner);
    }
    fail();
    return 0;
}

// Fail the Nth allocation (and every one after it until the call that met
// it has returned) for N = 0, 1, 2, ... until the script runs through
// without meeting one. A call that fails must report E_NOMEM and leave the
// filesystem exactly as it was; it is then repeated without failures.
static void TestFailingAllocatorSweep(void **state)
{
    const uint32_t steps = sizeof(script) / sizeof(script[0]);
    uint32_t failures = 0;
    char *final = NULL;

    (void)state;
    for (long n = 0;; n++) {
        int handles[32] = { 0 };
        int met = 0;
        RamFs *fs = NewFs(UNLIMITED);
        char *dump;

        failAfter = n;
        for (uint32_t i = 0; i < steps; i++) {
            int result;
            dump = Dump(fs);
            result = RunStep(fs, &script[i], handles);
            if (result == E_NOMEM) {
                met = 1;
                failures++;
                ExpectUnchanged(fs, dump);
                failAfter = -1;
                result = RunStep(fs, &script[i], handles);
            } else {
                free(dump);
            }
            if (result != script[i].want)
                fail_msg("step %u: result %d, wanted %d (failing allocation %ld)", i, result,
                         script[i].want, n);
            assert_int_equal(RamFsCheck(fs), 0);
        }
        // Every run ends in the same state (but for the bytes: a failed
        // opportunistic shrink keeps a bigger array).
        dump = Dump(fs);
        if (!final) {
            final = dump;
        } else {
            assert_string_equal(strchr(dump, '\n'), strchr(final, '\n'));
            free(dump);
        }
        met |= failAfter == 0;
        DestroyFs(fs);
        if (!met)
            break;
    }
    assert_true(failures >= 30);    // 39 allocations can fail in the script
    free(final);
}

static void TestFailingHandleTable(void **state)
{
    RamFs *fs = NewFs(UNLIMITED);
    int h;

    (void)state;
    assert_int_equal(RamFsCreateFile(fs, "f"), 0);
    failAfter = 0;
    assert_int_equal(RamFsOpen(fs, "f", RAMFS_READ, 1), E_NOMEM);
    assert_int_equal(RamFsOpen(fs, "g", RAMFS_READ | RAMFS_CREATE, 1), E_NOMEM);
    // An open needing no allocation works while the allocator fails.
    failAfter = -1;
    h = RamFsOpen(fs, "f", RAMFS_READ, 1);
    assert_true(h > 0);
    failAfter = 0;
    assert_int_equal(RamFsOpen(fs, "f", RAMFS_READ | RAMFS_TRUNCATE | RAMFS_WRITE, 1) > 0, 1);
    assert_int_equal(RamFsClose(fs, h, 1), 0);
    assert_int_equal(RamFsCloseOwner(fs, 1), 1);
    assert_int_equal(RamFsCheck(fs), 0);
    DestroyFs(fs);
}

// Shrinking a mostly empty array is opportunistic: when the allocator
// fails, the removal still succeeds and the bigger array stays.
static void TestShrinkWithoutMemory(void **state)
{
    RamFsDirEntry e;
    uint64_t before, after;
    RamFs *fs = NewFs(UNLIMITED);
    char path[16];

    (void)state;
    for (uint32_t i = 0; i < 32; i++) {
        snprintf(path, sizeof(path), "n%02u", i);
        assert_int_equal(RamFsCreateFile(fs, path), 0);
    }
    for (uint32_t i = 0; i < 23; i++) {     // 9 of 32 left
        snprintf(path, sizeof(path), "n%02u", i);
        assert_int_equal(RamFsDelete(fs, path), 0);
    }
    before = UsageBytes(fs);
    failAfter = 0;
    assert_int_equal(RamFsDelete(fs, "n23"), 0);       // 8 of 32 left: would halve
    after = UsageBytes(fs);
    assert_true(after < before);
    assert_int_equal(RamFsCheck(fs), 0);
    failAfter = -1;
    assert_int_equal(RamFsDelete(fs, "n24"), 0);       // now it does
    assert_true(UsageBytes(fs) < after - (before - after));
    assert_int_equal(RamFsCheck(fs), 0);
    assert_int_equal(RamFsList(fs, "", 0, &e), 0);
    assert_string_equal(e.name, "n25");
    assert_int_equal(RamFsList(fs, "", 6, &e), 0);
    assert_string_equal(e.name, "n31");
    assert_int_equal(RamFsList(fs, "", 7, &e), E_NOENT);
    DestroyFs(fs);
}

// Build a tree with data everywhere, delete it all: usage back to zero.
static void TestUsageBackToZero(void **state)
{
    static const char *dirs[] = { "a", "a/b", "a/b/c", "d", "d/e" };
    static const char *files[] = { "f", "a/f", "a/b/f", "a/b/c/f", "d/f", "d/e/f", "d/e/g" };
    uint64_t bytes;
    uint32_t nFiles, nDirs;
    RamFs *fs = NewFs(UNLIMITED);
    int h;

    (void)state;
    for (uint32_t i = 0; i < 5; i++)
        assert_int_equal(RamFsMkdir(fs, dirs[i]), 0);
    for (uint32_t i = 0; i < 7; i++)
        WritePattern(fs, files[i], i * 3000, 5000 + i * 7000);
    for (uint32_t i = 0; i < 50; i++) {
        char path[32];
        snprintf(path, sizeof(path), "d/many%u", i);
        assert_int_equal(RamFsCreateFile(fs, path), 0);
    }
    h = RamFsOpen(fs, "d/e/g", RAMFS_READ, 1);
    assert_true(h > 0);
    RamFsUsage(fs, &bytes, &nFiles, &nDirs);
    assert_true(bytes > 7 * 5000);
    assert_int_equal(nFiles, 57);
    assert_int_equal(nDirs, 5);
    for (uint32_t i = 0; i < 50; i++) {
        char path[32];
        snprintf(path, sizeof(path), "d/many%u", i);
        assert_int_equal(RamFsDelete(fs, path), 0);
    }
    for (uint32_t i = 0; i < 7; i++)
        assert_int_equal(RamFsDelete(fs, files[i]), 0);
    for (uint32_t i = 5; i-- > 0;)
        assert_int_equal(RamFsRmdir(fs, dirs[i]), 0);
    RamFsUsage(fs, &bytes, &nFiles, &nDirs);
    assert_true(bytes > 0);     // d/e/g is still open
    assert_int_equal(nFiles, 1);
    assert_int_equal(nDirs, 0);
    assert_int_equal(RamFsClose(fs, h, 1), 0);
    RamFsUsage(fs, &bytes, &nFiles, &nDirs);
    assert_int_equal(bytes, 0);
    assert_int_equal(nFiles, 0);
    assert_int_equal(nDirs, 0);
    assert_int_equal(RamFsCheck(fs), 0);
    DestroyFs(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestCreateDestroy),
        cmocka_unit_test(TestPathSyntax),
        cmocka_unit_test(TestMkdir),
        cmocka_unit_test(TestRmdir),
        cmocka_unit_test(TestCreateFileAndDelete),
        cmocka_unit_test(TestStatIdsAndVersions),
        cmocka_unit_test(TestListOrder),
        cmocka_unit_test(TestManyEntries),
        cmocka_unit_test(TestRenameBasics),
        cmocka_unit_test(TestRenameReplace),
        cmocka_unit_test(TestRenameSubtree),
        cmocka_unit_test(TestRenameNames),
        cmocka_unit_test(TestDeepTree),
        cmocka_unit_test(TestTruncate),
        cmocka_unit_test(TestReadWriteEdges),
        cmocka_unit_test(TestBigFile),
        cmocka_unit_test(TestOpenFlags),
        cmocka_unit_test(TestHandleOwners),
        cmocka_unit_test(TestHandleTableFull),
        cmocka_unit_test(TestDeleteWhileOpen),
        cmocka_unit_test(TestByteLimit),
        cmocka_unit_test(TestFailingAllocatorSweep),
        cmocka_unit_test(TestFailingHandleTable),
        cmocka_unit_test(TestShrinkWithoutMemory),
        cmocka_unit_test(TestUsageBackToZero),
    };

    return cmocka_run_group_tests_name("ramfs", tests, NULL, NULL);
}
