import { Csr, INTERRUPT_BIT, Mstatus, Priv } from '../src/arch';
import * as a from '../src/asm';
import { Program } from '../src/asm';
import { enterMode, halt, machine, trapHandler, trapToHalt } from './helpers';

const MSI = 3;
const MTI = 7;
const MEI = 11;
const SSI = 1;
const STI = 5;
const SEI = 9;

/** Program: mtvec -> halting handler, `setup`, then spin at label 'spin'. */
function spinner(setup: (p: Program) => void) {
  const m = machine();
  const p = new Program();
  trapToHalt(p);
  setup(p);
  p.label('spin').ref('spin', (o) => a.jal(0, o));
  trapHandler(p);
  m.load(p);
  return { m, p, s: m.hart.state };
}

describe('interrupts', () => {
  it('takes an enabled machine timer interrupt at an instruction boundary', () => {
    const { m, p, s } = spinner((p) => {
      p.li(1, 1 << MTI).emit(a.csrrs(0, Csr.mie, 1), a.csrrsi(0, Csr.mstatus, Mstatus.MIE));
    });
    expect(m.run(100)).toBe('budget');
    m.hart.setInterruptPending(MTI, true);
    expect(m.run(100)).toBe('halt');
    expect(s.mcause).toBe(INTERRUPT_BIT | MTI);
    expect(s.mepc >>> 0).toBe(p.address('spin'));
    expect(s.mtval).toBe(0);
    expect(s.mstatus & (Mstatus.MIE | Mstatus.MPIE)).toBe(Mstatus.MPIE);
  });

  it('ignores M interrupts in M-mode while mstatus.MIE is clear, and when mie lacks the bit', () => {
    const { m, s } = spinner((p) => {
      p.li(1, 1 << MTI).emit(a.csrrs(0, Csr.mie, 1));
    });
    m.hart.setInterruptPending(MTI, true);
    m.hart.setInterruptPending(MSI, true);
    expect(m.run(200)).toBe('budget');
    expect(s.mcause).toBe(0);
  });

  it('always takes M interrupts in lower modes, whatever mstatus.MIE says', () => {
    const { m, s } = spinner((p) => {
      p.li(1, 1 << MEI).emit(a.csrrs(0, Csr.mie, 1));
      enterMode(p, 0, 'spin');
    });
    m.hart.setInterruptPending(MEI, true);
    expect(m.run(100)).toBe('halt');
    expect(s.mcause).toBe(INTERRUPT_BIT | MEI);
    expect((s.mstatus & Mstatus.MPP) >>> 11).toBe(Priv.User);
  });

  it('orders simultaneous interrupts MEI, MSI, MTI, SEI, SSI, STI', () => {
    const { m, s } = spinner(() => {});
    s.mie = 0xaaa;
    s.mstatus |= Mstatus.MIE;
    for (const c of [SSI, STI, SEI, MSI, MTI, MEI]) m.hart.setInterruptPending(c, true);
    const order: number[] = [];
    for (let k = 0; k < 6; k++) {
      const c = s.pendingInterrupt();
      order.push(c);
      m.hart.setInterruptPending(c, false);
    }
    expect(order).toEqual([MEI, MSI, MTI, SEI, SSI, STI]);
    expect(s.pendingInterrupt()).toBe(-1);
  });

  it('delegated interrupts go to S: taken in U always, in S only with SIE, never in M', () => {
    const setupS = (p: Program, mode: 0 | 1, sie: boolean) => {
      p.li(1, 1 << STI).emit(a.csrrw(0, Csr.mideleg, 1), a.csrrs(0, Csr.mie, 1));
      p.la(1, 'strap').emit(a.csrrw(0, Csr.stvec, 1));
      if (sie) p.emit(a.csrrsi(0, Csr.mstatus, Mstatus.SIE));
      enterMode(p, mode, 'spin2');
      p.align(4).label('strap');
      halt(p);
      p.label('spin2').ref('spin2', (o) => a.jal(0, o));
    };
    for (const [mode, sie, taken] of [
      [0, false, true],
      [1, false, false],
      [1, true, true],
    ] as const) {
      const { m, s } = spinner((p) => setupS(p, mode, sie));
      m.hart.setInterruptPending(STI, true);
      expect(m.run(300)).toBe(taken ? 'halt' : 'budget');
      expect(s.scause).toBe(taken ? INTERRUPT_BIT | STI : 0);
      expect(s.mcause).toBe(0);
    }
    // in M-mode, even with MIE and SIE set, a delegated interrupt waits
    const { m, s } = spinner((p) => {
      p.li(1, 1 << STI).emit(a.csrrw(0, Csr.mideleg, 1), a.csrrs(0, Csr.mie, 1));
      p.emit(a.csrrsi(0, Csr.mstatus, Mstatus.SIE | Mstatus.MIE));
    });
    m.hart.setInterruptPending(STI, true);
    expect(m.run(300)).toBe('budget');
    expect(s.scause).toBe(0);
  });

  it('vectored mtvec sends interrupts to base + 4 * cause and exceptions to base', () => {
    const m = machine();
    const p = new Program();
    p.la(5, 'vec').emit(a.addi(5, 5, 1), a.csrrw(0, Csr.mtvec, 5));
    p.li(1, 1 << MSI).emit(a.csrrs(0, Csr.mie, 1), a.csrrsi(0, Csr.mstatus, Mstatus.MIE));
    p.label('spin').ref('spin', (o) => a.jal(0, o));
    p.align(64).label('vec');
    p.emit(a.addi(20, 0, 100)); // +0: exceptions
    halt(p);
    while (p.here - p.address('vec') < 4 * MSI) p.emit(a.nop());
    p.emit(a.addi(20, 0, MSI)); // +12: machine software interrupt
    halt(p);
    m.load(p);
    m.run(50);
    m.hart.setInterruptPending(MSI, true);
    expect(m.run(50)).toBe('halt');
    expect(m.hart.x[20]).toBe(MSI);
  });

  it('a CSR write that makes an interrupt pending and enabled takes effect at the next instruction', () => {
    const { m, p, s } = spinner((p) => {
      p.li(1, 1 << SSI).emit(a.csrrs(0, Csr.mie, 1), a.csrrsi(0, Csr.mstatus, Mstatus.MIE));
      p.emit(a.csrrs(0, Csr.mip, 1)); // software sets SSIP (not delegated: goes to M)
      p.label('next').emit(a.nop());
    });
    expect(m.run(100)).toBe('halt');
    expect(s.mcause).toBe(INTERRUPT_BIT | SSI);
    expect(s.mepc >>> 0).toBe(p.address('next'));
  });

  it('a device store that raises an interrupt is seen right after the store', () => {
    const m = machine();
    const p = new Program();
    trapToHalt(p);
    p.li(1, 1 << MSI).emit(a.csrrs(0, Csr.mie, 1), a.csrrsi(0, Csr.mstatus, Mstatus.MIE));
    p.li(2, 0x0300_0000).emit(a.addi(3, 0, 1), a.sw(3, 2, 0));
    p.label('after').emit(a.addi(10, 0, 1));
    halt(p);
    trapHandler(p);
    m.bus.attach(0x0300_0000, {
      name: 'msip',
      size: 4,
      read: () => 0,
      write: (_o, _w, v) => m.hart.setInterruptPending(MSI, (v & 1) !== 0),
    });
    m.load(p);
    expect(m.run(100)).toBe('halt');
    expect(m.hart.state.mcause).toBe(INTERRUPT_BIT | MSI);
    expect(m.hart.state.mepc >>> 0).toBe(p.address('after'));
    expect(m.hart.x[10]).toBe(0);
  });

  it('rejects interrupt numbers that do not exist', () => {
    const m = machine();
    expect(() => m.hart.setInterruptPending(4 as never, true)).toThrow(/not an interrupt number/);
    expect(() => m.hart.setInterruptPending(40 as never, true)).toThrow(/not an interrupt number/);
    expect(() => m.hart.setInterruptPending(35 as never, true)).toThrow(/not an interrupt number/);
    expect(() => m.hart.setInterruptPending(7.5 as never, true)).toThrow(/not an interrupt number/);
  });
});

describe('wfi', () => {
  it("returns 'wfi' with pc after the instruction when nothing is pending; the interrupt then returns there", () => {
    const m = machine();
    const p = new Program();
    trapToHalt(p);
    p.li(1, 1 << MTI).emit(a.csrrs(0, Csr.mie, 1), a.csrrsi(0, Csr.mstatus, Mstatus.MIE));
    p.label('w').emit(a.wfi());
    p.label('after').emit(a.nop());
    trapHandler(p);
    m.load(p);
    expect(m.run(100)).toBe('wfi');
    expect(m.hart.pc).toBe(p.address('after'));
    m.hart.setInterruptPending(MTI, true);
    expect(m.run(100)).toBe('halt');
    expect(m.hart.state.mcause).toBe(INTERRUPT_BIT | MTI);
    expect(m.hart.state.mepc >>> 0).toBe(p.address('after'));
  });

  it('wakes on an interrupt pending in mie even with interrupts globally disabled', () => {
    const m = machine();
    const p = new Program();
    p.li(1, 1 << MTI).emit(a.csrrs(0, Csr.mie, 1), a.wfi(), a.addi(10, 0, 7));
    halt(p);
    m.load(p);
    m.hart.setInterruptPending(MTI, true);
    expect(m.run(100)).toBe('halt');
    expect(m.hart.x[10]).toBe(7);
  });

  it('is illegal in U-mode, and in S-mode when mstatus.TW is set', () => {
    const run = (mode: 0 | 1, tw: boolean) => {
      const m = machine();
      const p = new Program();
      trapToHalt(p);
      if (tw) p.li(1, Mstatus.TW).emit(a.csrrs(0, Csr.mstatus, 1));
      enterMode(p, mode, 'low');
      p.label('low').emit(a.wfi());
      halt(p);
      trapHandler(p);
      m.load(p);
      return { why: m.run(100), s: m.hart.state };
    };
    expect(run(0, false).s.mcause).toBe(2);
    expect(run(1, true).s.mtval >>> 0).toBe(0x1050_0073);
    expect(run(1, false).why).toBe('wfi');
  });
});
