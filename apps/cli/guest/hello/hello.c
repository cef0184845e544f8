/*
 * A freestanding greeting for the virt board: talks to the NS16550A UART
 * directly, reads machine CSRs, does a little arithmetic, and ends through
 * the test finisher. Runs unchanged on eVM and on qemu-system-riscv32 -M virt.
 */
#include <stdint.h>

#define UART ((volatile uint8_t *)0x10000000)
#define UART_THR 0
#define UART_LSR 5
#define LSR_THR_EMPTY 0x20

static void putc_uart(char c) {
    while (!(UART[UART_LSR] & LSR_THR_EMPTY)) {}
    UART[UART_THR] = (uint8_t)c;
}

static void puts_uart(const char *s) {
    while (*s) putc_uart(*s++);
}

static void put_dec(uint32_t v) {
    char buf[11];
    int i = 0;
    do { buf[i++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (i) putc_uart(buf[--i]);
}

static void put_hex(uint32_t v) {
    for (int s = 28; s >= 0; s -= 4) putc_uart("0123456789abcdef"[(v >> s) & 0xf]);
}

static uint32_t read_misa(void) {
    uint32_t v;
    __asm__ volatile(".insn i 0x73, 2, %0, x0, 0x301" : "=r"(v));
    return v;
}

static uint32_t count_primes(uint32_t limit) {
    static uint8_t composite[10000];
    uint32_t n = 0;
    for (uint32_t i = 2; i < limit; i++) {
        if (composite[i]) continue;
        n++;
        for (uint32_t j = i * i; j < limit; j += i) composite[j] = 1;
    }
    return n;
}

static uint32_t crc32(const char *s) {
    uint32_t crc = 0xffffffffu;
    while (*s) {
        crc ^= (uint8_t)*s++;
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    }
    return ~crc;
}

int main(void) {
    uint32_t misa = read_misa();
    puts_uart("hello from RISC-V on the virt board\n");
    puts_uart("isa: rv32");
    for (int b = 0; b < 26; b++)
        if (misa & (1u << b)) putc_uart((char)('a' + b));
    puts_uart("\nprimes below 10000: ");
    put_dec(count_primes(10000));
    puts_uart("\ncrc32(\"eVM\"): 0x");
    put_hex(crc32("eVM"));
    puts_uart("\n");
    return 0;
}
