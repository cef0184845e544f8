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

/** A flat buffer at `base` as user memory (tests, and a native caller's own buffers). */
export class BufferUserMemory implements UserMemory {
  readonly bytes: Uint8Array;
  constructor(
    readonly base: number,
    size: number,
  ) {
    this.bytes = new Uint8Array(size);
  }

  private inside(addr: number, length: number): boolean {
    const off = (addr >>> 0) - this.base;
    return off >= 0 && off + length <= this.bytes.length;
  }

  copyIn(addr: number, into: Uint8Array): boolean {
    if (!this.inside(addr, into.length)) return false;
    const off = (addr >>> 0) - this.base;
    into.set(this.bytes.subarray(off, off + into.length));
    return true;
  }

  copyOut(addr: number, from: Uint8Array): boolean {
    if (!this.inside(addr, from.length)) return false;
    this.bytes.set(from, (addr >>> 0) - this.base);
    return true;
  }
}
