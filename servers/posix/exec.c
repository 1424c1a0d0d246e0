// execve: replace the caller's program.
//
// The path is resolved like open's (the cwd, the mount table) and must
// name a file on an fs server; the whole file is read by name (MSG_STAT,
// then MSG_READ at growing offsets) into a heap buffer of at most
// POSIX_EXEC_FILE_MAX bytes. argv and envp are copied from the caller's
// memory: at most POSIX_EXEC_STRINGS strings each, each at most
// POSIX_EXEC_STRING bytes with its NUL, all of them together at most
// POSIX_EXEC_TOTAL (so they fit the new stack's start-up area); more is
// E_2BIG. Then the kernel
// does the exchange (ProcessExec), which checks the image completely
// before it touches the caller: on any error the caller runs on with its
// old program and gets the error (a file that is not an i386 ELF
// executable, or a malformed one, is E_NOEXEC).
//
// On success the call's answer, 0, is what the new program finds in eax
// at its entry point. Its state here changes as execve says: fds marked
// FD_CLOEXEC are closed, the others stay; the memory layout starts over
// from the new image; handled signals go back to SIG_DFL (ignored ones
// stay ignored, the mask stays); the name is the new file's and
// /proc/self/exe its path.
#include <lib/string.h>
#include "core.h"
#include "user.h"
#include "nsclient.h"
#include "path.h"
#include "fd.h"
#include "memory.h"
#include "exec.h"

// argv or envp, copied: count strings, each its own heap block, and the
// NULL after them.
typedef struct ExecStrings {
    uint32_t count;
    char *text[POSIX_EXEC_STRINGS + 1];
} ExecStrings;

static char scratch[POSIX_EXEC_STRING];

static void FreeStrings(ExecStrings *s)
{
    for (uint32_t i = 0; i < s->count; i++)
        api->kfree(s->text[i]);
    s->count = 0;
    s->text[0] = NULL;
}

// Copy the caller's NULL-terminated vector at from (0: empty) into *out,
// adding the bytes to *total. Returns 0, E_FAULT, E_2BIG or E_NOMEM
// (*out empty then).
static int ReadStrings(PosixProcess *p, uint32_t from, ExecStrings *out, uint32_t *total)
{
    int err = 0;

    out->count = 0;
    for (uint32_t i = 0; from && !err; i++) {
        uint32_t at;
        int length;
        if ((err = UserRead(p, &at, from + 4 * i, 4)) != 0 || at == 0)
            break;
        if (i == POSIX_EXEC_STRINGS) {
            err = E_2BIG;
        } else if ((length = UserReadString(p, scratch, at, sizeof(scratch))) < 0) {
            err = length == E_NAMETOOLONG ? E_2BIG : length;
        } else if ((*total += (uint32_t)length + 1) > POSIX_EXEC_TOTAL) {
            err = E_2BIG;
        } else if (!(out->text[i] = api->kmalloc((uint32_t)length + 1))) {
            err = E_NOMEM;
        } else {
            memcpy(out->text[i], scratch, (uint32_t)length + 1);
            out->count = i + 1;
        }
    }
    out->text[out->count] = NULL;
    if (err)
        FreeStrings(out);
    return err;
}

// Read the whole file path names into a new heap block. Returns 0, or
// E_ACCES (not a regular file on an fs server), E_NOEXEC (too big, or it
// changed size meanwhile), E_NOMEM, or the fs server's error (E_NOENT).
static int ReadImage(const PosixPath *path, uint8_t **image, uint32_t *size)
{
    FsStat stat;
    int err = path->mount->kind == POSIX_MOUNT_FS ? NsStat(path->mount, path->name, &stat)
                                                  : E_ACCES;

    *image = NULL;
    if (!err && stat.type != FS_TYPE_FILE)
        err = E_ACCES;
    if (!err && stat.size > POSIX_EXEC_FILE_MAX)
        err = E_NOEXEC;
    if (!err && !(*image = api->kmalloc(stat.size ? (uint32_t)stat.size : 1)))
        err = E_NOMEM;
    *size = err ? 0 : (uint32_t)stat.size;
    for (uint32_t done = 0; !err && done < *size;) {
        FsIo io = { .handle = 0, .length = *size - done, .offset = done };
        int got;
        if (io.length > FS_IO_MAX)
            io.length = FS_IO_MAX;
        got = NsRequest(path->name, MSG_READ, &io, sizeof(io), *image + done, io.length);
        if (got < 0)
            err = got;
        else if (got == 0 || (uint32_t)got > io.length)
            err = E_NOEXEC;
        else
            done += (uint32_t)got;
    }
    if (err && *image) {
        api->kfree(*image);
        *image = NULL;
    }
    return err;
}

// Close the fds marked FD_CLOEXEC.
static void CloseOnExec(PosixProcess *p)
{
    for (int fd = 0; fd < POSIX_FD_MAX; fd++) {
        PosixFile *f = p->fds[fd];
        if (!f || !(p->fdFlags[fd] & LINUX_FD_CLOEXEC))
            continue;
        p->fds[fd] = NULL;
        p->fdFlags[fd] = 0;
        FdRelease(f);
    }
}

// p's state after its program was replaced by the one at path (an
// absolute, normalised POSIX path).
static void ExecReset(PosixProcess *p, const char *path)
{
    const char *base = path;
    ProcessFacts facts;

    for (const char *c = path; *c; c++)
        if (*c == '/')
            base = c + 1;
    CloseOnExec(p);
    if (api->ProcessQuery(p->pid, &facts) == 0) {
        MemoryFree(p);
        MemoryInit(p, &facts);
    }
    memset(p->name, 0, sizeof(p->name));
    memcpy(p->name, base, strnlen(base, sizeof(p->name) - 1));
    for (uint32_t i = 0; i < LINUX_NSIG; i++) {
        if (p->actions[i].handler != LINUX_SIG_IGN)
            memset(&p->actions[i], 0, sizeof(p->actions[i]));
    }
    p->tidAddress = 0;
    p->hasTls = 0;                      // ProcessExec cleared the TLS segment
    memcpy(p->exe, path, strlen(path) + 1);
}

// The path of execve, links followed: /proc/self/exe (how busybox runs
// its applets) is the program the caller runs now. Returns 0 or -errno.
static int ExecResolve(PosixProcess *p, uint32_t userPath, PosixPath *path)
{
    int err = PathResolve(p, LINUX_AT_FDCWD, userPath, 0, path);

    return err ? err : PathFollow(path, p->pid);
}

// execve(path, argv, envp)
int32_t LinuxSysExecve(PosixProcess *p, const uint32_t *arg)
{
    static ExecStrings argv, envp;
    PosixPath path;
    uint8_t *image = NULL;
    uint32_t size = 0, total = 0;
    int err;

    /* decode: the path, argv and envp copied in, then the file */
    err = ExecResolve(p, arg[0], &path);
    if (!err)
        err = ReadStrings(p, arg[1], &argv, &total);
    if (!err && (err = ReadStrings(p, arg[2], &envp, &total)) != 0)
        FreeStrings(&argv);
    if (err)
        return err;
    err = ReadImage(&path, &image, &size);
    /* invoke: the kernel checks the whole image before it replaces the program */
    if (!err)
        err = api->ProcessExec(p->pid, image, size, (const char *const *)argv.text,
                               (const char *const *)envp.text);
    if (image)
        api->kfree(image);
    FreeStrings(&argv);
    FreeStrings(&envp);
    if (err)
        return err == E_INVAL ? E_NOEXEC : err;
    /* POINT OF NO RETURN */
    ExecReset(p, path.path);
    return 0;
}
