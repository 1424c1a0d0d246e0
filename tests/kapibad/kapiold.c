// A kernel-mode program built for a KernelApi version this kernel does
// not have: the loader must refuse it (tests/kernel/test_kapi.c).
#include <clanker/kernelapi.h>

KERNEL_API_NEEDS(KERNEL_API_VERSION + 1);

int main(const KernelApi *api, int argc, char **argv)
{
    (void)argc; (void)argv;
    api->Print("kapiold: ran, but should not have\n");
    return 0;
}
