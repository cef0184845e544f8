/* Synchronous traps into M-mode: ecall from M, S and U (causes 11, 9, 8),
 * ebreak, illegal instructions with the bits in mtval, privileged
 * instructions from U-mode, access faults on unmapped loads, stores and
 * fetches, and the mstatus stack (MIE/MPIE/MPP) across trap and mret. */
#include "evm-test.h"

TEST_BEGIN
  PMP_ALLOW_ALL
  /* ecall from M-mode: cause 11, mepc at the ecall, mtval 0 */
  EXPECT_TRAP(1, CAUSE_MACHINE_ECALL, la a1, 1f; 1: ecall)
  lw t0, trap_epc
  bne t0, a1, fail
  CHECK_MEM(trap_tval, 0)
  /* ecall from S-mode and U-mode */
  EXPECT_TRAP(2, CAUSE_SUPERVISOR_ECALL, ENTER_MODE(1, do_ecall))
  la a1, do_ecall
  lw t0, trap_epc
  bne t0, a1, fail
  EXPECT_TRAP(3, CAUSE_USER_ECALL, ENTER_MODE(0, do_ecall))
  la a1, do_ecall
  lw t0, trap_epc
  bne t0, a1, fail
  /* ebreak: cause 3, mepc at the ebreak */
  EXPECT_TRAP(4, CAUSE_BREAKPOINT, la a1, 1f; .option push; .option norvc; 1: ebreak; .option pop)
  lw t0, trap_epc
  bne t0, a1, fail
  /* an unknown 32-bit opcode: illegal, mtval = the instruction */
  EXPECT_TRAP(5, CAUSE_ILLEGAL_INSTRUCTION, .word 0x1234500b)
  CHECK_MEM(trap_tval, 0x1234500b)
  /* an unknown funct3 of a known opcode (branch funct3 2) */
  EXPECT_TRAP(6, CAUSE_ILLEGAL_INSTRUCTION, .word 0x00002063)
  CHECK_MEM(trap_tval, 0x00002063)
  /* a trapping instruction does not write its destination */
  TEST_CASE(7, a0, 77, li a0, 77; la t0, 1f; la t1, trap_resume; sw t0, 0(t1); li a1, UNMAPPED_ADDR; lw a0, 0(a1); 1:)

  /* privileged instructions from U-mode are illegal */
  EXPECT_TRAP(8, CAUSE_ILLEGAL_INSTRUCTION, ENTER_MODE(0, do_mret))
  CHECK_MEM(trap_tval, 0x30200073)
  EXPECT_TRAP(9, CAUSE_ILLEGAL_INSTRUCTION, ENTER_MODE(0, do_sret))
  CHECK_MEM(trap_tval, 0x10200073)
  EXPECT_TRAP(10, CAUSE_ILLEGAL_INSTRUCTION, ENTER_MODE(0, do_wfi))
  CHECK_MEM(trap_tval, 0x10500073)
  EXPECT_TRAP(11, CAUSE_ILLEGAL_INSTRUCTION, ENTER_MODE(0, do_sfence))
  /* mret from S-mode is illegal too */
  EXPECT_TRAP(12, CAUSE_ILLEGAL_INSTRUCTION, ENTER_MODE(1, do_mret))

  /* access faults: nothing mapped at the address */
  EXPECT_TRAP(13, CAUSE_LOAD_ACCESS, li a1, UNMAPPED_ADDR + 4; lw a0, 0(a1))
  CHECK_MEM(trap_tval, UNMAPPED_ADDR + 4)
  EXPECT_TRAP(14, CAUSE_LOAD_ACCESS, li a1, UNMAPPED_ADDR + 1; lbu a0, 0(a1))
  CHECK_MEM(trap_tval, UNMAPPED_ADDR + 1)
  EXPECT_TRAP(15, CAUSE_STORE_ACCESS, li a1, UNMAPPED_ADDR + 8; sw a0, 0(a1))
  CHECK_MEM(trap_tval, UNMAPPED_ADDR + 8)
  EXPECT_TRAP(16, CAUSE_STORE_ACCESS, li a1, UNMAPPED_ADDR; sb a0, 3(a1))
  CHECK_MEM(trap_tval, UNMAPPED_ADDR + 3)
  /* the end of the 128 MiB RAM */
  EXPECT_TRAP(17, CAUSE_LOAD_ACCESS, li a1, RAM_END; lw a0, 0(a1))
  CHECK_MEM(trap_tval, RAM_END)
  TEST_CASE(18, a0, 0, li a1, RAM_END - 4; sw zero, 0(a1); lw a0, 0(a1))
  /* a fetch from nowhere: cause 1, mepc = mtval = the target; the jump retired */
  EXPECT_TRAP(19, CAUSE_FETCH_ACCESS, la a2, 1f; li a1, UNMAPPED_ADDR + 0x40; jalr ra, 0(a1); 1:)
  CHECK_MEM(trap_tval, UNMAPPED_ADDR + 0x40)
  CHECK_MEM(trap_epc, UNMAPPED_ADDR + 0x40)
  bne ra, a2, fail

  /* with C, a jump to a 2-byte aligned address is fine: no misaligned fetch */
  TEST_CASE(20, a0, 9, la a1, half_target; jalr ra, 0(a1))

  /* the trap saves MIE in MPIE, clears MIE, records the mode in MPP */
test_21:
  li TESTNUM, 21
  csrsi mstatus, MSTATUS_MIE
  la t0, 1f
  la t1, trap_resume
  sw t0, 0(t1)
  ecall
  j fail
1:
  lw a0, trap_status
  li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP
  and a0, a0, t0
  CHECK(a0, MSTATUS_MPIE | MSTATUS_MPP)
  /* mret: MIE = MPIE, MPIE = 1, MPP = U (the least-privileged mode) */
test_22:
  li TESTNUM, 22
  csrci mstatus, MSTATUS_MIE
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  li t0, MSTATUS_MPP
  csrs mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret
1:
  csrr a0, mstatus
  li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP
  and a0, a0, t0
  CHECK(a0, MSTATUS_MPIE)
  /* mret to U-mode really is U-mode: an M CSR read traps from there */
  EXPECT_TRAP(23, CAUSE_ILLEGAL_INSTRUCTION, ENTER_MODE(0, do_csr_read))
  lw t0, trap_status
  li t1, MSTATUS_MPP
  and t0, t0, t1
  CHECK(t0, 0)
TEST_END

do_ecall:
  ecall
  j fail
do_mret:
  mret
  j fail
do_sret:
  sret
  j fail
do_wfi:
  wfi
  j fail
do_sfence:
  sfence.vma
  j fail
do_csr_read:
  csrr a0, mstatus
  j fail

  .balign 4
  .hword 0
half_target:
  li a0, 9
  ret
