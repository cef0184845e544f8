import type { PhysicalMemory } from '@evm/contracts';
import { Errno, SemihostingFault } from './errno';

/**
 * Maps a guest virtual address to a physical one; returns undefined (or
 * throws) when the page is not mapped. The mapping of one address holds for
 * the rest of its 4 KiB page.
 */
export type AddressTranslator = (va: number) => number | undefined;

const PAGE = 4096;
const ADDRESS_SPACE = 2 ** 32;

function hex(addr: number): string {
  return `0x${(addr >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * The guest's memory as semihosting sees it: every access is checked, so a
 * bad pointer becomes an EFAULT `SemihostingFault` instead of a host
 * exception. Ranges are checked whole before anything is copied, so a
 * failed call has no partial effect on guest memory.
 */
export class GuestMemory {
  private readonly word = new Uint8Array(4);
  private readonly wordView = new DataView(this.word.buffer);

  constructor(
    private readonly memory: PhysicalMemory,
    private readonly translate?: AddressTranslator,
  ) {}

  /** Throws EFAULT unless all of [va, va+length) is guest RAM. */
  check(va: number, length: number): void {
    this.forEachPiece(va, length, () => {});
  }

  read(va: number, into: Uint8Array): void {
    this.check(va, into.length);
    this.forEachPiece(va, into.length, (pa, offset, n) =>
      this.memory.readBytes(pa, into.subarray(offset, offset + n)),
    );
  }

  write(va: number, from: Uint8Array): void {
    this.check(va, from.length);
    this.forEachPiece(va, from.length, (pa, offset, n) =>
      this.memory.writeBytes(pa, from.subarray(offset, offset + n)),
    );
  }

  /** A little-endian 32-bit word at any alignment, unsigned. */
  readWord(va: number): number {
    this.read(va, this.word);
    return this.wordView.getUint32(0, true);
  }

  writeWord(va: number, value: number): void {
    this.wordView.setUint32(0, value >>> 0, true);
    this.write(va, this.word);
  }

  /** The `index`th 4-byte field of the parameter block at `block`. */
  field(block: number, index: number): number {
    return this.readWord(block + 4 * index);
  }

  /**
   * Reads a NUL-terminated string in pieces of up to `piece` bytes, handing
   * each to `sink` (without the NUL). Stops at the NUL or throws EFAULT at
   * the first byte outside RAM, after handing over what came before it.
   */
  readCString(va: number, sink: (bytes: Uint8Array) => void, piece = 4096): void {
    const buffer = new Uint8Array(piece);
    let used = 0;
    let addr = va >>> 0;
    for (;;) {
      let byte: number;
      try {
        byte = this.byteAt(addr);
      } catch (err) {
        if (used > 0) sink(buffer.slice(0, used));
        throw err;
      }
      if (byte === 0) break;
      buffer[used++] = byte;
      if (used === piece) {
        sink(buffer.slice(0, used));
        used = 0;
      }
      addr = (addr + 1) >>> 0;
      if (addr === 0) throw this.fault(va, 1); // ran off the top of the address space
    }
    if (used > 0) sink(buffer.slice(0, used));
  }

  private byteAt(va: number): number {
    let pa = va;
    if (this.translate) pa = this.translated(va, 1);
    if (!this.memory.isRam(pa, 1)) throw this.fault(va, 1);
    return this.memory.read8(pa);
  }

  /** Calls `fn` for each physically contiguous piece (one per page when translating). */
  private forEachPiece(
    va: number,
    length: number,
    fn: (pa: number, offset: number, n: number) => void,
  ): void {
    if (!Number.isInteger(va) || !Number.isInteger(length) || length < 0)
      throw this.fault(va, length);
    if (length === 0) return;
    const start = va >>> 0;
    if (start + length > ADDRESS_SPACE) throw this.fault(va, length);
    if (!this.translate) {
      if (!this.memory.isRam(start, length)) throw this.fault(va, length);
      fn(start, 0, length);
      return;
    }
    let offset = 0;
    while (offset < length) {
      const addr = start + offset;
      const n = Math.min(length - offset, PAGE - (addr % PAGE));
      const pa = this.translated(addr, n);
      if (!this.memory.isRam(pa, n)) throw this.fault(va, length);
      fn(pa, offset, n);
      offset += n;
    }
  }

  private translated(va: number, length: number): number {
    let pa: number | undefined;
    try {
      pa = this.translate!(va >>> 0);
    } catch {
      pa = undefined;
    }
    if (pa === undefined || !Number.isInteger(pa) || pa < 0 || pa >= ADDRESS_SPACE) {
      throw this.fault(va, length);
    }
    return pa;
  }

  private fault(va: number, length: number): SemihostingFault {
    return new SemihostingFault(Errno.EFAULT, `bad guest address ${hex(va)} (${length} bytes)`);
  }
}
