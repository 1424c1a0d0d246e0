// The global descriptor table and the task state segment.
//
// A flat model: every code and data segment spans 0-4 GiB; protection
// comes from paging. Entries:
//   0 null, 1 kernel code, 2 kernel data, 3 user code, 4 user data, 5 TSS,
//   6 TLS.
// The TSS is used only for its ring-0 stack (esp0/ss0), which the CPU loads
// on a trap from ring 3. The TLS slot holds the running process's
// thread-local storage segment (set_thread_area, through the POSIX
// layer): the scheduler rewrites it at every switch, and a program loads
// it into %gs itself. Its base lies in user space; should its limit reach
// the kernel half, paging still keeps ring 3 out.
#include <stdint.h>
#include <clanker/error.h>
#include <lib/string.h>
#include <arch/x86/descriptor.h>
#include <arch/x86/layout.h>

typedef struct __attribute__((packed)) GdtEntry {
    uint16_t limitLow;
    uint16_t baseLow;
    uint8_t baseMid;
    uint8_t access;
    uint8_t flagsLimitHigh;
    uint8_t baseHigh;
} GdtEntry;

typedef struct __attribute__((packed)) DescriptorPointer {
    uint16_t limit;
    uint32_t base;
} DescriptorPointer;

typedef struct __attribute__((packed)) Tss {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomapBase;
} Tss;

#define GDT_ENTRIES 7

// Access bytes (Intel SDM vol. 3, 3.4.5).
#define ACCESS_KERNEL_CODE 0x9a
#define ACCESS_KERNEL_DATA 0x92
#define ACCESS_USER_CODE   0xfa
#define ACCESS_USER_DATA   0xf2
#define ACCESS_TSS         0x89
#define ACCESS_WRITABLE    0x02
#define ACCESS_ACCESSED    0x01     // set up front: the CPU need not write it
#define FLAGS_4K_32BIT     0xc0
#define FLAGS_4K           0x80
#define FLAGS_32BIT        0x40
#define FLAGS_AVAILABLE    0x10

// struct user_desc flag bits (Linux asm/ldt.h).
#define TLS_SEG_32BIT       0x01
#define TLS_CONTENTS        0x06
#define TLS_READ_EXEC_ONLY  0x08
#define TLS_LIMIT_IN_PAGES  0x10
#define TLS_SEG_NOT_PRESENT 0x20
#define TLS_USEABLE         0x40
#define TLS_KNOWN           0x7f
#define TLS_LIMIT_MAX       0xfffffu

static GdtEntry gdt[GDT_ENTRIES];
static Tss tss;

static GdtEntry Entry(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    return (GdtEntry){
        .limitLow = limit & 0xffff,
        .baseLow = base & 0xffff,
        .baseMid = (base >> 16) & 0xff,
        .access = access,
        .flagsLimitHigh = (uint8_t)(flags | ((limit >> 16) & 0x0f)),
        .baseHigh = (base >> 24) & 0xff,
    };
}

static void SetEntry(int index, uint32_t base, uint32_t limit, uint8_t access,
                     uint8_t flags)
{
    gdt[index] = Entry(base, limit, access, flags);
}

// Load the GDT, reload every segment register, and load the task register.
void GdtInit(void)
{
    DescriptorPointer ptr = { sizeof(gdt) - 1, (uint32_t)(uintptr_t)gdt };

    SetEntry(1, 0, 0xfffff, ACCESS_KERNEL_CODE, FLAGS_4K_32BIT);
    SetEntry(2, 0, 0xfffff, ACCESS_KERNEL_DATA, FLAGS_4K_32BIT);
    SetEntry(3, 0, 0xfffff, ACCESS_USER_CODE, FLAGS_4K_32BIT);
    SetEntry(4, 0, 0xfffff, ACCESS_USER_DATA, FLAGS_4K_32BIT);
    tss.ss0 = GDT_KERNEL_DATA;
    tss.iomapBase = sizeof(tss);        // no I/O bitmap: ring 3 gets no ports
    SetEntry(5, (uint32_t)(uintptr_t)&tss, sizeof(tss) - 1, ACCESS_TSS, 0);
    GdtSetTls(0);

    __asm__ volatile(
        "lgdt %0\n"
        "ljmp %1, $1f\n"
        "1: mov %2, %%ax\n"
        "mov %%ax, %%ds\n"
        "mov %%ax, %%es\n"
        "mov %%ax, %%fs\n"
        "mov %%ax, %%gs\n"
        "mov %%ax, %%ss\n"
        "mov %3, %%ax\n"
        "ltr %%ax\n"
        "xor %%eax, %%eax\n"
        "lldt %%ax\n"              // no LDT: selectors with TI set fault
        : : "m"(ptr), "i"(GDT_KERNEL_CODE), "i"(GDT_KERNEL_DATA), "i"(GDT_TSS)
        : "eax", "memory");
}

void GdtSetKernelStack(uint32_t esp0)
{
    tss.esp0 = esp0;
}

int GdtMakeTls(uint32_t base, uint32_t limit, uint32_t flags, uint64_t *descriptor)
{
    uint8_t access = ACCESS_USER_DATA | ACCESS_ACCESSED;
    uint8_t segmentFlags = FLAGS_32BIT;
    GdtEntry entry;

    if ((flags & ~TLS_KNOWN) || !(flags & TLS_SEG_32BIT) || (flags & TLS_CONTENTS) ||
        (flags & TLS_SEG_NOT_PRESENT) || limit > TLS_LIMIT_MAX || base >= USER_LIMIT)
        return E_INVAL;
    if (flags & TLS_READ_EXEC_ONLY)
        access &= (uint8_t)~ACCESS_WRITABLE;
    if (flags & TLS_LIMIT_IN_PAGES)
        segmentFlags |= FLAGS_4K;
    if (flags & TLS_USEABLE)
        segmentFlags |= FLAGS_AVAILABLE;
    entry = Entry(base, limit, access, segmentFlags);
    memcpy(descriptor, &entry, sizeof(entry));
    return 0;
}

uint64_t gdtTlsLoaded = 1;              // no descriptor is 1: the first call writes

void GdtWriteTls(uint64_t descriptor)
{
    gdtTlsLoaded = descriptor;
    if (descriptor)
        memcpy(&gdt[GDT_TLS_INDEX], &descriptor, sizeof(descriptor));
    else
        gdt[GDT_TLS_INDEX] = Entry(0, 0, ACCESS_USER_DATA | ACCESS_ACCESSED, FLAGS_32BIT);
}
