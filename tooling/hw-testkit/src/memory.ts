import { PhysicalAccessError, type PhysicalMemory } from '@evm/contracts';

/**
 * Guest RAM for device tests: a zeroed buffer at `base`, bounds-checked like
 * the real bus (an access outside it throws `PhysicalAccessError`), with
 * typed helpers for laying out rings, descriptors and parameter blocks.
 */
export class FakeMemory implements PhysicalMemory {
  readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(
    readonly base = 0x8000_0000,
    readonly size = 1 << 20,
  ) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  isRam(addr: number, length: number): boolean {
    const off = (addr >>> 0) - this.base;
    return Number.isInteger(length) && length >= 0 && off >= 0 && off + length <= this.size;
  }

  private offset(addr: number, length: number, write: boolean): number {
    if (!this.isRam(addr, length)) throw new PhysicalAccessError(addr, length, write);
    return (addr >>> 0) - this.base;
  }

  read8(addr: number): number {
    return this.view.getUint8(this.offset(addr, 1, false));
  }
  read16(addr: number): number {
    return this.view.getUint16(this.offset(addr, 2, false), true);
  }
  read32(addr: number): number {
    return this.view.getUint32(this.offset(addr, 4, false), true);
  }
  write8(addr: number, value: number): void {
    this.view.setUint8(this.offset(addr, 1, true), value);
  }
  write16(addr: number, value: number): void {
    this.view.setUint16(this.offset(addr, 2, true), value, true);
  }
  write32(addr: number, value: number): void {
    this.view.setUint32(this.offset(addr, 4, true), value >>> 0, true);
  }
  readBytes(addr: number, into: Uint8Array): void {
    const off = this.offset(addr, into.length, false);
    into.set(this.bytes.subarray(off, off + into.length));
  }
  writeBytes(addr: number, from: Uint8Array): void {
    this.bytes.set(from, this.offset(addr, from.length, true));
  }

  /** Writes a NUL-terminated string (UTF-8) and returns the address after it. */
  writeString(addr: number, text: string): number {
    const bytes = Buffer.from(`${text}\0`, 'utf8');
    this.writeBytes(addr, bytes);
    return addr + bytes.length;
  }

  /** Reads `length` bytes as latin1 text. */
  readText(addr: number, length: number): string {
    const out = new Uint8Array(length);
    this.readBytes(addr, out);
    return Buffer.from(out).toString('latin1');
  }
}
