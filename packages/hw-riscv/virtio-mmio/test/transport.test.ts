import { BusAccessFault } from '@evm/contracts';
import {
  DeviceStatus,
  InterruptReason,
  QEMU_VENDOR_ID,
  VirtioMmioRegister as R,
  VIRTIO_MMIO_MAGIC,
  VirtioMmioTransport,
} from '../src';
import { EchoBackend } from './echo-backend';
import {
  EVENT_IDX,
  FakeMemory,
  INDIRECT,
  RAM_BASE,
  RecordingLine,
  TestDriver,
  VERSION_1,
} from './fakes';

const S = DeviceStatus;
const HANDSHAKE = S.acknowledge | S.driver | S.featuresOk;

function setup(options: { vendorId?: number } = {}) {
  const mem = new FakeMemory();
  const irq = new RecordingLine();
  const backend = new EchoBackend();
  const dev = new VirtioMmioTransport(
    backend,
    { memory: mem, irq },
    { ...options, base: 0x1000_1000 },
  );
  const driver = new TestDriver(dev, mem);
  return { mem, irq, backend, dev, driver };
}

/** A ready device with queue 0 of `size` entries and DRIVER_OK. */
function running(size = 8, features = VERSION_1) {
  const parts = setup();
  expect(parts.driver.negotiate(features)).toBe(HANDSHAKE);
  const q = parts.driver.setupQueue(0, size);
  parts.driver.driverOk();
  return { ...parts, q };
}

describe('virtio-mmio identification', () => {
  it('reads magic, version 2, the device id and the vendor id', () => {
    const { driver, dev } = setup();
    expect(driver.r(R.magic)).toBe(VIRTIO_MMIO_MAGIC);
    expect(driver.r(R.magic)).toBe(0x74726976);
    expect(driver.r(R.version)).toBe(2);
    expect(driver.r(R.deviceId)).toBe(0x2a);
    expect(driver.r(R.vendorId)).toBe(QEMU_VENDOR_ID);
    expect([dev.name, dev.size]).toEqual(['virtio.42', 0x200]);
    expect(setup({ vendorId: 0xfeed_beef }).driver.r(R.vendorId)).toBe(0xfeed_beef);
  });

  it('offers the backend features plus VERSION_1, INDIRECT_DESC and EVENT_IDX in two banks', () => {
    const { driver } = setup();
    expect(driver.deviceFeatures()).toBe(VERSION_1 | INDIRECT | EVENT_IDX | (1n << 5n));
    driver.w(R.deviceFeaturesSel, 2);
    expect(driver.r(R.deviceFeatures)).toBe(0);
  });

  it('gives each queue its maximum size and 0 for queues that do not exist', () => {
    const { driver } = setup();
    const max = (i: number) => {
      driver.w(R.queueSel, i);
      return driver.r(R.queueNumMax);
    };
    expect([max(0), max(1), max(2), max(0xffff_ffff)]).toEqual([16, 4, 0, 0]);
  });

  it('reads write-only and reserved registers as 0, and no shared memory regions', () => {
    const { driver } = setup();
    for (const off of [
      R.queueNum,
      R.queueNotify,
      R.interruptAck,
      R.queueDescLow,
      R.queueReset,
      0x0f8,
    ]) {
      expect(driver.r(off)).toBe(0);
    }
    driver.w(R.shmSel, 0);
    expect([driver.r(R.shmLenLow), driver.r(R.shmLenHigh)]).toEqual([0xffff_ffff, 0xffff_ffff]);
  });

  it('ignores control register accesses that are not 32-bit and aligned', () => {
    const { dev, driver } = setup();
    expect(dev.read(R.magic, 1)).toBe(0);
    expect(dev.read(R.magic, 2)).toBe(0);
    expect(dev.read(R.magic + 1, 4)).toBe(0);
    dev.write(R.status, 1, S.acknowledge);
    dev.write(R.status + 2, 4, S.acknowledge);
    expect(driver.status).toBe(0);
  });

  it('faults outside its 0x200-byte window, naming the physical address', () => {
    const { dev } = setup();
    expect(() => dev.read(0x200, 4)).toThrow(BusAccessFault);
    expect(() => dev.write(0x200, 4, 0)).toThrow(/store access fault at 0x10001200/);
    expect(() => dev.read(-4, 4)).toThrow(BusAccessFault);
  });
});

describe('virtio-mmio status and feature negotiation', () => {
  it('accepts features that include VERSION_1 and are all offered', () => {
    const { driver, dev } = setup();
    expect(driver.negotiate(VERSION_1 | EVENT_IDX | (1n << 5n))).toBe(HANDSHAKE);
    expect(dev.hasFeature(5)).toBe(true);
    expect(dev.hasFeature(32)).toBe(true);
    expect(dev.eventIndex).toBe(true);
    expect(dev.indirectDescriptors).toBe(false);
    expect(dev.hasFeature(28)).toBe(false);
  });

  it('refuses FEATURES_OK without VERSION_1 (a legacy driver)', () => {
    const { driver, dev } = setup();
    expect(driver.negotiate(1n << 5n)).toBe(S.acknowledge | S.driver);
    expect(dev.hasFeature(5)).toBe(false);
  });

  it('refuses FEATURES_OK when the driver asks for a feature that was not offered', () => {
    const { driver } = setup();
    expect(driver.negotiate(VERSION_1 | (1n << 6n))).toBe(S.acknowledge | S.driver);
    expect(driver.negotiate(VERSION_1 | (1n << 40n))).toBe(S.acknowledge | S.driver);
  });

  it('freezes the driver features once FEATURES_OK is set', () => {
    const { driver, dev } = setup();
    driver.negotiate(VERSION_1);
    driver.writeDriverFeatures(VERSION_1 | EVENT_IDX);
    driver.w(R.status, HANDSHAKE);
    expect(dev.eventIndex).toBe(false);
  });

  it('treats DRIVER_OK without FEATURES_OK as a driver error needing a reset', () => {
    const { driver, dev, irq } = setup();
    driver.w(R.status, S.acknowledge | S.driver | S.driverOk);
    expect(driver.status & S.needsReset).toBe(S.needsReset);
    expect(dev.lastProblem).toMatch(/DRIVER_OK without FEATURES_OK/);
    expect(dev.live).toBe(false);
    expect(driver.r(R.interruptStatus)).toBe(InterruptReason.configChange);
    expect(irq.level).toBe(true);
  });

  it('keeps DEVICE_NEEDS_RESET away from the driver: it cannot set or clear it', () => {
    const { driver, dev } = setup();
    driver.w(R.status, S.acknowledge | S.needsReset);
    expect(driver.status).toBe(S.acknowledge);
    dev.fail('test');
    driver.w(R.status, S.acknowledge | S.driver);
    expect(driver.status).toBe(S.acknowledge | S.driver | S.needsReset);
  });

  it('resets everything when the driver writes status 0', () => {
    const { driver, dev, backend, irq, q, mem } = running();
    driver.w(R.queueSel, 1);
    q.add([{ addr: driver.alloc(4), len: 4 }]);
    driver.notify(0);
    expect(irq.level).toBe(true);
    const resets = backend.resets;
    driver.w(R.status, 0);
    expect(driver.status).toBe(0);
    expect(irq.level).toBe(false);
    expect(driver.r(R.interruptStatus)).toBe(0);
    expect(driver.r(R.queueReady)).toBe(0);
    driver.w(R.queueSel, 0);
    expect(driver.r(R.queueReady)).toBe(0);
    expect(dev.hasFeature(32)).toBe(false);
    expect(backend.resets).toBe(resets + 1);
    // The device works again after a new handshake.
    driver.negotiate();
    const q2 = driver.setupQueue(0, 4);
    driver.driverOk();
    const reply = driver.alloc(4);
    const request = driver.alloc(4);
    mem.put(request, 'abcd');
    q2.add([
      { addr: request, len: 4 },
      { addr: reply, len: 4, write: true },
    ]);
    driver.notify(0);
    expect(mem.text(reply, 4)).toBe('ABCD');
  });
});

describe('virtio-mmio queue registers', () => {
  it('reads QueueReady back per queue and freezes the layout while a queue is ready', () => {
    const { driver, dev, mem } = running(8);
    driver.w(R.queueSel, 0);
    expect(driver.r(R.queueReady)).toBe(1);
    driver.w(R.queueSel, 1);
    expect(driver.r(R.queueReady)).toBe(0);
    driver.w(R.queueSel, 0);
    // Changing the size or rings of a running queue has no effect.
    driver.w(R.queueNum, 2);
    driver.w(R.queueDescLow, 0);
    expect(dev.queue(0).size).toBe(8);
    expect(dev.queue(0).descLow).toBe(mem.base);
    driver.w(R.queueReady, 0);
    expect(driver.r(R.queueReady)).toBe(0);
  });

  it.each([
    ['zero', 0],
    ['not a power of two', 6],
    ['beyond the maximum', 32],
  ])('needs a reset when the queue size is %s', (_what, size) => {
    const { driver, dev } = setup();
    driver.negotiate();
    driver.programQueue(0, size, RAM_BASE, RAM_BASE + 0x1000, RAM_BASE + 0x2000);
    driver.w(R.queueReady, 1);
    expect(driver.r(R.queueReady)).toBe(0);
    expect(driver.status & S.needsReset).toBe(S.needsReset);
    expect(dev.lastProblem).toBe(`queue 0: size ${size} is not a power of two from 1 to 16`);
  });

  interface Layout {
    desc?: number;
    avail?: number;
    used?: number;
    usedHigh?: number;
  }
  it.each<[string, Layout, RegExp]>([
    [
      'descriptor table outside RAM',
      { desc: 0x1000 },
      /descriptor table at 0x00001000 \(256 bytes\) is outside RAM/,
    ],
    [
      'descriptor table running off the end of RAM',
      { desc: RAM_BASE + 0x10_0000 - 128 },
      /descriptor table .* outside RAM/,
    ],
    [
      'misaligned descriptor table',
      { desc: RAM_BASE + 8 },
      /descriptor table at 0x80000008 is not 16-byte aligned/,
    ],
    [
      'misaligned available ring',
      { avail: RAM_BASE + 0x1001 },
      /available ring at 0x80001001 is not 2-byte aligned/,
    ],
    [
      'misaligned used ring',
      { used: RAM_BASE + 0x2002 },
      /used ring at 0x80002002 is not 4-byte aligned/,
    ],
    ['used ring above 4 GiB', { usedHigh: 1 }, /used ring at 0x180002000 .* outside RAM/],
  ])('needs a reset for a %s', (_what, layout, message) => {
    const { driver, dev } = setup();
    driver.negotiate();
    driver.programQueue(
      0,
      16,
      layout.desc ?? RAM_BASE,
      layout.avail ?? RAM_BASE + 0x1000,
      layout.used ?? RAM_BASE + 0x2000,
    );
    if (layout.usedHigh) driver.w(R.queueDeviceHigh, layout.usedHigh);
    driver.w(R.queueReady, 1);
    expect(driver.r(R.queueReady)).toBe(0);
    expect(driver.status & S.needsReset).toBe(S.needsReset);
    expect(dev.lastProblem).toMatch(message);
  });

  it('ignores queue registers and notifications for queues that do not exist', () => {
    const { driver, backend } = running();
    driver.w(R.queueSel, 7);
    driver.w(R.queueNum, 4);
    driver.w(R.queueReady, 1);
    expect(driver.r(R.queueReady)).toBe(0);
    driver.notify(7);
    driver.notify(0x1_0000); // not queue 0: the whole value is the index
    driver.notify(1); // exists but not ready
    expect(backend.notified).toEqual([0]); // only the DRIVER_OK sweep
    expect(driver.status & S.needsReset).toBe(0);
  });
});

describe('virtio-mmio notifications and interrupts', () => {
  it('serves a notified queue and raises the used-buffer interrupt until it is acknowledged', () => {
    const { driver, mem, irq, q } = running();
    const request = driver.alloc(5);
    const reply = driver.alloc(5);
    mem.put(request, 'hello');
    const head = q.add([
      { addr: request, len: 5 },
      { addr: reply, len: 5, write: true },
    ]);
    expect(irq.level).toBe(false);
    driver.notify(0);
    expect(q.takeUsed()).toEqual([{ id: head, len: 5 }]);
    expect(mem.text(reply, 5)).toBe('HELLO');
    expect(irq.level).toBe(true);
    expect(driver.r(R.interruptStatus)).toBe(InterruptReason.usedBuffer);
    driver.w(R.interruptAck, InterruptReason.configChange); // acknowledging another reason changes nothing
    expect(irq.level).toBe(true);
    driver.w(R.interruptAck, InterruptReason.usedBuffer);
    expect(irq.level).toBe(false);
    expect(irq.calls).toBe(2);
  });

  it('holds notifications that come before DRIVER_OK and serves the queues when it comes', () => {
    const { driver, mem, backend } = setup();
    driver.negotiate();
    const q = driver.setupQueue(0, 4);
    const request = driver.alloc(2);
    const reply = driver.alloc(2);
    mem.put(request, 'ok');
    q.add([
      { addr: request, len: 2 },
      { addr: reply, len: 2, write: true },
    ]);
    driver.notify(0);
    expect(backend.notified).toEqual([]);
    expect(q.usedIdx).toBe(0);
    driver.driverOk();
    expect(backend.notified).toEqual([0]);
    expect(mem.text(reply, 2)).toBe('OK');
  });

  it('bumps the config generation and interrupts when the backend changes its config', () => {
    const { driver, dev, backend, irq } = setup();
    expect(driver.r(R.configGeneration)).toBe(0);
    backend.host.configChanged();
    expect(driver.r(R.configGeneration)).toBe(1);
    expect(irq.level).toBe(false); // no driver yet: nobody to tell
    driver.negotiate();
    driver.driverOk();
    backend.host.configChanged();
    expect(driver.r(R.configGeneration)).toBe(2);
    expect(driver.r(R.interruptStatus)).toBe(InterruptReason.configChange);
    expect(irq.level).toBe(true);
    expect(dev.live).toBe(true);
  });

  it('reports a ring error after DRIVER_OK with the config-change interrupt and stops serving', () => {
    const { driver, dev, q, irq, backend } = running(4);
    q.setAvailIdx(9);
    driver.notify(0);
    expect(driver.status & S.needsReset).toBe(S.needsReset);
    expect(dev.lastProblem).toBe(
      'queue 0: available index moved from 0 to 9, more than the queue size 4',
    );
    expect(driver.r(R.interruptStatus)).toBe(InterruptReason.configChange);
    expect(irq.level).toBe(true);
    expect(dev.live).toBe(false);
    const before = backend.notified.length;
    driver.notify(0);
    expect(backend.notified.length).toBe(before);
  });
});

describe('virtio-mmio device configuration space', () => {
  it('reads and writes the backend config at any width from 0x100', () => {
    const { dev } = setup();
    expect(dev.read(0x100, 4)).toBe(0x1234_5678);
    expect(dev.read(0x100, 2)).toBe(0x5678);
    expect(dev.read(0x103, 1)).toBe(0x12);
    expect(dev.read(0x101, 2)).toBe(0x3456);
    dev.write(0x104, 4, 0xa1b2_c3d4);
    expect(dev.read(0x104, 4)).toBe(0xa1b2_c3d4);
    dev.write(0x106, 1, 0x1ff);
    expect(dev.read(0x104, 4)).toBe(0xa1ff_c3d4);
  });

  it('reads all ones past the end of the config space and ignores writes there', () => {
    const { dev } = setup();
    expect(dev.read(0x108, 4)).toBe(0xffff_ffff);
    expect(dev.read(0x106, 4)).toBe(0xffff_ffff);
    expect(dev.read(0x1fe, 2)).toBe(0xffff);
    expect(dev.read(0x1ff, 1)).toBe(0xff);
    dev.write(0x108, 4, 1);
    dev.write(0x106, 4, 0);
    expect(dev.read(0x104, 4)).toBe(0);
  });
});

describe('virtio-mmio backends', () => {
  it('rejects a backend that does not fit the transport', () => {
    const memory = new FakeMemory();
    const make = (patch: Partial<EchoBackend>) => () =>
      new VirtioMmioTransport(Object.assign(new EchoBackend(), patch), { memory });
    expect(make({ deviceId: 0 } as never)).toThrow(/device id 0 must be from 1 to 65535/);
    expect(make({ configSize: 512 } as never)).toThrow(/config size 512 must be from 0 to 256/);
    expect(make({ features: 1n << 32n } as never)).toThrow(/device-specific bits 0\.\.23/);
    expect(make({ queueSizes: [0] } as never)).toThrow(/queue 0: maximum size 0/);
  });

  it('is reset to power-on state by the machine', () => {
    const { dev, driver, irq, backend } = running();
    dev.fail('x');
    expect(irq.level).toBe(true);
    const resets = backend.resets;
    dev.reset();
    expect(driver.status).toBe(0);
    expect(irq.level).toBe(false);
    expect(dev.lastProblem).toBeUndefined();
    expect(backend.resets).toBe(resets + 1);
  });
});
