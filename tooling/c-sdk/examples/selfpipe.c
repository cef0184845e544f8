/*
 * A classic mistake: reading a pipe whose only writer is the reader itself.
 * On NetBSD the process would sleep forever; eVM sees that nothing in its
 * rump kernel can ever serve the read and ends the run as a deadlock
 * (status 126), naming the wait.
 */
#include <stdio.h>
#include <unistd.h>

int main(void) {
    int fds[2];
    if (pipe(fds) != 0) return 1;
    printf("reading my own empty pipe...\n");
    fflush(stdout);
    char c;
    read(fds[0], &c, 1);
    printf("never printed\n");
    return 0;
}
