// POSIX paths and the mount table.
//
// A POSIX path names an object in one tree; ClankerOS names objects in
// namespaces. The mount table joins them: each entry puts a namespace
// prefix at a point of the tree, and the longest mount point that is a
// whole-component prefix of a path wins:
//
//   /              fs:root:   (the initrd, writable)
//   /tmp           fs:temp:
//   /proc          posix:proc: (Linux's /proc, procfs.c; /proc/self is
//                              the caller's pid)
//   /dev/console   console:
//   /dev/null      (this server: reads give end of file, writes succeed)
//
// mount(2) adds entries for filesystems served elsewhere (a FAT volume
// the shell's mount started, fs:disk:) and umount2 takes them away again:
// mount("fs:disk:", "/mnt/disk", ...) puts fs:disk: at /mnt/disk. The
// source must be a namespace prefix ending in ':' whose server answers a
// MSG_STAT of its root as a directory; the target is any absolute path
// not already a mount point (it need not exist: the mount makes it).
// The five entries above cannot be unmounted; a mount with an open file
// on it is E_BUSY.
//
// Paths are normalised lexically before they are mapped: empty
// components and "." go, ".." takes away the component before it (and
// stays at "/" at the top). So /tmp/../etc/boot.conf is fs:root:etc/boot.conf.
// The only symbolic links are those of /proc (procfs.c: self, PID/exe,
// PID/cwd, PID/fd/N), and only a path's last component is followed
// (PathFollow): /proc/self/exe opens the program, /proc/PID/cwd/x is
// E_NOTDIR. /proc/self inside a path is the caller's pid (PathMap).
#include <lib/format.h>
#include <lib/string.h>
#include "core.h"
#include "user.h"
#include "nsclient.h"
#include "path.h"

#define FIXED_MOUNTS 5
#define MOUNT_COUNT  (FIXED_MOUNTS + 8)         // 8 made by mount(2) at most

// The mount points and prefixes of the entries mount(2) makes.
static char addedPaths[MOUNT_COUNT - FIXED_MOUNTS][POSIX_PATH_MAX];
static char addedPrefixes[MOUNT_COUNT - FIXED_MOUNTS][NS_NAME_MAX + 1];

// An entry with path NULL is free.
static PosixMount mounts[MOUNT_COUNT] = {
    { "/",            "fs:root:", POSIX_MOUNT_FS,     '/' },
    { "/tmp",         "fs:temp:", POSIX_MOUNT_FS,     '/' },
    { "/proc",        POSIX_PROC, POSIX_MOUNT_PROC,   '/' },
    { "/dev/console", "console:", POSIX_MOUNT_DEVICE, '/' },
    { "/dev/null",    "null:",    POSIX_MOUNT_NULL,   '/' },
};

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
        size_t length;
        if (!mounts[i].path)
            continue;
        length = strlen(mounts[i].path);
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
// path->mount. /proc/self/... becomes /proc/PID/... for the caller pid
// (/proc/self itself stays: the link procfs.c answers). Returns
// 0, E_NAMETOOLONG, or E_NOTDIR (a path below the console).
int PathMap(PosixPath *path, uint32_t pid)
{
    const PosixMount *mount = MountFor(path->path);
    const char *rest = BelowMount(path->path, mount);
    char self[16] = "";
    int length;

    if ((mount->kind == POSIX_MOUNT_DEVICE || mount->kind == POSIX_MOUNT_NULL) && *rest)
        return E_NOTDIR;
    if (mount->kind == POSIX_MOUNT_PROC && strncmp(rest, "self/", 5) == 0) {
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

// --- symbolic links (only /proc has them) ---------------------------------------

#define LINKS_FOLLOWED 8        // more is E_LOOP, as Linux's MAXSYMLINKS is 40

// Read the target of link path (mapped) into out (POSIX_PATH_MAX bytes).
// Returns 0, E_INVAL (not a link) or another error (E_NOENT).
int PathReadLink(const PosixPath *path, char *out)
{
    FsStat st;
    int got = NsStat(path->mount, path->name, &st);

    if (got != 0)
        return got;
    if (st.type != FS_TYPE_LINK)
        return E_INVAL;
    got = NsRequest(path->name, MSG_READ, NULL, 0, out, POSIX_PATH_MAX - 1);
    if (got < 0)
        return got;
    out[got < POSIX_PATH_MAX - 1 ? got : POSIX_PATH_MAX - 1] = 0;
    return 0;
}

// If path (mapped) is a link, replace it with what the link names,
// relative to the link's directory, again while that is a link.
// Returns 0, E_LOOP, or a mapping error. A target that is no POSIX path
// (pipe:[7]) is left as the link.
int PathFollow(PosixPath *path, uint32_t pid)
{
    char target[POSIX_PATH_MAX], base[POSIX_PATH_MAX];
    int err;

    for (int i = 0; i < LINKS_FOLLOWED; i++) {
        uint32_t used;
        if (path->mount->kind != POSIX_MOUNT_PROC || PathReadLink(path, target) != 0)
            return 0;
        if (target[0] != '/' && strchr(target, ':'))
            return 0;
        memcpy(base, path->path, sizeof(base));
        used = (uint32_t)strlen(base);
        Up(base, &used);
        if ((err = PathNormalize(base, target, path->path)) != 0 ||
            (err = PathMap(path, pid)) != 0)
            return err;
    }
    return E_LOOP;
}

// --- the process context's cwd (docs/processes.md) ----------------------------

// The POSIX path (POSIX_PATH_MAX bytes at out) of namespace name: the
// filesystem mount whose prefix is the longest that name starts with,
// and the rest of name below its mount point ("fs:temp:work/" is
// /tmp/work, "fs:root:" is /). Returns 0, E_NOENT (no mount holds it)
// or E_NAMETOOLONG.
int PathFromName(const char *name, char *out)
{
    const PosixMount *best = NULL;
    char joined[POSIX_PATH_MAX + NS_NAME_MAX + 2];
    int length;

    for (uint32_t i = 0; i < MOUNT_COUNT; i++) {
        const PosixMount *m = &mounts[i];
        if (m->path && (m->kind == POSIX_MOUNT_FS || m->kind == POSIX_MOUNT_PROC) &&
            strncmp(name, m->prefix, strlen(m->prefix)) == 0 &&
            (!best || strlen(m->prefix) > strlen(best->prefix)))
            best = m;
    }
    if (!best)
        return E_NOENT;
    length = Format(joined, sizeof(joined), "%s/%s", best->path, name + strlen(best->prefix));
    if (length < 0 || (uint32_t)length >= sizeof(joined))
        return E_NAMETOOLONG;
    return PathNormalize("/", joined, out);
}

// Tell the kernel p's new cwd, as a namespace name ending in ':' or '/'
// in its context, so the native programs it starts inherit it. A cwd
// whose name does not fit the context leaves the context as it was.
void PathContextCwd(PosixProcess *p)
{
    ProcessContext context;
    PosixPath path;
    size_t length;

    memcpy(path.path, p->cwd, sizeof(path.path));
    if (PathMap(&path, p->pid) != 0 || api->ProcessContextGet(p->pid, &context) != 0)
        return;
    length = strlen(path.name);
    if (length + 2 > CONTEXT_NAME_MAX)
        return;
    memcpy(context.cwd, path.name, length + 1);
    if (length > 0 && path.name[length - 1] != ':' && path.name[length - 1] != '/') {
        context.cwd[length] = path.mount->separator;
        context.cwd[length + 1] = 0;
    }
    api->ProcessContextSet(p->pid, &context);
}

// Call visit for every mount in the table, in table order.
void PathForEachMount(void (*visit)(const PosixMount *m, void *arg), void *arg)
{
    for (uint32_t i = 0; i < MOUNT_COUNT; i++)
        if (mounts[i].path)
            visit(&mounts[i], arg);
}

// The position of mount in the table (st_dev, handle records).
uint32_t PathMountIndex(const PosixMount *mount)
{
    return (uint32_t)(mount - mounts);
}

// --- mount, umount, umount2 ---------------------------------------------------

// The entry whose mount point is exactly path, or NULL.
static PosixMount *MountAt(const char *path)
{
    for (uint32_t i = 0; i < MOUNT_COUNT; i++)
        if (mounts[i].path && strcmp(mounts[i].path, path) == 0)
            return &mounts[i];
    return NULL;
}

// Whether a namespace prefix (ending in ':') serves the fs protocol: its
// root answers MSG_STAT as a directory.
static int ServesFiles(const char *prefix)
{
    FsStat st;
    static const PosixMount probe = { "", "", POSIX_MOUNT_FS, '/' };
    int err = NsStat(&probe, prefix, &st);

    if (err)
        return err == E_INVAL ? E_NODEV : err;
    return st.type == FS_TYPE_DIR ? 0 : E_NOTDIR;
}

typedef struct MountUse {
    const PosixMount *mount;
    int used;
} MountUse;

static void CheckFiles(PosixProcess *p, void *arg)
{
    MountUse *use = arg;

    for (int fd = 0; fd < POSIX_FD_MAX; fd++)
        if (p->fds[fd] && p->fds[fd]->mount == use->mount)
            use->used = 1;
}

// mount(source, target, fstype, flags, data): source a served fs prefix
// ("fs:disk:"); fstype, flags and data are not looked at.
int32_t LinuxSysMount(PosixProcess *p, const uint32_t *arg)
{
    char source[NS_NAME_MAX + 1];
    PosixPath target;
    uint32_t slot;
    int length, err;

    /* decode */
    if ((length = UserReadString(p, source, arg[0], sizeof(source))) < 0)
        return length;
    if ((err = PathResolve(p, LINUX_AT_FDCWD, arg[1], 0, &target)) != 0)
        return err;
    if (length < 2 || source[length - 1] != ':' || strchr(source, '/'))
        return E_INVAL;
    if (MountAt(target.path) || strcmp(target.path, "/") == 0)
        return E_BUSY;
    for (slot = FIXED_MOUNTS; slot < MOUNT_COUNT && mounts[slot].path; slot++)
        ;
    if (slot == MOUNT_COUNT)
        return E_NOMEM;
    if ((err = ServesFiles(source)) != 0)
        return err;
    /* invoke */
    memcpy(addedPaths[slot - FIXED_MOUNTS], target.path, strlen(target.path) + 1);
    memcpy(addedPrefixes[slot - FIXED_MOUNTS], source, (uint32_t)length + 1);
    mounts[slot] = (PosixMount){ addedPaths[slot - FIXED_MOUNTS],
                                 addedPrefixes[slot - FIXED_MOUNTS], POSIX_MOUNT_FS, '/' };
    return 0;
}

// umount2(target, flags) and umount(target): only what mount(2) made,
// and only while no file is open on it.
int32_t LinuxSysUmount2(PosixProcess *p, const uint32_t *arg)
{
    PosixPath target;
    PosixMount *m;
    MountUse use;
    int err;

    /* decode */
    if ((err = PathResolve(p, LINUX_AT_FDCWD, arg[0], 0, &target)) != 0)
        return err;
    if (!(m = MountAt(target.path)))
        return E_INVAL;
    if (m < &mounts[FIXED_MOUNTS])
        return E_BUSY;
    use = (MountUse){ m, 0 };
    PosixProcessForEach(CheckFiles, &use);
    if (use.used)
        return E_BUSY;
    /* invoke */
    m->path = NULL;
    return 0;
}

// A path argument's scratch buffer (the server is single-threaded, so
// one buffer serves every call).
static char rawPath[POSIX_RAW_PATH_MAX];

// The directory a relative path starts from: the cwd, or dirfd's path.
// Returns 0 or E_BADF / E_NOTDIR.
static int BaseOf(PosixProcess *p, int32_t dirfd, const char **base)
{
    PosixFile *f;

    if (dirfd == LINUX_AT_FDCWD) {
        *base = p->cwd;
        return 0;
    }
    if (!(f = FdGet(p, dirfd)))
        return E_BADF;
    if (f->kind != POSIX_FILE_DIR)
        return E_NOTDIR;
    *base = f->path;
    return 0;
}

// Read the path at userPath and resolve it against dirfd (AT_FDCWD: the
// cwd; ignored for an absolute path) into out. An empty path is E_NOENT,
// or with allowEmpty, names dirfd itself: out->path is then "" and the
// caller uses the fd. Returns 0 or an error (E_FAULT, E_NAMETOOLONG,
// E_NOENT, E_BADF, E_NOTDIR).
int PathResolve(PosixProcess *p, int32_t dirfd, uint32_t userPath, int allowEmpty,
                PosixPath *out)
{
    const char *base = "/";
    int err, length = UserReadString(p, rawPath, userPath, sizeof(rawPath));

    if (length < 0)
        return length;
    if (length == 0) {
        out->path[0] = 0;
        return allowEmpty ? 0 : E_NOENT;
    }
    if (rawPath[0] != '/' && (err = BaseOf(p, dirfd, &base)) != 0)
        return err;
    if ((err = PathNormalize(base, rawPath, out->path)) != 0)
        return err;
    return PathMap(out, p->pid);
}
