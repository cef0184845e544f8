/*
 * The startup baseline of the benchmark: the C runtime starts, main ends at
 * once. Its wall time on QEMU is the fixed cost subtracted from each
 * workload's.
 */
#include "finish.h"

int main(void)
{
	finish(0);
}
