/*
 * eVM guest system calls: an application component traps into its rump
 * kernel (RK) with `ecall`, per the kernel's guest ABI:
 *   a0 = capability slot of the RK's "rump.syscall" gate (EVM_RK_CAP)
 *   a1 = NetBSD system-call number (| EVM_SYS_INDIRECT: a2 points at six argument words)
 *   a2..a5 = up to four argument words
 * Result: a0 = value or a negative NetBSD errno, a1 = a second result word.
 */
#ifndef EVM_SYSCALL_H
#define EVM_SYSCALL_H

#include <stdint.h>

#define EVM_RK_CAP 1
/* The thread's own receive endpoint, when the system gives it one: where it waits while a call would block. */
#define EVM_WAIT_CAP 2
#define EVM_SYS_INDIRECT 0x10000
/* Not an errno: the call cannot complete yet (empty pipe, no console input); wait or yield, and retry. */
#define EVM_WOULD_BLOCK (-0x10000)
/* eVM's own call: copy the argument block (argc, then NUL-separated strings) to a0, at most a1 bytes. */
#define EVM_SYS_ARGS 0x1001

#define NB_SYS_exit 1
#define NB_SYS_read 3
#define NB_SYS_write 4
#define NB_SYS_open 5
#define NB_SYS_close 6
#define NB_SYS_unlink 10
#define NB_SYS_chdir 12
#define NB_SYS_break 17
#define NB_SYS_getpid 20
#define NB_SYS_kill 37
#define NB_SYS_munmap 73
#define NB_SYS_mprotect 74
#define NB_SYS_dup 41
#define NB_SYS_ioctl 54
#define NB_SYS_dup2 90
#define NB_SYS_fcntl 92
#define NB_SYS_rename 128
#define NB_SYS_mkdir 136
#define NB_SYS_rmdir 137
#define NB_SYS_mmap 197
#define NB_SYS_lseek 199
#define NB_SYS_getdents 390
#define NB_SYS_gettimeofday 418
#define NB_SYS_clock_gettime 427
#define NB_SYS_nanosleep 430
#define NB_SYS_stat 439
#define NB_SYS_fstat 440
#define NB_SYS_pipe2 453

/* NetBSD open flags (the RK's values). */
#define NB_O_WRONLY 0x1
#define NB_O_RDWR 0x2
#define NB_O_NONBLOCK 0x4
#define NB_O_APPEND 0x8
#define NB_O_CREAT 0x200
#define NB_O_TRUNC 0x400
#define NB_O_EXCL 0x800
#define NB_O_DIRECTORY 0x200000

struct evm_result {
    int32_t value;
    int32_t second;
};

/* One raw call: four argument words; the value (or -errno) and the second word. */
static inline struct evm_result evm_syscall4(int32_t nr, int32_t x0, int32_t x1, int32_t x2, int32_t x3) {
    register int32_t a0 __asm__("a0") = EVM_RK_CAP;
    register int32_t a1 __asm__("a1") = nr;
    register int32_t a2 __asm__("a2") = x0;
    register int32_t a3 __asm__("a3") = x1;
    register int32_t a4 __asm__("a4") = x2;
    register int32_t a5 __asm__("a5") = x3;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3) : "r"(a4), "r"(a5) : "memory");
    struct evm_result r = {a0, a1};
    return r;
}

/* Yields the processor (SELF_CAP, SelfOp.Yield) while a call would block. */
static inline void evm_yield(void) {
    register int32_t a0 __asm__("a0") = 0;
    register int32_t a1 __asm__("a1") = 1;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : : "a2", "a3", "memory");
}

/* The kernel's type of capability slot `slot` of this component (SELF_CAP, SelfOp.CapType); 3 = Rcv. */
static inline int32_t evm_cap_type(int32_t slot) {
    register int32_t a0 __asm__("a0") = 0;
    register int32_t a1 __asm__("a1") = 5;
    register int32_t a2 __asm__("a2") = slot;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1), "+r"(a2) : : "a3", "memory");
    return a0;
}
#define EVM_CAP_RCV 3

/*
 * Waits for an event on the thread's endpoint (EVM_WAIT_CAP, RcvOp.Wait): the
 * system sends one when what the RK waits for may have happened (console
 * input). Only when that slot holds a Rcv capability (see evm_cap_type):
 * invoking a capability one does not hold is a fault.
 */
static inline int32_t evm_wait(void) {
    register int32_t a0 __asm__("a0") = EVM_WAIT_CAP;
    register int32_t a1 __asm__("a1") = 0;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : : "a2", "a3", "memory");
    return a0;
}

/* A call that waits (or yields) and retries while the RK says it would block. */
int32_t evm_call(int32_t nr, int32_t x0, int32_t x1, int32_t x2, int32_t x3, int32_t *second);
/* Calls with up to six words (passed indirectly). */
int32_t evm_call6(int32_t nr, const int32_t args[6], int32_t *second);

#endif
