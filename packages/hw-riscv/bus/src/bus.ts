import {
  type AccessWidth,
  BusAccessFault,
  EvmError,
  type MachineBus,
  type MmioDevice,
  PhysicalAccessError,
  type RamRegion,
} from '@evm/contracts';
import { CODE_PAGE_SIZE, CodeWatch, type CodeWatcher, type CodeWriteListener } from './code-watch';
import { DeviceMap, type DeviceWindow } from './device-map';

/** QEMU `virt` puts RAM here. */
export const DEFAULT_RAM_BASE = 0x8000_0000;

export interface BusOptions {
  /** Physical address of RAM (default 0x8000_0000); a multiple of 4096. */
  readonly ramBase?: number;
  /** RAM size in bytes; a multiple of 4096, at most 2 GiB. */
  readonly ramSize: number;
  /** Existing backing store to use (its byteLength must equal ramSize). */
  readonly buffer?: ArrayBuffer;
}

const ADDRESS_SPACE = 0x1_0000_0000;
const MAX_RAM = 0x8000_0000;

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

function checkWidth(width: number): asserts width is AccessWidth {
  if (width !== 1 && width !== 2 && width !== 4) {
    throw new EvmError(
      'EVM_INVALID_ARGUMENT',
      `bus access width must be 1, 2 or 4 bytes; got ${width}`,
    );
  }
}

function hostIsLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/**
 * The system bus: one RAM region plus MMIO device windows.
 *
 * Harts bind the typed-array views (`ram8`, `ram16`, `ram32`) once and do
 * their own aligned fast path; everything here is the slow path (devices,
 * DMA, loaders), bounds-checked and reporting bad addresses as errors. RAM
 * writes made through the bus honour the code write-watch (`codeWatch`), so
 * predecoded or translated code never goes stale behind a hart's back.
 */
export class Bus implements MachineBus {
  readonly ram: RamRegion;
  /** RAM base and size as plain numbers (unsigned). */
  readonly ramBase: number;
  readonly ramSize: number;
  /** Views on the RAM buffer (little-endian host): index = (addr - ramBase) / width. */
  readonly ram8: Uint8Array;
  readonly ram16: Uint16Array;
  readonly ram32: Int32Array;
  /** Per-4KiB-page write-watch flags and their listeners. */
  readonly codeWatch: CodeWatch;
  private readonly view: DataView;
  private readonly map: DeviceMap;

  constructor(options: BusOptions) {
    if (!hostIsLittleEndian()) {
      throw new EvmError('EVM_INVALID_ARGUMENT', 'the RISC-V bus model needs a little-endian host');
    }
    const ramBase = options.ramBase ?? DEFAULT_RAM_BASE;
    const { ramSize } = options;
    if (
      !Number.isInteger(ramBase) ||
      ramBase < 0 ||
      ramBase >= ADDRESS_SPACE ||
      ramBase % CODE_PAGE_SIZE !== 0
    ) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `ramBase must be a 4 KiB-aligned 32-bit address; got ${ramBase}`,
      );
    }
    if (
      !Number.isInteger(ramSize) ||
      ramSize <= 0 ||
      ramSize > MAX_RAM ||
      ramSize % CODE_PAGE_SIZE !== 0
    ) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `ramSize must be a positive multiple of 4096 up to 2 GiB; got ${ramSize}`,
      );
    }
    if (ramBase + ramSize > ADDRESS_SPACE) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `RAM ${hex(ramBase)} + ${ramSize} bytes runs past the 32-bit address space`,
      );
    }
    const buffer = options.buffer ?? new ArrayBuffer(ramSize);
    if (buffer.byteLength !== ramSize) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `RAM buffer holds ${buffer.byteLength} bytes but ramSize is ${ramSize}`,
      );
    }
    this.ramBase = ramBase;
    this.ramSize = ramSize;
    this.ram = { base: ramBase, size: ramSize, buffer };
    this.ram8 = new Uint8Array(buffer);
    this.ram16 = new Uint16Array(buffer);
    this.ram32 = new Int32Array(buffer);
    this.view = new DataView(buffer);
    this.codeWatch = new CodeWatch(ramSize);
    this.map = new DeviceMap([{ name: 'RAM', base: ramBase, size: ramSize }]);
  }

  /** Maps `device` at `base`; overlapping RAM or another device is an error naming both. */
  attach(base: number, device: MmioDevice): void {
    this.map.add(base, device);
  }

  /** The device windows in address order. */
  get devices(): readonly DeviceWindow[] {
    return this.map.all;
  }

  /** The window claiming [addr, addr+width), if any. */
  deviceAt(addr: number, width: number = 1): DeviceWindow | undefined {
    return this.map.find(addr >>> 0, width);
  }

  /** Registers a code-write listener; see `CodeWatch`. */
  watchCode(listener: CodeWriteListener): CodeWatcher {
    return this.codeWatch.register(listener);
  }

  /**
   * Tells code watchers that [addr, addr+length) changed behind the bus (e.g.
   * a loader that filled the RAM buffer directly). Parts outside RAM are ignored.
   */
  invalidateCode(addr: number, length: number): void {
    const start = Math.max(addr >>> 0, this.ramBase);
    const end = Math.min((addr >>> 0) + length, this.ramBase + this.ramSize);
    if (end > start) this.codeWatch.notify(start - this.ramBase, end - start);
  }

  // --- MachineBus: any physical address --------------------------------------------------

  load(addr: number, width: AccessWidth): number {
    checkWidth(width);
    const a = addr >>> 0;
    const off = a - this.ramBase;
    if (off >= 0 && off + width <= this.ramSize) return this.readRam(off, width);
    const w = this.map.find(a, width);
    if (w === undefined) throw new BusAccessFault(a, false);
    return w.device.read(a - w.base, width) >>> 0;
  }

  store(addr: number, width: AccessWidth, value: number): void {
    checkWidth(width);
    const a = addr >>> 0;
    const off = a - this.ramBase;
    if (off >= 0 && off + width <= this.ramSize) {
      this.writeRam(off, width, value);
      return;
    }
    const w = this.map.find(a, width);
    if (w === undefined) throw new BusAccessFault(a, true);
    w.device.write(
      a - w.base,
      width,
      width === 4 ? value >>> 0 : value & (width === 1 ? 0xff : 0xffff),
    );
  }

  // --- PhysicalMemory: RAM only, for DMA and loaders ------------------------------------

  isRam(addr: number, length: number): boolean {
    if (!Number.isFinite(addr) || !Number.isInteger(length) || length < 0) return false;
    const off = (addr >>> 0) - this.ramBase;
    return off >= 0 && off + length <= this.ramSize;
  }

  read8(addr: number): number {
    return this.ram8[this.ramOffset(addr, 1, false)]!;
  }

  read16(addr: number): number {
    return this.view.getUint16(this.ramOffset(addr, 2, false), true);
  }

  read32(addr: number): number {
    return this.view.getUint32(this.ramOffset(addr, 4, false), true);
  }

  write8(addr: number, value: number): void {
    this.writeRam(this.ramOffset(addr, 1, true), 1, value);
  }

  write16(addr: number, value: number): void {
    this.writeRam(this.ramOffset(addr, 2, true), 2, value);
  }

  write32(addr: number, value: number): void {
    this.writeRam(this.ramOffset(addr, 4, true), 4, value);
  }

  readBytes(addr: number, into: Uint8Array): void {
    const off = this.ramOffset(addr, into.length, false);
    into.set(this.ram8.subarray(off, off + into.length));
  }

  writeBytes(addr: number, from: Uint8Array): void {
    const off = this.ramOffset(addr, from.length, true);
    this.ram8.set(from, off);
    this.codeWatch.notify(off, from.length);
  }

  // --- internals ---------------------------------------------------------------------------

  /** Offset into RAM of [addr, addr+length), or a PhysicalAccessError. */
  private ramOffset(addr: number, length: number, write: boolean): number {
    if (typeof addr !== 'number' || !Number.isInteger(addr)) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `physical address must be an integer; got ${String(addr)}`,
      );
    }
    const off = (addr >>> 0) - this.ramBase;
    if (off < 0 || off + length > this.ramSize)
      throw new PhysicalAccessError(addr >>> 0, length, write);
    return off;
  }

  private readRam(off: number, width: AccessWidth): number {
    if (width === 1) return this.ram8[off]!;
    if (width === 2) return this.view.getUint16(off, true);
    return this.view.getUint32(off, true);
  }

  private writeRam(off: number, width: AccessWidth, value: number): void {
    if (width === 1) this.ram8[off] = value;
    else if (width === 2) this.view.setUint16(off, value & 0xffff, true);
    else this.view.setInt32(off, value | 0, true);
    if (
      this.codeWatch.flags[off >>> 12] !== 0 ||
      this.codeWatch.flags[(off + width - 1) >>> 12] !== 0
    ) {
      this.codeWatch.notify(off, width);
    }
  }
}
