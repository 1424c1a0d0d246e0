// The server skeleton's port for the kernel's service threads
// (kernel/services/port.c; include/lib/server.h).
#ifndef KERNEL_SERVICES_PORT_H
#define KERNEL_SERVICES_PORT_H

#include <lib/server.h>

extern const ServerPort serverPortKernel;

#endif
