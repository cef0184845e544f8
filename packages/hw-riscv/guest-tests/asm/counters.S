/* Counters: cycle/instret/time and their high halves readable and
 * monotonic (64-bit), time agreeing with the CLINT's mtime, mcycle/minstret
 * writable, and U/S-mode access gated by mcounteren and scounteren. */
#include "evm-test.h"

/* Reads a 64-bit counter consistently into hi:lo (clobbers t0). */
#define READ64(hi, lo, csr_lo, csr_hi) \
1: \
  csrr hi, csr_hi; \
  csrr lo, csr_lo; \
  csrr t0, csr_hi; \
  bne hi, t0, 1b;

/* Fails unless hi2:lo2 >= hi1:lo1 (strict when `strict` is 1). */
#define CHECK_GE64(hi1, lo1, hi2, lo2, strict) \
  bltu hi2, hi1, fail; \
  bne hi2, hi1, 2f; \
  .if strict; \
  bgeu lo1, lo2, fail; \
  .else; \
  bltu lo2, lo1, fail; \
  .endif; \
2:

/* A counter read 64 times never goes backwards and moves overall. */
#define TEST_MONOTONIC(n, csr_lo, csr_hi) \
test_##n: \
  li TESTNUM, n; \
  READ64(s2, s3, csr_lo, csr_hi) \
  mv s0, s2; \
  mv s1, s3; \
  li s4, 64; \
3: \
  READ64(s6, s7, csr_lo, csr_hi) \
  CHECK_GE64(s2, s3, s6, s7, 0) \
  mv s2, s6; \
  mv s3, s7; \
  li a5, 200; \
4: \
  addi a5, a5, -1; \
  bnez a5, 4b; \
  addi s4, s4, -1; \
  bnez s4, 3b; \
  CHECK_GE64(s0, s1, s2, s3, 1)

TEST_BEGIN
  PMP_ALLOW_ALL
  TEST_MONOTONIC(1, cycle, cycleh)
  TEST_MONOTONIC(2, instret, instreth)
  TEST_MONOTONIC(3, mcycle, mcycleh)
  TEST_MONOTONIC(4, minstret, minstreth)
  TEST_MONOTONIC(5, time, timeh)

  /* instret counts at least the instructions in between */
test_6:
  li TESTNUM, 6
  csrr s0, minstret
  .rept 100
  nop
  .endr
  csrr s1, minstret
  sub a0, s1, s0
  li t0, 100
  bltu a0, t0, fail

  /* time reads the CLINT's mtime: time1 <= mtime <= time2 */
test_7:
  li TESTNUM, 7
  li a1, CLINT_MTIME
  READ64(s0, s1, time, timeh)
5:
  lw s2, 4(a1)
  lw s3, 0(a1)
  lw t0, 4(a1)
  bne s2, t0, 5b
  READ64(s4, s5, time, timeh)
  CHECK_GE64(s0, s1, s2, s3, 0)
  CHECK_GE64(s2, s3, s4, s5, 0)

  /* mcycle and minstret are writable and count on from the written value */
test_8:
  li TESTNUM, 8
  csrw mcycle, zero
  li t0, 5
  csrw mcycleh, t0
  li t0, 0x1000
  csrw mcycle, t0
  READ64(s0, s1, mcycle, mcycleh)
  CHECK(s0, 5)
  li t0, 0x1000
  bltu s1, t0, fail
  li t0, 0x1000 + 1000000
  bgeu s1, t0, fail
test_9:
  li TESTNUM, 9
  csrw minstret, zero
  csrw minstreth, zero
  li t0, 0x2000
  csrw minstret, t0
  READ64(s0, s1, minstret, minstreth)
  CHECK(s0, 0)
  li t0, 0x2000
  bltu s1, t0, fail
  li t0, 0x2000 + 1000000
  bgeu s1, t0, fail
  /* the user-level names show the machine counters */
  READ64(s2, s3, instret, instreth)
  CHECK_GE64(s0, s1, s2, s3, 0)

  /* S-mode reads counters only with mcounteren's bit */
  csrw mcounteren, zero
  csrw scounteren, zero
  EXPECT_TRAP(10, CAUSE_ILLEGAL_INSTRUCTION, ENTER_MODE(1, read_cycle))
  EXPECT_TRAP(11, CAUSE_ILLEGAL_INSTRUCTION, ENTER_MODE(1, read_time))
  li t0, 7
  csrw mcounteren, t0
  EXPECT_TRAP(12, CAUSE_SUPERVISOR_ECALL, ENTER_MODE(1, read_cycle))
  EXPECT_TRAP(13, CAUSE_SUPERVISOR_ECALL, ENTER_MODE(1, read_instret))
  EXPECT_TRAP(14, CAUSE_SUPERVISOR_ECALL, ENTER_MODE(1, read_time))
  /* U-mode needs scounteren's bit as well */
  EXPECT_TRAP(15, CAUSE_ILLEGAL_INSTRUCTION, ENTER_MODE(0, read_cycle))
  EXPECT_TRAP(16, CAUSE_ILLEGAL_INSTRUCTION, ENTER_MODE(0, read_instret))
  li t0, 7
  csrw scounteren, t0
  EXPECT_TRAP(17, CAUSE_USER_ECALL, ENTER_MODE(0, read_cycle))
  EXPECT_TRAP(18, CAUSE_USER_ECALL, ENTER_MODE(0, read_instret))
  EXPECT_TRAP(19, CAUSE_USER_ECALL, ENTER_MODE(0, read_time))
  /* each bit gates only its counter: CY alone */
  li t0, 1
  csrw scounteren, t0
  EXPECT_TRAP(20, CAUSE_USER_ECALL, ENTER_MODE(0, read_cycle))
  EXPECT_TRAP(21, CAUSE_ILLEGAL_INSTRUCTION, ENTER_MODE(0, read_instret))
  /* machine counters stay M-only */
  li t0, 7
  csrw scounteren, t0
  EXPECT_TRAP(22, CAUSE_ILLEGAL_INSTRUCTION, ENTER_MODE(1, read_mcycle))
  csrw mcounteren, zero
  csrw scounteren, zero
TEST_END

read_cycle:
  rdcycle a0
  rdcycleh a0
  ecall
read_instret:
  rdinstret a0
  rdinstreth a0
  ecall
read_time:
  rdtime a0
  rdtimeh a0
  ecall
read_mcycle:
  csrr a0, mcycle
  ecall
