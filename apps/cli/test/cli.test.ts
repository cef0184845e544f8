/**
 * End-to-end: the built `evm` binary run as a process, the way a user runs it.
 * `pnpm test` builds the package first (turbo: test depends on build).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const BIN = path.join(__dirname, '..', 'dist', 'bin.js');
const HELLO = path.join(__dirname, '..', 'guest', 'hello', 'hello.elf');
const EXAMPLES = path.join(__dirname, '..', '..', '..', 'tooling', 'c-sdk', 'examples');
const APP = (name: string) => path.join(EXAMPLES, `${name}.elf`);

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

/** `evm run` on a fresh directory holding example ELFs (file name → example) and this evm.config.json. */
function runComposed(elfs: Record<string, string>, config: object) {
  const dir = mkdtempSync(path.join(tmpdir(), 'evm-sys-'));
  try {
    for (const [file, example] of Object.entries(elfs))
      copyFileSync(APP(example), path.join(dir, file));
    writeFileSync(path.join(dir, 'evm.config.json'), JSON.stringify(config));
    return evm(['run', dir]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
    for (const c of ['run', 'inspect', 'hw run', 'plugins']) expect(r.stdout).toContain(`  ${c}`);
  });

  it.each([['run'], ['inspect'], ['hw', 'run'], ['plugins']])('has help for "%s"', (...cmd) => {
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
  it('runs the built-in default system: two applications in two RKs, one crashing and recovered', () => {
    const r = evm(['run']);
    expect(r.stdout).toMatch(/^fs\s+\| fs: all checks passed$/m);
    expect(r.stdout).toMatch(/^fs\s+\| heap: 6 MiB, checksum \d+$/m);
    expect(r.stdout).toContain('crash | crash: about to dereference a null pointer');
    expect(r.stdout).toMatch(
      /evm: crash faulted \(page-fault at pc 0x[0-9a-f]+, address 0x0\); micro-rebooting it \(1\/1\)/,
    );
    expect(r.stdout).toMatch(
      /evm: crash faulted .*; stopping it; every other component keeps running/,
    );
    expect(r.stderr).toContain('evm: fs (in rk-files) exit 0; 0 reboots');
    expect(r.stderr).toMatch(
      /evm: crash \(in rk-crash\) exit 139; 2 faults .* as expected; 1 reboot/,
    );
    expect(r.stderr).toMatch(
      /evm: done: 2 applications, \d+ instructions, \d+ invocations, 2 faults, 1 reboot, [\d.]+ s/,
    );
    expect(r.status).toBe(0);
  });

  it('reports the outcome as JSON', () => {
    const r = evm(['run', '--json', '--app', 'fs']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.slice(r.stdout.indexOf('{\n')));
    expect(out.reason).toBe('done');
    expect(out.apps.map((a: { name: string; status: number }) => [a.name, a.status])).toEqual([
      ['fs', 0],
      ['crash', 139],
    ]);
    expect(out.faults).toBe(2);
    expect(r.stdout).not.toContain('crash |'); // --app shows one console
  });

  it('runs an SDK-built program with --elf: arguments, stdin, exit status passed through', () => {
    const hello = evm(['run', '--elf', APP('hello'), '--', 'x', 'y']);
    expect(hello.stdout).toBe(
      'hello from hello in a rump kernel (pid 1, 2 arguments)\n  argv[1] = x\n  argv[2] = y\n',
    );
    expect(hello.status).toBe(0);
    const stdin = evm(['run', '--elf', APP('stdin')], { input: 'one two\nthree\n' });
    expect(stdin.stdout).toContain('ONE TWO\nTHREE\n2 lines, 3 words');
    expect(stdin.status).toBe(2); // it returns its line count
  });

  it('drives the errno contract from a guest program', () => {
    const r = evm(['run', '--elf', APP('errno')]);
    expect(r.status).toBe(0);
    for (const [call, errno] of [
      ['close(42)', 'EBADF'],
      ['write(1, bad pointer, 8)', 'EFAULT'],
      ['open("/missing")', 'ENOENT'],
      ['open("/file", O_CREAT|O_EXCL)', 'EEXIST'],
      ['open("/file/inside")', 'ENOTDIR'],
    ]) {
      expect(r.stdout).toMatch(
        new RegExp(`^${call!.replace(/[()|]/g, '\\$&')}\\s+-> -1 ${errno}$`, 'm'),
      );
    }
  });

  it('waits for console input without spinning: the application blocks on its endpoint until input arrives', async () => {
    const child = spawn(process.execPath, [BIN, 'run', '--elf', APP('stdin')], {
      cwd: path.join(__dirname, '..'),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    setTimeout(() => child.stdin.end('late line\n'), 1500);
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stdout).toContain('LATE LINE\n1 lines, 2 words');
    expect(status).toBe(1);
    // ~1.5 s of waiting: one blocked read and its retry, not a spin of millions
    const invocations = Number(/(\d+) invocations/.exec(stderr)?.[1]);
    expect(invocations).toBeGreaterThan(0);
    expect(invocations).toBeLessThan(100);
  });

  it('stops on Ctrl-C (130) while its application waits for input', async () => {
    const child = spawn(process.execPath, [BIN, 'run', '--elf', APP('stdin')], {
      cwd: path.join(__dirname, '..'),
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    setTimeout(() => child.kill('SIGINT'), 800);
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toMatch(/^evm: interrupted: 1 application/m);
    expect(status).toBe(130);
  });

  it('ends a run whose application waits on a pipe nothing can write as a deadlock (126)', () => {
    const r = evm(['run', '--elf', APP('selfpipe')]);
    expect(r.stdout).toContain('reading my own empty pipe...\n');
    expect(r.stdout).toMatch(
      /^evm: deadlock: selfpipe: pid 1 \(selfpipe\) waits on a pipe that no thread of its rump kernel can serve$/m,
    );
    expect(r.stdout).not.toContain('never printed');
    expect(r.stderr).toMatch(/^evm: deadlock: 1 application/m);
    expect(r.status).toBe(126);
  });

  it('lets malloc grow past the heap linked into the image, through the RK program break', () => {
    const r = evm(['run', '--elf', APP('bigheap')]);
    expect(r.stdout).toContain("malloc'd, filled and checked 40 MiB\n");
    expect(r.status).toBe(0);
  });

  it('runs composed applications on the translator tier the same way', () => {
    const r = runComposed(
      { 'fs.elf': 'fs', 'mmap.elf': 'mmap', 'errno.elf': 'errno' },
      {
        board: { tier: 'translator' },
        rumpKernels: ['a', 'b', 'c'].map((n) => ({
          name: `rk-${n}`,
          components: ['console', 'tmpfs'],
        })),
        apps: [
          { name: 'fs', elf: 'fs.elf', rk: 'rk-a' },
          { name: 'mm', elf: 'mmap.elf', rk: 'rk-b' },
          { name: 'errno', elf: 'errno.elf', rk: 'rk-c' },
        ],
      },
    );
    expect(r.stdout).toMatch(/^fs\s+\| fs: all checks passed$/m);
    expect(r.stdout).toMatch(/^mm\s+\| all mmap steps behaved$/m);
    expect(r.stdout).toMatch(/^errno\s+\| write\(1, bad pointer, 8\)\s+-> -1 EFAULT$/m);
    expect(r.status).toBe(0);
  });

  it('holds each application to its memoryMiB: malloc fails past it, the others go on', () => {
    const r = runComposed(
      { 'bigheap.elf': 'bigheap', 'hello.elf': 'hello' },
      {
        rumpKernels: [
          { name: 'rk-a', components: ['console'] },
          { name: 'rk-b', components: ['console'] },
        ],
        apps: [
          { name: 'small', elf: 'bigheap.elf', rk: 'rk-a', memoryMiB: 16 },
          { name: 'greeter', elf: 'hello.elf', rk: 'rk-b' },
        ],
      },
    );
    const failedAt = Number(/^small\s+\| malloc failed after (\d+) MiB$/m.exec(r.stdout)?.[1]);
    expect(failedAt).toBeGreaterThanOrEqual(15);
    expect(failedAt).toBeLessThanOrEqual(16);
    expect(r.stdout).toMatch(/^greeter \| hello from greeter in a rump kernel/m);
    expect(r.stderr).toContain('evm: small (in rk-a) exit 1;');
    expect(r.stderr).toContain('evm: greeter (in rk-b) exit 0;');
  });

  it('gives a C program anonymous memory: mmap, mprotect, munmap through its rump kernel', () => {
    const r = evm(['run', '--elf', APP('mmap')]);
    expect(r.stdout).toMatch(/^read\(\) into it -> EFAULT\s+ok$/m);
    expect(r.stdout).toMatch(/^write\(\) from it -> EFAULT\s+ok$/m);
    expect(r.stdout).toMatch(/^mmap 512 MiB -> ENOMEM\s+ok$/m);
    expect(r.stdout).not.toContain('FAILED');
    expect(r.stdout).toContain('all mmap steps behaved');
    expect(r.status).toBe(0);
  });

  it('refuses a bare-metal ELF for --elf with a hint', () => {
    const r = evm(['run', '--elf', HELLO]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /apps\[0\]\.elf: hello\.elf is linked at 0x80000000, a bare-metal program: build applications with evm-cc, or run this one with "evm hw run"/,
    );
  });

  it('runs a manifest from a directory, with files placed in the RK at boot', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'evm-sys-'));
    try {
      copyFileSync(APP('stdin'), path.join(dir, 'reader.elf'));
      copyFileSync(APP('hello'), path.join(dir, 'hello.elf'));
      writeFileSync(
        path.join(dir, 'evm.config.json'),
        JSON.stringify({
          rumpKernels: [
            { name: 'rk-a', components: ['console', 'tmpfs'], files: { '/etc/motd': 'hi\n' } },
            { name: 'rk-b', components: ['console'] },
          ],
          apps: [
            { name: 'reader', elf: 'reader.elf', rk: 'rk-a', stdin: 'a b c\n' },
            { name: 'greeter', elf: 'hello.elf', rk: 'rk-b', args: ['p'] },
          ],
        }),
      );
      const r = evm(['run', dir]);
      expect(r.stdout).toMatch(/^reader\s+\| A B C$/m);
      expect(r.stdout).toMatch(
        /^greeter \| hello from greeter in a rump kernel \(pid 1, 1 argument\)$/m,
      );
      expect(r.stderr).toContain('evm: reader (in rk-a) exit 1;'); // one line read
      expect(r.status).toBe(1);
      const inspect = JSON.parse(evm(['inspect', dir, '--json']).stdout);
      expect(inspect.capabilities).toEqual([
        { from: 'rk-a', to: 'rk-a-console', interface: 'evm.console' },
        { from: 'rk-a', to: 'timer', interface: 'evm.timer' },
        { from: 'rk-a', to: 'memory', interface: 'evm.memory' },
        { from: 'reader', to: 'rk-a', interface: 'rump.syscall' },
        { from: 'rk-b', to: 'rk-b-console', interface: 'evm.console' },
        { from: 'rk-b', to: 'timer', interface: 'evm.timer' },
        { from: 'rk-b', to: 'memory', interface: 'evm.memory' },
        { from: 'greeter', to: 'rk-b', interface: 'rump.syscall' },
      ]);
      expect(
        inspect.rumpKernels.map((rk: { name: string; runs: string }) => [rk.name, rk.runs]),
      ).toEqual([
        ['rk-a', 'reader'],
        ['rk-b', 'greeter'],
      ]);
      expect(inspect.rumpKernels[0].components.map((c: { name: string }) => c.name)).toEqual([
        'core',
        'console',
        'tmpfs',
      ]);
      expect(inspect.rumpKernels[1].mounts).toEqual([
        { path: '/', type: 'rootfs' },
        { path: '/dev', type: 'devfs' },
      ]);
      expect(inspect.rumpKernels[0].bytes).toBeGreaterThan(inspect.rumpKernels[1].bytes);
      expect(
        inspect.components.map((c: { name: string; role: string }) => `${c.name}:${c.role}`),
      ).toEqual([
        'timer:service (evm.timer)',
        'memory:service (evm.memory)',
        'rk-a-console:service (evm.console)',
        'rk-a:rump kernel',
        'reader:application',
        'rk-b-console:service (evm.console)',
        'rk-b:rump kernel',
        'greeter:application',
        'sched:scheduler (sched.fprr)',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs evm.config.ts with defineConfig and gives an RK the services it names', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'evm-ts-'));
    try {
      copyFileSync(APP('hello'), path.join(dir, 'hello.elf'));
      writeFileSync(
        path.join(dir, 'evm.config.ts'),
        `import { defineConfig } from '@evm/cli';
export default defineConfig({
  services: [{ name: 'clock', provider: 'svc.timer' }],
  rumpKernels: [{ name: 'rk', components: ['console'], services: ['clock'] }],
  apps: [{ name: 'hi', elf: 'hello.elf', rk: 'rk' }],
});`,
      );
      const r = evm(['run', dir]);
      expect(r.stdout).toBe('hi | hello from hi in a rump kernel (pid 1, 0 arguments)\n');
      expect(r.status).toBe(0);
      const inspect = JSON.parse(evm(['inspect', dir, '--json']).stdout);
      expect(inspect.capabilities).toContainEqual({ from: 'rk', to: 'clock', interface: 'clock' });
      expect(inspect.components).toContainEqual(
        expect.objectContaining({ name: 'clock', kind: 'native' }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [
      'an unknown rump kernel',
      (c: any) => (c.apps[0].rk = 'nope'),
      /evm\.config\.json: 2 problems\n {2}apps\[0\]\.rk: no rump kernel named "nope" \(rump kernels: rk\)\n {2}rumpKernels\[0\]: rump kernel "rk" runs no application/,
    ],
    ['a misspelt field', (c: any) => (c.apps[0].argz = []), /apps\[0\]\.argz: unknown field/],
    [
      'a missing ELF',
      (c: any) => (c.apps[0].elf = 'missing.elf'),
      /evm\.config\.json: apps\[0\]\.elf: cannot read .*missing\.elf/,
    ],
    [
      'an unknown plugin name',
      (c: any) => c.rumpKernels[0].components.push('fat'),
      /rumpKernels\[0\]\.components\[1\]: fat: no installed plugin provides rump-component "fat" \(installed rump-component providers: console, tmpfs\)/,
    ],
    [
      'an unknown device plugin',
      (c: any) => (c.board = { virtio: ['virtio.rng', 'virtio.gpu'] }),
      /evm\.config\.json: board\.virtio\[1\]: virtio\.gpu: no installed plugin provides hardware-device "virtio\.gpu"/,
    ],
    ['broken JSON', () => 'BROKEN', /evm\.config\.json: is not valid JSON: .* at line 1, column 3/],
  ])('names the file and field for %s (status 2)', (_what, spoil, message) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'evm-bad-'));
    try {
      copyFileSync(APP('hello'), path.join(dir, 'hello.elf'));
      const config: any = {
        rumpKernels: [{ name: 'rk', components: ['console'] }],
        apps: [{ name: 'a', elf: 'hello.elf', rk: 'rk' }],
      };
      const spoilt = spoil(config);
      writeFileSync(
        path.join(dir, 'evm.config.json'),
        spoilt === 'BROKEN' ? '{ oops' : JSON.stringify(config),
      );
      const r = evm(['run', dir]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
