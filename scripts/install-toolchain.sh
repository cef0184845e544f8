#!/usr/bin/env bash
# Installs what the guest programs and the reference comparisons need:
# the RISC-V cross compiler with picolibc, QEMU (reference machine) and the
# FAT tools. Idempotent; uses sudo only when not root.
set -euo pipefail
need=()
command -v riscv64-unknown-elf-gcc >/dev/null || need+=(gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf)
[ -d /usr/lib/picolibc/riscv64-unknown-elf ] || need+=(picolibc-riscv64-unknown-elf)
command -v qemu-system-riscv32 >/dev/null || need+=(qemu-system-misc)
command -v mkfs.fat >/dev/null || need+=(dosfstools)
command -v mcopy >/dev/null || need+=(mtools)
[ ${#need[@]} -eq 0 ] && { echo "toolchain: already installed"; exit 0; }
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
