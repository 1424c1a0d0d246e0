// Non-local jumps inside the kernel (include/arch/x86/jump.h).
//
// JumpBuffer layout: ebx, esi, edi, ebp, esp, eip, eflags.

.section .text
.global ArchSetJump
ArchSetJump:
    mov 4(%esp), %eax
    mov %ebx, 0(%eax)
    mov %esi, 4(%eax)
    mov %edi, 8(%eax)
    mov %ebp, 12(%eax)
    lea 4(%esp), %ecx                   // esp after our return
    mov %ecx, 16(%eax)
    mov (%esp), %ecx                    // return address
    mov %ecx, 20(%eax)
    pushfl
    popl 24(%eax)
    xor %eax, %eax
    ret

.global ArchLongJump
ArchLongJump:
    mov 4(%esp), %edx
    mov 8(%esp), %eax
    test %eax, %eax
    jnz 1f
    inc %eax                            // never return 0 through a jump
1:  mov 0(%edx), %ebx
    mov 4(%edx), %esi
    mov 8(%edx), %edi
    mov 12(%edx), %ebp
    mov 16(%edx), %esp
    pushl 24(%edx)
    popfl
    jmp *20(%edx)
