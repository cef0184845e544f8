/* Zifencei: code written by the program runs after fence.i: patched
 * immediates (32- and 16-bit), a function copied to data memory and
 * rewritten, a loop that patches itself every iteration, and an
 * instruction that straddles a page boundary being replaced. */
#include "evm-test.h"

/* Encodings used for patching. */
#define ADDI_A0_ZERO(imm) (((imm) << 20) | (10 << 7) | 0x13)       /* addi a0, zero, imm */
#define C_LI_A0(imm) (0x4001 | (10 << 7) | (((imm) & 0x1f) << 2))   /* c.li a0, imm (0..31) */
#define RET 0x00008067                                               /* jalr x0, 0(ra) */

TEST_BEGIN
  /* run a 32-bit instruction once, patch it, run it again */
test_1:
  li TESTNUM, 1
  jal patch_me
  CHECK(a0, 1)
  la a1, patch_me
  li a2, ADDI_A0_ZERO(2)
  sw a2, 0(a1)
  fence.i
  jal patch_me
  CHECK(a0, 2)
  /* a compressed instruction replaced by another one */
test_2:
  li TESTNUM, 2
  jal patch_me16
  CHECK(a0, 3)
  la a1, patch_me16
  li a2, C_LI_A0(17)
  sh a2, 0(a1)
  fence.i
  jal patch_me16
  CHECK(a0, 17)
  /* a function built in a data buffer, run, then rewritten and run again */
test_3:
  li TESTNUM, 3
  la s0, code_buffer
  li a2, ADDI_A0_ZERO(100)
  sw a2, 0(s0)
  li a2, RET
  sw a2, 4(s0)
  fence.i
  jalr s0
  CHECK(a0, 100)
  li a2, ADDI_A0_ZERO(-7)
  sw a2, 0(s0)
  fence.i
  jalr s0
  CHECK(a0, -7)
  /* a loop that rewrites its own addi before each run: sum of 1..20 */
test_4:
  li TESTNUM, 4
  li s1, 0          /* sum */
  li s2, 1          /* i */
  la s3, loop_insn
1:
  li a2, ADDI_A0_ZERO(0)
  slli a3, s2, 20
  or a2, a2, a3
  sw a2, 0(s3)
  fence.i
  jal loop_insn
  add s1, s1, a0
  addi s2, s2, 1
  li t0, 21
  bne s2, t0, 1b
  CHECK(s1, 210)
  /* an instruction whose halves lie on two pages: both rewritten */
test_5:
  li TESTNUM, 5
  la s0, straddle
  jalr s0
  CHECK(a0, 0x123)
  li a2, ADDI_A0_ZERO(0x456)
  sh a2, 0(s0)
  srli a2, a2, 16
  sh a2, 2(s0)
  fence.i
  jalr s0
  CHECK(a0, 0x456)
  /* only the upper half (on the second page) changes */
  li a2, ADDI_A0_ZERO(0x7ff)
  srli a2, a2, 16
  sh a2, 2(s0)
  fence.i
  jalr s0
  CHECK(a0, 0x7ff)
TEST_END

  .text
  .balign 4
patch_me:
  .option push
  .option norvc
  addi a0, zero, 1
  .option pop
  ret
patch_me16:
  c.li a0, 3
  ret
loop_insn:
  .option push
  .option norvc
  addi a0, zero, 0
  .option pop
  ret

  /* 2 bytes before a page boundary: a 32-bit addi that straddles it */
  .balign 4096
  .skip 4094
straddle:
  .option push
  .option norvc
  addi a0, zero, 0x123
  ret
  .option pop

  .data
  .balign 16
code_buffer:
  .skip 64
