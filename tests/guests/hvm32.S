// tests/guests/hvm32.S — an HVM test guest: unmodified 32-bit code, no Septum runtime. The
// kernel starts an HVM domain in 32-bit protected mode, paging off, flat segments, at the
// image's entry (kernel/arch/x86/svm/svm.h, vmx/vmx.h). This one sets CR0.NE as an OS would (on
// VT-x, which forces NE and shows the guest its own value, the write exits and the kernel
// carries it out), writes one line through console_write (its policy grants `console`; VMCALL
// on Intel, VMMCALL on AMD, picked from the CPU vendor), then executes UD2 with no IDT of its
// own: #UD, #GP, #DF, a triple fault — which the kernel contains as a shutdown fault.
        .code32
        .section .text
        .global _start
_start:
        movl %cr0, %eax
        orl $0x20, %eax                       // CR0.NE
        movl %eax, %cr0
        xorl %eax, %eax
        cpuid                                 // EBX = "Genu" on Intel
        movl %ebx, %ebp
        movl $1, %eax                         // console_write(buffer, length)
        movl $message, %edi
        movl $(message_end - message), %esi
        cmpl $0x756e6547, %ebp
        je 1f
        vmmcall
        ud2
1:      vmcall
        ud2
message:
        .ascii "hvm32: hello from 32-bit protected mode, paging off\n"
message_end:

        .section .note.GNU-stack, "", @progbits
