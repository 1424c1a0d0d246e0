// Filesystems: `mount BLOCKNS FSPREFIX` starts fs:root:bin/fatfs in the
// background and waits until FSPREFIX answers (or fatfs ends, having
// said why); `umount` sends MSG_UNMOUNT and waits until the prefix is
// gone; `sync` sends MSG_SYNC; `poweroff` unmounts everything first.
#include "shell.h"

#define POWEROFF      "system:poweroff"
#define FATFS         "fs:root:bin/fatfs"
#define MOUNTS_MAX    8         // filesystems one shell mounts at a time
#define MOUNT_WAIT_MS 20000     // how long mount and umount wait for the server
#define MOUNT_POLL_MS 20


// The FAT servers this shell started (mount), until umount or their exit.
typedef struct Mount {
    int pid;                    // 0: a free slot
    char block[NS_NAME_MAX + 1];
    char prefix[NS_NAME_MAX + 1];
} Mount;

static Mount mounts[MOUNTS_MAX];

// Whether prefix is served: its root answers MSG_STAT.
static int Served(const char *prefix)
{
    return Call(prefix, MSG_STAT, NULL, 0) == 0;
}

// Drop the mounts whose server has ended.
static void ForgetEnded(void)
{
    for (uint32_t i = 0; i < MOUNTS_MAX; i++)
        if (mounts[i].pid && SysWaitOptions(mounts[i].pid, NULL, WAIT_NOHANG) != 0)
            mounts[i].pid = 0;
}

static Mount *FindMount(const char *prefix)
{
    ForgetEnded();
    for (uint32_t i = 0; i < MOUNTS_MAX; i++)
        if (mounts[i].pid && strcmp(mounts[i].prefix, prefix) == 0)
            return &mounts[i];
    return NULL;
}

// Start the FAT server for block on prefix and wait until prefix answers
// or the server ends (it has printed why). Returns 0 or E_*.
static int MountStart(Mount *m, const char *block, const char *prefix)
{
    char *argv[3] = { FATFS, (char *)block, (char *)prefix };
    int pid = Spawn(FATFS, 3, argv), status;

    if (pid < 0)
        return pid;
    for (uint32_t waited = 0; waited < MOUNT_WAIT_MS; waited += MOUNT_POLL_MS) {
        if (SysWaitOptions(pid, &status, WAIT_NOHANG) == pid)
            return WAIT_IF_EXITED(status) ? E_INVAL : E_INTR;
        if (Served(prefix)) {
            m->pid = pid;
            Format(m->block, sizeof(m->block), "%s", block);
            Format(m->prefix, sizeof(m->prefix), "%s", prefix);
            return 0;
        }
        SysSleep(MOUNT_POLL_MS);
    }
    SysKill(pid);
    SysWait(pid, NULL);
    return E_TIMEDOUT;
}

void CmdMount(const Args *c)
{
    Mount *slot = NULL;
    int err;

    ForgetEnded();
    if (c->argc == 1) {
        for (uint32_t i = 0; i < MOUNTS_MAX; i++)
            if (mounts[i].pid)
                Out("%s on %s (fatfs, pid %d)\n", mounts[i].block, mounts[i].prefix, mounts[i].pid);
        return;
    }
    if (c->argc != 3) {
        FailText("mount", NULL, "usage: mount BLOCKNS FSPREFIX");
        return;
    }
    if (Served(c->argv[2])) {
        Fail("mount", c->argv[2], E_EXIST);
        return;
    }
    for (uint32_t i = 0; i < MOUNTS_MAX && !slot; i++)
        if (!mounts[i].pid)
            slot = &mounts[i];
    err = slot ? MountStart(slot, c->argv[1], c->argv[2]) : E_NOSPC;
    if (err == E_INVAL)
        FailText("mount", c->argv[1], "not mounted");
    else if (err)
        Fail("mount", c->argv[1], err);
}

// Unmount prefix and wait until it is no longer served. Returns 0 or E_*.
static int Unmount(const char *prefix)
{
    Mount *m = FindMount(prefix);
    int err = Call(prefix, MSG_UNMOUNT, NULL, 0);

    if (err)
        return err;
    if (m) {
        SysWait(m->pid, NULL);
        m->pid = 0;
    }
    for (uint32_t waited = 0; Served(prefix); waited += MOUNT_POLL_MS) {
        if (waited >= MOUNT_WAIT_MS)
            return E_TIMEDOUT;
        SysSleep(MOUNT_POLL_MS);
    }
    return 0;
}

void CmdUmount(const Args *c)
{
    int err = Unmount(c->argv[1]);

    if (err)
        Fail("umount", c->argv[1], err);
}

void CmdSync(const Args *c)
{
    int err;

    if (c->argc > 1) {
        if ((err = Call(c->argv[1], MSG_SYNC, NULL, 0)) != 0)
            Fail("sync", c->argv[1], err);
        return;
    }
    ForgetEnded();
    for (uint32_t i = 0; i < MOUNTS_MAX; i++)
        if (mounts[i].pid && (err = Call(mounts[i].prefix, MSG_SYNC, NULL, 0)) != 0)
            Fail("sync", mounts[i].prefix, err);
}

void CmdPoweroff(const Args *c)
{
    FsIo io = { 0, 0, 0 };
    int err;

    (void)c;
    ForgetEnded();
    for (uint32_t i = 0; i < MOUNTS_MAX; i++)
        if (mounts[i].pid && (err = Unmount(mounts[i].prefix)) != 0)
            Fail("umount", mounts[i].prefix, err);
    OutputFlush(&console);
    err = Call(POWEROFF, MSG_WRITE, &io, sizeof(io));
    if (!err)
        SysSleep(100);      // a server may answer just before the machine stops
    if (err)
        Fail("poweroff", NULL, err);
    else
        FailText("poweroff", NULL, "still running");
}

