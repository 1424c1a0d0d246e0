// libFuzzer target for the in-memory filesystem core (lib/ramfs.c).
//
// The input is a sequence of operations on one filesystem, checked against
// a shadow model: a flat list of canonical paths (directories and files),
// file contents as plain byte arrays shared by names and open handles (so
// a deleted file lives on while open), and the open handles with their
// owners and flags. The first byte picks a byte limit (none, or 16-143
// KiB). Each operation is one opcode byte followed by its arguments; paths
// are built by BuildPath (a few components from a small alphabet, an
// existing name plus a component, raw bytes rich in '.' and '/', or names
// around RAMFS_PATH_MAX):
//   0 mkdir   1 create file   2 rmdir   3 delete   4 rename   5 truncate
//   6 open    7 close         8 read    9 write   10 stat    11 list
//  12 close every handle of an owner   13 stat or truncate through a handle
//  14 make the next few allocations fail, or stop doing so
//  15 compare everything with the shadow
//
// Invariants checked (abort() on violation):
//   - every result is the one the shadow predicts (error codes included,
//     in the documented order), except that an operation the shadow says
//     succeeds may fail with E_NOMEM when an allocation failed during it,
//     or E_NOSPC under a byte limit when it may allocate
//   - a failed operation changes nothing: usage totals unchanged, and the
//     paths it names still stat and read as the shadow says
//   - reads return the shadow's bytes (zeros in gaps), listings its names
//     in byte order, stats its kinds, sizes, entry and handle counts
//   - RamFsCheck passes after every operation; usage counts match
//   - at the end, with all handles closed and everything deleted, usage is
//     zero, and destroying the filesystem releases every allocation
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clanker/error.h>
#include <lib/ramfs.h>

#include "fuzzkit.h"

#define MAX_NAMES     2048
#define MAX_OBJS      2048
#define OWNERS        4
#define VERIFY_OWNER  0x7777u
#define BIG_LIMIT     UINT64_MAX
#define PATH_BUF      600
#define IO_BUF        32768

typedef struct Obj {
    uint8_t *data;
    size_t size;
    int used;
    int named;          // 0: deleted (alive only through handles)
    uint32_t handles;
} Obj;

typedef struct Name {
    char *path;         // canonical: no leading or trailing '/'
    int isDir;
    int obj;            // files: index into objs
} Name;

typedef struct ShadowHandle {
    int value;
    int obj;
    uint32_t owner;
    uint32_t flags;
} ShadowHandle;


static RamFs *fs;
static Name names[MAX_NAMES];
static int nameCount;
static Obj objs[MAX_OBJS];
static ShadowHandle handles[RAMFS_HANDLE_MAX];
static int handleCount;
static int closedValues[8];
static uint32_t closedNext;
static int limited;
static int settledFailure;      // the operation's Settle saw an error
static uint8_t ioBuffer[IO_BUF], dataBuffer[IO_BUF];

static void Fail(const char *what)
{
    fprintf(stderr, "fuzz_ramfs: invariant violated: %s\n", what);
    abort();
}



// --- the shadow -------------------------------------------------------------

// The path grammar, written from the header's description: the canonical
// form into out, or E_INVAL / E_NAMETOOLONG.
static int RefCanon(const char *path, char *out)
{
    size_t n = strlen(path), start = 0, i = 0;

    if (n > RAMFS_PATH_MAX)
        return E_NAMETOOLONG;
    if (path[0] == '/')
        start = 1;
    if (n > start && path[n - 1] == '/')
        n--;
    memcpy(out, path + start, n - start);
    out[n - start] = 0;
    if (out[0] == 0)
        return 0;
    for (;;) {
        size_t j = i;
        while (out[j] && out[j] != '/')
            j++;
        if (j == i || (j - i == 1 && out[i] == '.') ||
            (j - i == 2 && out[i] == '.' && out[i + 1] == '.'))
            return E_INVAL;
        if (!out[j])
            return 0;
        i = j + 1;
    }
}

static int FindName(const char *path)
{
    for (int i = 0; i < nameCount; i++) {
        if (strcmp(names[i].path, path) == 0)
            return i;
    }
    return -1;
}

enum { MISSING, FILE_KIND, DIR_KIND };

static int Kind(const char *path)
{
    int at;

    if (path[0] == 0)
        return DIR_KIND;
    at = FindName(path);
    if (at < 0)
        return MISSING;
    return names[at].isDir ? DIR_KIND : FILE_KIND;
}

// The error walking to path's last component gives, or 0.
static int RefWalk(const char *path)
{
    char prefix[PATH_BUF];

    for (size_t i = 0; path[i]; i++) {
        if (path[i] != '/')
            continue;
        memcpy(prefix, path, i);
        prefix[i] = 0;
        switch (Kind(prefix)) {
        case MISSING:
            return E_NOENT;
        case FILE_KIND:
            return E_NOTDIR;
        }
    }
    return 0;
}

// Canonicalize and walk: 0 with canon filled in, or the path error.
static int RefPath(const char *path, char *canon)
{
    int error = RefCanon(path, canon);

    return error ? error : RefWalk(canon);
}

// Is name a direct entry of dir?
static int IsChild(const char *name, const char *dir)
{
    size_t n = strlen(dir);

    if (n == 0)
        return strchr(name, '/') == NULL;
    return strncmp(name, dir, n) == 0 && name[n] == '/' && strchr(name + n + 1, '/') == NULL;
}

static uint32_t ChildCount(const char *dir)
{
    uint32_t count = 0;

    for (int i = 0; i < nameCount; i++)
        count += IsChild(names[i].path, dir);
    return count;
}

static const char *LastComponent(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

static int NewObj(void)
{
    for (int i = 0; i < MAX_OBJS; i++) {
        if (!objs[i].used) {
            objs[i] = (Obj){ .used = 1, .named = 1 };
            return i;
        }
    }
    Fail("shadow out of objects");
    return -1;
}

static void DropObjIfDead(int o)
{
    if (!objs[o].named && objs[o].handles == 0) {
        free(objs[o].data);
        objs[o] = (Obj){ 0 };
    }
}

static void AddName(const char *path, int isDir)
{
    Name *n = &names[nameCount++];

    n->path = strdup(path);
    n->isDir = isDir;
    n->obj = isDir ? -1 : NewObj();
}

static void RemoveName(int at)
{
    if (!names[at].isDir) {
        objs[names[at].obj].named = 0;
        DropObjIfDead(names[at].obj);
    }
    free(names[at].path);
    names[at] = names[--nameCount];
}

static void ResizeObj(Obj *o, size_t size)
{
    if (size > o->size) {
        o->data = realloc(o->data, size);
        if (!o->data)
            abort();
        memset(o->data + o->size, 0, size - o->size);
    }
    o->size = size;
}

static ShadowHandle *FindShadowHandle(int value, uint32_t owner)
{
    for (int i = 0; i < handleCount; i++) {
        if (handles[i].value == value && handles[i].owner == owner)
            return &handles[i];
    }
    return NULL;
}

static void CloseShadowHandle(ShadowHandle *h)
{
    int o = h->obj;

    closedValues[closedNext++ % 8] = h->value;
    objs[o].handles--;
    *h = handles[--handleCount];
    DropObjIfDead(o);
}

// --- comparing with the filesystem ----------------------------------------------

static uint32_t LiveObjs(void)
{
    uint32_t count = 0;

    for (int i = 0; i < MAX_OBJS; i++)
        count += objs[i].used;
    return count;
}

static void CheckTotals(void)
{
    uint32_t files, dirs, wantDirs = 0;
    uint64_t bytes;

    if (RamFsCheck(fs) != 0)
        Fail("RamFsCheck found a broken invariant");
    RamFsUsage(fs, &bytes, &files, &dirs);
    for (int i = 0; i < nameCount; i++)
        wantDirs += names[i].isDir;
    if (files != LiveObjs() || dirs != wantDirs)
        Fail("usage counts disagree with the shadow");
}

static void CompareContent(int handle, uint32_t owner, const Obj *o)
{
    for (size_t at = 0; at < o->size; at += IO_BUF) {
        size_t want = o->size - at < IO_BUF ? o->size - at : IO_BUF;
        if (RamFsRead(fs, handle, owner, at, ioBuffer, IO_BUF) != (int)want)
            Fail("read length disagrees with the shadow size");
        if (memcmp(ioBuffer, o->data + at, want) != 0)
            Fail("file content disagrees with the shadow");
    }
    if (RamFsRead(fs, handle, owner, o->size, ioBuffer, 1) != 0)
        Fail("read past the end returned data");
}

// Compare the node at a canonical path (and a directory's listing) with
// the shadow. Holds allocation failures off meanwhile.
static void VerifyPath(const char *canon)
{
    int saved = failing, kind = Kind(canon), h;
    RamFsInfo info;
    RamFsDirEntry e;
    int err;

    if (strlen(canon) > RAMFS_PATH_MAX || RefWalk(canon) != 0)
        return;
    failing = 0;
    err = RamFsStat(fs, canon, &info);
    if (kind == MISSING) {
        if (err != E_NOENT)
            Fail("stat found a name the shadow does not hold");
        failing = saved;
        return;
    }
    if (err != 0 || info.type != (kind == DIR_KIND ? RAMFS_DIR : RAMFS_FILE))
        Fail("stat disagrees with the shadow about a name");
    if (kind == DIR_KIND) {
        uint32_t count = ChildCount(canon);
        const char *previous = NULL;
        if (info.entries != count || info.size != 0)
            Fail("directory entry count disagrees with the shadow");
        for (uint32_t i = 0; i < count; i++) {
            char child[PATH_BUF];
            int at;
            if (RamFsList(fs, canon, i, &e) != 0)
                Fail("listing ended early");
            if (previous && strcmp(previous, e.name) >= 0)
                Fail("listing out of order");
            snprintf(child, sizeof(child), "%s%s%s", canon, canon[0] ? "/" : "", e.name);
            at = FindName(child);
            if (at < 0 || (names[at].isDir ? RAMFS_DIR : RAMFS_FILE) != e.type)
                Fail("listing names an entry the shadow does not hold");
            if (!names[at].isDir && e.size != objs[names[at].obj].size)
                Fail("listing size disagrees with the shadow");
            previous = LastComponent(names[at].path);
        }
        if (RamFsList(fs, canon, count, &e) != E_NOENT)
            Fail("listing goes past the shadow's entries");
    } else {
        const Obj *o = &objs[names[FindName(canon)].obj];
        if (info.size != o->size || info.handles != o->handles || info.entries != 0)
            Fail("file stat disagrees with the shadow");
        if (handleCount < (int)RAMFS_HANDLE_MAX) {
            h = RamFsOpen(fs, canon, RAMFS_READ, VERIFY_OWNER);
            if (h <= 0)
                Fail("cannot open a file for checking");
            CompareContent(h, VERIFY_OWNER, o);
            if (RamFsClose(fs, h, VERIFY_OWNER) != 0)
                Fail("cannot close the checking handle");
        }
    }
    failing = saved;
}

static void VerifyAll(void)
{
    VerifyPath("");
    for (int i = 0; i < nameCount; i++)
        VerifyPath(names[i].path);
    for (int i = 0; i < handleCount; i++) {
        RamFsInfo info;
        if (RamFsStatHandle(fs, handles[i].value, handles[i].owner, &info) != 0 ||
            info.size != objs[handles[i].obj].size)
            Fail("handle stat disagrees with the shadow");
        if (handles[i].flags & RAMFS_READ)
            CompareContent(handles[i].value, handles[i].owner, &objs[handles[i].obj]);
    }
}

// --- building arguments -----------------------------------------------------------

static void BuildPath(Reader *r, char *out)
{
    static const char *parts[4] = { "a", "b", "c", "dd" };
    static const char raw[8] = { 'a', 'b', '.', '/', '.', '/', 'a', '\xff' };
    uint8_t mode = ReadByte(r);
    size_t n = 0, count;

    if ((mode & 7) == 6) {              // raw bytes
        count = ReadByte(r) % 10;
        for (size_t i = 0; i < count; i++)
            out[n++] = raw[ReadByte(r) & 7];
    } else if ((mode & 7) == 7) {       // around RAMFS_PATH_MAX
        count = 250 + ReadByte(r) % 10;
        if (mode & 8) {
            memcpy(out, "a/", 2);
            n = 2;
        }
        while (n < count)
            out[n++] = 'x';
        if (mode & 16)
            out[n - 1] = '/';
    } else {                            // components, maybe under a name
        if ((mode & 8) && nameCount > 0) {
            const char *base = names[ReadByte(r) % nameCount].path;
            n = strlen(base) < 300 ? strlen(base) : 0;
            memcpy(out, base, n);
        }
        count = (mode & 8) ? (mode >> 4) % 2 : 1 + (mode >> 4) % 3;
        for (size_t i = 0; i < count; i++) {
            const char *part = parts[ReadByte(r) & 3];
            if (n > 0)
                out[n++] = '/';
            memcpy(out + n, part, strlen(part));
            n += strlen(part);
        }
        if (mode & 1) {
            memmove(out + 1, out, n);
            out[0] = '/';
            n++;
        }
        if (mode & 2)
            out[n++] = '/';
    }
    out[n] = 0;
}

static uint32_t BuildOwner(Reader *r)
{
    return ReadByte(r) % OWNERS;
}

// A handle value and an owner: mostly a live handle (with its owner or
// not), else a closed one or a number that never was one.
static int BuildHandle(Reader *r, uint32_t *owner)
{
    uint8_t how = ReadByte(r);

    *owner = (how >> 4) % OWNERS;
    if ((how & 3) != 3 && handleCount > 0) {
        const ShadowHandle *h = &handles[ReadByte(r) % handleCount];
        if (!(how & 4))
            *owner = h->owner;
        return h->value;
    }
    if (how & 4)
        return closedValues[ReadByte(r) % 8];
    return (int)ReadByte(r) - 8;
}

static uint64_t BuildOffset(Reader *r)
{
    uint8_t how = ReadByte(r);
    int64_t at;

    switch (how & 3) {
    case 0:
        return ReadByte(r);
    case 1:
        at = (int64_t)(ReadByte(r) % 18) * RAMFS_BLOCK_SIZE + (int64_t)ReadByte(r) - 128;
        return at < 0 ? 0 : (uint64_t)at;
    case 2:
        return ReadByte(r) | (uint64_t)ReadByte(r) << 8;
    default:                            // out of reach
        switch ((how >> 2) & 3) {
        case 0:
            return RAMFS_FILE_MAX - ReadByte(r) % 16;
        case 1:
            return RAMFS_FILE_MAX + ReadByte(r);
        case 2:
            return UINT64_MAX - ReadByte(r);
        default:
            return (uint64_t)1 << (20 + ReadByte(r) % 40);
        }
    }
}

static uint32_t BuildLength(Reader *r)
{
    uint8_t how = ReadByte(r);

    switch (how & 3) {
    case 0:
        return ReadByte(r) % 16;
    case 1:
        return ReadByte(r);
    case 2:
        return (uint32_t)ReadByte(r) * 32 + ReadByte(r) % 32;
    default: {
        uint32_t base = (ReadByte(r) % 5) * RAMFS_BLOCK_SIZE + ReadByte(r) % 9;
        return base >= 4 ? base - 4 : 0;
    }
    }
}

// --- results --------------------------------------------------------------------------

// got against want (want >= 0: success; 1 stands for "a handle" with
// isHandle). An operation that should succeed may fail for memory. Returns
// whether it took effect.
static int Settle(int got, int want, int mayAllocate, int isHandle, const char *what)
{
    settledFailure = got < 0;
    if (want >= 0 && mayAllocate && got == E_NOMEM && allocationFailed)
        return 0;
    if (want >= 0 && mayAllocate && got == E_NOSPC && limited)
        return 0;
    if (isHandle && want >= 0) {
        if (got <= 0)
            Fail(what);
        return 1;
    }
    if (got != want)
        Fail(what);
    return got >= 0;
}

// --- operations -------------------------------------------------------------------------

static void OpMake(Reader *r, int isDir)
{
    char path[PATH_BUF], canon[PATH_BUF];
    int want, got;

    BuildPath(r, path);
    if (nameCount == MAX_NAMES)
        return;
    want = RefPath(path, canon);
    if (want == 0 && Kind(canon) != MISSING)
        want = E_EXIST;
    got = isDir ? RamFsMkdir(fs, path) : RamFsCreateFile(fs, path);
    if (Settle(got, want, 1, 0, isDir ? "RamFsMkdir disagrees" : "RamFsCreateFile disagrees"))
        AddName(canon, isDir);
    if (want == 0 || want == E_EXIST)
        VerifyPath(canon);
}

static void OpRmdir(Reader *r)
{
    char path[PATH_BUF], canon[PATH_BUF];
    int want = 0, got;

    BuildPath(r, path);
    if ((want = RefPath(path, canon)) != 0)
        ;
    else if (Kind(canon) == MISSING)
        want = E_NOENT;
    else if (canon[0] == 0)
        want = E_BUSY;
    else if (Kind(canon) == FILE_KIND)
        want = E_NOTDIR;
    else if (ChildCount(canon) > 0)
        want = E_NOTEMPTY;
    got = RamFsRmdir(fs, path);
    if (Settle(got, want, 0, 0, "RamFsRmdir disagrees"))
        RemoveName(FindName(canon));
}

static void OpDelete(Reader *r)
{
    char path[PATH_BUF], canon[PATH_BUF];
    int want = 0, got;

    BuildPath(r, path);
    if ((want = RefPath(path, canon)) != 0)
        ;
    else if (Kind(canon) == MISSING)
        want = E_NOENT;
    else if (Kind(canon) == DIR_KIND)
        want = E_ISDIR;
    got = RamFsDelete(fs, path);
    if (Settle(got, want, 0, 0, "RamFsDelete disagrees"))
        RemoveName(FindName(canon));
}

static void OpRename(Reader *r)
{
    char from[PATH_BUF], to[PATH_BUF], source[PATH_BUF], target[PATH_BUF];
    int want = 0, got, fromKind = MISSING, toKind = MISSING;
    size_t n;

    BuildPath(r, from);
    BuildPath(r, to);
    // The order RamFsRename checks in: the whole of from, the whole of to,
    // then what they name.
    if ((want = RefPath(from, source)) == 0 && (want = RefPath(to, target)) == 0) {
        fromKind = Kind(source);
        toKind = Kind(target);
        n = strlen(source);
        if (fromKind == MISSING)
            want = E_NOENT;
        else if (source[0] == 0 || target[0] == 0)
            want = E_BUSY;
        else if (strcmp(source, target) == 0)
            want = 0;
        else if (fromKind == DIR_KIND && strncmp(target, source, n) == 0 && target[n] == '/')
            want = E_INVAL;
        else if (toKind == DIR_KIND && fromKind == FILE_KIND)
            want = E_ISDIR;
        else if (toKind == FILE_KIND && fromKind == DIR_KIND)
            want = E_NOTDIR;
        else if (toKind == DIR_KIND && ChildCount(target) > 0)
            want = E_NOTEMPTY;
    }
    got = RamFsRename(fs, from, to);
    if (Settle(got, want, 1, 0, "RamFsRename disagrees") && strcmp(source, target) != 0) {
        if (toKind != MISSING)
            RemoveName(FindName(target));
        n = strlen(source);
        for (int i = 0; i < nameCount; i++) {
            char *p = names[i].path, *moved;
            if (strcmp(p, source) == 0 || (strncmp(p, source, n) == 0 && p[n] == '/')) {
                moved = malloc(strlen(target) + strlen(p + n) + 1);
                if (!moved)
                    abort();
                strcpy(moved, target);
                strcat(moved, p + n);
                free(p);
                names[i].path = moved;
            }
        }
    }
    if (RefCanon(from, source) == 0)
        VerifyPath(source);
    if (RefCanon(to, target) == 0)
        VerifyPath(target);
}

static uint64_t BuildSize(Reader *r)
{
    uint8_t how = ReadByte(r);

    if ((how & 7) == 7)
        return RAMFS_FILE_MAX + 1 + ReadByte(r);
    return (how & 1) ? BuildLength(r) : (uint64_t)(ReadByte(r) % 18) * RAMFS_BLOCK_SIZE +
                                            ReadByte(r);
}

static void OpTruncate(Reader *r)
{
    char path[PATH_BUF], canon[PATH_BUF];
    uint64_t size;
    int want = 0, got;

    BuildPath(r, path);
    size = BuildSize(r);
    if ((want = RefPath(path, canon)) != 0)
        ;
    else if (Kind(canon) == MISSING)
        want = E_NOENT;
    else if (Kind(canon) == DIR_KIND)
        want = E_ISDIR;
    else if (size > RAMFS_FILE_MAX)
        want = E_FBIG;
    got = RamFsTruncate(fs, path, size);
    if (Settle(got, want, 0, 0, "RamFsTruncate disagrees"))
        ResizeObj(&objs[names[FindName(canon)].obj], (size_t)size);
    if (want == 0 || want == E_FBIG)
        VerifyPath(canon);
}

static void OpOpen(Reader *r)
{
    char path[PATH_BUF], canon[PATH_BUF];
    uint8_t f = ReadByte(r);
    uint32_t flags = f & 0x3F, owner = BuildOwner(r);
    int want = 0, got, kind = MISSING, created;

    if ((f & 0xC0) == 0xC0)
        flags |= 0x40;
    BuildPath(r, path);
    if ((flags & ~0x3Fu) || !(flags & (RAMFS_READ | RAMFS_WRITE)) ||
        ((flags & (RAMFS_TRUNCATE | RAMFS_APPEND)) && !(flags & RAMFS_WRITE)) ||
        ((flags & RAMFS_EXCLUSIVE) && !(flags & RAMFS_CREATE)))
        want = E_INVAL;
    else if ((want = RefPath(path, canon)) != 0)
        ;
    else if ((kind = Kind(canon)) != MISSING && (flags & RAMFS_EXCLUSIVE))
        want = E_EXIST;
    else if (kind == DIR_KIND)
        want = E_ISDIR;
    else if (kind == MISSING && !(flags & RAMFS_CREATE))
        want = E_NOENT;
    else if (handleCount == (int)RAMFS_HANDLE_MAX)
        want = E_NOSPC;
    else if (kind == MISSING && nameCount == MAX_NAMES)
        return;
    created = want == 0 && kind == MISSING;
    got = RamFsOpen(fs, path, flags, owner);
    if (Settle(got, want, 1, 1, "RamFsOpen disagrees")) {
        ShadowHandle *h = &handles[handleCount++];
        for (int i = 0; i < handleCount - 1; i++) {
            if (handles[i].value == got)
                Fail("RamFsOpen returned a handle already open");
        }
        if (created)
            AddName(canon, 0);
        *h = (ShadowHandle){ got, names[FindName(canon)].obj, owner, flags };
        objs[h->obj].handles++;
        if (flags & RAMFS_TRUNCATE)
            ResizeObj(&objs[h->obj], 0);
    } else if (got == E_NOSPC && !created && want == 0) {
        Fail("RamFsOpen ran out of space without creating");
    }
    if (want == 0)
        VerifyPath(canon);
}

static void OpClose(Reader *r)
{
    uint32_t owner;
    int value = BuildHandle(r, &owner), got;
    ShadowHandle *h = FindShadowHandle(value, owner);

    got = RamFsClose(fs, value, owner);
    if (Settle(got, h ? 0 : E_BADF, 0, 0, "RamFsClose disagrees"))
        CloseShadowHandle(h);
}

static void OpRead(Reader *r)
{
    uint32_t owner, length;
    int value = BuildHandle(r, &owner), want, got;
    uint64_t offset = BuildOffset(r);
    ShadowHandle *h = FindShadowHandle(value, owner);
    const Obj *o;

    length = BuildLength(r);
    if (!h || !(h->flags & RAMFS_READ)) {
        if (RamFsRead(fs, value, owner, offset, ioBuffer, length) != E_BADF)
            Fail("RamFsRead on a bad handle did not fail");
        return;
    }
    o = &objs[h->obj];
    want = offset >= o->size ? 0 : (int)(length < o->size - offset ? length : o->size - offset);
    memset(ioBuffer, 0xA5, length);
    got = RamFsRead(fs, value, owner, offset, ioBuffer, length);
    if (got != want)
        Fail("RamFsRead length disagrees with the shadow");
    if (want > 0 && memcmp(ioBuffer, o->data + offset, (size_t)want) != 0)
        Fail("RamFsRead data disagrees with the shadow");
}

static void OpWrite(Reader *r)
{
    uint32_t owner, length;
    int value = BuildHandle(r, &owner), want, got;
    uint64_t offset = BuildOffset(r), at;
    ShadowHandle *h = FindShadowHandle(value, owner);
    uint8_t seed = ReadByte(r);
    uint64_t bytes, bytesAfter;
    Obj *o;

    length = BuildLength(r);
    for (uint32_t i = 0; i < length; i++)
        dataBuffer[i] = (uint8_t)(seed + i * 131 + (i >> 9));
    if (!h || !(h->flags & RAMFS_WRITE)) {
        if (RamFsWrite(fs, value, owner, offset, dataBuffer, length) != E_BADF)
            Fail("RamFsWrite on a bad handle did not fail");
        return;
    }
    o = &objs[h->obj];
    at = (h->flags & RAMFS_APPEND) ? o->size : offset;
    // Keep the shadow small: a far offset is always one that cannot work
    // (a length past IO_BUF is refused before the buffer is read).
    if (!(h->flags & RAMFS_APPEND) && at > (1u << 20) && at <= RAMFS_FILE_MAX &&
        length <= RAMFS_FILE_MAX - at)
        length = (uint32_t)(RAMFS_FILE_MAX - at) + 1;
    if (length > RAMFS_IO_MAX)
        want = E_INVAL;
    else if (length == 0)
        want = 0;
    else if (at > RAMFS_FILE_MAX || length > RAMFS_FILE_MAX - at)
        want = E_FBIG;
    else
        want = (int)length;
    if (want > 0 && length > IO_BUF)
        Fail("fuzzer built a write longer than its buffer");
    RamFsUsage(fs, &bytes, NULL, NULL);
    got = RamFsWrite(fs, value, owner, offset, dataBuffer, length);
    if (Settle(got, want, 1, 0, "RamFsWrite disagrees") && length > 0) {
        if (at + length > o->size)
            ResizeObj(o, (size_t)(at + length));
        memcpy(o->data + at, dataBuffer, length);
    }
    RamFsUsage(fs, &bytesAfter, NULL, NULL);
    if (got < 0 && bytesAfter != bytes)
        Fail("a failed write changed the usage");
}

static void OpStat(Reader *r)
{
    char path[PATH_BUF], canon[PATH_BUF];
    RamFsInfo info;
    int want;

    BuildPath(r, path);
    want = RefPath(path, canon);
    if (want == 0 && Kind(canon) == MISSING)
        want = E_NOENT;
    if (RamFsStat(fs, path, &info) != want)
        Fail("RamFsStat disagrees");
    if (want == 0)
        VerifyPath(canon);
}

static int CompareChildren(const void *a, const void *b)
{
    return strcmp(LastComponent(*(char *const *)a), LastComponent(*(char *const *)b));
}

static void OpList(Reader *r)
{
    char path[PATH_BUF], canon[PATH_BUF];
    static char *children[MAX_NAMES];
    uint32_t index = ReadByte(r) % 12, count = 0;
    RamFsDirEntry e;
    int want, got;

    BuildPath(r, path);
    want = RefPath(path, canon);
    if (want == 0 && Kind(canon) == MISSING)
        want = E_NOENT;
    else if (want == 0 && Kind(canon) == FILE_KIND)
        want = E_NOTDIR;
    else if (want == 0) {
        for (int i = 0; i < nameCount; i++) {
            if (IsChild(names[i].path, canon))
                children[count++] = names[i].path;
        }
        if (index >= count)
            want = E_NOENT;
    }
    got = RamFsList(fs, path, index, &e);
    if (got != want)
        Fail("RamFsList disagrees");
    if (got == 0) {
        qsort(children, count, sizeof(children[0]), CompareChildren);
        if (strcmp(e.name, LastComponent(children[index])) != 0)
            Fail("RamFsList entry disagrees with the shadow order");
        if (e.type != (names[FindName(children[index])].isDir ? RAMFS_DIR : RAMFS_FILE))
            Fail("RamFsList type disagrees");
    }
}

static void OpCloseOwner(Reader *r)
{
    uint32_t owner = BuildOwner(r), want = 0;

    for (int i = 0; i < handleCount;) {
        if (handles[i].owner == owner) {
            CloseShadowHandle(&handles[i]);
            want++;
        } else {
            i++;
        }
    }
    if (RamFsCloseOwner(fs, owner) != want)
        Fail("RamFsCloseOwner count disagrees");
}

static void OpHandleStatTruncate(Reader *r)
{
    uint32_t owner;
    int value = BuildHandle(r, &owner), want, got;
    ShadowHandle *h = FindShadowHandle(value, owner);
    uint8_t how = ReadByte(r);
    RamFsInfo info;

    if (how & 1) {
        got = RamFsStatHandle(fs, value, owner, &info);
        if (got != (h ? 0 : E_BADF))
            Fail("RamFsStatHandle disagrees");
        if (h && (info.size != objs[h->obj].size || info.handles != objs[h->obj].handles ||
                  info.type != RAMFS_FILE))
            Fail("RamFsStatHandle disagrees with the shadow");
    } else {
        uint64_t size = BuildSize(r);
        if (!h || !(h->flags & RAMFS_WRITE))
            want = E_BADF;
        else if (size > RAMFS_FILE_MAX)
            want = E_FBIG;
        else
            want = 0;
        got = RamFsTruncateHandle(fs, value, owner, size);
        if (Settle(got, want, 0, 0, "RamFsTruncateHandle disagrees"))
            ResizeObj(&objs[h->obj], (size_t)size);
    }
}

// --- driver -----------------------------------------------------------------------------

static void Reset(void)
{
    for (int i = 0; i < nameCount; i++)
        free(names[i].path);
    for (int i = 0; i < MAX_OBJS; i++)
        free(objs[i].data);
    memset(objs, 0, sizeof(objs));
    nameCount = handleCount = 0;
    memset(closedValues, 0, sizeof(closedValues));
    closedNext = 0;
    liveAllocations = 0;
    failing = 0;
}

static int Deeper(const void *a, const void *b)
{
    const Name *x = a, *y = b;
    size_t nx = strlen(x->path), ny = strlen(y->path);

    return nx < ny ? 1 : nx > ny ? -1 : 0;
}

// Close everything, delete everything: usage must come back to zero.
static void TearDown(void)
{
    int unreachable = 0;
    uint64_t bytes;
    uint32_t files, dirs;

    failing = 0;
    for (uint32_t owner = 0; owner < OWNERS; owner++) {
        uint32_t want = 0;
        for (int i = 0; i < handleCount; i++)
            want += handles[i].owner == owner;
        if (RamFsCloseOwner(fs, owner) != want)
            Fail("RamFsCloseOwner count disagrees at the end");
    }
    handleCount = 0;
    for (int i = 0; i < MAX_OBJS; i++) {
        if (objs[i].used && !objs[i].named) {
            free(objs[i].data);
            objs[i] = (Obj){ 0 };
        }
    }
    CheckTotals();
    qsort(names, (size_t)nameCount, sizeof(names[0]), Deeper);
    for (int i = 0; i < nameCount; i++) {
        int err;
        if (strlen(names[i].path) > RAMFS_PATH_MAX) {
            unreachable = 1;
            continue;
        }
        err = names[i].isDir ? RamFsRmdir(fs, names[i].path) : RamFsDelete(fs, names[i].path);
        if (err != 0 && !unreachable)
            Fail("cannot delete a name at the end");
    }
    RamFsUsage(fs, &bytes, &files, &dirs);
    if (!unreachable && (bytes != 0 || files != 0 || dirs != 0))
        Fail("usage not back to zero with everything deleted");
    if (RamFsCheck(fs) != 0)
        Fail("RamFsCheck failed at the end");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Reader r = { data, size, 0 };
    uint8_t first = ReadByte(&r);

    Reset();
    limited = first & 1;
    fs = RamFsCreate(FuzzAllocate, FuzzRelease,
                     limited ? (16u + (first >> 1)) * 1024u : BIG_LIMIT);
    if (!fs)
        Fail("RamFsCreate failed");
    while (r.pos < r.size) {
        uint64_t bytes, bytesAfter;
        uint8_t op = ReadByte(&r) % 16;

        allocationFailed = 0;
        settledFailure = 0;
        RamFsUsage(fs, &bytes, NULL, NULL);
        switch (op) {
        case 0:
            OpMake(&r, 1);
            break;
        case 1:
            OpMake(&r, 0);
            break;
        case 2:
            OpRmdir(&r);
            break;
        case 3:
            OpDelete(&r);
            break;
        case 4:
            OpRename(&r);
            break;
        case 5:
            OpTruncate(&r);
            break;
        case 6:
            OpOpen(&r);
            break;
        case 7:
            OpClose(&r);
            break;
        case 8:
            OpRead(&r);
            break;
        case 9:
            OpWrite(&r);
            break;
        case 10:
            OpStat(&r);
            break;
        case 11:
            OpList(&r);
            break;
        case 12:
            OpCloseOwner(&r);
            break;
        case 13:
            OpHandleStatTruncate(&r);
            break;
        case 14:
            failing = failing ? 0 : 1 + ReadByte(&r) % 4;
            break;
        default:
            VerifyAll();
            break;
        }
        // Operations that cannot change anything keep the usage as it was.
        RamFsUsage(fs, &bytesAfter, NULL, NULL);
        if ((op == 8 || op == 10 || op == 11 || op == 14 || op == 15) && bytes != bytesAfter)
            Fail("a read-only operation changed the usage");
        if (settledFailure && bytes != bytesAfter)
            Fail("a failed operation changed the usage");
        CheckTotals();
    }
    VerifyAll();
    TearDown();
    RamFsDestroy(fs);
    fs = NULL;
    if (liveAllocations != 0)
        Fail("allocations leaked");
    Reset();
    return 0;
}
