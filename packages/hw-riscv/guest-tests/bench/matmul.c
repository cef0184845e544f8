/*
 * Matrix multiply: 48x48 int32 matrices multiplied naively and in a
 * transposed-B order, repeated with the result fed back (scaled down so
 * values stay bounded); checksummed. Multiply-accumulate and array indexing.
 */
#include <stdint.h>
#include <stdio.h>

#include "finish.h"
#include "rounds.h"

#ifndef ROUNDS
#define ROUNDS 100
#endif
#define N 48

static int32_t a[N][N], b[N][N], bt[N][N], c[N][N];

static void multiply(void)
{
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			int32_t s = 0;
			for (int k = 0; k < N; k++)
				s += a[i][k] * b[k][j];
			c[i][j] = s;
		}
}

static void multiply_transposed(void)
{
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			bt[j][i] = b[i][j];
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			const int32_t *row = a[i], *col = bt[j];
			int32_t s = 0;
			for (int k = 0; k < N; k++)
				s += row[k] * col[k];
			check(s == c[i][j], "both orders agree");
		}
}

int main(int argc, char **argv)
{
	const int rounds = bench_rounds(argc, argv, ROUNDS);
	uint32_t x = 7;
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			x = x * 1103515245u + 12345u;
			a[i][j] = (int32_t)(x >> 16) % 200 - 100;
			x = x * 1103515245u + 12345u;
			b[i][j] = (int32_t)(x >> 16) % 200 - 100;
		}
	uint32_t sum = 0;
	for (int r = 0; r < rounds; r++) {
		multiply();
		multiply_transposed();
		for (int i = 0; i < N; i++)
			for (int j = 0; j < N; j++) {
				sum = sum * 31u + (uint32_t)c[i][j];
				/* the next round multiplies by a bounded version of this product */
				a[i][j] = c[i][j] % 97;
			}
	}
	printf("matmul: %d rounds of %dx%d, checksum %08lx, c[0][0]=%ld c[%d][%d]=%ld\n", rounds, N, N,
	       (unsigned long)sum, (long)c[0][0], N - 1, N - 1, (long)c[N - 1][N - 1]);
	finish(0);
}
