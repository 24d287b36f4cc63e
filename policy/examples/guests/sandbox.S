// policy/examples/guests/sandbox.S — the demo's `sandbox` (HVM, CPU 1, `boot no`): an
// unmodified guest with no hypercalls, started by dom0. It starts in 32-bit protected mode
// with paging off at guest-physical 0 (a raw image loads at the domain's lowest address), as
// any firmware-less guest would: it counts in its own memory, then halts (interrupts off: the
// rest of its slot goes idle), and goes on at its next slot. Its exits in the kernel's
// summary show that it ran; nothing it does reaches another domain.
        .code32
        .text
        .global _start
_start:
        movl $0x3ff000, %esp                  // the top of its 4 MiB
        xorl %ecx, %ecx
1:      movl $100000, %eax
2:      incl %ecx
        movl %ecx, 0x100000                   // its own memory
        decl %eax
        jnz 2b
        hlt
        jmp 1b
        .section .note.GNU-stack, "", @progbits
