/**
 * Physical memory the kernel owns: a range of 4 KiB frames inside one
 * ArrayBuffer (the machine's RAM, or a private buffer for a kernel with only
 * native components). Page tables, guest images, thread stacks and shared
 * regions are all frames from here, so a region is the same bytes whether a
 * guest maps it or a native component views it.
 */
import { EvmError } from '@evm/contracts';

export const PAGE = 4096;

export interface FramePoolOptions {
  /** Backing store: byte 0 is physical address `ramBase`. */
  readonly buffer: ArrayBuffer;
  readonly ramBase: number;
  readonly ramSize: number;
  /** Frames the kernel may hand out: [base, base + size), page-aligned, inside RAM. */
  readonly base: number;
  readonly size: number;
  /** Told about kernel writes to RAM (so a hart drops code it decoded there). */
  readonly onWrite?: (ramOffset: number, length: number) => void;
}

export class FramePool {
  readonly ram8: Uint8Array;
  readonly ram32: Int32Array;
  readonly ramBase: number;
  readonly base: number;
  readonly pages: number;
  /** One byte per frame: 1 = allocated. */
  private readonly used: Uint8Array;
  private freeCount: number;
  /** Where the next first-fit search starts (frames are mostly freed in bulk). */
  private hint = 0;
  private readonly onWrite: ((ramOffset: number, length: number) => void) | undefined;

  constructor(options: FramePoolOptions) {
    const { buffer, ramBase, ramSize, base, size } = options;
    const ramStart = ramBase >>> 0;
    const start = base >>> 0;
    if (start % PAGE !== 0 || size % PAGE !== 0 || size <= 0) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `kernel memory must be whole 4 KiB pages; got base 0x${start.toString(16)}, size ${size}`,
      );
    }
    if (start < ramStart || start + size > ramStart + ramSize || ramSize > buffer.byteLength) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `kernel memory 0x${start.toString(16)}+0x${size.toString(16)} lies outside RAM 0x${ramStart.toString(16)}+0x${ramSize.toString(16)}`,
      );
    }
    this.ram8 = new Uint8Array(buffer, 0, ramSize);
    this.ram32 = new Int32Array(buffer, 0, ramSize >>> 2);
    this.ramBase = ramStart;
    this.base = start;
    this.pages = size / PAGE;
    this.used = new Uint8Array(this.pages);
    this.freeCount = this.pages;
    this.onWrite = options.onWrite;
  }

  get freePages(): number {
    return this.freeCount;
  }

  /** `pages` contiguous zeroed frames; returns the physical address, or -1 when none are free. */
  alloc(pages: number): number {
    if (pages <= 0 || pages > this.freeCount) return -1;
    const found = this.search(this.hint, this.pages, pages);
    const at = found >= 0 ? found : this.search(0, this.hint + pages - 1, pages);
    if (at < 0) return -1;
    this.used.fill(1, at, at + pages);
    this.freeCount -= pages;
    this.hint = at + pages >= this.pages ? 0 : at + pages;
    const pa = this.base + at * PAGE;
    this.zero(pa, pages * PAGE);
    return pa;
  }

  private search(from: number, to: number, pages: number): number {
    const used = this.used;
    const end = Math.min(to, this.pages);
    let run = 0;
    for (let i = from; i < end; i++) {
      if (used[i] !== 0) run = 0;
      else if (++run === pages) return i - pages + 1;
    }
    return -1;
  }

  free(pa: number, pages: number): void {
    const first = (pa - this.base) / PAGE;
    if (!Number.isInteger(first) || first < 0 || first + pages > this.pages) {
      throw new RangeError(`frame 0x${(pa >>> 0).toString(16)} (+${pages}) is not kernel memory`);
    }
    for (let i = first; i < first + pages; i++) {
      if (this.used[i] === 0)
        throw new RangeError(`frame 0x${(this.base + i * PAGE).toString(16)} freed twice`);
      this.used[i] = 0;
    }
    this.freeCount += pages;
  }

  /** RAM offset of a physical address (for the typed-array views). */
  offset(pa: number): number {
    return pa - this.ramBase;
  }

  zero(pa: number, length: number): void {
    const off = pa - this.ramBase;
    this.ram8.fill(0, off, off + length);
    this.onWrite?.(off, length);
  }

  write(pa: number, bytes: Uint8Array): void {
    const off = pa - this.ramBase;
    this.ram8.set(bytes, off);
    this.onWrite?.(off, bytes.length);
  }

  /** A live view of [pa, pa + length). */
  view(pa: number, length: number): Uint8Array {
    const off = pa - this.ramBase;
    return this.ram8.subarray(off, off + length);
  }

  read32(pa: number): number {
    return this.ram32[(pa - this.ramBase) >>> 2]!;
  }

  write32(pa: number, value: number): void {
    const off = pa - this.ramBase;
    this.ram32[off >>> 2] = value;
    this.onWrite?.(off, 4);
  }
}
