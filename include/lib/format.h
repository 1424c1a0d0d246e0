// printf-style formatting (lib/format.c).
//
// Conversions: %d %i %u %x %X %p %s %c %%, with flags '-' (left justify)
// and '0' (zero pad), a field width, and the length modifiers l and ll.
// A NULL %s prints "(null)". Unknown conversions are printed as written.
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*FormatSink)(char c, void *context);

// Format into a sink one character at a time. Returns characters produced.
int FormatToSink(FormatSink sink, void *context, const char *fmt, va_list args);

// Format into buf (always NUL-terminated when size > 0). Returns the length
// the full output would have, as vsnprintf does.
int FormatV(char *buf, size_t size, const char *fmt, va_list args);
int Format(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
