/* RV32I register and immediate arithmetic, logic, shifts, comparisons, lui and auipc. */
#include "evm-test.h"

TEST_BEGIN
  .option norvc /* the 32-bit encodings; rv32c.S covers the compressed ones */
  /* add / sub: wrap-around at 32 bits */
  TEST_RR_OP(1, add, 0x00000000, 0x00000000, 0x00000000)
  TEST_RR_OP(2, add, 0x0000000a, 0x00000003, 0x00000007)
  TEST_RR_OP(3, add, 0x80000000, 0x7fffffff, 0x00000001)
  TEST_RR_OP(4, add, 0x00000000, 0xffffffff, 0x00000001)
  TEST_RR_OP(5, add, 0xfffffffe, 0xffffffff, 0xffffffff)
  TEST_RR_OP(6, sub, 0xfffffffc, 0x00000003, 0x00000007)
  TEST_RR_OP(7, sub, 0x7fffffff, 0x80000000, 0x00000001)
  TEST_RR_OP(8, sub, 0x00000000, 0x12345678, 0x12345678)
  TEST_RR_SRC1_EQ_DEST(9, add, 24, 13, 11)
  TEST_RR_SRC2_EQ_DEST(10, sub, 2, 13, 11)
  TEST_RR_SRC12_EQ_DEST(11, add, 26, 13)
  TEST_RR_ZERODEST(12, add, 5, 6)

  /* logic */
  TEST_RR_OP(13, and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f)
  TEST_RR_OP(14, or,  0xff0fff0f, 0xff00ff00, 0x0f0f0f0f)
  TEST_RR_OP(15, xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f)
  TEST_IMM_OP(16, andi, 0x00000700, 0xff00ff00, 0x70f)
  TEST_IMM_OP(17, andi, 0xff00ff00, 0xff00ff00, -1)
  TEST_IMM_OP(18, ori,  0xfffffff0, 0x00ff00f0, -16)
  TEST_IMM_OP(19, ori,  0x00ff07ff, 0x00ff00f0, 0x7ff)
  TEST_IMM_OP(20, xori, 0xff00f00f, 0x00ff0ff0, -1)
  TEST_IMM_OP(21, xori, 0x00ff08f0, 0x00ff0ff0, 0x700)

  /* immediates are sign-extended 12-bit values */
  TEST_IMM_OP(22, addi, 0x000007ff, 0x00000000, 0x7ff)
  TEST_IMM_OP(23, addi, 0xfffff800, 0x00000000, -0x800)
  TEST_IMM_OP(24, addi, 0x7ffff800, 0x80000000, -0x800)
  TEST_IMM_OP(25, addi, 0x80000000, 0x7fffffff, 1)
  TEST_CASE(26, x0, 0, addi x0, x0, 1234)

  /* shifts: only the low five bits of the amount count */
  TEST_RR_OP(27, sll, 0x80000000, 0x00000001, 31)
  TEST_RR_OP(28, sll, 0x00000002, 0x00000001, 33)
  TEST_RR_OP(29, sll, 0x21212121, 0x21212121, 0xffffffe0)
  TEST_RR_OP(30, srl, 0x00000001, 0x80000000, 31)
  TEST_RR_OP(31, srl, 0x40000000, 0x80000000, 0xffffffe1)
  TEST_RR_OP(32, sra, 0xffffffff, 0x80000000, 31)
  TEST_RR_OP(33, sra, 0xc0000000, 0x80000000, 1)
  TEST_RR_OP(34, sra, 0x3fffffff, 0x7fffffff, 1)
  TEST_RR_OP(35, sra, 0x81818181, 0x81818181, 0xffffffc0)
  TEST_IMM_OP(36, slli, 0x00004000, 0x00000001, 14)
  TEST_IMM_OP(37, slli, 0x42424240, 0x21212120, 1)
  TEST_IMM_OP(38, srli, 0x01ffffff, 0xffffffff, 7)
  TEST_IMM_OP(39, srli, 0xffffffff, 0xffffffff, 0)
  TEST_IMM_OP(40, srai, 0xff000000, 0x80000000, 7)
  TEST_IMM_OP(41, srai, 0x00ffffff, 0x7fffffff, 7)
  TEST_IMM_OP(42, srai, 0xffffffff, 0x80000001, 31)

  /* comparisons */
  TEST_RR_OP(43, slt, 1, 0x80000000, 0x00000000)
  TEST_RR_OP(44, slt, 0, 0x00000000, 0x80000000)
  TEST_RR_OP(45, slt, 0, 0x00000005, 0x00000005)
  TEST_RR_OP(46, slt, 1, 0xffffffff, 0x00000001)
  TEST_RR_OP(47, sltu, 0, 0x80000000, 0x00000000)
  TEST_RR_OP(48, sltu, 1, 0x00000000, 0x80000000)
  TEST_RR_OP(49, sltu, 0, 0xffffffff, 0x00000001)
  TEST_RR_OP(50, sltu, 1, 0x00000000, 0x00000001)
  TEST_IMM_OP(51, slti, 1, 0xfffffffe, -1)
  TEST_IMM_OP(52, slti, 0, 0x00000000, -1)
  TEST_IMM_OP(53, slti, 1, 0x000007fe, 0x7ff)
  /* sltiu compares with the sign-extended immediate as unsigned */
  TEST_IMM_OP(54, sltiu, 1, 0x7fffffff, -1)
  TEST_IMM_OP(55, sltiu, 0, 0xffffffff, -1)
  TEST_IMM_OP(56, sltiu, 1, 0x00000000, 1)
  TEST_IMM_OP(57, sltiu, 0, 0x00000001, 1)
  /* snez: sltu rd, x0, rs */
  TEST_CASE(58, a0, 1, li a1, -5; sltu a0, x0, a1)
  TEST_CASE(59, a0, 0, li a1, 0; sltu a0, x0, a1)

  /* lui fills the upper 20 bits */
  TEST_CASE(60, a0, 0x00000000, lui a0, 0)
  TEST_CASE(61, a0, 0xfffff000, lui a0, 0xfffff)
  TEST_CASE(62, a0, 0x7ffff000, lui a0, 0x7ffff)
  TEST_CASE(63, a0, 0x80000000, lui a0, 0x80000)
  TEST_CASE(64, a0, 0xfffff800, lui a0, 0xfffff; srai a0, a0, 1)

  /* auipc adds to its own address */
test_65:
  li TESTNUM, 65
  la a1, 1f
1:
  auipc a0, 0
  bne a0, a1, fail
test_66:
  li TESTNUM, 66
  la a1, 1f
1:
  auipc a0, 0x12345
  sub a0, a0, a1
  CHECK(a0, 0x12345000)
test_67:
  li TESTNUM, 67
  la a1, 1f
1:
  auipc a0, 0xfffff
  sub a0, a1, a0
  CHECK(a0, 0x1000)

  /* x0 stays zero whatever is written */
  TEST_CASE(68, x0, 0, lui x0, 0x12345; auipc x0, 1; ori x0, x0, 7)
TEST_END
