// A kernel-mode program that states no KernelApi version: the loader
// must refuse it (tests/kernel/test_kapi.c).
#include <clanker/kernelapi.h>

int main(const KernelApi *api, int argc, char **argv)
{
    (void)argc; (void)argv;
    api->Print("kapinone: ran, but should not have\n");
    return 0;
}
