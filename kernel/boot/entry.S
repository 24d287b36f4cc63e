// kernel/boot/entry.S — from the Multiboot2 loader's 32-bit protected mode into 64-bit long mode.
//
// Machine state on entry (Multiboot2 spec §3.3): 32-bit protected mode, paging off, interrupts
// off, EAX = 0x36d76289, EBX = physical address of the boot information. No usable stack.
// What this file establishes before calling KernelEntry(magic, mbi):
//   - .bss zeroed; a 64 KiB boot stack;
//   - identity map of the first 4 GiB with 2 MiB pages (covers the kernel, the boot modules and
//     the local APIC / IOAPIC MMIO below 4 GiB): PML4[0] -> PDPT[0..3] -> 4 page directories;
//   - CR4.PAE, EFER.LME + EFER.NXE, CR0.PG|WP (AMD APM Vol 2 §14.6.1 "Activating Long Mode",
//     Intel SDM Vol 3A §10.8.5);
//   - a GDT with a 64-bit code segment (0x08), a data segment (0x10), a 32-bit code segment
//     (0x18, for the application processors' way through protected mode) and room for a TSS
//     descriptor (0x20: VT-x requires a host TR selector; the TSS itself is never used).
// It also holds the application processors' path into long mode (see kernel/boot/smp.h): a
// real-mode trampoline that the bootstrap CPU copies below 1 MiB, and septum_ap_entry32, which
// takes an AP from 32-bit protected mode onto the same page tables and GDT and into ApEntry.
// A CPU without long mode gets a message on COM1 and the run ends with the failure verdict
// (the same ports as kernel/arch/x86/run_end.h).

        .set MB2_MAGIC,        0xe85250d6
        .set MB2_ARCH_I386,    0
        .set MB2_HEADER_LEN,   mb2_header_end - mb2_header_start

        .section .multiboot2, "a"
        .balign 8
mb2_header_start:
        .long MB2_MAGIC
        .long MB2_ARCH_I386
        .long MB2_HEADER_LEN
        .long 0x100000000 - (MB2_MAGIC + MB2_ARCH_I386 + MB2_HEADER_LEN)
        // end tag
        .short 0
        .short 0
        .long 8
mb2_header_end:

        .set CR0_PE,           1 << 0
        .set CR0_WP,           1 << 16
        .set CR0_PG,           1 << 31
        .set CR4_PAE,          1 << 5
        .set MSR_EFER,         0xc0000080
        .set EFER_LME,         1 << 8
        .set EFER_NXE,         1 << 11
        .set PTE_PRESENT_RW,   0x3
        .set PDE_LARGE_RW,     0x83           // present | writable | 2 MiB page

        .section .boot.text, "ax"
        .code32
        .global septum_entry32
septum_entry32:
        cli
        cld
        movl %eax, %ebp                       // Multiboot2 magic, kept until KernelEntry
        movl %ebx, %esi                       // boot information address

        // Zero .bss (page tables and the stack live there).
        movl $__bss_start, %edi
        movl $__bss_end, %ecx
        subl %edi, %ecx
        shrl $2, %ecx
        xorl %eax, %eax
        rep stosl
        movl $boot_stack_top, %esp

        // Long mode present? CPUID 0x80000001 EDX[29] (AMD APM Vol 3 E.4.2).
        movl $0x80000000, %eax
        cpuid
        cmpl $0x80000001, %eax
        jb no_long_mode
        movl $0x80000001, %eax
        cpuid
        btl $29, %edx
        jnc no_long_mode

        // Page tables: PML4[0] -> PDPT; PDPT[0..3] -> PD0..PD3; PDs map 0..4 GiB in 2 MiB pages.
        movl $boot_pdpt, %eax
        orl $PTE_PRESENT_RW, %eax
        movl %eax, boot_pml4
        movl $boot_pd, %eax
        orl $PTE_PRESENT_RW, %eax
        movl $boot_pdpt, %edi
        movl $4, %ecx
1:      movl %eax, (%edi)
        addl $0x1000, %eax
        addl $8, %edi
        loop 1b
        movl $boot_pd, %edi
        movl $PDE_LARGE_RW, %eax
        movl $2048, %ecx
2:      movl %eax, (%edi)                     // high dword stays 0: all frames below 4 GiB
        addl $0x200000, %eax
        addl $8, %edi
        loop 2b

        movl $entry64, %edi
        jmp enter_long_mode

        // Into long mode on the boot page tables and GDT, then on to the 64-bit code at EDI;
        // no stack needed. Both the bootstrap CPU and every AP come through here (AMD APM Vol 2
        // §14.6.1, Intel SDM Vol 3A §10.8.5). DS must be a flat data segment.
enter_long_mode:
        movl %cr4, %eax
        orl $CR4_PAE, %eax
        movl %eax, %cr4
        movl $boot_pml4, %eax
        movl %eax, %cr3
        movl $MSR_EFER, %ecx
        rdmsr
        orl $(EFER_LME | EFER_NXE), %eax
        wrmsr
        movl %cr0, %eax
        orl $(CR0_PE | CR0_WP | CR0_PG), %eax
        movl %eax, %cr0
        lgdt boot_gdt_pointer
        ljmp $0x08, $long_mode64

no_long_mode:
        movl $no_long_mode_message, %esi
3:      lodsb
        testb %al, %al
        jz 4f
        movw $0x3f8, %dx
        outb %al, %dx
        jmp 3b
4:      movw $0xf4, %dx                       // QEMU isa-debug-exit: failure verdict
        movl $0x11, %eax
        outl %eax, %dx
        movl $shutdown_word, %esi             // Bochs: "Shutdown" to port 0x8900
        movw $0x8900, %dx
5:      lodsb
        testb %al, %al
        jz 6f
        outb %al, %dx
        jmp 5b
6:      hlt
        jmp 6b

        .code64
long_mode64:
        movw $0x10, %ax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %ss
        xorw %ax, %ax
        movw %ax, %fs
        movw %ax, %gs
        movl %edi, %edi                       // the upper halves are undefined after the switch
        jmp *%rdi

entry64:
        movq $boot_stack_top, %rsp
        movl %ebp, %edi                       // zero-extends: KernelEntry(magic, mbi)
        movl %esi, %esi
        xorl %ebp, %ebp
        call KernelEntry
7:      cli
        hlt
        jmp 7b

        // An application processor, in 32-bit protected mode from the trampoline: into long mode
        // the way the bootstrap CPU went.
        .code32
        .global septum_ap_entry32
septum_ap_entry32:
        movw $0x10, %ax                       // flat data: the real-mode segment bases are gone
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %ss
        movl $ap_entry64, %edi
        jmp enter_long_mode

        .code64
ap_entry64:
        movq septum_ap_stack_top(%rip), %rsp  // set by the bootstrap CPU for this AP (smp.cc)
        xorl %ebp, %ebp
        call ApEntry
8:      cli
        hlt
        jmp 8b

        // The trampoline: copied to a free page below 1 MiB, where a Startup IPI starts an AP in
        // real mode at CS = page * 256, IP = 0 (SDM Vol 3A §9.4.4). It loads the GDT (the pointer
        // travels with the code, addressed relative to CS) and enters protected mode.
        .section .rodata
        .balign 16
        .code16
        .global septum_ap_trampoline, septum_ap_trampoline_end
septum_ap_trampoline:
        cli
        cld
        movw %cs, %ax
        movw %ax, %ds
        lgdtl ap_gdt_pointer - septum_ap_trampoline
        movl %cr0, %eax
        orl $CR0_PE, %eax
        movl %eax, %cr0
        ljmpl $0x18, $septum_ap_entry32
        .balign 8
ap_gdt_pointer:
        .short boot_gdt_end - boot_gdt - 1
        .long boot_gdt
septum_ap_trampoline_end:
        .code64

boot_gdt_pointer:
        .short boot_gdt_end - boot_gdt - 1
        .quad boot_gdt
no_long_mode_message:
        .asciz "septum: this CPU has no long mode (x86-64); cannot boot\r\nseptum: end of run: failure\r\n"
shutdown_word:
        .asciz "Shutdown"

        // The GDT is writable: kernel/arch/x86/idt.cc fills in the TSS descriptor at 0x20 (its
        // base is known only at link time, split across the descriptor's fields).
        .section .data
        .balign 16
        .global septum_boot_gdt
septum_boot_gdt:
boot_gdt:
        .quad 0                               // null
        .quad 0x00af9a000000ffff              // 0x08: 64-bit code, DPL 0 (SDM Vol 3A §3.4.5)
        .quad 0x00cf92000000ffff              // 0x10: data, DPL 0
        .quad 0x00cf9a000000ffff              // 0x18: 32-bit code, DPL 0 (APs only)
        .quad 0, 0                            // 0x20: 64-bit TSS (16 bytes), filled in at boot
boot_gdt_end:

        .section .bss
        .balign 4096
boot_pml4:
        .skip 4096
boot_pdpt:
        .skip 4096
boot_pd:
        .skip 4 * 4096
boot_stack:
        .skip 65536
boot_stack_top:

        .section .note.GNU-stack, "", @progbits
