import {
  DescriptorChain,
  DeviceStatus,
  InterruptReason,
  VirtioMmioRegister as R,
  VirtioMmioTransport,
} from '../src';
import { EchoBackend } from './echo-backend';
import {
  DESC_INDIRECT,
  DESC_NEXT,
  DESC_WRITE,
  EVENT_IDX,
  FakeMemory,
  INDIRECT,
  RecordingLine,
  TestDriver,
  VERSION_1,
} from './fakes';

function running(size = 8, features = VERSION_1) {
  const mem = new FakeMemory();
  const irq = new RecordingLine();
  const backend = new EchoBackend();
  const dev = new VirtioMmioTransport(backend, { memory: mem, irq }, {});
  const driver = new TestDriver(dev, mem);
  driver.negotiate(features);
  const q = driver.setupQueue(0, size);
  driver.driverOk();
  /** A request buffer holding `text`. */
  const request = (text: string) => {
    const addr = driver.alloc(text.length);
    mem.put(addr, text);
    return { addr, len: text.length };
  };
  const reply = (len: number) => ({ addr: driver.alloc(len), len, write: true });
  const needsReset = () => (driver.status & DeviceStatus.needsReset) !== 0;
  return { mem, irq, backend, dev, driver, q, request, reply, needsReset };
}

describe('split virtqueue: descriptor chains', () => {
  it('gathers readable buffers and scatters into writable ones across a chain', () => {
    const { driver, mem, q, request, reply } = running();
    const out = [reply(3), reply(1), reply(10)];
    const head = q.add([request('vir'), request('tio-'), request('mmio'), ...out]);
    driver.notify(0);
    expect(q.takeUsed()).toEqual([{ id: head, len: 11 }]);
    expect(mem.text(out[0]!.addr, 3) + mem.text(out[1]!.addr, 1) + mem.text(out[2]!.addr, 7)).toBe(
      'VIRTIO-MMIO',
    );
  });

  it('serves several chains in order and returns each head with its length', () => {
    const { driver, q, request, reply } = running();
    const a = q.add([request('a'), reply(1)]);
    const b = q.add([request('bb'), reply(4)]);
    const c = q.add([request('ccc')]); // nothing to write into
    driver.notify(0);
    expect(q.takeUsed()).toEqual([
      { id: a, len: 1 },
      { id: b, len: 2 },
      { id: c, len: 0 },
    ]);
  });

  it('accepts zero-length buffers', () => {
    const { driver, mem, q, request, reply } = running();
    const out = reply(2);
    const head = q.add([{ addr: 0, len: 0 }, request('xy'), { addr: 0, len: 0, write: true }, out]);
    driver.notify(0);
    expect(q.takeUsed()).toEqual([{ id: head, len: 2 }]);
    expect(mem.text(out.addr, 2)).toBe('XY');
    expect(driver.status & DeviceStatus.needsReset).toBe(0);
  });

  it('keeps the 16-bit ring indexes right across their wrap-around', () => {
    const { driver, q, request, reply, irq } = running(4);
    const input = request('w');
    const out = reply(1);
    for (let i = 0; i < 65_540; i++) {
      const head = q.add([input, out]);
      driver.notify(0);
      const used = q.takeUsed();
      if (used.length !== 1 || used[0]!.id !== head)
        throw new Error(`request ${i}: got ${JSON.stringify(used)}`);
      driver.ack();
    }
    expect(q.usedIdx).toBe(65_540 & 0xffff);
    expect(irq.level).toBe(false);
  });

  it('gives a chain that can be re-read from any offset', () => {
    const { mem } = running();
    const chain = new DescriptorChain();
    chain.clear(3);
    chain.add(mem.base, 4, false);
    chain.add(mem.base + 100, 4, false);
    chain.add(mem.base + 200, 8, true);
    mem.put(mem.base, 'abcd');
    mem.put(mem.base + 100, 'efgh');
    const into = new Uint8Array(5);
    expect(chain.read(mem, into, 2)).toBe(5);
    expect(Buffer.from(into).toString()).toBe('cdefg');
    expect(chain.read(mem, into, 6)).toBe(2);
    expect(chain.write(mem, Buffer.from('XYZ'), 6)).toBe(2);
    expect(mem.text(mem.base + 206, 2)).toBe('XY');
    expect([
      chain.head,
      chain.count,
      chain.readableCount,
      chain.readableBytes,
      chain.writableBytes,
    ]).toEqual([3, 3, 2, 8, 8]);
  });

  it('grows a chain past its first capacity (a long indirect table)', () => {
    const { driver, mem, q, request, reply } = running(4, VERSION_1 | INDIRECT);
    const pieces = 'abcdefghijklmnopqrstuvwxyz'.split('').map((ch) => request(ch));
    const out = reply(26);
    const table = driver.alloc(16 * 27);
    pieces.forEach((p, i) => {
      q.writeDesc(i, p.addr, p.len, DESC_NEXT, i + 1, table);
    });
    q.writeDesc(26, out.addr, out.len, DESC_WRITE, 0, table);
    q.writeDesc(1, table, 16 * 27, DESC_INDIRECT);
    q.offer(1);
    driver.notify(0);
    expect(q.takeUsed()).toEqual([{ id: 1, len: 26 }]);
    expect(mem.text(out.addr, 26)).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  });
});

describe('split virtqueue: indirect descriptors', () => {
  it('follows an indirect table at the head of a chain', () => {
    const { driver, mem, q, request, reply } = running(4, VERSION_1 | INDIRECT);
    const table = driver.alloc(48);
    const a = request('in');
    const b = request('direct');
    const out = reply(8);
    q.writeDesc(0, a.addr, a.len, DESC_NEXT, 1, table);
    q.writeDesc(1, b.addr, b.len, DESC_NEXT, 2, table);
    q.writeDesc(2, out.addr, out.len, DESC_WRITE, 0, table);
    q.writeDesc(0, table, 48, DESC_INDIRECT);
    q.offer(0);
    driver.notify(0);
    expect(q.takeUsed()).toEqual([{ id: 0, len: 8 }]);
    expect(mem.text(out.addr, 8)).toBe('INDIRECT');
  });

  it('follows an indirect table after direct descriptors', () => {
    const { driver, mem, q, request, reply } = running(4, VERSION_1 | INDIRECT);
    const table = driver.alloc(16);
    const a = request('ab');
    const out = reply(2);
    q.writeDesc(0, out.addr, out.len, DESC_WRITE, 0, table);
    q.writeDesc(2, a.addr, a.len, DESC_NEXT, 3);
    q.writeDesc(3, table, 16, DESC_INDIRECT | DESC_WRITE); // the write flag of an indirect descriptor means nothing
    q.offer(2);
    driver.notify(0);
    expect(q.takeUsed()).toEqual([{ id: 2, len: 2 }]);
    expect(mem.text(out.addr, 2)).toBe('AB');
  });

  const bad: Array<[string, (t: ReturnType<typeof running>, table: number) => void, RegExp]> = [
    [
      'without the feature',
      (t, table) => t.q.writeDesc(0, table, 16, DESC_INDIRECT),
      /VIRTIO_F_RING_INDIRECT_DESC was not negotiated/,
    ],
    [
      'with a next descriptor',
      (t, table) => t.q.writeDesc(0, table, 16, DESC_INDIRECT | DESC_NEXT, 1),
      /indirect and has a next descriptor/,
    ],
    [
      'of a length that is not a multiple of 16',
      (t, table) => t.q.writeDesc(0, table, 24, DESC_INDIRECT),
      /length 24, not a multiple of 16/,
    ],
    [
      'of length 0',
      (t, table) => t.q.writeDesc(0, table, 0, DESC_INDIRECT),
      /length 0, not a multiple of 16/,
    ],
    [
      'longer than 1024 entries',
      (t, table) => t.q.writeDesc(0, table, 16 * 1025, DESC_INDIRECT),
      /length 16400/,
    ],
    [
      'outside RAM',
      (t) => t.q.writeDesc(0, 0x4000_0000, 16, DESC_INDIRECT),
      /indirect table of descriptor 0 at 0x40000000 \(16 bytes\) is outside RAM/,
    ],
    [
      'above 4 GiB',
      (t, table) => t.q.writeDesc(0, table, 16, DESC_INDIRECT, 0, t.q.desc, 1),
      /at 0x1800.* is outside RAM/,
    ],
    [
      'nested in another indirect table',
      (t, table) => {
        t.q.writeDesc(0, table, 16, DESC_INDIRECT, 0, table);
        t.q.writeDesc(0, table, 16, DESC_INDIRECT);
      },
      /indirect descriptor 0 inside an indirect table/,
    ],
    [
      'whose entries loop',
      (t, table) => {
        t.q.writeDesc(0, t.mem.base, 1, DESC_NEXT, 1, table);
        t.q.writeDesc(1, t.mem.base, 1, DESC_NEXT, 0, table);
        t.q.writeDesc(0, table, 32, DESC_INDIRECT);
      },
      /descriptor chain from head 0 loops/,
    ],
    [
      'whose next index leaves the table',
      (t, table) => {
        t.q.writeDesc(0, t.mem.base, 1, DESC_NEXT, 2, table);
        t.q.writeDesc(0, table, 32, DESC_INDIRECT);
      },
      /indirect descriptor index 2 is beyond the table of 2/,
    ],
  ];

  it.each(bad)('needs a reset for an indirect table %s', (what, build, message) => {
    const features = what === 'without the feature' ? VERSION_1 : VERSION_1 | INDIRECT;
    const t = running(4, features);
    const table = t.driver.alloc(16 * 1025);
    build(t, table);
    t.q.offer(0);
    t.driver.notify(0);
    expect(t.needsReset()).toBe(true);
    expect(t.dev.lastProblem).toMatch(message);
    expect(t.q.usedIdx).toBe(0);
  });
});

describe('split virtqueue: broken rings never reach the host', () => {
  const bad: Array<[string, (t: ReturnType<typeof running>) => void, string | RegExp]> = [
    [
      'a descriptor loop',
      (t) => {
        t.q.writeDesc(0, t.mem.base, 4, DESC_NEXT, 1);
        t.q.writeDesc(1, t.mem.base, 4, DESC_NEXT, 0);
        t.q.offer(0);
      },
      'queue 0: descriptor chain from head 0 loops',
    ],
    [
      'a descriptor pointing to itself',
      (t) => {
        t.q.writeDesc(2, t.mem.base, 4, DESC_NEXT, 2);
        t.q.offer(2);
      },
      'queue 0: descriptor chain from head 2 loops',
    ],
    [
      'a head beyond the table',
      (t) => t.q.offer(8),
      'queue 0: descriptor index 8 is beyond the table of 8 (chain head 8)',
    ],
    [
      'a next index beyond the table',
      (t) => {
        t.q.writeDesc(0, t.mem.base, 4, DESC_NEXT, 40);
        t.q.offer(0);
      },
      'queue 0: descriptor index 40 is beyond the table of 8 (chain head 0)',
    ],
    [
      'a buffer outside RAM',
      (t) => {
        t.q.writeDesc(0, 0x1000_0000, 4, 0);
        t.q.offer(0);
      },
      'queue 0: buffer of descriptor 0 at 0x10000000 (4 bytes) is outside RAM',
    ],
    [
      'a buffer running off the end of RAM',
      (t) => {
        t.q.writeDesc(0, t.mem.base + t.mem.bytes.length - 2, 4, DESC_WRITE);
        t.q.offer(0);
      },
      /buffer of descriptor 0 at 0x800ffffe \(4 bytes\) is outside RAM/,
    ],
    [
      'a buffer with a huge length',
      (t) => {
        t.q.writeDesc(0, t.mem.base, 0xffff_ffff, DESC_WRITE);
        t.q.offer(0);
      },
      /\(4294967295 bytes\) is outside RAM/,
    ],
    [
      'a buffer above 4 GiB',
      (t) => {
        t.q.writeDesc(0, t.mem.base, 4, 0, 0, t.q.desc, 2);
        t.q.offer(0);
      },
      'queue 0: buffer of descriptor 0 at 0x280000000 (4 bytes) is outside RAM',
    ],
    [
      'a readable buffer after a writable one',
      (t) => {
        t.q.writeDesc(0, t.mem.base, 4, DESC_WRITE | DESC_NEXT, 1);
        t.q.writeDesc(1, t.mem.base, 4, 0);
        t.q.offer(0);
      },
      'queue 0: descriptor 1 is device-readable after a device-writable one (chain head 0)',
    ],
    [
      'an available index too far ahead',
      (t) => t.q.setAvailIdx(0x8000),
      'queue 0: available index moved from 0 to 32768, more than the queue size 8',
    ],
  ];

  it.each(bad)('sets DEVICE_NEEDS_RESET for %s', (_what, build, message) => {
    const t = running(8);
    build(t);
    expect(() => t.driver.notify(0)).not.toThrow();
    expect(t.needsReset()).toBe(true);
    expect(t.dev.lastProblem).toEqual(
      message instanceof RegExp ? expect.stringMatching(message) : message,
    );
    expect(t.driver.r(R.interruptStatus)).toBe(InterruptReason.configChange);
    expect(t.q.usedIdx).toBe(0);
  });

  it('takes no request once broken, until the driver resets the device', () => {
    const t = running(8);
    t.q.offer(9);
    t.driver.notify(0);
    expect(t.needsReset()).toBe(true);
    const good = t.q.add([t.request('z'), t.reply(1)]);
    t.driver.notify(0);
    t.backend.answer();
    expect(t.q.usedIdx).toBe(0);
    expect(good).toBeGreaterThanOrEqual(0);
    // Reset and set up again: served.
    t.driver.negotiate();
    const q = t.driver.setupQueue(0, 8);
    t.driver.driverOk();
    const out = t.reply(1);
    q.add([t.request('z'), out]);
    t.driver.notify(0);
    expect(t.mem.text(out.addr, 1)).toBe('Z');
  });

  it('turns a guest fault the checks missed into DEVICE_NEEDS_RESET', () => {
    const t = running(8);
    t.backend.autoAnswer = false;
    t.q.add([t.request('a'), t.reply(1)]);
    const chain = new DescriptorChain();
    expect(t.dev.queue(0).pop(chain)).toBe(true);
    // A backend that writes where no chain pointed.
    t.backend.onNotify = () => t.mem.write32(0x10, 1);
    expect(() => t.driver.notify(0)).not.toThrow();
    expect(t.dev.lastProblem).toBe('physical write of 4 byte(s) at 0x00000010 is outside RAM');
    expect(t.needsReset()).toBe(true);
  });

  it('lets host bugs in a backend surface as exceptions', () => {
    const t = running(8);
    t.backend.onNotify = () => {
      throw new TypeError('backend bug');
    };
    expect(() => t.driver.notify(0)).toThrow('backend bug');
  });
});

describe('split virtqueue: interrupt suppression', () => {
  it('honours VIRTQ_AVAIL_F_NO_INTERRUPT without event indexes', () => {
    const { driver, q, request, reply, irq } = running();
    q.availFlags = 1;
    q.add([request('a'), reply(1)]);
    driver.notify(0);
    expect(q.usedIdx).toBe(1);
    expect(irq.level).toBe(false);
    q.availFlags = 0;
    q.add([request('b'), reply(1)]);
    driver.notify(0);
    expect(irq.level).toBe(true);
  });

  it('raises one interrupt for a batch of requests', () => {
    const { driver, q, request, reply, irq } = running();
    for (let i = 0; i < 5; i++) q.add([request('x'), reply(1)]);
    driver.notify(0);
    expect(q.usedIdx).toBe(5);
    expect(irq.calls).toBe(1);
  });

  it('interrupts with event indexes only when the used index passes used_event', () => {
    const { driver, q, request, reply, irq } = running(8, VERSION_1 | EVENT_IDX);
    q.usedEvent = 2; // interrupt when entry 2 is used (used index goes past 2)
    q.add([request('a'), reply(1)]);
    driver.notify(0);
    q.add([request('b'), reply(1)]);
    driver.notify(0);
    expect(q.usedIdx).toBe(2);
    expect(irq.level).toBe(false);
    q.add([request('c'), reply(1)]);
    driver.notify(0);
    expect(irq.level).toBe(true);
    driver.ack();
    // used_event already behind: no interrupt for the next one.
    q.add([request('d'), reply(1)]);
    driver.notify(0);
    expect(q.usedIdx).toBe(4);
    expect(irq.level).toBe(false);
    // A batch that crosses used_event interrupts once.
    q.usedEvent = 5;
    for (let i = 0; i < 3; i++) q.add([request('e'), reply(1)]);
    driver.notify(0);
    expect(irq.level).toBe(true);
    expect(irq.calls).toBe(3); // up, acknowledged, up
  });

  it('publishes avail_event so the driver knows when to notify', () => {
    const { driver, q, request, reply, backend } = running(8, VERSION_1 | EVENT_IDX);
    backend.autoAnswer = false;
    q.add([request('a'), reply(1)]);
    q.add([request('b'), reply(1)]);
    backend.answer();
    // Both taken and the ring found empty: notify me when entry 2 arrives.
    expect(q.availEvent).toBe(2);
    expect(driver.status & DeviceStatus.needsReset).toBe(0);
  });
});
