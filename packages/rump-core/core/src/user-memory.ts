import { Errno } from './errno';

/**
 * The application's memory as the RK may touch it: copies in and out that
 * report a bad address instead of faulting (rump's copyin/copyout). The
 * glue implements it over the application's page table; tests over a buffer.
 */
export interface UserMemory {
  /** Fills `into` from [addr, addr + into.length); false if any byte is not readable. */
  copyIn(addr: number, into: Uint8Array): boolean;
  /** Writes `from` at addr; false (and nothing written) if any byte is not writable. */
  copyOut(addr: number, from: Uint8Array): boolean;
}

/**
 * User memory the RK may also map pages in: what `break` and anonymous
 * `mmap` need. The glue implements it over the application's page table
 * (frames from the memory manager); without it those calls are `ENOMEM`.
 */
export interface MappableMemory extends UserMemory {
  /** Backs [addr, addr + length) (page aligned) with fresh zeroed pages of `prot`; false when no memory is left. */
  mapAnonymous(addr: number, length: number, prot: number): boolean;
  /** Removes the pages of [addr, addr + length): later accesses fail. */
  unmap(addr: number, length: number): void;
  /** Changes the protection of mapped pages. */
  protect(addr: number, length: number, prot: number): void;
}

export function isMappable(mem: UserMemory): mem is MappableMemory {
  const m = mem as Partial<MappableMemory>;
  return (
    typeof m.mapAnonymous === 'function' &&
    typeof m.unmap === 'function' &&
    typeof m.protect === 'function'
  );
}

/** Longest path the RK accepts (NetBSD's PATH_MAX). */
export const PATH_MAX = 1024;

/**
 * A NUL-terminated string from user memory, read in small pieces so that a
 * string ending just before unmapped memory is still read. Returns -EFAULT
 * or -ENAMETOOLONG instead of a string.
 */
export function copyInString(mem: UserMemory, addr: number, max = PATH_MAX): string | number {
  const chunk = new Uint8Array(64);
  const parts: Buffer[] = [];
  let total = 0;
  for (;;) {
    // Never cross a 4 KiB page in one copy: the next page may be unmapped.
    const room = 4096 - ((addr + total) & 4095);
    const piece = chunk.subarray(0, Math.min(chunk.length, room));
    if (!mem.copyIn(addr + total, piece)) {
      // Fall back byte by byte up to the fault.
      let n = 0;
      const one = chunk.subarray(0, 1);
      while (n < piece.length && mem.copyIn(addr + total + n, one)) {
        if (one[0] === 0)
          return Buffer.concat([...parts, Buffer.from(piece.subarray(0, n))]).toString('utf8');
        piece[n] = one[0]!;
        n++;
      }
      return -Errno.EFAULT;
    }
    const nul = piece.indexOf(0);
    if (nul >= 0) {
      if (total + nul > max) return -Errno.ENAMETOOLONG;
      parts.push(Buffer.from(piece.subarray(0, nul)));
      return Buffer.concat(parts).toString('utf8');
    }
    parts.push(Buffer.from(piece));
    total += piece.length;
    if (total > max) return -Errno.ENAMETOOLONG;
  }
}

const PAGE = 4096;
const READ = 1;
const WRITE = 2;

export interface BufferUserMemoryOptions {
  /** Most bytes `mapAnonymous` may back at once (default: unlimited), to play a memory manager that refuses. */
  readonly mapLimit?: number;
}

/**
 * A flat buffer at `base` as an application's memory (tests, tools, and a
 * native caller's own buffers). Every page starts readable and writable;
 * `unmap`/`protect` change that per page, so faults past a `munmap` or on a
 * read-only page are as real as over a page table.
 */
export class BufferUserMemory implements MappableMemory {
  readonly bytes: Uint8Array;
  /** Per page: READ | WRITE bits. */
  private readonly prot: Uint8Array;
  private anonymousBytes = 0;

  constructor(
    readonly base: number,
    size: number,
    private readonly options: BufferUserMemoryOptions = {},
  ) {
    if (base % PAGE !== 0 || size % PAGE !== 0 || size <= 0 || base + size > 2 ** 32)
      throw new RangeError(
        `user memory: base 0x${base.toString(16)} and size ${size} must be whole 4 KiB pages within 32 bits`,
      );
    this.bytes = new Uint8Array(size);
    this.prot = new Uint8Array(size / PAGE).fill(READ | WRITE);
  }

  /** Whether every page of [addr, addr + length) allows `need`. */
  private allows(addr: number, length: number, need: number): boolean {
    const off = (addr >>> 0) - this.base;
    if (off < 0 || off + length > this.bytes.length) return false;
    if (length === 0) return true;
    const last = Math.floor((off + length - 1) / PAGE);
    for (let page = Math.floor(off / PAGE); page <= last; page++)
      if ((this.prot[page]! & need) !== need) return false;
    return true;
  }

  copyIn(addr: number, into: Uint8Array): boolean {
    if (!this.allows(addr, into.length, READ)) return false;
    const off = (addr >>> 0) - this.base;
    into.set(this.bytes.subarray(off, off + into.length));
    return true;
  }

  copyOut(addr: number, from: Uint8Array): boolean {
    if (!this.allows(addr, from.length, WRITE)) return false;
    this.bytes.set(from, (addr >>> 0) - this.base);
    return true;
  }

  /** Pages of [addr, addr + length) inside the buffer, or undefined. */
  private pages(addr: number, length: number): [number, number] | undefined {
    const off = addr - this.base;
    if (off < 0 || off % PAGE !== 0 || length % PAGE !== 0 || off + length > this.bytes.length)
      return undefined;
    return [off / PAGE, (off + length) / PAGE];
  }

  mapAnonymous(addr: number, length: number, prot: number): boolean {
    const range = this.pages(addr, length);
    if (!range) return false;
    const limit = this.options.mapLimit ?? Number.POSITIVE_INFINITY;
    if (this.anonymousBytes + length > limit) return false;
    this.anonymousBytes += length;
    this.bytes.fill(0, addr - this.base, addr - this.base + length);
    this.prot.fill(prot & (READ | WRITE), range[0], range[1]);
    return true;
  }

  unmap(addr: number, length: number): void {
    const range = this.pages(addr, length);
    if (!range) return;
    this.anonymousBytes = Math.max(0, this.anonymousBytes - length);
    this.prot.fill(0, range[0], range[1]);
  }

  protect(addr: number, length: number, prot: number): void {
    const range = this.pages(addr, length);
    if (range) this.prot.fill(prot & (READ | WRITE), range[0], range[1]);
  }

  /** Bytes currently backed by `mapAnonymous`. */
  get anonymous(): number {
    return this.anonymousBytes;
  }
}
