// Tab completion: command names and namespace names, part by part.
//
// The word before the cursor (ShellWordAt) is completed from candidates:
//   - a command name (first word, no ':' or '/'): the builtins and the
//     entries of each PATH directory (MSG_LIST);
//   - any other word, or a command name with ':' or '/': a namespace
//     name. Its directory part (through the last '/' or ':') is listed
//     with MSG_LIST through the server behind it, relative to the
//     working directory when it has no ':'; and the served prefixes
//     (ns:list) and aliases (ns:alias) that start with the word are
//     candidates too, cut after the next ':' or '/', so "f" gives "fs:",
//     then "fs:ro" gives "fs:root:".
// One candidate is completed (and a ' ' added unless it ends a level in
// ':' or '/'); several give their common part, and a Tab that adds
// nothing lists them under the line, which is then shown again.
#include "shell.h"

#define CANDIDATES_MAX 64
#define CANDIDATE_TEXT 96

typedef struct Candidates {
    const char *word;               // what is typed (its first wordLength bytes)
    uint32_t wordLength;
    char text[CANDIDATES_MAX][CANDIDATE_TEXT];
    uint32_t count;
} Candidates;

// Add text[0..n) if it starts with the word and is new.
static void Offer(Candidates *c, const char *text, uint32_t n)
{
    if (n < c->wordLength || n >= CANDIDATE_TEXT || strncmp(text, c->word, c->wordLength) != 0)
        return;
    for (uint32_t i = 0; i < c->count; i++)
        if (strlen(c->text[i]) == n && strncmp(c->text[i], text, n) == 0)
            return;
    if (c->count == CANDIDATES_MAX)
        return;
    memcpy(c->text[c->count], text, n);
    c->text[c->count++][n] = 0;
}

// Offer the entries of directory name, each after prefix (what is typed
// of the directory part); directories with a '/'.
static void OfferEntries(Candidates *c, const char *name, const char *prefix, uint32_t prefixLength)
{
    FsListRequest want = { 0, FS_LIST_MAX };
    char text[CANDIDATE_TEXT];
    Message *reply = Request(name, MSG_LIST, &want, sizeof(want));
    uint32_t n = MessageError(reply) ? 0 : MessageDataLength(reply) / sizeof(FsDirEntry);
    FsDirEntry e;

    for (uint32_t i = 0; i < n && prefixLength < sizeof(text); i++) {
        int length;
        memcpy(&e, reply->data + i * sizeof(e), sizeof(e));
        e.name[sizeof(e.name) - 1] = 0;
        memcpy(text, prefix, prefixLength);
        length = Format(text + prefixLength, sizeof(text) - prefixLength, "%s%s", e.name,
                        e.type == FS_TYPE_DIR ? "/" : "");
        if (length > 0 && prefixLength + length < sizeof(text))
            Offer(c, text, prefixLength + (uint32_t)length);
    }
    FreeMessage(reply);
}

// Offer the first word of each line of text (ns:list, ns:alias), cut
// after the first ':' or '/' past what is typed.
static void OfferLines(Candidates *c, const char *text)
{
    while (*text) {
        const char *end = text;
        uint32_t n, cut;

        while (*end && *end != ' ' && *end != '\n')
            end++;
        n = (uint32_t)(end - text);
        for (cut = c->wordLength; cut < n && text[cut] != ':' && text[cut] != '/'; cut++)
            ;
        Offer(c, text, cut < n ? cut + 1 : n);
        while (*end && *end != '\n')
            end++;
        text = *end ? end + 1 : end;
    }
}

static void OfferServed(Candidates *c)
{
    static char text[4096];
    Text t = { text, 0, sizeof(text) };

    text[0] = 0;
    ReadAll("ns:list", TextSink, &t);
    OfferLines(c, text);
    t.length = 0;
    text[0] = 0;
    ReadAll("ns:alias", TextSink, &t);
    OfferLines(c, text);
}

// Candidates for a namespace name.
static void OfferNames(Candidates *c)
{
    char part[NAME_MAX], dir[NAME_MAX];
    uint32_t split = 0;

    for (uint32_t i = 0; i < c->wordLength; i++)
        if (c->word[i] == ':' || c->word[i] == '/')
            split = i + 1;
    if (split >= sizeof(part))
        return;
    memcpy(part, c->word, split);
    part[split] = 0;
    if (split == 0 ? Format(dir, sizeof(dir), "%s", cwd) > 0 : Resolve(part, dir) == 0)
        OfferEntries(c, dir, part, split);
    if (NameIsAbsolute(c->word) || split == 0)
        OfferServed(c);
}

// Candidates for a command name: builtins and programs on PATH.
static void OfferCommands(Candidates *c)
{
    const char *list = VarGet("PATH", 4);
    char entry[NAME_MAX];

    for (uint32_t i = 0; i < commandCount; i++)
        Offer(c, commands[i].name, (uint32_t)strlen(commands[i].name));
    while (list && *list) {
        const char *end = strchr(list, ';');
        uint32_t n = end ? (uint32_t)(end - list) : (uint32_t)strlen(list);
        if (n > 0 && n < sizeof(entry)) {
            memcpy(entry, list, n);
            entry[n] = 0;
            OfferEntries(c, entry, "", 0);
        }
        list += n + (end ? 1 : 0);
    }
}

// Whether text[0..n) holds c.
static int Holds(const char *text, uint32_t n, char c)
{
    for (uint32_t i = 0; i < n; i++)
        if (text[i] == c)
            return 1;
    return 0;
}

// How many leading bytes every candidate shares.
static uint32_t CommonLength(const Candidates *c)
{
    uint32_t n = (uint32_t)strlen(c->text[0]);

    for (uint32_t i = 1; i < c->count; i++) {
        uint32_t k = 0;
        while (k < n && c->text[i][k] == c->text[0][k])
            k++;
        n = k;
    }
    return n;
}

// Sort the candidates by their bytes (insertion sort: there are few).
static void Sort(Candidates *c)
{
    static char held[CANDIDATE_TEXT];

    for (uint32_t i = 1; i < c->count; i++) {
        uint32_t k = i;
        memcpy(held, c->text[i], CANDIDATE_TEXT);
        while (k > 0 && strcmp(c->text[k - 1], held) > 0) {
            memcpy(c->text[k], c->text[k - 1], CANDIDATE_TEXT);
            k--;
        }
        memcpy(c->text[k], held, CANDIDATE_TEXT);
    }
}

// List the candidates under the line, in order, then show the line again.
static void List(ShellEditor *e, Candidates *c)
{
    Sort(c);
    OutputBytes(&console, "\n", 1);
    for (uint32_t i = 0; i < c->count; i++)
        Out("%s%s", c->text[i], i + 1 < c->count ? "  " : "\n");
    ShellEditRedraw(e, PROMPT);
}

void Complete(ShellEditor *e, int again)
{
    static Candidates c;
    ShellCursor at;
    uint32_t common;

    ShellWordAt(e->line, e->cursor, &at);
    c.word = e->line + at.start;
    c.wordLength = e->cursor - at.start;
    c.count = 0;
    if (at.command && !Holds(c.word, c.wordLength, ':') && !Holds(c.word, c.wordLength, '/'))
        OfferCommands(&c);
    else
        OfferNames(&c);
    if (c.count == 0)
        return;
    common = CommonLength(&c);
    if (common > c.wordLength) {
        ShellEditInsert(e, c.text[0] + c.wordLength, common - c.wordLength);
        if (c.count == 1 && c.text[0][common - 1] != ':' && c.text[0][common - 1] != '/')
            ShellEditInsert(e, " ", 1);
    } else if (c.count == 1 && c.text[0][common - 1] != ':' && c.text[0][common - 1] != '/') {
        ShellEditInsert(e, " ", 1);
    } else if (again && c.count > 1) {
        List(e, &c);
    }
}
