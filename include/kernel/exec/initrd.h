// The initial RAM disk (kernel/exec/initrd.c): the first Multiboot module, a
// USTAR archive the kernel reads directly until a file server takes over.
#ifndef KERNEL_INITRD_H
#define KERNEL_INITRD_H

#include <stdint.h>

// Find the archive among the boot modules. Returns 0, or E_NOENT when
// there is none (the kernel then has no programs to run).
int InitrdInit(uint32_t infoPhys);

// Find a regular file: path relative to the archive root (a leading '/'
// is ignored). Returns 0 and the file's bytes, E_NOENT, or E_INVAL if the
// archive is damaged before the file is reached.
int InitrdFind(const char *path, const uint8_t **data, uint32_t *size);

// The whole archive, for listing (NULL if none).
const uint8_t *InitrdArchive(uint32_t *size);

#endif
