/**
 * The SDK proven on its own: the committed example ELFs and a freshly
 * compiled program run as guest components against a minimal syscall server
 * of this test (arguments, write, getpid, exit; everything else ENOSYS),
 * booted through the kernel's booter on an RV32 hart.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ComponentFault, KernelPort, NativeComponentFactory } from '@evm/contracts';
import { Bus } from '@evm/hw-bus';
import { createHart } from '@evm/hw-hart';
import { boot } from '@evm/kernel-booter';

const SDK = path.join(__dirname, '..');
const EXAMPLES = path.join(SDK, 'examples');
const SYS = { exit: 1, write: 4, getpid: 20, ioctl: 54, args: 0x1001 } as const;
const ENOSYS = 78;
const EBADF = 9;
const WOULD_BLOCK = -0x10000;

interface Run {
  output: string;
  status: number | undefined;
  calls: number[];
  faults: ComponentFault[];
  result: string;
}

interface ServerOptions {
  argv: readonly string[];
  /** Answer this many writes with "would block" first (the runtime must yield and retry). */
  blockWrites?: number;
}

/** Just enough of a rump kernel for the runtime's start-up, stdio output and exit. */
function minimalServer(run: Run, options: ServerOptions): NativeComponentFactory {
  return () => {
    let port: KernelPort;
    let blocks = options.blockWrites ?? 0;
    return {
      init(p) {
        port = p;
      },
      serve(_entry, op, a0, a1, a2) {
        run.calls.push(op);
        switch (op) {
          case SYS.args: {
            const strings = Buffer.from(options.argv.map((a) => `${a}\0`).join(''));
            const block = new Uint8Array(4 + strings.length);
            new DataView(block.buffer).setInt32(0, options.argv.length, true);
            block.set(strings, 4);
            if (block.length > a1) return -7; // E2BIG
            return port.copyOut(a0, block) < 0 ? -14 : block.length;
          }
          case SYS.write: {
            if (a0 !== 1 && a0 !== 2) return -EBADF;
            if (blocks > 0) {
              blocks--;
              return WOULD_BLOCK;
            }
            const bytes = new Uint8Array(a2);
            const n = port.copyIn(a1, bytes);
            if (n < 0) return -14; // EFAULT
            run.output += Buffer.from(bytes).toString('utf8');
            return n;
          }
          case SYS.getpid:
            return 7;
          case SYS.ioctl:
            return a0 < 3 ? 0 : -EBADF; // the console is a terminal: line-buffered stdout
          case SYS.exit:
            run.status = a0;
            return 0;
          default:
            return -ENOSYS;
        }
      },
    };
  };
}

function hart() {
  const control = {
    stopRequested: false,
    requestStop() {
      control.stopRequested = true;
    },
  };
  return createHart({
    hartId: 0,
    bus: new Bus({ ramSize: 64 << 20 }),
    tier: 'interpreter',
    clock: { frequency: 1e7, now: () => 0n },
    control,
  });
}

function runElf(elf: Uint8Array, options: ServerOptions): Run {
  const run: Run = { output: '', status: undefined, calls: [], faults: [], result: '' };
  const sys = boot(
    {
      components: [
        { name: 'rk', implements: ['rump.syscall'], native: minimalServer(run, options) },
        {
          name: 'app',
          image: elf,
          depends: [{ interface: 'rump.syscall', slot: 1 }],
          threads: [{ name: 'main' }],
          onFault: 'stop',
        },
      ],
    },
    { kernelOptions: { hart: hart() } },
  );
  sys.kernel.onFault((f) => run.faults.push(f));
  run.result = sys.run({ maxCycles: 50_000_000 });
  return run;
}

const example = (name: string) => new Uint8Array(readFileSync(path.join(EXAMPLES, `${name}.elf`)));

describe('C SDK runtime against a minimal syscall server', () => {
  it('runs hello: arguments from the server, stdio through write, exit status through exit', () => {
    const run = runElf(example('hello'), { argv: ['hello', 'one', 'two'] });
    expect(run.faults).toEqual([]);
    expect(run.output).toBe(
      'hello from hello in a rump kernel (pid 7, 2 arguments)\n  argv[1] = one\n  argv[2] = two\n',
    );
    expect(run.status).toBe(0);
    expect(run.calls[0]).toBe(SYS.args);
    expect(run.calls.at(-1)).toBe(SYS.exit);
    expect(run.result).toBe('idle');
  });

  it('yields and retries a call answered "would block"', () => {
    const run = runElf(example('hello'), { argv: ['hello'], blockWrites: 3 });
    expect(run.output).toBe('hello from hello in a rump kernel (pid 7, 0 arguments)\n');
    expect(run.calls.filter((c) => c === SYS.write)).toHaveLength(4);
    expect(run.status).toBe(0);
  });

  it('reports a null dereference as a fault of the application, after its output', () => {
    const run = runElf(example('crash'), { argv: ['crash'] });
    expect(run.output).toBe('crash: about to dereference a null pointer\n');
    expect(run.status).toBeUndefined();
    expect(run.faults).toHaveLength(1);
    expect(run.faults[0]!.component).toBe('app');
    expect(run.faults[0]!.kind).toMatch(/fault/);
    expect(run.faults[0]!.tval).toBe(0);
  });

  const gcc = spawnSync('riscv64-unknown-elf-gcc', ['--version']);
  const withToolchain = gcc.error ? it.skip : it;

  withToolchain('compiles a program with evm-cc that reports errno and its exit status', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evm-cc-'));
    try {
      const src = path.join(dir, 'prog.c');
      writeFileSync(
        src,
        [
          '#include <errno.h>',
          '#include <stdio.h>',
          '#include <unistd.h>',
          'int main(int argc, char **argv) {',
          '    int r = write(5, "x", 1);',
          '    int e = errno;',
          '    int d = dup(1);',
          '    printf("%s: write=%d errno=%s dup=%d errno=%s\\n", argv[argc - 1], r,',
          '           e == EBADF ? "EBADF" : "?", d, errno == ENOSYS ? "ENOSYS" : "?");',
          '    return 42;',
          '}',
          '',
        ].join('\n'),
      );
      const out = path.join(dir, 'prog.elf');
      const cc = spawnSync('node', [path.join(SDK, 'bin', 'evm-cc.js'), '-O2', src, '-o', out], {
        encoding: 'utf8',
      });
      expect(cc.stderr).toBe('');
      expect(cc.status).toBe(0);
      const run = runElf(new Uint8Array(readFileSync(out)), { argv: ['prog', 'last'] });
      expect(run.output).toBe('last: write=-1 errno=EBADF dup=-1 errno=ENOSYS\n');
      expect(run.status).toBe(42);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('evm-cc names the missing compiler and where to get it', () => {
    const r = spawnSync('node', [path.join(SDK, 'bin', 'evm-cc.js'), 'x.c', '-o', 'x.elf'], {
      encoding: 'utf8',
      env: { ...process.env, EVM_CC_GCC: 'no-such-riscv-gcc' },
    });
    expect(r.status).toBe(127);
    expect(r.stderr).toMatch(/no-such-riscv-gcc not found/);
    expect(r.stderr).toMatch(/scripts\/install-toolchain\.sh/);
  });
});
