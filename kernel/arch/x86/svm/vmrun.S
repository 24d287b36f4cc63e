// kernel/arch/x86/svm/vmrun.S — the AMD-V world switch.
//
// void septum_svm_run(uint64_t vmcb_physical /* rdi */, GuestRegs* regs /* rsi */)
//
// VMRUN switches only RAX, RSP, RIP, RFLAGS and the segment/control state kept in the VMCB;
// the other general registers are loaded from and saved to GuestRegs here, and VMLOAD/VMSAVE
// carry FS/GS/TR/LDTR bases, KernelGsBase and the SYSCALL/SYSENTER MSRs (the kernel itself uses
// none of them). Interrupt window (as KVM does it): CLGI, then STI — physical interrupts stay
// held while GIF = 0, cause an INTR exit while the guest runs (V_INTR_MASKING), and are taken
// by the host's handler at STGI, after the guest's registers are saved; CLI after.
// GuestRegs offsets: rax 0, rbx 8, rcx 16, rdx 24, rsi 32, rdi 40, rbp 48, r8 56 .. r15 112.
        .text
        .code64
        .global septum_svm_run
septum_svm_run:
        pushq %rbx
        pushq %rbp
        pushq %r12
        pushq %r13
        pushq %r14
        pushq %r15
        pushq %rsi                            // GuestRegs*, found again after the exit
        pushq %rdi                            // the VMCB, likewise
        movq %rdi, %rax                       // VMRUN/VMLOAD/VMSAVE take the VMCB in RAX
        movq 8(%rsi), %rbx
        movq 16(%rsi), %rcx
        movq 24(%rsi), %rdx
        movq 40(%rsi), %rdi
        movq 48(%rsi), %rbp
        movq 56(%rsi), %r8
        movq 64(%rsi), %r9
        movq 72(%rsi), %r10
        movq 80(%rsi), %r11
        movq 88(%rsi), %r12
        movq 96(%rsi), %r13
        movq 104(%rsi), %r14
        movq 112(%rsi), %r15
        movq 32(%rsi), %rsi
        clgi
        sti
        vmload %rax
        .global septum_svm_vmrun, septum_svm_exit   // for bench/hypercall_path.py
septum_svm_vmrun:
        vmrun %rax
septum_svm_exit:
        movq (%rsp), %rax                     // the VMCB again, whatever the exit left in RAX
        vmsave %rax
        xchgq 8(%rsp), %rsi                   // RSI = GuestRegs*, the guest's RSI on the stack
        movq %rbx, 8(%rsi)
        movq %rcx, 16(%rsi)
        movq %rdx, 24(%rsi)
        movq %rdi, 40(%rsi)
        movq %rbp, 48(%rsi)
        movq %r8, 56(%rsi)
        movq %r9, 64(%rsi)
        movq %r10, 72(%rsi)
        movq %r11, 80(%rsi)
        movq %r12, 88(%rsi)
        movq %r13, 96(%rsi)
        movq %r14, 104(%rsi)
        movq %r15, 112(%rsi)
        movq 8(%rsp), %rax
        movq %rax, 32(%rsi)
        addq $16, %rsp
        stgi                                  // a held interrupt is taken here
        cli
        popq %r15
        popq %r14
        popq %r13
        popq %r12
        popq %rbp
        popq %rbx
        ret

        .section .note.GNU-stack, "", @progbits
