/*
 * A Dhrystone-like workload of the project's own: records with nested
 * structs and enums copied and compared, fixed-size string copies and
 * comparisons, small procedures with pointer parameters, array updates and
 * integer arithmetic, in a loop whose state carries between iterations.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "finish.h"
#include "rounds.h"

#ifndef ROUNDS
#define ROUNDS 600000
#endif

enum color { RED, GREEN, BLUE, WHITE, BLACK };

struct record {
	struct record *link;
	enum color color;
	int number;
	int weight;
	char label[31];
};

static struct record first, second;
static int grid[50][50];
static int line[50];
static char text_a[31], text_b[31];
static int flag;
static char letter;

static enum color shift_color(enum color c, int by)
{
	return (enum color)((c + by) % 5);
}

static int same_letter(char a, char b)
{
	if (a != b)
		return 0;
	letter = a;
	return 1;
}

static int strings_order(const char *a, const char *b)
{
	int i = 2;
	while (i <= 2) {
		if (same_letter(a[i], b[i + 1]))
			i += 1;
		else
			i += 2;
	}
	if (strcmp(a, b) > 0) {
		flag = 1;
		return 1;
	}
	return 0;
}

static void update_record(struct record *r, int n)
{
	struct record *next = r->link;
	*next = *r; /* struct copy */
	next->number = n + 3;
	r->weight = next->number;
	next->link = r;
	if (next->color == RED) {
		next->weight = 6;
		next->color = shift_color(r->color, n);
		next->number = (r->number + next->number) % 97;
	} else {
		*r = *next;
	}
}

static void fill_arrays(int *arr, int (*g)[50], int a, int b)
{
	int at = a + 5;
	arr[at] = b;
	arr[at + 1] = arr[at];
	arr[at + 30] = at;
	for (int i = at; i <= at + 1; i++)
		g[at][i] = at;
	g[at][at - 1] += 1;
	g[at + 20][at] = arr[at];
}

static int compute(int a, int b)
{
	int c = a * b;
	c = c / (b | 1) + 7 * (a - b);
	return c ^ (c >> 3);
}

int main(int argc, char **argv)
{
	const int rounds = bench_rounds(argc, argv, ROUNDS);
	first.link = &second;
	first.color = RED;
	first.number = 40;
	first.weight = 0;
	strcpy(first.label, "A RECORD WITH A FIXED LABEL");
	strcpy(text_a, "THE FIRST FIXED-SIZE STRING");

	uint32_t sum = 0;
	for (int run = 1; run <= rounds; run++) {
		int a = run % 40 + 2, b = 3, c;
		strcpy(text_b, (run & 1) ? "THE SECOND FIXED-SIZE STRING" : "THE FIRST FIXED-SIZE STRINGS");
		flag = !strings_order(text_a, text_b);
		while (a < b + 40 && a < 45) {
			c = 5 * a - b;
			c = compute(c, b);
			a += 3;
			sum += (uint32_t)c;
		}
		fill_arrays(line, grid, run % 40, a);
		first.color = (run % 3) ? RED : BLUE;
		update_record(&first, run);
		for (char ch = 'A'; ch <= letter; ch++)
			if (same_letter(ch, 'C'))
				sum += (uint32_t)shift_color(first.color, ch);
		sum = sum * 3u + (uint32_t)first.number + (uint32_t)second.weight + (uint32_t)flag;
		sum ^= (uint32_t)text_b[run % 28] << (run % 24);
	}
	printf("records: %d rounds, sum %08lx, first.number=%d second.number=%d grid=%d line=%d label=%s\n", rounds,
	       (unsigned long)sum, first.number, second.number, grid[8][7], line[37], second.label);
	finish(0);
}
