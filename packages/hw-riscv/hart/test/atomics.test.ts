import * as a from '../src/asm';
import { Program } from '../src/asm';
import { halt, machine, RAM_BASE, trapHandler, trapToHalt } from './helpers';

const CELL = RAM_BASE + 0x4_0000;

function run(body: (p: Program) => void, init = 0) {
  const m = machine();
  const p = new Program();
  trapToHalt(p);
  p.li(10, CELL);
  body(p);
  p.emit(a.addi(29, 0, 1));
  halt(p);
  trapHandler(p);
  m.load(p);
  m.bus.write32(CELL, init);
  expect(m.run(10_000)).toBe('halt');
  return { m, x: m.hart.x, s: m.hart.state, cell: () => m.bus.read32(CELL) | 0 };
}

describe('LR/SC', () => {
  it('SC succeeds (rd = 0) after LR to the same address and stores', () => {
    const { x, cell } = run(
      (p) => p.emit(a.lr_w(11, 10), a.addi(11, 11, 5), a.sc_w(12, 10, 11)),
      37,
    );
    expect([x[12], cell()]).toEqual([0, 42]);
  });

  it('SC without a reservation, to another address, or a second time fails (rd = 1) and does not store', () => {
    expect(run((p) => p.li(11, 9).emit(a.sc_w(12, 10, 11)), 1).x[12]).toBe(1);
    const other = run(
      (p) => p.li(11, 9).emit(a.lr_w(13, 10), a.addi(14, 10, 4), a.sc_w(12, 14, 11)),
      1,
    );
    expect([other.x[12], other.m.bus.read32(CELL + 4)]).toEqual([1, 0]);
    const twice = run((p) =>
      p.li(11, 9).emit(a.lr_w(13, 10), a.sc_w(12, 10, 11), a.addi(11, 0, 8), a.sc_w(15, 10, 11)),
    );
    expect([twice.x[12], twice.x[15], twice.cell()]).toEqual([0, 1, 9]);
  });

  it('SC fails when the reserved word changed since LR (as QEMU), succeeds when it holds the same value', () => {
    const changed = run((p) =>
      p
        .li(11, 9)
        .li(14, 5)
        .emit(a.lr_w(13, 10), a.sw(14, 10, 0), a.sc_w(12, 10, 11)),
    );
    expect([changed.x[12], changed.cell()]).toEqual([1, 5]);
    const same = run(
      (p) => p.li(11, 9).emit(a.lr_w(13, 10), a.sw(13, 10, 0), a.sc_w(12, 10, 11)),
      3,
    );
    expect([same.x[12], same.cell()]).toEqual([0, 9]);
  });

  it('a trap between LR and SC clears the reservation', () => {
    const { x, cell } = run((p) => {
      p.la(1, 'handler').emit(a.csrrw(0, 0x305, 1));
      p.li(11, 9).emit(a.lr_w(13, 10), a.ecall());
      p.label('back').emit(a.sc_w(12, 10, 11));
      p.la(1, 'trap').emit(a.csrrw(0, 0x305, 1));
      p.ref('end', (o) => a.jal(0, o));
      p.align(4).label('handler');
      p.la(1, 'back').emit(a.csrrw(0, 0x341, 1), a.mret());
      p.label('end');
    });
    expect([x[12], cell()]).toEqual([1, 0]);
  });

  it('misaligned LR is a load misaligned exception, misaligned SC a store/AMO one', () => {
    expect(run((p) => p.emit(a.addi(10, 10, 2), a.lr_w(11, 10))).s.mcause).toBe(4);
    const sc = run((p) => p.emit(a.addi(10, 10, 1), a.sc_w(11, 10, 0)));
    expect([sc.s.mcause, sc.s.mtval >>> 0]).toEqual([6, CELL + 1]);
  });
});

describe('AMOs', () => {
  const cases: [
    string,
    (rd: number, rs1: number, rs2: number) => number,
    number,
    number,
    number,
  ][] = [
    ['amoswap.w', a.amoswap_w, 5, -3, -3],
    ['amoadd.w', a.amoadd_w, 0x7fff_ffff, 1, -0x8000_0000],
    ['amoxor.w', a.amoxor_w, 0b1100, 0b1010, 0b0110],
    ['amoand.w', a.amoand_w, 0b1100, 0b1010, 0b1000],
    ['amoor.w', a.amoor_w, 0b1100, 0b1010, 0b1110],
    ['amomin.w', a.amomin_w, -5, 3, -5],
    ['amomax.w', a.amomax_w, -5, 3, 3],
    ['amominu.w', a.amominu_w, -5, 3, 3],
    ['amomaxu.w', a.amomaxu_w, -5, 3, -5],
  ];
  it.each(cases)(
    '%s returns the old value and stores the result',
    (_name, enc, old, src, result) => {
      const { x, cell } = run((p) => p.li(11, src).emit(enc(12, 10, 11)), old);
      expect([x[12], cell()]).toEqual([old, result]);
    },
  );

  it('misaligned AMOs raise store/AMO address misaligned and leave memory alone', () => {
    const { s, cell } = run((p) => p.li(11, 1).emit(a.addi(10, 10, 2), a.amoadd_w(12, 10, 11)), 7);
    expect([s.mcause, s.mtval >>> 0, cell()]).toEqual([6, CELL + 2, 7]);
  });

  it('AMOs on unmapped addresses are store/AMO access faults', () => {
    const { s } = run((p) => p.li(10, 0x3000_0000).emit(a.amoor_w(12, 10, 0)));
    expect([s.mcause, s.mtval >>> 0]).toEqual([7, 0x3000_0000]);
  });

  it('AMOs reach devices as a read followed by a write', () => {
    const { m, x } = run((p) =>
      p
        .li(10, 0x0200_0010)
        .li(11, 5)
        .emit(a.amoadd_w(12, 10, 11), a.amoadd_w(13, 10, 11)),
    );
    expect(m.scratch.log).toEqual(['r4@16', 'w4@16=5', 'r4@16', 'w4@16=a']);
    expect([x[12], x[13]]).toEqual([0, 5]);
  });
});
