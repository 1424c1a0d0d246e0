// Starting the programs listed in the boot configuration.
#include <clanker/error.h>
#include <lib/string.h>
#include <kernel/bootconf.h>
#include <kernel/console.h>
#include <kernel/initrd.h>
#include <kernel/loader.h>

#define LINE_MAX 512

static const char *ErrorText(int err)
{
    switch (err) {
    case E_NOENT: return "no such file";
    case E_NOEXEC: return "not an i386 executable";
    case E_INVAL: return "malformed program or arguments";
    case E_NOMEM: return "out of memory";
    default: return "cannot start";
    }
}

// Split line (modified in place) into words. Returns the word count, or
// -1 if there are more than max.
static int SplitWords(char *line, const char **words, int max)
{
    int n = 0;

    for (char *p = line; *p;) {
        while (*p == ' ' || *p == '\t')
            *p++ = 0;
        if (!*p || *p == '#')
            break;
        if (n == max)
            return -1;
        words[n++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
    }
    return n;
}

// Start the program one line names. Returns 1 if one started.
static int RunLine(char *line, int number)
{
    const char *words[LOADER_MAX_ARGS + 1];
    int n = SplitWords(line, words, LOADER_MAX_ARGS + 1), pid;
    ProcessMode mode;

    if (n == 0)
        return 0;
    if (n < 2 || (strcmp(words[0], "user") && strcmp(words[0], "kernel"))) {
        ConsolePrint("boot.conf:%d: expected 'user PATH [ARGS...]' or 'kernel PATH [ARGS...]'\n", number);
        return 0;
    }
    mode = words[0][0] == 'u' ? PROCESS_USER : PROCESS_KERNEL;
    pid = LoaderSpawn(words[1], n - 1, words + 1, mode, NULL);
    if (pid < 0) {
        ConsolePrint("boot.conf:%d: %s: %s\n", number, words[1], ErrorText(pid));
        return 0;
    }
    return 1;
}

int BootConfRun(const char *text, size_t length)
{
    char line[LINE_MAX];
    int started = 0, number = 0;
    size_t at = 0;

    while (at < length) {
        size_t n = 0;
        number++;
        while (at < length && text[at] != '\n') {
            if (n < sizeof(line) - 1)
                line[n++] = text[at] ? text[at] : ' ';
            at++;
        }
        at++;
        line[n] = 0;
        if (n == sizeof(line) - 1) {
            ConsolePrint("boot.conf:%d: line too long\n", number);
            continue;
        }
        started += RunLine(line, number);
    }
    return started;
}

int BootConfStart(void)
{
    const uint8_t *data;
    uint32_t size;

    if (InitrdFind(BOOTCONF_PATH, &data, &size) != 0) {
        ConsolePrint("boot: no %s in the initrd: nothing to start\n", BOOTCONF_PATH);
        return 0;
    }
    return BootConfRun((const char *)data, size);
}
