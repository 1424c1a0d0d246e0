// Names: the builtins about the namespace itself. `ns` and `alias` read
// the text that ns:list and ns:alias serve; `alias FROM TO` and
// `unalias` change ns:alias.
#include "shell.h"


// Rewrite name through the longest alias of ns:alias that starts it, as
// the kernel does for every request (the new name of a rename is data,
// which the kernel does not rewrite). out has NS_NAME_MAX + 1 bytes.
// Returns 0 or E_NAMETOOLONG (name, or what it becomes, is too long).
int ResolveAlias(const char *name, char *out)
{
    static char aliases[4096];
    Text text = { aliases, 0, sizeof(aliases) };
    uint32_t best = 0, nameLength = strlen(name);
    const char *to = NULL;

    aliases[0] = 0;
    ReadAll("ns:alias", TextSink, &text);
    for (char *line = aliases; *line;) {
        char *space = strchr(line, ' '), *end = strchr(line, '\n');
        if (!space || !end || space > end)
            break;
        *space = *end = 0;
        if ((uint32_t)(space - line) > best && strncmp(name, line, space - line) == 0) {
            best = (uint32_t)(space - line);
            to = space + 1;
        }
        line = end + 1;
    }
    if (!to)
        best = 0, to = "";
    if (nameLength > NS_NAME_MAX || strlen(to) + nameLength - best > NS_NAME_MAX)
        return E_NAMETOOLONG;
    memcpy(out, to, strlen(to));
    memcpy(out + strlen(to), name + best, nameLength - best + 1);
    return 0;
}


void CmdNs(const Args *c)
{
    (void)c;
    ShowTable("ns", "ns:list", "PREFIX PID OWNER", 3);
}

// alias: list them; alias FROM TO: make FROM stand for TO.
void CmdAlias(const Args *c)
{
    char text[SHELL_LINE_MAX];
    int err, n;

    if (c->argc == 1) {
        if ((err = ReadAll("ns:alias", OutSink, out)) != 0)
            Fail("alias", "ns:alias", err);
        return;
    }
    if (c->argc == 2) {
        FailText("alias", c->argv[1], "missing target");
        return;
    }
    n = Format(text, sizeof(text), "%s %s", c->argv[1], c->argv[2]);
    n = n < (int)sizeof(text) ? n : (int)sizeof(text) - 1;
    if ((err = Call("ns:alias", MSG_CREATE, text, (uint32_t)n)) != 0)
        Fail("alias", c->argv[1], err);
}

void CmdUnalias(const Args *c)
{
    int err = Call("ns:alias", MSG_DELETE, c->argv[1], strlen(c->argv[1]));

    if (err)
        Fail("unalias", c->argv[1], err);
}

