import { formatRing, RING_HEADER_BYTES, RingReader, RingWriter, ringBytes } from '../src';

function ring(bytes: number, maxMessage: number) {
  const region = new Uint8Array(bytes);
  formatRing(region, maxMessage);
  return { writer: new RingWriter(region), reader: new RingReader(region), region };
}

/** A message whose bytes encode its sequence number, of a length that varies with it. */
function message(seq: number, max: number): Uint8Array {
  const len = 4 + ((seq * 7) % (max - 3));
  const m = new Uint8Array(len);
  new DataView(m.buffer).setUint32(0, seq, true);
  for (let i = 4; i < len; i++) m[i] = (seq + i) & 0xff;
  return m;
}

function check(m: Uint8Array, n: number): number {
  const seq = new DataView(m.buffer, m.byteOffset).getUint32(0, true);
  if (n !== message(seq, 64).length) throw new Error(`message ${seq}: ${n} bytes`);
  for (let i = 4; i < n; i++)
    if (m[i] !== ((seq + i) & 0xff)) throw new Error(`message ${seq} corrupt at ${i}`);
  return seq;
}

describe('SPSC ring', () => {
  it('sizes itself to a power of two of slots and reports full and empty', () => {
    const { writer, reader } = ring(ringBytes(8, 16), 16);
    expect([writer.count, writer.maxMessage]).toEqual([8, 16]);
    const into = new Uint8Array(16);
    expect(reader.tryReceive(into)).toBe(-1);
    for (let i = 0; i < 8; i++) expect(writer.trySend(Uint8Array.of(i))).toBe(true);
    expect(writer.trySend(Uint8Array.of(9))).toBe(false);
    expect(reader.size).toBe(8);
    expect(reader.tryReceive(into)).toBe(1);
    expect(into[0]).toBe(0);
    expect(writer.trySend(Uint8Array.of(9))).toBe(true);
  });

  it('keeps order across many wrap-arounds with random interleaving: nothing lost, nothing duplicated', () => {
    const { writer, reader } = ring(RING_HEADER_BYTES + 5 * 68 + 60, 64);
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 16;
    };
    const into = new Uint8Array(64);
    let sent = 0;
    let expected = 0;
    while (expected < 20_000) {
      // the producer is about ten times faster than the consumer
      for (let burst = rnd() % 10; burst > 0 && sent < 20_000; burst--)
        if (writer.trySend(message(sent, 64))) sent++;
      if (rnd() % 3 === 0) {
        const n = reader.tryReceive(into);
        if (n >= 0 && check(into, n) !== expected++)
          throw new Error(`expected message ${expected - 1}, got ${check(into, n)}`);
      }
    }
    expect(reader.tryReceive(into)).toBe(-1);
  });

  it('carries messages of every length from empty to the slot size, short and long copies alike', () => {
    const { writer, reader } = ring(ringBytes(4, 300), 300);
    const into = new Uint8Array(300);
    for (let len = 0; len <= 300; len++) {
      const m = new Uint8Array(len);
      for (let i = 0; i < len; i++) m[i] = (len * 31 + i) & 0xff;
      expect(writer.trySend(m)).toBe(true);
      into.fill(0xee);
      expect(reader.tryReceive(into)).toBe(len);
      for (let i = 0; i < len; i++)
        if (into[i] !== m[i]) throw new Error(`length ${len}: byte ${i}`);
      expect(into[len]).toBe(len < 300 ? 0xee : undefined); // nothing written past the message
    }
  });

  it('counts survive the 32-bit wrap of the indices', () => {
    const { writer, reader, region } = ring(ringBytes(4, 8), 8);
    const h = new Int32Array(region.buffer, 0, 16);
    h[3] = -2; // head and tail just below 2^32
    h[4] = -2;
    const into = new Uint8Array(8);
    for (let i = 0; i < 10; i++) {
      expect(writer.trySend(Uint8Array.of(i))).toBe(true);
      expect(reader.tryReceive(into)).toBe(1);
      expect(into[0]).toBe(i);
    }
  });

  it('rejects unformatted, corrupt and too-small regions and oversize messages', () => {
    expect(() => new RingReader(new Uint8Array(128))).toThrow(/bad magic/);
    expect(() => formatRing(new Uint8Array(70), 16)).toThrow(/holds no slot of 16 bytes/);
    const { writer, region } = ring(ringBytes(2, 8), 8);
    expect(() => writer.trySend(new Uint8Array(9))).toThrow(/exceeds the slot size 8/);
    new Int32Array(region.buffer)[2] = 3; // count not a power of two
    expect(() => new RingWriter(region)).toThrow(/corrupt ring header/);
    const ok = ring(ringBytes(2, 8), 8);
    ok.writer.trySend(Uint8Array.of(1));
    new DataView(ok.region.buffer).setUint32(RING_HEADER_BYTES, 999, true);
    expect(() => ok.reader.tryReceive(new Uint8Array(8))).toThrow(/corrupt message length 999/);
  });
});
