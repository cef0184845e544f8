import {
  type AccessWidth,
  BusAccessFault,
  isEvmError,
  type MmioDevice,
  PhysicalAccessError,
} from '@evm/contracts';
import { Bus } from '../src';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

/** A device that records accesses and answers reads from a register file. */
function recorder(name: string, size: number) {
  const log: string[] = [];
  const regs = new Map<number, number>();
  const device: MmioDevice = {
    name,
    size,
    read(offset: number, width: AccessWidth) {
      log.push(`r${width}@${offset}`);
      return regs.get(offset) ?? 0;
    },
    write(offset: number, width: AccessWidth, value: number) {
      log.push(`w${width}@${offset}=${value.toString(16)}`);
      regs.set(offset, value);
    },
  };
  return { device, log };
}

describe('Bus RAM', () => {
  it('defaults to QEMU virt RAM at 0x8000_0000 and exposes views on one buffer', () => {
    const bus = new Bus({ ramSize: 8192 });
    expect(bus.ram.base).toBe(0x8000_0000);
    expect(bus.ram.size).toBe(8192);
    bus.write32(0x8000_0004, 0xdeadbeef);
    expect(bus.ram32[1]).toBe(0xdeadbeef | 0);
    expect(bus.ram16[2]).toBe(0xbeef);
    expect(bus.ram8[7]).toBe(0xde);
    expect(bus.read32(0x8000_0004)).toBe(0xdeadbeef);
    expect(bus.read16(0x8000_0005)).toBe(0xadbe);
    expect(bus.read8(0x8000_0006)).toBe(0xad);
  });

  it('rejects bad geometry with errors naming the parameter', () => {
    expect(() => new Bus({ ramSize: 1000 })).toThrow(/ramSize/);
    expect(() => new Bus({ ramSize: 4096, ramBase: 0x123 })).toThrow(/ramBase/);
    expect(() => new Bus({ ramSize: 0x2000, ramBase: 0xffff_f000 })).toThrow(/past the 32-bit/);
    expect(() => new Bus({ ramSize: 4096, buffer: new ArrayBuffer(8192) })).toThrow(/8192 bytes/);
  });

  it('bounds-checks physical accesses and names the range', () => {
    const bus = new Bus({ ramSize: 4096 });
    expect(bus.isRam(0x8000_0000, 4096)).toBe(true);
    expect(bus.isRam(0x8000_0001, 4096)).toBe(false);
    expect(bus.isRam(0x7fff_ffff, 1)).toBe(false);
    expect(() => bus.read32(0x8000_0ffe)).toThrow(PhysicalAccessError);
    expect(() => bus.write8(0x1000, 1)).toThrow(
      /physical write of 1 byte\(s\) at 0x00001000 is outside RAM/,
    );
    expect(() => bus.readBytes(0x8000_0f00, new Uint8Array(0x200))).toThrow(PhysicalAccessError);
    expect(
      isEvmError(
        thrown(() => bus.read8(0x10)),
        'EVM_GUEST_FAULT',
      ),
    ).toBe(true);
  });

  it('copies bytes in and out', () => {
    const bus = new Bus({ ramSize: 4096 });
    bus.writeBytes(0x8000_0010, Uint8Array.of(1, 2, 3, 4, 5));
    const out = new Uint8Array(5);
    bus.readBytes(0x8000_0010, out);
    expect([...out]).toEqual([1, 2, 3, 4, 5]);
    expect(bus.read32(0x8000_0011)).toBe(0x05040302);
  });

  it('serves RAM through load/store too, at any alignment', () => {
    const bus = new Bus({ ramSize: 4096 });
    bus.store(0x8000_0003, 4, 0x11223344);
    expect(bus.load(0x8000_0003, 4)).toBe(0x11223344);
    expect(bus.load(0x8000_0004, 2)).toBe(0x2233);
    expect(() => bus.load(0x8000_0000, 3 as AccessWidth)).toThrow(/width must be 1, 2 or 4/);
  });
});

describe('Bus devices', () => {
  it('dispatches loads and stores to the device window with relative offsets', () => {
    const bus = new Bus({ ramSize: 4096 });
    const uart = recorder('uart', 0x100);
    bus.attach(0x1000_0000, uart.device);
    bus.store(0x1000_0004, 1, 0x1ff);
    expect(bus.load(0x1000_0004, 1)).toBe(0xff);
    bus.store(0x1000_0008, 4, -1);
    expect(uart.log).toEqual(['w1@4=ff', 'r1@4', 'w4@8=ffffffff']);
    expect(bus.deviceAt(0x1000_00ff)?.device.name).toBe('uart');
    expect(bus.devices.map((w) => w.base)).toEqual([0x1000_0000]);
  });

  it('raises BusAccessFault where nothing is mapped, including accesses straddling a window end', () => {
    const bus = new Bus({ ramSize: 4096 });
    bus.attach(0x2000, recorder('dev', 0x10).device);
    expect(() => bus.load(0x3000, 4)).toThrow(BusAccessFault);
    expect(() => bus.store(0x200e, 4, 0)).toThrow(BusAccessFault);
    const fault = thrown(() => bus.store(0x4000_0000, 2, 0));
    expect(fault).toBeInstanceOf(BusAccessFault);
    expect((fault as BusAccessFault).address).toBe(0x4000_0000);
    expect((fault as BusAccessFault).write).toBe(true);
  });

  it('finds the right window among many (binary search)', () => {
    const bus = new Bus({ ramSize: 4096 });
    const devs = [0x5000, 0x1000, 0x9000, 0x3000, 0x7000].map((base) => {
      const r = recorder(`d${base.toString(16)}`, 0x100);
      bus.attach(base, r.device);
      return { base, r };
    });
    for (const { base, r } of devs) {
      bus.load(base + 0xfc, 4);
      expect(r.log).toEqual(['r4@252']);
    }
    expect(() => bus.load(0x2000, 1)).toThrow(BusAccessFault);
  });

  it('refuses overlapping windows, naming both devices', () => {
    const bus = new Bus({ ramSize: 4096 });
    bus.attach(0x1000_0000, recorder('uart0', 0x100).device);
    expect(() => bus.attach(0x1000_0080, recorder('uart1', 0x100).device)).toThrow(
      /"uart1" at 0x10000080-0x1000017f overlaps device "uart0" at 0x10000000-0x100000ff/,
    );
    expect(() => bus.attach(0x7fff_ff00, recorder('big', 0x200).device)).toThrow(/overlaps "RAM"/);
    expect(() => bus.attach(0x100, recorder('empty', 0).device)).toThrow(/window size 0/);
    expect(() => bus.attach(0xffff_ff00, recorder('edge', 0x200).device)).toThrow(
      /32-bit address space/,
    );
    expect(() => bus.attach(0x100, {} as MmioDevice)).toThrow(/no read\/write methods/);
  });
});

describe('Bus code write-watch', () => {
  it('notifies only watchers whose bit is set on a written page', () => {
    const bus = new Bus({ ramSize: 4 * 4096 });
    const seenA: [number, number][] = [];
    const seenB: [number, number][] = [];
    const a = bus.watchCode((off, len) => seenA.push([off, len]));
    const b = bus.watchCode((off, len) => seenB.push([off, len]));
    expect(a.bit).not.toBe(b.bit);
    a.watch(1);
    b.watch(2);

    bus.write32(0x8000_0000, 1); // page 0: nobody
    bus.write16(0x8000_1002, 1); // page 1: a
    bus.store(0x8000_2ffc, 4, 7); // page 2: b
    bus.writeBytes(0x8000_0ff0, new Uint8Array(0x20)); // pages 0-1: a
    expect(seenA).toEqual([
      [0x1002, 2],
      [0x0ff0, 0x20],
    ]);
    expect(seenB).toEqual([[0x2ffc, 4]]);
    expect(bus.codeWatch.flags[1]).toBe(a.bit);

    bus.invalidateCode(0x7fff_0000, 0x1_2000); // clipped to RAM pages 0-1
    expect(seenA.at(-1)).toEqual([0, 0x2000]);

    a.unwatch(1);
    bus.write8(0x8000_1000, 0);
    expect(seenA).toHaveLength(3);
    b.release();
    bus.write8(0x8000_2000, 0);
    expect(seenB).toHaveLength(1);
    expect(bus.codeWatch.flags[2]).toBe(0);
  });

  it('allows at most eight watchers', () => {
    const bus = new Bus({ ramSize: 4096 });
    const ws = Array.from({ length: 8 }, () => bus.watchCode(() => {}));
    expect(() => bus.watchCode(() => {})).toThrow(/at most 8/);
    ws[3]!.release();
    expect(bus.watchCode(() => {}).bit).toBe(8);
  });
});
