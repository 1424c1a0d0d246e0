// The native system-call dispatcher (kernel/syscall.c).
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <arch/x86/trap.h>

// Run the call in frame->eax with the arguments in the frame; the result
// goes back in frame->eax.
void SyscallDispatch(TrapFrame *frame);

#endif
