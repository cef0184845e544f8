/* stdin, stdout and stderr: buffered picolibc streams on descriptors 0, 1 and 2 of the RK. */
#include <stdio.h>
#include <stdio-bufio.h>
#include <unistd.h>

static char in_buf[256], out_buf[512], err_buf[64];

static struct __file_bufio in_file = FDEV_SETUP_BUFIO(0, in_buf, sizeof in_buf, read, write, lseek, close, __SRD, 0);
static struct __file_bufio out_file = FDEV_SETUP_BUFIO(1, out_buf, sizeof out_buf, read, write, lseek, close, __SWR, __BLBF);
static struct __file_bufio err_file = FDEV_SETUP_BUFIO(2, err_buf, sizeof err_buf, read, write, lseek, close, __SWR, __BLBF);

FILE *const stdin = &in_file.xfile.cfile.file;
FILE *const stdout = &out_file.xfile.cfile.file;
FILE *const stderr = &err_file.xfile.cfile.file;
