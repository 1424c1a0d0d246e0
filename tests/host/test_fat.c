// Host unit tests for lib/fat.c (the FAT12/16/32 engine).
//
// Images are made during the test with mkfs.fat and filled with mtools
// (mcopy, mmd, mdel), so what lib/fat reads was written by another
// implementation; what lib/fat writes is read back with mtools and must
// pass fsck.fat -n. The image lives in memory while lib/fat works on it
// (the sector callbacks copy to and from it) and is saved to a file for
// the tools. Corrupted images (fixed seeds) must give errors, never a
// crash (the tests run under AddressSanitizer).
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <clanker/error.h>
#include <lib/fat.h>

#include "testkit.h"

static char dir[64];            // a fresh temporary directory per test
static char image[128];         // dir/img
static uint8_t *disk;
static size_t diskSize;
static long deviceWrites;
static Fat *fat;

// --- host tools -----------------------------------------------------------

static int Sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int Sh(const char *fmt, ...)
{
    char command[1024];
    va_list ap;
    int status;

    va_start(ap, fmt);
    vsnprintf(command, sizeof(command), fmt, ap);
    va_end(ap);
    status = system(command);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Run a command and return its standard output (malloc'd, NUL-terminated).
static char *ShOut(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *ShOut(const char *fmt, ...)
{
    char command[1024];
    size_t length = 0, capacity = 4096;
    char *out = malloc(capacity);
    va_list ap;
    FILE *p;
    size_t n;

    va_start(ap, fmt);
    vsnprintf(command, sizeof(command), fmt, ap);
    va_end(ap);
    p = popen(command, "r");
    assert_non_null(p);
    while ((n = fread(out + length, 1, capacity - length - 1, p)) > 0) {
        length += n;
        if (capacity - length < 2)
            out = realloc(out, capacity *= 2);
    }
    out[length] = 0;
    pclose(p);
    return out;
}

#define MTOOLS "MTOOLS_SKIP_CHECK=1 MTOOLS_NO_VFAT=0 LC_ALL=C.UTF-8 "

static void WriteHostFile(const char *name, const void *data, size_t length)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, length, f), length);
    fclose(f);
}

// Bytes of a file through mtools (mcopy to the host), or NULL if missing.
static uint8_t *MtoolsRead(const char *path, size_t *length)
{
    char out[256];
    uint8_t *data;
    FILE *f;
    long n;

    snprintf(out, sizeof(out), "%s/out.bin", dir);
    unlink(out);
    if (Sh(MTOOLS "mcopy -n -i %s '::%s' %s 2>/dev/null", image, path, out) != 0)
        return NULL;
    f = fopen(out, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc((size_t)n + 1);
    assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *length = (size_t)n;
    return data;
}

static void Fill(uint8_t *data, size_t length, unsigned seed)
{
    srand(seed);
    for (size_t i = 0; i < length; i++)
        data[i] = (uint8_t)rand();
}

// --- the device: the image in memory -------------------------------------

static int DiskRead(void *context, uint64_t sector, uint32_t count, void *buffer)
{
    (void)context;
    if ((sector + count) * 512 > diskSize)
        return E_RANGE;
    memcpy(buffer, disk + sector * 512, (size_t)count * 512);
    return 0;
}

static int DiskWrite(void *context, uint64_t sector, uint32_t count, void *buffer)
{
    (void)context;
    if ((sector + count) * 512 > diskSize)
        return E_RANGE;
    memcpy(disk + sector * 512, buffer, (size_t)count * 512);
    deviceWrites++;
    return 0;
}

static void LoadImage(void)
{
    FILE *f = fopen(image, "rb");

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    diskSize = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    free(disk);
    disk = malloc(diskSize);
    assert_int_equal(fread(disk, 1, diskSize, f), diskSize);
    fclose(f);
}

static void SaveImage(void)
{
    FILE *f = fopen(image, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(disk, 1, diskSize, f), diskSize);
    fclose(f);
}

static int MountAs(int readOnly)
{
    FatDevice device = { NULL, DiskRead, DiskWrite, 512, diskSize / 512, readOnly };

    return FatMount(&device, TestAllocate, TestRelease, &fat);
}

static void Mount(void)
{
    LoadImage();
    assert_int_equal(MountAs(0), 0);
}

// Unmount, save, and check the image with fsck.fat -n.
static void UnmountAndCheck(void)
{
    assert_int_equal(FatUnmount(fat), 0);
    fat = NULL;
    assert_int_equal(liveAllocations, 0);
    SaveImage();
    if (Sh("fsck.fat -n %s > %s/fsck.log 2>&1", image, dir) != 0) {
        Sh("cat %s/fsck.log", dir);
        fail_msg("fsck.fat -n found errors");
    }
}

// A fresh image: mkfs.fat -F bits on kib KiB.
static void MakeImage(int bits, unsigned kib)
{
    const char *extra = bits == 32 ? "-s 1" : bits == 16 ? "-s 2" : "";

    unlink(image);
    assert_int_equal(Sh("mkfs.fat -C -F %d %s -n TESTVOL %s %u > /dev/null", bits, extra, image,
                        kib), 0);
}

static int Setup(void **state)
{
    static char path[4096];

    (void)state;
    // mkfs.fat and fsck.fat live in /usr/sbin, not always on a user's PATH.
    snprintf(path, sizeof(path), "%s:/usr/sbin:/sbin", getenv("PATH") ? getenv("PATH") : "/usr/bin");
    setenv("PATH", path, 1);
    snprintf(dir, sizeof(dir), "/tmp/clankerfat-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(image, sizeof(image), "%s/img", dir);
    liveAllocations = 0;
    failAfter = -1;
    return 0;
}

static int Teardown(void **state)
{
    (void)state;
    if (fat)
        FatUnmount(fat);
    fat = NULL;
    free(disk);
    disk = NULL;
    Sh("rm -rf %s", dir);
    return 0;
}

// --- helpers over lib/fat ---------------------------------------------------

static void ExpectFile(const char *path, const uint8_t *data, size_t length)
{
    uint8_t *got = malloc(length + 100);
    FatInfo info;
    size_t at = 0;
    int n;

    assert_int_equal(FatStat(fat, path, &info), 0);
    assert_int_equal(info.type, FAT_FILE);
    assert_int_equal(info.size, length);
    while ((n = FatRead(fat, path, at, got + at, 7919)) > 0)   // odd-sized reads
        at += (size_t)n;
    assert_int_equal(n, 0);
    assert_int_equal(at, length);
    if (memcmp(got, data, length) != 0) {
        for (at = 0; got[at] == data[at]; at++)
            ;
        free(got);
        fail_msg("%s differs from byte %zu on", path, at);
    }
    free(got);
}

typedef struct Names {
    char text[8192];
    int count;
} Names;

static int CollectName(void *context, const FatDirEntry *e)
{
    Names *names = context;

    strcat(names->text, e->name);
    strcat(names->text, e->type == FAT_DIR ? "/|" : "|");
    names->count++;
    return 0;
}

static void ExpectListing(const char *path, const char *want)
{
    Names names = { "", 0 };

    assert_int_equal(FatList(fat, path, CollectName, &names), 0);
    assert_string_equal(names.text, want);
}

static void ExpectMtools(const char *path, const uint8_t *data, size_t length)
{
    size_t got;
    uint8_t *bytes = MtoolsRead(path, &got);

    if (!bytes)
        fail_msg("mtools cannot read %s", path);
    assert_int_equal(got, length);
    assert_memory_equal(bytes, data, length);
    free(bytes);
}

// --- reading what mtools wrote ----------------------------------------------

static void ReadMtoolsImage(int bits, unsigned kib)
{
    static uint8_t big[70000], small[300];
    const char *text = "short file\n";

    MakeImage(bits, kib);
    Fill(big, sizeof(big), 1);
    Fill(small, sizeof(small), 2);
    WriteHostFile("big.bin", big, sizeof(big));
    WriteHostFile("small.bin", small, sizeof(small));
    WriteHostFile("short.txt", text, strlen(text));
    assert_int_equal(Sh(MTOOLS "mmd -i %s '::/Dir One' '::/Dir One/Sub Directory' ::/EMPTY", image), 0);
    assert_int_equal(Sh(MTOOLS "mcopy -i %s %s/short.txt ::/SHORT.TXT", image, dir), 0);
    assert_int_equal(Sh(MTOOLS "mcopy -i %s %s/big.bin '::/Dir One/Sub Directory/A rather long file name.bin'",
                        image, dir), 0);
    assert_int_equal(Sh(MTOOLS "mcopy -i %s %s/small.bin '::/Dir One/lower.bin'", image, dir), 0);
    Mount();
    ExpectFile("SHORT.TXT", (const uint8_t *)text, strlen(text));
    ExpectFile("short.txt", (const uint8_t *)text, strlen(text));       // any case
    ExpectFile("Dir One/Sub Directory/A rather long file name.bin", big, sizeof(big));
    ExpectFile("/dir one/SUB DIRECTORY/a rather long FILE name.bin/", big, sizeof(big));
    ExpectFile("Dir One/lower.bin", small, sizeof(small));
    ExpectListing("", "Dir One/|EMPTY/|SHORT.TXT|");
    ExpectListing("Dir One", "Sub Directory/|lower.bin|");
    ExpectListing("EMPTY", "");
    FatInfo info;
    assert_int_equal(FatStat(fat, "Dir One", &info), 0);
    assert_int_equal(info.type, FAT_DIR);
    assert_int_equal(info.entries, 2);
    assert_int_equal(FatStat(fat, "", &info), 0);
    assert_int_equal(info.id, 1);
    assert_int_equal(info.entries, 3);
    FatVolume volume;
    FatGetVolume(fat, &volume);
    assert_int_equal(volume.fatBits, bits);
    assert_int_equal(FatStat(fat, "Dir One/nothing", &info), E_NOENT);
    assert_int_equal(FatStat(fat, "SHORT.TXT/x", &info), E_NOTDIR);
    assert_int_equal(FatStat(fat, "a//b", &info), E_INVAL);
    assert_int_equal(FatStat(fat, "a/../b", &info), E_INVAL);
    uint8_t byte;
    assert_int_equal(FatRead(fat, "Dir One", 0, &byte, 1), E_ISDIR);
    assert_int_equal(FatRead(fat, "SHORT.TXT", 1000, &byte, 1), 0);
    assert_int_equal(FatUnmount(fat), 0);
    fat = NULL;
}

static void TestReadMtools12(void **state) { (void)state; ReadMtoolsImage(12, 1440); }
static void TestReadMtools16(void **state) { (void)state; ReadMtoolsImage(16, 16384); }
static void TestReadMtools32(void **state) { (void)state; ReadMtoolsImage(32, 40960); }

// Walk the FAT12 chain of a file in the image and count its fragments.
static int Fragments12(uint32_t first)
{
    uint32_t reserved = disk[14] | disk[15] << 8, fragments = 1, c = first;

    for (int guard = 0; guard < 4096; guard++) {
        const uint8_t *p = disk + reserved * 512 + c + c / 2;
        uint32_t v = c & 1 ? (p[0] | p[1] << 8) >> 4 : (p[0] | p[1] << 8) & 0xfff;
        if (v >= 0xff8)
            return (int)fragments;
        fragments += v != c + 1;
        c = v;
    }
    return -1;
}

static void TestFragmented(void **state)
{
    static uint8_t piece[5000], big[60000];
    char name[64];
    FatInfo info;

    (void)state;
    MakeImage(12, 1440);
    Fill(piece, sizeof(piece), 3);
    Fill(big, sizeof(big), 4);
    WriteHostFile("piece.bin", piece, sizeof(piece));
    WriteHostFile("big.bin", big, sizeof(big));
    for (int i = 0; i < 10; i++)
        assert_int_equal(Sh(MTOOLS "mcopy -i %s %s/piece.bin ::/piece%d.bin", image, dir, i), 0);
    for (int i = 0; i < 10; i += 2)
        assert_int_equal(Sh(MTOOLS "mdel -i %s ::/piece%d.bin", image, i), 0);
    assert_int_equal(Sh(MTOOLS "mcopy -i %s %s/big.bin '::/Big fragmented file.bin'", image, dir), 0);
    Mount();
    assert_int_equal(FatStat(fat, "Big fragmented file.bin", &info), 0);
    assert_true(Fragments12(info.firstCluster) >= 3);
    ExpectFile("big fragmented file.bin", big, sizeof(big));
    for (int i = 1; i < 10; i += 2) {
        snprintf(name, sizeof(name), "piece%d.bin", i);
        ExpectFile(name, piece, sizeof(piece));
    }
    // Now lib/fat fragments a file itself and mtools reads it.
    for (int i = 0; i < 10; i += 2) {
        snprintf(name, sizeof(name), "again%d.bin", i);
        assert_int_equal(FatCreate(fat, name), 0);
        assert_int_equal(FatWrite(fat, name, 0, piece, sizeof(piece)), (int)sizeof(piece));
    }
    for (int i = 1; i < 10; i += 2) {
        snprintf(name, sizeof(name), "piece%d.bin", i);
        assert_int_equal(FatDelete(fat, name), 0);
    }
    assert_int_equal(FatDelete(fat, "Big fragmented file.bin"), 0);
    assert_int_equal(FatCreate(fat, "Written in pieces.bin"), 0);
    for (size_t at = 0; at < sizeof(big); at += 4000)
        assert_int_equal(FatWrite(fat, "written in pieces.bin", at, big + at,
                                  sizeof(big) - at < 4000 ? sizeof(big) - at : 4000),
                         (int)(sizeof(big) - at < 4000 ? sizeof(big) - at : 4000));
    ExpectFile("Written in pieces.bin", big, sizeof(big));
    UnmountAndCheck();
    ExpectMtools("/Written in pieces.bin", big, sizeof(big));
    ExpectMtools("/again4.bin", piece, sizeof(piece));
}

// --- writing, read back by mtools ---------------------------------------

static void RoundTrip(int bits, unsigned kib)
{
    static uint8_t grown[300000], data[5000], zeros[20000];
    char *listing;
    FatInfo info;

    MakeImage(bits, kib);
    Mount();
    memset(zeros, 0, sizeof(zeros));
    Fill(grown, sizeof(grown), 5);
    Fill(data, sizeof(data), 6);
    assert_int_equal(FatMkdir(fat, "Projects"), 0);
    assert_int_equal(FatMkdir(fat, "Projects/ClankerOS Source Tree"), 0);
    assert_int_equal(FatMkdir(fat, "projects/clankeros source tree/Deeper Still"), 0);
    assert_int_equal(FatCreate(fat, "Projects/ClankerOS Source Tree/Deeper Still/notes for later.txt"), 0);
    assert_int_equal(FatWrite(fat, "Projects/ClankerOS Source Tree/Deeper Still/notes for later.txt",
                              0, "hello\n", 6), 6);
    // Grow across many clusters, in odd-sized writes.
    assert_int_equal(FatCreate(fat, "Growing File.dat"), 0);
    for (size_t at = 0; at < sizeof(grown); at += 9999) {
        uint32_t n = sizeof(grown) - at < 9999 ? (uint32_t)(sizeof(grown) - at) : 9999;
        assert_int_equal(FatWrite(fat, "Growing File.dat", at, grown + at, n), (int)n);
    }
    // Overwrite in the middle, write past the end (a zero gap).
    assert_int_equal(FatCreate(fat, "MixedCase.Txt"), 0);
    assert_int_equal(FatWrite(fat, "mixedcase.txt", 0, data, 1000), 1000);
    assert_int_equal(FatWrite(fat, "MIXEDCASE.TXT", 500, data + 2000, 100), 100);
    memcpy(data + 500, data + 2000, 100);
    assert_int_equal(FatWrite(fat, "MixedCase.Txt", 3000, data + 3000, 1000), 1000);
    memset(data + 1000, 0, 2000);
    // Truncate: grow (zeros), shrink, to zero and back.
    assert_int_equal(FatCreate(fat, "truncated.bin"), 0);
    assert_int_equal(FatTruncate(fat, "truncated.bin", sizeof(zeros)), 0);
    assert_int_equal(FatCreate(fat, "shrunk.bin"), 0);
    assert_int_equal(FatWrite(fat, "shrunk.bin", 0, grown, 50000), 50000);
    assert_int_equal(FatTruncate(fat, "shrunk.bin", 1234), 0);
    assert_int_equal(FatTruncate(fat, "shrunk.bin", 3000), 0);     // the tail reads as zeros
    assert_int_equal(FatCreate(fat, "emptied.bin"), 0);
    assert_int_equal(FatWrite(fat, "emptied.bin", 0, grown, 9000), 9000);
    assert_int_equal(FatTruncate(fat, "emptied.bin", 0), 0);
    // Renames: a file into a directory, a directory to a new name and place,
    // a case-only change, a file over another file.
    assert_int_equal(FatCreate(fat, "move me.txt"), 0);
    assert_int_equal(FatWrite(fat, "move me.txt", 0, "moved", 5), 5);
    assert_int_equal(FatRename(fat, "move me.txt", "Projects/Moved Here.txt"), 0);
    assert_int_equal(FatRename(fat, "Projects/ClankerOS Source Tree", "Renamed Tree"), 0);
    assert_int_equal(FatRename(fat, "Renamed Tree/Deeper Still", "Renamed Tree/DEEPER STILL"), 0);
    assert_int_equal(FatCreate(fat, "victim.txt"), 0);
    assert_int_equal(FatWrite(fat, "victim.txt", 0, "old", 3), 3);
    assert_int_equal(FatCreate(fat, "replacer.txt"), 0);
    assert_int_equal(FatWrite(fat, "replacer.txt", 0, "new!", 4), 4);
    assert_int_equal(FatRename(fat, "replacer.txt", "victim.txt"), 0);
    // Deletes.
    assert_int_equal(FatCreate(fat, "gone.txt"), 0);
    assert_int_equal(FatWrite(fat, "gone.txt", 0, grown, 20000), 20000);
    assert_int_equal(FatDelete(fat, "gone.txt"), 0);
    assert_int_equal(FatMkdir(fat, "gone dir"), 0);
    assert_int_equal(FatRmdir(fat, "gone dir"), 0);
    // lib/fat sees it all.
    ExpectFile("Growing File.dat", grown, sizeof(grown));
    ExpectFile("MixedCase.Txt", data, 4000);
    ExpectFile("truncated.bin", zeros, sizeof(zeros));
    memcpy(zeros, grown, 1234);
    ExpectFile("shrunk.bin", zeros, 3000);
    ExpectFile("emptied.bin", zeros, 0);
    ExpectFile("Projects/Moved Here.txt", (const uint8_t *)"moved", 5);
    ExpectFile("victim.txt", (const uint8_t *)"new!", 4);
    ExpectListing("Renamed Tree", "DEEPER STILL/|");
    assert_int_equal(FatStat(fat, "Renamed Tree/DEEPER STILL", &info), 0);
    assert_int_equal(FatStat(fat, "gone.txt", &info), E_NOENT);
    assert_int_equal(FatStat(fat, "replacer.txt", &info), E_NOENT);
    UnmountAndCheck();
    // mtools sees the same.
    ExpectMtools("/Growing File.dat", grown, sizeof(grown));
    ExpectMtools("/MixedCase.Txt", data, 4000);
    memset(zeros, 0, sizeof(zeros));
    ExpectMtools("/truncated.bin", zeros, sizeof(zeros));
    memcpy(zeros, grown, 1234);
    ExpectMtools("/shrunk.bin", zeros, 3000);
    ExpectMtools("/emptied.bin", zeros, 0);
    ExpectMtools("/Projects/Moved Here.txt", (const uint8_t *)"moved", 5);
    ExpectMtools("/Renamed Tree/DEEPER STILL/notes for later.txt", (const uint8_t *)"hello\n", 6);
    ExpectMtools("/victim.txt", (const uint8_t *)"new!", 4);
    listing = ShOut(MTOOLS "mdir -b -i %s ::/ 2>&1", image);
    assert_non_null(strstr(listing, "::/MixedCase.Txt"));
    assert_non_null(strstr(listing, "::/Renamed Tree/"));
    assert_null(strstr(listing, "gone"));
    assert_null(strstr(listing, "replacer"));
    free(listing);
    listing = ShOut(MTOOLS "mdir -b -i %s ::/Projects 2>&1", image);
    assert_null(strstr(listing, "ClankerOS"));
    free(listing);
}

static void TestRoundTrip12(void **state) { (void)state; RoundTrip(12, 1440); }
static void TestRoundTrip16(void **state) { (void)state; RoundTrip(16, 16384); }
static void TestRoundTrip32(void **state) { (void)state; RoundTrip(32, 40960); }

// Short names: ~N tails, a plain 8.3 name kept as is, checksums mtools accepts.
static void TestShortNames(void **state)
{
    char *listing;

    (void)state;
    MakeImage(16, 16384);
    Mount();
    assert_int_equal(FatCreate(fat, "Long File Name 1.txt"), 0);
    assert_int_equal(FatCreate(fat, "Long File Name 2.txt"), 0);
    assert_int_equal(FatCreate(fat, "README.TXT"), 0);
    assert_int_equal(FatCreate(fat, "a+b=c;d.text"), 0);
    assert_int_equal(FatCreate(fat, "caf\xc3\xa9.txt"), 0);
    assert_int_equal(FatCreate(fat, "Readme.txt"), E_EXIST);   // the same name to FAT
    assert_int_equal(FatCreate(fat, "LONGFI~1.TXT"), E_EXIST); // the short alias
    ExpectListing("", "Long File Name 1.txt|Long File Name 2.txt|README.TXT|a+b=c;d.text|caf\xc3\xa9.txt|");
    UnmountAndCheck();
    listing = ShOut(MTOOLS "mdir -i %s ::/ 2>&1", image);
    assert_non_null(strstr(listing, "LONGFI~1 TXT"));
    assert_non_null(strstr(listing, "LONGFI~2 TXT"));
    assert_non_null(strstr(listing, "Long File Name 2.txt"));
    assert_non_null(strstr(listing, "README   TXT"));
    assert_non_null(strstr(listing, "A_B_C_~1 TEX"));
    assert_non_null(strstr(listing, "caf\xc3\xa9.txt"));
    free(listing);
}

// Deleted entries are reused: a fixed FAT12 root (224 entries) takes many
// more creates and deletes than it has room for.
static void TestEntriesReused(void **state)
{
    char name[64];

    (void)state;
    MakeImage(12, 1440);
    Mount();
    for (int i = 0; i < 600; i++) {
        snprintf(name, sizeof(name), "A long name number %d.txt", i);
        assert_int_equal(FatCreate(fat, name), 0);
        assert_int_equal(FatWrite(fat, name, 0, name, (uint32_t)strlen(name)), (int)strlen(name));
        assert_int_equal(FatDelete(fat, name), 0);
    }
    // Fill the root: E_NOSPC, not a crash, and what fitted is intact.
    int made = 0, err = 0;
    while (err == 0 && made < 1000) {
        snprintf(name, sizeof(name), "F%d", made);
        if ((err = FatCreate(fat, name)) == 0)
            made++;
    }
    assert_int_equal(err, E_NOSPC);
    assert_true(made >= 200 && made < 224);
    assert_int_equal(FatMkdir(fat, "More"), E_NOSPC);
    UnmountAndCheck();
}

// A full volume: E_NOSPC, the file as it was, fsck happy.
static void TestVolumeFull(void **state)
{
    static uint8_t chunk[65536];
    FatVolume before, after;
    FatInfo info;
    uint64_t at = 0;
    int n;

    (void)state;
    MakeImage(12, 360);
    Mount();
    assert_int_equal(FatCreate(fat, "filler"), 0);
    Fill(chunk, sizeof(chunk), 7);
    while ((n = FatWrite(fat, "filler", at, chunk, sizeof(chunk))) > 0)
        at += (uint64_t)n;
    assert_int_equal(n, E_NOSPC);
    assert_int_equal(FatStat(fat, "filler", &info), 0);
    assert_int_equal(info.size, at);
    FatGetVolume(fat, &before);
    assert_int_equal(FatWrite(fat, "filler", at, chunk, sizeof(chunk)), E_NOSPC);
    assert_int_equal(FatTruncate(fat, "filler", at + sizeof(chunk)), E_NOSPC);
    FatGetVolume(fat, &after);
    assert_int_equal(before.freeClusters, after.freeClusters);
    assert_int_equal(FatStat(fat, "filler", &info), 0);
    assert_int_equal(info.size, at);
    UnmountAndCheck();
}

// The FSInfo free count follows every allocation (fsck.fat compares it).
static void TestFsInfo(void **state)
{
    static uint8_t data[100000];
    FatVolume a, b;

    (void)state;
    MakeImage(32, 40960);
    Mount();
    FatGetVolume(fat, &a);
    assert_true(a.freeClusters != 0xffffffffu);
    assert_int_equal(FatCreate(fat, "f"), 0);
    assert_int_equal(FatWrite(fat, "f", 0, data, sizeof(data)), (int)sizeof(data));
    FatGetVolume(fat, &b);
    assert_int_equal(a.freeClusters - b.freeClusters, (sizeof(data) + 511) / 512);
    assert_int_equal(FatMkdir(fat, "d"), 0);
    assert_int_equal(FatTruncate(fat, "f", 1000), 0);
    UnmountAndCheck();
    // Both FAT copies agree (fsck -n would say so too, but be explicit).
    uint32_t reserved = disk[14] | disk[15] << 8, fatSize = disk[36] | disk[37] << 8 | disk[38] << 16;
    assert_memory_equal(disk + reserved * 512, disk + (reserved + fatSize) * 512, fatSize * 512);
}

// Errors for bad requests; nothing written.
static void TestErrors(void **state)
{
    FatInfo info;
    uint8_t byte = 0;
    long writes;

    (void)state;
    MakeImage(16, 16384);
    Mount();
    assert_int_equal(FatMkdir(fat, "d"), 0);
    assert_int_equal(FatMkdir(fat, "d/e"), 0);
    assert_int_equal(FatCreate(fat, "d/f"), 0);
    writes = deviceWrites;
    assert_int_equal(FatMkdir(fat, "d"), E_EXIST);
    assert_int_equal(FatMkdir(fat, ""), E_EXIST);
    assert_int_equal(FatCreate(fat, "nope/x"), E_NOENT);
    assert_int_equal(FatCreate(fat, "d/f/x"), E_NOTDIR);
    assert_int_equal(FatCreate(fat, "bad:name"), E_INVAL);
    assert_int_equal(FatCreate(fat, "trailing."), E_INVAL);
    assert_int_equal(FatCreate(fat, "bad\x80utf8"), E_INVAL);
    assert_int_equal(FatRmdir(fat, "d"), E_NOTEMPTY);
    assert_int_equal(FatRmdir(fat, "d/f"), E_NOTDIR);
    assert_int_equal(FatRmdir(fat, ""), E_BUSY);
    assert_int_equal(FatDelete(fat, "d"), E_ISDIR);
    assert_int_equal(FatDelete(fat, "d/nothing"), E_NOENT);
    assert_int_equal(FatWrite(fat, "d", 0, &byte, 1), E_ISDIR);
    assert_int_equal(FatWrite(fat, "d/f", 0xffffffffull, &byte, 1), E_FBIG);
    assert_int_equal(FatTruncate(fat, "d/f", 0x100000000ull), E_FBIG);
    assert_int_equal(FatRename(fat, "d", "d/e/inside"), E_INVAL);
    assert_int_equal(FatRename(fat, "d", "d/inside"), E_INVAL);
    assert_int_equal(FatRename(fat, "", "x"), E_BUSY);
    assert_int_equal(FatRename(fat, "d/f", "d/e"), E_ISDIR);
    assert_int_equal(FatRename(fat, "d/e", "d/f"), E_NOTDIR);
    assert_int_equal(FatRename(fat, "nothing", "x"), E_NOENT);
    assert_int_equal(FatMkdir(fat, "x"), 0);
    assert_int_equal(FatCreate(fat, "x/full"), 0);
    writes = deviceWrites;
    assert_int_equal(FatRename(fat, "d/e", "x"), E_NOTEMPTY);
    assert_int_equal(FatRename(fat, "d/f", "d/f"), 0);       // itself: nothing to do
    assert_int_equal(deviceWrites, writes);
    assert_int_equal(FatStat(fat, "d/e", &info), 0);
    assert_int_equal(FatRename(fat, "d/e", "x/full"), E_NOTDIR);
    // A directory onto an empty directory replaces it.
    assert_int_equal(FatMkdir(fat, "empty"), 0);
    assert_int_equal(FatRename(fat, "d/e", "empty"), 0);
    assert_int_equal(FatStat(fat, "d/e", &info), E_NOENT);
    UnmountAndCheck();
    // Read-only: every change is E_ROFS.
    LoadImage();
    assert_int_equal(MountAs(1), 0);
    writes = deviceWrites;
    assert_int_equal(FatCreate(fat, "new"), E_ROFS);
    assert_int_equal(FatMkdir(fat, "new"), E_ROFS);
    assert_int_equal(FatWrite(fat, "d/f", 0, &byte, 1), E_ROFS);
    assert_int_equal(FatTruncate(fat, "d/f", 0), E_ROFS);
    assert_int_equal(FatDelete(fat, "d/f"), E_ROFS);
    assert_int_equal(FatRmdir(fat, "x/full"), E_NOTDIR);
    assert_int_equal(FatRmdir(fat, "empty"), E_ROFS);
    assert_int_equal(FatRename(fat, "d/f", "g"), E_ROFS);
    assert_int_equal(FatStat(fat, "d/f", &info), 0);
    assert_int_equal(FatUnmount(fat), 0);
    fat = NULL;
    assert_int_equal(deviceWrites, writes);
}

// --- damaged images ----------------------------------------------------------

static void PutLe(uint8_t *p, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

// Specific damage to the boot sector: each gives E_INVAL or E_RANGE.
static void TestBadBootSector(void **state)
{
    static const struct { int offset, bytes; uint32_t value; int err; } cases[] = {
        { 510, 2, 0, E_INVAL },         // no signature
        { 0, 1, 0, E_INVAL },           // no jump
        { 11, 2, 0, E_INVAL },          // bytes per sector 0
        { 11, 2, 513, E_INVAL },
        { 13, 1, 3, E_INVAL },          // sectors per cluster not a power of 2
        { 13, 1, 0, E_INVAL },
        { 14, 2, 0, E_INVAL },          // no reserved sectors
        { 16, 1, 0, E_INVAL },          // no FATs
        { 21, 1, 0x12, E_INVAL },       // media
        { 22, 2, 0, E_INVAL },          // FAT size 0 (FAT12/16)
        { 22, 2, 1, E_INVAL },          // FAT too small for the clusters
        { 19, 2, 0, E_INVAL },          // no total sectors
        { 19, 2, 3000, E_RANGE },       // larger than the device
        { 17, 2, 0, E_INVAL },          // a FAT12 without a root directory
        { 14, 2, 2880, E_INVAL },       // reserved sectors past the end
    };
    uint8_t saved[512];

    (void)state;
    MakeImage(12, 1440);
    LoadImage();
    memcpy(saved, disk, 512);
    assert_int_equal(MountAs(0), 0);
    assert_int_equal(FatUnmount(fat), 0);
    fat = NULL;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memcpy(disk, saved, 512);
        PutLe(disk + cases[i].offset, cases[i].value, cases[i].bytes);
        if (MountAs(0) != cases[i].err)
            fail_msg("case %zu: mount gave something else than %d", i, cases[i].err);
        assert_null(fat);
    }
    assert_int_equal(liveAllocations, 0);
    // FAT32 rules: a root cluster out of range, a FAT12/16 field set.
    MakeImage(32, 40960);
    LoadImage();
    memcpy(saved, disk, 512);
    PutLe(disk + 44, 0x0fffffff, 4);
    assert_int_equal(MountAs(0), E_INVAL);
    memcpy(disk, saved, 512);
    PutLe(disk + 17, 512, 2);
    assert_int_equal(MountAs(0), E_INVAL);
    memcpy(disk, saved, 512);
    PutLe(disk + 42, 1, 2);             // an unknown FAT32 version
    assert_int_equal(MountAs(0), E_INVAL);
}

// Specific damage past the boot sector: each request gives E_IO.
static void TestBadChains(void **state)
{
    static uint8_t data[3000];
    uint32_t reserved, fatStart, root, first, fatSize;
    FatInfo info;
    uint8_t buffer[4000];

    (void)state;
    MakeImage(16, 16384);
    Fill(data, sizeof(data), 8);
    WriteHostFile("data.bin", data, sizeof(data));
    assert_int_equal(Sh(MTOOLS "mcopy -i %s %s/data.bin ::/DATA.BIN", image, dir), 0);
    assert_int_equal(Sh(MTOOLS "mmd -i %s ::/SUB", image), 0);
    Mount();
    assert_int_equal(FatStat(fat, "DATA.BIN", &info), 0);
    first = info.firstCluster;
    assert_int_equal(FatUnmount(fat), 0);
    fat = NULL;
    reserved = disk[14] | disk[15] << 8;
    fatSize = disk[22] | disk[23] << 8;
    fatStart = reserved * 512;
    root = (reserved + disk[16] * fatSize) * 512;
    uint8_t *saved = malloc(diskSize);
    memcpy(saved, disk, diskSize);
    // A chain that loops onto itself.
    PutLe(disk + fatStart + 2 * (first + 1), first, 2);
    assert_int_equal(MountAs(0), 0);
    assert_int_equal(FatRead(fat, "DATA.BIN", 0, buffer, sizeof(data)), (int)sizeof(data));
    assert_int_equal(FatTruncate(fat, "DATA.BIN", 100000), E_IO);   // walks the loop
    assert_int_equal(FatWrite(fat, "DATA.BIN", 0, data, 10), E_IO);
    assert_int_equal(FatDelete(fat, "DATA.BIN"), E_IO);
    assert_int_equal(FatUnmount(fat), 0);
    fat = NULL;
    // A chain that points past the last cluster / at a free cluster.
    for (int k = 0; k < 2; k++) {
        memcpy(disk, saved, diskSize);
        PutLe(disk + fatStart + 2 * first, k ? 0 : 0xfff0, 2);
        assert_int_equal(MountAs(0), 0);
        assert_int_equal(FatRead(fat, "DATA.BIN", 0, buffer, sizeof(data)), E_IO);
        assert_int_equal(FatUnmount(fat), 0);
        fat = NULL;
    }
    // A size larger than the chain.
    memcpy(disk, saved, diskSize);
    for (uint32_t at = root; at < root + 512 * 32; at += 32)
        if (memcmp(disk + at, "DATA    BIN", 11) == 0)
            PutLe(disk + at + 28, 100000, 4);
    assert_int_equal(MountAs(0), 0);
    assert_int_equal(FatRead(fat, "DATA.BIN", 90000, buffer, 10), E_IO);
    assert_int_equal(FatWrite(fat, "DATA.BIN", 0, data, 10), E_IO);
    assert_int_equal(FatUnmount(fat), 0);
    fat = NULL;
    // A directory whose cluster is out of range.
    memcpy(disk, saved, diskSize);
    for (uint32_t at = root; at < root + 512 * 32; at += 32)
        if (memcmp(disk + at, "SUB        ", 11) == 0)
            PutLe(disk + at + 26, 0xfff0, 2);
    assert_int_equal(MountAs(0), 0);
    assert_int_equal(FatStat(fat, "SUB", &info), E_IO);
    assert_int_equal(FatCreate(fat, "SUB/x"), E_IO);
    assert_int_equal(FatStat(fat, "DATA.BIN", &info), 0);
    assert_int_equal(FatUnmount(fat), 0);
    fat = NULL;
    free(saved);
}

// Walk everything under path: list, stat, read every file, and try a few
// changes. Counts the calls that failed.
static int errorsSeen;

typedef struct Walker {
    char names[64][FAT_NAME_MAX + 1];
    int count;
} Walker;

static int Remember(void *context, const FatDirEntry *e)
{
    Walker *w = context;

    if (w->count < 64)
        strcpy(w->names[w->count++], e->name);
    return 0;
}

static void WalkAll(const char *path, int depth)
{
    static uint8_t buffer[8192];
    Walker *w = calloc(1, sizeof(*w));
    char child[600];
    FatInfo info;

    if (FatList(fat, path, Remember, w) != 0)
        errorsSeen++;
    for (int i = 0; i < w->count; i++) {
        snprintf(child, sizeof(child), "%s%s%s", path, *path ? "/" : "", w->names[i]);
        if (strlen(child) > FAT_PATH_MAX || FatStat(fat, child, &info) != 0) {
            errorsSeen++;
            continue;
        }
        if (info.type == FAT_DIR && depth < 6)
            WalkAll(child, depth + 1);
        else if (info.type == FAT_FILE) {
            for (uint64_t at = 0; at < info.size && at < 200000; at += sizeof(buffer))
                if (FatRead(fat, child, at, buffer, sizeof(buffer)) < 0) {
                    errorsSeen++;
                    break;
                }
            FatWrite(fat, child, info.size / 2, "x", 1);
            FatTruncate(fat, child, info.size / 3);
        }
    }
    snprintf(child, sizeof(child), "%s%snew file name.txt", path, *path ? "/" : "");
    FatCreate(fat, child);
    FatWrite(fat, child, 100, "abc", 3);
    free(w);
}

static void Corrupt(int bits, unsigned kib, unsigned seed, const char *where)
{
    static uint8_t data[20000];
    uint32_t reserved, fatStart, fatBytes, rootStart;
    int mountFailures = 0;

    MakeImage(bits, kib);
    Fill(data, sizeof(data), 9);
    WriteHostFile("data.bin", data, sizeof(data));
    assert_int_equal(Sh(MTOOLS "mmd -i %s '::/A Directory' '::/A Directory/Nested'", image), 0);
    for (int i = 0; i < 6; i++)
        assert_int_equal(Sh(MTOOLS "mcopy -i %s %s/data.bin '::/A Directory/Nested/File number %d.bin'",
                            image, dir, i), 0);
    assert_int_equal(Sh(MTOOLS "mcopy -i %s %s/data.bin '::/Top level.bin'", image, dir), 0);
    LoadImage();
    uint8_t *clean = malloc(diskSize);
    memcpy(clean, disk, diskSize);
    reserved = disk[14] | disk[15] << 8;
    fatBytes = (bits == 32 ? (uint32_t)(disk[36] | disk[37] << 8 | disk[38] << 16) : (uint32_t)(disk[22] | disk[23] << 8)) * 512;
    fatStart = reserved * 512;
    rootStart = fatStart + disk[16] * fatBytes;
    srand(seed);
    errorsSeen = 0;
    for (int round = 0; round < 60; round++) {
        memcpy(disk, clean, diskSize);
        for (int k = 0; k < 1 + rand() % 12; k++) {
            uint32_t at;
            if (strcmp(where, "boot") == 0)
                at = (uint32_t)rand() % 512;
            else if (strcmp(where, "fat") == 0)
                at = fatStart + (uint32_t)rand() % 512;
            else    // the root directory's first entries
                at = rootStart + (uint32_t)rand() % 256;
            disk[at] = (uint8_t)rand();
        }
        if (MountAs(0) != 0) {
            mountFailures++;
            assert_null(fat);
            continue;
        }
        WalkAll("", 0);
        FatUnmount(fat);
        fat = NULL;
        assert_int_equal(liveAllocations, 0);
    }
    free(clean);
    // Damage must show as errors somewhere, or the test proves nothing.
    assert_true(mountFailures + errorsSeen > 0);
    print_message("%s damage, FAT%d: %d of 60 mounts refused, %d request errors\n", where, bits,
                  mountFailures, errorsSeen);
}

static void TestCorruptBoot(void **state)
{
    (void)state;
    Corrupt(12, 1440, 11, "boot");
    Corrupt(16, 16384, 12, "boot");
    Corrupt(32, 40960, 13, "boot");
}

static void TestCorruptFat(void **state)
{
    (void)state;
    Corrupt(12, 1440, 21, "fat");
    Corrupt(16, 16384, 22, "fat");
    Corrupt(32, 40960, 23, "fat");
}

static void TestCorruptDirectory(void **state)
{
    (void)state;
    Corrupt(12, 1440, 31, "dir");
    Corrupt(16, 16384, 32, "dir");
    Corrupt(32, 40960, 33, "dir");
}

// Allocation failures at mount give E_NOMEM and leak nothing.
static void TestMountOutOfMemory(void **state)
{
    (void)state;
    MakeImage(12, 1440);
    LoadImage();
    for (long n = 0; n < 40; n++) {
        failAfter = n;
        int err = MountAs(0);
        failAfter = -1;
        if (err == 0) {
            assert_int_equal(FatUnmount(fat), 0);
            fat = NULL;
            break;
        }
        assert_int_equal(err, E_NOMEM);
        assert_int_equal(liveAllocations, 0);
    }
    assert_int_equal(liveAllocations, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, Setup, Teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(TestReadMtools12),   T(TestReadMtools16), T(TestReadMtools32),
        T(TestFragmented),     T(TestRoundTrip12),  T(TestRoundTrip16),
        T(TestRoundTrip32),    T(TestShortNames),   T(TestEntriesReused),
        T(TestVolumeFull),     T(TestFsInfo),       T(TestErrors),
        T(TestBadBootSector),  T(TestBadChains),    T(TestCorruptBoot),
        T(TestCorruptFat),     T(TestCorruptDirectory), T(TestMountOutOfMemory),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
