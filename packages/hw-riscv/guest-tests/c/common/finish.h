/*
 * Ending a guest program on both eVM and QEMU virt: flush stdio, then write
 * the SiFive test finisher (QEMU 7.2 does not stop on picolibc's semihosted
 * exit, the finisher ends both machines).
 */
#ifndef GUEST_FINISH_H
#define GUEST_FINISH_H

/* status 0 = pass; 1..255 = failure with that code. Never returns. */
void finish(int status) __attribute__((noreturn));

/* Prints "check failed: <what>" and finishes with status 1 unless ok. */
void check(int ok, const char *what);

#endif
