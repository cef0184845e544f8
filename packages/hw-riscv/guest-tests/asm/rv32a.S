/* RV32A: LR/SC (success, failure without or after losing the reservation,
 * other address, changed word, traps) and every AMO with its old value and
 * the memory result, plus misaligned atomics trapping. */
#include "evm-test.h"

/* Memory holds `old`; `inst` with `value` must return old and leave `result`. */
#define TEST_AMO(n, inst, old, value, result) \
test_##n: \
  li TESTNUM, n; \
  la a1, word; \
  li a2, old; \
  sw a2, 0(a1); \
  li a3, value; \
  inst a0, a3, (a1); \
  li t6, old; \
  bne a0, t6, fail; \
  lw a0, 0(a1); \
  li t6, result; \
  bne a0, t6, fail;

TEST_BEGIN
  /* LR then SC to the same word succeeds (rd = 0) and writes */
test_1:
  li TESTNUM, 1
  la a1, word
  li a2, 0x1111
  sw a2, 0(a1)
  lr.w a0, (a1)
  CHECK(a0, 0x1111)
  li a3, 0x2222
  sc.w a4, a3, (a1)
  CHECK(a4, 0)
  lw a0, 0(a1)
  CHECK(a0, 0x2222)
  /* a second SC has no reservation left: fails with 1, no write */
test_2:
  li TESTNUM, 2
  li a3, 0x3333
  sc.w a4, a3, (a1)
  CHECK(a4, 1)
  lw a0, 0(a1)
  CHECK(a0, 0x2222)
  /* SC to another address than the LR's fails */
test_3:
  li TESTNUM, 3
  la a5, word2
  sw zero, 0(a5)
  lr.w a0, (a1)
  li a3, 0x4444
  sc.w a4, a3, (a5)
  CHECK(a4, 1)
  lw a0, 0(a5)
  CHECK(a0, 0)
  /* ... and that failed SC cleared the reservation */
  sc.w a4, a3, (a1)
  CHECK(a4, 1)
  /* a store that changes the reserved word makes SC fail (QEMU compares the value) */
test_4:
  li TESTNUM, 4
  lr.w a0, (a1)
  li a3, 0x5555
  sw a3, 0(a1)
  li a3, 0x6666
  sc.w a4, a3, (a1)
  CHECK(a4, 1)
  lw a0, 0(a1)
  CHECK(a0, 0x5555)
  /* a trap between LR and SC drops the reservation */
test_5:
  li TESTNUM, 5
  lr.w a0, (a1)
  la t0, 1f
  la t1, trap_resume
  sw t0, 0(t1)
  ecall
1:
  li a3, 0x7777
  sc.w a4, a3, (a1)
  CHECK(a4, 1)
  /* the aq/rl variants behave the same */
test_6:
  li TESTNUM, 6
  lr.w.aq a0, (a1)
  CHECK(a0, 0x5555)
  li a3, 0x8888
  sc.w.rl a4, a3, (a1)
  CHECK(a4, 0)
  lr.w.aqrl a0, (a1)
  CHECK(a0, 0x8888)
  sc.w.aqrl a4, zero, (a1)
  CHECK(a4, 0)
  lw a0, 0(a1)
  CHECK(a0, 0)
  /* SC's rd == rs2 */
test_7:
  li TESTNUM, 7
  lr.w a0, (a1)
  li a3, 0x99
  sc.w a3, a3, (a1)
  CHECK(a3, 0)
  lw a0, 0(a1)
  CHECK(a0, 0x99)
  /* a retry loop: atomic increment 100 times */
test_8:
  li TESTNUM, 8
  sw zero, 0(a1)
  li a5, 100
2:
  lr.w a0, (a1)
  addi a0, a0, 1
  sc.w a4, a0, (a1)
  bnez a4, 2b
  addi a5, a5, -1
  bnez a5, 2b
  lw a0, 0(a1)
  CHECK(a0, 100)

  /* misaligned LR traps with load-address-misaligned, mtval = address */
  EXPECT_TRAP(9, CAUSE_MISALIGNED_LOAD, la a1, word; addi a1, a1, 2; lr.w a0, (a1))
  lw t0, trap_tval
  bne t0, a1, fail
  /* a misaligned SC never writes: the spec makes it trap (either misaligned
   * cause is accepted); QEMU 7.2 checks the reservation address first and
   * just fails it */
test_10:
  li TESTNUM, 10
  la t0, 1f
  la t1, trap_resume
  sw t0, 0(t1)
  la a1, word
  sw zero, 0(a1)
  sw zero, 4(a1)
  addi a1, a1, 1
  li a0, -1
  sc.w a0, a0, (a1)
  la t1, trap_resume
  sw zero, 0(t1)
  CHECK(a0, 1)
  j 3f
1:
  lw t0, trap_cause
  li t6, CAUSE_MISALIGNED_STORE
  beq t0, t6, 2f
  li t6, CAUSE_MISALIGNED_LOAD
  bne t0, t6, fail
2:
  lw t0, trap_tval
  bne t0, a1, fail
3:
  lw a0, word
  CHECK(a0, 0)
  lw a0, word2
  CHECK(a0, 0)
  /* misaligned AMOs trap (QEMU 7.2 reports load-address-misaligned, the spec
   * store/AMO-address-misaligned: either is accepted) */
  EXPECT_TRAP_EITHER(11, CAUSE_MISALIGNED_STORE, CAUSE_MISALIGNED_LOAD, la a1, word; sw zero, 0(a1); addi a1, a1, 2; li a2, 1; amoadd.w a0, a2, (a1))
  lw t0, trap_tval
  bne t0, a1, fail
  /* nothing was written */
  lw a0, word
  CHECK(a0, 0)
  /* an AMO to an unmapped address is an access fault (store/AMO by the
   * spec, load on QEMU 7.2) */
  EXPECT_TRAP_EITHER(12, CAUSE_STORE_ACCESS, CAUSE_LOAD_ACCESS, li a1, UNMAPPED_ADDR; amoor.w a0, a2, (a1))
  CHECK_MEM(trap_tval, UNMAPPED_ADDR)
  /* rd = x0 still updates memory */
test_13:
  li TESTNUM, 13
  la a1, word
  li a2, 40
  sw a2, 0(a1)
  li a3, 2
  amoadd.w x0, a3, (a1)
  lw a0, 0(a1)
  CHECK(a0, 42)
  /* rd == rs2: rd gets the old value */
test_14:
  li TESTNUM, 14
  li a3, 7
  amoswap.w a3, a3, (a1)
  CHECK(a3, 42)
  lw a0, 0(a1)
  CHECK(a0, 7)

  TEST_AMO(40, amoswap.w, 0x80000000, 0x7fffffff, 0x7fffffff)
  TEST_AMO(41, amoswap.w, 0xfffffff0, 0x00000010, 0x00000010)
  TEST_AMO(42, amoswap.w, 0x12345678, 0x0f0f0f0f, 0x0f0f0f0f)
  TEST_AMO(43, amoswap.w, 0x00000005, 0x00000005, 0x00000005)
  TEST_AMO(44, amoadd.w, 0x80000000, 0x7fffffff, 0xffffffff)
  TEST_AMO(45, amoadd.w, 0xfffffff0, 0x00000010, 0x00000000)
  TEST_AMO(46, amoadd.w, 0x12345678, 0x0f0f0f0f, 0x21436587)
  TEST_AMO(47, amoadd.w, 0x00000005, 0x00000005, 0x0000000a)
  TEST_AMO(48, amoxor.w, 0x80000000, 0x7fffffff, 0xffffffff)
  TEST_AMO(49, amoxor.w, 0xfffffff0, 0x00000010, 0xffffffe0)
  TEST_AMO(50, amoxor.w, 0x12345678, 0x0f0f0f0f, 0x1d3b5977)
  TEST_AMO(51, amoxor.w, 0x00000005, 0x00000005, 0x00000000)
  TEST_AMO(52, amoand.w, 0x80000000, 0x7fffffff, 0x00000000)
  TEST_AMO(53, amoand.w, 0xfffffff0, 0x00000010, 0x00000010)
  TEST_AMO(54, amoand.w, 0x12345678, 0x0f0f0f0f, 0x02040608)
  TEST_AMO(55, amoand.w, 0x00000005, 0x00000005, 0x00000005)
  TEST_AMO(56, amoor.w, 0x80000000, 0x7fffffff, 0xffffffff)
  TEST_AMO(57, amoor.w, 0xfffffff0, 0x00000010, 0xfffffff0)
  TEST_AMO(58, amoor.w, 0x12345678, 0x0f0f0f0f, 0x1f3f5f7f)
  TEST_AMO(59, amoor.w, 0x00000005, 0x00000005, 0x00000005)
  TEST_AMO(60, amomin.w, 0x80000000, 0x7fffffff, 0x80000000)
  TEST_AMO(61, amomin.w, 0xfffffff0, 0x00000010, 0xfffffff0)
  TEST_AMO(62, amomin.w, 0x12345678, 0x0f0f0f0f, 0x0f0f0f0f)
  TEST_AMO(63, amomin.w, 0x00000005, 0x00000005, 0x00000005)
  TEST_AMO(64, amomax.w, 0x80000000, 0x7fffffff, 0x7fffffff)
  TEST_AMO(65, amomax.w, 0xfffffff0, 0x00000010, 0x00000010)
  TEST_AMO(66, amomax.w, 0x12345678, 0x0f0f0f0f, 0x12345678)
  TEST_AMO(67, amomax.w, 0x00000005, 0x00000005, 0x00000005)
  TEST_AMO(68, amominu.w, 0x80000000, 0x7fffffff, 0x7fffffff)
  TEST_AMO(69, amominu.w, 0xfffffff0, 0x00000010, 0x00000010)
  TEST_AMO(70, amominu.w, 0x12345678, 0x0f0f0f0f, 0x0f0f0f0f)
  TEST_AMO(71, amominu.w, 0x00000005, 0x00000005, 0x00000005)
  TEST_AMO(72, amomaxu.w, 0x80000000, 0x7fffffff, 0x80000000)
  TEST_AMO(73, amomaxu.w, 0xfffffff0, 0x00000010, 0xfffffff0)
  TEST_AMO(74, amomaxu.w, 0x12345678, 0x0f0f0f0f, 0x12345678)
  TEST_AMO(75, amomaxu.w, 0x00000005, 0x00000005, 0x00000005)
  TEST_AMO(76, amoadd.w.aq, 1, 2, 3)
  TEST_AMO(77, amoadd.w.rl, 1, 2, 3)
  TEST_AMO(78, amoadd.w.aqrl, 1, 2, 3)
TEST_END

  .data
  .balign 8
word: .word 0
word2: .word 0
