import {
  MAX_ENTROPY_PER_REQUEST,
  VirtioMmioRegister as R,
  VirtioEntropyBackend,
  VirtioMmioTransport,
} from '../src';
import { FakeMemory, RecordingLine, TestDriver } from './fakes';

function running(source?: (into: Uint8Array) => void) {
  const mem = new FakeMemory();
  const irq = new RecordingLine();
  const dev = new VirtioMmioTransport(
    new VirtioEntropyBackend(source),
    { memory: mem, irq },
    { name: 'virtio.rng' },
  );
  const driver = new TestDriver(dev, mem);
  driver.negotiate();
  const q = driver.setupQueue(0, 8);
  driver.driverOk();
  return { mem, irq, dev, driver, q };
}

/** A predictable source: 1, 2, 3, ... across calls. */
function counting() {
  let n = 0;
  return (into: Uint8Array) => {
    for (let i = 0; i < into.length; i++) into[i] = ++n & 0xff;
  };
}

describe('virtio entropy', () => {
  it('is device 4 with one queue of up to 1024 entries, no device features and no config', () => {
    const { driver, dev } = running();
    expect(driver.r(R.deviceId)).toBe(4);
    expect(dev.name).toBe('virtio.rng');
    expect(driver.deviceFeatures() & 0xff_ffffn).toBe(0n);
    driver.w(R.queueSel, 0);
    expect(driver.r(R.queueNumMax)).toBe(1024);
    driver.w(R.queueSel, 1);
    expect(driver.r(R.queueNumMax)).toBe(0);
    expect(dev.read(0x100, 4)).toBe(0xffff_ffff);
  });

  it('fills every writable buffer from the source and returns the length', () => {
    const { driver, mem, q, irq } = running(counting());
    const a = driver.alloc(3);
    const b = driver.alloc(5);
    const head = q.add([
      { addr: a, len: 3, write: true },
      { addr: b, len: 5, write: true },
    ]);
    driver.notify(0);
    expect(q.takeUsed()).toEqual([{ id: head, len: 8 }]);
    expect([...mem.bytes.subarray(a - mem.base, a - mem.base + 3)]).toEqual([1, 2, 3]);
    expect([...mem.bytes.subarray(b - mem.base, b - mem.base + 5)]).toEqual([4, 5, 6, 7, 8]);
    expect(irq.level).toBe(true);
  });

  it('ignores readable buffers in a request', () => {
    const { driver, mem, q } = running(counting());
    const r = driver.alloc(4);
    mem.put(r, 'keep');
    const w = driver.alloc(2);
    q.add([
      { addr: r, len: 4 },
      { addr: w, len: 2, write: true },
    ]);
    driver.notify(0);
    expect(q.takeUsed()).toEqual([{ id: 0, len: 2 }]);
    expect(mem.text(r, 4)).toBe('keep');
  });

  it(`gives at most ${MAX_ENTROPY_PER_REQUEST} bytes per request`, () => {
    const { driver, mem, q } = running(counting());
    const big = driver.alloc(MAX_ENTROPY_PER_REQUEST + 100);
    mem.bytes.fill(0xee, big - mem.base, big - mem.base + MAX_ENTROPY_PER_REQUEST + 100);
    q.add([{ addr: big, len: MAX_ENTROPY_PER_REQUEST + 100, write: true }]);
    driver.notify(0);
    expect(q.takeUsed()).toEqual([{ id: 0, len: MAX_ENTROPY_PER_REQUEST }]);
    expect(mem.read8(big + MAX_ENTROPY_PER_REQUEST - 1)).toBe(MAX_ENTROPY_PER_REQUEST & 0xff);
    expect(mem.read8(big + MAX_ENTROPY_PER_REQUEST)).toBe(0xee);
  });

  it('uses the host crypto source by default: requests get different bytes', () => {
    const { driver, mem, q } = running();
    const a = driver.alloc(32);
    const b = driver.alloc(32);
    q.add([{ addr: a, len: 32, write: true }]);
    q.add([{ addr: b, len: 32, write: true }]);
    driver.notify(0);
    expect(q.takeUsed().map((u) => u.len)).toEqual([32, 32]);
    const first = mem.text(a, 32);
    expect(first).not.toBe(mem.text(b, 32));
    expect(new Set(first).size).toBeGreaterThan(8);
  });

  it('needs a reset when a request points outside RAM', () => {
    const { driver, q, dev } = running();
    q.add([{ addr: 0x1000, len: 16, write: true }]);
    expect(() => driver.notify(0)).not.toThrow();
    expect(dev.lastProblem).toBe(
      'queue 0: buffer of descriptor 0 at 0x00001000 (16 bytes) is outside RAM',
    );
    expect(q.usedIdx).toBe(0);
  });
});
