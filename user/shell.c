// shell: the command line.
//
// The loop is: reap finished background programs, print "clanker> ",
// read one line from console:, parse it with CmdlineParse
// (include/lib/cmdline.h), run it. An empty read is the end of input and
// is taken as `poweroff`; if console: cannot be read at all, the shell
// says so on the debug console and exits.
//
// Everything is a name: the shell keeps no current directory and knows
// no paths, and each builtin is one or a few requests of the filesystem
// protocol (include/clanker/fs.h) sent to the names it was given. `ls`
// pages through MSG_LIST, `cat` reads by name at advancing offsets, `rm`,
// `mkdir`, `rmdir`, `touch` and `mv` are one request each; `ps`, `ns` and
// `alias` read the text that proc:list:, ns:list and ns:alias serve.
//
// Output: every builtin prints through Out(), into the Output `out`
// points at: the console, or for `> NS` / `>> NS` an Output on a handle
// the shell opened on NS (FS_TRUNCATE or FS_APPEND) and closes after the
// command. An Output gathers bytes in the payload of one MSG_WRITE and
// sends it when FS_IO_MAX bytes are waiting or the command ends. Error
// lines always go to the console, in order with what the command printed
// there, and are one line each: "CMD: NAME: reason" or "CMD: reason",
// the reason an ErrorText (lib/errortext.c).
//
// Programs: `run NS ARGS` and a bare word that is no builtin (WORD runs
// fs:root:bin/WORD) are started with SysSpawn and waited for; a non-zero
// exit or a kill is reported. With '&' the shell prints [PID] and goes
// on; such children are collected with SysWaitOptions(WAIT_NOHANG) before
// each prompt. A program prints on the console itself, so its output
// cannot be redirected.
//
// Filesystems: `mount BLOCKNS FSPREFIX` starts fs:root:bin/fatfs in the
// background and waits until FSPREFIX answers (or fatfs ends, having
// said why); `umount` sends MSG_UNMOUNT and waits until the prefix is
// gone; `sync` sends MSG_SYNC; `poweroff` unmounts everything first.
#include <stdarg.h>
#include <clanker/fs.h>
#include <lib/cmdline.h>
#include <lib/errortext.h>
#include <lib/format.h>
#include <lib/string.h>
#include <lib/user.h>

#define CONSOLE       "console:"
#define POWEROFF      "system:poweroff"
#define DEFAULT_LIST  "fs:root:"
#define BIN_PREFIX    "fs:root:bin/"
#define PROMPT        "clanker> "
#define LINE_READ_MAX 4096      // bytes asked of the console for one line
#define BUSY_RETRY_MS 50        // wait before asking a busy console again
#define TABLE_COLUMNS 5         // the most columns ps and ns print
#define HELP_WIDTH    26        // the usage column of `help`
#define FATFS         "fs:root:bin/fatfs"
#define MOUNTS_MAX    8         // filesystems one shell mounts at a time
#define MOUNT_WAIT_MS 20000     // how long mount and umount wait for the server
#define MOUNT_POLL_MS 20

// --- output -----------------------------------------------------------------

// Where printed bytes go: the console (by name) or a redirection target
// (a handle). They wait in message, after its FsIo, until a flush.
typedef struct Output {
    const char *name;           // CONSOLE or the target
    int32_t handle;             // from MSG_OPEN; 0 for the console
    uint64_t offset;            // where the next write goes (FS_TRUNCATE targets)
    int error;                  // the first failed write, 0 if none
    uint32_t used;              // bytes waiting
    Message *message;           // MSG_WRITE: FsIo + FS_IO_MAX bytes
} Output;

static Output console = { .name = CONSOLE }, redirect;
static Output *out = &console;  // where builtins print

static char *OutputData(Output *o)
{
    return (char *)o->message->data + sizeof(FsIo);
}

// A type request to name carrying length bytes of payload. Returns the
// reply (MessageError tells failure), NULL only when out of memory.
static Message *Request(const char *name, uint32_t type, const void *payload, uint32_t length)
{
    Message *request = CreateMessage(type, length);
    Message *reply;

    if (!request)
        return NULL;
    if (length > 0)
        memcpy(request->data, payload, length);
    reply = IpcSend(name, request);
    FreeMessage(request);
    return reply;
}

// Request() for its error alone: 0 or E_*.
static int Call(const char *name, uint32_t type, const void *payload, uint32_t length)
{
    Message *reply = Request(name, type, payload, length);
    int err = MessageError(reply);

    FreeMessage(reply);
    return err;
}

// Send o's waiting bytes in one MSG_WRITE. Returns 0 or E_* (E_NOSPC if
// the server took fewer bytes than sent).
static int OutputSend(Output *o)
{
    FsIo io = { o->handle, o->used, o->offset };
    FsCount count = { o->used };
    Message *reply;
    int err;

    memcpy(o->message->data, &io, sizeof(io));
    o->message->length = MESSAGE_HEADER_SIZE + sizeof(io) + o->used;
    reply = IpcSend(o->name, o->message);
    err = MessageError(reply);
    if (!err && MessageDataLength(reply) >= sizeof(count))
        memcpy(&count, reply->data, sizeof(count));
    FreeMessage(reply);
    return !err && count.count < o->used ? E_NOSPC : err;
}

// Write out what o holds. The console falls back to the debug console; a
// target keeps its first error and drops everything after it.
static void OutputFlush(Output *o)
{
    int err = o->error;

    if (o->used == 0)
        return;
    if (!err)
        err = OutputSend(o);
    if (err && o == &console)
        SysDebugWrite(OutputData(o), o->used);
    else
        o->error = err;
    o->offset += o->used;
    o->used = 0;
}

// Add n bytes to o, flushing each time FS_IO_MAX are waiting.
static void OutputBytes(Output *o, const char *bytes, uint32_t n)
{
    while (n > 0) {
        uint32_t room = FS_IO_MAX - o->used;
        uint32_t take = n < room ? n : room;

        memcpy(OutputData(o) + o->used, bytes, take);
        o->used += take;
        bytes += take;
        n -= take;
        if (o->used == FS_IO_MAX)
            OutputFlush(o);
    }
}

static void OutputPut(char c, void *context)
{
    OutputBytes(context, &c, 1);
}

// printf-style output of a builtin.
static void Out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void Out(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    FormatToSink(OutputPut, out, fmt, args);
    va_end(args);
}

// n spaces of output.
static void OutSpaces(uint32_t n)
{
    while (n-- > 0)
        OutputBytes(out, " ", 1);
}

// The error line "cmd: name: text", or "cmd: text" when name is NULL.
static void FailText(const char *cmd, const char *name, const char *text)
{
    char line[CMDLINE_TEXT_MAX + 128];
    int n = name ? Format(line, sizeof(line), "%s: %s: %s\n", cmd, name, text)
                 : Format(line, sizeof(line), "%s: %s\n", cmd, text);

    OutputBytes(&console, line, n < (int)sizeof(line) ? (uint32_t)n : sizeof(line) - 1);
}

static void Fail(const char *cmd, const char *name, int err)
{
    FailText(cmd, name, ErrorText(err));
}

// --- redirection ------------------------------------------------------------

// Send what command cmd prints to target (appending for >>). Returns 0,
// or reports the error and returns it.
static int RedirectBegin(const char *cmd, const char *target, int append)
{
    FsOpen open = { FS_WRITE | FS_CREATE | (append ? FS_APPEND : FS_TRUNCATE) };
    FsHandle handle = { 0 };
    Message *reply = Request(target, MSG_OPEN, &open, sizeof(open));
    int err = MessageError(reply);

    if (!err && MessageDataLength(reply) < sizeof(handle))
        err = E_INVAL;
    if (!err)
        memcpy(&handle, reply->data, sizeof(handle));
    FreeMessage(reply);
    if (err) {
        Fail(cmd, target, err);
        return err;
    }
    redirect = (Output){ .name = target, .handle = handle.handle, .message = redirect.message };
    out = &redirect;
    return 0;
}

// Flush and close the target; report its first failure.
static void RedirectEnd(const char *cmd)
{
    FsHandle handle = { redirect.handle };
    int err;

    OutputFlush(&redirect);
    err = Call(redirect.name, MSG_CLOSE, &handle, sizeof(handle));
    if (redirect.error)
        err = redirect.error;
    if (err)
        Fail(cmd, redirect.name, err);
    out = &console;
}

// --- reading ----------------------------------------------------------------

typedef void (*ReadSink)(const char *bytes, uint32_t n, void *context);

// Read name from its start, FS_IO_MAX bytes a request, into sink. Stops
// at a reply shorter than asked (some servers ignore the offset and
// always send everything). Returns 0 or E_*.
static int ReadAll(const char *name, ReadSink sink, void *context)
{
    FsIo io = { 0, FS_IO_MAX, 0 };

    for (;;) {
        Message *reply = Request(name, MSG_READ, &io, sizeof(io));
        int err = MessageError(reply);
        uint32_t n = err ? 0 : MessageDataLength(reply);

        if (n > 0)
            sink((const char *)reply->data, n, context);
        FreeMessage(reply);
        if (err || n != io.length)
            return err;
        io.offset += n;
    }
}

static void OutSink(const char *bytes, uint32_t n, void *context)
{
    OutputBytes(context, bytes, n);
}

// A NUL-terminated text of at most capacity - 1 bytes; the rest is cut.
typedef struct Text {
    char *bytes;
    uint32_t length, capacity;
} Text;

static void TextSink(const char *bytes, uint32_t n, void *context)
{
    Text *t = context;
    uint32_t room = t->capacity - 1 - t->length;

    n = n < room ? n : room;
    memcpy(t->bytes + t->length, bytes, n);
    t->length += n;
    t->bytes[t->length] = 0;
}

// --- columns ----------------------------------------------------------------

typedef struct Field {
    const char *text;
    uint32_t length;
} Field;

typedef struct Table {
    int columns;
    uint32_t widths[TABLE_COLUMNS];
} Table;

// Split the line at s (ending at '\n' or NUL) at spaces into at most
// columns fields, the last taking the rest. Returns the next line.
static const char *SplitLine(const char *s, int columns, Field *fields, int *count)
{
    int n = 0;

    while (*s == ' ')
        s++;
    while (*s && *s != '\n') {
        const char *start = s;
        while (*s && *s != '\n' && (*s != ' ' || n == columns - 1))
            s++;
        fields[n++] = (Field){ start, (uint32_t)(s - start) };
        while (*s == ' ')
            s++;
    }
    *count = n;
    return *s == '\n' ? s + 1 : s;
}

static void ForEachRow(Table *t, const char *text,
                       void (*visit)(Table *t, const Field *fields, int count))
{
    Field fields[TABLE_COLUMNS];
    int count;

    while (*text) {
        text = SplitLine(text, t->columns, fields, &count);
        if (count > 0)
            visit(t, fields, count);
    }
}

static void Widen(Table *t, const Field *fields, int count)
{
    for (int i = 0; i < count; i++) {
        if (fields[i].length > t->widths[i])
            t->widths[i] = fields[i].length;
    }
}

static void PrintRow(Table *t, const Field *fields, int count)
{
    for (int i = 0; i < count; i++) {
        OutputBytes(out, fields[i].text, fields[i].length);
        if (i + 1 < count)
            OutSpaces(t->widths[i] - fields[i].length + 1);
    }
    Out("\n");
}

// Print header, then the lines of text, in aligned columns.
static void PrintTable(const char *header, int columns, const char *text)
{
    Table t = { columns, { 0 } };

    ForEachRow(&t, header, Widen);
    ForEachRow(&t, text, Widen);
    ForEachRow(&t, header, PrintRow);
    ForEachRow(&t, text, PrintRow);
}

// Read name (a text of lines) and print it as a table under header.
static void ShowTable(const char *cmd, const char *name, const char *header, int columns)
{
    static char text[MESSAGE_MAX_DATA + 1];
    Text t = { text, 0, sizeof(text) };
    int err;

    text[0] = 0;
    err = ReadAll(name, TextSink, &t);
    if (err)
        Fail(cmd, name, err);
    else
        PrintTable(header, columns, text);
}

// --- the environment ------------------------------------------------------------

// What programs the shell starts get as envp: NAME=VALUE strings, set
// with export, removed with unset, listed with env. The start values are
// defaults, since the shell itself is started with none.
#define ENV_MAX  32                 // variables (SYS_SPAWN's limit)
#define ENV_TEXT 256                // one NAME=VALUE with its NUL (SYS_SPAWN's limit)

static char envText[ENV_MAX][ENV_TEXT];
static const char *environment[ENV_MAX + 1];    // NULL-terminated
static int envCount;

// The index of variable name (its first n bytes), or -1.
static int EnvFind(const char *name, size_t n)
{
    for (int i = 0; i < envCount; i++)
        if (strncmp(environment[i], name, n) == 0 && environment[i][n] == '=')
            return i;
    return -1;
}

// Length of the NAME in text ([A-Za-z_][A-Za-z0-9_]*), 0 if it has none.
static size_t EnvName(const char *text)
{
    size_t n = 0;

    while ((text[n] >= 'A' && text[n] <= 'Z') || (text[n] >= 'a' && text[n] <= 'z') ||
           text[n] == '_' || (n > 0 && text[n] >= '0' && text[n] <= '9'))
        n++;
    return n;
}

// Set NAME=VALUE (text), replacing the old value. Returns NULL or why not.
static const char *EnvSet(const char *text)
{
    size_t n = EnvName(text), length = strlen(text);
    int i;

    if (n == 0 || text[n] != '=')
        return "not NAME=VALUE";
    if (length >= ENV_TEXT)
        return "too long";
    if ((i = EnvFind(text, n)) < 0) {
        if (envCount == ENV_MAX)
            return "the environment is full";
        i = envCount++;
    }
    memcpy(envText[i], text, length + 1);
    environment[i] = envText[i];
    environment[envCount] = NULL;
    return NULL;
}

// Remove variable name; nothing if it is not set.
static void EnvUnset(const char *name)
{
    int i = EnvFind(name, strlen(name));

    if (i < 0)
        return;
    envCount--;
    memcpy(envText[i], envText[envCount], ENV_TEXT);
    environment[envCount] = NULL;
}

static void EnvInit(void)
{
    environment[0] = NULL;
    EnvSet("PATH=/bin");
    EnvSet("HOME=/home");
    EnvSet("TERM=vt100");
}

static void CmdEnv(const CmdlineResult *c)
{
    (void)c;
    for (int i = 0; i < envCount; i++)
        Out("%s\n", environment[i]);
}

static void CmdExport(const CmdlineResult *c)
{
    const char *why;

    for (int i = 1; i < c->argc; i++)
        if ((why = EnvSet(c->argv[i])) != NULL)
            FailText("export", c->argv[i], why);
}

static void CmdUnset(const CmdlineResult *c)
{
    for (int i = 1; i < c->argc; i++)
        EnvUnset(c->argv[i]);
}

// --- programs ---------------------------------------------------------------

// Start path as a child with argv[1..argc) after it and the environment.
// Returns its pid or E_*.
static int Spawn(const char *path, int argc, char *const *argv)
{
    const char *args[CMDLINE_MAX_WORDS + 1];

    args[0] = path;
    for (int i = 1; i < argc; i++)
        args[i] = argv[i];
    args[argc] = NULL;
    OutputFlush(&console);
    return SysSpawnEnv(path, args, environment);
}

// Print [pid] for a background child, or wait for it and report how a
// failure ended ("cmd: label: exit code N"; no label: "cmd: exit code N").
static void Follow(const char *cmd, const char *label, int pid, int background)
{
    char reason[40];
    int status;

    if (background) {
        Out("[%d]\n", pid);
        return;
    }
    if (SysWait(pid, &status) != pid)
        return;
    if (WAIT_IF_EXITED(status) && WAIT_EXIT_CODE(status) == 0)
        return;
    if (WAIT_IF_EXITED(status))
        Format(reason, sizeof(reason), "exit code %d", WAIT_EXIT_CODE(status));
    else
        Format(reason, sizeof(reason), "killed by signal %d", WAIT_TERM_SIGNAL(status));
    FailText(cmd, label, reason);
}

// Collect every background child that has ended.
static void Reap(void)
{
    while (SysWaitOptions(-1, NULL, WAIT_NOHANG) > 0)
        ;
}

static int HasColon(const char *s)
{
    for (; *s; s++) {
        if (*s == ':')
            return 1;
    }
    return 0;
}

// A word that is no builtin: the program fs:root:bin/WORD, or WORD
// itself if it is a name (has a ':').
static void RunWord(const CmdlineResult *c)
{
    char path[CMDLINE_TEXT_MAX + sizeof(BIN_PREFIX)];
    const char *word = c->argv[0];
    int pid;

    if (HasColon(word))
        Format(path, sizeof(path), "%s", word);
    else
        Format(path, sizeof(path), "%s%s", BIN_PREFIX, word);
    pid = Spawn(path, c->argc, c->argv);
    if (pid == E_NOENT)
        FailText(word, NULL, "no such command");
    else if (pid < 0)
        Fail(word, NULL, pid);
    else
        Follow(word, NULL, pid, c->background);
}

// --- builtins ---------------------------------------------------------------

static void CmdRun(const CmdlineResult *c)
{
    int pid = Spawn(c->argv[1], c->argc - 1, c->argv + 1);

    if (pid < 0)
        Fail("run", c->argv[1], pid);
    else
        Follow("run", c->argv[1], pid, c->background);
}

static void CmdEcho(const CmdlineResult *c)
{
    for (int i = 1; i < c->argc; i++)
        Out("%s%s", i > 1 ? " " : "", c->argv[i]);
    Out("\n");
}

static void CmdCat(const CmdlineResult *c)
{
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

static void CmdLs(const CmdlineResult *c)
{
    const char *reason;

    if (c->argc == 1 && (reason = ListDirectory(DEFAULT_LIST)) != NULL)
        FailText("ls", DEFAULT_LIST, reason);
    for (int i = 1; i < c->argc; i++) {
        if (c->argc > 2)
            ListHeading(c->argv[i], i == 1);
        if ((reason = ListDirectory(c->argv[i])) != NULL)
            FailText("ls", c->argv[i], reason);
    }
}

// Send a type request with no payload to each name after the command;
// the error ok (if any) counts as success.
static void EachName(const CmdlineResult *c, uint32_t type, int ok)
{
    for (int i = 1; i < c->argc; i++) {
        int err = Call(c->argv[i], type, NULL, 0);
        if (err && err != ok)
            Fail(c->argv[0], c->argv[i], err);
    }
}

static void CmdRm(const CmdlineResult *c)    { EachName(c, MSG_DELETE, 0); }
static void CmdMkdir(const CmdlineResult *c) { EachName(c, MSG_MKDIR, 0); }
static void CmdRmdir(const CmdlineResult *c) { EachName(c, MSG_RMDIR, 0); }
static void CmdTouch(const CmdlineResult *c) { EachName(c, MSG_CREATE, E_EXIST); }

// Rewrite name through the longest alias of ns:alias that starts it, as
// the kernel does for every request (the new name of a rename is data,
// which the kernel does not rewrite). out has NS_NAME_MAX + 1 bytes.
// Returns 0 or E_NAMETOOLONG (name, or what it becomes, is too long).
static int ResolveAlias(const char *name, char *out)
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

static void CmdMv(const CmdlineResult *c)
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

static void CmdPs(const CmdlineResult *c)
{
    (void)c;
    ShowTable("ps", "proc:list:", "PID NAME STATE MODE PAGES", 5);
}

static void CmdNs(const CmdlineResult *c)
{
    (void)c;
    ShowTable("ns", "ns:list", "PREFIX PID OWNER", 3);
}

static void CmdKill(const CmdlineResult *c)
{
    for (int i = 1; i < c->argc; i++) {
        int pid, err;
        if (ParseInt(c->argv[i], &pid) != 0)
            FailText("kill", c->argv[i], "not a number");
        else if ((err = SysKill(pid)) != 0)
            Fail("kill", c->argv[i], err);
    }
}

// alias: list them; alias FROM TO: make FROM stand for TO.
static void CmdAlias(const CmdlineResult *c)
{
    char text[CMDLINE_TEXT_MAX];
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

static void CmdUnalias(const CmdlineResult *c)
{
    int err = Call("ns:alias", MSG_DELETE, c->argv[1], strlen(c->argv[1]));

    if (err)
        Fail("unalias", c->argv[1], err);
}

// --- mounted filesystems ----------------------------------------------------

// The FAT servers this shell started (mount), until umount or their exit.
typedef struct Mount {
    int pid;                    // 0: a free slot
    char block[NS_NAME_MAX + 1];
    char prefix[NS_NAME_MAX + 1];
} Mount;

static Mount mounts[MOUNTS_MAX];

// Whether prefix is served: its root answers MSG_STAT.
static int Served(const char *prefix)
{
    return Call(prefix, MSG_STAT, NULL, 0) == 0;
}

// Drop the mounts whose server has ended.
static void ForgetEnded(void)
{
    for (uint32_t i = 0; i < MOUNTS_MAX; i++)
        if (mounts[i].pid && SysWaitOptions(mounts[i].pid, NULL, WAIT_NOHANG) != 0)
            mounts[i].pid = 0;
}

static Mount *FindMount(const char *prefix)
{
    ForgetEnded();
    for (uint32_t i = 0; i < MOUNTS_MAX; i++)
        if (mounts[i].pid && strcmp(mounts[i].prefix, prefix) == 0)
            return &mounts[i];
    return NULL;
}

// Start the FAT server for block on prefix and wait until prefix answers
// or the server ends (it has printed why). Returns 0 or E_*.
static int MountStart(Mount *m, const char *block, const char *prefix)
{
    char *argv[3] = { FATFS, (char *)block, (char *)prefix };
    int pid = Spawn(FATFS, 3, argv), status;

    if (pid < 0)
        return pid;
    for (uint32_t waited = 0; waited < MOUNT_WAIT_MS; waited += MOUNT_POLL_MS) {
        if (SysWaitOptions(pid, &status, WAIT_NOHANG) == pid)
            return WAIT_IF_EXITED(status) ? E_INVAL : E_INTR;
        if (Served(prefix)) {
            m->pid = pid;
            Format(m->block, sizeof(m->block), "%s", block);
            Format(m->prefix, sizeof(m->prefix), "%s", prefix);
            return 0;
        }
        SysSleep(MOUNT_POLL_MS);
    }
    SysKill(pid);
    SysWait(pid, NULL);
    return E_TIMEDOUT;
}

static void CmdMount(const CmdlineResult *c)
{
    Mount *slot = NULL;
    int err;

    ForgetEnded();
    if (c->argc == 1) {
        for (uint32_t i = 0; i < MOUNTS_MAX; i++)
            if (mounts[i].pid)
                Out("%s on %s (fatfs, pid %d)\n", mounts[i].block, mounts[i].prefix, mounts[i].pid);
        return;
    }
    if (c->argc != 3) {
        FailText("mount", NULL, "usage: mount BLOCKNS FSPREFIX");
        return;
    }
    if (Served(c->argv[2])) {
        Fail("mount", c->argv[2], E_EXIST);
        return;
    }
    for (uint32_t i = 0; i < MOUNTS_MAX && !slot; i++)
        if (!mounts[i].pid)
            slot = &mounts[i];
    err = slot ? MountStart(slot, c->argv[1], c->argv[2]) : E_NOSPC;
    if (err == E_INVAL)
        FailText("mount", c->argv[1], "not mounted");
    else if (err)
        Fail("mount", c->argv[1], err);
}

// Unmount prefix and wait until it is no longer served. Returns 0 or E_*.
static int Unmount(const char *prefix)
{
    Mount *m = FindMount(prefix);
    int err = Call(prefix, MSG_UNMOUNT, NULL, 0);

    if (err)
        return err;
    if (m) {
        SysWait(m->pid, NULL);
        m->pid = 0;
    }
    for (uint32_t waited = 0; Served(prefix); waited += MOUNT_POLL_MS) {
        if (waited >= MOUNT_WAIT_MS)
            return E_TIMEDOUT;
        SysSleep(MOUNT_POLL_MS);
    }
    return 0;
}

static void CmdUmount(const CmdlineResult *c)
{
    int err = Unmount(c->argv[1]);

    if (err)
        Fail("umount", c->argv[1], err);
}

static void CmdSync(const CmdlineResult *c)
{
    int err;

    if (c->argc > 1) {
        if ((err = Call(c->argv[1], MSG_SYNC, NULL, 0)) != 0)
            Fail("sync", c->argv[1], err);
        return;
    }
    ForgetEnded();
    for (uint32_t i = 0; i < MOUNTS_MAX; i++)
        if (mounts[i].pid && (err = Call(mounts[i].prefix, MSG_SYNC, NULL, 0)) != 0)
            Fail("sync", mounts[i].prefix, err);
}

static void CmdPoweroff(const CmdlineResult *c)
{
    FsIo io = { 0, 0, 0 };
    int err;

    (void)c;
    ForgetEnded();
    for (uint32_t i = 0; i < MOUNTS_MAX; i++)
        if (mounts[i].pid && (err = Unmount(mounts[i].prefix)) != 0)
            Fail("umount", mounts[i].prefix, err);
    OutputFlush(&console);
    err = Call(POWEROFF, MSG_WRITE, &io, sizeof(io));
    if (!err)
        SysSleep(100);      // a server may answer just before the machine stops
    if (err)
        Fail("poweroff", NULL, err);
    else
        FailText("poweroff", NULL, "still running");
}

static void CmdExit(const CmdlineResult *c)
{
    int code = 0;

    if (c->argc > 1 && ParseInt(c->argv[1], &code) != 0) {
        FailText("exit", c->argv[1], "not a number");
        return;
    }
    OutputFlush(&console);
    SysExit(code);
}

static void CmdHelp(const CmdlineResult *c);

typedef struct Command {
    const char *name;
    void (*run)(const CmdlineResult *c);
    int minArgs, maxArgs;       // words after the name; maxArgs -1: any number
    const char *missing;        // the error when there are too few
    int program;                // starts a program: '&' applies, no redirection
    const char *usage, *help;
} Command;

static const Command commands[] = {
    { "alias", CmdAlias, 0, 2, NULL, 0,
      "alias [FROM TO]", "list the aliases, or make FROM stand for TO" },
    { "cat", CmdCat, 1, -1, "missing name", 0,
      "cat NS...", "print files" },
    { "echo", CmdEcho, 0, -1, NULL, 0,
      "echo TEXT...", "print TEXT" },
    { "env", CmdEnv, 0, 0, NULL, 0,
      "env", "list the environment programs get" },
    { "exit", CmdExit, 0, 1, NULL, 0,
      "exit [CODE]", "end the shell" },
    { "export", CmdExport, 1, -1, "missing NAME=VALUE", 0,
      "export NAME=VALUE...", "set environment variables" },
    { "help", CmdHelp, 0, 0, NULL, 0,
      "help", "list the commands" },
    { "kill", CmdKill, 1, -1, "missing pid", 0,
      "kill PID...", "end processes" },
    { "ls", CmdLs, 0, -1, NULL, 0,
      "ls [NS...]", "list directories (fs:root: by default)" },
    { "mkdir", CmdMkdir, 1, -1, "missing name", 0,
      "mkdir NS...", "make directories" },
    { "mount", CmdMount, 0, 2, NULL, 0,
      "mount [BLOCKNS FSPREFIX]", "serve a FAT volume as FSPREFIX, or list mounts" },
    { "mv", CmdMv, 2, 2, "missing name", 0,
      "mv FROM TO", "rename FROM to TO (same server)" },
    { "ns", CmdNs, 0, 0, NULL, 0,
      "ns", "list the served prefixes" },
    { "poweroff", CmdPoweroff, 0, 0, NULL, 0,
      "poweroff", "turn the machine off" },
    { "ps", CmdPs, 0, 0, NULL, 0,
      "ps", "list the processes" },
    { "rm", CmdRm, 1, -1, "missing name", 0,
      "rm NS...", "remove files" },
    { "rmdir", CmdRmdir, 1, -1, "missing name", 0,
      "rmdir NS...", "remove empty directories" },
    { "run", CmdRun, 1, -1, "missing name", 1,
      "run NS [ARGS...] [&]", "run a program, in the background with &" },
    { "sync", CmdSync, 0, 1, NULL, 0,
      "sync [FSPREFIX]", "write cached data of mounted filesystems to disk" },
    { "touch", CmdTouch, 1, -1, "missing name", 0,
      "touch NS...", "create empty files" },
    { "umount", CmdUmount, 1, 1, "missing name", 0,
      "umount FSPREFIX", "write out and stop a mounted filesystem" },
    { "unalias", CmdUnalias, 1, 1, "missing name", 0,
      "unalias FROM", "remove an alias" },
    { "unset", CmdUnset, 1, -1, "missing name", 0,
      "unset NAME...", "remove environment variables" },
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static void HelpLine(const char *usage, const char *help)
{
    uint32_t n = strlen(usage);

    Out("%s", usage);
    OutSpaces(n < HELP_WIDTH ? HELP_WIDTH - n : 1);
    Out("%s\n", help);
}

static void CmdHelp(const CmdlineResult *c)
{
    (void)c;
    for (uint32_t i = 0; i < COMMAND_COUNT; i++)
        HelpLine(commands[i].usage, commands[i].help);
    HelpLine("WORD [ARGS...] [&]", "run " BIN_PREFIX "WORD");
    HelpLine("CMD ... > NS, >> NS", "write (append) a builtin's output to NS");
}

// --- the loop ---------------------------------------------------------------

static const Command *FindCommand(const char *name)
{
    for (uint32_t i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    }
    return NULL;
}

// Check a command's word count and redirection. Returns 1 if it may run.
static int Allowed(const Command *cmd, const CmdlineResult *c)
{
    int words = c->argc - 1;

    if (words < cmd->minArgs)
        FailText(cmd->name, NULL, cmd->missing);
    else if (cmd->maxArgs >= 0 && words > cmd->maxArgs)
        FailText(cmd->name, NULL, "too many arguments");
    else if (cmd->program && c->redirect != CMDLINE_REDIRECT_NONE)
        FailText(cmd->name, NULL, "cannot redirect a program's output");
    else
        return 1;
    return 0;
}

// Run a builtin, with its output sent where the line redirects it.
static void RunBuiltin(const Command *cmd, const CmdlineResult *c)
{
    int append = c->redirect == CMDLINE_REDIRECT_APPEND;

    if (!Allowed(cmd, c))
        return;
    if (c->redirect != CMDLINE_REDIRECT_NONE && RedirectBegin(cmd->name, c->target, append) != 0)
        return;
    cmd->run(c);
    if (c->redirect != CMDLINE_REDIRECT_NONE)
        RedirectEnd(cmd->name);
}

// Parse and run one line (without its '\n').
static void RunLine(const char *line)
{
    static CmdlineResult c;
    const Command *cmd;

    if (CmdlineParse(line, &c) != 0) {
        FailText("shell", NULL, c.error);
    } else if (c.argc == 0) {
        if (c.redirect != CMDLINE_REDIRECT_NONE &&      // "> NS" alone empties NS
            RedirectBegin("shell", c.target, c.redirect == CMDLINE_REDIRECT_APPEND) == 0)
            RedirectEnd("shell");
    } else if ((cmd = FindCommand(c.argv[0])) != NULL) {
        RunBuiltin(cmd, &c);
    } else if (c.redirect != CMDLINE_REDIRECT_NONE) {
        FailText(c.argv[0], NULL, "cannot redirect a program's output");
    } else {
        RunWord(&c);
    }
}

// Read up to capacity bytes of input into buffer. Returns how many (0 at
// the end of input) or E_*.
static int ConsoleRead(char *buffer, uint32_t capacity)
{
    FsIo io = { 0, capacity, 0 };
    Message *reply = Request(CONSOLE, MSG_READ, &io, sizeof(io));
    int err = MessageError(reply);
    uint32_t n = err ? 0 : MessageDataLength(reply);

    n = n < capacity ? n : capacity;
    if (n > 0)
        memcpy(buffer, reply->data, n);
    FreeMessage(reply);
    return err ? err : (int)n;
}

// Read one line into line (LINE_READ_MAX + 1 bytes; the console's lines
// are shorter), NUL-terminated and without its line end. A busy console
// (E_AGAIN: too many readers waiting) is asked again. Returns 1, 0 at the
// end of input, or E_*.
static int ReadLine(char *line)
{
    int n;

    while ((n = ConsoleRead(line, LINE_READ_MAX)) == E_AGAIN)
        SysSleep(BUSY_RETRY_MS);
    if (n <= 0)
        return n;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        n--;
    line[n] = 0;
    return 1;
}

// Say on the debug console why the console cannot be used.
static void ConsoleFailed(int err)
{
    char text[64];
    int n = Format(text, sizeof(text), "shell: %s: %s\n", CONSOLE, ErrorText(err));

    SysDebugWrite(text, (uint32_t)n);
}

int main(int argc, char **argv, char **envp)
{
    static char line[LINE_READ_MAX + 1];
    int got;

    (void)argc; (void)argv; (void)envp;
    EnvInit();
    console.message = CreateMessage(MSG_WRITE, sizeof(FsIo) + FS_IO_MAX);
    redirect.message = CreateMessage(MSG_WRITE, sizeof(FsIo) + FS_IO_MAX);
    if (!console.message || !redirect.message) {
        ConsoleFailed(E_NOMEM);
        return 1;
    }
    for (;;) {
        Reap();
        OutputBytes(&console, PROMPT, sizeof(PROMPT) - 1);
        OutputFlush(&console);
        if ((got = ReadLine(line)) <= 0)
            break;
        RunLine(line);
        OutputFlush(&console);
    }
    if (got < 0) {
        ConsoleFailed(got);
        return 1;
    }
    OutputBytes(&console, "\n", 1);     // the end of input: end the prompt's line
    CmdPoweroff(NULL);
    OutputFlush(&console);
    return 0;
}
