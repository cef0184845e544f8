import * as a from '../src/asm';
import { Program } from '../src/asm';
import { halt, machine, RAM_BASE } from './helpers';

const RESULTS = RAM_BASE + 0x8_0000;

/** Runs `body` then halts; returns the machine for inspection. */
function exec(body: (p: Program) => void, options: { budget?: number } = {}) {
  const m = machine();
  const p = new Program();
  body(p);
  halt(p);
  m.load(p);
  const why = m.run(options.budget ?? 1_000_000);
  expect(why).toBe('halt');
  return m;
}

function results(m: ReturnType<typeof machine>, n: number): number[] {
  return Array.from({ length: n }, (_, k) => m.bus.read32(RESULTS + 4 * k) | 0);
}

const EDGE = [
  0, 1, -1, 2, 31, 32, 0x7fff_ffff, -0x8000_0000, 0x1234_5678, -0x1234_5679, 0xffff, 0x8000, 7, -7,
];

type Binary = (rd: number, rs1: number, rs2: number) => number;

function binaryCases(enc: Binary, ref: (x: number, y: number) => number) {
  const pairs: [number, number][] = [];
  for (const x of EDGE) for (const y of EDGE) pairs.push([x, y]);
  const m = exec((p) => {
    p.li(20, RESULTS);
    for (const [x, y] of pairs)
      p.li(1, x)
        .li(2, y)
        .emit(enc(3, 1, 2), a.sw(3, 20, 0), a.addi(20, 20, 4));
  });
  expect(results(m, pairs.length)).toEqual(pairs.map(([x, y]) => ref(x, y) | 0));
}

const big = (v: number) => BigInt.asIntN(32, BigInt(v));
const ubig = (v: number) => BigInt.asUintN(32, BigInt(v));

describe('RV32I register-register', () => {
  it.each<[string, Binary, (x: number, y: number) => number]>([
    ['add', a.add, (x, y) => x + y],
    ['sub', a.sub, (x, y) => x - y],
    ['sll', a.sll, (x, y) => x << (y & 31)],
    ['slt', a.slt, (x, y) => (x < y ? 1 : 0)],
    ['sltu', a.sltu, (x, y) => (x >>> 0 < y >>> 0 ? 1 : 0)],
    ['xor', a.xor, (x, y) => x ^ y],
    ['srl', a.srl, (x, y) => x >>> (y & 31)],
    ['sra', a.sra, (x, y) => x >> (y & 31)],
    ['or', a.or, (x, y) => x | y],
    ['and', a.and, (x, y) => x & y],
  ])('%s', (_name, enc, ref) => binaryCases(enc, ref));
});

describe('RV32M', () => {
  it.each<[string, Binary, (x: number, y: number) => number]>([
    ['mul', a.mul, (x, y) => Number(BigInt.asIntN(32, big(x) * big(y)))],
    ['mulh', a.mulh, (x, y) => Number(BigInt.asIntN(32, (big(x) * big(y)) >> 32n))],
    ['mulhsu', a.mulhsu, (x, y) => Number(BigInt.asIntN(32, (big(x) * ubig(y)) >> 32n))],
    ['mulhu', a.mulhu, (x, y) => Number(BigInt.asIntN(32, (ubig(x) * ubig(y)) >> 32n))],
    [
      'div',
      a.div,
      (x, y) => (y === 0 ? -1 : x === -0x8000_0000 && y === -1 ? x : Number(big(x) / big(y))),
    ],
    ['divu', a.divu, (x, y) => (y === 0 ? -1 : Number(BigInt.asIntN(32, ubig(x) / ubig(y))))],
    [
      'rem',
      a.rem,
      (x, y) => (y === 0 ? x : x === -0x8000_0000 && y === -1 ? 0 : Number(big(x) % big(y))),
    ],
    ['remu', a.remu, (x, y) => (y === 0 ? x : Number(BigInt.asIntN(32, ubig(x) % ubig(y))))],
  ])('%s on edge values', (_name, enc, ref) => binaryCases(enc, ref));

  it('high multiplies match 64-bit products on pseudo-random operands', () => {
    let seed = 12345;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      return seed ^ (seed << 13);
    };
    const pairs = Array.from({ length: 200 }, () => [rnd() | 0, rnd() | 0] as const);
    const m = exec((p) => {
      p.li(20, RESULTS);
      for (const [x, y] of pairs) {
        p.li(1, x)
          .li(2, y)
          .emit(a.mulh(3, 1, 2), a.mulhu(4, 1, 2), a.mulhsu(5, 1, 2));
        p.emit(a.sw(3, 20, 0), a.sw(4, 20, 4), a.sw(5, 20, 8), a.addi(20, 20, 12));
      }
    });
    const want = pairs.flatMap(([x, y]) => [
      Number(BigInt.asIntN(32, (big(x) * big(y)) >> 32n)),
      Number(BigInt.asIntN(32, (ubig(x) * ubig(y)) >> 32n)),
      Number(BigInt.asIntN(32, (big(x) * ubig(y)) >> 32n)),
    ]);
    expect(results(m, want.length)).toEqual(want);
  });
});

describe('RV32I immediates', () => {
  it('computes every op-imm form', () => {
    const m = exec((p) => {
      p.li(1, -0x1234_5679).li(20, RESULTS);
      const ops = [
        a.addi(3, 1, -2048),
        a.slti(3, 1, -1),
        a.slti(3, 1, 0x7ff),
        a.sltiu(3, 1, -1), // compares against 0xffffffff
        a.sltiu(3, 0, 1), // seqz
        a.xori(3, 1, -1), // not
        a.ori(3, 1, 0x0f0),
        a.andi(3, 1, 0x7f0),
        a.slli(3, 1, 31),
        a.srli(3, 1, 4),
        a.srai(3, 1, 4),
        a.lui(3, 0xfffff),
      ];
      for (const op of ops) p.emit(op, a.sw(3, 20, 0), a.addi(20, 20, 4));
    });
    const v = -0x1234_5679;
    expect(results(m, 12)).toEqual([
      (v - 2048) | 0,
      1,
      1,
      1,
      1,
      ~v,
      v | 0xf0,
      v & 0x7f0,
      v << 31,
      v >>> 4,
      v >> 4,
      0xfffff000 | 0,
    ]);
  });

  it('auipc adds to its own pc; x0 stays zero whatever is written to it', () => {
    const m = exec((p) => {
      p.emit(a.nop(), a.auipc(5, 0x12345), a.auipc(6, 0));
      p.emit(a.addi(0, 0, 5), a.lui(0, 1), a.add(0, 5, 5), a.lw(0, 6, 0));
      p.emit(a.add(7, 0, 0));
    });
    expect(m.hart.x[5]! >>> 0).toBe((RAM_BASE + 4 + 0x1234_5000) >>> 0);
    expect(m.hart.x[6]! >>> 0).toBe(RAM_BASE + 8);
    expect(m.hart.x[0]).toBe(0);
    expect(m.hart.x[7]).toBe(0);
  });
});

describe('control transfer', () => {
  it.each<[string, (rs1: number, rs2: number, off: number) => number, number, number, boolean]>([
    ['beq taken', a.beq, 5, 5, true],
    ['beq not taken', a.beq, 5, 6, false],
    ['bne taken', a.bne, 5, 6, true],
    ['bne not taken', a.bne, -1, -1, false],
    ['blt signed', a.blt, -1, 0, true],
    ['blt not taken', a.blt, 0, -1, false],
    ['bge equal', a.bge, -3, -3, true],
    ['bge not taken', a.bge, -0x8000_0000, 0x7fff_ffff, false],
    ['bltu unsigned', a.bltu, 0, -1, true],
    ['bltu not taken', a.bltu, -1, 0, false],
    ['bgeu unsigned', a.bgeu, -1, 1, true],
    ['bgeu not taken', a.bgeu, 1, -1, false],
  ])('%s', (_name, enc, x, y, taken) => {
    const m = exec((p) => {
      p.li(1, x).li(2, y).li(10, 0);
      p.ref('target', (o) => enc(1, 2, o));
      p.emit(a.addi(10, 10, 1)); // fall-through marker
      p.label('target');
      p.emit(a.addi(10, 10, 2));
    });
    expect(m.hart.x[10]).toBe(taken ? 2 : 3);
  });

  it('jal and jalr link to the next instruction (pc+4, or pc+2 for compressed forms)', () => {
    let auipcAt = 0;
    const m = exec((p) => {
      p.ref('f1', (o) => a.jal(1, o)); // at +0
      p.ref16('f2', (o) => a.c_jal(o)); // at +4
      p.emit16(a.c_nop());
      p.ref('done', (o) => a.jal(0, o));
      p.label('f1');
      p.emit(a.addi(11, 1, 0), a.jalr(0, 1, 0));
      p.label('f2');
      p.emit(a.addi(12, 1, 0));
      p.emit16(a.c_jr(1));
      p.label('done');
      // jalr with rd = rs1 jumps through the old rs1 and clears bit 0 of the target
      auipcAt = p.here;
      p.emit(a.auipc(5, 0));
      p.emit(a.jalr(5, 5, 13)); // target = auipc + 12
      p.emit(a.addi(13, 0, -1)); // skipped
      p.emit(a.addi(14, 5, 0));
    });
    expect(m.hart.x[11]! >>> 0).toBe(RAM_BASE + 4);
    expect(m.hart.x[12]! >>> 0).toBe(RAM_BASE + 6);
    expect(m.hart.x[13]).toBe(0);
    expect(m.hart.x[14]! >>> 0).toBe(auipcAt + 8);
  });

  it('runs code across page boundaries, including a 32-bit instruction straddling two pages', () => {
    const m = machine();
    const p = new Program();
    p.li(10, 0);
    while ((p.here & 0xfff) !== 0xffe) p.emit16(a.c_addi(10, 1));
    p.emit(a.addi(11, 0, 77)); // bytes 0xffe..0x1001
    p.emit16(a.c_addi(10, 1));
    p.ref('back', (o) => a.jal(0, o));
    p.label('end');
    halt(p);
    p.label('back');
    p.emit(a.addi(12, 0, 5));
    p.ref('end', (o) => a.jal(0, o));
    m.load(p);
    expect(m.run(10_000)).toBe('halt');
    expect(m.hart.x[11]).toBe(77);
    expect(m.hart.x[12]).toBe(5);
    expect(m.hart.x[10]).toBe((0xffe - 4) / 2 + 1);
  });

  it('branches backwards into the previous page', () => {
    const m = machine();
    const p = new Program();
    p.li(10, 3).li(11, 0);
    while ((p.here & 0xfff) !== 0xff8) p.emit(a.nop());
    p.label('loop');
    p.emit(a.addi(11, 11, 1), a.addi(10, 10, -1), a.nop(), a.nop()); // crosses into the next page
    p.ref('loop', (o) => a.bne(10, 0, o));
    halt(p);
    m.load(p);
    expect(m.run(10_000)).toBe('halt');
    expect(m.hart.x[11]).toBe(3);
  });
});

describe('loads and stores', () => {
  it('sign- and zero-extends bytes and halfwords', () => {
    const m = exec((p) => {
      p.li(20, RESULTS)
        .li(1, 0x8081_f2f3 | 0)
        .emit(a.sw(1, 20, 0x100));
      p.emit(
        a.lb(3, 20, 0x100),
        a.lbu(4, 20, 0x100),
        a.lh(5, 20, 0x102),
        a.lhu(6, 20, 0x102),
        a.lw(7, 20, 0x100),
      );
      p.emit(a.lb(8, 20, 0x103), a.lh(9, 20, 0x100));
      p.li(2, 0x1234_5678).emit(a.sb(2, 20, 0x200), a.sh(2, 20, 0x202), a.lw(10, 20, 0x200));
    });
    const x = m.hart.x;
    expect([x[3], x[4], x[5], x[6], x[7], x[8], x[9]]).toEqual([
      (0xf3 << 24) >> 24,
      0xf3,
      (0x8081 << 16) >> 16,
      0x8081,
      0x8081_f2f3 | 0,
      (0x80 << 24) >> 24,
      (0xf2f3 << 16) >> 16,
    ]);
    expect(x[10]! >>> 0).toBe(0x5678_0078);
  });

  it('handles misaligned loads and stores in RAM transparently, as QEMU does', () => {
    const m = exec((p) => {
      p.li(20, RESULTS).li(1, 0x1122_3344);
      p.emit(a.sw(1, 20, 1), a.sh(1, 20, 7), a.lw(3, 20, 1), a.lhu(4, 20, 7), a.lh(5, 20, 3));
    });
    expect(m.bus.read32(RESULTS)).toBe(0x2233_4400);
    expect(m.bus.read8(RESULTS + 4)).toBe(0x11);
    expect(m.bus.read16(RESULTS + 7)).toBe(0x3344);
    expect(m.hart.x[3]).toBe(0x1122_3344);
    expect(m.hart.x[4]).toBe(0x3344);
    expect(m.hart.x[5]).toBe(0x1122);
  });

  it('reads and writes device registers through the bus with the access width', () => {
    const m = exec((p) => {
      p.li(20, 0x0200_0000).li(1, 0xa5b6_c7d8 | 0);
      p.emit(
        a.sw(1, 20, 8),
        a.sb(1, 20, 12),
        a.sh(1, 20, 14),
        a.lw(3, 20, 8),
        a.lbu(4, 20, 9),
        a.lh(5, 20, 10),
      );
    });
    expect(m.scratch.log).toEqual([
      'w4@8=a5b6c7d8',
      'w1@12=d8',
      'w2@14=c7d8',
      'r4@8',
      'r1@9',
      'r2@10',
    ]);
    expect(m.hart.x[3]).toBe(0xa5b6_c7d8 | 0);
    expect(m.hart.x[4]).toBe(0xc7);
    expect(m.hart.x[5]).toBe((0xa5b6 << 16) >> 16);
  });
});

describe('instruction counting and budgets', () => {
  function countdown() {
    const p = new Program();
    p.li(10, 100).li(11, 0);
    p.label('loop');
    p.emit16(a.c_addi(11, 3));
    p.emit(a.addi(10, 10, -1));
    p.ref('loop', (o) => a.bne(10, 0, o));
    halt(p);
    return p;
  }

  it('counts every retired instruction exactly', () => {
    const m = machine();
    m.load(countdown());
    expect(m.run(1_000_000)).toBe('halt');
    // li, li, 100 x 3 loop instructions, then lui and sw of the halt sequence
    expect(m.hart.instret).toBe(2 + 300 + 2);
    expect(m.hart.x[11]).toBe(300);
  });

  it('stops after exactly `budget` instructions and resumes where it stopped', () => {
    const m = machine();
    m.load(countdown());
    expect(m.run(10)).toBe('budget');
    expect(m.hart.instret).toBe(10);
    let steps = 0;
    while (m.run(1) === 'budget') steps++;
    expect(m.hart.instret).toBe(304);
    expect(steps).toBe(293);
    expect(m.hart.x[11]).toBe(300);
    expect(m.run(0)).toBe('budget');
    expect(() => m.run(-1)).toThrow(/budget must be a non-negative integer/);
    expect(() => m.run(1.5)).toThrow(/budget/);
  });
});
