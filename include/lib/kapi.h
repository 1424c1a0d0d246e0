// Support for kernel-mode programs (lib/kapi/): what they share beyond
// the KernelApi table itself.
#ifndef LIB_KAPI_H
#define LIB_KAPI_H

#include <clanker/kernelapi.h>
#include <lib/server.h>

// The server skeleton's port over api's IPC calls (lib/kapi/serverport.c).
ServerPort ServerPortKernelApi(const KernelApi *api);

#endif
