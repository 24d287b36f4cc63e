// tests/guests/hvm_com2.S — an HVM guest that drives the serial port it owns (COM2, 0x2f8)
// directly, as an unmodified guest would: no hypercalls. With the port in its I/O permission
// map the IN/OUT instructions never leave the guest. It writes its line, then halts forever
// (each HLT gives up its slot).
        .set COM2, 0x2f8
        .code32
        .section .text
        .global _start
_start:
        movw $(COM2 + 3), %dx                 // line control: 8N1, DLAB on
        movb $0x83, %al
        outb %al, %dx
        movw $COM2, %dx                       // divisor 1: 115200 baud
        movb $1, %al
        outb %al, %dx
        movw $(COM2 + 1), %dx
        xorb %al, %al
        outb %al, %dx
        movw $(COM2 + 3), %dx                 // DLAB off
        movb $0x03, %al
        outb %al, %dx
        movl $message, %esi
1:      movb (%esi), %bl
        testb %bl, %bl
        jz 3f
        movw $(COM2 + 5), %dx                 // wait for the transmitter (line status bit 5)
2:      inb %dx, %al
        testb $0x20, %al
        jz 2b
        movw $COM2, %dx
        movb %bl, %al
        outb %al, %dx
        incl %esi
        jmp 1b
3:      hlt
        jmp 3b
message:
        .asciz "hvm_com2: hello on the serial port this domain owns\r\n"

        .section .note.GNU-stack, "", @progbits
