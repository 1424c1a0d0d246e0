// Non-local jumps inside the kernel (arch/x86/jump.S).
//
// Used to recover from an expected fault or panic in tests: ArchSetJump
// returns 0 when called and the value passed to ArchLongJump (never 0)
// when jumped to. Restores eflags, so interrupts come back as they were.
#ifndef ARCH_X86_JUMP_H
#define ARCH_X86_JUMP_H

#include <stdint.h>

typedef struct JumpBuffer {
    uint32_t ebx, esi, edi, ebp, esp, eip, eflags;
} JumpBuffer;

int ArchSetJump(JumpBuffer *buffer) __attribute__((returns_twice));
void ArchLongJump(JumpBuffer *buffer, int value) __attribute__((noreturn));

#endif
