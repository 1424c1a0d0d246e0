// A kernel-mode program that registers the prefix in argv[1] (default
// "test:knohandler:") without a handler and hands itself to the
// KernelApi's IpcServe: every request must be answered E_NOSYS.
#include <clanker/kernelapi.h>

int main(const KernelApi *api, int argc, char **argv)
{
    const char *prefix = argc > 1 ? argv[1] : "test:knohandler:";
    int err = api->NamespaceRegister(prefix, 0);

    if (err) {
        api->Print("knohandler: cannot register %s: %d\n", prefix, err);
        return 1;
    }
    api->IpcServe();
    return 0;
}
