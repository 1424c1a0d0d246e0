// hello: greets from user mode with its pid and argument count, prints
// each argument on its own line, and exits 0.
#include <lib/user.h>

int main(int argc, char **argv, char **envp)
{
    (void)envp;
    Print("Hello from user mode! pid %d, argc %d\n", SysGetPid(), argc);
    for (int i = 0; i < argc; i++)
        Print("argv[%d] = %s\n", i, argv[i]);
    return 0;
}
