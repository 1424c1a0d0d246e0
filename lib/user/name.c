// NameResolve: a name relative to the caller's working directory
// (include/lib/user.h), through lib/name.c's NameJoin.
#include <lib/name.h>
#include <lib/user.h>

int NameResolve(const char *name, char *out, uint32_t capacity)
{
    const ProcessContext *c = ContextSelf();
    int n = NameJoin(c ? c->cwd : "fs:root:", name, out, capacity);

    return n == NAME_E_LONG ? E_NAMETOOLONG : n < 0 ? E_INVAL : 0;
}
