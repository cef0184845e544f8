/*
 * The command line through semihosting (SYS_GET_CMDLINE, split into argv by
 * picolibc's semihosting runtime): prints argc and every argument, and sums
 * the numeric ones. The runtime puts its own "program-name" in argv[0] and
 * the host's command line after it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finish.h"

int main(int argc, char **argv)
{
	printf("argc = %d\n", argc);
	long sum = 0;
	size_t chars = 0;
	for (int i = 0; i < argc; i++) {
		printf("argv[%d] = \"%s\"\n", i, argv[i]);
		if (i > 0) {
			char *end;
			long v = strtol(argv[i], &end, 10);
			if (*end == '\0' && end != argv[i])
				sum += v;
			chars += strlen(argv[i]);
		}
	}
	printf("numeric sum = %ld, characters = %u\n", sum, (unsigned)chars);
	printf("argv[argc] is NULL: %d\n", argv[argc] == NULL);
	finish(argc > 1 ? 0 : 3);
}
