// Copies to and from user memory that a page fault cannot turn into a
// kernel panic (include/arch/x86/usercopy.h).
//
// Each routine touches user memory only between its start and end
// labels. A page fault taken there (an unmapped page, or a write to a
// read-only one: CR0.WP is set) is not the kernel's: ArchFaultFixup
// (arch/x86/trap.c) finds the faulting eip in the table at the end and
// resumes at the routine's fixup label, which returns E_FAULT. The
// caller checks that the range lies in user space; the page tables are
// walked by the MMU, not by software.

#define E_FAULT (-14)
#define E_NAMETOOLONG (-36)

.section .text

// int ArchUserCopy(void *dst, const void *src, uint32_t length)
// Returns 0, or E_FAULT (part of dst may have been written).
.global ArchUserCopy
ArchUserCopy:
    push %esi
    push %edi
    mov 12(%esp), %edi
    mov 16(%esp), %esi
    mov 20(%esp), %ecx
    mov %ecx, %edx
    shr $2, %ecx
copyStart:
    rep movsl
    mov %edx, %ecx
    and $3, %ecx
    rep movsb
copyEnd:
    xor %eax, %eax
    pop %edi
    pop %esi
    ret
copyFixup:
    mov $E_FAULT, %eax
    pop %edi
    pop %esi
    ret

// int ArchUserCopyString(char *dst, const char *src, uint32_t max)
// Copies up to and with the NUL. Returns the string's length, E_FAULT,
// or E_NAMETOOLONG when no NUL comes within max bytes.
.global ArchUserCopyString
ArchUserCopyString:
    push %esi
    push %edi
    mov 12(%esp), %edi
    mov 16(%esp), %esi
    mov 20(%esp), %ecx
    xor %edx, %edx
stringStart:
1:  cmp %ecx, %edx
    jae 2f
    movb (%esi,%edx), %al
    movb %al, (%edi,%edx)
    test %al, %al
    jz 3f
    inc %edx
    jmp 1b
stringEnd:
2:  mov $E_NAMETOOLONG, %eax
    pop %edi
    pop %esi
    ret
3:  mov %edx, %eax
    pop %edi
    pop %esi
    ret
stringFixup:
    mov $E_FAULT, %eax
    pop %edi
    pop %esi
    ret

// int ArchUserMatch(const void *user, const void *kernel, uint32_t length)
// Compares length (>= 4) bytes of user memory with kernel memory a word
// at a time, the last word overlapping the one before it, so that no byte
// past user + length is read. Returns 0 when they are equal, 1 when not,
// or E_FAULT.
.global ArchUserMatch
ArchUserMatch:
    push %esi
    push %edi
    mov 12(%esp), %esi
    mov 16(%esp), %edi
    mov 20(%esp), %ecx
    lea -4(%esi,%ecx), %edx     // the last word
    sub %esi, %edi              // the kernel's bytes are at (%esi,%edi)
matchStart:
1:  cmp %edx, %esi
    jae 2f
    mov (%esi), %eax
    cmp (%esi,%edi), %eax
    jne 3f
    add $4, %esi
    jmp 1b
2:  mov (%edx), %eax
matchEnd:
    cmp (%edx,%edi), %eax
    jne 3f
    xor %eax, %eax
    pop %edi
    pop %esi
    ret
3:  mov $1, %eax
    pop %edi
    pop %esi
    ret
matchFixup:
    mov $E_FAULT, %eax
    pop %edi
    pop %esi
    ret

// int ArchUserProbeWrite(uintptr_t addr, uint32_t length)
// Writes every page of [addr, addr + length) without changing a byte
// (length > 0, the range checked not to wrap). Returns 0 or E_FAULT.
.global ArchUserProbeWrite
ArchUserProbeWrite:
    mov 4(%esp), %eax           // addr
    mov 8(%esp), %edx
    lea -1(%eax,%edx), %edx     // the last byte
    and $0xfffff000, %edx       // its page
probeStart:
1:  orb $0, (%eax)
    mov %eax, %ecx
    and $0xfffff000, %ecx
    cmp %edx, %ecx
    jae 2f
    add $0x1000, %ecx
    mov %ecx, %eax
    jmp 1b
probeEnd:
2:  xor %eax, %eax
    ret
probeFixup:
    mov $E_FAULT, %eax
    ret

// Where a fault in each routine resumes: { start, end, fixup }.
.section .rodata
.global archUserCopyFixups, archUserCopyFixupCount
.align 4
archUserCopyFixups:
    .long copyStart, copyEnd, copyFixup
    .long stringStart, stringEnd, stringFixup
    .long probeStart, probeEnd, probeFixup
    .long matchStart, matchEnd, matchFixup
archUserCopyFixupCount:
    .long 4
