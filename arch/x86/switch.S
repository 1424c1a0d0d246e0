// Switching kernel stacks between processes.
//
// void ArchSwitch(uint32_t *saveEsp, uint32_t loadEsp)
//
// Pushes the callee-saved registers on the current kernel stack, stores
// the stack pointer in *saveEsp, loads loadEsp and pops the next
// process's registers, returning into wherever that process last called
// ArchSwitch (or into its start routine, for a new process; see
// kernel/proc/process.c for the frame a new process is given).
// Everything else (CR3, TSS, FPU) is switched by the caller; every kernel
// stack lies in the kernel half, so it stays mapped across a CR3 change.

.section .text
.global ArchSwitch
ArchSwitch:
    mov 4(%esp), %eax           // saveEsp
    mov 8(%esp), %edx           // loadEsp
    push %ebp
    push %ebx
    push %esi
    push %edi
    mov %esp, (%eax)
    mov %edx, %esp
    pop %edi
    pop %esi
    pop %ebx
    pop %ebp
    ret

// void ArchEnterUser(uint32_t frameEsp)
//
// Enter ring 3 for the first time: frameEsp points at a TrapFrame built
// by ProcessStartUser; TrapReturn pops it and irets.
.global ArchEnterUser
ArchEnterUser:
    mov 4(%esp), %esp
    jmp TrapReturn
