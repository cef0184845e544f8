/* Drives the errno contract of the rump kernel and prints what each bad call got. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *name(int e) {
    switch (e) {
    case EBADF: return "EBADF";
    case EFAULT: return "EFAULT";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    default: return "other";
    }
}

static void report(const char *what, int r) {
    printf("%-32s -> %d %s\n", what, r, r < 0 ? name(errno) : "ok");
}

int main(void) {
    report("close(42)", close(42));
    report("write(1, bad pointer, 8)", (int)write(1, (void *)0x7ff00000, 8));
    report("open(\"/missing\")", open("/missing", O_RDONLY));
    int fd = open("/file", O_CREAT | O_WRONLY, 0644);
    close(fd);
    report("open(\"/file\", O_CREAT|O_EXCL)", open("/file", O_CREAT | O_EXCL | O_WRONLY, 0644));
    report("open(\"/file/inside\")", open("/file/inside", O_RDONLY));
    report("open(\"/tmp\", O_WRONLY)", open("/tmp", O_WRONLY));
    return 0;
}
