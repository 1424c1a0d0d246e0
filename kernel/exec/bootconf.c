// Starting the programs listed in the boot configuration.
#include <clanker/error.h>
#include <lib/string.h>
#include <kernel/exec/bootconf.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/exec/initrd.h>
#include <kernel/ipc/ipc.h>
#include <kernel/exec/loader.h>
#include <kernel/proc/sched.h>

#define LINE_MAX 512
#define WAIT_STEP_MS 10
#define WAIT_LIMIT_MS 10000

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

// Wait until someone serves exactly prefix. Returns 0, or E_TIMEDOUT
// after WAIT_LIMIT_MS.
static int WaitFor(const char *prefix)
{
    for (uint32_t waited = 0; waited < WAIT_LIMIT_MS; waited += WAIT_STEP_MS) {
        if (IpcServes(prefix))
            return 0;
        SchedSleep(WAIT_STEP_MS);
    }
    return E_TIMEDOUT;
}

// Start the program one line names. Returns 1 if one started.
static int RunLine(char *line, int number)
{
    const char *storage[LOADER_MAX_ARGS + 3], **words = storage;
    int n = SplitWords(line, storage, LOADER_MAX_ARGS + 3), pid;
    ProcessMode mode;

    if (n >= 1 && strcmp(words[0], "if") == 0) {
        if (n < 3) {
            ConsolePrint("boot.conf:%d: expected 'if WORD LINE'\n", number);
            return 0;
        }
        if (!CmdlineHas(words[1]))
            return 0;               // the kernel command line has no WORD: skipped
        words += 2;
        n -= 2;
    }
    if (n > LOADER_MAX_ARGS + 1)
        n = -1;
    if (n == 0)
        return 0;
    if (n == 2 && strcmp(words[0], "wait") == 0) {
        if (WaitFor(words[1]) != 0)
            ConsolePrint("boot.conf:%d: nobody serves %s yet; going on\n", number, words[1]);
        return 0;
    }
    if (n < 2 || (strcmp(words[0], "user") && strcmp(words[0], "kernel"))) {
        ConsolePrint("boot.conf:%d: expected 'user PATH [ARGS...]', 'kernel PATH [ARGS...]' "
                     "or 'wait PREFIX'\n", number);
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
