import { EvmError } from '@evm/contracts';

/**
 * A single-producer/single-consumer ring of messages in a shared region, so
 * that two components (native or guest) exchange data without a kernel call
 * per message. Layout (little-endian 32-bit words):
 *
 *   0  magic 'RNG1'      4  slot stride (bytes)   8  slot count (power of 2)
 *  12  head: messages written (wraps at 2^32)    16  tail: messages read
 *  20  consumer waiting (0/1)                    24  producer waiting (0/1)
 *  64  slots: [length: u32][payload ...] at 64 + (index % count) * stride
 *
 * Only the producer writes `head` and only the consumer writes `tail`; each
 * publishes with an atomic store after the payload is in place, so the other
 * side never sees a half-written message. The waiting flags let an empty or
 * full side block on a notification instead of spinning (see `blocking.ts`).
 */
export const RING_HEADER_BYTES = 64;
const MAGIC = 0x31474e52; // 'RNG1'
const H_MAGIC = 0;
const H_STRIDE = 1;
const H_COUNT = 2;
const H_HEAD = 3;
const H_TAIL = 4;
export const H_CONSUMER_WAITING = 5;
export const H_PRODUCER_WAITING = 6;
/** Messages up to this many bytes are copied out byte by byte (see `tryReceive`). */
const SMALL_COPY = 64;

function fail(message: string): never {
  throw new EvmError('EVM_INVALID_ARGUMENT', `ring: ${message}`);
}

/** Bytes a region needs for `count` slots of `maxMessage` bytes. */
export function ringBytes(count: number, maxMessage: number): number {
  return RING_HEADER_BYTES + count * slotStride(maxMessage);
}

function slotStride(maxMessage: number): number {
  return (4 + maxMessage + 3) & ~3;
}

/** Lays out an empty ring in `region` (done once, by whoever owns the region). */
export function formatRing(region: Uint8Array, maxMessage: number): void {
  if (!Number.isInteger(maxMessage) || maxMessage < 1)
    fail(`message size must be a positive integer; got ${maxMessage}`);
  if (region.byteOffset % 4 !== 0) fail('the region must start on a 4-byte boundary');
  const stride = slotStride(maxMessage);
  let count = 1;
  while (RING_HEADER_BYTES + count * 2 * stride <= region.length) count *= 2;
  if (RING_HEADER_BYTES + count * stride > region.length) {
    fail(
      `a region of ${region.length} bytes holds no slot of ${maxMessage} bytes (needs ${RING_HEADER_BYTES + stride})`,
    );
  }
  const h = new Int32Array(region.buffer, region.byteOffset, RING_HEADER_BYTES / 4);
  h.fill(0);
  h[H_STRIDE] = stride;
  h[H_COUNT] = count;
  Atomics.store(h, H_MAGIC, MAGIC);
}

/** One end's view of a formatted ring; checks the header it is given. */
abstract class RingEnd {
  protected readonly header: Int32Array;
  protected readonly bytes: Uint8Array;
  protected readonly view: DataView;
  readonly stride: number;
  readonly count: number;
  /** Largest message the ring carries. */
  readonly maxMessage: number;
  protected readonly mask: number;

  constructor(region: Uint8Array) {
    if (region.byteOffset % 4 !== 0 || region.length < RING_HEADER_BYTES)
      fail('region too small or misaligned for a ring header');
    this.header = new Int32Array(region.buffer, region.byteOffset, RING_HEADER_BYTES / 4);
    if (Atomics.load(this.header, H_MAGIC) !== MAGIC)
      fail('the region holds no ring (bad magic): format it first');
    const stride = this.header[H_STRIDE]!;
    const count = this.header[H_COUNT]!;
    if (
      stride < 8 ||
      stride % 4 !== 0 ||
      count < 1 ||
      (count & (count - 1)) !== 0 ||
      RING_HEADER_BYTES + count * stride > region.length
    ) {
      fail(`corrupt ring header (stride ${stride}, count ${count}, region ${region.length} bytes)`);
    }
    this.stride = stride;
    this.count = count;
    this.mask = count - 1;
    this.maxMessage = stride - 4;
    this.bytes = region;
    this.view = new DataView(region.buffer, region.byteOffset, region.length);
  }

  /** Messages written and not yet read. */
  get size(): number {
    return (Atomics.load(this.header, H_HEAD) - Atomics.load(this.header, H_TAIL)) >>> 0;
  }

  protected slotOffset(index: number): number {
    return RING_HEADER_BYTES + (index & this.mask) * this.stride;
  }
}

export class RingWriter extends RingEnd {
  /** Appends a message; false when the ring is full. */
  trySend(message: Uint8Array): boolean {
    if (message.length > this.maxMessage)
      fail(`message of ${message.length} bytes exceeds the slot size ${this.maxMessage}`);
    const h = this.header;
    const head = h[H_HEAD]!; // only this side writes it
    if ((head - Atomics.load(h, H_TAIL)) >>> 0 >= this.count) return false;
    const at = this.slotOffset(head);
    this.view.setUint32(at, message.length, true);
    this.bytes.set(message, at + 4);
    Atomics.store(h, H_HEAD, (head + 1) | 0);
    return true;
  }

  /** Whether the consumer said it waits for a message (then wake it once). */
  takeConsumerWaiting(): boolean {
    // A plain load first: the flag is rarely set, and the exchange is dearer.
    const h = this.header;
    return (
      Atomics.load(h, H_CONSUMER_WAITING) !== 0 && Atomics.exchange(h, H_CONSUMER_WAITING, 0) !== 0
    );
  }

  /** Tells the consumer this side waits for room. */
  setWaiting(): void {
    Atomics.store(this.header, H_PRODUCER_WAITING, 1);
  }
}

export class RingReader extends RingEnd {
  /**
   * Takes the oldest message into `into` and returns its length, or -1 when
   * the ring is empty. `into` must hold `maxMessage` bytes.
   */
  tryReceive(into: Uint8Array): number {
    const h = this.header;
    const tail = h[H_TAIL]!; // only this side writes it
    if (Atomics.load(h, H_HEAD) === tail) return -1;
    const at = this.slotOffset(tail);
    const length = this.view.getUint32(at, true);
    if (length > this.maxMessage)
      fail(`corrupt message length ${length} in slot ${tail & this.mask}`);
    if (length > into.length)
      fail(`receive buffer of ${into.length} bytes is smaller than a ${length}-byte message`);
    const bytes = this.bytes;
    if (length <= SMALL_COPY) {
      // a loop beats creating a subarray view (an allocation) for short messages
      for (let i = 0, from = at + 4; i < length; i++) into[i] = bytes[from + i]!;
    } else {
      into.set(bytes.subarray(at + 4, at + 4 + length));
    }
    Atomics.store(h, H_TAIL, (tail + 1) | 0);
    return length;
  }

  /** Whether the producer said it waits for room (then wake it once). */
  takeProducerWaiting(): boolean {
    const h = this.header;
    return (
      Atomics.load(h, H_PRODUCER_WAITING) !== 0 && Atomics.exchange(h, H_PRODUCER_WAITING, 0) !== 0
    );
  }

  setWaiting(): void {
    Atomics.store(this.header, H_CONSUMER_WAITING, 1);
  }
}
