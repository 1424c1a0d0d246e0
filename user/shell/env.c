// The environment: what programs the shell starts get as envp: NAME=VALUE strings, set
// with export, removed with unset, listed with env. The start values are
// defaults, since the shell itself is started with none.
#include "shell.h"

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

void EnvInit(void)
{
    environment[0] = NULL;
    EnvSet("PATH=/bin");
    EnvSet("HOME=/home");
    EnvSet("TERM=vt100");
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
    for (int i = 1; i < c->argc; i++)
        EnvUnset(c->argv[i]);
}

