/*
 * A CoreMark-style mix: a linked list (build, find, reverse, merge sort by
 * two keys), a small matrix kernel (add a constant, multiply by a vector,
 * bit extraction), and a state machine that classifies a text of numbers,
 * all folded into a CRC-16 checksum per iteration.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "finish.h"
#include "rounds.h"

#ifndef ROUNDS
#define ROUNDS 1000
#endif
#define NODES 200
#define DIM 12

struct node {
	struct node *next;
	int16_t key;
	int16_t value;
};

static struct node pool[NODES];

static uint16_t crc16_byte(uint8_t data, uint16_t crc)
{
	for (int i = 0; i < 8; i++) {
		uint8_t bit = (data ^ (uint8_t)crc) & 1;
		data >>= 1;
		crc = bit ? (uint16_t)((crc >> 1) ^ 0xa001) : (uint16_t)(crc >> 1);
	}
	return crc;
}

static uint16_t crc16_word(uint16_t v, uint16_t crc)
{
	return crc16_byte((uint8_t)(v >> 8), crc16_byte((uint8_t)v, crc));
}

/* ---- list ---- */

static struct node *build_list(uint32_t seed)
{
	struct node *head = NULL;
	for (int i = 0; i < NODES; i++) {
		seed = seed * 69069u + 1u;
		pool[i].key = (int16_t)(seed >> 20);
		pool[i].value = (int16_t)i;
		pool[i].next = head;
		head = &pool[i];
	}
	return head;
}

static struct node *reverse(struct node *list)
{
	struct node *prev = NULL;
	while (list) {
		struct node *next = list->next;
		list->next = prev;
		prev = list;
		list = next;
	}
	return prev;
}

static struct node *find(struct node *list, int16_t value)
{
	while (list && list->value != value)
		list = list->next;
	return list;
}

static int by_key(const struct node *a, const struct node *b)
{
	return a->key != b->key ? a->key - b->key : a->value - b->value;
}

static int by_value(const struct node *a, const struct node *b)
{
	return a->value - b->value;
}

/* bottom-up merge sort of a singly linked list */
static struct node *merge_sort(struct node *list, int (*cmp)(const struct node *, const struct node *))
{
	for (int width = 1;; width *= 2) {
		struct node *p = list, *tail = NULL;
		list = NULL;
		int merges = 0;
		while (p) {
			merges++;
			struct node *q = p;
			int psize = 0;
			for (int i = 0; i < width && q; i++) {
				psize++;
				q = q->next;
			}
			int qsize = width;
			while (psize > 0 || (qsize > 0 && q)) {
				struct node *e;
				if (psize == 0) {
					e = q;
					q = q->next;
					qsize--;
				} else if (qsize == 0 || !q || cmp(p, q) <= 0) {
					e = p;
					p = p->next;
					psize--;
				} else {
					e = q;
					q = q->next;
					qsize--;
				}
				if (tail)
					tail->next = e;
				else
					list = e;
				tail = e;
			}
			p = q;
		}
		tail->next = NULL;
		if (merges <= 1)
			return list;
	}
}

static uint16_t list_kernel(uint32_t seed, uint16_t crc)
{
	struct node *list = build_list(seed);
	for (int16_t v = 0; v < NODES; v += 9) {
		struct node *n = find(list, v);
		crc = crc16_word(n ? (uint16_t)n->key : 0xffff, crc);
	}
	list = reverse(list);
	list = merge_sort(list, by_key);
	int16_t last = INT16_MIN;
	for (struct node *n = list; n; n = n->next) {
		check(n->key >= last, "list sorted by key");
		last = n->key;
		crc = crc16_word((uint16_t)n->value, crc);
	}
	list = merge_sort(list, by_value);
	crc = crc16_word((uint16_t)list->key, crc);
	return crc;
}

/* ---- matrix ---- */

static int16_t ma[DIM][DIM], mb[DIM][DIM];
static int32_t mc[DIM][DIM], vec[DIM];

static uint16_t matrix_kernel(int16_t k, uint16_t crc)
{
	for (int i = 0; i < DIM; i++)
		for (int j = 0; j < DIM; j++) {
			ma[i][j] = (int16_t)(ma[i][j] + k);
			mb[i][j] = (int16_t)((i * j + k) & 0xff);
		}
	for (int i = 0; i < DIM; i++) {
		int32_t s = 0;
		for (int j = 0; j < DIM; j++)
			s += ma[i][j] * (int32_t)mb[j][i];
		vec[i] = s;
	}
	for (int i = 0; i < DIM; i++)
		for (int j = 0; j < DIM; j++) {
			int32_t s = 0;
			for (int x = 0; x < DIM; x++)
				s += ma[i][x] * (int32_t)mb[x][j];
			mc[i][j] = s;
			crc = crc16_word((uint16_t)((s >> 2) & 0x0fff), crc);
		}
	for (int i = 0; i < DIM; i++)
		crc = crc16_word((uint16_t)vec[i], crc);
	return crc;
}

/* ---- state machine ---- */

enum state { START, INT, FLOAT, EXPONENT, SCIENTIFIC, INVALID, STATES };

static enum state step(enum state s, char c)
{
	int digit = c >= '0' && c <= '9';
	switch (s) {
	case START:
		return digit ? INT : (c == '+' || c == '-') ? INT : c == '.' ? FLOAT : INVALID;
	case INT:
		return digit ? INT : c == '.' ? FLOAT : (c == 'e' || c == 'E') ? EXPONENT : INVALID;
	case FLOAT:
		return digit ? FLOAT : (c == 'e' || c == 'E') ? EXPONENT : INVALID;
	case EXPONENT:
		return (digit || c == '+' || c == '-') ? SCIENTIFIC : INVALID;
	case SCIENTIFIC:
		return digit ? SCIENTIFIC : INVALID;
	default:
		return INVALID;
	}
}

static const char *const samples[] = {"5012", "1234", "-874", "+122", "35.54400", ".1234500", "-110.700",
                                      "+0.64400", "5.500e+3", "-.123e-2", "-87e+832", "+0.6e-12", "T0.3e-1F",
                                      "-T.T++Tq", "1T3.4e4z", "34.0e-T^"};

static uint16_t state_kernel(uint16_t crc)
{
	unsigned counts[STATES] = {0};
	for (unsigned i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		enum state s = START;
		for (const char *p = samples[i]; *p && s != INVALID; p++)
			s = step(s, *p);
		counts[s]++;
	}
	for (int s = 0; s < STATES; s++)
		crc = crc16_word((uint16_t)counts[s], crc);
	return crc;
}

int main(int argc, char **argv)
{
	const int rounds = bench_rounds(argc, argv, ROUNDS);
	uint16_t crc = 0;
	for (int r = 0; r < rounds; r++) {
		crc = list_kernel((uint32_t)r * 7919u + 1u, crc);
		crc = matrix_kernel((int16_t)(r & 15), crc);
		crc = state_kernel(crc);
	}
	printf("listsort: %d rounds, crc %04x, mc[3][5]=%ld\n", rounds, crc, (long)mc[3][5]);
	finish(0);
}
