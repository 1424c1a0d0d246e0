// Looking up kernel function names by address.
//
// The table (generated into the .ksyms section) is sorted by address; a
// binary search finds the last symbol at or below the address.
#include <stddef.h>
#include <kernel/symbols.h>

typedef struct KernelSymbol {
    uint32_t address;
    uint32_t nameOffset;
} KernelSymbol;

extern const uint32_t KernelSymbolCount;
extern const KernelSymbol KernelSymbols[];
extern const char KernelSymbolNames[];
extern const char __text_start[], __text_end[];

const char *SymbolLookup(uint32_t addr, uint32_t *offset)
{
    uint32_t lo = 0, hi = KernelSymbolCount;

    if (addr < (uint32_t)(uintptr_t)__text_start ||
        addr >= (uint32_t)(uintptr_t)__text_end || hi == 0 ||
        addr < KernelSymbols[0].address)
        return NULL;
    // Invariant: KernelSymbols[lo].address <= addr < KernelSymbols[hi].address
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (KernelSymbols[mid].address <= addr)
            lo = mid;
        else
            hi = mid;
    }
    *offset = addr - KernelSymbols[lo].address;
    return KernelSymbolNames + KernelSymbols[lo].nameOffset;
}
