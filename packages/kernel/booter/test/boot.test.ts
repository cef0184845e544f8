import { type CompositionManifest, isEvmError, type KernelPort, Kerr, RcvOp } from '@evm/contracts';
import plugin, { boot, type createBooter } from '../src';
import {
  a,
  console_,
  entry,
  hart,
  image,
  mathServer,
  Program,
  printer,
  R,
  ret,
  syscall,
} from './helpers';

describe('booting a manifest', () => {
  it('initializes servers before their clients and gives each the capabilities it names', () => {
    const inits: string[] = [];
    const traced = (
      name: string,
      serve?: (op: number, a0: number, port: () => KernelPort) => number,
    ) => {
      let port: KernelPort | undefined;
      return () => ({
        init(p: KernelPort) {
          port = p;
          inits.push(name);
        },
        ...(serve
          ? { serve: (_e: number, op: number, a0: number) => serve(op, a0, () => port!) }
          : {}),
      });
    };
    const sys = boot({
      components: [
        { name: 'app', native: traced('app'), depends: ['fs'] },
        {
          name: 'fs',
          native: traced('fs', (op, a0, port) => port().call(port().cap('blk'), op, a0) + 1),
          implements: ['fs'],
          depends: ['blk', 'log'],
        },
        {
          name: 'blk',
          native: traced('blk', (_op, a0) => a0 * 2),
          implements: ['blk'],
          depends: ['log'],
        },
        { name: 'log', native: traced('log', () => 0), implements: ['log'] },
      ],
    });
    expect(inits).toEqual(['log', 'blk', 'fs', 'app']);
    expect(sys.initOrder).toEqual(['log', 'blk', 'fs', 'app', 'sched']);
    const fs = sys.component('fs');
    expect([...fs.capNames.entries()]).toEqual([
      ['blk', 1],
      ['log', 2],
    ]);
    expect(sys.kernel.inspect().components.map((c) => c.name)).toEqual([
      'app',
      'fs',
      'blk',
      'log',
      'sched',
    ]);
    expect(() => sys.component('nope')).toThrow(/no component named "nope"/);
  });

  it('runs every invocation pairing from one manifest (native and guest clients and servers)', () => {
    const lines: string[] = [];
    // A guest client calling a guest server (slot 1 = math) and printing through a native console (slot 2).
    const gclient = new Program(0x1_0000);
    entry(gclient, { thread: true });
    gclient.label('thread').li(R.a2, 6).li(R.a3, 7);
    syscall(gclient, 1, 2); // math: multiply
    gclient.emit(a.addi(R.a2, R.a0, 0));
    syscall(gclient, 2, 1); // console op 1: guest → guest result
    gclient.li(R.a2, 40).li(R.a3, 2);
    syscall(gclient, 3, 1); // native adder
    gclient.emit(a.addi(R.a2, R.a0, 0));
    syscall(gclient, 2, 2); // console op 2: guest → native result
    ret(gclient, R.zero);
    const sys = boot(
      {
        components: [
          { name: 'console', native: console_(lines), implements: ['console'] },
          { name: 'math', image: 'math', implements: ['math'] },
          {
            name: 'adder',
            native: () => ({ serve: (_e, _op, a0, a1) => a0 + a1 }),
            implements: ['adder'],
          },
          {
            name: 'gapp',
            image: 'gclient',
            depends: ['math', 'console', 'adder'],
            threads: [{ name: 'main' }],
          },
          {
            name: 'napp',
            native: () => ({
              threads: {
                *main(port) {
                  const math = port.cap('math');
                  port.call(port.cap('console'), 3, port.call(math, 1, 30, 12)); // native → guest
                  port.call(port.cap('console'), 4, port.call(port.cap('adder'), 0, 1, 1)); // native → native
                },
              },
            }),
            depends: ['math', 'console', 'adder'],
            threads: [{ name: 'main' }],
          },
        ],
      },
      {
        kernelOptions: { hart: hart() },
        images: { math: image(mathServer()), gclient: image(gclient) },
      },
    );
    expect(sys.run({ maxCycles: 1e6 })).toBe('idle');
    expect(lines.sort()).toEqual(['1:42', '2:42', '3:42', '4:2']);
  });

  it('keeps an application printing while faulty guests are faulted and micro-rebooted over and over', () => {
    const lines: string[] = [];
    const attacker = (tag: number, attack: (p: Program) => void) => {
      const p = new Program(0x1_0000);
      entry(p, { thread: true });
      p.label('thread').li(R.a2, 0).li(R.a3, 0);
      syscall(p, 1, tag); // "started"
      attack(p);
      p.label('hang').ref('hang', (o) => a.jal(R.zero, o));
      return image(p);
    };
    const VICTIM = 0x20_0000;
    const images = {
      victim: image(printer(1, 40, 1, VICTIM)),
      reader: attacker(11, (p) => p.li(R.t0, VICTIM).emit(a.lw(R.t1, R.t0, 0))),
      writer: attacker(12, (p) => p.li(R.t0, VICTIM + 8).emit(a.sw(R.t0, R.t0, 0))),
      jumper: attacker(13, (p) => p.li(R.t0, VICTIM).emit(a.jalr(R.zero, R.t0, 0))),
      forger: attacker(14, (p) => syscall(p, 9, 0)),
    };
    const app = (name: string) => ({
      name,
      image: name,
      depends: ['console'],
      threads: [{ name: 'main', priority: 5 }],
    });
    const sys = boot(
      {
        components: [
          { name: 'console', native: console_(lines), implements: ['console'] },
          app('victim'),
          app('reader'),
          app('writer'),
          app('jumper'),
          app('forger'),
        ],
      },
      { kernelOptions: { hart: hart() }, images },
    );
    const faults: { component: string; kind: string }[] = [];
    sys.kernel.onFault((f) => faults.push({ component: f.component, kind: f.kind }));
    expect(sys.run({ maxCycles: 400_000 })).toBe('limit');
    const printed = lines.filter((l) => l.startsWith('1:')).map((l) => Number(l.slice(2)));
    expect(printed.length).toBeGreaterThan(100);
    expect(printed).toEqual(printed.map((_, i) => i));
    const kinds = new Map(faults.map((f) => [f.component, f.kind]));
    expect(Object.fromEntries(kinds)).toEqual({
      reader: 'page-fault',
      writer: 'page-fault',
      jumper: 'page-fault',
      forger: 'no-capability',
    });
    for (const name of ['reader', 'writer', 'jumper', 'forger']) {
      const starts = lines.filter((l) =>
        l.startsWith(`${10 + ['reader', 'writer', 'jumper', 'forger'].indexOf(name) + 1}:`),
      ).length;
      expect(starts).toBeGreaterThan(2); // faulted, rebooted, started over, again and again
      expect(sys.component(name).reboots).toBeGreaterThanOrEqual(starts - 1);
    }
    expect(sys.component('victim').reboots).toBe(0);
    expect(sys.component('console').reboots).toBe(0);
  });

  it('gives the more urgent application the processor, within its budget', () => {
    const lines: string[] = [];
    const sys = boot(
      {
        components: [
          { name: 'console', native: console_(lines), implements: ['console'] },
          {
            name: 'urgent',
            image: 'urgent',
            depends: ['console'],
            threads: [{ name: 'main', priority: 1, budget: 5_000, period: 25_000 }],
          },
          {
            name: 'relaxed',
            image: 'relaxed',
            depends: ['console'],
            threads: [{ name: 'main', priority: 9 }],
          },
        ],
      },
      {
        kernelOptions: { hart: hart(), sliceCycles: 1_000 },
        images: { urgent: image(printer(1, 100)), relaxed: image(printer(2, 100)) },
      },
    );
    sys.run({ maxCycles: 500_000 });
    const urgent = lines.filter((l) => l.startsWith('1:')).length;
    const relaxed = lines.filter((l) => l.startsWith('2:')).length;
    // Same loop in both: the urgent one is capped at 20% of the time, the other gets the rest.
    expect(urgent / (urgent + relaxed)).toBeGreaterThan(0.17);
    expect(urgent / (urgent + relaxed)).toBeLessThan(0.23);
    expect(lines[0]).toBe('1:0');
  });

  it('binds interrupts to endpoints and shares regions between native and guest components', () => {
    const got: number[] = [];
    let view: Uint8Array | undefined;
    const writer = new Program(0x1_0000);
    entry(writer, { thread: true });
    writer
      .label('thread')
      .li(R.t0, 0x30_0000)
      .li(R.t1, 0xabcd)
      .emit(a.sw(R.t1, R.t0, 16));
    ret(writer, R.zero);
    const sys = boot(
      {
        components: [
          {
            name: 'driver',
            native: () => ({
              init(port) {
                view = port.memory(port.cap('shared'));
              },
              threads: {
                *irq(port) {
                  for (;;) got.push(yield port.wait(port.cap('irq'), RcvOp.Wait));
                },
              },
            }),
            threads: [{ name: 'irq', priority: 0, endpoint: true }],
            capabilities: [{ type: 'region', region: 'buf', name: 'shared' }],
          },
          {
            name: 'writer',
            image: 'writer',
            threads: [{ name: 'main' }],
            capabilities: [{ type: 'region', region: 'buf', map: 0x30_0000 }],
          },
        ],
        regions: [{ name: 'buf', size: 4096 }],
        interrupts: [{ line: 9, to: 'driver.irq' }],
      },
      { kernelOptions: { hart: hart() }, images: { writer: image(writer) } },
    );
    expect(sys.run({ maxCycles: 1e6 })).toBe('idle');
    sys.kernel.interrupt(9);
    sys.kernel.interrupt(9);
    expect(sys.run({ maxCycles: 1e6 })).toBe('idle');
    expect(got).toEqual([1]);
    expect(new DataView(view!.buffer, view!.byteOffset).getUint32(16, true)).toBe(0xabcd);
  });

  it('fails with the field named when a provider or image is missing, or no hart exists for a guest', () => {
    const tryBoot = (m: CompositionManifest, o = {}) => {
      try {
        boot(m, o);
      } catch (e) {
        expect(isEvmError(e, 'EVM_MANIFEST_INVALID')).toBe(true);
        return (e as Error).message;
      }
      return 'booted';
    };
    expect(tryBoot({ components: [{ name: 'a', native: 'acme.thing' }] })).toMatch(
      /components\[0\]\.native: no native provider named "acme\.thing"/,
    );
    expect(tryBoot({ components: [{ name: 'a', image: 'x' }] })).toMatch(
      /components\[0\]\.image: guest components need a kernel with a hart/,
    );
    expect(
      tryBoot({ components: [{ name: 'a', image: 'x' }] }, { kernelOptions: { hart: hart() } }),
    ).toMatch(/components\[0\]\.image: no image named "x"/);
    expect(
      tryBoot(
        { components: [{ name: 'a', image: new Uint8Array(10) }] },
        { kernelOptions: { hart: hart() } },
      ),
    ).toMatch(/ELF file too short/);
    expect(
      tryBoot({ components: [{ name: 'a', native: () => ({}), threads: [{ name: 'main' }] }] }),
    ).toMatch(/components\[0\]\.threads\[0\]: native component "a" has no thread body "main"/);
  });

  it('stops a component that faults while initializing and reports it', () => {
    const sys = boot({
      components: [
        {
          name: 'broken',
          native: () => ({
            init() {
              throw new Error('no config');
            },
            serve: () => 0,
          }),
          implements: ['x'],
        },
        {
          name: 'client',
          native: () => ({
            threads: {
              *main(port) {
                out.push(port.call(port.cap('x'), 0));
              },
            },
          }),
          depends: ['x'],
          threads: [{ name: 'main' }],
        },
      ],
    });
    sys.run({ maxCycles: 1e6 });
    expect(sys.bootFaults.map((f) => f.message)).toEqual([
      'component "broken" (thread init): threw Error: no config',
    ]);
    expect(out).toEqual([Kerr.Dead]);
  });

  it('is the kernel-subsystem plugin kernel.booter', () => {
    expect(plugin.kind).toBe('kernel-subsystem');
    const booter = plugin.provides['kernel.booter']!.create({
      resolve: () => {
        throw new Error('unused');
      },
    }) as ReturnType<typeof createBooter>;
    expect(booter.name).toBe('kernel.booter');
    const sys = booter.boot({ components: [{ name: 'solo', native: () => ({}) }] });
    expect(sys.run({ maxCycles: 1e5 })).toBe('idle');
  });
});

const out: number[] = [];
