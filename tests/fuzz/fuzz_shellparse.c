// libFuzzer target for the shell's grammar (lib/shellparse.c).
//
// The input is one line (kept in a heap block of exactly its length plus
// the NUL, so ASan sees any overread). Invariants checked (abort() on
// violation):
//   - a known code; on failure a non-empty reason and nothing parsed;
//     on success no reason, counts within their limits, every pipeline's
//     commands inside the command array and in order, every word slice
//     inside the line
//   - every word of a successful parse expands (into a buffer large
//     enough), and expanding into a 1-byte buffer fails cleanly
//   - parsing again gives the same result; the line is not written to
//   - ShellWordAt at every cursor position stays within [0, cursor]
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lib/shellparse.h>

static ShellScript first, second;

static const char *Lookup(const char *name, size_t length, void *context)
{
    (void)context;
    return length == 1 && name[0] == '?' ? "0" : length > 3 ? NULL : "value";
}

static void CheckWord(const ShellScript *s, ShellWord w, size_t lineLength)
{
    static char out[4 * SHELL_LINE_MAX + 64];
    char tiny[1];
    int keep;

    if ((size_t)w.start + w.length > lineLength)
        abort();
    if (ShellExpand(s, w, Lookup, NULL, out, sizeof(out), &keep) < 0)
        abort();
    if (ShellExpand(s, w, Lookup, NULL, tiny, sizeof(tiny), &keep) > 0 || tiny[0] != 0)
        abort();
}

static void CheckScript(const ShellScript *s, size_t lineLength)
{
    int next = 0;

    if (s->pipelineCount > SHELL_COMMANDS_MAX || s->commandCount > SHELL_COMMANDS_MAX)
        abort();
    for (int p = 0; p < s->pipelineCount; p++) {
        const ShellPipeline *pl = &s->pipelines[p];
        if (pl->first != next || pl->count < 1 || pl->first + pl->count > s->commandCount)
            abort();
        next += pl->count;
    }
    if (next != s->commandCount)
        abort();
    for (int i = 0; i < s->commandCount; i++) {
        const ShellCommand *c = &s->commands[i];
        if (c->argc < 0 || c->argc > SHELL_WORDS_MAX)
            abort();
        for (int w = 0; w < c->argc; w++)
            CheckWord(s, c->argv[w], lineLength);
        if (c->hasInput)
            CheckWord(s, c->input, lineLength);
        if (c->output != SHELL_OUTPUT_NONE)
            CheckWord(s, c->target, lineLength);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size + 1);
    int code, again;
    ShellCursor at;

    memcpy(line, data, size);
    line[size] = '\0';
    code = ShellParse(line, &first);
    if (code > 0 || code < SHELL_E_SUBST)
        abort();
    if (code != 0 && (!first.error || !first.error[0] || first.pipelineCount || first.commandCount))
        abort();
    if (code == 0) {
        if (first.error)
            abort();
        CheckScript(&first, strlen(line));
    }
    again = ShellParse(line, &second);
    if (again != code || memcmp(&first.pipelines, &second.pipelines, sizeof(first.pipelines)) ||
        memcmp(&first.commands, &second.commands, sizeof(first.commands)))
        abort();
    if (memcmp(line, data, strlen(line)) != 0)
        abort();
    for (uint32_t cursor = 0; cursor <= strlen(line) && cursor < 256; cursor++) {
        ShellWordAt(line, cursor, &at);
        if (at.start > cursor)
            abort();
    }
    free(line);
    return 0;
}
