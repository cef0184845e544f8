/* RV32C: every compressed instruction of RV32IMAC (explicit c.* mnemonics so
 * the assembler cannot pick a 32-bit form), compared with expected results;
 * 32-bit instructions at 2-byte boundaries; links of c.jal/c.jalr (pc + 2);
 * c.ebreak; reserved encodings being illegal with the bits in mtval. */
#include "evm-test.h"

TEST_BEGIN
  .option rvc
  /* c.li / c.lui: 6-bit sign-extended immediates */
  TEST_CASE(1, a0, 31, c.li a0, 31)
  TEST_CASE(2, a0, 0xffffffe0, c.li a0, -32)
  TEST_CASE(3, a0, 0x0001f000, c.lui a0, 0x1f)
  TEST_CASE(4, a0, 0xfffe0000, c.lui a0, 0xfffe0)
  TEST_CASE(5, a0, 0xfffff000, c.lui a0, 0xfffff)
  /* c.addi / c.addi16sp / c.addi4spn */
  TEST_CASE(6, a0, 0x00000011, li a0, 0x10; c.addi a0, 1)
  TEST_CASE(7, a0, 0xffffffe0, li a0, 0; c.addi a0, -32)
  TEST_CASE(8, a0, 0x7fffffff, li a0, 0x80000000; c.addi a0, -1)
test_9:
  li TESTNUM, 9
  mv s1, sp
  c.addi16sp sp, 496
  sub a0, sp, s1
  CHECK(a0, 496)
  c.addi16sp sp, -512
  sub a0, sp, s1
  CHECK(a0, -16)
  mv sp, s1
test_10:
  li TESTNUM, 10
  c.addi4spn a0, sp, 1020
  sub a0, a0, sp
  CHECK(a0, 1020)
  c.addi4spn a5, sp, 4
  sub a0, a5, sp
  CHECK(a0, 4)
  /* c.nop changes nothing */
  TEST_CASE(11, a0, 5, li a0, 5; c.nop; c.nop)
  /* c.mv / c.add */
  TEST_CASE(12, a0, 0x12345678, li a1, 0x12345678; c.mv a0, a1)
  TEST_CASE(13, t5, 0xfffffffe, li t5, -1; li s11, -1; c.add t5, s11)
  TEST_CASE(14, a0, 0x80000000, li a0, 0x7fffffff; li a1, 1; c.add a0, a1)
  /* register ALU: x8..x15 only */
  TEST_CASE(15, a0, 0xfffffffd, li a0, 4; li a1, 7; c.sub a0, a1)
  TEST_CASE(16, a0, 0xf0f0f0f0, li a0, 0xff00ff00; li a1, 0x0ff00ff0; c.xor a0, a1)
  TEST_CASE(17, s0, 0xff0fff0f, li s0, 0xff00ff00; li s1, 0x0f0f0f0f; c.or s0, s1)
  TEST_CASE(18, a5, 0x0f000f00, li a5, 0xff00ff00; li a4, 0x0f0f0f0f; c.and a5, a4)
  TEST_CASE(19, a0, 0x00000010, li a0, 0xff00ff10; c.andi a0, 0x1f)
  TEST_CASE(20, a0, 0xff00ff00, li a0, 0xff00ff10; c.andi a0, -32)
  /* shifts */
  TEST_CASE(21, a0, 0x80000000, li a0, 1; c.slli a0, 31)
  TEST_CASE(22, t3, 0x00001230, li t3, 0x123; c.slli t3, 4)
  TEST_CASE(23, a0, 0x00000001, li a0, 0x80000000; c.srli a0, 31)
  TEST_CASE(24, a0, 0x0f000000, li a0, 0xf0000000; c.srli a0, 4)
  TEST_CASE(25, a0, 0xff000000, li a0, 0xf0000000; c.srai a0, 4)
  TEST_CASE(26, a0, 0x07000000, li a0, 0x70000000; c.srai a0, 4)
  /* c.lw / c.sw: 5-bit scaled offsets */
test_27:
  li TESTNUM, 27
  la s0, buffer
  li a1, 0xcafef00d
  c.sw a1, 124(s0)
  c.lw a0, 124(s0)
  CHECK(a0, 0xcafef00d)
  lw a0, 124(s0)
  CHECK(a0, 0xcafef00d)
  li a1, 0x01234567
  c.sw a1, 0(s0)
  c.lw a2, 0(s0)
  CHECK(a2, 0x01234567)
  /* c.lwsp / c.swsp */
test_28:
  li TESTNUM, 28
  li a1, 0x76543210
  c.swsp a1, 252(sp)
  c.lwsp a0, 252(sp)
  CHECK(a0, 0x76543210)
  lw t0, 252(sp)
  CHECK(t0, 0x76543210)
  c.swsp zero, 0(sp)
  c.lwsp ra, 0(sp)
  CHECK(ra, 0)
  /* c.j forward and backward */
test_29:
  li TESTNUM, 29
  c.j 2f
1:
  c.j 3f
2:
  c.j 1b
  j fail
3:
  /* c.jal links pc + 2 */
test_30:
  li TESTNUM, 30
  la a1, 1f
  c.jal 2f
1:
  j fail
2:
  bne ra, a1, fail
  /* c.jr / c.jalr */
test_31:
  li TESTNUM, 31
  la a2, 2f
  c.jr a2
  j fail
2:
test_32:
  li TESTNUM, 32
  la a1, 1f
  la a2, 2f
  c.jalr a2
1:
  j fail
2:
  bne ra, a1, fail
  /* c.jalr with rs1 = ra: the target uses the old ra */
test_33:
  li TESTNUM, 33
  la a1, 1f
  la ra, 2f
  c.jalr ra
1:
  j fail
2:
  bne ra, a1, fail
  /* c.beqz / c.bnez */
  TEST_CASE(34, a0, 1, li a0, 0; li a1, 0; c.beqz a1, 1f; j fail; 1: li a0, 1)
  TEST_CASE(35, a0, 1, li a0, 1; li a1, 5; c.beqz a1, fail)
  TEST_CASE(36, a0, 1, li a0, 0; li a1, -1; c.bnez a1, 1f; j fail; 1: li a0, 1)
  TEST_CASE(37, a0, 1, li a0, 1; li a1, 0; c.bnez a1, fail)
  /* a counted loop in compressed code */
  TEST_CASE(38, a0, 55, li a0, 0; li a1, 10; 1: c.add a0, a1; c.addi a1, -1; c.bnez a1, 1b)

  /* 32-bit instructions at 2-byte boundaries */
test_39:
  li TESTNUM, 39
  .balign 4
  c.nop
  li a0, 0x12345678     /* starts at 2 mod 4 */
  c.nop
  addi a0, a0, 1
  CHECK(a0, 0x12345679)

  /* c.ebreak: a breakpoint at its own address */
test_40:
  li TESTNUM, 40
  la t0, 1f
  la t1, trap_resume
  sw t0, 0(t1)
  la a1, 2f
2:
  c.ebreak
  j fail
1:
  CHECK_MEM(trap_cause, CAUSE_BREAKPOINT)
  lw t0, trap_epc
  bne t0, a1, fail

  /* reserved compressed encodings are illegal; mtval holds the 16 bits */
  EXPECT_TRAP(41, CAUSE_ILLEGAL_INSTRUCTION, .hword 0x0000)  /* all zeros */
  CHECK_MEM(trap_tval, 0)
  EXPECT_TRAP(42, CAUSE_ILLEGAL_INSTRUCTION, .hword 0x0010)  /* c.addi4spn with imm 0 */
  CHECK_MEM(trap_tval, 0x0010)
  EXPECT_TRAP(43, CAUSE_ILLEGAL_INSTRUCTION, .hword 0x6101)  /* c.addi16sp with imm 0 */
  CHECK_MEM(trap_tval, 0x6101)
  EXPECT_TRAP(44, CAUSE_ILLEGAL_INSTRUCTION, .hword 0x6501)  /* c.lui a0 with imm 0 */
  CHECK_MEM(trap_tval, 0x6501)
  EXPECT_TRAP(45, CAUSE_ILLEGAL_INSTRUCTION, .hword 0x8002)  /* c.jr x0 */
  CHECK_MEM(trap_tval, 0x8002)
  EXPECT_TRAP(46, CAUSE_ILLEGAL_INSTRUCTION, .hword 0x4002)  /* c.lwsp x0 */
  CHECK_MEM(trap_tval, 0x4002)
  EXPECT_TRAP(47, CAUSE_ILLEGAL_INSTRUCTION, .hword 0x2000)  /* c.fld: no D extension */
  CHECK_MEM(trap_tval, 0x2000)
TEST_END

  .data
  .balign 4
buffer:
  .skip 128
