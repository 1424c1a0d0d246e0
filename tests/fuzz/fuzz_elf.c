// libFuzzer target for the ELF32 parser (kernel/exec/elf.c).
//
// The input is the file itself, copied into a heap buffer of exactly its
// size so AddressSanitizer catches any read past the end, and parsed with
// low = 0x1000, high = 0xC0000000 and bias = 0x40000000 (what a user
// process loader would pass), then again with the widest window [0,
// 0xFFFFFFFF) and bias 0xFFFFF000, where any missed 32-bit wrap-around
// would show.
//
// Invariants checked (abort() on violation):
//   - ElfParse returns 0, E_NOEXEC or E_INVAL, and leaves the image
//     untouched when it fails
//   - on success: 1..ELF_MAX_SEGMENTS segments, each with memSize > 0,
//     fileSize <= memSize, fileOffset + fileSize <= length, only
//     ELF_SEGMENT_* flag bits, and [vaddr, vaddr + memSize) inside
//     [low, high) without 32-bit wrap-around; no two segments share a byte
//   - the entry lies inside a segment with ELF_SEGMENT_EXEC
//   - lowest and highest are page-aligned, inside [low, high], and are the
//     tightest such bounds of all segments
//   - isDynamic matches the file's e_type
//   - ElfFindSection returns 0, E_NOENT or E_NOEXEC, and what it finds
//     lies inside the file
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <clanker/error.h>
#include <kernel/exec/elf.h>

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

#define PAGE 4096u

// One ElfParse call's address window and bias.
typedef struct Window {
    uint32_t low, high, bias;
} Window;

// Check one segment on its own.
static void CheckSegment(const ElfSegment *s, size_t length, Window w)
{
    uint64_t end = (uint64_t)s->vaddr + s->memSize;

    CHECK(s->memSize > 0);
    CHECK(s->fileSize <= s->memSize);
    CHECK((uint64_t)s->fileOffset + s->fileSize <= (uint64_t)length);
    CHECK((s->flags & ~(ELF_SEGMENT_EXEC | ELF_SEGMENT_WRITE
                        | ELF_SEGMENT_READ)) == 0);
    CHECK(s->vaddr >= w.low);
    CHECK(end <= w.high);
}

// Check the whole image of a successful parse.
static void CheckImage(const ElfImage *image, const uint8_t *file,
                       size_t length, Window w)
{
    uint64_t minStart = UINT64_MAX, maxEnd = 0;
    int entryOk = 0;

    CHECK(image->segmentCount >= 1 && image->segmentCount <= ELF_MAX_SEGMENTS);
    CHECK(image->isDynamic == (file[16] == 3 && file[17] == 0));
    for (uint32_t i = 0; i < image->segmentCount; i++) {
        const ElfSegment *s = &image->segments[i];
        uint64_t end = (uint64_t)s->vaddr + s->memSize;

        CheckSegment(s, length, w);
        for (uint32_t j = 0; j < i; j++) {
            const ElfSegment *t = &image->segments[j];
            CHECK(end <= t->vaddr || (uint64_t)t->vaddr + t->memSize <= s->vaddr);
        }
        if ((s->flags & ELF_SEGMENT_EXEC) && image->entry >= s->vaddr
            && image->entry < end)
            entryOk = 1;
        if (s->vaddr < minStart)
            minStart = s->vaddr;
        if (end > maxEnd)
            maxEnd = end;
    }
    CHECK(entryOk);
    CHECK(image->lowest % PAGE == 0 && image->highest % PAGE == 0);
    CHECK(image->lowest >= w.low && image->highest <= w.high);
    CHECK(image->lowest <= minStart && minStart - image->lowest < PAGE);
    CHECK(image->highest >= maxEnd && image->highest - maxEnd < PAGE);
}

// Parse file with window w and check the result.
static void ParseAndCheck(const uint8_t *file, size_t size, Window w)
{
    ElfImage image, before;
    int status;

    memset(&image, 0xA5, sizeof image);
    before = image;
    status = ElfParse(file, size, w.low, w.high, w.bias, &image);
    CHECK(status == 0 || status == E_NOEXEC || status == E_INVAL);
    if (status == 0)
        CheckImage(&image, file, size, w);
    else
        CHECK(memcmp(&image, &before, sizeof image) == 0);
}

// ElfFindSection answers 0, E_NOENT or E_NOEXEC, and a section it finds
// lies inside the file.
static void FindAndCheck(const uint8_t *file, size_t size)
{
    uint32_t offset = 0, length = 0;
    int status = ElfFindSection(file, size, ".clanker.kapi", &offset, &length);

    CHECK(status == 0 || status == E_NOENT || status == E_NOEXEC);
    if (status == 0)
        CHECK(offset <= size && length <= size - offset);
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size)
{
    uint8_t *file = malloc(size ? size : 1);

    CHECK(file != NULL);
    memcpy(file, input, size);
    ParseAndCheck(file, size, (Window){ 0x1000u, 0xC0000000u, 0x40000000u });
    ParseAndCheck(file, size, (Window){ 0, 0xFFFFFFFFu, 0xFFFFF000u });
    FindAndCheck(file, size);
    free(file);
    return 0;
}
