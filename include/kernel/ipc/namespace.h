// The namespace registry (kernel/ipc/namespace.c): who serves which prefix.
//
// Pure logic with its allocator passed in, so it runs in the kernel and
// in host tests. Prefixes live in an open-addressing hash table; a lookup
// hashes the name once, noting the hash at every ':' or '/', then probes
// those candidate prefixes from the longest down. Its cost depends on the
// name's length, never on how many prefixes are registered.
//
// Grammar (docs/namespaces.md): a name is 1-255 bytes, a scheme of a
// lower-case letter then [a-z0-9_-], a ':', then any bytes but control
// characters. A prefix is a name that ends in ':' or '/'.
#ifndef KERNEL_NAMESPACE_H
#define KERNEL_NAMESPACE_H

#include <stddef.h>
#include <stdint.h>
#include <clanker/message.h>

#define NS_ALIAS_MAX 16

typedef struct NsEntry {
    char *prefix;           // owned copy, NUL-terminated
    uint32_t length;
    uint32_t hash;
    void *owner;            // the serving process (NULL: the kernel itself)
    uint32_t handler;       // handed back with each request
} NsEntry;

typedef struct NsAlias {
    char from[NS_NAME_MAX + 1];
    char to[NS_NAME_MAX + 1];
} NsAlias;

typedef struct NsRegistry {
    NsEntry **slots;        // NULL: empty; NS_TOMBSTONE: deleted
    uint32_t capacity;      // a power of two
    uint32_t count;
    uint32_t tombstones;
    NsAlias aliases[NS_ALIAS_MAX];
    uint32_t aliasCount;
    void *(*allocate)(size_t size);
    void (*release)(void *ptr);
} NsRegistry;

int NsInit(NsRegistry *ns, void *(*allocate)(size_t), void (*release)(void *));

// Check a full name. Returns its length, E_INVAL or E_NAMETOOLONG.
int NsCheckName(const char *name);

// Check a prefix (a name ending in ':' or '/'). Same results.
int NsCheckPrefix(const char *prefix);

// Register prefix for owner. Returns 0, E_INVAL/E_NAMETOOLONG (bad
// prefix), E_EXIST (already registered, by anyone) or E_NOMEM.
int NsRegister(NsRegistry *ns, const char *prefix, void *owner, uint32_t handler);

// Remove prefix. Returns 0, E_NOENT, or E_PERM if owner does not hold it.
int NsUnregister(NsRegistry *ns, const char *prefix, void *owner);

// Remove every prefix owner holds. Returns how many.
uint32_t NsRemoveOwner(NsRegistry *ns, void *owner);

// The entry with the longest prefix of name (a checked name of length
// length), or NULL.
const NsEntry *NsLookup(const NsRegistry *ns, const char *name, uint32_t length);

// Rewrite name through the longest matching alias into out (size bytes,
// at least NS_NAME_MAX + 1). Returns the new length, or E_NAMETOOLONG.
int NsResolveAlias(const NsRegistry *ns, const char *name, char *out, uint32_t size);

// NsResolveAlias, then the rule for a name that does not end in a
// separator: when its name followed by ':' (or else '/') is a registered
// prefix, that is the name (`input:mouse` becomes `input:mouse:`), so a
// device served under a prefix of its own answers to its plain name.
// Returns the new length, or E_NAMETOOLONG.
int NsResolveName(const NsRegistry *ns, const char *name, char *out, uint32_t size);

// Set (add or change) or remove an alias; both sides must be prefixes.
// Returns 0, E_INVAL, E_NAMETOOLONG, E_NOMEM (table full) or E_NOENT.
int NsAliasSet(NsRegistry *ns, const char *from, const char *to);
int NsAliasRemove(NsRegistry *ns, const char *from);

// Visit every entry (in table order).
void NsForEach(const NsRegistry *ns, void (*visit)(const NsEntry *e, void *ctx), void *ctx);

#endif
