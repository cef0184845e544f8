#!/bin/sh
# Runs one ELF on QEMU virt the way the tests do: semihosting on, 10 s limit.
# Prints the guest's UART and semihosting output; exits with QEMU's status.
exec timeout "${QEMU_TIMEOUT:-10}" qemu-system-riscv32 -M virt -nographic -bios none -m 128M \
  -kernel "$1" -semihosting-config enable=on,target=native
