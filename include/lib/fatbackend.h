// The filesystem protocol's backend over a FAT volume (lib/fatbackend.c).
//
// Adds to lib/fat what the protocol needs beyond paths: handles owned by
// client processes (at most FAT_HANDLE_MAX, closed with their owner),
// listings in byte-wise name order, and stat's version and handle count.
// Serve it with FsServerInitBackend(&server, &fatBackend, fb, prefix).
//
// A handle names its file by path and entry id; it fails with E_NOENT if
// the file is no longer there (a directory above it was renamed). While a
// file is open it cannot be deleted or replaced by a rename (E_BUSY): FAT
// has no place to keep a file without a name.
#ifndef LIB_FATBACKEND_H
#define LIB_FATBACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <lib/fat.h>
#include <lib/fsserver.h>

#define FAT_HANDLE_MAX 128u

typedef struct FatBackend FatBackend;

extern const FsBackend fatBackend;

// A backend over the mounted fat (kept by reference). NULL if out of memory.
FatBackend *FatBackendCreate(Fat *fat, void *(*allocate)(size_t), void (*release)(void *));
void FatBackendDestroy(FatBackend *fb);

// Open handles (all owners together).
uint32_t FatBackendHandles(const FatBackend *fb);

#endif
