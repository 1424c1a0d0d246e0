// The global descriptor table and the task state segment.
//
// A flat model: every code and data segment spans 0-4 GiB; protection
// comes from paging. Entries:
//   0 null, 1 kernel code, 2 kernel data, 3 user code, 4 user data, 5 TSS.
// The TSS is used only for its ring-0 stack (esp0/ss0), which the CPU loads
// on a trap from ring 3.
#include <stdint.h>
#include <arch/x86/descriptor.h>

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

#define GDT_ENTRIES 6

// Access bytes (Intel SDM vol. 3, 3.4.5).
#define ACCESS_KERNEL_CODE 0x9a
#define ACCESS_KERNEL_DATA 0x92
#define ACCESS_USER_CODE   0xfa
#define ACCESS_USER_DATA   0xf2
#define ACCESS_TSS         0x89
#define FLAGS_4K_32BIT     0xc0

static GdtEntry gdt[GDT_ENTRIES];
static Tss tss;

static void SetEntry(int index, uint32_t base, uint32_t limit, uint8_t access,
                     uint8_t flags)
{
    gdt[index] = (GdtEntry){
        .limitLow = limit & 0xffff,
        .baseLow = base & 0xffff,
        .baseMid = (base >> 16) & 0xff,
        .access = access,
        .flagsLimitHigh = (uint8_t)(flags | ((limit >> 16) & 0x0f)),
        .baseHigh = (base >> 24) & 0xff,
    };
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
