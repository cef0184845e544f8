import { Csr, MISA, Mstatus } from '../src/arch';
import * as a from '../src/asm';
import { Program } from '../src/asm';
import { enterMode, halt, machine, trapHandler, trapToHalt } from './helpers';

function run(body: (p: Program) => void, setup?: (m: ReturnType<typeof machine>) => void) {
  const m = machine();
  const p = new Program();
  trapToHalt(p);
  body(p);
  p.emit(a.addi(29, 0, 1)); // reached the end without trapping
  halt(p);
  trapHandler(p);
  m.load(p);
  setup?.(m);
  expect(m.run(100_000)).toBe('halt');
  return { m, s: m.hart.state, x: m.hart.x, p };
}

describe('CSR access rules', () => {
  it('reads the identification CSRs', () => {
    const { x } = run((p) => {
      p.emit(
        a.csrrs(10, Csr.misa, 0),
        a.csrrs(11, Csr.mvendorid, 0),
        a.csrrs(12, Csr.marchid, 0),
        a.csrrs(13, Csr.mimpid, 0),
        a.csrrs(14, Csr.mhartid, 0),
        a.csrrs(15, Csr.mconfigptr, 0),
      );
    });
    expect(x[10]! >>> 0).toBe(0x4014_1105);
    expect(MISA >>> 0).toBe(0x4014_1105);
    expect([x[11], x[12], x[13], x[14], x[15], x[29]]).toEqual([0, 0, 0, 0, 0, 1]);
  });

  it('unknown CSRs are illegal instructions with the instruction bits in mtval', () => {
    const bits = a.csrrs(10, 0x7c0, 0);
    const { s, x } = run((p) => p.emit(bits));
    expect([s.mcause, s.mtval >>> 0, x[29]]).toEqual([2, bits, 0]);
  });

  it('writing a read-only CSR is illegal, reading it with rs1 = x0 is not', () => {
    const bits = a.csrrw(0, Csr.mhartid, 1);
    expect(run((p) => p.emit(bits)).s.mtval >>> 0).toBe(bits);
    expect(run((p) => p.emit(a.csrrsi(0, Csr.cycle, 1))).s.mcause).toBe(2);
    expect(run((p) => p.emit(a.csrrs(5, Csr.cycle, 0), a.csrrci(5, Csr.mhartid, 0))).x[29]).toBe(1);
  });

  it('S-mode cannot touch M CSRs and U-mode cannot touch S CSRs', () => {
    const fromS = run((p) => {
      enterMode(p, 1, 's');
      p.label('s').emit(a.csrrs(10, Csr.sstatus, 0), a.csrrs(11, Csr.mstatus, 0));
    });
    expect([fromS.s.mcause, fromS.s.mtval >>> 0]).toEqual([2, a.csrrs(11, Csr.mstatus, 0)]);
    const fromU = run((p) => {
      enterMode(p, 0, 'u');
      p.label('u').emit(a.csrrs(10, Csr.sscratch, 0));
    });
    expect(fromU.s.mcause).toBe(2);
  });

  it('csrrw swaps, csrrs/csrrc set and clear bits, immediate forms use the 5-bit value', () => {
    const { x } = run((p) => {
      p.li(1, 0x0ff0).emit(a.csrrw(0, Csr.mscratch, 1));
      p.li(2, 0xf00f).emit(a.csrrs(10, Csr.mscratch, 2)); // 0x0ff0 -> 0xffff
      p.li(3, 0x00f0).emit(a.csrrc(11, Csr.mscratch, 3)); // 0xffff -> 0xff0f
      p.emit(
        a.csrrwi(12, Csr.mscratch, 21),
        a.csrrsi(13, Csr.mscratch, 10),
        a.csrrci(14, Csr.mscratch, 1),
      );
      p.emit(a.csrrs(15, Csr.mscratch, 0));
    });
    expect([x[10], x[11], x[12], x[13], x[14], x[15]]).toEqual([
      0x0ff0, 0xffff, 0xff0f, 21, 31, 30,
    ]);
  });
});

describe('status, interrupt and trap-setup CSRs', () => {
  it('mstatus keeps only its writable fields; MPP=2 (reserved) leaves MPP unchanged', () => {
    const { x } = run((p) => {
      p.li(1, -1).emit(a.csrrw(0, Csr.mstatus, 1), a.csrrs(10, Csr.mstatus, 0));
      p.li(1, 2 << 11).emit(a.csrrc(0, Csr.mstatus, 1)); // MPP = 01 (S)
      p.li(1, 2 << 11).emit(a.csrrs(0, Csr.mstatus, 1)); // would be 11 (M): legal
      p.li(1, 1 << 11).emit(a.csrrc(0, Csr.mstatus, 1)); // would be 10: reserved, ignored
      p.emit(a.csrrs(11, Csr.mstatus, 0), a.csrrs(12, Csr.mstatush, 0));
    });
    expect(x[10]! >>> 0).toBe(0x007e_19aa);
    expect((x[11]! >>> 11) & 3).toBe(3);
    expect(x[12]).toBe(0);
  });

  it('sstatus is a restricted view of mstatus', () => {
    const { x, s } = run((p) => {
      p.li(1, -1).emit(
        a.csrrw(0, Csr.sstatus, 1),
        a.csrrs(10, Csr.sstatus, 0),
        a.csrrs(11, Csr.mstatus, 0),
      );
    });
    const view = Mstatus.SIE | Mstatus.SPIE | Mstatus.SPP | Mstatus.SUM | Mstatus.MXR;
    expect(x[10]).toBe(view);
    expect(x[11]).toBe(view);
    expect(s.mstatus & Mstatus.MIE).toBe(0);
  });

  it('sie and sip show only delegated interrupts; S may set only SSIP', () => {
    const { x } = run((p) => {
      p.li(1, -1).emit(a.csrrw(0, Csr.mie, 1), a.csrrs(10, Csr.mie, 0), a.csrrs(11, Csr.sie, 0));
      p.li(1, (1 << 1) | (1 << 5)).emit(a.csrrw(0, Csr.mideleg, 1), a.csrrs(12, Csr.sie, 0));
      p.emit(a.csrrw(0, Csr.sie, 0), a.csrrs(13, Csr.mie, 0));
      p.li(1, -1).emit(a.csrrw(0, Csr.mip, 1), a.csrrs(14, Csr.mip, 0), a.csrrw(0, Csr.mip, 0));
      p.li(1, -1).emit(a.csrrw(0, Csr.sip, 1), a.csrrs(15, Csr.mip, 0), a.csrrs(16, Csr.sip, 0));
      p.emit(a.csrrs(17, Csr.mideleg, 0));
    });
    expect(x[10]).toBe(0xaaa);
    expect(x[11]).toBe(0);
    expect(x[12]).toBe(0x22);
    expect(x[13]).toBe(0xaaa & ~0x22);
    expect(x[14]).toBe(0x222); // software can set SSIP, STIP, SEIP in mip
    expect(x[15]).toBe(0x2); // through sip only SSIP
    expect(x[16]).toBe(0x2);
    expect(x[17]).toBe(0x22);
  });

  it('mip reads SEIP as software bit OR external line, but read-modify-write keeps the software bit', () => {
    const { x } = run(
      (p) => {
        p.emit(a.csrrs(10, Csr.mip, 0));
        p.emit(a.csrrci(0, Csr.mip, 2)); // clear SSIP: must not latch the external SEIP into software
        p.emit(a.csrrs(11, Csr.mip, 0));
      },
      (m) => m.hart.setInterruptPending(9, true),
    );
    expect(x[10]).toBe(1 << 9);
    expect(x[11]).toBe(1 << 9);
  });

  it('medeleg cannot delegate ecall from M; mideleg only S interrupts', () => {
    const { x } = run((p) => {
      p.li(1, -1).emit(a.csrrw(0, Csr.medeleg, 1), a.csrrw(0, Csr.mideleg, 1));
      p.emit(a.csrrs(10, Csr.medeleg, 0), a.csrrs(11, Csr.mideleg, 0));
    });
    expect(x[10]).toBe(0xb3ff);
    expect(x[11]).toBe(0x222);
  });

  it('mtvec/stvec ignore reserved modes; mepc/sepc clear bit 0', () => {
    const { x } = run((p) => {
      p.li(1, 0x8000_1001).emit(a.csrrw(0, Csr.stvec, 1));
      p.li(1, 0x8000_2002).emit(a.csrrw(0, Csr.stvec, 1), a.csrrs(10, Csr.stvec, 0));
      p.li(1, 0x8000_0003).emit(a.csrrw(0, Csr.mepc, 1), a.csrrs(11, Csr.mepc, 0));
      p.emit(a.csrrw(0, Csr.sepc, 1), a.csrrs(12, Csr.sepc, 0));
    });
    expect(x[10]! >>> 0).toBe(0x8000_1001);
    expect(x[11]! >>> 0).toBe(0x8000_0002);
    expect(x[12]! >>> 0).toBe(0x8000_0002);
  });

  it('scratch, cause and tval registers hold any value; pmp and envcfg accept writes', () => {
    const { x } = run((p) => {
      p.li(1, 0xdead_beef);
      for (const csr of [
        Csr.sscratch,
        Csr.mcause,
        Csr.scause,
        Csr.mtval,
        Csr.stval,
        Csr.pmpaddr0 + 15,
      ]) {
        p.emit(a.csrrw(0, csr, 1));
      }
      p.emit(
        a.csrrs(10, Csr.sscratch, 0),
        a.csrrs(11, Csr.scause, 0),
        a.csrrs(12, Csr.stval, 0),
        a.csrrs(13, Csr.pmpaddr0 + 15, 0),
      );
      p.li(1, 0x1f).emit(a.csrrw(0, Csr.pmpcfg0, 1), a.csrrs(14, Csr.pmpcfg0, 0));
      p.li(1, -1).emit(
        a.csrrw(0, Csr.menvcfg, 1),
        a.csrrs(15, Csr.menvcfg, 0),
        a.csrrs(16, Csr.tdata1, 0),
      );
    });
    expect([x[10], x[11], x[12], x[13]].map((v) => v! >>> 0)).toEqual(Array(4).fill(0xdead_beef));
    expect([x[14], x[15], x[16]]).toEqual([0x1f, 1, 0]);
  });

  it('satp and sfence.vma are illegal in S when mstatus.TVM is set', () => {
    const sat = run((p) => {
      p.li(1, Mstatus.TVM).emit(a.csrrs(0, Csr.mstatus, 1));
      enterMode(p, 1, 's');
      p.label('s').emit(a.csrrs(10, Csr.satp, 0));
    });
    expect([sat.s.mcause, sat.x[29]]).toEqual([2, 0]);
    const sf = run((p) => {
      p.li(1, Mstatus.TVM).emit(a.csrrs(0, Csr.mstatus, 1));
      enterMode(p, 1, 's');
      p.label('s').emit(a.sfence_vma());
    });
    expect([sf.s.mcause, sf.s.mtval >>> 0]).toEqual([2, 0x1200_0073]);
    expect(
      run((p) => {
        enterMode(p, 0, 'u');
        p.label('u').emit(a.sfence_vma());
      }).s.mcause,
    ).toBe(2);
  });
});

describe('counters', () => {
  it('cycle equals instret and both count retired instructions', () => {
    const { x } = run((p) => {
      p.emit(
        a.csrrs(10, Csr.minstret, 0),
        a.nop(),
        a.nop(),
        a.csrrs(11, Csr.minstret, 0),
        a.csrrs(12, Csr.mcycle, 0),
      );
      p.emit(a.csrrs(13, Csr.instret, 0), a.csrrs(14, Csr.cycle, 0), a.csrrs(15, Csr.instreth, 0));
    });
    expect(x[10]).toBe(3); // three prologue instructions retired before
    expect(x[11]).toBe(6);
    expect(x[12]).toBe(7);
    expect([x[13], x[14], x[15]]).toEqual([8, 9, 0]);
  });

  it('minstret/mcycle writes are what the next instruction reads; the high halves carry', () => {
    const { x } = run((p) => {
      p.li(1, -2).emit(a.csrrw(0, Csr.minstret, 1), a.csrrs(10, Csr.minstret, 0));
      p.emit(a.nop(), a.csrrs(11, Csr.minstret, 0), a.csrrs(12, Csr.minstreth, 0));
      p.li(1, 7).emit(a.csrrw(0, Csr.mcycleh, 1), a.csrrs(13, Csr.mcycleh, 0));
    });
    expect(x[10]).toBe(-2);
    expect(x[11]).toBe(0);
    expect(x[12]).toBe(1);
    expect(x[13]).toBe(7);
  });

  it('mcountinhibit freezes and resumes the counters', () => {
    const { x } = run((p) => {
      p.emit(
        a.csrrwi(0, Csr.mcountinhibit, 5),
        a.csrrs(10, Csr.minstret, 0),
        a.nop(),
        a.nop(),
        a.csrrs(11, Csr.minstret, 0),
      );
      p.emit(
        a.csrrs(12, Csr.mcountinhibit, 0),
        a.csrrwi(0, Csr.mcountinhibit, 0),
        a.csrrs(13, Csr.mcycle, 0),
      );
    });
    expect(x[10]).toBe(4);
    expect(x[11]).toBe(4);
    expect(x[12]).toBe(5);
    expect(x[13]).toBe(4); // the re-enabling write itself is not counted
  });

  it('time comes from the machine clock', () => {
    const { x } = run(
      (p) => p.emit(a.csrrs(10, Csr.time, 0), a.csrrs(11, Csr.timeh, 0)),
      (m) => {
        m.clock.ticks = (3n << 32n) + 12345n;
      },
    );
    expect([x[10], x[11]]).toEqual([12345, 3]);
  });

  it('mcounteren and scounteren gate the user counters in S and U', () => {
    const sDenied = run((p) => {
      enterMode(p, 1, 's');
      p.label('s').emit(a.csrrs(10, Csr.cycle, 0));
    });
    expect(sDenied.s.mcause).toBe(2);
    const sAllowed = run((p) => {
      p.emit(a.csrrwi(0, Csr.mcounteren, 2)); // TM only
      enterMode(p, 1, 's');
      p.label('s').emit(a.csrrs(10, Csr.time, 0), a.csrrs(11, Csr.instret, 0));
    });
    expect([sAllowed.s.mcause, sAllowed.s.mtval >>> 0]).toEqual([2, a.csrrs(11, Csr.instret, 0)]);
    const uNeedsBoth = run((p) => {
      p.emit(a.csrrwi(0, Csr.mcounteren, 7));
      enterMode(p, 0, 'u');
      p.label('u').emit(a.csrrs(10, Csr.cycle, 0));
    });
    expect(uNeedsBoth.s.mcause).toBe(2);
    const uAllowed = run((p) => {
      p.emit(a.csrrwi(0, Csr.mcounteren, 7), a.csrrwi(0, Csr.scounteren, 1));
      enterMode(p, 0, 'u');
      p.label('u').emit(a.csrrs(10, Csr.cycle, 0), a.ecall());
    });
    expect(uAllowed.s.mcause).toBe(8);
    expect(uAllowed.x[10]).toBeGreaterThan(0);
  });
});
