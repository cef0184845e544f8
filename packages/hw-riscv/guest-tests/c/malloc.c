/*
 * Heap work: a thousand and more allocations of mixed sizes (MiBs live at
 * the peak), freed in different patterns (every other one, reverse order,
 * random), realloc growth and shrink, calloc zeroing, and a checksum over
 * every block's contents so a corrupted heap shows. Addresses are never
 * printed; only contents and counts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finish.h"

#define BLOCKS 1200

static uint32_t seed = 2024;

static uint32_t next_random(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 17;
	seed ^= seed << 5;
	return seed;
}

struct block {
	uint8_t *data;
	uint32_t size;
	uint8_t tag;
};

static struct block blocks[BLOCKS];

/* Every byte gets the block's tag;
 * every STRIDE-th byte is marked with its index on top, so a block moved or
 * overwritten by another shows in the checks. */
#define STRIDE 61

static uint8_t expected(const struct block *b, uint32_t i)
{
	return i % STRIDE ? b->tag : (uint8_t)(b->tag ^ (i / STRIDE) ^ 0x5a);
}

/* memset with word stores: picolibc's memset goes byte by byte, which would
 * make this program measure memset instead of the allocator (and gcc would
 * turn the loop back into a memset call) */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) static void fill_bytes(uint8_t *p, uint8_t value, uint32_t size)
{
	uint32_t word = value * 0x01010101u;
	uint32_t i = 0;
	for (; i < size && ((uintptr_t)(p + i) & 3); i++)
		p[i] = value;
	for (; i + 4 <= size; i += 4)
		*(uint32_t *)(void *)(p + i) = word;
	for (; i < size; i++)
		p[i] = value;
}

static void fill(struct block *b)
{
	fill_bytes(b->data, b->tag, b->size);
	for (uint32_t i = 0; i < b->size; i += STRIDE)
		b->data[i] = expected(b, i);
}

static int intact(const struct block *b)
{
	for (uint32_t i = 0; i < b->size; i += STRIDE)
		if (b->data[i] != expected(b, i) || (i + 1 < b->size && b->data[i + 1] != b->tag))
			return 0;
	return b->data[b->size - 1] == expected(b, b->size - 1);
}

static uint32_t size_for(uint32_t i)
{
	uint32_t r = next_random();
	if (i % 50 == 0)
		return 16384 + r % 32768; /* a few large blocks */
	return 1 + r % 3000;
}

static uint32_t checksum_live(void)
{
	uint32_t sum = 0;
	for (int i = 0; i < BLOCKS; i++) {
		if (!blocks[i].data)
			continue;
		check(intact(&blocks[i]), "block contents intact");
		for (uint32_t j = 0; j < blocks[i].size; j += STRIDE)
			sum = sum * 33u + blocks[i].data[j];
		sum += blocks[i].size;
	}
	return sum;
}

static void allocate_all(void)
{
	uint32_t total = 0;
	for (int i = 0; i < BLOCKS; i++) {
		blocks[i].size = size_for((uint32_t)i);
		blocks[i].tag = (uint8_t)i;
		blocks[i].data = malloc(blocks[i].size);
		check(blocks[i].data != NULL, "malloc");
		fill(&blocks[i]);
		total += blocks[i].size;
	}
	printf("allocated %d blocks, %lu bytes, checksum %08lx\n", BLOCKS, (unsigned long)total,
	       (unsigned long)checksum_live());
}

static void free_where(int (*pick)(int), const char *what)
{
	int freed = 0;
	for (int i = 0; i < BLOCKS; i++) {
		if (blocks[i].data && pick(i)) {
			free(blocks[i].data);
			blocks[i].data = NULL;
			freed++;
		}
	}
	printf("freed %d (%s), checksum %08lx\n", freed, what, (unsigned long)checksum_live());
}

static int odd(int i) { return i & 1; }
static int third(int i) { return i % 3 == 0; }

static void refill(void)
{
	int made = 0;
	for (int i = 0; i < BLOCKS; i++) {
		if (blocks[i].data)
			continue;
		blocks[i].size = size_for((uint32_t)i) / 2 + 1;
		blocks[i].tag = (uint8_t)(i * 3);
		blocks[i].data = malloc(blocks[i].size);
		check(blocks[i].data != NULL, "malloc refill");
		fill(&blocks[i]);
		made++;
	}
	printf("refilled %d, checksum %08lx\n", made, (unsigned long)checksum_live());
}

static void reallocs(void)
{
	for (int round = 0; round < 3; round++) {
		for (int i = round; i < BLOCKS; i += 5) {
			struct block *b = &blocks[i];
			if (!b->data)
				continue;
			uint32_t old = b->size;
			uint32_t size = (round == 1) ? old / 3 + 1 : old * 2 + 17;
			uint8_t *p = realloc(b->data, size);
			check(p != NULL, "realloc");
			b->data = p;
			b->size = size;
			/* the kept prefix must have survived the move */
			uint32_t keep = old < size ? old : size;
			for (uint32_t j = 0; j < keep; j += STRIDE)
				check(p[j] == expected(b, j), "realloc keeps contents");
			check(p[keep - 1] == expected(b, keep - 1), "realloc keeps the last byte");
			fill(b);
		}
		printf("realloc round %d, checksum %08lx\n", round, (unsigned long)checksum_live());
	}
}

static void callocs(void)
{
	int zero = 1;
	for (int i = 0; i < 200; i++) {
		size_t n = 1 + next_random() % 400;
		uint32_t *p = calloc(n, sizeof *p);
		check(p != NULL, "calloc");
		for (size_t j = 0; j < n; j++)
			zero &= p[j] == 0;
		fill_bytes((uint8_t *)p, 0xa5, (uint32_t)(n * sizeof *p));
		free(p);
	}
	printf("calloc zeroed: %d\n", zero);
	check(zero, "calloc zeroes");
	void *huge = malloc((size_t)1 << 30);
	printf("malloc(1 GiB) = %s\n", huge ? "non-NULL" : "NULL");
	free(huge);
}

static void free_random_then_all(void)
{
	int freed = 0;
	for (int n = 0; n < BLOCKS / 2; n++) {
		int i = (int)(next_random() % BLOCKS);
		if (blocks[i].data) {
			free(blocks[i].data);
			blocks[i].data = NULL;
			freed++;
		}
	}
	printf("freed %d at random, checksum %08lx\n", freed, (unsigned long)checksum_live());
	for (int i = BLOCKS - 1; i >= 0; i--) {
		free(blocks[i].data);
		blocks[i].data = NULL;
	}
	/* after freeing everything, one big block fits again */
	uint8_t *big = malloc(2u << 20);
	check(big != NULL, "2 MiB after freeing everything");
	fill_bytes(big, 1, 2u << 20);
	check(big[0] == 1 && big[(2u << 20) - 1] == 1, "2 MiB block written");
	free(big);
	printf("freed the rest in reverse order; 2 MiB block ok\n");
}

int main(void)
{
	allocate_all();
	free_where(odd, "odd");
	refill();
	free_where(third, "every third");
	reallocs();
	callocs();
	free_random_then_all();
	printf("malloc: done\n");
	finish(0);
}
