// kernel/arch/x86/isr.S — exception entry stubs for vectors 0..31.
//
// Each stub leaves the same frame (ExceptionFrame in idt.h): vectors that push no error code
// (SDM Vol 3A §6.15 Table 6-1) push a zero in its place. The CPU aligned RSP to 16 before
// pushing its 5-word frame (SDM Vol 3A §6.14.2); 2 + 15 more words keep the call aligned.
        .text
        .code64

        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
septum_isr_\n:
        .if (\n == 8) || (\n == 10) || (\n == 11) || (\n == 12) || (\n == 13) || (\n == 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
        .else
        pushq $0
        .endif
        pushq $\n
        jmp septum_isr_common
        .endr

septum_isr_common:
        pushq %rax
        pushq %rbx
        pushq %rcx
        pushq %rdx
        pushq %rsi
        pushq %rdi
        pushq %rbp
        pushq %r8
        pushq %r9
        pushq %r10
        pushq %r11
        pushq %r12
        pushq %r13
        pushq %r14
        pushq %r15
        cld
        movq %rsp, %rdi
        call septum_exception
1:      cli
        hlt
        jmp 1b

        .section .rodata
        .balign 8
        .global septum_isr_table
septum_isr_table:
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .quad septum_isr_\n
        .endr

        .section .note.GNU-stack, "", @progbits
