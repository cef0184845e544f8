import type { PhysicalMemory } from '@evm/contracts';

/**
 * One request taken from a virtqueue: the buffers of a descriptor chain,
 * device-readable ones first, then device-writable ones (the order the
 * specification requires; the queue rejects chains that mix them).
 *
 * Every segment was checked to lie in RAM when the chain was taken, so
 * `read`/`write` cannot fault. The arrays are reused from request to
 * request: a chain is only valid until the next `pop` into it.
 */
export class DescriptorChain {
  /** Descriptor index of the chain's head: what `Virtqueue.push` returns to the driver. */
  head = 0;
  /** Number of segments; the first `readableCount` are device-readable. */
  count = 0;
  readableCount = 0;
  readableBytes = 0;
  writableBytes = 0;
  private addrs = new Uint32Array(16);
  private lengths = new Uint32Array(16);

  /** Guest physical address of segment `i`. */
  address(i: number): number {
    return this.addrs[i]!;
  }

  length(i: number): number {
    return this.lengths[i]!;
  }

  /** Empties the chain for a new head (called by the queue). */
  clear(head: number): void {
    this.head = head;
    this.count = 0;
    this.readableCount = 0;
    this.readableBytes = 0;
    this.writableBytes = 0;
  }

  /** Appends a segment already checked to lie in RAM (called by the queue). */
  add(addr: number, length: number, writable: boolean): void {
    if (this.count === this.addrs.length) this.grow();
    this.addrs[this.count] = addr;
    this.lengths[this.count] = length;
    this.count++;
    if (writable) this.writableBytes += length;
    else {
      this.readableCount++;
      this.readableBytes += length;
    }
  }

  /**
   * Copies device-readable bytes, starting `from` bytes into the readable
   * part, into `into`; returns how many were copied (fewer at the end).
   */
  read(memory: PhysicalMemory, into: Uint8Array, from = 0): number {
    let copied = 0;
    let skip = from;
    for (let i = 0; i < this.readableCount && copied < into.length; i++) {
      const length = this.lengths[i]!;
      if (skip >= length) {
        skip -= length;
        continue;
      }
      const n = Math.min(length - skip, into.length - copied);
      memory.readBytes(this.addrs[i]! + skip, into.subarray(copied, copied + n));
      copied += n;
      skip = 0;
    }
    return copied;
  }

  /**
   * Copies `bytes` into the device-writable part, starting `at` bytes into
   * it; returns how many fitted.
   */
  write(memory: PhysicalMemory, bytes: Uint8Array, at = 0): number {
    let copied = 0;
    let skip = at;
    for (let i = this.readableCount; i < this.count && copied < bytes.length; i++) {
      const length = this.lengths[i]!;
      if (skip >= length) {
        skip -= length;
        continue;
      }
      const n = Math.min(length - skip, bytes.length - copied);
      memory.writeBytes(this.addrs[i]! + skip, bytes.subarray(copied, copied + n));
      copied += n;
      skip = 0;
    }
    return copied;
  }

  private grow(): void {
    const addrs = new Uint32Array(this.addrs.length * 2);
    const lengths = new Uint32Array(this.lengths.length * 2);
    addrs.set(this.addrs);
    lengths.set(this.lengths);
    this.addrs = addrs;
    this.lengths = lengths;
  }
}
