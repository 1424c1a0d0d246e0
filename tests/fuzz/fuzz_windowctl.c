// libFuzzer target for the window control commands (lib/windowctl.c).
//
// Invariants checked (abort() on violation):
//   - the result is E_INVAL or a count no larger than the room given
//   - every command parsed has a known kind, numbers only where the kind
//     takes them, each within WINDOW_CTL_DIGITS digits
//   - written back out in the canonical form ("move X Y\n", ...) the
//     commands parse again to exactly the same commands
//   - a text the parser refused is still refused with one more blank line
//     after it, and one it took, with a blank line added, gives the same
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clanker/error.h>
#include <lib/windowctl.h>

static void Fail(const char *what)
{
    fprintf(stderr, "fuzz_windowctl: invariant violated: %s\n", what);
    abort();
}

static uint32_t Canonical(const WindowCtl *cmds, int n, char *out, size_t capacity)
{
    static const char *const words[] = { "", "move", "resize", "raise", "close" };
    size_t used = 0;

    for (int i = 0; i < n; i++) {
        int takesNumbers = cmds[i].kind == WINDOW_CTL_MOVE || cmds[i].kind == WINDOW_CTL_RESIZE;
        used += (size_t)(takesNumbers
                             ? snprintf(out + used, capacity - used, "%s %d %d\n",
                                        words[cmds[i].kind], cmds[i].a, cmds[i].b)
                             : snprintf(out + used, capacity - used, "%s\n", words[cmds[i].kind]));
    }
    return (uint32_t)used;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static WindowCtl cmds[WINDOW_CTL_MAX], again[WINDOW_CTL_MAX];
    static char text[WINDOW_CTL_MAX * 32], longer[4096 + 2];
    uint32_t room = size > 0 ? data[0] % (WINDOW_CTL_MAX + 1) : WINDOW_CTL_MAX;
    int n, m;

    if (size > 4096)
        return 0;
    n = WindowCtlParse((const char *)data, (uint32_t)size, cmds, room);
    if (n != E_INVAL && (n < 0 || (uint32_t)n > room))
        Fail("a count outside 0..room");
    memcpy(longer, data, size);
    longer[size] = '\n';
    m = WindowCtlParse(longer, (uint32_t)size + 1, again, room);
    if ((n == E_INVAL) != (m == E_INVAL) && !(size > 0 && data[size - 1] == '\r'))
        Fail("a line end changed the verdict");
    if (n <= 0)
        return 0;
    for (int i = 0; i < n; i++) {
        int k = cmds[i].kind, numbers = k == WINDOW_CTL_MOVE || k == WINDOW_CTL_RESIZE;
        if (k < WINDOW_CTL_MOVE || k > WINDOW_CTL_CLOSE)
            Fail("an unknown kind");
        if (!numbers && (cmds[i].a || cmds[i].b))
            Fail("numbers on a command without any");
        if (cmds[i].a > 999999 || cmds[i].a < -999999 || cmds[i].b > 999999 || cmds[i].b < -999999)
            Fail("a number longer than WINDOW_CTL_DIGITS");
    }
    uint32_t length = Canonical(cmds, n, text, sizeof(text));
    m = WindowCtlParse(text, length, again, WINDOW_CTL_MAX);
    if (m != n || memcmp(cmds, again, (size_t)n * sizeof(cmds[0])) != 0)
        Fail("the canonical form parses differently");
    return 0;
}
