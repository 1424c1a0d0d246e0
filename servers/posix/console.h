// console.c: the console as an open file.
#ifndef SERVERS_POSIX_CONSOLE_H
#define SERVERS_POSIX_CONSOLE_H

#include "core.h"

extern const PosixFileOps consoleOps;

uint32_t ConsoleRetry(void);
int ConsoleCancel(PosixProcess *p, int32_t *value);
void ConsoleProcessEnded(uint32_t pid);

#endif
