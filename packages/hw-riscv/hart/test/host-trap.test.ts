import type { InterruptCause } from '@evm/contracts';
import { Csr, Exc, Irq, Mstatus, Priv } from '../src/arch';
import * as a from '../src/asm';
import { Program } from '../src/asm';
import { enterMode, halt, machine, RAM_BASE, trapHandler, trapToHalt } from './helpers';

/** The external-interrupt line, typed as the contracts expect. */
const MEI = Irq.MachineExternal as number as InterruptCause;

/** A machine in host-trap mode running `body` in U-mode (entered from M through mret). */
function userProgram(body: (p: Program) => void) {
  const m = machine();
  const p = new Program();
  trapToHalt(p);
  enterMode(p, 0, 'user');
  p.align(4).label('user');
  body(p);
  trapHandler(p);
  m.load(p);
  m.hart.hostTraps = true;
  return { m, s: m.hart.state, p };
}

describe('host-trap mode', () => {
  it('is off by default and a trap then enters M-mode as before', () => {
    const m = machine();
    const p = new Program();
    trapToHalt(p);
    p.emit(a.ecall());
    trapHandler(p);
    m.load(p);
    expect(m.hart.hostTraps).toBe(false);
    expect(m.run()).toBe('halt');
    expect(m.hart.state.mcause).toBe(Exc.EcallFromM);
  });

  it('an ecall from U returns "trap" with cause, epc and privilege untouched', () => {
    const { m, s, p } = userProgram((p) => {
      p.emit(a.addi(10, 0, 7))
        .label('call')
        .emit(a.ecall(), a.addi(11, 0, 9));
      halt(p);
    });
    expect(m.run()).toBe('trap');
    const t = m.hart.hostTrap;
    expect([t.cause, t.interrupt, t.tval, t.epc >>> 0]).toEqual([
      Exc.EcallFromU,
      false,
      0,
      p.address('call'),
    ]);
    expect(m.hart.pc).toBe(p.address('call'));
    expect(s.priv).toBe(Priv.User);
    // M-mode trap state is as the mret into U left it.
    expect(s.mepc >>> 0).toBe(p.address('user'));
    expect(s.mcause).toBe(0);
    expect(s.mstatus & Mstatus.MPP).toBe(0);
    expect(m.hart.x[10]).toBe(7);
    const before = m.hart.instret;
    // The host handles the call and resumes after it: addi, then li + sw of `halt`.
    m.hart.pc = (t.epc + 4) >>> 0;
    expect(m.run()).toBe('halt');
    expect(m.hart.x[11]).toBe(9);
    expect(m.hart.instret).toBe(before + 1 + 2);
  });

  it('ecalls in a loop come back one by one with the retired count exact (hot enough to be translated)', () => {
    const { m, p } = userProgram((p) => {
      p.label('loop')
        .emit(a.addi(21, 21, 1))
        .label('call')
        .emit(a.ecall());
      p.ref('loop', (o) => a.jal(0, o));
    });
    expect(m.run()).toBe('trap');
    const first = m.hart.instret;
    for (let i = 0; i < 2000; i++) {
      expect(m.hart.hostTrap.epc >>> 0).toBe(p.address('call'));
      m.hart.pc = p.address('call') + 4;
      expect(m.run()).toBe('trap');
    }
    expect(m.hart.x[21]).toBe(2001);
    expect(m.hart.instret).toBe(first + 2000 * 2); // jal + addi per round; the ecall never retires
  });

  it('page faults under Sv32 go to the host with the faulting address', () => {
    // satp points at an all-zero root table: every U access page-faults.
    const root = RAM_BASE + 0x8_0000;
    const { m, s } = userProgram((p) => {
      p.emit(a.nop());
    });
    s.satp = (1 << 31) | (root >>> 12);
    s.flushTlb();
    s.updateTranslation();
    expect(m.run()).toBe('trap');
    const t = m.hart.hostTrap;
    expect(t.cause).toBe(Exc.InstructionPageFault);
    expect(t.tval >>> 0).toBe(m.hart.pc);
    expect(s.priv).toBe(Priv.User);
  });

  it('illegal instructions and loads from nowhere report their tval', () => {
    const { m, p } = userProgram((p) => {
      p.label('bad').emit(0xffff_ffff);
    });
    expect(m.run()).toBe('trap');
    expect(m.hart.hostTrap.cause).toBe(Exc.IllegalInstruction);
    expect(m.hart.hostTrap.tval).toBe(-1);
    expect(m.hart.hostTrap.epc >>> 0).toBe(p.address('bad'));

    const { m: m2 } = userProgram((p) => {
      p.li(5, 0x4000_0000).emit(a.lw(6, 5, 0));
    });
    expect(m2.run()).toBe('trap');
    expect([m2.hart.hostTrap.cause, m2.hart.hostTrap.tval >>> 0]).toEqual([
      Exc.LoadAccessFault,
      0x4000_0000,
    ]);
  });

  it('a machine interrupt returns "trap" between instructions with the pc to resume at', () => {
    const { m, s, p } = userProgram((p) => {
      p.label('loop').emit(a.addi(5, 5, 1));
      p.ref('loop', (o) => a.jal(0, o));
    });
    s.mie = 1 << Irq.MachineExternal;
    expect(m.run(50)).toBe('budget');
    const retired = m.hart.instret;
    m.hart.setInterruptPending(MEI, true);
    expect(m.run(50)).toBe('trap');
    const t = m.hart.hostTrap;
    expect([t.cause, t.interrupt]).toEqual([Irq.MachineExternal, true]);
    expect(t.epc >>> 0).toBe(m.hart.pc);
    expect([p.address('loop'), p.address('loop') + 4]).toContain(m.hart.pc);
    expect(m.hart.instret).toBe(retired);
    expect(s.mcause).toBe(0);
    // Once the line drops, execution resumes where it stopped.
    m.hart.setInterruptPending(MEI, false);
    expect(m.run(10)).toBe('budget');
    expect(m.hart.instret).toBe(retired + 10);
  });

  it('traps delegated to S-mode are still taken by the hart', () => {
    const m = machine();
    const p = new Program();
    trapToHalt(p);
    p.li(5, 1 << Exc.EcallFromU).emit(a.csrrw(0, Csr.medeleg, 5));
    p.la(5, 'strap').emit(a.csrrw(0, Csr.stvec, 5));
    enterMode(p, 0, 'user');
    p.align(4).label('user').emit(a.ecall());
    p.align(4)
      .label('strap')
      .emit(a.addi(20, 0, 1), a.ecall());
    trapHandler(p);
    m.load(p);
    m.hart.hostTraps = true;
    expect(m.run()).toBe('trap');
    // The U ecall went to S (x20 set); the S ecall, not delegated, came to the host.
    expect(m.hart.x[20]).toBe(1);
    expect(m.hart.hostTrap.cause).toBe(Exc.EcallFromS);
    expect(m.hart.state.scause).toBe(Exc.EcallFromU);
    expect(m.hart.state.priv).toBe(Priv.Supervisor);
  });

  it('survives reset and can be switched off again', () => {
    const { m, p } = userProgram((p) => {
      p.emit(a.ecall());
    });
    m.hart.reset(p.origin);
    expect(m.hart.hostTraps).toBe(true);
    m.hart.hostTraps = false;
    expect(m.run()).toBe('halt');
    expect(m.hart.state.mcause).toBe(Exc.EcallFromU);
  });
});
