/*
 * printf formats: integer conversions with every flag, width, precision and
 * length modifier, characters and strings, %%, %n, * widths, snprintf
 * truncation and return values, and floating-point conversions.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "finish.h"

int main(void)
{
	printf("[%d] [%i] [%u] [%x] [%X] [%o]\n", -12345, 678, 4000000000u, 0xbeefu, 0xbeefu, 0755u);
	printf("[%5d] [%-5d] [%05d] [%+d] [% d] [%+5d] [%-+5d]\n", 42, 42, 42, 42, 42, -42, 42);
	printf("[%.3d] [%.0d] [%8.3d] [%-8.3d] [%+.2d]\n", 7, 0, -7, 7, 7);
	printf("[%#x] [%#X] [%#o] [%#x] [%#o] [%#.3x]\n", 255u, 255u, 8u, 0u, 0u, 10u);
	printf("[%hhd] [%hhu] [%hd] [%hu] [%hx]\n", (signed char)-1, (unsigned char)255, (short)-32768,
	       (unsigned short)65535, (unsigned short)0x1234);
	printf("[%ld] [%lu] [%lx] [%lld] [%llu] [%llx] [%#llo]\n", -2147483647L - 1, 4294967295UL, 0xdeadbeefUL,
	       -9223372036854775807LL - 1, 18446744073709551615ULL, 0x0123456789abcdefULL, 01777ULL);
	printf("[%jd] [%zu] [%td] [%zd]\n", (intmax_t)-99, sizeof(uint64_t), (ptrdiff_t)-3, (ssize_t)-1);
	printf("[%c] [%3c] [%-3c] [%c]\n", 'A', 'b', 'c', 0x7e);
	printf("[%s] [%10s] [%-10s] [%.3s] [%10.2s] [%s]\n", "text", "right", "left", "truncate", "ab", "");
	printf("[%*d] [%-*d] [%.*d] [%*.*s]\n", 6, 1, 6, 2, 4, 3, 8, 3, "stars");
	printf("[%%] [%p] [%p]\n", (void *)0x1234, (void *)0);

	/* picolibc leaves %n out: it prints the directive and stores nothing */
	int count = 0, count2 = 0;
	printf("abc%ndef%n\n", &count, &count2);
	printf("%%n: %d %d\n", count, count2);

	/* through a volatile so the compiler does not flag the intended truncation */
	const char *volatile word = "overflow";
	char small[8];
	int n = snprintf(small, sizeof small, "%s-%d", word, 12345);
	printf("snprintf: returned %d, kept \"%s\" (%u)\n", n, small, (unsigned)strlen(small));
	n = snprintf(NULL, 0, "%08.3f|%x", 3.14159, 48879u);
	printf("snprintf(NULL, 0): %d\n", n);
	char exact[6];
	n = snprintf(exact, sizeof exact, "%05d", 42);
	printf("exact fit: %d \"%s\"\n", n, exact);

	printf("[%f] [%.2f] [%10.3f] [%-10.1f] [%+.1f] [%010.2f] [%.0f] [%#.0f]\n", 3.14159265, 2.675, -1.5, 9.96,
	       1.25, -3.5, 2.5, 3.0);
	printf("[%e] [%.3e] [%E] [%12.4e] [%.0e]\n", 123456.789, 0.000123456, 1e-10, -6.02214076e23, 5e5);
	printf("[%g] [%g] [%g] [%.3g] [%#g] [%G] [%g]\n", 0.0001, 0.00001, 123456789.0, 3.14159, 1.0, 1e-20, 100.0);
	printf("[%a]\n", 1.0);
	printf("[%f] [%e] [%g] [%F]\n", -0.0, 0.0, 1e300 * 1e300, 1.0 / 3.0);

	unsigned long long v = 1;
	for (int i = 0; i < 64; i += 9) {
		printf("%2d: %20llu %16llx %22llo\n", i, v << i, v << i, v << i);
	}
	printf("printf: done\n");
	finish(0);
}
