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


// Interrupt stubs for vectors 32..255: fixed 16-byte stubs (push the vector, jump to the
// common path), so stub n is at septum_irq_stubs + 16 * (n - 32). The common path saves the
// registers the C calling convention does not preserve, calls septum_interrupt(vector) and
// returns with iretq. Alignment: the CPU leaves RSP = 8 mod 16 after its 5-word frame; the
// vector and 9 registers make it 0 mod 16 again after the extra 8 bytes below.
        .text
        .balign 16
        .global septum_irq_stubs
septum_irq_stubs:
        .set vector, 32
        .rept 224
        .balign 16
        pushq $vector
        jmp septum_irq_common
        .set vector, vector + 1
        .endr

septum_irq_common:
        pushq %rax
        pushq %rcx
        pushq %rdx
        pushq %rsi
        pushq %rdi
        pushq %r8
        pushq %r9
        pushq %r10
        pushq %r11
        movq 72(%rsp), %rdi                   // the vector
        subq $8, %rsp
        cld
        call septum_interrupt
        addq $8, %rsp
        popq %r11
        popq %r10
        popq %r9
        popq %r8
        popq %rdi
        popq %rsi
        popq %rdx
        popq %rcx
        popq %rax
        addq $8, %rsp                         // the vector
        iretq

        .section .note.GNU-stack, "", @progbits
