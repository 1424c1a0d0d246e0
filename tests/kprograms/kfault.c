// A kernel-mode program that faults in its own code: argv[1] picks how.
// The kernel must kill only this program and run on.
#include <clanker/kernelapi.h>

static volatile uint32_t nullAddress;

int main(const KernelApi *api, int argc, char **argv)
{
    if (argc < 2)
        return 2;
    api->Print("kfault: about to fault (%s)\n", argv[1]);
    if (argv[1][0] == 'n')                      // null: read page 0
        return (int)*(volatile uint32_t *)nullAddress;
    if (argv[1][0] == 'u')                      // ud2
        __asm__ volatile("ud2");
    if (argv[1][0] == 'f')                      // free a block it never got
        api->kfree((void *)0x12345670);
    api->Print("kfault: survived\n");
    return 1;
}
