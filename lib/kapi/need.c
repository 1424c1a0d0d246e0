// The KernelApi version this program was built for, which the loader
// checks (include/clanker/kernelapi.h). Every kernel-mode program links it.
#include <clanker/kernelapi.h>

KERNEL_API_NEEDS(KERNEL_API_VERSION);
