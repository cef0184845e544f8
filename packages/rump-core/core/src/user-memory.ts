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

/** Where strings are gathered: one per host process is enough, since a copy never re-enters the RK. */
const stringBuffer = new Uint8Array(PATH_MAX + 64);
const CHUNK = 64;

/**
 * A NUL-terminated string from user memory (at most `max` bytes before the
 * NUL), read in small pieces that never cross a page, so a string ending
 * just before unmapped memory is still read. Returns -EFAULT or
 * -ENAMETOOLONG instead of a string.
 */
export function copyInString(mem: UserMemory, addr: number, max = PATH_MAX): string | number {
  const buf = max <= PATH_MAX ? stringBuffer : new Uint8Array(max + CHUNK);
  let total = 0;
  for (;;) {
    const room = 4096 - ((addr + total) & 4095);
    const piece = buf.subarray(total, total + Math.min(CHUNK, room));
    if (!mem.copyIn(addr + total, piece)) {
      // Memory that is not page-granular may end inside the piece: go byte by byte up to the fault.
      for (let n = 0; n < piece.length; n++) {
        if (!mem.copyIn(addr + total + n, piece.subarray(n, n + 1))) return -Errno.EFAULT;
        if (piece[n] === 0) return decode(buf, total + n, max);
      }
      return -Errno.EFAULT;
    }
    const nul = piece.indexOf(0);
    if (nul >= 0) return decode(buf, total + nul, max);
    total += piece.length;
    if (total > max) return -Errno.ENAMETOOLONG;
  }
}

function decode(buf: Uint8Array, length: number, max: number): string | number {
  if (length > max) return -Errno.ENAMETOOLONG;
  return Buffer.from(buf.buffer, buf.byteOffset, length).toString('utf8');
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
