#include "finish.h"

#include <stdint.h>
#include <stdio.h>

#define FINISHER ((volatile uint32_t *)0x00100000u)
#define FINISHER_PASS 0x5555u
#define FINISHER_FAIL 0x3333u

void finish(int status)
{
	fflush(stdout);
	fflush(stderr);
	unsigned code = (unsigned)status & 0xffu;
	if (status != 0 && code == 0)
		code = 1; /* a failure must not look like a pass */
	*FINISHER = code == 0 ? FINISHER_PASS : (code << 16) | FINISHER_FAIL;
	for (;;)
		__asm__ volatile("wfi");
}

void check(int ok, const char *what)
{
	if (!ok) {
		printf("check failed: %s\n", what);
		finish(1);
	}
}
