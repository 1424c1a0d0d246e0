// Files: the builtins that are one or a few requests of the filesystem
// protocol (include/clanker/fs.h) sent to the names they were given.
// `ls` pages through MSG_LIST, `cat` reads by name at advancing offsets,
// `rm`, `mkdir`, `rmdir`, `touch` and `mv` are one request each.
#include "shell.h"


void CmdEcho(const Args *c)
{
    for (int i = 1; i < c->argc; i++)
        Out("%s%s", i > 1 ? " " : "", c->argv[i]);
    Out("\n");
}

// Copy standard input to the output until its end (cat with no names).
static void CatInput(const Args *c)
{
    static char buffer[4096];
    int n;

    if (c->input) {
        if ((n = ReadAll(c->input, OutSink, out)) != 0)
            Fail("cat", c->input, n);
        return;
    }
    while ((n = StdioRead(buffer, sizeof(buffer))) > 0)
        OutputBytes(out, buffer, (uint32_t)n);
    if (n < 0)
        Fail("cat", "standard input", n);
}

// cat NS...: print each; with no names, standard input ('<' NAME, a pipe).
void CmdCat(const Args *c)
{
    if (c->argc == 1)
        CatInput(c);
    for (int i = 1; i < c->argc; i++) {
        int err = ReadAll(c->argv[i], OutSink, out);
        if (err)
            Fail("cat", c->argv[i], err);
    }
}

// Print the entries of one MSG_LIST reply, directories with a trailing
// '/'. Returns how many, or -1 if the reply is not FsDirEntry records.
static int PrintEntries(const Message *reply)
{
    uint32_t n = MessageDataLength(reply) / sizeof(FsDirEntry);
    FsDirEntry e;

    if (MessageDataLength(reply) % sizeof(FsDirEntry) != 0)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        memcpy(&e, reply->data + i * sizeof(e), sizeof(e));
        if (strnlen(e.name, sizeof(e.name)) == sizeof(e.name))
            return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        memcpy(&e, reply->data + i * sizeof(e), sizeof(e));
        Out("%s%s\n", e.name, e.type == FS_TYPE_DIR ? "/" : "");
    }
    return (int)n;
}

// List directory name, FS_LIST_MAX entries a request, until a short
// page. Returns NULL, or why it failed.
static const char *ListDirectory(const char *name)
{
    FsListRequest want = { 0, FS_LIST_MAX };
    int got;

    do {
        Message *reply = Request(name, MSG_LIST, &want, sizeof(want));
        int err = MessageError(reply);

        got = err ? 0 : PrintEntries(reply);
        FreeMessage(reply);
        if (err == E_INVAL || err == E_NOSYS)
            return "listing not supported";
        if (err)
            return ErrorText(err);
        if (got < 0)
            return "not a directory listing";
        want.index += (uint32_t)got;
    } while (got == (int)FS_LIST_MAX);
    return NULL;
}

// ls with several names: a blank line, then the name (ending in ':') above each listing.
static void ListHeading(const char *name, int first)
{
    uint32_t n = strlen(name);

    Out("%s%s%s\n", first ? "" : "\n", name, n > 0 && name[n - 1] == ':' ? "" : ":");
}

void CmdLs(const Args *c)
{
    const char *reason;

    if (c->argc == 1 && (reason = ListDirectory(cwd)) != NULL)
        FailText("ls", cwd, reason);
    for (int i = 1; i < c->argc; i++) {
        if (c->argc > 2)
            ListHeading(c->argv[i], i == 1);
        if ((reason = ListDirectory(c->argv[i])) != NULL)
            FailText("ls", c->argv[i], reason);
    }
}

// Send a type request with no payload to each name after the command;
// the error ok (if any) counts as success.
static void EachName(const Args *c, uint32_t type, int ok)
{
    for (int i = 1; i < c->argc; i++) {
        int err = Call(c->argv[i], type, NULL, 0);
        if (err && err != ok)
            Fail(c->argv[0], c->argv[i], err);
    }
}

void CmdRm(const Args *c)    { EachName(c, MSG_DELETE, 0); }
void CmdMkdir(const Args *c) { EachName(c, MSG_MKDIR, 0); }
void CmdRmdir(const Args *c) { EachName(c, MSG_RMDIR, 0); }
void CmdTouch(const Args *c) { EachName(c, MSG_CREATE, E_EXIST); }

void CmdMv(const Args *c)
{
    char to[NS_NAME_MAX + 1];
    int err;

    if ((err = ResolveAlias(c->argv[2], to)) != 0) {
        Fail("mv", c->argv[2], err);
        return;
    }
    err = Call(c->argv[1], MSG_RENAME, to, strlen(to) + 1);
    if (err)
        Fail("mv", c->argv[1], err);
}

