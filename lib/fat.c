// FAT12/FAT16/FAT32: the on-disk format, read and written.
//
// A volume is reserved sectors (the boot sector with its BIOS parameter
// block, on FAT32 also FSInfo), then numFats copies of the file
// allocation table, then (FAT12/16) a fixed root directory, then the data
// clusters, numbered from 2. The FAT holds one entry per cluster: 0 free,
// the next cluster of a chain, or an end-of-chain mark. A directory is an
// array of 32-byte entries; a name longer or other than 8.3 upper case is
// stored as VFAT long-name entries (13 UCS-2 characters each, in reverse
// order, each carrying a checksum of the short name) just before the
// short entry they belong to.
//
// Nothing read from the disk is trusted: the mount checks the boot sector,
// Next() checks every FAT entry it follows (a cluster number in range, not
// free, not bad), every chain walk is bounded by the cluster count (so a
// loop ends in E_IO), a directory is at most 65536 entries, a file's chain
// must cover its size, and names that could not come from a path ("",
// "/" inside, "." or "..") are skipped as if absent.
//
// FAT and directory sectors go through a small cache (LRU, write-back);
// each changing call ends with FatFlush, so a completed call is on the
// device. File data bypasses the cache; a data write drops any cached copy
// of the sectors it covers (a freed directory cluster can become file
// data). Writes that need clusters allocate them all first and give them
// back if the volume is full, so E_NOSPC changes nothing.
#include <clanker/error.h>
#include <lib/string.h>
#include <lib/fat.h>

#define ENTRY_SIZE      32u
#define DIR_ENTRIES_MAX 65536u          // a directory's size limit (2 MiB)
#define LFN_CHARS       13u             // UCS-2 characters in one long-name entry
#define LFN_ENTRIES_MAX 20u             // 255 characters
#define ATTR_READ_ONLY  0x01u
#define ATTR_HIDDEN     0x02u
#define ATTR_SYSTEM     0x04u
#define ATTR_VOLUME     0x08u
#define ATTR_DIR        0x10u
#define ATTR_ARCHIVE    0x20u
#define ATTR_LFN        0x0fu
#define ENTRY_FREE      0xe5u
#define ENTRY_END       0x00u
#define NTRES_LOWER_BASE 0x08u
#define NTRES_LOWER_EXT  0x10u
#define FREE_UNKNOWN    0xffffffffu
#define FAT_DATE_1980   0x0021u         // 1980-01-01, the FAT epoch: no clock here

typedef struct CacheSlot {
    uint32_t sector;
    uint32_t used;              // LRU stamp
    uint8_t valid;
    uint8_t dirty;
    uint8_t *data;
} CacheSlot;

struct Fat {
    FatDevice device;
    void *(*allocate)(size_t);
    void (*release)(void *);
    uint32_t sectorSize;        // bytes per filesystem sector
    uint32_t deviceRatio;       // device sectors per filesystem sector
    uint32_t clusterSectors;
    uint32_t clusterSize;
    uint32_t fatBits;
    uint32_t fatStart, fatSectors, fatCount;
    uint32_t activeFat;         // the FAT read (and the only one written without mirroring)
    int mirror;
    uint32_t rootStart, rootEntries;    // FAT12/16 fixed root
    uint32_t rootCluster;               // FAT32 root
    uint32_t dataStart;
    uint32_t clusters;          // data clusters: 2 .. clusters + 1
    uint32_t totalSectors;
    uint32_t fsInfoSector;      // 0: none
    uint32_t freeCount, nextFree;
    int fsInfoDirty;
    int readOnly;
    uint32_t clock;
    CacheSlot cache[FAT_CACHE_SECTORS];
    uint8_t *bounce;            // one sector for partial data sectors
};

// Where a directory entry is: the sector (filesystem numbering) and byte.
typedef struct Slot {
    uint32_t sector;
    uint32_t offset;
} Slot;

// A directory being walked entry by entry. cluster 0 with fixed set: the
// FAT12/16 root.
typedef struct DirIter {
    uint32_t first;             // first cluster (0: fixed root)
    uint32_t cluster;           // cluster holding entry index
    uint32_t index;             // next entry
} DirIter;

// One name found in a directory: its short entry and the slots of its
// long-name entries and short entry.
typedef struct Found {
    uint8_t entry[ENTRY_SIZE];
    Slot slots[LFN_ENTRIES_MAX + 1];
    uint32_t slotCount;         // long-name entries + 1
    char name[FAT_NAME_MAX + 1];        // the long name, or the short one
    char shortName[25];                 // 8.3 as displayed (UTF-8)
} Found;

// An object reached by a path.
typedef struct Node {
    int root;
    uint32_t type;
    uint32_t cluster;           // first cluster (directories: 0 only for a fixed root)
    uint32_t size;
    uint32_t parent;            // the directory holding it (its first cluster)
    Found found;                // where its entries are (not for the root)
} Node;

static const uint8_t dotName[11] = { '.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ' };
static const uint8_t dotDotName[11] = { '.', '.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ' };

// --- little-endian fields ----------------------------------------------

static uint32_t Get16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t Get32(const uint8_t *p) { return Get16(p) | Get16(p + 2) << 16; }
static void Put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void Put32(uint8_t *p, uint32_t v) { Put16(p, v); Put16(p + 2, v >> 16); }

// --- device and cache ----------------------------------------------------

// Transfer count filesystem sectors at sector, which must lie in the volume.
static int DeviceIo(Fat *fat, uint32_t sector, uint32_t count, void *buffer, int write)
{
    uint64_t first = (uint64_t)sector * fat->deviceRatio;

    if ((uint64_t)sector + count > fat->totalSectors)
        return E_IO;
    if (write)
        return fat->device.write(fat->device.context, first, count * fat->deviceRatio, buffer);
    return fat->device.read(fat->device.context, first, count * fat->deviceRatio, buffer);
}

static int CacheWriteSlot(Fat *fat, CacheSlot *slot)
{
    int err = 0;

    if (slot->valid && slot->dirty)
        err = DeviceIo(fat, slot->sector, 1, slot->data, 1);
    if (!err)
        slot->dirty = 0;
    return err;
}

// The cache slot holding sector, loaded from the device unless zero is set
// (then it is filled with zeros and marked dirty). Returns the slot or NULL
// with *err set. The slot stays valid until the next CacheGet.
static CacheSlot *CacheGet(Fat *fat, uint32_t sector, int zero, int *err)
{
    CacheSlot *victim = NULL;

    for (uint32_t i = 0; i < FAT_CACHE_SECTORS; i++) {
        CacheSlot *s = &fat->cache[i];
        if (s->valid && s->sector == sector) {
            victim = s;
            goto found;
        }
        if (!victim || (victim->valid && (!s->valid || s->used < victim->used)))
            victim = s;
    }
    if ((*err = CacheWriteSlot(fat, victim)) != 0)
        return NULL;
    victim->valid = 0;
    victim->sector = sector;
    if (!zero && (*err = DeviceIo(fat, sector, 1, victim->data, 0)) != 0)
        return NULL;
    victim->valid = 1;
found:
    if (zero) {
        memset(victim->data, 0, fat->sectorSize);
        victim->dirty = 1;
    }
    victim->used = ++fat->clock;
    *err = 0;
    return victim;
}

// Forget cached copies of sectors [sector, sector + count): the device
// now holds newer data.
static void CacheDrop(Fat *fat, uint32_t sector, uint32_t count)
{
    for (uint32_t i = 0; i < FAT_CACHE_SECTORS; i++) {
        CacheSlot *s = &fat->cache[i];
        if (s->valid && s->sector >= sector && s->sector - sector < count)
            s->valid = s->dirty = 0;
    }
}

static int WriteFsInfo(Fat *fat)
{
    int err;
    CacheSlot *s;

    if (!fat->fsInfoDirty || !fat->fsInfoSector)
        return 0;
    s = CacheGet(fat, fat->fsInfoSector, 0, &err);
    if (!s)
        return err;
    Put32(s->data + 488, fat->freeCount);
    Put32(s->data + 492, fat->nextFree);
    s->dirty = 1;
    fat->fsInfoDirty = 0;
    return 0;
}

int FatFlush(Fat *fat)
{
    int err = fat->readOnly ? 0 : WriteFsInfo(fat), first = err;

    for (uint32_t i = 0; i < FAT_CACHE_SECTORS; i++) {
        err = CacheWriteSlot(fat, &fat->cache[i]);
        if (err && !first)
            first = err;
    }
    return first;
}

// Read or write bytes of a cached sector range, byte by byte across
// sector ends (FAT12 entries straddle them).
static int CacheBytes(Fat *fat, uint32_t sector, uint32_t offset, uint8_t *bytes,
                      uint32_t length, int write)
{
    int err;

    for (uint32_t i = 0; i < length; i++) {
        uint32_t at = offset + i;
        CacheSlot *s = CacheGet(fat, sector + at / fat->sectorSize, 0, &err);
        if (!s)
            return err;
        if (write) {
            s->data[at % fat->sectorSize] = bytes[i];
            s->dirty = 1;
        } else {
            bytes[i] = s->data[at % fat->sectorSize];
        }
    }
    return 0;
}

// --- the allocation table ----------------------------------------------

static uint32_t EndMark(const Fat *fat)
{
    return fat->fatBits == 12 ? 0xff8u : fat->fatBits == 16 ? 0xfff8u : 0x0ffffff8u;
}

static int ClusterValid(const Fat *fat, uint32_t cluster)
{
    return cluster >= 2 && cluster - 2 < fat->clusters;
}

// The raw FAT entry of cluster (in range) in FAT copy.
static int FatGet(Fat *fat, uint32_t copy, uint32_t cluster, uint32_t *value)
{
    uint32_t start = fat->fatStart + copy * fat->fatSectors;
    uint8_t b[4] = { 0 };
    int err;

    if (fat->fatBits == 12) {
        err = CacheBytes(fat, start, cluster + cluster / 2, b, 2, 0);
        *value = cluster & 1 ? Get16(b) >> 4 : Get16(b) & 0xfff;
    } else if (fat->fatBits == 16) {
        err = CacheBytes(fat, start, cluster * 2, b, 2, 0);
        *value = Get16(b);
    } else {
        err = CacheBytes(fat, start, cluster * 4, b, 4, 0);
        *value = Get32(b) & 0x0fffffff;
    }
    return err;
}

static int FatPutCopy(Fat *fat, uint32_t copy, uint32_t cluster, uint32_t value)
{
    uint32_t start = fat->fatStart + copy * fat->fatSectors;
    uint32_t at = fat->fatBits == 12 ? cluster + cluster / 2 : cluster * (fat->fatBits / 8);
    uint32_t width = fat->fatBits == 32 ? 4 : 2;
    uint8_t b[4];
    int err = CacheBytes(fat, start, at, b, width, 0);

    if (err)
        return err;
    if (fat->fatBits == 12) {
        uint32_t old = Get16(b);
        Put16(b, cluster & 1 ? (old & 0x000f) | value << 4 : (old & 0xf000) | (value & 0xfff));
    } else if (fat->fatBits == 16) {
        Put16(b, value);
    } else {
        Put32(b, (Get32(b) & 0xf0000000u) | (value & 0x0fffffff));
    }
    return CacheBytes(fat, start, at, b, width, 1);
}

// Set cluster's entry in every FAT copy (only the active one when
// mirroring is off), keeping the free count.
static int FatPut(Fat *fat, uint32_t cluster, uint32_t value)
{
    uint32_t old;
    int err = FatGet(fat, fat->activeFat, cluster, &old);

    for (uint32_t copy = 0; !err && copy < fat->fatCount; copy++)
        if (fat->mirror || copy == fat->activeFat)
            err = FatPutCopy(fat, copy, cluster, value);
    if (err || fat->freeCount == FREE_UNKNOWN || (old == 0) == (value == 0))
        return err;
    fat->freeCount += value == 0 ? 1 : (uint32_t)-1;
    fat->fsInfoDirty = 1;
    return 0;
}

// The cluster after cluster in its chain: *next 0 at the end of the chain.
// E_IO for a free, bad, reserved or out-of-range entry.
static int Next(Fat *fat, uint32_t cluster, uint32_t *next)
{
    uint32_t value;
    int err;

    if (!ClusterValid(fat, cluster))
        return E_IO;
    if ((err = FatGet(fat, fat->activeFat, cluster, &value)) != 0)
        return err;
    if (value >= EndMark(fat))
        *next = 0;
    else if (ClusterValid(fat, value))
        *next = value;
    else
        return E_IO;
    return 0;
}

// The number of clusters in the chain from first (0: none) and its last
// cluster. A loop or bad entry is E_IO.
static int ChainLength(Fat *fat, uint32_t first, uint32_t *length, uint32_t *last)
{
    uint32_t n = 0, c = first;
    int err;

    *last = 0;
    while (c) {
        if (++n > fat->clusters)
            return E_IO;
        *last = c;
        if ((err = Next(fat, c, &c)) != 0)
            return err;
    }
    *length = n;
    return 0;
}

// The cluster at position index of the chain from first.
static int ChainAt(Fat *fat, uint32_t first, uint32_t index, uint32_t *cluster)
{
    uint32_t c = first;
    int err;

    if (!ClusterValid(fat, first) || index >= fat->clusters)
        return E_IO;
    for (uint32_t i = 0; i < index; i++) {
        if ((err = Next(fat, c, &c)) != 0)
            return err;
        if (!c)
            return E_IO;
    }
    *cluster = c;
    return 0;
}

// Free the chain from first (0: nothing).
static int FreeChain(Fat *fat, uint32_t first)
{
    uint32_t n = 0, c = first, next;
    int err;

    while (c) {
        if (++n > fat->clusters)
            return E_IO;
        if ((err = Next(fat, c, &next)) != 0)
            return err;
        if ((err = FatPut(fat, c, 0)) != 0)
            return err;
        c = next;
    }
    return 0;
}

// Allocate count clusters as one new chain (ending with an end mark) and
// return its first cluster. E_NOSPC leaves the FAT as it was.
static int AllocateChain(Fat *fat, uint32_t count, uint32_t *first)
{
    uint32_t c = ClusterValid(fat, fat->nextFree) ? fat->nextFree : 2, got = 0, prev = 0;
    int err = 0;

    *first = 0;
    for (uint32_t scanned = 0; got < count && scanned < fat->clusters; scanned++) {
        uint32_t value;
        if ((err = FatGet(fat, fat->activeFat, c, &value)) != 0)
            break;
        if (value == 0) {
            if ((err = FatPut(fat, c, 0x0fffffff & (fat->fatBits == 12 ? 0xfff : 0xffffffff))) != 0)
                break;
            if (prev && (err = FatPut(fat, prev, c)) != 0)
                break;
            if (!prev)
                *first = c;
            prev = c;
            got++;
        }
        c = c - 2 + 1 < fat->clusters ? c + 1 : 2;
    }
    if (!err && got < count)
        err = E_NOSPC;
    if (err) {
        FreeChain(fat, *first);
        *first = 0;
        return err;
    }
    fat->nextFree = c;
    fat->fsInfoDirty = fat->fsInfoSector != 0;
    return 0;
}

static uint32_t ClusterSector(const Fat *fat, uint32_t cluster)
{
    return fat->dataStart + (cluster - 2) * fat->clusterSectors;
}

// --- file data -----------------------------------------------------------

// Move length bytes at byte offset of the cluster run [cluster, cluster +
// runClusters) to or from buffer (a NULL buffer writes zeros).
static int RunIo(Fat *fat, uint32_t cluster, uint32_t offset, uint8_t *buffer, uint32_t length,
                 int write)
{
    uint32_t sector = ClusterSector(fat, cluster) + offset / fat->sectorSize;
    uint32_t within = offset % fat->sectorSize;
    int err = 0;

    while (length && !err) {
        uint32_t n = fat->sectorSize - within;
        if (within == 0 && length >= fat->sectorSize && buffer) {
            uint32_t whole = length / fat->sectorSize;
            if (write)
                CacheDrop(fat, sector, whole);
            err = DeviceIo(fat, sector, whole, buffer, write);
            n = whole * fat->sectorSize;
        } else {
            n = n < length ? n : length;
            if (within != 0 || n != fat->sectorSize || !write)
                err = DeviceIo(fat, sector, 1, fat->bounce, 0);
            if (!err && write) {
                if (buffer)
                    memcpy(fat->bounce + within, buffer, n);
                else
                    memset(fat->bounce + within, 0, n);
                CacheDrop(fat, sector, 1);
                err = DeviceIo(fat, sector, 1, fat->bounce, 1);
            } else if (!err) {
                memcpy(buffer, fat->bounce + within, n);
            }
        }
        sector += (within + n) / fat->sectorSize;
        within = 0;
        length -= n;
        if (buffer)
            buffer += n;
    }
    return err;
}

// Move length bytes at offset of the file whose chain starts at first;
// the chain must reach that far (E_IO if it does not).
static int FileIo(Fat *fat, uint32_t first, uint64_t offset, uint8_t *buffer, uint32_t length,
                  int write)
{
    uint32_t cluster, within = (uint32_t)(offset % fat->clusterSize);
    int err;

    if (length == 0)
        return 0;
    if ((err = ChainAt(fat, first, (uint32_t)(offset / fat->clusterSize), &cluster)) != 0)
        return err;
    while (length) {
        // One device transfer covers the clusters that follow on the disk.
        uint32_t last = cluster, next, n;
        uint64_t span = fat->clusterSize - within;
        for (;;) {
            if ((err = Next(fat, last, &next)) != 0)
                return err;
            if (span >= length || next != last + 1)
                break;
            last = next;
            span += fat->clusterSize;
        }
        n = span < length ? (uint32_t)span : length;
        if ((err = RunIo(fat, cluster, within, buffer, n, write)) != 0)
            return err;
        length -= n;
        if (buffer)
            buffer += n;
        within = 0;
        if (length && !next)
            return E_IO;                // the chain ends before the data
        cluster = next;
    }
    return 0;
}

// --- names ---------------------------------------------------------------

static int AsciiUpper(int c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }

// Decode UTF-8 s (length bytes) into UCS-2 out (room for max). Returns the
// characters, or -1: malformed, outside the BMP, a surrogate, too long.
static int Utf8ToUcs2(const char *s, uint32_t length, uint16_t *out, uint32_t max)
{
    const uint8_t *p = (const uint8_t *)s, *end = p + length;
    uint32_t n = 0;

    while (p < end) {
        uint32_t c = *p++, more = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : 9;
        if (more == 9 || (uint32_t)(end - p) < more)
            return -1;
        c &= more == 0 ? 0x7f : more == 1 ? 0x1f : 0x0f;
        for (uint32_t i = 0; i < more; i++) {
            if ((*p & 0xc0) != 0x80)
                return -1;
            c = c << 6 | (*p++ & 0x3f);
        }
        if ((more == 1 && c < 0x80) || (more == 2 && c < 0x800) || (c >= 0xd800 && c < 0xe000))
            return -1;
        if (n == max)
            return -1;
        out[n++] = (uint16_t)c;
    }
    return (int)n;
}

// Encode n UCS-2 characters as UTF-8 into out (room for max bytes plus a
// NUL). Returns the bytes, or -1 (a surrogate, a NUL, too long).
static int Ucs2ToUtf8(const uint16_t *in, uint32_t n, char *out, uint32_t max)
{
    uint32_t length = 0;

    for (uint32_t i = 0; i < n; i++) {
        uint32_t c = in[i], need = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        if (c == 0 || (c >= 0xd800 && c < 0xe000) || length + need > max)
            return -1;
        if (need == 1) {
            out[length++] = (char)c;
        } else if (need == 2) {
            out[length++] = (char)(0xc0 | c >> 6);
            out[length++] = (char)(0x80 | (c & 0x3f));
        } else {
            out[length++] = (char)(0xe0 | c >> 12);
            out[length++] = (char)(0x80 | ((c >> 6) & 0x3f));
            out[length++] = (char)(0x80 | (c & 0x3f));
        }
    }
    out[length] = 0;
    return (int)length;
}

// Whether a and b (length bytes each) are the same name, ignoring ASCII case.
static int NameEqual(const char *a, const char *b, uint32_t length)
{
    if (strlen(a) != length)
        return 0;
    for (uint32_t i = 0; i < length; i++)
        if (AsciiUpper((uint8_t)a[i]) != AsciiUpper((uint8_t)b[i]))
            return 0;
    return 1;
}

// The checksum of a short name that its long-name entries carry.
static uint8_t ShortChecksum(const uint8_t *name)
{
    uint8_t sum = 0;

    for (int i = 0; i < 11; i++)
        sum = (uint8_t)(((sum & 1) ? 0x80 : 0) + (sum >> 1) + name[i]);
    return sum;
}

// Display the 11-byte short name of entry as NAME.EXT (lower case where
// the NT case bits say so; bytes above 0x7f as Latin-1) into out (room
// for FAT_NAME_MAX + 1). Returns its length.
static uint32_t ShortDisplay(const uint8_t *entry, char *out, uint32_t room)
{
    uint16_t chars[12];
    uint32_t n = 0, baseEnd = 8, extEnd = 11;

    while (baseEnd > 0 && entry[baseEnd - 1] == ' ')
        baseEnd--;
    while (extEnd > 8 && entry[extEnd - 1] == ' ')
        extEnd--;
    for (uint32_t i = 0; i < extEnd; i++) {
        uint32_t c = i == 0 && entry[0] == 0x05 ? 0xe5 : entry[i];
        uint32_t lower = i < 8 ? entry[12] & NTRES_LOWER_BASE : entry[12] & NTRES_LOWER_EXT;
        if (i == 8)
            chars[n++] = '.';
        if (i >= baseEnd && i < 8)
            continue;
        chars[n++] = (uint16_t)(lower && c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    if (extEnd == 8 && n > 0 && chars[n - 1] == '.')
        n--;
    int length = Ucs2ToUtf8(chars, n, out, room);
    if (length < 0)
        out[0] = 0;                     // unusable: skipped by NameUsable
    return length < 0 ? 0 : (uint32_t)length;
}

// Whether name (a found entry's) could be reached by a path component.
static int NameUsable(const char *name)
{
    return name[0] && strchr(name, '/') == NULL && strcmp(name, ".") != 0 &&
           strcmp(name, "..") != 0;
}

// Whether UCS-2 character c may appear in a long name.
static int LongCharValid(uint32_t c)
{
    return c >= 0x20 && c != '"' && c != '*' && c != '/' && c != ':' && c != '<' && c != '>' &&
           c != '?' && c != '\\' && c != '|' && c != 0x7f;
}

// Whether ASCII c may appear in a short name as is.
static int ShortCharValid(uint32_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("$%'-_@~`!(){}^#&", (int)c) != NULL);
}

// Check name (length bytes) as a new FAT name and convert it to UCS-2.
// Returns the characters or E_INVAL.
static int NewName(const char *name, uint32_t length, uint16_t *out)
{
    int n = Utf8ToUcs2(name, length, out, FAT_NAME_MAX);

    if (n <= 0)
        return E_INVAL;
    for (int i = 0; i < n; i++)
        if (!LongCharValid(out[i]))
            return E_INVAL;
    if (out[n - 1] == ' ' || out[n - 1] == '.')
        return E_INVAL;                 // Windows would strip them: refuse instead
    return n;
}

// The basis short name of a long name (the Microsoft algorithm): upper
// case, invalid characters as '_', spaces and leading dots dropped, 8 + 3
// characters. *exact says the long name is this short name exactly (no
// long-name entries needed); *lossy that a tail (~N) is required.
static void ShortBasis(const uint16_t *name, uint32_t n, uint8_t *out, int *exact, int *lossy)
{
    uint32_t lastDot = n, start = 0, base = 0, ext = 0;
    char shown[13];
    uint32_t shownLength = 0;

    memset(out, ' ', 11);
    *lossy = 0;
    while (start < n && (name[start] == '.' || name[start] == ' '))
        start++;
    for (uint32_t i = start; i < n; i++)
        if (name[i] == '.')
            lastDot = i;
    for (uint32_t i = start; i < n; i++) {
        uint32_t c = name[i];
        if (c == ' ' || (c == '.' && i != lastDot)) {
            *lossy |= c == '.';
            continue;
        }
        if (i == lastDot)
            continue;
        c = c < 0x80 ? (uint32_t)AsciiUpper((int)c) : '_';
        if (!ShortCharValid(c)) {
            c = '_';
            *lossy = 1;
        }
        if (i < lastDot) {
            if (base == 8)
                *lossy = 1;
            else
                out[base++] = (uint8_t)c;
        } else {
            if (ext == 3)
                *lossy = 1;
            else
                out[8 + ext++] = (uint8_t)c;
        }
    }
    if (base == 0) {
        out[base++] = '_';
        *lossy = 1;
    }
    for (uint32_t i = 0; i < base; i++)
        shown[shownLength++] = (char)out[i];
    if (ext) {
        shown[shownLength++] = '.';
        for (uint32_t i = 0; i < ext; i++)
            shown[shownLength++] = (char)out[8 + i];
    }
    *exact = shownLength == n;
    for (uint32_t i = 0; *exact && i < n; i++)
        *exact = name[i] == (uint8_t)shown[i];
}

// Put the tail ~number on the basis short name (the base cut to fit).
static void ShortTail(const uint8_t *basis, uint32_t number, uint8_t *out)
{
    char digits[8];
    uint32_t d = 0, keep = 0;

    memcpy(out, basis, 11);
    for (uint32_t v = number; v; v /= 10)
        digits[d++] = (char)('0' + v % 10);
    while (keep < 8 - 1 - d && basis[keep] != ' ')
        keep++;
    out[keep++] = '~';
    while (d)
        out[keep++] = (uint8_t)digits[--d];
    while (keep < 8)
        out[keep++] = ' ';
}

// --- directories ---------------------------------------------------------

static void DirStart(DirIter *it, uint32_t first)
{
    *it = (DirIter){ first, first, 0 };
}

// The slot of the directory's next entry. Returns 1 (filled), 0 (the
// directory ends) or E_IO.
static int DirNext(Fat *fat, DirIter *it, Slot *slot)
{
    uint32_t perCluster = fat->clusterSize / ENTRY_SIZE, within, byte;
    int err;

    if (it->first == 0) {
        if (it->index >= fat->rootEntries)
            return 0;
        byte = it->index++ * ENTRY_SIZE;
        *slot = (Slot){ fat->rootStart + byte / fat->sectorSize, byte % fat->sectorSize };
        return 1;
    }
    if (it->index >= DIR_ENTRIES_MAX)
        return 0;
    within = it->index % perCluster;
    if (within == 0 && it->index > 0) {
        if ((err = Next(fat, it->cluster, &it->cluster)) != 0)
            return err;
        if (it->cluster == 0)
            return 0;
    }
    if (!ClusterValid(fat, it->cluster))
        return E_IO;
    byte = within * ENTRY_SIZE;
    *slot = (Slot){ ClusterSector(fat, it->cluster) + byte / fat->sectorSize,
                    byte % fat->sectorSize };
    it->index++;
    return 1;
}

static int EntryRead(Fat *fat, Slot slot, uint8_t *entry)
{
    int err;
    CacheSlot *s = CacheGet(fat, slot.sector, 0, &err);

    if (s)
        memcpy(entry, s->data + slot.offset, ENTRY_SIZE);
    return err;
}

static int EntryWrite(Fat *fat, Slot slot, const uint8_t *entry)
{
    int err;
    CacheSlot *s = CacheGet(fat, slot.sector, 0, &err);

    if (s) {
        memcpy(s->data + slot.offset, entry, ENTRY_SIZE);
        s->dirty = 1;
    }
    return err;
}

// Long-name entries gathered while scanning, until their short entry.
typedef struct LongName {
    uint16_t chars[LFN_ENTRIES_MAX * LFN_CHARS];
    Slot slots[LFN_ENTRIES_MAX];
    uint32_t count;             // entries gathered (0: none)
    uint32_t expect;            // the order number of the next one (0: complete)
    uint8_t checksum;
} LongName;

static void LongAdd(LongName *ln, const uint8_t *e, Slot slot)
{
    static const uint8_t at[LFN_CHARS] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };
    uint32_t order = e[0] & 0x1f;

    if (e[0] & 0x40) {
        ln->count = 0;
        ln->expect = order;
        ln->checksum = e[13];
        if (order == 0 || order > LFN_ENTRIES_MAX)
            ln->expect = 0;
    }
    if (ln->expect == 0 || order != ln->expect || e[13] != ln->checksum || Get16(e + 26) != 0) {
        ln->count = ln->expect = 0;
        return;
    }
    for (uint32_t i = 0; i < LFN_CHARS; i++)
        ln->chars[(order - 1) * LFN_CHARS + i] = (uint16_t)Get16(e + at[i]);
    ln->slots[ln->count++] = slot;
    ln->expect--;
    if (ln->expect == 0)
        ln->expect = 0x100;             // complete: only a short entry may follow
}

// Fill found from a short entry and the long name before it (if it
// belongs to it). Returns whether the result is usable.
static int FoundMake(Found *f, LongName *ln, const uint8_t *e, Slot slot)
{
    uint32_t n = 0, total = ln->count * LFN_CHARS;
    int length = -1;

    memcpy(f->entry, e, ENTRY_SIZE);
    ShortDisplay(e, f->shortName, sizeof(f->shortName) - 1);
    if (ln->count && ln->expect == 0x100 && ln->checksum == ShortChecksum(e)) {
        while (n < total && ln->chars[n] != 0)
            n++;
        length = n ? Ucs2ToUtf8(ln->chars, n, f->name, FAT_NAME_MAX) : -1;
    }
    f->slotCount = 0;
    if (length > 0) {
        memcpy(f->slots, ln->slots, ln->count * sizeof(Slot));
        f->slotCount = ln->count;
    } else {
        ShortDisplay(e, f->name, FAT_NAME_MAX);
    }
    f->slots[f->slotCount++] = slot;
    ln->count = ln->expect = 0;
    return NameUsable(f->name);
}

// Call visit for every usable name in directory first (not the dot
// entries or the volume label) until it returns nonzero. Returns what
// visit returned (0: it never stopped) or E_IO.
static int DirScan(Fat *fat, uint32_t first, int (*visit)(void *, Found *), void *context,
                   Found *f)
{
    LongName ln = { .count = 0, .expect = 0 };
    uint8_t e[ENTRY_SIZE];
    DirIter it;
    Slot slot;
    int more, err;

    DirStart(&it, first);
    while ((more = DirNext(fat, &it, &slot)) == 1) {
        if ((err = EntryRead(fat, slot, e)) != 0)
            return err;
        if (e[0] == ENTRY_END)
            break;
        if (e[0] == ENTRY_FREE) {
            ln.count = ln.expect = 0;
        } else if ((e[11] & 0x3f) == ATTR_LFN) {
            LongAdd(&ln, e, slot);
        } else if ((e[11] & ATTR_VOLUME) || memcmp(e, dotName, 11) == 0 ||
                   memcmp(e, dotDotName, 11) == 0) {
            ln.count = ln.expect = 0;
        } else if (FoundMake(f, &ln, e, slot) && (err = visit(context, f)) != 0) {
            return err;
        }
    }
    return more < 0 ? more : 0;
}

static uint32_t EntryCluster(const Fat *fat, const uint8_t *e)
{
    return Get16(e + 26) | (fat->fatBits == 32 ? Get16(e + 20) << 16 : 0);
}

typedef struct Match {
    const char *name;
    uint32_t length;
} Match;

static int MatchVisit(void *context, Found *f)
{
    Match *m = context;

    return NameEqual(f->name, m->name, m->length) || NameEqual(f->shortName, m->name, m->length);
}

// Find name (length bytes) in directory dir. Returns 0 (found filled),
// E_NOENT or E_IO.
static int DirFind(Fat *fat, uint32_t dir, const char *name, uint32_t length, Found *found)
{
    Match m = { name, length };
    int r = DirScan(fat, dir, MatchVisit, &m, found);

    return r == 1 ? 0 : r < 0 ? r : E_NOENT;
}

static void NodeRoot(const Fat *fat, Node *node)
{
    memset(node, 0, sizeof(*node) - sizeof(node->found));
    node->root = 1;
    node->type = FAT_DIR;
    node->cluster = fat->fatBits == 32 ? fat->rootCluster : 0;
}

// Fill node from the entry found in directory parent. E_IO for a
// directory without a valid cluster.
static int NodeFromFound(Fat *fat, uint32_t parent, Node *node)
{
    const uint8_t *e = node->found.entry;

    node->root = 0;
    node->parent = parent;
    node->type = e[11] & ATTR_DIR ? FAT_DIR : FAT_FILE;
    node->cluster = EntryCluster(fat, e);
    node->size = node->type == FAT_FILE ? Get32(e + 28) : 0;
    if (node->type == FAT_DIR ? !ClusterValid(fat, node->cluster)
                              : node->cluster != 0 && !ClusterValid(fat, node->cluster))
        return E_IO;
    return 0;
}

// Check path's syntax (see lib/fat.h) and strip its optional slashes into
// *start / *length. Returns 0, E_INVAL or E_NAMETOOLONG.
static int PathCheck(const char *path, const char **start, uint32_t *length)
{
    size_t n = strnlen(path, FAT_PATH_MAX + 1);

    if (n > FAT_PATH_MAX)
        return E_NAMETOOLONG;
    if (n && path[0] == '/') {
        path++;
        n--;
    }
    if (n && path[n - 1] == '/')
        n--;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && path[j] != '/')
            j++;
        if (j == i || (j - i == 1 && path[i] == '.') ||
            (j - i == 2 && path[i] == '.' && path[i + 1] == '.'))
            return E_INVAL;
        i = j + 1;
        if (j + 1 == n)
            return E_INVAL;             // "a//" after stripping one slash
    }
    *start = path;
    *length = (uint32_t)n;
    return 0;
}

// Walk length bytes of a checked path from the root into node. If avoid
// is nonzero, *crossed says whether the walk entered directory avoid.
static int Walk(Fat *fat, const char *path, uint32_t length, Node *node, uint32_t avoid,
                int *crossed)
{
    uint32_t i = 0;
    int err;

    NodeRoot(fat, node);
    if (crossed)
        *crossed = avoid != 0 && node->cluster == avoid;
    while (i < length) {
        uint32_t j = i, dir = node->cluster;
        while (j < length && path[j] != '/')
            j++;
        if (node->type != FAT_DIR)
            return E_NOTDIR;
        if ((err = DirFind(fat, dir, path + i, j - i, &node->found)) != 0)
            return err;
        if ((err = NodeFromFound(fat, dir, node)) != 0)
            return err;
        if (crossed && node->type == FAT_DIR && node->cluster == avoid)
            *crossed = 1;
        i = j + 1;
    }
    return 0;
}

// Check path and walk it.
static int Lookup(Fat *fat, const char *path, Node *node)
{
    const char *p;
    uint32_t n;
    int err = PathCheck(path, &p, &n);

    return err ? err : Walk(fat, p, n, node, 0, NULL);
}

// Check path and walk to the directory that holds its last component,
// whose name goes to *name / *nameLength. The root has none: E_BUSY.
static int LookupParent(Fat *fat, const char *path, Node *parent, const char **name,
                        uint32_t *nameLength, uint32_t avoid, int *crossed)
{
    const char *p;
    uint32_t n, cut;
    int err = PathCheck(path, &p, &n);

    if (err)
        return err;
    if (n == 0)
        return E_BUSY;
    cut = n;
    while (cut > 0 && p[cut - 1] != '/')
        cut--;
    *name = p + cut;
    *nameLength = n - cut;
    if ((err = Walk(fat, p, cut ? cut - 1 : 0, parent, avoid, crossed)) != 0)
        return err;
    return parent->type == FAT_DIR ? 0 : E_NOTDIR;
}

static int CountVisit(void *context, Found *f)
{
    (void)f;
    ++*(uint32_t *)context;
    return 0;
}

static int FirstVisit(void *context, Found *f)
{
    (void)context;
    (void)f;
    return 1;
}

// Whether directory dir holds no names. Returns 1, 0 or E_IO.
static int DirEmpty(Fat *fat, uint32_t dir)
{
    Found f;
    int r = DirScan(fat, dir, FirstVisit, NULL, &f);

    return r < 0 ? r : r == 0;
}

// Zero cluster through the cache (it becomes directory sectors).
static int ZeroDirCluster(Fat *fat, uint32_t cluster)
{
    int err;

    for (uint32_t i = 0; i < fat->clusterSectors; i++)
        if (!CacheGet(fat, ClusterSector(fat, cluster) + i, 1, &err))
            return err;
    return 0;
}

typedef struct ShortSeen {
    const uint8_t *name;
} ShortSeen;

static int ShortVisit(void *context, Found *f)
{
    return memcmp(((ShortSeen *)context)->name, f->entry, 11) == 0;
}

// Whether the 11-byte short name is taken in dir. Returns 1, 0 or E_IO.
static int ShortTaken(Fat *fat, uint32_t dir, const uint8_t *name)
{
    ShortSeen seen = { name };
    Found f;

    return DirScan(fat, dir, ShortVisit, &seen, &f);
}

// Find need consecutive free slots in dir, growing a cluster directory by
// one zeroed cluster when there are none. Returns 0 with the slots in out,
// E_NOSPC (a full fixed root or the size limit) or E_IO.
static int DirFreeSlots(Fat *fat, uint32_t dir, uint32_t need, Slot *out)
{
    uint8_t e[ENTRY_SIZE];
    uint32_t run = 0, length, last, added;
    int more, err, ended = 0;
    DirIter it;
    Slot slot;

    DirStart(&it, dir);
    while ((more = DirNext(fat, &it, &slot)) == 1) {
        if ((err = EntryRead(fat, slot, e)) != 0)
            return err;
        ended |= e[0] == ENTRY_END;
        if (ended && e[0] != ENTRY_END) {
            e[0] = ENTRY_END;           // junk past the end stays past the end
            if ((err = EntryWrite(fat, slot, e)) != 0)
                return err;
        }
        run = ended || e[0] == ENTRY_FREE ? run + 1 : 0;
        if (run) {
            out[run - 1] = slot;
            if (run == need)
                return 0;
        }
    }
    if (more < 0)
        return more;
    if (dir == 0 || it.index >= DIR_ENTRIES_MAX)
        return E_NOSPC;
    if ((err = ChainLength(fat, dir, &length, &last)) != 0)
        return err;
    if ((err = AllocateChain(fat, 1, &added)) != 0)
        return err;
    if ((err = ZeroDirCluster(fat, added)) != 0 || (err = FatPut(fat, last, added)) != 0)
        return err;
    return DirFreeSlots(fat, dir, need, out);
}

// Add name (UCS-2, n characters) to directory dir with the short entry
// template (attributes, times, cluster, size: bytes 11-31). Returns 0,
// E_NOSPC or E_IO; *slot is where the short entry went.
static int DirAdd(Fat *fat, uint32_t dir, const uint16_t *name, uint32_t n,
                  const uint8_t *template, Slot *shortSlot)
{
    static const uint8_t at[LFN_CHARS] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };
    uint8_t basis[11], entry[ENTRY_SIZE];
    Slot slots[LFN_ENTRIES_MAX + 1];
    uint32_t longs, tail = 0;
    int exact, lossy, taken, err;

    ShortBasis(name, n, basis, &exact, &lossy);
    memcpy(entry, basis, 11);
    if (lossy)
        ShortTail(basis, tail = 1, entry);
    while ((taken = ShortTaken(fat, dir, entry)) == 1) {
        if (++tail > 999999)
            return E_NOSPC;
        ShortTail(basis, tail, entry);
    }
    if (taken < 0)
        return taken;
    exact = exact && tail == 0;
    longs = exact ? 0 : (n + LFN_CHARS - 1) / LFN_CHARS;
    if ((err = DirFreeSlots(fat, dir, longs + 1, slots)) != 0)
        return err;
    memcpy(entry + 11, template + 11, ENTRY_SIZE - 11);
    entry[12] = 0;                      // the long name carries the case
    for (uint32_t i = 0; i < longs; i++) {
        uint32_t order = longs - i;     // physical order: the last part first
        uint8_t l[ENTRY_SIZE] = { 0 };
        l[0] = (uint8_t)(order | (i == 0 ? 0x40 : 0));
        l[11] = ATTR_LFN;
        l[13] = ShortChecksum(entry);
        for (uint32_t k = 0; k < LFN_CHARS; k++) {
            uint32_t c = (order - 1) * LFN_CHARS + k;
            Put16(l + at[k], c < n ? name[c] : c == n ? 0 : 0xffff);
        }
        if ((err = EntryWrite(fat, slots[i], l)) != 0)
            return err;
    }
    *shortSlot = slots[longs];
    return EntryWrite(fat, slots[longs], entry);
}

// Mark the entries of found deleted.
static int DirRemove(Fat *fat, const Found *found)
{
    uint8_t e[ENTRY_SIZE];
    int err;

    for (uint32_t i = 0; i < found->slotCount; i++) {
        if ((err = EntryRead(fat, found->slots[i], e)) != 0)
            return err;
        e[0] = ENTRY_FREE;
        if ((err = EntryWrite(fat, found->slots[i], e)) != 0)
            return err;
    }
    return 0;
}

// Write node's first cluster and size into its short entry.
static int NodeStore(Fat *fat, Node *node)
{
    uint8_t *e = node->found.entry;

    Put16(e + 26, node->cluster & 0xffff);
    Put16(e + 20, fat->fatBits == 32 ? node->cluster >> 16 : 0);
    Put32(e + 28, node->type == FAT_FILE ? node->size : 0);
    e[11] |= node->type == FAT_FILE ? ATTR_ARCHIVE : 0;
    return EntryWrite(fat, node->found.slots[node->found.slotCount - 1], e);
}

static uint32_t NodeId(const Fat *fat, const Node *node)
{
    const Slot *s;
    uint32_t id;

    if (node->root)
        return 1;
    s = &node->found.slots[node->found.slotCount - 1];
    id = s->sector * (fat->sectorSize / ENTRY_SIZE) + s->offset / ENTRY_SIZE;
    return id < 2 ? id + 2 : id;
}

// End a changing call: write everything out, keeping the first error.
static int Finish(Fat *fat, int err)
{
    int flushed = FatFlush(fat);

    return err ? err : flushed;
}

// --- mounting ------------------------------------------------------------

static int PowerOfTwo(uint32_t v) { return v && (v & (v - 1)) == 0; }

// Check the boot sector b and fill fat's geometry. Returns 0, E_INVAL or
// E_RANGE.
static int ParseBootSector(Fat *fat, const uint8_t *b)
{
    uint32_t bps = Get16(b + 11), spc = b[13], reserved = Get16(b + 14), fats = b[16];
    uint32_t rootEntries = Get16(b + 17), total16 = Get16(b + 19), media = b[21];
    uint32_t fat16 = Get16(b + 22), total32 = Get32(b + 32), fat32 = Get32(b + 36);
    uint32_t fatSize = fat16 ? fat16 : fat32, total = total16 ? total16 : total32;
    uint32_t rootSectors, clusters, bits;
    uint64_t meta, fatBytes;

    if (b[510] != 0x55 || b[511] != 0xaa || (b[0] != 0xeb && b[0] != 0xe9))
        return E_INVAL;
    if ((bps != 512 && bps != 1024 && bps != 2048 && bps != 4096) || bps % fat->device.sectorSize)
        return E_INVAL;
    if (!PowerOfTwo(spc) || bps * spc > 65536 || reserved == 0 || fats == 0 || fats > 4)
        return E_INVAL;
    if ((media != 0xf0 && media < 0xf8) || fatSize == 0 || total == 0)
        return E_INVAL;
    rootSectors = (rootEntries * ENTRY_SIZE + bps - 1) / bps;
    meta = reserved + (uint64_t)fats * fatSize + rootSectors;
    if (meta >= total)
        return E_INVAL;
    clusters = (uint32_t)((total - meta) / spc);
    bits = clusters < 4085 ? 12 : clusters < 65525 ? 16 : 32;
    if (clusters == 0 || clusters > 0x0ffffff5)
        return E_INVAL;
    if (bits == 32 ? (fat16 != 0 || rootEntries != 0 || Get16(b + 42) != 0)
                   : (fat16 == 0 || rootEntries == 0))
        return E_INVAL;
    fatBytes = bits == 12 ? (((uint64_t)clusters + 2) * 3 + 1) / 2 : ((uint64_t)clusters + 2) * bits / 8;
    if (fatBytes > (uint64_t)fatSize * bps)
        return E_INVAL;
    if ((uint64_t)total * (bps / fat->device.sectorSize) > fat->device.sectors)
        return E_RANGE;
    fat->sectorSize = bps;
    fat->deviceRatio = bps / fat->device.sectorSize;
    fat->clusterSectors = spc;
    fat->clusterSize = bps * spc;
    fat->fatBits = bits;
    fat->fatStart = reserved;
    fat->fatSectors = fatSize;
    fat->fatCount = fats;
    fat->rootStart = reserved + fats * fatSize;
    fat->rootEntries = rootEntries;
    fat->dataStart = (uint32_t)meta;
    fat->clusters = clusters;
    fat->totalSectors = total;
    fat->mirror = 1;
    fat->freeCount = FREE_UNKNOWN;
    fat->nextFree = 2;
    if (bits == 32) {
        uint32_t flags = Get16(b + 40);
        fat->rootCluster = Get32(b + 44);
        if (!ClusterValid(fat, fat->rootCluster))
            return E_INVAL;
        if (flags & 0x80) {
            fat->mirror = 0;
            fat->activeFat = flags & 0x0f;
            if (fat->activeFat >= fats)
                return E_INVAL;
        }
        fat->fsInfoSector = Get16(b + 48);
        if (fat->fsInfoSector == 0 || fat->fsInfoSector >= reserved)
            fat->fsInfoSector = 0;
    }
    return 0;
}

// Read FSInfo (FAT32): a valid one gives the free count and hint; an
// invalid one is ignored (and never written).
static int ReadFsInfo(Fat *fat)
{
    int err;
    CacheSlot *s;
    uint32_t count, hint;

    if (!fat->fsInfoSector)
        return 0;
    if (!(s = CacheGet(fat, fat->fsInfoSector, 0, &err)))
        return err;
    if (Get32(s->data) != 0x41615252 || Get32(s->data + 484) != 0x61417272 ||
        Get32(s->data + 508) != 0xaa550000) {
        fat->fsInfoSector = 0;
        return 0;
    }
    count = Get32(s->data + 488);
    hint = Get32(s->data + 492);
    fat->freeCount = count <= fat->clusters ? count : FREE_UNKNOWN;
    fat->nextFree = ClusterValid(fat, hint) ? hint : 2;
    if (count != fat->freeCount)
        fat->fsInfoDirty = 1;           // a count past the end: write "unknown"
    return 0;
}

static void Release(Fat *fat)
{
    for (uint32_t i = 0; i < FAT_CACHE_SECTORS; i++)
        if (fat->cache[i].data)
            fat->release(fat->cache[i].data);
    if (fat->bounce)
        fat->release(fat->bounce);
    fat->release(fat);
}

static int AllocateBuffers(Fat *fat)
{
    if (!(fat->bounce = fat->allocate(fat->sectorSize)))
        return E_NOMEM;
    for (uint32_t i = 0; i < FAT_CACHE_SECTORS; i++)
        if (!(fat->cache[i].data = fat->allocate(fat->sectorSize)))
            return E_NOMEM;
    return 0;
}

int FatMount(const FatDevice *device, void *(*allocate)(size_t), void (*release)(void *),
             Fat **out)
{
    uint32_t ss = device->sectorSize;
    uint8_t *boot;
    Fat *fat;
    int err;

    *out = NULL;
    if (!allocate || !release || !device->read || device->sectors == 0 ||
        (ss != 512 && ss != 1024 && ss != 2048 && ss != 4096))
        return E_INVAL;
    if (!(fat = allocate(sizeof(*fat))))
        return E_NOMEM;
    memset(fat, 0, sizeof(*fat));
    fat->device = *device;
    fat->allocate = allocate;
    fat->release = release;
    fat->readOnly = device->readOnly || !device->write;
    if (!(boot = allocate(ss))) {
        release(fat);
        return E_NOMEM;
    }
    err = device->read(device->context, 0, 1, boot);
    if (!err)
        err = ParseBootSector(fat, boot);
    release(boot);
    if (!err)
        err = AllocateBuffers(fat);
    if (!err)
        err = ReadFsInfo(fat);
    if (err) {
        Release(fat);
        return err;
    }
    *out = fat;
    return 0;
}

int FatUnmount(Fat *fat)
{
    int err = fat->readOnly ? 0 : FatFlush(fat);

    Release(fat);
    return err;
}

void FatGetVolume(const Fat *fat, FatVolume *out)
{
    *out = (FatVolume){ fat->fatBits, fat->clusterSize, fat->clusters, fat->freeCount,
                        fat->readOnly };
}

// --- reading -------------------------------------------------------------

int FatStat(Fat *fat, const char *path, FatInfo *out)
{
    Node node;
    uint32_t entries = 0;
    int err = Lookup(fat, path, &node);

    if (!err && node.type == FAT_DIR) {
        Found f;
        err = DirScan(fat, node.cluster, CountVisit, &entries, &f);
    }
    if (err)
        return err;
    *out = (FatInfo){ node.type, NodeId(fat, &node), node.size, entries, node.cluster };
    return 0;
}

typedef struct ListState {
    Fat *fat;
    uint32_t dir;
    int (*visit)(void *, const FatDirEntry *);
    void *context;
    FatDirEntry entry;
    Node node;
} ListState;

static int ListVisit(void *context, Found *f)
{
    ListState *ls = context;

    memcpy(&ls->node.found, f, sizeof(*f));
    if (NodeFromFound(ls->fat, ls->dir, &ls->node) != 0)
        return 0;                       // a damaged entry: left out
    memcpy(ls->entry.name, f->name, strlen(f->name) + 1);
    ls->entry.type = ls->node.type;
    ls->entry.size = ls->node.size;
    ls->entry.id = NodeId(ls->fat, &ls->node);
    return ls->visit(ls->context, &ls->entry) ? 1 : 0;
}

int FatList(Fat *fat, const char *path, int (*visit)(void *, const FatDirEntry *), void *context)
{
    ListState *ls;
    Found *f;
    int err;

    if (!(ls = fat->allocate(sizeof(*ls) + sizeof(*f))))
        return E_NOMEM;
    f = (Found *)(ls + 1);
    err = Lookup(fat, path, &ls->node);
    if (!err && ls->node.type != FAT_DIR)
        err = E_NOTDIR;
    if (!err) {
        ls->fat = fat;
        ls->dir = ls->node.cluster;
        ls->visit = visit;
        ls->context = context;
        err = DirScan(fat, ls->dir, ListVisit, ls, f);
    }
    fat->release(ls);
    return err < 0 ? err : 0;
}

// Check that the chain of file node covers its size.
static int FileCheck(Fat *fat, const Node *node, uint32_t *length, uint32_t *last)
{
    int err = ChainLength(fat, node->cluster, length, last);

    if (!err && (uint64_t)*length * fat->clusterSize < node->size)
        err = E_IO;
    return err;
}

int FatRead(Fat *fat, const char *path, uint64_t offset, void *buffer, uint32_t length)
{
    Node node;
    int err = buffer ? Lookup(fat, path, &node) : E_FAULT;

    if (!err && node.type != FAT_FILE)
        err = E_ISDIR;
    if (err)
        return err;
    if (offset >= node.size)
        return 0;
    if (length > node.size - offset)
        length = (uint32_t)(node.size - offset);
    if (length > 0x7fffffffu)
        length = 0x7fffffffu;
    if (node.size > 0 && !ClusterValid(fat, node.cluster))
        return E_IO;
    err = FileIo(fat, node.cluster, offset, buffer, length, 0);
    return err ? err : (int)length;
}

// --- changing files -------------------------------------------------------

// Look up a file to change.
static int LookupFile(Fat *fat, const char *path, Node *node)
{
    int err = Lookup(fat, path, node);

    if (!err && node->type != FAT_FILE)
        err = E_ISDIR;
    if (!err && fat->readOnly)
        err = E_ROFS;
    return err;
}

// Make file node's chain long enough for end bytes (allocating first, so
// E_NOSPC changes nothing), zero what lies between its size and from, and
// set its size to at least end. The caller writes the bytes and stores
// the entry.
static int Grow(Fat *fat, Node *node, uint64_t from, uint64_t end)
{
    uint32_t have, last, need = (uint32_t)((end + fat->clusterSize - 1) / fat->clusterSize);
    uint32_t added;
    int err = FileCheck(fat, node, &have, &last);

    if (err)
        return err;
    if (need > have) {
        if ((err = AllocateChain(fat, need - have, &added)) != 0)
            return err;
        if (have == 0)
            node->cluster = added;
        else if ((err = FatPut(fat, last, added)) != 0)
            return err;
    }
    if (from > node->size) {
        err = FileIo(fat, node->cluster, node->size, NULL, (uint32_t)(from - node->size), 1);
        if (err)
            return err;
    }
    if (end > node->size)
        node->size = (uint32_t)end;
    return 0;
}

int FatWrite(Fat *fat, const char *path, uint64_t offset, const void *buffer, uint32_t length)
{
    Node node;
    int err = buffer ? LookupFile(fat, path, &node) : E_FAULT;

    if (err)
        return err;
    if (offset > FAT_FILE_MAX || length > FAT_FILE_MAX - offset)
        return E_FBIG;
    if (length == 0)
        return 0;
    if (length > 0x7fffffffu)
        return E_INVAL;
    err = Grow(fat, &node, offset, offset + length);
    if (!err)
        err = FileIo(fat, node.cluster, offset, (uint8_t *)buffer, length, 1);
    if (!err)
        err = NodeStore(fat, &node);
    err = Finish(fat, err);
    return err ? err : (int)length;
}

// Cut file node's chain to hold size bytes.
static int Shrink(Fat *fat, Node *node, uint32_t size)
{
    uint32_t keep = (size + fat->clusterSize - 1) / fat->clusterSize, last, next, have;
    int err = FileCheck(fat, node, &have, &last);

    if (err || keep >= have) {
        node->size = size;
        return err;
    }
    if (keep == 0) {
        err = FreeChain(fat, node->cluster);
        node->cluster = 0;
    } else if (!(err = ChainAt(fat, node->cluster, keep - 1, &last)) &&
               !(err = Next(fat, last, &next))) {
        err = FatPut(fat, last, 0x0fffffff & (fat->fatBits == 12 ? 0xfff : 0xffffffff));
        if (!err)
            err = FreeChain(fat, next);
    }
    node->size = size;
    return err;
}

int FatTruncate(Fat *fat, const char *path, uint64_t size)
{
    Node node;
    int err = LookupFile(fat, path, &node);

    if (err)
        return err;
    if (size > FAT_FILE_MAX)
        return E_FBIG;
    if (size == node.size)
        return 0;
    if (size > node.size)
        err = Grow(fat, &node, size, size);
    else
        err = Shrink(fat, &node, (uint32_t)size);
    if (!err)
        err = NodeStore(fat, &node);
    return Finish(fat, err);
}

// --- changing directories --------------------------------------------------

// Walk to the parent of path for a new name: it must not exist yet.
static int PrepareNew(Fat *fat, const char *path, Node *parent, uint16_t *name, int *n)
{
    const char *last;
    uint32_t lastLength;
    Found *f = &parent->found;
    int err = LookupParent(fat, path, parent, &last, &lastLength, 0, NULL);

    if (err == E_BUSY)
        return E_EXIST;                 // the root always exists
    if (err)
        return err;
    if ((*n = NewName(last, lastLength, name)) < 0)
        return *n;
    err = DirFind(fat, parent->cluster, last, lastLength, f);
    if (err == 0)
        return E_EXIST;
    if (err != E_NOENT)
        return err;
    return fat->readOnly ? E_ROFS : 0;
}

static void EntryTemplate(uint8_t *e, uint32_t attributes, uint32_t cluster)
{
    memset(e, 0, ENTRY_SIZE);
    e[11] = (uint8_t)attributes;
    Put16(e + 16, FAT_DATE_1980);       // created
    Put16(e + 18, FAT_DATE_1980);       // accessed
    Put16(e + 24, FAT_DATE_1980);       // written
    Put16(e + 26, cluster & 0xffff);
    Put16(e + 20, cluster >> 16);
}

int FatCreate(Fat *fat, const char *path)
{
    uint16_t name[FAT_NAME_MAX];
    uint8_t e[ENTRY_SIZE];
    Node parent;
    Slot slot;
    int n, err = PrepareNew(fat, path, &parent, name, &n);

    if (err)
        return err;
    EntryTemplate(e, ATTR_ARCHIVE, 0);
    return Finish(fat, DirAdd(fat, parent.cluster, name, (uint32_t)n, e, &slot));
}

// Write the "." and ".." entries of new directory cluster (parent 0: the root).
static int DirInit(Fat *fat, uint32_t cluster, uint32_t parent)
{
    uint8_t e[ENTRY_SIZE];
    uint32_t sector = ClusterSector(fat, cluster);
    int err = ZeroDirCluster(fat, cluster);

    if (err)
        return err;
    EntryTemplate(e, ATTR_DIR, cluster);
    memcpy(e, dotName, 11);
    if ((err = EntryWrite(fat, (Slot){ sector, 0 }, e)) != 0)
        return err;
    EntryTemplate(e, ATTR_DIR, parent);
    memcpy(e, dotDotName, 11);
    return EntryWrite(fat, (Slot){ sector, ENTRY_SIZE }, e);
}

// The cluster a ".." entry names for directory dir (0 for the root).
static uint32_t ParentRef(const Fat *fat, const Node *dir)
{
    return dir->root || dir->cluster == fat->rootCluster ? 0 : dir->cluster;
}

int FatMkdir(Fat *fat, const char *path)
{
    uint16_t name[FAT_NAME_MAX];
    uint8_t e[ENTRY_SIZE];
    uint32_t cluster;
    Node parent;
    Slot slot;
    int n, err = PrepareNew(fat, path, &parent, name, &n);

    if (err)
        return err;
    if ((err = AllocateChain(fat, 1, &cluster)) != 0)
        return err;
    err = DirInit(fat, cluster, ParentRef(fat, &parent));
    EntryTemplate(e, ATTR_DIR, cluster);
    if (!err)
        err = DirAdd(fat, parent.cluster, name, (uint32_t)n, e, &slot);
    if (err) {
        CacheDrop(fat, ClusterSector(fat, cluster), fat->clusterSectors);
        FreeChain(fat, cluster);
    }
    return Finish(fat, err);
}

// Remove the entries of node, then its clusters.
static int RemoveNode(Fat *fat, Node *node)
{
    int err = DirRemove(fat, &node->found);

    if (!err && node->cluster) {
        if (node->type == FAT_DIR)
            CacheDrop(fat, ClusterSector(fat, node->cluster), fat->clusterSectors);
        err = FreeChain(fat, node->cluster);
    }
    return err;
}

int FatDelete(Fat *fat, const char *path)
{
    Node node;
    int err = Lookup(fat, path, &node);

    if (!err && node.type == FAT_DIR)
        err = E_ISDIR;
    if (!err && fat->readOnly)
        err = E_ROFS;
    return err ? err : Finish(fat, RemoveNode(fat, &node));
}

int FatRmdir(Fat *fat, const char *path)
{
    Node node;
    int err = Lookup(fat, path, &node), empty = 0;

    if (!err && node.type != FAT_DIR)
        err = E_NOTDIR;
    if (!err && node.root)
        err = E_BUSY;
    if (!err && (empty = DirEmpty(fat, node.cluster)) < 0)
        err = empty;
    if (!err && !empty)
        err = E_NOTEMPTY;
    if (!err && fat->readOnly)
        err = E_ROFS;
    return err ? err : Finish(fat, RemoveNode(fat, &node));
}

// Point the ".." entry of directory cluster at parent (0: the root).
static int SetDotDot(Fat *fat, uint32_t cluster, uint32_t parent)
{
    Slot slot = { ClusterSector(fat, cluster), ENTRY_SIZE };
    uint8_t e[ENTRY_SIZE];
    int err = EntryRead(fat, slot, e);

    if (err)
        return err;
    if (memcmp(e, dotDotName, 11) != 0)
        return 0;                       // no ".." to fix (a damaged directory)
    Put16(e + 26, parent & 0xffff);
    Put16(e + 20, fat->fatBits == 32 ? parent >> 16 : 0);
    return EntryWrite(fat, slot, e);
}

typedef struct RenameState {
    Node source, parent, target;
    uint16_t name[FAT_NAME_MAX];
} RenameState;

// Check a rename and decide what it replaces (*replace). Changes nothing.
static int RenameCheck(Fat *fat, const char *from, const char *to, RenameState *r,
                       int *replace, int *n)
{
    const char *last;
    uint32_t lastLength;
    int crossed, err = Lookup(fat, from, &r->source);

    if (!err && r->source.root)
        err = E_BUSY;
    if (!err)
        err = LookupParent(fat, to, &r->parent, &last, &lastLength,
                           r->source.type == FAT_DIR ? r->source.cluster : 0, &crossed);
    if (err)
        return err;
    if (r->source.type == FAT_DIR && crossed)
        return E_INVAL;                 // into itself or its own subtree
    if ((*n = NewName(last, lastLength, r->name)) < 0)
        return *n;
    err = DirFind(fat, r->parent.cluster, last, lastLength, &r->target.found);
    *replace = err == 0;
    if (err && err != E_NOENT)
        return err;
    if (*replace) {
        Slot a = r->target.found.slots[r->target.found.slotCount - 1];
        Slot b = r->source.found.slots[r->source.found.slotCount - 1];
        if ((err = NodeFromFound(fat, r->parent.cluster, &r->target)) != 0)
            return err;
        if (a.sector == b.sector && a.offset == b.offset) {
            *replace = 0;               // itself: at most a change of case
            if (strlen(r->source.found.name) == lastLength &&
                memcmp(r->source.found.name, last, lastLength) == 0)
                return 1;               // nothing to do
        } else if (r->source.type == FAT_FILE && r->target.type == FAT_DIR) {
            return E_ISDIR;
        } else if (r->source.type == FAT_DIR && r->target.type == FAT_FILE) {
            return E_NOTDIR;
        } else if (r->target.type == FAT_DIR) {
            int empty = DirEmpty(fat, r->target.cluster);
            if (empty <= 0)
                return empty < 0 ? empty : E_NOTEMPTY;
        }
    }
    return fat->readOnly ? E_ROFS : 0;
}

int FatRename(Fat *fat, const char *from, const char *to)
{
    RenameState *r = fat->allocate(sizeof(*r));
    int replace = 0, n = 0, err;
    Slot slot;

    if (!r)
        return E_NOMEM;
    err = RenameCheck(fat, from, to, r, &replace, &n);
    if (err) {
        fat->release(r);
        return err < 0 ? err : 0;
    }
    // The new name first, then the old one goes: a crash between leaves
    // two names for one object, never none.
    err = DirAdd(fat, r->parent.cluster, r->name, (uint32_t)n, r->source.found.entry, &slot);
    if (!err && r->source.type == FAT_DIR && r->source.parent != r->parent.cluster)
        err = SetDotDot(fat, r->source.cluster, ParentRef(fat, &r->parent));
    if (!err)
        err = DirRemove(fat, &r->source.found);
    if (!err && replace)
        err = RemoveNode(fat, &r->target);
    fat->release(r);
    return Finish(fat, err);
}
