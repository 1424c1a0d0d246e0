// file.c: the kinds of open file on a namespace server, and stat64.
#ifndef SERVERS_POSIX_FILE_H
#define SERVERS_POSIX_FILE_H

#include "core.h"

extern const PosixFileOps fileRegularOps;   // an fs handle
extern const PosixFileOps fileNamedOps;     // a /proc text, by name
extern const PosixFileOps fileDirOps;       // a directory
extern const PosixFileOps fileNullOps;      // /dev/null

// Ops the other kinds share: a write by name (the console), a transfer
// that is refused (E_BADF), readiness always, stat64 from the FsStat.
int32_t FileWrite(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
                  uint32_t total, uint64_t *offset);
int32_t FileNoTransfer(PosixProcess *p, PosixFile *f, uint32_t buf, uint32_t iovCount,
                       uint32_t total, uint64_t *offset);
uint32_t FilePoll(const PosixFile *f, uint32_t wanted, int *timed);
int StatOfFile(const PosixFile *f, LinuxStat64 *out);

// Fill out (a struct stat64) from fs, the FsStat of name under mount;
// or as a FIFO holding size bytes (a pipe end f).
void StatFromFs(const FsStat *fs, const PosixMount *mount, const char *name,
                LinuxStat64 *out);
int StatOfFifo(const PosixFile *f, uint32_t size, LinuxStat64 *out);

#endif
