// A FAT12/FAT16/FAT32 filesystem engine (lib/fat.c).
//
// Portable C with no system calls: the caller supplies sector read and
// write callbacks and an allocator, so the same code runs in the host
// tests, the fuzzer and the user-mode FAT server (servers/fat/fatfs.c).
//
// Paths follow lib/ramfs.h: components separated by single '/', each
// 1-255 bytes, neither "." nor "..", at most FAT_PATH_MAX bytes; one
// leading and one trailing '/' are ignored; "" and "/" name the root.
// Names are UTF-8 (Unicode BMP). Lookups ignore ASCII case, as FAT does;
// names are stored case-preserving as VFAT long names, each with a
// generated 8.3 short name (NAME~N.EXT when needed).
//
// Trust: FatMount checks the boot sector thoroughly (FAT type by cluster
// count as the Microsoft specification says, sizes, counts, the device
// size); every cluster number, chain and directory entry met later is
// checked before it is followed. A damaged volume makes the call fail
// with E_IO (or FatMount with E_INVAL), never a crash or a hang.
//
// Durability: FAT and directory sectors go through a small write-back
// cache that every changing call writes out before it returns, to every
// FAT copy (or only the active one when mirroring is off); file data is
// written straight to the device. On FAT32 the FSInfo free count and
// next-free hint are kept up to date (an unknown count stays unknown).
//
// Every call returns 0 (or a non-negative result) or a negative E_* code.
// Calls check their arguments and the path before changing anything; a
// failing device can still leave a change half made, as on any disk.
#ifndef LIB_FAT_H
#define LIB_FAT_H

#include <stddef.h>
#include <stdint.h>

#define FAT_PATH_MAX 255u               // bytes in a path, without the NUL
#define FAT_NAME_MAX 255u               // bytes in one component (UTF-8)
#define FAT_FILE_MAX 0xffffffffull      // largest file size in bytes
#define FAT_CACHE_SECTORS 32u           // FAT and directory sectors cached

// FatInfo.type, FatDirEntry.type (the FS_TYPE_* numbers)
#define FAT_FILE 1u
#define FAT_DIR  2u

// Sector I/O on the device, in units of FatDevice.sectorSize: transfer
// count sectors starting at sector. Return 0 or an E_* code.
typedef int (*FatSectorIo)(void *context, uint64_t sector, uint32_t count, void *buffer);

typedef struct FatDevice {
    void *context;              // passed to read and write
    FatSectorIo read;
    FatSectorIo write;          // NULL: read-only
    uint32_t sectorSize;        // bytes per device sector (512, 1024, 2048, 4096)
    uint64_t sectors;           // the device's size in sectors
    int readOnly;               // nonzero: every change gives E_ROFS
} FatDevice;

typedef struct Fat Fat;

typedef struct FatInfo {
    uint32_t type;              // FAT_FILE or FAT_DIR
    uint32_t id;                // unique while the object keeps its place; the root is 1
    uint64_t size;              // file: bytes; directory: 0
    uint32_t entries;           // directory: names in it (not "." and "..")
    uint32_t firstCluster;      // 0: none (empty file, fixed root)
} FatInfo;

typedef struct FatDirEntry {
    char name[FAT_NAME_MAX + 1];    // UTF-8, NUL-terminated
    uint32_t type;
    uint32_t id;
    uint64_t size;
} FatDirEntry;

typedef struct FatVolume {
    uint32_t fatBits;           // 12, 16 or 32
    uint32_t clusterSize;       // bytes
    uint32_t clusters;          // data clusters (numbered 2 .. clusters + 1)
    uint32_t freeClusters;      // 0xffffffff: unknown (FAT32 without FSInfo count)
    int readOnly;
} FatVolume;

// Mount the volume on device (copied). allocate/release hold the engine's
// memory. On success *out is the mounted volume; otherwise returns
// E_INVAL (not a FAT volume, or its boot sector is inconsistent), E_RANGE
// (the volume is larger than the device), E_NOMEM or the device's error.
int FatMount(const FatDevice *device, void *(*allocate)(size_t), void (*release)(void *),
             Fat **out);

// Write out everything cached and free the volume. Returns 0 or the first
// write error (the volume is freed either way).
int FatUnmount(Fat *fat);

// Write out whatever is cached. Returns 0 or E_*.
int FatFlush(Fat *fat);

// Facts about the volume.
void FatGetVolume(const Fat *fat, FatVolume *out);

// Describe the object at path. Returns 0, E_INVAL, E_NAMETOOLONG, E_NOENT,
// E_NOTDIR or E_IO.
int FatStat(Fat *fat, const char *path, FatInfo *out);

// Call visit for each name in directory path, in directory order; stop
// early when visit returns nonzero. Returns 0, a path error or E_IO.
int FatList(Fat *fat, const char *path, int (*visit)(void *context, const FatDirEntry *entry),
            void *context);

// Read up to length bytes of file path at offset into buffer. Returns the
// bytes read (0 at or past the end), E_ISDIR, a path error or E_IO.
int FatRead(Fat *fat, const char *path, uint64_t offset, void *buffer, uint32_t length);

// Write length bytes at offset (a gap past the end reads as zeros),
// allocating clusters as needed. Returns length, E_ISDIR, E_FBIG (past
// FAT_FILE_MAX), E_NOSPC (the volume is full: nothing is changed), E_ROFS,
// a path error or E_IO.
int FatWrite(Fat *fat, const char *path, uint64_t offset, const void *buffer, uint32_t length);

// Set a file's size: growing adds zeros, shrinking frees clusters.
// Returns 0, E_ISDIR, E_FBIG, E_NOSPC, E_ROFS, a path error or E_IO.
int FatTruncate(Fat *fat, const char *path, uint64_t size);

// Make an empty file or directory. Returns 0, E_EXIST (the name is taken,
// ignoring case), E_INVAL (a name FAT cannot hold), E_NOSPC (the volume or
// a fixed root directory is full), E_ROFS, a path error or E_IO.
int FatCreate(Fat *fat, const char *path);
int FatMkdir(Fat *fat, const char *path);

// Remove a file / an empty directory. Returns 0, E_ISDIR / E_NOTDIR,
// E_NOTEMPTY, E_BUSY (the root), E_ROFS, a path error or E_IO.
int FatDelete(Fat *fat, const char *path);
int FatRmdir(Fat *fat, const char *path);

// Move from to to, as RamFsRename does: a file replaces a file, a
// directory an empty directory; a rename onto itself only changes the
// name's case. Returns 0, E_NOENT, E_BUSY (the root), E_INVAL (a
// directory into its own subtree, or a name FAT cannot hold), E_ISDIR,
// E_NOTDIR, E_NOTEMPTY, E_EXIST, E_NOSPC, E_ROFS or E_IO.
int FatRename(Fat *fat, const char *from, const char *to);

#endif
