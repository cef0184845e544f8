import { Csr, Mstatus } from '../src/arch';
import * as a from '../src/asm';
import { Program } from '../src/asm';
import { Pte } from '../src/sv32';
import { halt, machine, RAM_BASE, trapHandler, trapToHalt } from './helpers';

const ROOT = RAM_BASE + 0x8_0000;
const DATA = RAM_BASE + 0x9_0000; // physical data pages
const V = Pte.V;
const R = Pte.R;
const W = Pte.W;
const X = Pte.X;
const U = Pte.U;
const A = Pte.A;
const D = Pte.D;

type M = ReturnType<typeof machine>;

/** Builds Sv32 tables in guest RAM from the host side. */
class PageTables {
  private next = ROOT + 0x1000;
  constructor(private readonly m: M) {}

  pte(va: number): number {
    const l1 = this.m.bus.read32(ROOT + (va >>> 22) * 4);
    if ((l1 & (R | W | X)) !== 0) return ROOT + (va >>> 22) * 4;
    return (l1 >>> 10) * 4096 + ((va >>> 12) & 0x3ff) * 4;
  }

  superpage(va: number, pa: number, flags: number): void {
    this.m.bus.write32(ROOT + (va >>> 22) * 4, ((pa >>> 12) << 10) | flags);
  }

  page(va: number, pa: number, flags: number): void {
    const l1Addr = ROOT + (va >>> 22) * 4;
    let l1 = this.m.bus.read32(l1Addr);
    if ((l1 & V) === 0) {
      const table = this.next;
      this.next += 0x1000;
      l1 = ((table >>> 12) << 10) | V;
      this.m.bus.write32(l1Addr, l1);
    }
    const table = (l1 >>> 10) * 4096;
    this.m.bus.write32(table + ((va >>> 12) & 0x3ff) * 4, ((pa >>> 12) << 10) | flags);
  }

  flags(va: number): number {
    return this.m.bus.read32(this.pte(va)) & 0x3ff;
  }
}

const SATP = (0x8000_0000 | (ROOT >>> 12)) >>> 0;

/**
 * M-mode prologue: mtvec -> halting handler, satp = ROOT, then mret into `mode`
 * at `entry` (a virtual address) with `mstatusBits` set.
 */
function program(mode: 0 | 1, entry: string, body: (p: Program) => void, mstatusBits = 0): Program {
  const p = new Program();
  trapToHalt(p);
  p.li(1, SATP).emit(a.csrrw(0, Csr.satp, 1));
  p.li(1, Mstatus.MPP).emit(a.csrrc(0, Csr.mstatus, 1));
  p.li(1, (mode << 11) | mstatusBits).emit(a.csrrs(0, Csr.mstatus, 1));
  p.la(1, entry).emit(a.csrrw(0, Csr.mepc, 1), a.mret());
  body(p);
  trapHandler(p);
  return p;
}

function setup(
  mode: 0 | 1,
  body: (p: Program) => void,
  tables: (pt: PageTables) => void,
  mstatusBits = 0,
) {
  const m = machine();
  const pt = new PageTables(m);
  // code and the M-mode handler: identity superpage, executable by the chosen mode
  pt.superpage(RAM_BASE, RAM_BASE, V | R | W | X | A | D | (mode === 0 ? U : 0));
  tables(pt);
  m.load(
    program(
      mode,
      'entry',
      (p) => {
        p.label('entry');
        body(p);
      },
      mstatusBits,
    ),
  );
  return { m, pt, s: m.hart.state };
}

function runTo(m: M, budget = 10_000) {
  expect(m.run(budget)).toBe('halt');
}

describe('Sv32 translation', () => {
  it('maps a 4 KiB page, sets A on load and A+D on store, and writes through to physical memory', () => {
    const { m, pt, s } = setup(
      1,
      (p) => {
        p.li(10, 0x4000_0000).emit(a.lw(11, 10, 8), a.csrrs(20, Csr.sstatus, 0));
        p.li(12, 0x4000_1000).emit(a.lw(13, 12, 0), a.sw(11, 12, 4), a.ecall());
      },
      (pt) => {
        pt.page(0x4000_0000, DATA, V | R | W);
        pt.page(0x4000_1000, DATA + 0x1000, V | R | W);
      },
    );
    m.bus.write32(DATA + 8, 0x1234_5678);
    runTo(m);
    expect(s.mcause).toBe(9);
    expect(m.hart.x[11]).toBe(0x1234_5678);
    expect(m.bus.read32(DATA + 0x1004)).toBe(0x1234_5678);
    expect(pt.flags(0x4000_0000) & (A | D)).toBe(A);
    expect(pt.flags(0x4000_1000) & (A | D)).toBe(A | D);
  });

  it('maps 4 MiB superpages', () => {
    const { m } = setup(
      1,
      (p) => {
        p.li(10, 0xc000_3450).emit(a.lw(11, 10, 0), a.ecall());
      },
      (pt) => pt.superpage(0xc000_0000, RAM_BASE, V | R | A),
    );
    m.bus.write32(RAM_BASE + 0x3450, 0xcafe);
    runTo(m);
    expect(m.hart.x[11]).toBe(0xcafe);
  });

  it.each([
    ['load from an unmapped page', 13, (p: Program) => p.li(10, 0x5000_0000).emit(a.lw(11, 10, 0))],
    ['store to an unmapped page', 15, (p: Program) => p.li(10, 0x5000_0000).emit(a.sw(0, 10, 0))],
    ['store to a read-only page', 15, (p: Program) => p.li(10, 0x4000_0010).emit(a.sw(0, 10, 0))],
    [
      'load from an execute-only page without MXR',
      13,
      (p: Program) => p.li(10, 0x4000_2000).emit(a.lw(11, 10, 0)),
    ],
    [
      'S load from a U page without SUM',
      13,
      (p: Program) => p.li(10, 0x4000_3000).emit(a.lw(11, 10, 0)),
    ],
    ['S fetch from a U page', 12, (p: Program) => p.li(10, 0x4000_3000).emit(a.jalr(0, 10, 0))],
    [
      'access through a misaligned superpage',
      13,
      (p: Program) => p.li(10, 0x8040_0000).emit(a.lw(11, 10, 0)),
    ],
    ['W without R (reserved)', 15, (p: Program) => p.li(10, 0x4000_4000).emit(a.sw(0, 10, 0))],
    [
      'fetch from a non-executable page',
      12,
      (p: Program) => p.li(10, 0x4000_0000).emit(a.jalr(0, 10, 0)),
    ],
  ])('%s is a page fault (cause %i) with tval = the virtual address', (_name, cause, body) => {
    const { m, s } = setup(1, body, (pt) => {
      pt.page(0x4000_0000, DATA, V | R);
      pt.page(0x4000_2000, DATA, V | X);
      pt.page(0x4000_3000, DATA, V | R | W | X | U);
      pt.page(0x4000_4000, DATA, V | W);
      pt.superpage(0x8040_0000, RAM_BASE + 0x1000, V | R | W);
    });
    runTo(m);
    expect(s.mcause).toBe(cause);
    expect(s.mtval >>> 0).toBe(m.hart.x[10]! >>> 0);
  });

  it('SUM lets S read and write user pages; MXR makes executable pages readable', () => {
    const { m, s } = setup(
      1,
      (p) => {
        p.li(10, 0x4000_3000).emit(a.lw(11, 10, 0), a.sw(11, 10, 4));
        p.li(12, 0x4000_2000).emit(a.lw(13, 12, 0), a.ecall());
      },
      (pt) => {
        pt.page(0x4000_2000, DATA, V | X);
        pt.page(0x4000_3000, DATA, V | R | W | U);
      },
      Mstatus.SUM | Mstatus.MXR,
    );
    m.bus.write32(DATA, 77);
    runTo(m);
    expect(s.mcause).toBe(9);
    expect([m.hart.x[11], m.hart.x[13], m.bus.read32(DATA + 4)]).toEqual([77, 77, 77]);
  });

  it('U-mode reaches only U pages', () => {
    const { m, s } = setup(
      0,
      (p) => {
        p.li(10, 0x4000_3000).emit(a.lw(11, 10, 0));
        p.li(10, 0x4000_0000).emit(a.lw(11, 10, 0));
      },
      (pt) => {
        pt.page(0x4000_0000, DATA, V | R);
        pt.page(0x4000_3000, DATA, V | R | U);
      },
    );
    m.bus.write32(DATA, 5);
    runTo(m);
    expect([s.mcause, s.mtval >>> 0]).toEqual([13, 0x4000_0000]);
    expect(m.hart.x[11]).toBe(5);
  });

  it('misaligned accesses across two pages translate both; a fault on the second reports its start', () => {
    const { m, s } = setup(
      1,
      (p) => {
        p.li(10, 0x4000_0ffe)
          .emit(a.lw(11, 10, 0))
          .li(12, 0x4000_1ffe)
          .emit(a.sw(11, 12, 0));
      },
      (pt) => {
        pt.page(0x4000_0000, DATA + 0x2000, V | R | W);
        pt.page(0x4000_1000, DATA, V | R | W);
      },
    );
    m.bus.write16(DATA + 0x2ffe, 0x2211);
    m.bus.write16(DATA, 0x4433);
    runTo(m);
    expect(m.hart.x[11]).toBe(0x4433_2211);
    expect([s.mcause, s.mtval >>> 0]).toEqual([15, 0x4000_2000]);
    expect(m.bus.read16(DATA + 0xffe)).toBe(0); // nothing of the faulting store was written
  });

  it('M-mode loads go through translation with MPRV, using MPP as the privilege', () => {
    const m = machine();
    const pt = new PageTables(m);
    pt.page(0x4000_0000, DATA, V | R | W);
    m.bus.write32(DATA, 99);
    const p = new Program();
    trapToHalt(p);
    p.li(1, SATP).emit(a.csrrw(0, Csr.satp, 1));
    p.li(1, Mstatus.MPRV | (1 << 11)).emit(a.csrrs(0, Csr.mstatus, 1));
    p.li(10, 0x4000_0000).emit(a.lw(11, 10, 0));
    p.li(1, Mstatus.MPRV).emit(a.csrrc(0, Csr.mstatus, 1));
    p.li(12, DATA).emit(a.lw(13, 12, 0)); // physical again
    halt(p);
    trapHandler(p);
    m.load(p);
    runTo(m);
    expect([m.hart.x[11], m.hart.x[13], m.hart.state.mcause]).toEqual([99, 99, 0]);
  });

  it('keeps a translation in the TLB until sfence.vma', () => {
    const { m, pt, s } = setup(
      1,
      (p) => {
        p.li(10, 0x4000_0000).emit(a.lw(11, 10, 0));
        p.li(1, 0x0200_0000).emit(a.sw(0, 1, 0)); // scratch device write: the host remaps now
        p.emit(a.lw(12, 10, 0), a.sfence_vma(), a.lw(13, 10, 0), a.ecall());
      },
      (pt) => {
        pt.page(0x4000_0000, DATA, V | R | A);
        pt.page(0x0200_0000, 0x0200_0000, V | R | W | A | D);
      },
    );
    m.bus.write32(DATA, 1);
    m.bus.write32(DATA + 0x1000, 2);
    m.scratch.write = () => pt.page(0x4000_0000, DATA + 0x1000, V | R | A);
    runTo(m);
    expect(s.mcause).toBe(9);
    expect([m.hart.x[11], m.hart.x[12], m.hart.x[13]]).toEqual([1, 1, 2]);
  });

  it('a page table outside RAM is an access fault of the access kind', () => {
    const m = machine();
    const p = new Program();
    trapToHalt(p);
    p.li(1, 0x8000_0000 | (0x1000_0000 >>> 12)).emit(a.csrrw(0, Csr.satp, 1));
    p.li(1, Mstatus.MPRV | (1 << 11)).emit(a.csrrs(0, Csr.mstatus, 1));
    p.li(10, 0x4000_0000).emit(a.sw(0, 10, 0));
    halt(p);
    trapHandler(p);
    m.load(p);
    runTo(m);
    expect([m.hart.state.mcause, m.hart.state.mtval >>> 0]).toEqual([7, 0x4000_0000]);
  });

  it('fetches through the MMU, including an instruction straddling two non-contiguous pages', () => {
    const m = machine();
    const pt = new PageTables(m);
    pt.superpage(RAM_BASE, RAM_BASE, V | R | W | X | A | D);
    // virtual 0x1000_0000.. -> physical DATA + 0x3000, virtual 0x1000_1000 -> physical DATA + 0x1000
    pt.page(0x1000_0000, DATA + 0x3000, V | R | X);
    pt.page(0x1000_1000, DATA + 0x1000, V | R | X);
    const code = new Program(0x1000_0ff8);
    code.emit(a.addi(10, 0, 1)).emit16(a.c_nop()); // 0xff8, 0xffc, then a 32-bit op at 0xffe
    const straddler = new Program(0x1000_0000);
    straddler.emit(a.addi(11, 0, 0x123));
    const bits = straddler.bytes();
    m.bus.writeBytes(DATA + 0x3ff8, code.bytes());
    m.bus.write16(DATA + 0x3ffe, bits[0]! | (bits[1]! << 8));
    m.bus.write16(DATA + 0x1000, bits[2]! | (bits[3]! << 8));
    m.bus.write32(DATA + 0x1002, a.ecall());
    const p = new Program();
    trapToHalt(p);
    p.li(1, SATP).emit(a.csrrw(0, Csr.satp, 1));
    p.li(1, Mstatus.MPP).emit(a.csrrc(0, Csr.mstatus, 1));
    p.li(1, 1 << 11).emit(a.csrrs(0, Csr.mstatus, 1)); // MPP = S
    p.li(1, 0x1000_0ff8).emit(a.csrrw(0, Csr.mepc, 1), a.mret());
    trapHandler(p);
    m.load(p);
    runTo(m);
    expect(m.hart.state.mcause).toBe(9);
    expect([m.hart.x[10], m.hart.x[11]]).toEqual([1, 0x123]);
    expect(m.hart.state.mepc >>> 0).toBe(0x1000_1002);
  });

  it('a fetch fault on the second half of a straddling instruction reports the second page', () => {
    const m = machine();
    const pt = new PageTables(m);
    pt.superpage(RAM_BASE, RAM_BASE, V | R | W | X | A | D);
    pt.page(0x1000_0000, DATA, V | R | X);
    m.bus.write16(DATA + 0xffe, 0x0513); // low half of a 32-bit addi
    const p = new Program();
    trapToHalt(p);
    p.li(1, SATP).emit(a.csrrw(0, Csr.satp, 1));
    p.li(1, Mstatus.MPP).emit(a.csrrc(0, Csr.mstatus, 1));
    p.li(1, 1 << 11).emit(a.csrrs(0, Csr.mstatus, 1));
    p.li(1, 0x1000_0ffe).emit(a.csrrw(0, Csr.mepc, 1), a.mret());
    trapHandler(p);
    m.load(p);
    runTo(m);
    const s = m.hart.state;
    expect([s.mcause, s.mepc >>> 0, s.mtval >>> 0]).toEqual([12, 0x1000_0ffe, 0x1000_1000]);
  });
});
