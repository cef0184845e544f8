import * as a from '../src/asm';
import { Program } from '../src/asm';
import { halt, machine, RAM_BASE } from './helpers';

describe('predecode cache coherence', () => {
  it('re-decodes an instruction the program overwrote after running it', () => {
    const m = machine();
    const p = new Program();
    p.li(10, 0).li(11, 2);
    p.label('again');
    p.label('patched').emit(a.addi(10, 10, 1));
    p.emit(a.addi(11, 11, -1));
    p.ref('done', (o) => a.beq(11, 0, o));
    p.la(12, 'patched')
      .li(13, a.addi(10, 10, 100))
      .emit(a.sw(13, 12, 0));
    p.ref('again', (o) => a.jal(0, o));
    p.label('done');
    halt(p);
    m.load(p);
    expect(m.run(1000)).toBe('halt');
    expect(m.hart.x[10]).toBe(101);
  });

  it('executes the new bits when a store patches the very next instruction', () => {
    const m = machine();
    const p = new Program();
    p.li(15, a.addi(10, 0, 1))
      .li(13, a.addi(10, 0, 55))
      .la(12, 'next')
      .li(11, 2);
    p.label('loop').emit(a.sw(15, 12, 0)); // first pass: same bits; second pass: new bits
    p.label('next').emit(a.addi(10, 0, 1));
    p.emit(a.addi(15, 13, 0), a.addi(11, 11, -1));
    p.ref('loop', (o) => a.bne(11, 0, o));
    halt(p);
    m.load(p);
    expect(m.run(1000)).toBe('halt');
    expect(m.hart.x[10]).toBe(55);
  });

  it('notices a halfword store into the upper half of a 32-bit instruction', () => {
    const m = machine();
    const p = new Program();
    p.li(11, 2).la(12, 'target');
    p.label('loop');
    p.label('target').emit(a.addi(10, 0, 1)); // imm lives in the upper half
    p.li(13, (a.addi(10, 0, 7) >>> 16) & 0xffff).emit(a.sh(13, 12, 2));
    p.emit(a.addi(11, 11, -1));
    p.ref('loop', (o) => a.bne(11, 0, o));
    halt(p);
    m.load(p);
    expect(m.run(1000)).toBe('halt');
    expect(m.hart.x[10]).toBe(7);
  });

  it('drops code rewritten by the host (DMA, loader) through the bus between runs', () => {
    const m = machine();
    const p = new Program();
    p.label('top').emit(a.addi(10, 10, 1));
    p.ref('top', (o) => a.jal(0, o));
    m.load(p);
    expect(m.run(10)).toBe('budget');
    expect(m.hart.x[10]).toBe(5);
    m.bus.write32(RAM_BASE, a.addi(10, 10, 10));
    expect(m.run(10)).toBe('budget');
    expect(m.hart.x[10]).toBe(55);
    m.bus.writeBytes(RAM_BASE, new Program().emit(a.addi(10, 10, -1)).bytes());
    m.run(4);
    expect(m.hart.x[10]).toBe(53);
  });

  it('re-fetches the upper half of a page-crossing instruction when the next page changes', () => {
    const m = machine();
    const p = new Program();
    p.li(11, 2);
    p.ref('straddle', (o) => a.jal(0, o));
    while ((p.here & 0xfff) !== 0xffe) p.emit16(a.c_nop());
    p.label('straddle').emit(a.addi(10, 0, 1)); // upper half is at the start of the next page
    p.emit(a.addi(11, 11, -1));
    p.ref('done', (o) => a.beq(11, 0, o));
    p.li(12, (a.addi(10, 0, 9) >>> 16) & 0xffff)
      .li(13, RAM_BASE + 0x1000)
      .emit(a.sh(12, 13, 0));
    p.ref('straddle', (o) => a.jal(0, o));
    p.label('done');
    halt(p);
    m.load(p);
    expect(m.run(10_000)).toBe('halt');
    expect(m.hart.x[10]).toBe(9);
  });

  it('fence.i drops every decoded page', () => {
    const m = machine();
    const p = new Program();
    p.emit(a.nop(), a.fence_i(), a.nop());
    halt(p);
    m.load(p);
    expect(m.run(1)).toBe('budget');
    expect(m.hart.state.code.size).toBe(1);
    expect(m.run(1)).toBe('budget'); // fence.i
    expect(m.hart.state.code.size).toBe(0);
    expect(m.run(100)).toBe('halt');
  });

  it('bounds the decoded pages it keeps and stays correct when it has to start over', () => {
    const m = machine({ maxCodePages: 2 });
    const p = new Program();
    p.li(10, 0).li(11, 3);
    p.label('loop');
    for (let page = 0; page < 4; page++) {
      p.emit(a.addi(10, 10, 1));
      while ((p.here & 0xfff) !== 0) p.emit(a.nop());
    }
    p.emit(a.addi(11, 11, -1), a.beq(11, 0, 8));
    p.ref('loop', (o) => a.jal(0, o));
    halt(p);
    m.load(p);
    expect(m.run(100_000)).toBe('halt');
    expect(m.hart.x[10]).toBe(12);
    expect(m.hart.state.code.size).toBeLessThanOrEqual(2);
  });
});

describe('hooks for a second execution tier', () => {
  it('reports invalidated ranges and flushes', () => {
    const m = machine();
    const p = new Program();
    p.emit(a.nop(), a.fence_i(), a.nop());
    halt(p);
    m.load(p);
    const invalidated: [number, number][] = [];
    let flushes = 0;
    m.hart.state.code.onInvalidate = (off, len) => invalidated.push([off, len]);
    m.hart.state.code.onFlush = () => flushes++;
    m.run(1);
    m.bus.write16(RAM_BASE + 8, 0x0001);
    expect(invalidated).toEqual([[8, 2]]);
    m.run(1);
    expect(flushes).toBe(1);
  });
});
