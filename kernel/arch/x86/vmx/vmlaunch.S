// kernel/arch/x86/vmx/vmlaunch.S — the Intel VT-x world switch (mirrors svm/vmrun.S).
//
// uint64_t septum_vmx_run(GuestRegs* regs /* rdi */, uint64_t launched /* rsi */)
//
// VM entry loads RSP, RIP and RFLAGS from the current VMCS (vmx.cc wrote them); the other
// general registers are loaded from GuestRegs here and saved to it at the exit, at
// septum_vmx_exit, which is the VMCS's HOST_RIP; HOST_RSP is this function's stack, written
// just before the entry. Returns 0 after an exit, 1 if VMLAUNCH / VMRESUME failed (the VMCS's
// VM-instruction error says why). Interrupt window: the host runs with IF = 0 (IF = 1 only for
// the entry instruction, under STI's shadow); an external interrupt exits the guest and stays
// pending (no acknowledge-on-exit), and is taken by the host's handler at the `sti; nop; cli`
// after the guest's registers are saved.
// GuestRegs offsets: rax 0, rbx 8, rcx 16, rdx 24, rsi 32, rdi 40, rbp 48, r8 56 .. r15 112.
        .set HOST_RSP, 0x6c14

        .text
        .code64
        .global septum_vmx_run, septum_vmx_exit
septum_vmx_run:
        pushq %rbx
        pushq %rbp
        pushq %r12
        pushq %r13
        pushq %r14
        pushq %r15
        pushq %rdi                            // GuestRegs*, found again after the exit
        movq $HOST_RSP, %rax
        vmwrite %rsp, %rax
        testq %rsi, %rsi                      // the flags survive the loads below
        movq 0(%rdi), %rax
        movq 8(%rdi), %rbx
        movq 16(%rdi), %rcx
        movq 24(%rdi), %rdx
        movq 32(%rdi), %rsi
        movq 48(%rdi), %rbp
        movq 56(%rdi), %r8
        movq 64(%rdi), %r9
        movq 72(%rdi), %r10
        movq 80(%rdi), %r11
        movq 88(%rdi), %r12
        movq 96(%rdi), %r13
        movq 104(%rdi), %r14
        movq 112(%rdi), %r15
        movq 40(%rdi), %rdi
        // IF = 1 at the entry: the guest never sees it (the entry loads the guest's RFLAGS), but
        // Bochs takes the host's IF to decide whether a pending interrupt may exit the guest;
        // STI's shadow keeps the host from taking one before the entry.
        jnz 1f
        sti
        vmlaunch
        jmp 2f
1:      sti
        vmresume
2:      // The entry failed (VMfailInvalid / VMfailValid): still the host's stack.
        cli
        movl $1, %eax
        jmp 3f

septum_vmx_exit:
        pushq %rdi                            // the guest's RDI
        movq 8(%rsp), %rdi                    // GuestRegs*
        movq %rax, 0(%rdi)
        movq %rbx, 8(%rdi)
        movq %rcx, 16(%rdi)
        movq %rdx, 24(%rdi)
        movq %rsi, 32(%rdi)
        movq %rbp, 48(%rdi)
        movq %r8, 56(%rdi)
        movq %r9, 64(%rdi)
        movq %r10, 72(%rdi)
        movq %r11, 80(%rdi)
        movq %r12, 88(%rdi)
        movq %r13, 96(%rdi)
        movq %r14, 104(%rdi)
        movq %r15, 112(%rdi)
        popq %rax
        movq %rax, 40(%rdi)
        sti                                   // a held interrupt is taken after the nop
        nop
        cli
        xorl %eax, %eax
3:      addq $8, %rsp                         // GuestRegs*
        popq %r15
        popq %r14
        popq %r13
        popq %r12
        popq %rbp
        popq %rbx
        ret

        .section .note.GNU-stack, "", @progbits
