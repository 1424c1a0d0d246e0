// POSIX paths and the mount table.
//
// A POSIX path names an object in one tree; ClankerOS names objects in
// namespaces. The mount table joins them: each entry puts a namespace
// prefix at a point of the tree, and the longest mount point that is a
// whole-component prefix of a path wins:
//
//   /              fs:root:   (the initrd, writable)
//   /tmp           fs:temp:
//   /proc          proc:      ('/' becomes ':': /proc/7/name is proc:7:name;
//                              /proc/self is the caller's pid)
//   /dev/console   console:
//
// Paths are normalised lexically before they are mapped: empty
// components and "." go, ".." takes away the component before it (and
// stays at "/" at the top). So /tmp/../etc/boot.conf is fs:root:etc/boot.conf.
// There are no symbolic links to follow.
#include <lib/format.h>
#include <lib/string.h>
#include "posix.h"

static const PosixMount mounts[] = {
    { "/",            "fs:root:", POSIX_MOUNT_FS,     '/' },
    { "/tmp",         "fs:temp:", POSIX_MOUNT_FS,     '/' },
    { "/proc",        "proc:",    POSIX_MOUNT_PROC,   ':' },
    { "/dev/console", "console:", POSIX_MOUNT_DEVICE, '/' },
};

#define MOUNT_COUNT (sizeof(mounts) / sizeof(mounts[0]))

// Append the component [start, start + length) to the normalised path out
// (length used so far *used). Returns 0 or E_NAMETOOLONG.
static int Append(char *out, uint32_t *used, const char *start, uint32_t length)
{
    uint32_t slash = *used > 1;

    if (length > FS_NAME_MAX || *used + slash + length + 1 > POSIX_PATH_MAX)
        return E_NAMETOOLONG;
    if (slash)
        out[(*used)++] = '/';
    memcpy(out + *used, start, length);
    *used += length;
    out[*used] = 0;
    return 0;
}

// Drop the last component of out ("/" stays "/").
static void Up(char *out, uint32_t *used)
{
    while (*used > 1 && out[*used - 1] != '/')
        (*used)--;
    if (*used > 1)
        (*used)--;
    out[*used] = 0;
}

// Join raw to base (an absolute, normalised path; ignored when raw is
// absolute) and normalise the result into out (POSIX_PATH_MAX bytes).
// Returns 0 or E_NAMETOOLONG.
int PathNormalize(const char *base, const char *raw, char *out)
{
    uint32_t used;

    if (raw[0] == '/')
        base = "/";
    used = (uint32_t)strnlen(base, POSIX_PATH_MAX);
    if (used >= POSIX_PATH_MAX || base[0] != '/')
        return E_NAMETOOLONG;
    memmove(out, base, used + 1);
    while (*raw) {
        const char *start;
        uint32_t length;
        int err;
        while (*raw == '/')
            raw++;
        start = raw;
        while (*raw && *raw != '/')
            raw++;
        length = (uint32_t)(raw - start);
        if (length == 0 || (length == 1 && start[0] == '.'))
            continue;
        if (length == 2 && start[0] == '.' && start[1] == '.')
            Up(out, &used);
        else if ((err = Append(out, &used, start, length)) != 0)
            return err;
    }
    return 0;
}

// The mount holding path (absolute, normalised): the longest mount point
// that is path itself or a prefix of it ending at a '/'.
static const PosixMount *MountFor(const char *path)
{
    const PosixMount *best = &mounts[0];

    for (uint32_t i = 1; i < MOUNT_COUNT; i++) {
        size_t length = strlen(mounts[i].path);
        if (strncmp(path, mounts[i].path, length) == 0 &&
            (path[length] == 0 || path[length] == '/') &&
            length > strlen(best->path))
            best = &mounts[i];
    }
    return best;
}

// The part of path below its mount point, without a leading '/'.
static const char *BelowMount(const char *path, const PosixMount *mount)
{
    const char *rest = path + strlen(mount->path);

    return *rest == '/' ? rest + 1 : rest;
}

// Write the namespace name of path->path into path->name, with
// path->mount. /proc/self becomes /proc/PID for the caller pid. Returns
// 0, E_NAMETOOLONG, or E_NOTDIR (a path below the console).
int PathMap(PosixPath *path, uint32_t pid)
{
    const PosixMount *mount = MountFor(path->path);
    const char *rest = BelowMount(path->path, mount);
    char self[16] = "";
    int length;

    if (mount->kind == POSIX_MOUNT_DEVICE && *rest)
        return E_NOTDIR;
    if (mount->kind == POSIX_MOUNT_PROC && strncmp(rest, "self", 4) == 0 &&
        (rest[4] == 0 || rest[4] == '/')) {
        Format(self, sizeof(self), "%u", pid);
        rest += 4;
    }
    length = Format(path->name, sizeof(path->name), "%s%s%s", mount->prefix, self, rest);
    if (length < 0 || (uint32_t)length >= sizeof(path->name))
        return E_NAMETOOLONG;
    for (char *c = path->name + strlen(mount->prefix); *c; c++)
        if (*c == '/')
            *c = mount->separator;
    path->mount = mount;
    return 0;
}

// The position of mount in the table (st_dev, handle records).
uint32_t PathMountIndex(const PosixMount *mount)
{
    return (uint32_t)(mount - mounts);
}
