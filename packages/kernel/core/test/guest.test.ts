import {
  CapType,
  type ComponentFault,
  Kerr,
  MapFlags,
  PgtblOp,
  RegionOp,
  SelfOp,
} from '@evm/contracts';
import {
  a,
  entryStub,
  GUEST_BASE,
  guestImage,
  guestReturn,
  Program,
  R,
  syscall,
  testSystem,
} from './helpers';

/** Guest server: ret = a0 + a1, r1 = op, r2 = entry word, r3 = thread id; op 2 multiplies instead. */
function adderServer(origin = GUEST_BASE): Program {
  const p = new Program(origin);
  entryStub(p, { invoke: true });
  p.label('invoke');
  p.emit(a.add(R.s0, R.a2, R.a3), a.addi(R.t0, R.zero, 2));
  p.ref('sum', (o) => a.bne(R.a1, R.t0, o));
  p.emit(a.mul(R.s0, R.a2, R.a3));
  p.label('sum');
  p.emit(a.addi(R.s1, R.a1, 0), a.addi(R.s2, R.a0, 0), a.addi(R.s3, R.a7, 0));
  return guestReturn(p, R.s0, [R.s1, R.s2, R.s3]);
}

/**
 * Guest client thread: calls cap 1 (op 1, args 20 and 22) `arg` times,
 * reporting each ret and r1 through cap 2 (op 7, args ret, r1), then ends.
 */
function clientThread(origin = GUEST_BASE): Program {
  const p = new Program(origin);
  entryStub(p, { thread: true });
  p.label('thread');
  p.emit(a.addi(R.s0, R.a0, 0));
  p.label('loop');
  p.li(R.a2, 20).li(R.a3, 22);
  syscall(p, 1, 1);
  p.emit(a.addi(R.a2, R.a0, 0), a.addi(R.a3, R.a1, 0));
  syscall(p, 2, 7);
  p.emit(a.addi(R.s0, R.s0, -1));
  p.ref('loop', (o) => a.bne(R.s0, R.zero, o));
  return guestReturn(p, R.zero); // returning from the thread upcall ends the thread
}

function recorder(lines: string[]) {
  return () => ({
    serve(_entry: number, op: number, a0: number, a1: number) {
      lines.push(`${op}:${a0}:${a1}`);
      return 0;
    },
  });
}

describe('invocation pairings', () => {
  it('guest → native: the guest thread traps into the native server and resumes after its ecall', () => {
    const sys = testSystem({ guest: true });
    const lines: string[] = [];
    const math = sys.kernel.createNativeComponent('math', () => ({
      serve: (
        _e: number,
        op: number,
        a0: number,
        a1: number,
        _a2: number,
        _a3: number,
        r: Int32Array,
      ) => {
        r[1] = op * 100;
        return a0 + a1;
      },
    }));
    const log = sys.kernel.createNativeComponent('log', recorder(lines));
    const app = sys.kernel.createGuestComponent('app', guestImage(clientThread()));
    sys.connect(app, math, 1);
    sys.connect(app, log, 2);
    sys.spawn(app, { name: 'main', arg: 3 });
    expect(sys.kernel.run({ maxCycles: 1e6 })).toBe('idle');
    expect(lines).toEqual(['7:42:100', '7:42:100', '7:42:100']);
    // The thread ended (its upcall returned) and its id was reclaimed after quiescence.
    expect(sys.kernel.inspect().threads.find((t) => t.name === 'app.main')).toBeUndefined();
  });

  it('native → guest: an upcall into the guest server runs on the native caller thread', () => {
    const sys = testSystem({ guest: true });
    const adder = sys.kernel.createGuestComponent('adder', guestImage(adderServer()));
    const out: number[] = [];
    const client = sys.kernel.createNativeComponent('client', () => ({
      threads: {
        *main(port) {
          out.push(port.call(1, 1, 40, 2), ...port.results.slice(1));
          out.push(port.call(1, 2, 6, 7), port.results[1]!);
          out.push(port.threadId);
        },
      },
    }));
    sys.connect(client, adder, 1, 5);
    sys.spawn(client, { name: 'main' });
    sys.kernel.run({ maxCycles: 1e6 });
    const tid = out.at(-1)!;
    expect(out).toEqual([42, 1, 5, tid, 42, 2, tid]);
  });

  it('guest → guest: caller registers survive, results arrive in a0..a3, the address space switches back', () => {
    const sys = testSystem({ guest: true });
    const lines: string[] = [];
    const adder = sys.kernel.createGuestComponent('adder', guestImage(adderServer(0x40_0000)));
    const log = sys.kernel.createNativeComponent('log', recorder(lines));
    // The client keeps values in callee- and caller-saved registers across the call and reports them.
    const p = new Program(GUEST_BASE);
    entryStub(p, { thread: true });
    p.label('thread');
    p.li(R.s4, 0x1234).li(R.t3, 0x777).li(R.a2, 30).li(R.a3, 12);
    syscall(p, 1, 1);
    p.emit(a.addi(R.t4, R.a2, 0)); // r2 (entry word)
    p.emit(a.addi(R.a2, R.a0, 0), a.addi(R.a3, R.a1, 0));
    syscall(p, 2, 1); // ret, r1
    p.emit(a.addi(R.a2, R.s4, 0), a.addi(R.a3, R.t3, 0));
    syscall(p, 2, 2); // preserved registers
    p.emit(a.addi(R.a2, R.t4, 0), a.addi(R.a3, R.zero, 0));
    syscall(p, 2, 3);
    guestReturn(p, R.zero);
    const app = sys.kernel.createGuestComponent('app', guestImage(p));
    sys.connect(app, adder, 1, 9);
    sys.connect(app, log, 2);
    sys.spawn(app, { name: 'main' });
    expect(sys.kernel.run({ maxCycles: 1e6 })).toBe('idle');
    expect(lines).toEqual(['1:42:1', `2:${0x1234}:${0x777}`, '3:9:0']);
  });

  it('guest → native → guest: a native server in the middle calls a guest server on the same thread', () => {
    const sys = testSystem({ guest: true });
    const lines: string[] = [];
    const adder = sys.kernel.createGuestComponent('adder', guestImage(adderServer(0x40_0000)));
    const middle = sys.kernel.createNativeComponent('middle', () => ({
      serve: (
        _e: number,
        _op: number,
        a0: number,
        a1: number,
        _a2: number,
        _a3: number,
        r: Int32Array,
      ) => {
        const port = sys.kernel.component('middle')!.port!;
        const ret = port.call(1, 2, a0, a1); // multiply in the guest
        r[1] = port.results[3]!; // the thread id the guest saw
        return ret + 1;
      },
    }));
    const log = sys.kernel.createNativeComponent('log', recorder(lines));
    const app = sys.kernel.createGuestComponent('app', guestImage(clientThread()));
    sys.connect(middle, adder, 1);
    sys.connect(app, middle, 1);
    sys.connect(app, log, 2);
    const t = sys.spawn(app, { name: 'main', arg: 2 });
    sys.kernel.run({ maxCycles: 1e6 });
    expect(lines).toEqual([`7:${20 * 22 + 1}:${t.id}`, `7:${20 * 22 + 1}:${t.id}`]);
  });

  it('guest components run their init upcall', () => {
    const sys = testSystem({ guest: true });
    const lines: string[] = [];
    const log = sys.kernel.createNativeComponent('log', recorder(lines));
    const p = new Program(GUEST_BASE);
    entryStub(p, { init: true });
    p.label('init').li(R.a2, 11).li(R.a3, 0);
    syscall(p, 1, 4);
    guestReturn(p, R.zero);
    const comp = sys.kernel.createGuestComponent('c', guestImage(p));
    sys.connect(comp, log, 1);
    sys.kernel.initComponent(comp);
    expect(lines).toEqual(['4:11:0']);
  });
});

/** An app that prints (cap 1, op = `tag`) a counter forever, spinning `spin` iterations between prints. */
function printerThread(tag: number, spin = 50, origin = GUEST_BASE): Program {
  const p = new Program(origin);
  entryStub(p, { thread: true });
  p.label('thread').li(R.s0, 0);
  p.label('loop').emit(a.addi(R.a2, R.s0, 0), a.addi(R.a3, R.zero, 0));
  syscall(p, 1, tag);
  p.emit(a.addi(R.s0, R.s0, 1)).li(R.t0, spin);
  p.label('spin').emit(a.addi(R.t0, R.t0, -1));
  p.ref('spin', (o) => a.bne(R.t0, R.zero, o));
  p.ref('loop', (o) => a.jal(R.zero, o));
  return p;
}

/** An app that prints "started" (op 9) and then does `attack`. */
function attacker(attack: (p: Program) => void): Program {
  const p = new Program(GUEST_BASE);
  entryStub(p, { thread: true });
  p.label('thread').li(R.a2, 0).li(R.a3, 0);
  syscall(p, 1, 9);
  attack(p);
  p.label('hang').ref('hang', (o) => a.jal(R.zero, o));
  return p;
}

describe('isolation', () => {
  const VICTIM = 0x20_0000;
  const attacks: [string, string, (p: Program) => void][] = [
    [
      'reads another component\u2019s memory',
      'page-fault',
      (p) => p.li(R.t0, VICTIM).emit(a.lw(R.t1, R.t0, 0)),
    ],
    [
      'writes another component\u2019s memory',
      'page-fault',
      (p) => p.li(R.t0, VICTIM + 0x40).emit(a.sw(R.t0, R.t0, 0)),
    ],
    [
      'jumps into another component\u2019s code',
      'page-fault',
      (p) => p.li(R.t0, VICTIM).emit(a.jalr(R.zero, R.t0, 0)),
    ],
    [
      'reads physical RAM directly',
      'page-fault',
      (p) => p.li(R.t0, 0x8000_0000).emit(a.lw(R.t1, R.t0, 0)),
    ],
    ['invokes a capability it was not granted', 'no-capability', (p) => syscall(p, 5, 0)],
    ['executes an illegal instruction', 'illegal-instruction', (p) => p.emit(0xffff_ffff)],
  ];

  it.each(attacks)(
    'a guest that %s is faulted and rebooted while another app keeps printing',
    (_what, kind, attack) => {
      const sys = testSystem({ guest: true, quantum: 2_000 });
      const lines: string[] = [];
      const faults: ComponentFault[] = [];
      sys.kernel.onFault((f) => faults.push(f));
      const log = sys.kernel.createNativeComponent('log', recorder(lines));
      const victim = sys.kernel.createGuestComponent(
        'victim',
        guestImage(printerThread(1, 50, VICTIM)),
      );
      const bad = sys.kernel.createGuestComponent('bad', guestImage(attacker(attack)));
      sys.connect(victim, log, 1);
      sys.connect(bad, log, 1);
      sys.kernel.sealBoot(victim);
      sys.kernel.sealBoot(bad);
      sys.spawn(victim, { name: 'main' });
      sys.spawn(bad, { name: 'main' });
      expect(sys.kernel.run({ maxCycles: 100_000 })).toBe('limit');

      const printed = lines.filter((l) => l.startsWith('1:')).map((l) => Number(l.split(':')[1]));
      expect(printed.length).toBeGreaterThan(50);
      expect(printed).toEqual(printed.map((_, i) => i)); // 0, 1, 2, ... never reset, never skipped
      const starts = lines.filter((l) => l.startsWith('9:')).length;
      expect(starts).toBeGreaterThan(1);
      expect(faults.length).toBeGreaterThanOrEqual(starts - 1);
      expect(faults.every((f) => f.component === 'bad' && f.kind === kind)).toBe(true);
      expect(bad.reboots).toBe(faults.length);
      expect(victim.reboots).toBe(0);
      if (kind === 'page-fault') expect(faults[0]!.message).toMatch(/page-fault at pc 0x00(01|20)/);
    },
  );

  it('a guest server that faults during an invocation is rebooted; its guest client gets Rebooted and retries', () => {
    const sys = testSystem({ guest: true });
    const lines: string[] = [];
    const log = sys.kernel.createNativeComponent('log', recorder(lines));
    // Server: counts calls in memory; on the 2nd call it touches unmapped memory.
    const s = new Program(0x40_0000);
    entryStub(s, { invoke: true });
    s.label('invoke')
      .la(R.t0, 'count')
      .emit(
        a.lw(R.t1, R.t0, 0),
        a.addi(R.t1, R.t1, 1),
        a.sw(R.t1, R.t0, 0),
        a.addi(R.t2, R.zero, 2),
      );
    s.ref('ok', (o) => a.bne(R.t1, R.t2, o));
    s.li(R.t3, 0x10).emit(a.lw(R.t3, R.t3, 0)); // null-page read: fault
    s.label('ok');
    guestReturn(s, R.t1);
    s.align(4).label('count').emit(0);
    const server = sys.kernel.createGuestComponent('server', guestImage(s));
    const app = sys.kernel.createGuestComponent('app', guestImage(clientThread()));
    sys.connect(app, server, 1);
    sys.connect(app, log, 2);
    sys.spawn(app, { name: 'main', arg: 4 });
    sys.kernel.run({ maxCycles: 1e6 });
    // calls: 1 (count 1), 2 (faults: Rebooted), 3 (fresh image: count 1), 4 (count 2 → faults again)
    expect(lines.map((l) => Number(l.split(':')[1]))).toEqual([1, Kerr.Rebooted, 1, Kerr.Rebooted]);
    expect(server.reboots).toBe(2);
  });
});

describe('shared regions', () => {
  it('a region is the same memory for a native component and a guest that maps it', () => {
    const sys = testSystem({ guest: true });
    const region = sys.kernel.createRegion('buf', 4096);
    const lines: string[] = [];
    const log = sys.kernel.createNativeComponent('log', recorder(lines));
    // The guest maps the region itself at 0x30_0000 (through its own page-table capability), then writes.
    const p = new Program(GUEST_BASE);
    entryStub(p, { thread: true });
    p.label('thread')
      .li(R.a2, 3)
      .li(R.a3, 0x30_0000)
      .li(R.a4, MapFlags.Read | MapFlags.Write);
    syscall(p, 4, PgtblOp.MapRegion);
    p.emit(a.addi(R.s0, R.a0, 0));
    syscall(p, 3, RegionOp.Info);
    p.emit(a.addi(R.a2, R.a0, 0), a.addi(R.a3, R.a1, 0));
    syscall(p, 1, 1); // region id, size
    p.li(R.t0, 0x30_0000)
      .li(R.t1, 0x5eed)
      .emit(a.sw(R.t1, R.t0, 8));
    p.emit(a.addi(R.a2, R.s0, 0), a.addi(R.a3, R.zero, 0));
    syscall(p, 1, 2); // map result
    guestReturn(p, R.zero);
    const app = sys.kernel.createGuestComponent('app', guestImage(p));
    sys.connect(app, log, 1);
    sys.kernel.grant(app, CapType.Region, region, 3);
    sys.kernel.grant(app, CapType.Pgtbl, app.space!, 4);
    let seen = -1;
    const reader = sys.kernel.createNativeComponent('reader', () => ({
      threads: {
        *main(port) {
          yield port.wait(0, SelfOp.Yield);
          const view = new DataView(port.memory(1).buffer, port.memory(1).byteOffset);
          seen = view.getInt32(8, true);
        },
      },
    }));
    sys.kernel.grant(reader, CapType.Region, region, 1);
    sys.spawn(app, { name: 'main' });
    sys.spawn(reader, { name: 'main' });
    sys.kernel.run({ maxCycles: 1e6 });
    expect(lines).toEqual([`1:${region.id}:4096`, '2:0:0']);
    expect(seen).toBe(0x5eed);
  });
});

describe('liveness', () => {
  it('a stopped guest component stops at once; its frames return to the pool only after quiescence', () => {
    const sys = testSystem({ guest: true });
    const before = sys.kernel.pool.freePages;
    const comp = sys.kernel.createGuestComponent('gone', guestImage(printerThread(1)));
    const log = sys.kernel.createNativeComponent('log', recorder([]));
    sys.connect(comp, log, 1);
    sys.spawn(comp, { name: 'main' });
    sys.kernel.run({ maxCycles: 5_000 });
    const used = before - sys.kernel.pool.freePages;
    expect(used).toBeGreaterThan(0);
    sys.kernel.stopComponent(comp);
    expect(sys.kernel.pool.freePages).toBe(before - used);
    expect(sys.kernel.inspect().awaitingReclaim).toContain('frames of gone');
    sys.kernel.run({ maxCycles: 5_000 });
    expect(sys.kernel.pool.freePages).toBe(before);
    expect(sys.kernel.inspect().threads.find((t) => t.name === 'gone.main')).toBeUndefined();
  });
});
