// path.c: POSIX paths, the mount table, namespace names.
#ifndef SERVERS_POSIX_PATH_H
#define SERVERS_POSIX_PATH_H

#include "core.h"

int PathNormalize(const char *base, const char *raw, char *out);
int PathMap(PosixPath *path, uint32_t pid);
uint32_t PathMountIndex(const PosixMount *mount);
int PathFromName(const char *name, char *out);
void PathForEachMount(void (*visit)(const PosixMount *m, void *arg), void *arg);
int PathReadLink(const PosixPath *path, char *out);
int PathFollow(PosixPath *path, uint32_t pid);
int PathResolve(PosixProcess *p, int32_t dirfd, uint32_t userPath, int allowEmpty,
                PosixPath *out);

// Tell the kernel p's cwd (its context), after chdir and fchdir.
void PathContextCwd(PosixProcess *p);

int32_t LinuxSysMount(PosixProcess *p, const uint32_t *arg);
int32_t LinuxSysUmount2(PosixProcess *p, const uint32_t *arg);

#endif
