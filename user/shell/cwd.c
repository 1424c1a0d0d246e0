// The working directory: cd, pwd, and names relative to it.
//
// cwd is a name that ends in ':' or '/' ("fs:root:", "fs:temp:work/").
// Every builtin that takes names resolves them against it (Resolve, with
// lib/name.c's NameJoin), and so do program names with a '/'. The kernel
// keeps a copy in the shell's context (SysContextSet), so programs the
// shell starts begin there (a POSIX program's getcwd sees it) and
// proc:PID:cwd shows it. cd checks with MSG_STAT that the target is a
// directory; an alias ("home:/") is rewritten to what it stands for, so
// cwd always names the server itself.
#include "shell.h"

#define HOME "home:/"

char cwd[NAME_MAX] = "fs:root:";
static char previous[NAME_MAX] = "fs:root:";

// Take the working directory from the context the shell was started with.
void CwdInit(void)
{
    const ProcessContext *c = ContextSelf();
    size_t n = c ? strnlen(c->cwd, NAME_MAX) : 0;

    if (n > 0 && n < NAME_MAX && NameIsAbsolute(c->cwd) &&
        (c->cwd[n - 1] == ':' || c->cwd[n - 1] == '/'))
        memcpy(cwd, c->cwd, n + 1);
}

// An absolute name is left as it is (its server judges it); a relative
// one is joined to cwd.
int Resolve(const char *name, char *out)
{
    int n;

    if (NameIsAbsolute(name)) {
        n = Format(out, NAME_MAX, "%s", name);
        return n < NAME_MAX ? 0 : E_NAMETOOLONG;
    }
    n = NameJoin(cwd, name, out, NAME_MAX);

    return n == NAME_E_LONG ? E_NAMETOOLONG : n < 0 ? E_INVAL : 0;
}

// Make dir the working directory, here and in the kernel's context.
static void CwdSet(const char *dir)
{
    const ProcessContext *self = ContextSelf();
    ProcessContext c;

    memcpy(previous, cwd, NAME_MAX);
    Format(cwd, sizeof(cwd), "%s", dir);
    if (self) {
        c = *self;
        memcpy(c.cwd, cwd, NAME_MAX);
        SysContextSet(&c);
    }
}

// The directory name: aliases rewritten, a '/' added when it ends in
// neither ':' nor '/'. Returns 0 or E_*.
static int Directory(const char *name, char *out)
{
    char resolved[NAME_MAX], real[NS_NAME_MAX + 1];
    FsStat st;
    Message *reply;
    int err, n;

    if ((n = NameJoin(cwd, name, resolved, sizeof(resolved))) < 0)
        return n == NAME_E_LONG ? E_NAMETOOLONG : E_INVAL;
    if ((err = ResolveAlias(resolved, real)) != 0)
        return err;
    reply = Request(real, MSG_STAT, NULL, 0);
    err = MessageError(reply);
    if (!err && MessageDataLength(reply) >= sizeof(st))
        memcpy(&st, reply->data, sizeof(st));
    else if (!err)
        err = E_INVAL;
    FreeMessage(reply);
    if (!err && st.type != FS_TYPE_DIR)
        err = E_NOTDIR;
    if (err)
        return err;
    n = (int)strlen(real);
    if (n + 2 > NAME_MAX)
        return E_NAMETOOLONG;
    if (real[n - 1] != ':' && real[n - 1] != '/')
        real[n++] = '/', real[n] = 0;
    memcpy(out, real, n + 1);
    return 0;
}

// cd [DIR]: DIR, "-" for the one before, none for home:/.
void CmdCd(const Args *c)
{
    const char *target = c->argc > 1 ? c->argv[1] : HOME;
    char dir[NAME_MAX];
    int err;

    if (strcmp(target, "-") == 0)
        target = previous;
    if ((err = Directory(target, dir)) != 0) {
        Fail("cd", target, err);
        return;
    }
    CwdSet(dir);
}

void CmdPwd(const Args *c)
{
    (void)c;
    Out("%s\n", cwd);
}
