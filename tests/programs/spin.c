// spin: burns CPU without a single system call inside the loop, to test
// preemption of user code. "spin" loops forever; "spin N" runs N million
// iterations and exits 0. A bad N prints the usage and exits 2.
#include <lib/user.h>

int main(int argc, char **argv, char **envp)
{
    volatile uint32_t counter = 0;
    int millions;

    (void)envp;
    if (argc < 2) {
        for (;;)
            counter++;
    }
    if (ParseInt(argv[1], &millions) != 0 || millions < 0) {
        Print("usage: spin [MILLIONS]\n");
        return 2;
    }
    for (int m = 0; m < millions; m++) {
        for (counter = 0; counter < 1000000; counter++)
            ;
    }
    return 0;
}
