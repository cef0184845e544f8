/**
 * The translator tier: hotness, coherence with code writes and fence.i, exact
 * budgets and traps inside compiled blocks, interrupts between blocks, Sv32
 * aliases, and random programs run in lockstep with the interpreter.
 */
import { createHash } from 'node:crypto';
import { Csr, Exc, Mstatus } from '../src/arch';
import * as a from '../src/asm';
import { Program } from '../src/asm';
import { Pte } from '../src/sv32';
import { DEFAULT_HOT_THRESHOLD, type Translator } from '../src/translator/translator';
import { qemuOutput, runGuest } from './guest-runner';
import { halt, machine, RAM_BASE, type TestMachine, trapHandler, trapToHalt } from './helpers';

const DATA = RAM_BASE + 0x1_0000;
const IRQ_DEV = 0x0300_0000;
const MEI = 11;

function translator(m: TestMachine): Translator {
  return m.hart.engine as Translator;
}

/** A translator machine (and an interpreter twin) loaded with the same program. */
function twins(p: Program, hotThreshold = 0) {
  const t = machine({ tier: 'translator', hotThreshold });
  const i = machine({ tier: 'interpreter' });
  t.load(p);
  i.load(p);
  return { t, i };
}

function snapshot(m: TestMachine) {
  const data = new Uint8Array(4096);
  m.bus.readBytes(DATA, data);
  return {
    pc: m.hart.pc,
    instret: m.hart.instret,
    x: Array.from(m.hart.x),
    data: createHash('sha1').update(data).digest('hex'),
    mcause: m.hart.state.mcause,
    mepc: m.hart.state.mepc,
  };
}

/** sum = 1 + 2 + ... + n in a0 (loop at label 'loop'), then halt. */
function sumLoop(n: number): Program {
  const p = new Program();
  p.li(10, 0).li(11, n);
  p.label('loop').emit(a.add(10, 10, 11), a.addi(11, 11, -1));
  p.ref('loop', (o) => a.bne(11, 0, o));
  return halt(p);
}

describe('hotness', () => {
  it('compiles a loop once it ran more than the threshold, and leaves cold code interpreted', () => {
    const m = machine({ tier: 'translator', hotThreshold: 8 });
    const p = sumLoop(100);
    m.load(p);
    expect(m.run(40)).toBe('budget'); // ~13 iterations: hot by now
    expect(translator(m).isCompiled(p.address('loop'))).toBe(true);
    expect(translator(m).isCompiled(p.origin)).toBe(false); // ran once
    expect(m.run(10_000)).toBe('halt');
    expect(m.hart.x[10]).toBe(5050);
    const stats = translator(m).stats;
    expect(stats.regions).toBe(1);
    expect(stats.interpretedBlocks).toBeGreaterThan(8);
  });

  it('with a threshold of 0 compiles code the first time it runs', () => {
    const m = machine({ tier: 'translator', hotThreshold: 0 });
    const p = sumLoop(3);
    m.load(p);
    expect(m.run(10_000)).toBe('halt');
    expect(m.hart.x[10]).toBe(6);
    expect(translator(m).isCompiled(p.origin)).toBe(true);
  });

  it('keeps calls and returns within one page in one compiled region', () => {
    const p = new Program();
    p.li(10, 0).li(20, 200);
    p.label('loop').ref('fn', (o) => a.jal(1, o));
    p.emit(a.addi(20, 20, -1));
    p.ref('loop', (o) => a.bne(20, 0, o));
    halt(p);
    p.align(64)
      .label('fn')
      .emit(a.addi(10, 10, 3), a.jalr(0, 1, 0));
    const { t, i } = twins(p, 4);
    expect(t.run(100_000)).toBe('halt');
    expect(i.run(100_000)).toBe('halt');
    expect(snapshot(t)).toEqual(snapshot(i));
    expect(t.hart.x[10]).toBe(600);
    expect(translator(t).isCompiled(p.address('fn'))).toBe(true);
    expect(translator(t).isCompiled(p.address('loop'))).toBe(true);
  });

  it('runs a loop of several blocks entered in its middle (a rotated loop) with exits from each block', () => {
    // per iteration: a0 += 3, a2 counts odd a1; leaves early once a0 reaches `limit`
    const rotated = (limit: number) => {
      const p = new Program();
      p.li(10, 0).li(11, 1000).li(12, 0).li(13, limit);
      p.ref('cond', (o) => a.jal(0, o));
      p.label('top').emit(a.addi(10, 10, 3));
      p.ref('out', (o) => a.bge(10, 13, o));
      p.emit(a.andi(5, 11, 1));
      p.ref('cond', (o) => a.beq(5, 0, o));
      p.emit(a.addi(12, 12, 1));
      p.label('cond').emit(a.addi(11, 11, -1));
      p.ref('top', (o) => a.bne(11, 0, o));
      p.label('out');
      return halt(p);
    };
    for (const [limit, a0] of [
      [1500, 1500],
      [100_000, 2997],
    ] as const) {
      const p = rotated(limit);
      const { t, i } = twins(p, 4);
      expect(t.run(100_000)).toBe('halt');
      expect(i.run(100_000)).toBe('halt');
      expect(snapshot(t)).toEqual(snapshot(i));
      expect(t.hart.x[10]).toBe(a0);
      expect(translator(t).isCompiled(p.address('top'))).toBe(true);
    }
  });
});

describe('chaining', () => {
  it('enters a function on another page straight from the caller and returns into it; a trap there is precise', () => {
    const p = new Program();
    p.li(10, 0).li(11, 0).li(20, 300).li(22, DATA);
    p.label('loop').ref('fn', (o) => a.jal(1, o));
    p.emit(a.addi(11, 11, 5), a.addi(20, 20, -1));
    p.ref('loop', (o) => a.bne(20, 0, o));
    p.li(22, 0x10); // nothing is mapped there: the callee's load faults
    p.ref('fn', (o) => a.jal(1, o));
    halt(p);
    p.align(4096)
      .label('fn')
      .emit(a.addi(10, 10, 3), a.lw(13, 22, 0), a.addi(11, 11, 1), a.jalr(0, 1, 0));
    const { t, i } = twins(p, 2);
    for (const m of [t, i]) {
      m.hart.hostTraps = true;
      expect(m.run(100_000)).toBe('trap');
      expect(m.hart.hostTrap.cause).toBe(Exc.LoadAccessFault);
      expect(m.hart.hostTrap.epc >>> 0).toBe(p.address('fn') + 4);
    }
    expect(snapshot(t)).toEqual(snapshot(i));
    expect(t.hart.x[10]).toBe(301 * 3);
    expect(t.hart.x[11]).toBe(300 * 6); // both sides of the call update x11
    expect(translator(t).isCompiled(p.address('fn'))).toBe(true);
    // Most calls went from region to region without the dispatch loop.
    expect(translator(t).stats.chained).toBeGreaterThan(250);
  });

  it('stops a chain exactly at the budget and resumes it', () => {
    const p = new Program();
    p.li(10, 0).li(20, 500);
    p.label('loop').ref('fn', (o) => a.jal(1, o));
    p.emit(a.addi(20, 20, -1));
    p.ref('loop', (o) => a.bne(20, 0, o));
    halt(p);
    p.align(4096)
      .label('fn')
      .emit(a.addi(10, 10, 7), a.xori(20, 20, 0), a.jalr(0, 1, 0));
    const { t, i } = twins(p, 1);
    for (const n of [1, 2, 3, 5, 7, 11, 13, 100, 333, 1000]) {
      expect(t.run(n)).toBe(i.run(n));
      expect(snapshot(t)).toEqual(snapshot(i));
    }
    expect(t.run(100_000)).toBe('halt');
    expect(i.run(100_000)).toBe('halt');
    expect(snapshot(t)).toEqual(snapshot(i));
    expect(translator(t).stats.chained).toBeGreaterThan(0);
  });
});

describe('coherence', () => {
  it('a store that rewrites the next instruction of the running block takes effect at once', () => {
    const p = new Program();
    p.la(5, 'patch')
      .li(6, a.addi(10, 0, 42))
      .li(10, 0);
    p.emit(a.sw(6, 5, 0));
    p.label('patch').emit(a.addi(10, 0, 1));
    halt(p);
    const { t, i } = twins(p, 0);
    expect(t.run(1000)).toBe('halt');
    expect(i.run(1000)).toBe('halt');
    expect(t.hart.x[10]).toBe(42);
    expect(snapshot(t)).toEqual(snapshot(i));
    expect(translator(t).stats.invalidations).toBe(1);
  });

  it('re-translates code a compiled loop keeps rewriting (an immediate changing every iteration)', () => {
    // a0 += k for k = 1..50, where k lives in the immediate of the addi at 'imm'.
    const p = new Program();
    p.la(5, 'imm')
      .li(10, 0)
      .li(11, 1)
      .li(12, 51)
      .li(7, a.addi(10, 10, 0));
    p.label('loop');
    // rebuild `addi a0, a0, k` with k = a1 and store it over the instruction
    p.emit(a.slli(6, 11, 20), a.or(6, 6, 7), a.sw(6, 5, 0));
    p.label('imm').emit(a.addi(10, 10, 0));
    p.emit(a.addi(11, 11, 1));
    p.ref('loop', (o) => a.bne(11, 12, o));
    halt(p);
    const { t, i } = twins(p, 2);
    expect(t.run(100_000)).toBe('halt');
    expect(i.run(100_000)).toBe('halt');
    expect(t.hart.x[10]).toBe(1275);
    expect(snapshot(t)).toEqual(snapshot(i));
    expect(translator(t).stats.invalidations).toBeGreaterThan(0);
  });

  it('drops compiled code the host rewrites (DMA, loader) and compiles the new code', () => {
    const p = new Program();
    p.li(10, 0).li(20, 100);
    p.label('loop').emit(a.addi(10, 10, 1), a.addi(20, 20, -1));
    p.ref('loop', (o) => a.bne(20, 0, o));
    halt(p);
    const { t: m, i } = twins(p, 4);
    expect(m.run(150)).toBe('budget');
    expect(i.run(150)).toBe('budget');
    const loop = p.address('loop');
    expect(translator(m).isCompiled(loop)).toBe(true);
    const regionsBefore = translator(m).stats.regions;
    m.bus.write32(loop, a.addi(10, 10, 1000));
    i.bus.write32(loop, a.addi(10, 10, 1000));
    expect(translator(m).isCompiled(loop)).toBe(false);
    expect(m.run(100_000)).toBe('halt');
    expect(i.run(100_000)).toBe('halt');
    expect(snapshot(m)).toEqual(snapshot(i));
    expect(m.hart.x[10]).toBe(50 + 50 * 1000); // 50 iterations before the rewrite, 50 after
    expect(translator(m).stats.regions).toBeGreaterThan(regionsBefore);
    expect(translator(m).stats.invalidations).toBe(1);
  });

  it('leaves compiled code alone when the guest writes data sharing its page', () => {
    const p = new Program();
    p.la(5, 'scratch').li(10, 0).li(20, 100);
    p.label('loop').emit(a.sw(20, 5, 0), a.addi(10, 10, 1), a.addi(20, 20, -1));
    p.ref('loop', (o) => a.bne(20, 0, o));
    halt(p);
    p.label('end').ref('end', (o) => a.jal(0, o)); // static discovery stops here
    p.align(16).label('scratch').emit(0);
    const m = machine({ tier: 'translator', hotThreshold: 0 });
    m.load(p);
    expect(m.run(100_000)).toBe('halt');
    expect(m.hart.x[10]).toBe(100);
    expect(translator(m).stats.invalidations).toBe(0);
    // Regions hold only code that ran: the start, the loop and the exit path each
    // extend the page's region once, and the stores never make it compile again.
    expect(translator(m).stats.regions).toBe(3);
  });

  it('fence.i drops everything compiled; the loop is compiled again afterwards', () => {
    const p = new Program();
    p.li(10, 0).li(20, 50);
    p.label('loop').emit(a.addi(10, 10, 1), a.addi(20, 20, -1));
    p.ref('loop', (o) => a.bne(20, 0, o));
    p.emit(a.fence_i());
    p.li(20, 50);
    p.label('again').emit(a.addi(10, 10, 1), a.addi(20, 20, -1));
    p.ref('again', (o) => a.bne(20, 0, o));
    halt(p);
    const m = machine({ tier: 'translator', hotThreshold: 4 });
    m.load(p);
    const flushes = translator(m).stats.flushes;
    // run up to and including the fence.i: 2 + 50 * 3 + 1 instructions
    expect(m.run(153)).toBe('budget');
    expect(translator(m).stats.flushes).toBe(flushes + 1);
    expect(translator(m).isCompiled(p.address('loop'))).toBe(false);
    expect(m.run(100_000)).toBe('halt');
    expect(m.hart.x[10]).toBe(100);
    expect(translator(m).isCompiled(p.address('again'))).toBe(true);
  });

  it('runs a loop whose body straddles a page with a 32-bit instruction across the boundary', () => {
    const p = new Program();
    p.li(10, 0).li(20, 40);
    while (((p.here + 12) & 0xfff) !== 0xffe) p.emit16(a.c_nop());
    p.label('loop').emit(a.addi(10, 10, 1), a.addi(20, 20, -1), a.xori(11, 10, 5));
    // this addi starts at page offset 0xffe
    p.emit(a.addi(12, 11, 7));
    p.ref('loop', (o) => a.bne(20, 0, o));
    halt(p);
    expect((p.address('loop') + 12) & 0xfff).toBe(0xffe);
    const { t, i } = twins(p, 2);
    expect(t.run(100_000)).toBe('halt');
    expect(i.run(100_000)).toBe('halt');
    expect(snapshot(t)).toEqual(snapshot(i));
    expect(t.hart.x[12]).toBe((40 ^ 5) + 7);
    expect(translator(t).isCompiled(p.address('loop'))).toBe(true);
    expect(translator(t).isCompiled(p.address('loop') + 12)).toBe(false);
  });
});

describe('exactness', () => {
  it('run(n) stops after exactly n instructions at and inside compiled block boundaries', () => {
    const p = new Program();
    p.li(10, DATA).li(11, 0);
    p.label('outer').li(12, 7);
    p.label('inner').emit(a.lw(13, 10, 0), a.add(11, 11, 13), a.addi(13, 13, 3), a.sw(13, 10, 0));
    p.emit(a.addi(12, 12, -1));
    p.ref('inner', (o) => a.bne(12, 0, o));
    p.emit16(a.c_addi(11, 1));
    p.ref('outer', (o) => a.jal(0, o));
    const { t, i } = twins(p, 3);
    for (let n = 1; n <= 60; n++) {
      const before = t.hart.instret;
      expect(t.run(n)).toBe('budget');
      expect(i.run(n)).toBe('budget');
      expect(t.hart.instret - before).toBe(n);
      expect(snapshot(t)).toEqual(snapshot(i));
    }
    expect(translator(t).isCompiled(p.address('inner'))).toBe(true);
  });

  it('a trap in the middle of a compiled block retires exactly the instructions before it', () => {
    const p = new Program();
    p.li(20, DATA).li(21, 30);
    p.label('loop');
    p.emit(a.addi(11, 11, 1), a.addi(12, 12, 2), a.lw(13, 20, 0), a.addi(14, 14, 1));
    p.emit(a.addi(21, 21, -1));
    p.ref('loop', (o) => a.bne(21, 0, o));
    p.li(20, 0x10); // nothing is mapped there: the next lw faults
    p.ref('loop', (o) => a.jal(0, o));
    const { t, i } = twins(p, 4);
    for (const m of [t, i]) {
      m.hart.hostTraps = true;
      expect(m.run(100_000)).toBe('trap');
      expect(m.hart.hostTrap.cause).toBe(Exc.LoadAccessFault);
      expect(m.hart.hostTrap.epc >>> 0).toBe(p.address('loop') + 8);
      expect(m.hart.x[11]).toBe(31);
      expect(m.hart.x[12]).toBe(62);
      expect(m.hart.x[14]).toBe(30);
    }
    expect(t.hart.instret).toBe(i.hart.instret);
    // li (lui), li (addi), 30 iterations, li + jal, then the two addi before the lw
    expect(t.hart.instret).toBe(2 + 30 * 6 + 2 + 2);
    expect(translator(t).isCompiled(p.address('loop'))).toBe(true);
  });

  it('a trap in a compiled block enters the handler with the same state as the interpreter', () => {
    const p = new Program();
    trapToHalt(p);
    p.li(20, DATA).li(21, 10);
    p.label('loop').emit(a.addi(11, 11, 1), a.sw(11, 20, 0), a.lw(12, 20, 1)); // misaligned: performed
    p.emit(a.addi(21, 21, -1));
    p.ref('loop', (o) => a.bne(21, 0, o));
    p.emit(a.ecall());
    trapHandler(p);
    const { t, i } = twins(p, 0);
    expect(t.run(100_000)).toBe('halt');
    expect(i.run(100_000)).toBe('halt');
    expect(snapshot(t)).toEqual(snapshot(i));
    expect(t.hart.state.mcause).toBe(Exc.EcallFromM);
  });
});

describe('interrupts', () => {
  function withIrqDevice(m: TestMachine): void {
    m.bus.attach(IRQ_DEV, {
      name: 'irq',
      size: 0x1000,
      read: () => 0,
      write: () => m.hart.setInterruptPending(MEI, true),
    });
  }

  it('a device store that raises a line inside a compiled block is taken before the next instruction', () => {
    const p = new Program();
    trapToHalt(p);
    p.li(1, 1 << MEI).emit(a.csrrs(0, Csr.mie, 1), a.csrrsi(0, Csr.mstatus, Mstatus.MIE));
    p.li(7, IRQ_DEV);
    p.label('block').emit(a.addi(10, 10, 1), a.sw(0, 7, 0));
    p.label('after').emit(a.addi(11, 11, 1), a.addi(12, 12, 1));
    p.label('spin').ref('spin', (o) => a.jal(0, o));
    trapHandler(p);
    const { t, i } = twins(p, 0);
    withIrqDevice(t);
    withIrqDevice(i);
    expect(t.run(1000)).toBe('halt');
    expect(i.run(1000)).toBe('halt');
    expect(t.hart.state.mepc >>> 0).toBe(p.address('after'));
    expect(t.hart.x[10]).toBe(1);
    expect(t.hart.x[11]).toBe(0);
    expect(snapshot(t)).toEqual(snapshot(i));
  });

  it('an interrupt raised between runs is taken where the compiled loop stopped', () => {
    const p = new Program();
    trapToHalt(p);
    p.li(1, 1 << MEI).emit(a.csrrs(0, Csr.mie, 1), a.csrrsi(0, Csr.mstatus, Mstatus.MIE));
    p.label('loop').emit(a.addi(10, 10, 1), a.addi(11, 11, 2), a.xor(12, 10, 11));
    p.ref('loop', (o) => a.jal(0, o));
    trapHandler(p);
    const { t, i } = twins(p, 2);
    expect(t.run(1001)).toBe('budget');
    expect(i.run(1001)).toBe('budget');
    t.hart.setInterruptPending(MEI, true);
    i.hart.setInterruptPending(MEI, true);
    expect(t.run(1000)).toBe('halt');
    expect(i.run(1000)).toBe('halt');
    expect(snapshot(t)).toEqual(snapshot(i));
    expect(t.hart.state.mcause >>> 0).toBe((0x8000_0000 | MEI) >>> 0);
  });
});

describe('Sv32', () => {
  const ROOT = RAM_BASE + 0x8_0000;
  const L0 = ROOT + 0x1000;
  const CODE_A = RAM_BASE + 0x9_0000; // physical pages with small functions
  const CODE_B = RAM_BASE + 0x9_1000;
  const VA1 = 0x4000_0000;
  const VA2 = 0x4000_1000;
  const { V, R, W, X, A, D } = { V: Pte.V, R: Pte.R, W: Pte.W, X: Pte.X, A: Pte.A, D: Pte.D };

  it('runs one physical page mapped at two virtual pages, and follows a remap after sfence.vma', () => {
    const m = machine({ tier: 'translator', hotThreshold: 1 });
    // The function returns its own pc (auipc) plus a constant, so each alias shows its address.
    const fnA = new Program(CODE_A).emit(a.auipc(10, 0), a.addi(10, 10, 1), a.jalr(0, 1, 0));
    const fnB = new Program(CODE_B).emit(a.auipc(10, 0), a.addi(10, 10, 2), a.jalr(0, 1, 0));
    m.bus.writeBytes(CODE_A, fnA.bytes());
    m.bus.writeBytes(CODE_B, fnB.bytes());
    m.bus.write32(ROOT + (RAM_BASE >>> 22) * 4, ((RAM_BASE >>> 12) << 10) | V | R | W | X | A | D);
    m.bus.write32(ROOT + (VA1 >>> 22) * 4, ((L0 >>> 12) << 10) | V);
    m.bus.write32(L0 + ((VA1 >>> 12) & 0x3ff) * 4, ((CODE_A >>> 12) << 10) | V | R | X | A);
    m.bus.write32(L0 + ((VA2 >>> 12) & 0x3ff) * 4, ((CODE_A >>> 12) << 10) | V | R | X | A);
    const p = new Program();
    trapToHalt(p);
    p.li(1, (0x8000_0000 | (ROOT >>> 12)) >>> 0).emit(a.csrrw(0, Csr.satp, 1));
    p.li(1, Mstatus.MPP).emit(a.csrrc(0, Csr.mstatus, 1));
    p.li(1, 1 << 11).emit(a.csrrs(0, Csr.mstatus, 1));
    p.la(1, 'smode').emit(a.csrrw(0, Csr.mepc, 1), a.mret());
    p.label('smode').li(21, VA1).li(22, VA2);
    // twice: call both aliases 20 times, storing what they return; in between, remap VA1
    for (const round of [0, 1]) {
      p.li(20, 20).li(23, DATA + 8 * round);
      p.label(`loop${round}`);
      p.emit(a.jalr(1, 21, 0), a.sw(10, 23, 0), a.jalr(1, 22, 0), a.sw(10, 23, 4));
      p.emit(a.addi(20, 20, -1));
      p.ref(`loop${round}`, (o) => a.bne(20, 0, o));
      if (round === 0) {
        p.li(5, L0 + ((VA1 >>> 12) & 0x3ff) * 4).li(6, ((CODE_B >>> 12) << 10) | V | R | X | A);
        p.emit(a.sw(6, 5, 0), a.sfence_vma(0, 0));
      }
    }
    p.emit(a.ecall()); // to the M-mode handler: halt
    trapHandler(p);
    m.load(p);
    expect(m.run(100_000)).toBe('halt');
    expect(m.hart.state.mcause).toBe(Exc.EcallFromS);
    expect(m.bus.read32(DATA) >>> 0).toBe(VA1 + 1);
    expect(m.bus.read32(DATA + 4) >>> 0).toBe(VA2 + 1);
    expect(m.bus.read32(DATA + 8) >>> 0).toBe(VA1 + 2);
    expect(m.bus.read32(DATA + 12) >>> 0).toBe(VA2 + 1);
    // both physical function pages and the loop were compiled
    expect(translator(m).stats.regions).toBeGreaterThanOrEqual(3);
  });

  it('enters code compiled for untranslated data accesses only while data accesses are untranslated', () => {
    const m = machine({ tier: 'translator', hotThreshold: 1, ramSize: 8 << 20 });
    const VA_X = RAM_BASE + 0x40_0000; // a physical RAM page too, but S-mode maps it to DATA
    // f: increments the word at a1
    const f = new Program(CODE_A).emit(a.lw(10, 11, 0), a.addi(10, 10, 1), a.sw(10, 11, 0));
    f.emit(a.jalr(0, 1, 0));
    m.bus.writeBytes(CODE_A, f.bytes());
    m.bus.write32(ROOT + (RAM_BASE >>> 22) * 4, ((RAM_BASE >>> 12) << 10) | V | R | W | X | A | D);
    m.bus.write32(ROOT + (VA_X >>> 22) * 4, ((L0 >>> 12) << 10) | V);
    m.bus.write32(L0 + ((VA_X >>> 12) & 0x3ff) * 4, ((DATA >>> 12) << 10) | V | R | W | A | D);
    const p = new Program();
    trapToHalt(p);
    const calls = (round: number, address: number) => {
      p.li(20, 30).li(11, address).li(21, CODE_A);
      p.label(`calls${round}`).emit(a.jalr(1, 21, 0), a.addi(20, 20, -1));
      p.ref(`calls${round}`, (o) => a.bne(20, 0, o));
    };
    calls(0, DATA); // M-mode: f is compiled with physical data accesses
    p.li(1, (0x8000_0000 | (ROOT >>> 12)) >>> 0).emit(a.csrrw(0, Csr.satp, 1));
    p.li(1, Mstatus.MPP).emit(a.csrrc(0, Csr.mstatus, 1));
    p.li(1, 1 << 11).emit(a.csrrs(0, Csr.mstatus, 1));
    p.la(1, 'smode').emit(a.csrrw(0, Csr.mepc, 1), a.mret());
    p.label('smode');
    calls(1, VA_X); // S-mode: the same code, data through Sv32
    p.emit(a.ecall());
    trapHandler(p);
    m.load(p);
    expect(m.run(100_000)).toBe('halt');
    expect(m.hart.state.mcause).toBe(Exc.EcallFromS);
    expect(m.bus.read32(DATA)).toBe(60);
    expect(m.bus.read32(VA_X)).toBe(0); // the physical page VA_X names was never written
    expect(translator(m).isCompiled(CODE_A)).toBe(true);
  });
});

describe('random programs in lockstep with the interpreter', () => {
  /** mulberry32: a small deterministic generator, so failures reproduce. */
  function rng(seed: number) {
    let s = seed >>> 0;
    return (n: number) => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (((t ^ (t >>> 14)) >>> 0) % n) | 0;
    };
  }

  /** mcause values the seeds ended with (to show the trap paths ran). */
  const traps = new Set<number>();
  const BIN = [a.add, a.sub, a.sll, a.slt, a.sltu, a.xor, a.srl, a.sra, a.or, a.and];
  const MULDIV = [a.mul, a.mulh, a.mulhsu, a.mulhu, a.div, a.divu, a.rem, a.remu];
  const IMM = [a.addi, a.slti, a.sltiu, a.xori, a.ori, a.andi];
  const SHIFT = [a.slli, a.srli, a.srai];
  const LOAD = [a.lb, a.lh, a.lw, a.lbu, a.lhu];
  const STORE = [a.sb, a.sh, a.sw];
  const BRANCH = [a.beq, a.bne, a.blt, a.bge, a.bltu, a.bgeu];
  const C_ALU = [a.c_sub, a.c_xor, a.c_or, a.c_and];

  /**
   * ~150 random instructions over x0..x15 (x8 and x31 hold data pointers and
   * are never written), with loads/stores and AMOs into one data page,
   * branches and jumps anywhere in the program, compressed forms, CSR
   * accesses (minstret among them) and ecalls to a handler that returns; it
   * loops forever.
   */
  function randomProgram(seed: number): Program {
    const r = rng(seed);
    const rd = () => [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15][r(15)]!;
    const rs = () => r(16);
    const creg = () => 9 + r(7); // x9..x15
    const imm12 = () => r(4096) - 2048;
    const p = new Program();
    // traps (ecall) return to the next instruction; the handler only uses x30
    p.la(30, 'handler').emit(a.csrrw(0, Csr.mtvec, 30));
    p.li(31, DATA + 0x800).li(8, DATA);
    for (let k = 1; k < 16; k++) if (k !== 8) p.li(k, (r(0x10000) << 16) | r(0x10000));
    const count = 150;
    for (let k = 0; k < count; k++) {
      p.label(`i${k}`);
      const target = (span: number) =>
        `i${Math.max(0, Math.min(count - 1, k + r(2 * span + 1) - span))}`;
      const kind = r(23);
      if (kind < 4) p.emit(BIN[r(BIN.length)]!(rd(), rs(), rs()));
      else if (kind < 5) p.emit(MULDIV[r(MULDIV.length)]!(rd(), rs(), rs()));
      else if (kind < 8) p.emit(IMM[r(IMM.length)]!(rd(), rs(), imm12()));
      else if (kind < 9) p.emit(SHIFT[r(SHIFT.length)]!(rd(), rs(), r(32)));
      else if (kind < 10) p.emit(r(2) ? a.lui(rd(), r(0x100000)) : a.auipc(rd(), r(0x100000)));
      else if (kind < 12) p.emit(LOAD[r(LOAD.length)]!(rd(), 31, imm12()));
      else if (kind < 14) p.emit(STORE[r(STORE.length)]!(rs(), 31, imm12()));
      else if (kind < 16) {
        const t = target(20);
        const op = BRANCH[r(BRANCH.length)]!;
        const x = rs();
        const y = rs();
        p.ref(t, (o) => op(x, y, o));
      } else if (kind < 17) {
        const t = target(40);
        const link = r(2) ? 0 : rd();
        p.ref(t, (o) => a.jal(link, o));
      } else if (kind < 18) {
        // compressed ALU and memory forms
        const c = r(6);
        if (c === 0) p.emit16(a.c_addi(creg(), r(63) - 31 || 1));
        else if (c === 1) p.emit16(C_ALU[r(4)]!(creg(), creg()));
        else if (c === 2) p.emit16(a.c_lw(creg(), 8, 4 * r(32)));
        else if (c === 3) p.emit16(a.c_sw(creg(), 8, 4 * r(32)));
        else if (c === 4) p.emit16(a.c_slli(creg(), 1 + r(31)));
        else p.emit16(a.c_mv(creg(), 1 + r(15)));
      } else if (kind < 19) {
        const t = target(10);
        const x = creg();
        const op = r(2) ? a.c_beqz : a.c_bnez;
        p.ref16(t, (o) => op(x, o));
      } else if (kind < 20) {
        p.emit(a.fence());
      } else if (kind < 21) {
        const amo = [a.amoadd_w, a.amoswap_w, a.amoxor_w, a.amomaxu_w, a.amomin_w][r(5)]!;
        p.emit(amo(rd(), 8, rs()));
      } else if (kind < 22) {
        p.emit(r(2) ? a.csrrw(rd(), Csr.mscratch, rs()) : a.csrrs(rd(), Csr.minstret, 0));
      } else {
        p.emit(a.ecall());
      }
    }
    p.ref('i0', (o) => a.jal(0, o));
    p.align(4).label('handler');
    p.emit(a.csrrs(30, Csr.mepc, 0), a.addi(30, 30, 4), a.csrrw(0, Csr.mepc, 30), a.mret());
    return p;
  }

  it.each(Array.from({ length: 24 }, (_, k) => k + 1))('seed %i', (seed) => {
    const p = randomProgram(seed);
    const r = rng(seed * 7919);
    const { t, i } = twins(p, seed % 3); // thresholds 0..2: compiled early, mixed with interpreted blocks
    for (let slice = 0; slice < 120; slice++) {
      const n = r(4) === 0 ? 200 + r(300) : 1 + r(40);
      expect(t.run(n)).toBe(i.run(n));
      expect(snapshot(t)).toEqual(snapshot(i));
    }
    expect(translator(t).stats.regions).toBeGreaterThan(0);
    traps.add(t.hart.state.mcause);
  });

  it('the seeds above took ecall traps (the trap paths of compiled code ran)', () => {
    expect(traps.has(Exc.EcallFromM)).toBe(true);
  });
});

describe('compiled C programs at the default threshold (interpreted and compiled code mixed)', () => {
  it.each(['prog', 'su'])('%s prints what QEMU printed', (name) => {
    const { output, machine: m } = runGuest(name, {
      tier: 'translator',
      hotThreshold: DEFAULT_HOT_THRESHOLD,
    });
    expect(output).toBe(qemuOutput(name));
    expect(translator(m).stats.regions).toBeGreaterThan(0);
  });
});
