/*
 * Entry of an eVM application component. The kernel enters a guest only by
 * upcalls (pc = entry, a6 = kind: 0 invoke, 1 init, 2 thread start, a0 =
 * argument, sp = this thread's stack) and the guest returns with
 * `ecall` a0 = 0 (SELF_CAP), a1 = 0 (Return), a2 = result.
 */
    .section .text.evm.entry, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la tp, __tls_base           /* one thread: the TLS image is used in place */
    li t0, 2
    beq a6, t0, 1f
    /* init: nothing to set up; invoke: an application serves nothing */
    li a2, 0
    beqz a6, 2f
    j 3f
2:  li a2, -78                  /* ENOSYS */
3:  li a0, 0
    li a1, 0
    ecall
    j 3b
1:  andi sp, sp, -16
    call __evm_main             /* never returns */
4:  j 4b
