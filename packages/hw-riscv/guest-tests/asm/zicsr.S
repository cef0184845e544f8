/* Zicsr: csrrw/csrrs/csrrc and their immediate forms (old value returned,
 * rs1 = x0 / uimm = 0 not writing), read-only and missing CSRs being illegal
 * to write, privilege checks from S and U mode, sstatus/sie as views. */
#include "evm-test.h"

TEST_BEGIN
  PMP_ALLOW_ALL
  /* csrrw returns the old value and writes the new one */
  TEST_CASE(1, a0, 0x12345678, li a1, 0x12345678; csrw mscratch, a1; csrr a0, mscratch)
  TEST_CASE(2, a0, 0x12345678, li a1, 0xcafebabe; csrrw a0, mscratch, a1)
  TEST_CASE(3, a0, 0xcafebabe, csrr a0, mscratch)
  /* csrrs / csrrc set and clear the bits of rs1 */
  TEST_CASE(4, a0, 0xcafebabe, li a1, 0x0000ffff; csrrs a0, mscratch, a1)
  TEST_CASE(5, a0, 0xcafeffff, csrr a0, mscratch)
  TEST_CASE(6, a0, 0xcafeffff, li a1, 0xff0000ff; csrrc a0, mscratch, a1)
  TEST_CASE(7, a0, 0x00feff00, csrr a0, mscratch)
  /* immediate forms: a zero-extended 5-bit value */
  TEST_CASE(8, a0, 0x00feff00, csrrwi a0, mscratch, 31)
  TEST_CASE(9, a0, 0x0000001f, csrr a0, mscratch)
  TEST_CASE(10, a0, 0x0000001f, csrrci a0, mscratch, 0x0a)
  TEST_CASE(11, a0, 0x00000015, csrrsi a0, mscratch, 0x08)
  TEST_CASE(12, a0, 0x0000001d, csrr a0, mscratch)
  /* rd = x0 still writes; rd = rs1 reads the old value */
  TEST_CASE(13, a0, 0x00000777, li a1, 0x777; csrrw x0, mscratch, a1; csrr a0, mscratch)
  TEST_CASE(14, a1, 0x00000777, li a1, 0x111; csrrw a1, mscratch, a1)
  TEST_CASE(15, a0, 0x00000111, csrr a0, mscratch)

  /* identification CSRs are readable; misa says RV32 with I, M, A, C, S, U */
  TEST_CASE(16, a0, 0, csrr a0, mhartid)
  TEST_CASE(17, a0, 1, csrr a0, misa; srli a0, a0, 30)
  TEST_CASE(18, a0, 0x00141105, li a1, 0x00141105; csrr a0, misa; and a0, a0, a1)
  /* reading a read-only CSR with csrrs/csrrc rs1 = x0 or uimm = 0 is fine */
  TEST_CASE(19, a0, 0, csrrs a0, mhartid, x0)
  TEST_CASE(20, a0, 0, csrrc a0, mhartid, x0)
  TEST_CASE(21, a0, 0, csrrsi a0, mhartid, 0)
  TEST_CASE(22, a0, 0, csrrci a0, mhartid, 0)

  /* writing a read-only CSR is illegal, with the instruction in mtval */
  EXPECT_TRAP(23, CAUSE_ILLEGAL_INSTRUCTION, 1: csrw mhartid, a1)
  la t0, 1b
  lw t1, 0(t0)
  lw t0, trap_tval
  bne t0, t1, fail
  EXPECT_TRAP(24, CAUSE_ILLEGAL_INSTRUCTION, csrrs a0, mvendorid, a1)
  EXPECT_TRAP(25, CAUSE_ILLEGAL_INSTRUCTION, csrrwi x0, marchid, 0)
  EXPECT_TRAP(26, CAUSE_ILLEGAL_INSTRUCTION, csrrsi a0, mimpid, 1)
  EXPECT_TRAP(27, CAUSE_ILLEGAL_INSTRUCTION, csrw cycle, a1)
  EXPECT_TRAP(28, CAUSE_ILLEGAL_INSTRUCTION, csrw instret, a1)
  EXPECT_TRAP(29, CAUSE_ILLEGAL_INSTRUCTION, csrw time, a1)
  /* a CSR that does not exist is illegal to read too */
  EXPECT_TRAP(30, CAUSE_ILLEGAL_INSTRUCTION, csrr a0, 0x7ff)
  EXPECT_TRAP(31, CAUSE_ILLEGAL_INSTRUCTION, csrr a0, 0x5ff)
  /* the trap left the destination alone */
  TEST_CASE(32, a0, 0x5a5a, li a0, 0x5a5a; la t0, 1f; la t1, trap_resume; sw t0, 0(t1); csrw mhartid, a1; 1:)

  /* mtvec keeps a base and a mode of 0 or 1 */
test_33:
  li TESTNUM, 33
  csrr s0, mtvec
  la a1, aligned_vector
  csrw mtvec, a1
  csrr a0, mtvec
  bne a0, a1, fail
  ori a2, a1, 1
  csrw mtvec, a2
  csrr a0, mtvec
  bne a0, a2, fail
  csrw mtvec, s0
  /* mepc holds 2-byte aligned addresses with C */
  TEST_CASE(34, a0, 0x80001232, li a1, 0x80001232; csrw mepc, a1; csrr a0, mepc)
  /* mstatus: MIE/MPIE/MPP round trip */
  TEST_CASE(35, a0, MSTATUS_MPIE | MSTATUS_MPP_S, li a1, MSTATUS_MPP; csrc mstatus, a1; li a1, MSTATUS_MPIE | MSTATUS_MPP_S | MSTATUS_MIE; csrs mstatus, a1; csrci mstatus, MSTATUS_MIE; csrr a0, mstatus; li a1, MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MIE; and a0, a0, a1)
  /* sstatus is a view of mstatus: SIE and SPP show through, MIE does not */
test_36:
  li TESTNUM, 36
  csrsi mstatus, MSTATUS_MIE
  csrr a0, sstatus
  andi a0, a0, MSTATUS_MIE
  CHECK(a0, 0)
  csrci mstatus, MSTATUS_MIE
  li a1, MSTATUS_SIE | MSTATUS_SPP
  csrs sstatus, a1
  csrr a0, mstatus
  and a0, a0, a1
  CHECK(a0, MSTATUS_SIE | MSTATUS_SPP)
  csrc mstatus, a1
  csrr a0, sstatus
  and a0, a0, a1
  CHECK(a0, 0)
  /* sie shows the delegated bits of mie */
test_37:
  li TESTNUM, 37
  li a1, (1 << IRQ_S_TIMER) | (1 << IRQ_S_SOFT)
  csrw mideleg, a1
  csrw sie, a1
  csrr a0, mie
  and a0, a0, a1
  CHECK(a0, (1 << IRQ_S_TIMER) | (1 << IRQ_S_SOFT))
  csrw mie, zero
  csrr a0, sie
  CHECK(a0, 0)
  csrw mideleg, zero
  /* sscratch, stvec, sepc, scause, stval are plain registers */
  TEST_CASE(38, a0, 0xa5a5a5a5, li a1, 0xa5a5a5a5; csrw sscratch, a1; csrr a0, sscratch)
  TEST_CASE(39, a0, 0x80000100, li a1, 0x80000100; csrw stvec, a1; csrr a0, stvec)
  TEST_CASE(40, a0, 0x8000abce, li a1, 0x8000abce; csrw sepc, a1; csrr a0, sepc)
  TEST_CASE(41, a0, 0x0000000d, li a1, 13; csrw scause, a1; csrr a0, scause)
  TEST_CASE(42, a0, 0xdeadbeef, li a1, 0xdeadbeef; csrw stval, a1; csrr a0, stval)

  /* from S-mode: S CSRs are accessible, M CSRs are not */
  EXPECT_TRAP(43, CAUSE_ILLEGAL_INSTRUCTION, ENTER_MODE(1, s_reads_mstatus))
  CHECK(s2, 0xa5a5a5a5)
  lw t0, trap_status
  li t1, MSTATUS_MPP
  and t0, t0, t1
  CHECK(t0, MSTATUS_MPP_S)
  /* from U-mode: S CSRs are illegal too */
  EXPECT_TRAP(44, CAUSE_ILLEGAL_INSTRUCTION, ENTER_MODE(0, u_reads_sscratch))
  lw t0, trap_status
  li t1, MSTATUS_MPP
  and t0, t0, t1
  CHECK(t0, 0)
  /* S-mode writing a read-only S-level CSR (cycle) is illegal as well */
  EXPECT_TRAP(45, CAUSE_ILLEGAL_INSTRUCTION, ENTER_MODE(1, s_writes_cycle))
TEST_END

s_reads_mstatus:
  csrr s2, sscratch
  csrr s3, mstatus
  j fail
u_reads_sscratch:
  csrr s2, sscratch
  j fail
s_writes_cycle:
  csrw cycle, zero
  j fail

  .balign 64
aligned_vector:
  j fail
