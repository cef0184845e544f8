/* Crashes on purpose: a null-pointer store, after some output. */
#include <stdio.h>

int main(void) {
    printf("crash: about to dereference a null pointer\n");
    fflush(stdout);
    volatile int *p = 0;
    *p = 42;
    printf("crash: still alive?\n");
    return 0;
}
