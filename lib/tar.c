// Reading USTAR archives: the initial RAM disk format.
//
// An archive is a run of 512-byte blocks. Each member starts with a header
// block (name, mode, size and checksum as ASCII octal, a type flag, the
// "ustar" magic and a name prefix), followed by its data padded up to a
// whole block. Two zero blocks end it; a buffer that stops right at a
// header boundary (or after a single zero block) ends it too, because boot
// loaders and tools often trim the trailing zero record.
//
// The parser trusts nothing in a header. A header is checked as a whole
// (checksum, magic, every numeric field, the name) before any of it is
// copied to the caller, and the data it claims must lie inside the buffer;
// only the padding after the last member's data may be cut off. Names are
// returned normalised: prefix and name joined, leading "./" and "/"
// removed, one trailing "/" removed from directories. The root directory
// ("./") is skipped, as are pax extended headers ('x', 'g'), whose
// key=value records this reader does not interpret. GNU long-name headers
// ('L', 'K') are rejected: ignoring them would return truncated names.
//
// A TarReader in the error state has archive == NULL and keeps the
// (positive) error number in offset, so every later call repeats the
// error; at the end of the archive offset == length, so later calls keep
// returning 0.
#include <clanker/error.h>
#include <lib/tar.h>
#include <lib/string.h>

#define TAR_BLOCK 512u

// Header field offsets and widths (POSIX ustar).
#define TAR_NAME_OFF     0
#define TAR_NAME_LEN     100
#define TAR_MODE_OFF     100
#define TAR_MODE_LEN     8
#define TAR_SIZE_OFF     124
#define TAR_SIZE_LEN     12
#define TAR_CHKSUM_OFF   148
#define TAR_CHKSUM_LEN   8
#define TAR_TYPE_OFF     156
#define TAR_MAGIC_OFF    257
#define TAR_PREFIX_OFF   345
#define TAR_PREFIX_LEN   155

// How a header's magic identifies it; GNU headers reuse the prefix area.
typedef enum TarMagic {
    TAR_MAGIC_BAD,
    TAR_MAGIC_POSIX,    // "ustar\0" "00"
    TAR_MAGIC_GNU,      // "ustar  \0"
} TarMagic;

// Parse an ASCII octal field of width bytes: optional leading spaces, one
// or more octal digits, then only NULs or spaces. Returns 0, E_INVAL for
// anything else, or E_RANGE if the value does not fit in 32 bits.
static int ParseOctal(const uint8_t *field, size_t width, uint32_t *value)
{
    uint64_t result = 0;
    size_t i = 0;
    size_t digits = 0;

    while (i < width && field[i] == ' ')
        i++;
    for (; i < width && field[i] >= '0' && field[i] <= '7'; i++, digits++) {
        result = result * 8 + (uint64_t)(field[i] - '0');
        if (result > UINT32_MAX)
            return E_RANGE;
    }
    if (digits == 0)
        return E_INVAL;
    for (; i < width; i++) {
        if (field[i] != '\0' && field[i] != ' ')
            return E_INVAL;
    }
    *value = (uint32_t)result;
    return 0;
}

// True if the 512 bytes at block are all zero.
static int IsZeroBlock(const uint8_t *block)
{
    for (size_t i = 0; i < TAR_BLOCK; i++) {
        if (block[i] != 0)
            return 0;
    }
    return 1;
}

// Check the header checksum: the stored octal value must equal the sum of
// all header bytes with the checksum field counted as spaces. Both the
// unsigned sum (POSIX) and the signed-char sum of some old tars are taken.
static int CheckChecksum(const uint8_t *header)
{
    uint32_t stored;
    uint32_t unsignedSum = 0;
    int32_t signedSum = 0;

    if (ParseOctal(header + TAR_CHKSUM_OFF, TAR_CHKSUM_LEN, &stored) != 0)
        return E_INVAL;
    for (size_t i = 0; i < TAR_BLOCK; i++) {
        uint8_t byte = header[i];

        if (i >= TAR_CHKSUM_OFF && i < TAR_CHKSUM_OFF + TAR_CHKSUM_LEN)
            byte = ' ';
        unsignedSum += byte;
        signedSum += (int8_t)byte;
    }
    if (stored == unsignedSum || (int64_t)stored == (int64_t)signedSum)
        return 0;
    return E_INVAL;
}

// Classify the magic and version fields.
static TarMagic ReadMagic(const uint8_t *header)
{
    const uint8_t *magic = header + TAR_MAGIC_OFF;

    if (memcmp(magic, "ustar\0" "00", 8) == 0)
        return TAR_MAGIC_POSIX;
    if (memcmp(magic, "ustar  \0", 8) == 0)
        return TAR_MAGIC_GNU;
    return TAR_MAGIC_BAD;
}

// Length of the string in a field of width bytes (NUL-terminated or full).
static size_t FieldLength(const uint8_t *field, size_t width)
{
    size_t n = 0;

    while (n < width && field[n] != '\0')
        n++;
    return n;
}

// Pointer past any leading "./" and "/" in the NUL-terminated path; a
// lone "." (the root written without its slash) is skipped as well.
static const char *SkipLeading(const char *path)
{
    for (;;) {
        if (path[0] == '/') {
            path++;
        } else if (path[0] == '.' && path[1] == '/') {
            path += 2;
        } else if (path[0] == '.' && path[1] == '\0') {
            path++;
        } else {
            return path;
        }
    }
}

// Join prefix and name into out[TAR_NAME_MAX], as stored (not yet
// normalised). Returns 0, or E_INVAL if the joined name is too long. The
// prefix is used only for POSIX headers.
static int JoinName(const uint8_t *header, TarMagic magic, char *out)
{
    size_t nameLen = FieldLength(header + TAR_NAME_OFF, TAR_NAME_LEN);
    size_t prefixLen = 0;
    size_t n = 0;

    if (magic == TAR_MAGIC_POSIX)
        prefixLen = FieldLength(header + TAR_PREFIX_OFF, TAR_PREFIX_LEN);
    if (prefixLen + 1 + nameLen >= TAR_NAME_MAX)
        return E_INVAL;
    if (prefixLen > 0) {
        memcpy(out, header + TAR_PREFIX_OFF, prefixLen);
        n = prefixLen;
        out[n++] = '/';
    }
    memcpy(out + n, header + TAR_NAME_OFF, nameLen);
    out[n + nameLen] = '\0';
    return 0;
}

// Map a type flag and stored name to a TarType. A regular file whose name
// ends in "/" is an old-style (V7) directory.
static TarType ClassifyType(uint8_t flag, const char *name)
{
    size_t len = strlen(name);

    if (flag == '5')
        return TAR_DIRECTORY;
    if (flag == '0' || flag == '\0') {
        if (len > 0 && name[len - 1] == '/')
            return TAR_DIRECTORY;
        return TAR_FILE;
    }
    return TAR_OTHER;
}

// Normalise the stored name into out: leading "./" and "/" removed, and
// one trailing "/" for a directory. Returns the resulting length.
static size_t NormaliseName(const char *stored, TarType type, char *out)
{
    const char *start = SkipLeading(stored);
    size_t len = strlen(start);

    memmove(out, start, len + 1);
    if (type == TAR_DIRECTORY && len > 0 && out[len - 1] == '/')
        out[--len] = '\0';
    return len;
}

// True if members of this type are followed by data blocks. Links,
// devices, directories and FIFOs ('1'..'6') never are, whatever their size
// field says (POSIX).
static int HasData(uint8_t flag)
{
    return !(flag >= '1' && flag <= '6');
}

// Put the reader into the sticky error state and return error.
static int Fail(TarReader *reader, int error)
{
    reader->archive = NULL;
    reader->length = 0;
    reader->offset = (size_t)-error;
    return error;
}

// Handle a zero block at the reader's offset: the end of the archive if it
// is followed by the end of the buffer or by a second zero block.
static int ReadZeroBlock(TarReader *reader)
{
    size_t next = reader->offset + TAR_BLOCK;
    size_t left = reader->length - next;

    if (left != 0 && (left < TAR_BLOCK || !IsZeroBlock(reader->archive + next)))
        return Fail(reader, E_INVAL);
    reader->offset = reader->length;
    return 0;
}

// Check the checksum, magic and numeric fields of header, which has room
// data bytes after it. Fills *mode and *dataSize (the number of data bytes
// that follow it). Returns 0, E_INVAL, or E_RANGE.
static int CheckHeader(const uint8_t *header, size_t room, uint32_t *mode,
                       uint32_t *dataSize)
{
    uint32_t size;
    int err;

    if (CheckChecksum(header) != 0 || ReadMagic(header) == TAR_MAGIC_BAD)
        return E_INVAL;
    if (ParseOctal(header + TAR_MODE_OFF, TAR_MODE_LEN, mode) != 0)
        return E_INVAL;
    err = ParseOctal(header + TAR_SIZE_OFF, TAR_SIZE_LEN, &size);
    if (err != 0)
        return err;
    if (!HasData(header[TAR_TYPE_OFF]))
        size = 0;
    if (size > room)
        return E_RANGE;
    *dataSize = size;
    return 0;
}

// Decode the header at the reader's offset into *entry and its data size
// into *dataSize. Returns 1 for an entry to return, 0 for a member to skip
// (root directory, pax header) or a negative error. Changes nothing else.
static int DecodeHeader(const TarReader *reader, TarEntry *entry,
                        uint32_t *dataSize)
{
    const uint8_t *header = reader->archive + reader->offset;
    uint8_t flag = header[TAR_TYPE_OFF];
    char stored[TAR_NAME_MAX];
    uint32_t mode;
    int err;

    err = CheckHeader(header, reader->length - reader->offset - TAR_BLOCK,
                      &mode, dataSize);
    if (err != 0)
        return err;
    if (flag == 'x' || flag == 'g')
        return 0;
    if (flag == 'L' || flag == 'K')
        return E_INVAL;
    if (JoinName(header, ReadMagic(header), stored) != 0)
        return E_INVAL;
    entry->type = ClassifyType(flag, stored);
    if (NormaliseName(stored, entry->type, entry->name) == 0)
        return entry->type == TAR_DIRECTORY ? 0 : E_INVAL;
    entry->mode = mode & 07777;
    entry->size = entry->type == TAR_DIRECTORY ? 0 : *dataSize;
    entry->data = header + TAR_BLOCK;
    return 1;
}

// Move the reader past the member whose data is dataSize bytes (known to
// fit). Padding cut off by the end of the buffer ends the archive.
static void SkipMember(TarReader *reader, uint32_t dataSize)
{
    size_t room = reader->length - reader->offset - TAR_BLOCK;
    size_t padding = (TAR_BLOCK - dataSize % TAR_BLOCK) % TAR_BLOCK;

    if (padding > room - dataSize)
        reader->offset = reader->length;
    else
        reader->offset += TAR_BLOCK + dataSize + padding;
}

void TarOpen(TarReader *reader, const void *archive, size_t length)
{
    reader->archive = archive;
    reader->length = archive != NULL ? length : 0;
    reader->offset = 0;
}

int TarNext(TarReader *reader, TarEntry *entry)
{
    for (;;) {
        TarEntry found;
        uint32_t dataSize = 0;
        int status;

        if (reader->archive == NULL)
            return -(int)reader->offset;
        if (reader->offset == reader->length)
            return 0;
        if (reader->length - reader->offset < TAR_BLOCK)
            return Fail(reader, E_RANGE);
        if (IsZeroBlock(reader->archive + reader->offset))
            return ReadZeroBlock(reader);
        status = DecodeHeader(reader, &found, &dataSize);
        if (status < 0)
            return Fail(reader, status);
        SkipMember(reader, dataSize);
        if (status == 1) {
            *entry = found;
            return 1;
        }
    }
}

int TarFind(const void *archive, size_t length, const char *path, TarEntry *entry)
{
    TarReader reader;
    TarEntry current, match;
    int found = 0;
    int status;

    path = SkipLeading(path);
    TarOpen(&reader, archive, length);
    // A member stored twice (tar -r) is found as its last copy, as tar
    // extraction would leave it.
    while ((status = TarNext(&reader, &current)) == 1) {
        if (current.type == TAR_FILE && strcmp(current.name, path) == 0) {
            match = current;
            found = 1;
        }
    }
    if (status < 0)
        return status;
    if (!found)
        return E_NOENT;
    *entry = match;
    return 0;
}
