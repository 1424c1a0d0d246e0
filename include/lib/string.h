// Freestanding string and memory routines (lib/string.c).
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

void *memset(void *dst, int value, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
// The first c in s (c may be 0: the terminator), or NULL.
char *strchr(const char *s, int c);

// -ffreestanding makes every call a real one; through the builtins the
// compiler copies, clears and compares fixed sizes inline and calls the
// functions above (whole words at a time) for the rest. lib/string.c defines them under their
// own names (LIB_STRING_IMPLEMENTATION).
#ifndef LIB_STRING_IMPLEMENTATION
#define memcpy(dst, src, n) (__builtin_constant_p(n) ? __builtin_memcpy((dst), (src), (n)) \
                                                     : memcpy((dst), (src), (n)))
#define memset(dst, value, n) (__builtin_constant_p(n) ? __builtin_memset((dst), (value), (n)) \
                                                       : memset((dst), (value), (n)))
#define memcmp(a, b, n) (__builtin_constant_p(n) ? __builtin_memcmp((a), (b), (n)) \
                                                 : memcmp((a), (b), (n)))
#endif

#endif
