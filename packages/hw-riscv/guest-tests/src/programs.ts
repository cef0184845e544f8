import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** The package directory (sources and committed ELFs live beside dist/). */
export const PACKAGE_DIR = path.resolve(__dirname, '..');
export const ELF_DIR = path.join(PACKAGE_DIR, 'elf');

/** Marks the end of the input the `stdin` program reads from the UART. */
export const END_OF_INPUT = '\x04';

export interface GuestProgram {
  readonly name: string;
  readonly elf: string;
  /** Command line for SYS_GET_CMDLINE (QEMU: `-semihosting-config arg=...`). */
  readonly argv?: readonly string[];
  /** Bytes for the UART (QEMU: the process's stdin). */
  readonly stdin?: string;
  /** What the console output must show, so two empty outputs never compare equal. */
  readonly expect: RegExp;
}

function elfsIn(group: string): string[] {
  const dir = path.join(ELF_DIR, group);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.elf'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The self-checking ISA and privileged tests (asm/*.S), one ELF each. */
export function asmTests(): { name: string; elf: string }[] {
  return elfsIn('asm').map((elf) => ({ name: path.basename(elf, '.elf'), elf }));
}

/** An asm program that must fail with test number 7: proves failures are seen. */
export const FAILING_ASM_TEST = {
  elf: path.join(ELF_DIR, 'negative', 'fails-test-7.elf'),
  test: 7,
} as const;

/**
 * Programs that end through the `tohost` symbol alone (no test finisher), as
 * the official RISC-V test environments do: for eVM only (QEMU virt ignores
 * tohost and would not stop).
 */
export const TOHOST_TESTS = {
  passes: path.join(ELF_DIR, 'tohost', 'passes.elf'),
  failsTest9: path.join(ELF_DIR, 'tohost', 'fails-test-9.elf'),
} as const;

const c = (name: string, extra: Omit<GuestProgram, 'name' | 'elf'>): GuestProgram => ({
  name,
  elf: path.join(ELF_DIR, 'c', `${name}.elf`),
  ...extra,
});

/** The differential C programs (c/*.c) with their inputs. */
export const C_PROGRAMS: readonly GuestProgram[] = [
  c('strings', { expect: /^qsort: 600 words, sorted=1[\s\S]*strings: done\n$/ }),
  c('math', { expect: /^primes <= 20000: 2262[\s\S]*math: done\n$/ }),
  c('malloc', { expect: /^allocated 1200 blocks[\s\S]*calloc zeroed: 1\n[\s\S]*malloc: done\n$/ }),
  c('printf', { expect: /^\[-12345\] \[678\][\s\S]*printf: done\n$/ }),
  c('fileio', { expect: /^wrote 20000 bytes[\s\S]*equal=1[\s\S]*fileio: done\n$/ }),
  c('args', {
    argv: ['args', 'hello', '42', '-2'],
    expect: /^argc = 5\n[\s\S]*argv\[2\] = "hello"\n[\s\S]*numeric sum = 40/,
  }),
  c('stdin', {
    stdin: `alpha beta 12\ngamma -5 delta\n\nlast line 100\n${END_OF_INPUT}`,
    expect: /^wc: 4 lines, 9 words, 44 bytes; numbers sum to 107\n[\s\S]*stdin: done\n$/,
  }),
];

/** The benchmark workloads (bench/*.c); `empty` is the startup baseline, not a workload. */
export const BENCHMARKS: readonly string[] = ['hash', 'matmul', 'listsort', 'records'];

export function benchmarkElf(name: string): string {
  return path.join(ELF_DIR, 'bench', `${name}.elf`);
}

/** A program that only starts the C runtime and ends: QEMU's fixed cost per run. */
export const STARTUP_BASELINE_ELF = path.join(ELF_DIR, 'bench', 'empty.elf');
