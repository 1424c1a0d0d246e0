// Names relative to a working directory (include/lib/name.h).
//
// NameJoin copies the prefix, then walks the path segments of cwd's rest
// and then of name, keeping a stack of where each kept segment starts in
// out: "." is skipped, ".." pops one (none left: nothing happens), any
// other segment is appended with a '/' before it when needed. Empty
// segments ("a//b") are skipped too. Everything is checked against
// capacity before a byte is written past it.
#include <stddef.h>
#include <lib/name.h>
#include <lib/string.h>

#define NAME_DEPTH_MAX 64       // segments kept at once

typedef struct Joiner {
    char *out;
    uint32_t length, capacity, prefix;
    uint32_t starts[NAME_DEPTH_MAX];    // where each kept segment begins
    uint32_t depth;
    int overflow;
    int directory;              // the last segment read was "." / ".." or ended in '/'
} Joiner;

int NameIsAbsolute(const char *name)
{
    return strchr(name, ':') != NULL;
}

uint32_t NamePrefixLength(const char *name)
{
    uint32_t length = 0;

    for (uint32_t i = 0; name[i]; i++)
        if (name[i] == ':')
            length = i + 1;
    return length;
}

static void Put(Joiner *j, const char *bytes, uint32_t n)
{
    if (j->length + n + 1 > j->capacity) {
        j->overflow = 1;
        return;
    }
    memcpy(j->out + j->length, bytes, n);
    j->length += n;
}

// Add one segment (n bytes at s).
static void Segment(Joiner *j, const char *s, uint32_t n)
{
    j->directory = 0;
    if (n == 0)
        return;
    if (n == 1 && s[0] == '.') {
        j->directory = 1;
        return;
    }
    if (n == 2 && s[0] == '.' && s[1] == '.') {
        j->directory = 1;
        if (j->depth > 0)
            j->length = j->starts[--j->depth];
        return;
    }
    if (j->depth == NAME_DEPTH_MAX) {
        j->overflow = 1;
        return;
    }
    j->starts[j->depth++] = j->length;
    if (j->length > j->prefix)
        Put(j, "/", 1);
    Put(j, s, n);
}

// Add every segment of path.
static void Path(Joiner *j, const char *path)
{
    while (*path) {
        const char *slash = strchr(path, '/');
        uint32_t n = slash ? (uint32_t)(slash - path) : (uint32_t)strlen(path);

        Segment(j, path, n);
        path += n;
        if (*path == '/') {
            path++;
            j->directory = 1;
        }
    }
}

int NameJoin(const char *cwd, const char *name, char *out, uint32_t capacity)
{
    Joiner j = { out, 0, capacity, 0, { 0 }, 0, 0, 0 };
    const char *base = NameIsAbsolute(name) ? name : cwd;
    uint32_t cwdLength = cwd ? (uint32_t)strlen(cwd) : 0;

    if (!name || !name[0] || capacity == 0)
        return NAME_E_INVAL;
    if (!NameIsAbsolute(name) && (!cwd || !NameIsAbsolute(cwd) || cwdLength == 0 ||
                                  (cwd[cwdLength - 1] != ':' && cwd[cwdLength - 1] != '/')))
        return NAME_E_INVAL;
    j.prefix = NamePrefixLength(base);
    if (base[j.prefix] == '/')
        j.prefix++;                 // an alias's "root:/" keeps its '/'
    Put(&j, base, j.prefix);
    if (!NameIsAbsolute(name))
        Path(&j, cwd + j.prefix);
    Path(&j, NameIsAbsolute(name) ? name + j.prefix : name);
    if (j.directory && j.length > j.prefix)
        Put(&j, "/", 1);
    if (j.overflow)
        return NAME_E_LONG;
    out[j.length] = '\0';
    return (int)j.length;
}
