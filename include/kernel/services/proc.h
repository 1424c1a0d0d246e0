// The proc: server (kernel/services/proc.c).
#ifndef SERVERS_PROC_H
#define SERVERS_PROC_H

#define PROC_PREFIX "proc:"

// Start the server thread. Returns 0 or E_NOMEM.
int ProcServerStart(void);

#endif
