// Parsing ELF32 i386 executables.
//
// The loader maps what this parser returns without looking at the file
// again, so everything it relies on is checked here, once, against the
// buffer's real length: the identification bytes (32-bit, little-endian,
// i386, current version), the type (ET_EXEC, or ET_DYN moved up by a
// bias), the program header table bounds, and each PT_LOAD segment: its
// file bytes inside the file, its memory range free of 32-bit wrap-around,
// inside [low, high) and disjoint from every other segment, and its file
// offset congruent to its address modulo the page size whenever it asks
// for page alignment. The entry point must fall inside an executable
// segment. Programs that need an interpreter (PT_INTERP) are refused: there
// is no dynamic linker. ET_DYN images are not relocated here; a static
// position-independent program relocates itself.
//
// Fields are decoded byte by byte as little-endian, so the buffer needs no
// alignment and the code runs the same on any host. All sums that could
// overflow 32 bits are done in 64 bits. The result is built in a local
// ElfImage and copied out only when the whole file has been accepted.
#include <clanker/error.h>
#include <kernel/exec/elf.h>
#include <lib/string.h>

#define ELF_PAGE_SIZE 4096u

// e_ident indexes and values.
#define EI_CLASS      4
#define EI_DATA       5
#define EI_VERSION    6
#define EI_NIDENT     16
#define ELFCLASS32    1
#define ELFDATA2LSB   1
#define EV_CURRENT    1

#define ET_EXEC       2
#define ET_DYN        3
#define EM_386        3

#define PT_LOAD       1
#define PT_INTERP     3

#define ELF_EHDR_SIZE 52u
#define ELF_PHDR_SIZE 32u

// The ELF32 file header (only the fields the parser uses).
typedef struct Elf32Ehdr {
    uint16_t type;
    uint16_t machine;
    uint32_t version;
    uint32_t entry;
    uint32_t phoff;
    uint16_t phentsize;
    uint16_t phnum;
} Elf32Ehdr;

// An ELF32 program header.
typedef struct Elf32Phdr {
    uint32_t type;
    uint32_t offset;
    uint32_t vaddr;
    uint32_t paddr;
    uint32_t filesz;
    uint32_t memsz;
    uint32_t flags;
    uint32_t align;
} Elf32Phdr;

// Read little-endian integers from an unaligned byte pointer.
static uint16_t Read16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t Read32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16)
           | ((uint32_t)p[3] << 24);
}

// Check the identification bytes and decode the file header. Returns 0,
// E_NOEXEC if this is not an i386 ELF32 LSB executable, or E_INVAL if the
// header is cut short.
static int ReadHeader(const uint8_t *file, size_t length, Elf32Ehdr *header)
{
    if (length < EI_NIDENT || memcmp(file, "\177ELF", 4) != 0
        || file[EI_CLASS] != ELFCLASS32 || file[EI_DATA] != ELFDATA2LSB
        || file[EI_VERSION] != EV_CURRENT)
        return E_NOEXEC;
    if (length < ELF_EHDR_SIZE)
        return E_INVAL;
    header->type = Read16(file + 16);
    header->machine = Read16(file + 18);
    header->version = Read32(file + 20);
    header->entry = Read32(file + 24);
    header->phoff = Read32(file + 28);
    header->phentsize = Read16(file + 42);
    header->phnum = Read16(file + 44);
    if (header->type != ET_EXEC && header->type != ET_DYN)
        return E_NOEXEC;
    if (header->machine != EM_386 || header->version != EV_CURRENT)
        return E_NOEXEC;
    return 0;
}

// Decode program header index (already known to lie inside the file).
static void ReadPhdr(const uint8_t *file, const Elf32Ehdr *header,
                     uint32_t index, Elf32Phdr *phdr)
{
    const uint8_t *p = file + header->phoff + (size_t)index * ELF_PHDR_SIZE;

    phdr->type = Read32(p);
    phdr->offset = Read32(p + 4);
    phdr->vaddr = Read32(p + 8);
    phdr->paddr = Read32(p + 12);
    phdr->filesz = Read32(p + 16);
    phdr->memsz = Read32(p + 20);
    phdr->flags = Read32(p + 24);
    phdr->align = Read32(p + 28);
}

// Check the program header table's shape and bounds, then refuse any
// program that needs an interpreter. Returns 0, E_INVAL or E_NOEXEC.
static int CheckPhdrTable(const uint8_t *file, size_t length,
                          const Elf32Ehdr *header)
{
    Elf32Phdr phdr;

    if (header->phentsize != ELF_PHDR_SIZE || header->phnum == 0)
        return E_INVAL;
    if ((uint64_t)header->phoff + (uint64_t)header->phnum * ELF_PHDR_SIZE
        > (uint64_t)length)
        return E_INVAL;
    for (uint32_t i = 0; i < header->phnum; i++) {
        ReadPhdr(file, header, i, &phdr);
        if (phdr.type == PT_INTERP)
            return E_NOEXEC;
    }
    return 0;
}

// True if [aStart, aEnd) and [bStart, bEnd) share a byte.
static int Overlaps(uint64_t aStart, uint64_t aEnd, uint64_t bStart,
                    uint64_t bEnd)
{
    return aStart < bEnd && bStart < aEnd;
}

// Validate one PT_LOAD with memsz > 0 against the file, the address window
// and the segments accepted so far, then append it to image. Returns 0 or
// E_INVAL.
static int AddSegment(ElfImage *image, const Elf32Phdr *phdr, size_t length,
                      uint64_t shift, uint32_t low, uint32_t high)
{
    uint64_t start = (uint64_t)phdr->vaddr + shift;
    uint64_t end = start + phdr->memsz;
    ElfSegment *segment;

    if (image->segmentCount == ELF_MAX_SEGMENTS)
        return E_INVAL;
    if ((uint64_t)phdr->offset + phdr->filesz > (uint64_t)length)
        return E_INVAL;
    if (start < low || end > high)
        return E_INVAL;
    if (phdr->align >= ELF_PAGE_SIZE
        && phdr->offset % ELF_PAGE_SIZE != start % ELF_PAGE_SIZE)
        return E_INVAL;
    for (uint32_t i = 0; i < image->segmentCount; i++) {
        const ElfSegment *other = &image->segments[i];

        if (Overlaps(start, end, other->vaddr,
                     (uint64_t)other->vaddr + other->memSize))
            return E_INVAL;
    }
    segment = &image->segments[image->segmentCount++];
    segment->vaddr = (uint32_t)start;
    segment->memSize = phdr->memsz;
    segment->fileOffset = phdr->offset;
    segment->fileSize = phdr->filesz;
    segment->flags = phdr->flags
                     & (ELF_SEGMENT_EXEC | ELF_SEGMENT_WRITE | ELF_SEGMENT_READ);
    return 0;
}

// Collect every PT_LOAD into image (shifted by shift). Zero-sized ones are
// skipped. Returns 0 or E_INVAL (including when none is left).
static int CollectSegments(const uint8_t *file, size_t length,
                           const Elf32Ehdr *header, uint64_t shift,
                           uint32_t low, uint32_t high, ElfImage *image)
{
    Elf32Phdr phdr;
    int err;

    image->segmentCount = 0;
    for (uint32_t i = 0; i < header->phnum; i++) {
        ReadPhdr(file, header, i, &phdr);
        if (phdr.type != PT_LOAD)
            continue;
        if (phdr.filesz > phdr.memsz)
            return E_INVAL;
        if (phdr.memsz == 0)
            continue;
        err = AddSegment(image, &phdr, length, shift, low, high);
        if (err != 0)
            return err;
    }
    return image->segmentCount > 0 ? 0 : E_INVAL;
}

// Check that entry lies inside an executable segment of image.
static int CheckEntry(const ElfImage *image, uint64_t entry)
{
    for (uint32_t i = 0; i < image->segmentCount; i++) {
        const ElfSegment *segment = &image->segments[i];

        if ((segment->flags & ELF_SEGMENT_EXEC) && entry >= segment->vaddr
            && entry < (uint64_t)segment->vaddr + segment->memSize)
            return 0;
    }
    return E_INVAL;
}

// Compute the page-aligned bounds of image's segments; they must stay
// inside [low, high). Returns 0 or E_INVAL.
static int SetBounds(ElfImage *image, uint32_t low, uint32_t high)
{
    uint64_t lowest = UINT64_MAX;
    uint64_t highest = 0;

    for (uint32_t i = 0; i < image->segmentCount; i++) {
        const ElfSegment *segment = &image->segments[i];
        uint64_t end = (uint64_t)segment->vaddr + segment->memSize;

        if (segment->vaddr < lowest)
            lowest = segment->vaddr;
        if (end > highest)
            highest = end;
    }
    lowest &= ~(uint64_t)(ELF_PAGE_SIZE - 1);
    highest = (highest + ELF_PAGE_SIZE - 1) & ~(uint64_t)(ELF_PAGE_SIZE - 1);
    if (lowest < low || highest > high)
        return E_INVAL;
    image->lowest = (uint32_t)lowest;
    image->highest = (uint32_t)highest;
    return 0;
}

int ElfParse(const void *file, size_t length, uint32_t low, uint32_t high,
             uint32_t bias, ElfImage *image)
{
    const uint8_t *bytes = file;
    Elf32Ehdr header;
    ElfImage result;
    uint64_t shift;
    int err;

    err = ReadHeader(bytes, length, &header);
    if (err == 0)
        err = CheckPhdrTable(bytes, length, &header);
    if (err != 0)
        return err;
    memset(&result, 0, sizeof result);
    result.isDynamic = header.type == ET_DYN;
    shift = result.isDynamic ? bias : 0;
    err = CollectSegments(bytes, length, &header, shift, low, high, &result);
    if (err == 0)
        err = CheckEntry(&result, header.entry + shift);
    if (err == 0)
        err = SetBounds(&result, low, high);
    if (err != 0)
        return err;
    result.entry = (uint32_t)(header.entry + shift);
    *image = result;
    return 0;
}

// --- sections ------------------------------------------------------------------

#define ELF_SHDR_SIZE 40u
#define SHT_NOBITS    8

// Whether [offset, offset + size) lies inside a file of length bytes.
static int InFile(uint64_t offset, uint64_t size, size_t length)
{
    return offset <= length && size <= length - offset;
}

// The section header at index i (checked to be in the file by the caller).
static const uint8_t *SectionHeader(const uint8_t *f, uint32_t shoff, uint32_t i)
{
    return f + shoff + (uint64_t)i * ELF_SHDR_SIZE;
}

int ElfFindSection(const void *file, size_t length, const char *name, uint32_t *offset,
                   uint32_t *size)
{
    const uint8_t *f = file;
    uint32_t shoff, shnum, strIndex, strOffset, strSize;
    size_t nameLength = strlen(name);
    const uint8_t *names;

    /* decode: the header, the section table and its name table */
    if (length < ELF_EHDR_SIZE || f[0] != 0x7f || f[1] != 'E' || f[2] != 'L' || f[3] != 'F' ||
        f[EI_CLASS] != ELFCLASS32)
        return E_NOEXEC;
    shoff = Read32(f + 32);
    shnum = Read16(f + 48);
    strIndex = Read16(f + 50);
    if (shoff == 0 || shnum == 0)
        return E_NOENT;
    if (Read16(f + 46) != ELF_SHDR_SIZE || !InFile(shoff, (uint64_t)shnum * ELF_SHDR_SIZE, length) ||
        strIndex >= shnum)
        return E_NOEXEC;
    strOffset = Read32(SectionHeader(f, shoff, strIndex) + 16);
    strSize = Read32(SectionHeader(f, shoff, strIndex) + 20);
    if (!InFile(strOffset, strSize, length))
        return E_NOEXEC;
    names = f + strOffset;
    /* look for name */
    for (uint32_t i = 0; i < shnum; i++) {
        const uint8_t *h = SectionHeader(f, shoff, i);
        uint32_t at = Read32(h);
        if (at >= strSize || strSize - at <= nameLength ||
            memcmp(names + at, name, nameLength + 1) != 0)
            continue;
        if (Read32(h + 4) == SHT_NOBITS || !InFile(Read32(h + 16), Read32(h + 20), length))
            return E_NOEXEC;
        *offset = Read32(h + 16);
        *size = Read32(h + 20);
        return 0;
    }
    return E_NOENT;
}
