#!/usr/bin/env bash
# Rebuilds hello.elf (committed, so running it needs no cross compiler).
set -euo pipefail
cd "$(dirname "$0")"
riscv64-unknown-elf-gcc -march=rv32imac -mabi=ilp32 -O2 -ffreestanding -nostdlib -nostartfiles \
  -mcmodel=medany -Wall -Wextra -Wl,--no-warn-rwx-segments -T link.ld -o hello.elf start.S hello.c
riscv64-unknown-elf-strip -g hello.elf
