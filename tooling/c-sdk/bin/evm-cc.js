#!/usr/bin/env node
// evm-cc: compiles and links a C program as an eVM application: Debian's
// riscv64-unknown-elf-gcc with picolibc for RV32IMAC, eVM's start-up code and
// system-call layer (into the application's rump kernel), and its linker script.
// Usage: evm-cc [gcc options] file.c ... -o app.elf
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const sdk = path.join(__dirname, '..');
const gcc = process.env.EVM_CC_GCC ?? 'riscv64-unknown-elf-gcc';
const args = process.argv.slice(2);
if (args.length === 0 || args.includes('--help')) {
  process.stdout.write('usage: evm-cc [gcc options] file.c ... -o app.elf\n');
  process.exit(args.length === 0 ? 2 : 0);
}
const full = [
  '-march=rv32imac',
  '-mabi=ilp32',
  '-mcmodel=medany',
  '--specs=picolibc.specs',
  '-nostartfiles',
  // The runtime provides these POSIX clocks (CLOCK_MONOTONIC counts from the RK's boot).
  '-D_POSIX_TIMERS=200112L',
  '-D_POSIX_MONOTONIC_CLOCK=200112L',
  '-ffunction-sections',
  '-fdata-sections',
  `-I${path.join(sdk, 'include')}`,
  `-T${path.join(sdk, 'link.ld')}`,
  '-Wl,--gc-sections',
  path.join(sdk, 'runtime', 'crt0.S'),
  path.join(sdk, 'runtime', 'runtime.c'),
  path.join(sdk, 'runtime', 'iob.c'),
  ...args,
];
const r = spawnSync(gcc, full, { stdio: 'inherit' });
if (r.error && r.error.code === 'ENOENT') {
  process.stderr.write(
    `evm-cc: ${gcc} not found. Install the RISC-V toolchain (Debian: gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf), e.g. with scripts/install-toolchain.sh from the eVM repository.\n`,
  );
  process.exit(127);
}
process.exit(r.status ?? 1);
