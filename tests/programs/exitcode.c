// exitcode: "exitcode N" exits with code N (the parent sees N & 0xff);
// exits 2 when N is missing or not a decimal number.
#include <lib/user.h>

int main(int argc, char **argv, char **envp)
{
    int code;

    (void)envp;
    if (argc < 2 || ParseInt(argv[1], &code) != 0)
        return 2;
    return code;
}
