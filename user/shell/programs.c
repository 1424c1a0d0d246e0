// Programs: starting them, waiting for them, and the builtins that
// manage processes.
//
// `run NS ARGS` and a bare word that is no builtin (WORD runs
// fs:root:bin/WORD) are started with SysSpawn and waited for; a non-zero
// exit or a kill is reported. With '&' the shell prints [PID] and goes
// on; such children are collected with SysWaitOptions(WAIT_NOHANG) before
// each prompt.
#include "shell.h"


// Start path as a child with argv[1..argc) after it and the environment.
// Returns its pid or E_*.
int Spawn(const char *path, int argc, char *const *argv)
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
void Follow(const char *cmd, const char *label, int pid, int background)
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
void Reap(void)
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
void RunWord(const Args *c)
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


void CmdRun(const Args *c)
{
    int pid = Spawn(c->argv[1], c->argc - 1, c->argv + 1);

    if (pid < 0)
        Fail("run", c->argv[1], pid);
    else
        Follow("run", c->argv[1], pid, c->background);
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

