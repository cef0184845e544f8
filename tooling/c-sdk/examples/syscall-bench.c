/* System-call round trips for `pnpm bench`: syscall-bench getpid|read4k COUNT. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[4096];

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    long count = strtol(argv[2], 0, 10);
    if (strcmp(argv[1], "getpid") == 0) {
        for (long i = 0; i < count; i++) getpid();
    } else if (strcmp(argv[1], "read4k") == 0) {
        int fd = open("/dev/zero", O_RDONLY);
        for (long i = 0; i < count; i++) read(fd, buf, sizeof buf);
        close(fd);
    } else {
        return 2;
    }
    return 0;
}
