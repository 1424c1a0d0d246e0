// The 256 interrupt vector stubs and the common trap path.
//
// Each stub makes the stack look the same, whether or not the CPU pushed
// an error code for that vector: [error code] [vector], then jumps to
// TrapCommon, which saves the rest as a TrapFrame (arch/x86/trap.h) and
// calls TrapDispatch(frame).

.altmacro

// Vectors for which the CPU pushes an error code (Intel SDM vol. 3, 6.13).
.macro TRAP_STUB n
TrapStub\n:
    .if (\n == 8) || ((\n >= 10) && (\n <= 14)) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
    .else
    pushl $0
    .endif
    pushl $\n
    jmp TrapCommon
.endm

.macro TRAP_STUB_ADDRESS n
    .long TrapStub\n
.endm

.section .text
TrapStubs:                              // one symbol for all the stubs
.set vector, 0
.rept 256
    TRAP_STUB %vector
    .set vector, vector + 1
.endr

TrapCommon:
    pusha
    push %ds
    push %es
    push %fs
    push %gs
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    cld
    push %esp
    call TrapDispatch
    add $4, %esp
.global TrapReturn
TrapReturn:
    pop %gs
    pop %fs
    pop %es
    pop %ds
    popa
    add $8, %esp                        // vector and error code
    iret

.section .rodata
.global TrapVectors
.align 4
TrapVectors:
.set vector, 0
.rept 256
    TRAP_STUB_ADDRESS %vector
    .set vector, vector + 1
.endr
