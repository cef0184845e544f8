#!/bin/sh
# Rebuilds the example applications (committed, so running them needs no toolchain).
set -e
cd "$(dirname "$0")"
for src in *.c; do
  node ../bin/evm-cc.js -O2 -Wall -Wextra "$src" -o "${src%.c}.elf"
  riscv64-unknown-elf-strip -g "${src%.c}.elf"
done
