// pxmount PREFIX FILE TEXT: a filesystem served elsewhere, in the POSIX
// tree through mount(2).
//
// Mounts PREFIX (such as fs:disk:, a FAT volume the shell's mount
// started) at /mnt/disk; reads FILE there, which must hold the line TEXT; lists
// the root; writes /mnt/disk/posix made.txt and reads it back; checks
// that umount2 is EBUSY while a file is open on the mount and works once
// it is closed, after which the names are gone; and the errors of mount
// and umount2. Ends with "pxmount: N passed, M failed".
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

#define POINT "/mnt/disk"

static int Holds(const char *path, const char *text)
{
    char buf[512];
    int fd = open(path, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

    if (fd >= 0)
        close(fd);
    if (n < 0)
        return 0;
    buf[n] = 0;
    return strcmp(buf, text) == 0;
}

static int Lists(const char *dir, const char *name)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0;

    while (d && (e = readdir(d)) != NULL)
        found |= strcmp(e->d_name, name) == 0;
    if (d)
        closedir(d);
    return found;
}

int main(int argc, char **argv)
{
    char path[256], line[256];
    struct stat st;
    int fd;

    if (argc != 4) {
        printf("usage: pxmount PREFIX FILE TEXT\n");
        return 2;
    }
    CHECK(mount(argv[1], POINT, "vfat", 0, NULL) == 0);
    snprintf(path, sizeof(path), POINT "/%s", argv[2]);
    snprintf(line, sizeof(line), "%s\n", argv[3]);
    CHECK(Holds(path, line));
    {
        char first[256];                        // FILE's first component, in the root
        snprintf(first, sizeof(first), "%s", argv[2]);
        first[strcspn(first, "/")] = 0;
        CHECK(Lists(POINT, first));
    }
    CHECK(stat(POINT, &st) == 0 && S_ISDIR(st.st_mode));
    fd = open(POINT "/posix made.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && write(fd, "made through POSIX\n", 19) == 19);
    CHECK(umount2(POINT, 0) == -1 && errno == EBUSY);      // a file is open on it
    close(fd);
    CHECK(Holds(POINT "/posix made.txt", "made through POSIX\n"));

    // Errors.
    CHECK_ERR(mount(argv[1], POINT, "vfat", 0, NULL), EBUSY);      // already a mount point
    CHECK_ERR(mount("nocolon", "/mnt/other", NULL, 0, NULL), EINVAL);
    CHECK_ERR(mount("fs:nobody:", "/mnt/other", NULL, 0, NULL), ENOENT);
    CHECK_ERR(mount("proc:", "/mnt/other", NULL, 0, NULL), ENODEV);  // not the fs protocol
    CHECK_ERR(mount((char *)16, "/mnt/other", NULL, 0, NULL), EFAULT);
    CHECK_ERR(mount(argv[1], "/", NULL, 0, NULL), EBUSY);
    CHECK_ERR(umount2("/tmp", 0), EBUSY);                           // built in
    CHECK_ERR(umount2("/mnt/other", 0), EINVAL);                    // not a mount point
    CHECK_ERR(umount2((char *)16, 0), EFAULT);

    CHECK(umount2(POINT, 0) == 0);
    CHECK(access(POINT "/posix made.txt", F_OK) == -1);             // on fs:root: now
    CHECK_ERR(umount2(POINT, 0), EINVAL);
    return CheckSummary("pxmount");
}
