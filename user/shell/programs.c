// Programs: finding them, starting them, and what their ends mean.
//
// A command word that is no builtin names a program (FindProgram): a
// name with a ':' is used as it is ("fs:temp:x", "posix:vfs:/bin/sh"),
// one with a '/' is relative to the working directory ("bin/hello",
// "../tools/x"), and a bare word is looked for in each entry of the
// shell variable PATH (entries separated by ';', default "fs:root:bin/")
// with a MSG_STAT, first match wins. Programs are started suspended, with
// the context a pipeline gives them, by run.c; a failure is reported as
// "cmd: exit code N" or "cmd: killed by signal N" and becomes $? (the
// code, or 128 + the signal).
#include "shell.h"

#define PATH_DEFAULT BIN_PREFIX

// Start path as a running child with argv[1..argc) after it, the
// environment and the shell's context (mount's servers). Returns its pid or E_*.
int Spawn(const char *path, int argc, char *const *argv)
{
    const char *args[WORDS_MAX + 2];

    if (argc > WORDS_MAX)
        return E_INVAL;
    args[0] = path;
    for (int i = 1; i < argc; i++)
        args[i] = argv[i];
    args[argc] = NULL;
    OutputFlush(&console);
    return SysSpawnEnv(path, args, environment);
}

// Start path suspended (SYS_RESUME starts it) with argv, the environment
// and context. Returns its pid or E_*.
int SpawnWith(const char *path, char *const *argv, const ProcessContext *context)
{
    SpawnRequest request = { (const char *const *)argv, environment, context, SPAWN_SUSPENDED };

    OutputFlush(&console);
    return SysSpawnContext(path, &request);
}

// $? for a child's wait status; a failure is reported ("cmd: label:
// exit code N"; no label: "cmd: exit code N").
int StatusOf(const char *cmd, const char *label, int waitStatus)
{
    char reason[40];

    if (WAIT_IF_EXITED(waitStatus) && WAIT_EXIT_CODE(waitStatus) == 0)
        return 0;
    if (WAIT_IF_EXITED(waitStatus))
        Format(reason, sizeof(reason), "exit code %d", WAIT_EXIT_CODE(waitStatus));
    else
        Format(reason, sizeof(reason), "killed by signal %d", WAIT_TERM_SIGNAL(waitStatus));
    FailText(cmd, label, reason);
    return WAIT_IF_EXITED(waitStatus) ? WAIT_EXIT_CODE(waitStatus)
                                      : 128 + WAIT_TERM_SIGNAL(waitStatus);
}

// Is name a file someone serves?
static int IsFile(const char *name)
{
    FsStat st;
    Message *reply = Request(name, MSG_STAT, NULL, 0);
    int ok = !MessageError(reply) && MessageDataLength(reply) >= sizeof(st);

    if (ok)
        memcpy(&st, reply->data, sizeof(st));
    FreeMessage(reply);
    return ok && st.type == FS_TYPE_FILE;
}

// The PATH entry at *list (up to ';') joined with word into path.
// Returns 1 if one was read (advancing *list), 0 at the end.
static int NextCandidate(const char **list, const char *word, char *path, uint32_t capacity)
{
    const char *entry = *list, *end;
    uint32_t n;

    while (*entry == ';' || *entry == ' ')
        entry++;
    if (!*entry)
        return 0;
    end = strchr(entry, ';');
    n = end ? (uint32_t)(end - entry) : (uint32_t)strlen(entry);
    *list = entry + n;
    if (n + strlen(word) + 2 > capacity)
        return NextCandidate(list, word, path, capacity);
    memcpy(path, entry, n);
    if (entry[n - 1] != ':' && entry[n - 1] != '/')
        path[n++] = '/';
    memcpy(path + n, word, strlen(word) + 1);
    return 1;
}

int FindProgram(const char *word, char *path, uint32_t capacity)
{
    const char *list = VarGet("PATH", 4);

    if (NameIsAbsolute(word) || strchr(word, '/'))
        return NameJoin(cwd, word, path, capacity) < 0 ? E_NAMETOOLONG : 0;
    if (!list)
        list = PATH_DEFAULT;
    while (NextCandidate(&list, word, path, capacity))
        if (IsFile(path))
            return 0;
    return E_NOENT;
}

// run NS ARGS, when run as a builtin (shell --builtin run ...): start it
// with the shell's context and wait.
void CmdRun(const Args *c)
{
    char path[NAME_MAX];
    int pid, status;

    if (Resolve(c->argv[1], path) != 0 || (pid = SpawnWith(path, c->argv + 1, NULL)) < 0) {
        Fail("run", c->argv[1], E_NOENT);
        return;
    }
    SysResume(pid);
    if (SysWait(pid, &status) == pid && StatusOf("run", c->argv[1], status) != 0)
        builtinFailed = 1;
}

void CmdPs(const Args *c)
{
    (void)c;
    ShowTable("ps", "proc:list:", "PID NAME STATE MODE PAGES", 5);
}

void CmdKill(const Args *c)
{
    for (int i = 1; i < c->argc; i++) {
        int pid, err;
        if (ParseInt(c->argv[i], &pid) != 0)
            FailText("kill", c->argv[i], "not a number");
        else if ((err = SysKill(pid)) != 0)
            Fail("kill", c->argv[i], err);
    }
}
