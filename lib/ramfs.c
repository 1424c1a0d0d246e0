// In-memory filesystem core: a tree of directories and files, and handles.
//
// A directory keeps its entries in an array sorted by name, so a lookup is
// a binary search and entry number i of a listing is children[i]: a server
// can page through a directory without keeping a cursor. Names are
// compared byte-wise, a shorter name first on a common prefix.
//
// A file keeps its data in RAMFS_BLOCK_SIZE blocks behind an array of
// block pointers indexed by offset / RAMFS_BLOCK_SIZE. A NULL pointer is a
// hole that reads as zeros; the array only reaches the last block that was
// written. Reads and writes at any offset cost O(length), and a big file
// never needs a big contiguous allocation for its data (only its pointer
// array grows: 4 KiB of pointers per 4 MiB of data on a 32-bit machine).
//
// Invariants (RamFsCheck verifies them all):
//   - no block lies wholly past a file's size, and the bytes of the last
//     block past the size are zero, so growing a file never shows old data
//   - every node but the root is in exactly one directory and points back
//     at it, except a deleted file that is still open: it is in none and
//     its parent is NULL ("orphan"); the last close frees it
//   - fs->bytes is the sum of every counted allocation; an empty array is
//     freed, so a filesystem emptied of everything counts 0 bytes
//
// Every operation first checks everything and allocates everything it
// needs, releasing it all if any step fails; only then, after the POINT OF
// NO RETURN, does it change the tree, and from there nothing can fail.
// Shrinking an array that became mostly empty is opportunistic: it happens
// after the change, and a failed allocation just keeps the bigger array.
//
// Nothing here recurses: renames can build trees deeper than any path can
// name, so destroying and checking walk the tree through parent links.
#include <clanker/error.h>
#include <lib/string.h>
#include <lib/ramfs.h>

#define BLOCK_SHIFT     12
#define BLOCK_MASK      (RAMFS_BLOCK_SIZE - 1)
#define MAX_BLOCKS      ((uint32_t)(RAMFS_FILE_MAX >> BLOCK_SHIFT))
#define FIRST_CHILDREN  4u
#define FIRST_BLOCKS    4u
#define FIRST_HANDLES   16u
#define INDEX_BITS      10
#define GENERATION_MASK 0xFFFFFu
#define ALL_FLAGS       (RAMFS_READ | RAMFS_WRITE | RAMFS_CREATE | RAMFS_EXCLUSIVE | \
                         RAMFS_TRUNCATE | RAMFS_APPEND)

_Static_assert(RAMFS_BLOCK_SIZE == 1u << BLOCK_SHIFT, "block shift");
_Static_assert(RAMFS_HANDLE_MAX == 1u << INDEX_BITS, "handle index bits");
_Static_assert(((uint64_t)GENERATION_MASK << INDEX_BITS | (RAMFS_HANDLE_MAX - 1)) < 0x7FFFFFFF,
               "handles are positive ints");

typedef struct RamFsNode RamFsNode;

struct RamFsNode {
    RamFsNode *parent;      // NULL: the root, or an orphan
    char *name;             // NUL-terminated; right after the node unless renamed longer
    uint32_t nameLength;
    uint32_t nodeBytes;     // size of the node's own allocation (node + first name)
    uint32_t type;
    uint32_t id;
    uint64_t version;
    uint32_t handles;       // open handles (files)
    // Directories:
    RamFsNode **children;   // childCapacity slots, the first childCount sorted by name
    uint32_t childCount;
    uint32_t childCapacity;
    // Files:
    uint8_t **blocks;       // blockCapacity slots; NULL is a hole
    uint32_t blockCapacity;
    uint32_t blockCount;    // non-NULL slots
    uint64_t size;
};

typedef struct RamFsHandle {
    RamFsNode *node;        // NULL: a free slot
    uint32_t owner;
    uint32_t flags;
    uint32_t generation;    // bumped at every close
} RamFsHandle;

struct RamFs {
    void *(*allocate)(size_t size);
    void (*release)(void *ptr);
    uint64_t byteLimit;
    uint64_t bytes;         // counted allocations
    uint64_t changes;       // the last version handed out
    uint32_t files;
    uint32_t dirs;
    uint32_t nextId;
    RamFsHandle *handles;   // handleCapacity slots, not counted in bytes
    uint32_t handleCapacity;
    uint32_t handleCount;
    RamFsNode root;
    char rootName[1];
};

// Where a path leads: the last component, the directory it is looked up
// in and what it names there.
typedef struct Walk {
    RamFsNode *parent;      // NULL for the root
    const char *name;       // the last component (not NUL-terminated)
    uint32_t nameLength;
    uint32_t index;         // its position in parent, or where it would go
    RamFsNode *node;        // NULL: the last component is missing
} Walk;

// --- memory ---------------------------------------------------------------

// Allocate size counted bytes. NULL with *error set to E_NOSPC (the limit)
// or E_NOMEM (the allocator).
static void *Allocate(RamFs *fs, size_t size, int *error)
{
    void *p;

    if ((uint64_t)size > fs->byteLimit - fs->bytes) {
        *error = E_NOSPC;
        return NULL;
    }
    p = fs->allocate(size);
    if (!p) {
        *error = E_NOMEM;
        return NULL;
    }
    fs->bytes += size;
    return p;
}

static void Release(RamFs *fs, void *p, size_t size)
{
    if (!p)
        return;
    fs->bytes -= size;
    fs->release(p);
}

static size_t NodeBytes(uint32_t nameLength)
{
    return sizeof(RamFsNode) + nameLength + 1;
}

static int HasInlineName(const RamFsNode *node)
{
    return node->name == (const char *)(node + 1);
}

static uint32_t InlineCapacity(const RamFsNode *node)
{
    return node->nodeBytes - (uint32_t)sizeof(RamFsNode) - 1;
}

static void Touch(RamFs *fs, RamFsNode *node)
{
    node->version = ++fs->changes;
}

// --- names and paths ------------------------------------------------------

static int CompareName(const char *a, uint32_t aLength, const char *b, uint32_t bLength)
{
    int c = memcmp(a, b, aLength < bLength ? aLength : bLength);

    if (c != 0)
        return c;
    return aLength < bLength ? -1 : aLength > bLength;
}

// Binary search of dir: 1 and the entry's index if name is there, else 0
// and the index where it would be inserted.
static int Search(const RamFsNode *dir, const char *name, uint32_t length, uint32_t *index)
{
    uint32_t low = 0, high = dir->childCount;

    while (low < high) {
        uint32_t middle = low + (high - low) / 2;
        const RamFsNode *e = dir->children[middle];
        int c = CompareName(e->name, e->nameLength, name, length);
        if (c == 0) {
            *index = middle;
            return 1;
        }
        if (c < 0)
            low = middle + 1;
        else
            high = middle;
    }
    *index = low;
    return 0;
}

static int IsDotName(const char *name, uint32_t length)
{
    return (length == 1 && name[0] == '.') || (length == 2 && name[0] == '.' && name[1] == '.');
}

// Check path's syntax and set [*start, *end) to the part inside the
// optional leading and trailing '/'. Returns 0, E_INVAL or E_NAMETOOLONG.
static int CheckPath(const char *path, uint32_t *start, uint32_t *end)
{
    uint32_t length, i, j;

    if (!path)
        return E_INVAL;
    length = (uint32_t)strnlen(path, RAMFS_PATH_MAX + 1);
    if (length > RAMFS_PATH_MAX)
        return E_NAMETOOLONG;
    *start = path[0] == '/';
    *end = length;
    if (*end > *start && path[*end - 1] == '/')
        (*end)--;
    if (*start == *end)
        return 0;
    for (i = *start;; i = j + 1) {
        for (j = i; j < *end && path[j] != '/'; j++)
            ;
        if (j == i || IsDotName(path + i, j - i))
            return E_INVAL;
        if (j == *end)
            return 0;
    }
}

// Follow path from the root. Returns 0 with *w filled in (w->node NULL if
// only the last component is missing), or an error.
static int WalkPath(RamFs *fs, const char *path, Walk *w)
{
    uint32_t start, end, i, j;
    RamFsNode *dir = &fs->root;
    int error = CheckPath(path, &start, &end);

    if (error != 0)
        return error;
    *w = (Walk){ .name = fs->rootName, .node = &fs->root };
    if (start == end)
        return 0;
    for (i = start;; i = j + 1) {
        for (j = i; j < end && path[j] != '/'; j++)
            ;
        w->parent = dir;
        w->name = path + i;
        w->nameLength = j - i;
        w->node = Search(dir, w->name, w->nameLength, &w->index) ? dir->children[w->index] : NULL;
        if (j == end)
            return 0;
        if (!w->node)
            return E_NOENT;
        if (w->node->type != RAMFS_DIR)
            return E_NOTDIR;
        dir = w->node;
    }
}

// Follow path to a node that must exist. Returns 0, E_NOENT or a
// WalkPath error.
static int FindNode(RamFs *fs, const char *path, Walk *w)
{
    int error = WalkPath(fs, path, w);

    if (error == 0 && !w->node)
        error = E_NOENT;
    return error;
}

// --- directory arrays -----------------------------------------------------

// If dir is full, allocate the bigger array it will need for one more
// entry into *array (else *array is NULL). Returns 0 or an error.
static int PrepareRoom(RamFs *fs, const RamFsNode *dir, RamFsNode ***array, uint32_t *capacity)
{
    int error = 0;

    *array = NULL;
    *capacity = dir->childCapacity;
    if (dir->childCount < dir->childCapacity)
        return 0;
    if (dir->childCapacity > (uint32_t)(SIZE_MAX / sizeof(RamFsNode *) / 2))
        return E_NOMEM;
    *capacity = dir->childCapacity ? dir->childCapacity * 2 : FIRST_CHILDREN;
    *array = Allocate(fs, *capacity * sizeof(RamFsNode *), &error);
    return *array ? 0 : error;
}

// Give back what PrepareRoom allocated (the operation failed later).
static void DiscardRoom(RamFs *fs, RamFsNode **array, uint32_t capacity)
{
    Release(fs, array, capacity * sizeof(RamFsNode *));
}

// Move dir's entries into the array PrepareRoom allocated, if any.
static void InstallRoom(RamFs *fs, RamFsNode *dir, RamFsNode **array, uint32_t capacity)
{
    if (!array)
        return;
    if (dir->childCount > 0)
        memcpy(array, dir->children, dir->childCount * sizeof(RamFsNode *));
    Release(fs, dir->children, dir->childCapacity * sizeof(RamFsNode *));
    dir->children = array;
    dir->childCapacity = capacity;
}

// dir must have room.
static void InsertChild(RamFsNode *dir, uint32_t index, RamFsNode *node)
{
    memmove(&dir->children[index + 1], &dir->children[index],
            (dir->childCount - index) * sizeof(RamFsNode *));
    dir->children[index] = node;
    dir->childCount++;
    node->parent = dir;
}

static void RemoveChild(RamFsNode *dir, uint32_t index)
{
    dir->childCount--;
    memmove(&dir->children[index], &dir->children[index + 1],
            (dir->childCount - index) * sizeof(RamFsNode *));
}

// After removals: free an empty array, halve a mostly empty one if memory
// allows.
static void TidyChildren(RamFs *fs, RamFsNode *dir)
{
    RamFsNode **array;
    uint32_t capacity = dir->childCapacity / 2;
    int error;

    if (dir->childCount == 0) {
        Release(fs, dir->children, dir->childCapacity * sizeof(RamFsNode *));
        dir->children = NULL;
        dir->childCapacity = 0;
        return;
    }
    if (dir->childCapacity <= FIRST_CHILDREN || dir->childCount > dir->childCapacity / 4)
        return;
    array = Allocate(fs, capacity * sizeof(RamFsNode *), &error);
    if (!array)
        return;
    memcpy(array, dir->children, dir->childCount * sizeof(RamFsNode *));
    Release(fs, dir->children, dir->childCapacity * sizeof(RamFsNode *));
    dir->children = array;
    dir->childCapacity = capacity;
}

// --- nodes ----------------------------------------------------------------

// Turn memory from Allocate(NodeBytes(length)) into a fresh node.
static RamFsNode *InitNode(RamFs *fs, void *memory, const char *name, uint32_t length,
                           uint32_t type)
{
    RamFsNode *node = memory;

    memset(node, 0, sizeof(*node));
    node->name = (char *)(node + 1);
    memcpy(node->name, name, length);
    node->name[length] = 0;
    node->nameLength = length;
    node->nodeBytes = (uint32_t)NodeBytes(length);
    node->type = type;
    node->id = fs->nextId++;
    Touch(fs, node);
    if (type == RAMFS_DIR)
        fs->dirs++;
    else
        fs->files++;
    return node;
}

// Drop every block of file from block index first on.
static void ReleaseBlocksFrom(RamFs *fs, RamFsNode *file, uint32_t first)
{
    for (uint32_t i = first; i < file->blockCapacity && file->blockCount > 0; i++) {
        if (file->blocks[i]) {
            Release(fs, file->blocks[i], RAMFS_BLOCK_SIZE);
            file->blocks[i] = NULL;
            file->blockCount--;
        }
    }
}

// Free a node that is in no directory (an empty one, if a directory).
static void FreeNode(RamFs *fs, RamFsNode *node)
{
    if (node->type == RAMFS_DIR) {
        Release(fs, node->children, node->childCapacity * sizeof(RamFsNode *));
        fs->dirs--;
    } else {
        ReleaseBlocksFrom(fs, node, 0);
        Release(fs, node->blocks, node->blockCapacity * sizeof(uint8_t *));
        fs->files--;
    }
    if (!HasInlineName(node))
        Release(fs, node->name, node->nameLength + 1);
    Release(fs, node, node->nodeBytes);
}

// A file just lost its name: free it, or leave it to its handles.
static void Unlink(RamFs *fs, RamFsNode *node)
{
    node->parent = NULL;
    if (node->type == RAMFS_DIR || node->handles == 0)
        FreeNode(fs, node);
}

// --- file data --------------------------------------------------------------

static void ReadData(const RamFsNode *file, uint64_t offset, uint8_t *out, uint32_t length)
{
    while (length > 0) {
        uint32_t index = (uint32_t)(offset >> BLOCK_SHIFT);
        uint32_t within = (uint32_t)offset & BLOCK_MASK;
        uint32_t n = RAMFS_BLOCK_SIZE - within;

        if (n > length)
            n = length;
        if (index < file->blockCapacity && file->blocks[index])
            memcpy(out, file->blocks[index] + within, n);
        else
            memset(out, 0, n);
        out += n;
        offset += n;
        length -= n;
    }
}

// After a shrink: free the block array if it is empty, halve it if the
// blocks in use fit a quarter of it and memory allows.
static void TidyBlocks(RamFs *fs, RamFsNode *file)
{
    uint32_t used = file->blockCapacity, capacity;
    uint8_t **blocks;
    int error;

    if (file->blockCount == 0) {
        Release(fs, file->blocks, file->blockCapacity * sizeof(uint8_t *));
        file->blocks = NULL;
        file->blockCapacity = 0;
        return;
    }
    while (used > 0 && !file->blocks[used - 1])
        used--;
    if (file->blockCapacity <= FIRST_BLOCKS || used > file->blockCapacity / 4)
        return;
    capacity = used * 2 > FIRST_BLOCKS ? used * 2 : FIRST_BLOCKS;
    blocks = Allocate(fs, capacity * sizeof(uint8_t *), &error);
    if (!blocks)
        return;
    memcpy(blocks, file->blocks, used * sizeof(uint8_t *));
    memset(blocks + used, 0, (capacity - used) * sizeof(uint8_t *));
    Release(fs, file->blocks, file->blockCapacity * sizeof(uint8_t *));
    file->blocks = blocks;
    file->blockCapacity = capacity;
}

// Set a file's size (at most RAMFS_FILE_MAX). Cannot fail.
static void SetSize(RamFs *fs, RamFsNode *file, uint64_t size)
{
    if (size < file->size) {
        uint32_t keep = (uint32_t)((size + BLOCK_MASK) >> BLOCK_SHIFT);
        uint32_t within = (uint32_t)size & BLOCK_MASK;

        ReleaseBlocksFrom(fs, file, keep);
        if (within != 0 && keep - 1 < file->blockCapacity && file->blocks[keep - 1])
            memset(file->blocks[keep - 1] + within, 0, RAMFS_BLOCK_SIZE - within);
        TidyBlocks(fs, file);
    }
    file->size = size;
    Touch(fs, file);
}

// --- handles ----------------------------------------------------------------

static RamFsHandle *FindHandle(RamFs *fs, int handle, uint32_t owner)
{
    uint32_t value, index;
    RamFsHandle *h;

    if (handle <= 0)
        return NULL;
    value = (uint32_t)handle - 1;
    index = value & (RAMFS_HANDLE_MAX - 1);
    if (index >= fs->handleCapacity)
        return NULL;
    h = &fs->handles[index];
    if (!h->node || h->generation != value >> INDEX_BITS || h->owner != owner)
        return NULL;
    return h;
}

// Find a free handle slot, or allocate the bigger table that will have one
// into *table (else *table is NULL). Returns 0, E_NOSPC or E_NOMEM.
static int PrepareHandle(RamFs *fs, RamFsHandle **table, uint32_t *capacity, uint32_t *index)
{
    *table = NULL;
    *capacity = fs->handleCapacity;
    if (fs->handleCount < fs->handleCapacity) {
        for (*index = 0; fs->handles[*index].node; (*index)++)
            ;
        return 0;
    }
    if (fs->handleCapacity == RAMFS_HANDLE_MAX)
        return E_NOSPC;
    *capacity = fs->handleCapacity ? fs->handleCapacity * 2 : FIRST_HANDLES;
    *table = fs->allocate(*capacity * sizeof(RamFsHandle));
    if (!*table)
        return E_NOMEM;
    *index = fs->handleCapacity;
    return 0;
}

static void InstallHandles(RamFs *fs, RamFsHandle *table, uint32_t capacity)
{
    if (!table)
        return;
    memset(table, 0, capacity * sizeof(RamFsHandle));
    if (fs->handleCapacity > 0)
        memcpy(table, fs->handles, fs->handleCapacity * sizeof(RamFsHandle));
    if (fs->handles)
        fs->release(fs->handles);
    fs->handles = table;
    fs->handleCapacity = capacity;
}

static void CloseSlot(RamFs *fs, RamFsHandle *h)
{
    RamFsNode *node = h->node;

    h->node = NULL;
    h->generation = (h->generation + 1) & GENERATION_MASK;
    fs->handleCount--;
    node->handles--;
    if (node->handles == 0 && !node->parent)
        FreeNode(fs, node);
}

// --- creating and destroying ------------------------------------------------

RamFs *RamFsCreate(void *(*allocate)(size_t), void (*release)(void *), uint64_t byteLimit)
{
    RamFs *fs;

    if (!allocate || !release)
        return NULL;
    fs = allocate(sizeof(*fs));
    if (!fs)
        return NULL;
    memset(fs, 0, sizeof(*fs));
    fs->allocate = allocate;
    fs->release = release;
    fs->byteLimit = byteLimit;
    fs->root.name = fs->rootName;
    fs->root.type = RAMFS_DIR;
    fs->root.id = 1;
    fs->nextId = 2;
    Touch(fs, &fs->root);
    return fs;
}

void RamFsDestroy(RamFs *fs)
{
    RamFsNode *node;

    if (!fs)
        return;
    for (uint32_t i = 0; i < fs->handleCapacity; i++) {
        if (fs->handles[i].node)
            CloseSlot(fs, &fs->handles[i]);
    }
    // Post-order through parent links: always free the last entry first.
    for (node = &fs->root;;) {
        if (node->type == RAMFS_DIR && node->childCount > 0) {
            node = node->children[node->childCount - 1];
            continue;
        }
        if (node == &fs->root)
            break;
        node = node->parent;
        node->childCount--;
        FreeNode(fs, node->children[node->childCount]);
    }
    Release(fs, fs->root.children, fs->root.childCapacity * sizeof(RamFsNode *));
    if (fs->handles)
        fs->release(fs->handles);
    fs->release(fs);
}

// --- names --------------------------------------------------------------------

static int MakeNode(RamFs *fs, const char *path, uint32_t type)
{
    RamFsNode **children;
    uint32_t capacity;
    void *memory;
    Walk w;
    int error = WalkPath(fs, path, &w);

    if (error != 0)
        return error;
    if (w.node)
        return E_EXIST;
    error = PrepareRoom(fs, w.parent, &children, &capacity);
    if (error != 0)
        return error;
    memory = Allocate(fs, NodeBytes(w.nameLength), &error);
    if (!memory) {
        DiscardRoom(fs, children, capacity);
        return error;
    }
    /* POINT OF NO RETURN */
    InstallRoom(fs, w.parent, children, capacity);
    InsertChild(w.parent, w.index, InitNode(fs, memory, w.name, w.nameLength, type));
    Touch(fs, w.parent);
    return 0;
}

int RamFsMkdir(RamFs *fs, const char *path)
{
    return MakeNode(fs, path, RAMFS_DIR);
}

int RamFsCreateFile(RamFs *fs, const char *path)
{
    return MakeNode(fs, path, RAMFS_FILE);
}

// Take the node w found out of its directory (freed once nothing holds it).
static void Detach(RamFs *fs, const Walk *w)
{
    RemoveChild(w->parent, w->index);
    Unlink(fs, w->node);
    Touch(fs, w->parent);
    TidyChildren(fs, w->parent);
}

int RamFsRmdir(RamFs *fs, const char *path)
{
    Walk w;
    int error = FindNode(fs, path, &w);

    if (error != 0)
        return error;
    if (w.node == &fs->root)
        return E_BUSY;
    if (w.node->type != RAMFS_DIR)
        return E_NOTDIR;
    if (w.node->childCount > 0)
        return E_NOTEMPTY;
    /* POINT OF NO RETURN */
    Detach(fs, &w);
    return 0;
}

int RamFsDelete(RamFs *fs, const char *path)
{
    Walk w;
    int error = FindNode(fs, path, &w);

    if (error != 0)
        return error;
    if (w.node->type == RAMFS_DIR)
        return E_ISDIR;
    /* POINT OF NO RETURN */
    Detach(fs, &w);
    return 0;
}

static int IsInside(const RamFsNode *node, const RamFsNode *ancestor)
{
    for (; node; node = node->parent) {
        if (node == ancestor)
            return 1;
    }
    return 0;
}

int RamFsRename(RamFs *fs, const char *from, const char *to)
{
    RamFsNode *node, *victim, **children = NULL;
    uint32_t capacity = 0, index;
    char *name = NULL;
    Walk source, target;
    int error;

    if ((error = WalkPath(fs, from, &source)) != 0 || (error = WalkPath(fs, to, &target)) != 0)
        return error;
    node = source.node;
    victim = target.node;
    if (!node)
        return E_NOENT;
    if (node == &fs->root || victim == &fs->root)
        return E_BUSY;
    if (node == victim)
        return 0;
    if (node->type == RAMFS_DIR && IsInside(target.parent, node))
        return E_INVAL;
    if (victim && victim->type == RAMFS_DIR && node->type != RAMFS_DIR)
        return E_ISDIR;
    if (victim && victim->type != RAMFS_DIR && node->type == RAMFS_DIR)
        return E_NOTDIR;
    if (victim && victim->childCount > 0)
        return E_NOTEMPTY;
    if (!victim && target.parent != source.parent) {
        error = PrepareRoom(fs, target.parent, &children, &capacity);
        if (error != 0)
            return error;
    }
    if (target.nameLength > InlineCapacity(node) &&
        CompareName(node->name, node->nameLength, target.name, target.nameLength) != 0) {
        name = Allocate(fs, target.nameLength + 1, &error);
        if (!name) {
            DiscardRoom(fs, children, capacity);
            return error;
        }
    }
    /* POINT OF NO RETURN */
    if (victim) {
        RemoveChild(target.parent, target.index);
        Unlink(fs, victim);
    }
    Search(source.parent, node->name, node->nameLength, &index);
    RemoveChild(source.parent, index);
    if (CompareName(node->name, node->nameLength, target.name, target.nameLength) != 0) {
        if (!HasInlineName(node))
            Release(fs, node->name, node->nameLength + 1);
        node->name = name ? name : (char *)(node + 1);
        memcpy(node->name, target.name, target.nameLength);
        node->name[target.nameLength] = 0;
        node->nameLength = target.nameLength;
    }
    InstallRoom(fs, target.parent, children, capacity);
    Search(target.parent, node->name, node->nameLength, &index);
    InsertChild(target.parent, index, node);
    Touch(fs, node);
    Touch(fs, source.parent);
    Touch(fs, target.parent);
    TidyChildren(fs, source.parent);
    return 0;
}

int RamFsTruncate(RamFs *fs, const char *path, uint64_t size)
{
    Walk w;
    int error = FindNode(fs, path, &w);

    if (error != 0)
        return error;
    if (w.node->type == RAMFS_DIR)
        return E_ISDIR;
    if (size > RAMFS_FILE_MAX)
        return E_FBIG;
    /* POINT OF NO RETURN */
    SetSize(fs, w.node, size);
    return 0;
}

static void Describe(const RamFsNode *node, RamFsInfo *out)
{
    *out = (RamFsInfo){
        .type = node->type,
        .id = node->id,
        .version = node->version,
        .size = node->size,
        .entries = node->childCount,
        .blocks = node->blockCount,
        .handles = node->handles,
    };
}

int RamFsStat(RamFs *fs, const char *path, RamFsInfo *out)
{
    Walk w;
    int error = FindNode(fs, path, &w);

    if (error != 0)
        return error;
    if (!out)
        return E_FAULT;
    Describe(w.node, out);
    return 0;
}

int RamFsList(RamFs *fs, const char *path, uint32_t index, RamFsDirEntry *out)
{
    const RamFsNode *e;
    Walk w;
    int error = FindNode(fs, path, &w);

    if (error != 0)
        return error;
    if (w.node->type != RAMFS_DIR)
        return E_NOTDIR;
    if (index >= w.node->childCount)
        return E_NOENT;
    if (!out)
        return E_FAULT;
    e = w.node->children[index];
    memcpy(out->name, e->name, e->nameLength + 1);
    out->type = e->type;
    out->id = e->id;
    out->size = e->size;
    return 0;
}

// --- handles ----------------------------------------------------------------

int RamFsOpen(RamFs *fs, const char *path, uint32_t flags, uint32_t owner)
{
    RamFsNode *node, **children = NULL;
    RamFsHandle *table, *h;
    uint32_t capacity, room = 0, index;
    void *memory = NULL;
    Walk w;
    int error;

    if ((flags & ~ALL_FLAGS) || !(flags & (RAMFS_READ | RAMFS_WRITE)) ||
        ((flags & (RAMFS_TRUNCATE | RAMFS_APPEND)) && !(flags & RAMFS_WRITE)) ||
        ((flags & RAMFS_EXCLUSIVE) && !(flags & RAMFS_CREATE)))
        return E_INVAL;
    if ((error = WalkPath(fs, path, &w)) != 0)
        return error;
    node = w.node;
    if (node && (flags & RAMFS_EXCLUSIVE))
        return E_EXIST;
    if (node && node->type == RAMFS_DIR)
        return E_ISDIR;
    if (!node && !(flags & RAMFS_CREATE))
        return E_NOENT;
    if ((error = PrepareHandle(fs, &table, &capacity, &index)) != 0)
        return error;
    if (!node) {
        error = PrepareRoom(fs, w.parent, &children, &room);
        if (error == 0 && !(memory = Allocate(fs, NodeBytes(w.nameLength), &error)))
            DiscardRoom(fs, children, room);
        if (error != 0) {
            if (table)
                fs->release(table);
            return error;
        }
    }
    /* POINT OF NO RETURN */
    InstallHandles(fs, table, capacity);
    if (!node) {
        InstallRoom(fs, w.parent, children, room);
        node = InitNode(fs, memory, w.name, w.nameLength, RAMFS_FILE);
        InsertChild(w.parent, w.index, node);
        Touch(fs, w.parent);
    } else if (flags & RAMFS_TRUNCATE) {
        SetSize(fs, node, 0);
    }
    h = &fs->handles[index];
    h->node = node;
    h->owner = owner;
    h->flags = flags;
    node->handles++;
    fs->handleCount++;
    return (int)((h->generation << INDEX_BITS | index) + 1);
}

int RamFsClose(RamFs *fs, int handle, uint32_t owner)
{
    RamFsHandle *h = FindHandle(fs, handle, owner);

    if (!h)
        return E_BADF;
    CloseSlot(fs, h);
    return 0;
}

uint32_t RamFsCloseOwner(RamFs *fs, uint32_t owner)
{
    uint32_t closed = 0;

    for (uint32_t i = 0; i < fs->handleCapacity; i++) {
        if (fs->handles[i].node && fs->handles[i].owner == owner) {
            CloseSlot(fs, &fs->handles[i]);
            closed++;
        }
    }
    return closed;
}

int RamFsHandleUsable(RamFs *fs, int handle, uint32_t owner, uint32_t need)
{
    RamFsHandle *h = FindHandle(fs, handle, owner);

    return h && (h->flags & need) == need ? 0 : E_BADF;
}

int RamFsRead(RamFs *fs, int handle, uint32_t owner, uint64_t offset, void *buf,
              uint32_t length)
{
    RamFsHandle *h = FindHandle(fs, handle, owner);
    const RamFsNode *file;

    if (!h || !(h->flags & RAMFS_READ))
        return E_BADF;
    if (!buf && length > 0)
        return E_FAULT;
    file = h->node;
    if (offset >= file->size)
        return 0;
    if (length > RAMFS_IO_MAX)
        length = RAMFS_IO_MAX;
    if (length > file->size - offset)
        length = (uint32_t)(file->size - offset);
    ReadData(file, offset, buf, length);
    return (int)length;
}

int RamFsWrite(RamFs *fs, int handle, uint32_t owner, uint64_t offset, const void *buf,
               uint32_t length)
{
    RamFsHandle *h = FindHandle(fs, handle, owner);
    uint8_t **blocks = NULL, *fresh = NULL;
    uint32_t first, last, missing = 0, capacity;
    const uint8_t *in = buf;
    RamFsNode *file;
    uint64_t end;
    int error = 0;

    if (!h || !(h->flags & RAMFS_WRITE))
        return E_BADF;
    if (!buf && length > 0)
        return E_FAULT;
    if (length > RAMFS_IO_MAX)
        return E_INVAL;
    file = h->node;
    if (h->flags & RAMFS_APPEND)
        offset = file->size;
    if (length == 0)
        return 0;
    if (offset > RAMFS_FILE_MAX || length > RAMFS_FILE_MAX - offset)
        return E_FBIG;
    end = offset + length;
    first = (uint32_t)(offset >> BLOCK_SHIFT);
    last = (uint32_t)((end - 1) >> BLOCK_SHIFT);
    capacity = file->blockCapacity;
    for (uint32_t i = first; i <= last; i++) {
        if (i >= capacity || !file->blocks[i])
            missing++;
    }
    if (last >= capacity) {
        capacity = capacity * 2 > last + 1 ? capacity * 2 : last + 1;
        if (capacity < FIRST_BLOCKS)
            capacity = FIRST_BLOCKS;
        if (capacity > MAX_BLOCKS)
            capacity = MAX_BLOCKS;
        if (!(blocks = Allocate(fs, capacity * sizeof(uint8_t *), &error)))
            return error;
    }
    // The new blocks wait in a list linked through their first word.
    for (uint32_t i = 0; i < missing; i++) {
        uint8_t *block = Allocate(fs, RAMFS_BLOCK_SIZE, &error);
        if (!block) {
            while (fresh) {
                uint8_t *next = *(uint8_t **)fresh;
                Release(fs, fresh, RAMFS_BLOCK_SIZE);
                fresh = next;
            }
            Release(fs, blocks, capacity * sizeof(uint8_t *));
            return error;
        }
        *(uint8_t **)block = fresh;
        fresh = block;
    }
    /* POINT OF NO RETURN */
    if (blocks) {
        memset(blocks, 0, capacity * sizeof(uint8_t *));
        if (file->blockCapacity > 0)
            memcpy(blocks, file->blocks, file->blockCapacity * sizeof(uint8_t *));
        Release(fs, file->blocks, file->blockCapacity * sizeof(uint8_t *));
        file->blocks = blocks;
        file->blockCapacity = capacity;
    }
    for (uint32_t i = first; i <= last; i++) {
        uint64_t blockStart = (uint64_t)i << BLOCK_SHIFT;
        uint32_t from = i == first ? (uint32_t)offset & BLOCK_MASK : 0;
        uint32_t to = i == last ? (uint32_t)(end - blockStart) : RAMFS_BLOCK_SIZE;

        if (!file->blocks[i]) {
            file->blocks[i] = fresh;
            fresh = *(uint8_t **)fresh;
            memset(file->blocks[i], 0, RAMFS_BLOCK_SIZE);
            file->blockCount++;
        }
        memcpy(file->blocks[i] + from, in, to - from);
        in += to - from;
    }
    if (end > file->size)
        file->size = end;
    Touch(fs, file);
    return (int)length;
}

int RamFsStatHandle(RamFs *fs, int handle, uint32_t owner, RamFsInfo *out)
{
    RamFsHandle *h = FindHandle(fs, handle, owner);

    if (!h)
        return E_BADF;
    if (!out)
        return E_FAULT;
    Describe(h->node, out);
    return 0;
}

int RamFsTruncateHandle(RamFs *fs, int handle, uint32_t owner, uint64_t size)
{
    RamFsHandle *h = FindHandle(fs, handle, owner);

    if (!h || !(h->flags & RAMFS_WRITE))
        return E_BADF;
    if (size > RAMFS_FILE_MAX)
        return E_FBIG;
    /* POINT OF NO RETURN */
    SetSize(fs, h->node, size);
    return 0;
}

void RamFsUsage(const RamFs *fs, uint64_t *bytes, uint32_t *files, uint32_t *dirs)
{
    if (bytes)
        *bytes = fs->bytes;
    if (files)
        *files = fs->files;
    if (dirs)
        *dirs = fs->dirs;
}

// --- checking -----------------------------------------------------------------

typedef struct Totals {
    uint64_t bytes;
    uint32_t files;
    uint32_t dirs;
    uint32_t opened;        // sum of the files' handle counts
} Totals;

// Check one node other than the root and add it to the totals.
static int CheckNode(const RamFsNode *node, Totals *t)
{
    uint32_t count = 0, end;

    if (node->nameLength == 0 || node->nameLength > RAMFS_NAME_MAX ||
        node->name[node->nameLength] != 0 ||
        strnlen(node->name, node->nameLength) != node->nameLength ||
        IsDotName(node->name, node->nameLength) || node->nodeBytes < NodeBytes(1))
        return E_INVAL;
    for (uint32_t i = 0; i < node->nameLength; i++) {
        if (node->name[i] == '/')
            return E_INVAL;
    }
    t->bytes += node->nodeBytes;
    if (!HasInlineName(node))
        t->bytes += node->nameLength + 1;
    else if (node->nameLength > InlineCapacity(node))
        return E_INVAL;
    if (node->type == RAMFS_DIR) {
        if (node->blocks || node->blockCapacity || node->blockCount || node->size ||
            node->handles)
            return E_INVAL;
        t->dirs++;
    } else if (node->type == RAMFS_FILE) {
        if (node->children || node->childCapacity || node->childCount ||
            node->size > RAMFS_FILE_MAX || !node->blocks != !node->blockCapacity ||
            node->blockCapacity > MAX_BLOCKS)
            return E_INVAL;
        end = (uint32_t)((node->size + BLOCK_MASK) >> BLOCK_SHIFT);
        for (uint32_t i = 0; i < node->blockCapacity; i++) {
            if (node->blocks[i] && i >= end)
                return E_INVAL;
            count += node->blocks[i] != NULL;
        }
        if (count != node->blockCount)
            return E_INVAL;
        if ((node->size & BLOCK_MASK) && end - 1 < node->blockCapacity && node->blocks[end - 1]) {
            for (uint32_t i = (uint32_t)node->size & BLOCK_MASK; i < RAMFS_BLOCK_SIZE; i++) {
                if (node->blocks[end - 1][i] != 0)
                    return E_INVAL;
            }
        }
        t->bytes += node->blockCapacity * sizeof(uint8_t *) + (uint64_t)count * RAMFS_BLOCK_SIZE;
        t->files++;
        t->opened += node->handles;
    } else {
        return E_INVAL;
    }
    return 0;
}

// A directory's array and entries (its children's parent links and order).
static int CheckEntries(const RamFsNode *dir, Totals *t)
{
    if (dir->type != RAMFS_DIR)
        return 0;
    if (dir->childCount > dir->childCapacity || !dir->children != !dir->childCapacity)
        return E_INVAL;
    for (uint32_t i = 0; i < dir->childCount; i++) {
        const RamFsNode *e = dir->children[i];
        if (!e || e->parent != dir)
            return E_INVAL;
        if (i > 0) {
            const RamFsNode *p = dir->children[i - 1];
            if (CompareName(p->name, p->nameLength, e->name, e->nameLength) >= 0)
                return E_INVAL;
        }
    }
    t->bytes += dir->childCapacity * sizeof(RamFsNode *);
    return 0;
}

// Is node reachable from the root by names (at most steps levels up)?
static int IsLinked(const RamFs *fs, const RamFsNode *node, uint32_t steps)
{
    uint32_t index;

    for (; node != &fs->root; node = node->parent) {
        if (!node->parent || steps-- == 0 ||
            !Search(node->parent, node->name, node->nameLength, &index) ||
            node->parent->children[index] != node)
            return 0;
    }
    return 1;
}

int RamFsCheck(const RamFs *fs)
{
    const RamFsNode *node = &fs->root, *parent;
    uint32_t visited = 0, live = 0, index;
    Totals t = { 0 };

    if (fs->root.parent || fs->root.type != RAMFS_DIR || fs->root.size || fs->root.blocks ||
        fs->bytes > fs->byteLimit || CheckEntries(&fs->root, &t) != 0)
        return E_INVAL;
    // Pre-order walk: down to the first entry, else on to the next sibling
    // of the nearest ancestor that has one.
    for (;;) {
        if (node->type == RAMFS_DIR && node->childCount > 0) {
            node = node->children[0];
        } else {
            for (;;) {
                if (node == &fs->root)
                    goto walked;
                parent = node->parent;
                if (!Search(parent, node->name, node->nameLength, &index) ||
                    parent->children[index] != node)
                    return E_INVAL;
                if (index + 1 < parent->childCount) {
                    node = parent->children[index + 1];
                    break;
                }
                node = parent;
            }
        }
        if (++visited > fs->files + fs->dirs || CheckNode(node, &t) != 0 ||
            CheckEntries(node, &t) != 0)
            return E_INVAL;
    }
walked:
    if (fs->handleCapacity > RAMFS_HANDLE_MAX || !fs->handles != !fs->handleCapacity)
        return E_INVAL;
    for (uint32_t i = 0; i < fs->handleCapacity; i++) {
        const RamFsHandle *h = &fs->handles[i];
        uint32_t same = 0, first = 1;

        if (h->generation > GENERATION_MASK)
            return E_INVAL;
        if (!h->node)
            continue;
        live++;
        if (h->node->type != RAMFS_FILE || (h->flags & ~ALL_FLAGS) ||
            !(h->flags & (RAMFS_READ | RAMFS_WRITE)))
            return E_INVAL;
        for (uint32_t j = 0; j < fs->handleCapacity; j++) {
            if (fs->handles[j].node == h->node) {
                same++;
                first &= j >= i;
            }
        }
        if (same != h->node->handles)
            return E_INVAL;
        if (!h->node->parent) {
            if (first && CheckNode(h->node, &t) != 0)
                return E_INVAL;
        } else if (!IsLinked(fs, h->node, visited)) {
            return E_INVAL;
        }
    }
    if (live != fs->handleCount || t.opened != live || t.bytes != fs->bytes ||
        t.files != fs->files || t.dirs != fs->dirs)
        return E_INVAL;
    return 0;
}
