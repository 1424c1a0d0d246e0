// Host unit tests for kernel/ipc/namespace.c (the namespace registry).
//
// The registry gets malloc/free through a counting wrapper that can be made
// to fail after a given number of calls, so out-of-memory paths are tested
// and every test ends by checking nothing leaked.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <clanker/error.h>
#include <clanker/message.h>
#include <kernel/ipc/namespace.h>

#include "testkit.h"

#define GROWTH_PREFIXES 20000


// Three servers; the kernel is the NULL owner.
static char ownerTokens[3];
#define OWNER_A ((void *)&ownerTokens[0])
#define OWNER_B ((void *)&ownerTokens[1])
#define OWNER_C ((void *)&ownerTokens[2])


// A fresh, empty registry over the counting allocator.
static void NewRegistry(NsRegistry *ns)
{
    liveAllocations = 0;
    failAfter = -1;
    assert_int_equal(NsInit(ns, TestAllocate, TestRelease), 0);
    assert_int_equal(ns->count, 0);
    assert_int_equal(ns->aliasCount, 0);
    assert_true(ns->capacity > 0);
    assert_int_equal(ns->capacity & (ns->capacity - 1), 0);
}

static void FirstOwner(const NsEntry *e, void *ctx)
{
    *(void **)ctx = e->owner;
}

// Empty the registry through its API, free its table, check for leaks.
static void DestroyRegistry(NsRegistry *ns)
{
    failAfter = -1;
    while (ns->count > 0) {
        void *owner = OWNER_A;
        uint32_t before = ns->count;
        NsForEach(ns, FirstOwner, &owner);
        assert_true(NsRemoveOwner(ns, owner) > 0);
        assert_true(ns->count < before);
    }
    TestRelease(ns->slots);
    ns->slots = NULL;
    assert_int_equal(liveAllocations, 0);
}

// The entry NsLookup gives for name, which must pass NsCheckName.
static const NsEntry *Lookup(const NsRegistry *ns, const char *name)
{
    int length = NsCheckName(name);

    assert_true(length > 0);
    return NsLookup(ns, name, (uint32_t)length);
}

// Assert name is served by expected (a registered prefix) or by nobody.
static void ExpectServed(const NsRegistry *ns, const char *name, const char *expected)
{
    const NsEntry *e = Lookup(ns, name);

    if (!expected) {
        if (e)
            fail_msg("%s: expected no server, got %s", name, e->prefix);
        return;
    }
    if (!e)
        fail_msg("%s: expected %s, got no server", name, expected);
    assert_string_equal(e->prefix, expected);
    assert_int_equal(e->length, strlen(expected));
}

// Assert NsResolveAlias rewrites name to expected.
static void ExpectResolved(const NsRegistry *ns, const char *name, const char *expected)
{
    char out[NS_NAME_MAX + 1];
    int length = NsResolveAlias(ns, name, out, sizeof(out));

    assert_int_equal(length, strlen(expected));
    assert_string_equal(out, expected);
}

// A string of length bytes: head, then fill up to length - 1, then last.
static void MakeLong(char *out, uint32_t length, const char *head, char fill, char last)
{
    uint32_t headLength = (uint32_t)strlen(head);

    memcpy(out, head, headLength);
    memset(out + headLength, fill, length - headLength);
    out[length - 1] = last;
    out[length] = 0;
}

// Well-formed names give their length: any scheme of [a-z][a-z0-9_-]*,
// an empty or arbitrary rest, spaces and bytes >= 0x80 after the colon.
static void TestCheckNameValid(void **state)
{
    static const char *good[] = {
        "a:", "fs:", "fs:root:hello.txt", "fs:root:my notes.txt", "a-b_9:x",
        "x1:", "z:a b c", "proc:123:memory", "fs:\xc3\xa9t\xc3\xa9", "fs:\x80\xff",
        "fs:::", "fs:/", "a-:", "a_:", "fs: ", "fs:~!@#$%^&*()[]{}<>?|\\\"'`",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_int_equal(NsCheckName(good[i]), strlen(good[i]));
}

// Malformed names are E_INVAL: NULL, empty, no colon, empty scheme, a
// scheme not starting with a lower-case letter or holding anything but
// [a-z0-9_-].
static void TestCheckNameBadScheme(void **state)
{
    static const char *bad[] = {
        "", "nocolon", ":", ":x", "Upper:x", "fS:x", "1abc:x", "-a:x", "_a:x",
        "a b:x", "a.b:x", "a/b:x", "fs/root:x", " fs:x", "\xc3\xa9:x", "fs",
        "FS:", "f\xff:x",
    };

    (void)state;
    assert_int_equal(NsCheckName(NULL), E_INVAL);
    assert_int_equal(NsCheckPrefix(NULL), E_INVAL);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(NsCheckName(bad[i]), E_INVAL);
        assert_int_equal(NsCheckPrefix(bad[i]), E_INVAL);
    }
}

// Every control character (0x01..0x1f and 0x7f) is E_INVAL wherever it
// appears: first, inside the scheme, right after the colon, in the middle
// and at the end; the space (0x20) is fine after the colon.
static void TestCheckNameControlCharacters(void **state)
{
    static const char *templates[] = { "?fs:x", "f?s:x", "fs?:x", "fs:?", "fs:?abc",
                                       "fs:root:a?b", "fs:root/?/", "fs:abc?" };
    char name[32];

    (void)state;
    for (int c = 1; c < 0x80; c++) {
        if (c >= 0x20 && c != 0x7f)
            continue;
        for (size_t t = 0; t < sizeof(templates) / sizeof(templates[0]); t++) {
            strcpy(name, templates[t]);
            *strchr(name, '?') = (char)c;
            if (NsCheckName(name) != E_INVAL)
                fail_msg("control 0x%02x in \"%s\" accepted", c, templates[t]);
            assert_int_equal(NsCheckPrefix(name), E_INVAL);
        }
    }
    assert_int_equal(NsCheckName("fs:a b"), 6);
    assert_int_equal(NsCheckName("fs: "), 4);
    assert_int_equal(NsCheckPrefix("fs:my dir/"), 10);
}

// A name of exactly NS_NAME_MAX (255) bytes is accepted; 256 or more is
// E_NAMETOOLONG, for names and prefixes alike, even with a long scheme.
static void TestCheckNameLength(void **state)
{
    char name[1100];

    (void)state;
    MakeLong(name, NS_NAME_MAX, "long:", 'a', 'z');
    assert_int_equal(strlen(name), 255);
    assert_int_equal(NsCheckName(name), 255);
    MakeLong(name, NS_NAME_MAX + 1, "long:", 'a', 'z');
    assert_int_equal(NsCheckName(name), E_NAMETOOLONG);
    MakeLong(name, 1000, "long:", 'a', 'z');
    assert_int_equal(NsCheckName(name), E_NAMETOOLONG);

    MakeLong(name, NS_NAME_MAX, "long:", 'a', '/');
    assert_int_equal(NsCheckPrefix(name), 255);
    MakeLong(name, NS_NAME_MAX, "long:", 'a', ':');
    assert_int_equal(NsCheckPrefix(name), 255);
    MakeLong(name, NS_NAME_MAX + 1, "long:", 'a', '/');
    assert_int_equal(NsCheckPrefix(name), E_NAMETOOLONG);

    // A scheme filling the whole name.
    MakeLong(name, NS_NAME_MAX, "", 's', ':');
    assert_int_equal(NsCheckName(name), 255);
    assert_int_equal(NsCheckPrefix(name), 255);
    MakeLong(name, NS_NAME_MAX + 1, "", 's', ':');
    assert_int_equal(NsCheckName(name), E_NAMETOOLONG);
    assert_int_equal(NsCheckPrefix(name), E_NAMETOOLONG);
}

// A prefix is a valid name whose last byte is ':' or '/'; anything else is
// E_INVAL.
static void TestCheckPrefix(void **state)
{
    (void)state;
    assert_int_equal(NsCheckPrefix("fs:"), 3);
    assert_int_equal(NsCheckPrefix("fs:root:"), 8);
    assert_int_equal(NsCheckPrefix("fs:root:program/"), 16);
    assert_int_equal(NsCheckPrefix("fs:/"), 4);
    assert_int_equal(NsCheckPrefix("fs:root"), E_INVAL);
    assert_int_equal(NsCheckPrefix("fs:root:x"), E_INVAL);
    assert_int_equal(NsCheckPrefix("fs:ro"), E_INVAL);
    assert_int_equal(NsCheckPrefix("fs:root/ "), E_INVAL);
    assert_int_equal(NsCheckPrefix(""), E_INVAL);
    assert_int_equal(NsCheckPrefix(":"), E_INVAL);
    assert_int_equal(NsCheckPrefix("/"), E_INVAL);
    assert_int_equal(NsCheckPrefix("Fs:"), E_INVAL);
    assert_int_equal(NsCheckPrefix("fs:\x1f/"), E_INVAL);
}

// Register stores a private copy with its length, owner and handler;
// a duplicate is E_EXIST whoever asks; only the holder may unregister
// (E_PERM otherwise, and the entry stays); unknown prefixes are E_NOENT;
// malformed ones give the grammar's error and change nothing.
static void TestRegisterUnregister(void **state)
{
    NsRegistry ns;
    char buffer[32] = "fs:root:";
    const NsEntry *e;
    char longPrefix[300];

    (void)state;
    NewRegistry(&ns);
    assert_int_equal(NsRegister(&ns, buffer, OWNER_A, 42), 0);
    strcpy(buffer, "xx:yyyy:");     // the registry must have its own copy
    assert_int_equal(ns.count, 1);
    e = Lookup(&ns, "fs:root:x");
    assert_non_null(e);
    assert_string_equal(e->prefix, "fs:root:");
    assert_int_equal(e->length, 8);
    assert_ptr_equal(e->owner, OWNER_A);
    assert_int_equal(e->handler, 42);
    assert_ptr_equal(Lookup(&ns, "xx:yyyy:z"), NULL);

    assert_int_equal(NsRegister(&ns, "fs:root:", OWNER_A, 1), E_EXIST);
    assert_int_equal(NsRegister(&ns, "fs:root:", OWNER_B, 2), E_EXIST);
    assert_int_equal(NsRegister(&ns, "fs:root:", NULL, 3), E_EXIST);
    assert_int_equal(ns.count, 1);
    assert_int_equal(Lookup(&ns, "fs:root:x")->handler, 42);

    assert_int_equal(NsUnregister(&ns, "fs:root:", OWNER_B), E_PERM);
    assert_int_equal(NsUnregister(&ns, "fs:root:", NULL), E_PERM);
    assert_int_equal(ns.count, 1);
    ExpectServed(&ns, "fs:root:x", "fs:root:");
    assert_int_equal(NsUnregister(&ns, "fs:", OWNER_A), E_NOENT);
    assert_int_equal(NsUnregister(&ns, "fs:root/", OWNER_A), E_NOENT);
    assert_int_equal(NsUnregister(&ns, "fs:root:", OWNER_A), 0);
    assert_int_equal(ns.count, 0);
    ExpectServed(&ns, "fs:root:x", NULL);
    assert_int_equal(NsUnregister(&ns, "fs:root:", OWNER_A), E_NOENT);

    // Free again: anyone may take it now.
    assert_int_equal(NsRegister(&ns, "fs:root:", OWNER_B, 7), 0);
    assert_ptr_equal(Lookup(&ns, "fs:root:x")->owner, OWNER_B);
    assert_int_equal(NsUnregister(&ns, "fs:root:", OWNER_A), E_PERM);
    assert_int_equal(NsUnregister(&ns, "fs:root:", OWNER_B), 0);

    // The kernel (NULL owner) holds prefixes like anyone else.
    assert_int_equal(NsRegister(&ns, "ns:", NULL, 0), 0);
    assert_int_equal(NsUnregister(&ns, "ns:", OWNER_A), E_PERM);
    assert_int_equal(NsUnregister(&ns, "ns:", NULL), 0);

    // Malformed prefixes.
    assert_int_equal(NsRegister(&ns, "fs:root", OWNER_A, 0), E_INVAL);
    assert_int_equal(NsRegister(&ns, "", OWNER_A, 0), E_INVAL);
    assert_int_equal(NsRegister(&ns, NULL, OWNER_A, 0), E_INVAL);
    assert_int_equal(NsRegister(&ns, "Fs:", OWNER_A, 0), E_INVAL);
    assert_int_equal(NsRegister(&ns, "fs:\x7f/", OWNER_A, 0), E_INVAL);
    MakeLong(longPrefix, NS_NAME_MAX + 1, "fs:", 'a', '/');
    assert_int_equal(NsRegister(&ns, longPrefix, OWNER_A, 0), E_NAMETOOLONG);
    assert_int_equal(NsUnregister(&ns, longPrefix, OWNER_A), E_NAMETOOLONG);
    assert_int_equal(NsUnregister(&ns, "fs:root", OWNER_A), E_INVAL);
    assert_int_equal(NsUnregister(&ns, NULL, OWNER_A), E_INVAL);
    assert_int_equal(ns.count, 0);
    MakeLong(longPrefix, NS_NAME_MAX, "fs:", 'a', '/');
    assert_int_equal(NsRegister(&ns, longPrefix, OWNER_A, 0), 0);
    ExpectServed(&ns, longPrefix, longPrefix);
    assert_int_equal(NsUnregister(&ns, longPrefix, OWNER_A), 0);
    DestroyRegistry(&ns);
}

// The longest registered prefix wins, and only at ':' or '/' boundaries:
// fs:, fs:root: and fs:root:program/ held by three servers.
static void TestLongestPrefix(void **state)
{
    NsRegistry ns;

    (void)state;
    NewRegistry(&ns);
    assert_int_equal(NsRegister(&ns, "fs:", OWNER_A, 1), 0);
    assert_int_equal(NsRegister(&ns, "fs:root:", OWNER_B, 2), 0);
    assert_int_equal(NsRegister(&ns, "fs:root:program/", OWNER_C, 3), 0);

    ExpectServed(&ns, "fs:root:program/hello", "fs:root:program/");
    assert_ptr_equal(Lookup(&ns, "fs:root:program/hello")->owner, OWNER_C);
    ExpectServed(&ns, "fs:root:program/", "fs:root:program/");
    ExpectServed(&ns, "fs:root:program/a/b:c/", "fs:root:program/");
    ExpectServed(&ns, "fs:root:programs", "fs:root:");
    assert_ptr_equal(Lookup(&ns, "fs:root:programs")->owner, OWNER_B);
    ExpectServed(&ns, "fs:root:program", "fs:root:");
    ExpectServed(&ns, "fs:root:programs/hello", "fs:root:");
    ExpectServed(&ns, "fs:root:", "fs:root:");
    ExpectServed(&ns, "fs:temp:x", "fs:");
    assert_ptr_equal(Lookup(&ns, "fs:temp:x")->owner, OWNER_A);
    ExpectServed(&ns, "fs:", "fs:");
    ExpectServed(&ns, "fs:root", "fs:");
    ExpectServed(&ns, "fs:ro", "fs:");
    ExpectServed(&ns, "fs:root/program/hello", "fs:");     // '/' is not ':'
    ExpectServed(&ns, "fsx:a", NULL);
    ExpectServed(&ns, "f:root:", NULL);
    ExpectServed(&ns, "proc:1:", NULL);

    // Without fs:, partial matches across a separator never count.
    assert_int_equal(NsUnregister(&ns, "fs:", OWNER_A), 0);
    ExpectServed(&ns, "fs:temp:x", NULL);
    ExpectServed(&ns, "fs:root", NULL);
    ExpectServed(&ns, "fs:ro", NULL);
    assert_int_equal(NsRegister(&ns, "fs:ro/", OWNER_A, 4), 0);
    assert_int_equal(NsRegister(&ns, "fs:r:", OWNER_A, 5), 0);
    ExpectServed(&ns, "fs:ro", NULL);
    ExpectServed(&ns, "fs:rootx:y", NULL);
    ExpectServed(&ns, "fs:ro/x", "fs:ro/");
    ExpectServed(&ns, "fs:r:oot:x", "fs:r:");
    ExpectServed(&ns, "fs:root:x", "fs:root:");

    // Removing the middle one exposes the shorter one again.
    assert_int_equal(NsRegister(&ns, "fs:", OWNER_A, 1), 0);
    assert_int_equal(NsUnregister(&ns, "fs:root:", OWNER_B), 0);
    ExpectServed(&ns, "fs:root:programs", "fs:");
    ExpectServed(&ns, "fs:root:program/hello", "fs:root:program/");
    DestroyRegistry(&ns);
}

// NsLookup looks only at the first length bytes of the name it is given.
static void TestLookupHonoursLength(void **state)
{
    NsRegistry ns;
    static const char name[] = "fs:root:program/x";
    const NsEntry *e;

    (void)state;
    NewRegistry(&ns);
    assert_int_equal(NsRegister(&ns, "fs:", OWNER_A, 1), 0);
    assert_int_equal(NsRegister(&ns, "fs:root:", OWNER_B, 2), 0);
    assert_int_equal(NsRegister(&ns, "fs:root:program/", OWNER_C, 3), 0);
    e = NsLookup(&ns, name, 3);
    assert_non_null(e);
    assert_string_equal(e->prefix, "fs:");
    e = NsLookup(&ns, name, 7);
    assert_string_equal(e->prefix, "fs:");
    e = NsLookup(&ns, name, 8);
    assert_string_equal(e->prefix, "fs:root:");
    e = NsLookup(&ns, name, 15);
    assert_string_equal(e->prefix, "fs:root:");
    e = NsLookup(&ns, name, 16);
    assert_string_equal(e->prefix, "fs:root:program/");
    assert_null(NsLookup(&ns, name, 2));
    assert_null(NsLookup(&ns, name, 0));
    DestroyRegistry(&ns);
}

// NsRemoveOwner removes exactly the given owner's prefixes, returns how
// many, and leaves everyone else's served.
static void TestRemoveOwner(void **state)
{
    NsRegistry ns;

    (void)state;
    NewRegistry(&ns);
    assert_int_equal(NsRegister(&ns, "ns:", NULL, 0), 0);
    assert_int_equal(NsRegister(&ns, "fs:", OWNER_A, 1), 0);
    assert_int_equal(NsRegister(&ns, "fs:root:", OWNER_B, 2), 0);
    assert_int_equal(NsRegister(&ns, "fs:root:program/", OWNER_A, 3), 0);
    assert_int_equal(NsRegister(&ns, "proc:", OWNER_A, 4), 0);
    assert_int_equal(NsRegister(&ns, "block:", OWNER_B, 5), 0);

    assert_int_equal(NsRemoveOwner(&ns, OWNER_C), 0);
    assert_int_equal(ns.count, 6);
    assert_int_equal(NsRemoveOwner(&ns, OWNER_A), 3);
    assert_int_equal(ns.count, 3);
    ExpectServed(&ns, "fs:root:program/hello", "fs:root:");
    ExpectServed(&ns, "fs:temp:x", NULL);
    ExpectServed(&ns, "proc:1", NULL);
    ExpectServed(&ns, "block:ide:0", "block:");
    ExpectServed(&ns, "ns:list", "ns:");
    assert_int_equal(NsUnregister(&ns, "fs:", OWNER_A), E_NOENT);
    assert_int_equal(NsRemoveOwner(&ns, OWNER_A), 0);

    // Its prefixes are free for others now.
    assert_int_equal(NsRegister(&ns, "fs:", OWNER_C, 6), 0);
    ExpectServed(&ns, "fs:temp:x", "fs:");
    assert_int_equal(NsRemoveOwner(&ns, OWNER_B), 2);
    assert_int_equal(NsRemoveOwner(&ns, NULL), 1);
    assert_int_equal(ns.count, 1);
    ExpectServed(&ns, "fs:root:x", "fs:");
    ExpectServed(&ns, "ns:list", NULL);
    DestroyRegistry(&ns);
}

static void GrowthPrefix(char *out, size_t size, uint32_t i)
{
    snprintf(out, size, "svc%u:part%u/", i, i % 7);
}

static void GrowthName(char *out, size_t size, uint32_t i)
{
    snprintf(out, size, "svc%u:part%u/deeper/object%u.txt", i, i % 7, i);
}

// Assert every growth prefix is served with its handler (offset added),
// or by nobody if removed: wantOdd/wantEven say which halves are present.
static void CheckGrowth(const NsRegistry *ns, int wantEven, int wantOdd, uint32_t evenOffset)
{
    char name[96], prefix[64];

    for (uint32_t i = 0; i < GROWTH_PREFIXES; i++) {
        int want = i % 2 ? wantOdd : wantEven;
        const NsEntry *e;

        GrowthName(name, sizeof(name), i);
        e = Lookup(ns, name);
        if (!want) {
            if (e)
                fail_msg("%s: served by %s after removal", name, e->prefix);
            continue;
        }
        if (!e)
            fail_msg("%s: not served", name);
        GrowthPrefix(prefix, sizeof(prefix), i);
        assert_string_equal(e->prefix, prefix);
        assert_int_equal(e->handler, i % 2 ? i : i + evenOffset);
    }
    // Names nobody registered.
    snprintf(name, sizeof(name), "svc%u:part0/x", GROWTH_PREFIXES);
    ExpectServed(ns, name, NULL);
    ExpectServed(ns, "svc5:other/x", NULL);
    ExpectServed(ns, "svc5:part5", NULL);
    ExpectServed(ns, "svc:part0/x", NULL);
    // The table stays at most half full, counting deleted slots.
    assert_int_equal(ns->capacity & (ns->capacity - 1), 0);
    assert_true((ns->count + ns->tombstones) * 2 <= ns->capacity);
}

// 20000 prefixes grow the table many times: every one is still found,
// non-registered names are not; after removing half, the removed ones are
// gone and the rest found; after re-registering, all found again.
static void TestGrowth(void **state)
{
    NsRegistry ns;
    char prefix[64];

    (void)state;
    NewRegistry(&ns);
    for (uint32_t i = 0; i < GROWTH_PREFIXES; i++) {
        GrowthPrefix(prefix, sizeof(prefix), i);
        assert_int_equal(NsRegister(&ns, prefix, OWNER_A, i), 0);
    }
    assert_int_equal(ns.count, GROWTH_PREFIXES);
    assert_true(ns.capacity >= 2 * GROWTH_PREFIXES);
    assert_true(ns.capacity <= 8 * GROWTH_PREFIXES);
    CheckGrowth(&ns, 1, 1, 0);
    for (uint32_t i = 0; i < GROWTH_PREFIXES; i += 2) {
        GrowthPrefix(prefix, sizeof(prefix), i);
        assert_int_equal(NsRegister(&ns, prefix, OWNER_B, 0), E_EXIST);
        assert_int_equal(NsUnregister(&ns, prefix, OWNER_A), 0);
    }
    assert_int_equal(ns.count, GROWTH_PREFIXES / 2);
    CheckGrowth(&ns, 0, 1, 0);
    for (uint32_t i = 0; i < GROWTH_PREFIXES; i += 2) {
        GrowthPrefix(prefix, sizeof(prefix), i);
        assert_int_equal(NsUnregister(&ns, prefix, OWNER_A), E_NOENT);
        assert_int_equal(NsRegister(&ns, prefix, OWNER_B, i + 100000), 0);
    }
    assert_int_equal(ns.count, GROWTH_PREFIXES);
    CheckGrowth(&ns, 1, 1, 100000);
    assert_int_equal(NsRemoveOwner(&ns, OWNER_B), GROWTH_PREFIXES / 2);
    CheckGrowth(&ns, 0, 1, 0);
    DestroyRegistry(&ns);
}

// Deleted slots are reclaimed: many register/unregister cycles, of one
// prefix or of ever-new ones, leave the capacity where it started, even
// with a few live entries around; whole-owner removals of batches that
// peak at 22 live entries grow it at most once; the table never gets more
// than half full counting tombstones.
static void TestTombstones(void **state)
{
    NsRegistry ns;
    uint32_t initial;
    char prefix[64];

    (void)state;
    NewRegistry(&ns);
    initial = ns.capacity;
    for (uint32_t i = 0; i < 10000; i++) {
        assert_int_equal(NsRegister(&ns, "fs:", OWNER_A, i), 0);
        assert_int_equal(Lookup(&ns, "fs:x")->handler, i);
        assert_int_equal(NsUnregister(&ns, "fs:", OWNER_A), 0);
        assert_true((ns.count + ns.tombstones) * 2 <= ns.capacity);
    }
    assert_int_equal(ns.capacity, initial);

    for (uint32_t i = 0; i < 10; i++) {
        snprintf(prefix, sizeof(prefix), "live%u:", i);
        assert_int_equal(NsRegister(&ns, prefix, OWNER_B, i), 0);
    }
    for (uint32_t i = 0; i < 10000; i++) {
        snprintf(prefix, sizeof(prefix), "t%u:x/", i);
        assert_int_equal(NsRegister(&ns, prefix, OWNER_A, i), 0);
        assert_int_equal(NsUnregister(&ns, prefix, OWNER_A), 0);
        assert_true((ns.count + ns.tombstones) * 2 <= ns.capacity);
    }
    assert_int_equal(ns.capacity, initial);
    // Whole-owner removal leaves tombstones too.
    for (uint32_t round = 0; round < 200; round++) {
        for (uint32_t i = 0; i < 12; i++) {
            snprintf(prefix, sizeof(prefix), "r%u:%u/", round, i);
            assert_int_equal(NsRegister(&ns, prefix, OWNER_C, i), 0);
        }
        assert_int_equal(NsRemoveOwner(&ns, OWNER_C), 12);
        assert_true((ns.count + ns.tombstones) * 2 <= ns.capacity);
        assert_true(ns.capacity <= 2 * initial);
    }
    assert_int_equal(ns.count, 10);
    for (uint32_t i = 0; i < 10; i++) {
        snprintf(prefix, sizeof(prefix), "live%u:x", i);
        assert_int_equal(Lookup(&ns, prefix)->handler, i);
    }
    DestroyRegistry(&ns);
}

// Assert the registry holds exactly prefixes "m0:" .. "m<n-1>:" with
// handlers equal to their index.
static void ExpectNumbered(const NsRegistry *ns, uint32_t n)
{
    char name[32];

    assert_int_equal(ns->count, n);
    for (uint32_t i = 0; i < n + 3; i++) {
        const NsEntry *e;
        snprintf(name, sizeof(name), "m%u:x", i);
        e = Lookup(ns, name);
        if (i < n) {
            assert_non_null(e);
            assert_int_equal(e->handler, i);
        } else {
            assert_null(e);
        }
    }
}

// NsInit with no memory is E_NOMEM. A registration that cannot get memory
// (for the entry, or for the bigger table when it must grow) is E_NOMEM
// and leaves the registry's contents and memory as they were; the same
// registration then succeeds once memory is back.
static void TestNoMemory(void **state)
{
    NsRegistry ns;
    char prefix[32];
    int growthFailures = 0;

    (void)state;
    liveAllocations = 0;
    failAfter = 0;
    assert_int_equal(NsInit(&ns, TestAllocate, TestRelease), E_NOMEM);
    assert_int_equal(liveAllocations, 0);

    NewRegistry(&ns);
    for (uint32_t i = 0; i < 300; i++) {
        long liveBefore = liveAllocations;
        uint32_t capacityBefore = ns.capacity;
        int err;

        snprintf(prefix, sizeof(prefix), "m%u:", i);
        // No memory at all: nothing changes, not even the table.
        failAfter = 0;
        assert_int_equal(NsRegister(&ns, prefix, OWNER_A, i), E_NOMEM);
        assert_int_equal(liveAllocations, liveBefore);
        assert_int_equal(ns.capacity, capacityBefore);
        ExpectNumbered(&ns, i);
        // One allocation: enough unless the table has to grow first.
        failAfter = 1;
        err = NsRegister(&ns, prefix, OWNER_A, i);
        failAfter = -1;
        if (err == E_NOMEM) {
            growthFailures++;
            assert_int_equal(liveAllocations, liveBefore);
            ExpectNumbered(&ns, i);
            assert_int_equal(NsRegister(&ns, prefix, OWNER_A, i), 0);
        } else {
            assert_int_equal(err, 0);
        }
        assert_int_equal(liveAllocations, liveBefore + 1);
        ExpectNumbered(&ns, i + 1);
        // Still E_EXIST (not E_NOMEM) when out of memory.
        failAfter = 0;
        assert_int_equal(NsRegister(&ns, prefix, OWNER_B, 0), E_EXIST);
        failAfter = -1;
    }
    // 300 entries from a 64-slot table: at least three growths.
    assert_true(growthFailures >= 3);
    // Unregistering needs no memory.
    failAfter = 0;
    for (uint32_t i = 0; i < 300; i++) {
        snprintf(prefix, sizeof(prefix), "m%u:", i);
        assert_int_equal(NsUnregister(&ns, prefix, OWNER_A), 0);
    }
    assert_int_equal(ns.count, 0);
    DestroyRegistry(&ns);
}

// Aliases rewrite the start of a name once, the longest alias winning
// whatever the order they were set in; names no alias matches pass
// through unchanged.
static void TestAliasResolve(void **state)
{
    NsRegistry ns;

    (void)state;
    NewRegistry(&ns);
    ExpectResolved(&ns, "fs:root:x", "fs:root:x");
    assert_int_equal(NsAliasSet(&ns, "root:/", "fs:root:"), 0);
    assert_int_equal(NsAliasSet(&ns, "home:/docs/", "fs:docs:"), 0);
    assert_int_equal(NsAliasSet(&ns, "home:/", "fs:root:home/"), 0);
    assert_int_equal(ns.aliasCount, 3);
    ExpectResolved(&ns, "root:/hello.txt", "fs:root:hello.txt");
    ExpectResolved(&ns, "root:/", "fs:root:");
    ExpectResolved(&ns, "home:/x", "fs:root:home/x");
    ExpectResolved(&ns, "home:/docs/a b", "fs:docs:a b");
    ExpectResolved(&ns, "home:/docs", "fs:root:home/docs");
    ExpectResolved(&ns, "home:/docsx/a", "fs:root:home/docsx/a");
    ExpectResolved(&ns, "root:x", "root:x");
    ExpectResolved(&ns, "rootx:/a", "rootx:/a");
    ExpectResolved(&ns, "fs:root:x", "fs:root:x");
    // The shorter alias set first still loses to the longer one.
    assert_int_equal(NsAliasSet(&ns, "a:", "short:"), 0);
    assert_int_equal(NsAliasSet(&ns, "a:b/", "long:"), 0);
    ExpectResolved(&ns, "a:b/c", "long:c");
    ExpectResolved(&ns, "a:bc", "short:bc");
    // Once only: the result is not resolved again.
    assert_int_equal(NsAliasSet(&ns, "fs:root:", "disk:0:"), 0);
    ExpectResolved(&ns, "root:/a", "fs:root:a");
    ExpectResolved(&ns, "fs:root:a", "disk:0:a");
    // A shortening alias.
    assert_int_equal(NsAliasSet(&ns, "very-long-scheme:with/", "v:"), 0);
    ExpectResolved(&ns, "very-long-scheme:with/x", "v:x");
    DestroyRegistry(&ns);
}

// Setting an existing alias changes it in place; removing one leaves the
// others working; removing an unknown one is E_NOENT; at NS_ALIAS_MAX a new
// alias is E_NOMEM but changing an existing one still works.
static void TestAliasSetRemove(void **state)
{
    NsRegistry ns;
    char from[32], to[32];

    (void)state;
    NewRegistry(&ns);
    assert_int_equal(NsAliasSet(&ns, "root:/", "fs:root:"), 0);
    assert_int_equal(NsAliasSet(&ns, "root:/", "fs:other:"), 0);
    assert_int_equal(ns.aliasCount, 1);
    ExpectResolved(&ns, "root:/a", "fs:other:a");
    assert_int_equal(NsAliasRemove(&ns, "root:/"), 0);
    assert_int_equal(ns.aliasCount, 0);
    ExpectResolved(&ns, "root:/a", "root:/a");
    assert_int_equal(NsAliasRemove(&ns, "root:/"), E_NOENT);
    assert_int_equal(NsAliasRemove(&ns, "never:"), E_NOENT);

    for (uint32_t i = 0; i < NS_ALIAS_MAX; i++) {
        snprintf(from, sizeof(from), "a%u:", i);
        snprintf(to, sizeof(to), "t%u:", i);
        assert_int_equal(NsAliasSet(&ns, from, to), 0);
    }
    assert_int_equal(ns.aliasCount, NS_ALIAS_MAX);
    assert_int_equal(NsAliasSet(&ns, "extra:", "t:"), E_NOMEM);
    assert_int_equal(ns.aliasCount, NS_ALIAS_MAX);
    ExpectResolved(&ns, "extra:x", "extra:x");
    assert_int_equal(NsAliasSet(&ns, "a3:", "changed:"), 0);
    assert_int_equal(ns.aliasCount, NS_ALIAS_MAX);
    ExpectResolved(&ns, "a3:x", "changed:x");
    // Remove from the middle and the end; the rest keep their targets.
    assert_int_equal(NsAliasRemove(&ns, "a5:"), 0);
    assert_int_equal(NsAliasRemove(&ns, "a15:"), 0);
    assert_int_equal(NsAliasRemove(&ns, "a5:"), E_NOENT);
    assert_int_equal(ns.aliasCount, NS_ALIAS_MAX - 2);
    for (uint32_t i = 0; i < NS_ALIAS_MAX; i++) {
        char name[32], want[32];
        snprintf(name, sizeof(name), "a%u:x", i);
        if (i == 5 || i == 15)
            snprintf(want, sizeof(want), "a%u:x", i);
        else if (i == 3)
            snprintf(want, sizeof(want), "changed:x");
        else
            snprintf(want, sizeof(want), "t%u:x", i);
        ExpectResolved(&ns, name, want);
    }
    assert_int_equal(NsAliasSet(&ns, "extra:", "t:"), 0);
    ExpectResolved(&ns, "extra:x", "t:x");
    DestroyRegistry(&ns);
}

// A rewrite longer than NS_NAME_MAX (whatever the buffer size), or than
// the output buffer, is E_NAMETOOLONG; exactly NS_NAME_MAX bytes is fine.
static void TestAliasTooLong(void **state)
{
    NsRegistry ns;
    char to[NS_NAME_MAX + 2], name[NS_NAME_MAX + 2], want[NS_NAME_MAX + 2];
    char out[NS_NAME_MAX + 1], big[2 * NS_NAME_MAX];

    (void)state;
    NewRegistry(&ns);
    MakeLong(to, 200, "long:", 'x', '/');
    assert_int_equal(NsAliasSet(&ns, "s:", to), 0);
    // "s:" + 57 bytes -> 200 + 57 = 257 bytes.
    MakeLong(name, 59, "s:", 'n', 'n');
    assert_int_equal(NsResolveAlias(&ns, name, out, sizeof(out)), E_NAMETOOLONG);
    // "s:" + 56 -> 256, even with room for it in the buffer.
    MakeLong(name, 58, "s:", 'n', 'n');
    assert_int_equal(NsResolveAlias(&ns, name, out, sizeof(out)), E_NAMETOOLONG);
    assert_int_equal(NsResolveAlias(&ns, name, big, sizeof(big)), E_NAMETOOLONG);
    // "s:" + 55 -> 255 exactly.
    MakeLong(name, 57, "s:", 'n', 'n');
    MakeLong(want, 255, to, 'n', 'n');
    ExpectResolved(&ns, name, want);
    assert_int_equal(NsCheckName(want), 255);
    // A buffer too small for the result.
    assert_int_equal(NsResolveAlias(&ns, name, out, 255), E_NAMETOOLONG);
    assert_int_equal(NsResolveAlias(&ns, "s:ab", out, 203), 202);
    assert_int_equal(NsResolveAlias(&ns, "s:abc", out, 203), E_NAMETOOLONG);
    // Unaliased names are limited the same way.
    MakeLong(name, 256, "q:", 'n', 'n');
    assert_int_equal(NsResolveAlias(&ns, name, out, sizeof(out)), E_NAMETOOLONG);
    assert_int_equal(NsResolveAlias(&ns, name, big, sizeof(big)), E_NAMETOOLONG);
    MakeLong(name, 255, "q:", 'n', 'n');
    ExpectResolved(&ns, name, name);
    DestroyRegistry(&ns);
}

// NsResolveName: a name without its last separator reaches the prefix
// that has it (after aliases), ':' before '/'; nothing else changes, and
// a name with no room for the separator stays as it is.
static void TestResolveWholeName(void **state)
{
    NsRegistry ns;
    char name[NS_NAME_MAX + 2], prefix[NS_NAME_MAX + 2], out[NS_NAME_MAX + 1];
    int owner;

    (void)state;
    NewRegistry(&ns);
    assert_int_equal(NsRegister(&ns, "input:mouse:", &owner, 1), 0);
    assert_int_equal(NsRegister(&ns, "both:x:", &owner, 2), 0);
    assert_int_equal(NsRegister(&ns, "both:x/", &owner, 3), 0);
    assert_int_equal(NsRegister(&ns, "slash:y/", &owner, 4), 0);
    assert_int_equal(NsAliasSet(&ns, "m:", "input:"), 0);
    assert_int_equal(NsResolveName(&ns, "input:mouse", out, sizeof(out)), 12);
    assert_string_equal(out, "input:mouse:");
    assert_int_equal(NsResolveName(&ns, "m:mouse", out, sizeof(out)), 12);
    assert_string_equal(out, "input:mouse:");
    assert_int_equal(NsResolveName(&ns, "both:x", out, sizeof(out)), 7);
    assert_string_equal(out, "both:x:");
    assert_int_equal(NsResolveName(&ns, "slash:y", out, sizeof(out)), 8);
    assert_string_equal(out, "slash:y/");
    assert_int_equal(NsResolveName(&ns, "input:mouse:", out, sizeof(out)), 12);
    assert_int_equal(NsResolveName(&ns, "input:mouse:x", out, sizeof(out)), 13);
    assert_string_equal(out, "input:mouse:x");
    assert_int_equal(NsResolveName(&ns, "input:mous", out, sizeof(out)), 10);
    assert_string_equal(out, "input:mous");
    assert_int_equal(NsResolveName(&ns, "input:mousex", out, sizeof(out)), 12);
    assert_string_equal(out, "input:mousex");
    // No room: a 255-byte name stays, and so does one in a buffer too small.
    MakeLong(prefix, 255, "z:", 'p', ':');
    assert_int_equal(NsRegister(&ns, prefix, &owner, 5), 0);
    MakeLong(name, 255, "z:", 'p', 'p');
    assert_int_equal(NsResolveName(&ns, name, out, sizeof(out)), 255);
    assert_string_equal(out, name);
    MakeLong(prefix, 254, "w:", 'p', ':');
    assert_int_equal(NsRegister(&ns, prefix, &owner, 6), 0);
    MakeLong(name, 253, "w:", 'p', 'p');
    assert_int_equal(NsResolveName(&ns, name, out, sizeof(out)), 254);
    assert_string_equal(out, prefix);
    assert_int_equal(NsResolveName(&ns, name, out, 254), 253);
    assert_string_equal(out, name);
    DestroyRegistry(&ns);
}

// Both sides of an alias must be prefixes: a malformed side is E_INVAL (or
// E_NAMETOOLONG), and the alias table does not change.
static void TestAliasInvalid(void **state)
{
    NsRegistry ns;
    char longPrefix[NS_NAME_MAX + 2];
    int err;

    (void)state;
    NewRegistry(&ns);
    assert_int_equal(NsAliasSet(&ns, "root:/", "fs:root:"), 0);
    assert_int_equal(NsAliasSet(&ns, "Root:/", "fs:root:"), E_INVAL);
    assert_int_equal(NsAliasSet(&ns, "root:/x", "fs:root:"), E_INVAL);
    assert_int_equal(NsAliasSet(&ns, "root", "fs:root:"), E_INVAL);
    assert_int_equal(NsAliasSet(&ns, "", "fs:root:"), E_INVAL);
    assert_int_equal(NsAliasSet(&ns, NULL, "fs:root:"), E_INVAL);
    assert_int_equal(NsAliasSet(&ns, "r\x01:/", "fs:root:"), E_INVAL);
    assert_int_equal(NsAliasSet(&ns, "home:/", "fs:root"), E_INVAL);
    assert_int_equal(NsAliasSet(&ns, "home:/", ""), E_INVAL);
    assert_int_equal(NsAliasSet(&ns, "home:/", NULL), E_INVAL);
    assert_int_equal(NsAliasSet(&ns, "home:/", "FS:"), E_INVAL);
    assert_int_equal(NsAliasSet(&ns, "home:/", "fs:\x7f/"), E_INVAL);
    // An invalid new target must not change an existing alias either.
    assert_int_equal(NsAliasSet(&ns, "root:/", "fs:bad"), E_INVAL);
    MakeLong(longPrefix, NS_NAME_MAX + 1, "fs:", 'a', '/');
    assert_int_equal(NsAliasSet(&ns, longPrefix, "fs:"), E_NAMETOOLONG);
    assert_int_equal(NsAliasSet(&ns, "home:/", longPrefix), E_NAMETOOLONG);
    assert_int_equal(ns.aliasCount, 1);
    ExpectResolved(&ns, "root:/a", "fs:root:a");
    ExpectResolved(&ns, "home:/a", "home:/a");
    // Removing something that cannot be an alias finds nothing.
    err = NsAliasRemove(&ns, "root");
    assert_true(err == E_NOENT || err == E_INVAL);
    err = NsAliasRemove(&ns, "");
    assert_true(err == E_NOENT || err == E_INVAL);
    assert_int_equal(ns.aliasCount, 1);
    // Longest legal sides work.
    MakeLong(longPrefix, NS_NAME_MAX, "fs:", 'a', '/');
    assert_int_equal(NsAliasSet(&ns, longPrefix, "x:"), 0);
    assert_int_equal(NsAliasSet(&ns, "x:", longPrefix), 0);
    ExpectResolved(&ns, longPrefix, "x:");
    ExpectResolved(&ns, "x:", longPrefix);
    DestroyRegistry(&ns);
}

typedef struct VisitLog {
    uint32_t visits[512];   // indexed by handler
    uint32_t total;
} VisitLog;

static void CountVisit(const NsEntry *e, void *ctx)
{
    VisitLog *log = ctx;

    assert_true(e->handler < 512);
    assert_int_equal(e->length, strlen(e->prefix));
    log->visits[e->handler]++;
    log->total++;
}

// NsForEach visits every live entry exactly once and no removed one, on an
// empty table, a grown one and one full of tombstones.
static void TestForEach(void **state)
{
    NsRegistry ns;
    VisitLog log;
    char prefix[32];

    (void)state;
    NewRegistry(&ns);
    memset(&log, 0, sizeof(log));
    NsForEach(&ns, CountVisit, &log);
    assert_int_equal(log.total, 0);

    for (uint32_t i = 0; i < 500; i++) {
        snprintf(prefix, sizeof(prefix), "e%u:%u/", i % 37, i);
        assert_int_equal(NsRegister(&ns, prefix, i % 3 ? OWNER_A : OWNER_B, i), 0);
    }
    memset(&log, 0, sizeof(log));
    NsForEach(&ns, CountVisit, &log);
    assert_int_equal(log.total, 500);
    for (uint32_t i = 0; i < 500; i++)
        assert_int_equal(log.visits[i], 1);

    assert_int_equal(NsRemoveOwner(&ns, OWNER_B), 167);
    for (uint32_t i = 1; i < 500; i += 6) {
        snprintf(prefix, sizeof(prefix), "e%u:%u/", i % 37, i);
        assert_int_equal(NsUnregister(&ns, prefix, OWNER_A), 0);
    }
    memset(&log, 0, sizeof(log));
    NsForEach(&ns, CountVisit, &log);
    assert_int_equal(log.total, ns.count);
    for (uint32_t i = 0; i < 500; i++)
        assert_int_equal(log.visits[i], i % 3 != 0 && i % 6 != 1);
    DestroyRegistry(&ns);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(TestCheckNameValid),
        cmocka_unit_test(TestCheckNameBadScheme),
        cmocka_unit_test(TestCheckNameControlCharacters),
        cmocka_unit_test(TestCheckNameLength),
        cmocka_unit_test(TestCheckPrefix),
        cmocka_unit_test(TestRegisterUnregister),
        cmocka_unit_test(TestLongestPrefix),
        cmocka_unit_test(TestLookupHonoursLength),
        cmocka_unit_test(TestRemoveOwner),
        cmocka_unit_test(TestGrowth),
        cmocka_unit_test(TestTombstones),
        cmocka_unit_test(TestNoMemory),
        cmocka_unit_test(TestAliasResolve),
        cmocka_unit_test(TestAliasSetRemove),
        cmocka_unit_test(TestAliasTooLong),
        cmocka_unit_test(TestAliasInvalid),
        cmocka_unit_test(TestResolveWholeName),
        cmocka_unit_test(TestForEach),
    };

    return cmocka_run_group_tests_name("namespace", tests, NULL, NULL);
}
