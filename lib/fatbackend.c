// The fs protocol over lib/fat: handles, sorted listings, versions.
//
// A handle slot keeps its file's path (as opened) and the id FatStat gave
// it then; every use looks the path up again and checks the id, so a
// handle never reaches another file that took the name. Handle numbers
// carry a generation (bumped at each close) above the slot index, as
// RamFs's do, so a stale number is E_BADF.
//
// Listings: FAT directories are unsorted, so each MSG_LIST collects the
// whole directory, sorts it and returns the page asked for.
#include <clanker/error.h>
#include <clanker/fs.h>
#include <lib/string.h>
#include <lib/fatbackend.h>

#define INDEX_BITS 7
#define ALL_FLAGS (FS_READ | FS_WRITE | FS_CREATE | FS_EXCLUSIVE | FS_TRUNCATE | FS_APPEND)

_Static_assert(FAT_HANDLE_MAX == 1u << INDEX_BITS, "handle index bits");
_Static_assert(FAT_FILE == FS_TYPE_FILE && FAT_DIR == FS_TYPE_DIR, "types");

typedef struct FatHandle {
    uint32_t owner;             // 0: a free slot
    uint32_t flags;
    uint32_t id;
    uint32_t generation;
    char path[FAT_PATH_MAX + 1];
} FatHandle;

struct FatBackend {
    Fat *fat;
    void *(*allocate)(size_t);
    void (*release)(void *);
    uint64_t version;           // bumped by every change
    FatHandle handles[FAT_HANDLE_MAX];
};

FatBackend *FatBackendCreate(Fat *fat, void *(*allocate)(size_t), void (*release)(void *))
{
    FatBackend *fb = allocate(sizeof(*fb));

    if (fb) {
        memset(fb, 0, sizeof(*fb));
        *fb = (FatBackend){ .fat = fat, .allocate = allocate, .release = release, .version = 1 };
    }
    return fb;
}

void FatBackendDestroy(FatBackend *fb)
{
    fb->release(fb);
}

uint32_t FatBackendHandles(const FatBackend *fb)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < FAT_HANDLE_MAX; i++)
        n += fb->handles[i].owner != 0;
    return n;
}

// A changing call's result: count the change when it succeeded.
static int Changed(FatBackend *fb, int result)
{
    if (result >= 0)
        fb->version++;
    return result;
}

// How many handles are open on the object with id.
static uint32_t OpenCount(const FatBackend *fb, uint32_t id)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < FAT_HANDLE_MAX; i++)
        n += fb->handles[i].owner != 0 && fb->handles[i].id == id;
    return n;
}

// The slot of owner's handle, or NULL.
static FatHandle *Slot(FatBackend *fb, int handle, uint32_t owner)
{
    uint32_t index, generation;
    FatHandle *h;

    if (handle <= 0)
        return NULL;
    index = (uint32_t)(handle - 1) & (FAT_HANDLE_MAX - 1);
    generation = (uint32_t)(handle - 1) >> INDEX_BITS;
    h = &fb->handles[index];
    return h->owner && h->owner == owner && h->generation == generation ? h : NULL;
}

// The handle's file is still where it was: 0, E_NOENT or E_*.
static int Still(FatBackend *fb, const FatHandle *h, FatInfo *info)
{
    int err = FatStat(fb->fat, h->path, info);

    return err ? err : info->id == h->id && info->type == FAT_FILE ? 0 : E_NOENT;
}

// owner's handle, opened with every flag in need (0: any), whose file is
// still where it was, with its FatInfo; NULL with *err (E_BADF, E_NOENT,
// ...) otherwise.
static FatHandle *Usable(FatBackend *fb, int handle, uint32_t owner, uint32_t need,
                         FatInfo *info, int *err)
{
    FatHandle *h = Slot(fb, handle, owner);

    if (!h || (h->flags & need) != need) {
        *err = E_BADF;
        return NULL;
    }
    return (*err = Still(fb, h, info)) == 0 ? h : NULL;
}

static int OpenChecked(FatBackend *fb, const char *path, uint32_t flags, uint32_t owner,
                       FatInfo *info)
{
    int err = FatStat(fb->fat, path, info);

    if (err == E_NOENT && (flags & FS_CREATE)) {
        if ((err = Changed(fb, FatCreate(fb->fat, path))) == 0)
            err = FatStat(fb->fat, path, info);
        return err;
    }
    if (err)
        return err;
    if (flags & FS_EXCLUSIVE)
        return E_EXIST;
    if (info->type != FAT_FILE)
        return E_ISDIR;
    if (flags & FS_TRUNCATE) {
        if ((err = Changed(fb, FatTruncate(fb->fat, path, 0))) != 0)
            return err;
    }
    (void)owner;
    return 0;
}

static int Open(void *fs, const char *path, uint32_t flags, uint32_t owner)
{
    FatBackend *fb = fs;
    FatVolume volume;
    FatInfo info;
    FatHandle *h = NULL;
    uint32_t index = 0;
    int err;

    if ((flags & ~ALL_FLAGS) || !(flags & (FS_READ | FS_WRITE)) ||
        ((flags & (FS_TRUNCATE | FS_APPEND)) && !(flags & FS_WRITE)) ||
        ((flags & FS_EXCLUSIVE) && !(flags & FS_CREATE)) || owner == 0)
        return E_INVAL;
    if (strnlen(path, FAT_PATH_MAX + 1) > FAT_PATH_MAX)
        return E_NAMETOOLONG;
    for (; index < FAT_HANDLE_MAX && !h; index++)
        if (!fb->handles[index].owner)
            h = &fb->handles[index];
    if (!h)
        return E_NOSPC;
    FatGetVolume(fb->fat, &volume);
    if ((flags & FS_WRITE) && volume.readOnly) {
        err = FatStat(fb->fat, path, &info);
        if (err == E_NOENT && (flags & FS_CREATE))
            return E_ROFS;
        if (err)
            return err;
        return info.type != FAT_FILE ? E_ISDIR : E_ROFS;
    }
    if ((err = OpenChecked(fb, path, flags, owner, &info)) != 0)
        return err;
    h->owner = owner;
    h->flags = flags;
    h->id = info.id;
    memcpy(h->path, path, strlen(path) + 1);
    return (int)((h->generation << INDEX_BITS | (index - 1)) + 1);
}

static void Free(FatHandle *h)
{
    h->owner = 0;
    h->generation = (h->generation + 1) & 0xffffff;
}

static int Close(void *fs, int handle, uint32_t owner)
{
    FatHandle *h = Slot(fs, handle, owner);

    if (!h)
        return E_BADF;
    Free(h);
    return 0;
}

static uint32_t CloseOwner(void *fs, uint32_t owner)
{
    FatBackend *fb = fs;
    uint32_t n = 0;

    for (uint32_t i = 0; i < FAT_HANDLE_MAX; i++)
        if (owner && fb->handles[i].owner == owner) {
            Free(&fb->handles[i]);
            n++;
        }
    return n;
}

static int Read(void *fs, int handle, uint32_t owner, uint64_t offset, void *buf, uint32_t length)
{
    FatBackend *fb = fs;
    FatInfo info;
    int err;
    FatHandle *h = Usable(fb, handle, owner, FS_READ, &info, &err);

    if (!h)
        return err;
    return FatRead(fb->fat, h->path, offset, buf, length);
}

static int Write(void *fs, int handle, uint32_t owner, uint64_t offset, const void *buf,
                 uint32_t length)
{
    FatBackend *fb = fs;
    FatInfo info;
    int err;
    FatHandle *h = Usable(fb, handle, owner, FS_WRITE, &info, &err);

    if (!h)
        return err;
    if (h->flags & FS_APPEND)
        offset = info.size;
    return Changed(fb, FatWrite(fb->fat, h->path, offset, buf, length));
}

// Whether handle is owner's, opened for need, and its file still there.
static int HandleUsable(void *fs, int handle, uint32_t owner, uint32_t need)
{
    FatInfo info;
    int err;

    Usable(fs, handle, owner, need, &info, &err);
    return err;
}

static int Truncate(void *fs, const char *path, uint64_t size)
{
    FatBackend *fb = fs;

    return Changed(fb, FatTruncate(fb->fat, path, size));
}

static int TruncateHandle(void *fs, int handle, uint32_t owner, uint64_t size)
{
    FatBackend *fb = fs;
    FatInfo info;
    int err;
    FatHandle *h = Usable(fb, handle, owner, FS_WRITE, &info, &err);

    if (!h)
        return err;
    return Changed(fb, FatTruncate(fb->fat, h->path, size));
}

static void StatOut(const FatBackend *fb, const FatInfo *info, FsStat *out)
{
    *out = (FsStat){ .type = info->type, .id = info->id, .size = info->size,
                     .version = fb->version, .entries = info->entries,
                     .handles = info->type == FAT_FILE ? OpenCount(fb, info->id) : 0 };
}

static int Stat(void *fs, const char *path, FsStat *out)
{
    FatBackend *fb = fs;
    FatInfo info;
    int err = FatStat(fb->fat, path, &info);

    if (!err)
        StatOut(fb, &info, out);
    return err;
}

static int StatHandle(void *fs, int handle, uint32_t owner, FsStat *out)
{
    FatBackend *fb = fs;
    FatInfo info;
    int err;
    FatHandle *h = Usable(fb, handle, owner, 0, &info, &err);

    if (!h)
        return err;
    StatOut(fb, &info, out);
    return 0;
}

// --- listings -------------------------------------------------------------------

typedef struct Collected {
    FatBackend *fb;
    FatDirEntry **entries;
    uint32_t count, capacity;
    int err;
} Collected;

static int Collect(void *context, const FatDirEntry *entry)
{
    Collected *c = context;
    FatDirEntry *copy;

    if (c->count == c->capacity) {
        uint32_t capacity = c->capacity ? c->capacity * 2 : 32;
        FatDirEntry **grown = c->fb->allocate(capacity * sizeof(*grown));
        if (!grown) {
            c->err = E_NOMEM;
            return 1;
        }
        if (c->count)
            memcpy(grown, c->entries, c->count * sizeof(*grown));
        if (c->entries)
            c->fb->release(c->entries);
        c->entries = grown;
        c->capacity = capacity;
    }
    if (!(copy = c->fb->allocate(sizeof(*copy)))) {
        c->err = E_NOMEM;
        return 1;
    }
    *copy = *entry;
    c->entries[c->count++] = copy;
    return 0;
}

// Sort by name, byte-wise (a shorter name first on a common prefix).
static void SortEntries(FatDirEntry **e, uint32_t n)
{
    for (uint32_t gap = n / 2; gap > 0; gap /= 2)
        for (uint32_t i = gap; i < n; i++)
            for (uint32_t j = i; j >= gap && strcmp(e[j - gap]->name, e[j]->name) > 0; j -= gap) {
                FatDirEntry *t = e[j];
                e[j] = e[j - gap];
                e[j - gap] = t;
            }
}

static int List(void *fs, const char *path, uint32_t index, uint32_t count, FsDirEntry *out)
{
    FatBackend *fb = fs;
    Collected c = { fb, NULL, 0, 0, 0 };
    uint32_t n = 0;
    int err = FatList(fb->fat, path, Collect, &c);

    if (!err)
        err = c.err;
    if (!err) {
        SortEntries(c.entries, c.count);
        for (; n < count && index < c.count && index + n < c.count; n++) {
            const FatDirEntry *e = c.entries[index + n];
            out[n] = (FsDirEntry){ .size = e->size, .type = e->type, .id = e->id };
            memcpy(out[n].name, e->name, strlen(e->name) + 1);
        }
    }
    for (uint32_t i = 0; i < c.count; i++)
        fb->release(c.entries[i]);
    if (c.entries)
        fb->release(c.entries);
    return err ? err : (int)n;
}

// --- names ------------------------------------------------------------------------

static int Create(void *fs, const char *path)
{
    FatBackend *fb = fs;

    return Changed(fb, FatCreate(fb->fat, path));
}

static int Mkdir(void *fs, const char *path)
{
    FatBackend *fb = fs;

    return Changed(fb, FatMkdir(fb->fat, path));
}

// E_BUSY if path is a file with open handles.
static int NotOpen(FatBackend *fb, const char *path)
{
    FatInfo info;

    if (FatStat(fb->fat, path, &info) != 0)
        return 0;                       // the call itself reports it
    return info.type == FAT_FILE && OpenCount(fb, info.id) ? E_BUSY : 0;
}

static int Remove(void *fs, const char *path)
{
    FatBackend *fb = fs;
    int err = NotOpen(fb, path);

    return err ? err : Changed(fb, FatDelete(fb->fat, path));
}

static int Rmdir(void *fs, const char *path)
{
    FatBackend *fb = fs;

    return Changed(fb, FatRmdir(fb->fat, path));
}

static int Rename(void *fs, const char *from, const char *to)
{
    FatBackend *fb = fs;
    int err = NotOpen(fb, from);

    if (!err)
        err = NotOpen(fb, to);
    return err ? err : Changed(fb, FatRename(fb->fat, from, to));
}

const FsBackend fatBackend = {
    Open, Close, CloseOwner, Read, Write, Truncate, TruncateHandle, Stat, StatHandle,
    List, Create, Mkdir, Remove, Rmdir, Rename, HandleUsable,
};
