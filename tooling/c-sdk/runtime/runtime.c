/*
 * The C runtime of an eVM application: start-up (argument block from the
 * RK, main, exit) and the POSIX calls picolibc is built on, each an ecall
 * into the application's rump kernel (see evm/syscall.h for the ABI).
 * NetBSD errno values and structures are translated into picolibc's here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <evm/syscall.h>

extern char __bss_start[], __bss_end[];
int main(int argc, char **argv);

/* 1 when this thread has an endpoint to wait on (EVM_WAIT_CAP), 0 when it yields instead; -1 until asked. */
static int can_wait = -1;

int32_t evm_call(int32_t nr, int32_t x0, int32_t x1, int32_t x2, int32_t x3, int32_t *second) {
    for (;;) {
        struct evm_result r = evm_syscall4(nr, x0, x1, x2, x3);
        if (r.value != EVM_WOULD_BLOCK) {
            if (second) *second = r.second;
            return r.value;
        }
        if (can_wait < 0) can_wait = evm_cap_type(EVM_WAIT_CAP) == EVM_CAP_RCV;
        if (can_wait) evm_wait();
        else evm_yield();
    }
}

int32_t evm_call6(int32_t nr, const int32_t args[6], int32_t *second) {
    return evm_call(nr | EVM_SYS_INDIRECT, (int32_t)(uintptr_t)args, 0, 0, 0, second);
}

/* NetBSD errno → picolibc errno (they agree below 35 except EAGAIN). */
static int host_errno(int nb) {
    switch (nb) {
    case 35: return EAGAIN;
    case 63: return ENAMETOOLONG;
    case 66: return ENOTEMPTY;
    case 78: return ENOSYS;
    default: return nb < 35 ? nb : EIO;
    }
}

/* A result: the value, or -1 with errno set. */
static int32_t check(int32_t r) {
    if (r < 0) {
        errno = host_errno(-r);
        return -1;
    }
    return r;
}

static int nb_flags(int flags) {
    int nb = flags & O_ACCMODE;
    if (flags & O_CREAT) nb |= NB_O_CREAT;
    if (flags & O_TRUNC) nb |= NB_O_TRUNC;
    if (flags & O_EXCL) nb |= NB_O_EXCL;
    if (flags & O_APPEND) nb |= NB_O_APPEND;
    if (flags & O_NONBLOCK) nb |= NB_O_NONBLOCK;
#ifdef O_DIRECTORY
    if (flags & O_DIRECTORY) nb |= NB_O_DIRECTORY;
#endif
    return nb;
}

int open(const char *path, int flags, ...) {
    return check(evm_call(NB_SYS_open, (int32_t)(uintptr_t)path, nb_flags(flags), 0644, 0, 0));
}
ssize_t read(int fd, void *buf, size_t n) { return check(evm_call(NB_SYS_read, fd, (int32_t)(uintptr_t)buf, (int32_t)n, 0, 0)); }
ssize_t write(int fd, const void *buf, size_t n) { return check(evm_call(NB_SYS_write, fd, (int32_t)(uintptr_t)buf, (int32_t)n, 0, 0)); }
int close(int fd) { return check(evm_call(NB_SYS_close, fd, 0, 0, 0, 0)); }
int unlink(const char *p) { return check(evm_call(NB_SYS_unlink, (int32_t)(uintptr_t)p, 0, 0, 0, 0)); }
int mkdir(const char *p, mode_t m) { return check(evm_call(NB_SYS_mkdir, (int32_t)(uintptr_t)p, (int32_t)m, 0, 0, 0)); }
int rmdir(const char *p) { return check(evm_call(NB_SYS_rmdir, (int32_t)(uintptr_t)p, 0, 0, 0, 0)); }
int rename(const char *a, const char *b) { return check(evm_call(NB_SYS_rename, (int32_t)(uintptr_t)a, (int32_t)(uintptr_t)b, 0, 0, 0)); }
int chdir(const char *p) { return check(evm_call(NB_SYS_chdir, (int32_t)(uintptr_t)p, 0, 0, 0, 0)); }
pid_t getpid(void) { return evm_call(NB_SYS_getpid, 0, 0, 0, 0, 0); }
int kill(pid_t pid, int sig) { return check(evm_call(NB_SYS_kill, pid, sig, 0, 0, 0)); }
int dup(int fd) { return check(evm_call(NB_SYS_dup, fd, 0, 0, 0, 0)); }
int dup2(int a, int b) { return check(evm_call(NB_SYS_dup2, a, b, 0, 0, 0)); }

off_t lseek(int fd, off_t off, int whence) {
    int64_t o = off;
    int32_t args[6] = {fd, 0, (int32_t)(uint32_t)o, (int32_t)(o >> 32), whence, 0};
    int32_t hi = 0;
    int32_t lo = evm_call6(NB_SYS_lseek, args, &hi);
    if (lo < 0 && lo > -4096 && hi == 0) return check(lo);
    return (off_t)(((int64_t)hi << 32) | (uint32_t)lo);
}
_off64_t lseek64(int fd, _off64_t off, int whence) { return lseek(fd, (off_t)off, whence); }

int isatty(int fd) {
    static uint8_t termios[44];
    int32_t r = evm_call(NB_SYS_ioctl, fd, 0x402c7413, (int32_t)(uintptr_t)termios, 0, 0);
    if (r < 0) {
        errno = host_errno(-r);
        return 0;
    }
    return 1;
}

/* NetBSD's struct stat (152 bytes on RV32) → picolibc's. */
static void from_nb_stat(const uint8_t *nb, struct stat *st) {
    uint32_t mode, nlink;
    uint64_t ino;
    int64_t size, mtime;
    memcpy(&mode, nb + 8, 4);
    memcpy(&ino, nb + 16, 8);
    memcpy(&nlink, nb + 24, 4);
    memcpy(&mtime, nb + 64, 8);
    memcpy(&size, nb + 112, 8);
    memset(st, 0, sizeof *st);
    st->st_mode = mode;
    st->st_ino = ino;
    st->st_nlink = nlink;
    st->st_size = size;
    st->st_mtime = mtime;
    st->st_blksize = 4096;
}

int fstat(int fd, struct stat *st) {
    uint8_t nb[152];
    if (check(evm_call(NB_SYS_fstat, fd, (int32_t)(uintptr_t)nb, 0, 0, 0)) < 0) return -1;
    from_nb_stat(nb, st);
    return 0;
}

int stat(const char *path, struct stat *st) {
    uint8_t nb[152];
    if (check(evm_call(NB_SYS_stat, (int32_t)(uintptr_t)path, (int32_t)(uintptr_t)nb, 0, 0, 0)) < 0) return -1;
    from_nb_stat(nb, st);
    return 0;
}

int gettimeofday(struct timeval *tv, void *tz) {
    (void)tz;
    uint8_t nb[16];
    if (check(evm_call(NB_SYS_gettimeofday, (int32_t)(uintptr_t)nb, 0, 0, 0, 0)) < 0) return -1;
    int64_t sec;
    int32_t usec;
    memcpy(&sec, nb, 8);
    memcpy(&usec, nb + 8, 4);
    tv->tv_sec = sec;
    tv->tv_usec = usec;
    return 0;
}

int clock_gettime(clockid_t id, struct timespec *ts) {
    uint8_t nb[16];
    int nbid = id == CLOCK_REALTIME ? 0 : 3; /* anything else counts from boot */
    if (check(evm_call(NB_SYS_clock_gettime, nbid, (int32_t)(uintptr_t)nb, 0, 0, 0)) < 0) return -1;
    int64_t sec;
    int32_t nsec;
    memcpy(&sec, nb, 8);
    memcpy(&nsec, nb + 8, 4);
    ts->tv_sec = sec;
    ts->tv_nsec = nsec;
    return 0;
}

int nanosleep(const struct timespec *req, struct timespec *rem) {
    (void)rem;
    int64_t nb[2] = {req->tv_sec, req->tv_nsec};
    return check(evm_call(NB_SYS_nanosleep, (int32_t)(uintptr_t)nb, 0, 0, 0, 0));
}

/*
 * malloc's memory (picolibc's malloc calls sbrk): first the heap linked into
 * the image (__heap_start..__heap_end, small by default), then the RK's
 * program break, which starts where the image ends and is backed page by
 * page as it grows. Without a break (no layout), only the linked heap.
 */
extern char __heap_start[], __heap_end[];
static uintptr_t current_break;

void *sbrk(ptrdiff_t increment) {
    const uintptr_t linked_end = (uintptr_t)__heap_end;
    if (current_break == 0) current_break = (uintptr_t)__heap_start;
    const uintptr_t old = current_break;
    const uintptr_t want = old + (uintptr_t)increment;
    if (increment < 0 ? want > old : want < old) {
        errno = ENOMEM;
        return (void *)-1;
    }
    if (want > linked_end || old > linked_end) {
        int32_t r = evm_call(NB_SYS_break, (int32_t)(want > linked_end ? want : linked_end), 0, 0, 0, 0);
        if (r < 0) {
            errno = ENOMEM;
            return (void *)-1;
        }
    }
    current_break = want;
    return (void *)old;
}

void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset) {
    /* NetBSD's mmap(addr, len, prot, flags, fd, pad, pos): the RK maps anonymous memory only */
    const int32_t args[6] = {(int32_t)(uintptr_t)addr, (int32_t)length, prot, flags, fd, 0};
    (void)offset;
    int32_t r = evm_call6(NB_SYS_mmap, args, 0);
    if (r < 0 && r > -4096) {
        errno = host_errno(-r);
        return MAP_FAILED;
    }
    return (void *)(uintptr_t)(uint32_t)r;
}
int pipe(int fds[2]) { return check(evm_call(NB_SYS_pipe2, (int32_t)(uintptr_t)fds, 0, 0, 0, 0)) < 0 ? -1 : 0; }

int munmap(void *addr, size_t length) { return check(evm_call(NB_SYS_munmap, (int32_t)(uintptr_t)addr, (int32_t)length, 0, 0, 0)); }
int mprotect(void *addr, size_t length, int prot) {
    return check(evm_call(NB_SYS_mprotect, (int32_t)(uintptr_t)addr, (int32_t)length, prot, 0, 0));
}

int getentropy(void *buf, size_t n) {
    int fd = open("/dev/random", O_RDONLY);
    if (fd < 0) return -1;
    ssize_t r = read(fd, buf, n);
    close(fd);
    return r == (ssize_t)n ? 0 : -1;
}

void _exit(int status) {
    evm_syscall4(NB_SYS_exit, status, 0, 0, 0);
    for (;;) {
        /* Return from the thread upcall: the kernel ends the thread. */
        register int32_t a0 __asm__("a0") = 0;
        register int32_t a1 __asm__("a1") = 0;
        register int32_t a2 __asm__("a2") = status;
        __asm__ volatile("ecall" : "+r"(a0), "+r"(a1), "+r"(a2) : : "memory");
    }
}

/* argc as a word, then argc NUL-terminated strings. */
static char args[4096];
static char *argv[64];

void __evm_main(void) {
    memset(__bss_start, 0, (size_t)(__bss_end - __bss_start));
    int argc = 0;
    int32_t n = evm_call(EVM_SYS_ARGS, (int32_t)(uintptr_t)args, (int32_t)sizeof args, 0, 0, 0);
    if (n >= 4) {
        memcpy(&argc, args, 4);
        char *p = args + 4;
        for (int i = 0; i < argc && i < 63 && p < args + n; i++) {
            argv[i] = p;
            p += strlen(p) + 1;
        }
        if (argc > 63) argc = 63;
    }
    argv[argc] = 0;
    exit(main(argc, argv));
}

#include <evm/dir.h>

int evm_opendir(struct evm_dir *d, const char *path) {
    d->len = d->off = 0;
    d->fd = check(evm_call(NB_SYS_open, (int32_t)(uintptr_t)path, NB_O_DIRECTORY, 0, 0, 0));
    return d->fd < 0 ? -1 : 0;
}

/* NetBSD struct dirent: u64 fileno, u16 reclen, u16 namlen, u8 type, name. */
int evm_readdir(struct evm_dir *d, char *name, size_t max, int *type) {
    if (d->off >= d->len) {
        int32_t n = check(evm_call(NB_SYS_getdents, d->fd, (int32_t)(uintptr_t)d->buf, (int32_t)sizeof d->buf, 0, 0));
        if (n <= 0) return n;
        d->len = n;
        d->off = 0;
    }
    const unsigned char *rec = (const unsigned char *)d->buf + d->off;
    uint16_t reclen = (uint16_t)(rec[8] | rec[9] << 8);
    uint16_t namlen = (uint16_t)(rec[10] | rec[11] << 8);
    if (type) *type = rec[12];
    size_t n = namlen < max - 1 ? namlen : max - 1;
    memcpy(name, rec + 13, n);
    name[n] = 0;
    d->off += reclen;
    return 1;
}

void evm_closedir(struct evm_dir *d) {
    close(d->fd);
}
