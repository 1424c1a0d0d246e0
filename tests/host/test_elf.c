// Host unit tests for kernel/exec/elf.c (ELF32 i386 executable parser).
//
// Images are built in memory: a 12 KiB file with the ELF header at 0, the
// program headers right after it, "code" at 0x1000 and "data" at 0x2000.
// Each test starts from a valid two-segment executable and breaks one rule.
// Files live in buffers of exactly their length, so AddressSanitizer
// catches any read past the end. tests/host/data/hello.elf is a real
// static i386 binary (gcc -m32 -ffreestanding -nostdlib -static -no-pie
// -Wl,-Ttext=0x08048000 -Wl,--build-id=none, from
// "void _start(void){for(;;);}"); readelf -l shows four PT_LOADs:
//   offset   vaddr      filesz memsz flags
//   0x000000 0x08047000 0x0f4  0x0f4 R
//   0x001000 0x08048000 0x013  0x013 R E
//   0x002000 0x08049000 0x048  0x048 R
//   0x002ff4 0x0804aff4 0x00c  0x00c RW
// plus GNU_STACK and GNU_RELRO, entry 0x08048000 (= _start, per nm).
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
#include <kernel/exec/elf.h>

#define HELLO_PATH "tests/host/data/hello.elf"

#define LOW  0x1000u
#define HIGH 0xC0000000u
#define BIAS 0x40000000u

#define FILE_SIZE 0x3000u
#define TEXT_ADDR 0x08048000u
#define DATA_ADDR 0x08049000u

#define PT_NULL    0
#define PT_LOAD    1
#define PT_DYNAMIC 2
#define PT_INTERP  3
#define PT_NOTE    4
#define PT_GNU_STACK 0x6474e551u

#define RX (ELF_SEGMENT_READ | ELF_SEGMENT_EXEC)
#define RW (ELF_SEGMENT_READ | ELF_SEGMENT_WRITE)

typedef struct ElfFile {
    uint8_t *bytes;
    size_t length;
} ElfFile;

static void Put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void Put32(uint8_t *p, uint32_t v)
{
    Put16(p, (uint16_t)v);
    Put16(p + 2, (uint16_t)(v >> 16));
}

static uint16_t PhdrCount(const ElfFile *f)
{
    return (uint16_t)(f->bytes[44] | (f->bytes[45] << 8));
}

// Start an image of FILE_SIZE bytes with a header and no program headers.
static void ElfInit(ElfFile *f, uint16_t type, uint32_t entry)
{
    static const uint8_t ident[16] = { 0x7f, 'E', 'L', 'F', 1, 1, 1 };

    f->length = FILE_SIZE;
    f->bytes = calloc(1, f->length);
    assert_non_null(f->bytes);
    memcpy(f->bytes, ident, sizeof ident);
    Put16(f->bytes + 16, type);
    Put16(f->bytes + 18, 3);            // EM_386
    Put32(f->bytes + 20, 1);            // EV_CURRENT
    Put32(f->bytes + 24, entry);
    Put32(f->bytes + 28, 52);           // e_phoff
    Put16(f->bytes + 40, 52);           // e_ehsize
    Put16(f->bytes + 42, 32);           // e_phentsize
    memcpy(f->bytes + 0x1000, "\xeb\xfe", 2);  // jmp .
    memcpy(f->bytes + 0x2000, "data", 4);
}

// Append a program header (before the code at 0x1000).
static void AddPhdr(ElfFile *f, uint32_t type, uint32_t offset, uint32_t vaddr,
                    uint32_t filesz, uint32_t memsz, uint32_t flags,
                    uint32_t align)
{
    uint16_t n = PhdrCount(f);
    uint8_t *p = f->bytes + 52 + 32 * n;

    assert_true(52 + 32 * (n + 1) <= 0x1000);
    Put32(p, type);
    Put32(p + 4, offset);
    Put32(p + 8, vaddr);
    Put32(p + 12, vaddr);
    Put32(p + 16, filesz);
    Put32(p + 20, memsz);
    Put32(p + 24, flags);
    Put32(p + 28, align);
    Put16(f->bytes + 44, (uint16_t)(n + 1));
}

// Program header index as a pointer, to patch one field (offset in bytes).
static void PatchPhdr(ElfFile *f, int index, int field, uint32_t value)
{
    Put32(f->bytes + 52 + 32 * index + field, value);
}

// The valid baseline: text (RX) at TEXT_ADDR, data+bss (RW) at DATA_ADDR.
static void Standard(ElfFile *f, uint16_t type, uint32_t textAddr)
{
    ElfInit(f, type, textAddr);
    AddPhdr(f, PT_LOAD, 0x1000, textAddr, 0x100, 0x100, RX, 0x1000);
    AddPhdr(f, PT_LOAD, 0x2000, textAddr + 0x1000, 0x80, 0x1800, RW, 0x1000);
}

// Make the file exactly length bytes (zero-filling any growth).
static void Resize(ElfFile *f, size_t length)
{
    f->bytes = realloc(f->bytes, length ? length : 1);
    assert_non_null(f->bytes);
    if (length > f->length)
        memset(f->bytes + f->length, 0, length - f->length);
    f->length = length;
}

static int Parse(const ElfFile *f, ElfImage *image)
{
    return ElfParse(f->bytes, f->length, LOW, HIGH, BIAS, image);
}

// Assert parsing fails with error and leaves the image untouched.
static void ExpectError(const ElfFile *f, int error)
{
    ElfImage image, before;

    memset(&image, 0xA5, sizeof image);
    before = image;
    assert_int_equal(Parse(f, &image), error);
    assert_memory_equal(&image, &before, sizeof image);
}

static void ExpectSegment(const ElfSegment *s, uint32_t vaddr, uint32_t memSize,
                          uint32_t fileOffset, uint32_t fileSize,
                          uint32_t flags)
{
    assert_int_equal(s->vaddr, vaddr);
    assert_int_equal(s->memSize, memSize);
    assert_int_equal(s->fileOffset, fileOffset);
    assert_int_equal(s->fileSize, fileSize);
    assert_int_equal(s->flags, flags);
}

static void TestValidExec(void **state)
{
    ElfFile f;
    ElfImage image;

    (void)state;
    Standard(&f, 2, TEXT_ADDR);
    AddPhdr(&f, PT_GNU_STACK, 0, 0, 0, 0, RW, 16);
    AddPhdr(&f, PT_NOTE, 0x1000, TEXT_ADDR, 2, 2, 4, 4);
    assert_int_equal(Parse(&f, &image), 0);
    assert_int_equal(image.entry, TEXT_ADDR);
    assert_int_equal(image.isDynamic, 0);
    assert_int_equal(image.segmentCount, 2);
    ExpectSegment(&image.segments[0], TEXT_ADDR, 0x100, 0x1000, 0x100, RX);
    ExpectSegment(&image.segments[1], DATA_ADDR, 0x1800, 0x2000, 0x80, RW);
    assert_int_equal(image.lowest, TEXT_ADDR);
    assert_int_equal(image.highest, DATA_ADDR + 0x2000);
    // The bias is for ET_DYN only.
    assert_int_equal(ElfParse(f.bytes, f.length, LOW, HIGH, 0x1234000, &image), 0);
    assert_int_equal(image.entry, TEXT_ADDR);
    assert_int_equal(image.segments[0].vaddr, TEXT_ADDR);
    free(f.bytes);
}

static void TestValidDynamic(void **state)
{
    ElfFile f;
    ElfImage image;

    (void)state;
    Standard(&f, 3, 0);
    Put32(f.bytes + 24, 0x10);      // entry inside the text
    AddPhdr(&f, PT_DYNAMIC, 0x2000, 0x1000, 0x10, 0x10, RW, 4);
    assert_int_equal(Parse(&f, &image), 0);
    assert_int_equal(image.isDynamic, 1);
    assert_int_equal(image.entry, BIAS + 0x10);
    assert_int_equal(image.segmentCount, 2);
    ExpectSegment(&image.segments[0], BIAS, 0x100, 0x1000, 0x100, RX);
    ExpectSegment(&image.segments[1], BIAS + 0x1000, 0x1800, 0x2000, 0x80, RW);
    assert_int_equal(image.lowest, BIAS);
    assert_int_equal(image.highest, BIAS + 0x3000);
    // Unbiased, address 0 is below low.
    assert_int_equal(ElfParse(f.bytes, f.length, LOW, HIGH, 0, &image), E_INVAL);
    // A bias that pushes the image past high.
    assert_int_equal(ElfParse(f.bytes, f.length, LOW, HIGH, HIGH - 0x2000, &image),
                     E_INVAL);
    assert_int_equal(ElfParse(f.bytes, f.length, LOW, HIGH, HIGH - 0x3000, &image), 0);
    // A bias that wraps past 4 GiB.
    assert_int_equal(ElfParse(f.bytes, f.length, 0, 0xFFFFFFFFu, 0xFFFFF000u, &image),
                     E_INVAL);
    free(f.bytes);
}

static void TestNotElf(void **state)
{
    static const struct { int offset; uint8_t value; } breaks[] = {
        { 0, 0x7e }, { 1, 'e' }, { 3, 'f' },
        { 4, 2 },       // ELFCLASS64
        { 4, 0 },
        { 5, 2 },       // big-endian
        { 6, 0 },       // EI_VERSION
        { 16, 1 },      // ET_REL
        { 16, 4 },      // ET_CORE
        { 16, 0 },
        { 18, 62 },     // EM_X86_64
        { 18, 40 },     // EM_ARM
        { 20, 0 },      // e_version
        { 20, 2 },
    };
    ElfFile f;

    (void)state;
    for (size_t i = 0; i < sizeof breaks / sizeof breaks[0]; i++) {
        uint8_t saved;

        Standard(&f, 2, TEXT_ADDR);
        saved = f.bytes[breaks[i].offset];
        f.bytes[breaks[i].offset] = breaks[i].value;
        assert_int_not_equal(saved, breaks[i].value);
        ExpectError(&f, E_NOEXEC);
        free(f.bytes);
    }
    // Too short to identify, or empty.
    Standard(&f, 2, TEXT_ADDR);
    Resize(&f, 15);
    ExpectError(&f, E_NOEXEC);
    Resize(&f, 0);
    ExpectError(&f, E_NOEXEC);
    free(f.bytes);
    assert_int_equal(ElfParse(NULL, 0, LOW, HIGH, BIAS, &(ElfImage){ 0 }), E_NOEXEC);
    ExpectError(&(ElfFile){ (uint8_t *)"#!/bin/sh\nexit 0\n" "........"
                            "...........................", 52 }, E_NOEXEC);
}

static void TestTruncatedHeader(void **state)
{
    ElfFile f;

    (void)state;
    Standard(&f, 2, TEXT_ADDR);
    for (size_t length = 16; length < 52; length++) {
        Resize(&f, length);
        ExpectError(&f, E_INVAL);
    }
    free(f.bytes);
}

static void TestInterpreter(void **state)
{
    ElfFile f;

    (void)state;
    Standard(&f, 2, TEXT_ADDR);
    AddPhdr(&f, PT_INTERP, 0x2000, DATA_ADDR, 4, 4, ELF_SEGMENT_READ, 1);
    ExpectError(&f, E_NOEXEC);
    free(f.bytes);
    // Even before the loads, and for ET_DYN.
    ElfInit(&f, 3, 0x10);
    AddPhdr(&f, PT_INTERP, 0x2000, 0, 4, 4, ELF_SEGMENT_READ, 1);
    AddPhdr(&f, PT_LOAD, 0x1000, 0, 0x100, 0x100, RX, 0x1000);
    ExpectError(&f, E_NOEXEC);
    free(f.bytes);
}

static void TestPhdrTable(void **state)
{
    ElfFile f;
    ElfImage image;

    (void)state;
    Standard(&f, 2, TEXT_ADDR);
    Put16(f.bytes + 42, 40);            // e_phentsize
    ExpectError(&f, E_INVAL);
    Put16(f.bytes + 42, 0);
    ExpectError(&f, E_INVAL);
    Put16(f.bytes + 42, 32);
    Put16(f.bytes + 44, 0);             // e_phnum
    ExpectError(&f, E_INVAL);
    Put16(f.bytes + 44, 2);
    // Table ending exactly at the end of the file is fine.
    memcpy(f.bytes + FILE_SIZE - 64, f.bytes + 52, 64);
    Put32(f.bytes + 28, FILE_SIZE - 64);
    assert_int_equal(Parse(&f, &image), 0);
    assert_int_equal(image.segmentCount, 2);
    Put32(f.bytes + 28, FILE_SIZE - 63);
    ExpectError(&f, E_INVAL);
    Put32(f.bytes + 28, FILE_SIZE);
    ExpectError(&f, E_INVAL);
    // Offsets that wrap in 32 bits.
    Put32(f.bytes + 28, 0xFFFFFFF0u);
    ExpectError(&f, E_INVAL);
    Put32(f.bytes + 28, 0xFFFFFFFFu);
    ExpectError(&f, E_INVAL);
    // A huge phnum does not read past the end.
    Put32(f.bytes + 28, 52);
    Put16(f.bytes + 44, 0xFFFF);
    ExpectError(&f, E_INVAL);
    free(f.bytes);
}

static void TestLoadCount(void **state)
{
    ElfFile f;
    ElfImage image;

    (void)state;
    ElfInit(&f, 2, TEXT_ADDR);
    AddPhdr(&f, PT_NOTE, 0x1000, TEXT_ADDR, 2, 2, RX, 4);
    ExpectError(&f, E_INVAL);           // no PT_LOAD at all
    AddPhdr(&f, PT_LOAD, 0x1000, TEXT_ADDR, 0, 0, RX, 0x1000);
    ExpectError(&f, E_INVAL);           // only an empty one
    free(f.bytes);

    ElfInit(&f, 2, TEXT_ADDR);
    for (uint32_t i = 0; i < ELF_MAX_SEGMENTS; i++) {
        AddPhdr(&f, PT_LOAD, 0x1000, TEXT_ADDR + i * 0x1000, 0x10, 0x10,
                i == 0 ? RX : ELF_SEGMENT_READ, 0x1000);
        // Empty ones, even with nonsense fields, are skipped.
        AddPhdr(&f, PT_LOAD, 0xFFFFFFFFu, 0xFFFFFFFFu, 0, 0, 0, 3);
    }
    assert_int_equal(Parse(&f, &image), 0);
    assert_int_equal(image.segmentCount, ELF_MAX_SEGMENTS);
    for (uint32_t i = 0; i < ELF_MAX_SEGMENTS; i++)
        assert_int_equal(image.segments[i].vaddr, TEXT_ADDR + i * 0x1000);
    assert_int_equal(image.highest, TEXT_ADDR + ELF_MAX_SEGMENTS * 0x1000);
    AddPhdr(&f, PT_LOAD, 0x1000, TEXT_ADDR + 0x100000, 0x10, 0x10, RX, 0x1000);
    ExpectError(&f, E_INVAL);
    free(f.bytes);
}

static void TestFileBounds(void **state)
{
    ElfFile f;
    ElfImage image;

    (void)state;
    Standard(&f, 2, TEXT_ADDR);
    PatchPhdr(&f, 0, 16, 0x101);        // filesz > memsz, inside the file
    ExpectError(&f, E_INVAL);
    PatchPhdr(&f, 0, 16, 0x100);
    PatchPhdr(&f, 1, 16, 0x1000);       // 0x2000 + 0x1000 = the file's end
    assert_int_equal(Parse(&f, &image), 0);
    PatchPhdr(&f, 1, 16, 0x1001);       // one byte past it
    ExpectError(&f, E_INVAL);
    PatchPhdr(&f, 1, 16, 0x80);
    PatchPhdr(&f, 1, 4, 0xFFFFF000u);   // past the end
    PatchPhdr(&f, 1, 8, 0x0804A000u);
    ExpectError(&f, E_INVAL);
    PatchPhdr(&f, 1, 16, 0x1080);       // offset + filesz wraps to 0x80
    ExpectError(&f, E_INVAL);
    PatchPhdr(&f, 1, 4, FILE_SIZE);     // at the end with no file bytes: fine
    PatchPhdr(&f, 1, 16, 0);
    assert_int_equal(Parse(&f, &image), 0);
    PatchPhdr(&f, 1, 4, FILE_SIZE + 0x1000);
    assert_int_equal(Parse(&f, &image), E_INVAL);
    free(f.bytes);
}

static void TestAddressRange(void **state)
{
    ElfFile f;
    ElfImage image;

    (void)state;
    Standard(&f, 2, TEXT_ADDR);
    PatchPhdr(&f, 1, 8, HIGH - 0x1800);     // data ends exactly at high
    PatchPhdr(&f, 1, 4, 0x2800);
    PatchPhdr(&f, 1, 16, 0x10);
    assert_int_equal(Parse(&f, &image), 0);
    assert_int_equal(image.highest, HIGH);
    PatchPhdr(&f, 1, 20, 0x1801);           // one byte past high
    ExpectError(&f, E_INVAL);
    free(f.bytes);
    // Below low, and starting exactly at low.
    Standard(&f, 2, LOW - 0x1000);
    ExpectError(&f, E_INVAL);
    free(f.bytes);
    Standard(&f, 2, LOW);
    assert_int_equal(Parse(&f, &image), 0);
    assert_int_equal(image.lowest, LOW);
    free(f.bytes);
    // vaddr + memsz wraps in 32 bits, even with the widest window.
    Standard(&f, 2, TEXT_ADDR);
    PatchPhdr(&f, 1, 8, 0xFFFFF000u);
    PatchPhdr(&f, 1, 4, 0x2000);
    assert_int_equal(ElfParse(f.bytes, f.length, 0, 0xFFFFFFFFu, 0, &image), E_INVAL);
    free(f.bytes);
}

static void TestPageRounding(void **state)
{
    ElfFile f;
    ElfImage image;

    (void)state;
    Standard(&f, 2, TEXT_ADDR);
    // Inside [low, high) byte for byte, but its last page is not.
    assert_int_equal(ElfParse(f.bytes, f.length, LOW, DATA_ADDR + 0x2000,
                              BIAS, &image), 0);
    assert_int_equal(image.highest, DATA_ADDR + 0x2000);
    assert_int_equal(ElfParse(f.bytes, f.length, LOW, DATA_ADDR + 0x1800,
                              BIAS, &image), E_INVAL);
    assert_int_equal(ElfParse(f.bytes, f.length, LOW, DATA_ADDR + 0x1FFF,
                              BIAS, &image), E_INVAL);
    // Likewise for the first page below an unaligned low.
    PatchPhdr(&f, 0, 8, TEXT_ADDR + 0x800);
    PatchPhdr(&f, 0, 4, 0x1800);
    Put32(f.bytes + 24, TEXT_ADDR + 0x800);
    assert_int_equal(ElfParse(f.bytes, f.length, TEXT_ADDR + 0x800, HIGH,
                              BIAS, &image), E_INVAL);
    assert_int_equal(ElfParse(f.bytes, f.length, TEXT_ADDR, HIGH, BIAS, &image), 0);
    assert_int_equal(image.lowest, TEXT_ADDR);
    free(f.bytes);
}

static void TestAlignment(void **state)
{
    ElfFile f;
    ElfImage image;

    (void)state;
    Standard(&f, 2, TEXT_ADDR);
    PatchPhdr(&f, 1, 8, DATA_ADDR + 0x10);  // offset 0x2000, vaddr ...010
    ExpectError(&f, E_INVAL);
    PatchPhdr(&f, 1, 28, 0x10000);
    ExpectError(&f, E_INVAL);
    PatchPhdr(&f, 1, 28, 0x800);            // not page-aligned: no constraint
    assert_int_equal(Parse(&f, &image), 0);
    PatchPhdr(&f, 1, 28, 0);
    assert_int_equal(Parse(&f, &image), 0);
    PatchPhdr(&f, 1, 28, 0x1000);
    PatchPhdr(&f, 1, 4, 0x2010);            // congruent again
    assert_int_equal(Parse(&f, &image), 0);
    assert_int_equal(image.segments[1].vaddr, DATA_ADDR + 0x10);
    free(f.bytes);
}

static void TestOverlap(void **state)
{
    ElfFile f;
    ElfImage image;

    (void)state;
    Standard(&f, 2, TEXT_ADDR);
    PatchPhdr(&f, 1, 8, TEXT_ADDR + 0xFF);  // last text byte
    PatchPhdr(&f, 1, 4, 0x20FF);
    PatchPhdr(&f, 1, 28, 1);
    ExpectError(&f, E_INVAL);
    PatchPhdr(&f, 1, 8, TEXT_ADDR + 0x100); // adjacent, same page: fine
    PatchPhdr(&f, 1, 4, 0x2100);
    assert_int_equal(Parse(&f, &image), 0);
    assert_int_equal(image.highest, TEXT_ADDR + 0x2000);
    // Ending exactly where an earlier one starts: fine.
    PatchPhdr(&f, 1, 8, TEXT_ADDR - 0x1800);
    PatchPhdr(&f, 1, 4, 0x2800);
    PatchPhdr(&f, 1, 16, 0x10);
    assert_int_equal(Parse(&f, &image), 0);
    assert_int_equal(image.lowest, TEXT_ADDR - 0x2000);
    PatchPhdr(&f, 1, 20, 0x1801);       // one byte into the text
    ExpectError(&f, E_INVAL);
    PatchPhdr(&f, 1, 20, 0x1800);
    PatchPhdr(&f, 1, 16, 0x80);
    // One containing the other, either way round.
    PatchPhdr(&f, 1, 8, TEXT_ADDR - 0x1000);
    PatchPhdr(&f, 1, 4, 0x2000);
    PatchPhdr(&f, 1, 20, 0x3000);
    ExpectError(&f, E_INVAL);
    PatchPhdr(&f, 1, 8, TEXT_ADDR + 0x10);
    PatchPhdr(&f, 1, 4, 0x2010);
    PatchPhdr(&f, 1, 16, 0x10);
    PatchPhdr(&f, 1, 20, 0x10);
    ExpectError(&f, E_INVAL);
    // Identical ranges.
    PatchPhdr(&f, 1, 8, TEXT_ADDR);
    PatchPhdr(&f, 1, 4, 0x2000);
    PatchPhdr(&f, 1, 20, 0x100);
    ExpectError(&f, E_INVAL);
    free(f.bytes);
}

static void TestEntry(void **state)
{
    static const struct { uint32_t entry; int ok; } cases[] = {
        { TEXT_ADDR, 1 }, { TEXT_ADDR + 0xFF, 1 }, { TEXT_ADDR + 0x100, 0 },
        { TEXT_ADDR - 1, 0 }, { DATA_ADDR, 0 }, { DATA_ADDR + 0x100, 0 },
        { 0, 0 }, { 0xFFFFFFFFu, 0 },
    };
    ElfFile f;
    ElfImage image;

    (void)state;
    Standard(&f, 2, TEXT_ADDR);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Put32(f.bytes + 24, cases[i].entry);
        if (cases[i].ok) {
            assert_int_equal(Parse(&f, &image), 0);
            assert_int_equal(image.entry, cases[i].entry);
        } else {
            ExpectError(&f, E_INVAL);
        }
    }
    // The zero-filled tail of an executable segment still counts.
    PatchPhdr(&f, 0, 20, 0x200);
    Put32(f.bytes + 24, TEXT_ADDR + 0x1FF);
    assert_int_equal(Parse(&f, &image), 0);
    // A segment with no exec flag cannot hold it, whatever else it has.
    PatchPhdr(&f, 0, 24, RW);
    ExpectError(&f, E_INVAL);
    PatchPhdr(&f, 0, 24, ELF_SEGMENT_EXEC);
    assert_int_equal(Parse(&f, &image), 0);
    assert_int_equal(image.segments[0].flags, ELF_SEGMENT_EXEC);
    // Extra p_flags bits are dropped.
    PatchPhdr(&f, 0, 24, 0xF0000005u);
    assert_int_equal(Parse(&f, &image), 0);
    assert_int_equal(image.segments[0].flags, RX);
    free(f.bytes);
    // ET_DYN: the entry is biased too, and an unbiased one misses.
    Standard(&f, 3, 0x1000);
    Put32(f.bytes + 24, BIAS + 0x1000);
    ExpectError(&f, E_INVAL);
    free(f.bytes);
}

// Every prefix shorter than the last segment's file bytes fails; the rest
// succeed and agree with the full parse.
static void TestHelloElf(void **state)
{
    FILE *file = fopen(HELLO_PATH, "rb");
    uint8_t *bytes;
    long size;
    ElfImage image;

    (void)state;
    assert_non_null(file);
    assert_int_equal(fseek(file, 0, SEEK_END), 0);
    size = ftell(file);
    rewind(file);
    bytes = malloc((size_t)size);
    assert_non_null(bytes);
    assert_int_equal(fread(bytes, 1, (size_t)size, file), (size_t)size);
    fclose(file);

    assert_int_equal(ElfParse(bytes, (size_t)size, LOW, HIGH, BIAS, &image), 0);
    assert_int_equal(image.isDynamic, 0);
    assert_int_equal(image.entry, 0x08048000u);
    assert_int_equal(image.segmentCount, 4);
    ExpectSegment(&image.segments[0], 0x08047000u, 0xf4, 0, 0xf4, ELF_SEGMENT_READ);
    ExpectSegment(&image.segments[1], 0x08048000u, 0x13, 0x1000, 0x13, RX);
    ExpectSegment(&image.segments[2], 0x08049000u, 0x48, 0x2000, 0x48,
                  ELF_SEGMENT_READ);
    ExpectSegment(&image.segments[3], 0x0804aff4u, 0xc, 0x2ff4, 0xc, RW);
    assert_int_equal(image.lowest, 0x08047000u);
    assert_int_equal(image.highest, 0x0804b000u);
    // The entry is the first byte of _start's prologue.
    assert_int_equal(bytes[image.segments[1].fileOffset], 0x55);    // push ebp
    for (long length = 0; length <= size; length += length < 0x3100 ? 1 : 64) {
        uint8_t *copy = malloc(length ? (size_t)length : 1);
        ElfImage cut;
        int status;

        memcpy(copy, bytes, (size_t)length);
        status = ElfParse(copy, (size_t)length, LOW, HIGH, BIAS, &cut);
        if (length < 0x3000) {
            assert_true(status == E_NOEXEC || status == E_INVAL);
        } else {
            assert_int_equal(status, 0);
            assert_memory_equal(&cut, &image, sizeof image);
        }
        free(copy);
    }
    // A window that excludes the lowest page rejects it.
    assert_int_equal(ElfParse(bytes, (size_t)size, 0x08048000u, HIGH, BIAS, &image),
                     E_INVAL);
    free(bytes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestValidExec),
        cmocka_unit_test(TestValidDynamic),
        cmocka_unit_test(TestNotElf),
        cmocka_unit_test(TestTruncatedHeader),
        cmocka_unit_test(TestInterpreter),
        cmocka_unit_test(TestPhdrTable),
        cmocka_unit_test(TestLoadCount),
        cmocka_unit_test(TestFileBounds),
        cmocka_unit_test(TestAddressRange),
        cmocka_unit_test(TestPageRounding),
        cmocka_unit_test(TestAlignment),
        cmocka_unit_test(TestOverlap),
        cmocka_unit_test(TestEntry),
        cmocka_unit_test(TestHelloElf),
    };

    return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
