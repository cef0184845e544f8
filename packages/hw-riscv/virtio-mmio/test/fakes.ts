import {
  type AccessWidth,
  type MmioDevice,
  PhysicalAccessError,
  type PhysicalMemory,
} from '@evm/contracts';
import { DeviceStatus, VirtioMmioRegister as R, TransportFeature } from '../src';

export const RAM_BASE = 0x8000_0000;
export const RAM_SIZE = 1 << 20;

/** Guest RAM as a DMA-capable device sees it, bounds-checked like the machine bus. */
export class FakeMemory implements PhysicalMemory {
  readonly bytes: Uint8Array;
  readonly view: DataView;

  constructor(
    readonly base = RAM_BASE,
    size = RAM_SIZE,
  ) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  isRam(addr: number, length: number): boolean {
    const off = (addr >>> 0) - this.base;
    return off >= 0 && off + length <= this.bytes.length;
  }

  private at(addr: number, length: number, write: boolean): number {
    if (!this.isRam(addr, length)) throw new PhysicalAccessError(addr >>> 0, length, write);
    return (addr >>> 0) - this.base;
  }

  read8(addr: number): number {
    return this.bytes[this.at(addr, 1, false)]!;
  }
  read16(addr: number): number {
    return this.view.getUint16(this.at(addr, 2, false), true);
  }
  read32(addr: number): number {
    return this.view.getUint32(this.at(addr, 4, false), true);
  }
  write8(addr: number, value: number): void {
    this.bytes[this.at(addr, 1, true)] = value;
  }
  write16(addr: number, value: number): void {
    this.view.setUint16(this.at(addr, 2, true), value, true);
  }
  write32(addr: number, value: number): void {
    this.view.setUint32(this.at(addr, 4, true), value >>> 0, true);
  }
  readBytes(addr: number, into: Uint8Array): void {
    const off = this.at(addr, into.length, false);
    into.set(this.bytes.subarray(off, off + into.length));
  }
  writeBytes(addr: number, from: Uint8Array): void {
    this.bytes.set(from, this.at(addr, from.length, true));
  }

  text(addr: number, length: number): string {
    const off = this.at(addr, length, false);
    return Buffer.from(this.bytes.subarray(off, off + length)).toString('latin1');
  }

  put(addr: number, text: string): void {
    this.writeBytes(addr, Buffer.from(text, 'latin1'));
  }
}

// The shared fakes of every device package's tests.
export { RecordingConsole as FakeConsole, RecordingLine } from '@evm/hw-testkit';

export const DESC_NEXT = 1;
export const DESC_WRITE = 2;
export const DESC_INDIRECT = 4;

export const VERSION_1 = 1n << BigInt(TransportFeature.version1);
export const INDIRECT = 1n << BigInt(TransportFeature.ringIndirectDesc);
export const EVENT_IDX = 1n << BigInt(TransportFeature.ringEventIdx);

export interface DriverBuffer {
  readonly addr: number;
  readonly len: number;
  readonly write?: boolean;
}

/**
 * The guest side of a split virtqueue, written for tests: it lays the rings
 * out in fake RAM and reads back what the device returned.
 */
export class DriverQueue {
  readonly desc: number;
  readonly avail: number;
  readonly used: number;
  private nextDesc = 0;
  private availIdx = 0;
  private seenUsed = 0;

  constructor(
    private readonly mem: FakeMemory,
    readonly index: number,
    readonly size: number,
    area: number,
  ) {
    this.desc = area;
    this.avail = area + 16 * size;
    // The used ring is 4-byte aligned.
    this.used = (this.avail + 6 + 2 * size + 3) & ~3;
  }

  writeDesc(
    i: number,
    addr: number,
    len: number,
    flags: number,
    next = 0,
    table = this.desc,
    addrHigh = 0,
  ): void {
    const at = table + 16 * i;
    this.mem.write32(at, addr);
    this.mem.write32(at + 4, addrHigh);
    this.mem.write32(at + 8, len);
    this.mem.write16(at + 12, flags);
    this.mem.write16(at + 14, next);
  }

  /** Writes a chain of descriptors from the free ones; returns its head. */
  chain(buffers: readonly DriverBuffer[]): number {
    const head = this.nextDesc;
    buffers.forEach((b, k) => {
      const i = (head + k) % this.size;
      const last = k === buffers.length - 1;
      this.writeDesc(
        i,
        b.addr,
        b.len,
        (b.write ? DESC_WRITE : 0) | (last ? 0 : DESC_NEXT),
        (i + 1) % this.size,
      );
    });
    this.nextDesc = (head + buffers.length) % this.size;
    return head;
  }

  /** Puts `head` on the available ring and publishes it. */
  offer(head: number): void {
    this.mem.write16(this.avail + 4 + 2 * (this.availIdx % this.size), head);
    this.availIdx = (this.availIdx + 1) & 0xffff;
    this.mem.write16(this.avail + 2, this.availIdx);
  }

  /** `chain` + `offer`. */
  add(buffers: readonly DriverBuffer[]): number {
    const head = this.chain(buffers);
    this.offer(head);
    return head;
  }

  /** Sets the available index directly (for broken-ring tests). */
  setAvailIdx(idx: number): void {
    this.availIdx = idx & 0xffff;
    this.mem.write16(this.avail + 2, this.availIdx);
  }

  set availFlags(flags: number) {
    this.mem.write16(this.avail, flags);
  }

  set usedEvent(idx: number) {
    this.mem.write16(this.avail + 4 + 2 * this.size, idx);
  }

  get availEvent(): number {
    return this.mem.read16(this.used + 4 + 8 * this.size);
  }

  get usedIdx(): number {
    return this.mem.read16(this.used + 2);
  }

  /** Used entries returned since the last call. */
  takeUsed(): Array<{ id: number; len: number }> {
    const out: Array<{ id: number; len: number }> = [];
    const idx = this.usedIdx;
    while (this.seenUsed !== idx) {
      const e = this.used + 4 + 8 * (this.seenUsed % this.size);
      out.push({ id: this.mem.read32(e), len: this.mem.read32(e + 4) });
      this.seenUsed = (this.seenUsed + 1) & 0xffff;
    }
    return out;
  }
}

/** Register-level driver steps, as a guest's virtio-mmio driver takes them. */
export class TestDriver {
  /** Next free byte for rings and buffers. */
  private heap: number;

  constructor(
    readonly dev: MmioDevice,
    readonly mem: FakeMemory,
  ) {
    this.heap = mem.base;
  }

  r(offset: number): number {
    return this.dev.read(offset, 4 as AccessWidth);
  }

  w(offset: number, value: number): void {
    this.dev.write(offset, 4 as AccessWidth, value >>> 0);
  }

  /** Reserves `length` bytes of RAM, aligned to 16. */
  alloc(length: number): number {
    const at = this.heap;
    this.heap += (length + 15) & ~15;
    return at;
  }

  get status(): number {
    return this.r(R.status);
  }

  deviceFeatures(): bigint {
    this.w(R.deviceFeaturesSel, 0);
    const low = BigInt(this.r(R.deviceFeatures));
    this.w(R.deviceFeaturesSel, 1);
    const high = BigInt(this.r(R.deviceFeatures));
    return (high << 32n) | low;
  }

  writeDriverFeatures(features: bigint): void {
    this.w(R.driverFeaturesSel, 0);
    this.w(R.driverFeatures, Number(features & 0xffff_ffffn));
    this.w(R.driverFeaturesSel, 1);
    this.w(R.driverFeatures, Number((features >> 32n) & 0xffff_ffffn));
  }

  /** Reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK; returns the status read back. */
  negotiate(features: bigint = VERSION_1): number {
    this.w(R.status, 0);
    this.w(R.status, DeviceStatus.acknowledge);
    this.w(R.status, DeviceStatus.acknowledge | DeviceStatus.driver);
    this.writeDriverFeatures(features);
    this.w(R.status, DeviceStatus.acknowledge | DeviceStatus.driver | DeviceStatus.featuresOk);
    return this.status;
  }

  /** Programs queue `index` with `size` entries in freshly allocated RAM and makes it ready. */
  setupQueue(index: number, size: number): DriverQueue {
    const area = this.alloc(16 * size + 6 + 2 * size + 4 + 6 + 8 * size);
    const q = new DriverQueue(this.mem, index, size, area);
    this.programQueue(index, size, q.desc, q.avail, q.used);
    this.w(R.queueReady, 1);
    return q;
  }

  programQueue(index: number, size: number, desc: number, avail: number, used: number): void {
    this.w(R.queueSel, index);
    this.w(R.queueNum, size);
    this.w(R.queueDescLow, desc);
    this.w(R.queueDescHigh, 0);
    this.w(R.queueDriverLow, avail);
    this.w(R.queueDriverHigh, 0);
    this.w(R.queueDeviceLow, used);
    this.w(R.queueDeviceHigh, 0);
  }

  driverOk(): void {
    this.w(R.status, this.status | DeviceStatus.driverOk);
  }

  notify(queue: number): void {
    this.w(R.queueNotify, queue);
  }

  ack(): number {
    const pending = this.r(R.interruptStatus);
    this.w(R.interruptAck, pending);
    return pending;
  }
}
