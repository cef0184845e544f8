import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseElf } from '@evm/board-virt';
import {
  asmTests,
  BENCHMARKS,
  benchmarkElf,
  C_PROGRAMS,
  FAILING_ASM_TEST,
  PACKAGE_DIR,
  QemuMissingError,
  qemuArgs,
  runQemu,
  STARTUP_BASELINE_ELF,
  TOHOST_TESTS,
} from '../src';

const sources = (dir: string, ext: string) =>
  readdirSync(path.join(PACKAGE_DIR, dir))
    .filter((f) => f.endsWith(ext))
    .map((f) => path.basename(f, ext))
    .sort();

describe('the program lists', () => {
  it('have an ELF for every asm source and no stale ones', () => {
    expect(asmTests().map((t) => t.name)).toEqual(sources('asm', '.S'));
  });

  it('name every C program and every benchmark workload', () => {
    expect(C_PROGRAMS.map((p) => p.name).sort()).toEqual(sources('c', '.c'));
    expect([...BENCHMARKS, 'empty'].sort()).toEqual(sources('bench', '.c'));
  });

  it('point at ELFs for the RV32 ilp32 soft-float ABI with their entry in RAM', () => {
    const elfs = [
      ...asmTests().map((t) => t.elf),
      FAILING_ASM_TEST.elf,
      ...Object.values(TOHOST_TESTS),
      ...C_PROGRAMS.map((p) => p.elf),
      ...BENCHMARKS.map(benchmarkElf),
      STARTUP_BASELINE_ELF,
    ];
    for (const elf of elfs) {
      const image = parseElf(readFileSync(elf), path.basename(elf));
      expect(image.entry >>> 0).toBeGreaterThanOrEqual(0x8000_0000);
    }
  });

  it('keep the tohost symbol in the asm ELFs (the board finds it in the symbol table)', () => {
    const extra = [FAILING_ASM_TEST.elf, ...Object.values(TOHOST_TESTS)].map((elf) => ({
      name: elf,
      elf,
    }));
    for (const t of [...asmTests(), ...extra]) {
      const image = parseElf(readFileSync(t.elf), t.name);
      expect(image.symbols.get('tohost')).toBeGreaterThanOrEqual(0x8000_0000);
    }
  });
});

describe('runQemu', () => {
  it('passes the command line as semihosting arguments, doubling commas', () => {
    const args = qemuArgs('x.elf', ['prog', 'a,b']);
    expect(args[args.indexOf('-semihosting-config') + 1]).toBe(
      'enable=on,target=native,arg=prog,arg=a,,b',
    );
    expect(args).toEqual(
      expect.arrayContaining(['-M', 'virt', '-bios', 'none', '-kernel', 'x.elf']),
    );
  });

  it('tells how to install QEMU when the binary is missing', async () => {
    const run = runQemu(STARTUP_BASELINE_ELF, {
      cwd: PACKAGE_DIR,
      binary: 'qemu-system-riscv32-not-installed',
    });
    await expect(run).rejects.toThrow(QemuMissingError);
    await expect(run).rejects.toThrow(/scripts\/install-toolchain\.sh/);
  });
});
