import type { SemihostingHandler } from '@evm/contracts';
import * as a from '../src/asm';
import { Program } from '../src/asm';
import { enterMode, halt, machine, type TestMachine, trapHandler, trapToHalt } from './helpers';

const SLLI = a.slli(0, 0, 0x1f);
const SRAI = a.srai(0, 0, 7);

class Recorder implements SemihostingHandler {
  readonly calls: [number, number][] = [];
  constructor(private readonly onCall?: (m: TestMachine) => void) {}
  m?: TestMachine;
  call(op: number, param: number): number {
    this.calls.push([op, param]);
    if (this.m) this.onCall?.(this.m);
    return 0x1234;
  }
}

function build(body: (p: Program) => void, handler?: Recorder) {
  const m = machine({ semihosting: handler });
  if (handler) handler.m = m;
  const p = new Program();
  trapToHalt(p);
  body(p);
  p.emit(a.addi(29, 0, 1));
  halt(p);
  trapHandler(p);
  m.load(p);
  return m;
}

function semihostCall(p: Program): Program {
  return p.align(4).emit(SLLI, a.ebreak(), SRAI);
}

describe('semihosting', () => {
  it('calls the handler with a0/a1 and puts the result in a0', () => {
    const h = new Recorder();
    const m = build((p) => semihostCall(p.li(10, 0x18).li(11, 0x8000_1234)), h);
    expect(m.run(1000)).toBe('halt');
    expect(h.calls).toEqual([[0x18, 0x8000_1234]]);
    expect(m.hart.x[10]).toBe(0x1234);
    expect(m.hart.x[29]).toBe(1);
    expect(m.hart.state.mcause).toBe(0);
  });

  it("returns 'halt' right after a call that asked the machine to stop", () => {
    const h = new Recorder((m) => m.control.requestStop(3, 'semihosting exit'));
    const m = build((p) => semihostCall(p.li(10, 0x18)).emit(a.addi(28, 0, 1)), h);
    expect(m.run(1000)).toBe('halt');
    expect(m.control.status).toBe(3);
    expect(m.hart.x[28]).toBe(0);
  });

  it('is an ordinary breakpoint without a handler, when compressed, misaligned, or not framed', () => {
    const none = build((p) => semihostCall(p.li(10, 1)));
    none.run(1000);
    expect(none.hart.state.mcause).toBe(3);

    const compressed = build(
      (p) => p.align(4).emit(SLLI).emit16(a.c_ebreak(), a.c_nop()).emit(SRAI),
      new Recorder(),
    );
    compressed.run(1000);
    expect(compressed.hart.state.mcause).toBe(3);

    const misaligned = build(
      (p) => p.align(4).emit16(a.c_nop()).emit(SLLI, a.ebreak(), SRAI),
      new Recorder(),
    );
    misaligned.run(1000);
    expect(misaligned.hart.state.mcause).toBe(3);

    const unframed = build((p) => p.align(4).emit(a.nop(), a.ebreak(), SRAI), new Recorder());
    unframed.run(1000);
    expect(unframed.hart.state.mcause).toBe(3);
  });

  it('is not available to U-mode (as QEMU without userspace semihosting)', () => {
    const h = new Recorder();
    const m = build((p) => {
      enterMode(p, 0, 'user');
      semihostCall(p.label('user'));
    }, h);
    m.run(1000);
    expect(h.calls).toEqual([]);
    expect(m.hart.state.mcause).toBe(3);
  });

  it('works from S-mode', () => {
    const h = new Recorder();
    const m = build((p) => {
      enterMode(p, 1, 'super');
      p.align(4).label('super');
      semihostCall(p).emit(a.ecall());
    }, h);
    m.run(1000);
    expect(h.calls).toHaveLength(1);
    expect(m.hart.state.mcause).toBe(9);
  });
});
