import { Csr, Mstatus, Priv } from '../src/arch';
import * as a from '../src/asm';
import { Program } from '../src/asm';
import { enterMode, halt, machine, RAM_BASE, trapHandler, trapToHalt } from './helpers';

/** Builds prologue (mtvec -> halting handler) + body + handler, runs it, returns the machine. */
function trap(body: (p: Program) => void, setup?: (m: ReturnType<typeof machine>) => void) {
  const m = machine();
  const p = new Program();
  trapToHalt(p);
  body(p);
  p.emit(a.addi(29, 0, 1)); // marker: the body ran to its end without trapping
  halt(p);
  trapHandler(p);
  m.load(p);
  setup?.(m);
  expect(m.run(100_000)).toBe('halt');
  return { m, s: m.hart.state, p };
}

describe('synchronous exceptions', () => {
  it('illegal instruction: mcause 2, mepc at the instruction, mtval = its bits, not retired', () => {
    const { m, s, p } = trap((p) => {
      p.label('bad').emit(0xffff_ffff);
    });
    expect(s.mcause).toBe(2);
    expect(s.mepc >>> 0).toBe(p.address('bad'));
    expect(s.mtval).toBe(-1);
    expect(m.hart.x[29]).toBe(0);
    // prologue (auipc, addi, csrrw) + handler (lui, sw); the illegal instruction does not count
    expect(m.hart.instret).toBe(3 + 2);
  });

  it('illegal compressed instruction reports the 16 bits', () => {
    const { s } = trap((p) => {
      p.emit16(0x0000, a.c_nop());
    });
    expect(s.mcause).toBe(2);
    expect(s.mtval).toBe(0);
    const { s: s2 } = trap((p) => {
      p.emit16(0x6002, a.c_nop()); // c.flwsp
    });
    expect(s2.mtval).toBe(0x6002);
  });

  it('ebreak and c.ebreak: breakpoint with mtval = 0 (as QEMU)', () => {
    const { s, p } = trap((p) => {
      p.emit(a.nop()).label('bp').emit(a.ebreak());
    });
    expect([s.mcause, s.mepc >>> 0, s.mtval]).toEqual([3, p.address('bp'), 0]);
    const { s: s2, p: p2 } = trap((p) => {
      p.emit16(a.c_nop()).label('bp').emit16(a.c_ebreak());
    });
    expect([s2.mcause, s2.mepc >>> 0]).toEqual([3, p2.address('bp')]);
  });

  it('ecall from M, S and U has causes 11, 9 and 8', () => {
    expect(trap((p) => p.emit(a.ecall())).s.mcause).toBe(11);
    const fromS = trap((p) => {
      enterMode(p, 1, 'super');
      p.label('super').emit(a.ecall());
    }).s;
    expect([fromS.mcause, (fromS.mstatus & Mstatus.MPP) >>> 11, fromS.priv]).toEqual([
      9,
      Priv.Supervisor,
      Priv.Machine,
    ]);
    const fromU = trap((p) => {
      enterMode(p, 0, 'user');
      p.label('user').emit(a.ecall());
    }).s;
    expect([fromU.mcause, (fromU.mstatus & Mstatus.MPP) >>> 11]).toEqual([8, Priv.User]);
  });

  it('a load from unmapped memory (BusAccessFault) is a load access fault with mtval = address', () => {
    const { s, m } = trap((p) => {
      p.li(1, 0x4000_0004)
        .label('ld')
        .emit(a.lw(2, 1, -4));
    });
    expect([s.mcause, s.mtval >>> 0]).toEqual([5, 0x4000_0000]);
    expect(m.hart.x[29]).toBe(0);
  });

  it('a store to unmapped memory is a store access fault; past the end of RAM too', () => {
    expect(trap((p) => p.li(1, 0x3000_0000).emit(a.sb(0, 1, 0))).s.mcause).toBe(7);
    const { s, m } = trap(
      (p) => p.li(1, RAM_BASE + (1 << 20) - 2).emit(a.sw(0, 1, 0)),
      (m) => m.bus.write16(RAM_BASE + (1 << 20) - 2, 0xbeef),
    );
    // misaligned across the end of RAM: the byte beyond RAM faults, nothing is written
    expect([s.mcause, s.mtval >>> 0]).toEqual([7, RAM_BASE + (1 << 20)]);
    expect(m.bus.read16(RAM_BASE + (1 << 20) - 2)).toBe(0xbeef);
  });

  it('a jump to unmapped memory is an instruction access fault at the target', () => {
    const { s } = trap((p) => {
      p.li(1, 0x2000_0000).emit(a.jalr(0, 1, 0));
    });
    expect([s.mcause, s.mepc >>> 0, s.mtval >>> 0]).toEqual([1, 0x2000_0000, 0x2000_0000]);
  });

  it('a trap vector that cannot be fetched ends the run as fatal instead of looping', () => {
    const m = machine();
    const p = new Program();
    p.li(5, 0x2000_0000).emit(a.csrrw(0, Csr.mtvec, 5), a.ecall());
    m.load(p);
    expect(m.run(1000)).toBe('fatal');
    expect(m.hart.pc).toBe(0x2000_0000);
    expect(m.hart.state.mcause).toBe(1);
  });
});

describe('delegation and returns', () => {
  it('medeleg sends U-mode exceptions to S: scause/sepc/stval, SPP=U, SPIE=SIE, SIE=0', () => {
    const { s, p } = trap((p) => {
      p.li(1, 1 << 8).emit(a.csrrw(0, Csr.medeleg, 1));
      p.la(1, 'strap').emit(a.csrrw(0, Csr.stvec, 1));
      p.li(1, Mstatus.SIE).emit(a.csrrs(0, Csr.mstatus, 1));
      enterMode(p, 0, 'user');
      p.label('user').emit(a.ecall());
      p.align(4).label('strap').emit(a.ecall()); // S-mode ecall goes to M (not delegated)
    });
    expect(s.scause).toBe(8);
    expect(s.sepc >>> 0).toBe(p.address('user'));
    expect(s.mstatus & Mstatus.SPP).toBe(0);
    expect(s.mstatus & Mstatus.SPIE).toBe(Mstatus.SPIE);
    expect(s.mstatus & Mstatus.SIE).toBe(0);
    expect(s.mcause).toBe(9);
    expect(s.mepc >>> 0).toBe(p.address('strap'));
  });

  it('M-mode exceptions are never delegated', () => {
    const { s } = trap((p) => {
      p.li(1, -1).emit(a.csrrw(0, Csr.medeleg, 1), 0xffff_ffff);
    });
    expect([s.mcause, s.scause]).toEqual([2, 0]);
  });

  it('mret restores MIE from MPIE, sets MPIE, drops to MPP, clears MPP and MPRV', () => {
    const { s } = trap((p) => {
      p.li(1, Mstatus.MPIE | Mstatus.MPRV | (1 << 11)).emit(a.csrrs(0, Csr.mstatus, 1));
      p.la(1, 'super').emit(a.csrrw(0, Csr.mepc, 1), a.mret());
      p.label('super').emit(a.ecall());
    });
    expect(s.mcause).toBe(9);
    // after mret: MIE=1, MPIE=1, MPP=U, MPRV=0; the ecall then saved MIE into MPIE and MPP=S
    expect(s.mstatus & (Mstatus.MPRV | Mstatus.MIE)).toBe(0);
    expect(s.mstatus & Mstatus.MPIE).toBe(Mstatus.MPIE);
  });

  it('sret returns to SPP with SIE from SPIE; TSR makes it illegal in S', () => {
    const ok = trap((p) => {
      enterMode(p, 1, 'super');
      p.label('super')
        .li(1, Mstatus.SPIE | Mstatus.SPP)
        .emit(a.csrrs(0, Csr.sstatus, 1));
      p.la(1, 'super2').emit(a.csrrw(0, Csr.sepc, 1), a.sret());
      p.label('super2').emit(a.csrrs(10, Csr.sstatus, 0), a.ecall());
    }).s;
    expect(ok.mcause).toBe(9);
    expect(ok.regs[10]! & (Mstatus.SIE | Mstatus.SPIE | Mstatus.SPP)).toBe(
      Mstatus.SIE | Mstatus.SPIE,
    );

    const tsr = trap((p) => {
      p.li(1, Mstatus.TSR).emit(a.csrrs(0, Csr.mstatus, 1));
      enterMode(p, 1, 'super');
      p.label('super').emit(a.sret());
    }).s;
    expect([tsr.mcause, tsr.mtval >>> 0]).toEqual([2, 0x1020_0073]);
  });

  it('mret and sret are illegal below their mode', () => {
    const u = trap((p) => {
      enterMode(p, 0, 'user');
      p.label('user').emit(a.sret());
    }).s;
    expect([u.mcause, u.mtval >>> 0]).toEqual([2, 0x1020_0073]);
    const sm = trap((p) => {
      enterMode(p, 1, 'super');
      p.label('super').emit(a.mret());
    }).s;
    expect([sm.mcause, sm.mtval >>> 0]).toEqual([2, 0x3020_0073]);
  });
});
