// libFuzzer target for the USTAR reader (lib/tar.c).
//
// The input is the archive itself. It is copied into a heap buffer of
// exactly its size, so AddressSanitizer catches any read past the end, and
// walked with TarNext to the end or the first error, then searched with
// TarFind. Random mutations almost never keep a header's checksum right,
// so the same input is then walked a second time with the checksum of
// every non-zero block recomputed: that lets the fuzzer reach the size,
// name, type and end-of-archive logic behind the checksum.
//
// Invariants checked (abort() on violation):
//   - TarNext returns 1, 0, E_INVAL or E_RANGE, and once it has returned 0
//     or an error it keeps returning exactly that
//   - every entry's data [data, data+size) lies inside the input
//   - every name is NUL-terminated inside TAR_NAME_MAX, non-empty, and has
//     no leading "/" or "./"; directories have size 0; types are valid and
//     mode holds only permission bits
//   - the walk takes at most one entry per 512-byte block
//   - TarFind on the last regular file seen returns that entry when the
//     walk ended cleanly, and the walk's error otherwise; TarFind of ""
//     returns E_NOENT or the walk's error
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <clanker/error.h>
#include <lib/tar.h>

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

// Check one entry returned by TarNext against the buffer it came from.
static void CheckEntry(const TarEntry *entry, const uint8_t *buf, size_t size)
{
    size_t nameLen = strnlen(entry->name, TAR_NAME_MAX);
    uintptr_t start = (uintptr_t)buf;
    uintptr_t data = (uintptr_t)entry->data;

    CHECK(nameLen < TAR_NAME_MAX);
    CHECK(nameLen > 0);
    CHECK(entry->name[0] != '/');
    CHECK(!(entry->name[0] == '.' && entry->name[1] == '/'));
    CHECK(entry->type == TAR_FILE || entry->type == TAR_DIRECTORY
          || entry->type == TAR_OTHER);
    CHECK(entry->type != TAR_DIRECTORY || entry->size == 0);
    CHECK((entry->mode & ~07777u) == 0);
    CHECK(data >= start && data <= start + size);
    CHECK(entry->size <= start + size - data);
    if (entry->size > 0) {
        volatile uint8_t sink = entry->data[0] ^ entry->data[entry->size - 1];
        (void)sink;
    }
}

// Store in every whole non-zero block of buf a correct checksum (six octal
// digits, NUL, space, as GNU tar writes it).
static void FixChecksums(uint8_t *buf, size_t size)
{
    for (size_t at = 0; at + 512 <= size; at += 512) {
        uint8_t *block = buf + at;
        uint32_t sum = 0;
        int zero = 1;

        for (size_t i = 0; i < 512; i++)
            zero &= block[i] == 0;
        if (zero)
            continue;
        memset(block + 148, ' ', 8);
        for (size_t i = 0; i < 512; i++)
            sum += block[i];
        for (int i = 5; i >= 0; i--, sum >>= 3)
            block[148 + i] = (uint8_t)('0' + (sum & 7));
        block[154] = '\0';
    }
}

// Walk the archive in buf and check every invariant.
static void Walk(const uint8_t *buf, size_t size)
{
    TarReader reader;
    TarEntry entry, lastFile, found;
    int haveFile = 0;
    size_t count = 0;
    int status;

    TarOpen(&reader, buf, size);
    while ((status = TarNext(&reader, &entry)) == 1) {
        CheckEntry(&entry, buf, size);
        CHECK(++count <= size / 512);
        if (entry.type == TAR_FILE) {
            lastFile = entry;
            haveFile = 1;
        }
    }
    CHECK(status == 0 || status == E_INVAL || status == E_RANGE);
    for (int i = 0; i < 3; i++)
        CHECK(TarNext(&reader, &entry) == status);
    if (haveFile) {
        int findStatus = TarFind(buf, size, lastFile.name, &found);

        if (status == 0) {
            CHECK(findStatus == 0);
            CHECK(found.data == lastFile.data && found.size == lastFile.size);
            CHECK(strcmp(found.name, lastFile.name) == 0);
        } else {
            CHECK(findStatus == status);
        }
    }
    // No entry has an empty name.
    CHECK(TarFind(buf, size, "", &found) == (status == 0 ? E_NOENT : status));
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size)
{
    uint8_t *buf = malloc(size ? size : 1);

    CHECK(buf != NULL);
    memcpy(buf, input, size);
    Walk(buf, size);
    FixChecksums(buf, size);
    Walk(buf, size);
    free(buf);
    return 0;
}
