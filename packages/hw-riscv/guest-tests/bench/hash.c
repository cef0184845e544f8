/*
 * Hashing a buffer: table-driven CRC-32 and SHA-256 (written from the
 * algorithm's definition) over 16 KiB of generated data, repeated. Shifts,
 * rotates, xors, table loads and byte handling.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "finish.h"
#include "rounds.h"

#ifndef ROUNDS
#define ROUNDS 120
#endif
#define BUFFER 16384

static uint8_t buffer[BUFFER];
static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32(const uint8_t *p, size_t n, uint32_t crc)
{
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t rotr(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t h[8], const uint8_t *block)
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)block[i * 4] << 24 | (uint32_t)block[i * 4 + 1] << 16 | (uint32_t)block[i * 4 + 2] << 8 |
		       block[i * 4 + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += hh;
}

static void sha256(const uint8_t *data, size_t n, uint8_t out[32])
{
	uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	size_t full = n / 64;
	for (size_t i = 0; i < full; i++)
		sha256_block(h, data + i * 64);
	uint8_t tail[128];
	size_t rest = n % 64;
	memcpy(tail, data + full * 64, rest);
	tail[rest] = 0x80;
	size_t padded = rest < 56 ? 64 : 128;
	memset(tail + rest + 1, 0, padded - rest - 1);
	uint64_t bits = (uint64_t)n * 8;
	for (int i = 0; i < 8; i++)
		tail[padded - 1 - i] = (uint8_t)(bits >> (8 * i));
	for (size_t i = 0; i < padded; i += 64)
		sha256_block(h, tail + i);
	for (int i = 0; i < 8; i++) {
		out[i * 4] = (uint8_t)(h[i] >> 24);
		out[i * 4 + 1] = (uint8_t)(h[i] >> 16);
		out[i * 4 + 2] = (uint8_t)(h[i] >> 8);
		out[i * 4 + 3] = (uint8_t)h[i];
	}
}

int main(int argc, char **argv)
{
	const int rounds = bench_rounds(argc, argv, ROUNDS);
	/* known answer first: SHA-256("abc") */
	uint8_t digest[32];
	sha256((const uint8_t *)"abc", 3, digest);
	check(digest[0] == 0xba && digest[1] == 0x78 && digest[31] == 0xad, "SHA-256 of abc");
	crc_init();
	check(crc32((const uint8_t *)"123456789", 9, 0) == 0xcbf43926u, "CRC-32 of 123456789");

	uint32_t x = 1;
	for (int i = 0; i < BUFFER; i++) {
		x = x * 1664525u + 1013904223u;
		buffer[i] = (uint8_t)(x >> 24);
	}
	uint32_t crc = 0;
	for (int r = 0; r < rounds; r++) {
		crc = crc32(buffer, BUFFER, crc);
		sha256(buffer, BUFFER, digest);
		/* feed the digest back so every round depends on the last */
		memcpy(buffer + (r * 32) % (BUFFER - 32), digest, 32);
	}
	printf("hash: %d rounds over %d bytes: crc32 %08lx sha256 ", rounds, BUFFER, (unsigned long)crc);
	for (int i = 0; i < 32; i++)
		printf("%02x", digest[i]);
	printf("\n");
	finish(0);
}
