// Freestanding memory and string routines.
//
// The compiler may emit calls to memcpy/memset/memmove/memcmp on its own,
// so these exist under their C names. They are simple byte loops with a
// word-sized fast path for the two hot ones.
#include <stdint.h>
#include <lib/string.h>

void *memset(void *dst, int value, size_t n)
{
    uint8_t *d = dst;
    uint32_t word = (uint8_t)value * 0x01010101u;

    while (n > 0 && ((uintptr_t)d & 3)) {
        *d++ = (uint8_t)value;
        n--;
    }
    for (; n >= 4; n -= 4, d += 4)
        *(uint32_t *)d = word;
    while (n-- > 0)
        *d++ = (uint8_t)value;
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;

    if ((((uintptr_t)d | (uintptr_t)s) & 3) == 0) {
        for (; n >= 4; n -= 4, d += 4, s += 4)
            *(uint32_t *)d = *(const uint32_t *)s;
    }
    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;

    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n-- > 0)
        d[n] = s[n];
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;

    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        if (*a != *b || *a == 0)
            return (uint8_t)*a - (uint8_t)*b;
    }
    return 0;
}
