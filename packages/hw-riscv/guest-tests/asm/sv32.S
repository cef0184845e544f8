/* Sv32 paging with tables built at run time: an identity megapage for the
 * program (S only), user pages at 0x4000_0000 (code, data, read-only,
 * execute-only, invalid, no-A/D, write-only), a user superpage and a
 * misaligned one. Checks U-mode loads/stores/fetches and their page faults
 * with mtval, S-mode access to user pages (SUM) and fetch from them, MXR,
 * hardware-set A and D bits, sfence.vma after a remap, MPRV from M-mode and
 * a page fault delegated to S-mode. */
#include "evm-test.h"

#define USER_BASE 0x40000000
#define U_CODE (USER_BASE + 0x0000)
#define U_DATA (USER_BASE + 0x1000)
#define U_RO (USER_BASE + 0x2000)
#define U_XONLY (USER_BASE + 0x3000)
#define U_INVALID (USER_BASE + 0x4000)
#define U_NOAD (USER_BASE + 0x5000)
#define U_WONLY (USER_BASE + 0x6000)
#define SUPER_VA 0xc0000000
#define SUPER_PA 0x80400000
#define BAD_SUPER_VA 0xc0400000
#define FLAGS_KERNEL (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define FLAGS_IO (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

/* PTE for a 4 KiB-aligned physical address in `pa` (rewritten in place). */
#define MAKE_PTE(pa, flags) \
  srli pa, pa, 2; \
  ori pa, pa, flags;

/* root[va >> 22] = t0 (clobbers t1). */
#define SET_ROOT(va) \
  li t1, ((va) >> 22) * 4; \
  add t1, t1, s0; \
  sw t0, 0(t1);

/* l2[index] = PTE(label's address, flags) (clobbers t0, t1). */
#define MAP_USER(index, label, flags) \
  la t0, label; \
  MAKE_PTE(t0, flags) \
  la t1, l2_table; \
  sw t0, (index) * 4(t1);

/* Virtual address of `label` inside the user code page, into `reg`. */
#define USER_VA(reg, label) \
  la reg, label; \
  la t1, user_code; \
  sub reg, reg, t1; \
  li t1, U_CODE; \
  add reg, reg, t1;

/* Drops to `mode` at the address in `reg`. */
#define ENTER_MODE_AT(mode, reg) \
  li t0, MSTATUS_MPP; \
  csrc mstatus, t0; \
  li t0, (mode) << 11; \
  csrs mstatus, t0; \
  csrw mepc, reg; \
  mret;

/* mstatus bits set / cleared (clobbers t0). */
#define MSTATUS_SET(bits) li t0, bits; csrs mstatus, t0;
#define MSTATUS_CLEAR(bits) li t0, bits; csrc mstatus, t0;

TEST_BEGIN
  PMP_ALLOW_ALL
  /* ---- build the tables ---- */
  la s0, root_table
  li t0, 0x80000000
  MAKE_PTE(t0, FLAGS_KERNEL)
  SET_ROOT(0x80000000)
  li t0, 0x10000000
  MAKE_PTE(t0, FLAGS_IO)
  SET_ROOT(0x10000000)
  li t0, FLAGS_IO                      /* 0..4 MiB: the test finisher */
  SET_ROOT(0)
  la t0, l2_table
  MAKE_PTE(t0, PTE_V)
  SET_ROOT(USER_BASE)
  li t0, SUPER_PA
  MAKE_PTE(t0, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)
  SET_ROOT(SUPER_VA)
  li t0, SUPER_PA + 0x1000             /* PPN[0] != 0: a misaligned superpage */
  MAKE_PTE(t0, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)
  SET_ROOT(BAD_SUPER_VA)
  MAP_USER(0, user_code, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A)
  MAP_USER(1, user_data, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)
  MAP_USER(2, user_ro, PTE_V | PTE_R | PTE_U | PTE_A)
  MAP_USER(3, user_xonly, PTE_V | PTE_X | PTE_U | PTE_A)
  MAP_USER(4, user_data, PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)   /* V = 0 */
  MAP_USER(5, user_noad, PTE_V | PTE_R | PTE_W | PTE_U)
  MAP_USER(6, user_data, PTE_V | PTE_W | PTE_U | PTE_A | PTE_D)   /* W without R: reserved */
  /* data the user pages show */
  la t0, user_data
  li t1, 0x11111111
  sw t1, 0(t0)
  la t0, user_ro
  li t1, 0x22222222
  sw t1, 0(t0)
  li t0, SUPER_PA + 0x1234
  li t1, 0x33333333
  sw t1, 0(t0)
  /* satp: Sv32 with the root's PPN, read back */
  la t0, root_table
  srli t0, t0, 12
  li t1, SATP_SV32
  or s1, t0, t1
  csrw satp, s1
  sfence.vma
  csrr a0, satp
  li TESTNUM, 1
  bne a0, s1, fail

  /* S-mode runs from the identity megapage and reads its data */
  EXPECT_TRAP(2, CAUSE_SUPERVISOR_ECALL, la a1, user_data; li a0, 0; ENTER_MODE(1, s_load))
  CHECK(a0, 0x11111111)
  /* U-mode code in the user page loads, stores and returns by ecall */
  EXPECT_TRAP(3, CAUSE_USER_ECALL, li a1, U_DATA; li a0, 0; USER_VA(a3, u_load) ENTER_MODE_AT(0, a3))
  CHECK(a0, 0x11111111)
  EXPECT_TRAP(4, CAUSE_USER_ECALL, li a1, U_DATA + 8; li a2, 0x4444; USER_VA(a3, u_store) ENTER_MODE_AT(0, a3))
  CHECK_MEM(user_data + 8, 0x4444)
  EXPECT_TRAP(5, CAUSE_USER_ECALL, li a1, U_RO; li a0, 0; USER_VA(a3, u_load) ENTER_MODE_AT(0, a3))
  CHECK(a0, 0x22222222)
  /* the user superpage */
  EXPECT_TRAP(6, CAUSE_USER_ECALL, li a1, SUPER_VA + 0x1234; li a0, 0; USER_VA(a3, u_load) ENTER_MODE_AT(0, a3))
  CHECK(a0, 0x33333333)

  /* U-mode page faults, mtval = the virtual address */
  EXPECT_TRAP(7, CAUSE_STORE_PAGE_FAULT, li a1, U_RO + 4; USER_VA(a3, u_store) ENTER_MODE_AT(0, a3))
  CHECK_MEM(trap_tval, U_RO + 4)
  CHECK_MEM(user_ro + 4, 0)
  EXPECT_TRAP(8, CAUSE_LOAD_PAGE_FAULT, li a1, U_INVALID + 0x10; USER_VA(a3, u_load) ENTER_MODE_AT(0, a3))
  CHECK_MEM(trap_tval, U_INVALID + 0x10)
  EXPECT_TRAP(9, CAUSE_STORE_PAGE_FAULT, li a1, U_INVALID; USER_VA(a3, u_store) ENTER_MODE_AT(0, a3))
  CHECK_MEM(trap_tval, U_INVALID)
  EXPECT_TRAP(10, CAUSE_FETCH_PAGE_FAULT, li a1, U_DATA; USER_VA(a3, u_jump) ENTER_MODE_AT(0, a3))
  CHECK_MEM(trap_tval, U_DATA)
  CHECK_MEM(trap_epc, U_DATA)
  EXPECT_TRAP(11, CAUSE_FETCH_PAGE_FAULT, li a1, U_INVALID + 0x20; USER_VA(a3, u_jump) ENTER_MODE_AT(0, a3))
  CHECK_MEM(trap_tval, U_INVALID + 0x20)
  /* supervisor pages are out of U-mode's reach */
  EXPECT_TRAP(12, CAUSE_LOAD_PAGE_FAULT, la a1, user_data; USER_VA(a3, u_load) ENTER_MODE_AT(0, a3))
  EXPECT_TRAP(13, CAUSE_FETCH_PAGE_FAULT, la a1, s_load; USER_VA(a3, u_jump) ENTER_MODE_AT(0, a3))
  /* W without R is reserved: a page fault for a load and a store */
  EXPECT_TRAP(14, CAUSE_LOAD_PAGE_FAULT, li a1, U_WONLY; USER_VA(a3, u_load) ENTER_MODE_AT(0, a3))
  EXPECT_TRAP(15, CAUSE_STORE_PAGE_FAULT, li a1, U_WONLY; USER_VA(a3, u_store) ENTER_MODE_AT(0, a3))
  /* a misaligned superpage faults */
  EXPECT_TRAP(16, CAUSE_LOAD_PAGE_FAULT, li a1, BAD_SUPER_VA; USER_VA(a3, u_load) ENTER_MODE_AT(0, a3))
  CHECK_MEM(trap_tval, BAD_SUPER_VA)
  /* a misaligned load whose second half is on an invalid page faults there */
  EXPECT_TRAP(17, CAUSE_LOAD_PAGE_FAULT, li a1, U_NOAD - 2; USER_VA(a3, u_load) ENTER_MODE_AT(0, a3))

  /* SUM: S-mode loads from user pages only with SUM */
  EXPECT_TRAP(18, CAUSE_LOAD_PAGE_FAULT, MSTATUS_CLEAR(MSTATUS_SUM) li a1, U_DATA; ENTER_MODE(1, s_load))
  CHECK_MEM(trap_tval, U_DATA)
  EXPECT_TRAP(19, CAUSE_SUPERVISOR_ECALL, MSTATUS_SET(MSTATUS_SUM) li a1, U_DATA; li a0, 0; ENTER_MODE(1, s_load))
  CHECK(a0, 0x11111111)
  /* ... but never fetches from them */
  EXPECT_TRAP(20, CAUSE_FETCH_PAGE_FAULT, USER_VA(a1, u_load) ENTER_MODE(1, s_jump))
  MSTATUS_CLEAR(MSTATUS_SUM)

  /* MXR: an execute-only page becomes readable */
  EXPECT_TRAP(21, CAUSE_LOAD_PAGE_FAULT, li a1, U_XONLY; USER_VA(a3, u_load) ENTER_MODE_AT(0, a3))
  EXPECT_TRAP(22, CAUSE_USER_ECALL, MSTATUS_SET(MSTATUS_MXR) li a1, U_XONLY; li a0, 0; USER_VA(a3, u_load) ENTER_MODE_AT(0, a3))
  la t0, user_xonly
  lw t1, 0(t0)
  bne a0, t1, fail
  MSTATUS_CLEAR(MSTATUS_MXR)
  /* an execute-only page runs */
  EXPECT_TRAP(23, CAUSE_USER_ECALL, li a0, 0; li a1, U_XONLY; USER_VA(a3, u_jump) ENTER_MODE_AT(0, a3))
  CHECK(a0, 0x5a)

  /* A and D are set by the hardware: a load sets A, a store sets D */
test_24:
  li TESTNUM, 24
  lw a0, l2_table + 5 * 4
  andi a0, a0, PTE_A | PTE_D
  CHECK(a0, 0)
  EXPECT_TRAP(25, CAUSE_USER_ECALL, li a1, U_NOAD; USER_VA(a3, u_load) ENTER_MODE_AT(0, a3))
  lw a0, l2_table + 5 * 4
  andi a0, a0, PTE_A | PTE_D
  CHECK(a0, PTE_A)
  EXPECT_TRAP(26, CAUSE_USER_ECALL, li a1, U_NOAD + 4; li a2, 0x77; USER_VA(a3, u_store) ENTER_MODE_AT(0, a3))
  lw a0, l2_table + 5 * 4
  andi a0, a0, PTE_A | PTE_D
  CHECK(a0, PTE_A | PTE_D)
  CHECK_MEM(user_noad + 4, 0x77)
  /* the pointer PTE in the root carries no A/D/R/W/X (never written back) */
  lw a0, root_table + (USER_BASE >> 22) * 4
  andi a0, a0, PTE_A | PTE_D | PTE_R | PTE_W | PTE_X
  CHECK(a0, 0)

  /* remap the data page to another frame: after sfence.vma the new frame shows */
test_27:
  li TESTNUM, 27
  la t0, user_data2
  li t1, 0x66666666
  sw t1, 0(t0)
  MAP_USER(1, user_data2, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)
  sfence.vma
  EXPECT_TRAP(28, CAUSE_USER_ECALL, li a1, U_DATA; li a0, 0; USER_VA(a3, u_load) ENTER_MODE_AT(0, a3))
  CHECK(a0, 0x66666666)
  /* an sfence.vma for just that address works as well */
  MAP_USER(1, user_data, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)
  li t0, U_DATA
  sfence.vma t0, zero
  EXPECT_TRAP(29, CAUSE_USER_ECALL, li a1, U_DATA; li a0, 0; USER_VA(a3, u_load) ENTER_MODE_AT(0, a3))
  CHECK(a0, 0x11111111)

  /* MPRV: M-mode loads and stores translated as U-mode */
test_30:
  li TESTNUM, 30
  MSTATUS_CLEAR(MSTATUS_MPP)
  MSTATUS_SET(MSTATUS_MPRV)
  li a1, U_DATA
  lw a0, 0(a1)
  li a2, 0x5151
  sw a2, 12(a1)
  MSTATUS_CLEAR(MSTATUS_MPRV)
  CHECK(a0, 0x11111111)
  CHECK_MEM(user_data + 12, 0x5151)
  /* MPRV with a U-mode fault: mtval is the virtual address */
  EXPECT_TRAP(31, CAUSE_LOAD_PAGE_FAULT, MSTATUS_CLEAR(MSTATUS_MPP) MSTATUS_SET(MSTATUS_MPRV) li a1, U_INVALID; lw a0, 0(a1))
  MSTATUS_CLEAR(MSTATUS_MPRV)
  CHECK_MEM(trap_tval, U_INVALID)

  /* a U-mode page fault delegated to S-mode: scause, stval, sepc */
test_32:
  li TESTNUM, 32
  la t0, s_handler
  csrw stvec, t0
  li t0, 1 << CAUSE_LOAD_PAGE_FAULT
  csrw medeleg, t0
  EXPECT_TRAP(33, CAUSE_SUPERVISOR_ECALL, li a1, U_INVALID + 0x44; USER_VA(a3, u_load) ENTER_MODE_AT(0, a3))
  csrw medeleg, zero
  CHECK_MEM(s_log, CAUSE_LOAD_PAGE_FAULT)
  CHECK_MEM(s_log + 8, U_INVALID + 0x44)
  USER_VA(a3, u_load)
  lw t0, s_log + 4
  bne t0, a3, fail

  /* back to bare: M and S see physical memory again */
  csrw satp, zero
  sfence.vma
TEST_END

  /* ---- S-mode routines (identity-mapped) ---- */
s_load:
  lw a0, 0(a1)
  ecall
s_jump:
  jr a1
  .balign 4 /* stvec needs 4-byte alignment */
s_handler:
  la t3, s_log
  csrr t4, scause
  sw t4, 0(t3)
  csrr t4, sepc
  sw t4, 4(t3)
  csrr t4, stval
  sw t4, 8(t3)
  ecall

  /* ---- the user code page, mapped at U_CODE; position-independent ---- */
  .balign 4096
user_code:
u_load:
  lw a0, 0(a1)
  ecall
u_store:
  sw a2, 0(a1)
  ecall
u_jump:
  jr a1
  .balign 4096
user_xonly:
  li a0, 0x5a
  ecall
  .balign 4096

  .data
  .balign 4
s_log:
  .skip 16

  .bss
  .balign 4096
root_table:
  .skip 4096
l2_table:
  .skip 4096
user_data:
  .skip 4096
user_ro:
  .skip 4096
user_noad:
  .skip 4096
user_data2:
  .skip 4096
