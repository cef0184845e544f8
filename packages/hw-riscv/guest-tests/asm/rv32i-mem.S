/* RV32I loads and stores of every width: sign and zero extension, offsets,
 * partial overwrites, and misaligned accesses to RAM (performed, as QEMU does). */
#include "evm-test.h"

TEST_BEGIN
  .option norvc /* the 32-bit encodings; rv32c.S covers the compressed ones */
  /* loads from a known pattern */
  TEST_LD(1, lb,  0xffffff80, 0, pattern)
  TEST_LD(2, lb,  0x0000007f, 1, pattern)
  TEST_LD(3, lbu, 0x00000080, 0, pattern)
  TEST_LD(4, lbu, 0x000000ff, 2, pattern)
  TEST_LD(5, lb,  0xffffffff, 2, pattern)
  TEST_LD(6, lh,  0x00007f80, 0, pattern)
  TEST_LD(7, lh,  0xffff80ff, 2, pattern)
  TEST_LD(8, lhu, 0x000080ff, 2, pattern)
  TEST_LD(9, lw,  0x80ff7f80, 0, pattern)
  TEST_LD(10, lw, 0x01020304, 4, pattern)
  /* negative offsets */
  TEST_LD(11, lw, 0x80ff7f80, -4, pattern + 4)
  TEST_LD(12, lbu, 0x00000003, -3, pattern + 8)
  TEST_LD(13, lh, 0x00000102, -2, pattern + 8)

  /* stores of each width, reloaded */
  TEST_ST(14, sw, lw, 0xdeadbeef, 0xdeadbeef, 0, scratch)
  TEST_ST(15, sh, lh, 0xffffcafe, 0x1234cafe, 4, scratch)
  TEST_ST(16, sh, lhu, 0x0000cafe, 0x1234cafe, 6, scratch)
  TEST_ST(17, sb, lb, 0xffffff99, 0x99, 8, scratch)
  TEST_ST(18, sb, lbu, 0x00000099, 0x99, 9, scratch)
  TEST_ST(19, sw, lw, 0x00000000, 0, -4, scratch + 16)

  /* a byte store changes only its byte (little-endian layout) */
test_20:
  li TESTNUM, 20
  la a1, scratch
  li a2, 0x11223344
  sw a2, 0(a1)
  li a2, 0xaa
  sb a2, 1(a1)
  lw a0, 0(a1)
  CHECK(a0, 0x1122aa44)
  li a2, 0xbbcc
  sh a2, 2(a1)
  lw a0, 0(a1)
  CHECK(a0, 0xbbccaa44)
  lbu a0, 3(a1)
  CHECK(a0, 0xbb)

  /* load into x0 is discarded; the access still happens */
  TEST_CASE(21, x0, 0, la a1, pattern; lw x0, 0(a1))

  /* rd == rs1 for loads */
  TEST_CASE(22, a1, 0x01020304, la a1, pattern + 4; lw a1, 0(a1))

  /* misaligned loads and stores are performed as QEMU does */
  TEST_CASE(23, a0, 0x0480ff7f, la a1, pattern; lw a0, 1(a1))
  TEST_CASE(24, a0, 0x030480ff, la a1, pattern; lw a0, 2(a1))
  TEST_CASE(25, a0, 0x02030480, la a1, pattern; lw a0, 3(a1))
  TEST_CASE(26, a0, 0x0000007f, la a1, pattern; lb a0, 1(a1))
  TEST_CASE(27, a0, 0xffffff7f, la a1, pattern; lh a0, 1(a1))
  TEST_CASE(28, a0, 0x0000ff7f, la a1, pattern; lhu a0, 1(a1))
  TEST_CASE(29, a0, 0x00000480, la a1, pattern; lhu a0, 3(a1))
test_30:
  li TESTNUM, 30
  la a1, scratch
  sw zero, 0(a1)
  sw zero, 4(a1)
  li a2, 0xa1b2c3d4
  sw a2, 3(a1)
  lw a0, 0(a1)
  CHECK(a0, 0xd4000000)
  lw a0, 4(a1)
  CHECK(a0, 0x00a1b2c3)
  li a2, 0xeeff
  sh a2, 5(a1)
  lw a0, 4(a1)
  CHECK(a0, 0x00eeffc3)
  /* a misaligned word across a page boundary */
test_31:
  li TESTNUM, 31
  la a1, page_edge
  li a2, 0x55667788
  sw a2, -2(a1)
  lw a0, -2(a1)
  CHECK(a0, 0x55667788)
  lhu a0, 0(a1)
  CHECK(a0, 0x5566)
  lhu a0, -2(a1)
  CHECK(a0, 0x7788)

  /* a store followed by a dependent load of another width */
test_32:
  li TESTNUM, 32
  la a1, scratch
  li a2, -1
  sw a2, 0(a1)
  sh zero, 0(a1)
  lw a0, 0(a1)
  CHECK(a0, 0xffff0000)
  lh a0, 2(a1)
  CHECK(a0, 0xffffffff)
TEST_END

  .data
  .balign 4
pattern:
  .byte 0x80, 0x7f, 0xff, 0x80, 0x04, 0x03, 0x02, 0x01
scratch:
  .skip 16

  .bss
  .balign 4096
  .skip 4096
page_edge:
  .skip 64
