/*
 * File I/O through semihosting, in the current directory: binary
 * fwrite/fread, ftell and fseek from the start, the current position and the
 * end, text with fprintf/fgets, append mode, rename and remove, and opening
 * missing files failing.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "finish.h"

/* picolibc's semihosting library has no rename(); SYS_RENAME (0x0f) takes
 * both names with their lengths and returns 0 on success. */
#define SYS_RENAME 0x0f
extern uintptr_t sys_semihost(uintptr_t op, uintptr_t param);

int rename(const char *from, const char *to)
{
	uintptr_t args[4] = {(uintptr_t)from, strlen(from), (uintptr_t)to, strlen(to)};
	return sys_semihost(SYS_RENAME, (uintptr_t)args) == 0 ? 0 : -1;
}

#define SIZE 20000

static uint8_t out[SIZE], in[SIZE];

static void binary_file(void)
{
	for (int i = 0; i < SIZE; i++)
		out[i] = (uint8_t)(i * 31 + (i >> 8));
	FILE *f = fopen("data.bin", "wb");
	check(f != NULL, "fopen data.bin for writing");
	size_t w = fwrite(out, 1, SIZE, f);
	long pos = ftell(f);
	check(fclose(f) == 0, "fclose after writing");
	printf("wrote %u bytes, ftell %ld\n", (unsigned)w, pos);

	f = fopen("data.bin", "rb");
	check(f != NULL, "fopen data.bin for reading");
	size_t r = fread(in, 1, SIZE, f);
	printf("read %u bytes, equal=%d, feof after extra read=", (unsigned)r, memcmp(in, out, SIZE) == 0);
	uint8_t extra;
	size_t more = fread(&extra, 1, 1, f);
	printf("%d (got %u)\n", feof(f) != 0, (unsigned)more);

	check(fseek(f, 1000, SEEK_SET) == 0, "fseek SEEK_SET");
	uint8_t b[4];
	fread(b, 1, 4, f);
	printf("at 1000: %02x %02x %02x %02x, ftell %ld\n", b[0], b[1], b[2], b[3], ftell(f));
	check(memcmp(b, out + 1000, 4) == 0, "bytes at 1000");
	check(fseek(f, -8, SEEK_CUR) == 0, "fseek SEEK_CUR");
	fread(b, 1, 4, f);
	printf("back 8: %02x %02x %02x %02x, ftell %ld\n", b[0], b[1], b[2], b[3], ftell(f));
	check(memcmp(b, out + 996, 4) == 0, "bytes at 996");
	check(fseek(f, -16, SEEK_END) == 0, "fseek SEEK_END");
	printf("16 before the end: ftell %ld\n", ftell(f));
	fread(b, 1, 4, f);
	check(memcmp(b, out + SIZE - 16, 4) == 0, "bytes near the end");
	rewind(f);
	printf("after rewind: ftell %ld, first byte %02x\n", ftell(f), (unsigned)fgetc(f));
	fclose(f);
}

static void text_file(void)
{
	FILE *f = fopen("notes.txt", "w");
	check(f != NULL, "fopen notes.txt");
	for (int i = 1; i <= 5; i++)
		fprintf(f, "line %d: %d squared is %d\n", i, i, i * i);
	fclose(f);

	f = fopen("notes.txt", "a");
	check(f != NULL, "fopen notes.txt for appending");
	fputs("appended line\n", f);
	fclose(f);

	f = fopen("notes.txt", "r");
	check(f != NULL, "reopen notes.txt");
	char line[80];
	int lines = 0;
	size_t chars = 0;
	while (fgets(line, sizeof line, f)) {
		lines++;
		chars += strlen(line);
		if (lines == 3 || strncmp(line, "appended", 8) == 0)
			printf("read: %s", line);
	}
	fclose(f);
	printf("notes.txt: %d lines, %u chars\n", lines, (unsigned)chars);
}

static void rename_and_remove(void)
{
	check(rename("notes.txt", "renamed.txt") == 0, "rename");
	FILE *f = fopen("notes.txt", "r");
	printf("old name after rename: %s\n", f ? "still there" : "gone");
	if (f)
		fclose(f);
	f = fopen("renamed.txt", "r");
	printf("new name: %s\n", f ? "present" : "missing");
	if (f) {
		char line[80];
		fgets(line, sizeof line, f);
		printf("first line: %s", line);
		fclose(f);
	}
	check(remove("renamed.txt") == 0, "remove renamed.txt");
	check(remove("data.bin") == 0, "remove data.bin");
	f = fopen("renamed.txt", "r");
	printf("after remove: %s\n", f ? "still there" : "gone");
	if (f)
		fclose(f);
	printf("remove of a missing file fails: %d\n", remove("no-such-file.txt") != 0);
	printf("fopen of a missing file fails: %d\n", fopen("no-such-file.txt", "r") == NULL);
}

int main(void)
{
	binary_file();
	text_file();
	rename_and_remove();
	printf("fileio: done\n");
	finish(0);
}
