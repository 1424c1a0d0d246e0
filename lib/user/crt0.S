// Program entry point for user mode.
//
// The kernel enters _start with the Linux i386 initial stack:
//   [esp]       argc
//   [esp+4]     argv[0] ... argv[argc-1], NULL
//               envp[0] ... NULL
//               auxv pairs ..., AT_NULL
// _start calls main(argc, argv, envp) on a 16-byte aligned stack and hands
// its return value to SYS_EXIT.
#include <clanker/syscall.h>

    .section .text
    .global _start
    .type _start, @function
_start:
    .cfi_startproc
    .cfi_undefined %eip                 // no caller: backtraces stop here
    xorl %ebp, %ebp                     // end of the frame-pointer chain
    movl (%esp), %eax                   // argc
    leal 4(%esp), %ecx                  // argv
    leal 8(%esp,%eax,4), %edx           // envp = argv + argc + 1
    andl $-16, %esp
    subl $4, %esp                       // 4 + 3 arguments = 16 bytes: esp
    pushl %edx                          // is 16-aligned at the call, as
    pushl %ecx                          // the i386 System V ABI asks
    pushl %eax
    call main
    subl $12, %esp                      // keep the alignment for SysExit
    pushl %eax
    call SysExit                        // never returns
1:  jmp 1b
    .cfi_endproc
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
