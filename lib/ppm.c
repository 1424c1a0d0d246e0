// PPM images of a surface, read at any offset (include/lib/ppm.h).
#include <stddef.h>
#include <lib/format.h>
#include <lib/ppm.h>
#include <lib/string.h>

uint32_t PpmHeader(char *out, uint32_t width, uint32_t height)
{
    return (uint32_t)Format(out, PPM_HEADER_MAX, "P6\n%u %u\n255\n", width, height);
}

uint64_t PpmSize(const Surface *s)
{
    char header[PPM_HEADER_MAX];

    return PpmHeader(header, s->width, s->height) + (uint64_t)s->width * s->height * 3;
}

uint32_t PpmRead(const Surface *s, uint64_t offset, uint8_t *out, uint32_t length)
{
    char header[PPM_HEADER_MAX];
    uint32_t headerLength = PpmHeader(header, s->width, s->height), done = 0;
    uint64_t size = PpmSize(s);

    if (offset >= size)
        return 0;
    if (length > size - offset)
        length = (uint32_t)(size - offset);
    for (; done < length && offset + done < headerLength; done++)
        out[done] = (uint8_t)header[offset + done];
    while (done < length) {
        uint64_t at = offset + done - headerLength;
        uint64_t pixel = at / 3;
        uint32_t x = (uint32_t)(pixel % s->width), y = (uint32_t)(pixel / s->width);
        const uint32_t *row = s->pixels + (size_t)y * s->pitch;
        // The rest of this row, a pixel (three bytes) at a time.
        for (uint32_t channel = (uint32_t)(at % 3); x < s->width && done < length; x++) {
            uint32_t p = row[x];
            for (; channel < 3 && done < length; channel++)
                out[done++] = (uint8_t)(p >> (16 - 8 * channel));
            channel = 0;
        }
    }
    return done;
}
