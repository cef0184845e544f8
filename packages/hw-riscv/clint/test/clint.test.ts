import { BusAccessFault } from '@evm/contracts';
import { lines, ManualClock, type RecordingLine } from '@evm/hw-testkit';
import { Clint, ClintRegister } from '../src';

const MSIP = ClintRegister.msip;
const CMP = ClintRegister.mtimecmp;
const MTIME = ClintRegister.mtime;

function clint(harts = 1) {
  const clock = new ManualClock();
  const irqs = lines(2 * harts);
  const pairs = [];
  for (let h = 0; h < harts; h++) pairs.push({ software: irqs[2 * h]!, timer: irqs[2 * h + 1]! });
  const device = new Clint(clock, pairs, 0x0200_0000);
  const software = (h: number): RecordingLine => irqs[2 * h]!;
  const timer = (h: number): RecordingLine => irqs[2 * h + 1]!;
  const setCmp = (h: number, value: bigint) => {
    // The RV32 sequence that never passes through a smaller value.
    device.write(CMP + 8 * h + 4, 4, 0xffff_ffff);
    device.write(CMP + 8 * h, 4, Number(value & 0xffff_ffffn));
    device.write(CMP + 8 * h + 4, 4, Number(value >> 32n));
  };
  return { clock, device, software, timer, setCmp };
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('CLINT msip', () => {
  it('keeps bit 0 only and drives the hart software line', () => {
    const { device, software } = clint();
    expect(software(0).level).toBe(false);
    device.write(MSIP, 4, 0xffff_ffff);
    expect(device.read(MSIP, 4)).toBe(1);
    expect(software(0).level).toBe(true);
    device.write(MSIP, 4, 0xffff_fffe);
    expect(device.read(MSIP, 4)).toBe(0);
    expect(software(0).level).toBe(false);
  });

  it("gives each hart its own register and line; absent harts' registers read 0", () => {
    const { device, software } = clint(2);
    device.write(MSIP + 4, 4, 1);
    expect([software(0).level, software(1).level]).toEqual([false, true]);
    expect([device.read(MSIP, 4), device.read(MSIP + 4, 4)]).toEqual([0, 1]);
    device.write(MSIP + 8, 4, 1);
    expect(device.read(MSIP + 8, 4)).toBe(0);
    expect(device.read(0x3ffc, 4)).toBe(0);
  });
});

describe('CLINT mtime', () => {
  it('reads the machine clock in two halves', () => {
    const { clock, device } = clint();
    clock.ticks = 0x1_2345_6789n;
    expect(device.read(MTIME, 4)).toBe(0x2345_6789);
    expect(device.read(MTIME + 4, 4)).toBe(1);
  });

  it('takes writes as an offset over the clock, half by half', () => {
    const { clock, device } = clint();
    clock.ticks = 1000n;
    device.write(MTIME, 4, 50);
    expect(device.mtime()).toBe(50n);
    clock.ticks = 1010n;
    expect(device.read(MTIME, 4)).toBe(60);
    device.write(MTIME + 4, 4, 7);
    expect(device.mtime()).toBe((7n << 32n) | 60n);
    clock.ticks = 1011n;
    expect(device.read(MTIME, 4)).toBe(61);
    expect(device.read(MTIME + 4, 4)).toBe(7);
    expect(clock.ticks).toBe(1011n);
  });

  it('wraps at 64 bits', () => {
    const { clock, device } = clint();
    device.write(MTIME + 4, 4, 0xffff_ffff);
    device.write(MTIME, 4, 0xffff_ffff);
    expect(device.mtime()).toBe(0xffff_ffff_ffff_ffffn);
    clock.ticks += 2n;
    expect(device.mtime()).toBe(1n);
    expect(device.read(MTIME + 4, 4)).toBe(0);
  });
});

describe('CLINT timer', () => {
  it('starts with the timer line high, as QEMU virt (mtimecmp = mtime = 0)', () => {
    const { device, timer } = clint(2);
    expect([timer(0).level, timer(1).level]).toEqual([true, true]);
    expect([device.read(CMP, 4), device.read(CMP + 4, 4)]).toEqual([0, 0]);
  });

  it('is a level: low while mtime < mtimecmp, high from mtimecmp on', () => {
    const { clock, device, timer, setCmp } = clint();
    clock.ticks = 100n;
    setCmp(0, 150n);
    expect(timer(0).level).toBe(false);
    clock.ticks = 149n;
    device.poll();
    expect(timer(0).level).toBe(false);
    clock.ticks = 150n;
    device.poll();
    expect(timer(0).level).toBe(true);
    // Moving mtimecmp ahead again lowers it at once.
    setCmp(0, 1000n);
    expect(timer(0).level).toBe(false);
    // ... and moving it into the past raises it at once.
    device.write(CMP, 4, 10);
    expect(timer(0).level).toBe(true);
  });

  it('stores mtimecmp as two halves', () => {
    const { device, setCmp } = clint();
    setCmp(0, 0x1234_5678_9abc_def0n);
    expect(device.read(CMP, 4)).toBe(0x9abc_def0);
    expect(device.read(CMP + 4, 4)).toBe(0x1234_5678);
    device.write(CMP, 4, 5);
    expect(device.read(CMP + 4, 4)).toBe(0x1234_5678);
    expect(device.read(CMP, 4)).toBe(5);
  });

  it('never raises the line during the safe RV32 update sequence', () => {
    const { clock, device, timer } = clint();
    clock.ticks = 0x1_0000_0000n;
    device.write(CMP + 4, 4, 0xffff_ffff);
    expect(timer(0).level).toBe(false);
    device.write(CMP, 4, 0x10);
    expect(timer(0).level).toBe(false);
    device.write(CMP + 4, 4, 2);
    expect(timer(0).level).toBe(false);
  });

  it('compares against the guest-visible mtime after mtime writes', () => {
    const { clock, device, timer, setCmp } = clint();
    setCmp(0, 500n);
    expect(timer(0).level).toBe(false);
    device.write(MTIME, 4, 600);
    expect(timer(0).level).toBe(true);
    device.write(MTIME, 4, 0);
    expect(timer(0).level).toBe(false);
    clock.ticks = 499n;
    device.poll();
    expect(timer(0).level).toBe(false);
    clock.ticks = 500n;
    device.poll();
    expect(timer(0).level).toBe(true);
  });

  it('gives each hart its own comparator', () => {
    const { clock, device, timer, setCmp } = clint(3);
    setCmp(0, 30n);
    setCmp(1, 10n);
    setCmp(2, 20n);
    clock.ticks = 15n;
    device.poll();
    expect([timer(0).level, timer(1).level, timer(2).level]).toEqual([false, true, false]);
    expect(device.read(CMP + 8, 4)).toBe(10);
    expect(device.read(CMP + 24, 4)).toBe(0); // no hart 3
  });
});

describe('CLINT timer line', () => {
  it('is driven once at reset and then only when its level changes', () => {
    const { clock, device, timer, setCmp } = clint();
    expect(timer(0).calls).toBe(1);
    device.poll();
    device.poll();
    expect(timer(0).calls).toBe(1);
    setCmp(0, 50n); // goes low
    clock.ticks = 10n;
    device.poll();
    expect(timer(0).calls).toBe(2);
    device.reset();
    expect(timer(0).calls).toBe(3);
    expect(timer(0).level).toBe(true);
  });
});

describe('CLINT nextDeadline', () => {
  it('is the earliest mtimecmp still ahead, in machine-clock ticks', () => {
    const { clock, device, setCmp } = clint(2);
    expect(device.nextDeadline()).toBeUndefined(); // both already due
    setCmp(0, 300n);
    setCmp(1, 200n);
    expect(device.nextDeadline()).toBe(200n);
    clock.ticks = 200n;
    device.poll();
    expect(device.nextDeadline()).toBe(300n);
    clock.ticks = 300n;
    expect(device.nextDeadline()).toBeUndefined();
  });

  it('translates an mtime offset back to clock ticks', () => {
    const { clock, device, setCmp } = clint();
    clock.ticks = 1000n;
    device.write(MTIME, 4, 0); // mtime = clock - 1000
    setCmp(0, 250n);
    expect(device.nextDeadline()).toBe(1250n);
  });

  it('treats an all-ones mtimecmp as "no timer"', () => {
    const { device, setCmp } = clint();
    setCmp(0, 0xffff_ffff_ffff_ffffn);
    expect(device.nextDeadline()).toBeUndefined();
  });
});

/** A clock the CLINT can move (the board's clocks can): harts read the same time. */
class MovableClock extends ManualClock {
  adjust(delta: bigint): void {
    this.ticks += delta;
  }
}

describe('CLINT with a movable clock', () => {
  it('moves the machine clock on mtime writes, and reset moves it back', () => {
    const clock = new MovableClock();
    const irqs = lines(2);
    const device = new Clint(clock, [{ software: irqs[0]!, timer: irqs[1]! }]);
    clock.ticks = 1000n;
    device.write(MTIME + 4, 4, 2);
    device.write(MTIME, 4, 10);
    expect(clock.now()).toBe((2n << 32n) | 10n); // what the time CSR reads
    expect(device.mtime()).toBe(clock.now());
    device.write(CMP + 4, 4, 2);
    device.write(CMP, 4, 50);
    expect(device.nextDeadline()).toBe((2n << 32n) | 50n); // clock ticks are mtime ticks
    clock.advance(5);
    device.reset();
    expect(clock.now()).toBe(1005n);
    expect(device.mtime()).toBe(1005n);
  });
});

describe('CLINT accesses and reset', () => {
  it('faults byte, half-word, misaligned and out-of-window accesses at their address', () => {
    const { device } = clint();
    const byteLoad = thrown(() => device.read(MTIME, 1));
    expect(byteLoad).toBeInstanceOf(BusAccessFault);
    expect(byteLoad).toMatchObject({ address: 0x0200_bff8, write: false });
    expect(thrown(() => device.write(MSIP, 2, 1))).toMatchObject({
      address: 0x0200_0000,
      write: true,
    });
    expect(thrown(() => device.read(CMP + 2, 4))).toBeInstanceOf(BusAccessFault);
    expect(thrown(() => device.read(0xc000, 4))).toBeInstanceOf(BusAccessFault);
    expect(thrown(() => device.write(-4, 4, 0))).toBeInstanceOf(BusAccessFault);
  });

  it('reads 0 and ignores writes in the holes of the window', () => {
    const { device } = clint();
    device.write(0xbff0, 4, 123);
    expect(device.read(0xbff0, 4)).toBe(0);
    expect(device.size).toBe(0xc000);
  });

  it('reset clears msip, mtimecmp and the mtime offset', () => {
    const { clock, device, software, timer, setCmp } = clint();
    clock.ticks = 40n;
    device.write(MSIP, 4, 1);
    setCmp(0, 1000n);
    device.write(MTIME, 4, 5);
    device.reset();
    expect(software(0).level).toBe(false);
    expect(timer(0).level).toBe(true);
    expect(device.mtime()).toBe(40n);
    expect(device.read(CMP, 4)).toBe(0);
  });
});
