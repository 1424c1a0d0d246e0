// The kernel command line, copied out of boot memory at startup.
#include <stddef.h>
#include <lib/string.h>
#include <kernel/cmdline.h>

static char line[CMDLINE_MAX];

void CmdlineInit(const char *text)
{
    size_t n = text ? strnlen(text, CMDLINE_MAX - 1) : 0;

    memcpy(line, text ? text : "", n);
    line[n] = 0;
}

const char *CmdlineText(void)
{
    return line;
}

// Find the word for name; returns a pointer just past the name (at '=',
// ' ' or NUL), or NULL.
static const char *Find(const char *name)
{
    size_t len = strlen(name);

    for (const char *p = line; *p;) {
        while (*p == ' ')
            p++;
        if (strncmp(p, name, len) == 0 && (p[len] == 0 || p[len] == ' ' || p[len] == '='))
            return p + len;
        while (*p && *p != ' ')
            p++;
    }
    return NULL;
}

int CmdlineHas(const char *name)
{
    return Find(name) != NULL;
}

int CmdlineValue(const char *name, char *out, unsigned size)
{
    const char *p = Find(name);
    unsigned n = 0;

    if (!p || *p != '=' || size == 0)
        return 0;
    for (p++; *p && *p != ' ' && n + 1 < size; p++)
        out[n++] = *p;
    out[n] = 0;
    return 1;
}
