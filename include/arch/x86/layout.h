// The virtual address-space layout, shared by every address space.
// docs/memory-map.md explains the choices.
//
//   0x00000000 - 0x00000fff   never mapped (NULL guard)
//   0x00001000 - 0xbfffffff   user space (ELF at 0x08048000, stack below top)
//   0xc0000000 - 0xefffffff   RAM 0 - 768 MiB mapped at a fixed offset,
//                             4 MiB pages; the kernel image at 0xc0100000
//   0xf0000000 - 0xfbffffff   kernel heap (kmalloc), 4 KiB pages on demand
//   0xfc000000 - 0xff7fffff   device memory (MMIO) windows
//   0xff800000 - 0xffbfffff   temporary windows onto any physical page
//   0xffc00000 - 0xffffffff   never mapped (guard)
#ifndef ARCH_X86_LAYOUT_H
#define ARCH_X86_LAYOUT_H

#define PAGE_SIZE           0x1000u
#define PAGE_SHIFT          12
#define LARGE_PAGE_SIZE     0x400000u

#define USER_BASE           0x00001000u
#define USER_LIMIT          0xc0000000u
#define KERNEL_BASE         0xc0000000u

#define DIRECT_MAP_BASE     0xc0000000u
#define DIRECT_MAP_SIZE     0x30000000u     // 768 MiB
#define HEAP_BASE           0xf0000000u
#define HEAP_LIMIT          0xfc000000u
#define MMIO_BASE           0xfc000000u
#define MMIO_LIMIT          0xff800000u
#define TEMP_MAP_BASE       0xff800000u
#define TEMP_MAP_LIMIT      0xffc00000u

// Kernel page tables for [HEAP_BASE, TEMP_MAP_LIMIT) exist from boot on and
// are shared by every address space.
#define KERNEL_TABLES_BASE  HEAP_BASE
#define KERNEL_TABLES_LIMIT TEMP_MAP_LIMIT

#ifndef __ASSEMBLER__
#include <stdint.h>

// Physical <-> virtual for memory inside the direct map.
static inline void *PhysToVirt(uint32_t pa)
{
    return (void *)(uintptr_t)(pa + DIRECT_MAP_BASE);
}

static inline uint32_t VirtToPhys(const void *va)
{
    return (uint32_t)(uintptr_t)va - DIRECT_MAP_BASE;
}
#endif

#endif
