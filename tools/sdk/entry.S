// tools/sdk/entry.S — a PV guest's first instructions (the guest SDK, README.md). The kernel
// starts it in 64-bit mode with RDI = its start info and no stack (kernel/abi/start_info.h);
// this sets up a 16 KiB stack and calls GuestStart (guest.cc), and holds the interrupt stub.
        .section .text.entry, "ax"
        .code64
        .global _start
_start:
        leaq guest_stack_top(%rip), %rsp
        call GuestStart                       // (const StartInfo* in RDI), never returns
1:      jmp 1b

        // The one interrupt gate's target (guest.cc: InstallInterruptHandler). The CPU left RSP
        // at 8 mod 16 after its 5-word frame; nine registers make it 0 mod 16 for the call.
        .text
        .global septum_guest_interrupt_stub
septum_guest_interrupt_stub:
        pushq %rax
        pushq %rcx
        pushq %rdx
        pushq %rsi
        pushq %rdi
        pushq %r8
        pushq %r9
        pushq %r10
        pushq %r11
        cld
        call GuestInterrupt
        popq %r11
        popq %r10
        popq %r9
        popq %r8
        popq %rdi
        popq %rsi
        popq %rdx
        popq %rcx
        popq %rax
        iretq

        .section .bss
        .balign 16
guest_stack:
        .skip 16384
guest_stack_top:

        .section .note.GNU-stack, "", @progbits
