// The builtins: one line each, with its word counts and help text.
#include "shell.h"

#define HELP_WIDTH    26        // the usage column of `help`

void CmdExit(const Args *c)
{
    int code = 0;

    if (c->argc > 1 && ParseInt(c->argv[1], &code) != 0) {
        FailText("exit", c->argv[1], "not a number");
        return;
    }
    OutputFlush(&console);
    SysExit(code);
}

static void CmdHelp(const Args *c);

const Command commands[] = {
    { "alias", CmdAlias, 0, 2, NULL, 0,
      "alias [FROM TO]", "list the aliases, or make FROM stand for TO", 0 },
    { "cat", CmdCat, 0, -1, NULL, 0,
      "cat [NS...]", "print files, or standard input", 1 },
    { "cd", CmdCd, 0, 1, NULL, 0,
      "cd [DIR]", "change the working directory (home:/ by default)", 0 },
    { "echo", CmdEcho, 0, -1, NULL, 0,
      "echo TEXT...", "print TEXT", 0 },
    { "env", CmdEnv, 0, 0, NULL, 0,
      "env", "list the environment programs get", 0 },
    { "exit", CmdExit, 0, 1, NULL, 0,
      "exit [CODE]", "end the shell", 0 },
    { "export", CmdExport, 1, -1, "missing NAME=VALUE", 0,
      "export NAME=VALUE...", "set environment variables", 0 },
    { "help", CmdHelp, 0, 0, NULL, 0,
      "help", "list the commands", 0 },
    { "jobs", CmdJobs, 0, 0, NULL, 0,
      "jobs", "list the background jobs", 0 },
    { "kill", CmdKill, 1, -1, "missing pid", 0,
      "kill PID...", "end processes", 0 },
    { "ls", CmdLs, 0, -1, NULL, 0,
      "ls [NS...]", "list directories (the working directory by default)", 1 },
    { "mkdir", CmdMkdir, 1, -1, "missing name", 0,
      "mkdir NS...", "make directories", 1 },
    { "mount", CmdMount, 0, 2, NULL, 0,
      "mount [BLOCKNS FSPREFIX]", "serve a FAT volume as FSPREFIX, or list mounts", 0 },
    { "mv", CmdMv, 2, 2, "missing name", 0,
      "mv FROM TO", "rename FROM to TO (same server)", 1 },
    { "ns", CmdNs, 0, 0, NULL, 0,
      "ns", "list the served prefixes", 0 },
    { "poweroff", CmdPoweroff, 0, 0, NULL, 0,
      "poweroff", "turn the machine off", 0 },
    { "pwd", CmdPwd, 0, 0, NULL, 0,
      "pwd", "print the working directory", 0 },
    { "ps", CmdPs, 0, 0, NULL, 0,
      "ps", "list the processes", 0 },
    { "rm", CmdRm, 1, -1, "missing name", 0,
      "rm NS...", "remove files", 1 },
    { "rmdir", CmdRmdir, 1, -1, "missing name", 0,
      "rmdir NS...", "remove empty directories", 1 },
    { "run", CmdRun, 1, -1, "missing name", 1,
      "run NS [ARGS...] [&]", "run a program, in the background with &", 0 },
    { "set", CmdSet, 0, 0, NULL, 0,
      "set", "list the shell's variables (NAME=VALUE sets one)", 0 },
    { "sync", CmdSync, 0, 1, NULL, 0,
      "sync [FSPREFIX]", "write cached data of mounted filesystems to disk", 0 },
    { "touch", CmdTouch, 1, -1, "missing name", 0,
      "touch NS...", "create empty files", 1 },
    { "umount", CmdUmount, 1, 1, "missing name", 0,
      "umount FSPREFIX", "write out and stop a mounted filesystem", 0 },
    { "unalias", CmdUnalias, 1, 1, "missing name", 0,
      "unalias FROM", "remove an alias", 0 },
    { "unset", CmdUnset, 1, -1, "missing name", 0,
      "unset NAME...", "remove variables", 0 },
    { "wait", CmdWait, 0, -1, NULL, 0,
      "wait [PID|%N...]", "wait for background jobs", 0 },
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))
const uint32_t commandCount = COMMAND_COUNT;

static void HelpLine(const char *usage, const char *help)
{
    uint32_t n = strlen(usage);

    Out("%s", usage);
    OutSpaces(n < HELP_WIDTH ? HELP_WIDTH - n : 1);
    Out("%s\n", help);
}

static void CmdHelp(const Args *c)
{
    (void)c;
    for (uint32_t i = 0; i < COMMAND_COUNT; i++)
        HelpLine(commands[i].usage, commands[i].help);
    HelpLine("WORD [ARGS...]", "run WORD from PATH (" BIN_PREFIX ")");
    HelpLine("A | B, A && B, A || B, A; B", "pipelines and lists");
    HelpLine("CMD &", "run in the background");
    HelpLine("CMD < NS, > NS, >> NS", "read from NS, write (append) to NS");
    HelpLine("$NAME, ${NAME}, $?", "variables, the last status");
}

// The builtin called name, or NULL.
const Command *FindCommand(const char *name)
{
    for (uint32_t i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    }
    return NULL;
}

