/* Reset entry for a freestanding program on the virt board: stack, bss, main, finish. */
    .section .text.start
    .globl _start
_start:
    .option push
    .option norelax
    la    gp, __global_pointer$
    .option pop
    la    sp, __stack_top
    la    t0, __bss_start
    la    t1, __bss_end
1:  bgeu  t0, t1, 2f
    sw    zero, 0(t0)
    addi  t0, t0, 4
    j     1b
2:  call  main
    /* virt test finisher: 0x5555 = pass, (code << 16) | 0x3333 = fail with code */
    li    t0, 0x100000
    beqz  a0, 3f
    slli  a0, a0, 16
    li    t1, 0x3333
    or    a0, a0, t1
    sw    a0, 0(t0)
    j     4f
3:  li    t1, 0x5555
    sw    t1, 0(t0)
4:  wfi
    j     4b
