#!/bin/sh
# Builds every guest program into elf/ (asm tests, C programs, benchmarks).
# Needs riscv64-unknown-elf-gcc with picolibc (scripts/install-toolchain.sh at
# the repository root installs it). The ELFs are committed, so the tests run
# without a cross compiler; rebuild after changing a source.
#   sh build.sh            build everything
#   sh build.sh asm        only one group: asm (with asm/negative, asm/tohost), c or bench
set -eu
cd "$(dirname "$0")"

CC=riscv64-unknown-elf-gcc
STRIP=riscv64-unknown-elf-strip
command -v "$CC" >/dev/null || {
  echo "build.sh: $CC not found; run scripts/install-toolchain.sh at the repository root" >&2
  exit 1
}

# Assembly tests: no libc. The Z* extensions are named so gas accepts CSR and
# fence.i instructions; nothing is linked from a multilib.
ASM_FLAGS="-march=rv32imac_zicsr_zifencei -mabi=ilp32 -nostdlib -nostartfiles -static \
  -Iasm/include -T asm/link.ld -Wl,--no-warn-rwx-segments"

# C programs: picolibc with semihosting, QEMU virt's RAM split in code and data.
# Exactly rv32imac/ilp32, or gcc picks a multilib of the wrong ABI.
C_FLAGS="-march=rv32imac -mabi=ilp32 --specs=picolibc.specs --oslib=semihost --crt0=semihost -mcmodel=medany -O2 \
  -Wall -Wextra -Werror -Ic/common \
  -Wl,--defsym=__flash=0x80000000 -Wl,--defsym=__flash_size=0x400000 \
  -Wl,--defsym=__ram=0x80400000 -Wl,--defsym=__ram_size=0x3c00000"

group=${1:-all}
mkdir -p elf/asm elf/negative elf/tohost elf/c elf/bench

if [ "$group" = all ] || [ "$group" = asm ]; then
  for src in asm/*.S; do
    name=$(basename "$src" .S)
    $CC $ASM_FLAGS -o "elf/asm/$name.elf" "$src"
    $STRIP -g "elf/asm/$name.elf"
  done
  # tests that must fail (proving failures are seen) and tests that end
  # through tohost alone (for eVM; QEMU would not stop)
  for dir in negative tohost; do
    for src in asm/$dir/*.S; do
      name=$(basename "$src" .S)
      $CC $ASM_FLAGS -o "elf/$dir/$name.elf" "$src"
      $STRIP -g "elf/$dir/$name.elf"
    done
  done
fi

if [ "$group" = all ] || [ "$group" = c ]; then
  for src in c/*.c; do
    name=$(basename "$src" .c)
    $CC $C_FLAGS -o "elf/c/$name.elf" "$src" c/common/finish.c
    $STRIP -g "elf/c/$name.elf"
  done
fi

if [ "$group" = all ] || [ "$group" = bench ]; then
  for src in bench/*.c; do
    name=$(basename "$src" .c)
    $CC $C_FLAGS -o "elf/bench/$name.elf" "$src" c/common/finish.c
    $STRIP -g "elf/bench/$name.elf"
  done
fi
