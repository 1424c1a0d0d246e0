// The shell's parts (user/shell/*.c) and what they share.
//
// main.c      the loop: prompt, read a line (raw console, the editor), run it
// run.c       a parsed line: expansion, && || ;, pipelines on pipe:
// jobs.c      foreground and background jobs (jobs, wait, ^C's foreground)
// cwd.c       the working directory (cd, pwd), names relative to it, PATH
// complete.c  Tab: command names and namespace names, asking the servers
// output.c    Output: where builtins print; error lines; > and >>
// request.c   one request to a name; reading a whole object
// columns.c   aligned tables (ps, ns)
// env.c       the environment programs get (env, export, unset)
// programs.c  starting and waiting for programs (run, WORD, ps, kill)
// files.c     filesystem builtins (echo, cat, ls, rm, mkdir, rmdir, touch, mv)
// names.c     namespace builtins (ns, alias, unalias)
// mount.c     FAT volumes (mount, umount, sync, poweroff)
// table.c     the builtin table, help, exit
//
// Every builtin is a `void CmdNAME(const Args *c)` listed in table.c; it
// prints through Out() and reports failures with Fail()/FailText().
#ifndef USER_SHELL_H
#define USER_SHELL_H

#include <stdarg.h>
#include <clanker/fs.h>
#include <clanker/console.h>
#include <clanker/context.h>
#include <lib/errortext.h>
#include <lib/name.h>
#include <lib/shelledit.h>
#include <lib/shellparse.h>
#include <lib/format.h>
#include <lib/string.h>
#include <lib/user.h>

#define CONSOLE       "console:"
extern const char *consoleName;     // CONSOLE or the terminal standard input is (main.c)
#define BIN_PREFIX    "fs:root:bin/"
#define SHELL_PROGRAM "fs:root:bin/shell"  // itself, for builtins in a pipeline
#define BUILTIN_FLAG  "--builtin"          // shell --builtin NAME ARGS: run one builtin
#define PROMPT        "clanker> "
#define WORDS_MAX     SHELL_WORDS_MAX       // words of one command
#define ENV_MAX       32                    // variables (SYS_SPAWN's limit)
#define TEXT_MAX      SHELL_LINE_MAX      // bytes of one command's words
#define NAME_MAX      CONTEXT_NAME_MAX      // bytes of a resolved name

// One command's words, as a builtin or a program gets them.
typedef struct Args {
    int argc;
    char **argv;                // argv[argc] is NULL
    int background;             // the command ended in '&'
    const char *input;          // a builtin's standard input ('<'); NULL: the shell's
} Args;

// The status of the last command ($?), and whether the running builtin
// reported a failure (Fail, FailText set it).
extern int lastStatus;
extern int builtinFailed;

// --- output.c ----------------------------------------------------------------

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

extern Output console;
extern Output *out;             // where builtins print

int OutputInit(void);
void OutputFlush(Output *o);
void OutputBytes(Output *o, const char *bytes, uint32_t n);
void Out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void OutSpaces(uint32_t n);
void FailText(const char *cmd, const char *name, const char *text);
void Fail(const char *cmd, const char *name, int err);
int RedirectBegin(const char *cmd, const char *target, int append);
void RedirectEnd(const char *cmd);

// --- request.c ---------------------------------------------------------------

typedef void (*ReadSink)(const char *bytes, uint32_t n, void *context);

// A NUL-terminated text of at most capacity - 1 bytes; the rest is cut.
typedef struct Text {
    char *bytes;
    uint32_t length, capacity;
} Text;

Message *Request(const char *name, uint32_t type, const void *payload, uint32_t length);
int Call(const char *name, uint32_t type, const void *payload, uint32_t length);
int ReadAll(const char *name, ReadSink sink, void *context);
void OutSink(const char *bytes, uint32_t n, void *context);     // context: an Output
void TextSink(const char *bytes, uint32_t n, void *context);    // context: a Text

// --- columns.c ---------------------------------------------------------------

void ShowTable(const char *cmd, const char *name, const char *header, int columns);

// --- env.c -------------------------------------------------------------------

extern const char *environment[];
void EnvInit(char **envp);
const char *VarGet(const char *name, size_t length);
int VarAssign(const char *text);
void CmdSet(const Args *c);
void CmdEnv(const Args *c);
void CmdExport(const Args *c);
void CmdUnset(const Args *c);

// --- programs.c --------------------------------------------------------------

int Spawn(const char *path, int argc, char *const *argv);
int SpawnWith(const char *path, char *const *argv, const ProcessContext *context);
int StatusOf(const char *cmd, const char *label, int waitStatus);
int FindProgram(const char *word, char *path, uint32_t capacity);
void CmdRun(const Args *c);
void CmdPs(const Args *c);
void CmdKill(const Args *c);

// --- run.c -------------------------------------------------------------------

void RunLine(const char *line);
int RunBuiltinMode(int argc, char **argv);

// --- jobs.c ------------------------------------------------------------------

#define JOB_PIDS_MAX SHELL_COMMANDS_MAX

int JobsWaitForeground(const int *pids, const char *const *names, const char *const *labels,
                       int count);
void JobsStart(const int *pids, int count, const char *text);
void JobsReap(void);
void CmdJobs(const Args *c);
void CmdWait(const Args *c);
void ConsoleSetMode(uint32_t flags);

// --- cwd.c -------------------------------------------------------------------

extern char cwd[NAME_MAX];
void CwdInit(void);
int Resolve(const char *name, char *out);
void CmdCd(const Args *c);
void CmdPwd(const Args *c);

// --- complete.c --------------------------------------------------------------

void Complete(ShellEditor *e, int again);

// --- files.c -----------------------------------------------------------------

void CmdEcho(const Args *c);
void CmdCat(const Args *c);
void CmdLs(const Args *c);
void CmdRm(const Args *c);
void CmdMkdir(const Args *c);
void CmdRmdir(const Args *c);
void CmdTouch(const Args *c);
void CmdMv(const Args *c);

// --- names.c -----------------------------------------------------------------

int ResolveAlias(const char *name, char *out);
void CmdNs(const Args *c);
void CmdAlias(const Args *c);
void CmdUnalias(const Args *c);

// --- mount.c -----------------------------------------------------------------

void CmdMount(const Args *c);
void CmdUmount(const Args *c);
void CmdSync(const Args *c);
void CmdPoweroff(const Args *c);

// --- table.c -----------------------------------------------------------------

typedef struct Command {
    const char *name;
    void (*run)(const Args *c);
    int minArgs, maxArgs;       // words after the name; maxArgs -1: any number
    const char *missing;        // the error when there are too few
    int program;                // starts a program: '&' applies, no redirection
    const char *usage, *help;
    int names;                  // its words are names: resolved against the cwd
} Command;

extern const Command commands[];
extern const uint32_t commandCount;

const Command *FindCommand(const char *name);
void CmdExit(const Args *c);

#endif
