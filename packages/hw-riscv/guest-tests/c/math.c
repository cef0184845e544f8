/*
 * Math-heavy work: integer algorithms (sieve, gcd, modular power, integer
 * square root, 64-bit multiply/divide) and soft-float double and float
 * arithmetic through libm (sqrt, sin, cos, exp, log, pow, atan2, fmod,
 * floor/ceil/round), printed with %f, %e and %g.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "finish.h"

static uint8_t composite[20001];

static void sieve(void)
{
	int count = 0;
	uint32_t sum = 0;
	for (int i = 2; i <= 20000; i++) {
		if (composite[i])
			continue;
		count++;
		sum += (uint32_t)i;
		for (int j = i * 2; j <= 20000; j += i)
			composite[j] = 1;
	}
	printf("primes <= 20000: %d, sum %lu\n", count, (unsigned long)sum);
}

static uint32_t gcd(uint32_t a, uint32_t b)
{
	while (b) {
		uint32_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static uint32_t modpow(uint32_t base, uint32_t exp, uint32_t mod)
{
	uint64_t result = 1, b = base % mod;
	while (exp) {
		if (exp & 1)
			result = result * b % mod;
		b = b * b % mod;
		exp >>= 1;
	}
	return (uint32_t)result;
}

static uint32_t isqrt(uint64_t n)
{
	uint64_t lo = 0, hi = 0xffffffffu;
	while (lo < hi) {
		uint64_t mid = (lo + hi + 1) / 2;
		if (mid * mid <= n)
			lo = mid;
		else
			hi = mid - 1;
	}
	return (uint32_t)lo;
}

static void integers(void)
{
	uint32_t g = 0;
	for (uint32_t i = 1; i < 2000; i++)
		g += gcd(i * 7919u, 123456789u % (i + 1) + i);
	printf("gcd sum: %lu\n", (unsigned long)g);
	printf("modpow: %lu %lu %lu\n", (unsigned long)modpow(2, 1000000, 1000000007u),
	       (unsigned long)modpow(3, 0xffffffffu, 4294967291u), (unsigned long)modpow(12345, 6789, 65521));
	printf("isqrt: %lu %lu %lu\n", (unsigned long)isqrt(2), (unsigned long)isqrt(1000000007ull * 1000000007ull),
	       (unsigned long)isqrt(0xffffffffffffffffull));
	int64_t a = -123456789012345ll;
	uint64_t b = 987654321098765ull;
	printf("int64: %lld %llu %lld %lld %llu\n", a * 3, b / 12345, a / 777, a % 777, b % 1000003);
	uint64_t f = 1;
	for (int i = 1; i <= 20; i++)
		f *= (uint64_t)i;
	printf("20! = %llu\n", f);
	volatile int32_t n7 = -7, two = 2;
	volatile uint32_t all = 0xffffffffu;
	printf("int32: %ld %ld %lu %lu\n", (long)(n7 / two), (long)(n7 % two), (unsigned long)(all / 3), (unsigned long)(all % 10));
}

static void doubles(void)
{
	double x = 0.0;
	for (int i = 1; i <= 1000; i++)
		x += 1.0 / ((double)i * i);
	printf("basel(1000) = %.15f (pi^2/6 = %.15f)\n", x, M_PI * M_PI / 6);
	printf("sqrt(2) = %.17g, cbrt(27) = %.17g\n", sqrt(2.0), cbrt(27.0));
	printf("sin/cos(1) = %.15f %.15f\n", sin(1.0), cos(1.0));
	printf("exp(1) = %.15f, log(10) = %.15f, log2(1e6) = %.12f\n", exp(1.0), log(10.0), log2(1e6));
	printf("pow(2, 0.5) = %.15e, pow(10, -5) = %.6e, pow(-2, 3) = %g\n", pow(2.0, 0.5), pow(10.0, -5.0), pow(-2.0, 3.0));
	printf("atan2(1, -1) = %.15f, tan(0.5) = %.15f\n", atan2(1.0, -1.0), tan(0.5));
	printf("fmod(10.5, 3) = %g, floor(-2.5) = %g, ceil(-2.5) = %g, round(2.5) = %g, trunc(-2.7) = %g\n",
	       fmod(10.5, 3.0), floor(-2.5), ceil(-2.5), round(2.5), trunc(-2.7));
	printf("huge: %e %g %f\n", 1.7976931348623157e308, 4.9e-324, 123456789.125);
	printf("special: %f %f %d %d\n", INFINITY, -INFINITY, isnan(NAN), isinf(1.0 / 0.0));

	/* Newton's method and a numeric integral */
	double r = 1.0;
	for (int i = 0; i < 30; i++)
		r = r - (r * r * r - 2.0) / (3.0 * r * r);
	double area = 0.0;
	const int steps = 2000;
	for (int i = 0; i < steps; i++) {
		double t = (i + 0.5) / steps;
		area += 4.0 / (1.0 + t * t);
	}
	area /= steps;
	printf("cube root of 2 by Newton: %.15f, pi by midpoint rule: %.12f\n", r, area);

	/* a small matrix product in double */
	double m[4][4], p[4][4];
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			m[i][j] = (i + 1) * 0.5 - j * 0.25;
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++) {
			double s = 0;
			for (int k = 0; k < 4; k++)
				s += m[i][k] * m[k][j];
			p[i][j] = s;
		}
	printf("matrix: %g %g %g %g\n", p[0][0], p[1][2], p[2][1], p[3][3]);
}

static void floats(void)
{
	float s = 0.0f;
	for (int i = 1; i <= 100; i++)
		s += sqrtf((float)i);
	printf("float: sum sqrt(1..100) = %.6f, sinf(0.5) = %.7f, expf(2) = %.6f\n", (double)s, (double)sinf(0.5f),
	       (double)expf(2.0f));
	volatile float neg = -3.99f, big = 3.7e9f;
	printf("float to int: %d %u\n", (int)neg, (unsigned)big);
	printf("double to int64: %lld %lld\n", (long long)-1e15, (long long)9.2e18);
}

int main(void)
{
	sieve();
	integers();
	doubles();
	floats();
	printf("math: done\n");
	finish(0);
}
