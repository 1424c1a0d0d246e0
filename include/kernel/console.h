// The kernel console (kernel/console.c): everything the kernel prints goes
// to the serial port and the VGA screen alike.
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

void ConsoleInit(void);
void ConsoleWrite(const char *text, size_t length);

// printf to the console; see include/lib/format.h for the conversions.
int ConsolePrint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ConsolePrintV(const char *fmt, va_list args);

#endif
