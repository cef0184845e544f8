/* A test that must fail: test 7 compares a wrong value. The test suite runs
 * it to prove that failures are reported (status 7, "FAIL 7" on the UART)
 * by both machines, so a pass of the real tests means something. */
#include "evm-test.h"

TEST_BEGIN
  TEST_RR_OP(5, add, 3, 1, 2)
  TEST_RR_OP(6, sub, 1, 3, 2)
  TEST_RR_OP(7, add, 5, 2, 2)   /* 2 + 2 is not 5 */
  TEST_RR_OP(8, add, 0, 0, 0)
TEST_END
