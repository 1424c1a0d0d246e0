// Host unit tests for lib/tar.c (USTAR reader).
//
// Most archives are built here, block by block, with a helper that writes a
// valid ustar header (correct checksum) which a test then damages. Each
// archive lives in a heap buffer of exactly its length, so AddressSanitizer
// catches any read past the end. One archive, tests/host/data/sample.tar,
// was made by GNU tar 1.34 (--format=ustar, "-C dir .", so every name
// starts with "./" and one long name is split into prefix and name):
//   ./                       directory (the root, skipped)
//   ./block512.bin           512 bytes, byte i = i*31+7, mode 0644
//   ./empty.txt              0 bytes, mode 0600
//   ./sub/                   directory
//   ./sub/d{60}/             directory
//   ./sub/d{60}/e{60}/       directory (prefix + name)
//   ./sub/d{60}/e{60}/f{90}.txt   "long name\n" (prefix + name)
//   ./sub/deeper/            directory
//   ./sub/deeper/hello.txt   "hello, initrd\n"
//   ./sub/thousand.bin       1000 bytes, byte i = i*13+7
// Tests run from the repository root (as `make host-test` does).
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <clanker/error.h>
#include <lib/tar.h>

#define BLOCK 512
#define SAMPLE_PATH "tests/host/data/sample.tar"

// An archive under construction, always in a buffer of exactly length.
typedef struct Archive {
    uint8_t *bytes;
    size_t length;
} Archive;

// Grow the archive by n bytes (zeroed); returns a pointer to them.
static uint8_t *Grow(Archive *a, size_t n)
{
    uint8_t *bytes = realloc(a->bytes, a->length + n ? a->length + n : 1);

    assert_non_null(bytes);
    a->bytes = bytes;
    memset(a->bytes + a->length, 0, n);
    a->length += n;
    return a->bytes + a->length - n;
}

// Cut the archive to length bytes (exactly sized again).
static void Truncate(Archive *a, size_t length)
{
    assert_true(length <= a->length);
    a->bytes = realloc(a->bytes, length ? length : 1);
    assert_non_null(a->bytes);
    a->length = length;
}

static void FreeArchive(Archive *a)
{
    free(a->bytes);
    a->bytes = NULL;
    a->length = 0;
}

// Compute and store the checksum of header the way GNU tar does: six octal
// digits, NUL, space.
static void SetChecksum(uint8_t *header)
{
    unsigned sum = 0;

    memset(header + 148, ' ', 8);
    for (int i = 0; i < BLOCK; i++)
        sum += header[i];
    snprintf((char *)header + 148, 8, "%06o", sum);
    header[155] = ' ';
}

// Copy s into a field of width bytes; exactly width characters leave no NUL.
static void SetField(uint8_t *header, int offset, int width, const char *s)
{
    size_t n = strlen(s);

    assert_true(n <= (size_t)width);
    memset(header + offset, 0, width);
    memcpy(header + offset, s, n);
}

// Write a valid POSIX ustar header into header (512 bytes).
static void MakeHeader(uint8_t *header, const char *name, char type,
                       uint32_t size)
{
    char number[16];

    memset(header, 0, BLOCK);
    SetField(header, 0, 100, name);
    SetField(header, 100, 8, "0000644");
    SetField(header, 108, 8, "0000000");
    SetField(header, 116, 8, "0000000");
    snprintf(number, sizeof number, "%011o", size);
    SetField(header, 124, 12, number);
    SetField(header, 136, 12, "14533751300");
    header[156] = (uint8_t)type;
    memcpy(header + 257, "ustar\0" "00", 8);
    SetField(header, 265, 32, "root");
    SetField(header, 297, 32, "root");
    SetChecksum(header);
}

// Append a member (header plus data padded to a block); returns its header.
static uint8_t *AddMember(Archive *a, const char *name, char type,
                          const void *data, uint32_t size)
{
    size_t at = a->length;
    size_t padded = (size + BLOCK - 1) / BLOCK * BLOCK;

    Grow(a, BLOCK + padded);
    MakeHeader(a->bytes + at, name, type, size);
    if (size > 0)
        memcpy(a->bytes + at + BLOCK, data, size);
    return a->bytes + at;
}

// Append the two zero blocks that end an archive.
static void AddEnd(Archive *a)
{
    Grow(a, 2 * BLOCK);
}

// Read the whole of path into an exactly sized buffer.
static uint8_t *ReadFile(const char *path, size_t *length)
{
    FILE *f = fopen(path, "rb");
    uint8_t *bytes;
    long size;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    assert_true(size > 0);
    rewind(f);
    bytes = malloc((size_t)size);
    assert_non_null(bytes);
    assert_int_equal(fread(bytes, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *length = (size_t)size;
    return bytes;
}

// Fill buf with the pattern used by sample.tar: byte i = i*seed+7.
static void Pattern(uint8_t *buf, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(i * seed + 7);
}

// Assert the next entry has this name, type and size.
static void ExpectEntry(TarReader *reader, TarEntry *entry, const char *name,
                        TarType type, uint32_t size)
{
    assert_int_equal(TarNext(reader, entry), 1);
    assert_string_equal(entry->name, name);
    assert_int_equal(entry->type, type);
    assert_int_equal(entry->size, size);
}

// Assert that reading a's first entry fails with error, and keeps failing.
static void ExpectFirstError(const Archive *a, int error)
{
    TarReader reader;
    TarEntry entry;

    TarOpen(&reader, a->bytes, a->length);
    assert_int_equal(TarNext(&reader, &entry), error);
    assert_int_equal(TarNext(&reader, &entry), error);
}

// Build a one-file archive and return the header to damage.
static uint8_t *OneFile(Archive *a)
{
    AddMember(a, "file", '0', "abc", 3);
    AddEnd(a);
    return a->bytes;
}

static void TestSampleArchive(void **state)
{
    size_t length;
    uint8_t *bytes = ReadFile(SAMPLE_PATH, &length);
    char d60[61], e60[61], f90[91], longDir[130], longFile[230];
    uint8_t expect[1000];
    TarReader reader;
    TarEntry entry;

    (void)state;
    memset(d60, 'd', 60), d60[60] = '\0';
    memset(e60, 'e', 60), e60[60] = '\0';
    memset(f90, 'f', 90), f90[90] = '\0';
    snprintf(longDir, sizeof longDir, "sub/%s/%s", d60, e60);
    snprintf(longFile, sizeof longFile, "%s/%s.txt", longDir, f90);
    assert_int_equal(length, 10240);
    TarOpen(&reader, bytes, length);

    ExpectEntry(&reader, &entry, "block512.bin", TAR_FILE, 512);
    assert_int_equal(entry.mode, 0644);
    assert_ptr_equal(entry.data, bytes + 2 * BLOCK);
    Pattern(expect, 512, 31);
    assert_memory_equal(entry.data, expect, 512);

    ExpectEntry(&reader, &entry, "empty.txt", TAR_FILE, 0);
    assert_int_equal(entry.mode, 0600);
    assert_ptr_equal(entry.data, bytes + 4 * BLOCK);

    ExpectEntry(&reader, &entry, "sub", TAR_DIRECTORY, 0);
    assert_int_equal(entry.mode, 0755);
    snprintf((char *)expect, sizeof expect, "sub/%s", d60);
    ExpectEntry(&reader, &entry, (char *)expect, TAR_DIRECTORY, 0);
    ExpectEntry(&reader, &entry, longDir, TAR_DIRECTORY, 0);
    ExpectEntry(&reader, &entry, longFile, TAR_FILE, 10);
    assert_memory_equal(entry.data, "long name\n", 10);
    ExpectEntry(&reader, &entry, "sub/deeper", TAR_DIRECTORY, 0);
    ExpectEntry(&reader, &entry, "sub/deeper/hello.txt", TAR_FILE, 14);
    assert_memory_equal(entry.data, "hello, initrd\n", 14);

    ExpectEntry(&reader, &entry, "sub/thousand.bin", TAR_FILE, 1000);
    assert_ptr_equal(entry.data, bytes + 13 * BLOCK);
    Pattern(expect, 1000, 13);
    assert_memory_equal(entry.data, expect, 1000);

    assert_int_equal(TarNext(&reader, &entry), 0);
    assert_int_equal(TarNext(&reader, &entry), 0);
    free(bytes);
}

static void TestSampleFind(void **state)
{
    size_t length;
    uint8_t *bytes = ReadFile(SAMPLE_PATH, &length);
    uint8_t expect[1000];
    TarEntry entry;

    (void)state;
    Pattern(expect, 1000, 13);
    assert_int_equal(TarFind(bytes, length, "sub/thousand.bin", &entry), 0);
    assert_int_equal(entry.size, 1000);
    assert_memory_equal(entry.data, expect, 1000);
    assert_int_equal(TarFind(bytes, length, "./sub/deeper/hello.txt", &entry), 0);
    assert_string_equal(entry.name, "sub/deeper/hello.txt");
    assert_int_equal(TarFind(bytes, length, "/empty.txt", &entry), 0);
    assert_int_equal(entry.size, 0);
    assert_int_equal(TarFind(bytes, length, "sub/none", &entry), E_NOENT);
    assert_int_equal(TarFind(bytes, length, "sub", &entry), E_NOENT);
    assert_int_equal(TarFind(bytes, length, "sub/deeper/", &entry), E_NOENT);
    assert_int_equal(TarFind(bytes, length, "", &entry), E_NOENT);
    assert_int_equal(TarFind(bytes, length, "./", &entry), E_NOENT);
    assert_int_equal(TarFind(bytes, length, "block512", &entry), E_NOENT);
    free(bytes);
}

// Members of sample.tar: header offset, data bytes, and whether TarNext
// returns it (the root is skipped).
static const struct { size_t offset; size_t size; int returned; } sampleMembers[] = {
    { 0, 0, 0 }, { 512, 512, 1 }, { 1536, 0, 1 }, { 2048, 0, 1 },
    { 2560, 0, 1 }, { 3072, 0, 1 }, { 3584, 10, 1 }, { 4608, 0, 1 },
    { 5120, 14, 1 }, { 6144, 1000, 1 },
};
#define SAMPLE_END 7680     // the first zero block

// What reading the first cut bytes of sample.tar must give: the number of
// entries and the final status.
static int SamplePrefixModel(size_t cut, int *count)
{
    size_t n = sizeof sampleMembers / sizeof sampleMembers[0];

    *count = 0;
    if (cut >= SAMPLE_END) {
        *count = 9;
        if (cut % BLOCK == 0 || cut > SAMPLE_END + 2 * BLOCK)
            return 0;       // one or two zero blocks, then the end
        if (cut < SAMPLE_END + BLOCK)
            return E_RANGE; // the first zero block is cut short
        return E_INVAL;     // one zero block, then a partial block
    }
    for (size_t i = 0; i < n; i++) {
        size_t start = sampleMembers[i].offset;
        size_t dataEnd = start + BLOCK + sampleMembers[i].size;

        if (cut == start)
            return 0;       // ends exactly at a header
        if (cut < dataEnd)
            return E_RANGE; // header or data cut short
        *count += sampleMembers[i].returned;
        if (i + 1 == n || cut < sampleMembers[i + 1].offset)
            return 0;       // only padding is missing
    }
    return 0;
}

// Every prefix of sample.tar gives exactly the entries wholly inside it,
// then the end or the right error; data never lies outside the buffer.
static void TestSampleTruncated(void **state)
{
    size_t length;
    uint8_t *bytes = ReadFile(SAMPLE_PATH, &length);

    (void)state;
    for (size_t cut = 0; cut <= length; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        TarReader reader;
        TarEntry entry;
        int status, count = 0, expectCount;
        int expectStatus = SamplePrefixModel(cut, &expectCount);

        memcpy(copy, bytes, cut);
        TarOpen(&reader, copy, cut);
        while ((status = TarNext(&reader, &entry)) == 1) {
            assert_true(entry.data >= copy);
            assert_true(entry.data + entry.size <= copy + cut);
            count++;
        }
        if (status != expectStatus || count != expectCount)
            fail_msg("cut %zu: status %d count %d, expected %d %d", cut,
                     status, count, expectStatus, expectCount);
        free(copy);
    }
    free(bytes);
}

static void TestEmptyArchives(void **state)
{
    static const size_t lengths[] = { 0, BLOCK, 2 * BLOCK, 20 * BLOCK };
    TarReader reader;
    TarEntry entry;

    (void)state;
    TarOpen(&reader, NULL, 0);
    assert_int_equal(TarNext(&reader, &entry), 0);
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        uint8_t *zeros = calloc(1, lengths[i] ? lengths[i] : 1);

        TarOpen(&reader, zeros, lengths[i]);
        assert_int_equal(TarNext(&reader, &entry), 0);
        assert_int_equal(TarNext(&reader, &entry), 0);
        assert_int_equal(TarFind(zeros, lengths[i], "x", &entry), E_NOENT);
        free(zeros);
    }
}

static void TestEndMarkers(void **state)
{
    Archive a = { 0 };
    TarReader reader;
    TarEntry entry;

    (void)state;
    // Ends exactly at a header boundary, no zero blocks.
    AddMember(&a, "a", '0', "x", 1);
    TarOpen(&reader, a.bytes, a.length);
    ExpectEntry(&reader, &entry, "a", TAR_FILE, 1);
    assert_int_equal(TarNext(&reader, &entry), 0);
    // One zero block and then the end of the buffer.
    Grow(&a, BLOCK);
    TarOpen(&reader, a.bytes, a.length);
    ExpectEntry(&reader, &entry, "a", TAR_FILE, 1);
    assert_int_equal(TarNext(&reader, &entry), 0);
    // Two zero blocks, then anything at all is ignored.
    Grow(&a, BLOCK);
    memset(Grow(&a, 100), 0xEE, 100);
    TarOpen(&reader, a.bytes, a.length);
    ExpectEntry(&reader, &entry, "a", TAR_FILE, 1);
    assert_int_equal(TarNext(&reader, &entry), 0);
    FreeArchive(&a);
}

static void TestLoneZeroBlock(void **state)
{
    Archive a = { 0 };
    TarReader reader;
    TarEntry entry;

    (void)state;
    AddMember(&a, "a", '0', "x", 1);
    Grow(&a, BLOCK);
    AddMember(&a, "b", '0', "y", 1);
    TarOpen(&reader, a.bytes, a.length);
    ExpectEntry(&reader, &entry, "a", TAR_FILE, 1);
    assert_int_equal(TarNext(&reader, &entry), E_INVAL);
    // A zero block followed by a partial block.
    Truncate(&a, 3 * BLOCK + 10);
    TarOpen(&reader, a.bytes, a.length);
    ExpectEntry(&reader, &entry, "a", TAR_FILE, 1);
    assert_int_equal(TarNext(&reader, &entry), E_INVAL);
    FreeArchive(&a);
}

static void TestBadChecksum(void **state)
{
    Archive a = { 0 };
    uint8_t *header;

    (void)state;
    header = OneFile(&a);
    header[0] = 'F';        // changed after the checksum was computed
    ExpectFirstError(&a, E_INVAL);
    header[0] = 'f';
    header[153] ^= 1;       // stored value off by one
    ExpectFirstError(&a, E_INVAL);
    SetChecksum(header);
    memcpy(header + 148, "00012x4", 7);
    ExpectFirstError(&a, E_INVAL);
    memset(header + 148, 0, 8);
    ExpectFirstError(&a, E_INVAL);
    memset(header + 148, ' ', 8);
    ExpectFirstError(&a, E_INVAL);
    FreeArchive(&a);
}

static void TestChecksumFormats(void **state)
{
    Archive a = { 0 };
    uint8_t *header;
    unsigned sum = 0;
    int signedSum = 0;
    char field[9];
    TarEntry entry;

    (void)state;
    header = OneFile(&a);
    memset(header + 148, ' ', 8);
    for (int i = 0; i < BLOCK; i++)
        sum += header[i];
    snprintf((char *)header + 148, 8, "%07o", sum);     // 7 digits, NUL
    assert_int_equal(TarFind(a.bytes, a.length, "file", &entry), 0);
    snprintf(field, sizeof field, "  %05o ", sum);      // leading spaces
    memcpy(header + 148, field, 8);
    assert_int_equal(TarFind(a.bytes, a.length, "file", &entry), 0);
    // Signed-char sums (old tars) are accepted too.
    header[1] = 0xE9;
    memset(header + 148, ' ', 8);
    for (int i = 0; i < BLOCK; i++)
        signedSum += (int8_t)header[i];
    snprintf((char *)header + 148, 8, "%06o", signedSum);
    assert_int_equal(TarFind(a.bytes, a.length, "f\xE9le", &entry), 0);
    FreeArchive(&a);
}

static void TestMagic(void **state)
{
    Archive a = { 0 };
    TarEntry entry;
    uint8_t *header;

    (void)state;
    header = OneFile(&a);
    memcpy(header + 257, "ustar\0" "01", 8);    // unknown version
    SetChecksum(header);
    ExpectFirstError(&a, E_INVAL);
    memset(header + 257, 0, 8);                 // V7: no magic at all
    SetChecksum(header);
    ExpectFirstError(&a, E_INVAL);
    memcpy(header + 257, "USTAR\0" "00", 8);
    SetChecksum(header);
    ExpectFirstError(&a, E_INVAL);
    // GNU magic is accepted and its prefix area (atime...) is not a prefix.
    memcpy(header + 257, "ustar  \0", 8);
    SetField(header, 345, 12, "14533751300");
    SetChecksum(header);
    assert_int_equal(TarFind(a.bytes, a.length, "file", &entry), 0);
    assert_memory_equal(entry.data, "abc", 3);
    FreeArchive(&a);
}

static void TestBadSize(void **state)
{
    static const char *const bad[] = {
        "0000000000a", "00000000008", "00000000009", "000 0000003",
        "", "-0000000003", "+3",
    };
    Archive a = { 0 };
    uint8_t *header;

    (void)state;
    header = OneFile(&a);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        SetField(header, 124, 12, bad[i]);
        SetChecksum(header);
        ExpectFirstError(&a, E_INVAL);
    }
    // GNU base-256 sizes are not octal.
    memset(header + 124, 0, 12);
    header[124] = 0x80;
    header[135] = 3;
    SetChecksum(header);
    ExpectFirstError(&a, E_INVAL);
    // A non-octal mode is rejected as well.
    SetField(header, 124, 12, "00000000003");
    SetField(header, 100, 8, "rw-r--r");
    SetChecksum(header);
    ExpectFirstError(&a, E_INVAL);
    FreeArchive(&a);
}

static void TestSizeForms(void **state)
{
    static const char *const good[] = {
        "00000000003", "3", "         3 ", "3\0garbage", "000000000003",
    };
    Archive a = { 0 };
    TarEntry entry;
    uint8_t *header;

    (void)state;
    header = OneFile(&a);
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        memset(header + 124, 0, 12);
        memcpy(header + 124, good[i], strlen(good[i]));
        SetChecksum(header);
        if (i == 3) {       // text after the terminator is not allowed
            memcpy(header + 126, "garbage", 7);
            SetChecksum(header);
            ExpectFirstError(&a, E_INVAL);
            continue;
        }
        assert_int_equal(TarFind(a.bytes, a.length, "file", &entry), 0);
        assert_int_equal(entry.size, 3);
    }
    FreeArchive(&a);
}

static void TestSizePastEnd(void **state)
{
    Archive a = { 0 };
    TarReader reader;
    TarEntry entry;
    uint8_t *header;

    (void)state;
    AddMember(&a, "file", '0', "abc", 3);
    // Exactly the data in the buffer: fine (padding may be cut off).
    Truncate(&a, BLOCK + 3);
    header = a.bytes;
    TarOpen(&reader, a.bytes, a.length);
    ExpectEntry(&reader, &entry, "file", TAR_FILE, 3);
    assert_int_equal(TarNext(&reader, &entry), 0);
    // One data byte missing.
    Truncate(&a, BLOCK + 2);
    ExpectFirstError(&a, E_RANGE);
    Grow(&a, 2 * BLOCK - 2);
    header = a.bytes;
    SetField(header, 124, 12, "00000002001");  // 1025 > 1024 left
    SetChecksum(header);
    ExpectFirstError(&a, E_RANGE);
    SetField(header, 124, 12, "77777777777");  // 8 GiB - 1
    SetChecksum(header);
    ExpectFirstError(&a, E_RANGE);
    SetField(header, 124, 12, "00000002000");  // exactly the rest
    SetChecksum(header);
    TarOpen(&reader, a.bytes, a.length);
    ExpectEntry(&reader, &entry, "file", TAR_FILE, 1024);
    assert_int_equal(TarNext(&reader, &entry), 0);
    FreeArchive(&a);
}

static void TestTruncatedHeader(void **state)
{
    Archive a = { 0 };
    TarReader reader;
    TarEntry entry;

    (void)state;
    AddMember(&a, "a", '0', "x", 1);
    AddMember(&a, "b", '0', "y", 1);
    Truncate(&a, 2 * BLOCK + 300);
    TarOpen(&reader, a.bytes, a.length);
    ExpectEntry(&reader, &entry, "a", TAR_FILE, 1);
    assert_int_equal(TarNext(&reader, &entry), E_RANGE);
    Truncate(&a, 100);
    ExpectFirstError(&a, E_RANGE);
    FreeArchive(&a);
}

static void TestStickyErrors(void **state)
{
    Archive a = { 0 };
    TarReader reader;
    TarEntry entry, before;
    uint8_t *second;

    (void)state;
    AddMember(&a, "a", '0', "x", 1);
    AddMember(&a, "b", '0', "y", 1);
    AddMember(&a, "c", '0', "z", 1);
    AddEnd(&a);
    second = a.bytes + 2 * BLOCK;
    second[0] = 'B';        // bad checksum on the second member
    TarOpen(&reader, a.bytes, a.length);
    ExpectEntry(&reader, &entry, "a", TAR_FILE, 1);
    memset(&entry, 0x5A, sizeof entry);
    before = entry;
    for (int i = 0; i < 5; i++) {
        assert_int_equal(TarNext(&reader, &entry), E_INVAL);
        assert_memory_equal(&entry, &before, sizeof entry);
    }
    // Repairing the buffer does not revive the reader.
    second[0] = 'b';
    assert_int_equal(TarNext(&reader, &entry), E_INVAL);
    // Sticky E_RANGE too: the second header is cut short.
    Truncate(&a, 2 * BLOCK + 100);
    TarOpen(&reader, a.bytes, a.length);
    assert_int_equal(TarNext(&reader, &entry), 1);
    assert_int_equal(TarNext(&reader, &entry), E_RANGE);
    assert_int_equal(TarNext(&reader, &entry), E_RANGE);
    FreeArchive(&a);
}

static void TestLongNames(void **state)
{
    char name[101], prefix[156], expect[TAR_NAME_MAX + 2];
    Archive a = { 0 };
    TarReader reader;
    TarEntry entry;
    uint8_t *header;

    (void)state;
    memset(name, 'n', 100), name[100] = '\0';
    memset(prefix, 'p', 154), prefix[154] = '\0';
    // A 100-character name fills its field with no NUL.
    header = AddMember(&a, name, '0', "1", 1);
    TarOpen(&reader, a.bytes, a.length);
    ExpectEntry(&reader, &entry, name, TAR_FILE, 1);
    // 154 + '/' + 100 = 255 characters: the longest that fits.
    SetField(header, 345, 155, prefix);
    SetChecksum(header);
    snprintf(expect, sizeof expect, "%s/%s", prefix, name);
    assert_int_equal(strlen(expect), TAR_NAME_MAX - 1);
    TarOpen(&reader, a.bytes, a.length);
    ExpectEntry(&reader, &entry, expect, TAR_FILE, 1);
    // A full 155-character prefix makes 256: too long.
    memset(prefix, 'p', 155), prefix[155] = '\0';
    SetField(header, 345, 155, prefix);
    SetChecksum(header);
    ExpectFirstError(&a, E_INVAL);
    // A short prefix with a short name.
    SetField(header, 0, 100, "file.txt");
    SetField(header, 345, 155, "usr/share");
    SetChecksum(header);
    TarOpen(&reader, a.bytes, a.length);
    ExpectEntry(&reader, &entry, "usr/share/file.txt", TAR_FILE, 1);
    FreeArchive(&a);
}

static void TestNameNormalisation(void **state)
{
    static const struct {
        const char *prefix, *name, *expect;
        char type;
    } cases[] = {
        { "", "./a/b", "a/b", '0' },
        { "", "/abs", "abs", '0' },
        { "", "//./x", "x", '0' },
        { "", "././y", "y", '0' },
        { "", ".hidden", ".hidden", '0' },
        { "", "../up", "../up", '0' },
        { "", "./dir/", "dir", '5' },
        { "", "dir2", "dir2", '5' },
        { "", "dir3//", "dir3/", '5' },
        { "", "old/", "old", '0' },         // V7 directory
        { "./p", "q", "p/q", '0' },
        { "/p", "q/", "p/q", '5' },
    };
    TarEntry entry;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Archive a = { 0 };
        TarReader reader;
        uint8_t *header = AddMember(&a, cases[i].name, cases[i].type, NULL, 0);

        SetField(header, 345, 155, cases[i].prefix);
        SetChecksum(header);
        AddEnd(&a);
        TarOpen(&reader, a.bytes, a.length);
        assert_int_equal(TarNext(&reader, &entry), 1);
        assert_string_equal(entry.name, cases[i].expect);
        assert_int_equal(entry.type,
                         cases[i].type == '5' || i == 9 ? TAR_DIRECTORY : TAR_FILE);
        assert_int_equal(TarNext(&reader, &entry), 0);
        FreeArchive(&a);
    }
}

static void TestRootSkipped(void **state)
{
    static const struct { const char *name; char type; } roots[] = {
        { "./", '5' }, { "/", '5' }, { ".", '5' }, { "", '5' },
        { "./", '0' }, { ".//", '5' },
    };
    TarEntry entry;

    (void)state;
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        Archive a = { 0 };
        TarReader reader;

        AddMember(&a, roots[i].name, roots[i].type, NULL, 0);
        AddMember(&a, "./f", '0', "z", 1);
        AddEnd(&a);
        TarOpen(&reader, a.bytes, a.length);
        ExpectEntry(&reader, &entry, "f", TAR_FILE, 1);
        assert_int_equal(TarNext(&reader, &entry), 0);
        FreeArchive(&a);
    }
}

static void TestUnnamedFile(void **state)
{
    static const struct { const char *name; char type; } unnamed[] = {
        { "", '0' }, { "./", '2' }, { ".", '0' }, { "/", '1' },
    };
    Archive a = { 0 };
    uint8_t *header;

    (void)state;
    header = OneFile(&a);
    // ("./" or "/" as '0' would be a V7 directory: the root, skipped.)
    for (size_t i = 0; i < sizeof unnamed / sizeof unnamed[0]; i++) {
        SetField(header, 0, 100, unnamed[i].name);
        header[156] = (uint8_t)unnamed[i].type;
        SetChecksum(header);
        ExpectFirstError(&a, E_INVAL);
    }
    FreeArchive(&a);
}

static void TestTypes(void **state)
{
    Archive a = { 0 };
    TarReader reader;
    TarEntry entry;
    uint8_t *header;

    (void)state;
    AddMember(&a, "nul", '\0', "abc", 3);
    AddMember(&a, "link", '2', NULL, 0);
    SetField(a.bytes + a.length - BLOCK, 157, 100, "nul");
    SetChecksum(a.bytes + a.length - BLOCK);
    // A directory whose size field is not zero has no data blocks.
    header = AddMember(&a, "dir", '5', NULL, 0);
    SetField(header, 124, 12, "00000001750");
    SetChecksum(header);
    AddMember(&a, "contig", '7', "0123456789", 10);
    AddMember(&a, "fifo", '6', NULL, 0);
    AddEnd(&a);
    TarOpen(&reader, a.bytes, a.length);
    ExpectEntry(&reader, &entry, "nul", TAR_FILE, 3);
    assert_memory_equal(entry.data, "abc", 3);
    ExpectEntry(&reader, &entry, "link", TAR_OTHER, 0);
    ExpectEntry(&reader, &entry, "dir", TAR_DIRECTORY, 0);
    ExpectEntry(&reader, &entry, "contig", TAR_OTHER, 10);
    assert_memory_equal(entry.data, "0123456789", 10);
    ExpectEntry(&reader, &entry, "fifo", TAR_OTHER, 0);
    assert_int_equal(TarNext(&reader, &entry), 0);
    FreeArchive(&a);
}

static void TestModeBits(void **state)
{
    Archive a = { 0 };
    TarEntry entry;
    uint8_t *header;

    (void)state;
    header = OneFile(&a);
    SetField(header, 100, 8, "0104755");
    SetChecksum(header);
    assert_int_equal(TarFind(a.bytes, a.length, "file", &entry), 0);
    assert_int_equal(entry.mode, 04755);
    FreeArchive(&a);
}

static void TestPaxSkipped(void **state)
{
    static const char record[] = "30 path=not/what/you/get.txt\n";
    uint8_t big[700];
    Archive a = { 0 };
    TarReader reader;
    TarEntry entry;

    (void)state;
    memset(big, '#', sizeof big);
    AddMember(&a, "pax_global_header", 'g', big, sizeof big);
    AddMember(&a, "./PaxHeaders/x", 'x', record, sizeof record - 1);
    AddMember(&a, "x", '0', "data", 4);
    AddEnd(&a);
    TarOpen(&reader, a.bytes, a.length);
    ExpectEntry(&reader, &entry, "x", TAR_FILE, 4);
    assert_memory_equal(entry.data, "data", 4);
    assert_int_equal(TarNext(&reader, &entry), 0);
    // A pax header whose data runs past the buffer is still an error.
    Truncate(&a, BLOCK + 600);
    ExpectFirstError(&a, E_RANGE);
    FreeArchive(&a);
}

static void TestGnuLongNameRejected(void **state)
{
    Archive a = { 0 };
    uint8_t *header;

    (void)state;
    header = AddMember(&a, "././@LongLink", 'L', "long/name", 10);
    memcpy(header + 257, "ustar  \0", 8);
    SetChecksum(header);
    AddMember(&a, "long/na", '0', "x", 1);
    AddEnd(&a);
    ExpectFirstError(&a, E_INVAL);
    FreeArchive(&a);
}

static void TestFind(void **state)
{
    Archive a = { 0 };
    TarEntry entry;
    uint8_t *bad;

    (void)state;
    AddMember(&a, "./etc/", '5', NULL, 0);
    AddMember(&a, "./etc/motd", '0', "old", 3);
    AddMember(&a, "./bin", '5', NULL, 0);
    AddMember(&a, "./bin/init", '0', "\x7f" "ELF", 4);
    AddMember(&a, "./etc/motd", '0', "new!", 4);   // tar -r: last wins
    AddMember(&a, "./lnk", '2', NULL, 0);
    AddEnd(&a);
    assert_int_equal(TarFind(a.bytes, a.length, "bin/init", &entry), 0);
    assert_string_equal(entry.name, "bin/init");
    assert_memory_equal(entry.data, "\x7f" "ELF", 4);
    assert_int_equal(TarFind(a.bytes, a.length, "etc/motd", &entry), 0);
    assert_int_equal(entry.size, 4);
    assert_memory_equal(entry.data, "new!", 4);
    assert_int_equal(TarFind(a.bytes, a.length, "/etc/motd", &entry), 0);
    memset(&entry, 0x5A, sizeof entry);
    assert_int_equal(TarFind(a.bytes, a.length, "etc", &entry), E_NOENT);
    assert_int_equal(TarFind(a.bytes, a.length, "bin/", &entry), E_NOENT);
    assert_int_equal(TarFind(a.bytes, a.length, "lnk", &entry), E_NOENT);
    assert_int_equal(TarFind(a.bytes, a.length, "bin/ini", &entry), E_NOENT);
    assert_int_equal(TarFind(a.bytes, a.length, "bin/init2", &entry), E_NOENT);
    assert_int_equal((uint8_t)entry.name[0], 0x5A);   // untouched on miss
    // A broken member later in the archive fails the search.
    bad = a.bytes + 5 * BLOCK + BLOCK;      // the second etc/motd
    bad[0] = '?';
    assert_int_equal(TarFind(a.bytes, a.length, "bin/init", &entry), E_INVAL);
    FreeArchive(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestSampleArchive),
        cmocka_unit_test(TestSampleFind),
        cmocka_unit_test(TestSampleTruncated),
        cmocka_unit_test(TestEmptyArchives),
        cmocka_unit_test(TestEndMarkers),
        cmocka_unit_test(TestLoneZeroBlock),
        cmocka_unit_test(TestBadChecksum),
        cmocka_unit_test(TestChecksumFormats),
        cmocka_unit_test(TestMagic),
        cmocka_unit_test(TestBadSize),
        cmocka_unit_test(TestSizeForms),
        cmocka_unit_test(TestSizePastEnd),
        cmocka_unit_test(TestTruncatedHeader),
        cmocka_unit_test(TestStickyErrors),
        cmocka_unit_test(TestLongNames),
        cmocka_unit_test(TestNameNormalisation),
        cmocka_unit_test(TestRootSkipped),
        cmocka_unit_test(TestUnnamedFile),
        cmocka_unit_test(TestTypes),
        cmocka_unit_test(TestModeBits),
        cmocka_unit_test(TestPaxSkipped),
        cmocka_unit_test(TestGnuLongNameRejected),
        cmocka_unit_test(TestFind),
    };

    return cmocka_run_group_tests_name("tar", tests, NULL, NULL);
}
