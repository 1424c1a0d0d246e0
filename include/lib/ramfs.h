// In-memory filesystem core (lib/ramfs.c).
//
// Pure logic with its allocator passed in, so the same code backs the
// kernel's "fs:root:" server, a user-mode "fs:temp:" server and the host
// tests. It knows nothing of messages, tar files or processes: a server
// turns requests into these calls and passes the client's identity as an
// owner number.
//
// Paths are relative to the root: components separated by single '/',
// each 1-255 bytes, neither "." nor "..", the whole path at most
// RAMFS_PATH_MAX bytes. One leading and one trailing '/' are allowed and
// ignored; "" and "/" name the root. A trailing '/' does not require a
// directory. Malformed paths give E_INVAL, long ones E_NAMETOOLONG, checked
// before anything is looked up.
//
// Every call returns 0 (or a non-negative result) or a negative E_* code,
// and a call that fails changes nothing. Errors that can come from walking
// a path: E_NOENT (a component is missing), E_NOTDIR (a component before
// the last is a file).
//
// Memory: file data lives in RAMFS_BLOCK_SIZE blocks reached through a
// per-file array of block pointers; a NULL pointer is a hole that reads as
// zeros, so sparse files and growing truncates cost nothing until written.
// Every allocation for nodes, names, directory arrays, block arrays and
// blocks is counted against the byte limit given at creation (E_NOSPC when
// it would be passed); a NULL from the allocator gives E_NOMEM. The RamFs
// itself and its handle table (at most RAMFS_HANDLE_MAX entries) are not
// counted.
//
// Handles: RamFsOpen returns a positive handle belonging to the owner that
// opened it; any other owner gets E_BADF, as does a closed handle (each
// slot carries a generation, so a stale number does not reach the file now
// using the slot). Deleting or replacing (by rename) a file that is open
// works like unlink: the name goes at once, the handles keep reading and
// writing the data, which is freed when the last of them is closed.
#ifndef LIB_RAMFS_H
#define LIB_RAMFS_H

#include <stddef.h>
#include <stdint.h>

#define RAMFS_PATH_MAX   255u               // bytes in a path, without the NUL
#define RAMFS_NAME_MAX   255u               // bytes in one component
#define RAMFS_BLOCK_SIZE 4096u
#define RAMFS_FILE_MAX   ((uint64_t)1 << 32) // largest file size in bytes
#define RAMFS_IO_MAX     0x40000000u        // largest single read or write
#define RAMFS_HANDLE_MAX 1024u              // open handles, all owners together

// Node types.
#define RAMFS_FILE 1u
#define RAMFS_DIR  2u

// RamFsOpen flags.
#define RAMFS_READ      0x01u   // RamFsRead allowed
#define RAMFS_WRITE     0x02u   // RamFsWrite and RamFsTruncateHandle allowed
#define RAMFS_CREATE    0x04u   // create the file if it is missing
#define RAMFS_EXCLUSIVE 0x08u   // with RAMFS_CREATE: E_EXIST if it exists
#define RAMFS_TRUNCATE  0x10u   // with RAMFS_WRITE: empty the file on open
#define RAMFS_APPEND    0x20u   // with RAMFS_WRITE: every write goes at the end

typedef struct RamFs RamFs;

typedef struct RamFsInfo {
    uint32_t type;          // RAMFS_FILE or RAMFS_DIR
    uint32_t id;            // unique among the nodes of this filesystem; the root is 1
    uint64_t version;       // changes whenever the node changes (never goes back)
    uint64_t size;          // file: bytes; directory: 0
    uint32_t entries;       // directory: names in it; file: 0
    uint32_t blocks;        // file: data blocks allocated (holes excluded)
    uint32_t handles;       // file: open handles on it
} RamFsInfo;

typedef struct RamFsDirEntry {
    char name[RAMFS_NAME_MAX + 1];  // NUL-terminated
    uint32_t type;
    uint32_t id;
    uint64_t size;
} RamFsDirEntry;

// A filesystem holding only an empty root. byteLimit bounds the bytes
// allocated for its contents (see above). NULL if the RamFs cannot be
// allocated or an allocator function is missing.
RamFs *RamFsCreate(void *(*allocate)(size_t), void (*release)(void *), uint64_t byteLimit);

// Free everything: nodes, data, handles (open or not), the RamFs.
void RamFsDestroy(RamFs *fs);

// Make a directory or an empty file. Returns 0, E_EXIST (the name is taken,
// by either kind; the root always exists), E_NOSPC or E_NOMEM.
int RamFsMkdir(RamFs *fs, const char *path);
int RamFsCreateFile(RamFs *fs, const char *path);

// Remove an empty directory. Returns 0, E_NOENT, E_NOTDIR (a file),
// E_BUSY (the root) or E_NOTEMPTY.
int RamFsRmdir(RamFs *fs, const char *path);

// Remove a file's name. Returns 0, E_NOENT or E_ISDIR. Open handles keep
// the data alive (see above).
int RamFsDelete(RamFs *fs, const char *path);

// Move from to to (another name, another directory, or both). An existing
// file at to is replaced by a file (its open handles keep it alive), an
// existing empty directory by a directory. Renaming a node onto itself
// does nothing. Returns 0, E_NOENT (from missing), E_BUSY (either is the
// root), E_INVAL (a directory into itself or its own subtree), E_ISDIR
// (a file onto a directory), E_NOTDIR (a directory onto a file),
// E_NOTEMPTY (onto a directory that is not empty), E_NOSPC or E_NOMEM.
int RamFsRename(RamFs *fs, const char *from, const char *to);

// Set a file's size: growing adds zeros (holes, no memory), shrinking frees
// the blocks past the end. Returns 0, E_NOENT, E_ISDIR or E_FBIG (more than
// RAMFS_FILE_MAX).
int RamFsTruncate(RamFs *fs, const char *path, uint64_t size);

// Describe a node. Returns 0 or a path error.
int RamFsStat(RamFs *fs, const char *path, RamFsInfo *out);

// Entry number index of a directory, in byte-wise name order (shorter
// first on a common prefix), so a listing can be paged. Returns 0,
// E_NOENT (also past the last entry) or E_NOTDIR.
int RamFsList(RamFs *fs, const char *path, uint32_t index, RamFsDirEntry *out);

// Open a file for owner. flags need RAMFS_READ or RAMFS_WRITE (or both);
// RAMFS_TRUNCATE and RAMFS_APPEND need RAMFS_WRITE, RAMFS_EXCLUSIVE needs
// RAMFS_CREATE. Returns a handle (> 0), E_INVAL (flags), E_NOENT, E_EXIST,
// E_ISDIR (a directory cannot be opened), E_NOSPC (RAMFS_HANDLE_MAX
// handles open, or the byte limit) or E_NOMEM.
int RamFsOpen(RamFs *fs, const char *path, uint32_t flags, uint32_t owner);

// Close a handle. Returns 0 or E_BADF.
int RamFsClose(RamFs *fs, int handle, uint32_t owner);

// Close every handle of owner (it went away). Returns how many.
uint32_t RamFsCloseOwner(RamFs *fs, uint32_t owner);

// Read up to length bytes at offset (holes read as zeros). Returns the
// bytes read (0 at or past the end; at most RAMFS_IO_MAX), E_BADF (not
// owner's handle, or not opened for reading) or E_FAULT (buf NULL).
int RamFsRead(RamFs *fs, int handle, uint32_t owner, uint64_t offset, void *buf,
              uint32_t length);

// Write length bytes at offset (at the end of the file with RAMFS_APPEND,
// whatever offset says); a gap past the old end reads as zeros. All or
// nothing. Returns length, E_BADF (not owner's handle, or not opened for
// writing), E_FAULT (buf NULL), E_INVAL (length over RAMFS_IO_MAX), E_FBIG
// (the end would pass RAMFS_FILE_MAX), E_NOSPC or E_NOMEM. Writing 0 bytes
// changes nothing.
int RamFsWrite(RamFs *fs, int handle, uint32_t owner, uint64_t offset, const void *buf,
               uint32_t length);

// Whether handle is owner's and was opened with every flag of need
// (RAMFS_READ, RAMFS_WRITE). Returns 0 or E_BADF; changes nothing.
int RamFsHandleUsable(RamFs *fs, int handle, uint32_t owner, uint32_t need);

// RamFsStat and RamFsTruncate through a handle (the file may have been
// deleted). Truncating needs RAMFS_WRITE. Return 0, E_BADF or E_FBIG.
int RamFsStatHandle(RamFs *fs, int handle, uint32_t owner, RamFsInfo *out);
int RamFsTruncateHandle(RamFs *fs, int handle, uint32_t owner, uint64_t size);

// What is in use: bytes counted against the limit, files (deleted ones
// still open included) and directories (the root excluded). Any pointer
// may be NULL. All three are 0 once everything is deleted and closed.
void RamFsUsage(const RamFs *fs, uint64_t *bytes, uint32_t *files, uint32_t *dirs);

// Walk every node and handle and check the invariants (sorted names,
// parent links, block bookkeeping, zeros past each file's end, handle
// counts, usage totals). Returns 0, or E_INVAL on the first violation.
// For tests; O(size of everything).
int RamFsCheck(const RamFs *fs);

#endif
