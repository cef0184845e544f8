/* A file-system exerciser: directories, files, seeks, renames, listings and a few MiB of heap, on tmpfs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <evm/dir.h>

static int failures;
#define CHECK(cond) do { if (!(cond)) { printf("FAIL line %d: %s (errno %d)\n", __LINE__, #cond, errno); failures++; } } while (0)

int main(void) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    CHECK(mkdir("/data", 0755) == 0);
    CHECK(mkdir("/data/logs", 0755) == 0);
    for (int i = 0; i < 5; i++) {
        char path[64];
        snprintf(path, sizeof path, "/data/logs/day%d.txt", i);
        FILE *f = fopen(path, "w");
        CHECK(f != NULL);
        for (int line = 0; line <= i; line++) fprintf(f, "day %d entry %d\n", i, line);
        fclose(f);
    }

    struct stat st;
    CHECK(stat("/data/logs/day4.txt", &st) == 0);
    printf("day4.txt: %ld bytes, regular file: %s\n", (long)st.st_size, S_ISREG(st.st_mode) ? "yes" : "no");

    FILE *f = fopen("/data/logs/day3.txt", "r");
    char line[80];
    int lines = 0;
    while (fgets(line, sizeof line, f)) lines++;
    fclose(f);
    printf("day3.txt has %d lines\n", lines);

    int fd = open("/data/logs/day2.txt", O_RDWR);
    CHECK(lseek(fd, 4, SEEK_SET) == 4);
    CHECK(write(fd, "TWO", 3) == 3);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    char buf[16] = {0};
    CHECK(read(fd, buf, 9) == 9);
    printf("patched: %s\n", buf);
    close(fd);

    CHECK(rename("/data/logs/day0.txt", "/data/first.txt") == 0);
    CHECK(unlink("/data/logs/day1.txt") == 0);

    struct evm_dir d;
    char name[64];
    int type, entries = 0;
    CHECK(evm_opendir(&d, "/data/logs") == 0);
    printf("/data/logs:");
    while (evm_readdir(&d, name, sizeof name, &type) == 1) {
        if (name[0] == '.') continue;
        printf(" %s", name);
        entries++;
    }
    evm_closedir(&d);
    printf(" (%d entries)\n", entries);

    CHECK(rmdir("/data/logs") == -1 && errno == ENOTEMPTY);

    /* several MiB of heap, written and checked */
    size_t size = 6u << 20;
    unsigned char *big = malloc(size);
    CHECK(big != NULL);
    for (size_t i = 0; i < size; i++) big[i] = (unsigned char)(i * 7);
    unsigned long sum = 0;
    for (size_t i = 0; i < size; i += 4093) sum += big[i];
    free(big);
    printf("heap: %u MiB, checksum %lu\n", (unsigned)(size >> 20), sum);

    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(t1.tv_sec > t0.tv_sec || (t1.tv_sec == t0.tv_sec && t1.tv_nsec >= t0.tv_nsec));
    printf("%s\n", failures ? "fs: FAILED" : "fs: all checks passed");
    return failures ? 1 : 0;
}
