// libFuzzer target for the namespace registry (kernel/ipc/namespace.c).
//
// The input is a sequence of operations on one registry, checked against a
// shadow model: an array of the registered prefixes with their owners and
// handlers, and an array of the aliases. Each operation is one opcode byte
// followed by its arguments; strings are built by BuildString (raw bytes,
// a long run near NS_NAME_MAX, or a small alphabet rich in ':' and '/',
// optionally starting from a registered prefix or alias so lookups hit):
//   0     register a string as a prefix for a small owner id
//   1     unregister a string (or a registered prefix) for an owner id
//   2     look up a string: NsCheckName first, as the kernel does, and only
//         a checked name goes to NsLookup
//   3     remove every prefix of an owner id
//   4     set an alias;  5  remove an alias
//   6     resolve a string through the aliases (into a buffer of exactly
//         NS_NAME_MAX + 1 bytes or a bigger one), then check and look up
//         the result (the kernel's route)
//   7     make the next few allocations fail, or stop doing so
//
// Invariants checked (abort() on violation):
//   - NsCheckName/NsCheckPrefix agree with a reference grammar checker
//   - NsRegister/NsUnregister/NsRemoveOwner results agree with the shadow
//     (E_EXIST, E_PERM, E_NOENT, counts), and E_NOMEM only when an
//     allocation failed, changing nothing
//   - NsLookup returns the entry a brute-force longest-prefix search over
//     the shadow finds (prefixes ending at a ':' or '/' of the name)
//   - NsAliasSet/NsAliasRemove/NsResolveAlias agree with the alias shadow
//   - the table stays at most half full counting tombstones, its capacity
//     bounded by the peak number of entries; NsForEach visits exactly the
//     shadow's entries; everything is released at the end
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clanker/error.h>
#include <clanker/message.h>
#include <kernel/ipc/namespace.h>

#include "fuzzkit.h"

#define MAX_ENTRIES 128
#define OWNERS      4
#define STRING_MAX  520

typedef struct ShadowEntry {
    char prefix[NS_NAME_MAX + 1];
    uint32_t length;
    int owner;              // index into owners
    uint32_t handler;
} ShadowEntry;


static char ownerTokens[OWNERS];
static void *owners[OWNERS] = { NULL, &ownerTokens[1], &ownerTokens[2], &ownerTokens[3] };

static NsRegistry ns;
static ShadowEntry entries[MAX_ENTRIES];
static uint32_t entryCount, peakCount, nextHandler;
static NsAlias aliases[NS_ALIAS_MAX];
static uint32_t aliasCount;

static void Fail(const char *what)
{
    fprintf(stderr, "fuzz_namespace: invariant violated: %s\n", what);
    abort();
}



static int IsSeparator(char c)
{
    return c == ':' || c == '/';
}

// The grammar, written independently: the length, E_INVAL or
// E_NAMETOOLONG. A name both malformed and too long may get either.
static int RefCheck(const char *name, int prefix, int *either)
{
    size_t length = strlen(name), i = 1;
    int valid = name[0] >= 'a' && name[0] <= 'z';

    while (valid && ((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
                     name[i] == '-' || name[i] == '_'))
        i++;
    valid = valid && name[i] == ':';
    for (; valid && i < length; i++)
        valid = !((uint8_t)name[i] < 0x20 || name[i] == 0x7f);
    if (valid && prefix)
        valid = IsSeparator(name[length - 1]);
    *either = !valid && length > NS_NAME_MAX;
    if (!valid)
        return E_INVAL;
    return length > NS_NAME_MAX ? E_NAMETOOLONG : (int)length;
}

static int CheckGrammar(const char *name, int prefix)
{
    int either;
    int want = RefCheck(name, prefix, &either);
    int got = prefix ? NsCheckPrefix(name) : NsCheckName(name);

    if (got != want && !(either && got == E_NAMETOOLONG))
        Fail(prefix ? "NsCheckPrefix disagrees with the grammar" :
                      "NsCheckName disagrees with the grammar");
    return got;
}

// Build a NUL-terminated string into out (STRING_MAX bytes).
static void BuildString(Reader *r, char *out, int wantPrefix)
{
    static const char alphabet[] = "aab:/b:/a/c: x\x01" "A";
    static const char *schemes[4] = { "a", "b", "ab", "a-1" };
    uint8_t mode = ReadByte(r);
    size_t n = 0, count;

    switch (mode & 3) {
    case 0:         // raw bytes (a NUL ends the string early)
        count = ReadByte(r);
        for (size_t i = 0; i < count; i++)
            out[n++] = (char)ReadByte(r);
        break;
    case 1:         // around NS_NAME_MAX
        count = 250 + ReadByte(r) % 12;
        memcpy(out, "a:", 2);
        for (n = 2; n < count - 1; n++)
            out[n] = (n % 16 == 0) ? '/' : 'x';
        out[n++] = (mode & 4) ? 'x' : '/';
        break;
    default:        // structured, maybe starting from a known prefix
        if ((mode & 4) && entryCount > 0) {
            const ShadowEntry *e = &entries[ReadByte(r) % entryCount];
            memcpy(out, e->prefix, e->length);
            n = e->length;
        } else if ((mode & 8) && aliasCount > 0) {
            const char *from = aliases[ReadByte(r) % aliasCount].from;
            n = strlen(from);
            memcpy(out, from, n);
        } else {
            const char *scheme = schemes[(mode >> 4) & 3];
            n = strlen(scheme);
            memcpy(out, scheme, n);
            out[n++] = ':';
        }
        count = ReadByte(r) % 8;
        for (size_t i = 0; i < count; i++)
            out[n++] = alphabet[ReadByte(r) & 15];
        if (wantPrefix && !(mode & 0x40))
            out[n++] = (mode & 0x80) ? '/' : ':';
        break;
    }
    out[n] = 0;
}

static int FindShadow(const char *prefix)
{
    for (uint32_t i = 0; i < entryCount; i++) {
        if (strcmp(entries[i].prefix, prefix) == 0)
            return (int)i;
    }
    return -1;
}

static void RemoveShadow(uint32_t i)
{
    entries[i] = entries[--entryCount];
}

// Everything that must hold after every operation.
static void CheckTable(void)
{
    uint32_t bound = 8 * (peakCount + 1);

    if (ns.count != entryCount)
        Fail("entry count disagrees with the shadow");
    if (ns.aliasCount != aliasCount)
        Fail("alias count disagrees with the shadow");
    if (ns.capacity & (ns.capacity - 1))
        Fail("capacity not a power of two");
    if ((ns.count + ns.tombstones) * 2 > ns.capacity)
        Fail("table more than half full");
    if (ns.capacity > 64 && ns.capacity > bound)
        Fail("capacity grew beyond the peak number of entries");
    if (liveAllocations != (long)entryCount + 1)
        Fail("allocations leaked or lost");
}

static void OpRegister(Reader *r)
{
    char prefix[STRING_MAX];
    int owner = ReadByte(r) % OWNERS, check, err, want;

    BuildString(r, prefix, 1);
    check = CheckGrammar(prefix, 1);
    if (check >= 0 && FindShadow(prefix) < 0 && entryCount == MAX_ENTRIES)
        return;
    allocationFailed = 0;
    err = NsRegister(&ns, prefix, owners[owner], nextHandler);
    if (check < 0)
        want = check;
    else if (FindShadow(prefix) >= 0)
        want = E_EXIST;
    else
        want = 0;
    if (err == E_NOMEM && want == 0 && allocationFailed)
        return;
    if (err != want)
        Fail("NsRegister result disagrees with the shadow");
    if (err == 0) {
        ShadowEntry *e = &entries[entryCount++];
        memcpy(e->prefix, prefix, (size_t)check + 1);
        e->length = (uint32_t)check;
        e->owner = owner;
        e->handler = nextHandler++;
        if (entryCount > peakCount)
            peakCount = entryCount;
    }
}

static void OpUnregister(Reader *r)
{
    char prefix[STRING_MAX];
    uint8_t how = ReadByte(r);
    int owner = how % OWNERS, check, at, err, want;

    if ((how & 4) && entryCount > 0) {
        const ShadowEntry *e = &entries[ReadByte(r) % entryCount];
        memcpy(prefix, e->prefix, e->length + 1);
        if (how & 8)
            owner = e->owner;
    } else {
        BuildString(r, prefix, 1);
    }
    check = CheckGrammar(prefix, 1);
    at = FindShadow(prefix);
    err = NsUnregister(&ns, prefix, owners[owner]);
    if (check < 0)
        want = check;
    else if (at < 0)
        want = E_NOENT;
    else if (entries[at].owner != owner)
        want = E_PERM;
    else
        want = 0;
    if (err != want)
        Fail("NsUnregister result disagrees with the shadow");
    if (err == 0)
        RemoveShadow((uint32_t)at);
}

static void OpRemoveOwner(Reader *r)
{
    int owner = ReadByte(r) % OWNERS;
    uint32_t want = 0;

    for (uint32_t i = 0; i < entryCount;) {
        if (entries[i].owner == owner) {
            RemoveShadow(i);
            want++;
        } else {
            i++;
        }
    }
    if (NsRemoveOwner(&ns, owners[owner]) != want)
        Fail("NsRemoveOwner count disagrees with the shadow");
}

// Look up a checked name and compare with a brute-force search.
static void LookupChecked(const char *name, uint32_t length)
{
    const NsEntry *got = NsLookup(&ns, name, length);
    const ShadowEntry *best = NULL;

    for (uint32_t i = 0; i < entryCount; i++) {
        const ShadowEntry *e = &entries[i];
        if (e->length <= length && IsSeparator(name[e->length - 1]) &&
            memcmp(name, e->prefix, e->length) == 0 && (!best || e->length > best->length))
            best = e;
    }
    if (!best) {
        if (got)
            Fail("NsLookup found a prefix where there is none");
        return;
    }
    if (!got)
        Fail("NsLookup missed a registered prefix");
    if (got->length != best->length || strcmp(got->prefix, best->prefix) != 0)
        Fail("NsLookup did not return the longest prefix");
    if (got->owner != owners[best->owner] || got->handler != best->handler)
        Fail("NsLookup entry has the wrong owner or handler");
}

static void OpLookup(Reader *r)
{
    char name[STRING_MAX];
    int length;

    BuildString(r, name, 0);
    length = CheckGrammar(name, 0);
    if (length < 0)
        return;
    LookupChecked(name, (uint32_t)length);
    // The same name cut short after one of its separators.
    for (int i = length - 1; i > 0; i--) {
        if (IsSeparator(name[i]) && (ReadByte(r) & 1)) {
            LookupChecked(name, (uint32_t)i + 1);
            break;
        }
    }
}

static int FindShadowAlias(const char *from)
{
    for (uint32_t i = 0; i < aliasCount; i++) {
        if (strcmp(aliases[i].from, from) == 0)
            return (int)i;
    }
    return -1;
}

static void OpAliasSet(Reader *r)
{
    char from[STRING_MAX], to[STRING_MAX];
    int fromCheck, toCheck, at, err, want;

    BuildString(r, from, 1);
    BuildString(r, to, 1);
    fromCheck = CheckGrammar(from, 1);
    toCheck = CheckGrammar(to, 1);
    at = FindShadowAlias(from);
    err = NsAliasSet(&ns, from, to);
    if (fromCheck < 0)
        want = fromCheck;
    else if (toCheck < 0)
        want = toCheck;
    else if (at < 0 && aliasCount == NS_ALIAS_MAX)
        want = E_NOMEM;
    else
        want = 0;
    if (err != want)
        Fail("NsAliasSet result disagrees with the shadow");
    if (err != 0)
        return;
    if (at < 0)
        at = (int)aliasCount++;
    strcpy(aliases[at].from, from);
    strcpy(aliases[at].to, to);
}

static void OpAliasRemove(Reader *r)
{
    char from[STRING_MAX];
    uint8_t how = ReadByte(r);
    int at, err;

    if ((how & 1) && aliasCount > 0)
        strcpy(from, aliases[ReadByte(r) % aliasCount].from);
    else
        BuildString(r, from, 1);
    at = FindShadowAlias(from);
    err = NsAliasRemove(&ns, from);
    if (at >= 0) {
        if (err != 0)
            Fail("NsAliasRemove of an alias failed");
        aliases[at] = aliases[--aliasCount];
    } else if (err != E_NOENT && err != E_INVAL && err != E_NAMETOOLONG) {
        Fail("NsAliasRemove of an unknown alias did not fail");
    }
}

static void OpResolve(Reader *r)
{
    char name[STRING_MAX], out[2 * NS_NAME_MAX], want[2 * STRING_MAX];
    uint32_t outSize = (ReadByte(r) & 1) ? sizeof(out) : NS_NAME_MAX + 1;
    const NsAlias *best = NULL;
    size_t fromLength = 0, wantLength;
    int got, length;

    BuildString(r, name, 0);
    for (uint32_t i = 0; i < aliasCount; i++) {
        size_t n = strlen(aliases[i].from);
        if (strncmp(name, aliases[i].from, n) == 0 && n > fromLength) {
            best = &aliases[i];
            fromLength = n;
        }
    }
    snprintf(want, sizeof(want), "%s%s", best ? best->to : "", name + fromLength);
    wantLength = strlen(want);
    got = NsResolveAlias(&ns, name, out, outSize);
    if (wantLength > NS_NAME_MAX) {
        if (got != E_NAMETOOLONG)
            Fail("NsResolveAlias accepted a result over NS_NAME_MAX");
        return;
    }
    if (got != (int)wantLength || strcmp(out, want) != 0)
        Fail("NsResolveAlias rewrote the name wrongly");
    // The kernel's route: check the result, then look it up.
    length = CheckGrammar(out, 0);
    if (length >= 0)
        LookupChecked(out, (uint32_t)length);
}

typedef struct Visits {
    uint8_t seen[MAX_ENTRIES];
    uint32_t total;
} Visits;

static void Visit(const NsEntry *e, void *ctx)
{
    Visits *v = ctx;
    int at = FindShadow(e->prefix);

    if (at < 0 || e->owner != owners[entries[at].owner] || e->handler != entries[at].handler ||
        e->length != entries[at].length)
        Fail("NsForEach visited an entry the shadow does not hold");
    if (v->seen[at]++)
        Fail("NsForEach visited an entry twice");
    v->total++;
}

static void CheckForEach(void)
{
    Visits v;

    memset(&v, 0, sizeof(v));
    NsForEach(&ns, Visit, &v);
    if (v.total != entryCount)
        Fail("NsForEach missed entries");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Reader r = { data, size, 0 };

    entryCount = peakCount = nextHandler = aliasCount = 0;
    liveAllocations = 0;
    failing = 0;
    if (NsInit(&ns, FuzzAllocate, FuzzRelease) != 0)
        Fail("NsInit failed");
    CheckTable();
    while (r.pos < r.size) {
        switch (ReadByte(&r) % 8) {
        case 0:
            OpRegister(&r);
            break;
        case 1:
            OpUnregister(&r);
            break;
        case 2:
            OpLookup(&r);
            break;
        case 3:
            OpRemoveOwner(&r);
            break;
        case 4:
            OpAliasSet(&r);
            break;
        case 5:
            OpAliasRemove(&r);
            break;
        case 6:
            OpResolve(&r);
            break;
        default:
            failing = failing ? 0 : 1 + ReadByte(&r) % 3;
            break;
        }
        CheckTable();
    }
    CheckForEach();
    failing = 0;
    for (int i = 0; i < OWNERS; i++)
        NsRemoveOwner(&ns, owners[i]);
    entryCount = 0;
    CheckTable();
    FuzzRelease(ns.slots);
    if (liveAllocations != 0)
        Fail("allocations leaked");
    return 0;
}
