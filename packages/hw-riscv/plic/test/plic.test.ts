import { BusAccessFault } from '@evm/contracts';
import { lines } from '@evm/hw-testkit';
import { Plic, PlicRegister } from '../src';

const PRIORITY = PlicRegister.priority;
const PENDING = PlicRegister.pending;
const enableOf = (context: number, word = 0) =>
  PlicRegister.enable + PlicRegister.enableStride * context + 4 * word;
const thresholdOf = (context: number) =>
  PlicRegister.context + PlicRegister.contextStride * context;
const claimOf = (context: number) => thresholdOf(context) + 4;

function plic(sources = 96, contexts = 2) {
  const outputs = lines(contexts);
  const device = new Plic(sources, outputs, 0x0c00_0000);
  /** Priority `p` for source `id`, enabled for `context`. */
  const arm = (id: number, p: number, context = 0) => {
    device.write(PRIORITY + 4 * id, 4, p);
    const at = enableOf(context, id >>> 5);
    device.write(at, 4, device.read(at, 4) | (1 << (id & 31)));
  };
  const claim = (context = 0) => device.read(claimOf(context), 4);
  const complete = (id: number, context = 0) => device.write(claimOf(context), 4, id);
  const pendingBit = (id: number) => (device.read(PENDING + 4 * (id >>> 5), 4) >>> (id & 31)) & 1;
  return { device, outputs, arm, claim, complete, pendingBit };
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('PLIC registers', () => {
  it('starts with everything cleared and outputs driven low', () => {
    const { device, outputs } = plic();
    expect(outputs.map((o) => [o.level, o.calls])).toEqual([
      [false, 1],
      [false, 1],
    ]);
    expect(device.read(PRIORITY + 40, 4)).toBe(0);
    expect(device.read(enableOf(1), 4)).toBe(0);
    expect(device.read(thresholdOf(0), 4)).toBe(0);
    expect(device.size).toBe(0x20_2000);
  });

  it('keeps 3 priority bits per source; source 0 has none', () => {
    const { device } = plic();
    device.write(PRIORITY + 4 * 10, 4, 0xff);
    expect(device.read(PRIORITY + 4 * 10, 4)).toBe(7);
    device.write(PRIORITY + 4 * 10, 4, 0x0a);
    expect(device.read(PRIORITY + 4 * 10, 4)).toBe(2);
    device.write(PRIORITY, 4, 7);
    expect(device.read(PRIORITY, 4)).toBe(0);
    device.write(PRIORITY + 4 * 96, 4, 7);
    expect(device.read(PRIORITY + 4 * 96, 4)).toBe(0);
  });

  it('keeps 3 threshold bits per context', () => {
    const { device } = plic();
    device.write(thresholdOf(1), 4, 0xff);
    expect([device.read(thresholdOf(0), 4), device.read(thresholdOf(1), 4)]).toEqual([0, 7]);
  });

  it('keeps enable bits of real sources only, per context', () => {
    const { device } = plic(40);
    device.write(enableOf(0, 0), 4, 0xffff_ffff);
    device.write(enableOf(0, 1), 4, 0xffff_ffff);
    device.write(enableOf(0, 2), 4, 0xffff_ffff);
    expect(device.read(enableOf(0, 0), 4)).toBe(0xffff_fffe);
    expect(device.read(enableOf(0, 1), 4)).toBe(0xff); // sources 32..39
    expect(device.read(enableOf(0, 2), 4)).toBe(0);
    expect(device.read(enableOf(1, 0), 4)).toBe(0);
  });

  it('shows source levels as pending bits, which guests cannot write', () => {
    const { device, pendingBit } = plic();
    device.source(10).set(true);
    device.source(95).set(true);
    expect(device.read(PENDING, 4)).toBe(1 << 10);
    expect(device.read(PENDING + 8, 4)).toBe(0x8000_0000);
    device.write(PENDING, 4, 0xffff_ffff);
    expect(device.read(PENDING, 4)).toBe(1 << 10);
    expect(pendingBit(11)).toBe(0);
  });

  it('reads 0 and ignores writes in holes of the window', () => {
    const { device } = plic();
    for (const offset of [
      0x180,
      0xffc,
      PENDING + 0xc,
      PENDING + 0x80,
      enableOf(2),
      0x10_0000,
      thresholdOf(0) + 8,
      thresholdOf(1) + 0xffc,
    ]) {
      device.write(offset, 4, 0xffff_ffff);
      expect(device.read(offset, 4)).toBe(0);
    }
  });

  it('faults byte, half-word, misaligned and out-of-window accesses at their address', () => {
    const { device } = plic();
    const byteLoad = thrown(() => device.read(4, 1));
    expect(byteLoad).toBeInstanceOf(BusAccessFault);
    expect(byteLoad).toMatchObject({ address: 0x0c00_0004, write: false });
    expect(thrown(() => device.write(claimOf(0), 2, 1))).toMatchObject({
      address: 0x0c20_0004,
      write: true,
    });
    expect(thrown(() => device.read(2, 4))).toBeInstanceOf(BusAccessFault);
    expect(thrown(() => device.read(0x20_2000, 4))).toBeInstanceOf(BusAccessFault);
  });

  it('names the valid range when asked for a source that does not exist', () => {
    const { device } = plic();
    expect(() => device.source(0)).toThrow(/source 0 does not exist \(sources are 1\.\.95\)/);
    expect(() => device.source(96)).toThrow(/source 96 does not exist/);
    expect(() => device.source(1.5)).toThrow(/source 1.5 does not exist/);
    expect(device.source(5)).toBe(device.source(5));
  });
});

describe('PLIC interrupt flow', () => {
  it('raises the context line for an enabled source above threshold, and claim/complete run the gateway', () => {
    const { device, outputs, arm, claim, complete, pendingBit } = plic();
    arm(10, 1);
    device.source(10).set(true);
    expect([outputs[0]!.level, outputs[1]!.level]).toEqual([true, false]);
    expect(claim()).toBe(10);
    expect(pendingBit(10)).toBe(0);
    expect(outputs[0]!.level).toBe(false);
    expect(claim()).toBe(0); // nothing else
    device.source(10).set(false);
    complete(10);
    expect(pendingBit(10)).toBe(0);
    expect(outputs[0]!.level).toBe(false);
  });

  it('makes a source pending again on completion while its level is still high', () => {
    const { device, outputs, arm, claim, complete, pendingBit } = plic();
    arm(3, 2);
    device.source(3).set(true);
    expect(claim()).toBe(3);
    complete(3);
    expect(pendingBit(3)).toBe(1);
    expect(outputs[0]!.level).toBe(true);
    expect(claim()).toBe(3);
  });

  it('forwards nothing new while a source is in flight', () => {
    const { device, outputs, arm, claim, complete, pendingBit } = plic();
    arm(3, 2);
    device.source(3).set(true);
    expect(claim()).toBe(3);
    device.source(3).set(false);
    device.source(3).set(true);
    expect(pendingBit(3)).toBe(0);
    expect(outputs[0]!.level).toBe(false);
    complete(3);
    expect(pendingBit(3)).toBe(1);
  });

  it('keeps a request pending when the level drops before the claim (the gateway latched it)', () => {
    const { device, outputs, arm, claim } = plic();
    arm(7, 1);
    device.source(7).set(true);
    device.source(7).set(false);
    expect(outputs[0]!.level).toBe(true);
    expect(claim()).toBe(7);
  });

  it('claims the highest priority first, the lowest id among equals', () => {
    const { device, arm, claim } = plic();
    arm(1, 2);
    arm(2, 5);
    arm(40, 5);
    arm(90, 7);
    for (const id of [1, 2, 40, 90]) device.source(id).set(true);
    expect([claim(), claim(), claim(), claim(), claim()]).toEqual([90, 2, 40, 1, 0]);
  });

  it('holds back sources at or below the threshold, and priority 0 never interrupts', () => {
    const { device, outputs, arm, claim, pendingBit } = plic();
    arm(4, 3);
    arm(5, 0);
    device.write(thresholdOf(0), 4, 3);
    device.source(4).set(true);
    device.source(5).set(true);
    expect(pendingBit(4)).toBe(1);
    expect(outputs[0]!.level).toBe(false);
    expect(claim()).toBe(0);
    device.write(thresholdOf(0), 4, 2);
    expect(outputs[0]!.level).toBe(true);
    device.write(thresholdOf(0), 4, 0);
    expect(claim()).toBe(4);
    expect(claim()).toBe(0); // source 5 has priority 0
    device.write(PRIORITY + 20, 4, 1);
    expect(outputs[0]!.level).toBe(true);
    expect(claim()).toBe(5);
  });

  it('serves one source to whichever context claims it first', () => {
    const { device, outputs, arm, claim, complete } = plic();
    arm(9, 1, 0);
    arm(9, 1, 1);
    device.source(9).set(true);
    expect([outputs[0]!.level, outputs[1]!.level]).toEqual([true, true]);
    expect(claim(1)).toBe(9);
    expect([outputs[0]!.level, outputs[1]!.level]).toEqual([false, false]);
    expect(claim(0)).toBe(0);
    complete(9, 1);
  });

  it('raises a line when an enable or priority write lets a pending source through', () => {
    const { device, outputs } = plic();
    device.source(12).set(true);
    device.write(PRIORITY + 48, 4, 1);
    expect(outputs[1]!.level).toBe(false);
    device.write(enableOf(1), 4, 1 << 12);
    expect(outputs[1]!.level).toBe(true);
    device.write(enableOf(1), 4, 0);
    expect(outputs[1]!.level).toBe(false);
  });

  it('ignores completions of sources not enabled for the context, not in flight, or out of range', () => {
    const { device, arm, claim, complete, pendingBit } = plic();
    arm(6, 1, 0);
    device.source(6).set(true);
    expect(claim(0)).toBe(6);
    complete(6, 1); // not enabled for context 1
    expect(pendingBit(6)).toBe(0);
    complete(0, 0);
    complete(500, 0);
    complete(0xffff_ffff, 0);
    expect(pendingBit(6)).toBe(0);
    complete(6, 0);
    expect(pendingBit(6)).toBe(1);
    complete(6, 0); // not in flight any more: no effect
    expect(pendingBit(6)).toBe(1);
  });

  it('drives an output only when its level changes', () => {
    const { device, outputs, arm } = plic();
    arm(1, 1);
    arm(2, 1);
    device.source(1).set(true);
    device.source(2).set(true);
    device.source(2).set(true);
    expect(outputs[0]!.calls).toBe(2); // reset + one rise
  });

  it('reset clears state but re-latches sources still asserted', () => {
    const { device, outputs, arm, claim, pendingBit } = plic();
    arm(8, 1);
    device.source(8).set(true);
    device.source(9).set(true);
    device.source(9).set(false);
    expect(claim()).toBe(8);
    device.reset();
    expect(outputs[0]!.level).toBe(false);
    expect(device.read(PRIORITY + 32, 4)).toBe(0);
    expect([pendingBit(8), pendingBit(9)]).toEqual([1, 0]);
    arm(8, 1);
    expect(claim()).toBe(8);
  });
});
