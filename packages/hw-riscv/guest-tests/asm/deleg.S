/* Trap delegation to S-mode: medeleg (U ecall, S illegal instruction; never
 * for traps taken in M-mode), mideleg (supervisor software interrupt: taken
 * in S-mode with SIE, always in U-mode, never in M-mode), sret's mstatus
 * stack, and undelegated S interrupts going to M-mode whatever MIE says.
 * The S-mode handler logs scause/sepc/stval/sstatus and ecalls to M-mode. */
#include "evm-test.h"

#define SSIP (1 << IRQ_S_SOFT)

/* Clears the S-mode log. */
#define CLEAR_SLOG \
  la t0, s_log; \
  sw zero, 0(t0); \
  sw zero, 4(t0); \
  sw zero, 8(t0); \
  sw zero, 12(t0);

TEST_BEGIN
  PMP_ALLOW_ALL
  la t0, s_handler
  csrw stvec, t0
  li t0, (1 << CAUSE_USER_ECALL) | (1 << CAUSE_ILLEGAL_INSTRUCTION)
  csrw medeleg, t0
  csrr a0, medeleg
  and a0, a0, t0
  li TESTNUM, 1
  CHECK(a0, (1 << CAUSE_USER_ECALL) | (1 << CAUSE_ILLEGAL_INSTRUCTION))

  /* U-mode ecall goes to the S handler (cause 8, SPP = U); its ecall reaches M */
  CLEAR_SLOG
  EXPECT_TRAP(2, CAUSE_SUPERVISOR_ECALL, ENTER_MODE(1, s_enter_user))
  CHECK_MEM(s_log, CAUSE_USER_ECALL)
  la a1, u_ecall
  lw t0, s_log + 4
  bne t0, a1, fail
  lw t0, s_log + 12
  andi t0, t0, MSTATUS_SPP
  CHECK(t0, 0)
  /* the S handler's own ecall came from S-mode at its address */
  la a1, s_handler_ecall
  lw t0, trap_epc
  bne t0, a1, fail

  /* an illegal instruction in S-mode: delegated, stval = the bits, SPP = S */
  CLEAR_SLOG
  EXPECT_TRAP(3, CAUSE_SUPERVISOR_ECALL, ENTER_MODE(1, s_illegal))
  CHECK_MEM(s_log, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_MEM(s_log + 8, 0x1234500b)
  lw t0, s_log + 12
  andi t0, t0, MSTATUS_SPP
  CHECK(t0, MSTATUS_SPP)
  /* ... and in U-mode */
  CLEAR_SLOG
  EXPECT_TRAP(4, CAUSE_SUPERVISOR_ECALL, ENTER_MODE(0, s_illegal))
  CHECK_MEM(s_log, CAUSE_ILLEGAL_INSTRUCTION)
  /* the same trap in M-mode stays in M-mode */
  CLEAR_SLOG
  EXPECT_TRAP(5, CAUSE_ILLEGAL_INSTRUCTION, .word 0x1234500b)
  CHECK_MEM(s_log, 0)
  /* the S trap saved SIE in SPIE and cleared SIE */
  CLEAR_SLOG
  EXPECT_TRAP(6, CAUSE_SUPERVISOR_ECALL, csrsi mstatus, MSTATUS_SIE; ENTER_MODE(1, s_illegal))
  lw t0, s_log + 12
  andi t0, t0, MSTATUS_SIE | MSTATUS_SPIE
  CHECK(t0, MSTATUS_SPIE)

  /* sret: back to SPP's mode, SIE = SPIE, SPIE = 1, SPP = U */
  EXPECT_TRAP(7, CAUSE_SUPERVISOR_ECALL, ENTER_MODE(1, s_sret_to_s))
  lw t0, trap_status
  andi t0, t0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP
  CHECK(t0, MSTATUS_SIE | MSTATUS_SPIE)
  la a1, s_after_sret
  lw t0, trap_epc
  bne t0, a1, fail
  csrci mstatus, MSTATUS_SIE
  /* sret to U-mode: the ecall is then delegated to S */
  CLEAR_SLOG
  EXPECT_TRAP(8, CAUSE_SUPERVISOR_ECALL, ENTER_MODE(1, s_enter_user))
  CHECK_MEM(s_log, CAUSE_USER_ECALL)

  /* delegated supervisor software interrupt */
  li t0, SSIP
  csrw mideleg, t0
  csrw mie, t0
  /* in S-mode with SIE: taken by the S handler */
  CLEAR_SLOG
  EXPECT_TRAP(9, CAUSE_SUPERVISOR_ECALL, csrsi mip, SSIP; csrsi mstatus, MSTATUS_SIE; ENTER_MODE(1, s_spin_then_ecall))
  CHECK_MEM(s_log, CAUSE_INTERRUPT | IRQ_S_SOFT)
  csrr a0, mip
  andi a0, a0, SSIP
  CHECK(a0, 0)
  /* in S-mode without SIE: not taken */
  CLEAR_SLOG
  EXPECT_TRAP(10, CAUSE_SUPERVISOR_ECALL, csrci mstatus, MSTATUS_SIE; csrsi mip, SSIP; ENTER_MODE(1, s_spin_then_ecall))
  CHECK_MEM(s_log, 0)
  lw t0, trap_epc
  la a1, s_spin_ecall
  bne t0, a1, fail
  /* in U-mode: taken whatever SIE says */
  CLEAR_SLOG
  EXPECT_TRAP(11, CAUSE_SUPERVISOR_ECALL, csrci mstatus, MSTATUS_SIE; csrsi mip, SSIP; ENTER_MODE(0, s_spin_then_ecall))
  CHECK_MEM(s_log, CAUSE_INTERRUPT | IRQ_S_SOFT)
  lw t0, s_log + 12
  andi t0, t0, MSTATUS_SPP
  CHECK(t0, 0)
  /* in M-mode with MIE: a delegated interrupt is never taken */
test_12:
  li TESTNUM, 12
  CLEAR_SLOG
  csrsi mip, SSIP
  csrsi mstatus, MSTATUS_MIE
  nop
  nop
  nop
  csrci mstatus, MSTATUS_MIE
  csrci mip, SSIP
  CHECK_MEM(s_log, 0)

  /* undelegated: an S-level interrupt pending in S-mode goes to M even with MIE = 0 */
  csrw mideleg, zero
  EXPECT_TRAP(13, CAUSE_INTERRUPT | IRQ_S_SOFT, csrci mstatus, MSTATUS_MIE; csrsi mip, SSIP; ENTER_MODE(1, s_spin_then_ecall))
  csrci mip, SSIP
  lw t0, trap_status
  li t1, MSTATUS_MPP
  and t0, t0, t1
  CHECK(t0, MSTATUS_MPP_S)
  csrw mie, zero
  csrw medeleg, zero
TEST_END

  /* ---- S-mode code ---- */
  .balign 4
s_handler:
  la t3, s_log
  csrr t4, scause
  sw t4, 0(t3)
  csrr t4, sepc
  sw t4, 4(t3)
  csrr t4, stval
  sw t4, 8(t3)
  csrr t4, sstatus
  sw t4, 12(t3)
  csrci sip, SSIP
s_handler_ecall:
  ecall
  j fail

s_enter_user:
  la t0, u_ecall
  csrw sepc, t0
  li t0, MSTATUS_SPP
  csrc sstatus, t0
  sret
u_ecall:
  ecall
  j fail

s_illegal:
  .word 0x1234500b
  j fail

s_sret_to_s:
  li t0, MSTATUS_SPP | MSTATUS_SPIE
  csrs sstatus, t0
  csrci sstatus, MSTATUS_SIE
  la t0, s_after_sret
  csrw sepc, t0
  sret
s_after_sret:
  ecall
  j fail

s_spin_then_ecall:
  nop
  nop
  nop
  nop
s_spin_ecall:
  ecall
  j fail

  .data
  .balign 4
s_log:
  .skip 16
