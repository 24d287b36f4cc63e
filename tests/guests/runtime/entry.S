// tests/guests/runtime/entry.S — a PV guest's first instructions. The kernel starts it in
// 64-bit mode with RDI = its start info and no stack (kernel/abi/start_info.h).
        .section .text.entry, "ax"
        .code64
        .global _start
_start:
        leaq guest_stack_top(%rip), %rsp
        call GuestStart                       // (const StartInfo* in RDI), never returns
1:      jmp 1b

        .section .bss
        .balign 16
guest_stack:
        .skip 16384
guest_stack_top:

        .section .note.GNU-stack, "", @progbits
