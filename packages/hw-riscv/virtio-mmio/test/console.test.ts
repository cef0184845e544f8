import {
  ConsoleFeature,
  DeviceStatus,
  InterruptReason,
  VirtioMmioRegister as R,
  CONSOLE_RECEIVE_QUEUE as RX,
  CONSOLE_TRANSMIT_QUEUE as TX,
  VirtioConsoleBackend,
  type VirtioConsoleOptions,
  VirtioMmioTransport,
} from '../src';
import { FakeConsole, FakeMemory, RecordingLine, TestDriver, VERSION_1 } from './fakes';

function setup(options: VirtioConsoleOptions = {}, console = new FakeConsole()) {
  const mem = new FakeMemory();
  const irq = new RecordingLine();
  const backend = new VirtioConsoleBackend(console, options);
  const dev = new VirtioMmioTransport(backend, { memory: mem, irq }, { name: 'virtio.console' });
  const driver = new TestDriver(dev, mem);
  return { mem, irq, backend, dev, driver, console };
}

/** Negotiated, both queues set up, DRIVER_OK. */
function running(options: VirtioConsoleOptions = {}, console = new FakeConsole()) {
  const t = setup(options, console);
  t.driver.negotiate(VERSION_1);
  const rx = t.driver.setupQueue(RX, 8);
  const tx = t.driver.setupQueue(TX, 8);
  t.driver.driverOk();
  return { ...t, rx, tx };
}

describe('virtio console', () => {
  it('is device 3 with two queues of up to 1024 entries and the emergency-write feature', () => {
    const { driver, dev } = setup();
    expect(driver.r(R.deviceId)).toBe(3);
    expect(dev.name).toBe('virtio.console');
    expect(driver.deviceFeatures() & 0xff_ffffn).toBe(1n << BigInt(ConsoleFeature.emergencyWrite));
    const max = (i: number) => {
      driver.w(R.queueSel, i);
      return driver.r(R.queueNumMax);
    };
    expect([max(0), max(1), max(2)]).toEqual([1024, 1024, 0]);
  });

  it('has a 12-byte config: no size, one port, emerg_wr', () => {
    const { dev } = setup();
    expect(dev.read(0x100, 2)).toBe(0); // cols
    expect(dev.read(0x102, 2)).toBe(0); // rows
    expect(dev.read(0x104, 4)).toBe(1); // max_nr_ports
    expect(dev.read(0x108, 4)).toBe(0); // emerg_wr reads 0
    expect(dev.read(0x10c, 4)).toBe(0xffff_ffff);
  });

  it('prints a byte written to emerg_wr at once, even before the driver is up', () => {
    const { dev, console } = setup();
    dev.write(0x108, 4, 0x4121);
    dev.write(0x108, 1, 0x0a);
    dev.write(0x104, 4, 0x42); // max_nr_ports is read-only
    expect(console.writes).toEqual(['!', '\n']);
    expect(dev.read(0x104, 4)).toBe(1);
  });

  it('sends transmit buffers to the console and returns them with length 0', () => {
    const { driver, mem, tx, console, irq } = running();
    const a = driver.alloc(6);
    const b = driver.alloc(7);
    mem.put(a, 'hello ');
    mem.put(b, 'world\n');
    const head = tx.add([
      { addr: a, len: 6 },
      { addr: b, len: 6 },
    ]);
    driver.notify(TX);
    expect(console.text).toBe('hello world\n');
    expect(tx.takeUsed()).toEqual([{ id: head, len: 0 }]);
    expect(irq.level).toBe(true);
    expect(driver.r(R.interruptStatus)).toBe(InterruptReason.usedBuffer);
  });

  it('writes each transmit chain as one console write with its own array', () => {
    const seen: Uint8Array[] = [];
    const console = new FakeConsole();
    const write = console.write.bind(console);
    console.write = (bytes) => {
      seen.push(bytes);
      write(bytes);
    };
    const { driver, mem, tx } = running({}, console);
    const a = driver.alloc(2);
    mem.put(a, 'ab');
    tx.add([{ addr: a, len: 2 }]);
    tx.add([{ addr: a, len: 1 }]);
    driver.notify(TX);
    expect(console.writes).toEqual(['ab', 'a']);
    expect(seen[0]!.buffer).not.toBe(seen[1]!.buffer);
    mem.put(a, 'zz');
    expect(Buffer.from(seen[0]!).toString()).toBe('ab');
  });

  it('puts host input into receive buffers with the length written', () => {
    const { driver, mem, rx, console, irq } = running();
    const buf = driver.alloc(16);
    const head = rx.add([{ addr: buf, len: 16, write: true }]);
    driver.notify(RX);
    expect(rx.takeUsed()).toEqual([]);
    console.type('ls\n');
    expect(rx.takeUsed()).toEqual([{ id: head, len: 3 }]);
    expect(mem.text(buf, 3)).toBe('ls\n');
    expect(irq.level).toBe(true);
  });

  it('splits input over several buffers and keeps the rest until more come', () => {
    const { driver, mem, rx, console, backend } = running();
    const bufs = [driver.alloc(4), driver.alloc(4)];
    const heads = bufs.map((b) => rx.add([{ addr: b, len: 4, write: true }]));
    console.type('0123');
    console.type('456789');
    expect(rx.takeUsed()).toEqual([
      { id: heads[0], len: 4 },
      { id: heads[1], len: 4 },
    ]);
    expect(mem.text(bufs[0]!, 4) + mem.text(bufs[1]!, 4)).toBe('01234567');
    expect(backend.queuedInput).toBe(2);
    // A new buffer and its notification bring the rest.
    const more = driver.alloc(8);
    const h = rx.add([
      { addr: more, len: 1, write: true },
      { addr: more + 4, len: 4, write: true },
    ]);
    driver.notify(RX);
    expect(rx.takeUsed()).toEqual([{ id: h, len: 2 }]);
    expect(mem.text(more, 1) + mem.text(more + 4, 1)).toBe('89');
    expect(backend.queuedInput).toBe(0);
  });

  it('also delivers waiting input when polled, without a notification', () => {
    const { driver, mem, rx, console, dev } = running();
    console.type('x');
    const buf = driver.alloc(4);
    rx.add([{ addr: buf, len: 4, write: true }]);
    dev.poll();
    expect(rx.takeUsed()).toEqual([{ id: 0, len: 1 }]);
    expect(mem.text(buf, 1)).toBe('x');
  });

  it('holds input that comes before DRIVER_OK (even from inside onInput) and delivers it then', () => {
    const t = setup({}, new FakeConsole('early'));
    expect(t.backend.queuedInput).toBe(5);
    t.driver.negotiate();
    const rx = t.driver.setupQueue(RX, 4);
    const buf = t.driver.alloc(8);
    rx.add([{ addr: buf, len: 8, write: true }]);
    expect(rx.usedIdx).toBe(0);
    t.driver.driverOk();
    expect(rx.takeUsed()).toEqual([{ id: 0, len: 5 }]);
    expect(t.mem.text(buf, 5)).toBe('early');
  });

  it('keeps queued input across a device reset', () => {
    const { driver, console, backend } = running();
    console.type('kept');
    driver.w(R.status, 0);
    expect(backend.queuedInput).toBe(4);
  });

  it('drops input beyond its limit and counts it', () => {
    const { console, backend } = running({ inputLimit: 4 });
    console.type('abc');
    console.type('defg');
    expect(backend.queuedInput).toBe(4);
    expect(backend.droppedInput).toBe(3);
  });

  it('returns a receive buffer with no writable part with length 0', () => {
    const { driver, rx, console, backend } = running();
    const buf = driver.alloc(4);
    const h1 = rx.add([{ addr: buf, len: 4 }]);
    const h2 = rx.add([{ addr: buf, len: 4, write: true }]);
    console.type('q');
    expect(rx.takeUsed()).toEqual([
      { id: h1, len: 0 },
      { id: h2, len: 1 },
    ]);
    expect(backend.queuedInput).toBe(0);
  });

  it('stops on a bad receive ring without throwing into the console', () => {
    const { driver, rx, console, dev } = running();
    rx.writeDesc(0, 0x20, 4, 2);
    rx.offer(0);
    expect(() => console.type('boom')).not.toThrow();
    expect(driver.status & DeviceStatus.needsReset).toBe(DeviceStatus.needsReset);
    expect(dev.lastProblem).toMatch(/queue 0: buffer of descriptor 0 at 0x00000020/);
  });

  it('leaves the console input alone when asked, and detaches on close', () => {
    const left = new FakeConsole();
    setup({ input: false }, left);
    expect(left.attached).toBe(false);
    const { console, dev } = setup();
    expect(console.attached).toBe(true);
    dev.close();
    expect(console.attached).toBe(false);
  });

  it('works on a console that has no input', () => {
    const { driver, mem, tx, dev } = running({}, { write() {} } as unknown as FakeConsole);
    const a = driver.alloc(1);
    mem.put(a, '.');
    tx.add([{ addr: a, len: 1 }]);
    driver.notify(TX);
    dev.poll();
    dev.close();
    expect(tx.usedIdx).toBe(1);
  });
});
