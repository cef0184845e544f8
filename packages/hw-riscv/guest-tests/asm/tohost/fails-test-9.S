/* Ends through tohost only (no test finisher): test 9 fails. */
#define EVM_TOHOST_ONLY
#include "evm-test.h"

TEST_BEGIN
  TEST_RR_OP(8, add, 3, 1, 2)
  TEST_RR_OP(9, add, 4, 1, 2)   /* 1 + 2 is not 4 */
TEST_END
