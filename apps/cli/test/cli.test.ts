/**
 * End-to-end: the built `evm` binary run as a process, the way a user runs it.
 * `pnpm test` builds the package first (turbo: test depends on build).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const BIN = path.join(__dirname, '..', 'dist', 'bin.js');
const HELLO = path.join(__dirname, '..', 'guest', 'hello', 'hello.elf');

function evm(args: string[], options: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? path.join(__dirname, '..'),
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'evm-cli-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('evm --help', () => {
  it('lists the commands and exits 0', () => {
    const r = evm(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: evm <command>/);
    for (const c of ['run', 'hw run', 'plugins']) expect(r.stdout).toContain(`  ${c}`);
  });

  it.each([['run'], ['hw', 'run'], ['plugins']])('has help for "%s"', (...cmd) => {
    const r = evm([...cmd, '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Usage: evm ${cmd.join(' ')}`);
  });

  it('rejects an unknown command with status 2', () => {
    const r = evm(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });
});

describe('evm hw run', () => {
  it('runs a bare-metal program: console on stdout, the guest exit status, a summary on stderr', () => {
    const r = evm(['hw', 'run', HELLO]);
    expect(r.stdout).toContain('hello from RISC-V on the virt board');
    expect(r.stdout).toContain('primes below 10000: 1229');
    expect(r.stdout).toContain('crc32("eVM"): 0x55d11726');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/evm: exit 0 .* instructions in .* MIPS, interpreter\)/);
  });

  it('reports the result as JSON with --json', () => {
    const r = evm(['hw', 'run', HELLO, '--json']);
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stderr.trim().split('\n').pop()!);
    expect(result).toMatchObject({ status: 0, tier: 'interpreter' });
    expect(result.instructions).toBeGreaterThan(100_000);
    expect(typeof result.wallMs).toBe('number');
  });

  it('ends an endless run at the instruction budget with 124', () => {
    const r = evm(['hw', 'run', HELLO, '--max-instructions', '5000', '-q']);
    expect(r.status).toBe(124);
  });

  it.each([
    [
      'a missing file',
      () => path.join(scratch, 'missing.elf'),
      /cannot read .*missing\.elf: no such file/,
    ],
    [
      'a text file',
      () => {
        const f = path.join(scratch, 'notes.elf');
        writeFileSync(f, 'this is not an ELF file at all, just text\n');
        return f;
      },
      /notes\.elf: is not an ELF file/,
    ],
    [
      'a truncated ELF',
      () => {
        const f = path.join(scratch, 'truncated.elf');
        writeFileSync(f, readFileSync(HELLO).subarray(0, 100));
        return f;
      },
      /truncated\.elf: /,
    ],
    [
      'an ELF for another architecture',
      () => {
        const f = path.join(scratch, 'x86.elf');
        const bytes = Buffer.from(readFileSync(HELLO));
        bytes.writeUInt16LE(62, 18); // EM_X86_64
        writeFileSync(f, bytes);
        return f;
      },
      /x86\.elf: .*machine 62.*RISC-V/,
    ],
  ])('rejects %s with a clear message and status 2', (_what, make, message) => {
    const r = evm(['hw', 'run', make()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no host stack trace
  });

  it('rejects bad options with status 2', () => {
    expect(evm(['hw', 'run', HELLO, '--tier', 'fast']).stderr).toContain(
      '--tier must be interpreter or translator',
    );
    expect(evm(['hw', 'run', HELLO, '--max-instructions', '-3']).status).toBe(2);
    expect(evm(['hw', 'run']).stderr).toContain('expected one ELF file');
    expect(evm(['hw', 'run', HELLO, '--virtio', 'console,gpu']).stderr).toContain(
      '--virtio: unknown device "gpu" (known: console, rng)',
    );
  });

  it('resolves the ELF relative to the working directory', () => {
    copyFileSync(HELLO, path.join(scratch, 'h.elf'));
    const r = evm(['hw', 'run', 'h.elf', '-q'], { cwd: scratch });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('hello from RISC-V on the virt board');
  });
});

describe('evm run', () => {
  it('runs the built-in default system', () => {
    const r = evm(['run']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('hello from RISC-V on the virt board');
  });

  it('runs a given ELF with --elf', () => {
    const r = evm(['run', '--elf', HELLO, '-q']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('primes below 10000: 1229');
  });
});

describe('evm plugins', () => {
  it('lists the workspace plugins as JSON, field by field', () => {
    const r = evm(['plugins', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      contractsVersion: string;
      plugins: Array<{
        packageName: string;
        version: string;
        kind: string;
        provides: string[];
        contracts: string;
        compatible: boolean;
      }>;
    };
    expect(out.contractsVersion).toMatch(/^\d+\.\d+\.\d+$/);
    const hart = out.plugins.find((p) => p.packageName === '@evm/hw-hart');
    expect(hart).toMatchObject({
      kind: 'hart',
      provides: ['hart.rv32imac'],
      contracts: '^0.1.0',
      compatible: true,
    });
    const board = out.plugins.find((p) => p.packageName === '@evm/board-virt');
    expect(board).toMatchObject({ kind: 'board', provides: ['virt'], compatible: true });
    for (const p of out.plugins) expect(p.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('prints a table', () => {
    const r = evm(['plugins']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/PACKAGE\s+VERSION\s+KIND\s+PROVIDES\s+CONTRACTS/);
    expect(r.stdout).toMatch(/@evm\/hw-hart\s+0\.\d+\.\d+\s+hart\s+hart\.rv32imac/);
  });
});
