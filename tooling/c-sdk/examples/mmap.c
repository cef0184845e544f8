/*
 * Anonymous memory from the rump kernel: mmap, mprotect and munmap, with
 * the eVM kernel mapping fresh pages into this application. Each step
 * prints what it saw; a protection or a missing page shows as EFAULT from
 * a system call that touches it, never as a crash. Exit status 0 when every
 * step behaved.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096

static int failures;

static void expect(int ok, const char *what) {
    printf("%-44s %s\n", what, ok ? "ok" : "FAILED");
    if (!ok) failures++;
}

int main(void) {
    /* 64 KiB read/write: zeroed, and holds what is written */
    size_t size = 16 * PAGE;
    uint8_t *a = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
    expect(a != MAP_FAILED, "mmap 64 KiB read/write");
    if (a == MAP_FAILED) return 1;
    int zero = 1;
    for (size_t i = 0; i < size; i++) zero &= a[i] == 0;
    expect(zero, "fresh pages read as zero");
    for (size_t i = 0; i < size; i++) a[i] = (uint8_t)(i * 7);
    int same = 1;
    for (size_t i = 0; i < size; i++) same &= a[i] == (uint8_t)(i * 7);
    expect(same, "pages keep what was written");

    /* the RK reaches the pages too: a pipe round trip through them */
    int fds[2];
    expect(pipe(fds) == 0, "pipe");
    expect(write(fds[1], a + PAGE - 10, 20) == 20, "write() from a page boundary");
    uint8_t *b = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
    expect(b != MAP_FAILED && read(fds[0], b, 20) == 20 && memcmp(b, a + PAGE - 10, 20) == 0,
           "read() into a second mapping");

    /* read-only: readable, and the RK may not write into it */
    expect(mprotect(a, PAGE, PROT_READ) == 0, "mprotect first page read-only");
    expect(a[5] == (uint8_t)35, "read-only page still reads");
    expect(write(fds[1], "0123456789", 10) == 10, "refill the pipe");
    errno = 0;
    expect(read(fds[0], a, 10) == -1 && errno == EFAULT, "read() into it -> EFAULT");
    expect(mprotect(a, PAGE, PROT_READ | PROT_WRITE) == 0, "mprotect it read/write again");
    /* what the failed read took out of the pipe is gone or not: start over */
    close(fds[0]);
    close(fds[1]);
    expect(pipe(fds) == 0 && write(fds[1], "0123456789", 10) == 10, "a new pipe with data");
    expect(read(fds[0], a, 10) == 10 && a[0] == '0', "read() into it now works");

    /* unmapped: gone for the RK as well */
    expect(munmap(a + 8 * PAGE, 8 * PAGE) == 0, "munmap the upper half");
    errno = 0;
    expect(write(fds[1], a + 8 * PAGE, 4) == -1 && errno == EFAULT, "write() from it -> EFAULT");
    expect(write(fds[1], a + 7 * PAGE, 4) == 4, "the lower half stays");

    /* more than there is: an error, and the system goes on */
    errno = 0;
    void *huge = mmap(NULL, 512u << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
    expect(huge == MAP_FAILED && errno == ENOMEM, "mmap 512 MiB -> ENOMEM");
    expect(munmap(b, PAGE) == 0 && munmap(a, 8 * PAGE) == 0, "munmap the rest");

    printf("%s\n", failures == 0 ? "all mmap steps behaved" : "some mmap steps failed");
    return failures == 0 ? 0 : 1;
}
