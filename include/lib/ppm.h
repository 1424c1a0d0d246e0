// A surface as a binary PPM image (lib/ppm.c), read in pieces: what
// windows:desktop:main:screen serves, so `cat` of it is a screenshot.
//
// The image is "P6\n<width> <height>\n255\n" and then the pixels, three
// bytes each (red, green, blue), row by row from the top left.
#ifndef LIB_PPM_H
#define LIB_PPM_H

#include <stdint.h>
#include <lib/surface.h>

#define PPM_HEADER_MAX 32

// The header for a width x height image into out (PPM_HEADER_MAX bytes).
// Returns its length.
uint32_t PpmHeader(char *out, uint32_t width, uint32_t height);

// Bytes of the whole image of s.
uint64_t PpmSize(const Surface *s);

// Up to length bytes of s's image from offset into out. Returns how many
// (0 at or past the end).
uint32_t PpmRead(const Surface *s, uint64_t offset, uint8_t *out, uint32_t length);

#endif
