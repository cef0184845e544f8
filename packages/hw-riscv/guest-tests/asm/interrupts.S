/* Machine interrupts from the CLINT: the timer (mtimecmp against mtime, MTIP
 * following it), the software interrupt (msip), mie masking, priority (MSI
 * before MTI), wfi waking with interrupts globally off and on, and vectored
 * mtvec (interrupts at base + 4 * cause, exceptions at base). Every wait is
 * bounded, so a missing interrupt fails instead of hanging. */
#include "evm-test.h"

#define MTIP (1 << IRQ_M_TIMER)
#define MSIP (1 << IRQ_M_SOFT)
/* Waits are bounded by machine time, not iterations: half a second of
 * mtime (10 MHz), however fast or loaded the machine running the test is. */
#define WAIT_TICKS 5000000
/* a4 = the deadline; a3, a5 scratch. */
#define DEADLINE_START \
  li a3, CLINT_MTIME; \
  lw a4, 0(a3); \
  li a5, WAIT_TICKS; \
  add a4, a4, a5;
/* Falls into fail once mtime passed the deadline (wrap-safe: sign of the difference). */
#define DEADLINE_CHECK \
  lw a5, 0(a3); \
  sub a5, a5, a4; \
  bgez a5, fail;

/* Waits for the armed trap until the deadline; falls into fail after. */
#define SPIN_FOR_TRAP \
  DEADLINE_START \
1: \
  DEADLINE_CHECK \
  j 1b;

TEST_BEGIN
  jal timer_off
  /* mtime advances */
test_1:
  li TESTNUM, 1
  li a1, CLINT_MTIME
  lw s0, 0(a1)
  li a5, 100000
1:
  lw a0, 0(a1)
  bne a0, s0, 2f
  addi a5, a5, -1
  bnez a5, 1b
  j fail
2:
  /* MTIP follows mtimecmp: pending once it is due, clear when moved away */
test_2:
  li TESTNUM, 2
  csrr a0, mip
  andi a0, a0, MTIP
  CHECK(a0, 0)
  li a0, 0
  jal timer_in          /* due now */
  DEADLINE_START
1:
  csrr a0, mip
  andi a0, a0, MTIP
  bnez a0, 2f
  DEADLINE_CHECK
  j 1b
2:
  jal timer_off
  csrr a0, mip
  andi a0, a0, MTIP
  CHECK(a0, 0)

  /* a pending timer with MTIE clear is not taken, even with MIE */
test_3:
  li TESTNUM, 3
  csrw mie, zero
  li a0, 0
  jal timer_in
  csrsi mstatus, MSTATUS_MIE
  li a5, 1000
1:
  addi a5, a5, -1
  bnez a5, 1b
  csrci mstatus, MSTATUS_MIE
  jal timer_off

  /* the timer interrupt: cause 0x80000007, mepc in the spin loop */
  li a0, 1000           /* 100 us at 10 MHz */
  jal timer_in
  li t0, MTIP
  csrw mie, t0
  EXPECT_TRAP(4, CAUSE_INTERRUPT | IRQ_M_TIMER, csrsi mstatus, MSTATUS_MIE; SPIN_FOR_TRAP)
  CHECK_MEM(trap_tval, 0)
  lw t0, trap_status
  andi t0, t0, MSTATUS_MPIE | MSTATUS_MIE
  CHECK(t0, MSTATUS_MPIE)
  jal timer_off
  csrw mie, zero

  /* the software interrupt through msip */
test_5:
  li TESTNUM, 5
  li a1, CLINT_MSIP
  li t0, 1
  sw t0, 0(a1)
  lw a0, 0(a1)
  CHECK(a0, 1)
  csrr a0, mip
  andi a0, a0, MSIP
  CHECK(a0, MSIP)
  li t0, MSIP
  csrw mie, t0
  EXPECT_TRAP(6, CAUSE_INTERRUPT | IRQ_M_SOFT, csrsi mstatus, MSTATUS_MIE; SPIN_FOR_TRAP)
  li a1, CLINT_MSIP
  sw zero, 0(a1)
  csrr a0, mip
  andi a0, a0, MSIP
  li TESTNUM, 7
  CHECK(a0, 0)

  /* both pending: the software interrupt wins */
test_8:
  li TESTNUM, 8
  li a0, 0
  jal timer_in
  DEADLINE_START
1:
  csrr a0, mip
  andi a0, a0, MTIP
  bnez a0, 2f
  DEADLINE_CHECK
  j 1b
2:
  li a1, CLINT_MSIP
  li t0, 1
  sw t0, 0(a1)
  li t0, MSIP | MTIP
  csrw mie, t0
  EXPECT_TRAP(9, CAUSE_INTERRUPT | IRQ_M_SOFT, csrsi mstatus, MSTATUS_MIE; SPIN_FOR_TRAP)
  li a1, CLINT_MSIP
  sw zero, 0(a1)
  EXPECT_TRAP(10, CAUSE_INTERRUPT | IRQ_M_TIMER, csrsi mstatus, MSTATUS_MIE; SPIN_FOR_TRAP)
  jal timer_off
  csrw mie, zero

  /* wfi with MIE clear: wakes when the timer is due and goes on, no trap */
test_11:
  li TESTNUM, 11
  li a0, 2000
  jal timer_in
  li t0, MTIP
  csrw mie, t0
  DEADLINE_START
1:
  wfi
  csrr a0, mip
  andi a0, a0, MTIP
  bnez a0, 2f
  DEADLINE_CHECK         /* wfi may return early: retry until the deadline */
  j 1b
2:
  jal timer_off
  /* wfi with MIE set: the interrupt is taken, mepc after the wfi */
test_12:
  li TESTNUM, 12
  li a0, 2000
  jal timer_in
  la t0, 3f
  la t1, trap_resume
  sw t0, 0(t1)
  la s1, 2f
  csrsi mstatus, MSTATUS_MIE
  DEADLINE_START
1:
  wfi
2:
  DEADLINE_CHECK
  j 1b
3:
  CHECK_MEM(trap_cause, CAUSE_INTERRUPT | IRQ_M_TIMER)
  lw t0, trap_epc
  bne t0, s1, fail
  jal timer_off
  csrw mie, zero

  /* vectored mtvec: interrupts jump to base + 4 * cause, exceptions to base */
test_13:
  li TESTNUM, 13
  la t0, vector_table
  ori t0, t0, 1
  csrw mtvec, t0
  csrr a0, mtvec
  bne a0, t0, fail
  la t0, vector_hit
  sw zero, 0(t0)
  li a0, 1000
  jal timer_in
  li t0, MTIP
  csrw mie, t0
  EXPECT_TRAP(14, CAUSE_INTERRUPT | IRQ_M_TIMER, csrsi mstatus, MSTATUS_MIE; SPIN_FOR_TRAP)
  CHECK_MEM(vector_hit, 7)
  jal timer_off
  li t0, MSIP
  csrw mie, t0
  li a1, CLINT_MSIP
  li t0, 1
  sw t0, 0(a1)
  EXPECT_TRAP(15, CAUSE_INTERRUPT | IRQ_M_SOFT, csrsi mstatus, MSTATUS_MIE; SPIN_FOR_TRAP)
  CHECK_MEM(vector_hit, 3)
  li a1, CLINT_MSIP
  sw zero, 0(a1)
  csrw mie, zero
  la t0, vector_hit
  sw zero, 0(t0)
  EXPECT_TRAP(16, CAUSE_MACHINE_ECALL, ecall)
  CHECK_MEM(vector_hit, 0)
  la t0, trap_default
  csrw mtvec, t0
TEST_END

/* timer_in(a0 = ticks): mtimecmp = mtime + a0, written so it never passes
 * through an early value (clobbers t0-t2, a1, a2) */
timer_in:
  li a1, CLINT_MTIME
1:
  lw t1, 4(a1)
  lw t0, 0(a1)
  lw t2, 4(a1)
  bne t1, t2, 1b
  add a2, t0, a0
  sltu t0, a2, t0
  add t1, t1, t0
  li a1, CLINT_MTIMECMP
  li t0, -1
  sw t0, 4(a1)
  sw a2, 0(a1)
  sw t1, 4(a1)
  ret

/* timer_off: mtimecmp = the maximum (clobbers t0, a1) */
timer_off:
  li a1, CLINT_MTIMECMP
  li t0, -1
  sw t0, 4(a1)
  sw t0, 0(a1)
  ret

/* Vectored entries: 4-byte jumps, so no compressed forms here. */
  .option push
  .option norvc
  .balign 256
vector_table:
  j trap_default        /* 0: exceptions */
  j vector_bad
  j vector_bad
  j vector_msi          /* 3 */
  j vector_bad
  j vector_bad
  j vector_bad
  j vector_mti          /* 7 */
  j vector_bad
  j vector_bad
  j vector_bad
  j vector_bad
  .option pop
vector_msi:
  li t4, 3
  j vector_record
vector_mti:
  li t4, 7
vector_record:
  la t5, vector_hit
  sw t4, 0(t5)
  j trap_default
vector_bad:
  j trap_unexpected

  .data
  .balign 4
vector_hit:
  .word 0
