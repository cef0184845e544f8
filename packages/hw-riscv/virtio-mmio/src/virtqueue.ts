import type { PhysicalMemory } from '@evm/contracts';
import type { DescriptorChain } from './descriptor-chain';

/** What a virtqueue needs from the transport that owns it. */
export interface VirtqueueOwner {
  readonly memory: PhysicalMemory;
  /** VIRTIO_F_RING_INDIRECT_DESC was negotiated. */
  readonly indirectDescriptors: boolean;
  /** VIRTIO_F_RING_EVENT_IDX was negotiated. */
  readonly eventIndex: boolean;
  /** The device may consume buffers: DRIVER_OK is set and no reset is needed. */
  readonly live: boolean;
  /** The driver broke the ring: stop the device until it is reset. */
  fail(reason: string): void;
  /** New used buffers the driver wants to hear about. */
  raiseUsedBuffer(): void;
}

/** Descriptor flags. */
const DESC_NEXT = 1;
const DESC_WRITE = 2;
const DESC_INDIRECT = 4;
/** Available ring flag: the driver does not want used-buffer interrupts. */
const AVAIL_NO_INTERRUPT = 1;

const DESC_SIZE = 16;
/**
 * Largest indirect table accepted (QEMU's limit too): bounds the host work a
 * single request can cause.
 */
export const MAX_INDIRECT_DESCRIPTORS = 1024;
/** Largest queue size a backend may offer (the ring indexes are 16-bit). */
export const MAX_QUEUE_SIZE = 32768;

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

/** A 64-bit guest address from its 32-bit halves, for messages. */
function hex64(low: number, high: number): string {
  return high === 0 ? hex(low) : `0x${(high >>> 0).toString(16)}${hex(low).slice(2)}`;
}

/** Bytes of the rings of an `n`-entry split queue, event-index fields included. */
export function splitRingSizes(n: number): { desc: number; avail: number; used: number } {
  return { desc: DESC_SIZE * n, avail: 6 + 2 * n, used: 6 + 8 * n };
}

/**
 * One split virtqueue on the device side: the descriptor table, the
 * available ring the driver fills and the used ring the device returns
 * buffers on, all in guest RAM reached through `PhysicalMemory`.
 *
 * Nothing the driver writes can make it throw: the ring areas are checked
 * when the queue is enabled, every buffer when its chain is taken, and a
 * bad index, loop or address calls `owner.fail` and the queue stops giving
 * out requests. Chained descriptors and indirect tables (one per chain,
 * possibly after direct descriptors) are supported, and so are the
 * event-index notification fields.
 */
export class Virtqueue {
  /** Queue size the driver chose (QueueNum); checked when the queue is enabled. */
  size: number;
  ready = false;
  /** Ring addresses as the driver wrote them, 32-bit halves. */
  descLow = 0;
  descHigh = 0;
  driverLow = 0;
  driverHigh = 0;
  deviceLow = 0;
  deviceHigh = 0;

  /** Next available-ring entry the device will take. */
  private lastAvail = 0;
  /** The device's used index (mirrors what it last wrote to the used ring). */
  private usedIdx = 0;
  /** Used index at the last interrupt decision. */
  private signalledUsed = 0;
  /** Chains taken and not yet returned. */
  private inFlight = 0;

  constructor(
    readonly index: number,
    /** QueueNumMax: the largest size the device supports for this queue. */
    readonly sizeMax: number,
    private readonly owner: VirtqueueOwner,
  ) {
    if (!Number.isInteger(sizeMax) || sizeMax < 1 || sizeMax > MAX_QUEUE_SIZE) {
      throw new RangeError(
        `queue ${index}: maximum size ${sizeMax} must be from 1 to ${MAX_QUEUE_SIZE}`,
      );
    }
    this.size = sizeMax;
  }

  private get desc(): number {
    return this.descLow;
  }

  private get avail(): number {
    return this.driverLow;
  }

  private get used(): number {
    return this.deviceLow;
  }

  /** Back to the state after a device reset. */
  reset(): void {
    this.size = this.sizeMax;
    this.ready = false;
    this.descLow = this.descHigh = 0;
    this.driverLow = this.driverHigh = 0;
    this.deviceLow = this.deviceHigh = 0;
    this.lastAvail = this.usedIdx = this.signalledUsed = this.inFlight = 0;
  }

  /**
   * QueueReady = 1: checks the size and ring areas; returns what is wrong
   * with them, or undefined when the queue is now ready.
   */
  enable(): string | undefined {
    const n = this.size;
    if (!Number.isInteger(n) || n < 1 || n > this.sizeMax || (n & (n - 1)) !== 0) {
      return `queue ${this.index}: size ${n} is not a power of two from 1 to ${this.sizeMax}`;
    }
    const sizes = splitRingSizes(n);
    const problem =
      this.checkArea('descriptor table', this.descLow, this.descHigh, sizes.desc, 16) ??
      this.checkArea('available ring', this.driverLow, this.driverHigh, sizes.avail, 2) ??
      this.checkArea('used ring', this.deviceLow, this.deviceHigh, sizes.used, 4);
    if (problem !== undefined) return problem;
    this.lastAvail = this.usedIdx = this.signalledUsed = this.inFlight = 0;
    this.ready = true;
    return undefined;
  }

  private checkArea(
    what: string,
    low: number,
    high: number,
    length: number,
    align: number,
  ): string | undefined {
    const at = hex64(low, high);
    if (high !== 0 || !this.owner.memory.isRam(low, length)) {
      return `queue ${this.index}: ${what} at ${at} (${length} bytes) is outside RAM`;
    }
    if (low % align !== 0)
      return `queue ${this.index}: ${what} at ${at} is not ${align}-byte aligned`;
    return undefined;
  }

  /**
   * Takes the next available chain into `chain`. False when there is none,
   * the device is not live, or the ring is broken (then the owner was told).
   */
  pop(chain: DescriptorChain): boolean {
    if (!this.ready || !this.owner.live) return false;
    const memory = this.owner.memory;
    const availIdx = memory.read16(this.avail + 2);
    const count = (availIdx - this.lastAvail) & 0xffff;
    if (count === 0) {
      // Ask for a notification when the driver adds the next buffer.
      if (this.owner.eventIndex) memory.write16(this.used + 4 + 8 * this.size, this.lastAvail);
      return false;
    }
    if (count > this.size) {
      return this.broken(
        `available index moved from ${this.lastAvail} to ${availIdx}, more than the queue size ${this.size}`,
      );
    }
    const head = memory.read16(this.avail + 4 + 2 * (this.lastAvail % this.size));
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    if (this.owner.eventIndex) memory.write16(this.used + 4 + 8 * this.size, this.lastAvail);
    if (!this.walk(head, chain)) return false;
    this.inFlight++;
    return true;
  }

  /** Follows the chain from `head`, checking every descriptor and buffer. */
  private walk(head: number, chain: DescriptorChain): boolean {
    const memory = this.owner.memory;
    chain.clear(head);
    let table = this.desc;
    let tableSize = this.size;
    let inIndirect = false;
    let visited = 0;
    let i = head;
    for (;;) {
      if (i >= tableSize) {
        return this.broken(
          `${inIndirect ? 'indirect ' : ''}descriptor index ${i} is beyond the table of ${tableSize} (chain head ${head})`,
        );
      }
      // A chain longer than its table must visit some descriptor twice.
      if (++visited > tableSize) return this.broken(`descriptor chain from head ${head} loops`);
      const at = table + DESC_SIZE * i;
      const addr = memory.read32(at);
      const addrHigh = memory.read32(at + 4);
      const length = memory.read32(at + 8);
      const flags = memory.read16(at + 12);
      const next = memory.read16(at + 14);

      if (flags & DESC_INDIRECT) {
        if (!this.owner.indirectDescriptors) {
          return this.broken(
            `descriptor ${i} is indirect but VIRTIO_F_RING_INDIRECT_DESC was not negotiated`,
          );
        }
        if (inIndirect) return this.broken(`indirect descriptor ${i} inside an indirect table`);
        if (flags & DESC_NEXT)
          return this.broken(`descriptor ${i} is indirect and has a next descriptor`);
        if (
          length === 0 ||
          length % DESC_SIZE !== 0 ||
          length / DESC_SIZE > MAX_INDIRECT_DESCRIPTORS
        ) {
          return this.broken(
            `indirect table of descriptor ${i} has length ${length}, not a multiple of 16 from 16 to ${DESC_SIZE * MAX_INDIRECT_DESCRIPTORS}`,
          );
        }
        if (addrHigh !== 0 || !memory.isRam(addr, length)) {
          return this.broken(
            `indirect table of descriptor ${i} at ${hex64(addr, addrHigh)} (${length} bytes) is outside RAM`,
          );
        }
        table = addr;
        tableSize = length / DESC_SIZE;
        inIndirect = true;
        visited = 0;
        i = 0;
        continue;
      }

      const writable = (flags & DESC_WRITE) !== 0;
      if (!writable && chain.count > chain.readableCount) {
        return this.broken(
          `descriptor ${i} is device-readable after a device-writable one (chain head ${head})`,
        );
      }
      if (length > 0) {
        if (addrHigh !== 0 || !memory.isRam(addr, length)) {
          return this.broken(
            `buffer of descriptor ${i} at ${hex64(addr, addrHigh)} (${length} bytes) is outside RAM`,
          );
        }
        chain.add(addr, length, writable);
      } else if (writable) {
        // An empty writable buffer still ends the readable part.
        chain.add(0, 0, true);
      }
      if (!(flags & DESC_NEXT)) return true;
      i = next;
    }
  }

  /**
   * Returns a chain to the driver with `written` bytes put in its writable
   * buffers. The interrupt follows in `signalUsed`, so a batch raises one.
   */
  push(head: number, written: number): void {
    if (!this.ready) return; // reset while the request was being served: nothing to return to
    if (this.inFlight === 0) throw new Error(`queue ${this.index}: push without a chain taken`);
    this.inFlight--;
    const memory = this.owner.memory;
    const entry = this.used + 4 + 8 * (this.usedIdx % this.size);
    memory.write32(entry, head);
    memory.write32(entry + 4, written >>> 0);
    this.usedIdx = (this.usedIdx + 1) & 0xffff;
    memory.write16(this.used + 2, this.usedIdx);
  }

  /** Raises the used-buffer interrupt if chains were returned and the driver wants to hear of it. */
  signalUsed(): void {
    if (!this.ready || this.usedIdx === this.signalledUsed) return;
    const old = this.signalledUsed;
    this.signalledUsed = this.usedIdx;
    const memory = this.owner.memory;
    let wanted: boolean;
    if (this.owner.eventIndex) {
      // Interrupt when the used index passed the driver's used_event since the last decision.
      const usedEvent = memory.read16(this.avail + 4 + 2 * this.size);
      wanted = ((this.usedIdx - usedEvent - 1) & 0xffff) < ((this.usedIdx - old) & 0xffff);
    } else {
      wanted = (memory.read16(this.avail) & AVAIL_NO_INTERRUPT) === 0;
    }
    if (wanted) this.owner.raiseUsedBuffer();
  }

  private broken(reason: string): false {
    this.owner.fail(`queue ${this.index}: ${reason}`);
    return false;
  }
}
