// Multiboot entry point.
//
// The boot loader jumps here in 32-bit protected mode with paging off,
// eax = 0x2BADB002 and ebx = the physical address of the boot information.
// The kernel is linked at 0xC0100000 but loaded at 0x00100000, so until
// paging is on, every address of a kernel symbol must have KERNEL_BASE
// subtracted.
//
// We fill the kernel page directory with 4 MiB pages: the first 768 MiB of
// physical memory at KERNEL_BASE (the direct map), plus an identity map of
// the low 16 MiB that lets the next instruction after enabling paging
// execute. The identity map is removed by MemInit once the kernel runs at
// its linked address.
#include <arch/x86/layout.h>

#define MB_MAGIC  0x1BADB002
#define MB_FLAGS  0x00000003            // page-aligned modules, memory info
#define PDE_LARGE 0x83                  // present, writable, 4 MiB page
#define CR4_PSE   0x00000010
#define CR0_PG_WP 0x80010000
#define IDENTITY_PDES 4                 // 16 MiB
#define DIRECT_PDES (DIRECT_MAP_SIZE / LARGE_PAGE_SIZE)

.section .multiboot, "a"
.align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

.section .bss
.align 4096
.global KernelPageDirectory
KernelPageDirectory:
    .skip 4096
.global BootStack
BootStack:
    .skip 16384
.global BootStackTop
BootStackTop:

.section .text
.global BootEntry
BootEntry:
    cli
    cld
    mov %eax, %esi                      // Multiboot magic
    mov %ebx, %edx                      // boot information (physical)

    // Clear the page directory (the loader should have, but be sure).
    mov $(KernelPageDirectory - KERNEL_BASE), %edi
    xor %eax, %eax
    mov $1024, %ecx
    rep stosl

    // Direct map, and identity map for the first IDENTITY_PDES entries.
    mov $(KernelPageDirectory - KERNEL_BASE), %edi
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $22, %eax
    or $PDE_LARGE, %eax
    mov %eax, ((KERNEL_BASE >> 22) * 4)(%edi, %ecx, 4)
    cmp $IDENTITY_PDES, %ecx
    jae 2f
    mov %eax, (%edi, %ecx, 4)
2:  inc %ecx
    cmp $DIRECT_PDES, %ecx
    jb 1b

    mov %cr4, %eax
    or $CR4_PSE, %eax
    mov %eax, %cr4
    mov %edi, %cr3
    mov %cr0, %eax
    or $CR0_PG_WP, %eax
    mov %eax, %cr0

    lea HigherHalf, %eax
    jmp *%eax

HigherHalf:
    mov $BootStackTop, %esp
    xor %ebp, %ebp                      // ends every backtrace
    push %edx                           // KernelMain(magic, infoPhys)
    push %esi
    call KernelMain
3:  cli
    hlt
    jmp 3b
