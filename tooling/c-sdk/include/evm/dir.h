/* Directory listing for eVM applications (picolibc has no opendir): entries of an open directory via getdents. */
#ifndef EVM_DIR_H
#define EVM_DIR_H
#include <stddef.h>

struct evm_dir {
    int fd;
    int len, off;
    char buf[1024];
};

/* Opens a directory; 0 on success, -1 with errno. */
int evm_opendir(struct evm_dir *d, const char *path);
/* Next entry's name (and d_type in *type): 1, 0 at the end, -1 with errno. */
int evm_readdir(struct evm_dir *d, char *name, size_t max, int *type);
void evm_closedir(struct evm_dir *d);

#endif
