/*
 * Memory mappings for eVM applications: anonymous mmap, munmap and
 * mprotect, served by the application's rump kernel, which has the eVM
 * kernel map fresh pages into the application. The constants are NetBSD's,
 * the values the RK understands.
 */
#ifndef EVM_SYS_MMAN_H
#define EVM_SYS_MMAN_H

#include <stddef.h>
#include <sys/types.h>

#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4

#define MAP_SHARED 0x1
#define MAP_PRIVATE 0x2
#define MAP_FIXED 0x10
#define MAP_ANON 0x1000
#define MAP_ANONYMOUS MAP_ANON

#define MAP_FAILED ((void *)-1)

#ifdef __cplusplus
extern "C" {
#endif

/* Only anonymous mappings (MAP_ANON, fd -1); a file mapping fails with ENODEV. */
void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
int munmap(void *addr, size_t length);
int mprotect(void *addr, size_t length, int prot);

#ifdef __cplusplus
}
#endif

#endif
