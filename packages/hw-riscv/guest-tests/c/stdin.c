/*
 * Reading input: bytes arrive on the NS16550 UART (QEMU virt feeds the host's
 * stdin there; QEMU 7.2's semihosting console cannot read a pipe) until an
 * end-of-transmission byte (0x04). Counts lines, words and bytes like wc,
 * prints the lines reversed in order and character, and sums the numbers.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finish.h"

#define UART_BASE ((volatile uint8_t *)0x10000000u)
#define UART_RBR 0
#define UART_LSR 5
#define LSR_DATA_READY 0x01
#define EOT 0x04

static int uart_getc(void)
{
	while (!(UART_BASE[UART_LSR] & LSR_DATA_READY))
		;
	return UART_BASE[UART_RBR];
}

#define INPUT_LIMIT 4096
#define MAX_LINES 128

static char text[INPUT_LIMIT + 1];

int main(void)
{
	size_t len = 0;
	int c;
	while ((c = uart_getc()) != EOT) {
		if (len < INPUT_LIMIT)
			text[len++] = (char)c;
	}
	text[len] = '\0';

	int lines = 0, words = 0, in_word = 0;
	long sum = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n')
			lines++;
		if (isspace((unsigned char)text[i])) {
			in_word = 0;
		} else if (!in_word) {
			in_word = 1;
			words++;
			if (isdigit((unsigned char)text[i]) || (text[i] == '-' && isdigit((unsigned char)text[i + 1])))
				sum += strtol(text + i, NULL, 10);
		}
	}
	printf("wc: %d lines, %d words, %u bytes; numbers sum to %ld\n", lines, words, (unsigned)len, sum);

	char *starts[MAX_LINES];
	int n = 0;
	for (char *p = text; *p && n < MAX_LINES;) {
		starts[n++] = p;
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	for (int i = n - 1; i >= 0; i--) {
		size_t l = strlen(starts[i]);
		printf("%3d: ", i + 1);
		for (size_t j = l; j > 0; j--)
			putchar(starts[i][j - 1]);
		putchar('\n');
	}
	printf("stdin: done\n");
	finish(0);
}
