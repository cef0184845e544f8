/*
 * Macros for the self-checking ISA and privileged tests.
 *
 * A test file looks like:
 *
 *   #include "evm-test.h"
 *   TEST_BEGIN
 *     TEST_RR_OP(2, add, 3, 1, 2)
 *     ...
 *   TEST_END
 *
 * Register use: gp holds the number of the running test (TESTNUM), t6 is
 * the scratch register the checks load expected values into, sp points at
 * a 16 KiB stack. The default M-mode trap handler clobbers t3, t4, t5.
 *
 * Ending: a pass writes tohost = 1 and then 0x5555 to the test finisher; a
 * failure prints "FAIL <n>" on the UART, writes tohost = (n << 1) | 1 and
 * the finisher (n << 16) | 0x3333. Writing both makes the same ELF end on a
 * tohost-watching machine and on QEMU virt (defining EVM_TOHOST_ONLY leaves
 * the finisher out, to check the tohost path alone). Test numbers must lie in
 * 1..255 so QEMU's exit status (code & 0xff) can never read as a pass.
 *
 * Expected traps: EXPECT_TRAP(n, cause, code...) arms the default handler
 * with a resume address; the handler records mcause/mtval/mepc/mstatus in
 * trap_cause/trap_tval/trap_epc/trap_status and continues in M-mode at the
 * resume point with MIE and MPRV clear. A trap while the handler is not armed prints the CSRs and
 * fails the running test.
 */
#ifndef EVM_TEST_H
#define EVM_TEST_H

#define TESTNUM gp

#ifdef EVM_TOHOST_ONLY
#define FINISHER_WRITE(reg, scratch)
#else
#define FINISHER_WRITE(reg, scratch) \
  li scratch, FINISHER_BASE; \
  sw reg, 0(scratch);
#endif

#define FINISHER_BASE 0x00100000
#define FINISHER_PASS 0x5555
#define FINISHER_FAIL 0x3333
#define UART_BASE 0x10000000
#define CLINT_BASE 0x02000000
#define CLINT_MSIP (CLINT_BASE + 0x0)
#define CLINT_MTIMECMP (CLINT_BASE + 0x4000)
#define CLINT_MTIME (CLINT_BASE + 0xbff8)
#define RAM_BASE 0x80000000
#define RAM_END 0x88000000 /* 128 MiB */
#define UNMAPPED_ADDR 0x08000000 /* a hole in the virt memory map */

/* mcause values */
#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_MISALIGNED_LOAD 4
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS 7
#define CAUSE_USER_ECALL 8
#define CAUSE_SUPERVISOR_ECALL 9
#define CAUSE_MACHINE_ECALL 11
#define CAUSE_FETCH_PAGE_FAULT 12
#define CAUSE_LOAD_PAGE_FAULT 13
#define CAUSE_STORE_PAGE_FAULT 15
#define CAUSE_INTERRUPT 0x80000000
#define IRQ_S_SOFT 1
#define IRQ_M_SOFT 3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT 9
#define IRQ_M_EXT 11

/* mstatus fields */
#define MSTATUS_SIE 0x00000002
#define MSTATUS_MIE 0x00000008
#define MSTATUS_SPIE 0x00000020
#define MSTATUS_MPIE 0x00000080
#define MSTATUS_SPP 0x00000100
#define MSTATUS_MPP 0x00001800
#define MSTATUS_MPP_S 0x00000800
#define MSTATUS_MPRV 0x00020000
#define MSTATUS_SUM 0x00040000
#define MSTATUS_MXR 0x00080000
#define MSTATUS_TVM 0x00100000
#define MSTATUS_TW 0x00200000

/* Sv32 page-table entry bits */
#define PTE_V 0x001
#define PTE_R 0x002
#define PTE_W 0x004
#define PTE_X 0x008
#define PTE_U 0x010
#define PTE_G 0x020
#define PTE_A 0x040
#define PTE_D 0x080
#define SATP_SV32 0x80000000

/* ---- checks ---------------------------------------------------------- */

/* Runs `code`, then compares `reg` with `expected`. */
#define TEST_CASE(n, reg, expected, code...) \
test_##n: \
  li TESTNUM, n; \
  code; \
  li t6, expected; \
  bne reg, t6, fail;

/* Fails test n unless `reg` equals `expected` (no code, no new number). */
#define CHECK(reg, expected) \
  li t6, expected; \
  bne reg, t6, fail;

/* Register-register operation: a0 = a1 op a2. */
#define TEST_RR_OP(n, inst, result, v1, v2) \
  TEST_CASE(n, a0, result, li a1, v1; li a2, v2; inst a0, a1, a2)

/* Destination equal to a source (rd = rs1, rd = rs2, rd = rs1 = rs2). */
#define TEST_RR_SRC1_EQ_DEST(n, inst, result, v1, v2) \
  TEST_CASE(n, a1, result, li a1, v1; li a2, v2; inst a1, a1, a2)
#define TEST_RR_SRC2_EQ_DEST(n, inst, result, v1, v2) \
  TEST_CASE(n, a2, result, li a1, v1; li a2, v2; inst a2, a1, a2)
#define TEST_RR_SRC12_EQ_DEST(n, inst, result, v1) \
  TEST_CASE(n, a1, result, li a1, v1; inst a1, a1, a1)

/* A write to x0 is dropped. */
#define TEST_RR_ZERODEST(n, inst, v1, v2) \
  TEST_CASE(n, x0, 0, li a1, v1; li a2, v2; inst x0, a1, a2)

/* Register-immediate operation: a0 = a1 op imm. */
#define TEST_IMM_OP(n, inst, result, v1, imm) \
  TEST_CASE(n, a0, result, li a1, v1; inst a0, a1, imm)

/* Load `inst` from label+offset, compare with result. */
#define TEST_LD(n, inst, result, offset, label) \
  TEST_CASE(n, a0, result, la a1, label; inst a0, offset(a1))

/* Store then reload with `linst`. */
#define TEST_ST(n, sinst, linst, result, value, offset, label) \
  TEST_CASE(n, a0, result, la a1, label; li a2, value; sinst a2, offset(a1); linst a0, offset(a1))

/* Conditional branch taken / not taken. */
#define TEST_BR_TAKEN(n, inst, v1, v2) \
test_##n: \
  li TESTNUM, n; \
  li a1, v1; \
  li a2, v2; \
  inst a1, a2, 2f; \
  j fail; \
2:

#define TEST_BR_NOT_TAKEN(n, inst, v1, v2) \
test_##n: \
  li TESTNUM, n; \
  li a1, v1; \
  li a2, v2; \
  inst a1, a2, fail;

/* Runs code that must trap with `cause`; the handler resumes after it in M-mode. */
#define EXPECT_TRAP(n, cause, code...) \
test_##n: \
  li TESTNUM, n; \
  la t0, 8f; \
  la t1, trap_resume; \
  sw t0, 0(t1); \
  code; \
  j fail; \
8: \
  lw t0, trap_cause; \
  li t6, cause; \
  bne t0, t6, fail;

/* As EXPECT_TRAP, accepting either of two causes (where QEMU 7.2 and the
 * privileged spec disagree, e.g. AMO faults). */
#define EXPECT_TRAP_EITHER(n, cause1, cause2, code...) \
test_##n: \
  li TESTNUM, n; \
  la t0, 8f; \
  la t1, trap_resume; \
  sw t0, 0(t1); \
  code; \
  j fail; \
8: \
  lw t0, trap_cause; \
  li t6, cause1; \
  beq t0, t6, 9f; \
  li t6, cause2; \
  bne t0, t6, fail; \
9:

/* Compares the word at `label` with `expected` (clobbers t0). */
#define CHECK_MEM(label, expected) \
  lw t0, label; \
  li t6, expected; \
  bne t0, t6, fail;

/* Makes every address readable, writable and executable from S and U mode
 * (one NAPOT PMP entry over the whole space): without a PMP entry QEMU
 * refuses all S/U accesses. */
#define PMP_ALLOW_ALL \
  li t0, -1; \
  csrw pmpaddr0, t0; \
  li t0, 0x1f; \
  csrw pmpcfg0, t0;

/* Drops from M-mode to `mode` (0 U, 1 S) at `label` (clobbers t0). */
#define ENTER_MODE(mode, label) \
  li t0, MSTATUS_MPP; \
  csrc mstatus, t0; \
  li t0, (mode) << 11; \
  csrs mstatus, t0; \
  la t0, label; \
  csrw mepc, t0; \
  mret;

/* ---- program frame --------------------------------------------------- */

#define TEST_BEGIN \
  .section .text.init, "ax"; \
  .globl _start; \
_start: \
  la t0, trap_default; \
  csrw mtvec, t0; \
  csrw mie, zero; \
  csrw satp, zero; \
  la sp, _stack_top; \
  li TESTNUM, 0; \
  la t0, trap_resume; \
  sw zero, 0(t0); \
  j test_body; \
  .text; \
test_body:

#define TEST_END \
  j pass; \
  EVM_TEST_RUNTIME

#define EVM_TEST_RUNTIME \
  .text; \
  .balign 4; \
pass: \
  fence; \
  li t0, 1; \
  la t1, tohost; \
  sw zero, 4(t1); \
  sw t0, 0(t1); \
  li t0, FINISHER_PASS; \
  FINISHER_WRITE(t0, t1) \
1: \
  j 1b; \
 \
fail: \
  fence; \
  /* a failure before the first test reports number 255 */ \
  bnez TESTNUM, 2f; \
  li TESTNUM, 255; \
2: \
  la a0, msg_fail; \
  jal puts; \
  mv a0, TESTNUM; \
  jal putdec; \
  li a0, 10; \
  jal putc; \
  slli t0, TESTNUM, 1; \
  ori t0, t0, 1; \
  la t1, tohost; \
  sw zero, 4(t1); \
  sw t0, 0(t1); \
  slli t0, TESTNUM, 16; \
  li t1, FINISHER_FAIL; \
  or t0, t0, t1; \
  FINISHER_WRITE(t0, t1) \
3: \
  j 3b; \
 \
  /* putc(a0): one byte to the UART's transmit register (clobbers t0) */ \
putc: \
  li t0, UART_BASE; \
  sb a0, 0(t0); \
  ret; \
 \
  /* puts(a0): a NUL-terminated string (clobbers a0, t0, t1, t2) */ \
puts: \
  mv t2, ra; \
  mv t1, a0; \
4: \
  lbu a0, 0(t1); \
  beqz a0, 5f; \
  jal putc; \
  addi t1, t1, 1; \
  j 4b; \
5: \
  mv ra, t2; \
  ret; \
 \
  /* puthex(a0): 8 hex digits (clobbers a0, t0, t1, t2, a1) */ \
puthex: \
  mv t2, ra; \
  mv a1, a0; \
  li t1, 28; \
6: \
  srl a0, a1, t1; \
  andi a0, a0, 15; \
  addi a0, a0, 48; \
  li t0, 58; \
  blt a0, t0, 7f; \
  addi a0, a0, 39; \
7: \
  jal putc; \
  addi t1, t1, -4; \
  bgez t1, 6b; \
  mv ra, t2; \
  ret; \
 \
  /* putdec(a0): unsigned decimal below 1000 (clobbers a0, a1, t0, t1, t2) */ \
putdec: \
  mv t2, ra; \
  mv a1, a0; \
  li t1, 100; \
  bltu a1, t1, 10f; \
  divu a0, a1, t1; \
  remu a1, a1, t1; \
  addi a0, a0, 48; \
  jal putc; \
  li t1, 10; \
  j 11f; \
10: \
  li t1, 10; \
  bltu a1, t1, 12f; \
11: \
  divu a0, a1, t1; \
  remu a1, a1, t1; \
  addi a0, a0, 48; \
  jal putc; \
12: \
  addi a0, a1, 48; \
  jal putc; \
  mv ra, t2; \
  ret; \
 \
  /* The default handler: an armed EXPECT_TRAP resumes, anything else fails. */ \
  .balign 4; \
trap_default: \
  la t5, trap_resume; \
  lw t4, 0(t5); \
  beqz t4, trap_unexpected; \
  sw zero, 0(t5); \
  la t5, trap_cause; \
  csrr t3, mcause; \
  sw t3, 0(t5); \
  csrr t3, mtval; \
  sw t3, 4(t5); \
  csrr t3, mepc; \
  sw t3, 8(t5); \
  csrr t3, mstatus; \
  sw t3, 12(t5); \
  csrw mepc, t4; \
  /* resume in M-mode with interrupts off and MPRV clear (else the mret \
   * below leaves MPP = U and M-mode loads would be translated) */ \
  li t4, MSTATUS_MPP; \
  csrs mstatus, t4; \
  li t4, MSTATUS_MPIE | MSTATUS_MPRV; \
  csrc mstatus, t4; \
  mret; \
 \
trap_unexpected: \
  /* a trap while reporting ends the run at once */ \
  la t5, trap_fatal; \
  csrw mtvec, t5; \
  li t5, MSTATUS_MPRV; \
  csrc mstatus, t5; \
  la a0, msg_trap; \
  jal puts; \
  csrr a0, mcause; \
  jal puthex; \
  la a0, msg_mepc; \
  jal puts; \
  csrr a0, mepc; \
  jal puthex; \
  la a0, msg_mtval; \
  jal puts; \
  csrr a0, mtval; \
  jal puthex; \
  li a0, 10; \
  jal putc; \
  j fail; \
 \
  .balign 4; \
trap_fatal: \
  li t0, (254 << 16) | FINISHER_FAIL; \
  li t1, FINISHER_BASE; \
  sw t0, 0(t1); \
  j trap_fatal; \
 \
  .section .rodata.evm_test, "a"; \
msg_fail: .asciz "FAIL "; \
msg_trap: .asciz "unexpected trap: mcause "; \
msg_mepc: .asciz " mepc "; \
msg_mtval: .asciz " mtval "; \
 \
  .data; \
  .balign 4; \
trap_resume: .word 0; \
  .globl trap_cause; \
trap_cause: .word 0; \
trap_tval: .word 0; \
trap_epc: .word 0; \
trap_status: .word 0; \
 \
  .section .tohost, "aw", @progbits; \
  .balign 8; \
  .globl tohost; \
tohost: .dword 0; \
  .globl fromhost; \
fromhost: .dword 0; \
  .text;

#endif
