// libFuzzer target for the FAT engine (lib/fat.c) on damaged volumes.
//
// The input is a volume plus operations on it:
//   bytes 0-1  L, the number of operation bytes (at most 512)
//   bytes 2-3  the device size in units of 64 sectors (at least the data)
//   L bytes    operations
//   the rest   the first sectors of the volume; the device reads zeros
//              past them and drops writes there, so a large FAT16/FAT32
//              volume fits in a small input (tests/fuzz/seeds/fuzz_fat/
//              holds such prefixes of mkfs.fat + mtools images)
// If it mounts, the target walks the whole tree (listing, stat, reading
// every file), then runs the operations (each a byte picking the call and
// bytes picking a known path or a new name and the sizes): read, write,
// create, mkdir, delete, rmdir, rename, truncate, flush; then unmounts.
//
// Invariants (abort() or a sanitizer report on violation): no crash, no
// out-of-bounds access, no hang (libFuzzer's timeout), every call returns
// 0, a count within what was asked, or a negative E_* code, a read never
// returns more than asked, and unmounting releases every allocation.
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clanker/error.h>
#include <lib/fat.h>

#include "fuzzkit.h"

#define SECTOR 512u
#define PATHS_MAX 48

static const uint8_t *image;
static size_t imageSize;
static uint8_t *written;        // the device's data (a copy of image, written to)
static char paths[PATHS_MAX][FAT_PATH_MAX + 1];
static int pathCount;
static uint8_t buffer[70000];

static int DeviceRead(void *context, uint64_t sector, uint32_t count, void *out)
{
    (void)context;
    for (uint32_t i = 0; i < count; i++) {
        uint64_t at = (sector + i) * SECTOR;
        uint8_t *to = (uint8_t *)out + (size_t)i * SECTOR;
        if (at + SECTOR <= imageSize)
            memcpy(to, written + at, SECTOR);
        else
            memset(to, 0, SECTOR);
    }
    return 0;
}

static int DeviceWrite(void *context, uint64_t sector, uint32_t count, void *in)
{
    (void)context;
    for (uint32_t i = 0; i < count; i++) {
        uint64_t at = (sector + i) * SECTOR;
        if (at + SECTOR <= imageSize)
            memcpy(written + at, (uint8_t *)in + (size_t)i * SECTOR, SECTOR);
    }
    return 0;
}

static void Expect(int ok)
{
    if (!ok)
        abort();
}

static void Remember(const char *path)
{
    if (pathCount < PATHS_MAX && strlen(path) <= FAT_PATH_MAX)
        strcpy(paths[pathCount++], path);
}

typedef struct Walk {
    Fat *fat;
    const char *dir;
    int depth;
} Walk;

static void WalkTree(Fat *fat, const char *dir, int depth);

static int Visit(void *context, const FatDirEntry *e)
{
    Walk *w = context;
    char path[2 * FAT_PATH_MAX + 2];
    FatInfo info;

    Expect(e->name[0] != 0 && strchr(e->name, '/') == NULL);
    Expect(e->type == FAT_FILE || e->type == FAT_DIR);
    snprintf(path, sizeof(path), "%s%s%s", w->dir, *w->dir ? "/" : "", e->name);
    if (strlen(path) > FAT_PATH_MAX)
        return 0;
    Remember(path);
    if (FatStat(w->fat, path, &info) != 0)
        return 0;
    if (info.type == FAT_DIR && w->depth < 4)
        WalkTree(w->fat, path, w->depth + 1);
    else if (info.type == FAT_FILE) {
        int n = FatRead(w->fat, path, 0, buffer, 4096);
        Expect(n <= 4096);
    }
    return pathCount >= PATHS_MAX;
}

static void WalkTree(Fat *fat, const char *dir, int depth)
{
    Walk w = { fat, dir, depth };
    int err = FatList(fat, dir, Visit, &w);

    Expect(err <= 0);
}

// A path: a known one, or a new name (maybe under a known directory).
static const char *PickPath(Reader *r, char *out)
{
    static const char *names[] = { "a", "B.TXT", "long file name.txt", "x~1", "dir",
                                   "caf\xc3\xa9", "bad:name", ".", "a/b", "" };
    uint8_t b = ReadByte(r);

    if (pathCount && b < 128)
        return paths[b % pathCount];
    if (pathCount && b < 192) {
        snprintf(out, FAT_PATH_MAX + 1, "%s/%s", paths[b % pathCount],
                 names[ReadByte(r) % 10]);
        return out;
    }
    return names[b % 10];
}

static void Operate(Fat *fat, Reader *r)
{
    char a[FAT_PATH_MAX + 1], b[FAT_PATH_MAX + 1];
    uint8_t op = ReadByte(r);
    const char *p = PickPath(r, a);
    uint32_t size = (uint32_t)ReadByte(r) << 8 | ReadByte(r);
    uint64_t offset = (uint64_t)ReadByte(r) << 9;
    int n;

    switch (op % 10) {
    case 0:
        n = FatRead(fat, p, offset, buffer, size);
        Expect(n <= (int)size);
        break;
    case 1:
        n = FatWrite(fat, p, offset, buffer, size);
        Expect(n < 0 || n == (int)size);
        break;
    case 2: Expect(FatCreate(fat, p) <= 0); Remember(p); break;
    case 3: Expect(FatMkdir(fat, p) <= 0); Remember(p); break;
    case 4: Expect(FatDelete(fat, p) <= 0); break;
    case 5: Expect(FatRmdir(fat, p) <= 0); break;
    case 6: Expect(FatRename(fat, p, PickPath(r, b)) <= 0); break;
    case 7: Expect(FatTruncate(fat, p, (uint64_t)size * 7) <= 0); break;
    case 8: Expect(FatFlush(fat) <= 0); break;
    default: WalkTree(fat, "", 0); break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FatDevice device;
    Reader ops;
    Fat *fat;
    size_t opLength;
    uint64_t sectors;

    if (size < 4)
        return 0;
    opLength = (size_t)(data[0] | data[1] << 8) % 513;
    sectors = (uint64_t)(data[2] | data[3] << 8) * 64;
    if (opLength > size - 4)
        opLength = size - 4;
    ops = (Reader){ data + 4, opLength, 0 };
    image = data + 4 + opLength;
    imageSize = (size - 4 - opLength) / SECTOR * SECTOR;
    if (sectors * SECTOR < imageSize)
        sectors = imageSize / SECTOR;
    if (sectors == 0)
        return 0;
    written = malloc(imageSize ? imageSize : 1);
    memcpy(written, image, imageSize);
    pathCount = 0;
    liveAllocations = 0;
    device = (FatDevice){ NULL, DeviceRead, DeviceWrite, SECTOR, sectors, 0 };
    if (FatMount(&device, FuzzAllocate, FuzzRelease, &fat) == 0) {
        WalkTree(fat, "", 0);
        while (ops.pos < ops.size)
            Operate(fat, &ops);
        FatUnmount(fat);
        Expect(liveAllocations == 0);
    }
    free(written);
    return 0;
}
