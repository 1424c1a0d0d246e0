// Running a line: expansion, lists, pipelines.
//
// RunLine parses the line (lib/shellparse.c) and runs its pipelines in
// order; `&&` runs the next one only after a success ($? 0), `||` only
// after a failure, `;` always, and `&` leaves the pipeline running. Each
// command's words are expanded just before it runs, so `false; echo $?`
// prints 1.
//
// A pipeline of one builtin runs inside the shell (cd and export must
// change the shell itself), its output going where `>`/`>>` say and its
// input ('<', for cat) a name. Anything else is a job of programs:
//
//   1. one pipe per '|': MSG_CREATE to "pipe:" gives "pipe:N", which the
//      shell holds both ends of;
//   2. each command is started suspended (SYS_SPAWN_CONTEXT) with a
//      context: the shell's cwd, stdin the pipe before it (or '<' NAME,
//      or the shell's), stdout the pipe after it (or '>' NAME, emptied
//      first, or '>>' NAME, or the shell's), stderr the shell's; a
//      builtin there runs in a second shell, `shell --builtin NAME ...`;
//   3. PIPE_MSG_GRANT gives each its ends, PIPE_MSG_RELEASE drops the
//      shell's, so a reader sees the end of file once its writers end;
//   4. SYS_RESUME starts them all, and the shell waits (jobs.c).
// A command that cannot start is reported and its neighbours still run:
// they see the end of file or E_PIPE, as they would if it had ended.
#include <clanker/pipe.h>
#include "shell.h"

#define WORD_TEXT 256               // bytes of one expanded word

// One command, expanded.
typedef struct Element {
    int argc;
    char *argv[WORDS_MAX + 3];      // room for "shell --builtin" in front
    char words[WORDS_MAX][WORD_TEXT];
    char input[NAME_MAX];           // '<' target resolved, or ""
    char output[NAME_MAX];          // '>' / '>>' target resolved, or ""
    ShellOutput outputKind;
    const Command *builtin;         // NULL: a program
    char label[WORD_TEXT];          // the command word as typed, for messages
    const char *name;               // run NAME: NAME, for messages
} Element;

int lastStatus;
int builtinFailed;

static const char *Lookup(const char *name, size_t length, void *context)
{
    (void)context;
    return VarGet(name, length);
}

// Expand word into out (WORD_TEXT bytes). Returns 1 to keep it, 0 to
// drop it, or E_* (reported).
static int ExpandWord(const ShellScript *s, ShellWord w, char *out)
{
    int keep;

    if (ShellExpand(s, w, Lookup, NULL, out, WORD_TEXT, &keep) < 0) {
        FailText("shell", NULL, "argument too long");
        return E_NAMETOOLONG;
    }
    return keep;
}

// A redirection target, expanded and resolved into out. Returns 0 or E_*.
static int ExpandTarget(const ShellScript *s, ShellWord w, char *out)
{
    char word[WORD_TEXT];
    int err = ExpandWord(s, w, word);

    if (err < 0)
        return err;
    if ((err = Resolve(word, out)) != 0)
        Fail("shell", word, err);
    return err;
}

// Expand command c into e. Returns 0 or E_* (reported).
static int Expand(const ShellScript *s, const ShellCommand *c, Element *e)
{
    int keep;

    memset(e, 0, sizeof(*e));
    for (int i = 0; i < c->argc; i++) {
        char *slot = e->words[e->argc];
        if ((keep = ExpandWord(s, c->argv[i], slot)) < 0)
            return keep;
        if (keep)
            e->argv[e->argc++] = slot;
    }
    e->argv[e->argc] = NULL;
    if (c->hasInput && (keep = ExpandTarget(s, c->input, e->input)) != 0)
        return keep;
    e->outputKind = c->output;
    if (c->output != SHELL_OUTPUT_NONE && (keep = ExpandTarget(s, c->target, e->output)) != 0)
        return keep;
    e->builtin = e->argc > 0 ? FindCommand(e->argv[0]) : NULL;
    if (e->argc > 0)
        Format(e->label, sizeof(e->label), "%s", e->argv[0]);
    return 0;
}

// Check a builtin's word count. Returns 1 if it may run.
static int Allowed(const Command *cmd, int argc)
{
    int words = argc - 1;

    if (words < cmd->minArgs)
        FailText(cmd->name, NULL, cmd->missing);
    else if (cmd->maxArgs >= 0 && words > cmd->maxArgs)
        FailText(cmd->name, NULL, "too many arguments");
    else
        return 1;
    return 0;
}

// Run builtin cmd with argv inside this shell, its output going to
// output (kind '>' or '>>', "" for the shell's). Returns its $?.
static int RunBuiltin(const Command *cmd, int argc, char **argv, const char *input,
                      const char *output, ShellOutput kind)
{
    static char names[WORDS_MAX][NAME_MAX];
    char *args[WORDS_MAX + 1];
    Args a = { argc, args, 0, input[0] ? input : NULL };

    builtinFailed = 0;
    if (!Allowed(cmd, argc))
        return 2;
    for (int i = 0; i < argc; i++) {
        args[i] = argv[i];
        if (i > 0 && cmd->names && Resolve(argv[i], names[i]) == 0)
            args[i] = names[i];
    }
    args[argc] = NULL;
    if (output[0] && RedirectBegin(cmd->name, output, kind == SHELL_OUTPUT_APPEND) != 0)
        return 1;
    cmd->run(&a);
    if (output[0])
        RedirectEnd(cmd->name);
    return builtinFailed ? (builtinFailed > 1 ? builtinFailed : 1) : 0;
}

// Empty name for '>', create it for '>>'. Returns 0 or E_* (reported).
static int PrepareOutput(const Element *e)
{
    if (!e->output[0])
        return 0;
    if (RedirectBegin(e->argc ? e->argv[0] : "shell", e->output,
                      e->outputKind == SHELL_OUTPUT_APPEND) != 0)
        return E_INVAL;
    RedirectEnd(e->argc ? e->argv[0] : "shell");
    return 0;
}

// Make a pipe into name (NAME_MAX bytes). Returns 0 or E_* (reported).
static int PipeCreate(char *name)
{
    Message *reply = Request(PIPE_PREFIX, MSG_CREATE, NULL, 0);
    int err = MessageError(reply);
    uint32_t n = err ? 0 : MessageDataLength(reply);

    if (!err && (n == 0 || n > NAME_MAX || reply->data[n - 1] != 0))
        err = E_INVAL;
    if (!err)
        memcpy(name, reply->data, n);
    FreeMessage(reply);
    if (err)
        Fail("shell", PIPE_PREFIX, err);
    return err;
}

static void PipeGive(const char *pipe, int pid, uint32_t ends)
{
    PipeGrant g = { (uint32_t)pid, ends };

    Call(pipe, PIPE_MSG_GRANT, &g, sizeof(g));
}

static void PipeRelease(const char *pipe)
{
    PipeEnds e = { PIPE_END_READ | PIPE_END_WRITE };

    Call(pipe, PIPE_MSG_RELEASE, &e, sizeof(e));
}

// Start element e (index i of count) suspended with its streams. Returns
// its pid, or E_* (reported).
static int StartElement(Element *e, const char *in, const char *out)
{
    const ProcessContext *self = ContextSelf();
    ProcessContext ctx;
    char path[NAME_MAX];
    char **argv = e->argv;
    const char *label = e->argv[0];
    int pid, err, isRun = 0;

    memset(&ctx, 0, sizeof(ctx));
    if (self)
        ctx = *self;
    memcpy(ctx.cwd, cwd, NAME_MAX);
    Format(ctx.stdio[0], NAME_MAX, "%s", e->input[0] ? e->input : in);
    Format(ctx.stdio[1], NAME_MAX, "%s", e->output[0] ? e->output : out);
    if ((err = PrepareOutput(e)) != 0)
        return err;
    if (e->builtin && e->builtin->program) {            // run NS ARGS
        if (!Allowed(e->builtin, e->argc) || (err = Resolve(e->argv[1], path)) != 0)
            return err ? (Fail("run", e->argv[1], err), err) : E_INVAL;
        argv = e->argv + 1;
        label = "run";
        isRun = 1;
        e->name = e->argv[1];
    } else if (e->builtin) {                            // shell --builtin NAME ...
        memmove(e->argv + 2, e->argv, sizeof(char *) * (e->argc + 1));
        e->argv[0] = SHELL_PROGRAM;
        e->argv[1] = BUILTIN_FLAG;
        Format(path, sizeof(path), "%s", SHELL_PROGRAM);
    } else if ((err = FindProgram(e->argv[0], path, sizeof(path))) != 0) {
        if (err == E_NOENT)
            FailText(e->argv[0], NULL, "no such command");
        else
            Fail(e->argv[0], NULL, err);
        return err;
    }
    if (!e->builtin)
        argv[0] = path;                 // a program's argv[0] is the name it was started by
    pid = SpawnWith(path, argv, &ctx);
    if (pid == E_NOENT && !isRun)
        FailText(label, NULL, "no such command");
    else if (pid < 0)
        Fail(label, isRun ? argv[0] : NULL, pid);
    return pid;
}

// The text of commands[first..first+count) for `jobs`.
static void JobText(const ShellScript *s, const ShellPipeline *p, char *text, uint32_t capacity)
{
    const ShellCommand *first = &s->commands[p->first], *last = &s->commands[p->first + p->count - 1];
    uint32_t start = first->argc ? first->argv[0].start : 0;
    uint32_t end = last->argc ? last->argv[last->argc - 1].start + last->argv[last->argc - 1].length
                              : start;
    uint32_t n = end > start ? end - start : 0;

    n = n < capacity - 1 ? n : capacity - 1;
    memcpy(text, s->line + start, n);
    text[n] = 0;
}

// Run pipeline p of s as programs (see the top). Returns its $?.
static int RunJob(const ShellScript *s, const ShellPipeline *p, Element *elements)
{
    static char pipes[SHELL_COMMANDS_MAX][NAME_MAX];
    const ProcessContext *self = ContextSelf();
    const char *shellIn = self ? self->stdio[0] : CONSOLE, *shellOut = self ? self->stdio[1] : CONSOLE;
    int pids[SHELL_COMMANDS_MAX], made = 0;
    const char *names[SHELL_COMMANDS_MAX], *labels[SHELL_COMMANDS_MAX];
    char text[64];

    for (; made < p->count - 1; made++)
        if (PipeCreate(pipes[made]) != 0)
            break;
    if (made < p->count - 1) {
        for (int i = 0; i < made; i++)
            PipeRelease(pipes[i]);
        return 1;
    }
    for (int i = 0; i < p->count; i++) {
        Element *e = &elements[i];
        pids[i] = StartElement(e, i > 0 ? pipes[i - 1] : shellIn,
                               i < p->count - 1 ? pipes[i] : shellOut);
        names[i] = e->label;
        labels[i] = e->name;
        if (pids[i] <= 0)
            continue;
        if (i > 0)
            PipeGive(pipes[i - 1], pids[i], PIPE_END_READ);
        if (i < p->count - 1)
            PipeGive(pipes[i], pids[i], PIPE_END_WRITE);
    }
    for (int i = 0; i < p->count - 1; i++)
        PipeRelease(pipes[i]);
    for (int i = 0; i < p->count; i++)
        if (pids[i] > 0)
            SysResume(pids[i]);
    if (p->join == SHELL_JOIN_BACKGROUND) {
        int started = 0;
        for (int i = 0; i < p->count; i++)
            started |= pids[i] > 0;
        if (!started)
            return 127;
        JobText(s, p, text, sizeof(text));
        JobsStart(pids, p->count, text);
        return 0;
    }
    return JobsWaitForeground(pids, names, labels, p->count);
}

// Run pipeline p. Returns its $?.
static int RunPipeline(const ShellScript *s, const ShellPipeline *p)
{
    static Element elements[SHELL_COMMANDS_MAX];

    for (int i = 0; i < p->count; i++)
        if (Expand(s, &s->commands[p->first + i], &elements[i]) != 0)
            return 1;
    if (p->count == 1 && elements[0].argc == 0)     // "> NS" alone empties NS
        return PrepareOutput(&elements[0]) ? 1 : 0;
    if (p->count == 1 && elements[0].argc == 1 && VarAssign(elements[0].argv[0]))
        return 0;
    for (int i = 0; i < p->count; i++)
        if (elements[i].argc == 0) {
            FailText("shell", NULL, "missing command");
            return 2;
        }
    if (p->count == 1 && elements[0].builtin && !elements[0].builtin->program) {
        Element *e = &elements[0];
        return RunBuiltin(e->builtin, e->argc, e->argv, e->input, e->output, e->outputKind);
    }
    return RunJob(s, p, elements);
}

void RunLine(const char *line)
{
    static ShellScript script;
    ShellJoin join = SHELL_JOIN_SEQUENCE;

    if (ShellParse(line, &script) != 0) {
        FailText("shell", NULL, script.error);
        lastStatus = 2;
        return;
    }
    for (int i = 0; i < script.pipelineCount; i++) {
        const ShellPipeline *p = &script.pipelines[i];
        int skip = (join == SHELL_JOIN_AND && lastStatus != 0) ||
                   (join == SHELL_JOIN_OR && lastStatus == 0);
        if (!skip)
            lastStatus = RunPipeline(&script, p);
        join = p->join;
        OutputFlush(&console);
    }
}

// shell --builtin NAME ARGS: run one builtin with this shell's context
// (a pipeline's element) and exit with its status.
int RunBuiltinMode(int argc, char **argv)
{
    const Command *cmd = argc > 0 ? FindCommand(argv[0]) : NULL;
    int status;

    if (!cmd) {
        FailText(argc > 0 ? argv[0] : "shell", NULL, "no such builtin");
        return 127;
    }
    status = RunBuiltin(cmd, argc, argv, "", "", SHELL_OUTPUT_NONE);
    OutputFlush(&console);
    return status;
}
