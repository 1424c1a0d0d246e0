// The namespace registry: prefixes to servers, and aliases.
//
// Open addressing with linear probing over a power-of-two table kept at
// most half full (counting deleted slots), so a probe sequence stays
// short whatever the number of prefixes. Each entry keeps its hash and
// length, so a probe compares bytes only on a likely match.
#include <clanker/error.h>
#include <lib/string.h>
#include <kernel/ipc/namespace.h>

#define NS_TOMBSTONE ((NsEntry *)1)
#define INITIAL_CAPACITY 64u
#define FNV_OFFSET 2166136261u
#define FNV_PRIME  16777619u

static uint32_t HashStep(uint32_t hash, uint8_t byte)
{
    return (hash ^ byte) * FNV_PRIME;
}

static uint32_t Hash(const char *s, uint32_t length)
{
    uint32_t hash = FNV_OFFSET;

    for (uint32_t i = 0; i < length; i++)
        hash = HashStep(hash, (uint8_t)s[i]);
    return hash;
}

static int IsSeparator(char c)
{
    return c == ':' || c == '/';
}

int NsInit(NsRegistry *ns, void *(*allocate)(size_t), void (*release)(void *))
{
    *ns = (NsRegistry){ .allocate = allocate, .release = release };
    ns->slots = allocate(INITIAL_CAPACITY * sizeof(NsEntry *));
    if (!ns->slots)
        return E_NOMEM;
    memset(ns->slots, 0, INITIAL_CAPACITY * sizeof(NsEntry *));
    ns->capacity = INITIAL_CAPACITY;
    return 0;
}

int NsCheckName(const char *name)
{
    uint32_t i = 0;

    if (!name || !(name[0] >= 'a' && name[0] <= 'z'))
        return E_INVAL;
    while ((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
           name[i] == '-' || name[i] == '_')
        i++;
    if (name[i] != ':')
        return E_INVAL;
    for (; name[i]; i++) {
        if (i >= NS_NAME_MAX)
            return E_NAMETOOLONG;
        if ((uint8_t)name[i] < 0x20 || name[i] == 0x7f)
            return E_INVAL;
    }
    return (int)i;
}

int NsCheckPrefix(const char *prefix)
{
    int length = NsCheckName(prefix);

    if (length > 0 && !IsSeparator(prefix[length - 1]))
        return E_INVAL;
    return length;
}

// The slot holding prefix, or NULL.
static NsEntry **Find(const NsRegistry *ns, const char *prefix, uint32_t length, uint32_t hash)
{
    uint32_t mask = ns->capacity - 1;

    for (uint32_t i = hash & mask;; i = (i + 1) & mask) {
        NsEntry *e = ns->slots[i];
        if (!e)
            return NULL;
        if (e != NS_TOMBSTONE && e->hash == hash && e->length == length &&
            memcmp(e->prefix, prefix, length) == 0)
            return &ns->slots[i];
    }
}

static void Place(NsEntry **slots, uint32_t capacity, NsEntry *e)
{
    uint32_t i = e->hash & (capacity - 1);

    while (slots[i])
        i = (i + 1) & (capacity - 1);
    slots[i] = e;
}

// Double the table (or just clear tombstones) so one more entry fits.
static int MakeRoom(NsRegistry *ns)
{
    uint32_t capacity = ns->capacity;
    NsEntry **slots;

    if ((ns->count + ns->tombstones + 1) * 2 <= capacity)
        return 0;
    if ((ns->count + 1) * 4 > capacity)
        capacity *= 2;
    slots = ns->allocate(capacity * sizeof(NsEntry *));
    if (!slots)
        return E_NOMEM;
    memset(slots, 0, capacity * sizeof(NsEntry *));
    for (uint32_t i = 0; i < ns->capacity; i++) {
        if (ns->slots[i] && ns->slots[i] != NS_TOMBSTONE)
            Place(slots, capacity, ns->slots[i]);
    }
    ns->release(ns->slots);
    ns->slots = slots;
    ns->capacity = capacity;
    ns->tombstones = 0;
    return 0;
}

int NsRegister(NsRegistry *ns, const char *prefix, void *owner, uint32_t handler)
{
    int length = NsCheckPrefix(prefix);
    uint32_t hash;
    NsEntry *e;

    if (length < 0)
        return length;
    hash = Hash(prefix, (uint32_t)length);
    if (Find(ns, prefix, (uint32_t)length, hash))
        return E_EXIST;
    if (MakeRoom(ns) != 0 || !(e = ns->allocate(sizeof(*e) + (uint32_t)length + 1)))
        return E_NOMEM;
    /* POINT OF NO RETURN */
    e->prefix = (char *)(e + 1);
    memcpy(e->prefix, prefix, (uint32_t)length + 1);
    e->length = (uint32_t)length;
    e->hash = hash;
    e->owner = owner;
    e->handler = handler;
    Place(ns->slots, ns->capacity, e);
    ns->count++;
    return 0;
}

static void Remove(NsRegistry *ns, NsEntry **slot)
{
    ns->release(*slot);
    *slot = NS_TOMBSTONE;
    ns->count--;
    ns->tombstones++;
}

int NsUnregister(NsRegistry *ns, const char *prefix, void *owner)
{
    int length = NsCheckPrefix(prefix);
    NsEntry **slot;

    if (length < 0)
        return length;
    slot = Find(ns, prefix, (uint32_t)length, Hash(prefix, (uint32_t)length));
    if (!slot)
        return E_NOENT;
    if ((*slot)->owner != owner)
        return E_PERM;
    Remove(ns, slot);
    return 0;
}

uint32_t NsRemoveOwner(NsRegistry *ns, void *owner)
{
    uint32_t removed = 0;

    for (uint32_t i = 0; i < ns->capacity; i++) {
        if (ns->slots[i] && ns->slots[i] != NS_TOMBSTONE && ns->slots[i]->owner == owner) {
            Remove(ns, &ns->slots[i]);
            removed++;
        }
    }
    return removed;
}

const NsEntry *NsLookup(const NsRegistry *ns, const char *name, uint32_t length)
{
    uint32_t ends[NS_NAME_MAX], hashes[NS_NAME_MAX], candidates = 0;
    uint32_t hash = FNV_OFFSET;

    for (uint32_t i = 0; i < length && i < NS_NAME_MAX; i++) {
        hash = HashStep(hash, (uint8_t)name[i]);
        if (IsSeparator(name[i])) {
            ends[candidates] = i + 1;
            hashes[candidates++] = hash;
        }
    }
    while (candidates-- > 0) {
        NsEntry **slot = Find(ns, name, ends[candidates], hashes[candidates]);
        if (slot)
            return *slot;
    }
    return NULL;
}

static int StartsWith(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

int NsResolveAlias(const NsRegistry *ns, const char *name, char *out, uint32_t size)
{
    const NsAlias *best = NULL;
    uint32_t fromLength = 0, toLength, restLength;

    for (uint32_t i = 0; i < ns->aliasCount; i++) {
        const NsAlias *a = &ns->aliases[i];
        if (StartsWith(name, a->from) && strlen(a->from) > fromLength) {
            best = a;
            fromLength = (uint32_t)strlen(a->from);
        }
    }
    toLength = best ? (uint32_t)strlen(best->to) : 0;
    restLength = (uint32_t)strlen(name) - fromLength;
    if (toLength + restLength > NS_NAME_MAX || toLength + restLength + 1 > size)
        return E_NAMETOOLONG;
    if (best)
        memcpy(out, best->to, toLength);
    memmove(out + toLength, name + fromLength, restLength + 1);
    return (int)(toLength + restLength);
}

int NsResolveName(const NsRegistry *ns, const char *name, char *out, uint32_t size)
{
    static const char separators[] = { ':', '/' };
    int length = NsResolveAlias(ns, name, out, size);
    uint32_t n = (uint32_t)length, hash;

    if (length <= 0 || IsSeparator(out[n - 1]) || n + 1 > NS_NAME_MAX || n + 2 > size)
        return length;
    hash = Hash(out, n);
    for (uint32_t i = 0; i < sizeof(separators); i++) {
        out[n] = separators[i];
        if (Find(ns, out, n + 1, HashStep(hash, (uint8_t)separators[i]))) {
            out[n + 1] = 0;
            return (int)n + 1;
        }
    }
    out[n] = 0;
    return length;
}

static NsAlias *FindAlias(NsRegistry *ns, const char *from)
{
    for (uint32_t i = 0; i < ns->aliasCount; i++) {
        if (strcmp(ns->aliases[i].from, from) == 0)
            return &ns->aliases[i];
    }
    return NULL;
}

int NsAliasSet(NsRegistry *ns, const char *from, const char *to)
{
    int fromLength = NsCheckPrefix(from), toLength = NsCheckPrefix(to);
    NsAlias *a;

    if (fromLength < 0)
        return fromLength;
    if (toLength < 0)
        return toLength;
    a = FindAlias(ns, from);
    if (!a && ns->aliasCount == NS_ALIAS_MAX)
        return E_NOMEM;
    if (!a)
        a = &ns->aliases[ns->aliasCount++];
    memcpy(a->from, from, (uint32_t)fromLength + 1);
    memcpy(a->to, to, (uint32_t)toLength + 1);
    return 0;
}

int NsAliasRemove(NsRegistry *ns, const char *from)
{
    NsAlias *a = FindAlias(ns, from);

    if (!a)
        return E_NOENT;
    *a = ns->aliases[--ns->aliasCount];
    return 0;
}

void NsForEach(const NsRegistry *ns, void (*visit)(const NsEntry *e, void *ctx), void *ctx)
{
    for (uint32_t i = 0; i < ns->capacity; i++) {
        if (ns->slots[i] && ns->slots[i] != NS_TOMBSTONE)
            visit(ns->slots[i], ctx);
    }
}
