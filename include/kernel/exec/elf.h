// Parsing ELF32 i386 executables (kernel/exec/elf.c).
//
// Pure code over a byte buffer that checks everything a loader relies on
// before anything is mapped: header fields, program header bounds, each
// loadable segment (in the file, no wrap-around, inside the allowed
// address range, no overlap with another), and an entry point inside an
// executable segment. Runs in the kernel, in host tests and under a fuzzer.
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 16

// Segment permission flags (the ELF p_flags bits).
#define ELF_SEGMENT_EXEC  0x1u
#define ELF_SEGMENT_WRITE 0x2u
#define ELF_SEGMENT_READ  0x4u

typedef struct ElfSegment {
    uint32_t vaddr;         // where it goes (bias applied for ET_DYN)
    uint32_t memSize;       // bytes in memory (>= fileSize; rest zeroed)
    uint32_t fileOffset;
    uint32_t fileSize;
    uint32_t flags;         // ELF_SEGMENT_*
} ElfSegment;

typedef struct ElfImage {
    uint32_t entry;         // bias applied for ET_DYN
    int isDynamic;          // ET_DYN (position independent), loaded at bias
    uint32_t segmentCount;
    ElfSegment segments[ELF_MAX_SEGMENTS];
    uint32_t lowest;        // lowest segment address, page-aligned down
    uint32_t highest;       // end of the highest segment, page-aligned up
} ElfImage;

// Parse file[0, length). ET_EXEC segments must lie in [low, high); ET_DYN
// images are moved up by bias first and must then lie there too. Returns
// 0, or E_NOEXEC (not an i386 ELF executable, or needs an interpreter)
// or E_INVAL (malformed: anything out of bounds, overlapping, too many
// segments, entry outside executable code).
int ElfParse(const void *file, size_t length, uint32_t low, uint32_t high,
             uint32_t bias, ElfImage *image);

// Find the section called name in the ELF32 file [file, file + length):
// its bytes are [*offset, *offset + *size) of the file. Returns 0,
// E_NOENT (no such section, or no section table) or E_NOEXEC (a section
// table, name table or that section outside the file, or malformed).
int ElfFindSection(const void *file, size_t length, const char *name, uint32_t *offset,
                   uint32_t *size);

#endif
