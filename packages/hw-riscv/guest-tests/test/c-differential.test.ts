import { readdirSync } from 'node:fs';
import { runElf } from '@evm/board-virt';
import { C_PROGRAMS, requireQemu, runQemu, TIERS } from '../src';
import { makeTempDir } from './tmp-dir';

// The largest program (malloc) retires about 60 million instructions.
const BUDGET = 200_000_000;
jest.setTimeout(60_000);

beforeAll(() => {
  requireQemu();
});

describe.each(C_PROGRAMS.map((p) => [p.name, p] as const))('%s', (_name, program) => {
  it.each(TIERS)(
    'prints on eVM (%s tier) exactly what it prints on QEMU, with the same status',
    async (tier) => {
      const qemuDir = makeTempDir(`${program.name}-qemu`);
      const evmDir = makeTempDir(`${program.name}-evm`);
      try {
        const qemu = await runQemu(program.elf, {
          cwd: qemuDir.dir,
          argv: program.argv,
          stdin: program.stdin,
          timeoutMs: 20_000,
        });
        expect(qemu.timedOut).toBe(false);
        expect(qemu.uart).toBe('');
        expect(qemu.console).toMatch(program.expect);

        const evm = await runElf(program.elf, {
          tier,
          maxInstructions: BUDGET,
          semihostRoot: evmDir.dir,
          argv: program.argv,
          stdin: program.stdin,
        });
        expect({ status: evm.status, output: evm.stdout + evm.stderr }).toEqual({
          status: qemu.status,
          output: qemu.console,
        });
        // files the program leaves behind (none: fileio removes its own) match too
        expect(readdirSync(evmDir.dir).sort()).toEqual(readdirSync(qemuDir.dir).sort());
      } finally {
        qemuDir.remove();
        evmDir.remove();
      }
    },
  );
});
