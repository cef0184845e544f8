#!/bin/sh
# Rebuilds the benchmark guest (committed, so benchmarking needs no toolchain).
set -e
cd "$(dirname "$0")"
node ../../../../../tooling/c-sdk/bin/evm-cc.js -O2 -Wall syscall-loop.c -o syscall-loop.elf
riscv64-unknown-elf-strip -g syscall-loop.elf
