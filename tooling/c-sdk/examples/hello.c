/* The smallest eVM application: stdio through its rump kernel's console. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
    printf("hello from %s in a rump kernel (pid %d, %d argument%s)\n", argv[0], (int)getpid(), argc - 1,
           argc == 2 ? "" : "s");
    for (int i = 1; i < argc; i++) printf("  argv[%d] = %s\n", i, argv[i]);
    return 0;
}
