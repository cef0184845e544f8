/* Benchmark guest: syscall-loop getpid|read4k N makes N such system calls into its RK. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char page[4096];

int main(int argc, char **argv) {
    if (argc != 3) return 64;
    long n = atol(argv[2]);
    if (!strcmp(argv[1], "getpid")) {
        while (n-- > 0) getpid();
        return 0;
    }
    if (!strcmp(argv[1], "read4k")) {
        int fd = open("/dev/zero", O_RDONLY);
        if (fd < 0) return 1;
        while (n-- > 0)
            if (read(fd, page, sizeof page) != (ssize_t)sizeof page) return 1;
        return 0;
    }
    return 64;
}
