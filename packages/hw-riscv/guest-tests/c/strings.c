/*
 * String-heavy work: generated words sorted with qsort and strcmp, searched
 * with bsearch, joined with snprintf, split with strtok_r, numbers parsed
 * with strtol/strtoul/sscanf in several bases, memmove on overlapping
 * ranges, and a small recursive-descent expression evaluator.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finish.h"

#define WORDS 600

static uint32_t seed = 12345;

static uint32_t next_random(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

static char words[WORDS][16];
static char *order[WORDS];

static int compare_words(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static void sort_words(void)
{
	for (int i = 0; i < WORDS; i++) {
		int len = 3 + (int)(next_random() % 10);
		for (int j = 0; j < len; j++)
			words[i][j] = (char)('a' + next_random() % 26);
		words[i][len] = '\0';
		order[i] = words[i];
	}
	qsort(order, WORDS, sizeof order[0], compare_words);
	int sorted = 1;
	uint32_t h = 0;
	for (int i = 0; i < WORDS; i++) {
		if (i > 0 && strcmp(order[i - 1], order[i]) > 0)
			sorted = 0;
		h = h * 31u + fnv1a(order[i]);
	}
	printf("qsort: %d words, sorted=%d, first=%s last=%s hash=%08lx\n", WORDS, sorted, order[0],
	       order[WORDS - 1], (unsigned long)h);
	check(sorted, "qsort order");

	int found = 0;
	for (int i = 0; i < WORDS; i += 7) {
		char *key = words[i];
		char **hit = bsearch(&key, order, WORDS, sizeof order[0], compare_words);
		if (hit && strcmp(*hit, key) == 0)
			found++;
	}
	printf("bsearch: found %d of %d\n", found, (WORDS + 6) / 7);
}

static void join_and_split(void)
{
	char line[512];
	size_t used = 0;
	for (int i = 0; i < 40; i++) {
		int n = snprintf(line + used, sizeof line - used, "%s%s", i ? "," : "", order[i * 13]);
		if (n < 0 || (size_t)n >= sizeof line - used)
			break;
		used += (size_t)n;
	}
	printf("joined %u chars: %.60s...\n", (unsigned)used, line);

	int tokens = 0;
	size_t total = 0;
	char *save = NULL;
	for (char *t = strtok_r(line, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		tokens++;
		total += strlen(t);
	}
	printf("split: %d tokens, %u letters\n", tokens, (unsigned)total);

	const char *text = "the quick brown fox jumps over the lazy dog; the end";
	int the = 0;
	for (const char *p = text; (p = strstr(p, "the")) != NULL; p++)
		the++;
	printf("strstr: 'the' x%d, strchr=%d strrchr=%d strspn=%u strcspn=%u\n", the,
	       (int)(strchr(text, 'q') - text), (int)(strrchr(text, 'e') - text),
	       (unsigned)strspn(text, "the "), (unsigned)strcspn(text, ";"));

	char upper[64];
	size_t i = 0;
	for (; text[i] && i < sizeof upper - 1; i++)
		upper[i] = (char)toupper((unsigned char)text[i]);
	upper[i] = '\0';
	printf("toupper: %s\n", upper);
	printf("strncmp: %d %d %d\n", strncmp("abcdef", "abcxyz", 3) == 0, strncmp("abc", "abd", 3) < 0,
	       strcmp("b", "abc") > 0);
}

static void parse_numbers(void)
{
	const char *inputs[] = {"12345", "-42", "0x7fffffff", "0777", "0b101", "  +99xyz", "4294967295", "-2147483648"};
	for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		char *end;
		long v = strtol(inputs[i], &end, 0);
		unsigned long u = strtoul(inputs[i], NULL, 10);
		printf("strtol(\"%s\") = %ld rest=\"%s\" strtoul10=%lu\n", inputs[i], v, end, u);
	}
	printf("strtol base 36: %ld, base 2: %ld\n", strtol("zz", NULL, 36), strtol("1101", NULL, 2));
	long long big = strtoll("-9223372036854775807", NULL, 10);
	unsigned long long ubig = strtoull("18446744073709551615", NULL, 10);
	printf("strtoll: %lld strtoull: %llu\n", big, ubig);

	int a, b;
	char name[16];
	unsigned hex;
	int n = sscanf("item 17 of 42 tag=beef cafe", "item %d of %d tag=%15s %x", &a, &b, name, &hex);
	printf("sscanf: n=%d a=%d b=%d name=%s hex=%u\n", n, a, b, name, hex);
	printf("atoi: %d %d\n", atoi("  -314abc"), atoi("2718"));
}

static void overlapping_moves(void)
{
	char buf[64];
	for (int i = 0; i < 64; i++)
		buf[i] = (char)('A' + i % 26);
	memmove(buf + 5, buf, 20);
	memmove(buf + 30, buf + 33, 20);
	buf[63] = '\0';
	printf("memmove: %s\n", buf);
	memset(buf + 10, '-', 8);
	printf("memset: %.32s memcmp=%d\n", buf, memcmp(buf, "ABCDEABCDE", 10) == 0);
}

/* expr := term (('+'|'-') term)*; term := factor (('*'|'/'|'%') factor)*;
 * factor := number | '-' factor | '(' expr ')' */
static const char *cursor;

static long parse_expr(void);

static void skip_spaces(void)
{
	while (*cursor == ' ')
		cursor++;
}

static long parse_factor(void)
{
	skip_spaces();
	if (*cursor == '-') {
		cursor++;
		return -parse_factor();
	}
	if (*cursor == '(') {
		cursor++;
		long v = parse_expr();
		skip_spaces();
		if (*cursor == ')')
			cursor++;
		return v;
	}
	char *end;
	long v = strtol(cursor, &end, 10);
	cursor = end;
	return v;
}

static long parse_term(void)
{
	long v = parse_factor();
	for (;;) {
		skip_spaces();
		char op = *cursor;
		if (op != '*' && op != '/' && op != '%')
			return v;
		cursor++;
		long r = parse_factor();
		if (op == '*')
			v *= r;
		else if (r == 0)
			v = 0;
		else if (op == '/')
			v /= r;
		else
			v %= r;
	}
}

static long parse_expr(void)
{
	long v = parse_term();
	for (;;) {
		skip_spaces();
		char op = *cursor;
		if (op != '+' && op != '-')
			return v;
		cursor++;
		long r = parse_term();
		v = op == '+' ? v + r : v - r;
	}
}

static void evaluate(void)
{
	const char *exprs[] = {"1 + 2 * 3", "(1 + 2) * 3", "100 / 7 % 5", "-(4 - 10) * -3", "2*(3+(4*(5+6)))-1",
	                       "123456 * 789 / 3", "7 - 2 - 1", "((((((42))))))"};
	for (unsigned i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
		cursor = exprs[i];
		printf("%-20s = %ld\n", exprs[i], parse_expr());
	}
}

int main(void)
{
	sort_words();
	join_and_split();
	parse_numbers();
	overlapping_moves();
	evaluate();
	printf("strings: done\n");
	finish(0);
}
