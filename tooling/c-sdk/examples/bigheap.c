/*
 * malloc past the heap linked into the image: 40 blocks of 1 MiB, each
 * filled and checked. The runtime's sbrk moves the RK's program break and
 * the kernel backs the pages as it grows. Exit status 0 when all of it held.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCKS 40
#define BLOCK (1u << 20)

int main(void) {
    static unsigned char *block[BLOCKS];
    for (int i = 0; i < BLOCKS; i++) {
        block[i] = malloc(BLOCK);
        if (block[i] == NULL) {
            printf("malloc failed after %d MiB\n", i);
            return 1;
        }
        memset(block[i], i + 1, BLOCK);
    }
    for (int i = 0; i < BLOCKS; i++) {
        for (unsigned j = 0; j < BLOCK; j += 4093) {
            if (block[i][j] != (unsigned char)(i + 1)) {
                printf("block %d changed at %u\n", i, j);
                return 1;
            }
        }
        free(block[i]);
    }
    printf("malloc'd, filled and checked %d MiB\n", BLOCKS);
    return 0;
}
