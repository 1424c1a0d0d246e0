// The display modes offered, and the text of display:mode
// (include/lib/displaymode.h).
#include <stddef.h>
#include <stdint.h>
#include <clanker/error.h>
#include <lib/displaymode.h>
#include <lib/format.h>
#include <lib/string.h>

// The sizes offered, small to large; each at every depth below.
static const struct { uint16_t width, height; } sizes[] = {
    { 640, 480 }, { 800, 600 }, { 1024, 768 }, { 1280, 720 }, { 1280, 1024 }, { 1920, 1080 },
};
static const uint8_t depths[] = { 32, 24, 16 };

#define SIZE_COUNT  (sizeof(sizes) / sizeof(sizes[0]))
#define DEPTH_COUNT (sizeof(depths) / sizeof(depths[0]))
#define NUMBER_DIGITS_MAX 5

_Static_assert(SIZE_COUNT * DEPTH_COUNT <= DISPLAY_MODES_MAX, "the list fits");

DisplayInfo DisplayModeInfo(const DisplayMode *mode)
{
    DisplayInfo info = { 0 };
    uint64_t bytes;

    if (mode->bpp == 0)
        return info;
    info.width = mode->width;
    info.height = mode->height;
    info.bpp = mode->bpp;
    info.pitch = mode->width * ((mode->bpp + 7) / 8);
    bytes = (uint64_t)info.pitch * info.height;
    bytes = (bytes + DISPLAY_PAGE - 1) / DISPLAY_PAGE * DISPLAY_PAGE;
    info.framebufferBytes = bytes > 0xfffff000u ? 0xfffff000u : (uint32_t)bytes;
    return info;
}

// Whether the adapter can show width x height at bpp.
static int Fits(const DisplayLimits *limits, uint32_t width, uint32_t height, uint32_t bpp)
{
    DisplayMode mode = { width, height, bpp };

    return width <= limits->maxWidth && height <= limits->maxHeight && bpp <= limits->maxBpp &&
           DisplayModeInfo(&mode).framebufferBytes <= limits->memoryBytes;
}

uint32_t DisplayModeList(const DisplayLimits *limits, DisplayMode *out, uint32_t max)
{
    uint32_t n = 0;

    for (uint32_t s = 0; s < SIZE_COUNT; s++)
        for (uint32_t d = 0; d < DEPTH_COUNT && n < max; d++)
            if (Fits(limits, sizes[s].width, sizes[s].height, depths[d]))
                out[n++] = (DisplayMode){ sizes[s].width, sizes[s].height, depths[d] };
    return n;
}

int DisplayModeOffered(const DisplayLimits *limits, const DisplayMode *mode)
{
    DisplayMode list[DISPLAY_MODES_MAX];
    uint32_t n = DisplayModeList(limits, list, DISPLAY_MODES_MAX);

    for (uint32_t i = 0; i < n; i++)
        if (list[i].width == mode->width && list[i].height == mode->height &&
            list[i].bpp == mode->bpp)
            return 1;
    return 0;
}

uint32_t DisplayModeLargest(const DisplayLimits *limits)
{
    DisplayMode list[DISPLAY_MODES_MAX];
    uint32_t n = DisplayModeList(limits, list, DISPLAY_MODES_MAX), largest = 0;

    for (uint32_t i = 0; i < n; i++) {
        uint32_t bytes = DisplayModeInfo(&list[i]).framebufferBytes;
        largest = bytes > largest ? bytes : largest;
    }
    return largest;
}

static int IsBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// A decimal number of 1 to NUMBER_DIGITS_MAX digits at text[*at], then
// the byte end (0: the end of the word). Returns 0 or E_INVAL.
static int Number(const char *text, uint32_t length, uint32_t *at, char end, uint32_t *out)
{
    uint32_t value = 0, digits = 0;

    while (*at < length && text[*at] >= '0' && text[*at] <= '9') {
        if (++digits > NUMBER_DIGITS_MAX)
            return E_INVAL;
        value = value * 10 + (uint32_t)(text[(*at)++] - '0');
    }
    if (digits == 0)
        return E_INVAL;
    if (end) {
        if (*at >= length || text[*at] != end)
            return E_INVAL;
        (*at)++;
    }
    *out = value;
    return 0;
}

int DisplayModeParse(const char *text, uint32_t length, DisplayMode *out)
{
    uint32_t start = 0, end = length, at;
    DisplayMode mode;

    while (start < end && IsBlank(text[start]))
        start++;
    while (end > start && IsBlank(text[end - 1]))
        end--;
    if (end - start == 4 && memcmp(text + start, "text", 4) == 0) {
        *out = (DisplayMode){ 0, 0, 0 };
        return 0;
    }
    at = start;
    if (Number(text, end, &at, 'x', &mode.width) || Number(text, end, &at, 'x', &mode.height) ||
        Number(text, end, &at, 0, &mode.bpp) || at != end)
        return E_INVAL;
    *out = mode;
    return 0;
}

uint32_t DisplayModeText(const DisplayInfo *info, char *out, uint32_t capacity)
{
    int n;

    if (info->bpp == 0)
        n = Format(out, capacity, "text\n");
    else
        n = Format(out, capacity, "%ux%ux%u pitch %u\n", (unsigned)info->width,
                   (unsigned)info->height, (unsigned)info->bpp, (unsigned)info->pitch);
    return n < 0 ? 0 : (uint32_t)n < capacity ? (uint32_t)n : capacity - 1;
}
