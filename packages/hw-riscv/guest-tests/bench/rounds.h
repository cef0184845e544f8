/*
 * Rounds of a workload: argv[1] when given, else the built-in default.
 * "N" runs N rounds, "xN" N times the default; anything else (or no
 * argument) the default. The benchmark runs its long variants this way, with
 * the same ELF on eVM and QEMU.
 */
#ifndef BENCH_ROUNDS_H
#define BENCH_ROUNDS_H

#include <stdlib.h>

static inline int bench_rounds(int argc, char **argv, int fallback)
{
	if (argc < 2)
		return fallback;
	const char *text = argv[1];
	const int times = text[0] == 'x';
	char *end;
	long n = strtol(text + times, &end, 10);
	if (*end != '\0' || n <= 0 || n > 1000000000L / (times ? fallback : 1))
		return fallback;
	return times ? (int)n * fallback : (int)n;
}

#endif
