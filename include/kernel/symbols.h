// The kernel's own function symbols (kernel/symbols.c), for backtraces.
//
// The build links the kernel twice: the first link's text symbols are
// turned into a table (tools/gensyms.sh) placed after .rodata, so the
// second link keeps every function at the same address.
#ifndef KERNEL_SYMBOLS_H
#define KERNEL_SYMBOLS_H

#include <stdint.h>

// Name of the function containing addr, with the offset into it; NULL if
// addr is outside the kernel's code.
const char *SymbolLookup(uint32_t addr, uint32_t *offset);

#endif
