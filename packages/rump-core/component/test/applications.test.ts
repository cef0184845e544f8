import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bootApplications, kernelHypercalls, rumpApplicationServer } from '../src';

const examples = path.join(path.dirname(require.resolve('@evm/c-sdk/package.json')), 'examples');
const elf = (name: string) => new Uint8Array(readFileSync(path.join(examples, `${name}.elf`)));

describe('C applications, each in its own rump kernel, booted through the kernel booter', () => {
  it('hello: arguments, stdio and exit status', () => {
    const [hello] = bootApplications([{ name: 'hello', elf: elf('hello'), args: ['x'] }]).run();
    expect(hello).toMatchObject({
      output: 'hello from hello in a rump kernel (pid 1, 1 argument)\n  argv[1] = x\n',
      status: 0,
      faults: [],
    });
  });

  it('errno: every bad call gets the errno the contract names', () => {
    const [run] = bootApplications([{ name: 'errno', elf: elf('errno') }]).run();
    const got = run!.output
      .trim()
      .split('\n')
      .map((l) => l.replace(/ +->/, ' ->'));
    expect(got).toEqual([
      'close(42) -> -1 EBADF',
      'write(1, bad pointer, 8) -> -1 EFAULT',
      'open("/missing") -> -1 ENOENT',
      'open("/file", O_CREAT|O_EXCL) -> -1 EEXIST',
      'open("/file/inside") -> -1 ENOTDIR',
      'open("/tmp", O_WRONLY) -> -1 EISDIR',
    ]);
    expect(run!.status).toBe(0);
  });

  it('stdin: console input through the RK, the program exits with its line count', () => {
    const [run] = bootApplications([
      { name: 'stdin', elf: elf('stdin'), input: 'line one\nline two\n' },
    ]).run();
    expect(run!.output).toBe('stdin is a terminal\nLINE ONE\nLINE TWO\n2 lines, 4 words\n');
    expect(run!.status).toBe(2);
  });

  it('two applications in two RKs with different components: one crashes and is reported, the other completes', () => {
    const booted = bootApplications([
      { name: 'crash', elf: elf('crash'), components: ['console'] },
      { name: 'fs', elf: elf('fs') },
    ]);
    const [crash, fs] = booted.run();
    expect(crash!.output).toBe('crash: about to dereference a null pointer\n');
    expect(crash!.status).toBe(139);
    expect(crash!.faults.map((f) => [f.kind, f.tval])).toEqual([['page-fault', 0]]);
    expect(fs!.faults).toEqual([]);
    expect(fs!.output).toContain('heap: 6 MiB');
    expect(fs!.output.endsWith('fs: all checks passed\n')).toBe(true);
    expect(fs!.status).toBe(0);
  });

  it('names an unknown RK component before anything boots', () => {
    expect(() =>
      rumpApplicationServer({
        name: 'x-rk',
        components: ['console', 'ext2'],
        argv: ['x'],
        frequency: 1e7,
        write: () => {},
      }),
    ).toThrow(/rump kernel "x-rk": unknown component "ext2" \(known: console, tmpfs\)/);
  });

  it('the RK clock is kernel time: cycles at the hart frequency, plus time slept', () => {
    let cycles = 0;
    const hc = kernelHypercalls({ frequency: 1e7, write: () => {} });
    hc.attach({ now: () => cycles } as never);
    cycles = 25_000_000;
    expect(hc.clockGettime('monotonic')).toBe(2_500_000_000n);
    hc.clockSleep(1_000n);
    expect(hc.clockGettime('monotonic')).toBe(2_500_001_000n);
  });
});
