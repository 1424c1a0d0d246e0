// Reading USTAR archives (lib/tar.c): the initial RAM disk format.
//
// Pure code over a byte buffer: it never reads outside [archive,
// archive+length), whatever the headers claim, so the same parser runs
// in the kernel, in host unit tests and under a fuzzer.
#ifndef KERNEL_TAR_H
#define KERNEL_TAR_H

#include <stddef.h>
#include <stdint.h>

#define TAR_NAME_MAX 256    // prefix (155) + '/' + name (100) + NUL

typedef enum TarType {
    TAR_FILE,
    TAR_DIRECTORY,
    TAR_OTHER,              // links, devices, ...: listed, not loadable
} TarType;

typedef struct TarEntry {
    char name[TAR_NAME_MAX];    // "dir/file", no leading "./" or "/"
    TarType type;
    uint32_t mode;              // permission bits from the header
    uint32_t size;              // bytes of data (0 for directories)
    const uint8_t *data;        // inside the archive
} TarEntry;

typedef struct TarReader {
    const uint8_t *archive;
    size_t length;
    size_t offset;              // next header
} TarReader;

void TarOpen(TarReader *reader, const void *archive, size_t length);

// Read the next entry. Returns 1 and fills *entry, 0 at the end of the
// archive (two zero blocks, or exactly the end of the buffer), or a
// negative error: E_INVAL for a bad checksum, magic, size field or name,
// E_RANGE if a header or its data runs past the buffer. After an error
// every further call returns the same error.
int TarNext(TarReader *reader, TarEntry *entry);

// Find path (same normalisation as names) among the regular files.
// Returns 0 and fills *entry, E_NOENT, or a TarNext error.
int TarFind(const void *archive, size_t length, const char *path, TarEntry *entry);

#endif
