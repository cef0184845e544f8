/* Reads standard input to its end: counts lines and words, echoes each line upper-cased. */
#include <ctype.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
    char line[256];
    int lines = 0, words = 0;
    printf("stdin is %sa terminal\n", isatty(0) ? "" : "not ");
    while (fgets(line, sizeof line, stdin)) {
        lines++;
        int in_word = 0;
        for (char *p = line; *p; p++) {
            if (isspace((unsigned char)*p)) in_word = 0;
            else if (!in_word) { in_word = 1; words++; }
            *p = (char)toupper((unsigned char)*p);
        }
        fputs(line, stdout);
    }
    printf("%d lines, %d words\n", lines, words);
    return lines;
}
