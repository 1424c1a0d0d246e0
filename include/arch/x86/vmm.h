// Virtual memory: address spaces and page mappings (arch/x86/paging.c).
//
// Every address space shares the kernel's upper gigabyte (see
// include/arch/x86/layout.h); page tables for user space are allocated on
// demand. All calls validate their arguments and return an error instead
// of faulting.
#ifndef ARCH_X86_VMM_H
#define ARCH_X86_VMM_H

#include <stdint.h>

// Mapping flags.
#define VMM_WRITE   0x002u      // writable
#define VMM_USER    0x004u      // reachable from ring 3 (user range only)
#define VMM_NOCACHE 0x018u      // uncached (device memory)
#define VMM_OWNED   0x200u      // the page is freed when unmapped
#define VMM_GRANTED 0x400u      // another's page, mapped through a grant (kernel/mm/grant.c)
#define VMM_FLAGS   (VMM_WRITE | VMM_USER | VMM_NOCACHE | VMM_OWNED | VMM_GRANTED)

typedef struct AddressSpace {
    uint32_t *directory;        // page directory (kernel virtual address)
    uint32_t directoryPhys;
    uint32_t tablePages;        // user page tables allocated
    uint32_t ownedPages;        // pages mapped with VMM_OWNED
    // A user range found writable (UserProbeWrite) since the last unmap or
    // change of rights in this space, so a probe of it need not touch its
    // pages again; empty when writableEnd is 0. Every VmmUnmap and
    // VmmProtect empties it.
    uintptr_t writableStart, writableEnd;
} AddressSpace;

// Finish the boot mapping: drop the boot identity map, trim the direct map
// to directMapTop bytes of physical memory, and create the shared kernel
// page tables. Returns 0 or E_NOMEM.
int VmmInit(uint32_t directMapTop);

AddressSpace *VmmKernelSpace(void);
AddressSpace *VmmCurrent(void);

// Map one page va -> pa. va must be page-aligned and in the user range
// (not page 0) or in the kernel's page-mapped windows; pa page-aligned.
// Returns 0, E_INVAL, E_EXIST (already mapped) or E_NOMEM (no page table).
int VmmMap(AddressSpace *space, uintptr_t va, uint32_t pa, uint32_t flags);

// Unmap one page; *pa (if not NULL) receives the physical address. A page
// mapped with VMM_OWNED is freed. Returns 0, E_INVAL or E_NOENT.
int VmmUnmap(AddressSpace *space, uintptr_t va, uint32_t *pa);

// Change the flags of a mapped page (the frame stays). Returns 0,
// E_INVAL or E_NOENT.
int VmmProtect(AddressSpace *space, uintptr_t va, uint32_t flags);

// Look up va. Returns 0 and fills *pa and *flags (either may be NULL),
// or E_NOENT if nothing is mapped there.
int VmmQuery(AddressSpace *space, uintptr_t va, uint32_t *pa, uint32_t *flags);

// Is the kernel address va mapped (in every address space)?
int VmmIsKernelMapped(uintptr_t va);

// A new address space with the kernel half and an empty user half.
// Returns 0 or E_NOMEM.
int VmmCreate(AddressSpace *space);

// Free a space's user page tables, its VMM_OWNED pages and its directory.
// Must not be the current space.
void VmmDestroy(AddressSpace *space);

void VmmActivate(AddressSpace *space);

// Map any physical page at a temporary kernel address (for pages outside
// the direct map). Returns NULL when all windows are in use.
void *VmmMapTemporary(uint32_t pa);
void VmmUnmapTemporary(void *va);

// Map size bytes of device memory at physical pa (uncached) into the MMIO
// window; returns the virtual address of pa, or NULL (bad range, window
// full, out of page tables). VmmUnmapDevice takes the same va and size.
void *VmmMapDevice(uint32_t pa, uint32_t size);
void VmmUnmapDevice(void *va, uint32_t size);

// --- provided by the kernel (kernel/mm/memory.c) ---------------------------------
// The frames page tables and directories are made of (from low memory, so
// the direct map reaches them), and where freed and VMM_OWNED pages go
// back. The only calls paging makes up into the kernel (tools/layers.txt).

// A free page frame's physical address, or 0 when none is left.
uint32_t ArchPageAllocate(void);

// Give back the frame at physical address pa.
void ArchPageFree(uint32_t pa);

#endif
