// Variables: the environment and the shell's own.
//
// The environment is what programs the shell starts get as envp:
// NAME=VALUE strings, set with export, removed with unset, listed with
// env. The shell's own variables are set by a command that is just
// NAME=VALUE, listed with set, and seen only by $NAME; PATH among them
// is where bare command names are looked for (programs.c), so the
// environment's PATH can stay the POSIX one Linux programs expect
// ("/bin"). $NAME looks at the shell's variables first, then the
// environment; $? is the last status and $$ the shell's pid. A shell
// started with an environment (a builtin in a pipeline) takes it; the
// first shell, started with none, begins with the defaults.
#include "shell.h"

#define VARS_MAX 32

static char varText[VARS_MAX][256];         // NAME=VALUE
static int varCount;

#define ENV_TEXT 256                // one NAME=VALUE with its NUL (SYS_SPAWN's limit)

static char envText[ENV_MAX][ENV_TEXT];
const char *environment[ENV_MAX + 1];    // NULL-terminated
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

static int VarStore(const char *text, int exported);

void EnvInit(char **envp)
{
    environment[0] = NULL;
    if (envp && envp[0]) {
        for (int i = 0; envp[i]; i++)
            EnvSet(envp[i]);
    } else {
        EnvSet("PATH=/bin");
        EnvSet("HOME=/home");
        EnvSet("TERM=vt100");
    }
    VarStore("PATH=" BIN_PREFIX, 0);
}

// The value after "NAME=" in text if text's name is name[0..length).
static const char *ValueIn(const char *text, const char *name, size_t length)
{
    return strncmp(text, name, length) == 0 && text[length] == '=' ? text + length + 1 : NULL;
}

const char *VarGet(const char *name, size_t length)
{
    static char number[16];
    const char *value;

    if (length == 1 && (name[0] == '?' || name[0] == '$')) {
        Format(number, sizeof(number), "%d", name[0] == '?' ? lastStatus : SysGetPid());
        return number;
    }
    for (int i = 0; i < varCount; i++)
        if ((value = ValueIn(varText[i], name, length)) != NULL)
            return value;
    for (int i = 0; i < envCount; i++)
        if ((value = ValueIn(environment[i], name, length)) != NULL)
            return value;
    return NULL;
}

// Set the shell variable of text (NAME=VALUE), and the environment's
// when exported is set and NAME is in it. Returns 1 if text is an
// assignment, else 0.
static int VarStore(const char *text, int exported)
{
    size_t n = EnvName(text), length = strlen(text);
    int i;

    if (n == 0 || text[n] != '=')
        return 0;
    if (length >= sizeof(varText[0])) {
        FailText("shell", NULL, "variable too long");
        return 1;
    }
    for (i = 0; i < varCount && !ValueIn(varText[i], text, n); i++)
        ;
    if (i == varCount && varCount == VARS_MAX) {
        FailText("shell", NULL, "too many variables");
        return 1;
    }
    if (i == varCount)
        varCount++;
    memcpy(varText[i], text, length + 1);
    if (exported && EnvFind(text, n) >= 0)
        EnvSet(text);
    return 1;
}

// NAME=VALUE as a command: set the shell variable (and the environment's,
// if NAME is exported). Returns 1 if text is an assignment, else 0.
int VarAssign(const char *text)
{
    return VarStore(text, 1);
}

void CmdSet(const Args *c)
{
    (void)c;
    for (int i = 0; i < varCount; i++)
        Out("%s\n", varText[i]);
}

void CmdEnv(const Args *c)
{
    (void)c;
    for (int i = 0; i < envCount; i++)
        Out("%s\n", environment[i]);
}

void CmdExport(const Args *c)
{
    const char *why;

    for (int i = 1; i < c->argc; i++)
        if ((why = EnvSet(c->argv[i])) != NULL)
            FailText("export", c->argv[i], why);
}

void CmdUnset(const Args *c)
{
    for (int i = 1; i < c->argc; i++) {
        size_t n = strlen(c->argv[i]);
        EnvUnset(c->argv[i]);
        for (int v = 0; v < varCount; v++)
            if (ValueIn(varText[v], c->argv[i], n)) {
                memcpy(varText[v], varText[--varCount], sizeof(varText[0]));
                break;
            }
    }
}

