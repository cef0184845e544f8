/* RV32I conditional branches, jal and jalr. */
#include "evm-test.h"

TEST_BEGIN
  .option norvc /* the 32-bit encodings; rv32c.S covers the compressed ones */
  TEST_BR_TAKEN(1, beq, 0, 0)
  TEST_BR_TAKEN(2, beq, -1, -1)
  TEST_BR_NOT_TAKEN(3, beq, 0, 1)
  TEST_BR_NOT_TAKEN(4, beq, 0x80000000, 0)
  TEST_BR_TAKEN(5, bne, 0, 1)
  TEST_BR_TAKEN(6, bne, 0x80000000, 0)
  TEST_BR_NOT_TAKEN(7, bne, 7, 7)
  TEST_BR_TAKEN(8, blt, -1, 0)
  TEST_BR_TAKEN(9, blt, 0x80000000, 0x7fffffff)
  TEST_BR_NOT_TAKEN(10, blt, 0, -1)
  TEST_BR_NOT_TAKEN(11, blt, 5, 5)
  TEST_BR_TAKEN(12, bge, 0, -1)
  TEST_BR_TAKEN(13, bge, 5, 5)
  TEST_BR_TAKEN(14, bge, 0x7fffffff, 0x80000000)
  TEST_BR_NOT_TAKEN(15, bge, -1, 0)
  TEST_BR_TAKEN(16, bltu, 0, -1)
  TEST_BR_TAKEN(17, bltu, 0x7fffffff, 0x80000000)
  TEST_BR_NOT_TAKEN(18, bltu, -1, 0)
  TEST_BR_NOT_TAKEN(19, bltu, 3, 3)
  TEST_BR_TAKEN(20, bgeu, -1, 0)
  TEST_BR_TAKEN(21, bgeu, 3, 3)
  TEST_BR_NOT_TAKEN(22, bgeu, 0, 0x80000000)

  /* backward branch: a counted loop runs exactly 10 times */
  TEST_CASE(23, a0, 10, li a0, 0; li a1, 10; 1: addi a0, a0, 1; addi a1, a1, -1; bnez a1, 1b)

  /* branch offsets near the +-4 KiB limit */
test_24:
  li TESTNUM, 24
  beq x0, x0, 1f
  j fail
  .skip 4080
1:
  j 2f
3:
  j 4f
  .skip 4076
2:
  beq x0, x0, 3b
  j fail
4:

  /* jal links the address of the next instruction */
test_25:
  li TESTNUM, 25
  la a1, 1f
  jal ra, 2f
1:
  j fail
2:
  bne ra, a1, fail
  /* jal x0 does not link */
  TEST_CASE(26, a0, 0, li a0, 0; jal x0, 1f; li a0, 1; 1: )

  /* jalr: target = (rs1 + imm) with bit 0 cleared; rd gets pc + 4 */
test_27:
  li TESTNUM, 27
  la a1, 1f
  la a2, 2f
  jalr ra, 0(a2)
1:
  j fail
2:
  bne ra, a1, fail
test_28:
  li TESTNUM, 28
  la a2, 2f
  addi a2, a2, -3
  jalr ra, 3(a2)
  j fail
2:
test_29:
  li TESTNUM, 29
  la a2, 2f
  addi a2, a2, 1       /* odd target: bit 0 is ignored */
  jalr ra, 0(a2)
  j fail
  .balign 4
2:
  /* rd == rs1: the target uses the old value */
test_30:
  li TESTNUM, 30
  la a1, 1f
  la ra, 2f
  jalr ra, 0(ra)
1:
  j fail
2:
  bne ra, a1, fail
  /* negative offset */
test_31:
  li TESTNUM, 31
  la a2, 2f
  addi a2, a2, 16
  jalr x0, -16(a2)
  j fail
2:

  /* call/return through a small recursive function: fib(10) = 55 */
  TEST_CASE(32, a0, 55, li a0, 10; jal fib)
  j 9f

fib:
  li t0, 2
  blt a0, t0, 1f
  addi sp, sp, -16
  sw ra, 12(sp)
  sw s0, 8(sp)
  sw s1, 4(sp)
  mv s0, a0
  addi a0, a0, -1
  jal fib
  mv s1, a0
  addi a0, s0, -2
  jal fib
  add a0, a0, s1
  lw ra, 12(sp)
  lw s0, 8(sp)
  lw s1, 4(sp)
  addi sp, sp, 16
1:
  ret
9:
TEST_END
