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

static void CmdHelp(const Args *c)
{
    (void)c;
    for (uint32_t i = 0; i < COMMAND_COUNT; i++)
        HelpLine(commands[i].usage, commands[i].help);
    HelpLine("WORD [ARGS...] [&]", "run " BIN_PREFIX "WORD");
    HelpLine("CMD ... > NS, >> NS", "write (append) a builtin's output to NS");
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

